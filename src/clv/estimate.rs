//! Fits of the three models on compressed rows, turned into typed [`Fit`]s. Part of the clv
//! stage; depends on the model modules and [`super::fit`].

use super::bgnbd::{self, BgNbdParams};
use super::fit::{Fit, RawFit, fit};
use super::gamma_gamma::{self, GammaGammaParams};
use super::pareto_nbd::{self, ParetoNbdParams};
use super::rows::Rows;

/// Gradient tolerance (mean log-likelihood per customer, log-parameters) for analytic gradients.
const ANALYTIC_TOLERANCE: f64 = 1e-9;
/// The same for the central-difference gradient of the Pareto/NBD.
const NUMERIC_TOLERANCE: f64 = 1e-7;

/// Converts a fit in log-parameters; `make` builds the parameter struct from natural values.
fn typed<P>(raw: RawFit, make: fn(&[f64]) -> P) -> Fit<P> {
    let natural: Vec<f64> = raw.theta.iter().map(|t| t.exp()).collect();
    Fit {
        params: make(&natural),
        diagnostics: raw.diagnostics,
        standard_errors: raw.standard_errors.as_deref().map(make),
    }
}

/// Maximum-likelihood BG/NBD on purchase rows (x, t_x, T).
pub(crate) fn fit_bgnbd(rows: &Rows) -> Option<Fit<BgNbdParams>> {
    let raw = fit(
        bgnbd::objective,
        rows,
        &bgnbd::starts(rows),
        &["r", "alpha", "a", "b"],
        ANALYTIC_TOLERANCE,
    )?;
    Some(typed(raw, |v| BgNbdParams {
        r: v[0],
        alpha: v[1],
        a: v[2],
        b: v[3],
    }))
}

/// Maximum-likelihood Pareto/NBD on purchase rows (x, t_x, T).
pub(crate) fn fit_pareto_nbd(rows: &Rows) -> Option<Fit<ParetoNbdParams>> {
    let raw = fit(
        pareto_nbd::objective,
        rows,
        &pareto_nbd::starts(rows),
        &["r", "alpha", "s", "beta"],
        NUMERIC_TOLERANCE,
    )?;
    Some(typed(raw, |v| ParetoNbdParams {
        r: v[0],
        alpha: v[1],
        s: v[2],
        beta: v[3],
    }))
}

/// Maximum-likelihood Gamma-Gamma on spend rows (x, zbar) with zbar > 0.
pub(crate) fn fit_gamma_gamma(rows: &Rows) -> Option<Fit<GammaGammaParams>> {
    let raw = fit(
        gamma_gamma::objective,
        rows,
        &gamma_gamma::starts(rows),
        &["p", "q", "gamma"],
        ANALYTIC_TOLERANCE,
    )?;
    Some(typed(raw, |v| GammaGammaParams {
        p: v[0],
        q: v[1],
        gamma: v[2],
    }))
}
