//! Customers compressed into distinct rows with weights: every likelihood is a sum over
//! customers of a function of (x, t_x, T) (or of (x, zbar)), so identical customers are evaluated
//! once and counted by weight. Part of the clv stage; depends on nothing.
//!
//! Rows are sorted by x so that the per-x constants (Γ and ψ of parameters plus x) are computed
//! once per distinct x and looked up through `slot`.

use rayon::prelude::*;
use std::ops::Range;

/// Distinct rows of two or three values with the number of customers sharing each.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rows {
    /// Repeat purchases (or, for spend rows, the number of repeat purchases averaged).
    pub(crate) x: Vec<f64>,
    /// Recency t_x (spend rows: mean value zbar).
    pub(crate) u: Vec<f64>,
    /// Age T (spend rows: unused, 0).
    pub(crate) v: Vec<f64>,
    /// Customers per row.
    pub(crate) weight: Vec<f64>,
    /// Index into `xs` of each row's x.
    pub(crate) slot: Vec<u32>,
    /// Distinct values of x, ascending.
    pub(crate) xs: Vec<f64>,
}

impl Rows {
    /// Compresses the customers for which `keep` holds; also returns, for every customer, the
    /// index of its row (`u32::MAX` for customers left out).
    pub(crate) fn compress(
        x: &[f64],
        u: &[f64],
        v: &[f64],
        keep: impl Fn(usize) -> bool + Sync,
    ) -> (Rows, Vec<u32>) {
        let mut keys: Vec<(u64, u64, u64, u32)> = (0..x.len())
            .into_par_iter()
            .filter(|&i| keep(i))
            .map(|i| (x[i].to_bits(), v[i].to_bits(), u[i].to_bits(), i as u32))
            .collect();
        // All values are non-negative, so the order of the bit patterns is the numeric order.
        crate::sort::par_sort_unstable(&mut keys);
        let mut rows = Rows::default();
        let mut index = vec![u32::MAX; x.len()];
        let mut last: Option<(u64, u64, u64)> = None;
        for (kx, kv, ku, i) in keys {
            if last != Some((kx, kv, ku)) {
                let xv = f64::from_bits(kx);
                if rows.xs.last() != Some(&xv) {
                    rows.xs.push(xv);
                }
                rows.x.push(xv);
                rows.u.push(f64::from_bits(ku));
                rows.v.push(f64::from_bits(kv));
                rows.weight.push(0.0);
                rows.slot.push((rows.xs.len() - 1) as u32);
                last = Some((kx, kv, ku));
            }
            *rows.weight.last_mut().expect("a row was pushed") += 1.0;
            index[i as usize] = (rows.x.len() - 1) as u32;
        }
        (rows, index)
    }

    /// Number of distinct rows.
    pub(crate) fn len(&self) -> usize {
        self.x.len()
    }

    /// Customers represented.
    pub(crate) fn customers(&self) -> f64 {
        self.weight.iter().sum()
    }

    /// About `target` rows taken at an even stride, with their weights: an unbiased sample of
    /// the likelihood for choosing a starting point cheaply on very large data.
    pub(crate) fn sample(&self, target: usize) -> Rows {
        if self.len() <= target {
            return self.clone();
        }
        let stride = self.len().div_ceil(target);
        let mut out = Rows::default();
        for i in (0..self.len()).step_by(stride) {
            let xv = self.x[i];
            if out.xs.last() != Some(&xv) {
                out.xs.push(xv);
            }
            out.x.push(xv);
            out.u.push(self.u[i]);
            out.v.push(self.v[i]);
            out.weight.push(self.weight[i]);
            out.slot.push((out.xs.len() - 1) as u32);
        }
        out
    }

    /// At most `target` rows standing for all of them, or `None` when there are no more than
    /// `target`: every row of the heaviest (up to `target`/2 rows, weight above the weight at
    /// that rank) is kept as it is; of the others, the ones with the smallest hash of (x, t_x, T)
    /// fill the rest, their weights scaled up so that the subsample still counts every customer.
    /// Also returns the customers the kept rows stood for before scaling.
    ///
    /// A hash rather than a stride: which rows are kept depends only on the rows themselves,
    /// not on their neighbours, so it is reproducible and does not follow the sort order.
    pub(crate) fn hashed_subsample(&self, target: usize) -> Option<(Rows, f64)> {
        if self.len() <= target {
            return None;
        }
        let mut by_weight = self.weight.clone();
        let rank = target / 2;
        by_weight.select_nth_unstable_by(rank, |a, b| b.total_cmp(a));
        let heavy_above = by_weight[rank];
        let (heavy, light): (Vec<usize>, Vec<usize>) =
            (0..self.len()).partition(|&i| self.weight[i] > heavy_above);
        let mut hashed: Vec<(u64, usize)> = light.iter().map(|&i| (self.hash(i), i)).collect();
        let room = target - heavy.len();
        hashed.select_nth_unstable(room - 1);
        hashed.truncate(room);
        let light_total: f64 = light.iter().map(|&i| self.weight[i]).sum();
        let kept_total: f64 = hashed.iter().map(|&(_, i)| self.weight[i]).sum();
        let scale = light_total / kept_total;
        let mut keep: Vec<(usize, f64)> = heavy.into_iter().map(|i| (i, 1.0)).collect();
        keep.extend(hashed.into_iter().map(|(_, i)| (i, scale)));
        keep.sort_unstable_by_key(|&(i, _)| i);
        let mut out = Rows::default();
        let mut customers = 0.0;
        for (i, factor) in keep {
            let xv = self.x[i];
            if out.xs.last() != Some(&xv) {
                out.xs.push(xv);
            }
            out.x.push(xv);
            out.u.push(self.u[i]);
            out.v.push(self.v[i]);
            out.weight.push(self.weight[i] * factor);
            out.slot.push((out.xs.len() - 1) as u32);
            customers += self.weight[i];
        }
        Some((out, customers))
    }

    /// A 64-bit mix (splitmix64 finaliser) of row `i`'s values.
    fn hash(&self, i: usize) -> u64 {
        let mix = |mut z: u64| {
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        [self.x[i], self.u[i], self.v[i]]
            .iter()
            .fold(0x9e37_79b9_7f4a_7c15, |h, v| mix(h ^ v.to_bits()))
    }
}

/// Rows per chunk of the ordered parallel sums.
const CHUNK: usize = 256;

/// Σ over chunks of `rows` of `chunk_sum`, added in chunk order; `None` if any chunk is `None`.
/// The chunks do not depend on the number of threads or on work stealing, so every fit gives
/// the same estimates, to the last bit, on every run (rayon's fold/reduce does not).
pub(crate) fn ordered_sum<const N: usize>(
    len: usize,
    chunk_sum: impl Fn(Range<usize>) -> Option<[f64; N]> + Sync,
) -> Option<[f64; N]> {
    let partials: Vec<Option<[f64; N]>> = (0..len.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| chunk_sum(c * CHUNK..((c + 1) * CHUNK).min(len)))
        .collect();
    partials.into_iter().try_fold([0.0; N], |mut total, part| {
        total.iter_mut().zip(part?).for_each(|(t, p)| *t += p);
        Some(total)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 50,000 varied customers (many chunks), for sums that must not depend on the threads.
    fn many_rows(min_x: f64) -> Rows {
        let n = 50_000;
        let x: Vec<f64> = (0..n).map(|i| min_x + (i % 13) as f64).collect();
        let tx: Vec<f64> = (0..n)
            .map(|i| {
                if i % 13 == 0 {
                    0.0
                } else {
                    (i % 97) as f64 * 0.37
                }
            })
            .collect();
        let t: Vec<f64> = (0..n).map(|i| 40.0 + (i % 89) as f64 * 0.51).collect();
        Rows::compress(&x, &tx, &t, |_| true).0
    }

    fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(f)
    }

    #[test]
    fn likelihood_sums_are_the_same_to_the_bit_on_any_number_of_threads() {
        let rows = many_rows(0.0);
        assert!(rows.len() > 10 * CHUNK, "several chunks: {}", rows.len());
        // Spend rows: x ≥ 1 repeat purchases of mean value zbar > 0 (in `u`).
        let mut spend = many_rows(1.0);
        spend.u.iter_mut().for_each(|u| *u += 1.0);
        let bgnbd = |threads| {
            on_threads(threads, || {
                let mut g = [0.0; 4];
                let v = super::super::bgnbd::objective(&rows, &[0.1, 1.2, -0.5, 0.7], &mut g);
                (v.to_bits(), g.map(f64::to_bits))
            })
        };
        let gamma_gamma = |threads| {
            on_threads(threads, || {
                let mut g = [0.0; 3];
                let v = super::super::gamma_gamma::objective(&spend, &[1.5, 1.0, 2.0], &mut g);
                (v.to_bits(), g.map(f64::to_bits))
            })
        };
        assert_eq!(bgnbd(1), bgnbd(3));
        assert_eq!(gamma_gamma(1), gamma_gamma(3));
        assert!(f64::from_bits(bgnbd(2).0).is_finite());
        assert!(f64::from_bits(gamma_gamma(2).0).is_finite());
    }

    #[test]
    fn identical_customers_share_a_row_and_keep_their_count() {
        // Customers 0 and 2 are identical; 3 is left out.
        let x = [1.0, 0.0, 1.0, 5.0];
        let tx = [2.0, 0.0, 2.0, 3.0];
        let t = [4.0, 4.0, 4.0, 4.0];
        let (rows, index) = Rows::compress(&x, &tx, &t, |i| i != 3);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows.x, vec![0.0, 1.0]);
        assert_eq!(rows.weight, vec![1.0, 2.0]);
        assert_eq!(rows.xs, vec![0.0, 1.0]);
        assert_eq!(rows.slot, vec![0, 1]);
        assert_eq!(index, vec![1, 0, 1, u32::MAX]);
        assert_eq!(rows.customers(), 3.0);
    }

    #[test]
    fn hashed_subsample_keeps_heavy_rows_and_every_customer() {
        // 1,000 distinct rows: row 0 stands for 500 customers, the others for 1 or 2 each.
        let n = 1000;
        let x: Vec<f64> = (0..n).map(|i| (i % 7) as f64).collect();
        let t_x: Vec<f64> = (0..n).map(|i| (i / 7) as f64).collect();
        let t = vec![200.0; n];
        let (mut rows, _) = Rows::compress(&x, &t_x, &t, |_| true);
        assert_eq!(rows.len(), n);
        rows.weight = (0..n)
            .map(|i| if i == 0 { 500.0 } else { 1.0 + (i % 2) as f64 })
            .collect();
        let total = rows.customers();
        let (sample, kept) = rows.hashed_subsample(100).unwrap();
        assert_eq!(sample.len(), 100);
        assert_eq!(
            (sample.x[0], sample.u[0], sample.weight[0]),
            (0.0, 0.0, 500.0)
        );
        assert!((sample.customers() - total).abs() < 1e-9 * total);
        assert!(kept < total && kept >= 500.0 + 99.0);
        // Deterministic, sorted like the full rows, and slots consistent with xs.
        let (again, _) = rows.hashed_subsample(100).unwrap();
        assert_eq!(again.u, sample.u);
        assert!(sample.x.windows(2).all(|w| w[0] <= w[1]));
        assert!((0..sample.len()).all(|i| sample.xs[sample.slot[i] as usize] == sample.x[i]));
        assert!(rows.hashed_subsample(n).is_none());
    }
}
