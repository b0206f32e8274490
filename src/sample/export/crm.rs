//! CRM rows: activities, complaints (when not in a spreadsheet) and survey answers.

use super::{ChunkOut, Numbering};
use crate::domain::Lang;
use crate::sample::chunk::ChunkSim;
use crate::sample::row::RowWriter;
use crate::sample::world::World;

pub(super) fn interactions(sim: &ChunkSim, world: &World, out: &mut ChunkOut) {
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

pub(super) fn complaints(sim: &ChunkSim, numbers: Numbering, world: &World, out: &mut ChunkOut) {
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

pub(super) fn surveys(sim: &ChunkSim, world: &World, out: &mut ChunkOut) {
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
