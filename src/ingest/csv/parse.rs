//! polars' parse of CSV text, every column as text (ids stay text, nothing is inferred): the
//! whole of a file read whole, and the first slice of one read in slices (its delimiter and
//! header row sniffed from the first rows); any later slice the direct reader leaves to it.
//! Part of the CSV reader.

use super::CsvError;
use crate::config::SourceConfig;
use crate::ingest::header::{HEADER_SEARCH_ROWS, clean_headers, detect_header_row};
use crate::ingest::ledger::Msg;
use crate::ingest::parse::decimal::DecimalSep;
use crate::ingest::raw::{RawDetection, RawTable, RowNumbers, column_name};
use crate::ingest::sniff::{detect_delimiter, records, sample};
use crate::tables::TableKind;
use polars::prelude::*;
use std::io::Cursor;

/// Sniffs the delimiter and header row of UTF-8 text and lets polars parse it.
pub(super) fn parse_text(
    text: &[u8],
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
    encoding: &'static str,
    had_errors: bool,
    polars_encoding: CsvEncoding,
) -> Result<RawTable, CsvError> {
    let clock = std::time::Instant::now();
    let sniffed = sniff_text(text, shown, src, table, encoding, had_errors)?;
    let raw = parse_slice(text, shown, &sniffed, None, polars_encoding)?.0;
    tracing::debug!(
        source = shown,
        ms = clock.elapsed().as_millis() as u64,
        "csv parsed"
    );
    Ok(raw)
}

/// What the first rows of a text file say about all of it.
pub(super) struct Sniffed {
    pub(super) delimiter: u8,
    /// 0-based record of the header.
    pub(super) header_idx: usize,
    pub(super) header_cells: Vec<String>,
    pub(super) detection: RawDetection,
    pub(super) warnings: Vec<String>,
}

pub(super) fn sniff_text(
    text: &[u8],
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
    encoding: &'static str,
    had_errors: bool,
) -> Result<Sniffed, CsvError> {
    let (head, whole) = sample(text);
    // Excel writes `sep=;` as a first line when asked to keep the delimiter explicit.
    let sep_line = head
        .strip_prefix("sep=")
        .and_then(|r| r.bytes().next())
        .filter(|b| !matches!(b, b'\r' | b'\n'));
    let delimiter = match (src.delimiter, sep_line) {
        (Some(d), _) if d.is_ascii() && d != '"' => d as u8,
        (Some(d), _) => {
            let message = format!("{shown}: {}", Msg::bad_delimiter(d));
            return Err(CsvError::Unreadable(message));
        }
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
        return Err(CsvError::Unreadable(Msg::empty_file(shown)));
    }
    let header_idx = match src.header_row {
        Some(r) => r - 1,
        None => detect_header_row(&first_rows, table),
    };
    let header_cells = first_rows.get(header_idx).cloned().unwrap_or_default();
    let mut warnings = Vec::new();
    if had_errors {
        warnings.push(Msg::decode_errors(encoding));
    }
    let decimal_hint = match src.decimal.and_then(DecimalSep::from_char) {
        Some(d) => Some(d),
        None if delimiter == b';' => Some(DecimalSep::Comma),
        None => None,
    };
    Ok(Sniffed {
        delimiter,
        header_idx,
        header_cells,
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
        warnings,
    })
}

/// Where a slice after the first starts: the file row of its first record and the number of
/// columns the header gave.
#[derive(Debug, Clone, Copy)]
pub(super) struct Continuation {
    pub(super) first_row: usize,
    pub(super) width: usize,
}

/// Lets polars parse `text`: the file from its start (header included) when `cont` is `None`,
/// else a slice of whole records further on. Returns the table and the number of records
/// parsed (blank ones included, for the next slice's row numbers).
pub(super) fn parse_slice(
    text: &[u8],
    shown: &str,
    sniffed: &Sniffed,
    cont: Option<Continuation>,
    polars_encoding: CsvEncoding,
) -> Result<(RawTable, usize), CsvError> {
    let options = match cont {
        None => CsvReadOptions::default()
            .with_has_header(true)
            .with_skip_rows(sniffed.header_idx),
        Some(c) => {
            let schema: Schema = (0..c.width)
                .map(|i| Field::new(column_name(i), DataType::String))
                .collect();
            CsvReadOptions::default()
                .with_has_header(false)
                .with_schema(Some(Arc::new(schema)))
        }
    };
    let options = options
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|p| {
            p.with_separator(sniffed.delimiter)
                .with_quote_char(Some(b'"'))
                .with_truncate_ragged_lines(true)
                .with_missing_is_null(true)
                .with_encoding(polars_encoding)
        });
    let mut frame = options
        .into_reader_with_file_handle(Cursor::new(text))
        .finish()
        .map_err(|e| {
            let message = Msg::unreadable(shown, &e);
            // polars stops at the first byte that is not UTF-8 when told the text is; the bytes
            // themselves, not the message's wording, say whether that is why it stopped.
            let utf8 = matches!(polars_encoding, CsvEncoding::Utf8);
            if utf8 && std::str::from_utf8(text).is_err() {
                CsvError::NotUtf8(message)
            } else {
                CsvError::Unreadable(message)
            }
        })?;
    let width = frame.width();
    let mut cells = sniffed.header_cells.clone();
    cells.resize(width, String::new());
    let headers = clean_headers(&cells);
    let names: Vec<PlSmallStr> = (0..width).map(column_name).collect();
    frame
        .set_column_names(&names)
        .map_err(|e| Msg::unreadable(shown, &e))?;
    let records = frame.height();
    let first_row = cont.map_or(sniffed.header_idx + 2, |c| c.first_row);
    let (frame, rows, empty) = drop_empty_rows(frame, first_row);
    Ok((
        RawTable {
            headers,
            frame,
            rows,
            detection: sniffed.detection.clone(),
            empty_rows_skipped: empty,
            warnings: if cont.is_none() {
                sniffed.warnings.clone()
            } else {
                Vec::new()
            },
        },
        records,
    ))
}

/// Removes rows where every cell is empty (polars keeps blank lines and `;;;` lines as null
/// rows); `first_row` is the file row of data row 0.
fn drop_empty_rows(frame: DataFrame, first_row: usize) -> (DataFrame, RowNumbers, usize) {
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
