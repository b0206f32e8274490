//! The data-quality ledger: for every source, what was detected, how many rows were read,
//! accepted and rejected (by reason, with the first examples), duplicates, unknown customers,
//! date range, future dates and the totals-row check. Serialised to `validation.json`, listed in
//! `rejected_rows.csv`, printed by `validate` and summarised in the report's appendix.
//!
//! Invariant: for every source, `rows_read == rows_accepted + rows_rejected`, and `rows_rejected`
//! is the sum of the `rejected` reason counts. Empty rows and a detected totals row are not data
//! rows: they are counted separately (`empty_rows_skipped`, `totals_row`).

mod gate;
mod messages;
mod render;
mod write;

pub use gate::{Gate, GateFacts, GateKind, GateOutcome};
pub use write::{REJECTED_ROWS_CSV, VALIDATION_JSON};

pub(crate) use messages::{Msg, Problem};

use crate::tables::TableKind;
use chrono::NaiveDate;
use serde::Serialize;

/// How many examples each reason keeps.
pub const EXAMPLES_PER_REASON: usize = 10;
/// How many rejected rows per source are kept for `rejected_rows.csv` (all are counted).
pub const REJECTED_ROWS_KEPT: usize = 100_000;

/// The ledger of one client.
#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    /// Output identifier of the client.
    pub client_id: String,
    /// Client name from audit.toml.
    pub client_name: String,
    /// The date future dates are judged against (the day ingest ran).
    pub as_of: NaiveDate,
    /// One entry per file (or sheet) read, in reading order.
    pub sources: Vec<SourceLedger>,
    /// Rows per canonical table after concatenating its sources.
    pub tables: Vec<TableCount>,
    /// Problems of the client as a whole (no transactions source at all, ...).
    pub errors: Vec<String>,
    /// Client-wide warnings (a table with no source, files skipped by discovery, ...).
    pub warnings: Vec<String>,
    /// The quality gates, passed or not (empty until the period is known).
    pub gates: Vec<Gate>,
}

/// Rows in one canonical table.
#[derive(Debug, Clone, Serialize)]
pub struct TableCount {
    /// The table.
    pub table: TableKind,
    /// Accepted rows over all its sources.
    pub rows: usize,
    /// How many sources fed it.
    pub sources: usize,
}

/// What happened to one source file (or one sheet of a workbook).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceLedger {
    /// The file, as given (relative to the client folder when it is inside it).
    pub path: String,
    /// Worksheet, for spreadsheets.
    pub sheet: Option<String>,
    /// The canonical table it feeds (None when it could not be told).
    pub table: Option<TableKind>,
    /// How the table was chosen: `audit.toml`, `file name`, `sheet name` or `headers`.
    pub table_detected_by: Option<String>,
    /// What was detected or configured to read it.
    pub detection: Detection,
    /// Data rows under the header (empty rows and a totals row excluded).
    pub rows_read: usize,
    /// Rows that reached the canonical table.
    pub rows_accepted: usize,
    /// Rows left out, each for one reason.
    pub rows_rejected: usize,
    /// Rejected rows by reason, with the first examples.
    pub rejected: Vec<ReasonCount>,
    /// Values of optional columns that could not be read and were left empty (row kept).
    pub cleared: Vec<ReasonCount>,
    /// Rows with no value in any cell, skipped.
    pub empty_rows_skipped: usize,
    /// Exact duplicate rows (identical in every mapped column).
    pub duplicates: Option<Duplicates>,
    /// Customer ids absent from the customers table.
    pub unmatched_customers: Option<UnmatchedCustomers>,
    /// Earliest and latest value of the table's main date.
    pub date_range: Option<DateRange>,
    /// Dates after the day of the run or after the data's end.
    pub future_dates: Vec<FutureDates>,
    /// A totals row found at the bottom, excluded, and its check.
    pub totals_row: Option<TotalsRow>,
    /// Informational notes (derived columns, keys, ...).
    pub notes: Vec<String>,
    /// Things to look at; they do not make the source unusable.
    pub warnings: Vec<String>,
    /// Problems that made the source unusable (nothing of it was used).
    pub errors: Vec<String>,
    /// Marked `optional = true` in audit.toml: unreadable, it is a warning, not a failure.
    pub optional: bool,
    /// Found by auto-discovery, not named in audit.toml: unreadable, it is a warning.
    pub discovered: bool,
    /// Every rejected row (up to [`REJECTED_ROWS_KEPT`]), for `rejected_rows.csv`.
    #[serde(skip)]
    pub rejected_rows: Vec<RowIssue>,
    /// How the rows were matched to customers (issue 18; not for the customers table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyMatch>,
}

/// How a source's rows were matched to the customers table (issue 18).
#[derive(Debug, Clone, Default, Serialize)]
pub struct KeyMatch {
    /// The header of the column used as the key.
    pub column: String,
    /// What it holds: `id`, `email`, `tax_id` or `name`.
    pub kind: String,
    /// Pinned by audit.toml's `key`.
    pub pinned: bool,
    /// Whether there was a customers table to match against (without one, the key most files
    /// share became the id and nothing is counted).
    pub customers_table: bool,
    /// Rows matched by the customers table's id.
    pub by_id: usize,
    /// Rows matched by a customer's e-mail.
    pub by_email: usize,
    /// Rows matched by a customer's tax id.
    pub by_tax_id: usize,
    /// Rows matched by a name only one customer has.
    pub by_name: usize,
    /// Rows that matched no customer (kept, as the unmatched customers).
    pub unmatched: usize,
    /// Rows that matched more than one customer (kept, unmatched).
    pub ambiguous: usize,
    /// Every column that could be the key and how many rows it matched.
    pub candidates: Vec<KeyCandidate>,
    /// Every row that matched no customer or several (up to [`REJECTED_ROWS_KEPT`]).
    pub rows: Vec<RowIssue>,
}

/// One column weighed as the customer key.
#[derive(Debug, Clone, Serialize)]
pub struct KeyCandidate {
    /// Header.
    pub column: String,
    /// What its header says it holds.
    pub kind: String,
    /// Rows whose value matched exactly one customer.
    pub matched: usize,
    /// Rows weighed.
    pub rows: usize,
}

/// How a source was read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Detection {
    /// Text encoding (CSV).
    pub encoding: Option<String>,
    /// Field delimiter (CSV).
    pub delimiter: Option<String>,
    /// File-level decimal separator.
    pub decimal: Option<String>,
    /// 1-based header row in the file.
    pub header_row: Option<usize>,
    /// Date layout per date column.
    pub date_formats: Vec<ColumnFormat>,
    /// Which source column feeds each canonical column.
    pub columns: Vec<ColumnUse>,
    /// Headers of the file that feed nothing.
    pub unused_headers: Vec<String>,
}

/// Format found for one column.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnFormat {
    /// Canonical column.
    pub column: String,
    /// e.g. `dd/mm/yyyy hh:mm`.
    pub format: String,
}

/// One canonical column and where its values come from.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnUse {
    /// Canonical column.
    pub canonical: String,
    /// Header in the file (None: absent, left empty).
    pub source: Option<String>,
    /// `audit.toml`, `synonym`, `derived`, `customer e-mail`, `customer name` or `absent`.
    pub how: String,
}

/// Count and first examples of one reason.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonCount {
    /// Header of the column concerned.
    pub column: String,
    /// Why.
    pub reason: String,
    /// How many rows.
    pub count: usize,
    /// The first [`EXAMPLES_PER_REASON`] rows.
    pub examples: Vec<RowIssue>,
}

/// One row with a problem, located as a person would find it in the file.
#[derive(Debug, Clone, Serialize)]
pub struct RowIssue {
    /// File path as in [`SourceLedger::path`].
    pub file: String,
    /// Worksheet, for spreadsheets.
    pub sheet: Option<String>,
    /// 1-based row in the file, title and header rows counted.
    pub row: usize,
    /// Header of the column.
    pub column: String,
    /// The cell's text.
    pub value: String,
    /// Why.
    pub reason: String,
}

/// Duplicate rows of a source (kept in the table, flagged here).
#[derive(Debug, Clone, Serialize)]
pub struct Duplicates {
    /// Rows that repeat an earlier row exactly.
    pub rows: usize,
    /// The first repeated rows.
    pub examples: Vec<DuplicateExample>,
}

/// A repeated row and the first row it repeats.
#[derive(Debug, Clone, Serialize)]
pub struct DuplicateExample {
    /// 1-based file row of the first occurrence.
    pub first_row: usize,
    /// 1-based file row of the last repeat.
    pub repeated_at: usize,
    /// How many times the row occurs.
    pub times: usize,
}

/// Rows whose customer id is not in the customers table (kept, counted).
#[derive(Debug, Clone, Serialize)]
pub struct UnmatchedCustomers {
    /// Rows concerned.
    pub rows: usize,
    /// Distinct unknown ids.
    pub distinct_ids: usize,
    /// The first unknown ids.
    pub examples: Vec<String>,
}

/// Span of a date column.
#[derive(Debug, Clone, Serialize)]
pub struct DateRange {
    /// Canonical column.
    pub column: String,
    /// Earliest date.
    pub min: NaiveDate,
    /// Latest date.
    pub max: NaiveDate,
}

/// Dates that cannot have happened yet, or lie after the data's end (rows kept, counted).
#[derive(Debug, Clone, Serialize)]
pub struct FutureDates {
    /// Canonical column.
    pub column: String,
    /// Values after the day of the run.
    pub after_today: usize,
    /// Values more than a month after the last transaction (the data's end), but not after
    /// today.
    pub after_data_end: usize,
    /// The last transaction date used as the data's end.
    pub data_end: Option<NaiveDate>,
    /// The first offending values (`row N: date`).
    pub examples: Vec<String>,
}

/// A totals row found at the bottom of a source.
#[derive(Debug, Clone, Serialize)]
pub struct TotalsRow {
    /// 1-based row in the file.
    pub row: usize,
    /// How it was recognised: its first cell, or numbers equal to the column sums.
    pub detected_by: String,
    /// Its numbers against the sum of the accepted rows.
    pub checks: Vec<TotalCheck>,
    /// Every check matched.
    pub matches: bool,
}

/// One number of a totals row against the column sum.
#[derive(Debug, Clone, Serialize)]
pub struct TotalCheck {
    /// Header of the column.
    pub column: String,
    /// The value written in the totals row.
    pub stated: f64,
    /// Sum of the accepted rows.
    pub computed: f64,
    /// Equal within rounding.
    pub matches: bool,
}

impl Ledger {
    /// An empty ledger for a client.
    pub fn new(client_id: String, client_name: String, as_of: NaiveDate) -> Ledger {
        Ledger {
            client_id,
            client_name,
            as_of,
            sources: Vec::new(),
            tables: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            gates: Vec::new(),
        }
    }

    /// The worst outcome of the gates (passed when there are none).
    pub fn gate_outcome(&self) -> GateOutcome {
        self.gates
            .iter()
            .map(|g| g.outcome)
            .max()
            .unwrap_or(GateOutcome::Passed)
    }

    /// Whether any source (or the client as a whole) has an error: `validate` then exits 1.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.sources.iter().any(|s| !s.errors.is_empty())
    }

    /// Whether there are warnings (and no errors).
    pub fn has_warnings(&self) -> bool {
        !self.warnings.is_empty() || self.sources.iter().any(|s| !s.warnings.is_empty())
    }

    /// Whether the client can be audited at all: a transactions table was read.
    pub fn usable(&self) -> bool {
        self.errors.is_empty()
            && self
                .sources
                .iter()
                .any(|s| s.table == Some(TableKind::Transactions) && s.errors.is_empty())
    }
}

impl SourceLedger {
    /// A ledger entry for a file about to be read.
    pub fn new(path: String, sheet: Option<String>) -> SourceLedger {
        SourceLedger {
            path,
            sheet,
            ..SourceLedger::default()
        }
    }
}
