//! Inputs shared by the service-side families (complaints, satisfaction, engagement): period
//! bounds as typed polars literals, the customers active in a window, the invoices of a period,
//! whether an optional column holds data, and scalar reads from collected aggregates.
//!
//! Indicators stage; depends only on tables' dtypes, figure and polars. Windows are whole days
//! with both ends included: a Date column matches `first <= d <= last`, a Datetime column
//! matches `first 00:00 <= t < (last + 1 day) 00:00`.

use super::day_lines::DayLines;
use crate::customer_days::CustomerDays;
use crate::figure::Missing;
use crate::period::Period;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use polars::prelude::*;

use crate::period::{EPOCH, day_number as epoch_days};

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
    lit(Scalar::new_datetime(
        midnight_ms(d),
        TimeUnit::Milliseconds,
        None,
    ))
}

/// Milliseconds from the epoch to midnight starting `d`.
pub(crate) fn midnight_ms(d: NaiveDate) -> i64 {
    (d - EPOCH).num_milliseconds()
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

/// What the service families read of the transactions in one period: computed once per period
/// and shared by complaints, satisfaction and engagement, which used to filter every line anew
/// (on a client of 20 million lines, most of the service families' time).
pub(crate) struct PeriodBase {
    /// One column `customer_id`: the customers active in the period ([`active_customers`]).
    pub(crate) active: DataFrame,
    /// Invoices of the period ([`invoice_count`]).
    pub(crate) invoices: u64,
}

impl PeriodBase {
    /// From the transaction lines, or from their customer-day reduction when there is one (the
    /// same customers: a day is a purchase day when one of its lines has `net_amount > 0`).
    pub(crate) fn of(
        transactions: &DataFrame,
        days: Option<&CustomerDays>,
        period: Period,
    ) -> PolarsResult<Self> {
        Self::of_lines(transactions, days, None, period)
    }

    /// [`PeriodBase::of`] counting the invoices on the purchase lines sorted by day, when given.
    pub(crate) fn of_lines(
        transactions: &DataFrame,
        days: Option<&CustomerDays>,
        lines: Option<&DayLines>,
        period: Period,
    ) -> PolarsResult<Self> {
        let active = match days {
            Some(d) => active_from_days(d, period.start, period.end)?,
            None => active_customers(transactions, period.start, period.end).collect()?,
        };
        let invoices = invoices_in(transactions, lines, period)?;
        Ok(PeriodBase { active, invoices })
    }

    /// [`PeriodBase::of_lines`] of several periods, in their order: with the customer-day
    /// reduction, their active customers in one pass over it (instead of one pass each), beside
    /// the invoice counts.
    pub(crate) fn of_periods(
        transactions: &DataFrame,
        days: Option<&CustomerDays>,
        lines: Option<&DayLines>,
        periods: &[Period],
    ) -> PolarsResult<Vec<Self>> {
        use rayon::prelude::*;
        let Some(d) = days else {
            return periods
                .par_iter()
                .map(|p| Self::of_lines(transactions, None, lines, *p))
                .collect();
        };
        let (active, invoices) = rayon::join(
            || {
                let windows: Vec<(NaiveDate, NaiveDate)> =
                    periods.iter().map(|p| (p.start, p.end)).collect();
                active_from_days_in(d, &windows)
            },
            || {
                periods
                    .par_iter()
                    .map(|p| invoices_in(transactions, lines, *p))
                    .collect::<PolarsResult<Vec<u64>>>()
            },
        );
        Ok(active?
            .into_iter()
            .zip(invoices?)
            .map(|(active, invoices)| PeriodBase { active, invoices })
            .collect())
    }
}

/// The period's invoices ([`invoice_count`]), on the purchase lines sorted by day when given.
fn invoices_in(
    transactions: &DataFrame,
    lines: Option<&DayLines>,
    period: Period,
) -> PolarsResult<u64> {
    match lines {
        Some(l) => {
            let c = l.invoices(period.start, period.end);
            Ok(c.numbered + c.unnumbered)
        }
        None => invoice_count(transactions, period.start, period.end),
    }
}

/// [`active_customers`] over the customer-day reduction: one pass over its sorted keys.
fn active_from_days(
    days: &CustomerDays,
    first: NaiveDate,
    last: NaiveDate,
) -> PolarsResult<DataFrame> {
    Ok(active_from_days_in(days, &[(first, last)])?
        .pop()
        .expect("one frame per window"))
}

/// [`active_customers`] of each window `first..=last`, in one pass over the customer days: their
/// rows are sorted by key, so a customer is added to a window's list when its key differs from
/// the last one added there, and each list comes out in key order.
fn active_from_days_in(
    days: &CustomerDays,
    windows: &[(NaiveDate, NaiveDate)],
) -> PolarsResult<Vec<DataFrame>> {
    use rayon::prelude::*;
    let bounds: Vec<(i32, i32)> = windows
        .iter()
        .map(|(first, last)| (epoch_days(*first), epoch_days(*last)))
        .collect();
    // Slices and bits rather than iterators over chunks: one pass over every customer day.
    let (key, day) = (
        days.daily.column("key")?.u32()?.rechunk(),
        days.daily.column("day")?.i32()?.rechunk(),
    );
    let (key, day) = (key.cont_slice()?, day.cont_slice()?);
    let purchase = super::context::no_null_bits(days.daily.column("purchase")?.bool()?)?;
    let mut picked: Vec<Vec<IdxSize>> = vec![Vec::new(); bounds.len()];
    for i in 0..key.len().min(day.len()) {
        if !purchase.get_bit(i) {
            continue;
        }
        let (k, d) = (key[i] as IdxSize, day[i]);
        for ((from, to), list) in bounds.iter().zip(picked.iter_mut()) {
            if (*from..=*to).contains(&d) && list.last() != Some(&k) {
                list.push(k);
            }
        }
    }
    let customer_id = days.keys.column("customer_id")?;
    picked
        .into_par_iter()
        .map(|keys| {
            let ids = customer_id.take(&IdxCa::from_vec("idx".into(), keys))?;
            DataFrame::new(ids.len(), vec![ids])
        })
        .collect()
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

/// How many rows of `rows` have a `customer_id` among `customers`' (null ids never count).
/// With `customers` one row per id, this is their inner join's length, counted without
/// building the join (an `is_in` over a hash set of `customers`' ids).
pub(crate) fn rows_of_customers(rows: &DataFrame, customers: &DataFrame) -> PolarsResult<u64> {
    let ids = customers
        .column("customer_id")?
        .as_materialized_series()
        .clone();
    let n = rows
        .clone()
        .lazy()
        .select([col("customer_id")
            .is_in(lit(ids).implode(false), false)
            .sum()
            .alias("n")])
        .collect()?;
    scalar_u64(&n, "n")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::service_fixture::{period, tables};

    fn sorted_ids(df: &DataFrame) -> Vec<String> {
        let mut ids: Vec<String> = df
            .column("customer_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_string())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn the_bases_of_several_periods_at_once_equal_those_of_one_period_at_a_time() {
        let t = tables();
        let days = CustomerDays::build(&t.transactions).unwrap();
        let mut periods = period().trailing(8);
        periods.push(period().year_ago());
        let mut compared = 0;
        for d in [Some(&days), None] {
            let many = PeriodBase::of_periods(&t.transactions, d, None, &periods).unwrap();
            assert_eq!(many.len(), periods.len());
            for (p, got) in periods.iter().zip(&many) {
                let one = PeriodBase::of(&t.transactions, d, *p).unwrap();
                if d.is_some() {
                    // Same customers in the same (key) order.
                    assert!(one.active.equals(&got.active), "{p}");
                } else {
                    assert_eq!(sorted_ids(&one.active), sorted_ids(&got.active), "{p}");
                }
                assert_eq!(one.invoices, got.invoices, "{p}");
                compared += got.active.height();
            }
        }
        assert!(compared > 20, "the fixture's periods have active customers");
    }

    #[test]
    fn the_customer_day_reduction_gives_the_same_active_customers_as_the_lines() {
        let t = tables();
        let days = CustomerDays::build(&t.transactions).unwrap();
        for p in [period(), period().previous(), period().year_ago()] {
            let from_lines = PeriodBase::of(&t.transactions, None, p).unwrap();
            let from_days = PeriodBase::of(&t.transactions, Some(&days), p).unwrap();
            assert_eq!(
                sorted_ids(&from_lines.active),
                sorted_ids(&from_days.active),
                "{p}"
            );
            assert_eq!(from_lines.invoices, from_days.invoices);
        }
        // Not vacuous: the fixture's period has active customers (12, see complaints' tests).
        assert_eq!(
            PeriodBase::of(&t.transactions, Some(&days), period())
                .unwrap()
                .active
                .height(),
            12
        );
    }
}
