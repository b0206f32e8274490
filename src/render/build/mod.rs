//! Builds the report document from the computed results: every figure formatted once, here,
//! with the report's locale; the HTML and PDF renderers only lay the document out.
//!
//! Depends on the indicators, the models, the findings and the ingest ledger (read only).

use super::document::{Cover, ExecutiveSummary, Meta, Report};
use super::locale::Locale;
use super::rich::RichText;
use crate::cli::Lang;
use crate::config::AuditConfig;
use crate::findings::Finding;
use crate::indicators::AllIndicators;
use crate::ingest::Ledger;
use crate::models::Models;
use crate::period::Period;
use chrono::NaiveDate;

/// Everything a report is built from.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The client's configuration (name, currency, targets, settings).
    pub config: &'a AuditConfig,
    /// Report language.
    pub lang: Lang,
    /// Date printed on the report.
    pub date: NaiveDate,
    /// The audit period P.
    pub period: Period,
    /// All indicator families.
    pub indicators: &'a AllIndicators,
    /// Lifetime-value backtest and scoring runs.
    pub models: &'a Models,
    /// Ranked findings, already in the report's language.
    pub findings: &'a [Finding],
    /// The data-quality ledger of the client's sources.
    pub ledger: &'a Ledger,
}

/// The report document for one client and period.
pub fn build_report(input: &ReportInput) -> Report {
    let locale = Locale::new(input.lang, &input.config.client.currency);
    let prepared_by = input.config.client.prepared_by.clone().unwrap_or_default();
    Report {
        meta: Meta::new(
            &locale,
            &input.config.client.name,
            &input.period,
            &prepared_by,
            input.date,
        ),
        cover: Cover::default(),
        summary: ExecutiveSummary {
            verdict: RichText::plain(""),
            tiles: Vec::new(),
            findings: Vec::new(),
            charts: Vec::new(),
        },
        sections: Vec::new(),
    }
}
