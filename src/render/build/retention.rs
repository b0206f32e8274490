//! The Retention section: trend of the last 8 periods, customer flow, retention figures against
//! P−1 and P−12m, and the cohorts (render stage, report builder).

use super::context::{Ctx, Fmt};
use crate::period::Period;
use crate::render::charts::{
    ChartSpec, LineChart, Series, StepKind, Target, ValueFormat, Waterfall, WaterfallStep,
};
use crate::render::document::{Block, Section, SectionKind};
use crate::render::rich::RichText;

/// Start → lapsed → new → reactivated → end, when the base can be measured.
pub(super) fn flow_chart(ctx: &Ctx) -> Option<ChartSpec> {
    let b = &ctx.snapshots()[0].base;
    let step = |key: &str, value: f64, kind| WaterfallStep {
        label: ctx.t(key),
        value,
        kind,
    };
    Some(ChartSpec::Waterfall(Waterfall {
        steps: vec![
            step("flow.start", b.start_base.value?, StepKind::Total),
            step("flow.lapsed", b.lapsed.value?, StepKind::Decrease),
            step("flow.new", b.new_customers.value?, StepKind::Increase),
            step("flow.reactivated", b.reactivated.value?, StepKind::Increase),
            step("flow.end", b.end_base.value?, StepKind::Total),
        ],
        format: ValueFormat::Number { decimals: 0 },
        y_title: ctx.t("axis.customers"),
    }))
}

/// The tick of a trend period (`T3 26`).
pub(super) fn tick(ctx: &Ctx, label: &crate::indicators::PeriodLabel) -> String {
    let p = Period::containing(ctx.ind().core.periods.granularity, label.start);
    ctx.l.period_tick(&p)
}

fn intro(ctx: &Ctx) -> Block {
    let b = &ctx.snapshots()[0].base;
    let target = ctx.input.config.targets.retention_rate;
    let text = match (b.retention_rate.value, b.start_base.value) {
        (Some(crr), Some(_)) => {
            let vs_key = if crr >= target {
                "retention.above_target"
            } else {
                "retention.below_target"
            };
            let vs = ctx.fill(vs_key, &[("target", &ctx.num(Fmt::Pct0, target))]);
            ctx.fill(
                "retention.intro",
                &[
                    ("start", &ctx.fig(&b.start_base, Fmt::Int)),
                    ("retained", &ctx.fig(&b.retained, Fmt::Int)),
                    ("crr", &ctx.num(Fmt::Pct, crr)),
                    ("vs_target", &vs),
                    ("lapsed", &ctx.fig(&b.lapsed, Fmt::Int)),
                    ("new", &ctx.fig(&b.new_customers, Fmt::Int)),
                    ("reactivated", &ctx.fig(&b.reactivated, Fmt::Int)),
                    ("end", &ctx.fig(&b.end_base, Fmt::Int)),
                ],
            )
        }
        _ => ctx.fill(
            "retention.intro_missing",
            &[(
                "reason",
                &b.retention_rate
                    .missing
                    .map(|m| ctx.reason(m))
                    .unwrap_or_default(),
            )],
        ),
    };
    Block::Paragraph(RichText::marked(&text))
}

fn trend_chart(ctx: &Ctx) -> Block {
    let trend = &ctx.ind().core.trend;
    let target = ctx.input.config.targets.retention_rate;
    ctx.chart(
        "chart.retention_trend",
        Some(ctx.t("retention.trend_caption")),
        ChartSpec::Line(LineChart {
            x_labels: trend.iter().map(|p| tick(ctx, &p.period)).collect(),
            series: vec![
                Series {
                    name: ctx.t("series.retention"),
                    values: trend.iter().map(|p| p.retention_rate.value).collect(),
                },
                Series {
                    name: ctx.t("series.churn"),
                    values: trend.iter().map(|p| p.churn_rate.value).collect(),
                },
            ],
            format: ValueFormat::Percent { decimals: 1 },
            y_title: ctx.t("axis.rate"),
            y_min: Some(0.0),
            y_max: Some(1.0),
            target: Some(Target {
                value: target,
                label: ctx.fill("tile.target", &[("value", &ctx.num(Fmt::Pct0, target))]),
            }),
        }),
    )
}

pub(super) fn section(ctx: &Ctx) -> Section {
    let s = ctx.snapshots();
    let mut blocks = vec![intro(ctx), trend_chart(ctx)];
    if let Some(spec) = flow_chart(ctx) {
        blocks.push(ctx.chart(
            "chart.customer_flow",
            Some(ctx.t("retention.flow_caption")),
            spec,
        ));
    }
    blocks.push(Block::Subheading(ctx.t("retention.figures")));
    let f = |pick: fn(&crate::indicators::Snapshot) -> &crate::figure::Figure| {
        [pick(s[0]), pick(s[1]), pick(s[2])]
    };
    blocks.push(ctx.comparison(&[
        ("flow.start", f(|x| &x.base.start_base), Fmt::Int),
        ("flow.lapsed", f(|x| &x.base.lapsed), Fmt::Int),
        ("flow.new", f(|x| &x.base.new_customers), Fmt::Int),
        ("flow.reactivated", f(|x| &x.base.reactivated), Fmt::Int),
        ("flow.end", f(|x| &x.base.end_base), Fmt::Int),
        ("series.retention", f(|x| &x.base.retention_rate), Fmt::Pct),
        ("series.churn", f(|x| &x.base.churn_rate), Fmt::Pct),
        (
            "retention.textbook",
            f(|x| &x.base.textbook_retention_rate),
            Fmt::Pct,
        ),
        (
            "series.period_retention",
            f(|x| &x.retention.period_over_period),
            Fmt::Pct,
        ),
        (
            "series.repeat_rate",
            f(|x| &x.retention.repeat_purchase_rate),
            Fmt::Pct,
        ),
    ]));
    blocks.extend(super::cohorts::blocks(ctx));
    Section {
        kind: SectionKind::Retention,
        blocks,
    }
}
