//! Times the action-list writers on synthetic lists of N customers (default 1,000,000): one
//! list as CSV (whole), and a workbook of three such lists (each sheet capped at
//! `XLSX_ROW_CAP` rows).
//!
//! `cargo run --release --example action_lists_bench -- 1000000`

use chrono::NaiveDate;
use crm_audit::actions::{
    ActionList, ActionLists, ListId, WorkbookInput, XLSX_ROW_CAP, list_csv, summaries, workbook,
};
use crm_audit::domain::Lang;
use polars::prelude::*;
use std::time::Instant;

/// CPU seconds of this process so far: on a shared machine the wall clock says little.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let ids: Vec<String> = (0..n).map(|i| format!("C{i:08}")).collect();
    let frame = df![
        "customer_id" => &ids,
        "email" => ids.iter().map(|i| format!("{i}@example.com")).collect::<Vec<_>>(),
        "name" => ids.iter().map(|i| format!("Customer {i}")).collect::<Vec<_>>(),
        "account_manager" => (0..n).map(|i| format!("Manager {}", i % 40)).collect::<Vec<_>>(),
        "value" => (0..n).map(|i| 1e6 / (i as f64 + 1.0)).collect::<Vec<_>>(),
        "p_alive" => (0..n).map(|i| (i % 100) as f64 / 100.0).collect::<Vec<_>>(),
        "days_since_contact" => (0..n).map(|i| (i % 400) as i64).collect::<Vec<_>>(),
    ]?;
    let frame = frame
        .lazy()
        .with_column(
            (lit(20_000i32) - col("days_since_contact").cast(DataType::Int32))
                .cast(DataType::Date)
                .alias("last_contact"),
        )
        .collect()?;
    // Three lists of N rows: a large client fills the neglected, lapsed and unprofitable lists.
    let lists = ActionLists {
        lists: [
            ListId::NeglectedValuable,
            ListId::LapsedWinBack,
            ListId::Unprofitable,
        ]
        .into_iter()
        .map(|id| ActionList {
            id,
            customers: n as u64,
            money_at_stake: 0.0,
            money_column: "value",
            action: "Give each of them an account manager and a contact plan this month.".into(),
            frame: frame.clone(),
        })
        .collect(),
    };
    let sums = summaries(&lists, Lang::En, &[]);
    let (clock, cpu) = (Instant::now(), cpu_seconds());
    let csv = list_csv(&lists.lists[0])?;
    println!(
        "csv: {n} rows, {:.1} MB in {:.2} s ({:.2} s CPU)",
        csv.len() as f64 / 1e6,
        clock.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );
    let (clock, cpu) = (Instant::now(), cpu_seconds());
    let bytes = workbook(&WorkbookInput {
        lists: &lists,
        summaries: &sums,
        findings: &[],
        lang: Lang::En,
        currency: "EUR",
        client: "Bench",
        period: "2026-Q3",
        date: NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
    })?;
    println!(
        "xlsx: 3 sheets of {} rows (cap {XLSX_ROW_CAP}), {:.1} MB in {:.2} s ({:.2} s CPU)",
        n.min(XLSX_ROW_CAP),
        bytes.len() as f64 / 1e6,
        clock.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );
    Ok(())
}
