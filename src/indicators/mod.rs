//! Indicators stage: pure functions from the canonical tables and a period to typed results.

pub mod breakdown;
pub mod complaint_times;
pub mod complaints;
pub mod cross_selling;
pub mod definition;
pub mod engagement;
pub mod neglected_customers;
pub mod open_complaint_sales;
pub mod satisfaction;
#[cfg(test)]
mod service_bench;
#[cfg(test)]
mod service_fixture;
mod service_inputs;

pub use definition::Definition;
