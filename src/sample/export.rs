//! A simulated chunk written out as export rows, in the client's style and encoding. Document
//! numbers continue from the previous chunks (`Numbering`), and the first chunk carries the
//! injected defects of [`super::mess`].

use super::chunk::{ChunkSim, Complaint};
use super::customer::Customer;
use super::layout::Layout;
use super::mess::{LineMess, MessCounts};
use super::row::RowWriter;
use super::world::World;
use crate::cli::Lang;

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
        customers(&sim, world, plan, &mut out);
    }
    transactions(&sim, numbers, world, plan, &mut out);
    interactions(&sim, world, &mut out);
    if sheet == Some(3) {
        out.rows[3] = sim.complaints.len() as u64;
        out.sheet_tickets = sim
            .complaints
            .iter()
            .enumerate()
            .map(|(i, c)| (numbers.complaint + i as u64, *c))
            .collect();
    } else {
        complaints(&sim, numbers, world, &mut out);
    }
    surveys(&sim, world, &mut out);
    if sheet == Some(0) {
        out.rows[0] = sim.customers.len() as u64;
        out.sheet_customers = sim.customers;
    }
    out
}

fn customers(sim: &ChunkSim, world: &World, plan: &MessPlan, out: &mut ChunkOut) {
    let v = world.v;
    let mut w = RowWriter::new(world, sim.customers.len() * 120);
    for (i, c) in sim.customers.iter().enumerate() {
        let copies = if plan.duplicate_customer == Some(i) {
            2
        } else {
            1
        };
        for _ in 0..copies {
            w.customer(c.number);
            w.text(&c.name);
            w.text(&c.email);
            w.text(v.segments[c.segment as usize]);
            w.text(v.regions[c.region as usize]);
            match world.lang {
                Lang::Es => w.date(c.created_day),
                Lang::En => w.datetime(c.created_day, c.created_minute),
            }
            w.text(v.acquisition[c.channel as usize].0);
            w.text(v.employee(c.manager));
            w.cents(c.acquisition_cents);
            w.end_row();
        }
        out.rows[0] += copies;
        out.mess.duplicate_customers += copies as usize - 1;
    }
    out.bytes[0] = w.into_encoded();
}

fn transactions(
    sim: &ChunkSim,
    numbers: Numbering,
    world: &World,
    plan: &MessPlan,
    out: &mut ChunkOut,
) {
    let v = world.v;
    let (prefix_invoice, prefix_credit) = match world.lang {
        Lang::Es => ("F", "R"),
        Lang::En => ("INV-", "CN-"),
    };
    let mut w = RowWriter::new(world, sim.lines.len() * 90);
    let (mut next_invoice, mut next_credit) = (numbers.invoice + 1, numbers.credit + 1);
    let mut marks = plan.lines.iter().peekable();
    let mut line_index = 0usize;
    for inv in &sim.invoices {
        let (prefix, number) = if inv.credit {
            next_credit += 1;
            (prefix_credit, next_credit - 1)
        } else {
            next_invoice += 1;
            (prefix_invoice, next_invoice - 1)
        };
        for l in &sim.lines[inv.first_line as usize..(inv.first_line + inv.n_lines) as usize] {
            let mark = marks.next_if(|(i, _)| *i == line_index).map(|(_, m)| *m);
            line_index += 1;
            let start = w.buf.len();
            w.doc_number(prefix, number, 8);
            if mark == Some(LineMess::EmptyDate) {
                w.empty();
                out.mess.empty_dates += 1;
            } else {
                w.date(inv.day);
            }
            w.customer(inv.customer);
            let p = v.products[l.product as usize];
            w.text(p.name);
            w.text(v.categories[p.category as usize]);
            w.int(l.qty);
            w.cents(l.unit_cents);
            if mark == Some(LineMess::BadAmount) {
                w.raw(match world.lang {
                    Lang::Es => b"n/d",
                    Lang::En => b"#VALUE!",
                });
                out.mess.unparseable_amounts += 1;
            } else {
                w.cents(l.net_cents);
            }
            w.cents(l.cost_cents);
            if world.lang == Lang::En {
                w.raw(v.currency.as_bytes());
            }
            w.end_row();
            out.rows[1] += 1;
            if mark == Some(LineMess::Duplicate) {
                w.buf.extend_from_within(start..);
                out.rows[1] += 1;
                out.mess.duplicate_lines += 1;
            }
        }
    }
    out.bytes[1] = w.into_encoded();
}

fn interactions(sim: &ChunkSim, world: &World, out: &mut ChunkOut) {
    let v = world.v;
    let mut w = RowWriter::new(world, sim.interactions.len() * 80);
    for it in &sim.interactions {
        w.customer(it.customer);
        match world.lang {
            Lang::Es => w.datetime(it.day, it.minute),
            Lang::En => w.timestamp(it.day, it.minute),
        }
        w.text(v.contact_channels[it.channel as usize]);
        w.text(v.contact_types[it.kind as usize]);
        w.text(v.outcomes[it.kind as usize][it.outcome as usize]);
        w.text(v.employee(it.employee));
        w.end_row();
    }
    out.rows[2] = sim.interactions.len() as u64;
    out.bytes[2] = w.into_encoded();
}

fn complaints(sim: &ChunkSim, numbers: Numbering, world: &World, out: &mut ChunkOut) {
    let v = world.v;
    let mut w = RowWriter::new(world, sim.complaints.len() * 150);
    for (i, c) in sim.complaints.iter().enumerate() {
        let number = numbers.complaint + i as u64 + 1;
        match world.lang {
            Lang::Es => w.doc_number("INC-", number, 7),
            Lang::En => w.int(ticket_id(number) as i64),
        }
        w.customer(c.customer);
        w.datetime(c.opened_day, c.opened_minute);
        match c.resolved {
            Some((day, minute)) => w.datetime(day, minute),
            None => w.empty(),
        }
        w.text(v.complaint_categories[c.category as usize]);
        w.text(v.complaint_channels[c.channel as usize]);
        w.text(v.severities[c.severity as usize]);
        w.text(v.status[usize::from(c.resolved.is_some())]);
        w.flag(c.first_contact);
        w.flag(c.reopened);
        w.end_row();
    }
    out.rows[3] = sim.complaints.len() as u64;
    out.bytes[3] = w.into_encoded();
}

/// Helpdesk ticket number of the n-th complaint (1-based).
pub(crate) fn ticket_id(n: u64) -> u64 {
    10_000 + n
}

fn surveys(sim: &ChunkSim, world: &World, out: &mut ChunkOut) {
    let v = world.v;
    let mut w = RowWriter::new(world, sim.surveys.len() * 60);
    for s in &sim.surveys {
        w.customer(s.customer);
        match world.lang {
            Lang::Es => w.date(s.day),
            Lang::En => w.date_us(s.day),
        }
        for score in [s.nps, s.csat] {
            match score {
                Some(x) => w.int(x as i64),
                None => w.empty(),
            }
        }
        match s.comment {
            Some((band, i)) => w.text(v.comments[band as usize][i as usize]),
            None => w.empty(),
        }
        w.end_row();
    }
    out.rows[4] = sim.surveys.len() as u64;
    out.bytes[4] = w.into_encoded();
}
