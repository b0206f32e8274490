//! The generator's assembly line: chunks of customers are simulated in parallel (rayon),
//! numbered in order, formatted and encoded in parallel, and appended to the files by a writer
//! thread while the next batch is computed. Files are written under a `.partial` name and
//! renamed when complete.

use super::SampleError;
use super::chunk::{self, ChunkSim, Complaint};
use super::customer::Customer;
use super::export::{self, ChunkOut, ChunkStats, MessPlan, Numbering};
use super::layout::Layout;
use super::mess::{self, MessCounts};
use super::row::{RowWriter, encode};
use super::world::World;
use super::xlsx;
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Customers per chunk; fixed, so numbering does not depend on the machine.
const CHUNK: u32 = 1024;
/// Chunks per batch handed to the writer.
const BATCH: u32 = 16;
/// Write buffer per file.
const BUFFER: usize = 8 << 20;

/// What the writer thread accumulates.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// Data rows per table.
    pub(crate) rows: [u64; 5],
    /// Defects written.
    pub(crate) mess: MessCounts,
    /// Counts for the summary.
    pub(crate) stats: ChunkStats,
    /// Acquisition-cost total of the TOTAL row, when the customers went to a spreadsheet.
    pub(crate) sheet_total_cents: Option<i64>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SampleError + '_ {
    move |source| SampleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn partial(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// Simulates one chunk; the first also receives the injected orphans and its defect plan.
fn simulate(world: &World, k: u32) -> (ChunkSim, MessPlan, MessCounts) {
    let first = k * CHUNK + 1;
    let count = CHUNK.min(world.customers + 1 - first);
    let mut sim = chunk::simulate(world, first, count);
    let mut plan = MessPlan::default();
    let mut counts = MessCounts::default();
    if k == 0 {
        plan.lines = mess::plan_lines(world.lang, sim.lines.len());
        plan.duplicate_customer = mess::duplicate_customer(world.lang, sim.customers.len());
        let (invoices, lines, complaints) = mess::inject_orphans(&mut sim, world);
        counts.orphan_invoices = invoices;
        counts.orphan_lines = lines;
        counts.orphan_complaints = complaints;
    }
    (sim, plan, counts)
}

/// Writes every file of the client into `dir`; on failure no `.partial` file is left behind.
pub(crate) fn run(
    world: &World,
    layout: Layout,
    dir: &Path,
    client_name: &str,
) -> Result<Written, SampleError> {
    let result = write_files(world, layout, dir, client_name);
    if result.is_err() {
        for t in 0..5 {
            let _ = std::fs::remove_file(partial(&dir.join(layout.file(t))));
        }
    }
    result
}

type Files = Vec<Option<(PathBuf, BufWriter<File>)>>;

/// What the writer thread hands back: counts, and the rows bound for the spreadsheet.
struct Collected {
    written: Written,
    customers: Vec<Customer>,
    tickets: Vec<(u64, Complaint)>,
}

fn write_files(
    world: &World,
    layout: Layout,
    dir: &Path,
    client_name: &str,
) -> Result<Written, SampleError> {
    let files = open_files(world, layout, dir)?;
    let (tx, rx) = mpsc::sync_channel::<Vec<ChunkOut>>(1);
    let collected = std::thread::scope(|s| {
        let writer = s.spawn(move || append_batches(rx, files));
        produce(world, layout, tx);
        writer.join().unwrap_or_else(|_| {
            Err(SampleError::Io {
                path: dir.to_path_buf(),
                source: std::io::Error::other("writer thread panicked"),
            })
        })
    })?;
    let Collected {
        mut written,
        customers,
        tickets,
    } = collected;
    if let Some(t) = layout.sheet_table() {
        let path = partial(&dir.join(layout.file(t)));
        let result = if t == 0 {
            xlsx::write_customers(&path, &customers, world, layout, client_name).map(Some)
        } else {
            xlsx::write_tickets(&path, &tickets, world, layout).map(|_| None)
        };
        written.sheet_total_cents = result.map_err(|source| SampleError::Xlsx {
            path: path.clone(),
            source,
        })?;
    }
    for t in 0..5 {
        let done = dir.join(layout.file(t));
        std::fs::rename(partial(&done), &done).map_err(io_err(&done))?;
    }
    Ok(written)
}

/// Creates the CSV files (`None` for the spreadsheet table) and writes their headers.
fn open_files(world: &World, layout: Layout, dir: &Path) -> Result<Files, SampleError> {
    let mut files = Vec::new();
    for t in 0..5 {
        if layout.sheet_table() == Some(t) {
            files.push(None);
            continue;
        }
        let path = partial(&dir.join(layout.file(t)));
        let mut f = BufWriter::with_capacity(BUFFER, File::create(&path).map_err(io_err(&path))?);
        let mut header = RowWriter::new(world, 256);
        header.header(layout.header(t));
        if layout.bom(t) {
            f.write_all(b"\xEF\xBB\xBF").map_err(io_err(&path))?;
        }
        f.write_all(&encode(world.lang, header.buf))
            .map_err(io_err(&path))?;
        files.push(Some((path, f)));
    }
    Ok(files)
}

/// Simulates and formats batches of chunks in parallel and hands them, in order, to the writer.
fn produce(world: &World, layout: Layout, tx: mpsc::SyncSender<Vec<ChunkOut>>) {
    let n_chunks = world.customers.div_ceil(CHUNK);
    let mut numbering = Numbering::default();
    let mut batch_start = 0;
    while batch_start < n_chunks {
        let batch_end = (batch_start + BATCH).min(n_chunks);
        let sims: Vec<_> = (batch_start..batch_end)
            .into_par_iter()
            .map(|k| simulate(world, k))
            .collect();
        // Numbers are given in chunk order, so they do not depend on which thread ran what.
        let numbered: Vec<_> = sims
            .into_iter()
            .map(|(sim, plan, orphans)| (numbering.reserve(&sim), sim, plan, orphans))
            .collect();
        let outs: Vec<ChunkOut> = numbered
            .into_par_iter()
            .map(|(start, sim, plan, orphans)| {
                let mut out = export::format(sim, start, world, layout, &plan);
                add_mess(&mut out.mess, &orphans);
                out
            })
            .collect();
        if tx.send(outs).is_err() {
            return; // the writer failed; its error is what the caller reports
        }
        batch_start = batch_end;
    }
}

/// The writer thread: appends each chunk's bytes to the files and keeps the counts.
fn append_batches(
    rx: mpsc::Receiver<Vec<ChunkOut>>,
    mut files: Files,
) -> Result<Collected, SampleError> {
    let mut c = Collected {
        written: Written::default(),
        customers: Vec::new(),
        tickets: Vec::new(),
    };
    for batch in rx {
        for out in batch {
            for (t, file) in files.iter_mut().enumerate() {
                if let Some((path, f)) = file {
                    f.write_all(&out.bytes[t]).map_err(io_err(path))?;
                }
                c.written.rows[t] += out.rows[t];
            }
            add_mess(&mut c.written.mess, &out.mess);
            c.written.stats.add(&out.stats);
            c.customers.extend(out.sheet_customers);
            c.tickets.extend(out.sheet_tickets);
        }
    }
    for (path, mut f) in files.into_iter().flatten() {
        f.flush().map_err(io_err(&path))?;
    }
    Ok(c)
}

fn add_mess(total: &mut MessCounts, m: &MessCounts) {
    total.unparseable_amounts += m.unparseable_amounts;
    total.empty_dates += m.empty_dates;
    total.duplicate_lines += m.duplicate_lines;
    total.orphan_invoices += m.orphan_invoices;
    total.orphan_lines += m.orphan_lines;
    total.orphan_complaints += m.orphan_complaints;
    total.duplicate_customers += m.duplicate_customers;
}
