//! Significance tests behind the findings: is a change between periods, or a difference between
//! groups, beyond noise? Pure functions on counts and sums; used by the findings stage (and the
//! bootstrap by the indicators). Depends on nothing in the crate but `clv::special::ln_gamma`.
//!
//! Each test returns a [`Significance`]: its name, the two-sided p-value and an interval for
//! the quantity the finding prints, at the level asked for.

mod bootstrap;
mod distributions;
mod rates;

pub use bootstrap::{Bootstrap, bootstrap_ratio, bootstrap_ratio_on_use};
pub(crate) use bootstrap::{percentile_interval, two_sided_share};
pub use distributions::{normal_cdf, normal_quantile};
pub use rates::{NpsCounts, fisher_exact, nps_difference, poisson_rates, two_proportions};

use serde::Serialize;

/// The test behind a finding, as written in `indicators.json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Significance {
    /// Which test (`fisher_exact`, `two_proportion_z`, `nps_difference_z`,
    /// `poisson_rate_conditional_binomial`, `bootstrap_percentile`).
    pub test: &'static str,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Interval of the printed quantity (a difference, a ratio or NRR) at `level`.
    pub interval: [f64; 2],
    /// Confidence level of the interval (1 − alpha).
    pub level: f64,
}

impl Significance {
    /// Whether the p-value is below `alpha`.
    pub fn beyond_noise(&self, alpha: f64) -> bool {
        self.p_value < alpha
    }
}

#[cfg(test)]
mod reference_tests;
