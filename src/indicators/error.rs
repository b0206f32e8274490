//! Errors of the indicators stage. Indicators are pure, so the only failures are inputs that break
//! the canonical-table contract and query-engine failures; both name what they were working on.

use polars::prelude::PolarsError;

/// Why the indicators of one client could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum IndicatorError {
    /// A canonical column is missing or has another dtype than `crate::tables` fixes.
    #[error("{table}: column '{column}' {problem} (expected {expected})")]
    Schema {
        /// Table (or `values` for the per-customer value frame).
        table: &'static str,
        /// Column name.
        column: &'static str,
        /// `is missing` or `has dtype <found>`.
        problem: String,
        /// The dtype the contract fixes.
        expected: String,
    },
    /// A polars query failed while computing a family.
    #[error("indicators ({family}): {source}")]
    Query {
        /// The indicator family (module) whose query failed.
        family: &'static str,
        /// The engine's error.
        #[source]
        source: PolarsError,
    },
}

/// Tags a polars error with the family that raised it.
pub(crate) trait QueryContext<T> {
    /// Converts the error into [`IndicatorError::Query`] for `family`.
    fn family(self, family: &'static str) -> Result<T, IndicatorError>;
}

impl<T> QueryContext<T> for Result<T, PolarsError> {
    fn family(self, family: &'static str) -> Result<T, IndicatorError> {
        self.map_err(|source| IndicatorError::Query { family, source })
    }
}
