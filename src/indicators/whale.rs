//! Indicators stage: the customer-profitability ("whale") curve at P.
//!
//! Depends on [`super::profitability`] for the per-customer contributions.

use super::context::Context;
use super::profitability::contributions;
use super::status::PeriodStatus;
use crate::figure::{Figure, Missing};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Points beyond which the curve is sampled rather than drawn customer by customer.
const MAX_POINTS: usize = 100;

/// One point of the whale curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WhalePoint {
    /// Share of customers, ranked by contribution (highest first), 0–1.
    pub customer_share: f64,
    /// Contribution of those customers, in currency.
    pub cumulative_contribution: f64,
    /// Cumulative contribution / total contribution; `None` when the total is not positive.
    pub cumulative_share: Option<f64>,
}

/// Cumulative contribution of the customers in E ranked by contribution.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WhaleCurve {
    /// Customers on the curve (E).
    pub customers: usize,
    /// Σ contribution of all of them.
    pub total_contribution: Figure,
    /// Highest point of the curve as a share of the total (above 1 when some customers lose money).
    pub peak_share: Figure,
    /// Share of customers at the peak.
    pub peak_customer_share: Figure,
    /// The curve from (0, 0); every customer up to 100 customers, else 101 evenly spaced points.
    pub points: Vec<WhalePoint>,
}

pub(crate) fn compute(ctx: &Context, status: &PeriodStatus) -> PolarsResult<WhaleCurve> {
    let missing = if !ctx.has_cost {
        Some(Missing::NoColumn)
    } else if !status.coverage.end_window {
        Some(Missing::OutsideData)
    } else {
        None
    };
    if let Some(reason) = missing {
        return Ok(WhaleCurve {
            customers: 0,
            total_contribution: Figure::missing(reason),
            peak_share: Figure::missing(reason),
            peak_customer_share: Figure::missing(reason),
            points: Vec::new(),
        });
    }
    let descending = SortOptions::default().with_order_descending(true);
    let cum = contributions(ctx, status)
        .select([col("contribution")
            .sort(descending)
            .cum_sum(false)
            .alias("cum")])
        .collect()?;
    let peak = cum
        .clone()
        .lazy()
        .select([
            col("cum").max().alias("peak"),
            col("cum").arg_max().alias("at"),
        ])
        .collect()?;
    let peak_value = peak.column("peak")?.f64()?.get(0).unwrap_or(0.0);
    let peak_k = peak
        .column("at")?
        .cast(&DataType::Float64)?
        .f64()?
        .get(0)
        .map_or(0.0, |i| i + 1.0);
    let cum = cum.column("cum")?.f64()?;
    let n = cum.len();
    let at = |k: usize| {
        if k == 0 {
            0.0
        } else {
            cum.get(k - 1).unwrap_or(0.0)
        }
    };
    let total = at(n);
    let share = |v: f64| (total > 0.0).then(|| v / total);
    let ranks: Vec<usize> = if n <= MAX_POINTS {
        (0..=n).collect()
    } else {
        (0..=MAX_POINTS)
            .map(|i| (i * n + MAX_POINTS / 2) / MAX_POINTS)
            .collect()
    };
    let points = ranks
        .into_iter()
        .map(|k| WhalePoint {
            customer_share: if n == 0 { 0.0 } else { k as f64 / n as f64 },
            cumulative_contribution: at(k),
            cumulative_share: share(at(k)),
        })
        .collect();
    let peak_share = if total > 0.0 {
        Figure::of(peak_value / total)
    } else {
        Figure::missing(Missing::EmptyBase)
    };
    Ok(WhaleCurve {
        customers: n,
        total_contribution: Figure::of(total),
        peak_share,
        peak_customer_share: Figure::ratio(peak_k, n as f64),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::fixture;

    #[test]
    fn whale_curve_rises_above_the_total_before_the_unprofitable_tail() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let w = compute(&ctx, &fixture::status(&ctx, fixture::period())).unwrap();
        // contributions, highest first: c19 1800, c01 140, c02 120, c09 60, c11 55, c03 50,
        // c13 50, c04 40, c07 40, c10 30, c15 20, c16 0, c17 −10, c20 −40; total = 2605 − 5 × 50
        // = 2355; cumulative: 1800 1940 2060 2120 2175 2225 2275 2315 2355 2385 2405 2405 2395 2355
        assert_eq!(w.customers, 14);
        fixture::assert_fig(w.total_contribution, 2355.0);
        // peak 2405 first reached after 11 customers
        fixture::assert_fig(w.peak_share, 2405.0 / 2355.0);
        fixture::assert_fig(w.peak_customer_share, 11.0 / 14.0);
        // 14 customers ≤ 100: one point per customer plus the origin
        assert_eq!(w.points.len(), 15);
        assert_eq!(
            w.points[0],
            WhalePoint {
                customer_share: 0.0,
                cumulative_contribution: 0.0,
                cumulative_share: Some(0.0)
            }
        );
        assert_eq!(w.points[1].cumulative_contribution, 1800.0);
        assert_eq!(w.points[11].cumulative_contribution, 2405.0);
        assert_eq!(w.points[14].customer_share, 1.0);
        assert_eq!(w.points[14].cumulative_share, Some(1.0));
    }
}
