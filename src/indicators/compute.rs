//! Indicators stage: the entry point that prepares the inputs once and runs the families in
//! parallel (rayon) for P, P−1, P−12m, the P-level views and the trend series.
//!
//! Depends on every family module; nothing depends on it but the caller of [`compute`].

use super::acquisition::{ClvToCac, Costs};
use super::clv_distribution::ClvDistribution;
use super::clv_hist::{keyed_values_with, per_customer, summary};
use super::complainer_churn::ClvAtRisk;
use super::context::{Context, day_number};
use super::day_lines::DayLines;
use super::error::{IndicatorError, QueryContext};
use super::model::{Indicators, PeriodLabels, Snapshot};
use super::rfm::Rfm;
use super::status::{Depth, PeriodStatus};
use super::trend::TREND_PERIODS;
use super::whale::WhaleCurve;
use super::{
    acquisition, base, clv_distribution, cohorts, complainer_churn, profitability, retention,
    revenue, rfm, seasonality, trend, whale,
};
use crate::config::IndicatorSettings;
use crate::customer_days::CustomerDays;
use crate::period::Period;
use crate::tables::Tables;
use polars::prelude::*;
use rayon::prelude::*;

/// Runs `f` and logs its duration at debug level, so a slow client shows which step is slow.
pub(crate) fn timed<T>(step: &str, f: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let out = f();
    tracing::debug!(
        step,
        ms = started.elapsed().as_millis() as u64,
        "indicators step done"
    );
    out
}

/// Inputs computed once and read by several families.
struct Shared<'a> {
    /// The model stage's keyed values (`key`, `clv`, `p_alive`), if supplied.
    values: Option<&'a DataFrame>,
    /// Known acquisition costs.
    costs: &'a Costs,
    /// Historical CLV per customer acquired by P.end (`key`, `clv`).
    clv_at_p: &'a DataFrame,
}

/// The views computed once, at P.
struct AtP {
    whale: WhaleCurve,
    rfm: Rfm,
    distribution: ClvDistribution,
    clv_to_cac: ClvToCac,
    clv_at_risk: ClvAtRisk,
}

/// Computes every customer and revenue indicator of one client for `period`.
///
/// `values` is the CLV model stage's per-customer frame (`customer_id` String, `clv` Float64,
/// `p_alive` Float64); without it, figures defined on predictive CLV use historical CLV and say so.
/// `days`: the customer-day reduction the pipeline built for the models, reused when given.
pub fn compute(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
    values: Option<&DataFrame>,
    days: Option<&CustomerDays>,
) -> Result<Indicators, IndicatorError> {
    compute_over_lines(tables, period, settings, values, days, None)
}

/// [`compute`] also reading the purchase lines sorted by day, when the caller built them.
pub(crate) fn compute_over_lines(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
    values: Option<&DataFrame>,
    days: Option<&CustomerDays>,
    lines: Option<&DayLines>,
) -> Result<Indicators, IndicatorError> {
    Ok(finish(prepare(tables, period, settings, values, days)?, lines)?.0)
}

/// What the customer families computed that the action lists read again: the context, the
/// status at P, the historical CLV at P and the model's keyed values.
pub(crate) struct CoreReuse<'a> {
    pub(crate) ctx: Context<'a>,
    pub(crate) status_at_p: PeriodStatus,
    pub(crate) clv_at_p: DataFrame,
    pub(crate) keyed_values: Option<DataFrame>,
}

/// What the customer families compute before they read the purchase lines: the caller sorts
/// the lines by day meanwhile ([`super::all::compute_all`]), instead of before everything.
pub(crate) struct Prepared<'a> {
    ctx: Context<'a>,
    period: Period,
    values: Option<DataFrame>,
    statuses: PolarsResult<Vec<PeriodStatus>>,
    cohorts: PolarsResult<super::cohorts::Cohorts>,
    clv_at_p: PolarsResult<DataFrame>,
    costs: PolarsResult<Costs>,
}

/// The context, the model's keyed values, every period's status, the cohorts, the historical
/// CLV at P and the acquisition costs.
pub(crate) fn prepare<'a>(
    tables: &'a Tables,
    period: Period,
    settings: &'a IndicatorSettings,
    values: Option<&DataFrame>,
    days: Option<&CustomerDays>,
) -> Result<Prepared<'a>, IndicatorError> {
    let ctx = timed("prepare", || Context::prepare_with(tables, settings, days))?;
    let year_ago = period.year_ago();
    let snapshot_periods = [period, period.previous(), year_ago];
    let mut periods = period.trailing(TREND_PERIODS);
    if !periods.contains(&year_ago) {
        periods.insert(0, year_ago);
    }
    let depth = |p: &Period| {
        if snapshot_periods.contains(p) {
            Depth::Full
        } else {
            Depth::Headline
        }
    };
    let ((statuses, cohorts), (clv_at_p, keyed)) = rayon::join(
        || {
            rayon::join(
                || {
                    let wanted: Vec<(Period, Depth)> =
                        periods.iter().map(|p| (*p, depth(p))).collect();
                    timed("status", || PeriodStatus::compute_all(&ctx, &wanted))
                },
                || timed("cohorts", || cohorts::compute(&ctx, period)),
            )
        },
        || {
            rayon::join(
                || {
                    timed("clv_at_p", || {
                        per_customer(&ctx, day_number(period.end)).collect()
                    })
                },
                // The key index is built once, for the model's values and the acquisition
                // costs; beside the status pass, which does not wait for it.
                || -> Result<_, IndicatorError> {
                    let index = timed("key_index", || ctx.key_index()).family("context")?;
                    let values = timed("keyed_values", || {
                        keyed_values_with(&ctx, values, Some(&index))
                    })?;
                    Ok((
                        values,
                        timed("costs", || acquisition::costs(&ctx, Some(&index))),
                    ))
                },
            )
        },
    );
    let (values, costs) = keyed?;
    Ok(Prepared {
        ctx,
        period,
        values,
        statuses,
        cohorts,
        clv_at_p,
        costs,
    })
}

/// The per-period families, the views at P and the trend, over the prepared inputs and the
/// purchase lines sorted by day, when the caller built them; with what the action lists reuse
/// (which outlives the sorted lines).
pub(crate) fn finish<'a: 'l, 'l>(
    prepared: Prepared<'a>,
    lines: Option<&'l DayLines<'l>>,
) -> Result<(Indicators, CoreReuse<'a>), IndicatorError> {
    let Prepared {
        ctx: kept,
        period,
        values,
        statuses,
        cohorts,
        clv_at_p,
        costs,
    } = prepared;
    let mut ctx: Context<'l> = kept.clone();
    ctx.lines = lines;
    let settings = ctx.settings;
    let (previous, year_ago) = (period.previous(), period.year_ago());
    let snapshot_periods = [period, previous, year_ago];
    let statuses = statuses.family("status")?;
    let (clv_at_p, costs) = (clv_at_p.family("clv_hist")?, costs.family("acquisition")?);
    let shared = Shared {
        values: values.as_ref(),
        costs: &costs,
        clv_at_p: &clv_at_p,
    };
    let status_of = |p: Period| {
        statuses
            .iter()
            .find(|s| s.period == p)
            .expect("status computed")
    };
    let (snapshots, (at_p, trend)) = rayon::join(
        || {
            snapshot_periods
                .par_iter()
                .map(|p| {
                    timed("snapshot", || {
                        // P−1's NRR interval is read by nothing the report writes.
                        let draws = if *p == previous && previous != year_ago {
                            revenue::Draws::OnUse
                        } else {
                            revenue::Draws::Now
                        };
                        snapshot(&ctx, status_of(*p), &shared, *p == period, draws)
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        },
        || {
            rayon::join(
                || timed("at_p", || at_p(&ctx, status_of(period), &shared)),
                || {
                    // The seasonality (a pass over every customer day) beside the trend, not
                    // after everything else on one core.
                    rayon::join(
                        || {
                            period
                                .trailing(TREND_PERIODS)
                                .par_iter()
                                .map(|p| timed("trend", || trend::point(&ctx, status_of(*p))))
                                .collect::<Result<Vec<_>, _>>()
                                .family("trend")
                        },
                        || timed("seasonality", || seasonality::compute(&ctx, period)),
                    )
                },
            )
        },
    );
    let (trend, seasonality) = trend;
    let [current, previous_snapshot, year_ago_snapshot]: [Snapshot; 3] =
        snapshots?.try_into().expect("three snapshots");
    let at_p = at_p?;
    let reuse = CoreReuse {
        ctx: kept,
        status_at_p: status_of(period).clone(),
        clv_at_p: clv_at_p.clone(),
        keyed_values: values.clone(),
    };
    let indicators = Indicators {
        periods: PeriodLabels {
            granularity: period.granularity,
            current: period.into(),
            previous: previous.into(),
            year_ago: year_ago.into(),
        },
        data_range: ctx.data_range,
        activity_window_days: settings.activity_window_days,
        current,
        previous: previous_snapshot,
        year_ago: year_ago_snapshot,
        cohorts: cohorts.family("cohorts")?,
        whale_curve: at_p.whale,
        rfm: at_p.rfm,
        clv_distribution: at_p.distribution,
        clv_to_cac: at_p.clv_to_cac,
        clv_at_risk: at_p.clv_at_risk,
        trend: trend?,
        seasonality: seasonality.family("seasonality")?,
    };
    Ok((indicators, reuse))
}

/// The per-period families of one period, from its status frame.
fn snapshot(
    ctx: &Context,
    status: &PeriodStatus,
    shared: &Shared,
    is_p: bool,
    draws: revenue::Draws,
) -> Result<Snapshot, IndicatorError> {
    let clv = if is_p {
        shared.clv_at_p.clone().lazy()
    } else {
        per_customer(ctx, status.windows.end)
    };
    Ok(Snapshot {
        period: status.period.into(),
        base: timed("snapshot.base", || base::compute(ctx, status)).family("base")?,
        retention: timed("snapshot.retention", || retention::compute(status))
            .family("retention")?,
        revenue: timed("snapshot.revenue", || revenue::compute(ctx, status, draws))
            .family("revenue")?,
        profitability: timed("snapshot.profitability", || {
            profitability::compute(ctx, status)
        })
        .family("profitability")?,
        clv: timed("snapshot.clv", || summary(ctx, clv, status.coverage.period))
            .family("clv_hist")?,
        acquisition: timed("snapshot.acquisition", || {
            acquisition::compute(ctx, status, shared.costs)
        })
        .family("acquisition")?,
        complainer_churn: timed("snapshot.complainer_churn", || {
            complainer_churn::compute(ctx, status)
        })
        .family("complainer_churn")?,
    })
}

/// The views computed once, at P: whale curve, RFM, CLV distribution, CLV : CAC, CLV at risk.
fn at_p(ctx: &Context, status: &PeriodStatus, shared: &Shared) -> Result<AtP, IndicatorError> {
    let covered = ctx.data_range.is_some_and(|r| status.period.end <= r.last);
    let ((whale, rfm), distribution) = rayon::join(
        || {
            (
                timed("at_p.whale", || whale::compute(ctx, status)),
                timed("at_p.rfm", || rfm::compute(status)),
            )
        },
        || {
            timed("at_p.distribution", || {
                clv_distribution::compute(ctx, shared.clv_at_p, covered, shared.values)
            })
        },
    );
    Ok(AtP {
        whale: whale.family("whale")?,
        rfm: rfm.family("rfm")?,
        distribution: distribution.family("clv_distribution")?,
        clv_to_cac: timed("at_p.clv_to_cac", || {
            acquisition::clv_to_cac(ctx, status, shared.costs, shared.clv_at_p, shared.values)
        })
        .family("acquisition")?,
        clv_at_risk: timed("at_p.clv_at_risk", || {
            complainer_churn::clv_at_risk(ctx, status, shared.clv_at_p, shared.values)
        })
        .family("complainer_churn")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::{Figure, Missing};
    use crate::indicators::fixture::{self, assert_fig};

    fn values(
        points: &[super::super::model::TrendPoint],
        f: impl Fn(&super::super::model::TrendPoint) -> Figure,
    ) -> Vec<Option<f64>> {
        points.iter().map(|p| f(p).value).collect()
    }

    #[test]
    fn compute_fills_p_p_minus_1_and_year_ago_and_the_trend() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ind = compute(
            &tables,
            fixture::period(),
            &settings,
            Some(&fixture::values()),
            None,
        )
        .unwrap();
        assert_eq!(
            (
                ind.periods.current.label.as_str(),
                ind.periods.previous.label.as_str(),
                ind.periods.year_ago.label.as_str()
            ),
            ("2026-Q2", "2026-Q1", "2025-Q2")
        );
        let range = ind.data_range.unwrap();
        assert_eq!(
            (range.first, range.last),
            (fixture::d("2024-12-01"), fixture::d("2026-06-30"))
        );
        assert_fig(ind.current.base.retention_rate, 10.0 / 14.0);
        assert_fig(ind.previous.base.retention_rate, 11.0 / 12.0);
        assert_eq!(
            ind.year_ago.base.retention_rate.missing,
            Some(Missing::OutsideData)
        );
        assert_fig(ind.year_ago.revenue.revenue, 530.0);
        assert_fig(ind.current.clv.average, 145.5);
        assert_fig(ind.clv_at_risk.clv, 500.5);
        let trend = &ind.trend;
        let labels: Vec<&str> = trend.iter().map(|p| p.period.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1",
                "2026-Q2"
            ]
        );
        // revenue: 2025-Q1 c08 120; Q2 530; Q3 c04 90 − c08 120 + c13 130 + c19 1000 = 1100;
        // Q4 c01 200 + c15 90 + c16 150 = 440; 2026-Q1 1280; Q2 2240 (2024 quarters precede data)
        let none = None;
        assert_eq!(
            values(trend, |p| p.revenue),
            [
                none,
                none,
                Some(120.0),
                Some(530.0),
                Some(1100.0),
                Some(440.0),
                Some(1280.0),
                Some(2240.0)
            ]
        );
        // margin: 50; 220; 40 − 50 + 50 + 600 = 640; 80 + 30 + 50 = 160; 640; 1115
        assert_eq!(
            values(trend, |p| p.gross_margin),
            [
                none,
                none,
                Some(50.0),
                Some(220.0),
                Some(640.0),
                Some(160.0),
                Some(640.0),
                Some(1115.0)
            ]
        );
        // E needs its 365-day window inside the data: from 2025-Q4 (window from 2025-01-01):
        // 2025-Q4 = active in 2025 = 12; 2026-Q1 14; 2026-Q2 14
        assert_eq!(
            values(trend, |p| p.active_customers),
            [
                none,
                none,
                none,
                none,
                none,
                Some(12.0),
                Some(14.0),
                Some(14.0)
            ]
        );
        assert_eq!(
            values(trend, |p| p.new_customers)[6..],
            [Some(2.0), Some(3.0)]
        );
        // NRR from 2025-Q2 (2025-Q1 base inside data); bases never bought again but in P
        assert_eq!(
            values(trend, |p| p.net_revenue_retention),
            [
                none,
                none,
                none,
                Some(0.0),
                Some(0.0),
                Some(0.0),
                Some(0.0),
                Some(1330.0 / 1280.0)
            ]
        );
    }

    #[test]
    fn indicators_serialise_to_json_without_nan_and_read_back() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ind = compute(&tables, fixture::period(), &settings, None, None).unwrap();
        let json = serde_json::to_string(&ind).unwrap();
        assert!(!json.contains("NaN"));
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["current"]["base"]["retained"]["value"], 10.0);
        assert_eq!(
            back["year_ago"]["base"]["start_base"]["missing"],
            "outside_data"
        );
        assert_eq!(back["clv_at_risk"]["basis"], "historical");
        let model: super::super::model::Indicators = serde_json::from_str(&json).unwrap();
        assert_eq!(model.rfm.segments.len(), 11);
    }

    #[test]
    fn empty_transactions_give_missing_figures_not_errors() {
        let settings = fixture::settings();
        let ind = compute(
            &crate::tables::Tables::empty(),
            fixture::period(),
            &settings,
            None,
            None,
        )
        .unwrap();
        assert_eq!(ind.data_range, None);
        assert_eq!(
            ind.current.revenue.revenue.missing,
            Some(Missing::OutsideData)
        );
        assert_eq!(
            ind.current.base.start_base.missing,
            Some(Missing::OutsideData)
        );
        assert!(ind.cohorts.rows.is_empty());
    }

    #[test]
    fn every_definition_has_both_languages_and_a_unique_id() {
        let defs = super::super::definitions();
        let mut ids: Vec<&str> = defs.iter().map(|d| d.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), defs.len());
        assert!(
            defs.iter()
                .all(|d| !d.en.is_empty() && !d.es.is_empty() && !d.name_es.is_empty())
        );
    }
}
