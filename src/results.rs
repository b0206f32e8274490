//! `indicators.json`: the typed results of one client and period, as every renderer reads them.
//!
//! The file is the serialisation of the same structs the report is built from, so a figure in
//! the PDF can always be traced to this file.

use crate::config::AuditConfig;
use crate::findings::Finding;
use crate::indicators::AllIndicators;
use crate::ingest::Ledger;
use crate::models::Models;
use crate::period::Period;
use serde::Serialize;

/// Version of the indicators.json layout.
pub const RESULTS_SCHEMA: u32 = 1;

/// Everything computed for one client and period.
#[derive(Debug, Serialize)]
pub struct AuditResults<'a> {
    /// Layout version.
    pub schema_version: u32,
    /// crm-audit version.
    pub tool_version: &'static str,
    /// Client identification.
    pub client: ClientInfo<'a>,
    /// The audit period (`2026-Q3`).
    pub period: String,
    /// Every indicator family for P, P−1, P−12m, P-level views and trends.
    pub indicators: &'a AllIndicators,
    /// The lifetime-value backtest: calibrated to P.end minus the CLV horizon, predicting the
    /// horizon ending P.end, where the data reach (else the longest whole-year holdout they
    /// allow, else calibrated before P, predicting P); its `calibration_end` and `holdout_end`
    /// give the holdout's length.
    pub clv_backtest: ModelRun<'a>,
    /// Which holdout the backtest used: `year` (the CLV horizon), `years` (the longest
    /// whole-year holdout shorter than the horizon) or `period` (issue 19).
    pub clv_backtest_holdout: crate::models::BacktestHoldout,
    /// The chosen model's aggregate backtest error, (predicted − actual) / actual.
    pub clv_backtest_error: Option<f64>,
    /// The lifetime-value scoring run at P.end.
    pub clv: ModelRun<'a>,
    /// Ranked findings as printed in the report.
    pub findings: &'a [Finding],
    /// Data-quality summary per source (the full ledger is in validation.json).
    pub data_quality: Vec<SourceQuality<'a>>,
    /// The action lists written beside the report (actions.xlsx, actions/*.csv): customers and
    /// money at stake of each, the same figures as the workbook's summary sheet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_lists: Option<&'a [crate::actions::ListSummary]>,
}

/// Who the results are about.
#[derive(Debug, Serialize)]
pub struct ClientInfo<'a> {
    /// Output identifier.
    pub id: String,
    /// Display name.
    pub name: &'a str,
    /// Currency of money figures.
    pub currency: &'a str,
}

/// A model run: its report, or why it could not run.
#[derive(Debug, Serialize)]
pub struct ModelRun<'a> {
    /// The analysis, when it ran.
    pub report: Option<&'a crate::clv::ClvReport>,
    /// The error, when it did not.
    pub error: Option<&'a str>,
}

/// Rows read, accepted and rejected for one source.
#[derive(Debug, Serialize)]
pub struct SourceQuality<'a> {
    /// File as given.
    pub path: &'a str,
    /// Canonical table.
    pub table: Option<&'static str>,
    /// Data rows read.
    pub rows_read: usize,
    /// Rows accepted.
    pub rows_accepted: usize,
    /// Rows rejected.
    pub rows_rejected: usize,
}

fn run(r: &Result<crate::clv::ClvReport, String>) -> ModelRun<'_> {
    match r {
        Ok(report) => ModelRun {
            report: Some(report),
            error: None,
        },
        Err(e) => ModelRun {
            report: None,
            error: Some(e),
        },
    }
}

impl<'a> AuditResults<'a> {
    /// Gathers the results of one client's run.
    pub fn new(
        cfg: &'a AuditConfig,
        period: Period,
        indicators: &'a AllIndicators,
        models: &'a Models,
        findings: &'a [Finding],
        ledger: &'a Ledger,
    ) -> AuditResults<'a> {
        AuditResults {
            schema_version: RESULTS_SCHEMA,
            tool_version: env!("CARGO_PKG_VERSION"),
            client: ClientInfo {
                id: cfg.client_id(),
                name: &cfg.client.name,
                currency: &cfg.client.currency,
            },
            period: period.to_string(),
            indicators,
            clv_backtest: run(&models.backtest),
            clv_backtest_holdout: models.holdout,
            clv_backtest_error: models.backtest_error(),
            clv: run(&models.scoring),
            findings,
            data_quality: ledger
                .sources
                .iter()
                .map(|s| SourceQuality {
                    path: &s.path,
                    table: s.table.map(|t| t.name()),
                    rows_read: s.rows_read,
                    rows_accepted: s.rows_accepted,
                    rows_rejected: s.rows_rejected,
                })
                .collect(),
            action_lists: None,
        }
    }

    /// Adds the summaries of the action lists written beside the report.
    pub fn with_action_lists(mut self, lists: &'a [crate::actions::ListSummary]) -> Self {
        self.action_lists = Some(lists);
        self
    }

    /// Pretty JSON that two runs on the same inputs write byte for byte: floats are rounded to
    /// 12 significant digits, because parallel sums may differ in their last bits between runs,
    /// and run timings are left out.
    pub fn to_json(&self) -> serde_json::Result<String> {
        let mut value = serde_json::to_value(self)?;
        strip_volatile(&mut value);
        serde_json::to_string_pretty(&value)
    }
}

/// Rounds floats to 12 significant digits and drops wall-clock timings, in place.
pub(crate) fn strip_volatile(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(x) = n.as_f64().map(round_significant)
                && let Some(r) = serde_json::Number::from_f64(x)
            {
                *n = r;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_volatile),
        Value::Object(map) => {
            map.remove("timings");
            map.values_mut().for_each(strip_volatile);
        }
        _ => {}
    }
}

/// `x` rounded to 12 significant digits (through its decimal representation, so the result
/// prints short: 856110.4299999999 → 856110.43).
fn round_significant(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_noise_from_parallel_sums_is_rounded_away() {
        assert_eq!(round_significant(856110.4299999999), 856110.43);
        assert_eq!(
            round_significant(0.330839574048876),
            round_significant(0.3308395740488759)
        );
        assert_eq!(round_significant(-974.2399999999999), -974.24);
        let mut v = serde_json::json!({"a": [10169.300000000001], "timings": {"x_ms": 3.5}});
        strip_volatile(&mut v);
        assert_eq!(v, serde_json::json!({"a": [10169.3]}));
    }
}
