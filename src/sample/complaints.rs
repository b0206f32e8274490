//! Complaints: what goes wrong after a purchase, how it is handled, and what that does to the
//! relationship. Category drives severity; severity and segment drive resolution time;
//! a badly handled complaint (over its SLA, reopened, or never resolved) is far more likely to
//! end the relationship, which is the signal the audit's complaints-and-loyalty section reads.

use super::activity;
use super::chunk::{ChunkSim, Complaint};
use super::customer::{self, Customer, ENTERPRISE};
use super::life::Relationship;
use super::purchases;
use super::world::World;
use rand::Rng;
use rand_distr::{Distribution, LogNormal};

/// Category weights: delivery, defective product, billing, treatment, returns.
const CATEGORY: [f64; 5] = [0.30, 0.25, 0.18, 0.12, 0.15];
/// Severity weights (low, medium, high, critical) per category.
const SEVERITY: [[f64; 4]; 5] = [
    [0.35, 0.40, 0.20, 0.05],
    [0.20, 0.35, 0.30, 0.15],
    [0.40, 0.40, 0.15, 0.05],
    [0.25, 0.35, 0.28, 0.12],
    [0.35, 0.40, 0.20, 0.05],
];
/// Share solved on the first contact, per severity.
const FIRST_CONTACT: [f64; 4] = [0.60, 0.42, 0.22, 0.08];
/// Median hours to resolve when not solved on first contact, per severity.
const MEDIAN_HOURS: [f64; 4] = [72.0, 48.0, 30.0, 12.0];
/// SLA hours per severity; the defaults of `IndicatorSettings::sla_hours`.
pub(crate) const SLA_HOURS: [f64; 4] = [240.0, 120.0, 48.0, 24.0];
/// Chance of ending the relationship after a complaint, per severity, before handling.
const CHURN: [f64; 4] = [0.25, 0.35, 0.45, 0.55];
/// Churn multiplier per category: being treated badly hurts most, a late parcel least.
const CATEGORY_CHURN: [f64; 5] = [0.8, 1.0, 1.0, 1.4, 0.9];
/// Complaint channel (phone, e-mail, web, shop/chat) → contact channel of the service contacts.
const COMPLAINT_TO_CONTACT_CHANNEL: [u8; 4] = [0, 1, 4, 3];
/// Share of complaints forgotten in the backlog, never resolved.
const FORGOTTEN: f64 = 0.025;

/// Opens a complaint about invoice `invoice` bought on `day`; returns the probability that the
/// customer leaves at once because of it, and raises `rel.dropout` for those who stay. Adds the
/// service contacts, sometimes a sales contact made while it is open, a survey after it, and a
/// credit note when the goods or the bill were wrong.
pub(crate) fn open<R: Rng>(
    rng: &mut R,
    c: &Customer,
    day: u32,
    invoice: usize,
    rel: &mut Relationship,
    world: &World,
    out: &mut ChunkSim,
) -> f64 {
    let end = world.cal.days();
    let opened_day = world.cal.working_day(day + rng.random_range(1..15));
    if opened_day >= end {
        return 0.0;
    }
    let opened_minute = rng.random_range(8 * 60..20 * 60) as u16;
    let category = customer::pick(rng, &CATEGORY);
    let severity = customer::pick(rng, &SEVERITY[category]);
    let channel = customer::pick(rng, &[0.40, 0.30, 0.20, 0.10]) as u8;
    let forgotten = rng.random::<f64>() < FORGOTTEN;
    let mut first_contact = rng.random::<f64>() < FIRST_CONTACT[severity];
    let mut hours = if first_contact {
        rng.random_range(0.1..4.0)
    } else {
        let median = MEDIAN_HOURS[severity] * if c.segment == ENTERPRISE { 0.6 } else { 1.0 };
        LogNormal::new(median.ln(), 0.9)
            .map(|d| d.sample(rng))
            .unwrap_or(median)
    };
    let over_sla = hours > SLA_HOURS[severity];
    let reopen_chance = 0.04 + 0.08 * f64::from(severity >= 2) + 0.15 * f64::from(over_sla);
    let reopened = !forgotten && rng.random::<f64>() < reopen_chance;
    if reopened {
        first_contact = false;
        hours += LogNormal::new(48f64.ln(), 0.8)
            .map(|d| d.sample(rng))
            .unwrap_or(48.0);
    }
    let badly = forgotten || reopened || hours > SLA_HOURS[severity];
    let opened_at = opened_day as u64 * 1440 + opened_minute as u64;
    let resolved_at = opened_at + (hours * 60.0).round() as u64;
    let resolved = (!forgotten && resolved_at < end as u64 * 1440)
        .then_some(((resolved_at / 1440) as u32, (resolved_at % 1440) as u16));
    // A complaint still open at the end was not solved on the first contact.
    let first_contact = first_contact && resolved.is_some();
    out.complaints.push(Complaint {
        customer: c.number,
        opened_day,
        opened_minute,
        resolved,
        category: category as u8,
        channel,
        severity: severity as u8,
        first_contact,
        reopened,
    });

    // Until resolved, or for a month when it never is within the history.
    let window_end = resolved_at.min(opened_at + 30 * 1440).max(opened_at + 30);
    let contacts = 1 + usize::from(severity >= 2) + usize::from(badly);
    let contact_channel = COMPLAINT_TO_CONTACT_CHANNEL[channel as usize];
    for _ in 0..contacts {
        let at = rng.random_range(opened_at..=window_end);
        activity::contact_at(
            rng,
            c,
            at,
            activity::SERVICE,
            Some(contact_channel),
            world,
            out,
        );
    }
    // The failure the audit looks for: a sales call to a customer with an open complaint.
    if rng.random::<f64>() < 0.08 {
        let at = rng.random_range(opened_at..=window_end);
        activity::contact_at(rng, c, at, activity::SALES, None, world, out);
    }
    if let Some((rday, _)) = resolved
        && rng.random::<f64>() < 0.4
    {
        activity::complaint_survey(rng, c, rday, badly, world, out);
    }
    // Defective goods, billing errors and returns often end in a credit note.
    if matches!(category, 1 | 2 | 4) && rng.random::<f64>() < 0.35 {
        let credit_day = resolved.map_or(opened_day + 3, |(d, _)| d);
        purchases::credit_note(rng, invoice, credit_day, world, out);
    }
    let handling = if badly { 2.0 } else { 0.6 };
    let leave = (CHURN[severity] * CATEGORY_CHURN[category] * handling).min(0.9);
    if badly {
        rel.mood -= 2.0;
    }
    // Who stays is on probation: a higher dropout probability after every later purchase,
    // slight after a well handled complaint, heavy after a badly handled one.
    rel.dropout = 1.0 - (1.0 - rel.dropout) * (1.0 - 0.8 * leave);
    leave
}
