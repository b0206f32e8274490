//! The report the render tests lay out: the real pipeline run on the bundled Spanish sample
//! client (`sample-data/ferreteria-es`, 2026-Q3), so the tests exercise the same model a user
//! gets rather than invented figures. Built once per language and process.

use crate::config::AuditConfig;
use crate::domain::Lang;
use crate::period::Period;
use crate::render::build::{ReportInput, build_report};
use crate::render::document::Report;
use std::path::Path;
use std::sync::OnceLock;

/// The report date of the fixtures: the PDF's creation date is taken from it.
pub(crate) const REPORT_DATE: (i32, u32, u32) = (2026, 10, 15);

/// The sample client's report for 2026-Q3 in `lang`.
pub(crate) fn sample_report(lang: Lang) -> Report {
    static ES: OnceLock<Report> = OnceLock::new();
    static EN: OnceLock<Report> = OnceLock::new();
    let cell = match lang {
        Lang::Es => &ES,
        Lang::En => &EN,
    };
    cell.get_or_init(|| build(lang)).clone()
}

fn build(lang: Lang) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/ferreteria-es/audit.toml");
    let cfg = AuditConfig::load(&path).expect("the sample client's audit.toml");
    let period: Period = "2026-Q3".parse().expect("period");
    let (y, m, d) = REPORT_DATE;
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let ingested = crate::ingest::ingest_client(&cfg, crate::ingest::IngestOptions::as_of(date));
    let models = crate::models::Models::fit(&ingested.tables, period, &cfg.clv);
    let indicators = crate::indicators::compute_all(
        &ingested.tables,
        period,
        &cfg.indicators,
        models.values().as_ref(),
        None,
    )
    .expect("indicators of the sample client")
    .indicators;
    let evidence = crate::findings::Evidence::from_indicators(&indicators, &cfg.indicators);
    let findings = crate::findings::derive(&evidence, &cfg.targets, lang, &cfg.client.currency);
    build_report(&ReportInput {
        config: &cfg,
        lang,
        date,
        period,
        indicators: &indicators,
        models: &models,
        findings: &findings,
        ledger: &ingested.ledger,
    })
}
