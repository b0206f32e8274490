//! Customer-master and invoice-line rows, with the first chunk's injected defects.

use super::{ChunkOut, MessPlan, Numbering};
use crate::domain::Lang;
use crate::sample::chunk::ChunkSim;
use crate::sample::mess::LineMess;
use crate::sample::row::RowWriter;
use crate::sample::world::World;

pub(super) fn customers(sim: &ChunkSim, world: &World, plan: &MessPlan, out: &mut ChunkOut) {
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

pub(super) fn transactions(
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
