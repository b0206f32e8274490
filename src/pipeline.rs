//! The whole pipeline for one client, stage after stage, and the portfolio pages over clients.
//!
//! Load and validate first, then compute, then render, then write: a failure at any stage is
//! turned into a failed manifest entry for this client only.

use crate::config::AuditConfig;
use crate::domain::{Lang, OutputFormat};
use crate::ingest::ledger::GateOutcome;
use crate::memory;
use crate::output::{
    self, ClientEntry, InputFile, OutputFile, RunStatus, StagePeaks, StageTimings,
};
use crate::period::{Period, PeriodSpec};
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Everything `run` decides once for all clients.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The period asked for (None: each client's audit.toml `period`, else last-quarter);
    /// "last" resolves against the day of the run.
    pub period: Option<PeriodSpec>,
    /// The day of the run when not today (`--as-of`).
    pub as_of: Option<NaiveDate>,
    /// Quality-gate warnings fail the client (`--warn-error`).
    pub warn_error: bool,
    /// Output root.
    pub out: PathBuf,
    /// Language override.
    pub lang: Option<Lang>,
    /// Which files to write.
    pub formats: Vec<OutputFormat>,
    /// User templates overriding the built-in ones.
    pub templates: Option<PathBuf>,
    /// Date printed on reports: SOURCE_DATE_EPOCH when set (reproducible builds), else today.
    pub report_date: NaiveDate,
}

impl RunOptions {
    /// The day of the run: `--as-of`, else the report date (today, or `SOURCE_DATE_EPOCH`).
    /// "last" periods end before it; later dates count as future-dated.
    pub fn day(&self) -> NaiveDate {
        self.as_of.unwrap_or(self.report_date)
    }
}

/// The period a client is audited for: the one asked for, else its audit.toml's `period`, else
/// the last quarter; "last" periods resolve against `day`, never against the data, so a stale
/// export cannot pass for a fresh one.
pub fn client_period(asked: Option<PeriodSpec>, cfg: &AuditConfig, day: NaiveDate) -> Period {
    asked
        .or_else(|| cfg.default_period())
        .unwrap_or(PeriodSpec::LastQuarter)
        .resolve(day)
}

/// The date printed on reports: from `SOURCE_DATE_EPOCH` when set, so two runs on the same
/// inputs give identical files; otherwise today's date (a date, never a time of day).
pub fn report_date() -> Result<NaiveDate> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => {
            let secs: i64 = v
                .trim()
                .parse()
                .with_context(|| format!("SOURCE_DATE_EPOCH='{v}' is not a number of seconds"))?;
            chrono::DateTime::from_timestamp(secs, 0)
                .map(|d| d.date_naive())
                .with_context(|| format!("SOURCE_DATE_EPOCH='{v}' is out of range"))
        }
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

/// What one client's run produced: its manifest entry and, when it succeeded, its headline.
#[derive(Debug)]
pub struct ClientRun {
    /// The manifest entry (status, inputs, outputs, timings).
    pub entry: ClientEntry,
    /// Client name, period and headline figures, for the portfolio page.
    pub summary: Option<crate::portfolio::ClientHeadline>,
    /// The client failed because its outputs could not be written (exit code 3).
    pub output_failed: bool,
}

/// Audits one client end to end. Never panics on bad data and never returns an error: a failure
/// becomes a failed manifest entry with its cause chain.
pub fn audit_client(config_path: &Path, opts: &RunOptions) -> ClientRun {
    let started = Instant::now();
    let fallback_id = config_path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "client".into());
    let mut entry = ClientEntry {
        client: fallback_id,
        config: config_path.to_path_buf(),
        period: None,
        status: RunStatus::Ok,
        error: None,
        duration_ms: 0,
        stages_ms: StageTimings::default(),
        stages_peak_mb: StagePeaks::default(),
        warnings: Vec::new(),
        inputs: Vec::new(),
        outputs: Vec::new(),
        gates: Vec::new(),
    };
    let mut output_failed = false;
    let mut checksums = None;
    let summary = match audit(config_path, opts, &mut entry, &mut checksums) {
        Ok(summary) => {
            if entry
                .gates
                .iter()
                .any(|g| g.outcome == GateOutcome::Warning)
            {
                entry.status = RunStatus::Warnings;
            }
            Some(summary)
        }
        Err(e) => {
            output_failed = e.downcast_ref::<output::WriteError>().is_some();
            entry.status = RunStatus::Failed;
            entry.error = Some(cause_chain(&e));
            None
        }
    };
    if let Some(sums) = checksums {
        sums.fill(&mut entry.inputs);
    }
    entry.duration_ms = started.elapsed().as_millis() as u64;
    ClientRun {
        entry,
        summary,
        output_failed,
    }
}

/// The error and its causes, `a: b: c`, each said once (an error whose message already quotes
/// its cause, as a write error does, is not followed by that cause again).
fn cause_chain(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.ends_with(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// Starts timing a stage and a new interval for its peak memory.
fn stage_start() -> Instant {
    memory::reset_peak();
    Instant::now()
}

fn ms(t: Instant) -> u64 {
    t.elapsed().as_millis() as u64
}

/// `checksums` receives the input files' checksums as they are being made, for the caller to
/// put into `entry.inputs` whatever the audit's outcome.
fn audit(
    config_path: &Path,
    opts: &RunOptions,
    entry: &mut ClientEntry,
    checksums: &mut Option<PendingChecksums>,
) -> Result<crate::portfolio::ClientHeadline> {
    let cfg = AuditConfig::load(config_path)?;
    entry.client = cfg.client_id();
    let lang = opts.lang.unwrap_or(cfg.client.lang);
    let period = client_period(opts.period, &cfg, opts.day());
    entry.period = Some(period.to_string());

    crate::ingest::budget::check(&cfg).map_err(anyhow::Error::msg)?;
    let t = stage_start();
    *checksums = Some(PendingChecksums::start(crate::ingest::budget::input_files(
        &cfg,
    )));
    let ingested =
        crate::ingest::ingest_client(&cfg, crate::ingest::IngestOptions::for_audit(opts.day()));
    entry.inputs = inputs_of(&cfg, &ingested.ledger);
    entry.warnings.extend(ledger_warnings(&ingested.ledger));
    entry.stages_ms.ingest = ms(t);
    entry.stages_peak_mb.ingest = memory::peak_mb();
    let tables = ingested.tables;
    let mut ledger = ingested.ledger;
    ledger.gates = crate::quality::evaluate(&cfg.quality, &ledger, &tables, period);
    entry.gates = ledger.gates.clone();
    if !ledger.usable() {
        bail!("{}", usability_error(&ledger));
    }
    let blocking = crate::quality::blocking(&ledger.gates, opts.warn_error);
    if !blocking.is_empty() {
        // The consultant needs the ledger to see why: it goes where `validate` puts it.
        let dir = opts.out.join(&entry.client);
        match ledger.write_files(&dir) {
            Ok(()) => entry.outputs = ledger_outputs(&dir, &opts.out),
            Err(e) => tracing::warn!("cannot write the ledger of {}: {e}", entry.client),
        }
        bail!("{}", crate::quality::failure_text(&blocking));
    }

    let t = stage_start();
    let days = crate::customer_days::CustomerDays::build(&tables.transactions)
        .context("reducing the transactions to customer days")?;
    entry.stages_ms.prepare = ms(t);
    entry.stages_peak_mb.prepare = memory::peak_mb();

    let t = stage_start();
    let models = crate::models::Models::fit_with(&tables, &days, period, &cfg.clv);
    entry.warnings.extend(models.warnings());
    entry.stages_ms.models = ms(t);
    entry.stages_peak_mb.models = memory::peak_mb();

    let t = stage_start();
    let kept = memory::keep_through_stage();
    let computed = crate::indicators::compute_all(
        &tables,
        period,
        &cfg.indicators,
        models.values().as_ref(),
        Some(&days),
    );
    // Handing back what the stage freed is part of its time.
    drop(kept);
    let crate::indicators::Computed { indicators, reuse } =
        computed.context("computing the indicators")?;
    entry.stages_ms.indicators = ms(t);
    entry.stages_peak_mb.indicators = memory::peak_mb();

    let t = stage_start();
    let wants = |f: OutputFormat| opts.formats.contains(&f);
    let mut evidence = crate::findings::Evidence::from_indicators(&indicators, &cfg.indicators);
    // Issue 19: CLV-based findings carry the model's backtest caveat.
    evidence.clv_backtest_error = models
        .backtest_error()
        .filter(|e| e.abs() > crate::models::CAVEAT_ERROR);
    evidence.clv_backtest_year = models.holdout_is_last_year();
    let mut findings = crate::findings::derive_with(
        &evidence,
        &cfg.targets,
        cfg.findings.alpha,
        lang,
        &cfg.client.currency,
    );
    let (xlsx, csv_lists) = (wants(OutputFormat::Xlsx), wants(OutputFormat::CsvLists));
    let clock = Instant::now();
    // What the indicators computed for the lists; freed at once when no list is wanted.
    let actions = if xlsx || csv_lists {
        let values = models.values();
        let input = crate::actions::ActionInput {
            tables: &tables,
            period,
            settings: &cfg.indicators,
            values: values.as_ref(),
            days: Some(&days),
            indicators: &indicators,
            findings: &findings,
            lang,
            personal_data: cfg.output.personal_data,
        };
        Some(crate::actions::compute(&input, Some(reuse)))
    } else {
        drop(reuse);
        None
    }
    .transpose()
    .context("computing the action lists")?;
    tracing::debug!(ms = ms(clock), "action lists done");
    drop(days);
    let list_summaries = actions
        .as_ref()
        .map(|a| crate::actions::summaries(a, lang, &findings))
        .unwrap_or_default();
    crate::actions::attach_to_findings(&mut findings, &list_summaries, lang, xlsx, csv_lists);
    // The action files (a workbook of up to 700,000 rows and its CSVs, over a second at L) need
    // nothing the report computes, so they are built beside it.
    let (list_files, report_files) = rayon::join(
        || match &actions {
            Some(a) => action_files(a, &list_summaries, &findings, &cfg, opts, period),
            None => Ok(Vec::new()),
        },
        || -> Result<Vec<(String, Vec<u8>)>> {
            let input = crate::render::build::ReportInput {
                config: &cfg,
                lang,
                date: opts.report_date,
                period,
                indicators: &indicators,
                models: &models,
                findings: &findings,
                ledger: &ledger,
            };
            let report = crate::render::build::build_report(&input);
            let (html, pdf) = match (wants(OutputFormat::Html), wants(OutputFormat::Pdf)) {
                (true, true) => {
                    let (h, p) =
                        crate::render::render_html_and_pdf(&report, opts.templates.as_deref())?;
                    (Some(h), Some(p))
                }
                (true, false) => (
                    Some(crate::render::render_html(
                        &report,
                        opts.templates.as_deref(),
                    )?),
                    None,
                ),
                (false, true) => (None, Some(crate::render::render_pdf(&report)?)),
                (false, false) => (None, None),
            };
            let json = wants(OutputFormat::Json)
                .then(|| {
                    let results = crate::results::AuditResults::new(
                        &cfg,
                        period,
                        &indicators,
                        &models,
                        &findings,
                        &ledger,
                    );
                    match &actions {
                        Some(_) => results.with_action_lists(&list_summaries),
                        None => results,
                    }
                    .to_json()
                })
                .transpose()?;
            let mut files: Vec<(String, Vec<u8>)> = Vec::new();
            if let Some(h) = html {
                files.push(("report.html".into(), h.into_bytes()));
            }
            if let Some(p) = pdf {
                files.push(("report.pdf".into(), p));
            }
            if let Some(j) = json {
                files.push(("indicators.json".into(), j.into_bytes()));
            }
            files.push(("validation.json".into(), ledger.to_json().into_bytes()));
            files.push((
                "rejected_rows.csv".into(),
                ledger.rejected_rows_csv().into_bytes(),
            ));
            if let Some(scores) = models.scores_csv()? {
                files.push(("clv_scores.csv".into(), scores));
            }
            Ok(files)
        },
    );
    let mut files = report_files?;
    files.extend(list_files?);
    entry.stages_ms.render = ms(t);
    entry.stages_peak_mb.render = memory::peak_mb();

    let t = stage_start();
    let dir = opts.out.join(&entry.client).join(period.to_string());
    entry.outputs = output::write_dir(&dir, &opts.out, &files).with_context(|| {
        format!(
            "the report could not be written to {} (any previous report there is kept)",
            dir.display()
        )
    })?;
    entry.stages_ms.write = ms(t);
    entry.stages_peak_mb.write = memory::peak_mb();

    Ok(crate::portfolio::ClientHeadline::from_indicators(
        &entry.client,
        &cfg,
        period,
        &indicators,
        &models,
    ))
}

/// actions.xlsx and actions/<list>.csv, as `--format` asks.
fn action_files(
    actions: &crate::actions::ActionLists,
    summaries: &[crate::actions::ListSummary],
    findings: &[crate::findings::Finding],
    cfg: &AuditConfig,
    opts: &RunOptions,
    period: crate::period::Period,
) -> Result<Vec<(String, Vec<u8>)>> {
    use rayon::prelude::*;
    let lang = opts.lang.unwrap_or(cfg.client.lang);
    let period = period.to_string();
    // The workbook and the CSVs are independent: at a million customers each takes seconds of
    // one core, so they are built side by side.
    let (workbook, csvs) = rayon::join(
        || -> Result<Option<(String, Vec<u8>)>> {
            if !opts.formats.contains(&OutputFormat::Xlsx) {
                return Ok(None);
            }
            let input = crate::actions::WorkbookInput {
                lists: actions,
                summaries,
                findings,
                lang,
                currency: &cfg.client.currency,
                client: &cfg.client.name,
                period: &period,
                date: opts.report_date,
            };
            let bytes = crate::actions::workbook(&input).context("writing actions.xlsx")?;
            Ok(Some(("actions.xlsx".to_string(), bytes)))
        },
        || -> Result<Vec<(String, Vec<u8>)>> {
            if !opts.formats.contains(&OutputFormat::CsvLists) {
                return Ok(Vec::new());
            }
            actions
                .lists
                .par_iter()
                .map(|list| Ok((list.id.csv_path(), crate::actions::list_csv(list)?)))
                .collect()
        },
    );
    let mut files: Vec<(String, Vec<u8>)> = workbook?.into_iter().collect();
    files.extend(csvs?);
    Ok(files)
}

/// The ledger files a failed client leaves in `dir`, as manifest entries.
fn ledger_outputs(dir: &Path, out: &Path) -> Vec<OutputFile> {
    use crate::ingest::ledger::{REJECTED_ROWS_CSV, VALIDATION_JSON};
    [VALIDATION_JSON, REJECTED_ROWS_CSV]
        .iter()
        .filter_map(|name| {
            let path = dir.join(name);
            let (sha256, bytes) = output::sha256_file(&path).ok()?;
            Some(OutputFile {
                path: path.strip_prefix(out).unwrap_or(&path).to_path_buf(),
                bytes,
                sha256,
            })
        })
        .collect()
}

/// SHA-256 and size of each file, keyed by its canonical path.
type Checksums = std::collections::HashMap<std::path::PathBuf, (String, u64)>;

/// The manifest's checksums of a client's input files, made on a thread of their own from the
/// start of its ingest. Hashing L's 2.6 GB takes about 1.9 s of one core, which the stages,
/// each keeping both cores busy, used to share with it: the thread runs at the scheduler's idle
/// priority, in the moments a core would otherwise wait (the end of ingest, between queries),
/// and is raised back to normal priority only when the audit is over and waits for it.
pub(crate) struct PendingChecksums(std::thread::JoinHandle<Checksums>);

impl PendingChecksums {
    fn start(files: Vec<std::path::PathBuf>) -> PendingChecksums {
        PendingChecksums(std::thread::spawn(move || {
            set_idle_priority();
            let clock = Instant::now();
            let sums = files
                .iter()
                .filter_map(|f| {
                    let key = std::fs::canonicalize(f).ok()?;
                    let sum = output::sha256_file(f).ok()?;
                    Some((key, sum))
                })
                .collect();
            tracing::debug!(ms = ms(clock), "input checksums done");
            sums
        }))
    }

    /// Waits for the checksums (at normal priority) and puts each input file's in `inputs`;
    /// a file the thread could not hash is hashed here.
    fn fill(self, inputs: &mut [InputFile]) {
        raise_to_normal_priority(&self.0);
        let sums = self.0.join().unwrap_or_default();
        for input in inputs {
            let known = std::fs::canonicalize(&input.path)
                .ok()
                .and_then(|k| sums.get(&k).cloned());
            (input.sha256, input.bytes) = known
                .or_else(|| output::sha256_file(&input.path).ok())
                .unwrap_or_default();
        }
    }
}

/// Puts the calling thread at the scheduler's idle priority (Linux; elsewhere nothing changes).
fn set_idle_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: changes the scheduling policy of the calling thread (pid 0) only; `param` is
        // a valid sched_param for SCHED_IDLE, whose only priority is 0.
        unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) };
    }
}

/// Takes `thread` off the idle priority, so that waiting for it does not wait for idle cores.
fn raise_to_normal_priority<T>(thread: &std::thread::JoinHandle<T>) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::thread::JoinHandleExt;
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: the pthread handle is that of a thread not yet joined (we hold its JoinHandle);
        // SCHED_OTHER with priority 0 is a valid setting for any thread.
        unsafe { libc::pthread_setschedparam(thread.as_pthread_t(), libc::SCHED_OTHER, &param) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = thread;
}

/// The ledger's sources as manifest entries; their checksums come later
/// ([`PendingChecksums::fill`]).
fn inputs_of(cfg: &AuditConfig, ledger: &crate::ingest::Ledger) -> Vec<InputFile> {
    ledger
        .sources
        .iter()
        .map(|s| {
            let path = cfg.resolve(&s.path);
            InputFile {
                path,
                table: s.table.map(|t| t.name().to_string()),
                bytes: 0,
                sha256: String::new(),
                encoding: s.detection.encoding.clone(),
                delimiter: s.detection.delimiter.clone(),
                rows_read: s.rows_read as u64,
                rows_rejected: s.rows_rejected as u64,
            }
        })
        .collect()
}

fn ledger_warnings(ledger: &crate::ingest::Ledger) -> Vec<String> {
    let mut out = ledger.warnings.clone();
    for s in &ledger.sources {
        out.extend(s.warnings.iter().map(|w| format!("{}: {w}", s.path)));
        out.extend(s.errors.iter().map(|e| format!("{}: {e}", s.path)));
        if s.rows_rejected > 0 {
            out.push(format!(
                "{}: {} row(s) rejected (see rejected_rows.csv)",
                s.path, s.rows_rejected
            ));
        }
    }
    out
}

fn usability_error(ledger: &crate::ingest::Ledger) -> String {
    let mut msgs: Vec<String> = ledger.errors.clone();
    for s in &ledger.sources {
        msgs.extend(s.errors.iter().map(|e| format!("{}: {e}", s.path)));
    }
    if msgs.is_empty() {
        msgs.push("no usable transactions source".into());
    }
    msgs.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(path: &Path) -> InputFile {
        InputFile {
            path: path.to_path_buf(),
            table: None,
            bytes: 0,
            sha256: String::new(),
            encoding: None,
            delimiter: None,
            rows_read: 0,
            rows_rejected: 0,
        }
    }

    #[test]
    fn checksums_made_on_the_idle_thread_fill_every_input() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        std::fs::write(&a, "id;amount\n1;2,5\n").unwrap();
        std::fs::write(&b, "other").unwrap();
        // `b` is not among the files the thread hashes: it is hashed when the inputs are filled.
        let pending = PendingChecksums::start(vec![a.clone()]);
        let missing = dir.path().join("gone.csv");
        let mut inputs = vec![input(&a), input(&b), input(&missing)];
        pending.fill(&mut inputs);
        let expect = |p: &Path| output::sha256_file(p).unwrap();
        assert_eq!((inputs[0].sha256.clone(), inputs[0].bytes), expect(&a));
        assert_eq!((inputs[1].sha256.clone(), inputs[1].bytes), expect(&b));
        assert_eq!(inputs[0].bytes, 16);
        assert_eq!((inputs[2].sha256.as_str(), inputs[2].bytes), ("", 0));
    }
}
