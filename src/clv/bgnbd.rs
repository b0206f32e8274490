//! The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy
//! Way"): its likelihood with analytic gradient, P(alive) and expected purchases. Part of the clv
//! stage; depends on [`super::special`], [`super::hyp2f1`] and [`super::rows`].
//!
//! While alive a customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase it drops out
//! with probability p ~ Beta(a, b). For a customer with x repeat purchases, the last at t_x, and
//! age T:
//!
//! ln L = lnΓ(r+x) − lnΓ(r) + r ln α + ln B(a, b+x) − ln B(a, b) − (r+x) ln(α+T) + ln(1 + D),
//! D = [x > 0] · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x},  P(alive) = 1/(1 + D).

use super::hyp2f1::{Hyp2f1Error, MAX_TERMS, hyp2f1};
use super::rows::{Rows, ordered_sum};
use super::special::{digamma, exprel, ln_gamma, sigmoid, softplus};
use serde::{Deserialize, Serialize};

/// BG/NBD parameters: purchase rate λ ~ Gamma(shape r, rate α), dropout p ~ Beta(a, b).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BgNbdParams {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Rate (inverse scale, in time units) of the purchase-rate distribution.
    pub alpha: f64,
    /// First shape of the dropout-probability distribution.
    pub a: f64,
    /// Second shape of the dropout-probability distribution.
    pub b: f64,
}

/// Constants of the likelihood that depend on x but not on the customer's dates.
struct PerX {
    /// lnΓ(r+x) − lnΓ(r) + ln B(a, b+x) − ln B(a, b).
    base: f64,
    /// ψ(r+x) − ψ(r).
    d_r: f64,
    /// ∂/∂a and ∂/∂b of ln B(a, b+x) − ln B(a, b).
    d_a: f64,
    d_b: f64,
    /// ln(a/(b+x−1)), for x > 0.
    ln_ratio: f64,
}

impl BgNbdParams {
    /// Parameters from their logarithms (the optimiser's coordinates).
    pub(crate) fn from_log(t: &[f64]) -> Self {
        BgNbdParams {
            r: t[0].exp(),
            alpha: t[1].exp(),
            a: t[2].exp(),
            b: t[3].exp(),
        }
    }

    /// Logarithms of the parameters.
    pub(crate) fn to_log(self) -> Vec<f64> {
        vec![self.r.ln(), self.alpha.ln(), self.a.ln(), self.b.ln()]
    }

    fn per_x(&self, x: f64) -> PerX {
        let BgNbdParams { r, a, b, .. } = *self;
        let ab = a + b;
        PerX {
            base: ln_gamma(r + x) - ln_gamma(r) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(ab + x)
                + ln_gamma(ab),
            d_r: digamma(r + x) - digamma(r),
            d_a: digamma(ab) - digamma(ab + x),
            d_b: digamma(b + x) - digamma(b) - digamma(ab + x) + digamma(ab),
            ln_ratio: if x > 0.0 {
                a.ln() - (b + x - 1.0).ln()
            } else {
                0.0
            },
        }
    }

    /// ln D of the header formula (−∞ when x = 0).
    fn ln_d(&self, x: f64, t_x: f64, t: f64) -> f64 {
        if x == 0.0 {
            return f64::NEG_INFINITY;
        }
        let ratio = self.a.ln() - (self.b + x - 1.0).ln();
        ratio + (self.r + x) * ((self.alpha + t).ln() - (self.alpha + t_x).ln())
    }

    /// Probability that a customer with (x, t_x, T) is still alive at T.
    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> f64 {
        sigmoid(-self.ln_d(x, t_x, t))
    }

    /// Expected purchases in (T, T + horizon] of a customer with (x, t_x, T):
    /// [`Self::expected_if_alive`] · P(alive) (FHL 2005, eq. 10).
    pub fn expected_purchases(
        &self,
        horizon: f64,
        x: f64,
        t_x: f64,
        t: f64,
    ) -> Result<f64, Hyp2f1Error> {
        Ok(self.expected_if_alive(horizon, x, t)? * self.p_alive(x, t_x, t))
    }

    /// Expected purchases in (T, T + horizon] given alive at T:
    /// (a+b+x−1)/(a−1) · [1 − (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; a+b+x−1; z)], z = h/(α+T+h).
    /// This is FHL's eq. (10) after Euler's transformation of ₂F₁, which keeps the function near
    /// 1 instead of growing like (1−z)^{−x}; near a = 1 the division by a − 1 is done inside
    /// the series.
    pub fn expected_if_alive(&self, horizon: f64, x: f64, t: f64) -> Result<f64, Hyp2f1Error> {
        if horizon <= 0.0 {
            return Ok(0.0);
        }
        let BgNbdParams { r, alpha, a, b } = *self;
        let z = horizon / (alpha + t + horizon);
        let big_a = a + b - 1.0 - r;
        let big_c = a + b + x - 1.0;
        let ln_w = (-z).ln_1p();
        let bracket_over_am1 = if (a - 1.0).abs() > 1e-3 {
            let f = hyp2f1(big_a, a - 1.0, big_c, z)?;
            (1.0 - ((a - 1.0) * ln_w).exp() * f) / (a - 1.0)
        } else {
            // ₂F₁(A, a−1; C; z) = 1 + (a−1)·G: divide by a − 1 before subtracting.
            let g = series_over_am1(big_a, a, big_c, z)?;
            -ln_w * exprel((a - 1.0) * ln_w) - ((a - 1.0) * ln_w).exp() * g
        };
        Ok(big_c * bracket_over_am1)
    }

    /// Expected repeat purchases of a customer in its first `horizon` time units (E[X(t)]).
    pub fn expected_purchases_new(&self, horizon: f64) -> Result<f64, Hyp2f1Error> {
        self.expected_purchases(horizon, 0.0, 0.0, 0.0)
    }
}

/// G = Σ_{n≥1} (A)ₙ (a)_{n−1} zⁿ / ((C)ₙ n!), i.e. (₂F₁(A, a−1; C; z) − 1)/(a − 1).
fn series_over_am1(big_a: f64, a: f64, big_c: f64, z: f64) -> Result<f64, Hyp2f1Error> {
    let mut term = big_a / big_c * z;
    let mut sum = term;
    for n in 1..MAX_TERMS {
        let n = n as f64;
        term *= (big_a + n) * (a + n - 1.0) / ((big_c + n) * (n + 1.0)) * z;
        sum += term;
        if term.abs() <= 1e-17 * sum.abs() * (1.0 - z) {
            return Ok(sum);
        }
    }
    Err(Hyp2f1Error::NotConverged {
        a: big_a,
        b: a - 1.0,
        c: big_c,
        z,
    })
}

/// Log-likelihood of one customer (the per-row formula `objective` sums, kept for its tests).
#[cfg(test)]
fn log_likelihood_one(p: &BgNbdParams, x: f64, t_x: f64, t: f64) -> f64 {
    let k = p.per_x(x);
    k.base + p.r * p.alpha.ln() - (p.r + x) * (p.alpha + t).ln() + softplus(p.ln_d(x, t_x, t))
}

/// −(mean log-likelihood) over the rows at log-parameters `theta`, and its gradient.
pub(crate) fn objective(rows: &Rows, theta: &[f64], grad: &mut [f64]) -> f64 {
    let p = BgNbdParams::from_log(theta);
    let BgNbdParams { r, alpha, a, b } = p;
    let consts: Vec<PerX> = rows.xs.iter().map(|&x| p.per_x(x)).collect();
    let ln_alpha = alpha.ln();
    let sums = ordered_sum::<5>(rows.len(), |range| {
        let mut acc = [0.0f64; 5];
        for i in range {
            let (x, t_x, t, w) = (rows.x[i], rows.u[i], rows.v[i], rows.weight[i]);
            let k = &consts[rows.slot[i] as usize];
            let ln_at = (alpha + t).ln();
            let mut ll = k.base + r * ln_alpha - (r + x) * ln_at;
            let mut g = [
                k.d_r + ln_alpha - ln_at,
                r / alpha - (r + x) / (alpha + t),
                k.d_a,
                k.d_b,
            ];
            if x > 0.0 {
                let ln_atx = (alpha + t_x).ln();
                let ln_d = k.ln_ratio + (r + x) * (ln_at - ln_atx);
                ll += softplus(ln_d);
                let share = sigmoid(ln_d);
                g[0] += share * (ln_at - ln_atx);
                g[1] += share * (r + x) * (1.0 / (alpha + t) - 1.0 / (alpha + t_x));
                g[2] += share / a;
                g[3] -= share / (b + x - 1.0);
            }
            acc[0] += w * ll;
            for j in 0..4 {
                acc[j + 1] += w * g[j];
            }
        }
        Some(acc)
    })
    .expect("every chunk sums");
    let n = rows.customers();
    let natural = [r, alpha, a, b];
    for j in 0..4 {
        grad[j] = -sums[j + 1] * natural[j] / n;
    }
    -sums[0] / n
}

/// Starting points: the shapes at a few typical values, α from the observed purchase rate.
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
    [
        (1.0, 1.0, 1.0),
        (0.25, 0.8, 2.5),
        (2.0, 0.5, 5.0),
        (0.5, 2.0, 1.0),
    ]
    .iter()
    .map(|&(r, a, b)| {
        BgNbdParams {
            r,
            alpha: r / rate,
            a,
            b,
        }
        .to_log()
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published CDNOW estimates (FHL 2005).
    const CDNOW: BgNbdParams = BgNbdParams {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };

    #[test]
    fn worked_customer_has_the_published_p_alive_and_expectation() {
        // x = 2, t_x = 30.43, T = 38.86: D = 0.793/3.426 · (43.274/34.844)^2.243 = 0.3763,
        // P(alive) = 1/1.3763 = 0.727; FHL report 1.226 purchases in the next 39 weeks.
        assert!((CDNOW.p_alive(2.0, 30.43, 38.86) - 0.727).abs() < 5e-4);
        let e = CDNOW.expected_purchases(39.0, 2.0, 30.43, 38.86).unwrap();
        assert!((e - 1.226).abs() < 5e-4, "{e}");
    }

    #[test]
    fn a_customer_without_repeat_purchases_is_certainly_alive() {
        assert_eq!(CDNOW.p_alive(0.0, 0.0, 30.0), 1.0);
    }

    #[test]
    fn expectation_is_continuous_through_a_equal_to_one() {
        // The a ≈ 1 branch (series divided by a − 1) must join the general one.
        let at = |a: f64| {
            BgNbdParams { a, ..CDNOW }
                .expected_purchases(20.0, 3.0, 10.0, 30.0)
                .unwrap()
        };
        let mid = (at(0.9985) + at(1.0015)) / 2.0;
        assert!((at(1.0) - mid).abs() < 1e-5 * mid, "{} vs {mid}", at(1.0));
        assert!((at(0.9999) - at(1.0001)).abs() < 1e-3 * mid);
    }

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let (rows, _) = Rows::compress(
            &[0.0, 1.0, 4.0, 2.0],
            &[0.0, 5.0, 20.0, 30.43],
            &[30.0, 25.0, 38.0, 38.86],
            |_| true,
        );
        let theta = CDNOW.to_log();
        let mut g = vec![0.0; 4];
        objective(&rows, &theta, &mut g);
        let mut scratch = vec![0.0; 4];
        for j in 0..4 {
            let h = 1e-6;
            let mut up = theta.clone();
            up[j] += h;
            let mut down = theta.clone();
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

    #[test]
    fn objective_is_the_mean_of_the_per_customer_log_likelihoods() {
        let (rows, _) = Rows::compress(
            &[2.0, 2.0, 0.0],
            &[30.43, 30.43, 0.0],
            &[38.86, 38.86, 20.0],
            |_| true,
        );
        let mut g = vec![0.0; 4];
        let f = objective(&rows, &CDNOW.to_log(), &mut g);
        let direct = (2.0 * log_likelihood_one(&CDNOW, 2.0, 30.43, 38.86)
            + log_likelihood_one(&CDNOW, 0.0, 0.0, 20.0))
            / 3.0;
        assert!((f + direct).abs() < 1e-12);
    }
}

#[cfg(test)]
mod year_horizon_tests {
    #[test]
    fn conditional_expectation_over_a_year_matches_scipy_for_frequent_buyers() {
        // Issue 19: the year-long backtest of the Spanish sample. Reference:
        // C·(1 − (1−z)^(a−1)·scipy.special.hyp2f1(a+b−1−r, a−1, a+b+x−1, z))/(a−1),
        // z = 52/(α+T+52), scipy 1.17.1: x = 54, T = 21 → 49.214376547184685;
        // x = 55, T = 22 → 49.114619905994935.
        let p = super::BgNbdParams {
            r: 0.573774858905,
            alpha: 2.22036364883,
            a: 1.80266389261,
            b: 17.2281210224,
        };
        for (x, t, want) in [
            (54.0, 21.0, 49.214376547184685),
            (55.0, 22.0, 49.114619905994935),
        ] {
            let got = p.expected_if_alive(52.0, x, t).unwrap();
            assert!(
                (got - want).abs() < 1e-6 * want,
                "x {x} T {t}: {got} against {want}"
            );
        }
        let mut bad = 0;
        for x in 0..700 {
            for t in 1..420 {
                let (x, t) = (f64::from(x), f64::from(t) * 0.5);
                let v = p.expected_if_alive(52.0, x, t);
                if !matches!(v, Ok(v) if v.is_finite() && v >= 0.0) {
                    bad += 1;
                }
            }
        }
        assert_eq!(bad, 0);
    }
}
