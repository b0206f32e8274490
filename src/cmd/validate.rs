//! `crm-audit validate`: ingest only. Prints each client's data-quality ledger and writes
//! `OUT/<client>/validation.json` and `rejected_rows.csv`.
//!
//! Exit codes: 0 no errors (warnings allowed), 1 a source of some client has an error,
//! 2 a configuration could not be loaded (the other clients are still validated),
//! 3 an output could not be written.

use super::{EXIT_CLIENT_FAILED, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE};
use crate::cli::ValidateArgs;
use crate::config::{AuditConfig, CONFIG_FILE};
use crate::ingest::ingest_client;
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
    let mut config_error = false;
    let mut output_error = false;
    let mut ledger_error = false;
    for path in configs {
        let cfg = match AuditConfig::load(&path) {
            Ok(cfg) => cfg,
            Err(e) => {
                eprintln!("error: {e}");
                config_error = true;
                continue;
            }
        };
        let result = ingest_client(&cfg);
        let ledger = &result.ledger;
        println!("{}", ledger.render_text());
        ledger_error |= ledger.has_errors();
        let out = args.out.join(&ledger.client_id);
        let written = crate::output::write_file(
            &out.join(crate::ingest::ledger::VALIDATION_JSON),
            ledger.to_json().as_bytes(),
        )
        .and_then(|()| {
            crate::output::write_file(
                &out.join(crate::ingest::ledger::REJECTED_ROWS_CSV),
                ledger.rejected_rows_csv().as_bytes(),
            )
        });
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
    Ok(if config_error {
        EXIT_USAGE
    } else if output_error {
        EXIT_OUTPUT
    } else if ledger_error {
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
