//! The run manifest: what a scheduler reads to know what ran, on which inputs, with what result.
//!
//! Written last, atomically, so its presence means the run finished. The schema is versioned;
//! fields are only ever added within a version.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Version of the manifest schema; bump on any incompatible change.
pub const MANIFEST_SCHEMA: u32 = 1;

/// The whole run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Schema version of this file.
    pub schema_version: u32,
    /// crm-audit version that wrote it.
    pub tool_version: String,
    /// The period asked for (`2026-Q3`, `last-quarter`, ...), or `default` when `--period` was
    /// not given (each client's audit.toml `period`, else last-quarter).
    pub period_requested: String,
    /// Overall status: `ok`, `warnings` (some client has warnings) or `failed` (some client
    /// failed).
    pub status: RunStatus,
    /// Portfolio-level outputs (index pages), if any.
    #[serde(default)]
    pub outputs: Vec<OutputFile>,
    /// One entry per client, in a stable (sorted) order.
    pub clients: Vec<ClientEntry>,
}

/// Outcome of a run or a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Completed; every quality gate passed (the `warnings` list may still hold notes).
    Ok,
    /// Completed, but a quality gate was let through: a threshold looser than its default, or
    /// an optional or auto-discovered file that could not be read (see `gates`).
    Warnings,
    /// Did not complete; see `error`.
    Failed,
}

/// One client's part of the run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientEntry {
    /// Client identifier (folder name or `client.id`).
    pub client: String,
    /// Its audit.toml.
    pub config: PathBuf,
    /// Resolved period (`2026-Q3`), when it got that far.
    pub period: Option<String>,
    /// Outcome.
    pub status: RunStatus,
    /// The error and its causes, when failed.
    pub error: Option<String>,
    /// Wall-clock duration in milliseconds.
    pub duration_ms: u64,
    /// Time per pipeline stage, for benchmarks and slow-run diagnosis.
    #[serde(default)]
    pub stages_ms: StageTimings,
    /// Peak resident memory (MB) during each stage, where the platform tells it.
    pub stages_peak_mb: StagePeaks,
    /// Warnings (data-quality and model) worth a look.
    pub warnings: Vec<String>,
    /// Every input file read.
    pub inputs: Vec<InputFile>,
    /// Every output file written.
    pub outputs: Vec<OutputFile>,
    /// The quality gates, passed or not, with threshold, observed value and source.
    #[serde(default)]
    pub gates: Vec<crate::ingest::ledger::Gate>,
}

/// Milliseconds spent in each stage of one client's run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StageTimings {
    /// Reading and converting the exports.
    pub ingest: u64,
    /// Reducing the transaction lines to one row per customer and day, shared by the models and
    /// the indicators.
    #[serde(default)]
    pub prepare: u64,
    /// Indicator families.
    pub indicators: u64,
    /// Lifetime-value model fits, backtest and scoring.
    pub models: u64,
    /// Report model, charts, HTML and PDF.
    pub render: u64,
    /// Writing files (staging, rename).
    pub write: u64,
}

/// Peak resident memory, in MB, of the process during each stage of one client's run (Linux
/// only; process-wide, so clients running at the same time share their peaks).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StagePeaks {
    /// Reading and converting the exports.
    pub ingest: Option<u64>,
    /// The shared customer-day reduction.
    #[serde(default)]
    pub prepare: Option<u64>,
    /// Indicator families.
    pub indicators: Option<u64>,
    /// Lifetime-value model fits, backtest and scoring.
    pub models: Option<u64>,
    /// Report model, charts, HTML and PDF.
    pub render: Option<u64>,
    /// Writing files (staging, rename).
    pub write: Option<u64>,
}

/// An input export as read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputFile {
    /// Path as resolved from audit.toml.
    pub path: PathBuf,
    /// Canonical table it fed.
    pub table: Option<String>,
    /// Size in bytes.
    pub bytes: u64,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    /// Detected or configured encoding (CSV only).
    pub encoding: Option<String>,
    /// Detected or configured delimiter (CSV only).
    pub delimiter: Option<String>,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows rejected (each with a reason in the ledger).
    pub rows_rejected: u64,
}

/// An output file as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutputFile {
    /// Path relative to the output folder.
    pub path: PathBuf,
    /// Size in bytes.
    pub bytes: u64,
    /// Hex SHA-256.
    pub sha256: String,
}

impl Manifest {
    /// A manifest for this tool version with no clients yet.
    pub fn new(period_requested: String) -> Manifest {
        Manifest {
            schema_version: MANIFEST_SCHEMA,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            period_requested,
            status: RunStatus::Ok,
            outputs: Vec::new(),
            clients: Vec::new(),
        }
    }

    /// Adds a client and updates the overall status.
    pub fn push(&mut self, entry: ClientEntry) {
        self.status = match (self.status, entry.status) {
            (RunStatus::Failed, _) | (_, RunStatus::Failed) => RunStatus::Failed,
            (RunStatus::Warnings, _) | (_, RunStatus::Warnings) => RunStatus::Warnings,
            _ => RunStatus::Ok,
        };
        self.clients.push(entry);
        self.clients.sort_by(|a, b| a.client.cmp(&b.client));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, status: RunStatus) -> ClientEntry {
        ClientEntry {
            client: name.into(),
            config: PathBuf::from(format!("{name}/audit.toml")),
            period: Some("2026-Q3".into()),
            status,
            error: None,
            duration_ms: 1,
            stages_ms: StageTimings::default(),
            stages_peak_mb: StagePeaks::default(),
            warnings: vec![],
            inputs: vec![],
            outputs: vec![],
            gates: vec![],
        }
    }

    #[test]
    fn one_failed_client_fails_the_run_and_clients_stay_sorted() {
        let mut m = Manifest::new("2026-Q3".into());
        m.push(entry("zeta", RunStatus::Ok));
        assert_eq!(m.status, RunStatus::Ok);
        m.push(entry("beta", RunStatus::Warnings));
        assert_eq!(m.status, RunStatus::Warnings);
        m.push(entry("alpha", RunStatus::Failed));
        assert_eq!(m.status, RunStatus::Failed);
        assert_eq!(m.clients[0].client, "alpha");
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["schema_version"], 1);
        assert_eq!(json["clients"][0]["status"], "failed");
        assert_eq!(json["clients"][1]["status"], "warnings");
    }
}
