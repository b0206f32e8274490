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
use crate::customer_days::CustomerDays;
use crate::domain::TimeUnit;
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
    /// One row per customer, sorted by customer_id: `key` (UInt32, the [`DailyLog`]'s), `customer_id` (String),
    /// `x` (UInt32), `t_x`, `T`, `zbar` (Float64), `tx_days`, `age_days` (Int32, t_x and T in
    /// days, exact keys for compressing identical customers).
    pub frame: DataFrame,
    /// Unit of t_x and T.
    pub unit: TimeUnit,
    /// What zbar measures.
    pub spend_basis: SpendBasis,
    /// End of calibration (inclusive).
    pub calibration_end: NaiveDate,
}

/// Days in one model time unit.
pub(crate) fn unit_days(unit: TimeUnit) -> f64 {
    match unit {
        TimeUnit::Week => 7.0,
        TimeUnit::Day => 1.0,
    }
}

pub(crate) use crate::period::day_number as epoch_day;

/// Checks the columns the models read.
fn check_columns(transactions: &DataFrame) -> Result<(), ClvError> {
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
    match transactions.column("cost") {
        Ok(c) if c.dtype() != &DataType::Float64 => Err(ClvError::Column {
            column: "cost",
            expected: "Float64",
        }),
        _ => Ok(()),
    }
}

/// The transactions reduced to one row per (customer, day): the shared [`CustomerDays`]
/// reduction, whose dense key sorts like customer_id. Built once per client and shared by every
/// summary and holdout count over it (the backtest and the scoring run). Both are single passes
/// over its sorted columns: a customer's rows are consecutive and in day order, so a group-by
/// would only rediscover that order.
#[derive(Debug, Clone)]
pub struct DailyLog {
    /// key (UInt32, sorted), day (Int32 epoch days), net, value, lines, costed; rows with no
    /// line carrying a net amount (`lines` = 0) are skipped by the passes.
    frame: DataFrame,
    /// key (0..n, the row number), customer_id.
    keys: DataFrame,
}

/// The log's columns as slices.
struct LogColumns<'a> {
    key: &'a [u32],
    day: &'a [i32],
    net: &'a [f64],
    value: &'a [f64],
    lines: &'a [u32],
    costed: &'a [u32],
}

impl DailyLog {
    /// Checks the columns the models read and groups the lines by customer and day.
    pub fn new(transactions: &DataFrame) -> Result<Self, ClvError> {
        check_columns(transactions)?;
        Self::from_days(transactions, &CustomerDays::build(transactions)?)
    }

    /// The log over a reduction already built from `transactions` (whose columns are checked).
    pub fn from_days(transactions: &DataFrame, days: &CustomerDays) -> Result<Self, ClvError> {
        check_columns(transactions)?;
        let mut frame = days
            .daily
            .select(["key", "day", "net", "value", "lines", "costed"])?;
        frame.rechunk_mut();
        Ok(DailyLog {
            frame,
            keys: days.keys.clone(),
        })
    }

    fn columns(&self) -> Result<LogColumns<'_>, ClvError> {
        let f = &self.frame;
        Ok(LogColumns {
            key: f.column("key")?.u32()?.cont_slice()?,
            day: f.column("day")?.i32()?.cont_slice()?,
            net: f.column("net")?.f64()?.cont_slice()?,
            value: f.column("value")?.f64()?.cont_slice()?,
            lines: f.column("lines")?.u32()?.cont_slice()?,
            costed: f.column("costed")?.u32()?.cont_slice()?,
        })
    }
}

/// Builds the summary of every customer with a purchase day on or before `calibration_end`,
/// sorted by customer_id.
pub fn summarise(
    transactions: &DataFrame,
    calibration_end: NaiveDate,
    unit: TimeUnit,
) -> Result<CustomerSummary, ClvError> {
    summarise_daily(&DailyLog::new(transactions)?, calibration_end, unit)
}

/// [`summarise`] over a [`DailyLog`] already built.
pub fn summarise_daily(
    daily: &DailyLog,
    calibration_end: NaiveDate,
    unit: TimeUnit,
) -> Result<CustomerSummary, ClvError> {
    let end = epoch_day(calibration_end);
    let days = unit_days(unit);
    let c = daily.columns()?;
    let (mut lines, mut costed) = (0u64, 0u64);
    let mut keys: Vec<u32> = Vec::new();
    let (mut x, mut t_x, mut age, mut zbar, mut tx_days, mut age_days) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let mut i = 0;
    while i < c.key.len() {
        let key = c.key[i];
        // First and last purchase day, purchase days, and the value of the days after the first.
        let mut customer: Option<(i32, i32, u32, f64)> = None;
        while i < c.key.len() && c.key[i] == key {
            if c.lines[i] > 0 && c.day[i] <= end {
                lines += u64::from(c.lines[i]);
                costed += u64::from(c.costed[i]);
                if c.net[i] >= 0.0 {
                    customer = Some(match customer {
                        None => (c.day[i], c.day[i], 0, 0.0),
                        Some((first, _, repeats, value)) => {
                            (first, c.day[i], repeats + 1, value + c.value[i])
                        }
                    });
                }
            }
            i += 1;
        }
        if let Some((first, last, repeats, value)) = customer {
            keys.push(key);
            x.push(repeats);
            t_x.push(f64::from(last - first) / days);
            age.push(f64::from(end - first) / days);
            zbar.push(if repeats > 0 {
                value / f64::from(repeats)
            } else {
                0.0
            });
            tx_days.push(last - first);
            age_days.push(end - first);
        }
    }
    if keys.is_empty() {
        return Err(ClvError::NoCustomers { calibration_end });
    }
    let rows = keys.len();
    let ids = daily.keys.column("customer_id")?.take(&IdxCa::from_vec(
        "key".into(),
        keys.iter().map(|&k| k as IdxSize).collect(),
    ))?;
    let frame = DataFrame::new(
        rows,
        vec![
            UInt32Chunked::from_vec("key".into(), keys).into_column(),
            ids.with_name("customer_id".into()),
            UInt32Chunked::from_vec("x".into(), x).into_column(),
            Float64Chunked::from_vec("t_x".into(), t_x).into_column(),
            Float64Chunked::from_vec("T".into(), age).into_column(),
            Float64Chunked::from_vec("zbar".into(), zbar).into_column(),
            Int32Chunked::from_vec("tx_days".into(), tx_days).into_column(),
            Int32Chunked::from_vec("age_days".into(), age_days).into_column(),
        ],
    )?;
    let spend_basis = if costed == 0 {
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
    daily: &DailyLog,
    summary: &CustomerSummary,
    holdout_end: NaiveDate,
) -> Result<Vec<f64>, ClvError> {
    let (start, end) = (epoch_day(summary.calibration_end), epoch_day(holdout_end));
    let c = daily.columns()?;
    let mut per_key = vec![0.0; daily.keys.height()];
    for i in 0..c.key.len() {
        if c.lines[i] > 0 && c.day[i] > start && c.day[i] <= end && c.net[i] >= 0.0 {
            per_key[c.key[i] as usize] += 1.0;
        }
    }
    let keys = summary.frame.column("key")?.u32()?;
    Ok(keys
        .into_no_null_iter()
        .map(|k| per_key[k as usize])
        .collect())
}

/// Purchase days of the summarised customers between consecutive `month_ends` (the first month
/// starts the day after the calibration end), as [`holdout_purchases`] counts them.
pub(crate) fn holdout_purchases_by_month(
    daily: &DailyLog,
    summary: &CustomerSummary,
    month_ends: &[NaiveDate],
) -> Result<Vec<f64>, ClvError> {
    let start = epoch_day(summary.calibration_end);
    let ends: Vec<i32> = month_ends.iter().map(|d| epoch_day(*d)).collect();
    let Some(&last) = ends.last() else {
        return Ok(Vec::new());
    };
    let keys = summary.frame.column("key")?.u32()?;
    let mut known = vec![false; daily.keys.height()];
    for k in keys.into_no_null_iter() {
        known[k as usize] = true;
    }
    let c = daily.columns()?;
    let mut out = vec![0.0; ends.len()];
    for i in 0..c.key.len() {
        let day = c.day[i];
        if c.lines[i] > 0
            && day > start
            && day <= last
            && c.net[i] >= 0.0
            && known[c.key[i] as usize]
        {
            out[ends.partition_point(|e| *e < day)] += 1.0;
        }
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    #[test]
    fn summary_counts_purchase_days_and_averages_repeat_values() {
        // A: first day 01-01 (100 − 60 = 40); 01-08 two invoices (50 − 20) + 30 = 60; 01-15 a
        // credit note only (net −20: not a purchase); 01-29 a zero-value order (a purchase, 0);
        // 03-01 after the calibration end. B: acquired after it. C: one purchase on the last day.
        let tx = df!(
            "customer_id" => ["A", "A", "A", "A", "A", "A", "B", "C"],
            "date" => [d(1, 1), d(1, 8), d(1, 8), d(1, 15), d(1, 29), d(3, 1), d(3, 5), d(2, 28)],
            "net_amount" => [100.0, 50.0, 30.0, -20.0, 0.0, 10.0, 5.0, 10.0],
            "cost" => [Some(60.0), Some(20.0), None, None, None, None, None, None],
        )
        .unwrap();
        let s = summarise(&tx, d(2, 28), TimeUnit::Week).unwrap();
        assert_eq!(s.len(), 2);
        let ids = s
            .frame
            .column("customer_id")
            .unwrap()
            .str()
            .unwrap()
            .clone();
        assert_eq!((ids.get(0), ids.get(1)), (Some("A"), Some("C")));
        // A: x = 2 (01-08, 01-29); t_x = 28/7 = 4; T = 58/7; zbar = (60 + 0)/2 = 30.
        assert_eq!(s.values("x").unwrap(), [2.0, 0.0]);
        assert_eq!(s.values("t_x").unwrap(), [4.0, 0.0]);
        let t = s.values("T").unwrap();
        assert!((t[0] - 58.0 / 7.0).abs() < 1e-12 && t[1] == 0.0, "{t:?}");
        assert_eq!(s.values("zbar").unwrap(), [30.0, 0.0]);
        // 6 lines up to 02-28, 2 of them with a cost.
        assert_eq!(s.spend_basis, SpendBasis::Mixed);
    }

    #[test]
    fn holdout_counts_purchase_days_after_the_calibration_end() {
        let tx = df!(
            "customer_id" => ["A", "A", "A", "A", "B"],
            "date" => [d(1, 1), d(3, 1), d(3, 1), d(4, 1), d(3, 2)],
            "net_amount" => [10.0, 5.0, 5.0, -3.0, 7.0],
            "cost" => [None::<f64>, None, None, None, None],
        )
        .unwrap();
        let s = summarise(&tx, d(2, 28), TimeUnit::Day).unwrap();
        // A bought on one day (03-01, two invoices) and returned on 04-01; B is not acquired.
        assert_eq!(
            holdout_purchases(&DailyLog::new(&tx).unwrap(), &s, d(6, 30)).unwrap(),
            [1.0]
        );
    }

    #[test]
    fn a_log_without_purchases_by_the_calibration_end_is_an_error() {
        let tx = df!(
            "customer_id" => ["A"],
            "date" => [d(5, 1)],
            "net_amount" => [10.0],
            "cost" => [None::<f64>],
        )
        .unwrap();
        assert!(matches!(
            summarise(&tx, d(2, 28), TimeUnit::Week),
            Err(ClvError::NoCustomers { .. })
        ));
    }
}
