//! Sales contacts made while the customer had a complaint open, part of the complaints family:
//! selling to someone who is waiting for a fix is a relationship risk the audit names.
//!
//! Indicators stage; depends on tables, period, config and figure. One polars join of the
//! period's sales interactions with the complaints on customer_id, then a filter.

use super::service_inputs::{column_gap, datetime_of_epoch_ms, instant_between};
use crate::config::IndicatorSettings;
use crate::figure::{Figure, Missing};
use crate::indicators::Definition;
use crate::period::Period;
use crate::tables::Tables;
use chrono::NaiveDateTime;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Methodology entries of this file.
pub const DEFINITIONS: &[Definition] = &[Definition {
    id: "sales_during_open_complaints",
    name_en: "Sales contacts during an open complaint",
    name_es: "Contactos comerciales con una reclamación abierta",
    en: "Interactions dated in P whose type is one of the configured sales types (audit.toml sales_types, case-insensitive) with a customer who had a complaint open at that moment: opened_at ≤ interaction time < resolved_at, or not resolved. An interaction overlapping several open complaints counts once (listed with the earliest opened).",
    es: "Interacciones fechadas en P cuyo tipo es uno de los tipos comerciales configurados (sales_types de audit.toml, sin distinguir mayúsculas) con un cliente que tenía una reclamación abierta en ese momento: apertura ≤ hora de la interacción < resolución, o sin resolver. Una interacción que coincide con varias reclamaciones abiertas cuenta una vez (se lista con la más antigua).",
}];

/// Rows of the list kept for the report; the counts always cover every contact.
pub const LIST_CAP: usize = 200;

/// Sales contacts during an open complaint in P.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenComplaintSales {
    /// Sales interactions in P made during an open complaint of the same customer.
    pub contacts: Figure,
    /// Distinct customers among them.
    pub customers: Figure,
    /// The contacts by date (then customer), at most [`LIST_CAP`].
    pub list: Vec<SaleDuringComplaint>,
    /// Why the list is empty although contacts may exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
}

/// One sales contact and the complaint it overlapped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleDuringComplaint {
    /// Customer contacted.
    pub customer_id: String,
    /// When the sales interaction took place.
    pub date: NaiveDateTime,
    /// Interaction channel.
    pub channel: Option<String>,
    /// Who made the contact.
    pub employee: Option<String>,
    /// The open complaint (the earliest opened when several were open).
    pub complaint_id: Option<String>,
    /// When that complaint was opened.
    pub complaint_opened_at: NaiveDateTime,
    /// That complaint's category.
    pub category: Option<String>,
}

impl OpenComplaintSales {
    /// Figures the data cannot support.
    pub fn missing(reason: Missing) -> Self {
        let m = Figure::missing(reason);
        OpenComplaintSales {
            contacts: m,
            customers: m,
            list: Vec::new(),
            missing: Some(reason),
        }
    }
}

/// Finds the sales interactions of P made while the customer had a complaint open.
pub fn sales_during_open_complaints(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
) -> PolarsResult<OpenComplaintSales> {
    let found = match contacts_during_open_complaints(tables, period, settings)? {
        Ok(found) => found,
        Err(reason) => return Ok(OpenComplaintSales::missing(reason)),
    };
    let customers = found.column("customer_id")?.n_unique()?;
    Ok(OpenComplaintSales {
        contacts: Figure::of(found.height() as f64),
        customers: Figure::of(customers as f64),
        list: list_rows(&found.head(Some(LIST_CAP)))?,
        missing: None,
    })
}

/// Every sales contact of P made during an open complaint, by date then customer: `customer_id`,
/// `date`, `channel`, `employee`, `contact`, `complaint_id`, `complaint_opened_at`,
/// `resolved_at`, `category`; or why the data cannot tell. The one query behind the indicator's
/// counts and the action list.
pub(crate) fn contacts_during_open_complaints(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
) -> PolarsResult<Result<DataFrame, Missing>> {
    let (Some(complaints), Some(interactions)) = (&tables.complaints, &tables.interactions) else {
        return Ok(Err(Missing::NoTable));
    };
    if let Some(reason) = column_gap(interactions, "type").or(column_gap(complaints, "resolved_at"))
    {
        return Ok(Err(reason));
    }
    let types: Vec<String> = settings
        .sales_types
        .iter()
        .map(|t| t.trim().to_lowercase())
        .collect();
    let is_sale = col("type")
        .str()
        .strip_chars(lit(NULL))
        .str()
        .to_lowercase()
        .is_in(
            lit(Series::new("types".into(), types)).implode(false),
            false,
        );
    // The date filter first, on its own: it leaves a few per cent of the rows for the string test.
    let in_period = interactions
        .clone()
        .lazy()
        .filter(instant_between("date", period.start, period.end))
        .select([
            col("customer_id"),
            col("date"),
            col("channel"),
            col("type"),
            col("employee"),
        ])
        .collect()?;
    // The sales test on the distinct types only (a handful), then an exact match of the raw
    // values that pass: trimming and lower-casing every row's type took most of this query.
    let distinct = in_period.column("type")?.unique()?;
    let sale_types = DataFrame::new(distinct.len(), vec![distinct])?
        .lazy()
        .filter(is_sale)
        .collect()?;
    let sale_types = sale_types.column("type")?.as_materialized_series().clone();
    let sales = in_period
        .lazy()
        .filter(col("type").is_in(lit(sale_types).implode(false), false))
        .select([
            col("customer_id"),
            col("date"),
            col("channel"),
            col("employee"),
        ])
        .with_row_index("contact", None);
    let open = complaints.clone().lazy().select([
        col("customer_id"),
        col("complaint_id"),
        col("opened_at").alias("complaint_opened_at"),
        col("resolved_at"),
        col("category"),
    ]);
    let during = col("complaint_opened_at").lt_eq(col("date")).and(
        col("resolved_at")
            .is_null()
            .or(col("date").lt(col("resolved_at"))),
    );
    let found = sales
        .join(
            open,
            [col("customer_id")],
            [col("customer_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(during)
        .sort(
            ["contact", "complaint_opened_at", "complaint_id"],
            SortMultipleOptions::default(),
        )
        .unique_stable_generic(Some(vec![col("contact")]), UniqueKeepStrategy::First)
        .sort(["date", "customer_id"], SortMultipleOptions::default())
        .collect()?;
    Ok(Ok(found))
}

fn list_rows(found: &DataFrame) -> PolarsResult<Vec<SaleDuringComplaint>> {
    let text = |name: &str| -> PolarsResult<Vec<Option<String>>> {
        Ok(found
            .column(name)?
            .str()?
            .iter()
            .map(|v| v.map(str::to_string))
            .collect())
    };
    let instants = |name: &str| -> PolarsResult<Vec<Option<NaiveDateTime>>> {
        let ms = found.column(name)?.cast(&DataType::Int64)?;
        Ok(ms
            .i64()?
            .iter()
            .map(|v| v.and_then(datetime_of_epoch_ms))
            .collect())
    };
    let (ids, channels, employees) = (text("customer_id")?, text("channel")?, text("employee")?);
    let (complaint_ids, categories) = (text("complaint_id")?, text("category")?);
    let (dates, opened) = (instants("date")?, instants("complaint_opened_at")?);
    let mut rows = Vec::with_capacity(found.height());
    for i in 0..found.height() {
        let (Some(customer_id), Some(date), Some(complaint_opened_at)) =
            (ids[i].clone(), dates[i], opened[i])
        else {
            continue;
        };
        rows.push(SaleDuringComplaint {
            customer_id,
            date,
            channel: channels[i].clone(),
            employee: employees[i].clone(),
            complaint_id: complaint_ids[i].clone(),
            complaint_opened_at,
            category: categories[i].clone(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::service_fixture::{assert_value, period, tables};

    #[test]
    fn sales_contacts_during_an_open_complaint_are_counted_and_listed_by_date() {
        let s = sales_during_open_complaints(&tables(), period(), &IndicatorSettings::default())
            .unwrap();
        // Counted: I11 c04 during K05 (opened before P), I06 c07 "sales" during K08,
        // I04 c08 "VENTA" during K10, I01 c02 during K03, I09 c03 during K04 (same day),
        // I07 c07 during K09 and K14 (counted once) = 6. Not: I03 (5 min after K01 resolved),
        // I10 (at K06's resolution instant), I02 (service), I08 (follow-up), I05 (before P),
        // I14 (c20's complaint was resolved), I16 (after P).
        assert_value(s.contacts, 6.0);
        // Customers c04, c07, c08, c02, c03 = 5.
        assert_value(s.customers, 5.0);
        let got: Vec<_> = s
            .list
            .iter()
            .map(|r| (r.customer_id.as_str(), r.complaint_id.as_deref().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("c04", "K05"),
                ("c07", "K08"),
                ("c08", "K10"),
                ("c02", "K03"),
                ("c03", "K04"),
                ("c07", "K09")
            ]
        );
        let first = &s.list[0];
        assert_eq!(first.date.to_string(), "2026-01-04 10:00:00");
        assert_eq!(first.complaint_opened_at.to_string(), "2025-12-20 10:00:00");
        assert_eq!(first.channel.as_deref(), Some("Visit"));
        assert_eq!(first.employee.as_deref(), Some("Carla"));
        assert_eq!(first.category.as_deref(), Some("Delivery"));
    }

    #[test]
    fn sales_types_come_from_the_settings() {
        let settings = IndicatorSettings {
            sales_types: vec![" Service ".into()],
            ..Default::default()
        };
        let s = sales_during_open_complaints(&tables(), period(), &settings).unwrap();
        // Only I02 (c02 "Service" on 03-06, K03 open since 03-05) qualifies.
        assert_value(s.contacts, 1.0);
        assert_eq!(s.list[0].customer_id, "c02");
    }

    #[test]
    fn without_interactions_the_figures_say_no_table() {
        let mut t = tables();
        t.interactions = None;
        let s = sales_during_open_complaints(&t, period(), &IndicatorSettings::default()).unwrap();
        assert_eq!(s, OpenComplaintSales::missing(Missing::NoTable));
    }
}
