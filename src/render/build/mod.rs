//! Builds the report document from the computed results: every figure formatted once, here,
//! with the report's locale; the HTML and PDF renderers only lay the document out.
//!
//! Depends on the indicators, the models, the findings and the ingest ledger (read only).

mod appendix;
mod cohorts;
mod compare;
mod complaints;
mod context;
mod cover;
mod data_quality;
mod engagement;
mod model_fit;
mod retention;
mod rfm;
mod satisfaction;
mod summary;
mod tiles;
mod top_customers;
mod value;

#[cfg(test)]
mod tests;

use super::document::{Block, Meta, Report, Section, SectionKind};
use crate::config::AuditConfig;
use crate::domain::Lang;
use crate::findings::Finding;
use crate::indicators::AllIndicators;
use crate::ingest::Ledger;
use crate::models::Models;
use crate::period::Period;
use chrono::NaiveDate;
use context::Ctx;

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

/// The report document for one client and period: cover, executive summary, then Retention,
/// Customer value, Complaints and satisfaction, Contact and engagement, Findings and
/// recommendations, and the Appendix. Every figure is formatted here, once, in the report's
/// locale; sections whose tables are missing hold a note saying why.
pub fn build_report(input: &ReportInput) -> Report {
    let ctx = Ctx::new(input);
    let prepared_by = input.config.client.prepared_by.clone().unwrap_or_default();
    Report {
        meta: Meta::new(
            &ctx.l,
            &input.config.client.name,
            &input.period,
            &prepared_by,
            input.date,
        ),
        cover: cover::cover(&ctx),
        summary: summary::summary(&ctx),
        sections: vec![
            retention::section(&ctx),
            value::section(&ctx),
            complaints::section(&ctx),
            engagement::section(&ctx),
            findings_section(&ctx),
            appendix::section(&ctx),
        ],
    }
}

/// Every finding with its recommendation, or a line saying none was raised.
fn findings_section(ctx: &Ctx) -> Section {
    let findings = summary::findings(ctx);
    let blocks = if findings.is_empty() {
        vec![Block::Note(ctx.t("findings.none"))]
    } else {
        vec![
            Block::Paragraph(crate::render::rich::RichText::plain(
                &ctx.t("findings.intro"),
            )),
            Block::Findings(findings),
        ]
    };
    Section {
        kind: SectionKind::Findings,
        blocks,
    }
}
