//! The stage's entry point: summary → fits → backtest → model choice → scores. Part of the clv
//! stage; depends on every other module of it, on [`crate::config::ClvSettings`] and
//! [`crate::figure`].

use super::backtest::{Backtest, backtest_model};
use super::error::ClvError;
use super::estimate::{fit_bgnbd, fit_pareto_nbd};
use super::fit::Fit;
use super::report::{
    ClvReport, ClvWarning, ModelChoiceReason, ModelKind, PopulationFigures, StageTimings,
};
use super::rows::Rows;
use super::scoring::{Horizon, Purchase, RowScore, score_rows};
use super::spend::{Spend, fit_warnings};
use super::summary::{
    CustomerSummary, SpendBasis, epoch_day, holdout_purchases, summarise, unit_days,
};
use crate::cli::{ModelChoice, TimeUnitArg};
use crate::config::ClvSettings;
use crate::figure::{Figure, Missing};
use chrono::NaiveDate;
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
    settings
        .validate()
        .map_err(|(key, message)| ClvError::Settings { key, message })?;
    let unit = if settings.unit == "day" {
        TimeUnitArg::Day
    } else {
        TimeUnitArg::Week
    };
    let choice = match settings.model.as_str() {
        "bgnbd" => ModelChoice::Bgnbd,
        "pareto-nbd" => ModelChoice::ParetoNbd,
        _ => ModelChoice::Auto,
    };
    if let Some(h) = holdout_end.filter(|h| *h <= calibration_end) {
        return Err(ClvError::HoldoutBeforeCalibration {
            calibration_end,
            holdout_end: h,
        });
    }
    let mut timings = StageTimings::default();
    let clock = Instant::now();
    let summary = summarise(transactions, calibration_end, unit)?;
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
        let bg = (choice != ModelChoice::ParetoNbd)
            .then(|| fitted(ModelKind::Bgnbd, fit_bgnbd(&rows), &mut warnings));
        timings.bgnbd_fit_ms = ms(clock);
        let clock = Instant::now();
        let pa =
            want_pareto.then(|| fitted(ModelKind::ParetoNbd, fit_pareto_nbd(&rows), &mut warnings));
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
    let backtest = match holdout_end {
        Some(end) => {
            let actual = holdout_purchases(transactions, &summary, end)?;
            let length = f64::from(epoch_day(end) - epoch_day(calibration_end)) / unit_days(unit);
            Some(run_backtest(
                &candidates,
                &rows,
                &index,
                &x,
                &actual,
                end,
                length,
            ))
        }
        None => None,
    };
    timings.backtest_ms = ms(clock);
    let chosen = choose(choice, &candidates, backtest.as_ref());

    let clock = Instant::now();
    let spend = Spend::estimate(&x, &zbar, &mut warnings);
    timings.gamma_gamma_fit_ms = ms(clock);
    let clock = Instant::now();
    let horizon = Horizon::new(
        unit_days(unit),
        settings.horizon_months,
        settings.discount_rate,
    );
    let customer_scores = score_customers(
        chosen.map(|(m, _)| m),
        &rows,
        &index,
        &horizon,
        &mut warnings,
    );
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

/// Every candidate model's backtest against the `actual` holdout purchase days.
fn run_backtest(
    candidates: &[Purchase],
    rows: &Rows,
    index: &[u32],
    x: &[f64],
    actual: &[f64],
    holdout_end: NaiveDate,
    length: f64,
) -> Backtest {
    Backtest {
        holdout_end,
        holdout_length: length,
        customers: x.len(),
        actual_total: actual.iter().sum(),
        models: candidates
            .iter()
            .map(|m| backtest_model(m, rows, index, x, actual, length))
            .collect(),
    }
}

/// Scores the distinct rows and spreads them over the customers; `None` without a model or
/// where the model's functions failed (counted in a warning).
fn score_customers(
    model: Option<Purchase>,
    rows: &Rows,
    index: &[u32],
    horizon: &Horizon,
    warnings: &mut Vec<ClvWarning>,
) -> Vec<Option<RowScore>> {
    let Some(model) = model else {
        return vec![None; index.len()];
    };
    let per_row = score_rows(&model, rows, horizon);
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

/// The per-customer scores frame (model figures null where unavailable).
fn scores_frame(
    summary: &CustomerSummary,
    scores: &[Option<RowScore>],
    spends: &[Option<f64>],
) -> Result<DataFrame, ClvError> {
    let pick = |f: fn(&RowScore) -> f64| -> Vec<Option<f64>> {
        scores.iter().map(|s| s.as_ref().map(f)).collect()
    };
    let clv: Vec<Option<f64>> = scores
        .iter()
        .zip(spends)
        .map(|(s, sp)| Some(s.as_ref()?.discounted * (*sp)?))
        .collect();
    let base = summary.frame.select(["customer_id", "x", "t_x", "T"])?;
    let mut columns: Vec<Column> = base.columns().to_vec();
    columns.push(Column::new("p_alive".into(), pick(|s| s.p_alive)));
    columns.push(Column::new(
        "expected_purchases_90d".into(),
        pick(|s| s.next_90_days),
    ));
    columns.push(Column::new(
        "expected_purchases_horizon".into(),
        pick(|s| s.horizon),
    ));
    columns.push(Column::new("expected_spend".into(), spends.to_vec()));
    columns.push(Column::new("clv".into(), clv));
    Ok(DataFrame::new(summary.frame.height(), columns)?)
}

/// Means and totals over the customers that have the figure.
fn population(
    scores: &[Option<RowScore>],
    spends: &[Option<f64>],
    mean_spend: Option<f64>,
    modelled: bool,
) -> PopulationFigures {
    let unavailable = Figure::missing(Missing::ModelUnavailable);
    let over = |f: &dyn Fn(usize) -> Option<f64>, mean: bool| -> Figure {
        let values: Vec<f64> = (0..scores.len()).filter_map(f).collect();
        if !modelled || values.is_empty() {
            return unavailable;
        }
        let total: f64 = values.iter().sum();
        Figure::of(if mean {
            total / values.len() as f64
        } else {
            total
        })
    };
    let clv = |i: usize| Some(scores[i].as_ref()?.discounted * spends[i]?);
    PopulationFigures {
        mean_spend: mean_spend.map_or(unavailable, Figure::of),
        mean_p_alive: over(&|i| scores[i].map(|s| s.p_alive), true),
        expected_purchases_90d: over(&|i| scores[i].map(|s| s.next_90_days), false),
        expected_purchases_horizon: over(&|i| scores[i].map(|s| s.horizon), false),
        mean_clv: over(&clv, true),
        total_clv: over(&clv, false),
    }
}
