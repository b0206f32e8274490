//! crm-audit: customer-relationship audit reports from accounting and CRM exports.
//!
//! The pipeline runs one way: [`config`] → [`ingest`] (canonical [`tables`] plus the
//! data-quality ledger) → [`indicators`] and [`clv`] → [`findings`] → [`render`] → [`output`].
//! The binary (`src/main.rs`) only parses arguments and reports errors; each subcommand's work
//! is in [`cmd`].
#![warn(missing_docs, unreachable_pub)]

pub mod actions;
pub mod cli;
pub mod clv;
pub mod cmd;
pub mod config;
pub mod customer_days;
pub mod domain;
pub mod figure;
pub mod findings;
pub mod headline;
pub mod indicators;
pub mod ingest;
pub mod memory;
pub mod models;
pub mod output;
pub mod period;
pub mod pipeline;
pub mod portfolio;
pub mod quality;
pub mod render;
pub mod results;
pub mod sample;
pub mod shard;
mod sort;
pub mod stats;
pub mod tables;
pub mod workers;
