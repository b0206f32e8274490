//! Converts one source column (text from CSV and spreadsheets, typed from Parquet) to its
//! canonical dtype in one tight pass, collecting the rows whose values could not be read.
//! Column-wide decisions (decimal separator, day/month order) are taken before the pass.
//! Part of the ingest stage; depends on the value parsers and polars.

use super::columns::text::gather_text;
use super::dates::{self, DateRule};
use super::ledger::Problem;
use super::parse::amount::parse_amount;
use super::parse::date::SerialBase;
use super::parse::decimal::{DecimalSep, Votes, decide_decimal, decimal_vote};
use super::parse::flag::parse_flag;
use crate::tables::ColType;
use polars::prelude::*;

/// What a column's conversion needs to know about its source.
#[derive(Debug, Clone)]
pub(crate) struct ColumnContext {
    /// Decimal separator of the file (configured, hinted or voted).
    pub(crate) decimal: DecimalSep,
    /// Read ambiguous `a/b/y` dates day-first.
    pub(crate) day_first_hint: bool,
    /// Epoch of bare numbers in date columns.
    pub(crate) serial_base: SerialBase,
    /// audit.toml's `date_format` (chrono), if any.
    pub(crate) date_format: Option<String>,
    /// Lower-case text (e-mail keys).
    pub(crate) lowercase: bool,
    /// Allowed range of whole numbers (NPS 0–10, CSAT 1–5).
    pub(crate) range: Option<(i32, i32)>,
}

/// A converted column, the rows that failed, and the format used (for the ledger).
#[derive(Debug)]
pub(crate) struct Converted {
    pub(crate) column: Column,
    pub(crate) failures: Vec<(usize, Problem)>,
    pub(crate) format: Option<String>,
}

/// What must be decided about a text column before its values are read: the decimal separator
/// of a number column, the day/month order of a date column.
#[derive(Debug, Clone)]
pub(crate) enum ColumnRule {
    /// Text and flags need no decision.
    None,
    /// Numbers with this decimal separator.
    Decimal(DecimalSep),
    /// Dates with this order or format.
    Date(DateRule),
}

impl ColumnRule {
    /// Whether more rows could change the decision (a date column that so far only holds
    /// values valid in both orders, with no locale hint).
    pub(crate) fn wants_more_rows(&self, ctx: &ColumnContext) -> bool {
        matches!(self, ColumnRule::Date(r) if r.wants_more_rows(ctx))
    }
}

/// The decision for a text column of type `ty`, from the values it holds so far; never an error
/// (see [`check_rule`]).
pub(crate) fn decide_rule(ca: &StringChunked, ty: ColType, ctx: &ColumnContext) -> ColumnRule {
    match ty {
        ColType::Number | ColType::Integer => ColumnRule::Decimal(column_decimal(ca, ctx.decimal)),
        ColType::Date | ColType::DateTime => ColumnRule::Date(dates::scan_rule(ca, ctx)),
        ColType::Text | ColType::Flag => ColumnRule::None,
    }
}

/// The error of a column whose rule cannot be used: a date column with an undecidable order.
pub(crate) fn check_rule(
    rule: &ColumnRule,
    name: &str,
    header: &str,
    ctx: &ColumnContext,
) -> Result<(), String> {
    match rule {
        ColumnRule::Date(r) => r.check(name, header, ctx),
        _ => Ok(()),
    }
}

/// Converts `col` to `ty`, naming the result `name`. `Err` only for a date column whose
/// day/month order cannot be decided (the message says what to configure).
pub(crate) fn convert(
    col: &Column,
    name: &str,
    header: &str,
    ty: ColType,
    ctx: &ColumnContext,
) -> Result<Converted, String> {
    let target = ty.dtype();
    if col.dtype() == &target && !ctx.lowercase && ty != ColType::Text {
        return Ok(plain(col.clone(), name));
    }
    if col.dtype() != &DataType::String
        && let Some(c) = cast_typed(col, ty)?
    {
        return Ok(plain(c, name));
    }
    let text = to_text(col)?;
    let ca = text.str().map_err(|e| e.to_string())?;
    let rule = decide_rule(ca, ty, ctx);
    check_rule(&rule, name, header, ctx)?;
    let converted = convert_text(ca, name, ty, &rule, ctx);
    if let ColumnRule::Date(r) = &rule {
        dates::recheck(
            r,
            converted
                .failures
                .iter()
                .filter_map(|(row, _)| ca.get(*row)),
            name,
            header,
            ctx,
        )?;
    }
    Ok(converted)
}

/// Converts a text column with its rule already decided, in one pass.
pub(crate) fn convert_text(
    ca: &StringChunked,
    name: &str,
    ty: ColType,
    rule: &ColumnRule,
    ctx: &ColumnContext,
) -> Converted {
    let name: PlSmallStr = name.into();
    let dec = match rule {
        ColumnRule::Decimal(d) => *d,
        _ => ctx.decimal,
    };
    match (ty, rule) {
        (ColType::Text, _) => text_column(ca, name, ctx.lowercase),
        (ColType::Number, _) => {
            let (c, failures) = numbers::<Float64Type>(ca, name, |s| {
                parse_amount(s, dec).ok_or(Problem::NotANumber)
            });
            Converted {
                column: c.into_column(),
                failures,
                format: Some(dec.as_char().to_string()),
            }
        }
        (ColType::Integer, _) => {
            let range = ctx.range;
            let (c, failures) = numbers::<Int32Type>(ca, name, |s| whole_number(s, dec, range));
            Converted {
                column: c.into_column(),
                failures,
                format: None,
            }
        }
        (ColType::Flag, _) => flags(ca, name),
        (ColType::Date | ColType::DateTime, ColumnRule::Date(r)) => {
            dates::apply(ca, name, ty, r, ctx)
        }
        (ColType::Date | ColType::DateTime, _) => {
            let r = dates::scan_rule(ca, ctx);
            dates::apply(ca, name, ty, &r, ctx)
        }
    }
}

fn plain(mut c: Column, name: &str) -> Converted {
    c.rename(name.into());
    Converted {
        column: c,
        failures: Vec::new(),
        format: None,
    }
}

/// Typed (Parquet) columns that cast directly; `None` sends the column through text parsing.
fn cast_typed(col: &Column, ty: ColType) -> Result<Option<Column>, String> {
    let dt = col.dtype();
    let cast = |to: &DataType| col.cast(to).map(Some).map_err(|e| e.to_string());
    match ty {
        ColType::Number if dt.is_primitive_numeric() => cast(&DataType::Float64),
        ColType::Date if matches!(dt, DataType::Datetime(..)) => cast(&DataType::Date),
        ColType::DateTime if matches!(dt, DataType::Datetime(..) | DataType::Date) => {
            cast(&ty.dtype())
        }
        ColType::Flag if dt == &DataType::Boolean => Ok(Some(col.clone())),
        _ => Ok(None),
    }
}

/// The column as text; whole floats become integers first so an id 123.0 reads "123".
fn to_text(col: &Column) -> Result<Column, String> {
    let err = |e: PolarsError| e.to_string();
    if col.dtype().is_float() {
        let f = col.cast(&DataType::Float64).map_err(err)?;
        let whole = f
            .f64()
            .map_err(err)?
            .iter()
            .flatten()
            .all(|v| v.fract() == 0.0 && v.abs() < 9.0e15);
        if whole {
            return f
                .cast(&DataType::Int64)
                .and_then(|c| c.cast(&DataType::String))
                .map_err(err);
        }
    }
    col.cast(&DataType::String).map_err(err)
}

/// Cells that are empty or blanks only: no value, not a failure.
pub(super) fn blank(s: &str) -> bool {
    // Nearly every cell starts with a visible ASCII character, which no trimming removes: the
    // Unicode-aware trim runs on the others only (it was a tenth of the conversion's time).
    match s.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_graphic() => false,
        Some(_) => s.trim().is_empty(),
    }
}

/// Empty, or with blanks at either end.
fn untrimmed(s: &str) -> bool {
    match s.as_bytes() {
        [] => true,
        [first, .., last] | [first @ last]
            if first.is_ascii_graphic() && last.is_ascii_graphic() =>
        {
            false
        }
        _ => s.trim().len() != s.len(),
    }
}

/// A text cell as the canonical table holds it: trimmed, lower-cased for e-mail keys, nothing
/// when blank.
pub(super) fn clean_text(s: &str, lowercase: bool) -> Option<std::borrow::Cow<'_, str>> {
    let t = s.trim();
    match (t.is_empty(), lowercase) {
        (true, _) => None,
        (false, true) => Some(t.to_lowercase().into()),
        (false, false) => Some(t.into()),
    }
}

fn text_column(ca: &StringChunked, name: PlSmallStr, lowercase: bool) -> Converted {
    let needs_work = lowercase || ca.iter().flatten().any(untrimmed);
    let cleaned: Option<StringChunked> = needs_work.then(|| {
        ca.iter()
            .map(|v| v.and_then(|s| clean_text(s, lowercase)))
            .collect()
    });
    // Each value is stored once here already, so the slices kept in memory until the table is
    // assembled hold a slice's distinct ids, not every line's copy.
    let column = gather_text(cleaned.as_ref().unwrap_or(ca))
        .with_name(name)
        .into_column();
    Converted {
        column,
        failures: Vec::new(),
        format: None,
    }
}

fn column_decimal(ca: &StringChunked, file: DecimalSep) -> DecimalSep {
    decide_decimal(string_votes(ca), file)
}

/// Votes over a column, for the file-level decision.
pub(crate) fn votes(col: &Column) -> Votes {
    col.str().map(string_votes).unwrap_or_default()
}

/// Unambiguous values agreeing unanimously this many times settle a column: reading on could
/// only find values of the other kind, and those fail to parse and are reported row by row.
const SETTLED_VOTES: usize = 10_000;

fn string_votes(ca: &StringChunked) -> Votes {
    let mut votes = Votes::default();
    for s in ca.iter().flatten() {
        votes.add(decimal_vote(s));
        if votes.dot + votes.comma >= SETTLED_VOTES && (votes.dot == 0 || votes.comma == 0) {
            break;
        }
    }
    votes
}

pub(super) fn whole_number(
    s: &str,
    dec: DecimalSep,
    range: Option<(i32, i32)>,
) -> Result<i32, Problem> {
    let v = parse_amount(s, dec).ok_or(Problem::NotANumber)?;
    if v.fract() != 0.0 || v.abs() > 1e9 {
        return Err(Problem::NotAWholeNumber);
    }
    let v = v as i32;
    match range {
        Some((min, max)) if v < min || v > max => Err(Problem::OutOfRange { min, max }),
        _ => Ok(v),
    }
}

/// One pass over a text column into a numeric column; blanks are null, failures are listed.
pub(super) fn numbers<T: PolarsNumericType>(
    ca: &StringChunked,
    name: PlSmallStr,
    f: impl Fn(&str) -> Result<T::Native, Problem>,
) -> (ChunkedArray<T>, Vec<(usize, Problem)>) {
    let mut b = PrimitiveChunkedBuilder::<T>::new(name, ca.len());
    let mut failures = Vec::new();
    for (i, v) in ca.iter().enumerate() {
        match v {
            Some(s) if !blank(s) => match f(s) {
                Ok(x) => b.append_value(x),
                Err(p) => {
                    failures.push((i, p));
                    b.append_null();
                }
            },
            _ => b.append_null(),
        }
    }
    (b.finish(), failures)
}

fn flags(ca: &StringChunked, name: PlSmallStr) -> Converted {
    let mut b = BooleanChunkedBuilder::new(name, ca.len());
    let mut failures = Vec::new();
    for (i, v) in ca.iter().enumerate() {
        match v.filter(|s| !blank(s)).map(parse_flag) {
            Some(Some(x)) => b.append_value(x),
            Some(None) => {
                failures.push((i, Problem::NotAFlag));
                b.append_null();
            }
            None => b.append_null(),
        }
    }
    Converted {
        column: b.finish().into_column(),
        failures,
        format: None,
    }
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
