//! Reads one planned source from start to end: the right reader for its extension, its table
//! (if still unknown) from its headers, its column mapping, and its canonical frame. Every failure
//! ends up in the source's ledger entry; nothing here aborts the other sources.
//! Part of the ingest stage.

use super::assemble::{assemble, assemble_sliced};
use super::csv::{Slice, open_sliced, read_csv};
use super::dates::valid_date_format;
use super::discover::{Planned, SHEET_EXTENSIONS, TEXT_EXTENSIONS, extension};
use super::encoding::file_has_lone_cr;
use super::ledger::{Msg, SourceLedger};
use super::mapping::{map_columns, table_from_headers};
use super::parquet::read_parquet;
use super::raw::RawTable;
use super::sheet::{load_sheet, read_sheet};
use crate::tables::TableKind;
use polars::prelude::DataFrame;

/// What reading one source gave.
pub(crate) struct SourceOutcome {
    pub(crate) ledger: SourceLedger,
    /// The canonical frame (with the row column of the checks), when the source was usable.
    pub(crate) frame: Option<(TableKind, DataFrame)>,
    /// A discovered file that matched no table: reported as a client warning, not a source.
    pub(crate) skipped: bool,
}

/// Reads a planned source.
/// `release`: a source read in slices drops the columns no stage after ingest reads as it goes
/// (see `TableKind::released_after_checks`).
pub(crate) fn read_source(plan: &Planned, release: bool) -> SourceOutcome {
    let mut ledger = SourceLedger::new(plan.shown.clone(), plan.sheet.clone());
    ledger.table = plan.table;
    ledger.table_detected_by = plan.table_by.map(str::to_string);
    let outcome = |ledger: SourceLedger, frame, skipped| SourceOutcome {
        ledger,
        frame,
        skipped,
    };
    if let Some(f) = plan
        .config
        .date_format
        .as_deref()
        .filter(|f| !valid_date_format(f))
    {
        ledger
            .errors
            .push(format!("{}: {}", plan.shown, Msg::bad_date_format(f)));
        return outcome(ledger, None, false);
    }
    let clock = std::time::Instant::now();
    // Old Mac (CR) line ends are made LF on a whole read; slices are cut at LF.
    if TEXT_EXTENSIONS.contains(&extension(&plan.path).as_str()) && !file_has_lone_cr(&plan.path) {
        match read_sliced(plan, &ledger, clock, release) {
            Ok(Some(outcome)) => return outcome,
            Ok(None) => {}
            Err(e) => {
                ledger.errors.push(e);
                return outcome(ledger, None, false);
            }
        }
    }
    let raw = match read_raw(plan, &mut ledger) {
        Ok(raw) => raw,
        Err(e) => {
            ledger.errors.push(e);
            return outcome(ledger, None, false);
        }
    };
    from_raw(plan, ledger, raw, None, clock).unwrap_or_else(|e| {
        // Only a later slice can fail to read, and a whole read has none.
        failed_outcome(plan, e)
    })
}

/// A large UTF-8 text export read slice by slice (`None`: read it whole). Should a later slice
/// turn out not to be UTF-8, the file is read again the general way, as `csv::read_csv` does.
fn read_sliced(
    plan: &Planned,
    ledger: &SourceLedger,
    clock: std::time::Instant,
    release: bool,
) -> Result<Option<SourceOutcome>, String> {
    let Some(sliced) = open_sliced(&plan.path, &plan.shown, &plan.config, plan.table)? else {
        return Ok(None);
    };
    let mut slices = sliced.slices();
    let first = match slices.next().map(|s| s.and_then(Slice::into_raw)) {
        Some(Ok(first)) => first,
        Some(Err(e)) if e.contains("utf-8") => return Ok(None),
        Some(Err(e)) => return Err(e),
        None => return Ok(None),
    };
    match from_raw(
        plan,
        ledger.clone(),
        first,
        Some((&mut slices, release)),
        clock,
    ) {
        Ok(outcome) => Ok(Some(outcome)),
        Err(e) if e.contains("utf-8") => {
            tracing::debug!(source = %plan.shown, "not UTF-8 after all; reading the general way");
            Ok(None)
        }
        Err(e) => {
            let mut ledger = ledger.clone();
            ledger.errors.push(e);
            Ok(Some(SourceOutcome {
                ledger,
                frame: None,
                skipped: false,
            }))
        }
    }
}

fn failed_outcome(plan: &Planned, e: String) -> SourceOutcome {
    let mut ledger = SourceLedger::new(plan.shown.clone(), plan.sheet.clone());
    ledger.errors.push(e);
    SourceOutcome {
        ledger,
        frame: None,
        skipped: false,
    }
}

/// From the source's first rows (the whole source, or its first slice with `rest` to follow):
/// its table if still unknown, its column mapping, and its canonical frame. `Err` only when a
/// later slice cannot be read.
fn from_raw(
    plan: &Planned,
    mut ledger: SourceLedger,
    raw: RawTable,
    rest: Option<(&mut dyn Iterator<Item = Result<Slice<'_>, String>>, bool)>,
    clock: std::time::Instant,
) -> Result<SourceOutcome, String> {
    let outcome = |ledger: SourceLedger, frame, skipped| SourceOutcome {
        ledger,
        frame,
        skipped,
    };
    ledger.detection.encoding = raw.detection.encoding.clone();
    ledger.detection.delimiter = raw.detection.delimiter.map(|d| d.to_string());
    ledger.detection.header_row = raw.detection.header_row;
    ledger.empty_rows_skipped = raw.empty_rows_skipped;
    ledger.warnings.extend(raw.warnings.iter().cloned());
    let table = match plan.table {
        Some(t) => t,
        None => match table_from_headers(&raw.headers) {
            Some(t) => {
                ledger.table = Some(t);
                ledger.table_detected_by = Some("headers".into());
                t
            }
            None if plan.discovered => {
                ledger
                    .warnings
                    .push(Msg::skipped_unrecognised(&plan.shown, &raw.headers));
                return Ok(outcome(ledger, None, true));
            }
            None => {
                ledger
                    .errors
                    .push(Msg::table_unknown(&plan.shown, &raw.headers));
                return Ok(outcome(ledger, None, false));
            }
        },
    };
    let mapping = match map_columns(&plan.shown, &raw.headers, table, &plan.config.columns) {
        Ok(m) => m,
        Err(e) => {
            ledger.errors.push(e);
            return Ok(outcome(ledger, None, false));
        }
    };
    if raw.height() == 0 {
        ledger.warnings.push(Msg::empty_file(&plan.shown));
    }
    tracing::debug!(source = %plan.shown, ms = clock.elapsed().as_millis() as u64, "ingest read done");
    let clock = std::time::Instant::now();
    let frame = match rest {
        None => assemble(&raw, &mapping, &plan.config, &mut ledger),
        Some((rest, release)) => {
            assemble_sliced(raw, rest, &mapping, &plan.config, &mut ledger, release)?
        }
    };
    tracing::debug!(source = %plan.shown, ms = clock.elapsed().as_millis() as u64, "ingest convert done");
    let frame = frame.map(|f| (table, f));
    Ok(outcome(ledger, frame, false))
}

fn read_raw(plan: &Planned, ledger: &mut SourceLedger) -> Result<RawTable, String> {
    let ext = extension(&plan.path);
    let cfg = &plan.config;
    if TEXT_EXTENSIONS.contains(&ext.as_str()) {
        read_csv(&plan.path, &plan.shown, cfg, plan.table)
    } else if SHEET_EXTENSIONS.contains(&ext.as_str()) {
        let data = load_sheet(&plan.path, &plan.shown, plan.sheet.as_deref())?;
        ledger.sheet = Some(data.name.clone());
        read_sheet(&data, &plan.shown, cfg, plan.table)
    } else if ext == "parquet" {
        read_parquet(&plan.path, &plan.shown)
    } else {
        Err(format!(
            "{}: unsupported file type '.{ext}' (csv, tsv, txt, xlsx, xlsm, xls, ods, parquet)",
            plan.shown
        ))
    }
}
