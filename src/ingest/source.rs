//! Reads one planned source from start to end: the right reader for its extension, its table
//! (if still unknown) from its headers, its column mapping, and its canonical frame. Every failure
//! ends up in the source's ledger entry; nothing here aborts the other sources.
//! Part of the ingest stage.

use super::assemble::assemble;
use super::csv::{CsvError, Slice, assemble_sliced, open_sliced, read_csv};
use super::dates::valid_date_format;
use super::discover::{Planned, SHEET_EXTENSIONS, TEXT_EXTENSIONS, extension};
use super::encoding::file_has_lone_cr;
use super::keys::{KeyInput, key_input};
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
    /// The columns that may identify the customer, weighed once every source is read.
    pub(crate) keys: KeyInput,
}

/// Reads a planned source.
/// `release`: a source read in slices drops the columns no stage after ingest reads as it goes
/// (see `TableKind::released_after_checks`).
pub(crate) fn read_source(plan: &Planned, release: bool) -> SourceOutcome {
    let mut ledger = new_ledger(plan);
    ledger.table = plan.table;
    ledger.table_detected_by = plan.table_by.map(str::to_string);
    let outcome = |mut ledger: SourceLedger, frame, skipped| {
        vanished_check(plan, &mut ledger);
        SourceOutcome {
            ledger,
            frame,
            skipped,
            keys: KeyInput::default(),
        }
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
            Ok(Some(mut done)) => {
                vanished_check(plan, &mut done.ledger);
                return done;
            }
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
    let mut done = from_raw(plan, ledger, raw, None, clock).unwrap_or_else(|e| {
        // Only a later slice can fail to read, and a whole read has none.
        failed_outcome(plan, e.to_string())
    });
    vanished_check(plan, &mut done.ledger);
    done
}

/// A ledger entry for a planned source, marked optional or discovered as the plan says.
fn new_ledger(plan: &Planned) -> SourceLedger {
    let mut ledger = SourceLedger::new(plan.shown.clone(), plan.sheet.clone());
    ledger.optional = plan.config.optional;
    ledger.discovered = plan.discovered;
    ledger
}

/// A file listed when the run started that is gone when it failed to read: say so, rather than
/// leave the reader's bare "No such file or directory".
fn vanished_check(plan: &Planned, ledger: &mut SourceLedger) {
    if !ledger.errors.is_empty() && !plan.path.exists() {
        ledger.errors = vec![Msg::vanished(&plan.shown)];
    }
}

/// A large UTF-8 text export read slice by slice (`None`: read it whole). Should a later slice
/// turn out not to be UTF-8 ([`CsvError::NotUtf8`]), the file is read again the general way, as
/// `csv::read_csv` does.
fn read_sliced(
    plan: &Planned,
    ledger: &SourceLedger,
    clock: std::time::Instant,
    release: bool,
) -> Result<Option<SourceOutcome>, String> {
    let opened = open_sliced(&plan.path, &plan.shown, &plan.config, plan.table);
    let Some(sliced) = opened.map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let mut slices = sliced.slices();
    let first = match slices.next().map(|s| s.and_then(Slice::into_raw)) {
        Some(Ok(first)) => first,
        Some(Err(CsvError::NotUtf8(_))) => return Ok(None),
        Some(Err(e)) => return Err(e.to_string()),
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
        Err(CsvError::NotUtf8(_)) => {
            tracing::debug!(source = %plan.shown, "not UTF-8 after all; reading the general way");
            Ok(None)
        }
        Err(e) => {
            let mut ledger = ledger.clone();
            ledger.errors.push(e.to_string());
            Ok(Some(SourceOutcome {
                ledger,
                frame: None,
                skipped: false,
                keys: KeyInput::default(),
            }))
        }
    }
}

fn failed_outcome(plan: &Planned, e: String) -> SourceOutcome {
    let mut ledger = new_ledger(plan);
    ledger.errors.push(e);
    SourceOutcome {
        ledger,
        frame: None,
        skipped: false,
        keys: KeyInput::default(),
    }
}

/// From the source's first rows (the whole source, or its first slice with `rest` to follow):
/// its table if still unknown, its column mapping, and its canonical frame. `Err` only when a
/// later slice cannot be read.
fn from_raw(
    plan: &Planned,
    mut ledger: SourceLedger,
    raw: RawTable,
    rest: Option<(&mut dyn Iterator<Item = Result<Slice<'_>, CsvError>>, bool)>,
    clock: std::time::Instant,
) -> Result<SourceOutcome, CsvError> {
    let outcome = |ledger: SourceLedger, frame, skipped| SourceOutcome {
        ledger,
        frame,
        skipped,
        keys: KeyInput::default(),
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
        Ok(mut m) => {
            super::keys::fullest_key(&mut m, &raw);
            m
        }
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
    let headers = raw.headers.clone();
    let (frame, whole) = match rest {
        None => (
            assemble(&raw, &mapping, &plan.config, &mut ledger),
            Some(raw),
        ),
        Some((rest, release)) => (
            assemble_sliced(raw, rest, &mapping, &plan.config, &mut ledger, release)?,
            None,
        ),
    };
    tracing::debug!(source = %plan.shown, ms = clock.elapsed().as_millis() as u64, "ingest convert done");
    // Issue 18: vendor amounts and channels, and the candidate customer keys.
    let mut keys = KeyInput::default();
    let frame = frame.map(|mut f| {
        super::vendor::adjust(whole.as_ref(), &headers, &mapping, &mut f, &mut ledger);
        keys = key_input(whole.as_ref(), &headers, &mapping, &f, plan.config.key);
        (table, f)
    });
    let mut done = outcome(ledger, frame, false);
    done.keys = keys;
    Ok(done)
}

fn read_raw(plan: &Planned, ledger: &mut SourceLedger) -> Result<RawTable, String> {
    let ext = extension(&plan.path);
    let cfg = &plan.config;
    if TEXT_EXTENSIONS.contains(&ext.as_str()) {
        read_csv(&plan.path, &plan.shown, cfg, plan.table).map_err(|e| e.to_string())
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
