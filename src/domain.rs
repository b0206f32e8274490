//! Small vocabulary types shared by every stage (report language, output kinds, the
//! lifetime-value model's choice and time unit). They live here, not in the command line, so
//! that the library's stages never depend on the CLI: the CLI parses straight into them.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Spanish.
    Es,
    /// English.
    En,
}

/// Output kinds of `run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// report.html, self-contained.
    Html,
    /// report.pdf, A4.
    Pdf,
    /// indicators.json (the typed result model).
    Json,
    /// actions.xlsx: a summary sheet and one sheet per action list.
    Xlsx,
    /// actions/<list>.csv: each action list for import into a CRM.
    CsvLists,
}

/// Lifetime-value model choice (`[clv] model`, `clv --model`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelChoice {
    /// BG/NBD (Fader, Hardie & Lee 2005).
    Bgnbd,
    /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
    ParetoNbd,
    /// Both, keeping the better holdout fit (BG/NBD without a holdout).
    Auto,
}

/// Time unit of the models' x, t_x, T and parameters (`[clv] unit`, `clv --unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// 7 days.
    Week,
    /// 1 day.
    Day,
}
