//! CRM activities and survey answers: routine contacts at a rate that grows with the customer's
//! value, follow-ups after purchases, service contacts during complaints, and NPS/CSAT answers
//! whose scores follow the customer's loyalty and how its complaints were handled.

use super::chunk::{ChunkSim, Interaction, Survey};
use super::customer::{self, Customer, SEGMENTS, Traits};
use super::life::Relationship;
use super::world::World;
use rand::Rng;
use rand_distr::{Distribution, Exp1, StandardNormal};

/// Contact type: sales.
pub(crate) const SALES: u8 = 0;
/// Contact type: service.
pub(crate) const SERVICE: u8 = 1;
/// Contact type: follow-up.
pub(crate) const FOLLOW_UP: u8 = 2;
/// Contact type: billing.
pub(crate) const BILLING: u8 = 3;

/// Weights of routine contact types: sales, service, follow-up, billing.
const ROUTINE_TYPES: [f64; 4] = [0.35, 0.15, 0.30, 0.20];
/// Outcome weights per contact type.
const OUTCOMES: [&[f64]; 4] = [
    &[0.20, 0.30, 0.25, 0.25],
    &[0.70, 0.15, 0.15],
    &[0.60, 0.15, 0.25],
    &[0.75, 0.18, 0.07],
];
/// Channel weights (phone, e-mail, visit, chat, web) per segment.
const CHANNELS: [[f64; 5]; 3] = [
    [0.35, 0.35, 0.02, 0.18, 0.10],
    [0.40, 0.30, 0.12, 0.13, 0.05],
    [0.35, 0.30, 0.28, 0.05, 0.02],
];
/// Share of purchases followed by a follow-up contact, and by a survey answer.
const FOLLOW_UP_RATE: f64 = 0.15;
const PURCHASE_SURVEY_RATE: f64 = 0.04;

/// Adds a contact at an absolute minute of history (dropped beyond its end). The employee is
/// the account manager for sales and follow-ups, a service agent or billing clerk otherwise.
pub(crate) fn contact_at<R: Rng>(
    rng: &mut R,
    c: &Customer,
    at_minute: u64,
    kind: u8,
    channel: Option<u8>,
    world: &World,
    out: &mut ChunkSim,
) {
    let day = (at_minute / 1440) as u32;
    if day >= world.cal.days() {
        return;
    }
    let v = world.v;
    let channel =
        channel.unwrap_or_else(|| customer::pick(rng, &CHANNELS[c.segment as usize]) as u8);
    let outcome = customer::pick(rng, OUTCOMES[kind as usize]) as u8;
    let (m, k, s) = (
        v.managers.len(),
        v.key_account_managers.len(),
        v.service_agents.len(),
    );
    let employee = match kind {
        SERVICE => (m + k + rng.random_range(0..s)) as u8,
        BILLING => (m + k + s + rng.random_range(0..v.billing_staff.len())) as u8,
        _ => c.manager,
    };
    out.interactions.push(Interaction {
        customer: c.number,
        day,
        minute: (at_minute % 1440) as u16,
        channel,
        kind,
        outcome,
        employee,
    });
}

/// A working-hours minute of the working day on or after `day`.
fn office_minute<R: Rng>(rng: &mut R, day: u32, world: &World) -> u64 {
    world.cal.working_day(day) as u64 * 1440 + rng.random_range(8 * 60..19 * 60)
}

/// Routine contacts from creation to `until` (day, exclusive): a Poisson process at the
/// segment's rate, scaled by the customer's purchase rate relative to its segment's mean.
pub(crate) fn routine_contacts<R: Rng>(
    rng: &mut R,
    c: &Customer,
    t: &Traits,
    until: u32,
    world: &World,
    out: &mut ChunkSim,
) {
    let sp = SEGMENTS[c.segment as usize];
    let relative_value = (t.lambda_day * 365.25 / sp.lambda_mean_year).clamp(0.1, 10.0);
    let rate_day = sp.contacts_year / 365.25 * relative_value.powf(0.4);
    let mut time = c.created_day as f64;
    loop {
        let gap: f64 = Exp1.sample(rng);
        time += gap / rate_day;
        if time >= until as f64 {
            return;
        }
        let kind = customer::pick(rng, &ROUTINE_TYPES) as u8;
        let at = office_minute(rng, time as u32, world);
        contact_at(rng, c, at, kind, None, world, out);
    }
}

/// After a purchase: sometimes a follow-up contact, sometimes an NPS answer.
pub(crate) fn after_purchase<R: Rng>(
    rng: &mut R,
    c: &Customer,
    day: u32,
    rel: &Relationship,
    world: &World,
    out: &mut ChunkSim,
) {
    if rng.random::<f64>() < FOLLOW_UP_RATE {
        let follow_day = day + rng.random_range(3..15);
        let at = office_minute(rng, follow_day, world);
        contact_at(rng, c, at, FOLLOW_UP, None, world, out);
    }
    if rng.random::<f64>() < PURCHASE_SURVEY_RATE {
        // Loyal customers (low dropout) score higher; badly handled complaints linger.
        let mean = 8.4 - 8.0 * rel.dropout + rel.mood;
        let nps = score(rng, mean, 1.8, 0, 10);
        let csat =
            (rng.random::<f64>() < 0.2).then(|| score(rng, 1.0 + nps as f64 * 0.4, 0.6, 1, 5));
        let answer_day = day + rng.random_range(2..10);
        push_survey(rng, c, answer_day, Some(nps), csat, world, out);
    }
}

/// The answer to the survey sent when a complaint is closed: CSAT always, NPS half the time.
pub(crate) fn complaint_survey<R: Rng>(
    rng: &mut R,
    c: &Customer,
    resolved_day: u32,
    badly: bool,
    world: &World,
    out: &mut ChunkSim,
) {
    let (csat_mean, nps_mean) = if badly { (2.0, 3.5) } else { (4.2, 7.5) };
    let csat = score(rng, csat_mean, 0.9, 1, 5);
    let nps = (rng.random::<f64>() < 0.5).then(|| score(rng, nps_mean, 2.0, 0, 10));
    let answer_day = resolved_day + rng.random_range(1..6);
    push_survey(rng, c, answer_day, nps, Some(csat), world, out);
}

fn score<R: Rng>(rng: &mut R, mean: f64, sd: f64, lo: u8, hi: u8) -> u8 {
    let z: f64 = StandardNormal.sample(rng);
    (mean + sd * z).round().clamp(lo as f64, hi as f64) as u8
}

fn push_survey<R: Rng>(
    rng: &mut R,
    c: &Customer,
    day: u32,
    nps: Option<u8>,
    csat: Option<u8>,
    world: &World,
    out: &mut ChunkSim,
) {
    if day >= world.cal.days() {
        return;
    }
    let band = match (nps, csat) {
        (Some(0..=6), _) | (None, Some(1..=2)) => 0u8,
        (Some(7..=8), _) | (None, Some(3)) => 1,
        _ => 2,
    };
    let comment = (rng.random::<f64>() < 0.3).then(|| {
        let list = world.v.comments[band as usize];
        (band, rng.random_range(0..list.len()) as u8)
    });
    out.surveys.push(Survey {
        customer: c.number,
        day,
        nps,
        csat,
        comment,
    });
}
