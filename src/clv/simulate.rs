//! Transaction logs simulated from the BG/NBD and Gamma-Gamma processes with known parameters:
//! the ground truth of the parameter-recovery test and the input of the 1,000,000-customer
//! benchmark. Part of the clv stage; depends on the model parameter types only.

use super::bgnbd::BgNbdParams;
use super::error::ClvError;
use super::gamma_gamma::GammaGammaParams;
use super::summary::epoch_day;
use chrono::NaiveDate;
use polars::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Beta, Distribution, Exp, Gamma};
use rayon::prelude::*;

/// What to simulate. Rates are per `unit_days` days (7 for weekly parameters).
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Purchase process.
    pub purchases: BgNbdParams,
    /// Spend process; `None` gives every purchase the value 10.
    pub spend: Option<GammaGammaParams>,
    /// Number of customers.
    pub customers: usize,
    /// First possible acquisition day.
    pub first_day: NaiveDate,
    /// Customers are acquired uniformly over this many days from `first_day`.
    pub acquisition_days: u32,
    /// Last simulated day.
    pub end: NaiveDate,
    /// Days per model time unit.
    pub unit_days: f64,
    /// Random seed; per-customer streams make the log independent of the thread count.
    pub seed: u64,
}

/// Simulates a canonical transactions frame (customer_id, date, net_amount, cost = null).
///
/// Each customer buys at its acquisition day, then at the times of a Poisson process of rate
/// λ ~ Gamma(r, α) while alive, dropping out after each repeat purchase with probability
/// p ~ Beta(a, b). Purchase times are truncated to whole days, and a purchase falling on the
/// day of the previous one moves to the next day, so that every simulated purchase is a distinct
/// purchase day (the unit the summary counts; merging them would distort the spend model).
pub fn simulate_transactions(sim: &Simulation) -> Result<DataFrame, ClvError> {
    let invalid = |what: &str| ClvError::Settings {
        key: "simulation".into(),
        message: what.into(),
    };
    let p = sim.purchases;
    let rate = Gamma::new(p.r, 1.0 / p.alpha).map_err(|_| invalid("bad r or alpha"))?;
    let dropout = Beta::new(p.a, p.b).map_err(|_| invalid("bad a or b"))?;
    let spend = match sim.spend {
        Some(s) => Some((
            s.p,
            Gamma::new(s.q, 1.0 / s.gamma).map_err(|_| invalid("bad q or gamma"))?,
        )),
        None => None,
    };
    let (start, end) = (epoch_day(sim.first_day), epoch_day(sim.end));
    let per_customer: Vec<(u32, Vec<(i32, f64)>)> = (0..sim.customers)
        .into_par_iter()
        .map(|i| {
            let mut rng =
                StdRng::seed_from_u64(sim.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let first = start + rng.random_range(0..sim.acquisition_days.max(1)) as i32;
            let age = f64::from(end - first) / sim.unit_days;
            let (lambda, p_drop) = (rate.sample(&mut rng), dropout.sample(&mut rng));
            let value = spend.as_ref().and_then(|(shape, nu)| {
                let scale = 1.0 / nu.sample(&mut rng);
                Gamma::new(*shape, scale).ok()
            });
            let draw = |rng: &mut StdRng| value.as_ref().map_or(10.0, |g| g.sample(rng));
            let mut lines = vec![(first, draw(&mut rng))];
            if let Ok(gap) = Exp::new(lambda) {
                let mut t = 0.0;
                loop {
                    t += gap.sample(&mut rng);
                    if t > age {
                        break;
                    }
                    let previous = lines.last().map_or(first, |l| l.0);
                    let at = (first + (t * sim.unit_days).floor() as i32).max(previous + 1);
                    if at > end {
                        break;
                    }
                    lines.push((at, draw(&mut rng)));
                    if rng.random::<f64>() < p_drop {
                        break;
                    }
                }
            }
            (i as u32, lines)
        })
        .collect();
    let rows: usize = per_customer.iter().map(|(_, l)| l.len()).sum();
    let (mut ids, mut days, mut amounts) = (
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
    );
    for (i, lines) in &per_customer {
        for (day, amount) in lines {
            ids.push(format!("C{i:07}"));
            days.push(*day);
            amounts.push(*amount);
        }
    }
    let columns = vec![
        Column::new("customer_id".into(), ids),
        Column::new("date".into(), days).cast(&DataType::Date)?,
        Column::new("net_amount".into(), amounts),
        Column::full_null("cost".into(), rows, &DataType::Float64),
    ];
    Ok(DataFrame::new(rows, columns)?)
}
