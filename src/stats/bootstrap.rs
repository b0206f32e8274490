//! The percentile bootstrap of a ratio of sums over customers (net revenue retention), with a
//! fixed seed so that two runs on the same data print the same interval.

use crate::memory::prefetch;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};

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
    /// One ratio per resample, in resample order (kept in memory, not written): drawn when
    /// [`bootstrap_ratio`] runs, or on first use for [`bootstrap_ratio_on_use`].
    #[serde(skip)]
    replicates: OnceLock<Vec<f64>>,
    /// Each customer's (numerator, denominator), what the replicates are drawn from.
    #[serde(skip)]
    pairs: Arc<Vec<[f64; 2]>>,
}

/// Draws fetched ahead of their sum.
const AHEAD: usize = 16;

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
    let b = bootstrap_ratio_on_use(num, den, seed)?;
    b.replicates();
    Some(b)
}

/// [`bootstrap_ratio`] with the resamples drawn when first read ([`Bootstrap::replicates`]):
/// a report carries the NRR bootstrap of P−1 whose interval nothing reads, and on a large client
/// the draws are most of a second.
pub fn bootstrap_ratio_on_use(num: &[f64], den: &[f64], seed: u64) -> Option<Bootstrap> {
    let n = num.len().min(den.len());
    let total_den: f64 = den[..n].iter().sum();
    if n == 0 || total_den <= 0.0 {
        return None;
    }
    let estimate = num[..n].iter().sum::<f64>() / total_den;
    let resamples = (DRAW_BUDGET / n).clamp(MIN_RESAMPLES, MAX_RESAMPLES);
    // Each draw reads a customer's two values from one cache line instead of two arrays: the
    // draws are random reads of a few MB, bound by the cache misses, not by the sums.
    let pairs: Vec<[f64; 2]> = num[..n]
        .iter()
        .zip(&den[..n])
        .map(|(a, b)| [*a, *b])
        .collect();
    Some(Bootstrap {
        estimate,
        resamples,
        seed,
        replicates: OnceLock::new(),
        pairs: Arc::new(pairs),
    })
}

/// Resamples summed side by side in one loop. Each resample's two sums are chains of dependent
/// additions whose order is fixed (any other order would change the replicates), so one
/// resample at a time waits on the adder's latency; several interleaved fill its pipeline and
/// keep more cache misses in flight.
const LANES: usize = 4;

/// `resamples` ratios of sums over customers drawn from `pairs` with replacement.
fn draw(pairs: &[[f64; 2]], resamples: usize, seed: u64) -> Vec<f64> {
    if pairs.is_empty() {
        return Vec::new();
    }
    let mut out = vec![0.0; resamples];
    out.par_chunks_mut(LANES)
        .enumerate()
        .for_each(|(g, chunk)| {
            let first = g * LANES;
            if chunk.len() == LANES {
                chunk.copy_from_slice(&draw_lanes::<LANES>(pairs, seed, first));
            } else {
                for (k, x) in chunk.iter_mut().enumerate() {
                    *x = draw_lanes::<1>(pairs, seed, first + k)[0];
                }
            }
        });
    out
}

/// Resamples `first..first + L`, each from its own stream (seed, resample number) and summed in
/// its own draw order, exactly as if drawn one at a time.
fn draw_lanes<const L: usize>(pairs: &[[f64; 2]], seed: u64, first: usize) -> [f64; L] {
    let n = pairs.len();
    let mut state: [u64; L] =
        std::array::from_fn(|k| seed ^ ((first + k) as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    let mut a = [0.0f64; L];
    let mut b = [0.0f64; L];
    let draw = |state: &mut u64| ((u128::from(splitmix64(state)) * n as u128) >> 64) as usize;
    // The customers of the next AHEAD draws of each resample are drawn early and their values
    // fetched while earlier draws are summed (the same draws, summed in the same order).
    let mut ring = [[0usize; AHEAD]; L];
    for k in 0..L {
        for slot in ring[k].iter_mut().take(n) {
            *slot = draw(&mut state[k]);
            prefetch(&pairs[*slot]);
        }
    }
    for t in 0..n {
        let slot = t % AHEAD;
        let refill = t + AHEAD < n;
        for k in 0..L {
            let i = ring[k][slot];
            if refill {
                ring[k][slot] = draw(&mut state[k]);
                prefetch(&pairs[ring[k][slot]]);
            }
            let [x, y] = pairs[i];
            a[k] += x;
            b[k] += y;
        }
    }
    std::array::from_fn(|k| if b[k] > 0.0 { a[k] / b[k] } else { f64::NAN })
}

impl Bootstrap {
    /// One ratio per resample, in resample order; drawn now if not yet (none for a bootstrap
    /// read back from JSON, which keeps only its parameters).
    pub fn replicates(&self) -> &[f64] {
        self.replicates
            .get_or_init(|| draw(&self.pairs, self.resamples, self.seed))
    }

    fn sorted(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self
            .replicates()
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
        self.replicates()
            .iter()
            .zip(other.replicates())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: resample r draws customer ⌊u × n⌋ with u from its own splitmix64 stream,
    /// n times, summing numerator and denominator in draw order.
    fn reference(num: &[f64], den: &[f64], seed: u64, resamples: usize) -> Vec<f64> {
        let n = num.len();
        (0..resamples)
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
            .collect()
    }

    #[test]
    fn replicates_are_the_draws_summed_in_order_whatever_the_look_ahead() {
        // Fewer customers than the draws fetched ahead, exactly as many, one more, and many.
        for n in [1, 2, AHEAD - 1, AHEAD, AHEAD + 1, 1_000] {
            let num: Vec<f64> = (0..n)
                .map(|i| (i as f64 * 7.3).sin() * 100.0 + 50.0)
                .collect();
            let den: Vec<f64> = (0..n).map(|i| 10.0 + (i % 13) as f64).collect();
            let got = bootstrap_ratio(&num, &den, 42).unwrap();
            let want = reference(&num, &den, 42, got.resamples);
            assert_eq!(got.resamples, MAX_RESAMPLES);
            let same = got
                .replicates()
                .iter()
                .zip(&want)
                .all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(same, "{n} customers");
        }
    }

    #[test]
    fn resamples_summed_side_by_side_equal_those_drawn_one_at_a_time() {
        // Counts of resamples that leave none, some and all but one outside the full groups.
        let num: Vec<f64> = (0..257)
            .map(|i| (i as f64 * 1.7).cos() * 40.0 + 41.0)
            .collect();
        let den: Vec<f64> = (0..257).map(|i| 5.0 + (i % 5) as f64).collect();
        let pairs: Vec<[f64; 2]> = num.iter().zip(&den).map(|(a, b)| [*a, *b]).collect();
        for resamples in [1, LANES - 1, LANES, LANES + 1, 3 * LANES + 2, 203] {
            let got = draw(&pairs, resamples, 9);
            let want = reference(&num, &den, 9, resamples);
            assert_eq!(got.len(), resamples);
            let same = got
                .iter()
                .zip(&want)
                .all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(same, "{resamples} resamples");
        }
    }

    #[test]
    fn resamples_drawn_on_use_equal_those_drawn_at_once_and_json_keeps_none() {
        let num: Vec<f64> = (0..300).map(|i| (i % 11) as f64 * 3.0).collect();
        let den: Vec<f64> = (0..300).map(|i| 20.0 + (i % 7) as f64).collect();
        let now = bootstrap_ratio(&num, &den, 7).unwrap();
        let later = bootstrap_ratio_on_use(&num, &den, 7).unwrap();
        assert_eq!(later.replicates.get(), None, "not drawn before use");
        assert_eq!(now.replicates(), later.replicates());
        assert_eq!(now.interval(0.9), later.interval(0.9));
        let back: Bootstrap =
            serde_json::from_str(&serde_json::to_string(&later).unwrap()).unwrap();
        assert_eq!(
            (back.estimate, back.resamples, back.seed),
            (later.estimate, 1000, 7)
        );
        assert!(back.replicates().is_empty());
    }
}
