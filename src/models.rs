//! The lifetime-value models as an audit uses them: a backtest that calibrates on the data
//! before the audit period and predicts the period (this picks the model when `auto`), then a
//! scoring run at the period's end with that model. Sits between the clv stage and the
//! indicators, which read the per-customer values.

use crate::clv::{ClvReport, DailyLog, ModelKind, analyse_daily};
use crate::config::ClvSettings;
use crate::customer_days::CustomerDays;
use crate::period::Period;
use crate::tables::Tables;
use chrono::Duration;
use polars::prelude::*;

/// Both model runs of one client and period.
#[derive(Debug)]
pub struct Models {
    /// Calibrated to the day before P.start, predicting P (model fit check for the appendix).
    pub backtest: Result<ClvReport, String>,
    /// Calibrated to P.end with the chosen model: the scores behind predictive CLV.
    pub scoring: Result<ClvReport, String>,
}

impl Models {
    /// Runs the backtest, then scores at P.end with the model the backtest chose.
    pub fn fit(tables: &Tables, period: Period, settings: &ClvSettings) -> Models {
        match CustomerDays::build(&tables.transactions) {
            Ok(days) => Self::fit_with(tables, &days, period, settings),
            Err(e) => Models {
                backtest: Err(e.to_string()),
                scoring: Err(e.to_string()),
            },
        }
    }

    /// [`Models::fit`] over the customer-day reduction of `tables.transactions`, built once by
    /// the pipeline and shared with the indicators.
    pub fn fit_with(
        tables: &Tables,
        days: &CustomerDays,
        period: Period,
        settings: &ClvSettings,
    ) -> Models {
        let daily = match DailyLog::from_days(&tables.transactions, days) {
            Ok(d) => d,
            Err(e) => {
                return Models {
                    backtest: Err(e.to_string()),
                    scoring: Err(e.to_string()),
                };
            }
        };
        let calibration = period.start - Duration::days(1);
        let backtest = analyse_daily(&daily, calibration, Some(period.end), settings)
            .map_err(|e| e.to_string());
        let mut scoring_settings = settings.clone();
        if let Ok(bt) = &backtest
            && settings.model == "auto"
        {
            scoring_settings.model = match bt.model {
                Some(ModelKind::ParetoNbd) => "pareto-nbd".into(),
                _ => "bgnbd".into(),
            };
        }
        let scoring =
            analyse_daily(&daily, period.end, None, &scoring_settings).map_err(|e| e.to_string());
        for (run, r) in [("backtest", &backtest), ("scoring", &scoring)] {
            if let Ok(r) = r {
                tracing::debug!(run, timings = ?r.timings, "clv analysis done");
            }
        }
        Models { backtest, scoring }
    }

    /// Per-customer predictive values for the indicators (`customer_id`, `clv`, `p_alive`),
    /// when a model could be scored.
    pub fn values(&self) -> Option<DataFrame> {
        let scoring = self.scoring.as_ref().ok()?;
        scoring.model?;
        scoring
            .scores
            .select(["customer_id", "clv", "p_alive"])
            .ok()
    }

    /// Warnings for the manifest: model failures and degenerate fits.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (label, run) in [("backtest", &self.backtest), ("scoring", &self.scoring)] {
            match run {
                Ok(r) => out.extend(r.warnings.iter().map(|w| format!("clv {label}: {w:?}"))),
                Err(e) => out.push(format!("clv {label}: {e}")),
            }
        }
        out
    }

    /// The per-customer scores as CSV (for `clv_scores.csv`), when scoring ran.
    pub fn scores_csv(&self) -> PolarsResult<Option<Vec<u8>>> {
        let Ok(scoring) = &self.scoring else {
            return Ok(None);
        };
        let mut df = scoring.scores.clone();
        let mut buf = Vec::new();
        CsvWriter::new(&mut buf)
            .include_header(true)
            .finish(&mut df)?;
        Ok(Some(buf))
    }
}
