//! The integral in the Pareto/NBD likelihood, by a continued fraction instead of ₂F₁. Part of
//! the clv stage; depends on [`super::dual`] and [`super::hyp2f1`] (for its error type).
//!
//! The likelihood's second term is s·∫_{t_x}^{T} (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ = s·(J(t_x) −
//! J(T)) with the tail J(τ) = ∫_τ^∞ of the same integrand. With M the larger of α and β, m the
//! other, e the exponent of (m+τ), a = r+s+x, b = 1 − e, and z = (M−m)/(M+τ), the substitution
//! z(τ) turns J into an incomplete beta function with b ≤ 0:
//!
//! J(τ) = (M−m)^{−a} B_z(a, b) = (M+τ)^{−a} (1−z)^b / a · CF(a, b, z),
//!
//! where CF is the continued fraction of B_z (Numerical Recipes' `betacf`, the Gauss fraction of
//! ₂F₁(a+b, 1; a+1; z)). It needs a handful of terms where the ₂F₁ route of Fader & Hardie has to
//! sum a slowly converging series near z = 1 or cancel a connection formula: about 5–70 terms
//! for typical parameters, a few hundred for M/m ≈ 10⁴. The form is also exact at α = β
//! (z = 0), so neither branch is singular there.

use super::dual::Real;
use super::hyp2f1::Hyp2f1Error;

/// Continued-fraction terms before giving up (M/m beyond about 10⁷ with x = 0).
const MAX_TERMS: usize = 20_000;

/// Stop when a factor of the fraction is within this of 1 (and its derivatives of 0).
const TOLERANCE: f64 = 1e-15;

/// Floor for the Lentz denominators, which may pass through zero.
const TINY: f64 = 1e-300;

/// The four parameters in a number type that may carry derivatives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape<T> {
    pub(crate) r: T,
    pub(crate) alpha: T,
    pub(crate) s: T,
    pub(crate) beta: T,
}

/// ln J(τ) of the module header for a customer with x repeat purchases.
pub(crate) fn ln_tail<T: Real>(p: &Shape<T>, x: f64, tau: f64) -> Result<T, Hyp2f1Error> {
    let a = p.r + p.s + x;
    let (big, small, b) = if p.alpha.value() >= p.beta.value() {
        (p.alpha, p.beta, -p.s)
    } else {
        (p.beta, p.alpha, -(p.r + x) + 1.0)
    };
    let ln_big = (big + tau).ln();
    let z = (big - small) / (big + tau);
    let fraction = continued_fraction(a, b, z).ok_or(Hyp2f1Error::NotConverged {
        a: (a + b).value(),
        b: 1.0,
        c: a.value() + 1.0,
        z: z.value(),
    })?;
    Ok(-(a * ln_big) + b * ((small + tau).ln() - ln_big) - a.ln() + fraction.ln())
}

/// ln(J(t_x) − J(T)) = ln ∫_{t_x}^{T}, for t_x < T.
#[cfg(test)]
pub(crate) fn ln_integral<T: Real>(
    p: &Shape<T>,
    x: f64,
    t_x: f64,
    t: f64,
) -> Result<T, Hyp2f1Error> {
    TailMemo::default().ln_integral(p, x, t_x, t)
}

/// The last tail computed at each end of the integral, by (x, τ). A pass over rows sorted by
/// (x, T, t_x), as [`super::rows::Rows`] keeps them, meets the same tail at T along every run
/// of equal (x, T), and every row with x = 0 has t_x = 0: remembering the previous row's tails
/// saves about half of the continued fractions of a likelihood evaluation (more on large data).
/// A remembered tail is the same number the continued fraction would give again, so results do
/// not change. Valid for one set of parameters only.
pub(crate) struct TailMemo<T> {
    recency: Option<(f64, f64, T)>,
    age: Option<(f64, f64, T)>,
}

impl<T> Default for TailMemo<T> {
    fn default() -> Self {
        TailMemo {
            recency: None,
            age: None,
        }
    }
}

impl<T: Real> TailMemo<T> {
    /// [`ln_integral`], reusing the previous call's tails where (x, t_x) or (x, T) repeat.
    pub(crate) fn ln_integral(
        &mut self,
        p: &Shape<T>,
        x: f64,
        t_x: f64,
        t: f64,
    ) -> Result<T, Hyp2f1Error> {
        let l1 = Self::tail(&mut self.recency, p, x, t_x)?;
        let l2 = Self::tail(&mut self.age, p, x, t)?;
        Ok(difference_of_tails(l1, l2))
    }

    fn tail(
        slot: &mut Option<(f64, f64, T)>,
        p: &Shape<T>,
        x: f64,
        tau: f64,
    ) -> Result<T, Hyp2f1Error> {
        if let Some((seen_x, seen_tau, value)) = *slot
            && seen_x == x
            && seen_tau == tau
        {
            return Ok(value);
        }
        let value = ln_tail(p, x, tau)?;
        *slot = Some((x, tau, value));
        Ok(value)
    }
}

/// ln(J(t_x) − J(T)) from l1 = ln J(t_x) and l2 = ln J(T).
fn difference_of_tails<T: Real>(l1: T, l2: T) -> T {
    // J(t_x) > J(T): the difference is the integral of a positive function.
    let share = -(l2 - l1).exp_m1();
    if share.value() < f64::MIN_POSITIVE {
        return l1 + f64::MIN_POSITIVE.ln();
    }
    l1 + share.ln()
}

/// The fraction 1/(1+ d₁/(1+ d₂/(1+ …))) of B_z(a, b) by the modified Lentz method; `None`
/// if it does not settle within [`MAX_TERMS`].
fn continued_fraction<T: Real>(a: T, b: T, z: T) -> Option<T> {
    let one = T::constant(1.0);
    let floor = |v: T| {
        if v.value().abs() < TINY {
            T::constant(TINY)
        } else {
            v
        }
    };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = one;
    let mut d = one / floor(one - qab * z / qap);
    let mut h = d;
    for m in 1..=MAX_TERMS {
        let m = m as f64;
        let m2 = 2.0 * m;
        let even = (b - m) * z * m / ((qam + m2) * (a + m2));
        d = one / floor(even * d + 1.0);
        c = floor(even / c + 1.0);
        h = h * d * c;
        let odd = -((a + m) * (qab + m) * z) / ((a + m2) * (qap + m2));
        d = one / floor(odd * d + 1.0);
        c = floor(odd / c + 1.0);
        let factor = d * c;
        h = h * factor;
        if !h.value().is_finite() {
            return None;
        }
        if (factor.value() - 1.0).abs() <= TOLERANCE && factor.largest_slope() <= TOLERANCE {
            return Some(h);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::dual::Dual;

    fn shape(r: f64, alpha: f64, s: f64, beta: f64) -> Shape<f64> {
        Shape { r, alpha, s, beta }
    }

    #[test]
    fn integral_matches_quadrature_on_both_branches_and_far_from_one() {
        // References: mpmath at 30 digits, ln quad((α+τ)^−(r+x) (β+τ)^−(s+1), [t_x, T]) on 256
        // panels graded towards t_x.
        let cases = [
            (
                shape(0.553, 10.578, 0.606, 11.669),
                2.0,
                30.43,
                38.86,
                -13.728_343_471_230_4,
            ),
            (
                shape(0.807, 3.615, 2.33, 117.2),
                0.0,
                0.0,
                195.0,
                -14.595172748966018,
            ),
            (
                shape(0.807, 3.615, 2.33, 117.2),
                20.0,
                100.0,
                195.0,
                -112.90110964347609,
            ),
            (
                shape(0.5, 100.0, 0.6, 0.5),
                5.0,
                1.0,
                195.0,
                -25.486844772920033,
            ),
            (
                shape(0.5, 1000.0, 0.6, 0.05),
                0.0,
                0.0,
                30.0,
                -1.1677882659024637,
            ),
        ];
        for (p, x, t_x, t, reference) in cases {
            let ours = ln_integral(&p, x, t_x, t).unwrap();
            assert!(
                (ours - reference).abs() < 1e-12,
                "{p:?} {x}: {ours} vs {reference}"
            );
        }
    }

    #[test]
    fn remembered_tails_are_the_tails_computed_afresh() {
        // Rows in the order a fit meets them (x, then T, then t_x), with repeats of (x, t_x)
        // and (x, T) and a change of x at the same times, which must not reuse a tail.
        let p = shape(0.807, 3.615, 2.33, 117.2);
        let rows = [
            (0.0, 0.0, 30.0),
            (0.0, 0.0, 31.0),
            (2.0, 10.0, 31.0),
            (2.0, 20.0, 31.0),
            (2.0, 20.0, 35.0),
            (3.0, 20.0, 35.0),
        ];
        let mut memo = TailMemo::default();
        for (x, t_x, t) in rows {
            let remembered = memo.ln_integral(&p, x, t_x, t).unwrap();
            assert_eq!(
                remembered,
                ln_integral(&p, x, t_x, t).unwrap(),
                "{x} {t_x} {t}"
            );
        }
    }

    #[test]
    fn tail_at_equal_rates_is_the_closed_form() {
        // α = β = M: J(τ) = ∫_τ^∞ (M+u)^{−(r+s+x+1)} du = (M+τ)^{−a}/a, a = r+s+x.
        // M = 10, τ = 5, r + s + x = 0.5 + 1.0 + 2 = 3.5: ln J = −3.5 ln 15 − ln 3.5.
        let j = ln_tail(&shape(0.5, 10.0, 1.0, 10.0), 2.0, 5.0).unwrap();
        assert!((j - (-3.5 * 15f64.ln() - 3.5f64.ln())).abs() < 1e-14);
    }

    #[test]
    fn dual_derivatives_agree_with_central_differences() {
        let theta = [0.807f64.ln(), 3.615f64.ln(), 2.33f64.ln(), 117.2f64.ln()];
        let at = |t: &[f64; 4]| {
            let p = shape(t[0].exp(), t[1].exp(), t[2].exp(), t[3].exp());
            ln_integral(&p, 3.0, 20.0, 35.0).unwrap()
        };
        let p = Shape {
            r: Dual::exp_of_parameter(theta[0], 0),
            alpha: Dual::exp_of_parameter(theta[1], 1),
            s: Dual::exp_of_parameter(theta[2], 2),
            beta: Dual::exp_of_parameter(theta[3], 3),
        };
        let dual = ln_integral(&p, 3.0, 20.0, 35.0).unwrap();
        assert!((dual.v - at(&theta)).abs() < 1e-14);
        for j in 0..4 {
            let h = 1e-6;
            let (mut up, mut down) = (theta, theta);
            up[j] += h;
            down[j] -= h;
            let numeric = (at(&up) - at(&down)) / (2.0 * h);
            assert!(
                (dual.d[j] - numeric).abs() < 1e-7,
                "{j}: {} vs {numeric}",
                dual.d[j]
            );
        }
    }
}
