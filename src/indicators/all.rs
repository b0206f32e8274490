//! Every indicator family of one client and period: the customer and revenue families
//! ([`super::compute`]) and the service families (complaints, satisfaction, engagement), computed
//! side by side with rayon. This is the model `indicators.json` serialises.

use super::complaints::{ComplaintIndicators, compute_complaints_with};
use super::compute::timed;
use super::contacts::{ContactGroups, LastContacts};
use super::day_lines::DayLines;
use super::engagement::{EngagementIndicators, Reused, compute_engagement_with, last_contacts_at};
use super::error::{IndicatorError, QueryContext};
use super::model::{Indicators, PeriodLabel};
use super::neglected_customers::{ValueBasis, top_decile};
use super::satisfaction::{SatisfactionIndicators, compute_satisfaction_with};
use super::service_inputs::PeriodBase;
use super::trend::TREND_PERIODS;
use crate::config::IndicatorSettings;
use crate::customer_days::CustomerDays;
use crate::figure::Figure;
use crate::period::Period;
use crate::tables::Tables;
use polars::prelude::*;
use rayon::prelude::*;
use serde::Serialize;

/// All families of one client and period.
#[derive(Debug, Clone, Serialize)]
pub struct AllIndicators {
    /// Customer base, retention, revenue, cohorts, profitability, CLV, RFM, CAC.
    #[serde(flatten)]
    pub core: Indicators,
    /// Complaints, satisfaction and engagement for P, P−1 and P−12m.
    pub service: ServicePeriods,
    /// Service headline figures of the trend periods, oldest first (same periods as `trend`).
    pub service_trend: Vec<ServiceTrendPoint>,
}

/// The service families for the three compared periods.
#[derive(Debug, Clone, Serialize)]
pub struct ServicePeriods {
    /// P.
    pub current: ServiceSnapshot,
    /// P−1.
    pub previous: ServiceSnapshot,
    /// P−12m.
    pub year_ago: ServiceSnapshot,
}

/// The service families of one period.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceSnapshot {
    /// The period.
    pub period: PeriodLabel,
    /// Complaint counts, rates, Pareto, resolution times, backlog, sales during complaints.
    pub complaints: ComplaintIndicators,
    /// NPS, CSAT, coverage.
    pub satisfaction: SatisfactionIndicators,
    /// Contact regularity, channel mix, neglected valuable customers, cross-selling.
    pub engagement: EngagementIndicators,
}

/// Service headline figures of one trend period.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceTrendPoint {
    /// The period.
    pub period: PeriodLabel,
    /// Complaints opened per 100 active customers.
    pub complaints_per_100: Figure,
    /// Median resolution time of complaints resolved in the period, hours.
    pub median_resolution_hours: Figure,
    /// Net promoter score.
    pub nps: Figure,
    /// CSAT share of 4–5 answers.
    pub csat: Figure,
}

/// Every family of one client and period, with what the action lists read again.
pub struct Computed<'a> {
    /// The figures (`indicators.json`, the report).
    pub indicators: AllIndicators,
    /// Inputs for [`crate::actions::compute`].
    pub reuse: Reuse<'a>,
}

/// What the indicators stage computed that the action lists read again: the context, the
/// status at P, historical and predictive values per customer, the value ranking and its top
/// decile, and the last contacts at P's end. Handed over, the render stage does not compute them a second time (most
/// of a second on a client of a million customers).
pub struct Reuse<'a> {
    pub(crate) core: super::compute::CoreReuse<'a>,
    pub(crate) ranked: DataFrame,
    pub(crate) top_decile: DataFrame,
    pub(crate) last_contacts_at_p: Option<DataFrame>,
}

/// Computes every family. `values` is the model stage's per-customer frame (`customer_id`,
/// `clv`, `p_alive`); without it, value-ranked figures use historical CLV and say so. `days`: the
/// customer-day reduction the pipeline built for the models, reused when given.
pub fn compute_all<'a>(
    tables: &'a Tables,
    period: Period,
    settings: &'a IndicatorSettings,
    values: Option<&DataFrame>,
    days: Option<&CustomerDays>,
) -> Result<Computed<'a>, IndicatorError> {
    // Benchmarking aid: CRM_AUDIT_LINE_FILTERS=1 counts over the lines by filtering all of them
    // for every period, as before the day-sorted lines, so both can be timed in one binary.
    let filters = std::env::var_os("CRM_AUDIT_LINE_FILTERS").is_some();
    // The lines are sorted by day (one core) while the customer families prepare what does not
    // read them (the other core): the sort no longer holds every family back.
    let (lines, prepared) = rayon::join(
        || {
            let clock = std::time::Instant::now();
            let lines = days
                .filter(|_| !filters)
                .map(|d| DayLines::build(&tables.transactions, d))
                .transpose()
                .map(Option::flatten);
            tracing::debug!(
                ms = clock.elapsed().as_millis() as u64,
                "purchase lines sorted by day"
            );
            lines
        },
        || {
            timed("customer_inputs", || {
                super::compute::prepare(tables, period, settings, values, days)
            })
        },
    );
    let lines = lines.family("context")?;
    let lines = lines.as_ref();
    let prepared = prepared?;
    let (core, service) = rayon::join(
        || {
            let clock = std::time::Instant::now();
            let core = super::compute::finish(prepared, lines);
            tracing::debug!(
                ms = clock.elapsed().as_millis() as u64,
                "customer indicators done"
            );
            core
        },
        || {
            let clock = std::time::Instant::now();
            let service = service(tables, period, settings, values, days, lines);
            tracing::debug!(
                ms = clock.elapsed().as_millis() as u64,
                "service indicators done"
            );
            service
        },
    );
    let (service, service_trend, ranked, top_decile, last_contacts_at_p) = service?;
    let (core, core_reuse) = core?;
    Ok(Computed {
        indicators: AllIndicators {
            core,
            service,
            service_trend,
        },
        reuse: Reuse {
            core: core_reuse,
            ranked,
            top_decile,
            last_contacts_at_p,
        },
    })
}

/// The service families and trend, with the value ranking, its top decile and the last
/// contacts at P's end.
type ServiceResult = Result<
    (
        ServicePeriods,
        Vec<ServiceTrendPoint>,
        DataFrame,
        DataFrame,
        Option<DataFrame>,
    ),
    IndicatorError,
>;

fn service(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
    values: Option<&DataFrame>,
    days: Option<&CustomerDays>,
    lines: Option<&DayLines>,
) -> ServiceResult {
    // Every period the service families read, once each (the snapshot periods are mostly also
    // trend periods).
    let trend_periods = period.trailing(TREND_PERIODS);
    let mut needed: Vec<Period> = vec![period, period.previous(), period.year_ago()];
    needed.extend(trend_periods.iter().copied());
    needed.sort_by_key(|p| (p.start, p.end));
    needed.dedup();
    let clock = std::time::Instant::now();
    let bases: Vec<(Period, PeriodBase)> = needed
        .iter()
        .copied()
        .zip(
            PeriodBase::of_periods(&tables.transactions, days, lines, &needed)
                .family("service inputs")?,
        )
        .collect();
    tracing::debug!(
        ms = clock.elapsed().as_millis() as u64,
        "service period bases done"
    );
    let base_of = |p: Period| -> &PeriodBase {
        &bases
            .iter()
            .find(|(q, _)| *q == p)
            .expect("base computed for every period")
            .1
    };
    let (ranked, basis) = timed("service.ranked", || ranked_values(tables, period, values));
    let ranked = ranked.family("engagement values")?;
    let top = timed("service.top_decile", || top_decile(&ranked)).family("engagement values")?;
    // The three snapshots' last contacts in one pass over the interactions, looked up by id.
    let ends = [period.end, period.previous().end, period.year_ago().end];
    let groups = match tables.interactions.as_ref() {
        Some(i) => timed("service.last_contacts", || ContactGroups::build(i, &ends))
            .family("engagement")?,
        None => None,
    };
    // Frames only without the groups (a date column that is not the canonical one).
    let frames: Vec<Option<DataFrame>> = match (&groups, tables.interactions.as_ref()) {
        (None, Some(i)) => last_contacts_at(i, &ends)
            .family("engagement")?
            .into_iter()
            .map(Some)
            .collect(),
        _ => vec![None, None, None],
    };
    let last: Vec<Option<LastContacts>> = (0..ends.len())
        .map(|n| match (&groups, &frames[n]) {
            (Some(g), _) => Some(LastContacts::Groups(g, n)),
            (None, Some(f)) => Some(LastContacts::Frame(f)),
            (None, None) => None,
        })
        .collect();
    // The action lists take P's as a frame.
    let last_at_p = match &groups {
        Some(g) => Some(g.frame(0).family("engagement")?),
        None => frames[0].clone(),
    };
    let snapshot =
        |p: Period, last: Option<LastContacts>| -> Result<ServiceSnapshot, IndicatorError> {
            let base = base_of(p);
            let (complaints, (satisfaction, engagement)) = rayon::join(
                || {
                    timed("service.complaints", || {
                        compute_complaints_with(tables, p, settings, base)
                    })
                    .family("complaints")
                },
                || {
                    rayon::join(
                        || {
                            timed("service.satisfaction", || {
                                compute_satisfaction_with(tables, p, settings, base)
                            })
                            .family("satisfaction")
                        },
                        || {
                            timed("service.engagement", || {
                                compute_engagement_with(
                                    tables,
                                    p,
                                    settings,
                                    &ranked,
                                    basis,
                                    Reused {
                                        base,
                                        last,
                                        top: Some(&top),
                                        days,
                                        lines,
                                    },
                                )
                            })
                            .family("engagement")
                        },
                    )
                },
            );
            Ok(ServiceSnapshot {
                period: p.into(),
                complaints: complaints?,
                satisfaction: satisfaction?,
                engagement: engagement?,
            })
        };
    let snapshot_periods = [period, period.previous(), period.year_ago()];
    let three: Vec<ServiceSnapshot> = snapshot_periods
        .par_iter()
        .zip(last.par_iter())
        .map(|(p, l)| snapshot(*p, *l))
        .collect::<Result<_, _>>()?;
    let [current, previous, year_ago]: [ServiceSnapshot; 3] =
        three.try_into().expect("three periods");
    let trend = trend_periods
        .par_iter()
        .map(|p| {
            timed("service.trend", || {
                trend_point(tables, *p, settings, base_of(*p))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((
        ServicePeriods {
            current,
            previous,
            year_ago,
        },
        trend,
        ranked,
        top,
        last_at_p,
    ))
}

fn trend_point(
    tables: &Tables,
    p: Period,
    settings: &IndicatorSettings,
    base: &PeriodBase,
) -> Result<ServiceTrendPoint, IndicatorError> {
    let (c, s) = rayon::join(
        || super::complaints::trend_figures(tables, p, settings, base),
        || compute_satisfaction_with(tables, p, settings, base),
    );
    let (complaints_per_100, median_resolution_hours) = c.family("complaints")?;
    let s = s.family("satisfaction")?;
    Ok(ServiceTrendPoint {
        period: p.into(),
        complaints_per_100,
        median_resolution_hours,
        nps: s.nps,
        csat: s.csat,
    })
}

/// The value that ranks customers for "valuable" (`customer_id`, `value`): predictive CLV when
/// the model stage supplied it, else historical CLV. Shared with the action lists.
pub(crate) fn ranked_values(
    tables: &Tables,
    period: Period,
    values: Option<&DataFrame>,
) -> (PolarsResult<DataFrame>, ValueBasis) {
    match values {
        Some(v) => (
            v.clone()
                .lazy()
                .select([col("customer_id"), col("clv").alias("value")])
                .collect(),
            ValueBasis::PredictiveClv,
        ),
        None => (historical_values(tables, period), ValueBasis::HistoricalClv),
    }
}

/// Historical CLV per customer: cumulative margin (net − cost, net where cost is unknown) of
/// transactions up to P.end.
fn historical_values(tables: &Tables, period: Period) -> PolarsResult<DataFrame> {
    tables
        .transactions
        .clone()
        .lazy()
        .filter(col("date").lt_eq(lit(period.end)))
        .group_by([col("customer_id")])
        .agg([(col("net_amount") - col("cost").fill_null(lit(0.0)))
            .sum()
            .alias("value")])
        .sort(["customer_id"], SortMultipleOptions::default())
        .collect()
}
