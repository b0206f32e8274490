//! The portfolio view: every client's headline figures side by side, ranked.
//!
//! Runs after all clients are audited and reads only their headline figures, so memory does not
//! grow with the clients' data.

use serde::Serialize;

/// Which way is better for a headline figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Higher values rank first (retention, revenue, NPS).
    Higher,
    /// Lower values rank first (churn, complaints, resolution time).
    Lower,
}

/// The headline figures compared across clients, in display order.
pub const HEADLINES: &[(&str, Better)] = &[
    ("active_customers", Better::Higher),
    ("retention_rate", Better::Higher),
    ("churn_rate", Better::Lower),
    ("net_revenue_retention", Better::Higher),
    ("revenue", Better::Higher),
    ("gross_margin", Better::Higher),
    ("average_clv", Better::Higher),
    ("complaints_per_100", Better::Lower),
    ("median_resolution_hours", Better::Lower),
    ("nps", Better::Higher),
];

/// One client's headline, as the pipeline hands it over.
#[derive(Debug, Clone, Serialize)]
pub struct ClientHeadline {
    /// Client identifier (output folder).
    pub client_id: String,
    /// Display name.
    pub name: String,
    /// Resolved period label (`2026-Q3`).
    pub period: String,
    /// Currency of the money figures.
    pub currency: String,
    /// Values in the order of [`HEADLINES`]; `None` where the client's data cannot support it.
    pub values: Vec<Option<f64>>,
}

/// A figure's standing among the clients that have it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Standing {
    /// 1 = best; ties share a rank.
    pub rank: usize,
    /// Share of the other clients this one beats or ties, 0–100; `None` alone.
    pub percentile: Option<f64>,
}

/// Ranks one figure across clients: `values[i]` → standing of client i (None when absent).
pub fn rank(values: &[Option<f64>], better: Better) -> Vec<Option<Standing>> {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let n = present.len();
    values
        .iter()
        .map(|v| {
            let v = (*v)?;
            let beats = |o: &f64| match better {
                Better::Higher => *o > v,
                Better::Lower => *o < v,
            };
            let better_count = present.iter().filter(|o| beats(o)).count();
            let worse_or_tied = n - 1 - better_count;
            let percentile = (n > 1).then(|| 100.0 * worse_or_tied as f64 / (n - 1) as f64);
            Some(Standing {
                rank: better_count + 1,
                percentile,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_is_better_ranks_largest_first_and_ties_share_rank() {
        let s = rank(
            &[Some(0.7), Some(0.9), None, Some(0.7), Some(0.5)],
            Better::Higher,
        );
        let ranks: Vec<_> = s.iter().map(|x| x.map(|s| s.rank)).collect();
        // 0.9 first; the two 0.7 share rank 2; 0.5 is 4th (competition ranking).
        assert_eq!(ranks, [Some(2), Some(1), None, Some(2), Some(4)]);
        // Four clients have the figure: best beats 3/3 = 100; worst 0/3 = 0;
        // a 0.7 is beaten by one, so it beats-or-ties 2 of 3 = 66.7.
        assert_eq!(s[1].unwrap().percentile, Some(100.0));
        assert_eq!(s[4].unwrap().percentile, Some(0.0));
        assert!((s[0].unwrap().percentile.unwrap() - 200.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn lower_is_better_ranks_smallest_first_and_lone_client_has_no_percentile() {
        let s = rank(&[Some(5.0), Some(2.0)], Better::Lower);
        assert_eq!(s[1].unwrap().rank, 1);
        assert_eq!(s[0].unwrap().rank, 2);
        assert_eq!(
            rank(&[Some(1.0)], Better::Lower)[0].unwrap().percentile,
            None
        );
    }
}
