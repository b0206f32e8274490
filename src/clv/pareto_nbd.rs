//! The Pareto/NBD purchase model (Schmittlein, Morrison & Colombo 1987, in the form of Fader &
//! Hardie's 2005 note): likelihood, P(alive) and expected purchases. Part of the clv stage;
//! depends on [`super::special`], [`super::dual`] and [`super::pareto_nbd_integral`].
//!
//! While alive a customer buys at Poisson rate λ ~ Gamma(r, α) and dies at exponential rate
//! μ ~ Gamma(s, β). With u = −(r+x) ln(α+T) − s ln(β+T) and
//! v = ln s + ln ∫_{t_x}^{T} (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ (Fader & Hardie's s/(r+s+x)·A₀),
//! ln L = lnΓ(r+x) − lnΓ(r) + r ln α + s ln β + ln(eᵘ + eᵛ) and P(alive) = eᵘ/(eᵘ + eᵛ).
//! The integral is evaluated by a continued fraction (see [`super::pareto_nbd_integral`]), in
//! plain numbers or in dual numbers that carry the gradient (see [`super::pareto_nbd_fit`]).

use super::dual::Real;
use super::hyp2f1::Hyp2f1Error;
use super::pareto_nbd_integral::{Shape, TailMemo};
use super::special::{exprel, ln_gamma, sigmoid};
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
    /// Logarithms of the parameters.
    pub(crate) fn to_log(self) -> Vec<f64> {
        vec![self.r.ln(), self.alpha.ln(), self.s.ln(), self.beta.ln()]
    }

    /// The parameters as plain numbers for [`u_v_with`].
    pub(crate) fn shape(&self) -> Shape<f64> {
        Shape {
            r: self.r,
            alpha: self.alpha,
            s: self.s,
            beta: self.beta,
        }
    }

    /// Log-likelihood of one customer.
    #[cfg(test)]
    pub(crate) fn log_likelihood_one(&self, x: f64, t_x: f64, t: f64) -> Result<f64, Hyp2f1Error> {
        self.log_likelihood_with(x, t_x, t, &mut TailMemo::default())
    }

    /// [`Self::log_likelihood_one`] with the tails of the previous row remembered.
    pub(crate) fn log_likelihood_with(
        &self,
        x: f64,
        t_x: f64,
        t: f64,
        memo: &mut TailMemo<f64>,
    ) -> Result<f64, Hyp2f1Error> {
        let ParetoNbdParams { r, alpha, s, beta } = *self;
        let (u, v) = u_v_with(&self.shape(), x, t_x, t, memo)?;
        Ok(ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln() + log_sum(u, v))
    }

    /// Probability that a customer with (x, t_x, T) is still alive at T.
    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> Result<f64, Hyp2f1Error> {
        self.p_alive_with(x, t_x, t, &mut TailMemo::default())
    }

    /// [`Self::p_alive`] with the tails of the previous row remembered.
    pub(crate) fn p_alive_with(
        &self,
        x: f64,
        t_x: f64,
        t: f64,
        memo: &mut TailMemo<f64>,
    ) -> Result<f64, Hyp2f1Error> {
        Ok(match u_v_with(&self.shape(), x, t_x, t, memo)? {
            (u, Some(v)) => sigmoid(u - v),
            (_, None) => 1.0,
        })
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

/// (u, v) of the module header; v = −∞ when t_x = T (no time left to die unobserved), with
/// the integral's tails remembered from the previous row (see [`TailMemo`]).
pub(crate) fn u_v_with<T: Real>(
    p: &Shape<T>,
    x: f64,
    t_x: f64,
    t: f64,
    memo: &mut TailMemo<T>,
) -> Result<(T, Option<T>), Hyp2f1Error> {
    let u = -((p.r + x) * (p.alpha + t).ln()) - p.s * (p.beta + t).ln();
    if t <= t_x {
        return Ok((u, None));
    }
    Ok((u, Some(p.s.ln() + memo.ln_integral(p, x, t_x, t)?)))
}

/// ln(eᵘ + eᵛ) without overflow.
pub(crate) fn log_sum<T: Real>(u: T, v: Option<T>) -> T {
    match v {
        None => u,
        Some(v) if u.value() >= v.value() => u + (v - u).softplus(),
        Some(v) => v + (u - v).softplus(),
    }
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
