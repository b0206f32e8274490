//! Customers compressed into distinct rows with weights: every likelihood is a sum over
//! customers of a function of (x, t_x, T) (or of (x, zbar)), so identical customers are evaluated
//! once and counted by weight. Part of the clv stage; depends on nothing.
//!
//! Rows are sorted by x so that the per-x constants (Γ and ψ of parameters plus x) are computed
//! once per distinct x and looked up through `slot`.

use rayon::prelude::*;

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
        keys.par_sort_unstable();
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

#[cfg(test)]
mod tests {
    use super::*;

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
