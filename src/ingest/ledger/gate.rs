//! The quality gates' results as the ledger keeps them (issue 17): which check, on which source,
//! its threshold, what was observed, and the outcome. Evaluated by [`crate::quality`] once the
//! period is known; written to `validation.json` and the run manifest.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which check a gate makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateKind {
    /// A source could be read (observed: its errors; threshold 0).
    SourceReadable,
    /// Rejected rows / rows read.
    RejectedShare,
    /// Rows whose customer is not in the customers table / rows accepted.
    UnmatchedShare,
    /// Rows dated after the day of the run / rows accepted.
    FutureShare,
    /// Transactions dated in the audited period (a minimum).
    RowsInPeriod,
    /// Days between the newest transaction and the period's end.
    StalenessDays,
}

/// What a gate concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateOutcome {
    /// Within the default threshold.
    Passed,
    /// Let through: by a threshold looser than the default in audit.toml, or because the
    /// source is optional or was found by auto-discovery.
    Warning,
    /// Beyond the threshold: the client fails.
    Failed,
}

/// One gate, passed or not.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gate {
    /// The check.
    pub gate: GateKind,
    /// The file it concerns (for the period gates, the transactions sources).
    pub source: Option<String>,
    /// Unit of `threshold` and `observed`: `share`, `rows`, `days` or `errors`.
    pub unit: String,
    /// The threshold in force (audit.toml, else the default).
    pub threshold: f64,
    /// The default threshold; a value beyond it but within `threshold` is a warning.
    pub default_threshold: f64,
    /// What the data showed.
    pub observed: f64,
    /// Passed, warning or failed.
    pub outcome: GateOutcome,
    /// One sentence for people when not passed (English; the report has it in its language).
    #[serde(default)]
    pub message: Option<String>,
    /// The facts behind the sentence, to write it in the report's language.
    #[serde(skip)]
    pub facts: Option<GateFacts>,
}

/// The figures a gate's sentence is written from.
#[derive(Debug, Clone, PartialEq)]
pub enum GateFacts {
    /// A source that could not be read.
    Unreadable {
        /// The ledger's errors for it.
        error: String,
        /// `optional = true` in audit.toml.
        optional: bool,
        /// Found by auto-discovery, not named in audit.toml.
        discovered: bool,
    },
    /// Rejected rows.
    Rejected {
        /// Rows read.
        read: usize,
        /// Rows rejected.
        rejected: usize,
        /// The main reasons: header, problem (ledger English), rows.
        reasons: Vec<(String, String, usize)>,
    },
    /// Unmatched customers.
    Unmatched {
        /// Rows accepted.
        rows: usize,
        /// Rows with an unknown customer.
        unmatched: usize,
        /// Distinct unknown ids.
        ids: usize,
    },
    /// Dates after the day of the run.
    Future {
        /// Rows accepted.
        rows: usize,
        /// Rows with a future date (the worst date column).
        future: usize,
        /// Canonical column.
        column: String,
        /// The day of the run.
        as_of: NaiveDate,
        /// The first offending value (`row N: date`).
        example: Option<String>,
    },
    /// Transactions in the period.
    RowsInPeriod {
        /// Period label.
        period: String,
        /// First day.
        start: NaiveDate,
        /// Last day.
        end: NaiveDate,
        /// Transactions dated in it.
        rows: u64,
    },
    /// Freshness of the transactions.
    Stale {
        /// Newest transaction on or before the day of the run.
        newest: Option<NaiveDate>,
        /// The period's last day.
        period_end: NaiveDate,
        /// Days between them.
        days: i64,
    },
}
