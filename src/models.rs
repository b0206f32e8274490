//! The lifetime-value models as an audit uses them: a backtest that calibrates to P.end minus
//! the CLV horizon (12 months by default) and predicts the horizon ending P.end, where the data
//! reach (else the longest whole-year holdout they allow, else it calibrates before the audit
//! period and predicts the period); it picks the model when `auto`. Then a scoring run at the period's end with that model. Sits between the clv stage and the
//! indicators, which read the per-customer values.

use crate::clv::{ClvReport, DailyLog, ModelKind, WarmStart, analyse_daily, analyse_daily_from};
use crate::config::ClvSettings;
use crate::customer_days::CustomerDays;
use crate::domain::ModelChoice;
use crate::period::Period;
use crate::tables::Tables;
use chrono::{Duration, NaiveDate};
use polars::prelude::*;

/// The date of the first transaction line.
fn first_transaction(transactions: &DataFrame) -> Option<NaiveDate> {
    let df = transactions
        .clone()
        .lazy()
        .select([col("date").min()])
        .collect()
        .ok()?;
    let days = df.column("date").ok()?.cast(&DataType::Int32).ok()?;
    let d = days.i32().ok()?.get(0)?;
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(Duration::days(d.into()))
}

/// What the backtest's holdout covers (issue 19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BacktestHoldout {
    /// The CLV horizon ending P.end (12 months by default), calibrated to P.end minus the
    /// horizon.
    Year,
    /// A horizon longer than the data allow: the longest whole number of years ending P.end
    /// that leaves a year to calibrate on, shorter than the horizon.
    Years,
    /// The audit period only, calibrated to the day before P.start (the data are too short).
    Period,
}

/// Aggregate backtest error of the chosen model above which every CLV figure carries a caveat.
pub const CAVEAT_ERROR: f64 = 0.15;

/// Calibration days a year-long holdout needs before it (a year of history to fit on).
const YEAR_CALIBRATION_DAYS: i64 = 365;

/// The backtest's holdout and calibration end, as [`BacktestHoldout::choose`] picks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldoutChoice {
    /// What the holdout covers.
    pub holdout: BacktestHoldout,
    /// Its length in months ending P.end; 0 for the period holdout, whose length is P's.
    pub months: u32,
    /// The last day the models are fitted on.
    pub calibration_end: NaiveDate,
}

impl BacktestHoldout {
    /// The CLV horizon where the transactions reach a year before its start; else the longest
    /// whole number of years shorter than the horizon that does; else the period. A backtest
    /// over the horizon checks the very predictions the report prints, and a whole-year
    /// holdout keeps every season in it as often as any other, so the error is not a season's.
    pub fn choose(
        first_transaction: Option<NaiveDate>,
        period: Period,
        horizon_months: u32,
    ) -> HoldoutChoice {
        let reaches = |months: u32| {
            // Whole months ending P.end: from the day after it, so that a month-end stays a
            // month-end (the 18 months to 30 September start on 1 April, not 31 March).
            let calibration_end = (period.end + Duration::days(1))
                .checked_sub_months(chrono::Months::new(months))?
                - Duration::days(1);
            let first = first_transaction?;
            ((calibration_end - first).num_days() >= YEAR_CALIBRATION_DAYS).then_some(
                HoldoutChoice {
                    holdout: BacktestHoldout::Year,
                    months,
                    calibration_end,
                },
            )
        };
        let whole_years = (1..=horizon_months.saturating_sub(1) / 12)
            .rev()
            .find_map(|years| reaches(12 * years))
            .map(|c| HoldoutChoice {
                holdout: BacktestHoldout::Years,
                ..c
            });
        reaches(horizon_months.max(1))
            .or(whole_years)
            .unwrap_or(HoldoutChoice {
                holdout: BacktestHoldout::Period,
                months: 0,
                calibration_end: period.start - Duration::days(1),
            })
    }
}

/// Both model runs of one client and period.
#[derive(Debug)]
pub struct Models {
    /// The model fit check for the appendix: calibrated to P.end − 12 months, predicting the 12
    /// months ending P.end, where the data reach; else calibrated before P, predicting P.
    pub backtest: Result<ClvReport, String>,
    /// Calibrated to P.end with the chosen model: the scores behind predictive CLV.
    pub scoring: Result<ClvReport, String>,
    /// What the backtest's holdout covers.
    pub holdout: BacktestHoldout,
    /// The holdout's length in months ending P.end (0 for the period holdout).
    pub holdout_months: u32,
}

impl Models {
    /// Runs the backtest, then scores at P.end with the model the backtest chose.
    pub fn fit(tables: &Tables, period: Period, settings: &ClvSettings) -> Models {
        match CustomerDays::build(&tables.transactions) {
            Ok(days) => Self::fit_with(tables, &days, period, settings),
            Err(e) => Models {
                backtest: Err(e.to_string()),
                scoring: Err(e.to_string()),
                holdout: BacktestHoldout::Period,
                holdout_months: 0,
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
                    holdout: BacktestHoldout::Period,
                    holdout_months: 0,
                };
            }
        };
        let choice = BacktestHoldout::choose(
            first_transaction(&tables.transactions),
            period,
            settings.horizon_months,
        );
        let calibration = choice.calibration_end;
        let backtest = analyse_daily(&daily, calibration, Some(period.end), settings)
            .map_err(|e| e.to_string());
        let mut scoring_settings = settings.clone();
        if let Ok(bt) = &backtest
            && settings.model == ModelChoice::Auto
        {
            scoring_settings.model = match bt.model {
                Some(ModelKind::ParetoNbd) => ModelChoice::ParetoNbd,
                _ => ModelChoice::Bgnbd,
            };
        }
        let warm = backtest
            .as_ref()
            .map(WarmStart::from_report)
            .unwrap_or_default();
        let mut scoring = analyse_daily_from(&daily, period.end, None, &scoring_settings, warm)
            .map_err(|e| e.to_string());
        // With `auto`, the scoring run is told the backtest's model; why it is that model is the
        // backtest's reason, not a configuration (the report and indicators.json say which).
        if let (Ok(bt), Ok(sc)) = (&backtest, &mut scoring)
            && settings.model == ModelChoice::Auto
            && sc.model.is_some()
            && sc.model == bt.model
        {
            sc.model_choice = bt.model_choice;
        }
        for (run, r) in [("backtest", &backtest), ("scoring", &scoring)] {
            if let Ok(r) = r {
                tracing::debug!(run, timings = ?r.timings, "clv analysis done");
            }
        }
        Models {
            backtest,
            scoring,
            holdout: choice.holdout,
            holdout_months: choice.months,
        }
    }

    /// Whether the backtest's holdout is the 12 months ending P.end, what "the last year" in
    /// the CLV caveat means; any other length is "the backtest period".
    pub fn holdout_is_last_year(&self) -> bool {
        self.holdout != BacktestHoldout::Period && self.holdout_months == 12
    }

    /// The chosen model's aggregate backtest error, (predicted − actual) / actual, when the
    /// backtest ran and chose a model.
    pub fn backtest_error(&self) -> Option<f64> {
        let bt = self.backtest.as_ref().ok()?;
        let chosen = bt.model?;
        let run = bt.backtest.as_ref()?;
        run.models
            .iter()
            .find(|m| m.model == chosen)?
            .aggregate_error(run.actual_total)
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
                Ok(r) => out.extend(r.warnings.iter().map(|w| format!("clv {label}: {w}"))),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AuditConfig;
    use chrono::NaiveDate;

    #[test]
    fn the_holdout_is_the_horizon_else_the_longest_whole_years_else_the_period() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let p: Period = "2026-Q3".parse().expect("period");
        let pick = |first: Option<&str>, horizon: u32| {
            let c = BacktestHoldout::choose(first.map(d), p, horizon);
            (c.holdout, c.months, c.calibration_end)
        };
        let year = BacktestHoldout::Year;
        // 12 months: calibrated to 2025-09-30, which needs a first line by 2024-09-30 (365 days).
        assert_eq!(pick(Some("2024-01-01"), 12), (year, 12, d("2025-09-30")));
        assert_eq!(pick(Some("2024-09-30"), 12), (year, 12, d("2025-09-30")));
        let period = (BacktestHoldout::Period, 0, d("2026-06-30"));
        assert_eq!(pick(Some("2024-10-01"), 12), period);
        assert_eq!(pick(None, 12), period);
        // A 36-month horizon: 2023-09-30 needs a first line by 2022-09-30; then 24 months
        // (2024-09-30, by 2023-10-01 given the leap day), then 12, then the period.
        assert_eq!(pick(Some("2022-01-01"), 36), (year, 36, d("2023-09-30")));
        let years = BacktestHoldout::Years;
        assert_eq!(pick(Some("2023-06-01"), 36), (years, 24, d("2024-09-30")));
        assert_eq!(pick(Some("2024-06-01"), 36), (years, 12, d("2025-09-30")));
        assert_eq!(pick(Some("2025-06-01"), 36), period);
        // 18 months: the only whole-year holdout shorter than it is 12 months.
        assert_eq!(pick(Some("2023-06-01"), 18), (year, 18, d("2025-03-31")));
        assert_eq!(pick(Some("2024-06-01"), 18), (years, 12, d("2025-09-30")));
        // A horizon under a year is the holdout itself, never a longer one.
        assert_eq!(pick(Some("2025-01-01"), 6), (year, 6, d("2026-03-31")));
        assert_eq!(pick(Some("2025-06-01"), 6), period);
    }

    #[test]
    fn only_a_twelve_month_holdout_is_the_last_year_of_the_caveat() {
        let models = |holdout, holdout_months| Models {
            backtest: Err(String::new()),
            scoring: Err(String::new()),
            holdout,
            holdout_months,
        };
        assert!(models(BacktestHoldout::Year, 12).holdout_is_last_year());
        assert!(models(BacktestHoldout::Years, 12).holdout_is_last_year());
        assert!(!models(BacktestHoldout::Year, 24).holdout_is_last_year());
        assert!(!models(BacktestHoldout::Year, 6).holdout_is_last_year());
        assert!(!models(BacktestHoldout::Period, 0).holdout_is_last_year());
    }

    #[test]
    fn with_auto_the_scoring_run_gives_the_backtests_reason_for_its_model() {
        // The scoring run is told the chosen model; the report must not call that a
        // configuration (appendix B printed "as configured" for a model the backtest chose).
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-data/northwind-en/audit.toml");
        let cfg = AuditConfig::load(&path).expect("sample audit.toml loads");
        assert_eq!(cfg.clv.model, ModelChoice::Auto);
        let today = NaiveDate::from_ymd_opt(2026, 10, 15).expect("date");
        let tables =
            crate::ingest::ingest_client(&cfg, crate::ingest::IngestOptions::as_of(today)).tables;
        let models = Models::fit(&tables, "2026-Q3".parse().expect("period"), &cfg.clv);
        let (bt, sc) = (models.backtest.unwrap(), models.scoring.unwrap());
        assert!(sc.model.is_some() && sc.model == bt.model);
        assert_eq!(
            sc.model_choice,
            Some(crate::clv::ModelChoiceReason::BetterHoldoutFit)
        );
    }

    #[test]
    fn the_scoring_run_started_from_the_backtest_finds_the_cold_start_estimates() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-data/northwind-en/audit.toml");
        let cfg = AuditConfig::load(&path).expect("sample audit.toml loads");
        let today = NaiveDate::from_ymd_opt(2026, 10, 15).expect("date");
        let tables =
            crate::ingest::ingest_client(&cfg, crate::ingest::IngestOptions::as_of(today)).tables;
        let period: Period = "2026-Q3".parse().expect("period");
        let daily = DailyLog::new(&tables.transactions).expect("log");
        let calibration = period.start - Duration::days(1);
        let backtest =
            analyse_daily(&daily, calibration, Some(period.end), &cfg.clv).expect("backtest");
        let warm = WarmStart::from_report(&backtest);
        assert!(warm.bgnbd.is_some() && warm.pareto_nbd.is_some() && warm.gamma_gamma.is_some());
        let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| ((x - y) / y).abs() < 1e-4);
        for model in [ModelChoice::Bgnbd, ModelChoice::ParetoNbd] {
            let settings = ClvSettings {
                model,
                ..cfg.clv.clone()
            };
            let cold = analyse_daily(&daily, period.end, None, &settings).expect("cold");
            let hot = analyse_daily_from(&daily, period.end, None, &settings, warm.clone())
                .expect("warm");
            let (c, h) = match model {
                ModelChoice::Bgnbd => {
                    let (c, h) = (cold.bgnbd.unwrap(), hot.bgnbd.unwrap());
                    assert!(!c.diagnostics.warm_start && h.diagnostics.warm_start);
                    assert_eq!(h.diagnostics.starts, 1);
                    let v = |p: crate::clv::BgNbdParams| vec![p.r, p.alpha, p.a, p.b];
                    (v(c.params), v(h.params))
                }
                _ => {
                    let (c, h) = (cold.pareto_nbd.unwrap(), hot.pareto_nbd.unwrap());
                    assert!(!c.diagnostics.warm_start && h.diagnostics.warm_start);
                    let v = |p: crate::clv::ParetoNbdParams| vec![p.r, p.alpha, p.s, p.beta];
                    (v(c.params), v(h.params))
                }
            };
            assert!(close(&c, &h), "{model:?}: cold {c:?} warm {h:?}");
            // The spend model too, whatever the purchase model.
            let (c, h) = (cold.gamma_gamma.unwrap(), hot.gamma_gamma.unwrap());
            assert!(!c.diagnostics.warm_start && h.diagnostics.warm_start);
            let v = |p: crate::clv::GammaGammaParams| vec![p.p, p.q, p.gamma];
            let (c, h) = (v(c.params), v(h.params));
            assert!(close(&c, &h), "gamma-gamma: cold {c:?} warm {h:?}");
        }
    }
}
