//! One customer's relationship from creation to the end of history: a buy-till-you-die purchase
//! process (BG/NBD: purchases at rate λ while alive, seasonality by thinning, dropout with
//! probability p after each purchase), with complaints that can end the relationship or make it
//! frailer, and the contacts and surveys around it.

use super::activity;
use super::chunk::ChunkSim;
use super::complaints;
use super::customer::{Customer, Traits};
use super::purchases;
use super::world::World;
use rand::Rng;
use rand_distr::{Distribution, Exp1};

/// Chance that a purchase is followed by a complaint, before the customer's propensity.
pub(crate) const COMPLAINT_PER_PURCHASE: f64 = 0.018;
/// Chance that an invoice gets a credit note for reasons other than a complaint.
const CREDIT_NOTE_BASE: f64 = 0.015;
/// Days the CRM keeps calling a customer after its last purchase.
const CONTACT_TAIL_DAYS: u32 = 240;

/// What changes during a relationship.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Relationship {
    /// Current dropout probability after a purchase.
    pub(crate) dropout: f64,
    /// Offset added to survey scores (negative after badly handled complaints).
    pub(crate) mood: f64,
}

/// The time of the next purchase after `from` (days), by thinning a Poisson process of rate
/// λ·max(season) with acceptance season(day)/max(season).
fn next_purchase<R: Rng>(rng: &mut R, from: f64, lambda_day: f64, world: &World) -> f64 {
    let cal = &world.cal;
    let envelope = lambda_day * cal.season_max();
    let mut t = from;
    loop {
        let gap: f64 = Exp1.sample(rng);
        t += gap / envelope;
        let day = t as u32;
        if day >= cal.days() || rng.random::<f64>() * cal.season_max() < cal.season(day) {
            return t;
        }
    }
}

/// Simulates the customer's history into `out`.
pub(crate) fn live<R: Rng>(
    rng: &mut R,
    c: &Customer,
    t: &Traits,
    world: &World,
    out: &mut ChunkSim,
) {
    let (inv0, int0, comp0, sur0) = (
        out.invoices.len(),
        out.interactions.len(),
        out.complaints.len(),
        out.surveys.len(),
    );
    let end = world.cal.days();
    let mut rel = Relationship {
        dropout: t.dropout,
        mood: 0.0,
    };
    let mut last_purchase = None;
    let mut alive = true;
    // Frequent buyers complain more often in all, but less often per purchase (they know the
    // routine and the routine knows them), so complaints are not a mere proxy for volume.
    let sp = super::customer::SEGMENTS[c.segment as usize];
    let relative_rate = t.lambda_day * 365.25 / sp.lambda_mean_year;
    let complaint_chance = (COMPLAINT_PER_PURCHASE * t.complaint_propensity
        / relative_rate.max(0.05).powf(0.8))
    .min(0.5);
    if t.buys {
        let delay: f64 = if rng.random::<f64>() < 0.7 {
            0.0
        } else {
            let e: f64 = Exp1.sample(rng);
            25.0 * e
        };
        let mut time: f64 = c.created_day as f64 + delay + 0.5;
        while (time as u32) < end {
            let day = time as u32;
            let invoice = purchases::invoice(rng, c, t, day, world, out);
            last_purchase = Some(day);
            activity::after_purchase(rng, c, day, &rel, world, out);
            if rng.random::<f64>() < complaint_chance {
                let churn = complaints::open(rng, c, day, invoice, &mut rel, world, out);
                // A steady business keeps its customers (the draw is kept so that the normal
                // client's random stream does not change).
                if rng.random::<f64>() < churn && !world.steady {
                    alive = false;
                    break;
                }
            }
            if rng.random::<f64>() < CREDIT_NOTE_BASE {
                let credit_day = day + rng.random_range(2..30);
                purchases::credit_note(rng, invoice, credit_day, world, out);
            }
            if rng.random::<f64>() < rel.dropout && !world.steady {
                alive = false;
                break;
            }
            time = next_purchase(rng, time, t.lambda_day, world);
        }
    }
    let contact_end = match last_purchase {
        _ if alive && t.buys => end,
        Some(day) => (day + CONTACT_TAIL_DAYS).min(end),
        None => (c.created_day + CONTACT_TAIL_DAYS).min(end),
    };
    activity::routine_contacts(rng, c, t, contact_end, world, out);
    out.invoices[inv0..].sort_by_key(|i| (i.day, i.credit));
    out.complaints[comp0..].sort_by_key(|c| (c.opened_day, c.opened_minute));
    // One contact per minute and one survey answer per day and customer: the only exact
    // duplicate rows in a sample client are the injected ones the ledger must count.
    let mut contacts = out.interactions.split_off(int0);
    contacts.sort_by_key(|i| (i.day, i.minute));
    contacts.dedup_by_key(|i| (i.day, i.minute));
    out.interactions.append(&mut contacts);
    let mut answers = out.surveys.split_off(sur0);
    answers.sort_by_key(|s| s.day);
    answers.dedup_by_key(|s| s.day);
    out.surveys.append(&mut answers);
}
