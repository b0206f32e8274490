//! `crm-audit validate`: ingest only. Prints each client's data-quality ledger and quality gates,
//! and writes `OUT/<client>/validation.json` and `rejected_rows.csv`.
//!
//! Exit codes: 0 every gate passed or warned (warnings fail with `--warn-error`), 1 a client
//! failed a gate or could not be loaded in a portfolio, 2 the audit.toml given with `--config`
//! could not be loaded, 3 an output could not be written.

use super::{EXIT_CLIENT_FAILED, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE};
use crate::cli::ValidateArgs;
use crate::config::{AuditConfig, CONFIG_FILE};
use crate::ingest::{IngestOptions, ingest_client};
use crate::pipeline::client_period;
use std::path::{Path, PathBuf};

/// Portfolio folder used when neither `--config` nor `--portfolio` is given.
const DEFAULT_PORTFOLIO: &str = "sample-data";

/// Runs `validate` and returns the exit code.
pub fn run(args: &ValidateArgs) -> anyhow::Result<i32> {
    let configs = match &args.clients.config {
        Some(path) => vec![path.clone()],
        None => {
            let dir = args
                .clients
                .portfolio
                .clone()
                .unwrap_or_else(|| DEFAULT_PORTFOLIO.into());
            portfolio_configs(&dir)?
        }
    };
    let day = match args.as_of {
        Some(day) => day,
        None => crate::pipeline::report_date()?,
    };
    let mut config_error = false;
    let mut output_error = false;
    let mut gate_failed = false;
    for path in configs {
        let cfg = match AuditConfig::load(&path) {
            Ok(cfg) => cfg,
            Err(e) => {
                eprintln!("error: {e}");
                config_error = true;
                continue;
            }
        };
        let period = client_period(args.period, &cfg, day);
        let mut result = ingest_client(&cfg, IngestOptions::as_of(day));
        result.ledger.gates =
            crate::quality::evaluate(&cfg.quality, &result.ledger, &result.tables, period);
        let ledger = &result.ledger;
        println!("{}", ledger.render_text());
        gate_failed |= !ledger.usable()
            || !crate::quality::blocking(&ledger.gates, args.warn_error).is_empty();
        let out = args.out.join(&ledger.client_id);
        let written = ledger.write_files(&out);
        match written {
            Ok(()) => println!("  wrote {}\n", out.display()),
            Err(e) => {
                eprintln!(
                    "error: cannot write the ledger of {}: {e}",
                    ledger.client_id
                );
                output_error = true;
            }
        }
    }
    Ok(if config_error && args.clients.config.is_some() {
        EXIT_USAGE
    } else if output_error {
        EXIT_OUTPUT
    } else if gate_failed || config_error {
        EXIT_CLIENT_FAILED
    } else {
        EXIT_OK
    })
}

/// The audit.toml of every sub-folder of `dir` that has one, sorted.
fn portfolio_configs(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot read portfolio folder {}: {e}", dir.display()))?;
    let mut configs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path().join(CONFIG_FILE))
        .filter(|p| p.is_file())
        .collect();
    configs.sort();
    if configs.is_empty() {
        anyhow::bail!(
            "no client folder with an {CONFIG_FILE} under {}",
            dir.display()
        );
    }
    Ok(configs)
}
