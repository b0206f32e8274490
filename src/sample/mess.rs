//! The imperfections a real export has, injected on purpose into the first chunk so that the
//! data-quality ledger has something to find, in exact, documented counts (sample-data/README.md):
//! unparseable amounts, empty dates, duplicated lines, invoices and complaints of customer codes
//! that are not in the customer master, a duplicated customer row.

use super::chunk::{ChunkSim, Complaint, Invoice, Line};
use super::rng::SampleRng;
use super::world::World;
use crate::domain::Lang;
use rand::Rng;
use serde::Serialize;

/// Unknown customer codes are numbered from the last customer plus this offset.
pub(crate) const ORPHAN_OFFSET: u32 = 1000;

/// How many of each defect a generated client holds (what a ledger should report).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MessCounts {
    /// Invoice lines whose amount is not a number (`n/d` in Spanish, `#VALUE!` in English).
    pub unparseable_amounts: usize,
    /// Invoice lines with an empty date.
    pub empty_dates: usize,
    /// Invoice lines written twice in a row (exact duplicate rows; counts the extra copies).
    pub duplicate_lines: usize,
    /// Invoices whose customer code is not in the customer master.
    pub orphan_invoices: usize,
    /// Lines of those invoices.
    pub orphan_lines: usize,
    /// Complaints whose customer code is not in the customer master.
    pub orphan_complaints: usize,
    /// Customer rows written twice (exact duplicates).
    pub duplicate_customers: usize,
}

/// A defect of one invoice line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineMess {
    /// The amount is replaced by a text.
    BadAmount,
    /// The date is empty.
    EmptyDate,
    /// The line is written twice.
    Duplicate,
}

/// Line defects per language, in the order they are spread over the first chunk.
fn line_defects(lang: Lang) -> &'static [LineMess] {
    use LineMess::*;
    match lang {
        Lang::Es => &[BadAmount, EmptyDate, BadAmount, EmptyDate, BadAmount],
        Lang::En => &[BadAmount, Duplicate, Duplicate, BadAmount, Duplicate],
    }
}

/// Lines per orphan invoice.
fn orphan_invoice_lines(lang: Lang) -> &'static [u32] {
    match lang {
        Lang::Es => &[2, 3],
        Lang::En => &[2, 2],
    }
}

const ORPHAN_COMPLAINTS: u32 = 2;

/// Which of the first chunk's `n_lines` lines get which defect, sorted by line index, spread
/// evenly so they do not sit together.
pub(crate) fn plan_lines(lang: Lang, n_lines: usize) -> Vec<(usize, LineMess)> {
    let defects = line_defects(lang);
    let m = defects.len();
    let mut plan: Vec<(usize, LineMess)> = defects
        .iter()
        .enumerate()
        .map(|(j, d)| ((2 * j + 1) * n_lines / (2 * m), *d))
        .collect();
    plan.dedup_by_key(|(i, _)| *i);
    plan.retain(|(i, _)| *i < n_lines);
    plan
}

/// Which customer row of the first chunk is written twice, if any.
pub(crate) fn duplicate_customer(lang: Lang, n_customers: usize) -> Option<usize> {
    (lang == Lang::En && n_customers > 0).then_some(n_customers / 2)
}

/// Appends invoices and complaints of customer codes missing from the master (a customer
/// deleted in the ERP whose history stayed behind). Returns (invoices, lines, complaints) added.
pub(crate) fn inject_orphans(sim: &mut ChunkSim, world: &World) -> (usize, usize, usize) {
    let mut rng = SampleRng::stream(world.seed, u64::MAX);
    let days = world.cal.days();
    let mut lines_added = 0;
    let orphan = |k: u32| world.customers + ORPHAN_OFFSET + k;
    let invoices = orphan_invoice_lines(world.lang);
    for (k, n) in invoices.iter().enumerate() {
        let first_line = sim.lines.len() as u32;
        for _ in 0..*n {
            let product = rng.random_range(0..world.v.products.len()) as u16;
            let p = world.v.products[product as usize];
            let qty = rng.random_range(1..6);
            let net_cents = qty * p.price_cents;
            let cost_cents = (net_cents * p.cost_permille + 500) / 1000;
            sim.lines.push(Line {
                product,
                qty,
                unit_cents: p.price_cents,
                net_cents,
                cost_cents,
            });
        }
        lines_added += *n as usize;
        sim.invoices.push(Invoice {
            customer: orphan(k as u32 + 1),
            day: rng.random_range(0..days),
            credit: false,
            first_line,
            n_lines: *n,
        });
    }
    for k in 0..ORPHAN_COMPLAINTS {
        let opened_day = rng.random_range(0..days.saturating_sub(10).max(1));
        sim.complaints.push(Complaint {
            customer: orphan(k + 1),
            opened_day,
            opened_minute: 10 * 60,
            resolved: Some((opened_day + 2, 12 * 60)),
            category: 2,
            channel: 1,
            severity: 1,
            first_contact: false,
            reopened: false,
        });
    }
    (invoices.len(), lines_added, ORPHAN_COMPLAINTS as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_defects_are_spread_over_distinct_lines() {
        let plan = plan_lines(Lang::Es, 1000);
        // (2j + 1) * 1000 / 10 for j = 0..5.
        let at: Vec<usize> = plan.iter().map(|(i, _)| *i).collect();
        assert_eq!(at, vec![100, 300, 500, 700, 900]);
        assert_eq!(
            plan.iter()
                .filter(|(_, d)| *d == LineMess::BadAmount)
                .count(),
            3
        );
        assert_eq!(
            plan.iter()
                .filter(|(_, d)| *d == LineMess::EmptyDate)
                .count(),
            2
        );
    }

    #[test]
    fn a_tiny_chunk_gets_fewer_defects_never_two_on_one_line() {
        let plan = plan_lines(Lang::En, 2);
        let mut at: Vec<usize> = plan.iter().map(|(i, _)| *i).collect();
        at.dedup();
        assert_eq!(at.len(), plan.len());
        assert!(plan.iter().all(|(i, _)| *i < 2));
    }
}
