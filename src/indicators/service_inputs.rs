//! Inputs shared by the service-side families (complaints, satisfaction, engagement): period
//! bounds as typed polars literals, the customers active in a window, the invoices of a period,
//! whether an optional column holds data, and scalar reads from collected aggregates.
//!
//! Indicators stage; depends only on tables' dtypes, figure and polars. Windows are whole days
//! with both ends included: a Date column matches `first <= d <= last`, a Datetime column
//! matches `first 00:00 <= t < (last + 1 day) 00:00`.

use crate::figure::Missing;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use polars::prelude::*;

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();

/// Days since 1970-01-01, the physical value of a polars Date.
pub(crate) fn epoch_days(d: NaiveDate) -> i32 {
    (d - EPOCH).num_days() as i32
}

/// The date-time of a polars Datetime(ms)'s physical value.
pub(crate) fn datetime_of_epoch_ms(ms: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.naive_utc())
}

/// A Date literal (polars' own `lit(NaiveDate)` yields a nanosecond Datetime).
pub(crate) fn date_lit(d: NaiveDate) -> Expr {
    lit(Scalar::new_date(epoch_days(d)))
}

/// A Datetime(ms) literal at midnight starting `d`, the unit of every canonical date-time.
pub(crate) fn midnight_lit(d: NaiveDate) -> Expr {
    let ms = (d - EPOCH).num_milliseconds();
    lit(Scalar::new_datetime(ms, TimeUnit::Milliseconds, None))
}

/// Date column `c` lies in the whole days `first..=last`.
pub(crate) fn date_between(c: &str, first: NaiveDate, last: NaiveDate) -> Expr {
    col(c)
        .gt_eq(date_lit(first))
        .and(col(c).lt_eq(date_lit(last)))
}

/// Datetime column `c` lies in the whole days `first..=last` (up to `last` 23:59:59.999).
pub(crate) fn instant_between(c: &str, first: NaiveDate, last: NaiveDate) -> Expr {
    col(c)
        .gt_eq(midnight_lit(first))
        .and(col(c).lt(midnight_lit(last + Duration::days(1))))
}

/// Datetime column `c` lies at or before the end of day `last`.
pub(crate) fn instant_until(c: &str, last: NaiveDate) -> Expr {
    col(c).lt(midnight_lit(last + Duration::days(1)))
}

/// Whole days from a Datetime column's calendar day to `day` (0 when on `day` itself).
pub(crate) fn days_before(c: &str, day: NaiveDate) -> Expr {
    lit(epoch_days(day)) - col(c).dt().date().cast(DataType::Int32)
}

/// One column `customer_id`: distinct customers with a purchase (`net_amount > 0`) dated in
/// `first..=last`, the definition of "active in a window".
pub(crate) fn active_customers(
    transactions: &DataFrame,
    first: NaiveDate,
    last: NaiveDate,
) -> LazyFrame {
    transactions
        .clone()
        .lazy()
        .filter(date_between("date", first, last).and(col("net_amount").gt(lit(0.0))))
        .select([col("customer_id")])
        .unique(None, UniqueKeepStrategy::Any)
}

/// Invoices in `first..=last`: distinct `invoice_id` over purchase lines (`net_amount > 0`),
/// counting a line without invoice number as one invoice per customer and day.
pub(crate) fn invoice_count(
    transactions: &DataFrame,
    first: NaiveDate,
    last: NaiveDate,
) -> PolarsResult<u64> {
    let lines = transactions
        .clone()
        .lazy()
        .filter(date_between("date", first, last).and(col("net_amount").gt(lit(0.0))));
    let numbered = lines
        .clone()
        .select([col("invoice_id").drop_nulls().n_unique().alias("n")])
        .collect()?;
    let unnumbered = lines
        .filter(col("invoice_id").is_null())
        .select([col("customer_id"), col("date")])
        .unique_generic(
            Some(vec![col("customer_id"), col("date")]),
            UniqueKeepStrategy::Any,
        )
        .collect()?;
    Ok(scalar_u64(&numbered, "n")? + unnumbered.height() as u64)
}

/// `Some(NoColumn)` when an optional column is absent or holds no value in a non-empty frame
/// (ingest leaves optional columns all-null when the source lacks them).
pub(crate) fn column_gap(df: &DataFrame, name: &str) -> Option<Missing> {
    match df.column(name) {
        Ok(c) if df.height() == 0 || c.null_count() < c.len() => None,
        _ => Some(Missing::NoColumn),
    }
}

/// First value of column `name` of a collected aggregate as f64 (`None` when null).
pub(crate) fn scalar_f64(df: &DataFrame, name: &str) -> PolarsResult<Option<f64>> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(if c.is_empty() { None } else { c.f64()?.get(0) })
}

/// First value of a count column of a collected aggregate (0 when null or empty).
pub(crate) fn scalar_u64(df: &DataFrame, name: &str) -> PolarsResult<u64> {
    let c = df.column(name)?.cast(&DataType::UInt64)?;
    Ok(if c.is_empty() {
        0
    } else {
        c.u64()?.get(0).unwrap_or(0)
    })
}
