//! Invoices and credit notes: a log-normal basket per segment split over 1–4 lines, products
//! mostly from the customer's favourite categories, prices rising 3 % a year, cost 55–80 % of
//! net. All amounts are whole cents so every total the tests check is exact.

use super::chunk::{ChunkSim, Invoice, Line};
use super::customer::{self, Customer, SEGMENTS, Traits};
use super::world::World;
use rand::Rng;
use rand_distr::{Distribution, LogNormal};

/// Weights of 1, 2, 3 and 4 lines per invoice (mean 2.3).
const LINES_PER_INVOICE: [f64; 4] = [0.28, 0.30, 0.26, 0.16];
/// Largest quantity on one line.
const MAX_QTY: i64 = 999;

/// Adds an invoice of the customer on `day`; returns its index in `out.invoices`.
pub(crate) fn invoice<R: Rng>(
    rng: &mut R,
    c: &Customer,
    t: &Traits,
    day: u32,
    world: &World,
    out: &mut ChunkSim,
) -> usize {
    let sp = SEGMENTS[c.segment as usize];
    let basket = LogNormal::new(sp.basket_median_cents.ln(), sp.basket_sigma)
        .map(|d| d.sample(rng))
        .unwrap_or(sp.basket_median_cents);
    let n_lines = customer::pick(rng, &LINES_PER_INVOICE) + 1;
    let mut shares = [0.0f64; 4];
    for s in shares.iter_mut().take(n_lines) {
        *s = 0.5 + rng.random::<f64>();
    }
    let total_share: f64 = shares.iter().sum();
    let inflation = 1.0 + 0.03 * day as f64 / 365.25;
    let first_line = out.lines.len() as u32;
    for share in shares.iter().take(n_lines) {
        let category = if rng.random::<f64>() < 0.8 {
            t.favourite_categories[usize::from(rng.random::<f64>() >= 0.65)]
        } else {
            rng.random_range(0..world.v.categories.len()) as u8
        };
        let choices = &world.by_category[category as usize];
        let drawn = choices[rng.random_range(0..choices.len())];
        let product = unused_product(drawn, choices, &out.lines[first_line as usize..], world);
        let p = world.v.products[product as usize];
        let list = p.price_cents as f64 * inflation;
        let unit_cents = (list * (1000 - sp.discount_permille) as f64 / 1000.0)
            .round()
            .max(1.0) as i64;
        let wanted = basket * share / total_share;
        let qty = ((wanted / unit_cents as f64).round() as i64).clamp(1, MAX_QTY);
        let net_cents = qty * unit_cents;
        let permille = (p.cost_permille + rng.random_range(-20..=20)).clamp(550, 800);
        let cost_cents = (net_cents * permille + 500) / 1000;
        out.lines.push(Line {
            product,
            qty,
            unit_cents,
            net_cents,
            cost_cents,
        });
    }
    out.invoices.push(Invoice {
        customer: c.number,
        day,
        credit: false,
        first_line,
        n_lines: n_lines as u32,
    });
    out.invoices.len() - 1
}

/// The drawn article, or when it is already on the invoice the next unused one of its category,
/// else of the catalogue: one line per article, so an invoice never has two identical rows (the
/// only duplicate rows are the injected ones the ledger must count).
fn unused_product(drawn: u16, category: &[u16], on_invoice: &[Line], world: &World) -> u16 {
    let used = |p: u16| on_invoice.iter().any(|l| l.product == p);
    if !used(drawn) {
        return drawn;
    }
    let start = category.iter().position(|p| *p == drawn).unwrap_or(0);
    let in_category = (1..category.len()).map(|k| category[(start + k) % category.len()]);
    let anywhere =
        (0..world.v.products.len() as u16).map(|k| (drawn + k) % world.v.products.len() as u16);
    in_category
        .chain(anywhere)
        .find(|p| !used(*p))
        .unwrap_or(drawn)
}

/// Adds a credit note on `day` against invoice `index`: the whole invoice (about 40 %), or part
/// of one line. Nothing is added when `day` falls after the end of history.
pub(crate) fn credit_note<R: Rng>(
    rng: &mut R,
    index: usize,
    day: u32,
    world: &World,
    out: &mut ChunkSim,
) {
    if day >= world.cal.days() {
        return;
    }
    let inv = out.invoices[index];
    let first_line = out.lines.len() as u32;
    let lines = inv.first_line as usize..(inv.first_line + inv.n_lines) as usize;
    if rng.random::<f64>() < 0.4 {
        for i in lines {
            let l = out.lines[i];
            out.lines.push(Line {
                qty: -l.qty,
                net_cents: -l.net_cents,
                cost_cents: -l.cost_cents,
                ..l
            });
        }
    } else {
        let l = out.lines[rng.random_range(lines)];
        let qty = rng.random_range(1..=l.qty);
        out.lines.push(Line {
            qty: -qty,
            net_cents: -qty * l.unit_cents,
            cost_cents: -((l.cost_cents * qty + l.qty / 2) / l.qty),
            ..l
        });
    }
    out.invoices.push(Invoice {
        customer: inv.customer,
        day,
        credit: true,
        first_line,
        n_lines: out.lines.len() as u32 - first_line,
    });
}
