//! `crm-audit sample`: generate a realistic client folder and print what it holds.

use crate::cli::SampleArgs;
use crate::sample::{self, SampleSpec};
use anyhow::Context;
use std::time::Instant;

/// Generates the client described by the arguments; returns the exit code.
pub fn run(args: &SampleArgs) -> anyhow::Result<i32> {
    let spec = SampleSpec {
        customers: args.customers,
        seed: args.seed,
        out: args.out.clone(),
        lang: args.lang,
        name: args.name.clone(),
        end: args.end.unwrap_or_else(SampleSpec::default_end),
        seasonality: args.seasonality,
    };
    let started = Instant::now();
    let s = sample::generate(&spec)
        .with_context(|| format!("generating a sample client in {}", spec.out.display()))?;
    println!(
        "{}: {} ({} to {}), written in {:.1} s",
        s.out.display(),
        s.client_name,
        s.first_day,
        s.last_day,
        started.elapsed().as_secs_f64()
    );
    for f in &s.files {
        println!("  {:<18} {:>11} rows  ({})", f.file, f.rows, f.table.name());
    }
    println!(
        "  {} invoices, {} credit notes; {} customers complained, {} complaints open at the end",
        s.invoices, s.credit_notes, s.complaining_customers, s.open_complaints
    );
    let m = &s.mess;
    println!(
        "  injected: {} bad amounts, {} empty dates, {} duplicate lines, {} orphan lines \
         ({} invoices), {} orphan complaints, {} duplicate customers",
        m.unparseable_amounts,
        m.empty_dates,
        m.duplicate_lines,
        m.orphan_lines,
        m.orphan_invoices,
        m.orphan_complaints,
        m.duplicate_customers
    );
    Ok(super::EXIT_OK)
}
