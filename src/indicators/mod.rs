//! Indicators stage: pure functions from the canonical tables and a period to typed results.

pub mod definition;

pub use definition::Definition;
