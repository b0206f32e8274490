//! Per-customer predictions: P(alive), expected purchases in 90 days and over the horizon, and
//! the discounted purchases that, times the expected spend, give the CLV. Part of the clv stage;
//! depends on the purchase models and [`super::rows`].
//!
//! CLV formula (printed in the methodology appendix): with months of 365.25/12 days,
//! tₘ = m months in model units, E(t) the expected purchases in (T, T+t] and d the annual
//! discount rate,
//!
//! CLV = spend · Σ_{m=1}^{H} [E(tₘ) − E(tₘ₋₁)] / (1 + d)^{m/12},
//!
//! i.e. each month's expected purchases are valued at the expected spend and discounted from the
//! end of that month at the monthly rate equivalent to d a year.

use super::bgnbd::BgNbdParams;
use super::hyp2f1::Hyp2f1Error;
use super::pareto_nbd::ParetoNbdParams;
use super::pareto_nbd_integral::TailMemo;
use super::report::ModelKind;
use super::rows::Rows;
use rayon::prelude::*;

/// Days in a month for the CLV horizon (a Julian year over 12).
pub(crate) const MONTH_DAYS: f64 = 365.25 / 12.0;
/// The "next 90 days" of the expected-purchases figure.
pub(crate) const NEXT_DAYS: f64 = 90.0;

/// A fitted purchase model.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Purchase {
    /// BG/NBD.
    Bg(BgNbdParams),
    /// Pareto/NBD.
    Pareto(ParetoNbdParams),
}

impl Purchase {
    pub(crate) fn kind(&self) -> ModelKind {
        match self {
            Purchase::Bg(_) => ModelKind::Bgnbd,
            Purchase::Pareto(_) => ModelKind::ParetoNbd,
        }
    }

    #[cfg(test)]
    pub(crate) fn p_alive(&self, x: f64, t_x: f64, t: f64) -> Result<f64, Hyp2f1Error> {
        match self {
            Purchase::Bg(p) => Ok(p.p_alive(x, t_x, t)),
            Purchase::Pareto(p) => p.p_alive(x, t_x, t),
        }
    }

    pub(crate) fn expected_if_alive(
        &self,
        horizon: f64,
        x: f64,
        t: f64,
    ) -> Result<f64, Hyp2f1Error> {
        match self {
            Purchase::Bg(p) => p.expected_if_alive(horizon, x, t),
            Purchase::Pareto(p) => Ok(p.expected_if_alive(horizon, x, t)),
        }
    }
}

/// Horizon settings in model units.
#[derive(Debug, Clone)]
pub(crate) struct Horizon {
    /// Days per model unit.
    pub(crate) unit_days: f64,
    /// Discount factor 1/(1+d)^{m/12} of each month m = 1..=H.
    pub(crate) discounts: Vec<f64>,
}

impl Horizon {
    pub(crate) fn new(unit_days: f64, months: u32, annual_rate: f64) -> Self {
        let discounts = (1..=months)
            .map(|m| (1.0 + annual_rate).powf(-(m as f64) / 12.0))
            .collect();
        Horizon {
            unit_days,
            discounts,
        }
    }
}

/// Predictions for one distinct (x, t_x, T).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RowScore {
    pub(crate) p_alive: f64,
    pub(crate) next_90_days: f64,
    pub(crate) horizon: f64,
    /// Σ discounted monthly expected purchases (CLV per unit of spend).
    pub(crate) discounted: f64,
}

/// Expected purchases given alive over the 90 days, over the horizon, and discounted month by
/// month: these depend on (x, T) only, not on t_x.
fn if_alive(model: &Purchase, h: &Horizon, x: f64, t: f64) -> Result<[f64; 3], Hyp2f1Error> {
    let next_90_days = model.expected_if_alive(NEXT_DAYS / h.unit_days, x, t)?;
    let (mut previous, mut discounted) = (0.0, 0.0);
    for (m, factor) in h.discounts.iter().enumerate() {
        let cumulative =
            model.expected_if_alive((m + 1) as f64 * MONTH_DAYS / h.unit_days, x, t)?;
        discounted += (cumulative - previous) * factor;
        previous = cumulative;
    }
    Ok([next_90_days, previous, discounted])
}

#[cfg(test)]
fn score_one(
    model: &Purchase,
    h: &Horizon,
    x: f64,
    t_x: f64,
    t: f64,
) -> Result<RowScore, Hyp2f1Error> {
    let alive = model.p_alive(x, t_x, t)?;
    let [next_90_days, horizon, discounted] = if_alive(model, h, x, t)?;
    Ok(RowScore {
        p_alive: alive,
        next_90_days: alive * next_90_days,
        horizon: alive * horizon,
        discounted: alive * discounted,
    })
}

/// Runs of rows sharing (x, T): rows are sorted by (x, T, t_x), so they are consecutive.
/// Expectations given alive depend on (x, T) only, and there are several times fewer runs than
/// rows (at 1M customers about 75,000 runs for 670,000 rows).
pub(crate) struct AgeRuns {
    /// First row of each run.
    starts: Vec<usize>,
    /// The run of each row.
    run_of_row: Vec<u32>,
}

impl AgeRuns {
    pub(crate) fn of(rows: &Rows) -> Self {
        let starts: Vec<usize> = (0..rows.len())
            .filter(|&i| i == 0 || rows.x[i] != rows.x[i - 1] || rows.v[i] != rows.v[i - 1])
            .collect();
        let mut run_of_row = vec![0u32; rows.len()];
        for (k, &start) in starts.iter().enumerate() {
            let end = starts.get(k + 1).copied().unwrap_or(rows.len());
            run_of_row[start..end].fill(k as u32);
        }
        AgeRuns { starts, run_of_row }
    }

    /// `f(x, T)` once per run, in parallel.
    pub(crate) fn map<T: Send>(&self, rows: &Rows, f: impl Fn(f64, f64) -> T + Sync) -> Vec<T> {
        self.starts
            .par_iter()
            .with_min_len(64)
            .map(|&i| f(rows.x[i], rows.v[i]))
            .collect()
    }

    /// The run of row `i`.
    pub(crate) fn run(&self, i: usize) -> usize {
        self.run_of_row[i] as usize
    }
}

/// Rows per chunk of [`p_alive_rows`].
const ALIVE_CHUNK: usize = 4096;

/// P(alive) of every row (`None` where it failed), in parallel chunks of consecutive rows; the
/// Pareto/NBD's remember the previous row's integral tails within a chunk.
pub(crate) fn p_alive_rows(model: &Purchase, rows: &Rows) -> Vec<Option<f64>> {
    let chunks: Vec<Vec<Option<f64>>> = (0..rows.len().div_ceil(ALIVE_CHUNK))
        .into_par_iter()
        .map(|c| {
            let range = c * ALIVE_CHUNK..((c + 1) * ALIVE_CHUNK).min(rows.len());
            let mut memo = TailMemo::default();
            range
                .map(|i| {
                    let (x, t_x, t) = (rows.x[i], rows.u[i], rows.v[i]);
                    match model {
                        Purchase::Bg(p) => Some(p.p_alive(x, t_x, t)),
                        Purchase::Pareto(p) => p.p_alive_with(x, t_x, t, &mut memo).ok(),
                    }
                })
                .collect()
        })
        .collect();
    chunks.concat()
}

/// Scores every distinct row in parallel, given its P(alive) ([`p_alive_rows`]); `None` where
/// the model's functions failed.
///
/// The expensive expectations (13 hypergeometric functions for BG/NBD) are computed once per
/// run of equal (x, T) ([`AgeRuns`]), and only P(alive) once per row.
pub(crate) fn score_rows(
    model: &Purchase,
    rows: &Rows,
    alive: &[Option<f64>],
    h: &Horizon,
) -> Vec<Option<RowScore>> {
    let runs = AgeRuns::of(rows);
    let per_run = runs.map(rows, |x, t| if_alive(model, h, x, t));
    (0..rows.len())
        .into_par_iter()
        .with_min_len(4096)
        .map(|i| {
            let [next_90_days, horizon, discounted] = per_run[runs.run(i)].as_ref().ok()?;
            let alive = alive[i]?;
            Some(RowScore {
                p_alive: alive,
                next_90_days: alive * next_90_days,
                horizon: alive * horizon,
                discounted: alive * discounted,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discounting_is_monthly_at_the_equivalent_monthly_rate() {
        // 10 % a year: month 12 is discounted by exactly 1/1.1, month 6 by 1/√1.1.
        let h = Horizon::new(7.0, 12, 0.10);
        assert!((h.discounts[11] - 1.0 / 1.1).abs() < 1e-15);
        assert!((h.discounts[5] - 1.1f64.powf(-0.5)).abs() < 1e-15);
    }

    #[test]
    fn rows_sharing_x_and_t_reuse_the_expectations_but_not_p_alive() {
        let bg = Purchase::Bg(BgNbdParams {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
        });
        let pareto = Purchase::Pareto(ParetoNbdParams {
            r: 0.553,
            alpha: 10.578,
            s: 0.606,
            beta: 11.669,
        });
        // Runs of equal (x, T) and of equal (x, t_x), including several x = 0 rows (t_x = 0).
        let (rows, _) = Rows::compress(
            &[2.0, 2.0, 0.0, 0.0, 0.0, 2.0, 3.0],
            &[30.0, 10.0, 0.0, 0.0, 0.0, 30.0, 30.0],
            &[38.86, 38.86, 38.86, 20.0, 25.0, 40.0, 40.0],
            |_| true,
        );
        let h = Horizon::new(7.0, 12, 0.10);
        for model in [bg, pareto] {
            let scored = score_rows(&model, &rows, &p_alive_rows(&model, &rows), &h);
            for (i, s) in scored.iter().enumerate() {
                let one = score_one(&model, &h, rows.x[i], rows.u[i], rows.v[i]).unwrap();
                assert_eq!(s.unwrap(), one, "{:?} row {i}", model.kind());
            }
            let at = |x: f64, t_x: f64| {
                (0..rows.len())
                    .find(|&i| rows.x[i] == x && rows.u[i] == t_x && rows.v[i] == 38.86)
                    .map(|i| scored[i].unwrap().p_alive)
                    .unwrap()
            };
            assert_ne!(at(2.0, 10.0), at(2.0, 30.0));
        }
    }

    #[test]
    fn without_discounting_the_clv_factor_is_the_horizon_expectation() {
        let model = Purchase::Bg(BgNbdParams {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
        });
        let s = score_one(&model, &Horizon::new(7.0, 12, 0.0), 2.0, 30.43, 38.86).unwrap();
        assert!((s.discounted - s.horizon).abs() < 1e-12);
        assert!(s.next_90_days < s.horizon && s.p_alive > 0.72);
        let discounted =
            score_one(&model, &Horizon::new(7.0, 12, 0.10), 2.0, 30.43, 38.86).unwrap();
        // Every month is discounted by a factor between 1/1.1 and 1.
        assert!(discounted.discounted < s.horizon && discounted.discounted > s.horizon / 1.1);
    }
}
