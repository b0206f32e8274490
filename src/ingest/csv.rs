//! CSV (and TSV/TXT) sources: transcode to UTF-8, sniff delimiter and header row, then let
//! polars parse the whole file in parallel with every column as text (ids stay text, nothing is
//! inferred). Part of the ingest stage.

use super::encoding::{decode_owned, windows_1252_for_slices};
use super::header::{HEADER_SEARCH_ROWS, clean_headers, detect_header_row};
use super::ledger::Msg;
use super::parse::decimal::DecimalSep;
use super::raw::{RawDetection, RawTable, RowNumbers, column_name};
use super::sniff::{SAMPLE_BYTES, detect_delimiter, records, sample};
use crate::config::SourceConfig;
use crate::tables::TableKind;
use polars::prelude::*;
use std::io::Cursor;
use std::path::Path;

/// Reads a delimited text file. Errors are complete messages naming the file.
///
/// A file that looks like UTF-8 is mapped into memory and parsed in place, so that polars'
/// threads read the disk while they parse (on a machine whose page cache does not hold a 2 GB
/// export, reading it whole first took longer than parsing it). Should a later byte turn out not
/// to be UTF-8, polars stops and the file is read again the general way: whole, its encoding
/// detected over every byte, transcoded.
pub(crate) fn read_csv(
    path: &Path,
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
) -> Result<RawTable, String> {
    if let Some(raw) = read_mapped(path, shown, src, table)? {
        return Ok(raw);
    }
    let clock = std::time::Instant::now();
    let bytes = std::fs::read(path).map_err(|e| Msg::unreadable(shown, &e))?;
    let (text, encoding, had_errors) =
        decode_owned(bytes, src.encoding.as_deref()).map_err(|e| format!("{shown}: {e}"))?;
    tracing::debug!(
        source = shown,
        ms = clock.elapsed().as_millis() as u64,
        "csv read whole"
    );
    parse_text(
        &text,
        shown,
        src,
        table,
        encoding,
        had_errors,
        CsvEncoding::LossyUtf8,
    )
}

/// The memory-mapped path of [`read_csv`]: `None` when the file must be read the general way
/// (another encoding configured or detected in its first bytes, UTF-16, or a byte further on
/// that is not UTF-8).
fn read_mapped(
    path: &Path,
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
) -> Result<Option<RawTable>, String> {
    if src
        .encoding
        .as_deref()
        .is_some_and(|e| !matches!(e.to_ascii_lowercase().as_str(), "utf-8" | "utf8"))
    {
        return Ok(None);
    }
    let Some(map) = map_file(path, shown, 1)? else {
        return Ok(None);
    };
    let bytes: &[u8] = &map;
    if !looks_utf8(bytes) || super::encoding::has_lone_cr(bytes) {
        return Ok(None);
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match parse_text(text, shown, src, table, "utf-8", false, CsvEncoding::Utf8) {
        Ok(raw) => Ok(Some(raw)),
        Err(e) if e.contains("utf-8") => {
            tracing::debug!(
                source = shown,
                "not UTF-8 after all; reading the general way"
            );
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The file mapped read-only, or `None` when it is smaller than `min_len` bytes.
fn map_file(path: &Path, shown: &str, min_len: usize) -> Result<Option<memmap2::Mmap>, String> {
    let file = std::fs::File::open(path).map_err(|e| Msg::unreadable(shown, &e))?;
    if (file.metadata().map(|m| m.len()).unwrap_or(0) as usize) < min_len {
        return Ok(None);
    }
    // SAFETY: the map is read-only and lives only while this source is parsed; an export that
    // another program rewrites during the run is outside what an audit can vouch for anyway.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Msg::unreadable(shown, &e))?;
    Ok(Some(map))
}

/// Bytes examined before trusting a file to be UTF-8 (the header and title rows lie within).
const UTF8_HEAD: usize = 256 * 1024;

/// The file's first bytes are UTF-8 (a character cut by the end of the sample is fine) and not
/// BOM-less UTF-16, which is valid UTF-8 too when its text is ASCII.
fn looks_utf8(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return false;
    }
    let head = &bytes[..bytes.len().min(UTF8_HEAD)];
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() < bytes.len(),
    };
    valid && !head.contains(&0)
}

/// Sniffs the delimiter and header row of UTF-8 text and lets polars parse it.
fn parse_text(
    text: &[u8],
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
    encoding: &'static str,
    had_errors: bool,
    polars_encoding: CsvEncoding,
) -> Result<RawTable, String> {
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
struct Sniffed {
    delimiter: u8,
    header_idx: usize,
    header_cells: Vec<String>,
    detection: RawDetection,
    warnings: Vec<String>,
}

fn sniff_text(
    text: &[u8],
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
    encoding: &'static str,
    had_errors: bool,
) -> Result<Sniffed, String> {
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
struct Continuation {
    first_row: usize,
    width: usize,
}

/// Lets polars parse `text`: the file from its start (header included) when `cont` is `None`,
/// else a slice of whole records further on. Returns the table and the number of records
/// parsed (blank ones included, for the next slice's row numbers).
fn parse_slice(
    text: &[u8],
    shown: &str,
    sniffed: &Sniffed,
    cont: Option<Continuation>,
    polars_encoding: CsvEncoding,
) -> Result<(RawTable, usize), String> {
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
        .map_err(|e| Msg::unreadable(shown, &e))?;
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

/// Exports at least twice the first slice (UTF-8, 4 MB) are read in slices of [`slice_bytes`]: each
/// slice is converted and its text dropped before the next, so the text of the whole file is
/// never in memory at once (it takes several times the file's size), and every slice after the
/// first is read straight from its bytes (see `direct`), about twice as fast as polars' parse
/// to text and our conversion of that.
fn slice_bytes() -> usize {
    std::env::var(SLICE_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&kb| kb > 0)
        .map_or(DEFAULT_SLICE_BYTES, |kb| kb << 10)
}

/// The first slice of a file read in slices of `slice` bytes.
fn first_slice(slice: usize) -> usize {
    slice.clamp(SAMPLE_BYTES, FIRST_SLICE_BYTES)
}

/// Overrides the slice size (KB); tests use it to read small files the sliced way.
pub(crate) const SLICE_ENV: &str = "CRM_AUDIT_CSV_SLICE_KB";
const DEFAULT_SLICE_BYTES: usize = 64 << 20;
/// The first slice: enough rows to decide the separator and date orders (more slices are added
/// while they are undecided), and no more, as polars' text parse of it is the slow way.
const FIRST_SLICE_BYTES: usize = 2 << 20;

/// A large UTF-8 text export, mapped, whose records are handed out slice by slice.
pub(crate) struct SlicedCsv {
    map: memmap2::Mmap,
    /// Offset of the text after a byte-order mark.
    start: usize,
    shown: String,
    sniffed: Sniffed,
    slice: usize,
    /// Windows-1252 text, transcoded a slice at a time.
    transcode: Option<&'static encoding_rs::Encoding>,
    /// Records in the slice handed out last, once read: the next slice's rows follow on.
    records: std::cell::Cell<Option<usize>>,
}

/// Opens `path` for reading in slices, or `None` when it should be read whole: smaller than two first
/// slices, not UTF-8 in its first bytes, or another encoding configured.
pub(crate) fn open_sliced(
    path: &Path,
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
) -> Result<Option<SlicedCsv>, String> {
    open_sliced_by(path, shown, src, table, slice_bytes())
}

fn open_sliced_by(
    path: &Path,
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
    slice: usize,
) -> Result<Option<SlicedCsv>, String> {
    let Some(map) = map_file(path, shown, 2 * slice.min(FIRST_SLICE_BYTES))? else {
        return Ok(None);
    };
    let configured_utf8 = src
        .encoding
        .as_deref()
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "utf-8" | "utf8"));
    let transcode = if (src.encoding.is_none() || configured_utf8) && looks_utf8(&map) {
        None
    } else if configured_utf8 {
        return Ok(None);
    } else {
        match windows_1252_for_slices(&map, src.encoding.as_deref()) {
            Some(enc) => Some(enc),
            None => return Ok(None),
        }
    };
    let start = if transcode.is_none() && map.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let sniffed = match transcode {
        None => sniff_text(&map[start..], shown, src, table, "utf-8", false)?,
        Some(enc) => {
            // The header is sniffed from the first rows, transcoded.
            let head = &map[..map.len().min(4 * SAMPLE_BYTES)];
            let cut = head
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(head.len(), |i| i + 1);
            let text = enc.decode_without_bom_handling(&head[..cut]).0;
            sniff_text(text.as_bytes(), shown, src, table, "windows-1252", false)?
        }
    };
    let _ = map.advise(memmap2::Advice::Sequential);
    Ok(Some(SlicedCsv {
        map,
        start,
        shown: shown.to_string(),
        sniffed,
        slice,
        transcode,
        records: std::cell::Cell::new(None),
    }))
}

/// One slice of a sliced export.
pub(crate) enum Slice<'a> {
    /// Parsed by polars: the first slice (its header and the decisions are read from it).
    Parsed(RawTable),
    /// A later slice of whole records, still as bytes, for `direct::convert_lines`.
    Lines(Lines<'a>),
}

impl Slice<'_> {
    /// The slice as a raw table (parsed by polars if it was not yet).
    pub(crate) fn into_raw(self) -> Result<RawTable, String> {
        match self {
            Slice::Parsed(raw) => Ok(raw),
            Slice::Lines(lines) => lines.parse(),
        }
    }
}

/// A slice after the first, still as bytes. Its pages leave the process when it is dropped (see
/// [`SlicedCsv::slices`]); whoever reads it says how many records it held
/// ([`Lines::records_read`]), which numbers the rows of the next.
pub(crate) struct Lines<'a> {
    csv: &'a SlicedCsv,
    text: std::borrow::Cow<'a, [u8]>,
    /// The mapped bytes it came from (offset, length).
    mapped: (usize, usize),
    cont: Continuation,
}

impl Lines<'_> {
    pub(crate) fn text(&self) -> &[u8] {
        &self.text
    }
    pub(crate) fn delimiter(&self) -> u8 {
        self.csv.sniffed.delimiter
    }
    /// Columns of the file (the header's).
    pub(crate) fn width(&self) -> usize {
        self.cont.width
    }
    /// File row of the first record.
    pub(crate) fn first_row(&self) -> usize {
        self.cont.first_row
    }
    pub(crate) fn shown(&self) -> &str {
        &self.csv.shown
    }
    /// The rows the whole file should hold, from `rows` read up to the end of this slice: the
    /// rows so far scaled by the share of the file's bytes read, plus 2 %. Columns gathered
    /// across slices reserve it once, rather than doubling (and copying) as they grow.
    pub(crate) fn expected_rows(&self, rows: usize) -> usize {
        let read = (self.mapped.0 + self.mapped.1).max(1) as u128;
        let total = self.csv.map.len() as u128;
        (rows as u128 * total * 102 / (read * 100)) as usize
    }
    /// The number of records the slice held, blank ones included, as its reader counted them.
    pub(crate) fn records_read(&self, records: usize) {
        self.csv.records.set(Some(records));
    }
    fn parse(self) -> Result<RawTable, String> {
        let parsed = parse_slice(
            &self.text,
            &self.csv.shown,
            &self.csv.sniffed,
            Some(self.cont),
            CsvEncoding::Utf8,
        );
        parsed.map(|(raw, records)| {
            self.records_read(records);
            raw
        })
    }
}

impl Drop for Lines<'_> {
    fn drop(&mut self) {
        if self.csv.records.get().is_none() {
            // Not read (an error elsewhere ended the source): counted here, should the next
            // slice be asked for anyway.
            self.records_read(super::direct::count_records(&self.text));
        }
        self.csv.release_pages(self.mapped.0, self.mapped.1);
    }
}

impl SlicedCsv {
    /// The file's records in order, a slice at a time; the first slice includes the header
    /// (and is what the table and column mapping are decided from). A slice whose bytes are not
    /// UTF-8 is an error naming the file (the whole file is then unusable, as when read whole).
    pub(crate) fn slices(&self) -> impl Iterator<Item = Result<Slice<'_>, String>> + '_ {
        let text = &self.map[self.start..];
        let mut at = 0usize;
        let mut cont: Option<Continuation> = None;
        std::iter::from_fn(move || {
            if at >= text.len() {
                return None;
            }
            // The first slice holds at least the rows the header was sniffed from; it is kept
            // short, as the slices after it are read faster (see `direct`).
            let size = if at == 0 {
                first_slice(self.slice)
            } else {
                self.slice
            };
            let end = record_boundary(text, at, size);
            let bytes = &text[at..end];
            let mapped = (self.start + at, bytes.len());
            at = end;
            let utf8 = match self.transcode {
                Some(enc) => std::borrow::Cow::Owned(
                    enc.decode_without_bom_handling(bytes)
                        .0
                        .into_owned()
                        .into_bytes(),
                ),
                None => std::borrow::Cow::Borrowed(bytes),
            };
            if let Some(c) = cont {
                // The slice before was a `Lines`, read (or dropped) before this call.
                let c = Continuation {
                    first_row: c.first_row + self.records.take().unwrap_or(0),
                    width: c.width,
                };
                cont = Some(c);
                return Some(Ok(Slice::Lines(Lines {
                    csv: self,
                    text: utf8,
                    mapped,
                    cont: c,
                })));
            }
            let clock = std::time::Instant::now();
            let parsed = parse_slice(&utf8, &self.shown, &self.sniffed, None, CsvEncoding::Utf8);
            self.release_pages(mapped.0, mapped.1);
            tracing::trace!(
                source = self.shown,
                ms = clock.elapsed().as_millis() as u64,
                "csv slice parsed"
            );
            Some(parsed.map(|(raw, records)| {
                cont = Some(Continuation {
                    first_row: self.sniffed.header_idx + 2,
                    width: raw.frame.width(),
                });
                self.records.set(Some(records));
                Slice::Parsed(raw)
            }))
        })
    }

    /// Lets a slice's pages leave this process once it has been read (they stay in the kernel's
    /// page cache), so a 2 GB export does not add 2 GB to the run's resident memory.
    fn release_pages(&self, offset: usize, len: usize) {
        // SAFETY: the map is read-only and file-backed; a dropped page that is touched again
        // (the first bytes of the next slice may share it) is read back from the file, equal.
        let _ = unsafe {
            self.map
                .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, len)
        };
    }
}

/// The end of the slice starting at `from`: the first line end at least `size` bytes on that is
/// outside quotes (an even number of `"` since `from`, itself a record start), or the end of the
/// text. A quoted field may hold line ends; the parity of quotes tells them apart.
pub(super) fn record_boundary(text: &[u8], from: usize, size: usize) -> usize {
    let target = from.saturating_add(size);
    if target >= text.len() {
        return text.len();
    }
    let mut odd = odd_quotes(&text[from..target]);
    let mut pos = target;
    while pos < text.len() {
        let Some(nl) = text[pos..].iter().position(|&c| c == b'\n') else {
            return text.len();
        };
        let nl = pos + nl;
        odd ^= odd_quotes(&text[pos..nl]);
        if !odd {
            return nl + 1;
        }
        pos = nl + 1;
    }
    text.len()
}

/// Whether `bytes` hold an odd number of `"`. Counted into a byte per block of 255 so that the
/// count vectorises to whole registers: counting into a `usize` did two bytes a step (1.6 s of
/// CPU over a 2 GB export).
pub(super) fn odd_quotes(bytes: &[u8]) -> bool {
    bytes.chunks(255).fold(false, |odd, block| {
        let n = block
            .iter()
            .fold(0u8, |n, &c| n.wrapping_add(u8::from(c == b'"')));
        odd ^ (n % 2 == 1)
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
