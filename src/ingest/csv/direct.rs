//! Direct conversion: the slices of a large export after the first, converted straight from
//! their bytes to the canonical typed columns, without polars. Part of the CSV reader (see
//! `super::assemble::assemble_sliced`); the records are cut by [`super::records`] and their
//! fields read by [`super::tokenize`].
//!
//! Parsed by polars, every cell would first become a 16-byte text view (with a copy of every
//! value longer than 12 bytes) that the conversion reads once and drops: most of the ingest's
//! memory traffic, and the kernel's zeroing of those fresh pages. Here each cell is read where
//! it lies in the file and parsed by the same cell functions the text columns use, so the
//! values, failures, blanks and row numbers are those of the polars path; a slice with an
//! irregular quote is left to polars. The differential test (`super::differential_tests`) holds
//! the two readings equal.

use super::CsvError;
use super::pool::PiecePool;
use super::records::split_records;
use super::tokenize::{Irregular, next_record};
use crate::ingest::columns::push_null_bit;
use crate::ingest::columns::text::same;
use crate::ingest::convert::{Converted, blank, clean_text, whole_number};
use crate::ingest::dates::StampParser;
use crate::ingest::ledger::Problem;
use crate::ingest::parse::amount::parse_amount;
use crate::ingest::parse::decimal::DecimalSep;
use crate::ingest::parse::flag::parse_flag;
use crate::ingest::raw::RowNumbers;
use crate::ingest::row_hash::{Value, fold, text_hash};
use crate::tables::ColType;
use polars::prelude::*;
use polars_arrow::bitmap::MutableBitmap;
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How the cells of one canonical column are read.
pub(crate) enum CellReader {
    Number(DecimalSep),
    Integer(DecimalSep, Option<(i32, i32)>),
    Flag,
    Date(Box<StampParser>),
    DateTime(Box<StampParser>),
    Text { lowercase: bool },
}

/// One canonical column of the slice: the header it reads and how.
pub(crate) struct Target {
    pub(crate) index: usize,
    /// A text column dropped as it is read: only its part of the row hash is kept.
    pub(crate) released: bool,
    pub(crate) name: &'static str,
    pub(crate) ty: ColType,
    pub(crate) reader: CellReader,
    /// The most bytes per value a piece of this text column has held so far (8 before the
    /// first): a piece reserves its text for that many, as a text buffer grown by doubling is
    /// copied whole at each step (the allocator's `realloc` copies the block's capacity).
    pub(crate) text_width: AtomicUsize,
}

/// What a slice gave: the same whichever way it was read (see `super::assemble::Kept`).
pub(crate) struct SliceOut {
    /// Rows kept (blank records dropped).
    pub(crate) height: usize,
    /// One converted column per target, in order, with the rows that failed (an empty column
    /// for a released one).
    pub(crate) columns: Vec<Converted>,
    /// Per target, for text read by this module, the cleaned values piece by piece (see
    /// [`TextPart`]): the column in `columns` is then empty, and the values go straight into
    /// the source's gathered column. Empty for a slice parsed by polars.
    pub(crate) text_parts: Vec<Option<Vec<TextPart>>>,
    /// Per target, for numbers, dates and times read by this module, the values piece by piece
    /// (see [`NumberParts`]), as for text. Empty for a slice parsed by polars.
    pub(crate) number_parts: Vec<Option<NumberParts>>,
    /// Each row's hash over every converted column (see [`fold`]), piece after piece.
    pub(crate) row_hash: Vec<Vec<u64>>,
    /// Text of the cells the row checks may name: values that failed, blanks read as nothing.
    /// Keyed by (header index, row in the slice).
    pub(crate) texts: Vec<((usize, usize), String)>,
    /// Every cell of the slice's last row (a possible totals row), empty when null.
    pub(crate) last: Vec<String>,
    /// Per header, the cells that hold something.
    pub(crate) present: Vec<usize>,
    pub(crate) rows: RowNumbers,
    pub(crate) empty_rows_skipped: usize,
}

/// Bytes per piece a slice is cut into for the threads.
const PIECE_BYTES: usize = 2 << 20;

/// Converts a slice of whole records whose first record is file row `first_row`, with `width`
/// columns (more fields are ignored, fewer are nulls, as polars reads them), into buffers taken
/// from `pool` (given back when the slice's values are gathered). Returns the slice
/// and its number of records (blank ones included), `Ok(None)` when the slice is irregular (see
/// [`Irregular`]), [`CsvError::NotUtf8`] when the bytes are not UTF-8 (the caller reads the file
/// again the general way).
pub(crate) fn convert_lines(
    text: &[u8],
    sep: u8,
    width: usize,
    first_row: usize,
    targets: &[Target],
    shown: &str,
    pool: &PiecePool,
) -> Result<Option<(SliceOut, usize)>, CsvError> {
    // Each piece checked as UTF-8 by the thread that reads it (a piece ends at a line end, which
    // is never inside a character); the message, should one fail, is the whole slice's.
    let pieces = split_records(text, PIECE_BYTES);
    let outs: Result<Vec<PieceOut>, Option<Irregular>> = pieces
        .par_iter()
        .map(|p| {
            let p = std::str::from_utf8(p).map_err(|_| None)?;
            read_piece(p, sep, width, targets, pool).map_err(Some)
        })
        .collect();
    let outs = match outs {
        Ok(outs) => outs,
        Err(Some(Irregular)) => return Ok(None),
        Err(None) => {
            let e = std::str::from_utf8(text).err();
            let e = e.map_or_else(String::new, |e| e.to_string());
            return Err(CsvError::NotUtf8(format!(
                "{shown}: invalid utf-8 in the file ({e})"
            )));
        }
    };
    let records = outs.iter().map(|o| o.records).sum();
    Ok(Some((merge(outs, targets, width, first_row), records)))
}

/// One piece's values of a number, date or time column, in a buffer of the source's
/// [`PiecePool`]; a null is a zero with its validity bit unset (the validity made at the first
/// null), as polars' builders leave it.
pub(crate) struct NumberPart<T> {
    pub(crate) values: Vec<T>,
    pub(crate) validity: Option<MutableBitmap>,
}

impl<T: Copy + Default> NumberPart<T> {
    fn push(&mut self, x: T) {
        self.values.push(x);
        if let Some(bits) = self.validity.as_mut() {
            bits.push(true);
        }
    }

    fn push_null(&mut self) {
        push_null_bit(
            &mut self.validity,
            self.values.len(),
            self.values.capacity(),
        );
        self.values.push(T::default());
    }
}

/// One column's [`NumberPart`]s of a slice, piece after piece.
pub(crate) enum NumberParts {
    F64(Vec<NumberPart<f64>>),
    I32(Vec<NumberPart<i32>>),
    I64(Vec<NumberPart<i64>>),
}

impl NumberParts {
    /// A number column's parts; the pieces back (flags, or none) when they are not numbers.
    /// Every piece of a column comes from the same kind of sink (`Sink::new` depends on the
    /// target only), so they all hold the same type.
    fn of(parts: Vec<Piece>) -> Result<NumberParts, Vec<Piece>> {
        let mut numbers = match parts.first() {
            Some(Piece::F64(_)) => NumberParts::F64(Vec::with_capacity(parts.len())),
            Some(Piece::I32(_)) => NumberParts::I32(Vec::with_capacity(parts.len())),
            Some(Piece::I64(_)) => NumberParts::I64(Vec::with_capacity(parts.len())),
            _ => return Err(parts),
        };
        for piece in parts {
            match (&mut numbers, piece) {
                (NumberParts::F64(v), Piece::F64(p)) => v.push(p),
                (NumberParts::I32(v), Piece::I32(p)) => v.push(p),
                (NumberParts::I64(v), Piece::I64(p)) => v.push(p),
                _ => unreachable!("a column's pieces come from one kind of sink"),
            }
        }
        Ok(numbers)
    }

    /// Gives the parts' buffers back to `pool`.
    pub(crate) fn give_back(self, pool: &PiecePool) {
        match self {
            NumberParts::F64(parts) => parts.into_iter().for_each(|p| pool.f64s.give(p.values)),
            NumberParts::I32(parts) => parts.into_iter().for_each(|p| pool.i32s.give(p.values)),
            NumberParts::I64(parts) => parts.into_iter().for_each(|p| pool.i64s.give(p.values)),
        }
    }
}

/// Where one piece's values go.
enum Sink {
    F64(NumberPart<f64>),
    I32(NumberPart<i32>),
    I64(NumberPart<i64>),
    Bool(BooleanChunkedBuilder),
    /// Cleaned text, for the source's gathered column.
    Text(TextPart),
    /// A released text column: its values go into the row hash only.
    Released,
}

/// What reading one cell gave.
enum Read {
    Value,
    /// Nothing: no cell, or only blanks.
    Null,
    Failed(Problem),
}

/// A cleaned text as the row hash takes it: by the hash of `last` when it is the same text,
/// else hashed (and kept as `last` when it borrows from the piece).
fn text_value<'a>(v: Option<&Cow<'a, str>>, last: &mut Option<(&'a str, u64)>) -> Value<'static> {
    match v {
        None => Value::Null,
        Some(Cow::Borrowed(s)) => match last {
            Some((prev, h)) if same(prev.as_bytes(), s.as_bytes()) => Value::TextHash(*h),
            _ => {
                let h = text_hash(s);
                *last = Some((s, h));
                Value::TextHash(h)
            }
        },
        Some(Cow::Owned(s)) => Value::TextHash(text_hash(s)),
    }
}

/// The cleaned text of a cell, borrowing from the slice where the cell does.
fn clean_cell<'a>(cell: &Cow<'a, str>, lowercase: bool) -> Option<Cow<'a, str>> {
    match cell {
        Cow::Borrowed(s) => clean_text(s, lowercase),
        Cow::Owned(s) => clean_text(s, lowercase).map(|c| Cow::Owned(c.into_owned())),
    }
}

impl Sink {
    fn new(t: &Target, capacity: usize, piece_len: usize, pool: &PiecePool) -> Sink {
        fn part<T>(values: Vec<T>) -> NumberPart<T> {
            NumberPart {
                values,
                validity: None,
            }
        }
        match &t.reader {
            _ if t.released => Sink::Released,
            CellReader::Number(_) => Sink::F64(part(pool.f64s.take(capacity))),
            CellReader::Integer(..) | CellReader::Date(_) => {
                Sink::I32(part(pool.i32s.take(capacity)))
            }
            CellReader::DateTime(_) => Sink::I64(part(pool.i64s.take(capacity))),
            CellReader::Flag => Sink::Bool(BooleanChunkedBuilder::new(t.name.into(), capacity)),
            CellReader::Text { .. } => {
                let width = t.text_width.load(Ordering::Relaxed);
                Sink::Text(TextPart::with_capacity(capacity, width, piece_len, pool))
            }
        }
    }

    /// Reads one cell exactly as `convert::convert_text` reads it, and folds the value read into
    /// the row's `hash` (see [`fold`]).
    ///
    /// `last` is the last text of this column whose hash was taken, borrowed from the piece: a
    /// column's value often repeats the row above's (an invoice's lines, a customer's
    /// activities), and its hash is then reused instead of taken again.
    fn push<'a>(
        &mut self,
        reader: &CellReader,
        cell: Option<&Cow<'a, str>>,
        hash: &mut u64,
        last: &mut Option<(&'a str, u64)>,
    ) -> Read {
        fn put<T: Copy + Default>(
            b: &mut NumberPart<T>,
            v: Option<Result<T, Problem>>,
            hash: &mut u64,
            value: impl Fn(T) -> Value<'static>,
        ) -> Read {
            match v {
                Some(Ok(x)) => {
                    b.push(x);
                    *hash = fold(*hash, value(x));
                    Read::Value
                }
                Some(Err(p)) => {
                    b.push_null();
                    *hash = fold(*hash, Value::Null);
                    Read::Failed(p)
                }
                None => {
                    b.push_null();
                    *hash = fold(*hash, Value::Null);
                    Read::Null
                }
            }
        }
        let text = |lowercase: bool| cell.and_then(|c| clean_cell(c, lowercase));
        let cell = cell.map(|c| c.as_ref()).filter(|s| !blank(s));
        match (self, reader) {
            (Sink::F64(b), CellReader::Number(dec)) => put(
                b,
                cell.map(|s| parse_amount(s, *dec).ok_or(Problem::NotANumber)),
                hash,
                Value::number,
            ),
            (Sink::I32(b), CellReader::Integer(dec, range)) => {
                put(b, cell.map(|s| whole_number(s, *dec, *range)), hash, |x| {
                    Value::Int(i64::from(x))
                })
            }
            (Sink::I32(b), CellReader::Date(parse)) => put(
                b,
                cell.map(|s| parse(s).map(|t| t.days).ok_or(Problem::NotADate)),
                hash,
                |x| Value::Int(i64::from(x)),
            ),
            (Sink::I64(b), CellReader::DateTime(parse)) => put(
                b,
                cell.map(|s| parse(s).map(|t| t.epoch_ms()).ok_or(Problem::NotADate)),
                hash,
                Value::Int,
            ),
            (Sink::Bool(b), CellReader::Flag) => match cell.map(parse_flag) {
                Some(Some(x)) => {
                    b.append_value(x);
                    *hash = fold(*hash, Value::Flag(x));
                    Read::Value
                }
                Some(None) => {
                    b.append_null();
                    *hash = fold(*hash, Value::Null);
                    Read::Failed(Problem::NotAFlag)
                }
                None => {
                    b.append_null();
                    *hash = fold(*hash, Value::Null);
                    Read::Null
                }
            },
            (Sink::Text(values), CellReader::Text { lowercase }) => {
                let v = text(*lowercase);
                *hash = fold(*hash, text_value(v.as_ref(), last));
                let read = if v.is_some() { Read::Value } else { Read::Null };
                values.push(v.as_deref());
                read
            }
            (Sink::Released, CellReader::Text { lowercase }) => {
                let v = text(*lowercase);
                *hash = fold(*hash, text_value(v.as_ref(), last));
                if v.is_some() { Read::Value } else { Read::Null }
            }
            _ => unreachable!("a sink is made for its reader"),
        }
    }

    fn finish(self) -> Piece {
        match self {
            Sink::F64(b) => Piece::F64(b),
            Sink::I32(b) => Piece::I32(b),
            Sink::I64(b) => Piece::I64(b),
            Sink::Bool(b) => Piece::Column(b.finish().into_column()),
            Sink::Text(v) => Piece::Text(v),
            Sink::Released => Piece::Released,
        }
    }
}

/// A text column's cleaned values from one piece, copied out one after another while the
/// piece's bytes are in the CPU's cache. The source's gathered column (`columns::text::Gather`)
/// reads them back from these dense buffers: read from where they lie in a slice of tens of
/// megabytes, nearly every cell would be a cache miss.
pub(crate) struct TextPart {
    bytes: Vec<u8>,
    /// Where each value ends in `bytes`, [`NULL_END`] set for a null.
    ends: Vec<u32>,
}

/// The mark of a null in [`TextPart::ends`] (a piece is far smaller than 2 GB).
const NULL_END: u32 = 1 << 31;

impl TextPart {
    /// Room for `rows` values of `width` bytes and an eighth more, but never more than the
    /// piece's own bytes (which a column's cleaned values only exceed when lower-casing
    /// lengthens them).
    fn with_capacity(rows: usize, width: usize, piece_len: usize, pool: &PiecePool) -> TextPart {
        let bytes = rows.saturating_mul(width + width.div_ceil(8));
        TextPart {
            bytes: pool.bytes.take(bytes.min(piece_len)),
            ends: pool.ends.take(rows),
        }
    }

    /// Gives the buffers back to `pool`.
    pub(crate) fn give_back(self, pool: &PiecePool) {
        pool.bytes.give(self.bytes);
        pool.ends.give(self.ends);
    }

    fn push(&mut self, value: Option<&str>) {
        match value {
            Some(v) => {
                self.bytes.extend_from_slice(v.as_bytes());
                self.ends.push(self.bytes.len() as u32);
            }
            None => self.ends.push(self.bytes.len() as u32 | NULL_END),
        }
    }

    /// The values in order (valid UTF-8 bytes), `None` for nulls.
    pub(crate) fn values(&self) -> impl Iterator<Item = Option<&[u8]>> {
        let mut start = 0usize;
        self.ends.iter().map(move |&end| {
            if end & NULL_END != 0 {
                return None;
            }
            let value = &self.bytes[start..end as usize];
            start = end as usize;
            Some(value)
        })
    }
}

/// A piece's part of one column.
enum Piece {
    /// Flags.
    Column(Column),
    F64(NumberPart<f64>),
    I32(NumberPart<i32>),
    I64(NumberPart<i64>),
    Text(TextPart),
    Released,
}

/// One piece read: rows are counted from the piece's start.
struct PieceOut {
    columns: Vec<Piece>,
    hashes: Vec<u64>,
    failures: Vec<Vec<(usize, Problem)>>,
    texts: Vec<((usize, usize), String)>,
    present: Vec<usize>,
    kept: usize,
    records: usize,
    /// Record indices (in the piece) of blank records, which are not rows.
    blank_records: Vec<usize>,
    last: Option<Vec<Option<String>>>,
}

fn read_piece<'a>(
    piece: &'a str,
    sep: u8,
    width: usize,
    targets: &[Target],
    pool: &PiecePool,
) -> Result<PieceOut, Irregular> {
    // A piece is about 2 MB, but a quoted field can stretch it to its closing quote: a piece of
    // a gigabyte or more (a cell that size) is left to polars, as its text could not be told
    // from a null in the 31 bits of a `TextPart` end (lower-casing may lengthen text).
    if piece.len() >= (NULL_END / 2) as usize {
        return Err(Irregular);
    }
    // Exact for pieces without line ends inside quotes: a column keeps its pieces' buffers
    // until the table is gathered, and with transparent huge pages a reserved but unused tail
    // is resident memory all the same.
    let capacity = memchr::memchr_iter(b'\n', piece.as_bytes()).count() + 1;
    let mut sinks: Vec<Sink> = targets
        .iter()
        .map(|t| Sink::new(t, capacity, piece.len(), pool))
        .collect();
    let mut hashes = pool.u64s.take(capacity);
    let mut failures = vec![Vec::new(); targets.len()];
    let mut texts = Vec::new();
    let mut present = vec![0usize; width];
    let mut blank_records = Vec::new();
    let mut fields: Vec<Option<Cow<'a, str>>> = vec![None; width];
    let mut last_texts: Vec<Option<(&'a str, u64)>> = vec![None; targets.len()];
    let (mut kept, mut records) = (0usize, 0usize);
    let mut last_at = None;
    let mut pos = 0;
    while pos < piece.len() {
        let at = pos;
        let (next, any) = next_record(piece, pos, sep, &mut fields)?;
        pos = next;
        records += 1;
        if !any {
            blank_records.push(records - 1);
            continue;
        }
        for (slot, p) in fields.iter().zip(present.iter_mut()) {
            *p += usize::from(slot.is_some());
        }
        let mut hash = 0u64;
        for (k, ((t, sink), last)) in targets
            .iter()
            .zip(sinks.iter_mut())
            .zip(last_texts.iter_mut())
            .enumerate()
        {
            let cell = fields.get(t.index).and_then(Option::as_ref);
            match sink.push(&t.reader, cell, &mut hash, last) {
                Read::Value => {}
                Read::Failed(p) => {
                    failures[k].push((kept, p));
                    let text = cell.map_or_else(String::new, |c| c.to_string());
                    texts.push(((t.index, kept), text));
                }
                Read::Null => {
                    if let Some(s) = cell {
                        texts.push(((t.index, kept), s.to_string()));
                    }
                }
            }
        }
        hashes.push(hash);
        last_at = Some(at);
        kept += 1;
    }
    let last = match last_at {
        Some(at) => {
            next_record(piece, at, sep, &mut fields)?;
            Some(
                fields
                    .iter()
                    .map(|f| f.as_deref().map(str::to_string))
                    .collect(),
            )
        }
        None => None,
    };
    for (t, sink) in targets.iter().zip(&sinks) {
        if let Sink::Text(part) = sink
            && !part.ends.is_empty()
        {
            let width = part.bytes.len().div_ceil(part.ends.len());
            t.text_width.fetch_max(width, Ordering::Relaxed);
        }
    }
    Ok(PieceOut {
        columns: sinks.into_iter().map(Sink::finish).collect(),
        hashes,
        failures,
        texts,
        present,
        kept,
        records,
        blank_records,
        last,
    })
}

fn merge(outs: Vec<PieceOut>, targets: &[Target], width: usize, first_row: usize) -> SliceOut {
    let mut parts: Vec<Vec<Piece>> = (0..targets.len()).map(|_| Vec::new()).collect();
    let mut failures: Vec<Vec<(usize, Problem)>> = vec![Vec::new(); targets.len()];
    let mut texts = Vec::new();
    let mut present = vec![0usize; width];
    let mut last = None;
    let mut blank_rows: Vec<usize> = Vec::new();
    let mut hashes: Vec<Vec<u64>> = Vec::with_capacity(outs.len());
    let (mut height, mut records, mut blanks) = (0usize, 0usize, 0usize);
    for out in outs {
        for (k, c) in out.columns.into_iter().enumerate() {
            parts[k].push(c);
        }
        hashes.push(out.hashes);
        for (k, f) in out.failures.into_iter().enumerate() {
            failures[k].extend(f.into_iter().map(|(row, p)| (height + row, p)));
        }
        texts.extend(
            out.texts
                .into_iter()
                .map(|((col, row), t)| ((col, height + row), t)),
        );
        for (p, q) in present.iter_mut().zip(out.present) {
            *p += q;
        }
        if out.last.is_some() {
            last = out.last;
        }
        blank_rows.extend(out.blank_records.iter().map(|r| records + r));
        blanks += out.blank_records.len();
        height += out.kept;
        records += out.records;
    }
    let rows = if blank_rows.is_empty() {
        RowNumbers::Offset(first_row)
    } else {
        let mut blank = blank_rows.into_iter().peekable();
        let rows = (0..records)
            .filter(|r| {
                if blank.peek() == Some(r) {
                    blank.next();
                    false
                } else {
                    true
                }
            })
            .map(|r| (first_row + r) as u32)
            .collect();
        RowNumbers::Explicit(rows)
    };
    // Text and number values stay as they are, for the source's gathered columns.
    let mut text_parts: Vec<Option<Vec<TextPart>>> = Vec::with_capacity(targets.len());
    let mut number_parts: Vec<Option<NumberParts>> = Vec::with_capacity(targets.len());
    let mut others = Vec::with_capacity(targets.len());
    for (t, parts) in targets.iter().zip(parts) {
        let parts = if matches!(t.reader, CellReader::Text { .. }) || t.released {
            number_parts.push(None);
            parts
        } else {
            match NumberParts::of(parts) {
                Ok(numbers) => {
                    number_parts.push(Some(numbers));
                    Vec::new()
                }
                Err(parts) => {
                    number_parts.push(None);
                    parts
                }
            }
        };
        if matches!(t.reader, CellReader::Text { .. }) && !t.released {
            let values = parts
                .into_iter()
                .filter_map(|p| match p {
                    Piece::Text(v) => Some(v),
                    _ => None,
                })
                .collect();
            text_parts.push(Some(values));
            others.push(Vec::new());
        } else {
            text_parts.push(None);
            others.push(parts);
        }
    }
    // Each other column into one chunk, in parallel over the columns.
    let columns: Vec<Column> = targets
        .par_iter()
        .zip(others.into_par_iter())
        .map(|(t, parts)| column(t, parts))
        .collect();
    let columns = columns
        .into_iter()
        .zip(failures)
        .map(|(column, failures)| Converted {
            column,
            failures,
            format: None,
        })
        .collect();
    SliceOut {
        height,
        columns,
        text_parts,
        number_parts,
        row_hash: hashes,
        texts,
        last: last
            .unwrap_or_default()
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect(),
        present,
        rows,
        empty_rows_skipped: blanks,
    }
}

/// One column of flags of the slice from its pieces, a chunk per piece (an empty column for
/// text and numbers, whose pieces go to the source's columns as they are: `SliceOut`'s
/// `text_parts` and `number_parts`). Not copied into one chunk here: the source's column copies
/// each slice's values into its own single chunk as the slice arrives
/// (`columns::numbers::NumberGather`), and the pieces are freed right after.
fn column(t: &Target, parts: Vec<Piece>) -> Column {
    let name: PlSmallStr = t.name.into();
    if t.released || matches!(t.reader, CellReader::Text { .. }) {
        return Column::full_null(name, 0, &t.ty.dtype());
    }
    let mut chunks = parts.into_iter().filter_map(|p| match p {
        Piece::Column(c) => Some(c),
        _ => None,
    });
    let Some(mut c) = chunks.next() else {
        return Column::full_null(name, 0, &t.ty.dtype());
    };
    for next in chunks {
        let _ = c.append_owned(next);
    }
    match &t.reader {
        CellReader::Date(_) => c
            .i32()
            .map(|ca| ca.clone().into_date().into_column())
            .unwrap_or(c),
        CellReader::DateTime(_) => c
            .i64()
            .map(|ca| {
                ca.clone()
                    .into_datetime(TimeUnit::Milliseconds, None)
                    .into_column()
            })
            .unwrap_or(c),
        _ => c,
    }
}
