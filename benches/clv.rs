//! Benchmark of the clv stage on 1,000,000 simulated customers (BG/NBD purchases and
//! Gamma-Gamma spend at the CDNOW estimates, acquired over a year, observed for 18 months).
//! Targets: BG/NBD + Gamma-Gamma fits ≤ 2 s together, scoring every customer well under 1 s.
//!
//! Run: `cargo bench --bench clv`, or with the release build the tests share,
//! `cargo test --release --bench clv`. `CLV_BENCH_CUSTOMERS` changes the size.

use chrono::NaiveDate;
use crm_audit::clv::{self, BgNbdParams, GammaGammaParams, Simulation};
use crm_audit::config::ClvSettings;
use std::time::Instant;

fn main() {
    let customers = std::env::var("CLV_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let first_day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let end = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    let sim = Simulation {
        purchases: BgNbdParams {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
        },
        spend: Some(GammaGammaParams {
            p: 6.25,
            q: 3.74,
            gamma: 15.44,
        }),
        customers,
        first_day,
        acquisition_days: 365,
        end,
        unit_days: 7.0,
        seed: 42,
    };
    let clock = Instant::now();
    let tx = clv::simulate_transactions(&sim).expect("simulation");
    println!(
        "simulated {customers} customers, {} transaction lines in {:.2} s (not part of the targets)",
        tx.height(),
        clock.elapsed().as_secs_f64()
    );
    let settings = ClvSettings {
        model: crm_audit::domain::ModelChoice::Bgnbd,
        ..ClvSettings::default()
    };
    let clock = Instant::now();
    let report = clv::analyse(&tx, end, None, &settings).expect("analysis");
    let total = clock.elapsed().as_secs_f64();
    let t = &report.timings;
    let bg = report.bgnbd.as_ref().expect("BG/NBD fitted");
    let gg = report.gamma_gamma.as_ref().expect("Gamma-Gamma fitted");
    println!("threads: {}", rayon::current_num_threads());
    println!(
        "summary (polars) {:.0} ms; compression {:.0} ms: {} customers -> {} distinct (x, t_x, T) rows",
        t.summary_ms, t.compression_ms, report.customers, bg.diagnostics.distinct_rows
    );
    println!(
        "BG/NBD fit {:.0} ms ({} iterations, converged {}): {:?}",
        t.bgnbd_fit_ms, bg.diagnostics.iterations, bg.diagnostics.converged, bg.params
    );
    println!(
        "Gamma-Gamma fit {:.0} ms ({} repeat customers, {} rows, converged {}): {:?}",
        t.gamma_gamma_fit_ms,
        gg.diagnostics.customers,
        gg.diagnostics.distinct_rows,
        gg.diagnostics.converged,
        gg.params
    );
    let fits = (t.bgnbd_fit_ms + t.gamma_gamma_fit_ms) / 1e3;
    println!("fits together {fits:.2} s (target <= 2 s)");
    println!("scoring {:.0} ms (target well under 1 s)", t.scoring_ms);
    println!("whole analyse() {total:.2} s");
}
