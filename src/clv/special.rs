//! Special functions the lifetime-value models need: log-gamma with its sign, digamma, and
//! cancellation-free forms of `expm1(u)/u` and of log-gamma differences. Part of the clv stage;
//! depends on nothing.
//!
//! Written here rather than taken from a crate because the models need the differences
//! `lnΓ(x+ε) − lnΓ(x)` divided by ε to full relative precision as ε → 0, which no general
//! special-function crate offers, and `f64::ln_gamma` is not stable Rust.

use std::f64::consts::PI;

/// Lanczos coefficients (g = 7, n = 9): relative error of Γ below 2e-15 for positive arguments.
const LANCZOS_G: f64 = 7.0;
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// Coefficients B₂ₖ / (2k(2k−1)) of Stirling's series for lnΓ.
const STIRLING: [f64; 7] = [
    1.0 / 12.0,
    -1.0 / 360.0,
    1.0 / 1260.0,
    -1.0 / 1680.0,
    1.0 / 1188.0,
    -691.0 / 360_360.0,
    1.0 / 156.0,
];

/// Below this argument the Stirling-based functions first shift x upwards by recurrence.
const STIRLING_MIN: f64 = 12.0;

/// `ln|Γ(x)|` and the sign of `Γ(x)`. At the poles (0, −1, −2, …) returns `(+∞, 1.0)`.
pub(crate) fn ln_gamma_signed(x: f64) -> (f64, f64) {
    if x.is_nan() {
        return (f64::NAN, 1.0);
    }
    if x <= 0.0 && x == x.floor() {
        return (f64::INFINITY, 1.0);
    }
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        let s = (PI * x).sin();
        let (lg, _) = ln_gamma_signed(1.0 - x);
        return ((PI / s.abs()).ln() - lg, s.signum());
    }
    if x >= 20.0 {
        return (stirling_ln_gamma(x), 1.0);
    }
    let y = x - 1.0;
    let mut acc = LANCZOS[0];
    for (i, c) in LANCZOS.iter().enumerate().skip(1) {
        acc += c / (y + i as f64);
    }
    let t = y + LANCZOS_G + 0.5;
    (
        0.5 * (2.0 * PI).ln() + (y + 0.5) * t.ln() - t + acc.ln(),
        1.0,
    )
}

/// `ln Γ(x)` for x > 0.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    ln_gamma_signed(x).0
}

fn stirling_ln_gamma(x: f64) -> f64 {
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let mut series = 0.0;
    let mut p = inv;
    for c in STIRLING {
        series += c * p;
        p *= inv2;
    }
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * PI).ln() + series
}

/// Digamma ψ(x) = d lnΓ(x)/dx; NaN at the poles.
pub(crate) fn digamma(x: f64) -> f64 {
    if x <= 0.0 && x == x.floor() {
        return f64::NAN;
    }
    if x < 0.0 {
        // Reflection: ψ(1 − x) − ψ(x) = π cot(πx).
        return digamma(1.0 - x) - PI / (PI * x).tan();
    }
    let mut shift = 0.0;
    let mut y = x;
    while y < 10.0 {
        shift -= 1.0 / y;
        y += 1.0;
    }
    let inv2 = 1.0 / (y * y);
    let tail = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2
                                * (1.0 / 240.0 - inv2 * (1.0 / 132.0 - inv2 * 691.0 / 32760.0)))));
    shift + y.ln() - 0.5 / y - tail
}

/// `expm1(u) / u`, equal to 1 at u = 0, accurate for every u.
pub(crate) fn exprel(u: f64) -> f64 {
    if u.abs() < 1e-5 {
        1.0 + u * (0.5 + u / 6.0)
    } else {
        u.exp_m1() / u
    }
}

/// `ln(1 + ε/x) / ε`, equal to 1/x at ε = 0; requires x and x + ε of the same sign.
pub(crate) fn log1p_ratio(x: f64, eps: f64) -> f64 {
    if eps == 0.0 {
        1.0 / x
    } else {
        (eps / x).ln_1p() / eps
    }
}

/// `(lnΓ(x+ε) − lnΓ(x)) / ε`, to full relative precision for small ε, and ψ(x) at ε = 0.
///
/// Returns `None` when a pole of Γ lies between x and x + ε (or on either), where the ratio
/// Γ(x+ε)/Γ(x) is not positive and its logarithm does not exist.
pub(crate) fn ln_gamma_diff_quotient(x: f64, eps: f64) -> Option<f64> {
    let mut sum = 0.0;
    let mut y = x;
    while y < STIRLING_MIN {
        if y == 0.0 || y + eps == 0.0 || (y > 0.0) != (y + eps > 0.0) {
            return None;
        }
        // lnΓ(y+1+ε) − lnΓ(y+1) = [lnΓ(y+ε) − lnΓ(y)] + ln(1 + ε/y)
        sum -= log1p_ratio(y, eps);
        y += 1.0;
    }
    Some(sum + stirling_diff_quotient(y, eps))
}

/// Stirling's series for `(lnΓ(X+ε) − lnΓ(X)) / ε`, X ≥ 12, written without differences of
/// nearly equal numbers: (X − ½)·ln(1+ε/X)/ε + ln(X+ε) − 1 + Σ cₖ X^{−p}((1+ε/X)^{−p} − 1)/ε.
fn stirling_diff_quotient(x: f64, eps: f64) -> f64 {
    let lq = log1p_ratio(x, eps);
    let mut total = (x - 0.5) * lq + (x + eps).ln() - 1.0;
    let inv = 1.0 / x;
    let mut xp = inv;
    for (k, c) in STIRLING.iter().enumerate() {
        let p = (2 * k + 1) as f64;
        // ((1+ε/X)^{−p} − 1)/ε = expm1(−p·ε·lq)/ε = −p·lq·exprel(−p·ε·lq)
        total += c * xp * (-p * lq * exprel(-p * eps * lq));
        xp *= inv * inv;
    }
    total
}

/// `ln(1 + eᵘ)` without overflow.
pub(crate) fn softplus(u: f64) -> f64 {
    if u > 35.0 {
        u + (-u).exp()
    } else {
        u.exp().ln_1p()
    }
}

/// `1 / (1 + e⁻ᵘ)` without overflow.
pub(crate) fn sigmoid(u: f64) -> f64 {
    if u >= 0.0 {
        1.0 / (1.0 + (-u).exp())
    } else {
        let e = u.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn ln_gamma_matches_factorials_and_half_integers() {
        // Γ(5) = 24, Γ(0.5) = √π, Γ(1) = Γ(2) = 1, Γ(30) = 29!
        assert!(rel(ln_gamma(5.0), 24f64.ln()) < 1e-14);
        assert!(rel(ln_gamma(0.5), PI.sqrt().ln()) < 1e-14);
        assert!(ln_gamma(1.0).abs() < 1e-15 && ln_gamma(2.0).abs() < 1e-15);
        let fact29: f64 = (1..=29).map(|i| (i as f64).ln()).sum();
        assert!(rel(ln_gamma(30.0), fact29) < 1e-14);
    }

    #[test]
    fn ln_gamma_of_negative_arguments_carries_the_sign() {
        // Γ(−0.5) = −2√π; Γ(−1.5) = 4√π/3
        let (lg, s) = ln_gamma_signed(-0.5);
        assert_eq!(s, -1.0);
        assert!(rel(lg, (2.0 * PI.sqrt()).ln()) < 1e-14);
        let (lg, s) = ln_gamma_signed(-1.5);
        assert_eq!(s, 1.0);
        assert!(rel(lg, (4.0 * PI.sqrt() / 3.0).ln()) < 1e-14);
        assert_eq!(ln_gamma_signed(-2.0).0, f64::INFINITY);
    }

    #[test]
    fn digamma_matches_known_values() {
        // ψ(1) = −γ (Euler–Mascheroni), ψ(0.5) = −γ − 2 ln 2, ψ(10) = H₉ − γ
        let euler = 0.577_215_664_901_532_9;
        assert!(rel(digamma(1.0), -euler) < 1e-14);
        assert!(rel(digamma(0.5), -euler - 2.0 * 2f64.ln()) < 1e-14);
        let h9: f64 = (1..=9).map(|i| 1.0 / i as f64).sum();
        assert!(rel(digamma(10.0), h9 - euler) < 1e-14);
        // ψ(−0.5) = ψ(0.5) + 2
        assert!(rel(digamma(-0.5), -euler - 2.0 * 2f64.ln() + 2.0) < 1e-13);
    }

    #[test]
    fn ln_gamma_diff_quotient_tends_to_digamma_and_matches_plain_differences() {
        for x in [0.3, 1.0, 2.7, 15.0, 250.0] {
            let at_zero = ln_gamma_diff_quotient(x, 0.0).unwrap();
            assert!(rel(at_zero, digamma(x)) < 1e-13, "x = {x}");
            let tiny = ln_gamma_diff_quotient(x, 1e-12).unwrap();
            assert!(rel(tiny, digamma(x)) < 1e-11, "x = {x}");
            // For a large ε the plain difference is accurate enough to compare with.
            let eps = 0.37;
            let plain = (ln_gamma(x + eps) - ln_gamma(x)) / eps;
            let q = ln_gamma_diff_quotient(x, eps).unwrap();
            assert!((q - plain).abs() < 1e-12 * (1.0 + plain.abs()), "x = {x}");
        }
    }

    #[test]
    fn ln_gamma_diff_quotient_refuses_to_cross_a_pole() {
        // Γ(−0.05) < 0 < Γ(0.05): no logarithm of the ratio.
        assert!(ln_gamma_diff_quotient(-0.05, 0.1).is_none());
        // Both on the negative side of 0, between the poles 0 and −1: fine.
        let q = ln_gamma_diff_quotient(-0.5, 0.1).unwrap();
        let (a, _) = ln_gamma_signed(-0.4);
        let (b, _) = ln_gamma_signed(-0.5);
        assert!(((a - b) / 0.1 - q).abs() < 1e-12);
    }

    #[test]
    fn exprel_softplus_and_sigmoid_are_stable_at_the_extremes() {
        assert_eq!(exprel(0.0), 1.0);
        assert!(rel(exprel(1e-8), 1.000_000_005) < 1e-15);
        assert!(rel(exprel(1.0), std::f64::consts::E - 1.0) < 1e-15);
        assert_eq!(softplus(800.0), 800.0);
        assert!(rel(softplus(0.0), 2f64.ln()) < 1e-15);
        assert_eq!(sigmoid(-800.0), 0.0);
        assert_eq!(sigmoid(800.0), 1.0);
    }
}
