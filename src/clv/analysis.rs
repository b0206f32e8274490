//! The stage's entry point: summary → fits → backtest → model choice → scores. Part of the clv
//! stage; depends on every other module of it, on [`crate::config::ClvSettings`] and
//! [`crate::figure`].

use super::backtest::{Backtest, BacktestMonth, Holdout, backtest_model};
use super::bgnbd::BgNbdParams;
use super::error::ClvError;
use super::estimate::{fit_bgnbd, fit_pareto_nbd};
use super::fit::{Fit, Warm};
use super::gamma_gamma::GammaGammaParams;
use super::pareto_nbd::ParetoNbdParams;
use super::report::{ClvReport, ClvWarning, ModelChoiceReason, ModelKind, StageTimings};
use super::rows::Rows;
use super::scores::{population, scores_frame};
use super::scoring::{Horizon, Purchase, RowScore, p_alive_rows, score_rows};
use super::spend::{Spend, fit_warnings};
use super::summary::{
    DailyLog, SpendBasis, epoch_day, holdout_purchases, holdout_purchases_by_month,
    summarise_daily, unit_days,
};
use crate::config::ClvSettings;
use crate::domain::ModelChoice;
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use rayon::prelude::*;
use std::time::Instant;

/// Milliseconds since `start`.
fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

/// Customers with a repeat purchase needed to fit a purchase model.
pub const MIN_REPEAT_CUSTOMERS: usize = 10;

/// Fits the purchase and spend models on the transactions up to `calibration_end`, backtests
/// them up to `holdout_end` when given, and scores every customer as of `calibration_end`.
///
/// `settings.model = auto` fits both purchase models when there is a holdout and keeps the one
/// with the lower mean absolute error per customer; without a holdout it fits BG/NBD only.
pub fn analyse(
    transactions: &DataFrame,
    calibration_end: NaiveDate,
    holdout_end: Option<NaiveDate>,
    settings: &ClvSettings,
) -> Result<ClvReport, ClvError> {
    let clock = Instant::now();
    let daily = DailyLog::new(transactions)?;
    let mut report = analyse_daily(&daily, calibration_end, holdout_end, settings)?;
    report.timings.summary_ms += ms(clock);
    Ok(report)
}

/// [`analyse`] over a [`DailyLog`] already built, so that several analyses of one client (the
/// backtest and the scoring run) group its transactions once.
pub fn analyse_daily(
    daily: &DailyLog,
    calibration_end: NaiveDate,
    holdout_end: Option<NaiveDate>,
    settings: &ClvSettings,
) -> Result<ClvReport, ClvError> {
    analyse_daily_from(
        daily,
        calibration_end,
        holdout_end,
        settings,
        WarmStart::default(),
    )
}

/// Estimates of an earlier analysis of nearly the same customers, to start the fits from.
#[derive(Debug, Clone, Default)]
pub struct WarmStart {
    /// BG/NBD estimates.
    pub bgnbd: Option<BgNbdParams>,
    /// Pareto/NBD estimates.
    pub pareto_nbd: Option<ParetoNbdParams>,
    /// Gamma-Gamma estimates.
    pub gamma_gamma: Option<GammaGammaParams>,
    /// The final inverse-Hessian approximations of those fits, when known: with them the fits
    /// continue from the estimates on every row at once instead of searching from them on a
    /// sample first.
    pub(crate) curvature: Curvatures,
}

/// One final inverse-Hessian approximation per model (see [`Warm`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Curvatures {
    bgnbd: Option<Vec<Vec<f64>>>,
    pareto_nbd: Option<Vec<Vec<f64>>>,
    gamma_gamma: Option<Vec<Vec<f64>>>,
}

impl WarmStart {
    /// The estimates of `report`'s fits.
    pub fn from_report(report: &ClvReport) -> Self {
        WarmStart {
            bgnbd: report.bgnbd.as_ref().map(|f| f.params),
            pareto_nbd: report.pareto_nbd.as_ref().map(|f| f.params),
            gamma_gamma: report.gamma_gamma.as_ref().map(|f| f.params),
            curvature: Curvatures {
                bgnbd: report.bgnbd.as_ref().and_then(|f| f.curvature.clone()),
                pareto_nbd: report.pareto_nbd.as_ref().and_then(|f| f.curvature.clone()),
                gamma_gamma: report
                    .gamma_gamma
                    .as_ref()
                    .and_then(|f| f.curvature.clone()),
            },
        }
    }

    /// The warm start of one model from its log-estimates and curvature.
    fn warm(theta: Option<Vec<f64>>, curvature: &Option<Vec<Vec<f64>>>) -> Option<Warm> {
        Some(Warm {
            theta: theta?,
            curvature: curvature.clone(),
        })
    }
}

/// [`analyse_daily`] starting the purchase-model fits from `warm`. The scoring run of an audit
/// is calibrated one period later than its backtest, on the same customers plus that period's
/// newcomers: the backtest's estimates are close to the new optimum, and a run from them that
/// converges inside the box replaces the multi-start search (the diagnostics say `warm_start`).
/// Where it does not converge, the usual starts run.
pub fn analyse_daily_from(
    daily: &DailyLog,
    calibration_end: NaiveDate,
    holdout_end: Option<NaiveDate>,
    settings: &ClvSettings,
    warm: WarmStart,
) -> Result<ClvReport, ClvError> {
    settings
        .validate()
        .map_err(|(key, message)| ClvError::Settings { key, message })?;
    let unit = settings.unit;
    let choice = settings.model;
    if let Some(h) = holdout_end.filter(|h| *h <= calibration_end) {
        return Err(ClvError::HoldoutBeforeCalibration {
            calibration_end,
            holdout_end: h,
        });
    }
    let mut timings = StageTimings::default();
    let clock = Instant::now();
    let summary = summarise_daily(daily, calibration_end, unit)?;
    timings.summary_ms = ms(clock);
    let mut warnings = Vec::new();
    if summary.spend_basis == SpendBasis::Mixed {
        warnings.push(ClvWarning::MixedSpendBasis);
    }
    let (x, t_x, t, zbar) = (
        summary.values("x")?,
        summary.values("t_x")?,
        summary.values("T")?,
        summary.values("zbar")?,
    );
    let clock = Instant::now();
    let (rows, index) = Rows::compress(&x, &t_x, &t, |_| true);
    timings.compression_ms = ms(clock);
    let repeat_customers = x.iter().filter(|v| **v > 0.0).count();
    let (bgnbd, pareto_nbd) = if repeat_customers < MIN_REPEAT_CUSTOMERS {
        warnings.push(ClvWarning::TooFewRepeatCustomers {
            repeat_customers,
            minimum: MIN_REPEAT_CUSTOMERS,
        });
        (None, None)
    } else {
        let want_pareto = choice == ModelChoice::ParetoNbd
            || (choice == ModelChoice::Auto && holdout_end.is_some());
        let clock = Instant::now();
        let bg = (choice != ModelChoice::ParetoNbd).then(|| {
            fitted(
                ModelKind::Bgnbd,
                fit_bgnbd(
                    &rows,
                    WarmStart::warm(warm.bgnbd.map(|p| p.to_log()), &warm.curvature.bgnbd),
                ),
                &mut warnings,
            )
        });
        timings.bgnbd_fit_ms = ms(clock);
        let clock = Instant::now();
        let hint = bg.as_ref().and_then(|f| f.as_ref()).map(|f| f.params);
        let pa = want_pareto.then(|| {
            fitted(
                ModelKind::ParetoNbd,
                fit_pareto_nbd(
                    &rows,
                    hint.as_ref(),
                    WarmStart::warm(
                        warm.pareto_nbd.map(|p| p.to_log()),
                        &warm.curvature.pareto_nbd,
                    ),
                ),
                &mut warnings,
            )
        });
        timings.pareto_nbd_fit_ms = ms(clock);
        (bg.flatten(), pa.flatten())
    };
    let candidates: Vec<Purchase> = bgnbd
        .as_ref()
        .map(|f| Purchase::Bg(f.params))
        .into_iter()
        .chain(pareto_nbd.as_ref().map(|f| Purchase::Pareto(f.params)))
        .collect();
    let clock = Instant::now();
    // P(alive) of every row under each candidate, computed once: the backtest and the chosen
    // model's scores read the same values (the Pareto/NBD's cost a continued fraction each).
    let mut alive: Vec<Option<Vec<Option<f64>>>> = vec![None; candidates.len()];
    let backtest = match holdout_end {
        Some(end) => {
            let actual = holdout_purchases(daily, &summary, end)?;
            let units = |d: NaiveDate| {
                f64::from(epoch_day(d) - epoch_day(calibration_end)) / unit_days(unit)
            };
            let month_dates = month_ends(calibration_end, end);
            let month_lengths: Vec<f64> = month_dates.iter().map(|d| units(*d)).collect();
            let holdout = Holdout {
                length: units(end),
                month_ends: &month_lengths,
            };
            let by_month = holdout_purchases_by_month(daily, &summary, &month_dates)?
                .into_iter()
                .zip(&month_dates)
                .map(|(actual, end)| BacktestMonth { end: *end, actual })
                .collect();
            let backtest = Backtest {
                holdout_end: end,
                holdout_length: holdout.length,
                customers: x.len(),
                actual_total: actual.iter().sum(),
                models: candidates
                    .iter()
                    .zip(alive.iter_mut())
                    .map(|(m, alive)| {
                        let alive = alive.get_or_insert_with(|| p_alive_rows(m, &rows));
                        backtest_model(m, &rows, alive, &index, &x, &actual, &holdout)
                    })
                    .collect(),
                holdout_start: calibration_end.succ_opt().unwrap_or(calibration_end),
                by_month,
            };
            Some(backtest)
        }
        None => None,
    };
    timings.backtest_ms = ms(clock);
    let chosen = choose(choice, &candidates, backtest.as_ref());

    let clock = Instant::now();
    let spend = Spend::estimate(
        &x,
        &zbar,
        &mut warnings,
        WarmStart::warm(
            warm.gamma_gamma.map(|p| p.to_log()),
            &warm.curvature.gamma_gamma,
        ),
    );
    timings.gamma_gamma_fit_ms = ms(clock);
    let clock = Instant::now();
    let horizon = Horizon::new(
        unit_days(unit),
        settings.horizon_months,
        settings.discount_rate,
    );
    let chosen_alive = chosen.map(|(m, _)| {
        let computed = candidates
            .iter()
            .position(|c| c.kind() == m.kind())
            .and_then(|i| alive[i].take());
        (m, computed.unwrap_or_else(|| p_alive_rows(&m, &rows)))
    });
    let customer_scores = score_customers(chosen_alive, &rows, &index, &horizon, &mut warnings);
    let spends: Vec<Option<f64>> = x
        .iter()
        .zip(&zbar)
        .map(|(&xi, &zi)| spend.expected(xi, zi))
        .collect();
    let scores = scores_frame(&summary, &customer_scores, &spends)?;
    timings.scoring_ms = ms(clock);
    let population = population(
        &customer_scores,
        &spends,
        spend.population_mean,
        chosen.is_some(),
    );
    Ok(ClvReport {
        calibration_end,
        holdout_end,
        unit,
        horizon_months: settings.horizon_months,
        discount_rate: settings.discount_rate,
        spend_basis: summary.spend_basis,
        customers: x.len(),
        repeat_customers,
        model: chosen.map(|(m, _)| m.kind()),
        model_choice: chosen.map(|(_, r)| r),
        bgnbd,
        pareto_nbd,
        gamma_gamma: spend.fit,
        backtest,
        population,
        warnings,
        timings,
        scores,
    })
}

/// The last day of each calendar month after `calibration_end` up to `holdout_end` (whose own
/// date closes the last, possibly partial, month).
fn month_ends(calibration_end: NaiveDate, holdout_end: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut d = calibration_end;
    while d < holdout_end {
        let first_of_next = d
            .succ_opt()
            .and_then(|s| s.with_day(1))
            .and_then(|m| m.checked_add_months(chrono::Months::new(1)))
            .unwrap_or(holdout_end);
        let end = first_of_next
            .pred_opt()
            .unwrap_or(holdout_end)
            .min(holdout_end);
        out.push(end);
        d = end;
    }
    out
}

/// Scores the distinct rows and spreads them over the customers; `None` without a model or
/// where the model's functions failed (counted in a warning).
fn score_customers(
    model: Option<(Purchase, Vec<Option<f64>>)>,
    rows: &Rows,
    index: &[u32],
    horizon: &Horizon,
    warnings: &mut Vec<ClvWarning>,
) -> Vec<Option<RowScore>> {
    let Some((model, alive)) = model else {
        return vec![None; index.len()];
    };
    let per_row = score_rows(&model, rows, &alive, horizon);
    let scores: Vec<Option<RowScore>> = index.par_iter().map(|&r| per_row[r as usize]).collect();
    let failed = scores.iter().filter(|s| s.is_none()).count();
    if failed > 0 {
        warnings.push(ClvWarning::PredictionFailed {
            model: model.kind(),
            customers: failed,
        });
    }
    scores
}

/// Records a failed fit or the warnings of a successful one.
fn fitted<P>(
    model: ModelKind,
    fit: Option<Fit<P>>,
    warnings: &mut Vec<ClvWarning>,
) -> Option<Fit<P>> {
    match &fit {
        Some(f) => fit_warnings(model, &f.diagnostics, warnings),
        None => warnings.push(ClvWarning::FitFailed { model }),
    }
    fit
}

/// The purchase model to score with, and why.
fn choose(
    choice: ModelChoice,
    candidates: &[Purchase],
    backtest: Option<&Backtest>,
) -> Option<(Purchase, ModelChoiceReason)> {
    if choice != ModelChoice::Auto {
        return candidates
            .first()
            .map(|m| (*m, ModelChoiceReason::Requested));
    }
    match (candidates, backtest) {
        ([only], Some(_)) => Some((*only, ModelChoiceReason::OnlyModelFitted)),
        ([only], None) => Some((*only, ModelChoiceReason::DefaultWithoutHoldout)),
        ([_, _], Some(b)) => {
            let best = (0..candidates.len()).min_by(|&i, &j| {
                b.models[i]
                    .mean_absolute_error
                    .total_cmp(&b.models[j].mean_absolute_error)
            })?;
            Some((candidates[best], ModelChoiceReason::BetterHoldoutFit))
        }
        _ => candidates
            .first()
            .map(|m| (*m, ModelChoiceReason::DefaultWithoutHoldout)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> DataFrame {
        let d = |m| NaiveDate::from_ymd_opt(2025, m, 1).unwrap();
        df!(
            "customer_id" => ["a", "a"],
            "date" => [d(1), d(2)],
            "net_amount" => [10.0, 20.0],
            "cost" => [None::<f64>, None],
        )
        .unwrap()
    }

    #[test]
    fn settings_out_of_range_are_an_error_naming_the_key() {
        let bad = ClvSettings {
            horizon_months: 0,
            ..ClvSettings::default()
        };
        let end = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        match analyse(&log(), end, None, &bad) {
            Err(ClvError::Settings { key, .. }) => assert_eq!(key, "horizon_months"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_holdout_ending_before_the_calibration_is_an_error() {
        let end = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let early = NaiveDate::from_ymd_opt(2025, 5, 31);
        assert!(matches!(
            analyse(&log(), end, early, &ClvSettings::default()),
            Err(ClvError::HoldoutBeforeCalibration { .. })
        ));
    }

    #[test]
    fn auto_without_holdout_uses_bgnbd_and_says_why() {
        let bg = Purchase::Bg(crate::clv::BgNbdParams {
            r: 1.0,
            alpha: 1.0,
            a: 1.0,
            b: 1.0,
        });
        let chosen = choose(ModelChoice::Auto, &[bg], None).unwrap();
        assert_eq!(chosen.0.kind(), ModelKind::Bgnbd);
        assert_eq!(chosen.1, ModelChoiceReason::DefaultWithoutHoldout);
        assert!(choose(ModelChoice::Bgnbd, &[], None).is_none());
    }
}
