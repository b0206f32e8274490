//! The synonym table (`synonyms.toml`, compiled in) and header normalisation: which header names
//! mean which canonical column, which file names mean which table, which first cells mark a
//! totals row. Part of the ingest stage; depends only on the table definitions.

use crate::tables::TableKind;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

const SYNONYMS_TOML: &str = include_str!("synonyms.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymFile {
    all: BTreeMap<String, Vec<String>>,
    customers: BTreeMap<String, Vec<String>>,
    transactions: BTreeMap<String, Vec<String>>,
    interactions: BTreeMap<String, Vec<String>>,
    complaints: BTreeMap<String, Vec<String>>,
    surveys: BTreeMap<String, Vec<String>>,
    customer_key: CustomerKeyFile,
    amounts: AmountsFile,
    file_names: BTreeMap<TableKind, Vec<String>>,
    totals: TotalsFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerKeyFile {
    email: Vec<String>,
    name: Vec<String>,
    tax_id: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AmountsFile {
    discount_pct: Vec<String>,
    discount_amount: Vec<String>,
    gross: Vec<String>,
    tax_rate: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TotalsFile {
    words: Vec<String>,
}

/// The synonym table with every name already normalised.
pub(crate) struct Synonyms {
    columns: HashMap<(TableKind, &'static str), Vec<String>>,
    known: HashMap<TableKind, HashSet<String>>,
    pub(crate) key_email: Vec<String>,
    pub(crate) key_name: Vec<String>,
    /// Tax-id headers (issue 18).
    pub(crate) key_tax: Vec<String>,
    /// Discount percentage headers.
    pub(crate) discount_pct: Vec<String>,
    /// Discount amount headers.
    pub(crate) discount_amount: Vec<String>,
    /// Headers of amounts that include tax.
    pub(crate) gross: Vec<String>,
    /// Tax rate headers.
    pub(crate) tax_rate: Vec<String>,
    file_names: Vec<(TableKind, Vec<String>)>,
    totals: Vec<String>,
}

/// The compiled-in synonym table. A unit test proves it parses, so the `expect` cannot fire in a
/// released binary.
pub(crate) fn synonyms() -> &'static Synonyms {
    static CELL: OnceLock<Synonyms> = OnceLock::new();
    CELL.get_or_init(|| build(SYNONYMS_TOML).expect("synonyms.toml is valid (tested)"))
}

fn build(text: &str) -> Result<Synonyms, String> {
    let file: SynonymFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let norm = |v: &[String]| v.iter().map(|s| normalize_header(s)).collect::<Vec<_>>();
    let per_table = [
        (TableKind::Customers, &file.customers),
        (TableKind::Transactions, &file.transactions),
        (TableKind::Interactions, &file.interactions),
        (TableKind::Complaints, &file.complaints),
        (TableKind::Surveys, &file.surveys),
    ];
    let mut columns = HashMap::new();
    let mut known: HashMap<TableKind, HashSet<String>> = HashMap::new();
    let key_email = norm(&file.customer_key.email);
    let key_name = norm(&file.customer_key.name);
    let key_tax = norm(&file.customer_key.tax_id);
    for (table, own) in per_table {
        for key in own.keys().chain(file.all.keys()) {
            if table.column(key).is_none() && !file.all.contains_key(key) {
                return Err(format!(
                    "[{}] {key} is not a canonical column",
                    table.name()
                ));
            }
        }
        let set = known.entry(table).or_default();
        set.extend(key_email.iter().cloned());
        set.extend(key_name.iter().cloned());
        set.extend(key_tax.iter().cloned());
        for spec in table.columns() {
            let mut names = vec![normalize_header(spec.name)];
            for source in [file.all.get(spec.name), own.get(spec.name)]
                .into_iter()
                .flatten()
            {
                for n in norm(source) {
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
            }
            set.extend(names.iter().cloned());
            columns.insert((table, spec.name), names);
        }
    }
    let file_names = file
        .file_names
        .iter()
        .map(|(t, words)| (*t, norm(words)))
        .collect::<Vec<_>>();
    Ok(Synonyms {
        columns,
        known,
        key_email,
        key_name,
        key_tax,
        discount_pct: norm(&file.amounts.discount_pct),
        discount_amount: norm(&file.amounts.discount_amount),
        gross: norm(&file.amounts.gross),
        tax_rate: norm(&file.amounts.tax_rate),
        file_names,
        totals: norm(&file.totals.words),
    })
}

impl Synonyms {
    /// Normalised names of one canonical column, best first (the canonical name itself first).
    pub(crate) fn candidates(&self, table: TableKind, column: &'static str) -> &[String] {
        self.columns
            .get(&(table, column))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether a normalised header is a known name for some column of `table` (or of any table).
    pub(crate) fn is_known(&self, normalised: &str, table: Option<TableKind>) -> bool {
        match table {
            Some(t) => self.known.get(&t).is_some_and(|s| s.contains(normalised)),
            None => self.known.values().any(|s| s.contains(normalised)),
        }
    }

    /// The table a file or sheet name points at: the first word of the name that is a table
    /// keyword (`export_incidencias_clientes` → complaints).
    pub(crate) fn table_from_name(&self, name: &str) -> Option<TableKind> {
        let normalised = normalize_header(name);
        normalised.split(' ').find_map(|word| {
            let word = word.trim_end_matches(|c: char| c.is_ascii_digit());
            self.file_names
                .iter()
                .find(|(_, words)| words.iter().any(|w| w == word))
                .map(|(t, _)| *t)
        })
    }

    /// Whether a first cell marks a totals row (`TOTAL`, `Totales`, `Suma`, `Total general:`).
    pub(crate) fn is_totals_word(&self, cell: &str) -> bool {
        let n = normalize_header(cell);
        !n.is_empty() && self.totals.contains(&n)
    }
}

/// Normalises a header for comparison: camelCase split, lower case, accents folded, `º`/`°` read
/// as `o`, punctuation as spaces; then `nº`/`no`/`num`/`numero`/`nro`/`number`/`#` become `no`,
/// `cod`/`codigo` become `cod`, `e mail` becomes `email`, and de/del/la/el/of/the are dropped.
/// Vendor markers (`*InvoiceDate`, `Amount (required)`) and currencies (`Amount (EUR)`,
/// `Importe €`) are dropped too, unless nothing else is left.
pub(crate) fn normalize_header(h: &str) -> String {
    let n = normalize_words(h);
    let kept: Vec<&str> = n.split(' ').filter(|w| !marker_word(w)).collect();
    if kept.is_empty() || kept.len() == n.split(' ').count() {
        n
    } else {
        kept.join(" ")
    }
}

/// Words vendors add to a header that do not change its meaning (issue 18).
fn marker_word(w: &str) -> bool {
    matches!(
        w,
        "required"
            | "obligatorio"
            | "requerido"
            | "optional"
            | "opcional"
            | "eur"
            | "euro"
            | "euros"
            | "usd"
            | "gbp"
            | "chf"
            | "mxn"
            | "brl"
    )
}

pub(crate) fn normalize_words(h: &str) -> String {
    let chars: Vec<char> = h
        .trim_matches(|c: char| c == '\u{feff}' || c.is_whitespace())
        .chars()
        .collect();
    let mut folded = String::with_capacity(h.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || (prev.is_uppercase() && next_lower) {
                folded.push(' ');
            }
        }
        for l in c.to_lowercase() {
            match fold_char(l) {
                Some(f) => folded.push(f),
                None if l == '#' => folded.push_str(" no "),
                None => folded.push(' '),
            }
        }
    }
    let mut out: Vec<&str> = Vec::new();
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w == "e" && words.get(i + 1) == Some(&"mail") {
            out.push("email");
            i += 2;
            continue;
        }
        match w {
            "de" | "del" | "la" | "el" | "los" | "las" | "of" | "the" => {}
            "no" | "num" | "numero" | "nro" | "number" | "nr" => out.push("no"),
            "cod" | "codigo" => out.push("cod"),
            _ => out.push(w),
        }
        i += 1;
    }
    out.join(" ")
}

/// Lower-case letters and digits with accents removed; `None` for punctuation.
fn fold_char(c: char) -> Option<char> {
    Some(match c {
        'á' | 'à' | 'ä' | 'â' | 'ã' | 'ª' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' | 'õ' | 'º' | '°' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        c if c.is_alphanumeric() => c,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonym_file_parses_and_names_only_canonical_columns() {
        let s = build(SYNONYMS_TOML).unwrap();
        assert_eq!(
            s.candidates(TableKind::Transactions, "net_amount")[0],
            "net amount"
        );
    }

    #[test]
    fn spanish_code_and_number_variants_normalise_alike() {
        for h in [
            "Cód. cliente",
            "Código de cliente",
            "cod_cliente",
            "COD CLIENTE",
        ] {
            assert_eq!(normalize_header(h), "cod cliente", "{h}");
        }
        for h in [
            "Nº factura",
            "N° factura",
            "No. factura",
            "Núm. factura",
            "Número de factura",
        ] {
            assert_eq!(normalize_header(h), "no factura", "{h}");
        }
    }

    #[test]
    fn camel_case_and_snake_case_split_into_words() {
        assert_eq!(normalize_header("InvoiceDate"), "invoice date");
        assert_eq!(normalize_header("CustomerID"), "customer id");
        assert_eq!(normalize_header("customer_id"), "customer id");
        assert_eq!(normalize_header("CaseNumber"), "case no");
        assert_eq!(normalize_header("Invoice #"), "invoice no");
        assert_eq!(normalize_header("\u{feff}Customer ID"), "customer id");
        assert_eq!(normalize_header("E-mail"), "email");
    }

    #[test]
    fn vendor_markers_units_and_currencies_are_dropped() {
        assert_eq!(normalize_header("*InvoiceDate"), "invoice date");
        assert_eq!(normalize_header("*UnitAmount"), "unit amount");
        assert_eq!(normalize_header("Amount (EUR)"), "amount");
        assert_eq!(normalize_header("Importe €"), "importe");
        assert_eq!(normalize_header("Customer (required)"), "customer");
        assert_eq!(normalize_header("Total (USD) *"), "total");
        // A header that is only a currency keeps it.
        assert_eq!(normalize_header("EUR"), "eur");
    }

    #[test]
    fn every_header_of_the_sample_exports_is_known() {
        let s = synonyms();
        let headers = [
            (TableKind::Customers, "Coste captación"),
            (TableKind::Transactions, "Precio unitario"),
            (TableKind::Complaints, "Resuelta primer contacto"),
            (TableKind::Complaints, "Ticket Id"),
            (TableKind::Surveys, "NPS Score"),
            (TableKind::Interactions, "Activity Type"),
        ];
        for (t, h) in headers {
            assert!(s.is_known(&normalize_header(h), Some(t)), "{h}");
        }
    }

    #[test]
    fn file_names_point_at_tables_by_their_first_keyword() {
        let s = synonyms();
        assert_eq!(
            s.table_from_name("facturas_2026"),
            Some(TableKind::Transactions)
        );
        assert_eq!(
            s.table_from_name("export_incidencias_clientes"),
            Some(TableKind::Complaints)
        );
        assert_eq!(
            s.table_from_name("HubSpot Contacts"),
            Some(TableKind::Customers)
        );
        assert_eq!(
            s.table_from_name("customers2026"),
            Some(TableKind::Customers)
        );
        assert_eq!(
            s.table_from_name("salesforce accounts"),
            Some(TableKind::Customers)
        );
        assert_eq!(s.table_from_name("notes"), None);
    }

    #[test]
    fn totals_words_are_recognised_in_any_case() {
        let s = synonyms();
        assert!(s.is_totals_word("TOTAL"));
        assert!(s.is_totals_word("Totales:"));
        assert!(s.is_totals_word("Total general"));
        assert!(!s.is_totals_word("C000123"));
    }
}
