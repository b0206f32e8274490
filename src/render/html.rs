//! The HTML report: Tera templates compiled into the binary, overridable file by file from a
//! `--templates` folder (render stage; depends on the model, the chart set and the labels).
//!
//! Text is escaped by Tera's autoescaping; only the SVG drawn by [`super::charts`] is inserted
//! with `| safe`. The page needs no network and no JavaScript.

use super::RenderError;
use super::chart_set::ChartSet;
use super::document::{Block, Report};
use super::i18n::strings;
use serde::Serialize;
use std::path::Path;
use tera::{Context, Tera};

/// The built-in templates: (name, source). An override folder may replace any of them.
const TEMPLATES: [(&str, &str); 3] = [
    ("report.html", include_str!("../../templates/report.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("style.css", include_str!("../../templates/style.css")),
];

#[derive(Serialize)]
struct BlockView<'a> {
    block: &'a Block,
    svg: Option<&'a str>,
}

#[derive(Serialize)]
struct SectionView<'a> {
    number: usize,
    kind: super::SectionKind,
    title: &'a str,
    blocks: Vec<BlockView<'a>>,
}

#[derive(Serialize)]
struct View<'a> {
    report: &'a Report,
    lang: &'static str,
    t: &'a toml::Table,
    has_summary: bool,
    sparklines: Vec<&'a str>,
    summary_charts: Vec<&'a str>,
    sections: Vec<SectionView<'a>>,
    footer: String,
    confidentiality: String,
}

/// Tera's error with its causes, which hold the useful part (line, variable).
fn chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn load(templates: Option<&Path>) -> Result<Tera, RenderError> {
    let mut sources: Vec<(&str, String)> = Vec::with_capacity(TEMPLATES.len());
    for (name, builtin) in TEMPLATES {
        let source = match templates.map(|dir| dir.join(name)).filter(|p| p.is_file()) {
            Some(path) => std::fs::read_to_string(&path)
                .map_err(|source| RenderError::TemplateRead { path, source })?,
            None => builtin.to_string(),
        };
        sources.push((name, source));
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.add_raw_templates(sources)
        .map_err(|e| RenderError::Template {
            name: "templates".into(),
            message: chain(&e),
        })?;
    Ok(tera)
}

pub(super) fn render(
    report: &Report,
    charts: &ChartSet,
    templates: Option<&Path>,
) -> Result<String, RenderError> {
    let tera = load(templates)?;
    let s = strings(report.meta.lang);
    let sections = report
        .sections
        .iter()
        .enumerate()
        .map(|(i, sec)| SectionView {
            number: i + 1,
            kind: sec.kind,
            title: s.get(sec.kind.title_key()),
            blocks: sec
                .blocks
                .iter()
                .enumerate()
                .map(|(j, block)| BlockView {
                    block,
                    svg: charts
                        .sections
                        .get(i)
                        .and_then(|v| v.get(j))
                        .and_then(|o| o.as_ref())
                        .map(|d| d.svg.as_str()),
                })
                .collect(),
        })
        .collect();
    let meta = &report.meta;
    let view = View {
        report,
        lang: match meta.lang {
            crate::domain::Lang::Es => "es",
            crate::domain::Lang::En => "en",
        },
        t: s.table(),
        has_summary: report.has_summary(),
        sparklines: charts.tiles.iter().map(|p| p.svg.as_str()).collect(),
        summary_charts: charts.summary.iter().map(|d| d.svg.as_str()).collect(),
        sections,
        footer: s.fill(
            "report.footer",
            &[("client", &meta.client), ("period", &meta.period_short)],
        ),
        confidentiality: report.confidentiality_note(),
    };
    let context = Context::from_serialize(&view).map_err(|e| RenderError::Template {
        name: "report.html".into(),
        message: chain(&e),
    })?;
    tera.render("report.html", &context)
        .map_err(|e| RenderError::Template {
            name: "report.html".into(),
            message: chain(&e),
        })
}
