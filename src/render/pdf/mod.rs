//! The PDF report with printpdf's low-level operations (render stage; depends on the model, the
//! chart set, the fonts and the labels).
//!
//! Layout runs in two passes: the content is flowed onto pages first, then the running header
//! and footer are added once the page count is known. Output is reproducible: the document's
//! dates come from the report date, resource names are fixed, and the trailer /ID is derived
//! from the content instead of printpdf's process-wide counter.

mod canvas;
mod chart;
mod chrome;
mod cover;
mod findings;
mod flow;
mod summary;
mod table;
mod text;

use super::RenderError;
use super::chart_set::ChartSet;
use super::document::{Block, Report};
use super::fonts::fonts;
use super::i18n::strings;
use canvas::Resources;
use chrono::Datelike;
use flow::Flow;
use printpdf as pp;
use sha2::{Digest, Sha256};

fn sections(flow: &mut Flow, report: &Report, charts: &ChartSet) {
    let s = strings(report.meta.lang);
    for (i, section) in report.sections.iter().enumerate() {
        flow.section_title(&format!("{}. {}", i + 1, s.get(section.kind.title_key())));
        for (j, block) in section.blocks.iter().enumerate() {
            match block {
                Block::Subheading(t) => flow.subheading(t, 60.0),
                Block::Paragraph(t) => flow.paragraph(t, 9.5),
                Block::Note(t) => flow.note(t),
                Block::Chart(c) => {
                    if let Some(Some(d)) = charts.sections.get(i).and_then(|v| v.get(j)) {
                        flow.chart(
                            &c.title,
                            &d.shapes,
                            (d.width, d.height),
                            c.caption.as_deref(),
                        );
                    }
                }
                Block::Table(t) => table::table(flow, t),
                Block::KeyFigures(k) => flow.key_figures(
                    &k.iter()
                        .map(|k| (k.label.clone(), k.value.clone()))
                        .collect::<Vec<_>>(),
                ),
                Block::Definitions(d) => flow.definitions(
                    &d.iter()
                        .map(|d| (d.term.clone(), d.text.clone()))
                        .collect::<Vec<_>>(),
                ),
                Block::Findings(f) => findings::list(flow, f, s.get("summary.recommendation")),
            }
        }
    }
}

fn pdf_date(report: &Report) -> pp::OffsetDateTime {
    let d = report.meta.date;
    pp::OffsetDateTime::new_in_offset(
        pp::Date {
            year: d.year(),
            month: d.month() as u8,
            day: d.day() as u8,
        },
        pp::Time {
            hour: 0,
            minute: 0,
            second: 0,
            millisecond: 0,
        },
        pp::Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    )
}

/// Replaces printpdf's counter-based trailer /ID (two 32-character strings) with a hash of the
/// document, keeping the length so the cross-reference offsets stay valid.
fn stable_id(mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(pos) = bytes.windows(4).rposition(|w| w == b"/ID[") else {
        return bytes;
    };
    let digest = Sha256::digest(&bytes[..pos]);
    let hex: String = digest
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()[..32]
        .to_string();
    let mut i = pos + 4;
    for _ in 0..2 {
        while i < bytes.len() && bytes[i] != b'(' {
            i += 1;
        }
        if i + 33 < bytes.len() && bytes[i + 33] == b')' {
            bytes[i + 1..i + 33].copy_from_slice(hex.as_bytes());
        }
        i += 34;
    }
    bytes
}

pub(super) fn render(report: &Report, charts: &ChartSet) -> Result<Vec<u8>, RenderError> {
    let f = fonts().ok_or(RenderError::Font("DejaVuSans"))?;
    let mut flow = Flow::new(f);
    cover::cover(&mut flow, report);
    if report.has_summary() {
        summary::summary(&mut flow, report, charts);
    }
    sections(&mut flow, report, charts);
    chrome::decorate(&mut flow, report);

    let s = strings(report.meta.lang);
    let title = format!(
        "{} · {} · {}",
        s.get("report.title"),
        report.meta.client,
        report.meta.period_label
    );
    let mut doc = pp::PdfDocument::new(&title);
    let date = pdf_date(report);
    let info = &mut doc.metadata.info;
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    info.author = report.meta.prepared_by.clone();
    info.creator = "crm-audit".into();
    info.producer = "crm-audit (printpdf)".into();
    info.subject = report.meta.client.clone();

    // Fixed resource names instead of printpdf's generated ones; the first six letters of a
    // font id become its subset tag.
    let regular = pp::FontId("DJVSRG".into());
    let bold = pp::FontId("DJVSBD".into());
    doc.resources
        .fonts
        .map
        .insert(regular.clone(), pp::PdfFont::new(f.regular.parsed.clone()));
    doc.resources
        .fonts
        .map
        .insert(bold.clone(), pp::PdfFont::new(f.bold.parsed.clone()));
    let mut warnings = Vec::new();
    for (k, (name, page)) in flow.bookmarks.iter().enumerate() {
        doc.bookmarks.map.insert(
            pp::PageAnnotId(format!("B{k:03}")),
            pp::PageAnnotation {
                name: name.clone(),
                page: *page,
            },
        );
    }
    let res = Resources {
        regular: &regular,
        bold: &bold,
        charts: &flow.charts,
    };
    let pages = flow
        .pages
        .iter()
        .map(|p| canvas::to_pdf_page(p, &res))
        .collect();
    doc.with_pages(pages);
    let bytes = doc.save(&pp::PdfSaveOptions::default(), &mut warnings);
    Ok(stable_id(bytes))
}
