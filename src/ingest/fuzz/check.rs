//! What is checked on each generated input: it goes through the loader that reads it (ingest of
//! one file as a configured or discovered source, `AuditConfig::load` and then ingest, or the
//! value parsers), the ledger it gives is rendered as `validate` and the output files do, and
//! its counts must add up.

use super::inputs::{GenFile, Input};
use crate::config::{AuditConfig, CONFIG_FILE};
use crate::ingest::parse::{amount, date, decimal, flag};
use crate::ingest::{IngestOptions, IngestResult, ingest_client};
use crate::tables::TableKind;
use std::path::Path;

/// What one input gave besides panics and hangs.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    /// Rows the ledger does not account for: |read − accepted − rejected| per source, plus
    /// |rejected − the sum of the reasons' counts|, plus |a table's rows − its sources' accepted
    /// rows|.
    pub(crate) unaccounted: u64,
    /// Rows read over all sources.
    pub(crate) rows_read: u64,
    /// A source that gave a table.
    pub(crate) tables: u64,
    /// A CR or mixed line-end file that did not give the rows its LF twin gave.
    pub(crate) line_end_mismatch: bool,
    /// What went wrong, for the report.
    pub(crate) problems: Vec<String>,
    /// The ledgers as `validate` prints them (for a replay).
    pub(crate) ledgers: String,
}

/// The day future dates are judged against: fixed, so a replay gives the same result.
fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default()
}

/// A configuration with no sources, for `dir`.
fn base_config(dir: &Path) -> AuditConfig {
    let mut cfg: AuditConfig =
        toml::from_str("[client]\nname = \"Fuzz\"\nid = \"fuzz\"\nlang = \"en\"\n")
            .expect("a fixed valid audit.toml");
    cfg.base_dir = dir.to_path_buf();
    cfg
}

/// Empties `dir` (a worker's own folder, reused for every input).
fn clear(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn write(dir: &Path, f: &GenFile) -> std::io::Result<()> {
    std::fs::write(dir.join(&f.name), &f.bytes)
}

/// Runs one input (in `dir`, a folder of the worker's own).
pub(crate) fn check(input: &Input, dir: &Path) -> std::io::Result<Checked> {
    let mut out = Checked::default();
    match input {
        Input::File {
            file,
            source,
            lf_twin,
        } => {
            clear(dir);
            write(dir, file)?;
            let mut cfg = base_config(dir);
            cfg.sources.extend(source.iter().cloned());
            let result = ingest_client(&cfg, IngestOptions::as_of(today()));
            account(&result, &mut out);
            if let Some(twin) = lf_twin {
                write(
                    dir,
                    &GenFile {
                        name: file.name.clone(),
                        bytes: twin.clone(),
                    },
                )?;
                let lf = ingest_client(&cfg, IngestOptions::as_of(today()));
                let (a, b) = (rows_of(&result), rows_of(&lf));
                if a != b {
                    out.ledgers.push_str("LF twin:\n");
                    out.ledgers.push_str(&lf.ledger.render_text());
                    out.line_end_mismatch = true;
                    out.problems.push(format!(
                        "CR/mixed file gave (usable, read, accepted, rejected, empty) \
                         {a:?}, its LF twin {b:?}"
                    ));
                }
            }
        }
        Input::Config { toml, files } => {
            clear(dir);
            for f in files {
                write(dir, f)?;
            }
            let path = dir.join(CONFIG_FILE);
            std::fs::write(&path, toml)?;
            if let Ok(mut cfg) = AuditConfig::load(&path) {
                // Patterns that reach outside the worker's folder would read the machine.
                let inside = cfg.sources.iter().all(|s| {
                    !s.file.contains(['/', '\\'])
                        && !s.file.contains("..")
                        && !s.file.contains("**")
                });
                if inside {
                    cfg.base_dir = dir.to_path_buf();
                    let _ = cfg.client_id();
                    let result = ingest_client(&cfg, IngestOptions::as_of(today()));
                    account(&result, &mut out);
                }
            }
        }
        Input::Values(values) => parse_values(values),
    }
    Ok(out)
}

/// Per source: whether it could be used, and then its rows read, accepted, rejected and empty
/// rows skipped (a source that fails stops where it failed, which may differ between the two
/// line-end styles when one is read in slices and the other whole).
fn rows_of(r: &IngestResult) -> Vec<(bool, usize, usize, usize, usize)> {
    r.ledger
        .sources
        .iter()
        .map(|s| {
            if s.errors.is_empty() {
                let (read, accepted, rejected) = (s.rows_read, s.rows_accepted, s.rows_rejected);
                (true, read, accepted, rejected, s.empty_rows_skipped)
            } else {
                (false, 0, 0, 0, 0)
            }
        })
        .collect()
}

/// The ledger's counts against each other and against the tables, and the ledger through
/// everything that prints it.
fn account(result: &IngestResult, out: &mut Checked) {
    let ledger = &result.ledger;
    let diff = |a: usize, b: usize| a.abs_diff(b) as u64;
    for s in &ledger.sources {
        out.rows_read += s.rows_read as u64;
        let d = diff(s.rows_read, s.rows_accepted + s.rows_rejected);
        let reasons: usize = s.rejected.iter().map(|c| c.count).sum();
        let d2 = diff(s.rows_rejected, reasons);
        if d + d2 > 0 {
            out.problems.push(format!(
                "{}: read {}, accepted {}, rejected {} (reasons {reasons})",
                s.path, s.rows_read, s.rows_accepted, s.rows_rejected
            ));
        }
        out.unaccounted += d + d2;
    }
    for kind in TableKind::ALL {
        let accepted: usize = ledger
            .sources
            .iter()
            .filter(|s| s.table == Some(kind) && s.errors.is_empty())
            .map(|s| s.rows_accepted)
            .sum();
        let rows = result.tables.get(kind).map_or(0, |df| df.height());
        let counted = ledger
            .tables
            .iter()
            .find(|t| t.table == kind)
            .map_or(0, |t| t.rows);
        if rows != accepted || counted != rows {
            out.problems.push(format!(
                "{}: table has {rows} rows (ledger says {counted}), sources accepted {accepted}",
                kind.name()
            ));
            out.unaccounted += diff(rows, accepted) + diff(counted, rows);
        }
        if rows > 0 {
            out.tables += 1;
        }
    }
    // What `validate` prints and `run` writes.
    out.ledgers.push_str(&ledger.render_text());
    let _ = ledger.to_json();
    let _ = ledger.rejected_rows_csv();
}

/// Every value through the parsers, as a column would see it.
fn parse_values(values: &[String]) {
    use date::{ColumnShape, Order, SerialBase};
    let mut shape = ColumnShape::default();
    let mut votes = decimal::Votes::default();
    for v in values {
        shape.add(v);
        let _ = date::scan(v);
        for order in [None, Some(Order::DayFirst), Some(Order::MonthFirst)] {
            for base in [SerialBase::Excel1900, SerialBase::Excel1904] {
                if let Some(s) = date::parse(v, order, base) {
                    let _ = s.epoch_ms();
                }
                let _ = date::describe(v, order, base);
            }
        }
        votes.add(decimal::decimal_vote(v));
        for sep in [decimal::DecimalSep::Dot, decimal::DecimalSep::Comma] {
            let _ = amount::parse_amount(v, sep);
        }
        let _ = flag::parse_flag(v);
        let _ = crate::ingest::dates::valid_date_format(v);
    }
    let _ = shape.order(false);
    let _ = shape.order(true);
    let _ = decimal::decide_decimal(votes, decimal::DecimalSep::Dot);
}
