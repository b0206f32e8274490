//! The Pareto/NBD purchase model (Schmittlein, Morrison & Colombo 1987, in the form of Fader &
//! Hardie's 2005 note): likelihood, P(alive) and expected purchases. Part of the clv stage;
//! depends on [`super::special`], [`super::hyp2f1`] and [`super::rows`].
//!
//! While alive a customer buys at Poisson rate λ ~ Gamma(r, α) and dies at exponential rate
//! μ ~ Gamma(s, β). With u = −(r+x) ln(α+T) − s ln(β+T) and v = ln(s/(r+s+x)) + ln A₀,
//! ln L = lnΓ(r+x) − lnΓ(r) + r ln α + s ln β + ln(eᵘ + eᵛ) and P(alive) = eᵘ/(eᵘ + eᵛ), where,
//! for α ≥ β (the other case swaps the roles, see [`ParetoNbdParams::ln_a0_term`]):
//! A₀ = ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+t_x))/(α+t_x)^{r+s+x} − (the same at T).
//! The gradient is taken by central differences: the derivatives of ₂F₁ in its parameters are
//! not worth their code for a model fitted once per run.

use super::hyp2f1::{Hyp2f1Error, hyp2f1};
use super::rows::Rows;
use super::special::{exprel, ln_gamma, sigmoid, softplus};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Pareto/NBD parameters: purchase rate λ ~ Gamma(r, α), dropout rate μ ~ Gamma(s, β).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ParetoNbdParams {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Rate of the purchase-rate distribution (time units).
    pub alpha: f64,
    /// Shape of the dropout-rate distribution.
    pub s: f64,
    /// Rate of the dropout-rate distribution (time units).
    pub beta: f64,
}

impl ParetoNbdParams {
    /// Parameters from their logarithms.
    pub(crate) fn from_log(t: &[f64]) -> Self {
        ParetoNbdParams {
            r: t[0].exp(),
            alpha: t[1].exp(),
            s: t[2].exp(),
            beta: t[3].exp(),
        }
    }

    /// Logarithms of the parameters.
    pub(crate) fn to_log(self) -> Vec<f64> {
        vec![self.r.ln(), self.alpha.ln(), self.s.ln(), self.beta.ln()]
    }

    /// ln of one of the two terms of A₀, ₂F₁(…; z(τ))/(max(α,β)+τ)^{r+s+x}, at τ = t_x or T.
    fn ln_a0_term(&self, x: f64, tau: f64) -> Result<f64, Hyp2f1Error> {
        let ParetoNbdParams { r, alpha, s, beta } = *self;
        let rsx = r + s + x;
        let (base, f) = if alpha >= beta {
            (
                alpha + tau,
                hyp2f1(rsx, s + 1.0, rsx + 1.0, (alpha - beta) / (alpha + tau))?,
            )
        } else {
            (
                beta + tau,
                hyp2f1(rsx, r + x, rsx + 1.0, (beta - alpha) / (beta + tau))?,
            )
        };
        Ok(f.ln() - rsx * base.ln())
    }

    /// (u, v) of the module header.
    fn u_v(&self, x: f64, t_x: f64, t: f64) -> Result<(f64, f64), Hyp2f1Error> {
        let ParetoNbdParams { r, alpha, s, beta } = *self;
        let u = -(r + x) * (alpha + t).ln() - s * (beta + t).ln();
        if t <= t_x {
            return Ok((u, f64::NEG_INFINITY));
        }
        let l1 = self.ln_a0_term(x, t_x)?;
        let l2 = self.ln_a0_term(x, t)?;
        // A₀ = e^{l1} − e^{l2} > 0: the integral of a positive function over (t_x, T).
        let ln_a0 = l1 + (-(l2 - l1).exp_m1()).max(f64::MIN_POSITIVE).ln();
        Ok((u, (s / (r + s + x)).ln() + ln_a0))
    }

    /// Log-likelihood of one customer.
    pub(crate) fn log_likelihood_one(&self, x: f64, t_x: f64, t: f64) -> Result<f64, Hyp2f1Error> {
        let ParetoNbdParams { r, alpha, s, beta } = *self;
        let (u, v) = self.u_v(x, t_x, t)?;
        let lse = u.max(v) + softplus(u.min(v) - u.max(v));
        Ok(ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln() + lse)
    }

    /// Probability that a customer with (x, t_x, T) is still alive at T.
    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> Result<f64, Hyp2f1Error> {
        let (u, v) = self.u_v(x, t_x, t)?;
        Ok(sigmoid(u - v))
    }

    /// Expected purchases in (T, T + horizon]: [`Self::expected_if_alive`] · P(alive).
    pub fn expected_purchases(
        &self,
        horizon: f64,
        x: f64,
        t_x: f64,
        t: f64,
    ) -> Result<f64, Hyp2f1Error> {
        Ok(self.expected_if_alive(horizon, x, t) * self.p_alive(x, t_x, t)?)
    }

    /// Expected purchases in (T, T + horizon] given alive at T:
    /// (r+x)(β+T)/(α+T) · [1 − ((β+T)/(β+T+h))^{s−1}]/(s−1), the bracket written as
    /// −L·exprel((s−1)L) with L = ln((β+T)/(β+T+h)) so that s = 1 needs no special case.
    pub fn expected_if_alive(&self, horizon: f64, x: f64, t: f64) -> f64 {
        if horizon <= 0.0 {
            return 0.0;
        }
        let ParetoNbdParams { r, alpha, s, beta } = *self;
        let l = -(horizon / (beta + t)).ln_1p();
        (r + x) * (beta + t) / (alpha + t) * (-l * exprel((s - 1.0) * l))
    }
}

/// −(mean log-likelihood) at log-parameters `theta` (+∞ where ₂F₁ fails).
pub(crate) fn objective_value(rows: &Rows, theta: &[f64]) -> f64 {
    let p = ParetoNbdParams::from_log(theta);
    let total: Option<f64> = (0..rows.len())
        .into_par_iter()
        .with_min_len(1024)
        .map(|i| {
            p.log_likelihood_one(rows.x[i], rows.u[i], rows.v[i])
                .ok()
                .map(|ll| rows.weight[i] * ll)
        })
        .sum();
    match total {
        Some(t) if t.is_finite() => -t / rows.customers(),
        _ => f64::INFINITY,
    }
}

/// The objective with a central-difference gradient (step 1e-5 in the log-parameters).
pub(crate) fn objective(rows: &Rows, theta: &[f64], grad: &mut [f64]) -> f64 {
    let h = 1e-5;
    let mut probe = theta.to_vec();
    for j in 0..theta.len() {
        probe[j] = theta[j] + h;
        let up = objective_value(rows, &probe);
        probe[j] = theta[j] - h;
        let down = objective_value(rows, &probe);
        probe[j] = theta[j];
        grad[j] = (up - down) / (2.0 * h);
    }
    objective_value(rows, theta)
}

/// Starting points: shapes at a few typical values, rates from the observed purchase rate and
/// the mean age.
pub(crate) fn starts(rows: &Rows) -> Vec<Vec<f64>> {
    let (mut purchases, mut exposure) = (0.0, 0.0);
    for i in 0..rows.len() {
        purchases += rows.weight[i] * rows.x[i];
        exposure += rows.weight[i] * rows.v[i];
    }
    let rate = if purchases > 0.0 && exposure > 0.0 {
        purchases / exposure
    } else {
        1.0
    };
    let mean_age = (exposure / rows.customers()).max(1e-3);
    [(1.0, 1.0), (0.5, 0.5), (2.0, 2.0), (0.5, 2.0)]
        .iter()
        .map(|&(r, s)| {
            ParetoNbdParams {
                r,
                alpha: r / rate,
                s,
                beta: s * mean_age,
            }
            .to_log()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDNOW: ParetoNbdParams = ParetoNbdParams {
        r: 0.553,
        alpha: 10.578,
        s: 0.606,
        beta: 11.669,
    };

    #[test]
    fn both_branches_of_a0_agree_when_alpha_crosses_beta() {
        // Just above and below α = β the two formulas must give the same likelihood.
        let below = ParetoNbdParams {
            alpha: 11.669 - 1e-9,
            ..CDNOW
        };
        let above = ParetoNbdParams {
            alpha: 11.669 + 1e-9,
            ..CDNOW
        };
        let l1 = below.log_likelihood_one(3.0, 20.0, 35.0).unwrap();
        let l2 = above.log_likelihood_one(3.0, 20.0, 35.0).unwrap();
        assert!((l1 - l2).abs() < 1e-8, "{l1} vs {l2}");
    }

    #[test]
    fn likelihood_integrates_to_the_no_purchase_probability_for_x_zero() {
        // x = 0: L = P(no purchase in (0, T]) = (α/(α+T))^r (β/(β+T))^s + ∫ death before a purchase;
        // check against the closed form through the A₀ integral evaluated by quadrature.
        let p = CDNOW;
        let t = 30.0;
        let n = 200_000;
        let integral: f64 = (0..n)
            .map(|i| {
                let tau = (i as f64 + 0.5) * t / n as f64;
                (p.alpha + tau).powf(-p.r) * (p.beta + tau).powf(-(p.s + 1.0)) * t / n as f64
            })
            .sum();
        let l = p.alpha.powf(p.r)
            * p.beta.powf(p.s)
            * ((p.alpha + t).powf(-p.r) * (p.beta + t).powf(-p.s) + p.s * integral);
        let ll = p.log_likelihood_one(0.0, 0.0, t).unwrap();
        assert!((ll - l.ln()).abs() < 1e-8, "{ll} vs {}", l.ln());
    }

    #[test]
    fn expectation_has_no_singularity_at_s_equal_to_one() {
        let at = |s: f64| {
            ParetoNbdParams { s, ..CDNOW }
                .expected_purchases(39.0, 2.0, 30.43, 38.86)
                .unwrap()
        };
        assert!((at(1.0) - (at(1.0 - 1e-6) + at(1.0 + 1e-6)) / 2.0).abs() < 1e-9);
    }
}
