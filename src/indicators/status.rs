//! Indicators stage: the per-customer status of one period, the shared input of the base, retention,
//! revenue, profitability, RFM and complainer-churn families and of the trend series.
//!
//! Depends on [`super::context`]. One sorted group-by over the daily frame yields, per customer,
//! every flag and sum a period needs; the families then reduce this frame (one row per customer)
//! to their figures.

use super::context::{Context, DataRange, between, day_number};
use crate::figure::{Figure, Missing};
use crate::period::Period;
use polars::prelude::*;

/// Day numbers (inclusive) of the windows a period's figures read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Windows {
    /// First day of the period.
    pub(crate) start: i32,
    /// Last day of the period.
    pub(crate) end: i32,
    /// First day of the previous period.
    pub(crate) prev_start: i32,
    /// Last day of the previous period.
    pub(crate) prev_end: i32,
    /// First day of the A days ending the day before the period (window of S).
    pub(crate) lookback_from: i32,
    /// First day of the A days ending the period's last day (window of E).
    pub(crate) end_window_from: i32,
}

impl Windows {
    pub(crate) fn of(period: Period, window_days: i32) -> Self {
        let (start, end) = (day_number(period.start), day_number(period.end));
        let prev = period.previous();
        Windows {
            start,
            end,
            prev_start: day_number(prev.start),
            prev_end: day_number(prev.end),
            lookback_from: start - window_days,
            end_window_from: end - window_days + 1,
        }
    }
}

/// Which of a period's windows lie wholly inside the data: a figure reading a window the data
/// do not cover is `Missing::OutsideData`, never a truncated count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Coverage {
    /// The period itself.
    pub(crate) period: bool,
    /// The previous period and the period.
    pub(crate) previous: bool,
    /// The A days before the period start and the period (S, new, reactivated, ...).
    pub(crate) lookback: bool,
    /// The A days ending the period end (E, repeat rate, profitability).
    pub(crate) end_window: bool,
}

impl Coverage {
    pub(crate) fn of(w: &Windows, range: Option<DataRange>) -> Self {
        let Some(r) = range else {
            return Coverage {
                period: false,
                previous: false,
                lookback: false,
                end_window: false,
            };
        };
        let (first, last) = (day_number(r.first), day_number(r.last));
        let inside = |from: i32| first <= from && w.end <= last;
        Coverage {
            period: inside(w.start),
            previous: inside(w.prev_start),
            lookback: inside(w.lookback_from),
            end_window: inside(w.end_window_from),
        }
    }

    /// `figure` when `covered`, else `Missing::OutsideData`.
    pub(crate) fn gate(covered: bool, figure: Figure) -> Figure {
        if covered {
            figure
        } else {
            Figure::missing(Missing::OutsideData)
        }
    }
}

/// How much of the status a caller needs: the trend's headline figures need fewer sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth {
    /// Flags, revenue and margin of the period and revenue of the previous one.
    Headline,
    /// Everything the per-period families read.
    Full,
}

/// One period's per-customer status frame with its windows and coverage.
#[derive(Debug, Clone)]
pub(crate) struct PeriodStatus {
    pub(crate) period: Period,
    pub(crate) windows: Windows,
    pub(crate) coverage: Coverage,
    /// One row per customer with a transaction between the earlier of the S window and the
    /// previous period, and the period end: `key`, `in_start_base`, `in_end_base`, `active`,
    /// `active_prev`, `revenue`, `revenue_prev`, `margin`; at [`Depth::Full`] also
    /// `purchase_days`, `revenue_window`, `margin_window`, `purchase_days_window`,
    /// `last_purchase_window`.
    pub(crate) frame: DataFrame,
}

impl PeriodStatus {
    /// Two "last purchase" days per customer give every activity flag: the last purchase up to
    /// the period end (active in P, in E) and the last one before the period (in S, active in
    /// P−1, as P−1 ends the day before P starts).
    pub(crate) fn compute(ctx: &Context, period: Period, depth: Depth) -> PolarsResult<Self> {
        let w = Windows::of(period, ctx.window_days());
        let day = || col("day");
        let purchase_day = || when(col("purchase")).then(day()).otherwise(lit(NULL));
        let purchases_in = |from, to| col("purchase").and(between(day(), from, to)).sum();
        let sum_in = |what: &str, from, to| {
            when(between(day(), from, to))
                .then(col(what))
                .otherwise(lit(0.0))
                .sum()
        };
        let mut aggs = vec![
            purchase_day().max().alias("last_purchase"),
            when(day().lt(lit(w.start)))
                .then(purchase_day())
                .otherwise(lit(NULL))
                .max()
                .alias("last_before"),
            sum_in("net", w.start, w.end).alias("revenue"),
            sum_in("net", w.prev_start, w.prev_end).alias("revenue_prev"),
            sum_in("margin", w.start, w.end).alias("margin"),
        ];
        if depth == Depth::Full {
            aggs.extend([
                purchases_in(w.start, w.end).alias("purchase_days"),
                sum_in("net", w.end_window_from, w.end).alias("revenue_window"),
                sum_in("margin", w.end_window_from, w.end).alias("margin_window"),
                purchases_in(w.end_window_from, w.end).alias("purchase_days_window"),
            ]);
        }
        let at_least = |c: &str, from: i32| col(c).gt_eq(lit(from)).fill_null(lit(false));
        let mut flags = vec![
            at_least("last_before", w.lookback_from).alias("in_start_base"),
            at_least("last_purchase", w.end_window_from).alias("in_end_base"),
            at_least("last_purchase", w.start).alias("active"),
            at_least("last_before", w.prev_start).alias("active_prev"),
        ];
        if depth == Depth::Full {
            flags.push(
                when(at_least("last_purchase", w.end_window_from))
                    .then(col("last_purchase"))
                    .otherwise(lit(NULL))
                    .alias("last_purchase_window"),
            );
        }
        let frame = ctx
            .daily
            .clone()
            .lazy()
            .filter(between(day(), w.lookback_from.min(w.prev_start), w.end))
            .group_by([col("key")])
            .agg(aggs)
            .with_columns(flags)
            .collect()?;
        Ok(PeriodStatus {
            period,
            windows: w,
            coverage: Coverage::of(&w, ctx.data_range),
            frame,
        })
    }

    /// The status frame as a lazy query.
    pub(crate) fn lazy(&self) -> LazyFrame {
        self.frame.clone().lazy()
    }
}

/// Runs a one-row aggregation and reads its columns as numbers (nulls as `None`).
pub(crate) fn one_row(lf: LazyFrame, names: &[&str]) -> PolarsResult<Vec<Option<f64>>> {
    let df = lf.collect()?;
    names
        .iter()
        .map(|n| {
            let c = df.column(n)?.cast(&DataType::Float64)?;
            Ok(if df.height() == 0 {
                None
            } else {
                c.f64()?.get(0)
            })
        })
        .collect()
}
