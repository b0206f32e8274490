//! Render stage: turns one typed [`Report`] into a self-contained HTML file and an A4 PDF.
//!
//! Depends on the report model only (never on the indicators' types): the lead fills a
//! [`Report`] with figures already formatted by [`Locale`], and both renderers lay it out. Charts
//! are drawn once ([`charts`]): as SVG inline in the HTML, and as the same marks recorded as
//! shapes that the PDF draws with its own vector operators. Labels live in `templates/i18n/{es,en}.toml`, the HTML templates in `templates/`.

pub mod build;
mod chart_set;
pub mod charts;
pub mod document;
mod fonts;
mod html;
pub mod i18n;
pub mod locale;
mod pdf;
mod period_label;
pub mod rich;

pub use document::{
    Align, Block, Change, Chart, Column, Cover, Definition, Direction, ExecutiveSummary, Finding,
    KeyFigure, KpiTile, Light, Meta, Report, Section, SectionKind, Table, Tone,
};
pub use locale::Locale;
pub use rich::{RichText, Span};

use chart_set::ChartSet;
use std::path::{Path, PathBuf};

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template in the override folder could not be read.
    #[error("cannot read template {path}: {source}")]
    TemplateRead {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A template failed to parse or render; `message` carries Tera's whole cause chain.
    #[error("template {name}: {message}")]
    Template {
        /// Template name.
        name: String,
        /// What Tera reported.
        message: String,
    },
    /// The embedded fonts could not be parsed.
    #[error("embedded font {0} could not be parsed")]
    Font(&'static str),
    /// A chart's SVG could not be converted for the PDF.
    #[error("chart '{title}': {message}")]
    Chart {
        /// The chart's title.
        title: String,
        /// The converter's message.
        message: String,
    },
}

/// The report as one self-contained HTML page. `templates` is a folder whose files override
/// the built-in templates of the same name (`report.html`, `style.css`, ...).
pub fn render_html(report: &Report, templates: Option<&Path>) -> Result<String, RenderError> {
    html::render(report, &ChartSet::build(report), templates)
}

/// The report as an A4 PDF: cover, one-page executive summary, sections, appendix.
pub fn render_pdf(report: &Report) -> Result<Vec<u8>, RenderError> {
    pdf::render(report, &ChartSet::build(report))
}

/// Both outputs, drawing the charts only once.
pub fn render_html_and_pdf(
    report: &Report,
    templates: Option<&Path>,
) -> Result<(String, Vec<u8>), RenderError> {
    let charts = ChartSet::build(report);
    Ok((
        html::render(report, &charts, templates)?,
        pdf::render(report, &charts)?,
    ))
}

#[cfg(test)]
mod snapshots;
#[cfg(test)]
mod test_report;
#[cfg(test)]
mod tests;
