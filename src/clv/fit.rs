//! Maximum-likelihood fitting shared by the three models: several starts, the bounded BFGS of
//! [`super::optimise`] on log-parameters, and honest diagnostics. Part of the clv stage; depends
//! on [`super::optimise`] and [`super::rows`].
//!
//! Beyond a few thousand distinct rows the starts are run on an even-stride sample of them
//! ([`START_ROWS`]) and only the best is polished on all rows, continuing from the curvature
//! the sample run built up: the polish is then a few near-Newton steps (about 4–8 evaluations
//! of every row) instead of a fresh quasi-Newton run of 15–20. The estimates are those of
//! every row, to the same gradient tolerance; only the path to them is shorter.

use super::optimise::{Minimum, Settings, minimise, minimise_with};
use super::rows::Rows;
use serde::Serialize;

/// Distinct rows above which the starts are run on a sample: enough to tell the starts' basins
/// apart and to learn the curvature at the optimum (the sample's estimates are within a few
/// per cent of the full data's), cheap enough that four starts cost less than one evaluation
/// of a million-customer client.
const START_ROWS: usize = 4_000;

/// How a maximum-likelihood fit went.
#[derive(Debug, Clone, Serialize)]
pub struct FitDiagnostics {
    /// Log-likelihood at the estimates (sum over customers).
    pub log_likelihood: f64,
    /// The gradient vanished at the estimates (within tolerance).
    pub converged: bool,
    /// Optimiser iterations of the final run.
    pub iterations: usize,
    /// Starting points tried (the Pareto/NBD stops at the first that converges inside the box).
    pub starts: usize,
    /// The first start was the estimate of an earlier fit on nearly the same customers (the
    /// scoring run starts from the backtest's), and it converged inside the box, so the other
    /// starts were not needed.
    #[serde(default)]
    pub warm_start: bool,
    /// Starting points whose run converged.
    pub starts_converged: usize,
    /// Largest gradient component of the mean log-likelihood in log-parameters at the end.
    pub gradient_norm: f64,
    /// Customers in the fit.
    pub customers: usize,
    /// Distinct rows they compress to.
    pub distinct_rows: usize,
    /// Parameters stopped at the bound e^±16 (a degenerate fit; see the warnings).
    pub parameters_at_bound: Vec<&'static str>,
    /// Distinct rows the estimates were fitted on when that was a deterministic subsample of
    /// `distinct_rows` (Pareto/NBD on very large data); `None` when every row was used.
    /// `log_likelihood` is then still evaluated on every row.
    pub subsample_rows: Option<usize>,
}

/// A fitted model: parameters, diagnostics and (when the Hessian is invertible) standard errors.
#[derive(Debug, Clone, Serialize)]
pub struct Fit<P> {
    /// Estimates.
    #[serde(flatten)]
    pub params: P,
    /// Fit diagnostics.
    #[serde(flatten)]
    pub diagnostics: FitDiagnostics,
    /// Asymptotic standard errors from the observed information (delta method from the
    /// log-parameters); `None` when the Hessian is not positive definite.
    pub standard_errors: Option<P>,
    /// The minimiser's final inverse-Hessian approximation, for a later fit to continue from
    /// (see [`Warm`]); not reported.
    #[serde(skip)]
    pub(crate) curvature: Option<Vec<Vec<f64>>>,
}

/// The objective of a model: −(mean log-likelihood) over rows at log-parameters, with gradient.
pub(crate) type Objective = fn(&Rows, &[f64], &mut [f64]) -> f64;

/// A fit in log-parameter space, before conversion to a model's parameter struct.
pub(crate) struct RawFit {
    pub(crate) theta: Vec<f64>,
    pub(crate) diagnostics: FitDiagnostics,
    /// Standard errors of the natural parameters, in the order of `theta`.
    pub(crate) standard_errors: Option<Vec<f64>>,
    /// The minimiser's final inverse-Hessian approximation (see [`Warm`]).
    pub(crate) curvature: Option<Vec<Vec<f64>>>,
}

/// An earlier fit of the same model on nearly the same customers (the backtest's, for the
/// scoring run): its estimates in log-parameters and, when known, its final inverse-Hessian
/// approximation. With the curvature, the fit continues from the estimates on every row at once
/// (a few near-Newton steps); without it, the estimates are one more start.
#[derive(Debug, Clone)]
pub(crate) struct Warm {
    pub(crate) theta: Vec<f64>,
    pub(crate) curvature: Option<Vec<Vec<f64>>>,
}

/// Fits `objective` on `rows` from `starts` in order (all of them, or up to the first that
/// converges when `first_converged_suffices`); `None` if no start gave a finite value.
pub(crate) fn fit(
    objective: Objective,
    rows: &Rows,
    starts: &[Vec<f64>],
    names: &'static [&'static str],
    gradient_tolerance: f64,
    first_converged_suffices: bool,
) -> Option<RawFit> {
    let settings = Settings {
        gradient_tolerance,
        ..Settings::default()
    };
    let sample = rows.sample(START_ROWS);
    let mut runs: Vec<Minimum> = Vec::with_capacity(starts.len());
    let mut tried = 0;
    for start in starts {
        let run = minimise(
            |t: &[f64], g: &mut [f64]| objective(&sample, t, g),
            start,
            &settings,
        );
        tried += 1;
        let done = first_converged_suffices && run.converged && !run.at_bound.contains(&true);
        if run.value.is_finite() {
            runs.push(run);
        }
        if done {
            break;
        }
    }
    let starts_converged = runs.iter().filter(|m| m.converged).count();
    let best = runs
        .into_iter()
        .min_by(|a, b| a.value.total_cmp(&b.value))?;
    let best = if sample.len() < rows.len() {
        on_every_row(
            objective,
            rows,
            &best.theta,
            best.inverse_hessian.as_deref(),
            &settings,
        )
    } else {
        best
    };
    tracing::debug!(
        rows = rows.len(),
        sample = sample.len(),
        starts = tried,
        iterations = best.iterations,
        converged = best.converged,
        "fit polished"
    );
    Some(finish(
        objective,
        rows,
        best,
        names,
        tried,
        starts_converged,
    ))
}

/// Continues from `start` with its `curvature` on every row: the scoring run's fit from the
/// backtest's estimates. `None` if the objective is not finite there.
pub(crate) fn continue_fit(
    objective: Objective,
    rows: &Rows,
    start: &[f64],
    curvature: &[Vec<f64>],
    names: &'static [&'static str],
    gradient_tolerance: f64,
) -> Option<RawFit> {
    let settings = Settings {
        gradient_tolerance,
        ..Settings::default()
    };
    let run = on_every_row(objective, rows, start, Some(curvature), &settings);
    tracing::debug!(
        rows = rows.len(),
        iterations = run.iterations,
        converged = run.converged,
        "fit continued"
    );
    if !run.value.is_finite() {
        return None;
    }
    let converged = usize::from(run.converged);
    Some(finish(objective, rows, run, names, 1, converged))
}

/// The minimisation on every row from `start`, with an earlier run's curvature when given.
fn on_every_row(
    objective: Objective,
    rows: &Rows,
    start: &[f64],
    curvature: Option<&[Vec<f64>]>,
    settings: &Settings,
) -> Minimum {
    minimise_with(
        |t: &[f64], g: &mut [f64]| objective(rows, t, g),
        start,
        curvature,
        settings,
    )
}

/// Standard errors and diagnostics of the run kept.
fn finish(
    objective: Objective,
    rows: &Rows,
    best: Minimum,
    names: &'static [&'static str],
    tried: usize,
    starts_converged: usize,
) -> RawFit {
    let customers = rows.customers();
    let standard_errors = standard_errors(objective, rows, &best.theta, &best.gradient, customers);
    let parameters_at_bound = names
        .iter()
        .zip(&best.at_bound)
        .filter(|(_, b)| **b)
        .map(|(n, _)| *n)
        .collect();
    RawFit {
        diagnostics: FitDiagnostics {
            log_likelihood: -best.value * customers,
            converged: best.converged,
            iterations: best.iterations,
            starts: tried,
            warm_start: false,
            starts_converged,
            gradient_norm: best.gradient_norm,
            customers: customers as usize,
            distinct_rows: rows.len(),
            parameters_at_bound,
            subsample_rows: None,
        },
        theta: best.theta,
        standard_errors,
        curvature: best.inverse_hessian,
    }
}

/// Standard errors of the natural parameters e^θ: the observed information in θ is
/// `customers` × the Hessian of the mean objective, by forward differences of its exact gradient
/// from `gradient` (the gradient at `theta`, which the minimiser ends with); SE(e^θᵢ) = e^θᵢ ·
/// √(I⁻¹)ᵢᵢ. Forward differences cost one evaluation per parameter against two for central
/// ones; with a step of 1e-6 their truncation error (about 1e-6 of the Hessian) and rounding
/// error (the gradient's 1e-15 over the step) are far below what a standard error is read to.
fn standard_errors(
    objective: Objective,
    rows: &Rows,
    theta: &[f64],
    gradient: &[f64],
    customers: f64,
) -> Option<Vec<f64>> {
    let n = theta.len();
    let h = 1e-6;
    let mut hessian = vec![vec![0.0; n]; n];
    let mut up = vec![0.0; n];
    for j in 0..n {
        let mut probe = theta.to_vec();
        probe[j] = theta[j] + h;
        objective(rows, &probe, &mut up);
        for (row, (u, g)) in hessian.iter_mut().zip(up.iter().zip(gradient)) {
            row[j] = (u - g) / h * customers;
        }
    }
    standard_errors_from(hessian, theta)
}

/// SE(e^θᵢ) from the (symmetrised) observed information in θ.
fn standard_errors_from(hessian: Vec<Vec<f64>>, theta: &[f64]) -> Option<Vec<f64>> {
    let n = theta.len();
    let hessian: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| (hessian[i][j] + hessian[j][i]) / 2.0)
                .collect()
        })
        .collect();
    let inverse = invert_spd(hessian)?;
    let se: Vec<f64> = (0..n)
        .map(|i| theta[i].exp() * inverse[i][i].sqrt())
        .collect();
    se.iter().all(|v| v.is_finite()).then_some(se)
}

/// Inverse of a symmetric positive-definite matrix by Cholesky; `None` if it is not one.
fn invert_spd(a: Vec<Vec<f64>>) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d.is_nan() || d <= 0.0 {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    // Solve L Lᵀ X = I column by column (forward, then back substitution).
    let mut inv = vec![vec![0.0; n]; n];
    for c in 0..n {
        let mut y = vec![0.0; n];
        for i in 0..n {
            let rhs = if i == c { 1.0 } else { 0.0 };
            y[i] = (rhs - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
        }
        let mut column = vec![0.0; n];
        for i in (0..n).rev() {
            column[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * column[k]).sum::<f64>()) / l[i][i];
        }
        for (row, v) in inv.iter_mut().zip(column) {
            row[c] = v;
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_difference_standard_errors_agree_with_central_differences() {
        // The BG/NBD on 2,000 simulated customers: the forward differences from the
        // minimiser's gradient against central differences with a step of 1e-4 (error 1e-8).
        use crate::clv::{BgNbdParams, Simulation, simulate_transactions, summarise};
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2024, m, d).unwrap();
        let sim = Simulation {
            purchases: BgNbdParams {
                r: 0.5,
                alpha: 6.0,
                a: 0.9,
                b: 3.0,
            },
            spend: None,
            customers: 2000,
            first_day: day(1, 1),
            acquisition_days: 84,
            end: day(12, 30),
            unit_days: 7.0,
            seed: 3,
        };
        let tx = simulate_transactions(&sim).unwrap();
        let s = summarise(&tx, sim.end, crate::domain::TimeUnit::Week).unwrap();
        let v = |name| s.values(name).unwrap();
        let (rows, _) = Rows::compress(&v("x"), &v("t_x"), &v("T"), |_| true);
        let objective: Objective = crate::clv::bgnbd::objective;
        let raw = fit(
            objective,
            &rows,
            &crate::clv::bgnbd::starts(&rows),
            &["r", "alpha", "a", "b"],
            1e-9,
            false,
        )
        .unwrap();
        let forward = raw.standard_errors.unwrap();
        let theta = &raw.theta;
        let h = 1e-4;
        let mut hessian = vec![vec![0.0; 4]; 4];
        let (mut up, mut down) = (vec![0.0; 4], vec![0.0; 4]);
        for j in 0..4 {
            let mut probe = theta.clone();
            probe[j] = theta[j] + h;
            objective(&rows, &probe, &mut up);
            probe[j] = theta[j] - h;
            objective(&rows, &probe, &mut down);
            for i in 0..4 {
                hessian[i][j] = (up[i] - down[i]) / (2.0 * h) * rows.customers();
            }
        }
        let central = standard_errors_from(hessian, theta).unwrap();
        for (f, c) in forward.iter().zip(&central) {
            assert!((f - c).abs() < 1e-5 * c, "{forward:?} vs {central:?}");
        }
    }

    #[test]
    fn cholesky_inverse_of_a_two_by_two() {
        // [[4, 2], [2, 3]]⁻¹ = [[3, −2], [−2, 4]] / 8
        let inv = invert_spd(vec![vec![4.0, 2.0], vec![2.0, 3.0]]).unwrap();
        assert!((inv[0][0] - 0.375).abs() < 1e-15 && (inv[0][1] + 0.25).abs() < 1e-15);
        assert!((inv[1][1] - 0.5).abs() < 1e-15);
        assert!(invert_spd(vec![vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
    }
}
