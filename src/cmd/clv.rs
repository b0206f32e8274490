//! `crm-audit clv`: fit the lifetime-value models on a transaction log with canonical columns,
//! print the fits (text or JSON) and write the per-customer scores CSV. Depends on [`crate::clv`].

use crate::cli::ClvArgs;
use crate::clv::{self, ClvReport};
use crate::config::ClvSettings;
use anyhow::{Context, bail};
use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What `--json` prints: the report plus where the scores went.
#[derive(Serialize)]
struct JsonOutput<'a> {
    #[serde(flatten)]
    report: &'a ClvReport,
    scores_file: &'a Path,
}

/// Runs `crm-audit clv`; returns the exit code (errors go to the caller, which prints them).
pub fn run(args: &ClvArgs) -> anyhow::Result<i32> {
    if args.transactions.extension().is_some_and(|e| e == "toml") {
        bail!(
            "{}: `clv` reads a CSV with canonical columns (customer_id, date, net_amount, optional \
             cost); reading a client's audit.toml needs the ingest stage",
            args.transactions.display()
        );
    }
    let transactions = clv::read_transactions_csv(&args.transactions)?;
    let calibration_end = match args.calibration_end {
        Some(d) => d,
        None => last_date(&transactions)
            .with_context(|| format!("{}: no dated transactions", args.transactions.display()))?,
    };
    let settings = ClvSettings {
        horizon_months: args.horizon_months,
        discount_rate: args.discount_rate,
        unit: args.unit,
        model: args.model,
    };
    let report = clv::analyse(&transactions, calibration_end, args.holdout_end, &settings)?;
    let scores_file = args
        .scores
        .clone()
        .unwrap_or_else(|| default_scores_path(&args.transactions));
    write_scores(&report.scores, &scores_file)?;
    if args.json {
        let out = JsonOutput {
            report: &report,
            scores_file: &scores_file,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print!("{}", text_summary(&report, &scores_file));
    }
    Ok(super::EXIT_OK)
}

fn last_date(transactions: &DataFrame) -> Option<NaiveDate> {
    let days = transactions
        .column("date")
        .ok()?
        .cast(&DataType::Int32)
        .ok()?;
    let max = days.i32().ok()?.max()?;
    crate::period::EPOCH.checked_add_signed(chrono::Duration::days(max.into()))
}

fn default_scores_path(transactions: &Path) -> PathBuf {
    transactions
        .parent()
        .unwrap_or(Path::new("."))
        .join("clv_scores.csv")
}

/// Writes the scores next to their destination and renames, so a reader never sees half a file.
fn write_scores(scores: &DataFrame, path: &Path) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write scores to {}", dir.display()))?;
    let mut frame = scores.clone();
    CsvWriter::new(tmp.as_file_mut())
        .include_header(true)
        .with_float_precision(Some(6))
        .finish(&mut frame)
        .map_err(|e| anyhow::anyhow!("cannot write scores to {}: {e}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write scores to {}", path.display()))?;
    Ok(())
}

fn text_summary(r: &ClvReport, scores_file: &Path) -> String {
    let mut s = format!(
        "Calibration end {}: {} customers, {} with repeat purchases (unit: {}, spend: {})\n",
        r.calibration_end,
        r.customers,
        r.repeat_customers,
        unit_name(r.unit),
        r.spend_basis
    );
    let status = |d: &clv::FitDiagnostics| {
        let state = if d.converged {
            "converged"
        } else {
            "NOT converged"
        };
        format!(
            "log-likelihood {:.2}, {state} in {} iterations",
            d.log_likelihood, d.iterations
        )
    };
    if let Some(f) = &r.bgnbd {
        let p = f.params;
        s += &format!(
            "BG/NBD       r = {:.4}  alpha = {:.4}  a = {:.4}  b = {:.4}   {}\n",
            p.r,
            p.alpha,
            p.a,
            p.b,
            status(&f.diagnostics)
        );
    }
    if let Some(f) = &r.pareto_nbd {
        let p = f.params;
        s += &format!(
            "Pareto/NBD   r = {:.4}  alpha = {:.4}  s = {:.4}  beta = {:.4}   {}\n",
            p.r,
            p.alpha,
            p.s,
            p.beta,
            status(&f.diagnostics)
        );
    }
    if let Some(f) = &r.gamma_gamma {
        let p = f.params;
        s += &format!(
            "Gamma-Gamma  p = {:.4}  q = {:.4}  gamma = {:.4}   {}\n",
            p.p,
            p.q,
            p.gamma,
            status(&f.diagnostics)
        );
    }
    match (r.model, r.model_choice) {
        (Some(m), Some(why)) => s += &format!("Scores use {m} ({why})\n"),
        _ => {
            s += "No purchase model could be fitted: P(alive), expected purchases and CLV are missing\n"
        }
    }
    if let Some(b) = &r.backtest {
        s += &format!(
            "Backtest to {}: {} purchase days happened",
            b.holdout_end, b.actual_total
        );
        for m in &b.models {
            s += &format!(
                "; {} predicted {:.1} (mean absolute error {:.3})",
                m.model, m.predicted_total, m.mean_absolute_error
            );
        }
        s += "\n";
    }
    let fig = |f: crate::figure::Figure| f.get().map_or("n/a".to_string(), |v| format!("{v:.2}"));
    s += &format!(
        "Mean CLV {} (total {}), over {} months at {} % a year\n",
        fig(r.population.mean_clv),
        fig(r.population.total_clv),
        r.horizon_months,
        r.discount_rate * 100.0
    );
    for w in &r.warnings {
        s += &format!("warning: {w}\n");
    }
    s += &format!("Scores written to {}\n", scores_file.display());
    s
}

fn unit_name(u: crate::domain::TimeUnit) -> &'static str {
    match u {
        crate::domain::TimeUnit::Week => "week",
        crate::domain::TimeUnit::Day => "day",
    }
}
