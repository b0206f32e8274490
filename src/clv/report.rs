//! The typed result of the lifetime-value analysis, read by `crm-audit clv`, the indicators
//! (predictive CLV, CLV at risk, neglected valuable customers) and the report's appendix. Part of
//! the clv stage; depends on [`crate::figure`].

use super::backtest::Backtest;
use super::bgnbd::BgNbdParams;
use super::fit::Fit;
use super::gamma_gamma::GammaGammaParams;
use super::pareto_nbd::ParetoNbdParams;
use super::summary::SpendBasis;
use crate::domain::TimeUnit;
use crate::figure::Figure;
use chrono::NaiveDate;
use polars::prelude::DataFrame;
use serde::Serialize;

/// The models of the stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// BG/NBD purchase model.
    Bgnbd,
    /// Pareto/NBD purchase model.
    ParetoNbd,
    /// Gamma-Gamma spend model.
    GammaGamma,
}

/// Why the purchase model in [`ClvReport::model`] was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelChoiceReason {
    /// The settings asked for this model.
    Requested,
    /// `auto`: it had the lower mean absolute error per customer in the holdout.
    BetterHoldoutFit,
    /// `auto` without a holdout: BG/NBD, the design's default.
    DefaultWithoutHoldout,
    /// `auto`: the other model could not be fitted.
    OnlyModelFitted,
}

/// Something the reader of the figures must know: a degenerate input or fit, and the fallback
/// that was used instead. Never an error: the analysis still returns every figure it can.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClvWarning {
    /// Fewer customers with repeat purchases than a purchase model needs: no purchase model,
    /// P(alive), expected purchases and CLV are missing (`model_unavailable`).
    TooFewRepeatCustomers {
        /// Customers with x > 0.
        repeat_customers: usize,
        /// The minimum.
        minimum: usize,
    },
    /// No starting point gave a finite likelihood; the model is left out.
    FitFailed {
        /// Model.
        model: ModelKind,
    },
    /// The optimiser stopped before the gradient vanished; the estimates are the best found.
    NotConverged {
        /// Model.
        model: ModelKind,
        /// Largest gradient component at the end.
        gradient_norm: f64,
    },
    /// Parameters ran to the bound e^±16: the data do not identify them (e.g. nobody seems to
    /// drop out). Predictions stay finite and are those of the bounded fit.
    ParameterAtBound {
        /// Model.
        model: ModelKind,
        /// Parameter names.
        parameters: Vec<&'static str>,
    },
    /// Too few repeat customers with a positive mean value for the Gamma-Gamma model: every
    /// customer's expected spend is the mean value of all repeat purchases.
    TooFewSpendCustomers {
        /// Repeat customers with zbar > 0.
        customers: usize,
        /// The minimum.
        minimum: usize,
    },
    /// Repeat customers whose mean repeat value is ≤ 0 (e.g. negative margins) are left out of
    /// the Gamma-Gamma fit; their expected spend uses the same credibility formula and may be
    /// negative.
    NonPositiveSpend {
        /// How many.
        customers: usize,
    },
    /// The fitted Gamma-Gamma has q ≤ 1 (infinite population mean): customers without repeat
    /// purchases get the mean value of all repeat purchases instead.
    InfiniteMeanSpend {
        /// Fitted q.
        q: f64,
    },
    /// Only some purchase lines have a cost: values are margins where known, net amounts
    /// elsewhere.
    MixedSpendBasis,
    /// A prediction could not be computed for some customers (hypergeometric function failed);
    /// their figures are missing.
    PredictionFailed {
        /// Model.
        model: ModelKind,
        /// Customers affected.
        customers: usize,
    },
}

/// Figures over all scored customers.
#[derive(Debug, Clone, Serialize)]
pub struct PopulationFigures {
    /// Mean value of a purchase used for customers without repeat purchases.
    pub mean_spend: Figure,
    /// Mean P(alive).
    pub mean_p_alive: Figure,
    /// Expected purchases of all customers in the next 90 days.
    pub expected_purchases_90d: Figure,
    /// Expected purchases of all customers over the horizon.
    pub expected_purchases_horizon: Figure,
    /// Mean discounted CLV per customer.
    pub mean_clv: Figure,
    /// Sum of the customers' discounted CLV.
    pub total_clv: Figure,
}

/// Wall-clock time of each step of [`super::analyse`], in milliseconds (for the run manifest
/// and the benchmark).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StageTimings {
    /// Per-customer summary (polars).
    pub summary_ms: f64,
    /// Compression of identical customers into weighted rows.
    pub compression_ms: f64,
    /// BG/NBD fit.
    pub bgnbd_fit_ms: f64,
    /// Pareto/NBD fit.
    pub pareto_nbd_fit_ms: f64,
    /// Holdout backtest (including reading the holdout purchases).
    pub backtest_ms: f64,
    /// Gamma-Gamma fit (including its compression).
    pub gamma_gamma_fit_ms: f64,
    /// Scoring every customer and building the scores frame.
    pub scoring_ms: f64,
}

/// Everything the lifetime-value analysis found.
#[derive(Debug, Clone, Serialize)]
pub struct ClvReport {
    /// Last day of the calibration data; scores are as of this day.
    pub calibration_end: NaiveDate,
    /// Last day of the holdout, when a backtest was run.
    pub holdout_end: Option<NaiveDate>,
    /// Time unit of t_x, T and the rate parameters.
    pub unit: TimeUnit,
    /// CLV horizon in months.
    pub horizon_months: u32,
    /// Annual discount rate.
    pub discount_rate: f64,
    /// What the spend values measure.
    pub spend_basis: SpendBasis,
    /// Customers acquired by the calibration end.
    pub customers: usize,
    /// Of which with at least one repeat purchase.
    pub repeat_customers: usize,
    /// The purchase model behind the scores (none when no model could be fitted).
    pub model: Option<ModelKind>,
    /// Why that model.
    pub model_choice: Option<ModelChoiceReason>,
    /// BG/NBD fit, when fitted.
    pub bgnbd: Option<Fit<BgNbdParams>>,
    /// Pareto/NBD fit, when fitted.
    pub pareto_nbd: Option<Fit<ParetoNbdParams>>,
    /// Gamma-Gamma fit, when fitted.
    pub gamma_gamma: Option<Fit<GammaGammaParams>>,
    /// Holdout comparison, when a holdout end was given.
    pub backtest: Option<Backtest>,
    /// Population figures.
    pub population: PopulationFigures,
    /// Degenerate inputs or fits and the fallbacks used.
    pub warnings: Vec<ClvWarning>,
    /// Time spent in each step.
    pub timings: StageTimings,
    /// One row per customer: customer_id, x, t_x, T, p_alive, expected_purchases_90d,
    /// expected_purchases_horizon, expected_spend, clv (model figures null when unavailable).
    #[serde(skip)]
    pub scores: DataFrame,
}
