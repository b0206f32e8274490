//! CSV (and TSV/TXT) sources: transcode to UTF-8, sniff delimiter and header row, then let
//! polars parse the whole file in parallel with every column as text (ids stay text, nothing is
//! inferred). Part of the ingest stage.

use super::encoding::decode_owned;
use super::header::{HEADER_SEARCH_ROWS, clean_headers, detect_header_row};
use super::ledger::Msg;
use super::parse::decimal::DecimalSep;
use super::raw::{RawDetection, RawTable, RowNumbers, column_name};
use super::sniff::{detect_delimiter, records, sample};
use crate::config::SourceConfig;
use crate::tables::TableKind;
use polars::prelude::*;
use std::io::Cursor;
use std::path::Path;

/// Reads a delimited text file. Errors are complete messages naming the file.
pub(crate) fn read_csv(
    path: &Path,
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
) -> Result<RawTable, String> {
    let bytes = std::fs::read(path).map_err(|e| Msg::unreadable(shown, &e))?;
    let (text, encoding, had_errors) =
        decode_owned(bytes, src.encoding.as_deref()).map_err(|e| format!("{shown}: {e}"))?;
    let text: &[u8] = &text;
    let (head, whole) = sample(text);
    // Excel writes `sep=;` as a first line when asked to keep the delimiter explicit.
    let sep_line = head
        .strip_prefix("sep=")
        .and_then(|r| r.bytes().next())
        .filter(|b| !matches!(b, b'\r' | b'\n'));
    let delimiter = match (src.delimiter, sep_line) {
        (Some(d), _) if d.is_ascii() && d != '"' => d as u8,
        (Some(d), _) => return Err(format!("{shown}: {}", Msg::bad_delimiter(d))),
        (None, Some(b)) => b,
        (None, None) => detect_delimiter(head, whole),
    };
    let first_rows: Vec<Vec<String>> = records(head, delimiter, HEADER_SEARCH_ROWS, whole)
        .into_iter()
        .map(|r| r.fields)
        .collect();
    if first_rows
        .iter()
        .all(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        return Err(Msg::empty_file(shown));
    }
    let header_idx = match src.header_row {
        Some(r) => r - 1,
        None => detect_header_row(&first_rows, table),
    };
    let header_cells = first_rows.get(header_idx).cloned().unwrap_or_default();
    let options = CsvReadOptions::default()
        .with_has_header(true)
        .with_skip_rows(header_idx)
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|p| {
            p.with_separator(delimiter)
                .with_quote_char(Some(b'"'))
                .with_truncate_ragged_lines(true)
                .with_missing_is_null(true)
                .with_encoding(CsvEncoding::LossyUtf8)
        });
    let mut frame = options
        .into_reader_with_file_handle(Cursor::new(text))
        .finish()
        .map_err(|e| Msg::unreadable(shown, &e))?;
    let width = frame.width();
    let mut cells = header_cells;
    cells.resize(width, String::new());
    let headers = clean_headers(&cells);
    let names: Vec<PlSmallStr> = (0..width).map(column_name).collect();
    frame
        .set_column_names(&names)
        .map_err(|e| Msg::unreadable(shown, &e))?;
    let (frame, rows, empty) = drop_empty_rows(frame, header_idx + 2);
    let mut warnings = Vec::new();
    if had_errors {
        warnings.push(Msg::decode_errors(encoding));
    }
    let decimal_hint = match src.decimal.and_then(DecimalSep::from_char) {
        Some(d) => Some(d),
        None if delimiter == b';' => Some(DecimalSep::Comma),
        None => None,
    };
    Ok(RawTable {
        headers,
        frame,
        rows,
        detection: RawDetection {
            encoding: Some(encoding.to_string()),
            delimiter: Some(delimiter as char),
            header_row: Some(header_idx + 1),
            decimal_hint,
            day_first_hint: delimiter == b';'
                || encoding == "windows-1252"
                || decimal_hint == Some(DecimalSep::Comma),
            serial_base: None,
        },
        empty_rows_skipped: empty,
        warnings,
    })
}

/// Removes rows where every cell is empty (polars keeps blank lines and `;;;` lines as null
/// rows); `first_row` is the file row of data row 0.
pub(crate) fn drop_empty_rows(
    frame: DataFrame,
    first_row: usize,
) -> (DataFrame, RowNumbers, usize) {
    let n = frame.height();
    let mut empty = BooleanChunked::full("empty".into(), true, n);
    for c in frame.columns() {
        let blank = match c.str() {
            Ok(s) => {
                let eq_empty = s.equal("");
                let eq_empty = eq_empty.fill_null_with_values(false).unwrap_or(eq_empty);
                &s.is_null() | &eq_empty
            }
            Err(_) => c.is_null(),
        };
        empty = &empty & &blank;
        // Once no row is blank in every column so far, none can be: skip the other columns
        // (the usual case, decided by the first column of a file without blank lines).
        if !empty.any() {
            break;
        }
    }
    let count = empty.sum().unwrap_or(0) as usize;
    if count == 0 {
        return (frame, RowNumbers::Offset(first_row), 0);
    }
    let keep: Vec<bool> = empty.iter().map(|e| e != Some(true)).collect();
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    let rows = RowNumbers::Offset(first_row).filter(&keep);
    match frame.filter(&mask) {
        Ok(f) => (f, rows, count),
        Err(_) => (frame, RowNumbers::Offset(first_row), 0),
    }
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
