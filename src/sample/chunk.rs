//! One chunk of customers simulated end to end: the events of their whole history, in memory,
//! before any number is assigned or any byte formatted. Chunks are independent (each customer
//! has its own random stream), which is what lets rayon simulate them in parallel while the
//! output stays the same for any number of threads.

use super::customer::{self, Customer};
use super::life;
use super::rng::SampleRng;
use super::world::World;

/// An invoice or credit note header; its lines are `lines[first_line..first_line + n_lines]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Invoice {
    /// Customer number.
    pub(crate) customer: u32,
    /// Day number.
    pub(crate) day: u32,
    /// A credit note (lines are negative).
    pub(crate) credit: bool,
    /// Index of the first line in [`ChunkSim::lines`].
    pub(crate) first_line: u32,
    /// Number of lines.
    pub(crate) n_lines: u32,
}

/// One invoice line, amounts in cents.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    /// Index into the catalogue.
    pub(crate) product: u16,
    /// Quantity (negative on credit notes).
    pub(crate) qty: i64,
    /// Unit price actually charged.
    pub(crate) unit_cents: i64,
    /// qty × unit price.
    pub(crate) net_cents: i64,
    /// Cost of the goods.
    pub(crate) cost_cents: i64,
}

/// A CRM activity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Interaction {
    /// Customer number.
    pub(crate) customer: u32,
    /// Day number.
    pub(crate) day: u32,
    /// Minute of the day.
    pub(crate) minute: u16,
    /// Index into `contact_channels`.
    pub(crate) channel: u8,
    /// Index into `contact_types`: 0 sales, 1 service, 2 follow-up, 3 billing.
    pub(crate) kind: u8,
    /// Index into `outcomes[kind]`.
    pub(crate) outcome: u8,
    /// Employee index.
    pub(crate) employee: u8,
}

/// A complaint (ticket).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Complaint {
    /// Customer number.
    pub(crate) customer: u32,
    /// Day opened.
    pub(crate) opened_day: u32,
    /// Minute of the day opened.
    pub(crate) opened_minute: u16,
    /// Day and minute resolved; `None` while open at the end of history.
    pub(crate) resolved: Option<(u32, u16)>,
    /// Index into `complaint_categories`.
    pub(crate) category: u8,
    /// Index into `complaint_channels`.
    pub(crate) channel: u8,
    /// Index into `severities` (0 low .. 3 critical).
    pub(crate) severity: u8,
    /// Solved on the first contact.
    pub(crate) first_contact: bool,
    /// Reopened after a first resolution.
    pub(crate) reopened: bool,
}

/// A survey answer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Survey {
    /// Customer number.
    pub(crate) customer: u32,
    /// Day answered.
    pub(crate) day: u32,
    /// Net Promoter score 0–10.
    pub(crate) nps: Option<u8>,
    /// Satisfaction 1–5.
    pub(crate) csat: Option<u8>,
    /// Comment as (band, index) into `comments`.
    pub(crate) comment: Option<(u8, u8)>,
}

/// Everything that happened to one chunk of customers.
#[derive(Debug, Default)]
pub(crate) struct ChunkSim {
    /// Master data.
    pub(crate) customers: Vec<Customer>,
    /// Invoices and credit notes, per customer in date order.
    pub(crate) invoices: Vec<Invoice>,
    /// Their lines.
    pub(crate) lines: Vec<Line>,
    /// CRM activities, per customer in time order.
    pub(crate) interactions: Vec<Interaction>,
    /// Complaints, per customer in time order.
    pub(crate) complaints: Vec<Complaint>,
    /// Survey answers, per customer in date order.
    pub(crate) surveys: Vec<Survey>,
}

impl ChunkSim {
    /// Invoices that are not credit notes.
    pub(crate) fn invoice_count(&self) -> u64 {
        self.invoices.iter().filter(|i| !i.credit).count() as u64
    }

    /// Credit notes.
    pub(crate) fn credit_count(&self) -> u64 {
        self.invoices.iter().filter(|i| i.credit).count() as u64
    }
}

/// Simulates customers `first..first + count` (customer numbers, 1-based).
pub(crate) fn simulate(world: &World, first: u32, count: u32) -> ChunkSim {
    let mut sim = ChunkSim::default();
    sim.customers.reserve(count as usize);
    sim.invoices.reserve(count as usize * 10);
    sim.lines.reserve(count as usize * 22);
    for number in first..first + count {
        let mut rng = SampleRng::stream(world.seed, number as u64);
        let (c, traits) = customer::draw(&mut rng, number, &world.cal, world.v, world.steady);
        life::live(&mut rng, &c, &traits, world, &mut sim);
        sim.customers.push(c);
    }
    sim
}
