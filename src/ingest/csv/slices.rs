//! A large export read in slices: mapped, cut at record ends into slices of tens of megabytes,
//! the first parsed by polars (the header, the table and the decisions come from it), every
//! later one handed out as bytes for the direct reader, its pages released once read. Part of
//! the CSV reader.

use super::parse::{Continuation, Sniffed, parse_slice, sniff_text};
use super::records::{count_records, record_boundary};
use super::whole::{looks_utf8, map_file};
use super::{CsvError, Reader};
use crate::config::SourceConfig;
use crate::ingest::encoding::windows_1252_for_slices;
use crate::ingest::raw::RawTable;
use crate::ingest::sniff::SAMPLE_BYTES;
use crate::tables::TableKind;
use polars::prelude::CsvEncoding;
use std::path::Path;

/// The slice size: exports at least twice the first slice (UTF-8, 4 MB) are read in slices of
/// this many bytes. Each slice is converted and its text dropped before the next, so the text of
/// the whole file (several times the file's size) is never in memory at once, and every slice
/// after the first is read straight from its bytes (see `super::direct`).
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
/// while they are undecided), and no more, as polars' parse to text is the slower way.
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
    /// Who reads the slices after the first.
    reader: Reader,
}

/// Opens `path` for reading in slices, or `None` when it should be read whole: smaller than two
/// first slices, not UTF-8 in its first bytes, or another encoding configured. The slices after
/// the first are read by the run's [`Reader`].
pub(crate) fn open_sliced(
    path: &Path,
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
) -> Result<Option<SlicedCsv>, CsvError> {
    open_sliced_by(path, shown, src, table, slice_bytes(), Reader::of_run())
}

/// [`open_sliced`] with the slice size and the reader given.
pub(super) fn open_sliced_by(
    path: &Path,
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
    slice: usize,
    reader: Reader,
) -> Result<Option<SlicedCsv>, CsvError> {
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
        reader,
    }))
}

/// One slice of a sliced export.
pub(crate) enum Slice<'a> {
    /// Parsed by polars: the first slice (its header and the decisions are read from it).
    Parsed(RawTable),
    /// A later slice of whole records, still as bytes, for `super::direct::convert_lines` (or
    /// polars, see [`Slice::into_raw`]).
    Lines(Lines<'a>),
}

impl Slice<'_> {
    /// The slice as a raw table (parsed by polars if it was not yet).
    pub(crate) fn into_raw(self) -> Result<RawTable, CsvError> {
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
    /// Whether the direct reader may read it (else polars parses it, [`Reader::Polars`]).
    pub(crate) fn direct(&self) -> bool {
        self.csv.reader == Reader::Direct
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
    fn parse(self) -> Result<RawTable, CsvError> {
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
            self.records_read(count_records(&self.text));
        }
        self.csv.release_pages(self.mapped.0, self.mapped.1);
    }
}

impl SlicedCsv {
    /// The file's records in order, a slice at a time; the first slice includes the header
    /// (and is what the table and column mapping are decided from). A slice whose bytes are not
    /// UTF-8 is an error naming the file (the whole file is then unusable, as when read whole).
    pub(crate) fn slices(&self) -> impl Iterator<Item = Result<Slice<'_>, CsvError>> + '_ {
        let text = &self.map[self.start..];
        let mut at = 0usize;
        let mut cont: Option<Continuation> = None;
        std::iter::from_fn(move || {
            if at >= text.len() {
                return None;
            }
            // The first slice holds at least the rows the header was sniffed from; it is kept
            // short, as the slices after it are read faster (see `super::direct`).
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
    /// page cache), so an export of gigabytes does not add its size to the run's resident memory.
    fn release_pages(&self, offset: usize, len: usize) {
        // SAFETY: `MADV_DONTNEED` discards pages, which is unsound only for private or anonymous
        // memory whose contents would be lost. This map is read-only and backed by the file, so
        // a discarded page that is touched again (the next slice's first bytes may share it) is
        // read back from the file with the same bytes; the range lies inside the map.
        let _ = unsafe {
            self.map
                .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, len)
        };
    }
}
