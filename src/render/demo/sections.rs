//! Helpers shared by the sample sections, and the list of sections in report order (render
//! stage, demo).

use crate::cli::Lang;
use crate::period::Period;
use crate::render::charts::ChartSpec;
use crate::render::document::{Block, Chart, Section, SectionKind};
use crate::render::i18n::strings;
use crate::render::locale::Locale;

pub(super) fn es(l: &Locale) -> bool {
    l.lang == Lang::Es
}

pub(super) fn text(l: &Locale, es_text: &str, en_text: &str) -> String {
    if es(l) {
        es_text.to_string()
    } else {
        en_text.to_string()
    }
}

pub(super) fn chart(l: &Locale, key: &str, caption: Option<String>, spec: ChartSpec) -> Block {
    Block::Chart(Chart {
        title: strings(l.lang).get(key).to_string(),
        caption,
        spec,
    })
}

/// All sections of the sample report.
pub(super) fn sections(l: &Locale, period: &Period) -> Vec<Section> {
    vec![
        super::retention::retention(l, period),
        super::value::value(l),
        super::service::complaints(l, period),
        super::service::contact(l, period),
        Section {
            kind: SectionKind::Findings,
            blocks: vec![Block::Findings(super::findings(l, period))],
        },
        super::appendix::appendix(l),
    ]
}
