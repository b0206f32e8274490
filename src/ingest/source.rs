//! Reads one planned source from start to end: the right reader for its extension, its table
//! (if still unknown) from its headers, its column mapping, and its canonical frame. Every failure
//! ends up in the source's ledger entry; nothing here aborts the other sources.
//! Part of the ingest stage.

use super::assemble::assemble;
use super::csv::read_csv;
use super::dates::valid_date_format;
use super::discover::{Planned, SHEET_EXTENSIONS, TEXT_EXTENSIONS, extension};
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
pub(crate) fn read_source(plan: &Planned) -> SourceOutcome {
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
    let raw = match read_raw(plan, &mut ledger) {
        Ok(raw) => raw,
        Err(e) => {
            ledger.errors.push(e);
            return outcome(ledger, None, false);
        }
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
                return outcome(ledger, None, true);
            }
            None => {
                ledger
                    .errors
                    .push(Msg::table_unknown(&plan.shown, &raw.headers));
                return outcome(ledger, None, false);
            }
        },
    };
    let mapping = match map_columns(&plan.shown, &raw.headers, table, &plan.config.columns) {
        Ok(m) => m,
        Err(e) => {
            ledger.errors.push(e);
            return outcome(ledger, None, false);
        }
    };
    if raw.height() == 0 {
        ledger.warnings.push(Msg::empty_file(&plan.shown));
    }
    tracing::debug!(source = %plan.shown, ms = clock.elapsed().as_millis() as u64, "ingest read done");
    let clock = std::time::Instant::now();
    let frame = assemble(&raw, &mapping, &plan.config, &mut ledger);
    tracing::debug!(source = %plan.shown, ms = clock.elapsed().as_millis() as u64, "ingest convert done");
    let frame = frame.map(|f| (table, f));
    outcome(ledger, frame, false)
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
