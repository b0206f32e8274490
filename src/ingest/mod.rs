//! Ingest stage: reads a client's exports (CSV through polars, spreadsheets through calamine,
//! Parquet through polars) into the canonical [`Tables`](crate::tables::Tables), and accounts for
//! every row in the data-quality [`Ledger`]. Depends on the configuration and the table
//! definitions only.
//!
//! Per source: plan ([`discover`]) → read raw text columns ([`csv`], [`sheet`], [`parquet`]) →
//! map headers ([`mapping`], [`synonyms`]) → convert and accept rows ([`assemble`]; large CSV
//! files slice by slice inside [`csv`]) → duplicates ([`checks`], over [`row_hash`]). Then,
//! over all sources: customer ids missing from the customers table, date ranges and future
//! dates ([`checks`]), and the concatenation of each table's sources ([`columns`]).

mod accept;
mod assemble;
pub mod budget;
mod checks;
mod columns;
mod convert;
mod csv;
mod dates;
mod discover;
mod encoding;
#[doc(hidden)]
pub mod fuzz;
mod header;
mod keys;
pub mod ledger;
mod mapping;
mod parquet;
mod parse;
mod raw;
mod row_hash;
mod sheet;
mod sniff;
mod source;
mod synonyms;
mod totals;
mod vendor;

pub use ledger::Ledger;

pub(crate) use checks::main_date;

use crate::config::AuditConfig;
use crate::tables::{TableKind, Tables};
use checks::ROW_COLUMN;
use ledger::{Msg, TableCount};
use polars::prelude::*;
use rayon::prelude::*;
use source::{SourceOutcome, read_source};

/// What ingest gives the rest of the pipeline.
#[derive(Debug, Clone)]
pub struct IngestResult {
    /// The canonical tables (only the readable sources).
    pub tables: Tables,
    /// What was read, accepted, rejected and why.
    pub ledger: Ledger,
}

/// How a client's exports are read.
#[derive(Debug, Clone, Copy)]
pub struct IngestOptions {
    /// The day future dates are judged against: the run day, or `--as-of` for reruns and tests.
    pub today: chrono::NaiveDate,
    /// Drop the columns no later stage reads ([`TableKind::released_after_checks`]) as soon as
    /// the checks are done, before the tables are gathered into one chunk per column, so they
    /// are never copied. The audit pipeline does; `validate`, `init` and tests keep every column.
    pub release_unread_columns: bool,
}

impl IngestOptions {
    /// Every column kept, future dates judged against `today`.
    pub fn as_of(today: chrono::NaiveDate) -> IngestOptions {
        IngestOptions {
            today,
            release_unread_columns: false,
        }
    }

    /// As the audit pipeline reads: the columns no later stage reads are released.
    pub fn for_audit(today: chrono::NaiveDate) -> IngestOptions {
        IngestOptions {
            today,
            release_unread_columns: true,
        }
    }
}

/// Reads every source of a client. A broken file never stops the others; without a readable
/// transactions source the ledger has an error and `ledger.usable()` is false.
pub fn ingest_client(cfg: &AuditConfig, opts: IngestOptions) -> IngestResult {
    ingest(cfg, opts.today, opts.release_unread_columns)
}

fn ingest(cfg: &AuditConfig, today: chrono::NaiveDate, release: bool) -> IngestResult {
    let _purge = crate::memory::purge_at_once();
    let mut ledger = Ledger::new(cfg.client_id(), cfg.client.name.clone(), today);
    let plans = discover::plan(cfg);
    // Testing aid: a test removes a planned file here to see how its loss is reported.
    if let Some(ms) = std::env::var("CRM_AUDIT_PAUSE_AFTER_DISCOVERY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    let mut outcomes = read_sources(&plans, release);
    // The customers frames (clones share their columns) and their ids, for the re-keying and
    // the checks.
    let customer_frames: Vec<DataFrame> = outcomes
        .iter()
        .filter_map(|o| {
            o.frame
                .as_ref()
                .filter(|(t, _)| *t == TableKind::Customers)
                .map(|(_, f)| f.clone())
        })
        .collect();
    let customer_frames: Vec<&DataFrame> = customer_frames.iter().collect();
    let clock = std::time::Instant::now();
    let customer_ids = checks::customer_ids(&customer_frames);
    keys::rekey(&mut outcomes, customer_ids.as_ref());
    tracing::debug!(
        ms = clock.elapsed().as_millis() as u64,
        "ingest customer keys done"
    );
    let clock = std::time::Instant::now();
    run_checks(
        &mut outcomes,
        today,
        &customer_frames,
        customer_ids.as_ref(),
    );
    tracing::debug!(
        ms = clock.elapsed().as_millis() as u64,
        "ingest checks done"
    );
    let clock = std::time::Instant::now();
    let mut tables = Tables::empty();
    for kind in TableKind::ALL {
        // Frames are taken out of the outcomes (not cloned) so that each column's slices are
        // freed as soon as it is gathered into one piece.
        let frames: Vec<DataFrame> = outcomes
            .iter_mut()
            .filter(|o| matches!(&o.frame, Some((t, _)) if *t == kind))
            .filter_map(|o| o.frame.take())
            .map(|(_, f)| {
                let released: &[&str] = if release {
                    kind.released_after_checks()
                } else {
                    &[]
                };
                let temporary = [ROW_COLUMN, row_hash::ROW_HASH];
                f.drop_many(temporary.into_iter().chain(released.iter().copied()))
            })
            .collect();
        let sources = frames.len();
        if let Some(df) = concat(frames, kind) {
            tracing::debug!(
                table = kind.name(),
                mb = df.estimated_size() >> 20,
                // (name, chunks, MB) per column
                columns = ?df
                    .columns()
                    .iter()
                    .map(|c| {
                        let mb = c.as_materialized_series().estimated_size() >> 20;
                        (c.name().to_string(), c.n_chunks(), mb)
                    })
                    .collect::<Vec<_>>(),
                "ingest table gathered"
            );
            ledger.tables.push(TableCount {
                table: kind,
                rows: df.height(),
                sources,
            });
            tables.set(kind, df);
        } else if kind == TableKind::Transactions {
            ledger.errors.push(Msg::no_transactions());
        } else {
            ledger.warnings.push(Msg::no_source_for(kind));
        }
    }
    if tables.customers.is_none() {
        ledger
            .warnings
            .retain(|w| *w != Msg::no_source_for(TableKind::Customers));
        ledger.warnings.push(Msg::no_customers_table());
    }
    for o in outcomes {
        if o.skipped {
            ledger.warnings.extend(o.ledger.warnings);
        } else {
            ledger.sources.push(o.ledger);
        }
    }
    tracing::debug!(
        ms = clock.elapsed().as_millis() as u64,
        "ingest assembly done"
    );
    IngestResult { tables, ledger }
}

/// Reads every planned source, a few at a time, each on a thread of its own (see
/// [`crate::workers::in_order`]): on rayon's pool, a worker waiting for polars takes on other
/// sources' whole reads, so a small source read in milliseconds could come back only after a
/// large one, and everything after it would wait.
fn read_sources(
    plans: &[Result<discover::Planned, ledger::SourceLedger>],
    release: bool,
) -> Vec<SourceOutcome> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
    crate::workers::in_order(plans, workers, |p| match p {
        Ok(plan) => {
            let mut outcome = read_source(plan, release);
            // Needs no other source: done as soon as this one is read, while the others are
            // still being read.
            duplicates_check(&mut outcome);
            outcome
        }
        Err(l) => SourceOutcome {
            ledger: l.clone(),
            frame: None,
            skipped: false,
            keys: Default::default(),
        },
    })
}

fn concat(frames: Vec<DataFrame>, kind: TableKind) -> Option<DataFrame> {
    let mut it = frames.into_iter();
    let mut first = it.next()?;
    for f in it {
        if first.vstack_mut_owned(f).is_err() {
            return None;
        }
    }
    // A table read in slices has a chunk per slice; later stages' queries would gather them on
    // every scan, so it is done once here, in parallel, each column replaced (and its slices
    // freed) in turn; text columns store each repeated long value once (see [`columns::text`]).
    // Columns no later stage reads are left as they are.
    let released = kind.released_after_checks();
    let height = first.height();
    let columns: Vec<Column> = first
        .into_columns()
        .into_par_iter()
        .map(|c| {
            if released.contains(&c.name().as_str()) {
                c
            } else if let (Ok(text), false) = (c.str(), c.n_chunks() == 1) {
                columns::text::gather_text(text).into_column()
            } else {
                c.rechunk()
            }
        })
        .collect();
    DataFrame::new(height, columns).ok()
}

/// Rows identical to an earlier row of the same source.
fn duplicates_check(o: &mut SourceOutcome) {
    let Some((table, df)) = &o.frame else { return };
    let clock = std::time::Instant::now();
    let key = (*table == TableKind::Customers).then_some("customer_id");
    match checks::duplicates(df, key) {
        Ok(Some(d)) => {
            o.ledger.warnings.push(Msg::duplicates(d.rows));
            o.ledger.duplicates = Some(d);
        }
        Ok(None) => {}
        Err(e) => o.ledger.warnings.push(format!("checks could not run: {e}")),
    }
    tracing::debug!(
        table = table.name(),
        ms = clock.elapsed().as_millis() as u64,
        "duplicates check done"
    );
}

/// Unmatched customers, date ranges and future dates, per source (duplicates are checked as
/// each source is read).
fn run_checks(
    outcomes: &mut [SourceOutcome],
    today: chrono::NaiveDate,
    customer_frames: &[&DataFrame],
    customer_ids: Option<&PlHashSet<&str>>,
) {
    let data_end = outcomes
        .iter()
        .filter_map(|o| {
            o.frame
                .as_ref()
                .filter(|(t, _)| *t == TableKind::Transactions)
        })
        .filter_map(|(t, f)| checks::date_range(f, *t).ok().flatten())
        .map(|r| r.max)
        .max();
    let known_ids = customer_ids.map(|ids| checks::KnownIds::new(customer_frames, ids));
    outcomes.par_iter_mut().for_each(|o| {
        let Some((table, df)) = &o.frame else { return };
        let l = &mut o.ledger;
        let result = (|| -> PolarsResult<()> {
            // A source whose every row matched a customer while re-keyed has none unknown.
            let all_matched = l
                .key
                .as_ref()
                .is_some_and(|k| k.customers_table && k.unmatched + k.ambiguous == 0);
            if let (Some(known), true, false) =
                (&known_ids, *table != TableKind::Customers, all_matched)
            {
                let clock = std::time::Instant::now();
                let (unmatched, hint) = checks::unmatched(df, known, o.keys.not_ids.as_deref())?;
                tracing::debug!(
                    table = table.name(),
                    ms = clock.elapsed().as_millis() as u64,
                    "customers check done"
                );
                if let Some(u) = unmatched {
                    l.warnings.push(Msg::unmatched(u.rows, u.distinct_ids));
                    if let Some(kind) = hint {
                        l.notes.push(Msg::unmatched_look_like(kind));
                    }
                    l.unmatched_customers = Some(u);
                }
            }
            l.date_range = checks::date_range(df, *table)?;
            l.future_dates = checks::future_dates(df, *table, today, data_end)?;
            for f in &l.future_dates {
                l.warnings.push(Msg::future_dates(
                    &f.column,
                    f.after_today,
                    f.after_data_end,
                ));
            }
            if *table == TableKind::Complaints
                && let Some(s) = checks::status_conflicts(df)?
            {
                if s.closed_unresolved > 0 {
                    l.warnings.push(Msg::status_closed_unresolved(
                        s.closed_unresolved,
                        &s.examples,
                    ));
                }
                if s.open_resolved > 0 {
                    l.warnings.push(Msg::status_open_resolved(s.open_resolved));
                }
                if !s.unknown.is_empty() {
                    l.notes.push(Msg::status_unknown(&s.unknown));
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            l.warnings.push(format!("checks could not run: {e}"));
        }
    });
}
