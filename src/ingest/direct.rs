//! Slices of a large export after the first, converted straight from their bytes to the
//! canonical typed columns. Part of the ingest stage (see `assemble::assemble_sliced`).
//!
//! A record ends at a line end outside quotes; a field is what lies between separators, or
//! between quotes with `""` standing for one quote. A slice where a quote appears anywhere else
//! (inside an unquoted field, or text after a closing quote) is left to polars, whose reading of
//! such lines is the reference. Letting polars parse every slice first built a
//! 16-byte text view (and a copy of every value longer than 12 bytes) for each cell, only for the
//! conversion to read it once and drop it: most of the ingest's memory traffic and a third of
//! its CPU in the kernel zeroing the pages. Here each cell is read where it lies in the file and
//! parsed by the same cell functions the text columns use, so the values, failures, blanks and
//! row numbers are those of the polars path (a differential test holds them equal).

use super::convert::{Converted, blank, clean_text, whole_number};
use super::dates::StampParser;
use super::ledger::Problem;
use super::parse::amount::parse_amount;
use super::parse::decimal::DecimalSep;
use super::parse::flag::parse_flag;
use super::raw::RowNumbers;
use crate::tables::ColType;
use polars::prelude::*;
use rayon::prelude::*;
use std::borrow::Cow;

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
}

/// What a slice gave: the same whichever way it was read (see `assemble::Kept`).
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
    /// Each row's hash over every converted column (see [`fold`]).
    pub(crate) row_hash: Vec<u64>,
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

/// A quote where a field neither opens nor closes with one: the slice is left to polars.
#[derive(Debug)]
pub(crate) struct Irregular;

/// Converts a slice of whole records whose first record is file row `first_row`, with `width`
/// columns (more fields are ignored, fewer are nulls, as polars reads them). Returns the slice
/// and its number of records (blank ones included), `Ok(None)` when the slice is irregular (see
/// [`Irregular`]), `Err` when the bytes are not UTF-8 (the message says so, for the caller's
/// fallback).
pub(crate) fn convert_lines(
    text: &[u8],
    sep: u8,
    width: usize,
    first_row: usize,
    targets: &[Target],
    shown: &str,
) -> Result<Option<(SliceOut, usize)>, String> {
    // Each piece checked as UTF-8 by the thread that reads it (a piece ends at a line end, which
    // is never inside a character); the message, should one fail, is the whole slice's.
    let pieces = split_records(text, PIECE_BYTES);
    let outs: Result<Vec<PieceOut>, Option<Irregular>> = pieces
        .par_iter()
        .map(|p| {
            let p = std::str::from_utf8(p).map_err(|_| None)?;
            read_piece(p, sep, width, targets).map_err(Some)
        })
        .collect();
    let outs = match outs {
        Ok(outs) => outs,
        Err(Some(Irregular)) => return Ok(None),
        Err(None) => {
            let e = std::str::from_utf8(text).err();
            let e = e.map_or_else(String::new, |e| e.to_string());
            return Err(format!("{shown}: invalid utf-8 in the file ({e})"));
        }
    };
    let records = outs.iter().map(|o| o.records).sum();
    Ok(Some((merge(outs, targets, width, first_row), records)))
}

/// Records in a slice of whole records, blank ones included, counted as [`convert_lines`] reads
/// them: line ends outside quotes, plus an unterminated last line.
pub(crate) fn count_records(text: &[u8]) -> usize {
    let Some(&last) = text.last() else { return 0 };
    let mut records = usize::from(last != b'\n');
    let mut odd = false;
    let mut from = 0;
    for nl in memchr::memchr_iter(b'\n', text) {
        odd ^= super::csv::odd_quotes(&text[from..nl]);
        from = nl;
        records += usize::from(!odd);
    }
    records
}

/// Cuts `text` into pieces of about `size` bytes, each ending at a record end (or the text's end).
fn split_records(text: &[u8], size: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(text.len() / size + 1);
    let mut at = 0;
    while at < text.len() {
        let end = super::csv::record_boundary(text, at, size);
        pieces.push(&text[at..end]);
        at = end;
    }
    pieces
}

/// Where one piece's values go.
enum Sink {
    F64(PrimitiveChunkedBuilder<Float64Type>),
    I32(PrimitiveChunkedBuilder<Int32Type>),
    I64(PrimitiveChunkedBuilder<Int64Type>),
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

/// The cleaned text of a cell, borrowing from the slice where the cell does.
fn clean_cell<'a>(cell: &Cow<'a, str>, lowercase: bool) -> Option<Cow<'a, str>> {
    match cell {
        Cow::Borrowed(s) => clean_text(s, lowercase),
        Cow::Owned(s) => clean_text(s, lowercase).map(|c| Cow::Owned(c.into_owned())),
    }
}

impl Sink {
    fn new(t: &Target, capacity: usize) -> Sink {
        let name: PlSmallStr = t.name.into();
        match &t.reader {
            _ if t.released => Sink::Released,
            CellReader::Number(_) => Sink::F64(PrimitiveChunkedBuilder::new(name, capacity)),
            CellReader::Integer(..) | CellReader::Date(_) => {
                Sink::I32(PrimitiveChunkedBuilder::new(name, capacity))
            }
            CellReader::DateTime(_) => Sink::I64(PrimitiveChunkedBuilder::new(name, capacity)),
            CellReader::Flag => Sink::Bool(BooleanChunkedBuilder::new(name, capacity)),
            CellReader::Text { .. } => Sink::Text(TextPart::with_capacity(capacity)),
        }
    }

    /// Reads one cell exactly as `convert::convert_text` reads it, and folds the value read into
    /// the row's `hash` (see [`fold`]).
    fn push(&mut self, reader: &CellReader, cell: Option<&Cow<'_, str>>, hash: &mut u64) -> Read {
        fn put<T: PolarsNumericType>(
            b: &mut PrimitiveChunkedBuilder<T>,
            v: Option<Result<T::Native, Problem>>,
            hash: &mut u64,
            value: impl Fn(T::Native) -> Value<'static>,
        ) -> Read {
            match v {
                Some(Ok(x)) => {
                    b.append_value(x);
                    *hash = fold(*hash, value(x));
                    Read::Value
                }
                Some(Err(p)) => {
                    b.append_null();
                    *hash = fold(*hash, Value::Null);
                    Read::Failed(p)
                }
                None => {
                    b.append_null();
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
                *hash = fold(*hash, v.as_deref().map_or(Value::Null, Value::Text));
                let read = if v.is_some() { Read::Value } else { Read::Null };
                values.push(v.as_deref());
                read
            }
            (Sink::Released, CellReader::Text { lowercase }) => {
                let v = text(*lowercase);
                *hash = fold(*hash, v.as_deref().map_or(Value::Null, Value::Text));
                if v.is_some() { Read::Value } else { Read::Null }
            }
            _ => unreachable!("a sink is made for its reader"),
        }
    }

    fn finish(self) -> Piece {
        match self {
            Sink::F64(b) => Piece::Column(b.finish().into_column()),
            Sink::I32(b) => Piece::Column(b.finish().into_column()),
            Sink::I64(b) => Piece::Column(b.finish().into_column()),
            Sink::Bool(b) => Piece::Column(b.finish().into_column()),
            Sink::Text(v) => Piece::Text(v),
            Sink::Released => Piece::Released,
        }
    }
}

/// A text column's cleaned values from one piece, copied out one after another while the
/// piece's bytes are in the CPU's cache. The source's gathered column (`text_chunk::Gather`)
/// reads them back from these dense buffers: reading them from where they lay in the 64 MB
/// slice meant a cache miss on nearly every cell, the largest single cost of gathering.
pub(crate) struct TextPart {
    bytes: Vec<u8>,
    /// Where each value ends in `bytes`, [`NULL_END`] set for a null.
    ends: Vec<u32>,
}

/// The mark of a null in [`TextPart::ends`] (a piece is far smaller than 2 GB).
const NULL_END: u32 = 1 << 31;

impl TextPart {
    fn with_capacity(rows: usize) -> TextPart {
        TextPart {
            bytes: Vec::with_capacity(rows * 8),
            ends: Vec::with_capacity(rows),
        }
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
    Column(Column),
    Text(TextPart),
    Released,
}

/// A converted value as the row hash sees it.
pub(crate) enum Value<'v> {
    Null,
    /// The bits of a number, zeros and NaNs made one.
    Number(u64),
    /// Whole numbers, days and milliseconds.
    Int(i64),
    Flag(bool),
    Text(&'v str),
}

impl Value<'_> {
    fn number(x: f64) -> Value<'static> {
        Value::Number(if x == 0.0 {
            0
        } else if x.is_nan() {
            f64::NAN.to_bits()
        } else {
            x.to_bits()
        })
    }
}

/// The hash of a row of a sliced source over every converted column, in column order from 0,
/// the same whichever way the slice was read: the duplicate check's hash for the row (see
/// `checks::ROW_HASH`), made while the values are at hand instead of in a pass over the
/// finished table, and the only trace of the columns released as they are read.
///
/// Called for every cell, so a value is mixed in with one folded multiply (foldhash's own
/// step) rather than through a full `Hasher` (`hash_one` was 5 % of the ingest's CPU); text is
/// hashed with foldhash. Rows with equal hashes are compared value by value, except
/// in the released columns, where the 64-bit hash is all there is: on 20 million rows the
/// chance that two different rows share one is about one in 10^5.
pub(crate) fn fold(hash: u64, value: Value<'_>) -> u64 {
    use std::hash::BuildHasher;
    static STATE: std::sync::LazyLock<PlSeedableRandomStateQuality> =
        std::sync::LazyLock::new(|| PlSeedableRandomStateQuality::seed_from_u64(0x5eed));
    // Arbitrary odd constants (from the digits of pi), one per kind of value, so that a null,
    // a zero and `false` differ.
    const KIND: [u64; 5] = [
        0x243f_6a88_85a3_08d3,
        0x1319_8a2e_0370_7345,
        0xa409_3822_299f_31d1,
        0x082e_fa98_ec4e_6c89,
        0x4528_21e6_38d0_1377,
    ];
    const SEED: u64 = 0xbe54_66cf_34e9_0c6d;
    let (kind, bits) = match value {
        Value::Null => (0, 0),
        Value::Number(bits) => (1, bits),
        Value::Int(x) => (2, x as u64),
        Value::Flag(x) => (3, u64::from(x)),
        Value::Text(s) => (4, STATE.hash_one(s)),
    };
    let product = u128::from(hash ^ KIND[kind]) * u128::from(bits ^ SEED);
    (product as u64) ^ ((product >> 64) as u64)
}

/// [`fold`] over whole converted columns (a slice read by polars).
pub(crate) fn columns_row_hash(columns: &[&Column], n: usize) -> Vec<u64> {
    let mut hashes = vec![0u64; n];
    for c in columns {
        let physical = c.as_materialized_series().to_physical_repr();
        let values: Box<dyn Iterator<Item = Value<'_>>> = match physical.dtype() {
            DataType::Float64 => match physical.f64() {
                Ok(ca) => Box::new(ca.iter().map(|v| v.map_or(Value::Null, Value::number))),
                Err(_) => continue,
            },
            DataType::Int32 => match physical.i32() {
                Ok(ca) => Box::new(
                    ca.iter()
                        .map(|v| v.map_or(Value::Null, |x| Value::Int(i64::from(x)))),
                ),
                Err(_) => continue,
            },
            DataType::Int64 => match physical.i64() {
                Ok(ca) => Box::new(ca.iter().map(|v| v.map_or(Value::Null, Value::Int))),
                Err(_) => continue,
            },
            DataType::Boolean => match physical.bool() {
                Ok(ca) => Box::new(ca.iter().map(|v| v.map_or(Value::Null, Value::Flag))),
                Err(_) => continue,
            },
            DataType::String => match physical.str() {
                Ok(ca) => Box::new(ca.iter().map(|v| v.map_or(Value::Null, Value::Text))),
                Err(_) => continue,
            },
            _ => continue,
        };
        for (h, v) in hashes.iter_mut().zip(values) {
            *h = fold(*h, v);
        }
    }
    hashes
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

/// Reads the record starting at `pos` into `fields` (`None` for an empty or missing field, extra
/// fields ignored). Returns where the next record starts and whether any field holds something.
fn next_record<'a>(
    text: &'a str,
    mut pos: usize,
    sep: u8,
    fields: &mut [Option<Cow<'a, str>>],
) -> Result<(usize, bool), Irregular> {
    let b = text.as_bytes();
    let mut k = 0;
    let mut any = false;
    loop {
        let (value, end) = if b.get(pos) == Some(&b'"') {
            let mut p = pos + 1;
            let mut escaped = false;
            let close = loop {
                let q = p + memchr::memchr(b'"', &b[p..]).ok_or(Irregular)?;
                if b.get(q + 1) == Some(&b'"') {
                    escaped = true;
                    p = q + 2;
                } else {
                    break q;
                }
            };
            let inner = &text[pos + 1..close];
            let value = if escaped {
                Cow::Owned(inner.replace("\"\"", "\""))
            } else {
                Cow::Borrowed(inner)
            };
            let end = match (b.get(close + 1), b.get(close + 2)) {
                (None | Some(b'\n'), _) => close + 1,
                (Some(c), _) if *c == sep => close + 1,
                (Some(b'\r'), None | Some(b'\n')) => close + 2,
                _ => return Err(Irregular),
            };
            (value, end)
        } else {
            let i = field_end(b, pos, sep);
            if i < b.len() && b[i] == b'"' {
                return Err(Irregular);
            }
            let mut v = &text[pos..i];
            if i == b.len() || b[i] == b'\n' {
                v = v.strip_suffix('\r').unwrap_or(v);
            }
            (Cow::Borrowed(v), i)
        };
        if let Some(slot) = fields.get_mut(k) {
            any |= !value.is_empty();
            *slot = (!value.is_empty()).then_some(value);
        }
        k += 1;
        match b.get(end) {
            Some(c) if *c == sep => pos = end + 1,
            Some(_) => {
                pos = end + 1;
                break;
            }
            None => {
                pos = b.len();
                break;
            }
        }
    }
    for slot in fields.iter_mut().skip(k) {
        *slot = None;
    }
    Ok((pos, any))
}

/// The first separator, line end or quote in `b` from `i` on (or `b.len()`), looked for eight
/// bytes at a time: a byte loop with three compares was a tenth of the ingest's CPU. In each
/// 8-byte word, `(x - 0x01..) & !x & 0x80..` marks the bytes of `x` that are zero, the lowest
/// mark exactly (a false mark only ever sits above a true one), so the lowest mark over the
/// three `word ^ byte` masks is the first byte of any of the three.
#[inline]
fn field_end(b: &[u8], mut i: usize, sep: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let (sep8, nl8, quote8) = (
        ONES * u64::from(sep),
        ONES * u64::from(b'\n'),
        ONES * u64::from(b'"'),
    );
    while let Some(word) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        let marks = zeros(x ^ sep8) | zeros(x ^ nl8) | zeros(x ^ quote8);
        if marks != 0 {
            return i + (marks.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i] != sep && b[i] != b'\n' && b[i] != b'"' {
        i += 1;
    }
    i
}

fn read_piece<'a>(
    piece: &'a str,
    sep: u8,
    width: usize,
    targets: &[Target],
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
    let mut sinks: Vec<Sink> = targets.iter().map(|t| Sink::new(t, capacity)).collect();
    let mut hashes = Vec::with_capacity(capacity);
    let mut failures = vec![Vec::new(); targets.len()];
    let mut texts = Vec::new();
    let mut present = vec![0usize; width];
    let mut blank_records = Vec::new();
    let mut fields: Vec<Option<Cow<'a, str>>> = vec![None; width];
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
        for (k, (t, sink)) in targets.iter().zip(sinks.iter_mut()).enumerate() {
            let cell = fields.get(t.index).and_then(Option::as_ref);
            match sink.push(&t.reader, cell, &mut hash) {
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
    let mut hashes: Vec<u64> = Vec::new();
    let (mut height, mut records, mut blanks) = (0usize, 0usize, 0usize);
    for out in outs {
        for (k, c) in out.columns.into_iter().enumerate() {
            parts[k].push(c);
        }
        hashes.extend(out.hashes);
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
    // Text values stay as they are, for the source's gathered columns.
    let mut text_parts: Vec<Option<Vec<TextPart>>> = Vec::with_capacity(targets.len());
    let mut others = Vec::with_capacity(targets.len());
    for (t, parts) in targets.iter().zip(parts) {
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

/// One column (not text) of the slice from its pieces, a chunk per piece, of the canonical
/// dtype. Not copied into one chunk here: the source's column copies each slice's values into
/// its own single chunk as the slice arrives (`number_chunk::NumberGather`), and the pieces are
/// freed right after.
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

#[cfg(test)]
mod tests {
    use super::*;

    type Fields = Vec<Option<String>>;

    fn record(text: &str, width: usize) -> Result<(usize, bool, Fields), Irregular> {
        let mut f = vec![None; width];
        let (next, any) = next_record(text, 0, b';', &mut f)?;
        let f = f.iter().map(|v| v.as_deref().map(str::to_string)).collect();
        Ok((next, any, f))
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn fields_follow_polars_rules_for_short_long_quoted_and_blank_records() {
        let a = record("a;;c;d\r\nx", 3).unwrap();
        assert_eq!(a, (8, true, vec![s("a"), None, s("c")]));
        assert_eq!(record("x", 3).unwrap(), (1, true, vec![s("x"), None, None]));
        assert_eq!(
            record(";;\n", 3).unwrap(),
            (3, false, vec![None, None, None])
        );
        assert!(!record("\r\n", 3).unwrap().1);
        assert_eq!(record(" ;", 3).unwrap().2, vec![s(" "), None, None]);
        let quoted = "\"a;b\";\"say \"\"hi\"\"\";\"two\nlines\"\r\nnext";
        let want = vec![s("a;b"), s("say \"hi\""), s("two\nlines")];
        assert_eq!(record(quoted, 3).unwrap(), (quoted.len() - 4, true, want));
        assert_eq!(record("\"\";x\n", 2).unwrap().2, vec![None, s("x")]);
        assert!(
            record("ab\"c;d\n", 2).is_err(),
            "a quote inside an unquoted field"
        );
        assert!(
            record("\"ab\"c;d\n", 2).is_err(),
            "text after the closing quote"
        );
        assert!(record("\"open;d\n", 2).is_err(), "a quote never closed");
    }

    #[test]
    fn field_ends_are_the_first_separator_line_end_or_quote() {
        let naive = |b: &[u8], from: usize, sep: u8| {
            (from..b.len())
                .find(|&i| b[i] == sep || b[i] == b'\n' || b[i] == b'"')
                .unwrap_or(b.len())
        };
        // Every byte value around the specials, at every offset of a word, in every position:
        // a pseudo-random text of bytes drawn mostly from a small alphabet with the specials,
        // UTF-8 lead and continuation bytes, 0x00, 0x01, 0x80, 0xFF and the separator's
        // neighbours.
        let alphabet = b"ab;,\n\"\xc3\xb1\x00\x01\x80\xff:<\r \t9";
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut text = Vec::new();
        for _ in 0..4000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let run = (state % 23) as usize;
            text.extend(std::iter::repeat_n(b'x', run));
            text.push(alphabet[(state >> 40) as usize % alphabet.len()]);
        }
        for sep in [b';', b',', b'\t', b'|'] {
            for from in 0..text.len() {
                assert_eq!(
                    field_end(&text, from, sep),
                    naive(&text, from, sep),
                    "{from}"
                );
            }
        }
        assert_eq!(field_end(b"", 0, b';'), 0);
        assert_eq!(field_end(b"abcdefghijkl", 0, b';'), 12);
        assert_eq!(field_end(b"abcdefghij;kl", 0, b';'), 10);
    }

    #[test]
    fn pieces_end_at_record_ends_and_cover_the_text() {
        let text = "aaaa\nbb\ncccccc\nd";
        let pieces = split_records(text.as_bytes(), 3);
        assert_eq!(pieces, vec![&b"aaaa\n"[..], b"bb\ncccccc\n", b"d"]);
        assert_eq!(split_records(b"", 3), Vec::<&[u8]>::new());
        assert_eq!(
            split_records(b"\"x\ny\"\nz\n", 1),
            vec![&b"\"x\ny\"\n"[..], b"z\n"]
        );
        assert_eq!(count_records(text.as_bytes()), 4);
        assert_eq!(count_records(b"a\n\nb\n"), 3);
        assert_eq!(count_records(b"\"a\nb\"\nc"), 2);
        assert_eq!(count_records(b""), 0);
    }
}
