//! A simulated chunk written out as export rows, in the client's style and encoding. Document
//! numbers continue from the previous chunks (`Numbering`), and the first chunk carries the
//! injected defects of [`super::mess`].

mod crm;
mod invoices;

use super::chunk::{ChunkSim, Complaint};
use super::customer::Customer;
use super::layout::Layout;
use super::mess::{LineMess, MessCounts};
use super::world::World;

pub(crate) use crm::ticket_id;

/// The next free document numbers.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Numbering {
    /// Invoices.
    pub(crate) invoice: u64,
    /// Credit notes.
    pub(crate) credit: u64,
    /// Complaints.
    pub(crate) complaint: u64,
}

impl Numbering {
    /// Reserves the numbers a chunk needs; returns where its numbering starts.
    pub(crate) fn reserve(&mut self, sim: &ChunkSim) -> Numbering {
        let start = *self;
        self.invoice += sim.invoice_count();
        self.credit += sim.credit_count();
        self.complaint += sim.complaints.len() as u64;
        start
    }
}

/// Where a chunk's defects go (first chunk only).
#[derive(Debug, Clone, Default)]
pub(crate) struct MessPlan {
    /// Line index → defect, sorted by line index.
    pub(crate) lines: Vec<(usize, LineMess)>,
    /// Customer row written twice.
    pub(crate) duplicate_customer: Option<usize>,
}

/// A chunk ready to append to the files.
#[derive(Debug, Default)]
pub(crate) struct ChunkOut {
    /// Encoded CSV rows per table (empty for the spreadsheet table).
    pub(crate) bytes: [Vec<u8>; 5],
    /// Data rows per table.
    pub(crate) rows: [u64; 5],
    /// Customers for the spreadsheet (Spanish client below the size limit).
    pub(crate) sheet_customers: Vec<Customer>,
    /// Numbered complaints for the spreadsheet (English client below the size limit).
    pub(crate) sheet_tickets: Vec<(u64, Complaint)>,
    /// Defects actually written.
    pub(crate) mess: MessCounts,
    /// Counts for the summary.
    pub(crate) stats: ChunkStats,
}

/// What a chunk holds, for the summary.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ChunkStats {
    /// Invoices (not credit notes).
    pub(crate) invoices: u64,
    /// Credit notes.
    pub(crate) credit_notes: u64,
    /// Customers with at least one complaint.
    pub(crate) complaining_customers: u64,
    /// Complaints still open at the end of history.
    pub(crate) open_complaints: u64,
}

impl ChunkStats {
    fn of(sim: &ChunkSim) -> ChunkStats {
        // Complaints are grouped by customer, so distinct customers are the changes of customer.
        let complaining = sim
            .complaints
            .iter()
            .enumerate()
            .filter(|(i, c)| *i == 0 || sim.complaints[i - 1].customer != c.customer);
        ChunkStats {
            invoices: sim.invoice_count(),
            credit_notes: sim.credit_count(),
            complaining_customers: complaining.count() as u64,
            open_complaints: sim
                .complaints
                .iter()
                .filter(|c| c.resolved.is_none())
                .count() as u64,
        }
    }

    /// Adds another chunk's counts.
    pub(crate) fn add(&mut self, other: &ChunkStats) {
        self.invoices += other.invoices;
        self.credit_notes += other.credit_notes;
        self.complaining_customers += other.complaining_customers;
        self.open_complaints += other.open_complaints;
    }
}

/// Writes a chunk's rows.
pub(crate) fn format(
    sim: ChunkSim,
    numbers: Numbering,
    world: &World,
    layout: Layout,
    plan: &MessPlan,
) -> ChunkOut {
    let mut out = ChunkOut {
        stats: ChunkStats::of(&sim),
        ..ChunkOut::default()
    };
    let sheet = layout.sheet_table();
    if sheet != Some(0) {
        invoices::customers(&sim, world, plan, &mut out);
    }
    invoices::transactions(&sim, numbers, world, plan, &mut out);
    crm::interactions(&sim, world, &mut out);
    if sheet == Some(3) {
        out.rows[3] = sim.complaints.len() as u64;
        out.sheet_tickets = sim
            .complaints
            .iter()
            .enumerate()
            .map(|(i, c)| (numbers.complaint + i as u64, *c))
            .collect();
    } else {
        crm::complaints(&sim, numbers, world, &mut out);
    }
    crm::surveys(&sim, world, &mut out);
    if sheet == Some(0) {
        out.rows[0] = sim.customers.len() as u64;
        out.sheet_customers = sim.customers;
    }
    out
}
