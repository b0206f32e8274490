//! The report's labels and sentence templates in each language, from `templates/i18n/*.toml`
//! embedded in the binary (render stage; depends on nothing but the language enum).
//!
//! Keys are dotted paths into the TOML tables (`section.retention`). Templates take named
//! placeholders in braces: `Página {n} de {m}`.

use crate::domain::Lang;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const ES: &str = include_str!("../../templates/i18n/es.toml");
const EN: &str = include_str!("../../templates/i18n/en.toml");

/// The strings of one language.
#[derive(Debug)]
pub struct Strings {
    table: toml::Table,
    flat: BTreeMap<String, String>,
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

impl Strings {
    fn parse(source: &str) -> Result<Strings, toml::de::Error> {
        let table: toml::Table = toml::from_str(source)?;
        let mut flat = BTreeMap::new();
        flatten("", &table, &mut flat);
        Ok(Strings { table, flat })
    }

    /// The string under `key`; a missing key comes back as `key` itself so that it shows in
    /// the output (the tests check that every key used exists in both files).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.flat.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The template under `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// Whether `key` exists.
    pub fn has(&self, key: &str) -> bool {
        self.flat.contains_key(key)
    }

    /// The nested tables, as handed to the HTML templates (`{{ t.section.retention }}`).
    pub fn table(&self) -> &toml::Table {
        &self.table
    }

    /// Every dotted key.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.flat.keys().map(String::as_str)
    }
}

/// The strings of `lang`, parsed once per process.
pub fn strings(lang: Lang) -> &'static Strings {
    static ES_STRINGS: OnceLock<Strings> = OnceLock::new();
    static EN_STRINGS: OnceLock<Strings> = OnceLock::new();
    let (cell, source) = match lang {
        Lang::Es => (&ES_STRINGS, ES),
        Lang::En => (&EN_STRINGS, EN),
    };
    // The files are compiled in and parsed by the tests below, so this cannot fail at run time.
    cell.get_or_init(|| Strings::parse(source).expect("embedded i18n file parses"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_language_files_parse_and_have_exactly_the_same_keys() {
        let es = Strings::parse(ES).expect("es.toml parses");
        let en = Strings::parse(EN).expect("en.toml parses");
        let es_keys: Vec<&str> = es.keys().collect();
        let en_keys: Vec<&str> = en.keys().collect();
        let only_es: Vec<_> = es_keys.iter().filter(|k| !en.has(k)).collect();
        let only_en: Vec<_> = en_keys.iter().filter(|k| !es.has(k)).collect();
        assert!(
            only_es.is_empty() && only_en.is_empty(),
            "es only: {only_es:?}, en only: {only_en:?}"
        );
        assert!(
            es_keys.len() > 60,
            "expected a full set of labels, got {}",
            es_keys.len()
        );
    }

    #[test]
    fn placeholders_are_the_same_in_both_languages() {
        let placeholders = |s: &str| {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            v.sort();
            v
        };
        let (es, en) = (strings(Lang::Es), strings(Lang::En));
        for key in es.keys() {
            assert_eq!(
                placeholders(es.get(key)),
                placeholders(en.get(key)),
                "key {key}"
            );
        }
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        assert_eq!(
            strings(Lang::Es).fill("page.n_of_m", &[("n", "2"), ("m", "14")]),
            "Página 2 de 14"
        );
        assert_eq!(
            strings(Lang::En).fill("page.n_of_m", &[("n", "2"), ("m", "14")]),
            "Page 2 of 14"
        );
        assert_eq!(strings(Lang::En).get("no.such.key"), "no.such.key");
    }
}
