//! Errors of the clv stage: inputs the models cannot be run on at all. Data the models can run
//! on but fit badly are not errors; they are [`super::ClvWarning`]s with a documented fallback.

use chrono::NaiveDate;

/// Why the lifetime-value analysis could not run.
#[derive(Debug, thiserror::Error)]
pub enum ClvError {
    /// The transactions frame lacks a canonical column or has it with another dtype.
    #[error("transactions: column '{column}' missing or not of type {expected}")]
    Column {
        /// Canonical column name.
        column: &'static str,
        /// The dtype the canonical table fixes.
        expected: &'static str,
    },
    /// A setting outside its range (`ClvSettings::validate`'s message).
    #[error("clv settings: '{key}': {message}")]
    Settings {
        /// Setting name.
        key: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// No customer made a purchase on or before the calibration end.
    #[error(
        "no purchase (day with net amount > 0) on or before the calibration end {calibration_end}"
    )]
    NoCustomers {
        /// End of calibration.
        calibration_end: NaiveDate,
    },
    /// The holdout must end after the calibration.
    #[error("holdout end {holdout_end} is not after the calibration end {calibration_end}")]
    HoldoutBeforeCalibration {
        /// End of calibration.
        calibration_end: NaiveDate,
        /// End of holdout.
        holdout_end: NaiveDate,
    },
    /// A transaction file could not be read.
    #[error("{}: {message}", path.display())]
    Input {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong (missing column, unparsable date, ...).
        message: String,
    },
    /// A polars query failed (a bug or an out-of-memory condition, not bad data).
    #[error("clv query: {0}")]
    Polars(#[from] polars::error::PolarsError),
}
