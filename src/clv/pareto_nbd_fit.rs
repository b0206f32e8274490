//! What the maximum-likelihood fit of the Pareto/NBD needs: the objective with its exact
//! gradient (dual numbers, one parallel pass over the rows), the total log-likelihood, and
//! starting points. Part of the clv stage; depends on [`super::pareto_nbd`], [`super::dual`],
//! [`super::bgnbd`] (its estimates seed a start) and [`super::rows`].
//!
//! Sums over rows are taken in fixed chunks whose partial sums are added in chunk order, so the
//! result does not depend on the number of threads or on work stealing: the same data give the
//! same estimates on every run and every machine.

use super::bgnbd::BgNbdParams;
use super::dual::Dual;
use super::pareto_nbd::{ParetoNbdParams, log_sum, u_v_with};
use super::pareto_nbd_integral::{Shape, TailMemo};
use super::rows::{Rows, ordered_sum};
use super::special::{digamma, ln_gamma};

/// −(mean log-likelihood) over the rows at log-parameters `theta`, and its gradient
/// (+∞ and a zero gradient where the integral cannot be evaluated).
pub(crate) fn objective(rows: &Rows, theta: &[f64], grad: &mut [f64]) -> f64 {
    let p = Shape {
        r: Dual::exp_of_parameter(theta[0], 0),
        alpha: Dual::exp_of_parameter(theta[1], 1),
        s: Dual::exp_of_parameter(theta[2], 2),
        beta: Dual::exp_of_parameter(theta[3], 3),
    };
    let r = p.r.v;
    // lnΓ(r+x) − lnΓ(r) and its derivative in ln r, once per distinct x.
    let per_x: Vec<(f64, f64)> = rows
        .xs
        .iter()
        .map(|&x| {
            (
                ln_gamma(r + x) - ln_gamma(r),
                r * (digamma(r + x) - digamma(r)),
            )
        })
        .collect();
    let sums = ordered_sum::<5>(rows.len(), |range| {
        let mut acc = [0.0; 5];
        let mut memo = TailMemo::default();
        for i in range {
            let (u, v) = u_v_with(&p, rows.x[i], rows.u[i], rows.v[i], &mut memo).ok()?;
            let (gamma_ratio, d_gamma_ratio) = per_x[rows.slot[i] as usize];
            let w = rows.weight[i];
            let ll = log_sum(u, v);
            acc[0] += w * (ll.v + gamma_ratio);
            acc[1] += w * (ll.d[0] + d_gamma_ratio);
            for j in 1..4 {
                acc[j + 1] += w * ll.d[j];
            }
        }
        Some(acc)
    });
    let n = rows.customers();
    let Some(sums) = sums.filter(|s| s.iter().all(|v| v.is_finite())) else {
        grad.iter_mut().for_each(|g| *g = 0.0);
        return f64::INFINITY;
    };
    // r ln α + s ln β, the same for every customer, and its derivatives in the log-parameters.
    let (r_ln_alpha, s_ln_beta) = (r * theta[1], p.s.v * theta[3]);
    let common = [r_ln_alpha, r, s_ln_beta, p.s.v];
    for j in 0..4 {
        grad[j] = -(sums[j + 1] / n + common[j]);
    }
    -(sums[0] / n + r_ln_alpha + s_ln_beta)
}

/// Total log-likelihood of the rows (weights included); `None` where a row fails.
pub(crate) fn log_likelihood(rows: &Rows, p: &ParetoNbdParams) -> Option<f64> {
    let [total] = ordered_sum::<1>(rows.len(), |range| {
        let mut acc = 0.0;
        let mut memo = TailMemo::default();
        for i in range {
            let ll = p
                .log_likelihood_with(rows.x[i], rows.u[i], rows.v[i], &mut memo)
                .ok()?;
            acc += rows.weight[i] * ll;
        }
        Some([acc])
    })?;
    total.is_finite().then_some(total)
}

/// Starting points: first one built from the BG/NBD estimates when given (the same
/// gamma-Poisson purchase process, and a mean dropout rate matching BG/NBD's dropout
/// probability per purchase times the mean purchase rate), then shapes at a few typical values
/// with rates from the observed purchase rate and the mean age.
pub(crate) fn starts(rows: &Rows, bgnbd: Option<&BgNbdParams>) -> Vec<Vec<f64>> {
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
    let informed = bgnbd.and_then(|b| {
        let dropout = b.a / (b.a + b.b) * b.r / b.alpha;
        let p = ParetoNbdParams {
            r: b.r,
            alpha: b.alpha,
            s: 1.0,
            beta: 1.0 / dropout,
        };
        p.to_log().iter().all(|t| t.is_finite()).then(|| p.to_log())
    });
    let generic = [(1.0, 1.0), (0.5, 0.5), (2.0, 2.0), (0.5, 2.0)]
        .into_iter()
        .map(|(r, s)| {
            ParetoNbdParams {
                r,
                alpha: r / rate,
                s,
                beta: s * mean_age,
            }
            .to_log()
        });
    informed.into_iter().chain(generic).collect()
}
