//! Sliced assembly: a large export's slices converted one after another into the source's
//! canonical columns, with the decisions taken from its first rows, keeping of the text only
//! the cells the row checks can ask for; then the same acceptance and frame as a source read
//! whole (`ingest::assemble::finish`). Part of the CSV reader.

use super::CsvError;
use super::direct::{CellReader, NumberParts, SliceOut, Target, convert_lines};
use super::pool::PiecePool;
use super::slices::Slice;
use crate::config::SourceConfig;
use crate::ingest::assemble::{
    Piece, base_context, file_decimal, finish, job_context, jobs, record_mapping,
};
use crate::ingest::columns::numbers::NumberGather;
use crate::ingest::columns::text::Gather;
use crate::ingest::convert::{
    ColumnContext, ColumnRule, Converted, check_rule, convert_text, decide_rule,
};
use crate::ingest::dates::{cell_parser, recheck};
use crate::ingest::ledger::{Problem, SourceLedger};
use crate::ingest::mapping::{Feed, Mapping};
use crate::ingest::raw::{Cells, RawTable, RowNumbers};
use crate::ingest::row_hash::{ROW_HASH, columns_row_hash};
use crate::tables::{ColType, ColumnSpec};
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::HashMap;

/// `ingest::assemble::assemble` for a source read in slices (see [`super::slices`]): the
/// decimal separator and the day/month orders are decided from the first slice (and the next
/// ones while they still hold no evidence), then every slice is converted with those decisions
/// and its text dropped, keeping only the cells the row checks and messages can ask for. A value further on that
/// contradicts a decision fails to parse and is reported with its row, as any unreadable value;
/// a date column found to mix both orders is the same error as when read whole.
pub(crate) fn assemble_sliced(
    first: RawTable,
    rest: &mut dyn Iterator<Item = Result<Slice<'_>, CsvError>>,
    mapping: &Mapping,
    src: &SourceConfig,
    ledger: &mut SourceLedger,
    release: bool,
) -> Result<Option<DataFrame>, CsvError> {
    record_mapping(&first.headers, mapping, ledger);
    let mut horizon = first;
    let plan = loop {
        let plan = SlicePlan::decide(&horizon, mapping, src, release);
        if !plan.wants_more_rows() {
            break plan;
        }
        match rest.next() {
            None => break plan,
            Some(next) => horizon
                .append(next?.into_raw()?)
                .map_err(|e| CsvError::Unreadable(format!("{}: {e}", ledger.path)))?,
        }
    };
    ledger.detection.decimal = Some(plan.ctx.decimal.as_char().to_string());
    for job in &plan.jobs {
        if let Err(e) = check_rule(&job.rule, job.spec.name, &job.header, &job.ctx) {
            ledger.errors.push(format!("{}: {e}", ledger.path));
        }
    }
    if !ledger.errors.is_empty() {
        return Ok(None);
    }
    let mut kept = Kept::new(&horizon, &plan);
    kept.add(horizon, &plan);
    let targets = plan.targets();
    // The buffers of the slices' pieces, reused from slice to slice (see `super::pool`).
    let pool = PiecePool::default();
    // A slice read from its lines is added to the source's columns while the next one is read:
    // the two share the threads, where adding each slice on its own (a thread per column) kept
    // the other core waiting on its slowest column.
    let mut pending: Option<(SliceOut, usize)> = None;
    let mut rows = kept.cells.height;
    for slice in rest {
        let clock = std::time::Instant::now();
        let previous = pending.take();
        let lines = match (slice?, &targets) {
            (Slice::Lines(lines), Some(targets)) if lines.direct() => {
                let (text, sep, width, first_row) = (
                    lines.text(),
                    lines.delimiter(),
                    lines.width(),
                    lines.first_row(),
                );
                let shown = lines.shown();
                let (read, ()) = rayon::join(
                    || convert_lines(text, sep, width, first_row, targets, shown, &pool),
                    || {
                        if let Some((out, expected)) = previous {
                            kept.take(out, &plan, expected, &pool);
                        }
                    },
                );
                match read? {
                    Some((out, records)) => {
                        lines.records_read(records);
                        rows += out.height;
                        let expected = lines.expected_rows(rows);
                        tracing::trace!(
                            source = lines.shown(),
                            ms = clock.elapsed().as_millis() as u64,
                            "csv slice read from its lines"
                        );
                        pending = Some((out, expected));
                        continue;
                    }
                    None => Slice::Lines(lines),
                }
            }
            (slice, _) => {
                if let Some((out, expected)) = previous {
                    kept.take(out, &plan, expected, &pool);
                }
                slice
            }
        };
        let raw = lines.into_raw()?;
        rows += raw.height();
        kept.add(raw, &plan);
        tracing::trace!(
            source = %ledger.path,
            ms = clock.elapsed().as_millis() as u64,
            "csv slice parsed"
        );
    }
    if let Some((out, expected)) = pending.take() {
        kept.take(out, &plan, expected, &pool);
    }
    drop(pool);
    for (job, failures) in plan.jobs.iter().zip(&kept.failures) {
        if let ColumnRule::Date(r) = &job.rule
            && let Err(e) = recheck(
                r,
                failures
                    .iter()
                    .filter_map(|(row, _)| kept.cells.texts.get(&(job.index, *row)))
                    .map(String::as_str),
                job.spec.name,
                &job.header,
                &job.ctx,
            )
        {
            ledger.errors.push(format!("{}: {e}", ledger.path));
        }
    }
    if !ledger.errors.is_empty() {
        return Ok(None);
    }
    // All slices' blank rows (the first slice's were already counted by the caller's reader).
    ledger.empty_rows_skipped = kept.empty_rows_skipped;
    let clock = std::time::Instant::now();
    let (pieces, cells, released) = kept.finish(&plan);
    tracing::debug!(source = %ledger.path, ms = clock.elapsed().as_millis() as u64, "slices gathered");
    let dropped: Vec<&str> = plan
        .jobs
        .iter()
        .filter(|j| j.released)
        .map(|j| j.spec.name)
        .collect();
    Ok(finish(&cells, mapping, pieces, released, &dropped, ledger))
}

/// One column of a sliced source with its decision.
struct SliceJob {
    spec: ColumnSpec,
    feed: Feed,
    index: usize,
    header: String,
    ctx: ColumnContext,
    rule: ColumnRule,
    /// Dropped slice by slice, its values kept only in the row hash [`ROW_HASH`].
    released: bool,
}

/// The decisions a sliced source is converted with.
struct SlicePlan {
    ctx: ColumnContext,
    /// No configured or hinted separator and no value that shows one yet.
    decimal_open: bool,
    jobs: Vec<SliceJob>,
}

impl SlicePlan {
    fn decide(raw: &RawTable, mapping: &Mapping, src: &SourceConfig, release: bool) -> SlicePlan {
        let (decimal, decimal_open) = file_decimal(raw, mapping, src);
        // A source without number columns has no separator to decide: reading on for one
        // would send every slice of such an export through the horizon (polars' slower parse).
        let decimal_open = decimal_open
            && mapping.feeds.iter().any(|(spec, feed)| {
                matches!(spec.ty, ColType::Number | ColType::Integer) && feed.index().is_some()
            });
        // Only text columns: numbers may be needed for a derived amount or a totals row.
        let releasable = |spec: &ColumnSpec| {
            release
                && spec.ty == ColType::Text
                && mapping.table.released_after_checks().contains(&spec.name)
        };
        let ctx = base_context(raw, decimal, src);
        let jobs = jobs(raw, mapping)
            .into_iter()
            .map(|(spec, feed, index)| {
                let cx = job_context(&ctx, &spec, &feed);
                let rule = match raw.column(index).str() {
                    Ok(ca) => decide_rule(ca, spec.ty, &cx),
                    Err(_) => ColumnRule::None,
                };
                SliceJob {
                    released: releasable(&spec),
                    spec,
                    header: raw.headers[index].clone(),
                    feed,
                    index,
                    ctx: cx,
                    rule,
                }
            })
            .collect();
        SlicePlan {
            ctx,
            decimal_open,
            jobs,
        }
    }

    fn wants_more_rows(&self) -> bool {
        self.decimal_open || self.jobs.iter().any(|j| j.rule.wants_more_rows(&j.ctx))
    }

    /// How each column's cells are read straight from a slice's lines, with the decisions
    /// taken (`None` if some column has no such reading: its slices go through polars).
    fn targets(&self) -> Option<Vec<Target>> {
        self.jobs
            .iter()
            .map(|j| {
                let dec = match &j.rule {
                    ColumnRule::Decimal(d) => *d,
                    _ => j.ctx.decimal,
                };
                let reader = match (j.spec.ty, &j.rule) {
                    (ColType::Text, _) => CellReader::Text {
                        lowercase: j.ctx.lowercase,
                    },
                    (ColType::Number, _) => CellReader::Number(dec),
                    (ColType::Integer, _) => CellReader::Integer(dec, j.ctx.range),
                    (ColType::Flag, _) => CellReader::Flag,
                    (ColType::Date, ColumnRule::Date(r)) => {
                        CellReader::Date(cell_parser(r, &j.ctx))
                    }
                    (ColType::DateTime, ColumnRule::Date(r)) => {
                        CellReader::DateTime(cell_parser(r, &j.ctx))
                    }
                    (ColType::Date | ColType::DateTime, _) => return None,
                };
                Some(Target {
                    index: j.index,
                    released: j.released,
                    name: j.spec.name,
                    ty: j.spec.ty,
                    reader,
                    text_width: 8.into(),
                })
            })
            .collect()
    }
}

/// What is kept of a sliced source as its slices are converted: the converted columns, and of
/// the text only the cells later checks and messages may ask for (see [`SparseCells`]).
struct Kept {
    /// The other columns (not released), gathered slice after slice into one chunk each.
    columns: Vec<NumberGather>,
    /// Text columns (not released) gathered slice after slice into one chunk each.
    texts: Vec<Option<Gather>>,
    failures: Vec<Vec<(usize, Problem)>>,
    cells: SparseCells,
    empty_rows_skipped: usize,
    /// Each row's hash over every converted column.
    row_hash: NumberGather,
}

impl Kept {
    fn new(first: &RawTable, plan: &SlicePlan) -> Kept {
        let n = plan.jobs.len();
        Kept {
            columns: (0..n).map(|_| NumberGather::new()).collect(),
            texts: plan
                .jobs
                .iter()
                .map(|j| {
                    (j.spec.ty == ColType::Text && !j.released).then(|| Gather::with_capacity(0))
                })
                .collect(),
            failures: vec![Vec::new(); n],
            cells: SparseCells {
                height: 0,
                width: first.frame.width(),
                rows: RowNumbers::Offset(first.rows.file_row(0)),
                texts: HashMap::new(),
                present: vec![0; first.frame.width()],
            },
            empty_rows_skipped: 0,
            row_hash: NumberGather::new(),
        }
    }

    /// Converts one slice parsed by polars (in parallel over its columns) and keeps what must be
    /// kept.
    fn add(&mut self, raw: RawTable, plan: &SlicePlan) {
        let n = raw.height();
        let columns: Vec<Converted> = plan
            .jobs
            .par_iter()
            .map(|j| match raw.column(j.index).str() {
                Ok(ca) => convert_text(ca, j.spec.name, j.spec.ty, &j.rule, &j.ctx),
                Err(_) => Converted {
                    column: Column::full_null(j.spec.name.into(), n, &j.spec.ty.dtype()),
                    failures: Vec::new(),
                    format: None,
                },
            })
            .collect();
        let mut texts = Vec::new();
        for (j, c) in plan.jobs.iter().zip(&columns) {
            let text = raw.column(j.index);
            for &(row, _) in &c.failures {
                texts.push(((j.index, row), raw.cell_text(j.index, row)));
            }
            // Cells read as nothing although they hold something (blanks): the row checks may
            // name them as missing values.
            if c.column.null_count() > text.null_count() + c.failures.len()
                && let Ok(ca) = text.str()
            {
                let converted_null = c.column.is_null();
                for (row, (t, null)) in ca.iter().zip(converted_null.iter()).enumerate() {
                    if let (Some(t), Some(true)) = (t, null) {
                        texts.push(((j.index, row), t.to_string()));
                    }
                }
            }
        }
        let width = raw.frame.width();
        let last = match n.checked_sub(1) {
            Some(last) => (0..width).map(|col| raw.cell_text(col, last)).collect(),
            None => Vec::new(),
        };
        let all: Vec<&Column> = columns.iter().map(|c| &c.column).collect();
        let row_hash = columns_row_hash(&all, n);
        let out = SliceOut {
            height: n,
            columns,
            text_parts: Vec::new(),
            number_parts: Vec::new(),
            row_hash: vec![row_hash],
            texts,
            last,
            present: (0..width)
                .map(|col| n - raw.column(col).null_count())
                .collect(),
            rows: raw.rows,
            empty_rows_skipped: raw.empty_rows_skipped,
        };
        let height = self.cells.height + n;
        self.take(out, plan, height, &PiecePool::default());
    }

    /// Keeps what must be kept of a converted slice; `expected` is the rows the whole source is
    /// expected to have (the gathered columns reserve them). The buffers of the slice's pieces
    /// go back to `pool`.
    fn take(&mut self, out: SliceOut, plan: &SlicePlan, expected: usize, pool: &PiecePool) {
        let base = self.cells.height;
        let n = out.height;
        let total = expected.max(base + n);
        self.row_hash.reserve_total(total);
        for hashes in out.row_hash {
            if !self.row_hash.push_values::<UInt64Type>(&hashes, None) {
                self.row_hash
                    .push(UInt64Chunked::from_slice(ROW_HASH.into(), &hashes).into_column());
            }
            pool.u64s.give(hashes);
        }
        for ((col, row), t) in out.texts {
            self.cells.texts.entry((col, base + row)).or_insert(t);
        }
        let mut parts = out.text_parts;
        parts.resize_with(plan.jobs.len(), || None);
        let mut number_parts = out.number_parts;
        number_parts.resize_with(plan.jobs.len(), || None);
        let mut failures = Vec::with_capacity(plan.jobs.len());
        let mut values = Vec::with_capacity(plan.jobs.len());
        for c in out.columns {
            failures.push(c.failures);
            values.push(c.column);
        }
        // Each column's values added to its gathered column, the columns in parallel.
        self.texts
            .par_iter_mut()
            .zip(&mut self.columns)
            .zip(plan.jobs.par_iter())
            .zip(values)
            .zip(parts)
            .zip(number_parts)
            .for_each(
                |(((((text, numbers), job), column), parts), number_parts)| {
                    if job.released {
                        return;
                    }
                    let Some(g) = text else {
                        numbers.reserve_total(total);
                        match number_parts {
                            Some(parts) => {
                                gather_parts(numbers, &parts, job.spec.ty);
                                parts.give_back(pool);
                            }
                            None => numbers.push(column),
                        }
                        return;
                    };
                    g.reserve_total(total);
                    match parts {
                        Some(parts) => {
                            for v in parts.iter().flat_map(|p| p.values()) {
                                g.push(v);
                            }
                            parts.into_iter().for_each(|p| p.give_back(pool));
                        }
                        None => {
                            if let Ok(ca) = column.str() {
                                for v in ca.iter() {
                                    g.push(v.map(str::as_bytes));
                                }
                            }
                        }
                    }
                },
            );
        for (k, f) in failures.into_iter().enumerate() {
            self.failures[k].extend(f.iter().map(|&(row, p)| (base + row, p)));
        }
        if let Some(last) = n.checked_sub(1) {
            for (col, t) in out.last.into_iter().enumerate() {
                self.cells.texts.insert((col, base + last), t);
            }
        }
        for (p, q) in self.cells.present.iter_mut().zip(out.present) {
            *p += q;
        }
        let rows = std::mem::replace(&mut self.cells.rows, RowNumbers::Offset(0));
        self.cells.rows = if base == 0 {
            out.rows
        } else {
            rows.then(base, &out.rows, n)
        };
        self.cells.height += n;
        self.empty_rows_skipped += out.empty_rows_skipped;
    }

    fn finish(self, plan: &SlicePlan) -> (Vec<Piece>, SparseCells, Option<Column>) {
        let released = Some(self.row_hash.finish(ROW_HASH.into()));
        let pieces = plan
            .jobs
            .iter()
            .zip(self.columns)
            .zip(self.texts)
            .zip(self.failures)
            .filter(|(((j, _), _), _)| !j.released)
            .map(|(((j, cols), text), failures)| {
                let column = match text {
                    Some(g) => g.finish(j.spec.name.into()).into_column(),
                    None => cols.finish(j.spec.name.into()),
                };
                let column = if column.dtype() == &DataType::Null {
                    Column::full_null(j.spec.name.into(), 0, &j.spec.ty.dtype())
                } else {
                    column
                };
                let format = match (&j.rule, j.spec.ty) {
                    (ColumnRule::Decimal(d), ColType::Number) => Some(d.as_char().to_string()),
                    (ColumnRule::Date(r), _) => Some(r.format().to_string()),
                    _ => None,
                };
                Piece {
                    spec: j.spec,
                    feed: j.feed.clone(),
                    header: j.header.clone(),
                    converted: Converted {
                        column,
                        failures,
                        format,
                    },
                }
            })
            .collect();
        (pieces, self.cells, released)
    }
}

/// Adds a slice's number parts (see [`NumberParts`]) to the column gathering them, each piece's
/// values copied; a piece whose type the column does not gather (which the readers do not
/// make) goes in as a column of the canonical type `ty`, cast as any slice of another type.
fn gather_parts(numbers: &mut NumberGather, parts: &NumberParts, ty: ColType) {
    fn each<T: PolarsNumericType>(
        numbers: &mut NumberGather,
        parts: &[super::direct::NumberPart<T::Native>],
        ty: ColType,
    ) {
        for part in parts {
            if !numbers.push_values::<T>(&part.values, part.validity.as_ref()) {
                let validity = part.validity.clone().map(Into::into);
                let column =
                    ChunkedArray::<T>::from_vec_validity("".into(), part.values.clone(), validity)
                        .into_column();
                let column = column.cast(&ty.dtype()).unwrap_or(column);
                numbers.push(column);
            }
        }
    }
    match parts {
        NumberParts::F64(p) => each::<Float64Type>(numbers, p, ty),
        NumberParts::I32(p) => each::<Int32Type>(numbers, p, ty),
        NumberParts::I64(p) => each::<Int64Type>(numbers, p, ty),
    }
}

/// The cells of a sliced source that the row checks can ask for: values that failed to
/// convert, blanks in mapped columns, and the last row (a possible totals row).
struct SparseCells {
    height: usize,
    width: usize,
    rows: RowNumbers,
    texts: HashMap<(usize, usize), String>,
    present: Vec<usize>,
}

impl Cells for SparseCells {
    fn height(&self) -> usize {
        self.height
    }
    fn width(&self) -> usize {
        self.width
    }
    fn rows(&self) -> &RowNumbers {
        &self.rows
    }
    fn cell_text(&self, col: usize, row: usize) -> String {
        self.texts.get(&(col, row)).cloned().unwrap_or_default()
    }
    fn present(&self, col: usize) -> usize {
        self.present.get(col).copied().unwrap_or(0)
    }
}

#[cfg(test)]
#[path = "assemble_tests.rs"]
mod tests;
