//! Indicators stage: historical customer lifetime value (cumulative margin to a date) and its
//! distribution at P; also where predictive values (from the CLV model stage) join the indicators.
//!
//! Depends on [`super::context`]; reads the optional per-customer value frame
//! (`customer_id`, `clv`, `p_alive`) that the model stage produces.

use super::context::{Context, KeyCursor, KeyIndex, day_number, no_null_bits};
use super::definition::Definition;
use super::error::IndicatorError;
use super::status::Coverage;
use crate::figure::{Figure, Missing};
use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Which lifetime value a figure uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClvBasis {
    /// Cumulative margin to P.end (used when no predictive values were supplied).
    Historical,
    /// The model stage's predictive CLV.
    Predictive,
}

/// Per customer acquired by `end`: `customer_id` and `clv` = Σ (net_amount − cost) of all its
/// lines dated on or before `end`. Public so other families (e.g. neglected valuable customers)
/// rank by the same value until predictive CLV is available.
pub fn historical_clv(ctx: &Context, end: NaiveDate) -> LazyFrame {
    ctx.with_ids(per_customer(ctx, day_number(end)))
        .select([col("customer_id"), col("clv")])
}

/// `key`, `clv` for customers whose first purchase is on or before `end`, in key order.
pub(crate) fn per_customer(ctx: &Context, end: i32) -> LazyFrame {
    match per_customer_pass(&ctx.daily, end) {
        Ok(df) => df.lazy(),
        // Only a customer-day frame not built by `CustomerDays` lacks the typed columns.
        Err(_) => per_customer_query(&ctx.daily, end),
    }
}

/// [`per_customer`] as a polars query: the definition.
fn per_customer_query(daily: &DataFrame, end: i32) -> LazyFrame {
    daily
        .clone()
        .lazy()
        .filter(col("day").lt_eq(lit(end)))
        .group_by([col("key")])
        .agg([
            col("margin").sum().alias("clv"),
            col("purchase").any(true).alias("acquired"),
        ])
        .filter(col("acquired"))
        .select([col("key"), col("clv")])
}

/// [`per_customer`] in one pass over the customer days, which are sorted by key: a group-by
/// would hash every one of them (15–20 million at a million customers) for each date asked.
/// Reads the columns as slices (a frame with nulls takes the query): the
/// pass is on the stage's critical path, and iterating four columns of options cost three
/// times as much.
fn per_customer_pass(daily: &DataFrame, end: i32) -> PolarsResult<DataFrame> {
    let (key, day, margin) = (
        daily.column("key")?.u32()?.rechunk(),
        daily.column("day")?.i32()?.rechunk(),
        daily.column("margin")?.f64()?.rechunk(),
    );
    let (key, day, margin) = (key.cont_slice()?, day.cont_slice()?, margin.cont_slice()?);
    let purchase = no_null_bits(daily.column("purchase")?.bool()?)?;
    let mut keys: Vec<u32> = Vec::new();
    let mut clv: Vec<f64> = Vec::new();
    // The customer being summed: key, Σ margin, acquired.
    let mut current: Option<(u32, f64, bool)> = None;
    for i in 0..key.len().min(day.len()).min(margin.len()) {
        if day[i] > end {
            continue;
        }
        let (key, margin, purchase) = (key[i], margin[i], purchase.get_bit(i));
        match &mut current {
            Some((k, sum, acquired)) if *k == key => {
                *sum += margin;
                *acquired |= purchase;
            }
            _ => {
                if let Some((k, sum, true)) = current {
                    keys.push(k);
                    clv.push(sum);
                }
                current = Some((key, margin, purchase));
            }
        }
    }
    if let Some((k, sum, true)) = current {
        keys.push(k);
        clv.push(sum);
    }
    let height = keys.len();
    DataFrame::new(
        height,
        vec![
            UInt32Chunked::from_vec("key".into(), keys).into_column(),
            Float64Chunked::from_vec("clv".into(), clv).into_column(),
        ],
    )
}

/// Checks the model stage's value frame and keys it: `key`, `clv`, `p_alive`.
pub(crate) fn keyed_values(
    ctx: &Context,
    values: Option<&DataFrame>,
) -> Result<Option<DataFrame>, IndicatorError> {
    keyed_values_with(ctx, values, None)
}

/// [`keyed_values`] with the key index when the caller has built it.
pub(crate) fn keyed_values_with(
    ctx: &Context,
    values: Option<&DataFrame>,
    index: Option<&KeyIndex>,
) -> Result<Option<DataFrame>, IndicatorError> {
    let Some(v) = values else { return Ok(None) };
    for (column, dtype) in [
        ("customer_id", DataType::String),
        ("clv", DataType::Float64),
        ("p_alive", DataType::Float64),
    ] {
        if v.column(column)
            .map(|c| c.dtype() != &dtype)
            .unwrap_or(true)
        {
            return Err(IndicatorError::Schema {
                table: "values",
                column,
                problem: v
                    .column(column)
                    .map(|c| format!("has dtype {}", c.dtype()))
                    .unwrap_or_else(|_| "is missing".into()),
                expected: dtype.to_string(),
            });
        }
    }
    // Keyed in one pass with the key index rather than a join by text id; rows of customers
    // without transactions are dropped, as by an inner join, and the rest keep their order.
    let query = |source| IndicatorError::Query {
        family: "clv_hist",
        source,
    };
    let index = ctx.key_index_or(index).map_err(query)?;
    let ids = v
        .column("customer_id")
        .and_then(|c| c.str())
        .map_err(query)?;
    let mut cursor = KeyCursor::new(&ctx.keys, &index);
    let mut key_of = |id: &str| match cursor.as_mut() {
        Some(c) => c.key(id),
        None => index.get(id).copied(),
    };
    let rows: Vec<(u32, IdxSize)> = ids
        .iter()
        .enumerate()
        .filter_map(|(row, id)| Some((key_of(id?)?, row as IdxSize)))
        .collect();
    let (keys, rows): (Vec<u32>, Vec<IdxSize>) = rows.into_iter().unzip();
    let rows = IdxCa::from_vec("rows".into(), rows);
    let picked = v
        .select(["clv", "p_alive"])
        .and_then(|f| f.take(&rows))
        .map_err(query)?;
    let mut columns = vec![UInt32Chunked::from_vec("key".into(), keys).into_column()];
    columns.extend(picked.columns().iter().cloned());
    let keyed = DataFrame::new(picked.height(), columns).map_err(query)?;
    Ok(Some(keyed))
}

/// Average historical CLV of the customers acquired by the period's end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoricalClv {
    /// Customers with a first purchase on or before the period's end.
    pub customers: Figure,
    /// Mean cumulative margin.
    pub average: Figure,
    /// Median cumulative margin.
    pub median: Figure,
}

/// Summarises a per-customer `clv` frame (from [`per_customer`]).
pub(crate) fn summary(ctx: &Context, clv: LazyFrame, covered: bool) -> PolarsResult<HistoricalClv> {
    let df = clv
        .select([
            len().alias("n"),
            col("clv").mean().alias("mean"),
            col("clv").median().alias("median"),
        ])
        .collect()?;
    let get = |name: &str| -> PolarsResult<Figure> {
        let c = df.column(name)?.cast(&DataType::Float64)?;
        let v = c.f64()?.get(0);
        Ok(if !ctx.has_cost && name != "n" {
            Figure::missing(Missing::NoColumn)
        } else {
            v.into()
        })
    };
    Ok(HistoricalClv {
        customers: Coverage::gate(covered, get("n")?),
        average: Coverage::gate(covered, get("mean")?),
        median: Coverage::gate(covered, get("median")?),
    })
}

/// Methodology text of the lifetime-value family.
pub const DEFINITIONS: &[Definition] = &[Definition {
    id: "historical_clv",
    name_en: "Historical customer lifetime value",
    name_es: "Valor de vida del cliente histórico",
    en: "Cumulative gross margin (net amount − cost) of a customer's lines up to the period's last \
         day, over the customers whose first purchase is on or before that day.",
    es: "Margen bruto acumulado (importe neto − coste) de las líneas de un cliente hasta el último \
         día del periodo, sobre los clientes con primera compra en o antes de ese día.",
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::fixture::{self, assert_fig, d};

    #[test]
    fn historical_clv_is_cumulative_margin_of_customers_acquired_by_the_end() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let s = summary(&ctx, per_customer(&ctx, day_number(d("2026-06-30"))), true).unwrap();
        // all 20 customers have a purchase by 2026-06-30; cumulative margins: c01 180, c02 140,
        // c03 80, c04 40, c05 50, c06 40, c07 70, c08 0 (50 − 50 for the credit note), c09 60,
        // c10 30, c11 55, c12 30, c13 100, c14 30, c15 70, c16 50, c17 40, c18 35, c19 1800,
        // c20 10 → Σ = 2910, mean = 2910 / 20 = 145.5; sorted, the 10th and 11th are 50 and 50
        assert_fig(s.customers, 20.0);
        assert_fig(s.average, 145.5);
        assert_fig(s.median, 50.0);
        // public per-customer form used by other families
        let c08 = historical_clv(&ctx, d("2026-06-30"))
            .filter(col("customer_id").eq(lit("c08")))
            .collect()
            .unwrap();
        assert_eq!(c08.column("clv").unwrap().f64().unwrap().get(0), Some(0.0));
    }

    #[test]
    fn customers_not_yet_acquired_have_no_historical_clv() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        // by 2024-12-31 only c02 (20), c07 (30) and c18 (35) had bought: mean = 85 / 3
        let s = summary(&ctx, per_customer(&ctx, day_number(d("2024-12-31"))), true).unwrap();
        assert_fig(s.customers, 3.0);
        assert_fig(s.average, 85.0 / 3.0);
    }

    #[test]
    fn value_frame_with_a_wrong_dtype_is_a_schema_error() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let bad = fixture::values()
            .lazy()
            .with_column(col("clv").cast(DataType::String))
            .collect()
            .unwrap();
        let err = keyed_values(&ctx, Some(&bad)).unwrap_err();
        assert!(
            matches!(
                err,
                IndicatorError::Schema {
                    table: "values",
                    column: "clv",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn the_one_pass_sums_agree_with_the_polars_definition() {
        for tables in [
            fixture::tables(),
            crate::indicators::service_fixture::tables(),
        ] {
            let settings = fixture::settings();
            let ctx = Context::prepare(&tables, &settings).unwrap();
            let (first, last) = {
                let r = ctx.data_range.unwrap();
                (day_number(r.first) - 3, day_number(r.last) + 3)
            };
            let mut compared = 0;
            for end in (first..=last).step_by(7) {
                let got = per_customer_pass(&ctx.daily, end).unwrap();
                let want = per_customer_query(&ctx.daily, end)
                    .sort(["key"], Default::default())
                    .collect()
                    .unwrap();
                assert_eq!(got.height(), want.height(), "end {end}");
                let (gk, wk) = (got.column("key").unwrap(), want.column("key").unwrap());
                assert!(gk.equals(wk), "end {end}");
                let (gc, wc) = (
                    got.column("clv").unwrap().f64().unwrap(),
                    want.column("clv").unwrap().f64().unwrap(),
                );
                for (g, w) in gc.iter().zip(wc.iter()) {
                    assert!((g.unwrap() - w.unwrap()).abs() < 1e-9, "end {end}");
                }
                compared += got.height();
            }
            assert!(compared > 100, "only {compared} customers compared");
        }
    }

    #[test]
    fn model_values_keyed_in_one_pass_agree_with_the_join_definition() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let known: Vec<String> = ctx
            .keys
            .column("customer_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .map(String::from)
            .collect();
        // Known ids in reverse order, with unknown ones between them.
        let mut ids: Vec<String> = Vec::new();
        for (i, id) in known.iter().rev().enumerate() {
            ids.push(id.clone());
            if i % 3 == 0 {
                ids.push(format!("unknown-{i}"));
            }
        }
        let n = ids.len();
        let values = df!(
            "customer_id" => ids,
            "clv" => (0..n).map(|i| i as f64 * 1.5).collect::<Vec<_>>(),
            "p_alive" => (0..n).map(|i| 1.0 / (i as f64 + 1.0)).collect::<Vec<_>>(),
        )
        .unwrap();
        let got = keyed_values(&ctx, Some(&values)).unwrap().unwrap();
        let want = ctx
            .with_keys(values.clone().lazy())
            .select([col("key"), col("clv"), col("p_alive")])
            .collect()
            .unwrap();
        let sorted = |f: &DataFrame| f.sort(["key"], Default::default()).unwrap();
        assert_eq!(got.height(), known.len());
        assert!(
            sorted(&got).equals(&sorted(&want)),
            "{got:?} against {want:?}"
        );
    }
}
