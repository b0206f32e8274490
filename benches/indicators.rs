//! Benchmark of the customer and revenue indicators on a client of 1,000,000 customers and about
//! 20 million invoice lines, built in memory (or read from a generated client's `invoices.csv`
//! when `CRM_AUDIT_BENCH_INVOICES` names one). Prints the time of `indicators::compute`.
//!
//! Run: `cargo bench --bench indicators`
//! (`CRM_AUDIT_BENCH_CUSTOMERS=N` scales the synthetic client; `CRM_AUDIT_BENCH_STEPS=1` logs the
//! time of each step).

use chrono::NaiveDate;
use crm_audit::config::IndicatorSettings;
use crm_audit::indicators::{self, context::Context};
use crm_audit::period::Period;
use crm_audit::tables::{TableKind, Tables};
use polars::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

const LAST_DAY: (i32, u32, u32) = (2026, 6, 30);
const HISTORY_DAYS: i32 = 3 * 365;

fn epoch_day(y: i32, m: u32, d: u32) -> i32 {
    let date = NaiveDate::from_ymd_opt(y, m, d).expect("date");
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

/// Adds the canonical columns a frame lacks, all-null, and casts the others to their dtype.
fn canonical(kind: TableKind, df: DataFrame) -> PolarsResult<DataFrame> {
    let exprs: Vec<Expr> = kind
        .columns()
        .iter()
        .map(|c| match df.column(c.name) {
            Ok(_) => col(c.name).cast(c.ty.dtype()),
            Err(_) => lit(NULL).cast(c.ty.dtype()).alias(c.name),
        })
        .collect();
    df.lazy().select(exprs).collect()
}

/// A synthetic client: acquisition dates spread over three years, about 8 invoices of 2.5 lines
/// per customer in date order, 5 % credit notes, 5 % of customers with a complaint.
fn synthetic(customers: usize) -> PolarsResult<Tables> {
    let mut rng = StdRng::seed_from_u64(2026);
    let last = epoch_day(LAST_DAY.0, LAST_DAY.1, LAST_DAY.2);
    let first = last - HISTORY_DAYS + 1;
    let lines = customers * 20;
    let (mut ids, mut days, mut net, mut cost, mut inv) = (
        Vec::with_capacity(lines),
        Vec::with_capacity(lines),
        Vec::with_capacity(lines),
        Vec::with_capacity(lines),
        Vec::with_capacity(lines),
    );
    let (mut c_ids, mut c_open, mut c_resolved) = (Vec::new(), Vec::new(), Vec::new());
    let mut acquisition = Vec::with_capacity(customers);
    let mut invoice = 0u64;
    for c in 0..customers {
        let id = format!("C{c:07}");
        let mut day = first + rng.random_range(0..HISTORY_DAYS * 4 / 5);
        let gap = rng.random_range(10..120);
        for _ in 0..rng.random_range(1..24) {
            if day > last {
                break;
            }
            invoice += 1;
            let credit = rng.random_bool(0.05);
            for _ in 0..rng.random_range(1..5) {
                let amount: f64 = rng.random_range(5.0..400.0);
                let sign = if credit { -1.0 } else { 1.0 };
                ids.push(id.clone());
                days.push(day);
                net.push(sign * amount);
                cost.push(sign * amount * rng.random_range(0.4..0.9));
                inv.push(format!("{}{invoice:09}", if credit { 'R' } else { 'F' }));
            }
            day += rng.random_range(1..2 * gap);
        }
        if rng.random_bool(0.05) {
            let opened = (last - rng.random_range(0..HISTORY_DAYS)) as i64 * 86_400_000;
            c_ids.push(id.clone());
            c_open.push(opened);
            c_resolved.push(
                rng.random_bool(0.9)
                    .then(|| opened + rng.random_range(1..400) * 3_600_000),
            );
        }
        acquisition.push(rng.random_bool(0.5).then(|| rng.random_range(10.0..200.0)));
    }
    let n = ids.len();
    // Invoice exports list lines by date and number, not by customer.
    let transactions = DataFrame::new(
        n,
        vec![
            Column::new("customer_id".into(), ids),
            Column::new("date".into(), days).cast(&DataType::Date)?,
            Column::new("net_amount".into(), net),
            Column::new("cost".into(), cost),
            Column::new("invoice_id".into(), inv),
        ],
    )?
    .lazy()
    .sort(["date", "invoice_id"], Default::default())
    .collect()?;
    let ms = DataType::Datetime(TimeUnit::Milliseconds, None);
    let complaints = DataFrame::new(
        c_ids.len(),
        vec![
            Column::new("customer_id".into(), c_ids),
            Column::new("opened_at".into(), c_open).cast(&ms)?,
            Column::new("resolved_at".into(), c_resolved).cast(&ms)?,
        ],
    )?;
    let customer_ids: Vec<String> = (0..customers).map(|c| format!("C{c:07}")).collect();
    let customers_df = DataFrame::new(
        customers,
        vec![
            Column::new("customer_id".into(), customer_ids),
            Column::new("acquisition_cost".into(), acquisition),
        ],
    )?;
    Ok(Tables {
        customers: Some(canonical(TableKind::Customers, customers_df)?),
        transactions: canonical(TableKind::Transactions, transactions)?,
        interactions: None,
        complaints: Some(canonical(TableKind::Complaints, complaints)?),
        surveys: None,
    })
}

/// The transactions of a generated English client's `invoices.csv`.
fn from_invoices(path: &str) -> PolarsResult<Tables> {
    let tx = LazyCsvReader::new(PlRefPath::new(path))
        .with_has_header(true)
        .finish()?
        .select([
            col("CustomerID")
                .cast(DataType::String)
                .alias("customer_id"),
            col("InvoiceDate")
                .cast(DataType::String)
                .str()
                .to_date(StrptimeOptions {
                    format: Some("%Y-%m-%d".into()),
                    ..Default::default()
                })
                .alias("date"),
            col("Amount").cast(DataType::Float64).alias("net_amount"),
            col("Cost").cast(DataType::Float64).alias("cost"),
            col("InvoiceNo").cast(DataType::String).alias("invoice_id"),
        ])
        .collect()?;
    Ok(Tables {
        transactions: canonical(TableKind::Transactions, tx)?,
        ..Tables::empty()
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("CRM_AUDIT_BENCH_STEPS").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter("crm_audit=debug")
            .init();
    }
    let started = Instant::now();
    let tables = match std::env::var("CRM_AUDIT_BENCH_INVOICES") {
        Ok(path) => from_invoices(&path)?,
        Err(_) => {
            let n = std::env::var("CRM_AUDIT_BENCH_CUSTOMERS")
                .ok()
                .and_then(|v| v.parse().ok());
            synthetic(n.unwrap_or(1_000_000))?
        }
    };
    let range = tables.transactions.column("date")?.cast(&DataType::Int32)?;
    let last = range.i32()?.max().unwrap_or(0);
    let reference = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")
        + chrono::Duration::days(i64::from(last));
    let period = Period::last_complete(crm_audit::period::Granularity::Quarter, reference);
    println!(
        "data: {} lines, {} complaints, built in {:.2?}; period {period}",
        tables.transactions.height(),
        tables.complaints.as_ref().map_or(0, |c| c.height()),
        started.elapsed()
    );
    let settings = IndicatorSettings::default();
    let t = Instant::now();
    let ctx = Context::prepare(&tables, &settings)?;
    println!(
        "prepare (keyed daily frame, {} rows): {:.2?}",
        ctx.daily.height(),
        t.elapsed()
    );
    drop(ctx);
    for run in 1..=3 {
        let t = Instant::now();
        let ind = indicators::compute(&tables, period, &settings, None, None)?;
        println!(
            "run {run}: indicators::compute {:.2?} (E = {:?}, revenue = {:?})",
            t.elapsed(),
            ind.current.base.end_base.value,
            ind.current.revenue.revenue.value
        );
    }
    Ok(())
}
