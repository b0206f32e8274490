//! Complaint resolution times (over complaints resolved in the period) and the open backlog at
//! the period's end, part of the complaints family.
//!
//! Indicators stage; depends on period, config, figure and the complaints table's columns.

use super::breakdown::{Bucket, Edges, bucket_exprs, empty_buckets, read_buckets};
use super::service_inputs::{
    column_gap, days_before, instant_between, instant_until, midnight_lit, scalar_f64, scalar_u64,
};
use crate::config::IndicatorSettings;
use crate::figure::{Figure, Missing};
use crate::indicators::Definition;
use crate::period::Period;
use chrono::Duration;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Methodology entries of this file.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "resolution_time",
        name_en: "Resolution time (median, p90)",
        name_es: "Tiempo de resolución (mediana, p90)",
        en: "Hours from opened_at to resolved_at over complaints resolved in P (whatever their opening date); median and 90th percentile with linear interpolation between ranks. Complaints resolved before they were opened are left out and counted apart.",
        es: "Horas entre la apertura y la resolución de las reclamaciones resueltas en P (sea cual sea su fecha de apertura); mediana y percentil 90 con interpolación lineal entre rangos. Las resueltas antes de abrirse se excluyen y se cuentan aparte.",
    },
    Definition {
        id: "within_sla",
        name_en: "Resolved within SLA",
        name_es: "Resueltas dentro del SLA",
        en: "Complaints resolved in P with resolution time ≤ the SLA of their severity (audit.toml sla_hours, case-insensitive, `default` for other or missing severities) / complaints resolved in P that have an SLA.",
        es: "Reclamaciones resueltas en P con tiempo de resolución ≤ el SLA de su gravedad (sla_hours de audit.toml, sin distinguir mayúsculas; `default` para gravedades no listadas o vacías) / reclamaciones resueltas en P con SLA.",
    },
    Definition {
        id: "backlog",
        name_en: "Open backlog and its age",
        name_es: "Reclamaciones pendientes y su antigüedad",
        en: "Complaints opened on or before the last day of P and not resolved by its end (no resolution, or resolved after 23:59:59 of the last day); age = whole days from the opening day to the last day of P; median with linear interpolation.",
        es: "Reclamaciones abiertas hasta el último día de P y no resueltas al final de ese día (sin resolución, o resueltas después de las 23:59:59); antigüedad = días completos desde el día de apertura hasta el último día de P; mediana con interpolación lineal.",
    },
];

const HOUR_MS: f64 = 3_600_000.0;

/// Bars of the resolution-time chart, in hours.
const RESOLUTION_EDGES: Edges = &[
    ("<4h", 0.0, Some(4.0)),
    ("4–24h", 4.0, Some(24.0)),
    ("1–3d", 24.0, Some(72.0)),
    ("3–7d", 72.0, Some(168.0)),
    ("7–14d", 168.0, Some(336.0)),
    (">14d", 336.0, None),
];

/// Bars of the backlog-age chart, in whole days.
const AGE_EDGES: Edges = &[
    ("0–7d", 0.0, Some(8.0)),
    ("8–30d", 8.0, Some(31.0)),
    ("31–90d", 31.0, Some(91.0)),
    (">90d", 91.0, None),
];

/// Resolution times of the complaints resolved in P.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolutionTimes {
    /// Complaints resolved in P with a resolution not before their opening.
    pub resolved: Figure,
    /// Median hours from opening to resolution.
    pub median_hours: Figure,
    /// 90th percentile of the hours.
    pub p90_hours: Figure,
    /// Share resolved within the SLA of their severity.
    pub within_sla: Figure,
    /// Resolved in P with an applicable SLA (the base of `within_sla`).
    pub sla_base: Figure,
    /// Resolved in P with resolved_at before opened_at (left out of the figures above).
    pub resolved_before_opened: Figure,
    /// Histogram of the hours for the chart.
    pub histogram: Vec<Bucket>,
    /// Why the histogram is empty although complaints may exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
}

impl ResolutionTimes {
    /// Resolution times the data cannot support.
    pub fn missing(reason: Missing) -> Self {
        let m = Figure::missing(reason);
        ResolutionTimes {
            resolved: m,
            median_hours: m,
            p90_hours: m,
            within_sla: m,
            sla_base: m,
            resolved_before_opened: m,
            histogram: empty_buckets(RESOLUTION_EDGES),
            missing: Some(reason),
        }
    }
}

/// The complaints still open at the end of P.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backlog {
    /// Complaints open at the end of the last day of P.
    pub open: Figure,
    /// Median age in whole days.
    pub median_age_days: Figure,
    /// Age of the oldest open complaint in days.
    pub oldest_age_days: Figure,
    /// Ages for the chart.
    pub ages: Vec<Bucket>,
    /// Why the ages are empty although complaints may exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
}

impl Backlog {
    /// A backlog the data cannot support.
    pub fn missing(reason: Missing) -> Self {
        let m = Figure::missing(reason);
        Backlog {
            open: m,
            median_age_days: m,
            oldest_age_days: m,
            ages: empty_buckets(AGE_EDGES),
            missing: Some(reason),
        }
    }
}

/// The SLA in hours of each distinct severity of `resolved`, looked up with
/// [`IndicatorSettings::sla_for`] so the audit.toml rules apply exactly as configured.
fn sla_table(resolved: &DataFrame, settings: &IndicatorSettings) -> PolarsResult<DataFrame> {
    let severities = resolved.column("severity")?.drop_nulls().unique()?;
    let names: Vec<Option<&str>> = severities.str()?.iter().collect();
    let hours: Vec<Option<f64>> = names.iter().map(|s| settings.sla_for(*s)).collect();
    DataFrame::new(
        names.len(),
        vec![
            Column::new("severity".into(), names),
            Column::new("sla_hours".into(), hours),
        ],
    )
}

/// Resolution times over the complaints whose `resolved_at` falls in P.
pub(crate) fn resolution_times(
    complaints: &DataFrame,
    period: Period,
    settings: &IndicatorSettings,
) -> PolarsResult<ResolutionTimes> {
    if let Some(reason) = column_gap(complaints, "resolved_at") {
        return Ok(ResolutionTimes::missing(reason));
    }
    let hours = (col("resolved_at").cast(DataType::Int64) - col("opened_at").cast(DataType::Int64))
        .cast(DataType::Float64)
        / lit(HOUR_MS);
    let resolved = complaints
        .clone()
        .lazy()
        .filter(instant_between("resolved_at", period.start, period.end))
        .select([col("severity"), hours.alias("hours")])
        .collect()?;
    let slas = sla_table(&resolved, settings)?;
    let default_sla = match settings.sla_for(None) {
        Some(hours) => lit(hours),
        None => lit(NULL).cast(DataType::Float64),
    };
    let mut aggs = vec![
        len().alias("n"),
        col("hours").median().alias("median"),
        col("hours")
            .quantile(lit(0.9), QuantileMethod::Linear)
            .alias("p90"),
        col("sla_hours").count().alias("sla_base"),
        col("hours").lt_eq(col("sla_hours")).sum().alias("within"),
    ];
    aggs.extend(bucket_exprs("hours", RESOLUTION_EDGES));
    let valid = resolved.clone().lazy().filter(col("hours").gt_eq(lit(0.0)));
    let stats = valid
        .join(
            slas.lazy(),
            [col("severity")],
            [col("severity")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            when(col("severity").is_null())
                .then(default_sla)
                .otherwise(col("sla_hours"))
                .alias("sla_hours"),
        )
        .select(aggs)
        .collect()?;
    let n = scalar_u64(&stats, "n")?;
    let sla_base = scalar_u64(&stats, "sla_base")? as f64;
    Ok(ResolutionTimes {
        resolved: Figure::of(n as f64),
        median_hours: scalar_f64(&stats, "median")?.into(),
        p90_hours: scalar_f64(&stats, "p90")?.into(),
        within_sla: Figure::ratio(scalar_u64(&stats, "within")? as f64, sla_base),
        sla_base: Figure::of(sla_base),
        resolved_before_opened: Figure::of((resolved.height() as u64 - n) as f64),
        histogram: read_buckets(&stats, RESOLUTION_EDGES)?,
        missing: None,
    })
}

/// The complaints open at the end of the last day of P, with their ages.
pub(crate) fn backlog(complaints: &DataFrame, period: Period) -> PolarsResult<Backlog> {
    if let Some(reason) = column_gap(complaints, "resolved_at") {
        return Ok(Backlog::missing(reason));
    }
    let after_end = midnight_lit(period.end + Duration::days(1));
    let still_open = col("resolved_at")
        .is_null()
        .or(col("resolved_at").gt_eq(after_end));
    let mut aggs = vec![
        len().alias("n"),
        col("age").median().alias("median"),
        col("age").max().alias("oldest"),
    ];
    aggs.extend(bucket_exprs("age", AGE_EDGES));
    let stats = complaints
        .clone()
        .lazy()
        .filter(instant_until("opened_at", period.end).and(still_open))
        .select([days_before("opened_at", period.end)
            .cast(DataType::Float64)
            .alias("age")])
        .select(aggs)
        .collect()?;
    Ok(Backlog {
        open: Figure::of(scalar_u64(&stats, "n")? as f64),
        median_age_days: scalar_f64(&stats, "median")?.into(),
        oldest_age_days: scalar_f64(&stats, "oldest")?.into(),
        ages: read_buckets(&stats, AGE_EDGES)?,
        missing: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::service_fixture::{assert_value, complaints, period};

    fn counts(buckets: &[Bucket]) -> Vec<u64> {
        buckets.iter().map(|b| b.count).collect()
    }

    #[test]
    fn resolution_times_cover_complaints_resolved_in_the_period() {
        let r = resolution_times(&complaints(), period(), &IndicatorSettings::default()).unwrap();
        // Resolved 2026-01-01 00:00..2026-03-31 23:59:59: K01 12h, K02 72h, K04 15h59m
        // (resolved 03-31 23:59), K05 384h (opened 2025-12-20, before P), K06 24h, K07 48h,
        // K08 2h, K13 1h = 8. Not: K09 (2026-04-01 00:00), K12 (2025-10).
        assert_value(r.resolved, 8.0);
        // Sorted: 1, 2, 12, 15.9833, 24, 48, 72, 384 ⇒ median = (15 + 59/60 + 24) / 2.
        assert_value(r.median_hours, (15.0 + 59.0 / 60.0 + 24.0) / 2.0);
        // p90: rank 0.9 × 7 = 6.3 ⇒ 72 + 0.3 × (384 − 72) = 165.6.
        assert_value(r.p90_hours, 165.6);
        assert_value(r.resolved_before_opened, 0.0);
        // <4h: 1, 2 | 4–24h: 12, 15.98 | 1–3d: 24, 48 | 3–7d: 72 | 7–14d: — | >14d: 384.
        assert_eq!(counts(&r.histogram), [2, 2, 2, 1, 0, 1]);
    }

    #[test]
    fn sla_share_uses_the_severity_sla_and_the_default_for_unknown_ones() {
        let r = resolution_times(&complaints(), period(), &IndicatorSettings::default()).unwrap();
        // K01 High 12 ≤ 48 ✓; K02 Critical 72 > 24 ✗; K04 Low 15.98 ≤ 240 ✓;
        // K05 Medium 384 > 120 ✗; K06 "Urgente" ⇒ default 120: 24 ✓; K07 High 48 ≤ 48 ✓;
        // K08 no severity ⇒ default 120: 2 ✓; K13 Low 1 ✓ ⇒ 6 / 8.
        assert_value(r.sla_base, 8.0);
        assert_value(r.within_sla, 0.75);
    }

    #[test]
    fn severities_without_any_sla_leave_the_sla_base() {
        let settings = IndicatorSettings {
            sla_hours: [("high".to_string(), 48.0)].into_iter().collect(),
            ..Default::default()
        };
        let r = resolution_times(&complaints(), period(), &settings).unwrap();
        // Only K01 (12h) and K07 (48h) are High; no default ⇒ base 2, both within.
        assert_value(r.sla_base, 2.0);
        assert_value(r.within_sla, 1.0);
    }

    #[test]
    fn backlog_holds_complaints_open_at_the_end_of_the_last_day() {
        let b = backlog(&complaints(), period()).unwrap();
        // Opened by 03-31 23:59:59 and unresolved then: K03 (opened 03-05, open) 26 days;
        // K09 (02-25, resolved 04-01 00:00) 3 + 31 = 34; K10 (2025-11-01, open)
        // 30 + 31 + 31 + 28 + 30 = 150; K14 (03-20) 11. Not: K04 resolved 03-31 23:59,
        // K11 opened 04-01 00:00.
        assert_value(b.open, 4.0);
        // Ages 11, 26, 34, 150 ⇒ median (26 + 34) / 2 = 30; oldest 150.
        assert_value(b.median_age_days, 30.0);
        assert_value(b.oldest_age_days, 150.0);
        // 0–7d: — | 8–30d: 11, 26 | 31–90d: 34 | >90d: 150.
        assert_eq!(counts(&b.ages), [0, 2, 1, 1]);
    }

    #[test]
    fn without_resolution_dates_times_and_backlog_say_no_column() {
        let mut df = complaints();
        let h = df.height();
        let dtype = df.column("resolved_at").unwrap().dtype().clone();
        df.with_column(Column::full_null("resolved_at".into(), h, &dtype))
            .unwrap();
        let r = resolution_times(&df, period(), &IndicatorSettings::default()).unwrap();
        assert_eq!(r.median_hours, Figure::missing(Missing::NoColumn));
        assert_eq!(
            backlog(&df, period()).unwrap().open,
            Figure::missing(Missing::NoColumn)
        );
    }

    #[test]
    fn a_period_without_resolutions_has_an_empty_base_not_zero() {
        let p: Period = "2025-07".parse().unwrap();
        let r = resolution_times(&complaints(), p, &IndicatorSettings::default()).unwrap();
        assert_value(r.resolved, 0.0);
        assert_eq!(r.median_hours, Figure::missing(Missing::EmptyBase));
        assert_eq!(r.within_sla, Figure::missing(Missing::EmptyBase));
        // Backlog at 2025-07-31: nothing opened yet.
        let b = backlog(&complaints(), p).unwrap();
        assert_value(b.open, 0.0);
        assert_eq!(b.median_age_days, Figure::missing(Missing::EmptyBase));
    }
}
