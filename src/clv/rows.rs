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
}
