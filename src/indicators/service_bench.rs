//! Timing of the service families on a generated client of 1 M customers, 4 M invoice lines,
//! 2 M interactions, 150 k complaints and 300 k survey answers. Ignored by default; run with
//! `cargo test --release --lib service_bench -- --ignored --nocapture`.

use super::complaint_times::{backlog, resolution_times};
use super::complaints::compute_complaints;
use super::contacts::LastContacts;
use super::cross_selling::{cross_selling, window_customers};
use super::engagement::{compute_engagement, last_contacts, recency};
use super::neglected_customers::{ValueBasis, neglected_customers, top_decile};
use super::open_complaint_sales::sales_during_open_complaints;
use super::satisfaction::compute_satisfaction;
use super::service_fixture::frame;
use super::service_inputs::{active_customers, invoice_count};
use crate::config::IndicatorSettings;
use crate::period::Period;
use crate::period::day_number as epoch_days;
use crate::tables::{TableKind, Tables};
use chrono::NaiveDate;
use polars::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

const CUSTOMERS: usize = 1_000_000;
const DAY_MS: i64 = 86_400_000;

fn pick<'a>(rng: &mut StdRng, options: &[&'a str]) -> &'a str {
    options[rng.random_range(0..options.len())]
}

fn ids(rng: &mut StdRng, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| format!("C{:07}", rng.random_range(0..CUSTOMERS)))
        .collect()
}

fn generated_tables(rng: &mut StdRng) -> Tables {
    let first = epoch_days(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
    let span = 3 * 365;
    let n = 4_000_000;
    let days: Vec<i32> = (0..n).map(|_| first + rng.random_range(0..span)).collect();
    let amounts: Vec<f64> = (0..n)
        .map(|_| {
            if rng.random_bool(0.05) {
                -50.0
            } else {
                rng.random_range(5.0..500.0)
            }
        })
        .collect();
    let invoices: Vec<String> = (0..n).map(|i| format!("F{}", i / 2)).collect();
    let categories: Vec<&str> = (0..n)
        .map(|_| pick(rng, &["A", "B", "C", "D", "E", "F", "G", "H"]))
        .collect();
    let transactions = frame(
        TableKind::Transactions,
        vec![
            Column::new("customer_id".into(), ids(rng, n)),
            Column::new("date".into(), days)
                .cast(&DataType::Date)
                .unwrap(),
            Column::new("net_amount".into(), amounts),
            Column::new("invoice_id".into(), invoices),
            Column::new("category".into(), categories),
        ],
    );
    let instant =
        |rng: &mut StdRng| first as i64 * DAY_MS + rng.random_range(0..span as i64 * DAY_MS);
    let n = 2_000_000;
    let dates: Vec<i64> = (0..n).map(|_| instant(rng)).collect();
    let channels: Vec<&str> = (0..n)
        .map(|_| pick(rng, &["Phone", "Email", "Visit", "Web"]))
        .collect();
    let types: Vec<&str> = (0..n)
        .map(|_| pick(rng, &["Sales", "Service", "Follow-up", "Billing"]))
        .collect();
    let employees: Vec<&str> = (0..n)
        .map(|_| pick(rng, &["Ana", "Ben", "Carla", "Dan"]))
        .collect();
    let interactions = frame(
        TableKind::Interactions,
        vec![
            Column::new("customer_id".into(), ids(rng, n)),
            Column::new("date".into(), dates),
            Column::new("channel".into(), channels),
            Column::new("type".into(), types),
            Column::new("employee".into(), employees),
        ],
    );
    let n = 150_000;
    let opened: Vec<i64> = (0..n).map(|_| instant(rng)).collect();
    let resolved: Vec<Option<i64>> = opened
        .iter()
        .map(|o| {
            rng.random_bool(0.9)
                .then(|| o + rng.random_range(0..30 * DAY_MS))
        })
        .collect();
    let complaints = frame(
        TableKind::Complaints,
        vec![
            Column::new("customer_id".into(), ids(rng, n)),
            Column::new("opened_at".into(), opened),
            Column::new(
                "complaint_id".into(),
                (0..n).map(|i| format!("K{i}")).collect::<Vec<_>>(),
            ),
            Column::new("resolved_at".into(), resolved),
            Column::new(
                "category".into(),
                (0..n)
                    .map(|_| pick(rng, &["Billing", "Delivery", "Product"]))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "channel".into(),
                (0..n)
                    .map(|_| pick(rng, &["Phone", "Email", "Web"]))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "severity".into(),
                (0..n)
                    .map(|_| pick(rng, &["Low", "Medium", "High", "Critical", "Urgente"]))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "first_contact_resolution".into(),
                (0..n).map(|_| rng.random_bool(0.6)).collect::<Vec<_>>(),
            ),
            Column::new(
                "reopened".into(),
                (0..n).map(|_| rng.random_bool(0.1)).collect::<Vec<_>>(),
            ),
        ],
    );
    let n = 300_000;
    let surveys = frame(
        TableKind::Surveys,
        vec![
            Column::new("customer_id".into(), ids(rng, n)),
            Column::new(
                "date".into(),
                (0..n)
                    .map(|_| first + rng.random_range(0..span))
                    .collect::<Vec<_>>(),
            )
            .cast(&DataType::Date)
            .unwrap(),
            Column::new(
                "nps".into(),
                (0..n)
                    .map(|_| rng.random_range(0..=10))
                    .collect::<Vec<i32>>(),
            ),
            Column::new(
                "csat".into(),
                (0..n)
                    .map(|_| rng.random_range(1..=5))
                    .collect::<Vec<i32>>(),
            ),
        ],
    );
    Tables {
        customers: None,
        transactions,
        interactions: Some(interactions),
        complaints: Some(complaints),
        surveys: Some(surveys),
    }
}

/// Times the parts of the families, to show where the time goes.
fn parts(tables: &Tables, values: &DataFrame, p: Period, settings: &IndicatorSettings) {
    let interactions = tables.interactions.as_ref().unwrap();
    let complaints = tables.complaints.as_ref().unwrap();
    let timed = |label: &str, f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        println!("  {label}: {:?}", t.elapsed());
    };
    let mut window = DataFrame::empty();
    let mut last = DataFrame::empty();
    timed("active customers in P", &mut || {
        active_customers(&tables.transactions, p.start, p.end)
            .collect()
            .unwrap();
    });
    timed("invoices in P", &mut || {
        invoice_count(&tables.transactions, p.start, p.end).unwrap();
    });
    timed("resolution times", &mut || {
        resolution_times(complaints, p, settings).unwrap();
    });
    timed("backlog", &mut || {
        backlog(complaints, p).unwrap();
    });
    timed("sales during open complaints", &mut || {
        sales_during_open_complaints(tables, p, settings).unwrap();
    });
    timed("customers active in A with categories", &mut || {
        window = window_customers(tables, p, settings).unwrap();
    });
    timed("cross-selling", &mut || {
        cross_selling(&window, &tables.transactions).unwrap();
    });
    timed("last contacts", &mut || {
        last = last_contacts(interactions, p.end).unwrap()
    });
    timed("recency", &mut || {
        recency(&window, &last, p).unwrap();
    });
    timed("neglected", &mut || {
        let top = top_decile(values).unwrap();
        neglected_customers(
            tables,
            LastContacts::Frame(&last),
            p,
            settings,
            &top,
            ValueBasis::HistoricalClv,
        )
        .unwrap();
    });
}

#[test]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
fn service_families_on_a_million_customers() {
    let mut rng = StdRng::seed_from_u64(7);
    let tables = generated_tables(&mut rng);
    let values = df![
        "customer_id" => (0..CUSTOMERS).map(|i| format!("C{i:07}")).collect::<Vec<_>>(),
        "value" => (0..CUSTOMERS).map(|_| rng.random_range(0.0..10_000.0)).collect::<Vec<f64>>(),
    ]
    .unwrap();
    let settings = IndicatorSettings::default();
    let p: Period = "2026-Q1".parse().unwrap();
    parts(&tables, &values, p, &settings);
    let start = Instant::now();
    let c = compute_complaints(&tables, p, &settings).unwrap();
    let t_complaints = start.elapsed();
    let s = compute_satisfaction(&tables, p, &settings).unwrap();
    let t_satisfaction = start.elapsed() - t_complaints;
    let e = compute_engagement(&tables, p, &settings, &values, ValueBasis::HistoricalClv).unwrap();
    let total = start.elapsed();
    println!(
        "complaints {t_complaints:?}, satisfaction {t_satisfaction:?}, engagement {:?}, total {total:?}",
        total - t_complaints - t_satisfaction
    );
    println!(
        "opened {:?}, median h {:?}, backlog {:?}, sales during open {:?}, nps {:?}, neglected {:?}, mean categories {:?}",
        c.opened.value,
        c.resolution.median_hours.value,
        c.backlog.open.value,
        c.sales_during_open_complaints.contacts.value,
        s.nps.value,
        e.neglected.neglected.value,
        e.cross_selling.mean_categories.value
    );
    assert!(c.opened.value.unwrap() > 10_000.0 && e.recency.customers.value.unwrap() > 100_000.0);
}
