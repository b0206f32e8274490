//! Indicators stage: the entry point that prepares the inputs once and runs the families in
//! parallel (rayon) for P, P−1, P−12m, the P-level views and the trend series.
//!
//! Depends on every family module; nothing depends on it but the caller of [`compute`].

use super::clv_hist::{keyed_values, summary};
use super::context::Context;
use super::error::{IndicatorError, QueryContext};
use super::model::{Indicators, PeriodLabels, Snapshot};
use super::status::PeriodStatus;
use super::trend::TREND_PERIODS;
use super::{
    acquisition, base, clv_distribution, cohorts, complainer_churn, profitability, retention,
    revenue, rfm, trend, whale,
};
use crate::config::IndicatorSettings;
use crate::period::Period;
use crate::tables::Tables;
use polars::prelude::*;
use rayon::prelude::*;

/// Computes every customer and revenue indicator of one client for `period`.
///
/// `values` is the CLV model stage's per-customer frame (`customer_id` String, `clv` Float64,
/// `p_alive` Float64); without it, figures defined on predictive CLV use historical CLV and say so.
pub fn compute(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
    values: Option<&DataFrame>,
) -> Result<Indicators, IndicatorError> {
    let ctx = Context::prepare(tables, settings)?;
    let values = keyed_values(&ctx, values)?;
    let values = values.as_ref();
    let (previous, year_ago) = (period.previous(), period.year_ago());
    let mut periods = period.trailing(TREND_PERIODS);
    if !periods.contains(&year_ago) {
        periods.insert(0, year_ago);
    }
    let (statuses, (cohorts, distribution)) = rayon::join(
        || {
            periods
                .par_iter()
                .map(|p| PeriodStatus::compute(&ctx, *p))
                .collect::<Result<Vec<_>, _>>()
        },
        || {
            rayon::join(
                || cohorts::compute(&ctx, period),
                || {
                    let covered = ctx.data_range.is_some_and(|r| period.end <= r.last);
                    let end = super::context::day_number(period.end);
                    clv_distribution::compute(&ctx, end, covered, values)
                },
            )
        },
    );
    let statuses = statuses.family("status")?;
    let status_of = |p: Period| {
        statuses
            .iter()
            .find(|s| s.period == p)
            .expect("status computed")
    };
    let current = status_of(period);
    let (snapshots, (at_p, trend)) = rayon::join(
        || {
            [period, previous, year_ago]
                .par_iter()
                .map(|p| snapshot(&ctx, status_of(*p)))
                .collect::<Result<Vec<_>, _>>()
        },
        || {
            rayon::join(
                || -> Result<_, IndicatorError> {
                    Ok((
                        whale::compute(&ctx, current).family("whale")?,
                        rfm::compute(current).family("rfm")?,
                        acquisition::clv_to_cac(&ctx, current, values).family("acquisition")?,
                        complainer_churn::clv_at_risk(&ctx, current, values)
                            .family("complainer_churn")?,
                    ))
                },
                || {
                    period
                        .trailing(TREND_PERIODS)
                        .par_iter()
                        .map(|p| trend::point(&ctx, status_of(*p)))
                        .collect::<Result<Vec<_>, _>>()
                        .family("trend")
                },
            )
        },
    );
    let [current_snapshot, previous_snapshot, year_ago_snapshot]: [Snapshot; 3] =
        snapshots?.try_into().expect("three snapshots");
    let (whale_curve, rfm, clv_to_cac, clv_at_risk) = at_p?;
    Ok(Indicators {
        periods: PeriodLabels {
            granularity: period.granularity,
            current: period.into(),
            previous: previous.into(),
            year_ago: year_ago.into(),
        },
        data_range: ctx.data_range,
        activity_window_days: settings.activity_window_days,
        current: current_snapshot,
        previous: previous_snapshot,
        year_ago: year_ago_snapshot,
        cohorts: cohorts.family("cohorts")?,
        whale_curve,
        rfm,
        clv_distribution: distribution.family("clv_distribution")?,
        clv_to_cac,
        clv_at_risk,
        trend: trend?,
    })
}

/// The per-period families of one period, from its status frame.
fn snapshot(ctx: &Context, status: &PeriodStatus) -> Result<Snapshot, IndicatorError> {
    Ok(Snapshot {
        period: status.period.into(),
        base: base::compute(status).family("base")?,
        retention: retention::compute(status).family("retention")?,
        revenue: revenue::compute(ctx, status).family("revenue")?,
        profitability: profitability::compute(ctx, status).family("profitability")?,
        clv: summary(ctx, status.windows.end, status.coverage.period).family("clv_hist")?,
        acquisition: acquisition::compute(ctx, status).family("acquisition")?,
        complainer_churn: complainer_churn::compute(ctx, status).family("complainer_churn")?,
    })
}
