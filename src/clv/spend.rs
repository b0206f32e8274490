//! Expected spend per customer: the Gamma-Gamma fit on the repeat customers' mean values, with
//! the documented fallbacks when it cannot be used. Part of the clv stage; depends on
//! [`super::gamma_gamma`], [`super::estimate`] and [`super::report`].

use super::estimate::fit_gamma_gamma;
use super::fit::Warm;
use super::fit::{Fit, FitDiagnostics};
use super::gamma_gamma::GammaGammaParams;
use super::report::{ClvWarning, ModelKind};
use super::rows::Rows;

/// Repeat customers with a positive mean value needed to fit the Gamma-Gamma model.
pub(crate) const MIN_SPEND_CUSTOMERS: usize = 10;

/// The spend side of the CLV.
#[derive(Debug, Clone)]
pub(crate) struct Spend {
    /// The Gamma-Gamma fit, when it could be used.
    pub(crate) fit: Option<Fit<GammaGammaParams>>,
    /// Expected value of a purchase of a customer without repeat purchases.
    pub(crate) population_mean: Option<f64>,
}

/// Adds the warnings a fit's diagnostics call for.
pub(crate) fn fit_warnings(model: ModelKind, d: &FitDiagnostics, warnings: &mut Vec<ClvWarning>) {
    if !d.converged {
        warnings.push(ClvWarning::NotConverged {
            model,
            gradient_norm: d.gradient_norm,
        });
    }
    if !d.parameters_at_bound.is_empty() {
        warnings.push(ClvWarning::ParameterAtBound {
            model,
            parameters: d.parameters_at_bound.clone(),
        });
    }
}

impl Spend {
    /// Fits Gamma-Gamma on the customers with x > 0 and zbar > 0, or falls back to the mean
    /// value of all repeat purchases (Σ x·zbar / Σ x) for everyone.
    /// `warm`: an earlier fit's estimates on nearly the same customers (see
    /// [`super::WarmStart`]).
    pub(crate) fn estimate(
        x: &[f64],
        zbar: &[f64],
        warnings: &mut Vec<ClvWarning>,
        warm: Option<Warm>,
    ) -> Spend {
        let (mut purchases, mut value, mut positive, mut non_positive) = (0.0, 0.0, 0, 0);
        for (&xi, &zi) in x.iter().zip(zbar) {
            if xi > 0.0 {
                purchases += xi;
                value += xi * zi;
                if zi > 0.0 {
                    positive += 1
                } else {
                    non_positive += 1
                }
            }
        }
        let empirical = (purchases > 0.0).then(|| value / purchases);
        if non_positive > 0 {
            warnings.push(ClvWarning::NonPositiveSpend {
                customers: non_positive,
            });
        }
        if positive < MIN_SPEND_CUSTOMERS {
            warnings.push(ClvWarning::TooFewSpendCustomers {
                customers: positive,
                minimum: MIN_SPEND_CUSTOMERS,
            });
            return Spend {
                fit: None,
                population_mean: empirical,
            };
        }
        let zeros = vec![0.0; x.len()];
        let (rows, _) = Rows::compress(x, zbar, &zeros, |i| x[i] > 0.0 && zbar[i] > 0.0);
        let Some(fit) = fit_gamma_gamma(&rows, warm) else {
            warnings.push(ClvWarning::FitFailed {
                model: ModelKind::GammaGamma,
            });
            return Spend {
                fit: None,
                population_mean: empirical,
            };
        };
        fit_warnings(ModelKind::GammaGamma, &fit.diagnostics, warnings);
        let population_mean = match fit.params.population_mean() {
            Some(m) => Some(m),
            None => {
                warnings.push(ClvWarning::InfiniteMeanSpend { q: fit.params.q });
                empirical
            }
        };
        Spend {
            fit: Some(fit),
            population_mean,
        }
    }

    /// Expected value of a future purchase of a customer with x repeat purchases of mean zbar.
    pub(crate) fn expected(&self, x: f64, zbar: f64) -> Option<f64> {
        let population = self.population_mean?;
        Some(match &self.fit {
            Some(fit) => fit.params.conditional_mean(x, zbar, population),
            None => population,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_few_repeat_customers_fall_back_to_the_mean_repeat_value() {
        // Two repeat customers: (x=1, 10) and (x=3, 20): mean repeat value (10 + 60)/4 = 17.5.
        let mut warnings = Vec::new();
        let s = Spend::estimate(&[0.0, 1.0, 3.0], &[0.0, 10.0, 20.0], &mut warnings, None);
        assert!(s.fit.is_none());
        assert_eq!(s.expected(0.0, 0.0), Some(17.5));
        assert_eq!(s.expected(3.0, 20.0), Some(17.5));
        assert_eq!(
            warnings,
            vec![ClvWarning::TooFewSpendCustomers {
                customers: 2,
                minimum: 10
            }]
        );
    }

    #[test]
    fn without_any_repeat_purchase_spend_is_missing_not_zero() {
        let mut warnings = Vec::new();
        let s = Spend::estimate(&[0.0, 0.0], &[0.0, 0.0], &mut warnings, None);
        assert_eq!(s.expected(0.0, 0.0), None);
    }

    #[test]
    fn non_positive_means_are_counted_and_left_out_of_the_fit() {
        let mut warnings = Vec::new();
        Spend::estimate(&[1.0, 2.0], &[-5.0, 0.0], &mut warnings, None);
        assert!(warnings.contains(&ClvWarning::NonPositiveSpend { customers: 2 }));
    }
}
