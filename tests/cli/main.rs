//! The integration suite, one binary (as mdBook lays it out): each module runs the real
//! `crm-audit` binary, or the library's public API, on fixtures under `tests/fixtures/`.
//! One binary links polars once instead of once per test file.

mod action_lists;
mod backtest_holdout;
mod clv_cdnow;
mod clv_cli;
mod clv_simulated;
mod clv_support;
mod csv_reader;
mod docs;
mod exports_corpus;
mod faults;
mod fuzz;
mod ingest_cases;
mod ingest_cli;
mod ingest_clients;
mod ingest_sliced;
mod init_cli;
mod memory_limit;
mod quality_gate;
mod report_pdf;
mod run_portfolio;
mod sample_cli;
mod seasonal;
mod shards;
mod snapshots;
