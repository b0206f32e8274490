//! Indicator, model and target settings of audit.toml, with the defaults DESIGN.md fixes.

use crate::domain::{ModelChoice, TimeUnit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Settings of the indicator definitions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IndicatorSettings {
    /// Activity window A in days: "active" means a purchase in the A days ending a date.
    pub activity_window_days: i64,
    /// Resolution SLA in hours per complaint severity (severity names as in the data,
    /// compared case-insensitively); `default` applies to severities not listed.
    pub sla_hours: BTreeMap<String, f64>,
    /// Cost of handling one complaint, in the client's currency, for cost to serve.
    pub cost_per_complaint: f64,
    /// Days without contact after which a valuable customer counts as neglected.
    pub neglect_days: i64,
    /// Interaction types that count as sales contacts (case-insensitive).
    pub sales_types: Vec<String>,
}

impl Default for IndicatorSettings {
    fn default() -> Self {
        let sla_hours = [
            ("critical", 24.0),
            ("crítica", 24.0),
            ("high", 48.0),
            ("alta", 48.0),
            ("medium", 120.0),
            ("media", 120.0),
            ("low", 240.0),
            ("baja", 240.0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .chain([("default".to_string(), 120.0)])
        .collect();
        IndicatorSettings {
            activity_window_days: 365,
            sla_hours,
            cost_per_complaint: 50.0,
            neglect_days: 90,
            sales_types: [
                "sales",
                "venta",
                "ventas",
                "comercial",
                "oferta",
                "upsell",
                "cross-sell",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl IndicatorSettings {
    /// Checks ranges; returns (key, message) of the first bad value.
    pub fn validate(&self) -> Result<(), (String, String)> {
        if !(1..=3650).contains(&self.activity_window_days) {
            return Err((
                "activity_window_days".into(),
                "must be between 1 and 3650".into(),
            ));
        }
        if !(1..=3650).contains(&self.neglect_days) {
            return Err(("neglect_days".into(), "must be between 1 and 3650".into()));
        }
        if self.cost_per_complaint < 0.0 || !self.cost_per_complaint.is_finite() {
            return Err((
                "cost_per_complaint".into(),
                "must be zero or positive".into(),
            ));
        }
        for (k, v) in &self.sla_hours {
            if *v <= 0.0 || !v.is_finite() {
                return Err((
                    format!("sla_hours.{k}"),
                    "must be a positive number of hours".into(),
                ));
            }
        }
        Ok(())
    }

    /// SLA in hours for a severity label (case-insensitive), falling back to `default`.
    pub fn sla_for(&self, severity: Option<&str>) -> Option<f64> {
        let lookup = |k: &str| {
            self.sla_hours
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(k))
                .map(|(_, v)| *v)
        };
        severity.and_then(lookup).or_else(|| lookup("default"))
    }
}

/// Settings of the lifetime-value models.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClvSettings {
    /// CLV horizon in months.
    pub horizon_months: u32,
    /// Annual discount rate (0.10 = 10 %), applied monthly.
    pub discount_rate: f64,
    /// Model time unit: `week` or `day`.
    pub unit: TimeUnit,
    /// `bgnbd`, `pareto-nbd` or `auto` (better holdout fit).
    pub model: ModelChoice,
}

impl Default for ClvSettings {
    fn default() -> Self {
        ClvSettings {
            horizon_months: 12,
            discount_rate: 0.10,
            unit: TimeUnit::Week,
            model: ModelChoice::Auto,
        }
    }
}

impl ClvSettings {
    /// Checks ranges; returns (key, message) of the first bad value.
    pub fn validate(&self) -> Result<(), (String, String)> {
        if !(1..=120).contains(&self.horizon_months) {
            return Err(("horizon_months".into(), "must be between 1 and 120".into()));
        }
        if !(0.0..1.0).contains(&self.discount_rate) {
            return Err((
                "discount_rate".into(),
                "must be in [0, 1), e.g. 0.10".into(),
            ));
        }
        Ok(())
    }
}

/// Targets for the executive summary's traffic lights: green at or better than the target,
/// amber within the tolerance, red beyond it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Targets {
    /// Customer retention rate (share, 0–1).
    pub retention_rate: f64,
    /// Churn rate (share, 0–1; lower is better).
    pub churn_rate: f64,
    /// Net revenue retention (share; 1.0 = 100 %).
    pub net_revenue_retention: f64,
    /// Complaints per 100 active customers (lower is better).
    pub complaints_per_100: f64,
    /// Median resolution time in hours (lower is better).
    pub median_resolution_hours: f64,
    /// Net promoter score (−100 to 100).
    pub nps: f64,
    /// Relative tolerance of the amber band (0.10 = within 10 % of the target).
    pub tolerance: f64,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            retention_rate: 0.80,
            churn_rate: 0.20,
            net_revenue_retention: 1.0,
            complaints_per_100: 5.0,
            median_resolution_hours: 48.0,
            nps: 30.0,
            tolerance: 0.10,
        }
    }
}

/// How findings about changes and group differences are tested (issue 19).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FindingsSettings {
    /// Significance level: such a finding is stated only when its test's p-value is below it;
    /// intervals are printed at 1 − alpha.
    pub alpha: f64,
}

impl Default for FindingsSettings {
    fn default() -> Self {
        FindingsSettings {
            alpha: crate::findings::DEFAULT_ALPHA,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sla_lookup_ignores_case_and_falls_back_to_default() {
        let s = IndicatorSettings::default();
        assert_eq!(s.sla_for(Some("HIGH")), Some(48.0));
        assert_eq!(s.sla_for(Some("urgente")), Some(120.0));
        assert_eq!(s.sla_for(None), Some(120.0));
    }
}
