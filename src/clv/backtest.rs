//! The holdout backtest: predictions of a model calibrated to the calibration end, compared
//! with the purchase days that happened up to the holdout end, in total, by number of calibration
//! repeat purchases (0 … 6, 7+) and per customer. Part of the clv stage; depends on
//! [`super::scoring`] and [`super::rows`].

use super::report::ModelKind;
use super::rows::Rows;
use super::scoring::{AgeRuns, Purchase};
use chrono::NaiveDate;
use serde::Serialize;

/// Buckets of calibration repeat purchases: 0, 1, …, 6 and "7+".
const BUCKETS: usize = 8;

/// One bucket of customers by calibration repeat purchases.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestBucket {
    /// "0" … "6" or "7+".
    pub repeat_purchases: String,
    /// Customers in the bucket.
    pub customers: usize,
    /// Mean purchase days in the holdout.
    pub actual_mean: f64,
    /// Mean predicted purchases in the holdout.
    pub predicted_mean: f64,
}

/// How one purchase model did in the holdout.
#[derive(Debug, Clone, Serialize)]
pub struct ModelBacktest {
    /// The model.
    pub model: ModelKind,
    /// Predicted purchases of all customers in the holdout.
    pub predicted_total: f64,
    /// Mean over customers of |actual − predicted|: the criterion of `auto`.
    pub mean_absolute_error: f64,
    /// The comparison by calibration repeat purchases.
    pub by_repeat_purchases: Vec<BacktestBucket>,
    /// Customers without a prediction (left out of the figures above).
    pub failed_customers: usize,
    /// Predicted purchases of all customers in each month of the holdout (issue 19), in the
    /// order of [`Backtest::by_month`].
    pub predicted_by_month: Vec<f64>,
}

impl ModelBacktest {
    /// (predicted − actual) / actual over the whole holdout: +0.26 over-predicts by 26 %.
    pub fn aggregate_error(&self, actual_total: f64) -> Option<f64> {
        (actual_total > 0.0).then(|| (self.predicted_total - actual_total) / actual_total)
    }
}

/// One month of the holdout (the last may be shorter when the holdout does not end on a
/// month boundary).
#[derive(Debug, Clone, Serialize)]
pub struct BacktestMonth {
    /// Last day of the month (or of the holdout).
    pub end: NaiveDate,
    /// Purchase days that happened in it.
    pub actual: f64,
}

/// The backtest of every fitted purchase model.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    /// Last day of the holdout.
    pub holdout_end: NaiveDate,
    /// Holdout length in model units.
    pub holdout_length: f64,
    /// Customers compared (all those acquired by the calibration end).
    pub customers: usize,
    /// Purchase days that happened in the holdout.
    pub actual_total: f64,
    /// One entry per fitted model.
    pub models: Vec<ModelBacktest>,
    /// First day of the holdout (the day after the calibration end).
    pub holdout_start: NaiveDate,
    /// Actual purchases by month of the holdout.
    pub by_month: Vec<BacktestMonth>,
}

/// What the holdout is: its length in model units and the cumulative length at each month's end.
pub(crate) struct Holdout<'a> {
    pub(crate) length: f64,
    pub(crate) month_ends: &'a [f64],
}

/// Predicted purchases of all customers in each month: differences of the cumulative
/// prediction at the month ends (rows weighted by their customers).
fn predicted_by_month(
    model: &Purchase,
    rows: &Rows,
    runs: &AgeRuns,
    alive: &[Option<f64>],
    index: &[u32],
    month_ends: &[f64],
) -> Vec<f64> {
    let mut weight = vec![0.0f64; rows.len()];
    for &r in index {
        weight[r as usize] += 1.0;
    }
    let mut previous = 0.0;
    month_ends
        .iter()
        .map(|&len| {
            let if_alive = runs.map(rows, |x, t| model.expected_if_alive(len, x, t).ok());
            let total: f64 = (0..rows.len())
                .filter_map(|i| Some(weight[i] * alive[i]? * if_alive[runs.run(i)]?))
                .sum();
            let month = total - previous;
            previous = total;
            month
        })
        .collect()
}

/// Compares `model`'s predictions over the holdout with `actual` per customer; `alive` is
/// its P(alive) of each row, `index` maps customers to rows and `x` gives their calibration
/// repeat purchases.
pub(crate) fn backtest_model(
    model: &Purchase,
    rows: &Rows,
    alive: &[Option<f64>],
    index: &[u32],
    x: &[f64],
    actual: &[f64],
    holdout: &Holdout,
) -> ModelBacktest {
    let length = holdout.length;
    let runs = AgeRuns::of(rows);
    let if_alive = runs.map(rows, |x, t| model.expected_if_alive(length, x, t).ok());
    let per_row: Vec<Option<f64>> = (0..rows.len())
        .map(|i| Some(alive[i]? * if_alive[runs.run(i)]?))
        .collect();
    let mut sums = [(0usize, 0.0f64, 0.0f64); BUCKETS];
    let (mut predicted_total, mut abs_error, mut scored, mut failed) = (0.0, 0.0, 0usize, 0usize);
    for (customer, &row) in index.iter().enumerate() {
        let Some(predicted) = per_row[row as usize] else {
            failed += 1;
            continue;
        };
        let bucket = (x[customer] as usize).min(BUCKETS - 1);
        let entry = &mut sums[bucket];
        entry.0 += 1;
        entry.1 += actual[customer];
        entry.2 += predicted;
        predicted_total += predicted;
        abs_error += (actual[customer] - predicted).abs();
        scored += 1;
    }
    let by_repeat_purchases = sums
        .iter()
        .enumerate()
        .filter(|(_, (n, _, _))| *n > 0)
        .map(|(k, &(n, a, p))| BacktestBucket {
            repeat_purchases: if k + 1 == BUCKETS {
                format!("{k}+")
            } else {
                k.to_string()
            },
            customers: n,
            actual_mean: a / n as f64,
            predicted_mean: p / n as f64,
        })
        .collect();
    ModelBacktest {
        model: model.kind(),
        predicted_total,
        mean_absolute_error: if scored > 0 {
            abs_error / scored as f64
        } else {
            f64::MAX
        },
        by_repeat_purchases,
        failed_customers: failed,
        predicted_by_month: predicted_by_month(
            model,
            rows,
            &runs,
            alive,
            index,
            holdout.month_ends,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::bgnbd::BgNbdParams;

    #[test]
    fn buckets_group_customers_by_calibration_repeat_purchases() {
        // Three customers: x = 0, 0 and 9 (bucket "7+"); actual 1, 0, 4.
        let x = [0.0, 0.0, 9.0];
        let (rows, index) = Rows::compress(&x, &[0.0, 0.0, 30.0], &[35.0, 35.0, 38.0], |_| true);
        let model = Purchase::Bg(BgNbdParams {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
        });
        let alive = crate::clv::scoring::p_alive_rows(&model, &rows);
        let holdout = Holdout {
            length: 39.0,
            month_ends: &[13.0, 26.0, 39.0],
        };
        let b = backtest_model(
            &model,
            &rows,
            &alive,
            &index,
            &x,
            &[1.0, 0.0, 4.0],
            &holdout,
        );
        assert_eq!(b.by_repeat_purchases.len(), 2);
        assert_eq!(b.by_repeat_purchases[0].repeat_purchases, "0");
        assert_eq!(b.by_repeat_purchases[0].customers, 2);
        assert_eq!(b.by_repeat_purchases[0].actual_mean, 0.5);
        assert_eq!(b.by_repeat_purchases[1].repeat_purchases, "7+");
        let per_customer: f64 = b
            .by_repeat_purchases
            .iter()
            .map(|k| k.predicted_mean * k.customers as f64)
            .sum();
        assert!((per_customer - b.predicted_total).abs() < 1e-12);
        assert_eq!(b.failed_customers, 0);
        // The months add up to the whole holdout's prediction.
        let months: f64 = b.predicted_by_month.iter().sum();
        assert!((months - b.predicted_total).abs() < 1e-9);
        assert_eq!(
            b.aggregate_error(5.0),
            Some((b.predicted_total - 5.0) / 5.0)
        );
    }
}
