//! Times the stages after ingest (customer-day reduction, models, indicators) on a client's
//! canonical tables, without paying for ingest on every run: the first run ingests the client
//! and caches its tables as Parquet in CACHE_DIR (default /tmp/crm-audit-stage-cache/<name>).
//! For profiling one stage at a time.
//!
//! `cargo run --release --example stage_bench -- path/to/audit.toml [PERIOD] [RUNS]`

use crm_audit::config::AuditConfig;
use crm_audit::customer_days::CustomerDays;
use crm_audit::period::Period;
use crm_audit::tables::{TableKind, Tables};
use polars::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

// The allocator the binary uses, so that the stages' page faults are as in a real run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    // As the binary does, so that the stages fault their pages in as in a real run.
    crm_audit::memory::no_transparent_huge_pages();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = PathBuf::from(
        args.first()
            .expect("usage: stage_bench audit.toml [PERIOD] [RUNS]"),
    );
    let period: Period = args.get(1).map_or("2026-Q3", String::as_str).parse()?;
    let runs: usize = args.get(2).map_or(Ok(1), |r| r.parse())?;
    let cfg = AuditConfig::load(&config)?;
    let name = config
        .parent()
        .and_then(|p| p.file_name())
        .map_or("client".into(), |n| n.to_string_lossy().to_string());
    let cache = std::env::var("CACHE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/tmp/crm-audit-stage-cache"))
        .join(name);
    let t = Instant::now();
    let tables = if cache.join("transactions.parquet").exists() {
        let mut tables = Tables::empty();
        for kind in TableKind::ALL {
            let path = cache.join(format!("{}.parquet", kind.name()));
            if path.exists() {
                let mut df = ParquetReader::new(std::fs::File::open(&path)?).finish()?;
                // One chunk per column, as ingest leaves them: several chunks would make every
                // stage that needs one pay for a rechunk that a real run does not.
                df.rechunk_mut_par();
                tables.set(kind, df);
            }
        }
        tables
    } else {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
        let tables =
            crm_audit::ingest::ingest_client(&cfg, crm_audit::ingest::IngestOptions::as_of(date))
                .tables;
        std::fs::create_dir_all(&cache)?;
        for kind in TableKind::ALL {
            if let Some(df) = tables.get(kind) {
                let mut df = df.clone();
                ParquetWriter::new(std::fs::File::create(
                    cache.join(format!("{}.parquet", kind.name())),
                )?)
                .finish(&mut df)?;
            }
        }
        tables
    };
    println!("tables ready in {:.2} s", t.elapsed().as_secs_f64());
    for kind in TableKind::ALL {
        if let Some(df) = tables.get(kind) {
            println!(
                "  {:<13} {:>11} rows {:>7.0} MB in memory",
                kind.name(),
                df.height(),
                df.estimated_size() as f64 / 1e6
            );
        }
    }
    for _ in 0..runs {
        let t = Instant::now();
        let days = CustomerDays::build(&tables.transactions)?;
        let prepare = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let models = crm_audit::models::Models::fit_with(&tables, &days, period, &cfg.clv);
        let fit = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let cpu = cpu_seconds();
        let kept = crm_audit::memory::keep_through_stage();
        crm_audit::indicators::compute_all(
            &tables,
            period,
            &cfg.indicators,
            models.values().as_ref(),
            Some(&days),
        )?;
        drop(kept);
        let indicators = t.elapsed().as_secs_f64();
        let indicators_cpu = cpu_seconds() - cpu;
        println!(
            "prepare {prepare:.2} s   models {fit:.2} s   indicators {indicators:.2} s \
             ({indicators_cpu:.2} s of CPU)"
        );
    }
    Ok(())
}

/// User and system CPU time of the process so far: on a shared machine, the work done, which
/// the wall time hides behind other processes.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}
