//! Turns a [`RawTable`] and its [`Mapping`] into a canonical frame: decides the file's locale,
//! converts the mapped columns in parallel, derives what can be derived, accepts or rejects each
//! row, checks a totals row, and fills the source's ledger entry. Part of the ingest stage.
//!
//! A large CSV export is converted slice by slice by the CSV reader (`csv::assemble_sliced`),
//! which takes its decisions with the helpers here and ends in the same [`finish`].

use super::accept::{Acceptance, accept_rows};
use super::checks::ROW_COLUMN;
use super::columns::filter::filter_owned;
use super::convert::{ColumnContext, Converted, convert, votes};
use super::ledger::{ColumnFormat, ColumnUse, Msg, SourceLedger};
use super::mapping::{Feed, Mapping};
use super::parse::date::SerialBase;
use super::parse::decimal::{DecimalSep, Votes, decide_decimal};
use super::raw::{Cells, RawTable, RowNumbers};
use super::totals;
use crate::config::SourceConfig;
use crate::tables::{ColType, ColumnSpec};
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::HashMap;

/// A converted canonical column with where it came from.
pub(crate) struct Piece {
    pub(crate) spec: ColumnSpec,
    pub(crate) feed: Feed,
    /// Header shown in messages (`quantity × unit_price` for a derived amount).
    pub(crate) header: String,
    pub(crate) converted: Converted,
}

/// Builds the canonical frame of one source, or `None` (with errors in the ledger).
pub(crate) fn assemble(
    raw: &RawTable,
    mapping: &Mapping,
    src: &SourceConfig,
    ledger: &mut SourceLedger,
) -> Option<DataFrame> {
    record_mapping(&raw.headers, mapping, ledger);
    let decimal = file_decimal(raw, mapping, src).0;
    ledger.detection.decimal = Some(decimal.as_char().to_string());
    let ctx = base_context(raw, decimal, src);
    let jobs = jobs(raw, mapping);
    let results: Vec<Result<Piece, String>> = jobs
        .par_iter()
        .map(|(spec, feed, i)| {
            let cx = job_context(&ctx, spec, feed);
            let header = raw.headers[*i].clone();
            convert(raw.column(*i), spec.name, &header, spec.ty, &cx).map(|converted| Piece {
                spec: *spec,
                feed: feed.clone(),
                header,
                converted,
            })
        })
        .collect();
    let mut pieces = Vec::with_capacity(results.len() + 1);
    for r in results {
        match r {
            Ok(p) => pieces.push(p),
            Err(e) => ledger.errors.push(format!("{}: {e}", ledger.path)),
        }
    }
    if !ledger.errors.is_empty() {
        return None;
    }
    finish(raw, mapping, pieces, None, &[], ledger)
}

/// The conversion context every column of a source shares.
pub(crate) fn base_context(
    raw: &RawTable,
    decimal: DecimalSep,
    src: &SourceConfig,
) -> ColumnContext {
    ColumnContext {
        decimal,
        day_first_hint: raw.detection.day_first_hint || decimal == DecimalSep::Comma,
        serial_base: match src.date_format.as_deref() {
            Some("excel1904") => SerialBase::Excel1904,
            _ => raw.detection.serial_base.unwrap_or(SerialBase::Excel1900),
        },
        date_format: src.date_format.clone(),
        lowercase: false,
        range: None,
    }
}

pub(crate) fn job_context(ctx: &ColumnContext, spec: &ColumnSpec, feed: &Feed) -> ColumnContext {
    ColumnContext {
        lowercase: matches!(feed, Feed::KeyEmail(_)),
        range: match spec.name {
            "nps" => Some((0, 10)),
            "csat" => Some((1, 5)),
            _ => None,
        },
        ..ctx.clone()
    }
}

/// The mapped columns that come from a header: (canonical column, feed, header index).
pub(crate) fn jobs(raw: &RawTable, mapping: &Mapping) -> Vec<(ColumnSpec, Feed, usize)> {
    mapping
        .feeds
        .iter()
        .filter_map(|(spec, feed)| feed.index().map(|i| (*spec, feed.clone(), i)))
        .filter(|(_, _, i)| *i < raw.headers.len())
        .collect()
}

/// Everything after conversion, the same for sources read whole or in slices: the derived
/// amount, formats and warnings, the totals row, row acceptance and the canonical frame.
pub(crate) fn finish(
    raw: &dyn Cells,
    mapping: &Mapping,
    mut pieces: Vec<Piece>,
    released: Option<Column>,
    dropped: &[&str],
    ledger: &mut SourceLedger,
) -> Option<DataFrame> {
    if let Some(p) = derived_amount(&pieces) {
        pieces.push(p);
    }
    for p in &pieces {
        if let (Some(f), ColType::Date | ColType::DateTime) = (&p.converted.format, p.spec.ty) {
            ledger.detection.date_formats.push(ColumnFormat {
                column: p.spec.name.to_string(),
                format: f.clone(),
            });
        }
        warn_if_mostly_unreadable(raw, p, ledger);
    }
    let clock = std::time::Instant::now();
    let totals_word = totals::word_row(raw);
    let acceptance = accept_rows(raw, mapping.table, &pieces, totals_word, ledger);
    tracing::debug!(source = %ledger.path, ms = clock.elapsed().as_millis() as u64, "rows accepted");
    Some(build_frame(
        raw,
        mapping,
        pieces,
        released,
        dropped,
        &acceptance,
        ledger,
    ))
}

pub(crate) fn record_mapping(headers: &[String], mapping: &Mapping, ledger: &mut SourceLedger) {
    let mut used = Vec::new();
    for (spec, feed) in &mapping.feeds {
        let source = match feed {
            Feed::Product => Some(product_header(headers, mapping)),
            f => f.index().map(|i| headers[i].clone()),
        };
        if let Some(i) = feed.index() {
            used.push(i);
        }
        match feed {
            Feed::Product => ledger.notes.push(Msg::derived_net_amount(
                &header_of(headers, mapping, "quantity"),
                &header_of(headers, mapping, "unit_price"),
            )),
            Feed::KeyEmail(i) => ledger.notes.push(Msg::keyed_by("e-mail", &headers[*i])),
            Feed::KeyName(i) => ledger.notes.push(Msg::keyed_by("name", &headers[*i])),
            _ => {}
        }
        ledger.detection.columns.push(ColumnUse {
            canonical: spec.name.to_string(),
            source,
            how: feed.how().to_string(),
        });
    }
    ledger.detection.unused_headers = (0..headers.len())
        .filter(|i| !used.contains(i))
        .map(|i| headers[i].clone())
        .collect();
}

fn header_of(headers: &[String], mapping: &Mapping, col: &str) -> String {
    mapping
        .feed(col)
        .index()
        .map_or_else(String::new, |i| headers[i].clone())
}

fn product_header(headers: &[String], mapping: &Mapping) -> String {
    format!(
        "{} × {}",
        header_of(headers, mapping, "quantity"),
        header_of(headers, mapping, "unit_price")
    )
}

/// audit.toml, else the reader's hint (a `;` file), else the majority of unambiguous values
/// over all number columns, else `.`; and whether that last default was taken for lack of any
/// such value (so more rows could still decide).
pub(crate) fn file_decimal(
    raw: &RawTable,
    mapping: &Mapping,
    src: &SourceConfig,
) -> (DecimalSep, bool) {
    if let Some(d) = src.decimal.and_then(DecimalSep::from_char) {
        return (d, false);
    }
    if let Some(d) = raw.detection.decimal_hint {
        return (d, false);
    }
    let mut all = Votes::default();
    for (spec, feed) in &mapping.feeds {
        if let (ColType::Number | ColType::Integer, Some(i)) = (spec.ty, feed.index()) {
            all.merge(votes(raw.column(i)));
        }
    }
    let open = all.dot == 0 && all.comma == 0;
    (decide_decimal(all, DecimalSep::Dot), open)
}

/// net_amount = quantity × unit_price when the file has no amount column.
fn derived_amount(pieces: &[Piece]) -> Option<Piece> {
    let q = pieces.iter().find(|p| p.spec.name == "quantity")?;
    let u = pieces.iter().find(|p| p.spec.name == "unit_price")?;
    if pieces.iter().any(|p| p.spec.name == "net_amount") {
        return None;
    }
    let product = (q.converted.column.as_materialized_series()
        * u.converted.column.as_materialized_series())
    .ok()?;
    let spec = *crate::tables::TableKind::Transactions.column("net_amount")?;
    Some(Piece {
        spec,
        feed: Feed::Product,
        header: format!("{} × {}", q.header, u.header),
        converted: Converted {
            column: product.with_name("net_amount".into()).into_column(),
            failures: Vec::new(),
            format: None,
        },
    })
}

fn warn_if_mostly_unreadable(raw: &dyn Cells, p: &Piece, ledger: &mut SourceLedger) {
    let failed = p.converted.failures.len();
    let Some(i) = p.feed.index() else { return };
    let present = raw.present(i);
    if failed > 10 && failed * 2 > present {
        ledger.warnings.push(Msg::mostly_unreadable(
            &p.header,
            p.spec.name,
            failed,
            present,
        ));
    }
}

/// The canonical frame: every column of the schema, in order, accepted rows only, plus the file
/// row of each row in [`ROW_COLUMN`] for the checks. Columns are filtered one at a time, each
/// dropped as soon as its filtered copy exists, and not at all when every row is accepted.
fn build_frame(
    raw: &dyn Cells,
    mapping: &Mapping,
    pieces: Vec<Piece>,
    released: Option<Column>,
    dropped: &[&str],
    acceptance: &Acceptance,
    ledger: &mut SourceLedger,
) -> DataFrame {
    let n = raw.height();
    let mut by_name: HashMap<&str, Column> = pieces
        .into_iter()
        .map(|p| (p.spec.name, p.converted.column))
        .collect();
    let rows: Vec<u32> = match raw.rows() {
        RowNumbers::Offset(first) => (0..n as u32).map(|i| *first as u32 + i).collect(),
        RowNumbers::Explicit(v) => v.clone(),
    };
    let rows = UInt32Chunked::from_vec(ROW_COLUMN.into(), rows).into_column();
    let all_accepted = acceptance.mask.all();
    let kept_rows: Vec<bool> = if all_accepted {
        Vec::new()
    } else {
        acceptance.mask.iter().map(|v| v.unwrap_or(false)).collect()
    };
    let keep = |c: Column| -> PolarsResult<Column> {
        if all_accepted {
            Ok(c)
        } else {
            filter_owned(c, &kept_rows)
        }
    };
    let height = if all_accepted {
        n
    } else {
        acceptance.mask.sum().unwrap_or(0) as usize
    };
    // The columns released as they were read are not in the frame at all (the row hash stands
    // in for them).
    let gone = |spec: &ColumnSpec| dropped.contains(&spec.name);
    // The columns in parallel (each filter is one pass on one thread), each dropped as soon as
    // its filtered copy exists.
    let sources: Vec<(&ColumnSpec, Option<Column>)> = mapping
        .table
        .columns()
        .iter()
        .filter(|spec| !gone(spec))
        .map(|spec| (spec, by_name.remove(spec.name)))
        .collect();
    let extra: Vec<Column> = std::iter::once(rows).chain(released).collect();
    let columns: PolarsResult<Vec<Column>> = sources
        .into_par_iter()
        .map(|(spec, c)| match c {
            Some(c) => keep(c),
            None => Ok(Column::full_null(
                spec.name.into(),
                height,
                &spec.ty.dtype(),
            )),
        })
        .chain(extra.into_par_iter().map(keep))
        .collect();
    match columns.and_then(|c| DataFrame::new(height, c)) {
        Ok(df) => df,
        Err(e) => {
            ledger.errors.push(format!("{}: {e}", ledger.path));
            mapping.table.empty_frame()
        }
    }
}

#[cfg(test)]
#[path = "assemble_tests.rs"]
pub(crate) mod tests;
