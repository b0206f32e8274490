//! Runs the whole pipeline on the sample clients for 2026-Q3 and writes each client's report
//! as HTML and PDF to /tmp/report-check/<client>/ (or the folder given as first argument), in
//! the client's language and in the other one, so the pages can be looked at.
//!
//! `cargo run --release --example report_check [-- OUT_DIR]`

use crm_audit::config::AuditConfig;
use crm_audit::domain::Lang;
use crm_audit::period::Period;
use crm_audit::render::build::{ReportInput, build_report};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/report-check"));
    let period: Period = "2026-Q3".parse()?;
    let date = chrono::NaiveDate::from_ymd_opt(2026, 10, 15).expect("date");
    for client in ["ferreteria-es", "northwind-en"] {
        let cfg = AuditConfig::load(&PathBuf::from("sample-data").join(client).join("audit.toml"))?;
        let ingested =
            crm_audit::ingest::ingest_client(&cfg, crm_audit::ingest::IngestOptions::as_of(date));
        let models = crm_audit::models::Models::fit(&ingested.tables, period, &cfg.clv);
        let indicators = crm_audit::indicators::compute_all(
            &ingested.tables,
            period,
            &cfg.indicators,
            models.values().as_ref(),
            None,
        )?
        .indicators;
        let evidence = crm_audit::findings::Evidence::from_indicators(&indicators, &cfg.indicators);
        let dir = out.join(client);
        std::fs::create_dir_all(&dir)?;
        for lang in [Lang::Es, Lang::En] {
            let findings =
                crm_audit::findings::derive(&evidence, &cfg.targets, lang, &cfg.client.currency);
            let start = Instant::now();
            let report = build_report(&ReportInput {
                config: &cfg,
                lang,
                date,
                period,
                indicators: &indicators,
                models: &models,
                findings: &findings,
                ledger: &ingested.ledger,
            });
            let built = start.elapsed();
            let (html, pdf) = crm_audit::render::render_html_and_pdf(&report, None)?;
            let suffix = if lang == cfg.client.lang {
                ""
            } else {
                "-other"
            };
            std::fs::write(dir.join(format!("report{suffix}.html")), html)?;
            std::fs::write(dir.join(format!("report{suffix}.pdf")), pdf)?;
            println!(
                "{client} {lang:?}: built in {:.0} ms, rendered in {:.0} ms",
                built.as_secs_f64() * 1000.0,
                (start.elapsed() - built).as_secs_f64() * 1000.0
            );
        }
    }
    println!("written to {}", out.display());
    Ok(())
}
