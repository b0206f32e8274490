//! Neglected valuable customers, part of the engagement family: the top value decile with no
//! interaction in the last `neglect_days` days of the period.
//!
//! Indicators stage; depends on tables, period, config, figure and a per-customer value frame
//! supplied by the caller (predictive CLV from the model stage, or historical CLV).

use super::contacts::LastContacts;
use super::service_inputs::{
    datetime_of_epoch_ms, days_before, midnight_lit, scalar_f64, scalar_u64,
};
use crate::config::IndicatorSettings;
use crate::figure::{Figure, Missing};
use crate::indicators::Definition;
use crate::period::{Period, window_ending};
use crate::tables::Tables;
use chrono::NaiveDateTime;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Methodology entries of this file.
pub const DEFINITIONS: &[Definition] = &[Definition {
    id: "neglected_valuable_customers",
    name_en: "Neglected valuable customers",
    name_es: "Clientes valiosos desatendidos",
    en: "Top value decile = the ceil(n / 10) customers with the highest value among the n with a value (predictive CLV when the model is available, else historical CLV; ties by customer id). Neglected = in the top decile with no interaction in the neglect_days days ending the last day of P (audit.toml, default 90). Reported: count, share of the top decile, and value at stake = the sum of their values.",
    es: "Decil de mayor valor = los ceil(n / 10) clientes de mayor valor entre los n con valor (CLV predictivo si el modelo está disponible, si no CLV histórico; empates por código de cliente). Desatendido = del decil superior sin ninguna interacción en los neglect_days días que terminan el último día de P (audit.toml, 90 por defecto). Se informa del número, la cuota sobre el decil y el valor en juego = la suma de sus valores.",
}];

/// Rows of the list kept for the report; the figures always cover every neglected customer.
pub const LIST_CAP: usize = 50;

/// Which value ranks the customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueBasis {
    /// Predictive CLV from the model stage.
    PredictiveClv,
    /// Cumulative margin to the end of P.
    HistoricalClv,
}

/// The top-decile customers nobody has contacted lately.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeglectedCustomers {
    /// The value the decile is ranked by.
    pub basis: ValueBasis,
    /// Customers in the top value decile.
    pub top_decile: Figure,
    /// Of those, customers without interaction in the neglect window.
    pub neglected: Figure,
    /// neglected / top_decile.
    pub share_of_top_decile: Figure,
    /// Sum of the neglected customers' values.
    pub value_at_stake: Figure,
    /// Sum of the top decile's values.
    pub top_decile_value: Figure,
    /// The neglected customers by value, highest first, at most [`LIST_CAP`].
    pub list: Vec<NeglectedCustomer>,
    /// Why the list is empty although customers may qualify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
}

/// One neglected valuable customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeglectedCustomer {
    /// Customer id.
    pub customer_id: String,
    /// Name from the customer master, when there is one.
    pub name: Option<String>,
    /// The customer's value.
    pub value: f64,
    /// Last interaction up to the end of P; `None` if never contacted.
    pub last_contact: Option<NaiveDateTime>,
    /// Whole days from that interaction's day to the last day of P.
    pub days_since_last_contact: Option<i64>,
}

impl NeglectedCustomers {
    /// Figures the data cannot support.
    pub fn missing(reason: Missing, basis: ValueBasis) -> Self {
        let m = Figure::missing(reason);
        NeglectedCustomers {
            basis,
            top_decile: m,
            neglected: m,
            share_of_top_decile: m,
            value_at_stake: m,
            top_decile_value: m,
            list: Vec::new(),
            missing: Some(reason),
        }
    }
}

/// The top value decile, highest first, ties by customer id ([`top_part`] of 10).
pub(crate) fn top_decile(values: &DataFrame) -> PolarsResult<DataFrame> {
    top_part(values, 10)
}

/// The customers (`customer_id`, `value` as Float64) of the top 1 / `parts` by value (ceil(n /
/// parts) of them), highest first, ties by customer id: the value of that rank is found with a
/// sort of the value column alone, so only the customers worth at least it are sorted by id.
pub(crate) fn top_part(values: &DataFrame, parts: u64) -> PolarsResult<DataFrame> {
    let ranked = values
        .clone()
        .lazy()
        .select([col("customer_id"), col("value").cast(DataType::Float64)])
        .filter(
            col("customer_id")
                .is_not_null()
                .and(col("value").is_finite()),
        )
        .collect()?;
    let k = (ranked.height() as u64).div_ceil(parts);
    if k == 0 {
        return Ok(ranked);
    }
    let cut = ranked
        .clone()
        .lazy()
        .select([col("value")
            .sort(SortOptions::default().with_order_descending(true))
            .slice(lit(k as i64 - 1), lit(1u64))])
        .collect()?;
    let cut = scalar_f64(&cut, "value")?.unwrap_or(f64::NEG_INFINITY);
    ranked
        .lazy()
        .filter(col("value").gt_eq(lit(cut)))
        .sort(["value", "customer_id"], by_value())
        .limit(k as IdxSize)
        .collect()
}

fn by_value() -> SortMultipleOptions {
    SortMultipleOptions::default().with_order_descending_multi([true, false])
}

/// The top decile (`customer_id`, `value`) with each customer's `last_contact` and the
/// `neglected` flag: no interaction in the `neglect_days` days ending `period.end`. The one
/// definition behind the indicator's figures and the action list.
pub(crate) fn flag_neglected(
    top: DataFrame,
    last: LastContacts,
    period: Period,
    settings: &IndicatorSettings,
) -> PolarsResult<DataFrame> {
    let (window_start, _) = window_ending(period.end, settings.neglect_days);
    let is_neglected = col("last_contact")
        .is_null()
        .or(col("last_contact").lt(midnight_lit(window_start)));
    last.attach(top)?
        .lazy()
        .with_column(is_neglected.alias("neglected"))
        .collect()
}

/// The neglected customers of the top value decile at the end of `period`, given each
/// customer's last contact up to then (`last`: customer_id, last_contact) and the decile
/// ([`top_decile`] of the values, the same for every period of a report: ranked once).
pub(crate) fn neglected_customers(
    tables: &Tables,
    last: LastContacts,
    period: Period,
    settings: &IndicatorSettings,
    top: &DataFrame,
    basis: ValueBasis,
) -> PolarsResult<NeglectedCustomers> {
    let top = top.clone();
    let top_k = top.height() as f64;
    if top.height() == 0 {
        let empty = Figure::missing(Missing::EmptyBase);
        return Ok(NeglectedCustomers {
            basis,
            top_decile: Figure::of(0.0),
            neglected: Figure::of(0.0),
            share_of_top_decile: empty,
            value_at_stake: empty,
            top_decile_value: empty,
            list: Vec::new(),
            missing: None,
        });
    }
    let top = flag_neglected(top, last, period, settings)?;
    let stats = top
        .clone()
        .lazy()
        .select([
            col("value").sum().alias("top_value"),
            col("value")
                .filter(col("neglected"))
                .sum()
                .alias("at_stake"),
            col("neglected").sum().alias("neglected"),
        ])
        .collect()?;
    let listed = top
        .lazy()
        .filter(col("neglected"))
        .sort(["value", "customer_id"], by_value())
        .limit(LIST_CAP as IdxSize)
        .collect()?;
    // Names of the listed customers only (the first row of each id), not of the whole table.
    let names = match &tables.customers {
        Some(c) => {
            let ids = listed
                .column("customer_id")?
                .as_materialized_series()
                .clone();
            c.clone()
                .lazy()
                .select([col("customer_id"), col("name")])
                .filter(col("customer_id").is_in(lit(ids).implode(false), false))
                .unique_stable_generic(Some(vec![col("customer_id")]), UniqueKeepStrategy::First)
        }
        None => df!["customer_id" => Vec::<String>::new(), "name" => Vec::<String>::new()]?.lazy(),
    };
    let listed = listed
        .lazy()
        .join(
            names,
            [col("customer_id")],
            [col("customer_id")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["value", "customer_id"], by_value())
        .with_column(
            days_before("last_contact", period.end)
                .cast(DataType::Int64)
                .alias("days"),
        )
        .collect()?;
    let neglected = scalar_u64(&stats, "neglected")? as f64;
    Ok(NeglectedCustomers {
        basis,
        top_decile: Figure::of(top_k),
        neglected: Figure::of(neglected),
        share_of_top_decile: Figure::ratio(neglected, top_k),
        value_at_stake: scalar_f64(&stats, "at_stake")?.into(),
        top_decile_value: scalar_f64(&stats, "top_value")?.into(),
        list: list_rows(&listed)?,
        missing: None,
    })
}

fn list_rows(listed: &DataFrame) -> PolarsResult<Vec<NeglectedCustomer>> {
    let ids = listed.column("customer_id")?.str()?;
    let names = listed.column("name")?.str()?;
    let values = listed.column("value")?.f64()?;
    let last = listed.column("last_contact")?.cast(&DataType::Int64)?;
    let days = listed.column("days")?.i64()?;
    let rows = ids
        .iter()
        .zip(names.iter())
        .zip(values.iter())
        .zip(last.i64()?.iter())
        .zip(days.iter())
        .filter_map(|((((id, name), value), last), days)| {
            Some(NeglectedCustomer {
                customer_id: id?.to_string(),
                name: name.map(str::to_string),
                value: value?,
                last_contact: last.and_then(datetime_of_epoch_ms),
                days_since_last_contact: days,
            })
        })
        .collect();
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::engagement::last_contacts;
    use crate::indicators::service_fixture::{assert_value, interactions, period, tables, values};

    fn run(t: &Tables, v: &DataFrame) -> NeglectedCustomers {
        let settings = IndicatorSettings::default();
        let i = interactions();
        let last = last_contacts(&i, period().end).unwrap();
        let top = top_decile(v).unwrap();
        let joined = neglected_customers(
            t,
            LastContacts::Frame(&last),
            period(),
            &settings,
            &top,
            ValueBasis::PredictiveClv,
        )
        .unwrap();
        // The same figures and list from the one-pass groups looked up by id.
        let ends = [period().previous().end, period().end];
        let groups = crate::indicators::contacts::ContactGroups::build(&i, &ends)
            .unwrap()
            .expect("canonical dates");
        let looked_up = neglected_customers(
            t,
            LastContacts::Groups(&groups, 1),
            period(),
            &settings,
            &top,
            ValueBasis::PredictiveClv,
        )
        .unwrap();
        assert_eq!(joined, looked_up);
        joined
    }

    #[test]
    fn top_decile_customers_without_contact_in_the_last_90_days_are_neglected() {
        let n = run(&tables(), &values());
        // 21 values ⇒ top decile ceil(2.1) = 3: c10 9000, c06 8000, c09 7000.
        assert_value(n.top_decile, 3.0);
        // Window: the 90 days ending 03-31 = 2026-01-01..03-31. c10 last 2025-12-31 23:59
        // (outside) and c06 never contacted are neglected; c09 contacted 01-01 00:00 is not.
        assert_value(n.neglected, 2.0);
        assert_value(n.share_of_top_decile, 2.0 / 3.0);
        // 9000 + 8000 at stake of 9000 + 8000 + 7000.
        assert_value(n.value_at_stake, 17_000.0);
        assert_value(n.top_decile_value, 24_000.0);
        assert_eq!(n.basis, ValueBasis::PredictiveClv);
        let c10 = &n.list[0];
        assert_eq!(
            (c10.customer_id.as_str(), c10.name.as_deref()),
            ("c10", Some("Customer 10"))
        );
        assert_eq!(c10.value, 9000.0);
        assert_eq!(c10.last_contact.unwrap().to_string(), "2025-12-31 23:59:00");
        assert_eq!(c10.days_since_last_contact, Some(90));
        let c06 = &n.list[1];
        assert_eq!((c06.customer_id.as_str(), c06.last_contact), ("c06", None));
        assert_eq!(n.list.len(), 2);
    }

    #[test]
    fn a_top_part_is_that_of_a_full_sort_by_value_and_id() {
        // Ties at the cut, ids out of value order, a null id, NaN and infinite values.
        let n = 97;
        let ids: Vec<Option<String>> = (0..n)
            .map(|i| (i != 11).then(|| format!("c{:02}", (i * 31) % n)))
            .collect();
        let value: Vec<f64> = (0..n)
            .map(|i| match i {
                4 => f64::NAN,
                9 => f64::INFINITY,
                _ => f64::from((i * 17) % 6),
            })
            .collect();
        let values = df!("customer_id" => ids, "value" => value).unwrap();
        for parts in [1, 5, 10, 200] {
            let valid = values
                .clone()
                .lazy()
                .filter(
                    col("customer_id")
                        .is_not_null()
                        .and(col("value").is_finite()),
                )
                .collect()
                .unwrap();
            let k = (valid.height() as u64).div_ceil(parts);
            let want = valid
                .lazy()
                .sort(["value", "customer_id"], by_value())
                .limit(k as IdxSize)
                .collect()
                .unwrap();
            let got = top_part(&values, parts).unwrap();
            assert!(got.equals(&want), "1/{parts}: {got} against {want}");
        }
    }

    #[test]
    fn no_values_give_an_empty_base() {
        let empty =
            df!["customer_id" => Vec::<String>::new(), "value" => Vec::<f64>::new()].unwrap();
        let n = run(&tables(), &empty);
        assert_value(n.top_decile, 0.0);
        assert_eq!(n.share_of_top_decile, Figure::missing(Missing::EmptyBase));
        assert_eq!(n.value_at_stake, Figure::missing(Missing::EmptyBase));
    }

    #[test]
    fn names_are_optional() {
        let mut t = tables();
        t.customers = None;
        let n = run(&t, &values());
        assert_eq!(n.list[0].name, None);
        assert_value(n.neglected, 2.0);
    }
}
