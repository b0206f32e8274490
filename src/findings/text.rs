//! Finding templates per language, from `templates/i18n/findings_<lang>.toml` (embedded).

use crate::domain::Lang;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Named arguments of a template: `{name}` is replaced by the formatted value.
pub(super) type Args = Vec<(&'static str, String)>;

/// The texts of one rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FindingText {
    pub(super) title: String,
    pub(super) statement: String,
    pub(super) recommendation: String,
    pub(super) stake: String,
}

type Table = BTreeMap<String, FindingText>;

const ES: &str = include_str!("../../templates/i18n/findings_es.toml");
const EN: &str = include_str!("../../templates/i18n/findings_en.toml");

pub(super) fn table(lang: Lang) -> &'static Table {
    static ES_T: OnceLock<Table> = OnceLock::new();
    static EN_T: OnceLock<Table> = OnceLock::new();
    // The files are compiled in and checked by tests, so a parse failure is a build defect.
    let parse = |src: &str| toml::from_str::<Table>(src).expect("embedded findings templates");
    match lang {
        Lang::Es => ES_T.get_or_init(|| parse(ES)),
        Lang::En => EN_T.get_or_init(|| parse(EN)),
    }
}

/// The texts of rule `id`; every rule id has an entry in both files (tested).
pub(super) fn get(lang: Lang, id: &str) -> &'static FindingText {
    &table(lang)[id]
}

/// Replaces each `{name}` in `template` by its value.
pub(super) fn fill(template: &str, args: &Args) -> String {
    args.iter().fold(template.to_string(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}
