//! The command-line definition (clap derive). Parsing only: each subcommand's work lives in
//! `cmd/`, so this file reads as the tool's manual.

// The domain's vocabulary, parsed straight from the command line; re-exported so `cmd/` can
// name everything a command line holds from here.
pub use crate::domain::{Lang, ModelChoice, OutputFormat, TimeUnit};
use crate::period::PeriodSpec;
use crate::shard::Shard;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Exit codes, documented in `--help` and the README; schedulers depend on them.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  every client done; status `ok` or `warnings` (see --warn-error)
  1  at least one client failed (a quality gate, an unusable export, an invalid audit.toml in a
     portfolio), or `validate` found a failed gate; the others were still processed
  2  usage or configuration error (bad flag; unreadable or invalid audit.toml given with --config)
  3  output could not be written (permissions, disk full, another run holds the output folder)";

/// Customer-relationship audit reports from accounting and CRM exports.
#[derive(Debug, Parser)]
#[command(name = "crm-audit", version, about, long_about = None, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// Print only errors (no progress bars, no summaries).
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Log format on stderr: `text` for people, `json` for schedulers and log collectors.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Worker threads (default: all cores).
    #[arg(long, short, global = true, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit one client or a portfolio and write the reports.
    #[command(after_long_help = "\
Examples:
  crm-audit run                                   # every client under sample-data/ into reports/
  crm-audit run --config clients/acme/audit.toml --period 2026-Q3
  crm-audit run --portfolio clients/ --period last-quarter --lang es --format html,pdf,json
  crm-audit run --portfolio clients/ --period 2026-Q3 --shard 0/3  # first of three shards
  JOB_COMPLETION_INDEX=2 crm-audit run --portfolio clients/ --period 2026-Q3 --shards 3")]
    Run(RunArgs),

    /// Merge the shards of a sharded run: the portfolio page and one manifest.json, from the
    /// per-shard manifests; no client is audited again. Exit 1 if a client failed in any shard.
    #[command(after_long_help = "\
Examples:
  crm-audit portfolio --out reports/ --period 2026-Q3
  crm-audit portfolio --out /data/reports --period last-quarter --shards 3")]
    Portfolio(PortfolioArgs),

    /// Read the exports only and print the data-quality ledger and quality gates; exit 1 if a
    /// gate fails.
    #[command(after_long_help = "\
Examples:
  crm-audit validate                              # every client under sample-data/
  crm-audit validate --config clients/acme/audit.toml --out checks/")]
    Validate(ValidateArgs),

    /// Generate a realistic client: customers, invoices, CRM activity, complaints, surveys.
    #[command(after_long_help = "\
Examples:
  crm-audit sample --customers 3000 --seed 7 --out sample-data/ferreteria-es --lang es
  crm-audit sample --customers 1000000 --out /tmp/big --lang en")]
    Sample(SampleArgs),

    /// Look at a folder of exports and write an annotated audit.toml for it.
    #[command(after_long_help = "\
Examples:
  crm-audit init clients/acme                     # writes clients/acme/audit.toml")]
    Init(InitArgs),

    /// Fit the lifetime-value models on a transaction log and score every customer.
    #[command(after_long_help = "\
Examples:
  crm-audit clv --transactions ../shared/data/cdnow/transactions.csv --calibration-end 1997-09-30
  crm-audit clv --transactions tx.csv --calibration-end 2026-06-30 --holdout-end 2026-09-30 \\
      --model auto --json --scores scores.csv")]
    Clv(ClvArgs),
}

/// Where the clients come from: one config, a portfolio folder, or the bundled samples.
#[derive(Debug, Args, Clone)]
pub struct ClientSelection {
    /// One client's audit.toml.
    #[arg(long, conflicts_with = "portfolio")]
    pub config: Option<PathBuf>,

    /// A folder whose sub-folders each hold an audit.toml (default: sample-data/).
    #[arg(long)]
    pub portfolio: Option<PathBuf>,
}

/// Arguments of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Which clients.
    #[command(flatten)]
    pub clients: ClientSelection,

    /// Audit period: 2026-Q3, 2026-09, last-quarter or last-month (default: `period` in the
    /// client's audit.toml, else last-quarter).
    #[arg(long)]
    pub period: Option<PeriodSpec>,

    /// The day of the run, YYYY-MM-DD: last-quarter / last-month end before it and later dates
    /// count as future-dated (default: today, or SOURCE_DATE_EPOCH when set).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,

    /// Fail a client whose quality gates end in a warning (status `warnings`), as dbt does.
    #[arg(long)]
    pub warn_error: bool,

    /// Output folder; reports go to OUT/<client>/<period>/.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,

    /// Report language (default: the client's audit.toml).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,

    /// Outputs to write, comma-separated. `xlsx` is actions.xlsx (the customers behind each
    /// finding) and `csv-lists` the same lists as actions/*.csv for a CRM; both are on by
    /// default.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "html,pdf,json,xlsx,csv-lists"
    )]
    pub format: Vec<OutputFormat>,

    /// A folder of templates overriding the built-in ones (same file names).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// Audit only shard K of N (numbered from 0: 0/3, 1/3, 2/3), a share of the clients balanced
    /// by export size; writes OUT/manifest.shard-K-of-N.json, not the portfolio page (see
    /// `crm-audit portfolio`).
    #[arg(long, value_name = "K/N", conflicts_with = "shards")]
    pub shard: Option<Shard>,

    /// Number of shards, this one's index (from 0) read from JOB_COMPLETION_INDEX, as a
    /// Kubernetes Indexed Job sets it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub shards: Option<u16>,
}

/// Arguments of `portfolio`.
#[derive(Debug, Args)]
pub struct PortfolioArgs {
    /// The output folder the shards wrote into; the page goes to OUT/<period>/.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,

    /// The period given to `run`.
    #[arg(long, default_value = "last-quarter")]
    pub period: PeriodSpec,

    /// How many shards to expect (default: as the shard manifests found say).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub shards: Option<u16>,

    /// Page language (default: the `--lang` given to `run`, else most clients' language).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,

    /// A folder of templates overriding the built-in ones (same file names).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Which clients.
    #[command(flatten)]
    pub clients: ClientSelection,

    /// Where validation.json and rejected_rows.csv go (default: OUT/<client>/).
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,

    /// Period the gates check (rows in it, staleness); as in `run`.
    #[arg(long)]
    pub period: Option<PeriodSpec>,

    /// The day of the run, YYYY-MM-DD; as in `run`.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,

    /// Exit 1 when a quality gate ends in a warning.
    #[arg(long)]
    pub warn_error: bool,
}

/// Arguments of `sample`.
#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Number of customers.
    #[arg(long, default_value_t = 3000)]
    pub customers: usize,

    /// Random seed; the same seed gives the same files.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,

    /// Client folder to create (exports plus an audit.toml).
    #[arg(long)]
    pub out: PathBuf,

    /// Style of the exports: `es` (Spanish Excel CSV, xlsx) or `en` (English UTF-8 CSV).
    #[arg(long, value_enum, default_value_t = Lang::Es)]
    pub lang: Lang,

    /// Client name written into audit.toml.
    #[arg(long)]
    pub name: Option<String>,

    /// Last day of simulated history (default: 2026-09-30).
    #[arg(long, value_name = "DATE")]
    pub end: Option<NaiveDate>,

    /// Purchase seasonality: `strong` writes a seasonal check client (a strong monthly pattern
    /// over a steady business whose retention and spend do not change).
    #[arg(long, value_enum, default_value_t = crate::sample::Seasonality::Normal)]
    pub seasonality: crate::sample::Seasonality,
}

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Client folder holding the exports.
    pub dir: PathBuf,

    /// Overwrite an existing audit.toml.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `clv`.
#[derive(Debug, Args)]
pub struct ClvArgs {
    /// Transaction log (CSV with customer_id, date, net_amount; optional cost), or a client's
    /// audit.toml to use its transactions.
    #[arg(long)]
    pub transactions: PathBuf,

    /// End of calibration (default: the last date in the log).
    #[arg(long, value_name = "DATE")]
    pub calibration_end: Option<NaiveDate>,

    /// End of the holdout used for the backtest (none: no backtest).
    #[arg(long, value_name = "DATE")]
    pub holdout_end: Option<NaiveDate>,

    /// Which purchase model.
    #[arg(long, value_enum, default_value_t = ModelChoice::Auto)]
    pub model: ModelChoice,

    /// Time unit of x, t_x, T and the parameters.
    #[arg(long, value_enum, default_value_t = TimeUnit::Week)]
    pub unit: TimeUnit,

    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Per-customer scores CSV (default: clv_scores.csv beside the log).
    #[arg(long, value_name = "FILE")]
    pub scores: Option<PathBuf>,

    /// CLV horizon in months.
    #[arg(long, default_value_t = 12)]
    pub horizon_months: u32,

    /// Annual discount rate for CLV (0.10 = 10 %).
    #[arg(long, default_value_t = 0.10)]
    pub discount_rate: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn run_defaults_to_the_configured_period_and_all_formats() {
        let cli = Cli::try_parse_from(["crm-audit", "run"]).unwrap();
        let Command::Run(args) = cli.command else {
            panic!("not run")
        };
        assert_eq!(args.period, None, "audit.toml's period, else last-quarter");
        assert_eq!(
            args.format,
            [
                OutputFormat::Html,
                OutputFormat::Pdf,
                OutputFormat::Json,
                OutputFormat::Xlsx,
                OutputFormat::CsvLists
            ]
        );
    }

    #[test]
    fn shard_is_zero_based_and_excludes_shards() {
        let cli = Cli::try_parse_from(["crm-audit", "run", "--shard", "2/3"]).unwrap();
        let Command::Run(args) = cli.command else {
            panic!("not run")
        };
        assert_eq!(args.shard, Some(Shard { index: 2, count: 3 }));
        assert!(Cli::try_parse_from(["crm-audit", "run", "--shard", "3/3"]).is_err());
        assert!(
            Cli::try_parse_from(["crm-audit", "run", "--shard", "0/3", "--shards", "3"]).is_err()
        );
    }

    #[test]
    fn bad_period_is_rejected_at_parse_time() {
        assert!(Cli::try_parse_from(["crm-audit", "run", "--period", "2026-Q9"]).is_err());
    }
}
