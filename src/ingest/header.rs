//! Finding the header row among the first rows of a file or sheet (title rows above it are
//! skipped) and cleaning the header cells (blank and repeated names). Part of the ingest stage;
//! depends on the synonym table.

use super::synonyms::{normalize_header, synonyms};
use crate::tables::TableKind;
use std::collections::{HashMap, HashSet};

/// How many leading rows are searched for the header.
pub(crate) const HEADER_SEARCH_ROWS: usize = 30;

/// Index (0-based, among `rows`) of the row whose cells best match known header names; without
/// any match, the first row with the most non-empty cells.
pub(crate) fn detect_header_row(rows: &[Vec<String>], table: Option<TableKind>) -> usize {
    let syn = synonyms();
    let mut best = (0usize, 0usize);
    for (i, row) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let mut seen = Vec::new();
        let score = row
            .iter()
            .map(|c| normalize_header(c))
            .filter(|n| !n.is_empty() && syn.is_known(n, table))
            .filter(|n| {
                let fresh = !seen.contains(n);
                seen.push(n.clone());
                fresh
            })
            .count();
        if score > best.1 {
            best = (i, score);
        }
    }
    if best.1 > 0 {
        return best.0;
    }
    let filled = |r: &Vec<String>| r.iter().filter(|c| !c.trim().is_empty()).count();
    let widest = rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .map(filled)
        .max()
        .unwrap_or(0);
    rows.iter().position(|r| filled(r) == widest).unwrap_or(0)
}

/// Header cells as shown to people: trimmed, a blank one named after its position (`column 4`),
/// a repeated one suffixed (`Importe (2)`), so every column can be named in messages.
pub(crate) fn clean_headers(cells: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(cells.len());
    // Names taken so far, and per base name the next suffix to try: a header repeated thousands
    // of times (a merged region across a whole row) took cubic time with a search of the list
    // for every suffix (found by fuzzing, issue 17). Names are never released, so every suffix
    // below a base's counter is still taken and the names given are the same.
    let mut taken: HashSet<String> = HashSet::with_capacity(cells.len());
    let mut next: HashMap<String, usize> = HashMap::new();
    for (i, c) in cells.iter().enumerate() {
        let base = base_name(c, i);
        let mut name = base.clone();
        if taken.contains(&name) {
            let n = next.entry(base.clone()).or_insert(2);
            name = format!("{base} ({n})");
            while taken.contains(&name) {
                *n += 1;
                name = format!("{base} ({n})");
            }
            *n += 1;
        }
        taken.insert(name.clone());
        out.push(name);
    }
    out
}

/// A header cell trimmed (byte-order mark and line breaks too), or `column N` when blank.
fn base_name(cell: &str, i: usize) -> String {
    let base = cell
        .trim()
        .trim_start_matches('\u{feff}')
        .replace(['\r', '\n'], " ");
    if base.is_empty() {
        format!("column {}", i + 1)
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn title_rows_above_the_header_are_skipped() {
        let r = rows(&[
            &["Listado de clientes — Ferretería Sol", "", ""],
            &["", "", ""],
            &["Cód. cliente", "Razón social", "Email"],
            &["C000001", "Sol SL", "a@b.es"],
        ]);
        assert_eq!(detect_header_row(&r, Some(TableKind::Customers)), 2);
        assert_eq!(detect_header_row(&r, None), 2);
    }

    #[test]
    fn a_data_row_mentioning_a_header_word_does_not_win() {
        let r = rows(&[
            &["Customer ID", "Activity Date", "Channel"],
            &["C1", "2026-03-14", "Email"],
        ]);
        assert_eq!(detect_header_row(&r, None), 0);
    }

    #[test]
    fn without_known_names_the_widest_row_is_the_header() {
        let r = rows(&[
            &["Report", "", ""],
            &["foo", "bar", "baz"],
            &["1", "2", "3"],
        ]);
        assert_eq!(detect_header_row(&r, None), 1);
    }

    #[test]
    fn blank_and_repeated_header_cells_get_distinct_names() {
        let cells: Vec<String> = ["Importe", "", "Importe", " Fecha\n"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            clean_headers(&cells),
            vec!["Importe", "column 2", "Importe (2)", "Fecha"]
        );
    }

    /// The names as first written: the first free of `base`, `base (2)`, `base (3)`, ...
    fn naive(cells: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (i, c) in cells.iter().enumerate() {
            let base = base_name(c, i);
            let (mut name, mut n) = (base.clone(), 2);
            while out.contains(&name) {
                name = format!("{base} ({n})");
                n += 1;
            }
            out.push(name);
        }
        out
    }

    #[test]
    fn repeated_names_get_the_same_suffixes_as_a_plain_search() {
        // Literal names that collide with generated suffixes, blanks whose generated name is
        // also a literal, and long runs of one name.
        let words = [
            "a",
            "a (2)",
            "a (3)",
            "b",
            "",
            "column 6",
            "a (2) (2)",
            " a ",
        ];
        let mut state = 7u64;
        for _ in 0..300 {
            let len = (state % 40) as usize;
            let cells: Vec<String> = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    words[(state >> 33) as usize % words.len()].to_string()
                })
                .collect();
            assert_eq!(clean_headers(&cells), naive(&cells), "{cells:?}");
        }
    }

    #[test]
    fn a_header_repeated_across_a_whole_row_is_named_at_once() {
        // 16,384 copies: what a merged region over a whole sheet row gives (a fuzzer input that
        // used to run for hours).
        let cells = vec!["customer_id".to_string(); 16_384];
        let names = clean_headers(&cells);
        assert_eq!(names[0], "customer_id");
        assert_eq!(names[16_383], "customer_id (16384)");
        assert_eq!(names.iter().collect::<HashSet<_>>().len(), 16_384);
    }
}
