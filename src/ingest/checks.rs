//! Checks on the accepted rows of a source, as polars queries: exact duplicates, customer ids
//! absent from the customers table, the date range, dates in the future and complaint statuses
//! that contradict their resolution time. Rows are kept; the
//! ledger counts them. Each frame carries its file row numbers in [`ROW_COLUMN`] until the checks
//! are done. Part of the ingest stage.

use super::ledger::{
    DateRange, DuplicateExample, Duplicates, EXAMPLES_PER_REASON, FutureDates, UnmatchedCustomers,
};
use super::row_hash::ROW_HASH;
use crate::tables::{ColType, TableKind};
use chrono::NaiveDate;
use polars::prelude::*;
use polars_arrow::array::{Array, Utf8ViewArray};
use rayon::prelude::*;
use std::collections::HashSet;

/// Temporary column holding each accepted row's 1-based row in the file.
pub(crate) const ROW_COLUMN: &str = "__row";

/// The date that tells when a row of a table happened.
pub(crate) fn main_date(table: TableKind) -> &'static str {
    match table {
        TableKind::Customers => "created_at",
        TableKind::Complaints => "opened_at",
        _ => "date",
    }
}

/// Rows identical in every canonical column to an earlier row. Rows are hashed column-wise and
/// the hashes sorted; only rows whose hash repeats are compared exactly, so a clean
/// 20-million-row table costs one hashing pass and one parallel sort of integers.
///
/// With `key`, a column that is meant to be unique (the customers table's customer_id), only
/// the rows whose key repeats are hashed in full: identical rows share their key, and a clean
/// customers table then costs the hashing of one column instead of all of them.
pub(crate) fn duplicates(df: &DataFrame, key: Option<&str>) -> PolarsResult<Option<Duplicates>> {
    let Some(key) = key.and_then(|k| df.column(k).ok()) else {
        return duplicates_in(df);
    };
    let hashes = row_hashes(&[key], df.height())?;
    match rows_whose_hash_repeats(&hashes) {
        Some(candidates) => duplicates_in(&df.take(&candidates)?),
        None => Ok(None),
    }
}

/// The hasher of the duplicate checks, seeded so that runs are reproducible.
fn hash_state() -> PlSeedableRandomStateQuality {
    PlSeedableRandomStateQuality::seed_from_u64(0x00c0_ffee)
}

/// Rows hashed per range of this many, the ranges in parallel (polars hashes a column on one
/// thread: on 20 million lines the other core waited a second).
const HASH_RANGE: usize = 1 << 20;

/// One hash per row over `columns` (polars' vectorised hashing, fixed seed).
fn row_hashes(columns: &[&Column], height: usize) -> PolarsResult<Vec<u64>> {
    let ranges: Vec<usize> = (0..height).step_by(HASH_RANGE).collect();
    let parts: PolarsResult<Vec<Vec<u64>>> = ranges
        .par_iter()
        .map(|&start| {
            let len = HASH_RANGE.min(height - start);
            let state = hash_state();
            let mut hashes = Vec::with_capacity(len);
            for (i, c) in columns.iter().enumerate() {
                let part = c.slice(start as i64, len);
                if i == 0 {
                    part.vec_hash(state.clone(), &mut hashes)?;
                } else {
                    part.vec_hash_combine(state.clone(), &mut hashes)?;
                }
            }
            Ok(hashes)
        })
        .collect();
    Ok(parts?.concat())
}

/// The rows (in order) whose hash occurs more than once, or `None` when no hash repeats.
fn rows_whose_hash_repeats(hashes: &[u64]) -> Option<IdxCa> {
    let repeated = repeated_values(hashes);
    if repeated.is_empty() {
        return None;
    }
    let rows: Vec<IdxSize> = hashes
        .par_chunks(HASH_RANGE)
        .enumerate()
        .flat_map_iter(|(part, chunk)| {
            let base = part * HASH_RANGE;
            let repeated = &repeated;
            chunk
                .iter()
                .enumerate()
                .filter(move |(_, h)| repeated.binary_search(h).is_ok())
                .map(move |(i, _)| (base + i) as IdxSize)
        })
        .collect();
    Some(IdxCa::from_vec("rows".into(), rows))
}

/// Bits of a hash that pick its bucket in [`repeated_values`].
const BUCKET_BITS: u32 = 12;

/// The values that occur more than once in `values`, sorted. The values (hashes, evenly spread)
/// are first partitioned by their top bits into buckets small enough to sort in the CPU's cache,
/// the buckets then sorted in parallel: a parallel sort of 20 million hashes as one slice took
/// about twice as long, most of it waiting on memory.
fn repeated_values(values: &[u64]) -> Vec<u64> {
    let buckets = 1usize << BUCKET_BITS;
    let bucket = |v: u64| (v >> (64 - BUCKET_BITS)) as usize;
    let mut starts = vec![0usize; buckets + 1];
    for &v in values {
        starts[bucket(v) + 1] += 1;
    }
    for b in 0..buckets {
        starts[b + 1] += starts[b];
    }
    let mut next = starts.clone();
    let mut partitioned = vec![0u64; values.len()];
    for &v in values {
        let b = bucket(v);
        partitioned[next[b]] = v;
        next[b] += 1;
    }
    // Buckets in parallel, each sorted where it lies.
    let mut parts = Vec::with_capacity(buckets);
    let mut rest = partitioned.as_mut_slice();
    for b in 0..buckets {
        let (part, tail) = rest.split_at_mut(starts[b + 1] - starts[b]);
        parts.push(part);
        rest = tail;
    }
    parts
        .into_par_iter()
        .flat_map_iter(|part| {
            crate::sort::sort_unstable(part);
            let mut repeated: Vec<u64> = part
                .windows(2)
                .filter(|w| w[0] == w[1])
                .map(|w| w[0])
                .collect();
            repeated.dedup();
            repeated
        })
        .collect()
}

/// [`duplicates`] comparing every column of every row of `df`.
fn duplicates_in(df: &DataFrame) -> PolarsResult<Option<Duplicates>> {
    let data: Vec<&Column> = df
        .columns()
        .iter()
        .filter(|c| c.name() != ROW_COLUMN)
        .collect();
    if data.is_empty() {
        return Ok(None);
    }
    // The hashes made while the source was read, where they lie if they can be.
    let made = df.column(ROW_HASH).ok().and_then(|c| c.u64().ok());
    let copied: Vec<u64>;
    let hashes: &[u64] = match made.and_then(|ca| ca.cont_slice().ok()) {
        Some(hashes) => hashes,
        None => {
            copied = match made {
                Some(ca) => ca.iter().map(|h| h.unwrap_or(0)).collect(),
                None => row_hashes(&data, df.height())?,
            };
            &copied
        }
    };
    // Only the rows whose hash repeats are copied out (a handful in a clean table); the lazy
    // engine is given those, not the whole table (which it would first gather into one chunk).
    let Some(candidates) = rows_whose_hash_repeats(hashes) else {
        return Ok(None);
    };
    let candidates = df.take(&candidates)?;
    let keys: Vec<Expr> = data.iter().map(|c| col(c.name().clone())).collect();
    let groups = candidates
        .lazy()
        .group_by(keys)
        .agg([
            len().alias("n"),
            col(ROW_COLUMN).min().alias("first"),
            col(ROW_COLUMN).max().alias("last"),
        ])
        .filter(col("n").gt(lit(1)))
        .select([
            col("n").cast(DataType::UInt64),
            col("first").cast(DataType::UInt64),
            col("last").cast(DataType::UInt64),
        ])
        .sort(["first"], SortMultipleOptions::default())
        .collect()?;
    if groups.height() == 0 {
        return Ok(None);
    }
    let n = groups.column("n")?.u64()?;
    let first = groups.column("first")?.u64()?;
    let last = groups.column("last")?.u64()?;
    let rows = n.iter().flatten().map(|v| v as usize - 1).sum();
    let examples = (0..groups.height().min(EXAMPLES_PER_REASON))
        .map(|i| DuplicateExample {
            first_row: first.get(i).unwrap_or(0) as usize,
            repeated_at: last.get(i).unwrap_or(0) as usize,
            times: n.get(i).unwrap_or(0) as usize,
        })
        .collect();
    Ok(Some(Duplicates { rows, examples }))
}

/// The customers table's ids as a hash set built once per client and shared by the checks of
/// every other table, and its e-mail and name columns for the keying hint.
///
/// A hash set rather than polars' `is_in` with a list literal: with a million customers the
/// literal is rebuilt and hashed again for each table and each probe, which cost several seconds
/// a table (most of the checks' time on a 1M-customer client). Built straight from the column
/// (repeats fall together in the set), not from polars' `unique` of it, which hashed every id
/// once more.
pub(crate) struct KnownIds<'a> {
    ids: &'a PlHashSet<&'a str>,
    /// ("email" or "name", that column of each customers frame).
    others: Vec<(&'static str, Vec<&'a StringChunked>)>,
}

/// The ids of the customers frames, repeats falling together (`None` when no frame has a text
/// customer_id column): built once per client, read by the re-keying and by the checks.
pub(crate) fn customer_ids<'a>(frames: &[&'a DataFrame]) -> Option<PlHashSet<&'a str>> {
    let ids: Vec<&'a StringChunked> = frames
        .iter()
        .filter_map(|f| f.column("customer_id").ok()?.str().ok())
        .collect();
    if ids.is_empty() {
        return None;
    }
    let mut set = PlHashSet::with_capacity(ids.iter().map(|c| c.len()).sum());
    for ca in ids {
        set.extend(ca.iter().flatten());
    }
    Some(set)
}

impl<'a> KnownIds<'a> {
    /// From the customers frames and their ids ([`customer_ids`]).
    pub(crate) fn new(frames: &[&'a DataFrame], ids: &'a PlHashSet<&'a str>) -> Self {
        let text = |name: &str| -> Vec<&'a StringChunked> {
            frames
                .iter()
                .filter_map(|f| f.column(name).ok()?.str().ok())
                .collect()
        };
        KnownIds {
            ids,
            others: vec![("email", text("email")), ("name", text("name"))],
        }
    }

    /// How many of the `ids` are a customer's e-mail (lower-cased) or name, for that column:
    /// only asked when some ids are unknown, and then a pass over the column against the
    /// unknown ids rather than a set of every customer's e-mail and name.
    fn matching(&self, ids: &[&str]) -> Vec<(&'static str, usize)> {
        let wanted: PlHashSet<&str> = ids.iter().copied().collect();
        // The lengths of the wanted ids: a value of another length is passed over without
        // being hashed (or lower-cased), as a name is compared as it is and an ASCII e-mail
        // keeps its length in lower case. Lengths past the table are always looked up.
        let mut lengths = [false; 256];
        for id in ids {
            if let Some(l) = lengths.get_mut(id.len()) {
                *l = true;
            }
        }
        let may_match = |v: &str, email: bool| {
            lengths.get(v.len()).is_none_or(|l| *l) || (email && !v.is_ascii())
        };
        self.others
            .iter()
            .map(|(kind, columns)| {
                let mut found = PlHashSet::new();
                for v in columns.iter().flat_map(|c| c.iter().flatten()) {
                    if !may_match(v, *kind == "email") {
                        continue;
                    }
                    let v: std::borrow::Cow<'_, str> = if *kind == "email" {
                        if v.chars().any(char::is_uppercase) {
                            v.to_lowercase().into()
                        } else {
                            v.into()
                        }
                    } else {
                        v.into()
                    };
                    if let Some(id) = wanted.get(v.as_ref()) {
                        found.insert(*id);
                    }
                }
                (*kind, found.len())
            })
            .collect()
    }
}

/// Customer ids of `df` not in `known` (the customers table's ids), and the share of those that
/// match `other` (customer e-mails or names), which hints at a file keyed differently.
pub(crate) fn unmatched(
    df: &DataFrame,
    known: &KnownIds,
    not_ids: Option<&[usize]>,
) -> PolarsResult<(Option<UnmatchedCustomers>, Option<&'static str>)> {
    let ids = df.column("customer_id")?.str()?;
    let missing: Vec<&str> = match not_ids {
        // Only these rows can hold an unknown id (see `KeyInput::not_ids`).
        Some(rows) => rows
            .iter()
            .filter_map(|&i| ids.get(i))
            .filter(|v| !known.ids.contains(v))
            .collect(),
        None => unknown_ids(ids, known),
    };
    // Ranges of rows in parallel, in row order (rayon's collect keeps it), nulls left out. A
    // customer's lines usually follow one another: an id whose 16-byte view equals the one
    // above is the same id (short ids are inside their view; a long one's view points at its
    // bytes, stored once per distinct value by `columns::text`) and is not looked up again.
    report_unmatched(missing, known)
}

/// The ids of `ids` (in row order, nulls left out) that are not customer ids.
fn unknown_ids<'a>(ids: &'a StringChunked, known: &KnownIds) -> Vec<&'a str> {
    let arrays: Vec<&Utf8ViewArray> = ids.downcast_iter().collect();
    let ranges: Vec<(usize, usize)> = arrays
        .iter()
        .enumerate()
        .flat_map(|(a, arr)| {
            (0..arr.len())
                .step_by(HASH_RANGE)
                .map(move |start| (a, start))
        })
        .collect();
    ranges
        .par_iter()
        .flat_map_iter(|&(a, start)| {
            let arr = arrays[a];
            let end = (start + HASH_RANGE).min(arr.len());
            let views = arr.views();
            let validity = arr.validity();
            let mut last: Option<(u128, bool)> = None;
            let mut missing = Vec::new();
            for i in start..end {
                if validity.is_some_and(|bits| !bits.get_bit(i)) {
                    continue;
                }
                let view = views[i].as_u128();
                let known_id = match last {
                    Some((prev, k)) if prev == view => k,
                    _ => known.ids.contains(arr.value(i)),
                };
                last = Some((view, known_id));
                if !known_id {
                    missing.push(arr.value(i));
                }
            }
            missing
        })
        .collect()
}

/// What [`unmatched`] reports of the unknown ids found.
fn report_unmatched(
    missing: Vec<&str>,
    known: &KnownIds,
) -> PolarsResult<(Option<UnmatchedCustomers>, Option<&'static str>)> {
    if missing.is_empty() {
        return Ok((None, None));
    }
    let mut seen = HashSet::new();
    let distinct: Vec<&str> = missing
        .iter()
        .copied()
        .filter(|v| seen.insert(*v))
        .collect();
    let examples: Vec<String> = distinct
        .iter()
        .take(EXAMPLES_PER_REASON)
        .map(|v| v.to_string())
        .collect();
    let mut hint = None;
    for (kind, found) in known.matching(&distinct) {
        if found * 2 > distinct.len() {
            hint = Some(if kind == "email" { "e-mail" } else { "name" });
        }
    }
    let found = UnmatchedCustomers {
        rows: missing.len(),
        distinct_ids: distinct.len(),
        examples,
    };
    Ok((Some(found), hint))
}

/// Earliest and latest value of the table's main date.
pub(crate) fn date_range(df: &DataFrame, table: TableKind) -> PolarsResult<Option<DateRange>> {
    let column = main_date(table);
    let days = as_days(df.column(column)?)?;
    let (Some(min), Some(max)) = (days.min(), days.max()) else {
        return Ok(None);
    };
    Ok(Some(DateRange {
        column: column.to_string(),
        min: from_days(min),
        max: from_days(max),
    }))
}

/// Dates after `today`, and (for tables other than transactions) more than a month after the
/// last transaction `data_end`.
pub(crate) fn future_dates(
    df: &DataFrame,
    table: TableKind,
    today: NaiveDate,
    data_end: Option<NaiveDate>,
) -> PolarsResult<Vec<FutureDates>> {
    let today_days = to_days(today);
    let end_days = data_end
        .filter(|_| table != TableKind::Transactions)
        .map(|d| to_days(d) + 31);
    let rows = df.column(ROW_COLUMN)?.cast(&DataType::UInt64)?;
    let rows = rows.u64()?;
    let mut out = Vec::new();
    for spec in table
        .columns()
        .iter()
        .filter(|s| matches!(s.ty, ColType::Date | ColType::DateTime))
    {
        let days = as_days(df.column(spec.name)?)?;
        // Counted with polars' comparison kernels; the rows are only walked for the examples
        // when some date is late (a row-by-row walk of 20 million dates was a tenth of a second
        // on one core, on every clean table).
        let count = |mask: BooleanChunked| mask.sum().unwrap_or(0) as usize;
        let after_today = count(days.gt(today_days));
        let after_end = match end_days {
            Some(e) => count(days.gt(e) & days.lt_eq(today_days)),
            None => 0,
        };
        let mut examples = Vec::new();
        if after_today + after_end > 0 {
            let late = |d: i32| d > today_days || end_days.is_some_and(|e| d > e);
            for (i, d) in days.iter().enumerate() {
                if examples.len() == EXAMPLES_PER_REASON {
                    break;
                }
                if let Some(d) = d.filter(|&d| late(d)) {
                    examples.push(format!(
                        "row {}: {}",
                        rows.get(i).unwrap_or(0),
                        from_days(d)
                    ));
                }
            }
        }
        if after_today + after_end > 0 {
            out.push(FutureDates {
                column: spec.name.to_string(),
                after_today,
                after_data_end: after_end,
                data_end,
                examples,
            });
        }
    }
    Ok(out)
}

/// What a complaint's `status` says, in the words helpdesks and Spanish exports use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatusMeaning {
    /// Still being worked on: open, pending, on hold, abierta, en curso, ...
    Open,
    /// Done with: solved, resolved, closed, resuelta, cerrada, ...
    Closed,
}

/// The meaning of a status value, or `None` for a word not known. Case, accents, spaces,
/// dashes, underscores and camel case do not matter (`In-Progress`, `EN CURSO`, `OnHold`).
pub(crate) fn status_meaning(value: &str) -> Option<StatusMeaning> {
    // The headers' folding: lower case, accents and punctuation dropped, camel case split.
    match super::synonyms::normalize_words(value).as_str() {
        "open"
        | "opened"
        | "new"
        | "pending"
        | "on hold"
        | "hold"
        | "in progress"
        | "waiting"
        | "waiting on customer"
        | "waiting on third party"
        | "awaiting reply"
        | "escalated"
        | "reopened"
        | "working"
        | "assigned"
        | "in work"
        | "asignada"
        | "en revision"
        | "abierta"
        | "abierto"
        | "nueva"
        | "nuevo"
        | "pendiente"
        | "en curso"
        | "en proceso"
        | "en espera"
        | "en tramite"
        | "escalada"
        | "reabierta" => Some(StatusMeaning::Open),
        "closed" | "solved" | "resolved" | "done" | "completed" | "fixed" | "cancelled"
        | "canceled" | "resuelta" | "resuelto" | "cerrada" | "cerrado" | "solucionada"
        | "solucionado" | "finalizada" | "finalizado" | "completada" | "cancelada" => {
            Some(StatusMeaning::Closed)
        }
        _ => None,
    }
}

/// Complaints whose `status` contradicts `resolved_at`, and status words not understood. The
/// figures follow `resolved_at` (a ticket is open until it has one); these are counted so that an
/// auditor sees where the helpdesk's own status disagrees.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct StatusConflicts {
    /// Marked closed or resolved, without a `resolved_at`: they count as open.
    pub closed_unresolved: usize,
    /// Marked open or pending, with a `resolved_at`: they count as resolved.
    pub open_resolved: usize,
    /// The first rows marked closed without a `resolved_at` (`row 12: 'Cerrada'`).
    pub examples: Vec<String>,
    /// Distinct status values neither open nor closed, first seen first (at most five).
    pub unknown: Vec<String>,
}

/// [`StatusConflicts`] of a complaints frame with both `status` and `resolved_at`; `None`
/// when it lacks either or nothing is amiss.
pub(crate) fn status_conflicts(df: &DataFrame) -> PolarsResult<Option<StatusConflicts>> {
    let (Ok(status), Ok(resolved)) = (df.column("status"), df.column("resolved_at")) else {
        return Ok(None);
    };
    let status = status.cast(&DataType::String)?;
    let status = status.str()?;
    let resolved = resolved.is_not_null();
    let rows = df.column(ROW_COLUMN)?.cast(&DataType::UInt64)?;
    let rows = rows.u64()?;
    let mut out = StatusConflicts::default();
    let mut seen_unknown = HashSet::new();
    for (i, (value, has_resolved)) in status.iter().zip(resolved.iter()).enumerate() {
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        let has_resolved = has_resolved.unwrap_or(false);
        let conflict = match status_meaning(value) {
            Some(StatusMeaning::Closed) if !has_resolved => {
                out.closed_unresolved += 1;
                true
            }
            Some(StatusMeaning::Open) if has_resolved => {
                out.open_resolved += 1;
                false
            }
            Some(_) => false,
            None => {
                if out.unknown.len() < 5 && seen_unknown.insert(value.trim().to_string()) {
                    out.unknown.push(value.trim().to_string());
                }
                false
            }
        };
        if conflict && out.examples.len() < EXAMPLES_PER_REASON {
            out.examples.push(format!(
                "row {}: '{}'",
                rows.get(i).unwrap_or(0),
                value.trim()
            ));
        }
    }
    let amiss = out.closed_unresolved + out.open_resolved > 0 || !out.unknown.is_empty();
    Ok(amiss.then_some(out))
}

fn as_days(c: &Column) -> PolarsResult<Int32Chunked> {
    Ok(c.cast(&DataType::Date)?
        .cast(&DataType::Int32)?
        .i32()?
        .clone())
}

use crate::period::{date_of as from_days, day_number as to_days};

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
