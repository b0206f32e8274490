//! Turns a [`RawTable`] and its [`Mapping`] into a canonical frame: decides the file's locale,
//! converts the mapped columns in parallel, derives what can be derived, accepts or rejects each
//! row, checks a totals row, and fills the source's ledger entry. Part of the ingest stage.

use super::accept::{Acceptance, accept_rows};
use super::checks::ROW_COLUMN;
use super::convert::{ColumnContext, Converted, convert, votes};
use super::ledger::{ColumnFormat, ColumnUse, Msg, SourceLedger};
use super::mapping::{Feed, Mapping};
use super::parse::date::SerialBase;
use super::parse::decimal::{DecimalSep, Votes, decide_decimal};
use super::raw::{RawTable, RowNumbers};
use super::totals;
use crate::config::SourceConfig;
use crate::tables::{ColType, ColumnSpec};
use polars::prelude::*;
use rayon::prelude::*;

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
    record_mapping(raw, mapping, ledger);
    let decimal = file_decimal(raw, mapping, src);
    ledger.detection.decimal = Some(decimal.as_char().to_string());
    let ctx = ColumnContext {
        decimal,
        day_first_hint: raw.detection.day_first_hint || decimal == DecimalSep::Comma,
        serial_base: match src.date_format.as_deref() {
            Some("excel1904") => SerialBase::Excel1904,
            _ => raw.detection.serial_base.unwrap_or(SerialBase::Excel1900),
        },
        date_format: src.date_format.clone(),
        lowercase: false,
        range: None,
    };
    let jobs: Vec<(ColumnSpec, Feed, usize)> = mapping
        .feeds
        .iter()
        .filter_map(|(spec, feed)| feed.index().map(|i| (*spec, feed.clone(), i)))
        .collect();
    let results: Vec<Result<Piece, String>> = jobs
        .par_iter()
        .map(|(spec, feed, i)| {
            let cx = ColumnContext {
                lowercase: matches!(feed, Feed::KeyEmail(_)),
                range: match spec.name {
                    "nps" => Some((0, 10)),
                    "csat" => Some((1, 5)),
                    _ => None,
                },
                ..ctx.clone()
            };
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
    let totals_word = totals::word_row(raw);
    let acceptance = accept_rows(raw, mapping.table, &pieces, totals_word, ledger);
    Some(build_frame(raw, mapping, &pieces, &acceptance, ledger))
}

fn record_mapping(raw: &RawTable, mapping: &Mapping, ledger: &mut SourceLedger) {
    let mut used = Vec::new();
    for (spec, feed) in &mapping.feeds {
        let source = match feed {
            Feed::Product => Some(product_header(raw, mapping)),
            f => f.index().map(|i| raw.headers[i].clone()),
        };
        if let Some(i) = feed.index() {
            used.push(i);
        }
        match feed {
            Feed::Product => ledger.notes.push(Msg::derived_net_amount(
                &header_of(raw, mapping, "quantity"),
                &header_of(raw, mapping, "unit_price"),
            )),
            Feed::KeyEmail(i) => ledger.notes.push(Msg::keyed_by("e-mail", &raw.headers[*i])),
            Feed::KeyName(i) => ledger.notes.push(Msg::keyed_by("name", &raw.headers[*i])),
            _ => {}
        }
        ledger.detection.columns.push(ColumnUse {
            canonical: spec.name.to_string(),
            source,
            how: feed.how().to_string(),
        });
    }
    ledger.detection.unused_headers = (0..raw.headers.len())
        .filter(|i| !used.contains(i))
        .map(|i| raw.headers[i].clone())
        .collect();
}

fn header_of(raw: &RawTable, mapping: &Mapping, col: &str) -> String {
    mapping
        .feed(col)
        .index()
        .map_or_else(String::new, |i| raw.headers[i].clone())
}

fn product_header(raw: &RawTable, mapping: &Mapping) -> String {
    format!(
        "{} × {}",
        header_of(raw, mapping, "quantity"),
        header_of(raw, mapping, "unit_price")
    )
}

/// audit.toml, else the reader's hint (a `;` file), else the majority of unambiguous values
/// over all number columns, else `.`.
fn file_decimal(raw: &RawTable, mapping: &Mapping, src: &SourceConfig) -> DecimalSep {
    if let Some(d) = src.decimal.and_then(DecimalSep::from_char) {
        return d;
    }
    if let Some(d) = raw.detection.decimal_hint {
        return d;
    }
    let mut all = Votes::default();
    for (spec, feed) in &mapping.feeds {
        if let (ColType::Number | ColType::Integer, Some(i)) = (spec.ty, feed.index()) {
            all.merge(votes(raw.column(i)));
        }
    }
    decide_decimal(all, DecimalSep::Dot)
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

fn warn_if_mostly_unreadable(raw: &RawTable, p: &Piece, ledger: &mut SourceLedger) {
    let failed = p.converted.failures.len();
    let Some(i) = p.feed.index() else { return };
    let present = raw.height() - raw.column(i).null_count();
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
/// row of each row in [`ROW_COLUMN`] for the checks.
fn build_frame(
    raw: &RawTable,
    mapping: &Mapping,
    pieces: &[Piece],
    acceptance: &Acceptance,
    ledger: &mut SourceLedger,
) -> DataFrame {
    let n = raw.height();
    let mut columns: Vec<Column> = mapping
        .table
        .columns()
        .iter()
        .map(
            |spec| match pieces.iter().find(|p| p.spec.name == spec.name) {
                Some(p) => p.converted.column.clone(),
                None => Column::full_null(spec.name.into(), n, &spec.ty.dtype()),
            },
        )
        .collect();
    let rows: Vec<u32> = match &raw.rows {
        RowNumbers::Offset(first) => (0..n as u32).map(|i| *first as u32 + i).collect(),
        RowNumbers::Explicit(v) => v.clone(),
    };
    let rows = UInt32Chunked::from_vec(ROW_COLUMN.into(), rows);
    columns.push(rows.into_column());
    let frame = DataFrame::new(n, columns).and_then(|df| df.filter(&acceptance.mask));
    match frame {
        Ok(df) => df,
        Err(e) => {
            ledger.errors.push(format!("{}: {e}", ledger.path));
            mapping.table.empty_frame()
        }
    }
}
