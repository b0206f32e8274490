//! Complaints family: complaints opened in the period, their rates and breakdowns, with the
//! resolution times and backlog of [`super::complaint_times`] and the sales contacts of
//! [`super::open_complaint_sales`].
//!
//! Indicators stage; depends on tables, period, config and figure. Missing data convention of
//! the service families: the function always returns the family struct; every figure the data
//! cannot support says why (`no_table` when the complaints table was not supplied, `no_column`
//! when an optional column holds no data), and lists come with the same reason in `missing`.

use super::breakdown::Breakdown;
use super::complaint_times::{Backlog, ResolutionTimes};
use super::open_complaint_sales::OpenComplaintSales;
use super::service_inputs::{PeriodBase, column_gap, instant_between, scalar_u64};
use crate::config::IndicatorSettings;
use crate::figure::{Figure, Missing};
use crate::indicators::Definition;
use crate::period::Period;
use crate::tables::Tables;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Methodology entries of this file.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "complaints_opened",
        name_en: "Complaints",
        name_es: "Reclamaciones",
        en: "Complaints opened in the period (opened_at from the first day 00:00 to the last day 23:59:59).",
        es: "Reclamaciones abiertas en el periodo (fecha de apertura entre el primer día a las 00:00 y el último a las 23:59:59).",
    },
    Definition {
        id: "complaints_per_100_active",
        name_en: "Complaints per 100 active customers",
        name_es: "Reclamaciones por cada 100 clientes activos",
        en: "100 × complaints opened in P / customers active in P (at least one purchase with net amount > 0 in P).",
        es: "100 × reclamaciones abiertas en P / clientes activos en P (al menos una compra con importe neto > 0 en P).",
    },
    Definition {
        id: "complaints_per_1000_invoices",
        name_en: "Complaints per 1,000 invoices",
        name_es: "Reclamaciones por cada 1.000 facturas",
        en: "1,000 × complaints opened in P / invoices in P; invoices are distinct invoice numbers of purchase lines (net amount > 0), a line without number counting as one invoice per customer and day.",
        es: "1.000 × reclamaciones abiertas en P / facturas de P; facturas = números de factura distintos de las líneas de compra (importe neto > 0); una línea sin número cuenta como una factura por cliente y día.",
    },
    Definition {
        id: "complaints_by_category",
        name_en: "Complaints by category (Pareto), channel and severity",
        name_es: "Reclamaciones por categoría (Pareto), canal y gravedad",
        en: "Complaints opened in P counted by label, largest first; share = count / total, cumulative share = running sum of shares. Complaints without a label form the last row.",
        es: "Reclamaciones abiertas en P contadas por etiqueta, de mayor a menor; cuota = recuento / total, cuota acumulada = suma de las cuotas anteriores. Las reclamaciones sin etiqueta forman la última fila.",
    },
    Definition {
        id: "reopen_rate",
        name_en: "Reopen rate",
        name_es: "Tasa de reapertura",
        en: "Complaints opened in P flagged as reopened / complaints opened in P whose reopened flag is known.",
        es: "Reclamaciones abiertas en P marcadas como reabiertas / reclamaciones abiertas en P con la marca informada.",
    },
    Definition {
        id: "first_contact_resolution",
        name_en: "First-contact resolution",
        name_es: "Resolución en el primer contacto",
        en: "Complaints opened in P resolved at the first contact / complaints opened in P whose first-contact flag is known.",
        es: "Reclamaciones abiertas en P resueltas en el primer contacto / reclamaciones abiertas en P con la marca informada.",
    },
    Definition {
        id: "repeat_complainers",
        name_en: "Repeat complainers",
        name_es: "Clientes con reclamaciones repetidas",
        en: "Customers with at least 2 complaints opened in P; share = repeat complainers / customers with at least 1 complaint opened in P.",
        es: "Clientes con al menos 2 reclamaciones abiertas en P; cuota = clientes con reclamaciones repetidas / clientes con al menos 1 reclamación abierta en P.",
    },
];

/// The complaints family for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintIndicators {
    /// Complaints opened in P.
    pub opened: Figure,
    /// 100 × opened / customers active in P.
    pub per_100_active_customers: Figure,
    /// 1,000 × opened / invoices in P.
    pub per_1000_invoices: Figure,
    /// Opened in P by category, sorted for the Pareto chart.
    pub by_category: Breakdown,
    /// Opened in P by channel.
    pub by_channel: Breakdown,
    /// Opened in P by severity.
    pub by_severity: Breakdown,
    /// Share of opened in P that were reopened (over known flags).
    pub reopen_rate: Figure,
    /// Share of opened in P resolved at first contact (over known flags).
    pub first_contact_resolution: Figure,
    /// Customers with at least one complaint opened in P.
    pub complainers: Figure,
    /// Customers with at least two complaints opened in P.
    pub repeat_complainers: Figure,
    /// repeat_complainers / complainers.
    pub repeat_complainer_share: Figure,
    /// Resolution times over complaints resolved in P.
    pub resolution: ResolutionTimes,
    /// Complaints still open at the end of P.
    pub backlog: Backlog,
    /// Sales contacts made while the customer had a complaint open.
    pub sales_during_open_complaints: OpenComplaintSales,
}

impl ComplaintIndicators {
    /// The family when no complaint data can be read at all.
    pub fn missing(reason: Missing) -> Self {
        let m = Figure::missing(reason);
        ComplaintIndicators {
            opened: m,
            per_100_active_customers: m,
            per_1000_invoices: m,
            by_category: Breakdown::missing(reason),
            by_channel: Breakdown::missing(reason),
            by_severity: Breakdown::missing(reason),
            reopen_rate: m,
            first_contact_resolution: m,
            complainers: m,
            repeat_complainers: m,
            repeat_complainer_share: m,
            resolution: ResolutionTimes::missing(reason),
            backlog: Backlog::missing(reason),
            sales_during_open_complaints: OpenComplaintSales::missing(reason),
        }
    }
}

/// Computes the complaints family for `period` (see [`DEFINITIONS`]).
///
/// Errors only when a canonical table breaks the column contract of `crate::tables`.
pub fn compute_complaints(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
) -> PolarsResult<ComplaintIndicators> {
    let base = PeriodBase::of(&tables.transactions, None, period)?;
    compute_complaints_with(tables, period, settings, &base)
}

/// [`compute_complaints`] over the period's active customers and invoices computed once.
pub(crate) fn compute_complaints_with(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
    base: &PeriodBase,
) -> PolarsResult<ComplaintIndicators> {
    let Some(complaints) = tables.complaints.as_ref() else {
        return Ok(ComplaintIndicators::missing(Missing::NoTable));
    };
    let opened =
        complaints
            .clone()
            .lazy()
            .filter(instant_between("opened_at", period.start, period.end));
    let totals = opened
        .clone()
        .select([
            len().alias("n"),
            col("reopened").count().alias("reopen_known"),
            col("reopened").sum().alias("reopened"),
            col("first_contact_resolution").count().alias("fcr_known"),
            col("first_contact_resolution").sum().alias("fcr"),
        ])
        .collect()?;
    let n = scalar_u64(&totals, "n")? as f64;
    let per_customer = opened
        .clone()
        .group_by([col("customer_id")])
        .agg([len().alias("k")])
        .select([
            len().alias("complainers"),
            col("k").gt_eq(lit(2)).sum().alias("repeat"),
        ])
        .collect()?;
    let complainers = scalar_u64(&per_customer, "complainers")? as f64;
    let repeat = scalar_u64(&per_customer, "repeat")? as f64;
    let active = base.active.height();
    let invoices = base.invoices;
    let flag_share = |flag: &str, num: &str, den: &str| -> PolarsResult<Figure> {
        Ok(match column_gap(complaints, flag) {
            Some(reason) => Figure::missing(reason),
            None => Figure::ratio(
                scalar_u64(&totals, num)? as f64,
                scalar_u64(&totals, den)? as f64,
            ),
        })
    };
    let by = |label: &str| match column_gap(complaints, label) {
        Some(reason) => Ok(Breakdown::missing(reason)),
        None => Breakdown::count_by(opened.clone(), label),
    };
    Ok(ComplaintIndicators {
        opened: Figure::of(n),
        per_100_active_customers: Figure::ratio(100.0 * n, active as f64),
        per_1000_invoices: Figure::ratio(1000.0 * n, invoices as f64),
        by_category: by("category")?,
        by_channel: by("channel")?,
        by_severity: by("severity")?,
        reopen_rate: flag_share("reopened", "reopened", "reopen_known")?,
        first_contact_resolution: flag_share("first_contact_resolution", "fcr", "fcr_known")?,
        complainers: Figure::of(complainers),
        repeat_complainers: Figure::of(repeat),
        repeat_complainer_share: Figure::ratio(repeat, complainers),
        resolution: super::complaint_times::resolution_times(complaints, period, settings)?,
        backlog: super::complaint_times::backlog(complaints, period)?,
        sales_during_open_complaints: super::open_complaint_sales::sales_during_open_complaints(
            tables, period, settings,
        )?,
    })
}

/// The two complaint figures of a trend point, complaints per 100 active customers and the
/// median resolution time, without the rest of the family (its breakdowns, backlog and the join
/// of sales contacts with open complaints), which the trend does not show. Equal to the same
/// fields of [`compute_complaints_with`].
pub(crate) fn trend_figures(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
    base: &PeriodBase,
) -> PolarsResult<(Figure, Figure)> {
    let Some(complaints) = tables.complaints.as_ref() else {
        let m = ComplaintIndicators::missing(Missing::NoTable);
        return Ok((m.per_100_active_customers, m.resolution.median_hours));
    };
    let opened = complaints
        .clone()
        .lazy()
        .filter(instant_between("opened_at", period.start, period.end))
        .select([len().alias("n")])
        .collect()?;
    let n = scalar_u64(&opened, "n")? as f64;
    let resolution = super::complaint_times::resolution_times(complaints, period, settings)?;
    Ok((
        Figure::ratio(100.0 * n, base.active.height() as f64),
        resolution.median_hours,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::service_fixture::{assert_value, period, tables};

    fn rows(b: &Breakdown) -> Vec<(Option<&str>, u64)> {
        b.rows
            .iter()
            .map(|r| (r.label.as_deref(), r.count))
            .collect()
    }

    #[test]
    fn the_trend_figures_equal_those_of_the_whole_family() {
        let settings = IndicatorSettings::default();
        let mut without = tables();
        without.complaints = None;
        let mut compared = 0;
        for t in [tables(), without] {
            for p in period().trailing(8) {
                let base = PeriodBase::of(&t.transactions, None, p).unwrap();
                let full = compute_complaints_with(&t, p, &settings, &base).unwrap();
                let (per_100, median) = trend_figures(&t, p, &settings, &base).unwrap();
                assert_eq!(per_100, full.per_100_active_customers, "{p}");
                assert_eq!(median, full.resolution.median_hours, "{p}");
                compared += usize::from(per_100.value.is_some() && median.value.is_some());
            }
        }
        assert!(compared >= 1, "some period has both figures");
    }

    #[test]
    fn complaints_opened_in_the_period_are_counted_and_rated() {
        let c = compute_complaints(&tables(), period(), &IndicatorSettings::default()).unwrap();
        // Opened 2026-01-01 00:00..2026-03-31 23:59: K01 K02 K03 K04 K06 K07 K08 K09 K13 K14 = 10.
        // Not: K05 (2025-12-20, resolved in P), K10 (2025-11), K11 (2026-04-01 00:00), K12.
        assert_value(c.opened, 10.0);
        // Active in P: c01..c12 (c18 only has a credit note in P) = 12 ⇒ 100 × 10 / 12.
        assert_value(c.per_100_active_customers, 1000.0 / 12.0);
        // Invoices in P: F1..F11 = 11, plus c04's un-numbered lines on 03-01 (two lines) and
        // 03-02 = 2 customer-days; credit notes R1, R2 excluded ⇒ 13 ⇒ 1000 × 10 / 13.
        assert_value(c.per_1000_invoices, 10_000.0 / 13.0);
    }

    #[test]
    fn category_pareto_sorts_by_count_with_unlabelled_last() {
        let c = compute_complaints(&tables(), period(), &IndicatorSettings::default()).unwrap();
        // Billing K01 K02 K06 K08 K14 = 5; Delivery K03 K09 = 2; Product K04 K07 = 2 (tie:
        // alphabetical); no category K13 = 1.
        assert_eq!(
            rows(&c.by_category),
            [
                (Some("Billing"), 5),
                (Some("Delivery"), 2),
                (Some("Product"), 2),
                (None, 1)
            ]
        );
        // Shares 0.5, 0.2, 0.2, 0.1 ⇒ cumulative 0.5, 0.7, 0.9, 1.0.
        let cum: Vec<f64> = c
            .by_category
            .rows
            .iter()
            .map(|r| r.cumulative_share)
            .collect();
        for (got, want) in cum.iter().zip([0.5, 0.7, 0.9, 1.0]) {
            assert!((got - want).abs() < 1e-12, "{cum:?}");
        }
        assert_eq!(c.by_category.rows[1].share, 0.2);
        assert_eq!(c.by_category.total, 10);
    }

    #[test]
    fn channel_and_severity_breakdowns_count_raw_labels() {
        let c = compute_complaints(&tables(), period(), &IndicatorSettings::default()).unwrap();
        // Phone K01 K03 K06 K08 K13 = 5; Chat K07 K14 = 2; Email K02 K09 = 2; Web K04 = 1.
        assert_eq!(
            rows(&c.by_channel),
            [
                (Some("Phone"), 5),
                (Some("Chat"), 2),
                (Some("Email"), 2),
                (Some("Web"), 1)
            ]
        );
        // Critical K02 K14, High K01 K07, Low K04 K13, Medium K03 K09 = 2 each;
        // Urgente K06 = 1; none K08 = 1.
        assert_eq!(
            rows(&c.by_severity),
            [
                (Some("Critical"), 2),
                (Some("High"), 2),
                (Some("Low"), 2),
                (Some("Medium"), 2),
                (Some("Urgente"), 1),
                (None, 1)
            ]
        );
    }

    #[test]
    fn reopen_and_first_contact_rates_use_only_known_flags() {
        let c = compute_complaints(&tables(), period(), &IndicatorSettings::default()).unwrap();
        // Opened in P with known flags: 10 minus K03, K14 (both flags null) = 8.
        // Reopened: K02 ⇒ 1 / 8.
        assert_value(c.reopen_rate, 0.125);
        // First contact: K01 K04 K07 K08 K13 ⇒ 5 / 8.
        assert_value(c.first_contact_resolution, 0.625);
    }

    #[test]
    fn repeat_complainers_have_two_or_more_complaints_opened_in_the_period() {
        let c = compute_complaints(&tables(), period(), &IndicatorSettings::default()).unwrap();
        // Complainers: c01 (K01 K02), c02, c03, c05, c06, c07 (K08 K09 K14), c20 = 7.
        assert_value(c.complainers, 7.0);
        // Repeat: c01 and c07 = 2 ⇒ share 2 / 7.
        assert_value(c.repeat_complainers, 2.0);
        assert_value(c.repeat_complainer_share, 2.0 / 7.0);
    }

    #[test]
    fn without_a_complaints_table_every_figure_says_no_table() {
        let mut t = tables();
        t.complaints = None;
        let c = compute_complaints(&t, period(), &IndicatorSettings::default()).unwrap();
        assert_eq!(c.opened, Figure::missing(Missing::NoTable));
        assert_eq!(c.resolution.median_hours.missing, Some(Missing::NoTable));
        assert_eq!(c.backlog.open.missing, Some(Missing::NoTable));
        assert_eq!(c.by_category.missing, Some(Missing::NoTable));
        assert_eq!(
            c.sales_during_open_complaints.contacts.missing,
            Some(Missing::NoTable)
        );
        let json = serde_json::to_string(&c).unwrap();
        assert!(
            json.contains(r#""opened":{"value":null,"missing":"no_table"}"#),
            "{json}"
        );
    }

    #[test]
    fn empty_optional_columns_say_no_column() {
        let mut t = tables();
        let df = t.complaints.as_mut().unwrap();
        let h = df.height();
        for name in ["category", "reopened"] {
            let dtype = df.column(name).unwrap().dtype().clone();
            df.with_column(Column::full_null(name.into(), h, &dtype))
                .unwrap();
        }
        let c = compute_complaints(&t, period(), &IndicatorSettings::default()).unwrap();
        assert_eq!(c.by_category, Breakdown::missing(Missing::NoColumn));
        assert_eq!(c.reopen_rate.missing, Some(Missing::NoColumn));
        // The other flag still has data: 5 / 8 as before.
        assert_value(c.first_contact_resolution, 0.625);
    }

    #[test]
    fn the_family_round_trips_through_json() {
        let c = compute_complaints(&tables(), period(), &IndicatorSettings::default()).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert!(!json.contains("NaN"));
        assert_eq!(
            serde_json::from_str::<ComplaintIndicators>(&json).unwrap(),
            c
        );
    }
}
