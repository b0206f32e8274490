//! ₂F₁(a, b; c; z) for ½ < z < 1 through the connection formula around z = 1 (Abramowitz &
//! Stegun 15.3.6), with w = 1 − z < ½. Part of the clv stage; used only by [`super::hyp2f1`].
//!
//! With m = c − a − b (made ≥ 0 by Euler's transformation):
//!
//! F = Γ(c)Γ(m)/(Γ(c−a)Γ(c−b)) ₂F₁(a, b; 1−m; w) + wᵐ Γ(c)Γ(−m)/(Γ(a)Γ(b)) ₂F₁(c−a, c−b; 1+m; w).
//!
//! Both terms blow up as m approaches an integer k and their sum does not, so near an integer
//! (|m − k| ≤ 0.1) the terms of order k + j of the first series and j of the second are paired
//! and their difference is written as a function of ε = m − k that has no cancellation:
//!
//! F = Γ(c)/(Γ(c−a)Γ(c−b)) · [ Σ_{n<k} (−1)ⁿ Γ(m−n) (a)ₙ(b)ₙ wⁿ/n!
//!       + (−1)ᵏ Σ_j Q_j · π/sin(πε) · (ρ1_j − ρ2_j) ],
//!
//! Q_j = (a)_{k+j}(b)_{k+j} w^{k+j}/((k+j)! j!), ρ1_j = Γ(1+j)/Γ(1+j−ε),
//! ρ2_j = Γ(a+k+j+ε)Γ(b+k+j+ε)Γ(1+k+j) wᵋ / (Γ(a+k+j)Γ(b+k+j)Γ(1+k+j+ε)).
//!
//! Then ln ρ1 − ln ρ2 = ε·λ_j with λ_j built from (lnΓ(x+ε) − lnΓ(x))/ε, and
//! π/sin(πε)·(ρ1 − ρ2) = ρ2 · λ · exprel(ελ) · πε/sin(πε), exact at ε = 0 (integer m, where it
//! reduces to the digamma formulas of A&S 15.3.11).

use super::hyp2f1::{MAX_TERMS, series};
use super::special::{exprel, ln_gamma_diff_quotient, ln_gamma_signed, log1p_ratio};
use std::f64::consts::PI;

/// Distance of m from an integer below which the paired (cancellation-free) form is used.
const NEAR_INTEGER: f64 = 0.1;

/// ₂F₁(a, b; c; z) for ½ < z < 1 (a, b, c − a, c − b not non-positive integers), with the sum
/// of the absolute values of the parts added (to judge cancellation); `None` if not computable.
pub(crate) fn near_one(a: f64, b: f64, c: f64, z: f64) -> Option<(f64, f64)> {
    let w = 1.0 - z;
    let m = c - a - b;
    let (value, mass, ln_scale) = if m < 0.0 {
        // Euler: F(a,b;c;z) = (1−z)^{c−a−b} F(c−a, c−b; c; z), whose m is −m > 0.
        let (v, mass, ln_scale) = nonnegative_m(c - a, c - b, c, w)?;
        (v, mass, ln_scale + m * w.ln())
    } else {
        nonnegative_m(a, b, c, w)?
    };
    let scale = ln_scale.exp();
    Some((value * scale, mass * scale))
}

/// F as `value · exp(ln_scale)` with the parts' absolute mass, for m = c − a − b ≥ 0.
fn nonnegative_m(a: f64, b: f64, c: f64, w: f64) -> Option<(f64, f64, f64)> {
    let m = c - a - b;
    let k = m.round();
    let eps = m - k;
    if eps.abs() <= NEAR_INTEGER
        && let Some(v) = paired(a, b, c, w, k as usize, eps)
    {
        return Some(v);
    }
    if eps == 0.0 {
        return None;
    }
    plain(a, b, c, w, m)
}

/// The connection formula as printed, for m well away from an integer.
fn plain(a: f64, b: f64, c: f64, w: f64, m: f64) -> Option<(f64, f64, f64)> {
    let (lc, sc) = ln_gamma_signed(c);
    let (lm, sm) = ln_gamma_signed(m);
    let (lnm, snm) = ln_gamma_signed(-m);
    let (lca, sca) = ln_gamma_signed(c - a);
    let (lcb, scb) = ln_gamma_signed(c - b);
    let (la, sa) = ln_gamma_signed(a);
    let (lb, sb) = ln_gamma_signed(b);
    let (f1, mass1) = series(a, b, 1.0 - m, w).ok()?;
    let (f2, mass2) = series(c - a, c - b, 1.0 + m, w).ok()?;
    let l1 = lc + lm - lca - lcb;
    let l2 = lc + lnm - la - lb + m * w.ln();
    let scale = l1.max(l2);
    let (e1, e2) = ((l1 - scale).exp(), (l2 - scale).exp());
    let value = sc * sm * sca * scb * e1 * f1 + sc * snm * sa * sb * e2 * f2;
    Some((value, e1 * mass1 + e2 * mass2, scale))
}

/// The paired form for m = k + ε with |ε| ≤ 0.1; `None` if a pole of Γ lies between a + k + j
/// and a + k + j + ε (or the same for b), where the logarithmic ratios do not exist.
fn paired(a: f64, b: f64, c: f64, w: f64, k: usize, eps: f64) -> Option<(f64, f64, f64)> {
    let m = k as f64 + eps;
    let (lc, sc) = ln_gamma_signed(c);
    let (lca, sca) = ln_gamma_signed(c - a);
    let (lcb, scb) = ln_gamma_signed(c - b);
    let mut ln_scale = lc - lca - lcb;
    let mut sign = sc * sca * scb;

    // Finite part, scaled by 1/Γ(m) when k ≥ 1: t_n = (a)ₙ(b)ₙwⁿ/(n!(1−m)ₙ).
    let mut finite = 0.0;
    let mut mass = 0.0;
    let mut q = 1.0;
    if k >= 1 {
        let (lm, sm) = ln_gamma_signed(m);
        ln_scale += lm;
        sign *= sm;
        let mut t: f64 = 1.0;
        for n in 0..k {
            finite += t;
            mass += t.abs();
            let nf = n as f64;
            if n + 1 < k {
                t *= (a + nf) * (b + nf) * w / ((nf + 1.0) * (1.0 - m + nf));
            } else {
                // (−1)ᵏ Q₀/Γ(m) = −t_{k−1}(a+k−1)(b+k−1)w/(k Γ(1+ε)).
                let (lg1e, _) = ln_gamma_signed(1.0 + eps);
                q = -t * (a + nf) * (b + nf) * w / ((nf + 1.0) * lg1e.exp());
            }
        }
    }

    let kf = k as f64;
    let mut d1 = ln_gamma_diff_quotient(1.0, -eps)?;
    let mut da = ln_gamma_diff_quotient(a + kf, eps)?;
    let mut db = ln_gamma_diff_quotient(b + kf, eps)?;
    let mut dk = ln_gamma_diff_quotient(1.0 + kf, eps)?;
    let lw = w.ln();
    let sinc = if eps == 0.0 {
        1.0
    } else {
        PI * eps / (PI * eps).sin()
    };
    let mut singular = 0.0;
    for j in 0..MAX_TERMS {
        let jf = j as f64;
        let lambda = d1 - da - db - lw + dk;
        let rho2 = (eps * (da + db + lw - dk)).exp();
        let term = q * rho2 * lambda * exprel(eps * lambda) * sinc;
        singular += term;
        mass += term.abs();
        let (xa, xb) = (a + kf + jf, b + kf + jf);
        let ratio = xa * xb * w / ((kf + jf + 1.0) * (jf + 1.0));
        let reference = finite.abs() + singular.abs();
        if q == 0.0 || (term.abs() <= 1e-17 * reference && ratio.abs() < 0.9 && j > 0) {
            return Some((sign * (finite + singular), mass, ln_scale));
        }
        if !singular.is_finite() || crosses_pole(xa, eps) || crosses_pole(xb, eps) {
            return None;
        }
        da += log1p_ratio(xa, eps);
        db += log1p_ratio(xb, eps);
        dk += log1p_ratio(1.0 + kf + jf, eps);
        d1 += log1p_ratio(1.0 + jf, -eps);
        q *= ratio;
    }
    None
}

/// True when x and x + ε are not strictly on the same side of zero (a pole of Γ is crossed).
fn crosses_pole(x: f64, eps: f64) -> bool {
    x == 0.0 || (x > 0.0) != (x + eps > 0.0)
}
