//! Fuzzing of every loader by generated inputs (issue 17): stable Rust has no cargo-fuzz here, so
//! inputs come from a seeded generator ([`inputs`]) rather than coverage feedback. Each input goes
//! through the loader that reads it, through its public or crate-level entry point (ingest of one
//! file, `AuditConfig::load`, the value parsers), and must hold the property:
//! - no panic (each input runs inside `catch_unwind`),
//! - no hang (a watchdog gives each input a time budget, 10 s by default; a worker over it is
//!   counted as hung, left behind and replaced),
//! - every row accounted for: per source, rows read = accepted + rejected and rejected = the sum
//!   of the reasons; per table, its rows = its sources' accepted rows,
//! - a CSV with CR-only or mixed line ends gives the rows its LF twin gives.
//!
//! Input `i` of a run seeded `s` depends on nothing else, so a failure is replayed alone with
//! [`replay`]. Driven by `examples/fuzz.rs` (`benches/fuzz.sh` for a million inputs) and by the
//! test `tests/cli/fuzz.rs`; see docs/fuzzing.md.

mod check;
mod inputs;
pub(crate) mod zip;

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

/// How a run goes.
#[derive(Debug, Clone)]
pub struct Options {
    /// Number of inputs.
    pub inputs: u64,
    /// Index of the first input (inputs `first..first + inputs` are run).
    pub first: u64,
    /// Seed of the run.
    pub seed: u64,
    /// Worker threads.
    pub jobs: usize,
    /// Time one input may take before it counts as a hang.
    pub budget: Duration,
    /// Where the workers write their files (a folder each, reused for every input); best on a
    /// tmpfs such as /dev/shm.
    pub dir: PathBuf,
    /// Print a progress line to stderr every this often.
    pub progress: Option<Duration>,
}

impl Options {
    /// `inputs` inputs of seed `seed` on `jobs` workers, 10 s per input, files under /dev/shm
    /// when it exists (else the temporary folder).
    pub fn new(inputs: u64, seed: u64, jobs: usize) -> Options {
        let shm = Path::new("/dev/shm");
        let root = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        Options {
            inputs,
            first: 0,
            seed,
            jobs: jobs.max(1),
            budget: Duration::from_secs(10),
            dir: root.join(format!("crm-audit-fuzz-{}", std::process::id())),
            progress: None,
        }
    }
}

/// One input that broke the property.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Its index (replay it with [`replay`]).
    pub index: u64,
    /// Its generator family.
    pub kind: &'static str,
    /// `panic`, `hang`, `unaccounted rows`, `line ends` or `io`.
    pub what: &'static str,
    /// Details: the panic message, the counts.
    pub detail: String,
}

/// Inputs and time of one generator family.
#[derive(Debug, Clone, Copy, Default)]
pub struct KindStats {
    /// Inputs run.
    pub inputs: u64,
    /// Total seconds.
    pub seconds: f64,
    /// Slowest input, seconds.
    pub max_seconds: f64,
    /// Tables produced (how often an input got through to the converters).
    pub tables: u64,
    /// Rows read.
    pub rows_read: u64,
}

/// What a run found.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Inputs run to the end or given up as hung.
    pub inputs: u64,
    /// Inputs that panicked.
    pub panics: u64,
    /// Inputs over the time budget.
    pub hangs: u64,
    /// Rows not accounted for, over all inputs.
    pub unaccounted_rows: u64,
    /// CR or mixed line-end files that did not give the rows of their LF twin.
    pub line_end_mismatches: u64,
    /// Inputs whose files could not be written (the fuzzer's own trouble, not a finding).
    pub io_errors: u64,
    /// Rows read over all inputs (how much reached the converters).
    pub rows_read: u64,
    /// Tables produced over all inputs.
    pub tables: u64,
    /// Wall time.
    pub seconds: f64,
    /// Per generator family.
    pub kinds: BTreeMap<&'static str, KindStats>,
    /// The first failures (at most [`MAX_FAILURES_KEPT`]).
    pub failures: Vec<Failure>,
    /// Seed and workers, for the summary line.
    pub seed: u64,
    /// Worker threads.
    pub jobs: usize,
}

/// How many failures a summary keeps.
pub const MAX_FAILURES_KEPT: usize = 50;

impl Summary {
    /// The property held on every input.
    pub fn clean(&self) -> bool {
        self.panics == 0
            && self.hangs == 0
            && self.unaccounted_rows == 0
            && self.line_end_mismatches == 0
    }

    /// The one-line summary.
    pub fn line(&self) -> String {
        format!(
            "fuzz: {} inputs, {} panics, {} hangs, {} unaccounted rows, {} line-end mismatches, \
             {:.1} s (seed {}, {} jobs)",
            self.inputs,
            self.panics,
            self.hangs,
            self.unaccounted_rows,
            self.line_end_mismatches,
            self.seconds,
            self.seed,
            self.jobs
        )
    }

    /// The summary line, then the families, then the failures.
    pub fn report(&self) -> String {
        let mut out = format!(
            "{}\nrows read {}, tables produced {}, file errors {}\n",
            self.line(),
            self.rows_read,
            self.tables,
            self.io_errors
        );
        out.push_str("family              inputs   mean ms    max ms    tables   rows read\n");
        for (kind, k) in &self.kinds {
            out.push_str(&format!(
                "{kind:<16} {:>9} {:>9.3} {:>9.1} {:>9} {:>11}\n",
                k.inputs,
                1000.0 * k.seconds / k.inputs.max(1) as f64,
                1000.0 * k.max_seconds,
                k.tables,
                k.rows_read
            ));
        }
        for f in &self.failures {
            out.push_str(&format!(
                "FAIL input {} ({}): {}: {}\n",
                f.index, f.kind, f.what, f.detail
            ));
        }
        out
    }
}

thread_local! {
    /// Set on fuzz workers: their panics are caught and counted, not printed.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs in progress: while one is, panics on unnamed threads (those ingest spawns for a
/// source, polars' pool) are not printed either, only kept in [`LAST_PANIC`] (they reach a
/// worker as "a scoped thread panicked").
static RUNNING: AtomicUsize = AtomicUsize::new(0);
/// The message and place of the last panic kept silent.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Installs (once) a panic hook that stays silent on fuzz workers and defers to the previous
/// hook everywhere else (a test binary's other tests, named after them, keep their messages).
fn quiet_panics_on_workers() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let unnamed = std::thread::current()
                .name()
                .is_none_or(|n| n.starts_with("polars") || n.starts_with("rayon"));
            if QUIET.with(std::cell::Cell::get) || (unnamed && RUNNING.load(Ordering::SeqCst) > 0) {
                let place = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) =
                    format!("{}{place}", panic_text(info.payload()));
            } else {
                previous(info);
            }
        }));
    });
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// A worker's current input, watched by the run's thread.
struct Slot {
    /// Index of the input running, [`IDLE`] or [`ABANDONED`].
    index: AtomicU64,
    /// When it started, milliseconds since the run started.
    since_ms: AtomicU64,
}

const IDLE: u64 = u64::MAX;
const ABANDONED: u64 = u64::MAX - 1;

struct Shared {
    opts: Options,
    next: AtomicU64,
    started: Instant,
    live: AtomicUsize,
    summary: Mutex<Summary>,
}

impl Shared {
    fn ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn fail(
        &self,
        s: &mut Summary,
        index: u64,
        kind: &'static str,
        what: &'static str,
        detail: String,
    ) {
        if s.failures.len() < MAX_FAILURES_KEPT {
            s.failures.push(Failure {
                index,
                kind,
                what,
                detail,
            });
        }
    }
}

/// The generator family of input `index` (for a hang, whose worker cannot say).
fn kind_of(seed: u64, index: u64) -> &'static str {
    std::panic::catch_unwind(|| inputs::generate(seed, index).kind).unwrap_or("generator")
}

fn worker(shared: Arc<Shared>, slot: Arc<Slot>, dir: PathBuf) {
    QUIET.with(|q| q.set(true));
    let end = shared.opts.first + shared.opts.inputs;
    let _ = std::fs::create_dir_all(&dir);
    loop {
        let i = shared.next.fetch_add(1, Ordering::Relaxed);
        if i >= end {
            break;
        }
        slot.since_ms.store(shared.ms(), Ordering::SeqCst);
        slot.index.store(i, Ordering::SeqCst);
        let clock = Instant::now();
        let seed = shared.opts.seed;
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let case = inputs::generate(seed, i);
            let kind = case.kind;
            (kind, check::check(&case.input, &dir))
        }));
        let secs = clock.elapsed().as_secs_f64();
        if slot
            .index
            .compare_exchange(i, IDLE, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            // Counted as a hang by the run's thread, which started another worker.
            return;
        }
        let mut s = shared.summary.lock().unwrap_or_else(|e| e.into_inner());
        s.inputs += 1;
        let (mut tables, mut rows_read) = (0, 0);
        let kind = match outcome {
            Ok((kind, Ok(c))) => {
                (tables, rows_read) = (c.tables, c.rows_read);
                s.unaccounted_rows += c.unaccounted;
                s.rows_read += c.rows_read;
                s.tables += c.tables;
                if c.unaccounted > 0 {
                    shared.fail(&mut s, i, kind, "unaccounted rows", c.problems.join("; "));
                }
                if c.line_end_mismatch {
                    s.line_end_mismatches += 1;
                    shared.fail(&mut s, i, kind, "line ends", c.problems.join("; "));
                }
                kind
            }
            Ok((kind, Err(e))) => {
                s.io_errors += 1;
                shared.fail(&mut s, i, kind, "io", e.to_string());
                kind
            }
            Err(payload) => {
                s.panics += 1;
                let kind = kind_of(seed, i);
                // The hook kept the panic's place (and, from a thread of ingest's own, its
                // message).
                let last = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let detail = format!("{} ({last})", panic_text(payload.as_ref()));
                shared.fail(&mut s, i, kind, "panic", detail);
                kind
            }
        };
        let k = s.kinds.entry(kind).or_default();
        k.inputs += 1;
        k.seconds += secs;
        k.max_seconds = k.max_seconds.max(secs);
        k.tables += tables;
        k.rows_read += rows_read;
    }
    shared.live.fetch_sub(1, Ordering::SeqCst);
}

/// Runs `opts.inputs` inputs and returns what they gave. Workers stuck past the budget are
/// left running (they cannot be stopped) and their folders left in place.
pub fn run(opts: &Options) -> Summary {
    quiet_panics_on_workers();
    RUNNING.fetch_add(1, Ordering::SeqCst);
    let shared = Arc::new(Shared {
        opts: opts.clone(),
        next: AtomicU64::new(opts.first),
        started: Instant::now(),
        live: AtomicUsize::new(0),
        summary: Mutex::new(Summary {
            seed: opts.seed,
            jobs: opts.jobs,
            ..Summary::default()
        }),
    });
    let mut slots: Vec<Arc<Slot>> = Vec::new();
    let spawn = |slots: &mut Vec<Arc<Slot>>| {
        let slot = Arc::new(Slot {
            index: AtomicU64::new(IDLE),
            since_ms: AtomicU64::new(0),
        });
        let dir = opts.dir.join(format!("w{}", slots.len()));
        slots.push(slot.clone());
        shared.live.fetch_add(1, Ordering::SeqCst);
        let shared = shared.clone();
        std::thread::Builder::new()
            .name(format!("fuzz-{}", slots.len() - 1))
            .stack_size(64 << 20)
            .spawn(move || worker(shared, slot, dir))
            .expect("a fuzz worker thread");
    };
    for _ in 0..opts.jobs.max(1) {
        spawn(&mut slots);
    }
    let budget = opts.budget.as_millis() as u64;
    let mut hung_dirs = Vec::new();
    let mut last_progress = Instant::now();
    while shared.live.load(Ordering::SeqCst) > 0 {
        std::thread::sleep(Duration::from_millis(20));
        let now = shared.ms();
        let mut hung = Vec::new();
        for (k, slot) in slots.iter().enumerate() {
            let i = slot.index.load(Ordering::SeqCst);
            if i >= ABANDONED {
                continue;
            }
            let since = slot.since_ms.load(Ordering::SeqCst);
            if now.saturating_sub(since) > budget
                && slot
                    .index
                    .compare_exchange(i, ABANDONED, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
            {
                let mut s = shared.summary.lock().unwrap_or_else(|e| e.into_inner());
                s.inputs += 1;
                s.hangs += 1;
                let kind = kind_of(opts.seed, i);
                let detail = format!("still running after {} s", budget / 1000);
                shared.fail(&mut s, i, kind, "hang", detail);
                hung.push(k);
            }
        }
        for k in hung {
            shared.live.fetch_sub(1, Ordering::SeqCst);
            hung_dirs.push(opts.dir.join(format!("w{k}")));
            spawn(&mut slots);
        }
        if let Some(every) = opts.progress
            && last_progress.elapsed() >= every
        {
            last_progress = Instant::now();
            let s = shared.summary.lock().unwrap_or_else(|e| e.into_inner());
            eprintln!(
                "{} / {} inputs, {} panics, {} hangs, {} unaccounted rows, {:.0} s",
                s.inputs,
                opts.inputs,
                s.panics,
                s.hangs,
                s.unaccounted_rows,
                shared.started.elapsed().as_secs_f64()
            );
        }
    }
    RUNNING.fetch_sub(1, Ordering::SeqCst);
    if hung_dirs.is_empty() {
        let _ = std::fs::remove_dir_all(&opts.dir);
    }
    let mut s = shared
        .summary
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    s.seconds = shared.started.elapsed().as_secs_f64();
    s.failures.sort_by_key(|f| f.index);
    s
}

/// Runs input `index` of seed `seed` alone, on this thread (a panic propagates), with its files
/// left in `dir/input-INDEX` for a look; returns its family and what the checks said.
pub fn replay(seed: u64, index: u64, dir: &Path) -> std::io::Result<String> {
    let dir = dir.join(format!("input-{index}"));
    std::fs::create_dir_all(&dir)?;
    let case = inputs::generate(seed, index);
    let c = check::check(&case.input, &dir)?;
    Ok(format!(
        "input {index} ({}): {} rows read, {} tables, {} unaccounted rows, line-end mismatch: \
         {}{}",
        case.kind,
        c.rows_read,
        c.tables,
        c.unaccounted,
        c.line_end_mismatch,
        c.problems
            .iter()
            .map(|p| format!("\n  {p}"))
            .collect::<String>()
    ) + "\n"
        + &c.ledgers)
}
