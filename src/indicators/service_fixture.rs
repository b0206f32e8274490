//! Test fixture of the service families: 21 customers whose transactions, complaints,
//! interactions and surveys hit every edge the definitions name. P = 2026-Q1
//! (2026-01-01..2026-03-31, 90 days); A = 365 days ending P.end = 2025-04-01..2026-03-31.
//! Each family's tests derive their expected values from the rows below, arithmetic in comments.

use crate::figure::Figure;
use crate::period::Period;
use crate::tables::{TableKind, Tables};
use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;

/// 2026-Q1.
pub(crate) fn period() -> Period {
    "2026-Q1".parse().unwrap()
}

fn days(s: &str) -> i32 {
    crate::period::day_number(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn ms(s: &str) -> i64 {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc()
        .timestamp_millis()
}

fn text<'a>(name: &str, v: impl IntoIterator<Item = Option<&'a str>>) -> Column {
    Column::new(name.into(), v.into_iter().collect::<Vec<_>>())
}

fn dates<'a>(name: &str, v: impl IntoIterator<Item = &'a str>) -> Column {
    let d: Vec<i32> = v.into_iter().map(days).collect();
    Column::new(name.into(), d).cast(&DataType::Date).unwrap()
}

fn instants<'a>(name: &str, v: impl IntoIterator<Item = Option<&'a str>>) -> Column {
    let t: Vec<Option<i64>> = v.into_iter().map(|s| s.map(ms)).collect();
    Column::new(name.into(), t)
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
        .unwrap()
}

/// A frame with every canonical column of `kind` in order; columns not given are all-null.
pub(crate) fn frame(kind: TableKind, given: Vec<Column>) -> DataFrame {
    let height = given[0].len();
    let columns = kind
        .columns()
        .iter()
        .map(
            |spec| match given.iter().find(|c| c.name().as_str() == spec.name) {
                Some(c) => c.cast(&spec.ty.dtype()).unwrap(),
                None => Column::full_null(spec.name.into(), height, &spec.ty.dtype()),
            },
        )
        .collect();
    DataFrame::new(height, columns).unwrap()
}

/// date, customer, invoice, net amount, category.
type TransactionRow = (
    &'static str,
    &'static str,
    Option<&'static str>,
    f64,
    Option<&'static str>,
);
/// id, customer, opened_at, resolved_at, category, channel, severity, first contact, reopened.
type ComplaintRow = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
    Option<bool>,
    Option<bool>,
);

#[rustfmt::skip]
const TRANSACTIONS: &[TransactionRow] = &[
    // In P (net > 0): c01..c12 active in P; invoices F1..F11 plus c04's two un-numbered days.
    ("2026-01-05", "c01", Some("F1"), 100.0, Some("A")),
    ("2026-01-05", "c01", Some("F1"), 50.0, Some("B")),
    ("2026-02-15", "c01", Some("R2"), -20.0, Some("A")),   // credit note: no invoice, no category
    ("2026-02-10", "c02", Some("F2"), 200.0, Some("A")),
    ("2025-05-05", "c02", Some("F26"), 120.0, Some("B")),
    ("2025-07-07", "c02", Some("F27"), 80.0, Some("C")),
    ("2026-02-11", "c03", Some("F3"), 80.0, Some("C")),
    ("2025-08-08", "c03", Some("F28"), 60.0, Some("C")),
    ("2026-03-01", "c04", None, 60.0, Some("A")),           // c04 on 03-01: one invoice
    ("2026-03-01", "c04", None, 40.0, Some("B")),
    ("2026-03-02", "c04", None, 30.0, Some("A")),           // c04 on 03-02: another
    ("2026-01-20", "c05", Some("F4"), 90.0, Some("D")),
    ("2025-10-10", "c05", Some("F29"), 40.0, Some("A")),
    ("2025-11-11", "c05", Some("F30"), 30.0, Some("B")),
    ("2025-11-12", "c05", Some("F31"), 30.0, Some("C")),
    ("2026-01-21", "c06", Some("F5"), 70.0, Some("A")),
    ("2025-06-06", "c06", Some("F32"), 25.0, None),
    ("2026-02-02", "c07", Some("F6"), 300.0, Some("B")),
    ("2026-02-03", "c08", Some("F7"), 120.0, Some("C")),
    ("2026-03-15", "c09", Some("F8"), 55.0, Some("A")),
    ("2026-03-20", "c10", Some("F9"), 65.0, Some("B")),
    ("2026-03-31", "c11", Some("F10"), 45.0, Some("A")),    // last day of P
    ("2026-01-01", "c12", Some("F11"), 35.0, Some("C")),    // first day of P
    ("2025-09-01", "c12", Some("R3"), -35.0, Some("D")),
    // Active in A but not in P.
    ("2025-06-10", "c13", Some("F20"), 100.0, Some("A")),
    ("2025-09-10", "c14", Some("F21"), 100.0, Some("B")),
    ("2025-12-31", "c15", Some("F22"), 100.0, Some("C")),   // day before P
    ("2025-04-01", "c16", Some("F23"), 100.0, Some("D")),   // first day of A
    ("2024-06-01", "c17", Some("F24"), 100.0, Some("A")),
    ("2025-03-31", "c17", Some("F25"), 100.0, Some("A")),   // day before A: c17 not active
    ("2026-02-15", "c18", Some("R1"), -50.0, Some("A")),    // only a credit note in P
    ("2025-08-01", "c18", Some("F33"), 70.0, Some("A")),
    ("2025-07-01", "c19", Some("F34"), 10.0, None),          // active in A, no category
];

#[rustfmt::skip]
const COMPLAINTS: &[ComplaintRow] = &[
    // id, customer, opened_at, resolved_at, category, channel, severity, fcr, reopened
    ("K01", "c01", "2026-01-10 09:00", Some("2026-01-10 21:00"), Some("Billing"), "Phone", Some("High"), Some(true), Some(false)),
    ("K02", "c01", "2026-02-20 10:00", Some("2026-02-23 10:00"), Some("Billing"), "Email", Some("Critical"), Some(false), Some(true)),
    ("K03", "c02", "2026-03-05 08:00", None, Some("Delivery"), "Phone", Some("Medium"), None, None),
    ("K04", "c03", "2026-03-31 08:00", Some("2026-03-31 23:59"), Some("Product"), "Web", Some("Low"), Some(true), Some(false)),
    ("K05", "c04", "2025-12-20 10:00", Some("2026-01-05 10:00"), Some("Delivery"), "Email", Some("Medium"), Some(false), Some(false)),
    ("K06", "c05", "2026-02-01 09:00", Some("2026-02-02 09:00"), Some("Billing"), "Phone", Some("Urgente"), Some(false), Some(false)),
    ("K07", "c06", "2026-01-15 12:00", Some("2026-01-17 12:00"), Some("Product"), "Chat", Some("High"), Some(true), Some(false)),
    ("K08", "c07", "2026-02-05 10:00", Some("2026-02-05 12:00"), Some("Billing"), "Phone", None, Some(true), Some(false)),
    ("K09", "c07", "2026-02-25 10:00", Some("2026-04-01 00:00"), Some("Delivery"), "Email", Some("Medium"), Some(false), Some(false)),
    ("K10", "c08", "2025-11-01 10:00", None, Some("Product"), "Web", Some("High"), None, None),
    ("K11", "c09", "2026-04-01 00:00", None, Some("Billing"), "Phone", Some("Low"), None, None),
    ("K12", "c10", "2025-10-01 10:00", Some("2025-10-03 10:00"), Some("Billing"), "Phone", Some("Low"), Some(true), Some(false)),
    ("K13", "c20", "2026-01-02 10:00", Some("2026-01-02 11:00"), None, "Phone", Some("Low"), Some(true), Some(false)),
    ("K14", "c07", "2026-03-20 09:00", None, Some("Billing"), "Chat", Some("Critical"), None, None),
];

#[rustfmt::skip]
const INTERACTIONS: &[(&str, &str, &str, &str, Option<&str>)] = &[
    // customer, date, channel, type, employee
    ("c02", "2026-03-10 11:00", "Phone", "Sales", Some("Ana")),       // I01 during K03
    ("c02", "2026-03-06 09:00", "Phone", "Service", Some("Ben")),     // I02 service, during K03
    ("c01", "2026-01-10 21:05", "Phone", "Sales", Some("Ana")),       // I03 5 min after K01 resolved
    ("c08", "2026-02-14 10:00", "Visit", "VENTA", Some("Carla")),     // I04 during K10
    ("c08", "2025-12-01 10:00", "Visit", "Venta", Some("Carla")),     // I05 before P
    ("c07", "2026-02-05 11:00", "Email", "sales", Some("Ana")),       // I06 during K08
    ("c07", "2026-03-31 23:30", "Phone", "Sales", Some("Ben")),       // I07 during K09 and K14
    ("c01", "2026-02-21 15:00", "Phone", "Follow-up", Some("Ana")),   // I08 not a sale
    ("c03", "2026-03-31 10:00", "Phone", "Sales", Some("Ana")),       // I09 during K04
    ("c05", "2026-02-02 09:00", "Email", "Sales", Some("Ben")),       // I10 at K06's resolution
    ("c04", "2026-01-04 10:00", "Visit", "Sales", Some("Carla")),     // I11 during K05
    ("c09", "2026-01-01 00:00", "Email", "Follow-up", None),          // I12 first instant of P
    ("c10", "2025-12-31 23:59", "Email", "Follow-up", Some("Ana")),   // I13 last minute before P
    ("c20", "2026-03-15 10:00", "Phone", "Sales", Some("Ben")),       // I14 prospect
    ("c13", "2025-10-01 10:00", "Phone", "Service", Some("Ben")),     // I15
    ("c14", "2026-04-01 00:00", "Phone", "Sales", Some("Ben")),       // I16 after P
    ("c11", "2025-12-31 10:00", "Email", "Follow-up", Some("Ana")),   // I17
];

#[rustfmt::skip]
const SURVEYS: &[(&str, &str, Option<i32>, Option<i32>)] = &[
    ("c01", "2026-01-15", Some(10), Some(5)),  // S01
    ("c02", "2026-02-01", Some(9), Some(4)),   // S02
    ("c03", "2026-02-10", Some(8), Some(3)),   // S03
    ("c04", "2026-03-31", Some(6), Some(2)),   // S04 last day
    ("c05", "2026-01-01", Some(0), Some(1)),   // S05 first day
    ("c01", "2026-03-01", Some(7), None),      // S06 c01 again
    ("c06", "2026-02-20", None, Some(5)),      // S07
    ("c20", "2026-02-20", Some(10), None),     // S08 prospect
    ("c07", "2025-12-31", Some(0), Some(1)),   // S09 before P
    ("c08", "2026-04-01", Some(10), Some(5)),  // S10 after P
    ("c09", "2026-03-15", None, None),         // S11 comment only
    ("c10", "2026-02-02", Some(11), None),     // S12 NPS out of scale
];

/// Customer ids c01..c21.
fn customer_ids() -> Vec<String> {
    (1..=21).map(|i| format!("c{i:02}")).collect()
}

pub(crate) fn transactions() -> DataFrame {
    let t = TRANSACTIONS;
    frame(
        TableKind::Transactions,
        vec![
            text("customer_id", t.iter().map(|r| Some(r.1))),
            dates("date", t.iter().map(|r| r.0)),
            Column::new(
                "net_amount".into(),
                t.iter().map(|r| r.3).collect::<Vec<_>>(),
            ),
            text("invoice_id", t.iter().map(|r| r.2)),
            text("category", t.iter().map(|r| r.4)),
        ],
    )
}

pub(crate) fn complaints() -> DataFrame {
    let c = COMPLAINTS;
    frame(
        TableKind::Complaints,
        vec![
            text("customer_id", c.iter().map(|r| Some(r.1))),
            instants("opened_at", c.iter().map(|r| Some(r.2))),
            text("complaint_id", c.iter().map(|r| Some(r.0))),
            instants("resolved_at", c.iter().map(|r| r.3)),
            text("category", c.iter().map(|r| r.4)),
            text("channel", c.iter().map(|r| Some(r.5))),
            text("severity", c.iter().map(|r| r.6)),
            Column::new(
                "first_contact_resolution".into(),
                c.iter().map(|r| r.7).collect::<Vec<_>>(),
            ),
            Column::new("reopened".into(), c.iter().map(|r| r.8).collect::<Vec<_>>()),
        ],
    )
}

pub(crate) fn interactions() -> DataFrame {
    let i = INTERACTIONS;
    frame(
        TableKind::Interactions,
        vec![
            text("customer_id", i.iter().map(|r| Some(r.0))),
            instants("date", i.iter().map(|r| Some(r.1))),
            text("channel", i.iter().map(|r| Some(r.2))),
            text("type", i.iter().map(|r| Some(r.3))),
            text("employee", i.iter().map(|r| r.4)),
        ],
    )
}

pub(crate) fn surveys() -> DataFrame {
    let s = SURVEYS;
    frame(
        TableKind::Surveys,
        vec![
            text("customer_id", s.iter().map(|r| Some(r.0))),
            dates("date", s.iter().map(|r| r.1)),
            Column::new("nps".into(), s.iter().map(|r| r.2).collect::<Vec<_>>()),
            Column::new("csat".into(), s.iter().map(|r| r.3).collect::<Vec<_>>()),
        ],
    )
}

/// Customer master: c01..c21 named "Customer NN".
pub(crate) fn customers() -> DataFrame {
    let ids = customer_ids();
    let names: Vec<String> = ids
        .iter()
        .map(|id| format!("Customer {}", &id[1..]))
        .collect();
    frame(
        TableKind::Customers,
        vec![
            Column::new("customer_id".into(), ids),
            Column::new("name".into(), names),
        ],
    )
}

/// Customer values for the neglect figures: c10 9000, c06 8000, c09 7000, c05 6000, every other
/// customer cNN = NN × 100 (at most 2100). 21 values ⇒ top decile = ceil(2.1) = 3.
pub(crate) fn values() -> DataFrame {
    let ids = customer_ids();
    let values: Vec<f64> = ids
        .iter()
        .map(|id| match id.as_str() {
            "c10" => 9000.0,
            "c06" => 8000.0,
            "c09" => 7000.0,
            "c05" => 6000.0,
            other => other[1..].parse::<f64>().unwrap() * 100.0,
        })
        .collect();
    df!["customer_id" => ids, "value" => values].unwrap()
}

/// All five tables.
pub(crate) fn tables() -> Tables {
    Tables {
        customers: Some(customers()),
        transactions: transactions(),
        interactions: Some(interactions()),
        complaints: Some(complaints()),
        surveys: Some(surveys()),
    }
}

/// Asserts a present value within 1e-9.
pub(crate) fn assert_value(f: Figure, expected: f64) {
    let v = f
        .value
        .unwrap_or_else(|| panic!("expected {expected}, got missing {:?}", f.missing));
    assert!((v - expected).abs() < 1e-9, "expected {expected}, got {v}");
}
