//! Indicators stage: the distribution of lifetime value at P and the top customers by value.
//!
//! Depends on [`super::clv_hist`] (historical CLV per customer) and the keyed predictive values.

use super::clv_hist::ClvBasis;
use super::context::Context;
use crate::figure::{Figure, Missing};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Customers listed in the top table.
const TOP_CUSTOMERS: usize = 10;

/// One of the most valuable customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopCustomer {
    /// Customer id as in the data.
    pub customer_id: String,
    /// Cumulative margin to P.end.
    pub historical_clv: f64,
    /// Predictive CLV from the model stage, when supplied.
    pub predictive_clv: Option<f64>,
    /// Probability of being alive at P.end, when supplied.
    pub p_alive: Option<f64>,
}

/// Distribution of historical CLV over the customers acquired by P.end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClvDistribution {
    /// Customers acquired by P.end.
    pub customers: Figure,
    /// Σ historical CLV.
    pub total: Figure,
    /// Mean historical CLV.
    pub mean: Figure,
    /// The 10th, 20th, ..., 90th percentiles (linear interpolation); empty when not computable.
    pub percentiles: Vec<f64>,
    /// Share of the total held by each tenth of customers ranked by CLV, highest tenth first.
    pub decile_shares: Vec<f64>,
    /// Which value ranks `top_customers`: predictive when supplied, else historical.
    pub top_ranked_by: ClvBasis,
    /// The most valuable customers, most valuable first (ties by customer id).
    pub top_customers: Vec<TopCustomer>,
}

/// `clv` is `clv_hist::per_customer` at P.end, collected once and shared with the other P-level views.
pub(crate) fn compute(
    ctx: &Context,
    clv: &DataFrame,
    covered: bool,
    values: Option<&DataFrame>,
) -> PolarsResult<ClvDistribution> {
    let reason = if !ctx.has_cost {
        Some(Missing::NoColumn)
    } else {
        (!covered).then_some(Missing::OutsideData)
    };
    let top_ranked_by = if values.is_some() {
        ClvBasis::Predictive
    } else {
        ClvBasis::Historical
    };
    if let Some(r) = reason {
        let m = Figure::missing(r);
        return Ok(ClvDistribution {
            customers: m,
            total: m,
            mean: m,
            percentiles: Vec::new(),
            decile_shares: Vec::new(),
            top_ranked_by,
            top_customers: Vec::new(),
        });
    }
    let mut stats = vec![
        len().alias("n"),
        col("clv").sum().alias("total"),
        col("clv").mean().alias("mean"),
    ];
    stats.extend((1..=9).map(|i| {
        col("clv")
            .quantile(lit(f64::from(i) / 10.0), QuantileMethod::Linear)
            .alias(format!("p{i}0"))
    }));
    let s = clv.clone().lazy().select(stats).collect()?;
    let num = |name: &str| -> PolarsResult<Option<f64>> {
        Ok(s.column(name)?.cast(&DataType::Float64)?.f64()?.get(0))
    };
    let n = num("n")?.unwrap_or(0.0);
    let total = num("total")?.unwrap_or(0.0);
    let percentiles = (1..=9)
        .map(|i| num(&format!("p{i}0")))
        .collect::<PolarsResult<Option<Vec<f64>>>>()?;
    Ok(ClvDistribution {
        customers: Figure::of(n),
        total: if n > 0.0 {
            Figure::of(total)
        } else {
            Figure::missing(Missing::EmptyBase)
        },
        mean: num("mean")?.into(),
        percentiles: percentiles.unwrap_or_default(),
        decile_shares: decile_shares(clv, total)?,
        top_ranked_by,
        top_customers: top_customers(ctx, clv, values)?,
    })
}

/// The `k`-th largest value, when there are more than `k` values and none is NaN (whose order
/// against a threshold this shortcut does not decide); `None` otherwise.
pub(crate) fn nth_largest(values: &Float64Chunked, k: usize) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().flatten().collect();
    if k == 0 || v.len() <= k || v.iter().any(|x| x.is_nan()) {
        return None;
    }
    let (_, nth, _) = v.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    Some(*nth)
}

/// Σ CLV per tenth of customers ranked by CLV (highest first) / total; empty if total ≤ 0.
fn decile_shares(clv: &DataFrame, total: f64) -> PolarsResult<Vec<f64>> {
    if total <= 0.0 {
        return Ok(Vec::new());
    }
    let rank = RankOptions {
        method: RankMethod::Ordinal,
        descending: true,
    };
    let df = clv
        .clone()
        .lazy()
        .with_column(
            ((col("clv").rank(rank, None).cast(DataType::Float64) - lit(1.0)) * lit(10.0)
                / len().cast(DataType::Float64))
            .floor()
            .cast(DataType::Int32)
            .alias("decile"),
        )
        .group_by([col("decile")])
        .agg([col("clv").sum()])
        .sort(["decile"], Default::default())
        .collect()?;
    let sums = df.column("clv")?.f64()?;
    Ok(sums.iter().map(|v| v.unwrap_or(0.0) / total).collect())
}

fn top_customers(
    ctx: &Context,
    clv: &DataFrame,
    values: Option<&DataFrame>,
) -> PolarsResult<Vec<TopCustomer>> {
    let mut lf = clv.clone().lazy().rename(["clv"], ["historical"], true);
    lf = match values {
        Some(v) => lf.join(
            v.clone().lazy().rename(["clv"], ["predictive"], true),
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Left),
        ),
        None => lf.with_columns([
            lit(NULL).cast(DataType::Float64).alias("predictive"),
            lit(NULL).cast(DataType::Float64).alias("p_alive"),
        ]),
    };
    let by = if values.is_some() {
        "predictive"
    } else {
        "historical"
    };
    let ranked = lf.collect()?;
    let top = |df: DataFrame| {
        ctx.with_ids(df.lazy())
            .sort(
                [by, "customer_id"],
                SortMultipleOptions::default()
                    .with_order_descending_multi([true, false])
                    .with_nulls_last(true),
            )
            .limit(TOP_CUSTOMERS as IdxSize)
            .collect()
    };
    // Only customers worth at least the TOP_CUSTOMERS-th largest value can be among the top:
    // sorting those few, with their ids, gives the same rows as sorting a million.
    let df = match nth_largest(ranked.column(by)?.f64()?, TOP_CUSTOMERS) {
        Some(threshold) => {
            let few = ranked.filter(&ranked.column(by)?.f64()?.gt_eq(threshold))?;
            let df = top(few)?;
            if df.height() == TOP_CUSTOMERS {
                df
            } else {
                top(ranked)?
            }
        }
        None => top(ranked)?,
    };
    let ids = df.column("customer_id")?.str()?;
    let hist = df.column("historical")?.f64()?;
    let pred = df.column("predictive")?.f64()?;
    let alive = df.column("p_alive")?.f64()?;
    Ok((0..df.height())
        .map(|i| TopCustomer {
            customer_id: ids.get(i).unwrap_or_default().to_string(),
            historical_clv: hist.get(i).unwrap_or(0.0),
            predictive_clv: pred.get(i),
            p_alive: alive.get(i),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::clv_hist::{keyed_values, per_customer};
    use crate::indicators::context::day_number;
    use crate::indicators::fixture::{self, assert_fig, d};

    fn ids(top: &[TopCustomer]) -> Vec<&str> {
        top.iter().map(|t| t.customer_id.as_str()).collect()
    }

    #[test]
    fn distribution_gives_percentiles_decile_shares_and_top_customers() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let clv = per_customer(&ctx, day_number(d("2026-06-30")))
            .collect()
            .unwrap();
        let c = compute(&ctx, &clv, true, None).unwrap();
        // sorted CLVs: 0 10 30 30 30 35 40 40 40 50 50 55 60 70 70 80 100 140 180 1800 (Σ 2910)
        assert_fig(c.customers, 20.0);
        assert_fig(c.total, 2910.0);
        assert_fig(c.mean, 145.5);
        // p10 at position 19 × 0.1 = 1.9: 10 + 0.9 × (30 − 10) = 28; p50 at 9.5: 50;
        // p90 at 17.1: 140 + 0.1 × (180 − 140) = 144
        assert_eq!(c.percentiles.len(), 9);
        assert!((c.percentiles[0] - 28.0).abs() < 1e-9);
        assert!((c.percentiles[4] - 50.0).abs() < 1e-9);
        assert!((c.percentiles[8] - 144.0).abs() < 1e-9);
        // tenths of 2 customers, highest first: 1800+180, 140+100, 80+70, 70+60, 55+50, 50+40,
        // 40+40, 35+30, 30+30, 10+0 → 1980/2910, 240/2910, ..., 10/2910
        let expected = [
            1980.0, 240.0, 150.0, 130.0, 105.0, 90.0, 80.0, 65.0, 60.0, 10.0,
        ];
        assert_eq!(c.decile_shares.len(), 10);
        for (got, want) in c.decile_shares.iter().zip(expected) {
            assert!((got - want / 2910.0).abs() < 1e-9, "{got} vs {want}");
        }
        // by historical CLV, ties by id (c07/c15 at 70, c05/c16 at 50)
        assert_eq!(c.top_ranked_by, ClvBasis::Historical);
        assert_eq!(
            ids(&c.top_customers),
            [
                "c19", "c01", "c02", "c13", "c03", "c07", "c15", "c09", "c11", "c05"
            ]
        );
        assert_eq!(c.top_customers[0].historical_clv, 1800.0);
        assert_eq!(c.top_customers[0].p_alive, None);
    }

    #[test]
    fn with_predictive_values_the_top_table_ranks_by_them() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let values = keyed_values(&ctx, Some(&fixture::values())).unwrap();
        let clv = per_customer(&ctx, day_number(d("2026-06-30")))
            .collect()
            .unwrap();
        let c = compute(&ctx, &clv, true, values.as_ref()).unwrap();
        // predictive: c19 2000, c15 300.5, c01 200, c16 120, c09 100, c17 80, c10 50; then the
        // customers without a value, by id: c02, c03, c04
        assert_eq!(c.top_ranked_by, ClvBasis::Predictive);
        assert_eq!(
            ids(&c.top_customers),
            [
                "c19", "c15", "c01", "c16", "c09", "c17", "c10", "c02", "c03", "c04"
            ]
        );
        assert_eq!(c.top_customers[1].predictive_clv, Some(300.5));
        assert_eq!(c.top_customers[1].historical_clv, 70.0);
        assert_eq!(c.top_customers[1].p_alive, Some(0.6));
    }
}
