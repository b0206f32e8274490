//! Test fixture of the indicators stage: 20 customers whose histories hit every edge of the
//! definitions. Audited period P = 2026-Q2 ([2026-04-01, 2026-06-30]), A = 365 days, so
//! S window = [2025-04-01, 2026-03-31] and E window = [2025-07-01, 2026-06-30]; data run from
//! 2024-12-01 to 2026-06-30.
//!
//! | customer | story |
//! |---|---|
//! | c01 | bought 2025-05-10, 2025-11-15 and in P: retained |
//! | c02 | first purchase on the data's first day; bought in P−1 and P (one invoice, two lines), credit note in P |
//! | c03 | two invoices on the same day in P: one purchase day |
//! | c04 | last purchase 2025-07-01, the first day of the E window: still active, retained |
//! | c05 | last purchase 2025-06-30, one day before the E window: lapsed |
//! | c06 | two purchases before the E window: lapsed |
//! | c07 | bought 2024-12-10, silent for the whole S window, back in P: reactivated |
//! | c08 | purchase 2025-02-01 cancelled by a credit note 2025-08-01: the credit note makes it active nowhere |
//! | c09 | first transaction a credit note in P, first purchase later in P: new |
//! | c10 | first purchase on P's last day: new |
//! | c11 | first purchase in P−1, again in P |
//! | c12 | complained 2025-05-01, lapsed |
//! | c13 | complained 2026-01-10, retained |
//! | c14 | complained 2025-06-20, lapsed |
//! | c15 | complained 2026-03-20, still open at P.end, retained |
//! | c16 | complaint opened in P and open at P.end |
//! | c17 | new in P; complaint opened in P, resolved after P.end |
//! | c18 | old customer (2024-12-20), complained 2025-05-05 while outside S |
//! | c19 | the whale: 3,000 of revenue in the E window |
//! | c20 | low-margin purchase in P−1 and a complaint in P: unprofitable after cost to serve |

use super::context::Context;
use super::status::{Depth, PeriodStatus};
use crate::config::IndicatorSettings;
use crate::figure::{Figure, Missing};
use crate::period::Period;
use crate::tables::{TableKind, Tables};
use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;

/// (customer, date, net_amount, cost, invoice_id, category)
const LINES: &[(&str, &str, f64, f64, &str, &str)] = &[
    ("c01", "2025-05-10", 100.0, 60.0, "F001", "A"),
    ("c01", "2025-11-15", 200.0, 120.0, "F010", "B"),
    ("c01", "2026-04-20", 150.0, 90.0, "F030", "A"),
    ("c02", "2024-12-01", 50.0, 30.0, "F000", "A"),
    ("c02", "2026-02-10", 300.0, 200.0, "F020", "A"),
    ("c02", "2026-05-05", 60.0, 40.0, "F031", "A"),
    ("c02", "2026-05-05", 40.0, 30.0, "F031", "B"),
    ("c02", "2026-06-10", -30.0, -20.0, "R001", "A"),
    ("c03", "2025-06-15", 80.0, 50.0, "F002", "A"),
    ("c03", "2026-05-12", 50.0, 30.0, "F032", "A"),
    ("c03", "2026-05-12", 70.0, 40.0, "F033", "A"),
    ("c04", "2025-07-01", 90.0, 50.0, "F003", "B"),
    ("c05", "2025-06-30", 110.0, 60.0, "F004", "B"),
    ("c06", "2025-05-01", 40.0, 20.0, "F005", "A"),
    ("c06", "2025-06-01", 40.0, 20.0, "F006", "A"),
    ("c07", "2024-12-10", 70.0, 40.0, "F007", "A"),
    ("c07", "2026-05-20", 90.0, 50.0, "F034", "A"),
    ("c08", "2025-02-01", 120.0, 70.0, "F008", "B"),
    ("c08", "2025-08-01", -120.0, -70.0, "R002", "B"),
    ("c09", "2026-04-02", -50.0, -30.0, "R003", "A"),
    ("c09", "2026-05-15", 200.0, 120.0, "F035", "A"),
    ("c10", "2026-06-30", 75.0, 45.0, "F036", "B"),
    ("c11", "2026-02-15", 80.0, 50.0, "F021", "A"),
    ("c11", "2026-04-15", 60.0, 35.0, "F037", "A"),
    ("c12", "2025-04-15", 100.0, 70.0, "F009", "A"),
    ("c13", "2025-08-01", 130.0, 80.0, "F011", "A"),
    ("c13", "2026-04-05", 120.0, 70.0, "F038", "B"),
    ("c14", "2025-06-10", 60.0, 30.0, "F012", "B"),
    ("c15", "2025-10-01", 90.0, 60.0, "F013", "A"),
    ("c15", "2026-06-01", 110.0, 70.0, "F039", "A"),
    ("c16", "2025-12-01", 150.0, 100.0, "F014", "B"),
    ("c17", "2026-06-10", 95.0, 55.0, "F040", "A"),
    ("c18", "2024-12-20", 85.0, 50.0, "F015", "A"),
    ("c19", "2025-09-10", 1000.0, 400.0, "F016", "A"),
    ("c19", "2026-01-20", 800.0, 300.0, "F022", "B"),
    ("c19", "2026-06-05", 1200.0, 500.0, "F041", "A"),
    ("c20", "2026-02-10", 100.0, 90.0, "F023", "A"),
];

/// (complaint_id, customer, opened_at, resolved_at)
const COMPLAINTS: &[(&str, &str, &str, Option<&str>)] = &[
    ("K01", "c12", "2025-05-01 10:00", Some("2025-05-04 09:00")),
    ("K02", "c13", "2026-01-10 09:00", Some("2026-01-12 17:00")),
    ("K03", "c14", "2025-06-20 08:00", Some("2025-06-25 12:00")),
    ("K04", "c15", "2026-03-20 11:00", None),
    ("K05", "c16", "2026-06-15 15:00", None),
    ("K06", "c17", "2026-06-20 10:00", Some("2026-07-02 10:00")),
    ("K07", "c18", "2025-05-05 10:00", Some("2025-05-06 10:00")),
    ("K08", "c20", "2026-05-01 09:00", Some("2026-05-03 09:00")),
];

/// Acquisition costs; the other customers have none recorded.
const ACQUISITION: &[(&str, f64)] = &[("c01", 30.0), ("c09", 40.0), ("c10", 60.0), ("c19", 100.0)];

/// Predictive values for the tests that supply the model stage's frame.
const VALUES: &[(&str, f64, f64)] = &[
    ("c01", 200.0, 0.9),
    ("c09", 100.0, 0.8),
    ("c10", 50.0, 0.7),
    ("c15", 300.5, 0.6),
    ("c16", 120.0, 0.5),
    ("c17", 80.0, 0.95),
    ("c19", 2000.0, 0.99),
];

pub(crate) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("fixture date")
}

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("fixture date-time")
}

/// A frame with the canonical schema of `kind`: the given columns cast to their dtype, the
/// others all-null.
pub(crate) fn canonical(kind: TableKind, given: Vec<Column>) -> DataFrame {
    let height = given.first().map_or(0, |c| c.len());
    let columns = kind
        .columns()
        .iter()
        .map(|spec| {
            let dtype = spec.ty.dtype();
            match given.iter().find(|c| c.name().as_str() == spec.name) {
                Some(c) => c.cast(&dtype).expect("fixture column casts"),
                None => Column::full_null(spec.name.into(), height, &dtype),
            }
        })
        .collect();
    DataFrame::new(height, columns).expect("fixture frame")
}

pub(crate) fn transactions() -> DataFrame {
    canonical(
        TableKind::Transactions,
        vec![
            Column::new(
                "customer_id".into(),
                LINES.iter().map(|l| l.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "date".into(),
                LINES.iter().map(|l| d(l.1)).collect::<Vec<_>>(),
            ),
            Column::new(
                "net_amount".into(),
                LINES.iter().map(|l| l.2).collect::<Vec<_>>(),
            ),
            Column::new("cost".into(), LINES.iter().map(|l| l.3).collect::<Vec<_>>()),
            Column::new(
                "invoice_id".into(),
                LINES.iter().map(|l| l.4).collect::<Vec<_>>(),
            ),
            Column::new(
                "category".into(),
                LINES.iter().map(|l| l.5).collect::<Vec<_>>(),
            ),
        ],
    )
}

pub(crate) fn complaints() -> DataFrame {
    canonical(
        TableKind::Complaints,
        vec![
            Column::new(
                "complaint_id".into(),
                COMPLAINTS.iter().map(|c| c.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "customer_id".into(),
                COMPLAINTS.iter().map(|c| c.1).collect::<Vec<_>>(),
            ),
            Column::new(
                "opened_at".into(),
                COMPLAINTS.iter().map(|c| dt(c.2)).collect::<Vec<_>>(),
            ),
            Column::new(
                "resolved_at".into(),
                COMPLAINTS.iter().map(|c| c.3.map(dt)).collect::<Vec<_>>(),
            ),
        ],
    )
}

pub(crate) fn customers() -> DataFrame {
    let ids: Vec<String> = (1..=20).map(|i| format!("c{i:02}")).collect();
    let costs: Vec<Option<f64>> = ids
        .iter()
        .map(|id| ACQUISITION.iter().find(|(c, _)| c == id).map(|(_, v)| *v))
        .collect();
    canonical(
        TableKind::Customers,
        vec![
            Column::new("customer_id".into(), ids),
            Column::new("acquisition_cost".into(), costs),
        ],
    )
}

/// The model stage's per-customer values for the customers in [`VALUES`].
pub(crate) fn values() -> DataFrame {
    DataFrame::new(
        VALUES.len(),
        vec![
            Column::new(
                "customer_id".into(),
                VALUES.iter().map(|v| v.0).collect::<Vec<_>>(),
            ),
            Column::new("clv".into(), VALUES.iter().map(|v| v.1).collect::<Vec<_>>()),
            Column::new(
                "p_alive".into(),
                VALUES.iter().map(|v| v.2).collect::<Vec<_>>(),
            ),
        ],
    )
    .expect("values frame")
}

/// Customers, transactions and complaints of the fixture.
pub(crate) fn tables() -> Tables {
    Tables {
        customers: Some(customers()),
        transactions: transactions(),
        interactions: None,
        complaints: Some(complaints()),
        surveys: None,
    }
}

/// P = 2026-Q2.
pub(crate) fn period() -> Period {
    "2026-Q2".parse().expect("fixture period")
}

/// Defaults: A = 365 days, 50 per complaint.
pub(crate) fn settings() -> IndicatorSettings {
    IndicatorSettings::default()
}

/// The status frame of `period` over the given tables.
pub(crate) fn status(ctx: &Context, period: Period) -> PeriodStatus {
    PeriodStatus::compute(ctx, period, Depth::Full).expect("status frame")
}

/// Asserts a figure is present and equal to `expected` (to 1e-9).
#[track_caller]
pub(crate) fn assert_fig(figure: Figure, expected: f64) {
    match figure.value {
        Some(v) => assert!((v - expected).abs() < 1e-9, "expected {expected}, got {v}"),
        None => panic!("expected {expected}, got missing {:?}", figure.missing),
    }
}

/// Asserts a figure is missing for `reason`.
#[track_caller]
pub(crate) fn assert_missing(figure: Figure, reason: Missing) {
    assert_eq!(figure, Figure::missing(reason));
}
