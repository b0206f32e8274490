//! `crm-audit run`: audit every selected client in parallel, write the manifest last, and turn
//! the outcome into an exit code. A failed client is recorded and never stops the others.

use super::{EXIT_CLIENT_FAILED, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, clients};
use crate::cli::RunArgs;
use crate::config::AuditConfig;
use crate::output::{self, Manifest, OutputLock, RunStatus};
use crate::pipeline::{self, ClientRun, RunOptions};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs the audit; returns the process exit code.
pub fn run(args: &RunArgs, jobs: Option<u16>, quiet: bool) -> Result<i32> {
    let configs = clients::select(&args.clients)?;
    if let Some(path) = &args.clients.config
        && let Err(e) = AuditConfig::load(path)
    {
        // One client named on the command line: its configuration is the usage error. In a
        // portfolio, a bad audit.toml fails that client only.
        eprintln!("error: {e}");
        return Ok(EXIT_USAGE);
    }
    let options = RunOptions::from_args(args)?;
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!(
            "error: cannot create output folder {}: {e}",
            args.out.display()
        );
        return Ok(EXIT_OUTPUT);
    }
    let _lock = match OutputLock::acquire(&args.out) {
        Ok(lock) => {
            if let Some(dead) = &lock.taken_over_from {
                tracing::warn!(
                    "took over the lock of {} left by a run that did not finish ({dead})",
                    args.out.display()
                );
            }
            lock
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_OUTPUT);
        }
    };

    let workers = jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, configs.len().max(1));

    if configs.len() > 1 {
        crate::memory::keep_freed_memory();
    }
    let bar = progress_bar(configs.len() as u64, quiet);
    tracing::info!(clients = configs.len(), out = %args.out.display(), "run started");
    let runs = audit_all(&configs, workers, |config| {
        let run = pipeline::audit_client(config, &options);
        bar.inc(1);
        log_outcome(&run);
        run
    });
    bar.finish_and_clear();

    let requested = args
        .period
        .map_or_else(|| "default".to_string(), |p| p.to_string());
    let mut manifest = Manifest::new(requested);
    let portfolio_outputs = pipeline::write_portfolio(&runs, &options);
    let mut output_failed = false;
    match portfolio_outputs {
        Ok(files) => manifest.outputs = files,
        Err(e) => {
            tracing::error!("portfolio index: {e:#}");
            output_failed = true;
        }
    }
    for run in runs {
        output_failed |= run.output_failed;
        manifest.push(run.entry);
    }
    let json = serde_json::to_vec_pretty(&manifest).context("cannot serialise the manifest")?;
    let path = args.out.join("manifest.json");
    if let Err(e) = output::write_file(&path, &json) {
        tracing::error!("{e}");
        return Ok(EXIT_OUTPUT);
    }

    let failed = manifest
        .clients
        .iter()
        .filter(|c| c.status == RunStatus::Failed)
        .count();
    if !quiet {
        let warned = manifest
            .clients
            .iter()
            .filter(|c| c.status == RunStatus::Warnings)
            .count();
        eprintln!(
            "{} client(s) audited ({warned} with warnings), {failed} failed; manifest: {}",
            manifest.clients.len() - failed,
            path.display()
        );
    }
    // An output that could not be written is the operator's problem first: it stops even the
    // clients whose data were fine.
    Ok(if output_failed {
        EXIT_OUTPUT
    } else if failed > 0 {
        EXIT_CLIENT_FAILED
    } else {
        EXIT_OK
    })
}

/// Audits the clients on `workers` threads (see [`crate::workers::in_order`]: at most `workers`
/// clients are in memory at once), and returns the runs in the clients' order.
fn audit_all<F>(configs: &[std::path::PathBuf], workers: usize, audit: F) -> Vec<ClientRun>
where
    F: Fn(&std::path::Path) -> ClientRun + Sync,
{
    crate::workers::in_order(configs, workers, |c| audit(c))
}

fn progress_bar(len: u64, quiet: bool) -> ProgressBar {
    // indicatif draws only on a terminal, so cron and CI logs stay clean.
    let bar = ProgressBar::new(len);
    if quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} clients {elapsed}") {
        bar.set_style(style);
    }
    bar
}

fn log_outcome(run: &ClientRun) {
    let e = &run.entry;
    match e.status {
        RunStatus::Ok => tracing::info!(
            client = %e.client,
            period = e.period.as_deref().unwrap_or("-"),
            ms = e.duration_ms,
            warnings = e.warnings.len(),
            "client done"
        ),
        RunStatus::Warnings => tracing::warn!(
            client = %e.client,
            period = e.period.as_deref().unwrap_or("-"),
            ms = e.duration_ms,
            gates = %gate_warnings(e),
            "client done with warnings"
        ),
        RunStatus::Failed => tracing::error!(
            client = %e.client,
            error = e.error.as_deref().unwrap_or("-"),
            "client failed"
        ),
    }
}

/// The sentences of the gates that ended in a warning.
fn gate_warnings(e: &output::ClientEntry) -> String {
    e.gates
        .iter()
        .filter_map(|g| g.message.as_deref())
        .collect::<Vec<_>>()
        .join(". ")
}
