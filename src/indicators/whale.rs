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
