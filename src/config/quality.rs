//! The `[quality]` section of audit.toml: how much bad input a client may have before its audit
//! fails rather than report on data it could not read (issue 17). Every key is optional.

use serde::{Deserialize, Serialize};

/// Thresholds of the quality gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QualitySettings {
    /// Per source: rejected rows / rows read; above it the client fails.
    pub max_rejected_share: f64,
    /// Per source: rows whose customer key is not in the customers table / rows accepted.
    pub max_unmatched_share: f64,
    /// Per source: rows dated after the day of the run (or `--as-of`) / rows accepted.
    pub max_future_share: f64,
    /// Transactions dated in the audited period, at least.
    pub min_rows_in_period: u64,
    /// The newest transaction at most this many days before the period's end.
    pub max_staleness_days: i64,
}

impl Default for QualitySettings {
    fn default() -> Self {
        QualitySettings {
            max_rejected_share: 0.01,
            max_unmatched_share: 0.05,
            max_future_share: 0.001,
            min_rows_in_period: 1,
            max_staleness_days: 7,
        }
    }
}

impl QualitySettings {
    /// Checks ranges; returns (key, message) of the first bad value.
    pub fn validate(&self) -> Result<(), (String, String)> {
        for (key, v) in [
            ("max_rejected_share", self.max_rejected_share),
            ("max_unmatched_share", self.max_unmatched_share),
            ("max_future_share", self.max_future_share),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err((
                    key.into(),
                    format!("{v} must be a share between 0 and 1 (0.01 = 1 %)"),
                ));
            }
        }
        if !(0..=36_500).contains(&self.max_staleness_days) {
            return Err((
                "max_staleness_days".into(),
                "must be between 0 and 36500 days".into(),
            ));
        }
        Ok(())
    }
}
