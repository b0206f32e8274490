//! Indicators stage: the 8-period trend series of the headline figures for the report's charts.
//!
//! Depends on [`super::base`] and [`super::revenue`], applied to each period's status.

use super::context::Context;
use super::model::TrendPoint;
use super::status::PeriodStatus;
use super::{base, revenue};
use polars::prelude::PolarsResult;

/// Periods in the trend series, ending with P.
pub const TREND_PERIODS: usize = 8;

pub(crate) fn point(ctx: &Context, status: &PeriodStatus) -> PolarsResult<TrendPoint> {
    let b = base::compute(ctx, status)?;
    let r = revenue::totals(ctx, status)?;
    Ok(TrendPoint {
        period: status.period.into(),
        active_customers: b.end_base,
        retention_rate: b.retention_rate,
        churn_rate: b.churn_rate,
        revenue: r.revenue,
        gross_margin: r.gross_margin,
        net_revenue_retention: r.net_revenue_retention,
        new_customers: b.new_customers,
    })
}
