//! The Complaints and satisfaction section, complaints part: volume, Pareto, channel and
//! severity, resolution times and SLA, backlog, complainers' churn and CLV at risk (render
//! stage, report builder).

use super::context::{Ctx, Fmt};
use crate::figure::{Figure, Missing};
use crate::indicators::ServiceSnapshot;
use crate::indicators::breakdown::{Breakdown, Bucket};
use crate::render::charts::{BarChart, ChartSpec, Pareto, ValueFormat};
use crate::render::document::{Block, KeyFigure, Section, SectionKind};
use crate::render::rich::RichText;

/// Categories drawn in the section's Pareto chart; the rest are folded into "Other".
const PARETO_CATEGORIES: usize = 8;

/// Complaints by category, largest first, at most `n` bars (the last one folding the rest).
pub(super) fn pareto_chart(ctx: &Ctx, n: usize) -> Option<ChartSpec> {
    let by = &ctx.service()[0].complaints.by_category;
    if by.rows.is_empty() || by.total == 0 {
        return None;
    }
    let mut categories: Vec<String> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    for (i, row) in by.rows.iter().enumerate() {
        if i + 1 < n || by.rows.len() <= n {
            categories.push(ctx.label_or_none(&row.label));
            values.push(row.count as f64);
        } else {
            let rest: u64 = by.rows[i..].iter().map(|r| r.count).sum();
            categories.push(ctx.t("table.other"));
            values.push(rest as f64);
            break;
        }
    }
    Some(ChartSpec::Pareto(Pareto {
        categories,
        values,
        format: ValueFormat::Number { decimals: 0 },
        y_title: ctx.t("axis.complaints"),
        cumulative_label: ctx.t("chart.cumulative"),
    }))
}

/// Label | complaints | share, one row per label.
fn breakdown_table(ctx: &Ctx, label_key: &str, b: &Breakdown) -> Option<Block> {
    if b.rows.is_empty() {
        return None;
    }
    let rows = b
        .rows
        .iter()
        .map(|r| {
            vec![
                ctx.label_or_none(&r.label),
                ctx.num(Fmt::Int, r.count as f64),
                ctx.num(Fmt::Pct0, r.share),
            ]
        })
        .collect();
    Some(ctx.table(label_key, &["table.complaints", "table.share"], rows, None))
}

/// Bars of a histogram from the indicators' buckets.
pub(super) fn bucket_bars(ctx: &Ctx, buckets: &[Bucket], x_key: &str, y_key: &str) -> ChartSpec {
    ChartSpec::Bars(BarChart {
        categories: buckets.iter().map(|b| b.label.clone()).collect(),
        values: buckets.iter().map(|b| b.count as f64).collect(),
        format: ValueFormat::Number { decimals: 0 },
        x_title: ctx.t(x_key),
        y_title: ctx.t(y_key),
        highlight: None,
    })
}

fn intro(ctx: &Ctx) -> Block {
    let c = &ctx.service()[0].complaints;
    let text = ctx.fill(
        "complaints.intro",
        &[
            ("opened", &ctx.fig(&c.opened, Fmt::Int)),
            ("per100", &ctx.fig(&c.per_100_active_customers, Fmt::Num(1))),
            ("per1000", &ctx.fig(&c.per_1000_invoices, Fmt::Num(1))),
            ("median", &ctx.fig(&c.resolution.median_hours, Fmt::Hours)),
            ("p90", &ctx.fig(&c.resolution.p90_hours, Fmt::Hours)),
            ("sla", &ctx.fig(&c.resolution.within_sla, Fmt::Pct0)),
        ],
    );
    Block::Paragraph(RichText::marked(&text))
}

fn figures_table(ctx: &Ctx) -> Block {
    let s = ctx.service();
    let f = |pick: fn(&ServiceSnapshot) -> &Figure| [pick(s[0]), pick(s[1]), pick(s[2])];
    ctx.comparison(&[
        ("complaints.opened", f(|x| &x.complaints.opened), Fmt::Int),
        (
            "tile.complaints_per_100",
            f(|x| &x.complaints.per_100_active_customers),
            Fmt::Num(1),
        ),
        (
            "complaints.per_1000",
            f(|x| &x.complaints.per_1000_invoices),
            Fmt::Num(1),
        ),
        (
            "complaints.complainers",
            f(|x| &x.complaints.complainers),
            Fmt::Int,
        ),
        (
            "complaints.repeat",
            f(|x| &x.complaints.repeat_complainers),
            Fmt::Int,
        ),
        (
            "complaints.reopen",
            f(|x| &x.complaints.reopen_rate),
            Fmt::Pct,
        ),
        (
            "complaints.fcr",
            f(|x| &x.complaints.first_contact_resolution),
            Fmt::Pct,
        ),
        (
            "complaints.resolved",
            f(|x| &x.complaints.resolution.resolved),
            Fmt::Int,
        ),
        (
            "table.median",
            f(|x| &x.complaints.resolution.median_hours),
            Fmt::Hours,
        ),
        (
            "table.p90",
            f(|x| &x.complaints.resolution.p90_hours),
            Fmt::Hours,
        ),
        (
            "table.within_sla",
            f(|x| &x.complaints.resolution.within_sla),
            Fmt::Pct,
        ),
        (
            "complaints.backlog",
            f(|x| &x.complaints.backlog.open),
            Fmt::Int,
        ),
    ])
}

fn resolution_blocks(ctx: &Ctx) -> Vec<Block> {
    let c = &ctx.service()[0].complaints;
    let r = &c.resolution;
    let mut out = vec![Block::Subheading(ctx.t("complaints.resolution_title"))];
    if r.histogram.iter().any(|b| b.count > 0) {
        let default_sla = ctx.input.config.indicators.sla_for(None);
        out.push(
            ctx.chart(
                "chart.resolution_time",
                Some(
                    ctx.fill(
                        "complaints.resolution_caption",
                        &[
                            ("resolved", &ctx.fig(&r.resolved, Fmt::Int)),
                            ("sla", &ctx.fig(&r.within_sla, Fmt::Pct0)),
                            (
                                "default",
                                &default_sla
                                    .map(|h| ctx.num(Fmt::Hours, h))
                                    .unwrap_or_default(),
                            ),
                        ],
                    ),
                ),
                bucket_bars(ctx, &r.histogram, "axis.hours", "axis.complaints"),
            ),
        );
    } else {
        let reason = r
            .missing
            .map(|m| ctx.reason(m))
            .unwrap_or_else(|| ctx.t("missing.empty_base"));
        out.push(Block::Note(
            ctx.fill("note.chart_omitted", &[("reason", &reason)]),
        ));
    }
    let b = &c.backlog;
    out.push(Block::Subheading(ctx.t("complaints.backlog_title")));
    out.push(Block::KeyFigures(vec![
        ctx.key_figure("complaints.backlog", ctx.fig_why(&b.open, Fmt::Int)),
        ctx.key_figure(
            "complaints.median_age",
            ctx.fig_why(&b.median_age_days, Fmt::Days),
        ),
        ctx.key_figure(
            "complaints.oldest",
            ctx.fig_why(&b.oldest_age_days, Fmt::Days),
        ),
        ctx.key_figure("complaints.reopen", ctx.fig_why(&c.reopen_rate, Fmt::Pct)),
        ctx.key_figure(
            "complaints.fcr",
            ctx.fig_why(&c.first_contact_resolution, Fmt::Pct),
        ),
        ctx.key_figure(
            "complaints.repeat_share",
            ctx.fig_why(&c.repeat_complainer_share, Fmt::Pct),
        ),
    ]));
    if b.ages.iter().any(|a| a.count > 0) {
        let rows = b
            .ages
            .iter()
            .map(|a| vec![a.label.clone(), ctx.num(Fmt::Int, a.count as f64)])
            .collect();
        out.push(ctx.table("complaints.age", &["table.complaints"], rows, None));
    }
    out
}

fn loyalty_blocks(ctx: &Ctx) -> Vec<Block> {
    let cc = &ctx.snapshots()[0].complainer_churn;
    let risk = &ctx.ind().core.clv_at_risk;
    let mut out = vec![Block::Subheading(ctx.t("complaints.loyalty_title"))];
    let row = |label: String, n: &Figure, lapsed: &Figure, churn: &Figure| {
        vec![
            label,
            ctx.fig(n, Fmt::Int),
            ctx.fig(lapsed, Fmt::Int),
            ctx.fig(churn, Fmt::Pct),
        ]
    };
    let window = ctx.ind().core.activity_window_days.to_string();
    let days = [("days", window.as_str())];
    out.push(ctx.table(
        "table.group",
        &["table.customers", "flow.lapsed", "table.churn"],
        vec![
            row(
                ctx.fill("complaints.group_complainers", &days),
                &cc.complainers,
                &cc.complainers_lapsed,
                &cc.complainer_churn_rate,
            ),
            row(
                ctx.t("complaints.group_others"),
                &cc.others,
                &cc.others_lapsed,
                &cc.other_churn_rate,
            ),
        ],
        Some(ctx.fill("complaints.loyalty_caption", &days)),
    ));
    let basis = match risk.basis {
        crate::indicators::clv_hist::ClvBasis::Predictive => ctx.t("value.basis_predictive"),
        crate::indicators::clv_hist::ClvBasis::Historical => ctx.t("value.basis_historical"),
    };
    out.push(Block::KeyFigures(vec![
        ctx.key_figure(
            "complaints.relative_risk",
            ctx.fig_why(&cc.relative_risk, Fmt::Times),
        ),
        ctx.key_figure(
            "complaints.at_risk_customers",
            ctx.fig_why(&risk.customers, Fmt::Int),
        ),
        KeyFigure {
            label: format!("{} ({basis})", ctx.t("complaints.clv_at_risk")),
            value: ctx.fig_why(&risk.clv, Fmt::Money),
        },
    ]));
    out
}

pub(super) fn section(ctx: &Ctx) -> Section {
    let c = &ctx.service()[0].complaints;
    let no_complaints = c.opened.missing == Some(Missing::NoTable);
    let no_surveys = ctx.service()[0].satisfaction.nps.missing == Some(Missing::NoTable)
        && ctx.service()[0].satisfaction.csat.missing == Some(Missing::NoTable);
    let blocks = match (no_complaints, no_surveys) {
        (true, true) => vec![ctx.omitted("note.no_complaints_surveys")],
        (true, false) => {
            let mut b = vec![ctx.part_omitted("note.no_complaints")];
            b.extend(super::satisfaction::blocks(ctx));
            b
        }
        (false, _) => {
            let mut b = vec![intro(ctx), figures_table(ctx)];
            if let Some(spec) = pareto_chart(ctx, PARETO_CATEGORIES) {
                b.push(ctx.chart("chart.complaint_pareto", None, spec));
            }
            b.extend(breakdown_table(ctx, "table.channel", &c.by_channel));
            b.extend(breakdown_table(ctx, "table.severity", &c.by_severity));
            b.extend(resolution_blocks(ctx));
            b.extend(loyalty_blocks(ctx));
            b.extend(super::satisfaction::blocks(ctx));
            b
        }
    };
    Section {
        kind: SectionKind::ComplaintsSatisfaction,
        blocks,
    }
}
