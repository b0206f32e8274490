//! Indicators stage: pure functions from the canonical tables and a period to typed results.
//!
//! Depends on `tables`, `period`, `figure` and `config` only. [`compute`] prepares the
//! transactions once ([`context`]), builds one per-customer status frame per period
//! (`status`), and runs the families in parallel; every family documents its formula on its
//! result struct and exports its methodology text as `DEFINITIONS`.

pub mod acquisition;
pub mod activity;
pub mod base;
pub mod clv_distribution;
pub mod clv_hist;
pub mod cohorts;
pub mod complainer_churn;
mod compute;
pub mod context;
pub mod definition;
pub mod error;
pub mod model;
pub mod profitability;
pub mod retention;
pub mod revenue;
pub mod rfm;
mod status;
pub mod trend;
pub mod whale;

#[cfg(test)]
pub(crate) mod fixture;

pub use compute::compute;
pub use definition::Definition;
pub use error::IndicatorError;
pub use model::{Indicators, PeriodLabel, PeriodLabels, Snapshot, TrendPoint};

/// Every definition of the customer and revenue families, in report order, for the
/// methodology appendix.
pub fn definitions() -> Vec<Definition> {
    [
        base::DEFINITIONS,
        retention::DEFINITIONS,
        revenue::DEFINITIONS,
        cohorts::DEFINITIONS,
        profitability::DEFINITIONS,
        clv_hist::DEFINITIONS,
        rfm::DEFINITIONS,
        acquisition::DEFINITIONS,
        complainer_churn::DEFINITIONS,
    ]
    .concat()
}
