//! The percentile bootstrap of a ratio of sums over customers (net revenue retention), with a
//! fixed seed so that two runs on the same data print the same interval.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Most resamples; fewer on very large bases (see [`bootstrap_ratio`]).
const MAX_RESAMPLES: usize = 1000;
/// Fewest resamples.
const MIN_RESAMPLES: usize = 200;
/// Budget of draws (resamples × customers) before the number of resamples is cut.
const DRAW_BUDGET: usize = 200_000_000;

/// Bootstrap replicates of a ratio Σ num / Σ den over resampled customers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Bootstrap {
    /// The ratio on the customers themselves.
    pub estimate: f64,
    /// Number of resamples.
    pub resamples: usize,
    /// Seed of the resampling.
    pub seed: u64,
    /// One ratio per resample, in resample order (kept in memory, not written).
    #[serde(skip)]
    pub replicates: Vec<f64>,
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The percentile bootstrap of Σ num / Σ den (customers drawn with replacement), `None` without
/// customers or with a non-positive denominator. Each resample has its own random stream
/// (seed, resample number), so the result does not depend on the number of threads.
pub fn bootstrap_ratio(num: &[f64], den: &[f64], seed: u64) -> Option<Bootstrap> {
    let n = num.len().min(den.len());
    let total_den: f64 = den[..n].iter().sum();
    if n == 0 || total_den <= 0.0 {
        return None;
    }
    let estimate = num[..n].iter().sum::<f64>() / total_den;
    let resamples = (DRAW_BUDGET / n).clamp(MIN_RESAMPLES, MAX_RESAMPLES);
    let replicates = (0..resamples)
        .into_par_iter()
        .map(|r| {
            let mut state = seed ^ (r as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
            let (mut a, mut b) = (0.0, 0.0);
            for _ in 0..n {
                let i = ((u128::from(splitmix64(&mut state)) * n as u128) >> 64) as usize;
                a += num[i];
                b += den[i];
            }
            if b > 0.0 { a / b } else { f64::NAN }
        })
        .collect();
    Some(Bootstrap {
        estimate,
        resamples,
        seed,
        replicates,
    })
}

impl Bootstrap {
    fn sorted(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self
            .replicates
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        v.sort_by(f64::total_cmp);
        v
    }

    /// The percentile interval at `level`.
    pub fn interval(&self, level: f64) -> [f64; 2] {
        percentile_interval(&self.sorted(), level)
    }

    /// Two-sided bootstrap p-value of the hypothesis that the ratio equals `null`: twice the
    /// smaller share of replicates on either side of it ((count + 1) / (B + 1)), at most 1.
    pub fn p_value(&self, null: f64) -> f64 {
        two_sided_share(&self.sorted(), null)
    }

    /// Replicates of `self − other`, resample by resample (two independent samples).
    pub fn difference(&self, other: &Bootstrap) -> Vec<f64> {
        self.replicates
            .iter()
            .zip(&other.replicates)
            .map(|(a, b)| a - b)
            .filter(|x| x.is_finite())
            .collect()
    }
}

/// The `level` percentile interval of sorted replicates.
pub(crate) fn percentile_interval(sorted: &[f64], level: f64) -> [f64; 2] {
    if sorted.is_empty() {
        return [f64::NAN, f64::NAN];
    }
    let at = |q: f64| {
        let pos = q * (sorted.len() - 1) as f64;
        let (i, frac) = (pos.floor() as usize, pos - pos.floor());
        let j = (i + 1).min(sorted.len() - 1);
        sorted[i] + frac * (sorted[j] - sorted[i])
    };
    let tail = (1.0 - level) / 2.0;
    [at(tail), at(1.0 - tail)]
}

/// Twice the smaller share of `values` at or beyond `null` on either side, (count + 1)/(B + 1).
pub(crate) fn two_sided_share(values: &[f64], null: f64) -> f64 {
    let b = values.len() as f64;
    let below = values.iter().filter(|v| **v <= null).count() as f64;
    let above = values.iter().filter(|v| **v >= null).count() as f64;
    (2.0 * (below.min(above) + 1.0) / (b + 1.0)).min(1.0)
}
