//! Indicators stage: pure functions from the canonical tables and a period to typed results.
//!
//! Depends on `tables`, `period`, `figure` and `config` only. [`compute`] prepares the
//! transactions once ([`context`]), builds one per-customer status frame per period
//! (`status`), and runs the families in parallel; every family documents its formula on its
//! result struct and exports its methodology text as `DEFINITIONS`.

pub mod acquisition;
pub mod activity;
pub mod all;
pub mod base;
pub mod breakdown;
pub mod clv_distribution;
pub mod clv_hist;
pub mod cohorts;
pub mod complainer_churn;
pub mod complaint_times;
pub mod complaints;
mod compute;
pub(crate) mod contacts;
pub mod context;
pub mod cross_selling;
mod day_lines;
pub mod definition;
pub mod engagement;
pub mod error;
pub mod model;
pub mod neglected_customers;
pub mod open_complaint_sales;
pub mod profitability;
pub mod retention;
pub mod revenue;
pub mod rfm;
pub mod satisfaction;
pub mod seasonality;
#[cfg(test)]
mod service_bench;
#[cfg(test)]
mod service_fixture;
pub(crate) mod service_inputs;
pub(crate) mod status;
pub mod trend;
pub mod whale;

#[cfg(test)]
pub(crate) mod fixture;

pub use all::{
    AllIndicators, Computed, Reuse, ServicePeriods, ServiceSnapshot, ServiceTrendPoint, compute_all,
};
pub use compute::compute;
pub use definition::Definition;
pub use error::IndicatorError;
pub use model::{Indicators, PeriodLabel, PeriodLabels, Snapshot, TrendPoint};

/// Every indicator definition, in report order, for the
/// methodology appendix.
pub fn definitions() -> Vec<Definition> {
    [
        base::DEFINITIONS,
        retention::DEFINITIONS,
        revenue::DEFINITIONS,
        seasonality::DEFINITIONS,
        cohorts::DEFINITIONS,
        profitability::DEFINITIONS,
        clv_hist::DEFINITIONS,
        rfm::DEFINITIONS,
        acquisition::DEFINITIONS,
        complainer_churn::DEFINITIONS,
        complaints::DEFINITIONS,
        complaint_times::DEFINITIONS,
        open_complaint_sales::DEFINITIONS,
        satisfaction::DEFINITIONS,
        engagement::DEFINITIONS,
        neglected_customers::DEFINITIONS,
        cross_selling::DEFINITIONS,
    ]
    .concat()
}
