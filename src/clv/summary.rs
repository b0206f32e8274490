//! The per-customer summary the models are fitted on, computed from the canonical transactions
//! table with polars lazy group-bys. Part of the clv stage; depends on [`crate::tables`]' column
//! contract only.
//!
//! Definitions (the methodology appendix prints them as used):
//! - a *purchase day* of a customer is a calendar day with at least one line whose net amount,
//!   summed over that customer's lines of the day, is ≥ 0: several invoices on one day count
//!   once, a day whose lines net to a negative amount (returns, credit notes) is not a purchase,
//!   and a zero-value order (free or fully discounted items) is one, as in the CDNOW reference
//!   data, whose published summary includes the 8 customers acquired with a $0 order;
//! - the customer's first purchase is its first purchase day; customers whose first purchase is
//!   after the calibration end are not yet acquired and are left out;
//! - x = purchase days after the first, up to and including the calibration end (repeat
//!   purchases); t_x = (last purchase day − first) and T = (calibration end − first), in days
//!   divided by the unit (7 for weeks, 1 for days);
//! - zbar = mean value of the repeat purchase days, where a day's value is the sum over its lines
//!   of net_amount − cost when the line's cost is known, else net_amount (0 when x = 0).

use super::error::ClvError;
use crate::cli::TimeUnitArg;
use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

/// What the mean purchase value zbar (and so the CLV) measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpendBasis {
    /// Every calibration purchase line has a cost: values are margins.
    Margin,
    /// No line has a cost: values are net amounts (revenue).
    NetAmount,
    /// Some lines have a cost: margin where known, net amount elsewhere (see the warning).
    Mixed,
}

/// The summary of every customer acquired by the calibration end.
#[derive(Debug, Clone)]
pub struct CustomerSummary {
    /// One row per customer, in order of first appearance in the log: `customer_id` (String),
    /// `x` (UInt32), `t_x`, `T`, `zbar` (Float64), `tx_days`, `age_days` (Int32, t_x and T in
    /// days, exact keys for compressing identical customers).
    pub frame: DataFrame,
    /// Unit of t_x and T.
    pub unit: TimeUnitArg,
    /// What zbar measures.
    pub spend_basis: SpendBasis,
    /// End of calibration (inclusive).
    pub calibration_end: NaiveDate,
}

/// Days in one model time unit.
pub(crate) fn unit_days(unit: TimeUnitArg) -> f64 {
    match unit {
        TimeUnitArg::Week => 7.0,
        TimeUnitArg::Day => 1.0,
    }
}

/// Days since 1970-01-01, the physical value of a polars Date.
pub(crate) fn epoch_day(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    (date - epoch).num_days() as i32
}

/// Checks the columns the models read and returns the log as a lazy frame with an `Int32` `day`
/// column and a per-line `value` (margin where cost is known, else net amount).
fn prepared(transactions: &DataFrame) -> Result<LazyFrame, ClvError> {
    let check = |name: &'static str, dtype: DataType, expected: &'static str| match transactions
        .column(name)
    {
        Ok(c) if c.dtype() == &dtype => Ok(()),
        _ => Err(ClvError::Column {
            column: name,
            expected,
        }),
    };
    check("customer_id", DataType::String, "String")?;
    check("date", DataType::Date, "Date")?;
    check("net_amount", DataType::Float64, "Float64")?;
    let has_cost = match transactions.column("cost") {
        Ok(c) if c.dtype() == &DataType::Float64 => true,
        Ok(_) => {
            return Err(ClvError::Column {
                column: "cost",
                expected: "Float64",
            });
        }
        Err(_) => false,
    };
    let cost = if has_cost {
        col("cost")
    } else {
        lit(NULL).cast(DataType::Float64)
    };
    Ok(transactions
        .clone()
        .lazy()
        .select([
            col("customer_id"),
            col("date").cast(DataType::Int32).alias("day"),
            col("net_amount"),
            cost.alias("cost"),
        ])
        .filter(
            col("customer_id")
                .is_not_null()
                .and(col("day").is_not_null()),
        )
        .filter(col("net_amount").is_not_null())
        .with_column(
            when(col("cost").is_not_null())
                .then(col("net_amount") - col("cost"))
                .otherwise(col("net_amount"))
                .alias("value"),
        ))
}

/// Join arguments that keep the left frame's row order (the summary's order).
fn ordered(how: JoinType) -> JoinArgs {
    let mut args = JoinArgs::new(how);
    args.maintain_order = MaintainOrderJoin::Left;
    args
}

/// Purchase days (customer_id, day, value) with `from < day <= to`.
fn purchase_days(log: LazyFrame, from: Option<i32>, to: i32) -> LazyFrame {
    let mut in_range = col("day").lt_eq(lit(to));
    if let Some(from) = from {
        in_range = in_range.and(col("day").gt(lit(from)));
    }
    log.filter(in_range)
        .group_by([col("customer_id"), col("day")])
        .agg([
            col("net_amount").sum().alias("net"),
            col("value").sum().alias("value"),
        ])
        .filter(col("net").gt_eq(lit(0.0)))
}

/// Builds the summary of every customer with a purchase day on or before `calibration_end`.
pub fn summarise(
    transactions: &DataFrame,
    calibration_end: NaiveDate,
    unit: TimeUnitArg,
) -> Result<CustomerSummary, ClvError> {
    let log = prepared(transactions)?;
    let end = epoch_day(calibration_end);
    let days = unit_days(unit);
    let order = log
        .clone()
        .filter(col("day").lt_eq(lit(end)))
        .group_by_stable([col("customer_id")])
        .agg([
            col("day").len().alias("lines"),
            col("cost").count().alias("costed"),
        ]);
    let repeat = col("day").gt(col("first"));
    let per_customer = purchase_days(log, None, end)
        .with_column(col("day").min().over([col("customer_id")])?.alias("first"))
        .group_by([col("customer_id")])
        .agg([
            col("first").first(),
            col("day").max().alias("last"),
            repeat.clone().cast(DataType::UInt32).sum().alias("x"),
            when(repeat)
                .then(col("value"))
                .otherwise(lit(0.0))
                .sum()
                .alias("repeat_value"),
        ]);
    let frame = order
        .clone()
        .select([col("customer_id")])
        .join(
            per_customer,
            [col("customer_id")],
            [col("customer_id")],
            ordered(JoinType::Inner),
        )
        .select([
            col("customer_id"),
            col("x").cast(DataType::UInt32),
            ((col("last") - col("first")).cast(DataType::Float64) / lit(days)).alias("t_x"),
            ((lit(end) - col("first")).cast(DataType::Float64) / lit(days)).alias("T"),
            when(col("x").gt(lit(0)))
                .then(col("repeat_value") / col("x").cast(DataType::Float64))
                .otherwise(lit(0.0))
                .alias("zbar"),
            (col("last") - col("first"))
                .cast(DataType::Int32)
                .alias("tx_days"),
            (lit(end) - col("first"))
                .cast(DataType::Int32)
                .alias("age_days"),
        ])
        .collect()?;
    if frame.height() == 0 {
        return Err(ClvError::NoCustomers { calibration_end });
    }
    let counts = order
        .select([col("lines").sum(), col("costed").sum()])
        .collect()?;
    let lines = counts
        .column("lines")?
        .cast(&DataType::Float64)?
        .f64()?
        .get(0)
        .unwrap_or(0.0);
    let costed = counts
        .column("costed")?
        .cast(&DataType::Float64)?
        .f64()?
        .get(0)
        .unwrap_or(0.0);
    let spend_basis = if costed == 0.0 {
        SpendBasis::NetAmount
    } else if costed >= lines {
        SpendBasis::Margin
    } else {
        SpendBasis::Mixed
    };
    Ok(CustomerSummary {
        frame,
        unit,
        spend_basis,
        calibration_end,
    })
}

/// Purchase days of each summarised customer in (calibration end, holdout end], aligned with
/// the summary's rows (0 for customers with none).
pub(crate) fn holdout_purchases(
    transactions: &DataFrame,
    summary: &CustomerSummary,
    holdout_end: NaiveDate,
) -> Result<Vec<f64>, ClvError> {
    let log = prepared(transactions)?;
    let start = epoch_day(summary.calibration_end);
    let counts = purchase_days(log, Some(start), epoch_day(holdout_end))
        .group_by([col("customer_id")])
        .agg([col("day").len().cast(DataType::Float64).alias("actual")]);
    let joined = summary
        .frame
        .clone()
        .lazy()
        .select([col("customer_id")])
        .join(
            counts,
            [col("customer_id")],
            [col("customer_id")],
            ordered(JoinType::Left),
        )
        .select([col("actual").fill_null(lit(0.0))])
        .collect()?;
    Ok(joined
        .column("actual")?
        .f64()?
        .into_no_null_iter()
        .collect())
}

impl CustomerSummary {
    /// A Float64 column of the frame as a vector (x is converted).
    pub(crate) fn values(&self, name: &str) -> Result<Vec<f64>, ClvError> {
        let column = self.frame.column(name)?.cast(&DataType::Float64)?;
        Ok(column.f64()?.into_no_null_iter().collect())
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.frame.height()
    }

    /// True when no customer is summarised (never, for a summary `summarise` returned).
    pub fn is_empty(&self) -> bool {
        self.frame.height() == 0
    }
}
