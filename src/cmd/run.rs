//! `crm-audit run`: audit every selected client in parallel, write the manifest last, and turn
//! the outcome into an exit code. A failed client is recorded and never stops the others.
//! With `--shard K/N` (or `--shards N` and `JOB_COMPLETION_INDEX`) only a share of the clients
//! is audited, and a per-shard manifest replaces the portfolio page and manifest.json.

use super::{EXIT_CLIENT_FAILED, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, clients};
use crate::cli::RunArgs;
use crate::config::AuditConfig;
use crate::output::{self, Manifest, OutputLock, RunStatus};
use crate::pipeline::{self, ClientRun, RunOptions};
use crate::portfolio::PageOptions;
use crate::shard::{Shard, ShardHeadline, ShardManifest};
use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::Path;

/// What `run` decides once for all clients, from the command line and the environment.
fn run_options(args: &RunArgs) -> Result<RunOptions> {
    Ok(RunOptions {
        period: args.period,
        as_of: args.as_of,
        warn_error: args.warn_error,
        out: args.out.clone(),
        lang: args.lang,
        formats: args.format.clone(),
        templates: args.templates.clone(),
        report_date: pipeline::report_date()?,
    })
}

/// Runs the audit; returns the process exit code.
pub fn run(args: &RunArgs, jobs: Option<u16>, quiet: bool) -> Result<i32> {
    let shard = match (args.shard, args.shards) {
        (Some(shard), _) => Some(shard),
        (None, Some(n)) => Some(Shard::from_env(n.into()).map_err(anyhow::Error::msg)?),
        (None, None) => None,
    };
    let mut configs = clients::select(&args.clients)?;
    if let Some(shard) = shard {
        configs = crate::shard::select(configs, shard);
        tracing::info!(shard = %shard, clients = configs.len(), "shard selected");
    }
    if let Some(path) = &args.clients.config
        && let Err(e) = AuditConfig::load(path)
    {
        // One client named on the command line: its configuration is the usage error. In a
        // portfolio, a bad audit.toml fails that client only.
        eprintln!("error: {e}");
        return Ok(EXIT_USAGE);
    }
    let options = run_options(args)?;
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!(
            "error: cannot create output folder {}: {e}",
            args.out.display()
        );
        return Ok(EXIT_OUTPUT);
    }
    let lock = match shard {
        Some(shard) => OutputLock::acquire_shard(&args.out, &shard.file_tag()),
        None => OutputLock::acquire(&args.out),
    };
    let _lock = match lock {
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
    if let Some(shard) = shard {
        return finish_shard(args, shard, &requested, runs, quiet);
    }
    let mut manifest = Manifest::new(requested);
    let headlines: Vec<&crate::portfolio::ClientHeadline> =
        runs.iter().filter_map(|r| r.summary.as_ref()).collect();
    let pages = PageOptions {
        out: &options.out,
        lang: options.lang,
        templates: options.templates.as_deref(),
        report_date: options.report_date,
    };
    let portfolio_outputs =
        crate::portfolio::write_pages(&headlines, runs.len() - headlines.len(), &pages);
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
    let path = args.out.join("manifest.json");
    Ok(write_manifest(
        &path,
        &manifest,
        &manifest,
        output_failed,
        quiet,
    ))
}

/// A shard's end: its manifest, with the headlines the merge needs, beside the clients' folders.
fn finish_shard(
    args: &RunArgs,
    shard: Shard,
    requested: &str,
    runs: Vec<ClientRun>,
    quiet: bool,
) -> Result<i32> {
    let mut manifest = Manifest::new(requested.to_string());
    let mut headlines = Vec::new();
    let mut output_failed = false;
    for run in runs {
        output_failed |= run.output_failed;
        if let Some(headline) = run.summary {
            headlines.push(ShardHeadline {
                config: run.entry.config.clone(),
                headline,
            });
        }
        manifest.push(run.entry);
    }
    let sharded = ShardManifest {
        manifest,
        shard,
        lang: args.lang,
        headlines,
    };
    let path = args.out.join(shard.manifest_name());
    Ok(write_manifest(
        &path,
        &sharded,
        &sharded.manifest,
        output_failed,
        quiet,
    ))
}

/// Writes a manifest (atomically, last) and turns the run's outcome into the exit code.
pub(super) fn write_manifest<T: serde::Serialize>(
    path: &Path,
    file: &T,
    manifest: &Manifest,
    output_failed: bool,
    quiet: bool,
) -> i32 {
    let written = serde_json::to_vec_pretty(file)
        .map_err(|e| format!("cannot serialise the manifest: {e}"))
        .and_then(|json| output::write_file(path, &json).map_err(|e| e.to_string()));
    if let Err(e) = written {
        tracing::error!("{e}");
        return EXIT_OUTPUT;
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
    if output_failed {
        EXIT_OUTPUT
    } else if failed > 0 {
        EXIT_CLIENT_FAILED
    } else {
        EXIT_OK
    }
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
