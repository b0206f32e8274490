//! Appendix B: the lifetime-value models as fitted (parameters, log-likelihood, convergence)
//! and their backtest (predicted against actual purchases, in total and by past repeat
//! purchases) (render stage, report builder).

use super::context::{Ctx, DASH, Fmt};
use crate::clv::{
    Backtest, ClvReport, ClvWarning, FitDiagnostics, ModelChoiceReason, ModelKind, SpendBasis,
};
use crate::models::{BacktestHoldout, CAVEAT_ERROR};
use crate::render::charts::{ChartSpec, LineChart, Series, ValueFormat};
use crate::render::document::Block;
use crate::render::rich::RichText;

/// "the model over-predicts purchases by 26 % on the last year" when the chosen model's
/// aggregate backtest error exceeds [`CAVEAT_ERROR`] (issue 19); printed beside every CLV figure.
pub(super) fn clv_caveat(ctx: &Ctx) -> Option<String> {
    let models = ctx.input.models;
    let error = models.backtest_error()?;
    if error.abs() <= CAVEAT_ERROR {
        return None;
    }
    let key = match (error > 0.0, models.holdout_is_last_year()) {
        (true, true) => "backtest19.caveat_over",
        (false, true) => "backtest19.caveat_under",
        (true, false) => "backtest19.caveat_over_period",
        (false, false) => "backtest19.caveat_under_period",
    };
    Some(ctx.fill(key, &[("error", &ctx.num(Fmt::Pct0, error.abs()))]))
}

/// Which holdout the backtest used, in one sentence.
fn horizon_sentence(ctx: &Ctx, r: &ClvReport, bt: &Backtest) -> Block {
    let key = match ctx.input.models.holdout {
        BacktestHoldout::Year => "backtest19.horizon_year",
        BacktestHoldout::Years => "backtest19.horizon_years",
        BacktestHoldout::Period => "backtest19.horizon_period",
    };
    Block::Paragraph(RichText::marked(&ctx.fill(
        key,
        &[
            ("months", &ctx.input.models.holdout_months.to_string()),
            ("calibration", &ctx.l.date_short(r.calibration_end)),
            ("start", &ctx.l.date_short(bt.holdout_start)),
            ("end", &ctx.l.date_short(bt.holdout_end)),
        ],
    )))
}

/// Actual against predicted purchases by month of the holdout, for the chosen model.
fn by_month_chart(ctx: &Ctx, r: &ClvReport, bt: &Backtest) -> Option<Block> {
    let m = bt.models.iter().find(|m| Some(m.model) == r.model)?;
    if bt.by_month.len() < 2 || m.predicted_by_month.len() != bt.by_month.len() {
        return None;
    }
    let spec = ChartSpec::Line(LineChart {
        x_labels: bt
            .by_month
            .iter()
            .map(|b| ctx.l.month_abbr(chrono::Datelike::month(&b.end)))
            .collect(),
        series: vec![
            Series {
                name: ctx.t("backtest19.actual"),
                values: bt.by_month.iter().map(|b| Some(b.actual)).collect(),
            },
            Series {
                name: format!(
                    "{} ({})",
                    ctx.t("backtest19.predicted"),
                    model_name(m.model)
                ),
                values: m
                    .predicted_by_month
                    .iter()
                    .map(|v| v.is_finite().then_some(*v))
                    .collect(),
            },
        ],
        format: ValueFormat::Number { decimals: 0 },
        y_title: ctx.t("backtest19.axis"),
        y_min: Some(0.0),
        y_max: None,
        target: None,
    });
    Some(ctx.chart(
        "backtest19.by_month_title",
        Some(ctx.t("backtest19.by_month_caption")),
        spec,
    ))
}

fn model_name(m: ModelKind) -> &'static str {
    match m {
        ModelKind::Bgnbd => "BG/NBD",
        ModelKind::ParetoNbd => "Pareto/NBD",
        ModelKind::GammaGamma => "Gamma-Gamma",
    }
}

/// A finite number, or a dash (the clv stage marks failed figures with NaN or f64::MAX).
fn finite(ctx: &Ctx, v: f64, fmt: Fmt) -> String {
    if v.is_finite() && v.abs() < 1e300 {
        ctx.num(fmt, v)
    } else {
        DASH.into()
    }
}

fn intro(ctx: &Ctx, r: &ClvReport) -> Block {
    let reason = match r.model_choice {
        Some(ModelChoiceReason::Requested) => "model.reason_requested",
        Some(ModelChoiceReason::BetterHoldoutFit) => "model.reason_holdout",
        Some(ModelChoiceReason::DefaultWithoutHoldout) => "model.reason_default",
        Some(ModelChoiceReason::OnlyModelFitted) => "model.reason_only",
        None => "model.reason_none",
    };
    let basis = match r.spend_basis {
        SpendBasis::Margin => "model.basis_margin",
        SpendBasis::NetAmount => "model.basis_net",
        SpendBasis::Mixed => "model.basis_mixed",
    };
    Block::Paragraph(RichText::marked(&ctx.fill(
        "model.intro",
        &[
            ("model", r.model.map(model_name).unwrap_or(DASH)),
            ("reason", &ctx.t(reason)),
            ("customers", &ctx.num(Fmt::Int, r.customers as f64)),
            ("repeat", &ctx.num(Fmt::Int, r.repeat_customers as f64)),
            ("date", &ctx.l.date_short(r.calibration_end)),
            ("months", &r.horizon_months.to_string()),
            ("rate", &ctx.num(Fmt::Pct0, r.discount_rate)),
            ("basis", &ctx.t(basis)),
        ],
    )))
}

fn fit_row(ctx: &Ctx, m: ModelKind, params: &[(&str, f64)], d: &FitDiagnostics) -> Vec<String> {
    let params = params
        .iter()
        .map(|(n, v)| format!("{n} = {}", ctx.num(Fmt::Num(3), *v)))
        .collect::<Vec<_>>()
        .join("; ");
    vec![
        model_name(m).to_string(),
        params,
        finite(ctx, d.log_likelihood, Fmt::Num(1)),
        ctx.t(if d.converged { "model.yes" } else { "model.no" }),
        ctx.num(Fmt::Int, d.customers as f64),
    ]
}

fn fit_table(ctx: &Ctx, r: &ClvReport) -> Block {
    let mut rows = Vec::new();
    if let Some(f) = &r.bgnbd {
        let p = &f.params;
        let params = [("r", p.r), ("α", p.alpha), ("a", p.a), ("b", p.b)];
        rows.push(fit_row(ctx, ModelKind::Bgnbd, &params, &f.diagnostics));
    }
    if let Some(f) = &r.pareto_nbd {
        let p = &f.params;
        let params = [("r", p.r), ("α", p.alpha), ("s", p.s), ("β", p.beta)];
        rows.push(fit_row(ctx, ModelKind::ParetoNbd, &params, &f.diagnostics));
    }
    if let Some(f) = &r.gamma_gamma {
        let p = &f.params;
        let params = [("p", p.p), ("q", p.q), ("γ", p.gamma)];
        rows.push(fit_row(ctx, ModelKind::GammaGamma, &params, &f.diagnostics));
    }
    ctx.table(
        "model.model",
        &[
            "model.parameters",
            "model.log_likelihood",
            "model.converged",
            "table.customers",
        ],
        rows,
        Some(ctx.t("model.fit_caption")),
    )
}

fn backtest_blocks(ctx: &Ctx, r: &ClvReport) -> Vec<Block> {
    let Some(bt) = &r.backtest else {
        return vec![Block::Note(ctx.t("model.no_backtest"))];
    };
    let mut out = vec![horizon_sentence(ctx, r, bt)];
    out.push(Block::Paragraph(RichText::marked(&ctx.fill(
        "model.backtest_intro",
        &[
            ("calibration", &ctx.l.date_short(r.calibration_end)),
            ("end", &ctx.l.date_short(bt.holdout_end)),
            ("customers", &ctx.num(Fmt::Int, bt.customers as f64)),
            ("actual", &ctx.num(Fmt::Int, bt.actual_total)),
        ],
    ))));
    let rows = bt
        .models
        .iter()
        .map(|m| {
            let error = if bt.actual_total > 0.0 && m.predicted_total.is_finite() {
                ctx.l
                    .signed_percent((m.predicted_total - bt.actual_total) / bt.actual_total, 1)
            } else {
                DASH.into()
            };
            let mut name = model_name(m.model).to_string();
            if Some(m.model) == r.model {
                name = format!("{name} ({})", ctx.t("model.chosen"));
            }
            vec![
                name,
                finite(ctx, m.predicted_total, Fmt::Int),
                ctx.num(Fmt::Int, bt.actual_total),
                error,
                finite(ctx, m.mean_absolute_error, Fmt::Num(3)),
            ]
        })
        .collect();
    out.push(ctx.table(
        "model.model",
        &[
            "table.predicted",
            "table.actual",
            "table.error",
            "model.mae",
        ],
        rows,
        Some(ctx.t("model.backtest_caption")),
    ));
    if let Some(caveat) = clv_caveat(ctx) {
        out.push(Block::Note(caveat));
    }
    out.extend(by_month_chart(ctx, r, bt));
    let chosen = bt
        .models
        .iter()
        .find(|m| Some(m.model) == r.model)
        .or(bt.models.first());
    if let Some(m) = chosen {
        let rows = m
            .by_repeat_purchases
            .iter()
            .map(|b| {
                vec![
                    b.repeat_purchases.clone(),
                    ctx.num(Fmt::Int, b.customers as f64),
                    finite(ctx, b.predicted_mean, Fmt::Num(2)),
                    finite(ctx, b.actual_mean, Fmt::Num(2)),
                ]
            })
            .collect();
        out.push(ctx.table(
            "model.past_repeat",
            &["table.customers", "table.predicted", "table.actual"],
            rows,
            Some(ctx.fill("model.buckets_caption", &[("model", model_name(m.model))])),
        ));
    }
    out
}

fn warning_text(ctx: &Ctx, w: &ClvWarning) -> String {
    match w {
        ClvWarning::TooFewRepeatCustomers {
            repeat_customers,
            minimum,
        } => ctx.fill(
            "model.warn_few_repeat",
            &[
                ("n", &repeat_customers.to_string()),
                ("min", &minimum.to_string()),
            ],
        ),
        ClvWarning::FitFailed { model } => {
            ctx.fill("model.warn_fit_failed", &[("model", model_name(*model))])
        }
        ClvWarning::NotConverged { model, .. } => {
            ctx.fill("model.warn_not_converged", &[("model", model_name(*model))])
        }
        ClvWarning::ParameterAtBound { model, parameters } => ctx.fill(
            "model.warn_at_bound",
            &[
                ("model", model_name(*model)),
                ("params", &parameters.join(", ")),
            ],
        ),
        ClvWarning::TooFewSpendCustomers { customers, minimum } => ctx.fill(
            "model.warn_few_spend",
            &[("n", &customers.to_string()), ("min", &minimum.to_string())],
        ),
        ClvWarning::NonPositiveSpend { customers } => {
            ctx.fill("model.warn_non_positive", &[("n", &customers.to_string())])
        }
        ClvWarning::InfiniteMeanSpend { q } => ctx.fill(
            "model.warn_infinite_mean",
            &[("q", &ctx.num(Fmt::Num(2), *q))],
        ),
        ClvWarning::MixedSpendBasis => ctx.t("model.warn_mixed"),
        ClvWarning::PredictionFailed { model, customers } => ctx.fill(
            "model.warn_prediction_failed",
            &[("model", model_name(*model)), ("n", &customers.to_string())],
        ),
    }
}

pub(super) fn blocks(ctx: &Ctx) -> Vec<Block> {
    let models = ctx.input.models;
    let mut out = Vec::new();
    match &models.scoring {
        Ok(r) => {
            out.push(intro(ctx, r));
            out.push(fit_table(ctx, r));
            out.extend(r.warnings.iter().map(|w| Block::Note(warning_text(ctx, w))));
        }
        Err(e) => out.push(Block::Note(ctx.fill("model.failed", &[("error", e)]))),
    }
    match &models.backtest {
        Ok(r) => {
            out.extend(backtest_blocks(ctx, r));
            // The backtest's own fits can warn too (e.g. a model that did not converge there).
            out.extend(r.warnings.iter().map(|w| {
                Block::Note(format!(
                    "{} {}",
                    ctx.t("model.in_backtest"),
                    warning_text(ctx, w)
                ))
            }));
        }
        Err(e) => out.push(Block::Note(
            ctx.fill("model.backtest_failed", &[("error", e)]),
        )),
    }
    out
}
