//! Counts by label and by numeric bucket, the chart-ready shapes of the service families
//! (complaints by category, channel and severity; interactions by channel; histograms of
//! resolution times, backlog ages and days since last contact).
//!
//! Indicators stage; depends on figure and polars. Only the small aggregated result is sorted in
//! Rust; the counting is a polars group-by.

use crate::figure::Missing;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Records counted by one label column, sorted for a Pareto chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// Records counted (the sum of the rows' counts).
    pub total: u64,
    /// Largest count first, ties by label; the row of records without a label comes last.
    pub rows: Vec<BreakdownRow>,
    /// Why there are no rows although records may exist (table or column absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
}

/// One label's count and shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownRow {
    /// The label as written in the data; `None` for records without one.
    pub label: Option<String>,
    /// Records with this label.
    pub count: u64,
    /// `count / total`.
    pub share: f64,
    /// Share of this row and every row above it (the Pareto line).
    pub cumulative_share: f64,
}

impl Breakdown {
    /// A breakdown the data cannot support.
    pub fn missing(reason: Missing) -> Self {
        Breakdown {
            total: 0,
            rows: Vec::new(),
            missing: Some(reason),
        }
    }

    /// Counts the records of `records` by the String column `label`.
    pub(crate) fn count_by(records: LazyFrame, label: &str) -> PolarsResult<Breakdown> {
        let counts = records
            .group_by([col(label)])
            .agg([len().cast(DataType::UInt64).alias("n")])
            .collect()?;
        let labels = counts.column(label)?.str()?;
        let ns = counts.column("n")?.u64()?;
        let mut pairs: Vec<(Option<String>, u64)> = labels
            .iter()
            .zip(ns.iter())
            .map(|(l, n)| (l.map(str::to_string), n.unwrap_or(0)))
            .collect();
        pairs.sort_by(|(la, na), (lb, nb)| {
            la.is_none()
                .cmp(&lb.is_none())
                .then(nb.cmp(na))
                .then_with(|| la.cmp(lb))
        });
        let total: u64 = pairs.iter().map(|(_, n)| n).sum();
        let mut running = 0;
        let rows = pairs
            .into_iter()
            .map(|(label, count)| {
                running += count;
                BreakdownRow {
                    label,
                    count,
                    share: count as f64 / total as f64,
                    cumulative_share: running as f64 / total as f64,
                }
            })
            .collect();
        Ok(Breakdown {
            total,
            rows,
            missing: None,
        })
    }
}

/// One histogram bar: values in `[from, to)` (`to` open-ended when `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Language-neutral chart label, e.g. `4–24h`.
    pub label: String,
    /// Lower bound, included.
    pub from: f64,
    /// Upper bound, excluded; `None` for the last, open bucket.
    pub to: Option<f64>,
    /// Values in the bucket.
    pub count: u64,
}

/// A histogram's bars before counting: (label, from, to).
pub(crate) type Edges = &'static [(&'static str, f64, Option<f64>)];

/// One aggregation expression per bucket, named `b0`, `b1`, ... over the numeric column `value`.
pub(crate) fn bucket_exprs(value: &str, edges: Edges) -> Vec<Expr> {
    edges
        .iter()
        .enumerate()
        .map(|(i, (_, from, to))| {
            let mut inside = col(value).gt_eq(lit(*from));
            if let Some(to) = to {
                inside = inside.and(col(value).lt(lit(*to)));
            }
            inside.sum().cast(DataType::UInt64).alias(format!("b{i}"))
        })
        .collect()
}

/// Reads the counts produced by [`bucket_exprs`] from a collected aggregate.
pub(crate) fn read_buckets(df: &DataFrame, edges: Edges) -> PolarsResult<Vec<Bucket>> {
    edges
        .iter()
        .enumerate()
        .map(|(i, (label, from, to))| {
            let count = super::service_inputs::scalar_u64(df, &format!("b{i}"))?;
            Ok(Bucket {
                label: label.to_string(),
                from: *from,
                to: *to,
                count,
            })
        })
        .collect()
}

/// The histogram with every bar at zero, for an empty or missing base.
pub(crate) fn empty_buckets(edges: Edges) -> Vec<Bucket> {
    edges
        .iter()
        .map(|(label, from, to)| Bucket {
            label: label.to_string(),
            from: *from,
            to: *to,
            count: 0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breakdown_sorts_by_count_then_label_with_unlabelled_last() {
        let df =
            df!["k" => [Some("b"), None, Some("a"), Some("c"), Some("c"), None, None]].unwrap();
        let b = Breakdown::count_by(df.lazy(), "k").unwrap();
        // c 2, a 1, b 1 (tie: a before b), then the 3 unlabelled; total 7.
        let got: Vec<_> = b
            .rows
            .iter()
            .map(|r| (r.label.as_deref(), r.count))
            .collect();
        assert_eq!(
            got,
            [(Some("c"), 2), (Some("a"), 1), (Some("b"), 1), (None, 3)]
        );
        assert_eq!(b.total, 7);
        // Cumulative: 2/7, 3/7, 4/7, 7/7.
        assert!((b.rows[2].cumulative_share - 4.0 / 7.0).abs() < 1e-12);
        assert_eq!(b.rows[3].cumulative_share, 1.0);
    }
}
