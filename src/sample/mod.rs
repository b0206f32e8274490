//! Sample-data stage: `crm-audit sample` writes a realistic client folder — customer master,
//! invoice lines, CRM activities, complaints and surveys — the way real Spanish and English
//! systems export them (see /work/EXPORTS.md for the exact contract with ingest), plus its
//! audit.toml. Depends only on the CLI's `Lang`, the table names, `config` (the slug, the quality
//! gate's defaults) and `period`; nothing in the pipeline depends on it.
//!
//! Behaviour is simulated, not sampled row by row: each customer follows a buy-till-you-die
//! process (purchase rate λ ~ Gamma, dropout p ~ Beta after each purchase, seasonal thinning),
//! complaints follow purchases and, when badly handled, end relationships, and contacts and
//! surveys follow both. So lifetime models, retention and complaint-churn indicators find real
//! signal. Output is a pure function of (customers, seed, language, end date): every customer has
//! its own random stream, so thread count and chunking do not change a byte.

mod activity;
mod calendar;
mod chunk;
mod complaints;
mod customer;
mod export;
mod layout;
mod life;
mod manifest;
mod mess;
mod names;
mod numfmt;
mod pipeline;
mod purchases;
mod rng;
mod row;
mod vocab;
mod world;
mod xlsx;

#[cfg(test)]
mod output_tests;
#[cfg(test)]
mod tests;

pub use mess::MessCounts;

use crate::domain::Lang;
use crate::tables::TableKind;
use chrono::NaiveDate;
use layout::Layout;
use serde::Serialize;
use std::path::PathBuf;
use world::World;

/// Largest `--customers` accepted (ids and document numbers are sized for it).
pub const MAX_CUSTOMERS: usize = 20_000_000;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SampleSpec {
    /// Number of customers in the master data.
    pub customers: usize,
    /// Random seed; the same spec gives the same bytes.
    pub seed: u64,
    /// Client folder to create or overwrite.
    pub out: PathBuf,
    /// Export style and language.
    pub lang: Lang,
    /// Client name (default: the language's sample company).
    pub name: Option<String>,
    /// Last day of history.
    pub end: NaiveDate,
    /// Purchase seasonality (issue 19's seasonal check client: `strong`).
    pub seasonality: Seasonality,
}

/// How seasonal the simulated business is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Seasonality {
    /// The language's usual monthly pattern, with a buy-till-you-die population.
    #[default]
    Normal,
    /// A seasonal check client: a strong monthly pattern (peak four times the trough) over a
    /// steady business — customers created evenly over the history who never drop out, so
    /// the underlying retention and spend are constant and any change a report finds is the
    /// season's (or noise).
    Strong,
}

impl SampleSpec {
    /// The default last day of history, 2026-09-30.
    pub fn default_end() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, 30).unwrap_or_default()
    }
}

/// Why a sample could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// `--customers` out of range.
    #[error("--customers must be between 1 and {MAX_CUSTOMERS}, got {0}")]
    Customers(usize),
    /// A file or folder could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A spreadsheet could not be written.
    #[error("cannot write {path}: {source}")]
    Xlsx {
        /// The spreadsheet.
        path: PathBuf,
        /// The writer's error.
        source: rust_xlsxwriter::XlsxError,
    },
}

/// One written file.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    /// Canonical table it feeds.
    pub table: TableKind,
    /// File name inside the client folder.
    pub file: String,
    /// Data rows (without header, title or totals rows).
    pub rows: u64,
}

/// What was generated; printed by the command and asserted by tests.
#[derive(Debug, Clone, Serialize)]
pub struct SampleSummary {
    /// The client folder.
    pub out: PathBuf,
    /// Client name written into audit.toml.
    pub client_name: String,
    /// First day of history.
    pub first_day: NaiveDate,
    /// Last day of history.
    pub last_day: NaiveDate,
    /// Files in table order (customers, transactions, interactions, complaints, surveys).
    pub files: Vec<FileSummary>,
    /// Invoices, not counting credit notes.
    pub invoices: u64,
    /// Credit notes.
    pub credit_notes: u64,
    /// Customers with at least one complaint (orphan codes included).
    pub complaining_customers: u64,
    /// Complaints still open on the last day.
    pub open_complaints: u64,
    /// Acquisition-cost total printed in the TOTAL row of clientes.xlsx, in cents.
    pub sheet_total_cents: Option<i64>,
    /// Defects injected on purpose.
    pub mess: MessCounts,
}

/// Generates a sample client folder: the exports and an audit.toml.
pub fn generate(spec: &SampleSpec) -> Result<SampleSummary, SampleError> {
    if spec.customers == 0 || spec.customers > MAX_CUSTOMERS {
        return Err(SampleError::Customers(spec.customers));
    }
    let world = World::new(spec.lang, spec.customers as u32, spec.seed, spec.end)
        .with_seasonality(spec.seasonality);
    let layout = Layout::new(spec.lang, spec.customers);
    let client_name = spec
        .name
        .clone()
        .unwrap_or_else(|| world.v.client_name.to_string());
    std::fs::create_dir_all(&spec.out).map_err(|source| SampleError::Io {
        path: spec.out.clone(),
        source,
    })?;
    let written = pipeline::run(&world, layout, &spec.out, &client_name)?;
    let files = (0..5)
        .map(|t| FileSummary {
            table: Layout::kind(t),
            file: layout.file(t).to_string(),
            rows: written.rows[t],
        })
        .collect();
    let summary = SampleSummary {
        out: spec.out.clone(),
        client_name: client_name.clone(),
        first_day: world.cal.date(0),
        last_day: spec.end,
        files,
        invoices: written.stats.invoices,
        credit_notes: written.stats.credit_notes,
        complaining_customers: written.stats.complaining_customers,
        open_complaints: written.stats.open_complaints,
        sheet_total_cents: written.sheet_total_cents,
        mess: written.mess,
    };
    let toml_path = spec.out.join(crate::config::CONFIG_FILE);
    let text = manifest::audit_toml(spec, &world, layout, &client_name, &summary);
    std::fs::write(&toml_path, text).map_err(|source| SampleError::Io {
        path: toml_path,
        source,
    })?;
    Ok(summary)
}
