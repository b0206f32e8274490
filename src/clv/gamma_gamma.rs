//! The Gamma-Gamma spend model (Colombo & Jiang 1999; Fader, Hardie & Lee 2005, "RFM and CLV"):
//! likelihood with analytic gradient and the conditional expected spend. Part of the clv stage;
//! depends on [`super::special`] and [`super::rows`].
//!
//! A customer's purchase values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers. For the
//! mean zbar of x repeat purchases:
//! ln f = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + px ln x + (px−1) ln zbar − (px+q) ln(γ + x·zbar).

use super::rows::{Rows, ordered_sum};
use super::special::{digamma, ln_gamma};
use serde::{Deserialize, Serialize};

/// Gamma-Gamma parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaParams {
    /// Shape of each purchase's value.
    pub p: f64,
    /// Shape of the distribution of the customers' scale ν.
    pub q: f64,
    /// Rate of the distribution of the customers' scale ν.
    pub gamma: f64,
}

impl GammaGammaParams {
    /// Parameters from their logarithms.
    pub(crate) fn from_log(t: &[f64]) -> Self {
        GammaGammaParams {
            p: t[0].exp(),
            q: t[1].exp(),
            gamma: t[2].exp(),
        }
    }

    /// Logarithms of the parameters.
    pub(crate) fn to_log(self) -> Vec<f64> {
        vec![self.p.ln(), self.q.ln(), self.gamma.ln()]
    }

    /// Population mean value of a purchase, pγ/(q − 1); `None` when q ≤ 1 (infinite mean).
    pub fn population_mean(&self) -> Option<f64> {
        (self.q > 1.0).then(|| self.p * self.gamma / (self.q - 1.0))
    }

    /// Expected value of a customer's purchases given x repeat purchases of mean zbar: the
    /// credibility-weighted mean (γ + x·zbar)·p/(px + q − 1), and `population` when x = 0.
    pub fn conditional_mean(&self, x: f64, zbar: f64, population: f64) -> f64 {
        if x <= 0.0 {
            return population;
        }
        let GammaGammaParams { p, q, gamma } = *self;
        let den = p * x + q - 1.0;
        if den <= 0.0 {
            zbar
        } else {
            (gamma + x * zbar) * p / den
        }
    }
}

/// −(mean log-likelihood) over spend rows (x, zbar > 0) at log-parameters, with its gradient.
pub(crate) fn objective(rows: &Rows, theta: &[f64], grad: &mut [f64]) -> f64 {
    let GammaGammaParams { p, q, gamma } = GammaGammaParams::from_log(theta);
    // Per distinct x: lnΓ(px+q) − lnΓ(px) − lnΓ(q) + px ln x, and the ψ terms of the gradient.
    let consts: Vec<[f64; 3]> = rows
        .xs
        .iter()
        .map(|&x| {
            let (px, lx) = (p * x, x.ln());
            [
                ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q) + px * lx,
                x * (digamma(px + q) - digamma(px) + lx),
                digamma(px + q) - digamma(q),
            ]
        })
        .collect();
    let ln_gamma_rate = gamma.ln();
    let sums = ordered_sum::<4>(rows.len(), |range| {
        let mut acc = [0.0f64; 4];
        for i in range {
            let (x, z, w) = (rows.x[i], rows.u[i], rows.weight[i]);
            let k = &consts[rows.slot[i] as usize];
            let (lz, ls) = (z.ln(), (gamma + x * z).ln());
            let px = p * x;
            acc[0] += w * (k[0] + q * ln_gamma_rate + (px - 1.0) * lz - (px + q) * ls);
            acc[1] += w * (k[1] + x * lz - x * ls);
            acc[2] += w * (k[2] + ln_gamma_rate - ls);
            acc[3] += w * (q / gamma - (px + q) / (gamma + x * z));
        }
        Some(acc)
    })
    .expect("every chunk sums");
    let n = rows.customers();
    let natural = [p, q, gamma];
    for j in 0..3 {
        grad[j] = -sums[j + 1] * natural[j] / n;
    }
    -sums[0] / n
}

/// Starting points around the observed mean spend.
pub(crate) fn starts(rows: &Rows) -> Vec<Vec<f64>> {
    let total: f64 = (0..rows.len()).map(|i| rows.weight[i] * rows.u[i]).sum();
    let mean = (total / rows.customers()).max(1e-9);
    // With q − 1 = p, the population mean pγ/(q−1) equals γ: start γ near the observed mean.
    [
        (1.0, 2.0, 1.0),
        (5.0, 4.0, 0.6),
        (0.5, 1.5, 1.0),
        (10.0, 10.0, 0.9),
    ]
    .iter()
    .map(|&(p, q, k)| {
        GammaGammaParams {
            p,
            q,
            gamma: k * mean * (q - 1.0) / p,
        }
        .to_log()
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDNOW: GammaGammaParams = GammaGammaParams {
        p: 6.25,
        q: 3.74,
        gamma: 15.44,
    };

    #[test]
    fn conditional_mean_weighs_population_and_own_mean() {
        // x = 2, zbar = 22.35: (15.44 + 44.70)·6.25/(12.5 + 2.74) = 375.875/15.24 = 24.664
        let m = CDNOW.conditional_mean(2.0, 22.35, 0.0);
        assert!((m - 24.664).abs() < 1e-3, "{m}");
        // Population mean pγ/(q−1) = 96.5/2.74 = 35.219
        assert!((CDNOW.population_mean().unwrap() - 35.219).abs() < 1e-3);
        assert_eq!(CDNOW.conditional_mean(0.0, 0.0, 35.0), 35.0);
    }

    #[test]
    fn an_infinite_population_mean_is_reported_as_none() {
        assert_eq!(GammaGammaParams { q: 0.9, ..CDNOW }.population_mean(), None);
    }

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let (rows, _) = Rows::compress(&[1.0, 2.0, 5.0], &[12.0, 22.35, 40.0], &[0.0; 3], |_| true);
        let theta = CDNOW.to_log();
        let mut g = vec![0.0; 3];
        objective(&rows, &theta, &mut g);
        let mut scratch = vec![0.0; 3];
        for j in 0..3 {
            let h = 1e-6;
            let (mut up, mut down) = (theta.clone(), theta.clone());
            up[j] += h;
            down[j] -= h;
            let numeric = (objective(&rows, &up, &mut scratch)
                - objective(&rows, &down, &mut scratch))
                / (2.0 * h);
            assert!(
                (numeric - g[j]).abs() < 1e-7,
                "parameter {j}: {numeric} vs {}",
                g[j]
            );
        }
    }
}
