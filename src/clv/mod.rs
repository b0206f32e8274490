//! The clv stage: predictive customer lifetime value. Reads only the canonical transactions table
//! ([`crate::tables`]) and [`crate::config::ClvSettings`]; its typed [`ClvReport`] feeds the
//! indicators (predictive CLV, CLV at risk, neglected valuable customers), the report's appendix
//! and `crm-audit clv`.
//!
//! Pipeline: [`summarise`] (x, t_x, T, zbar per customer, polars lazy group-bys) → identical
//! customers compressed into weighted rows → maximum-likelihood BG/NBD and/or Pareto/NBD
//! (purchases and dropout) and Gamma-Gamma (spend), fitted by a bounded BFGS on
//! log-parameters from several starts (Pareto/NBD on at most 50,000 distinct rows, a
//! deterministic subsample on very large data) → optional holdout backtest and model choice → per-customer
//! P(alive), expected purchases and discounted CLV (rayon). Entry point: [`analyse`].
//!
//! The models reproduce the published CDNOW estimates (tests/clv_cdnow.rs).

mod analysis;
mod backtest;
mod bgnbd;
mod csv_input;
mod dual;
mod error;
mod estimate;
mod fit;
mod gamma_gamma;
mod hyp2f1_near_one;
mod optimise;
mod pareto_nbd;
mod pareto_nbd_fit;
mod pareto_nbd_integral;
mod report;
mod rows;
mod scores;
mod scoring;
mod simulate;
pub(crate) mod special;
mod spend;
mod summary;
mod warning_text;

pub mod hyp2f1;

pub use analysis::{MIN_REPEAT_CUSTOMERS, WarmStart, analyse, analyse_daily, analyse_daily_from};
pub use backtest::{Backtest, BacktestBucket, BacktestMonth, ModelBacktest};
pub use bgnbd::BgNbdParams;
pub use csv_input::read_transactions_csv;
pub use error::ClvError;
pub use fit::{Fit, FitDiagnostics};
pub use gamma_gamma::GammaGammaParams;
pub use pareto_nbd::ParetoNbdParams;
pub use report::{
    ClvReport, ClvWarning, ModelChoiceReason, ModelKind, PopulationFigures, StageTimings,
};
pub use simulate::{Simulation, simulate_transactions};
pub use summary::{CustomerSummary, DailyLog, SpendBasis, summarise, summarise_daily};
