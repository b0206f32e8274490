//! Statistical checks of the simulated behaviour: the signal the audit's indicators are meant to
//! find must really be in the generated data.

use super::activity::SALES;
use super::chunk::{self, ChunkSim};
use super::complaints::SLA_HOURS;
use super::customer::{CONSUMER, ENTERPRISE, SMB};
use super::world::World;
use crate::domain::Lang;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeSet, HashMap};

fn simulate(lang: Lang, customers: u32, seed: u64) -> (World, ChunkSim) {
    let end = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let world = World::new(lang, customers, seed, end);
    let sim = chunk::simulate(&world, 1, customers);
    (world, sim)
}

/// Distinct purchase days (invoices, not credit notes) per customer.
fn purchase_days(sim: &ChunkSim) -> HashMap<u32, BTreeSet<u32>> {
    let mut days: HashMap<u32, BTreeSet<u32>> = HashMap::new();
    for inv in sim.invoices.iter().filter(|i| !i.credit) {
        days.entry(inv.customer).or_default().insert(inv.day);
    }
    days
}

#[test]
fn buy_till_you_die_gives_plausible_repeat_rates() {
    let (_, sim) = simulate(Lang::Es, 6000, 11);
    let days = purchase_days(&sim);
    let buyers = days.len() as f64;
    let repeaters = days.values().filter(|d| d.len() >= 2).count() as f64;
    // About 4 % of customers are leads that never buy.
    assert!(buyers > 0.93 * 6000.0 && buyers < 0.98 * 6000.0, "{buyers}");
    // Measured 79 % on 20,000 customers; real retail books sit between 50 and 90 %.
    let repeat_rate = repeaters / buyers;
    assert!((0.65..0.90).contains(&repeat_rate), "{repeat_rate}");
    let mut per_segment = [(0.0, 0.0); 3];
    for c in &sim.customers {
        if let Some(d) = days.get(&c.number) {
            per_segment[c.segment as usize].0 += d.len() as f64;
            per_segment[c.segment as usize].1 += 1.0;
        }
    }
    let mean = |s: u8| per_segment[s as usize].0 / per_segment[s as usize].1;
    assert!(mean(ENTERPRISE) > mean(SMB) && mean(SMB) > mean(CONSUMER));
    // Dropout is real: of the customers who bought at least twice in their first year of
    // history, a good share buys nothing in the last year although the history continues.
    let early: Vec<_> = sim
        .customers
        .iter()
        .filter(|c| c.created_day < 365)
        .collect();
    let repeat_early: Vec<_> = early
        .iter()
        .filter(|c| {
            days.get(&c.number)
                .is_some_and(|d| d.range(..730).count() >= 2)
        })
        .collect();
    let silent = repeat_early
        .iter()
        .filter(|c| days[&c.number].range(1461 - 365..).next().is_none())
        .count() as f64
        / repeat_early.len() as f64;
    assert!((0.5..0.95).contains(&silent), "{silent}");
}

#[test]
fn about_twenty_invoice_lines_per_customer() {
    let (_, sim) = simulate(Lang::En, 6000, 12);
    let per_customer = sim.lines.len() as f64 / 6000.0;
    assert!((16.0..24.0).contains(&per_customer), "{per_customer}");
    let credit_share = sim.credit_count() as f64 / sim.invoice_count() as f64;
    assert!((0.01..0.035).contains(&credit_share), "{credit_share}");
}

/// Customers in S (active in the year before the last year of history), split by whether they
/// complained in that year: (churn of complainers, churn of the others) where churn = no purchase
/// in the last year. The definition of DESIGN.md with A = 365 days and P = the last year.
fn churn_by_complaint(
    sim: &ChunkSim,
    last_day: u32,
    complaint_filter: impl Fn(&super::chunk::Complaint) -> bool,
) -> (f64, f64, usize) {
    let p_start = last_day + 1 - 365;
    let days = purchase_days(sim);
    let mut complained: HashMap<u32, bool> = HashMap::new();
    for c in &sim.complaints {
        if (p_start - 365..p_start).contains(&c.opened_day) {
            let e = complained.entry(c.customer).or_insert(false);
            *e |= complaint_filter(c);
        }
    }
    let (mut a, mut an, mut b, mut bn) = (0.0, 0.0, 0.0, 0.0);
    for (customer, d) in &days {
        if d.range(p_start - 365..p_start).next().is_none() {
            continue;
        }
        let churned = d.range(p_start..).next().is_none();
        match complained.get(customer) {
            Some(true) => {
                a += f64::from(churned);
                an += 1.0;
            }
            Some(false) => {}
            None => {
                b += f64::from(churned);
                bn += 1.0;
            }
        }
    }
    (a / an, b / bn, an as usize)
}

#[test]
fn customers_who_complained_churn_more_than_the_others() {
    let (world, sim) = simulate(Lang::Es, 12_000, 13);
    let (complainers, others, n) = churn_by_complaint(&sim, world.cal.days() - 1, |_| true);
    // Measured on 20,000 customers: 80 % against 42 %, a relative risk of 1.9 (without the
    // complaint effect it is 0.8: complainers are heavier buyers, so the signal is causal).
    assert!(n > 300, "{n}");
    assert!(complainers / others > 1.5, "{complainers} vs {others}");
}

#[test]
fn badly_handled_complaints_lose_more_customers_than_well_handled_ones() {
    let (world, sim) = simulate(Lang::Es, 12_000, 14);
    let last = world.cal.days() - 1;
    let badly = |c: &super::chunk::Complaint| {
        let hours = c.resolved.map(|(d, m)| {
            ((d as i64 * 1440 + m as i64) - (c.opened_day as i64 * 1440 + c.opened_minute as i64))
                as f64
                / 60.0
        });
        c.reopened || hours.is_none_or(|h| h > SLA_HOURS[c.severity as usize])
    };
    let (bad, _, n_bad) = churn_by_complaint(&sim, last, badly);
    let (good, _, n_good) = churn_by_complaint(&sim, last, |c| !badly(c));
    assert!(n_bad > 50 && n_good > 200, "{n_bad} {n_good}");
    // Measured on 12,000 customers: 98 % against 76 %.
    assert!(bad > good + 0.15, "{bad} vs {good}");
}

#[test]
fn between_ten_and_twenty_per_cent_of_customers_complain() {
    let (_, sim) = simulate(Lang::En, 8000, 15);
    let complainers: BTreeSet<u32> = sim.complaints.iter().map(|c| c.customer).collect();
    let share = complainers.len() as f64 / 8000.0;
    assert!((0.10..0.20).contains(&share), "{share}");
    let open = sim
        .complaints
        .iter()
        .filter(|c| c.resolved.is_none())
        .count();
    assert!(open > 0, "some complaints must still be open at the end");
    let reopened = sim.complaints.iter().filter(|c| c.reopened).count();
    let first_contact = sim.complaints.iter().filter(|c| c.first_contact).count();
    assert!(reopened > 0 && first_contact > reopened);
}

#[test]
fn some_sales_calls_land_while_a_complaint_is_open() {
    let (world, sim) = simulate(Lang::Es, 5000, 16);
    let end = world.cal.days() as u64 * 1440;
    let mut open: HashMap<u32, Vec<(u64, u64)>> = HashMap::new();
    for c in &sim.complaints {
        let from = c.opened_day as u64 * 1440 + c.opened_minute as u64;
        let to = c.resolved.map_or(end, |(d, m)| d as u64 * 1440 + m as u64);
        open.entry(c.customer).or_default().push((from, to));
    }
    let during = sim
        .interactions
        .iter()
        .filter(|i| i.kind == SALES)
        .filter(|i| {
            let t = i.day as u64 * 1440 + i.minute as u64;
            open.get(&i.customer)
                .is_some_and(|w| w.iter().any(|(a, b)| (*a..=*b).contains(&t)))
        })
        .count();
    assert!(
        during > 0 && during < sim.complaints.len() / 3,
        "{during} of {}",
        sim.complaints.len()
    );
}

#[test]
fn detractors_are_more_common_after_complaints() {
    let (_, sim) = simulate(Lang::Es, 12_000, 17);
    let mut complaint_days: HashMap<u32, Vec<u32>> = HashMap::new();
    for c in &sim.complaints {
        complaint_days
            .entry(c.customer)
            .or_default()
            .push(c.opened_day);
    }
    let (mut after, mut after_n, mut other, mut other_n) = (0.0, 0.0, 0.0, 0.0);
    for s in &sim.surveys {
        let Some(nps) = s.nps else { continue };
        let detractor = f64::from(nps <= 6);
        let recent = complaint_days
            .get(&s.customer)
            .is_some_and(|d| d.iter().any(|o| *o <= s.day && s.day - o <= 90));
        if recent {
            after += detractor;
            after_n += 1.0;
        } else {
            other += detractor;
            other_n += 1.0;
        }
    }
    assert!(after_n > 50.0, "{after_n}");
    assert!(
        after / after_n > 1.3 * other / other_n,
        "{} vs {}",
        after / after_n,
        other / other_n
    );
}

#[test]
fn spanish_august_is_quieter_than_july_and_september() {
    let (world, sim) = simulate(Lang::Es, 5000, 18);
    let mut revenue = [0i64; 13];
    for inv in sim.invoices.iter().filter(|i| !i.credit) {
        let month = world.cal.date(inv.day).month() as usize;
        let lines = &sim.lines[inv.first_line as usize..(inv.first_line + inv.n_lines) as usize];
        revenue[month] += lines.iter().map(|l| l.net_cents).sum::<i64>();
    }
    assert!(revenue[8] * 3 < revenue[7] * 2, "{revenue:?}");
    assert!(revenue[8] * 3 < revenue[9] * 2, "{revenue:?}");
}
