//! The Customer value section: revenue figures, lifetime value, profitability, RFM, top
//! customers and acquisition cost (render stage, report builder).

use super::context::{Ctx, Fmt};
use crate::figure::Figure;
use crate::indicators::Snapshot;
use crate::indicators::clv_hist::ClvBasis;
use crate::render::charts::{BarChart, ChartSpec, ValueFormat, WhaleCurve};
use crate::render::document::{Block, Section, SectionKind};
use crate::render::rich::RichText;

fn intro(ctx: &Ctx) -> Block {
    let r = &ctx.snapshots()[0].revenue;
    let p = &ctx.snapshots()[0].profitability;
    let text = ctx.fill(
        "value.intro",
        &[
            ("revenue", &ctx.fig(&r.revenue, Fmt::Compact)),
            ("customers", &ctx.fig(&r.active_in_period, Fmt::Int)),
            ("margin_rate", &ctx.fig(&r.gross_margin_rate, Fmt::Pct)),
            ("aov", &ctx.fig(&r.average_order_value, Fmt::Money)),
            ("top20", &ctx.fig(&p.top20_margin_share, Fmt::Pct0)),
        ],
    );
    Block::Paragraph(RichText::marked(&text))
}

fn revenue_table(ctx: &Ctx) -> Block {
    let s = ctx.snapshots();
    let f = |pick: fn(&Snapshot) -> &Figure| [pick(s[0]), pick(s[1]), pick(s[2])];
    let mut rows = vec![
        ("table.revenue", f(|x| &x.revenue.revenue), Fmt::Money),
        (
            "value.gross_margin",
            f(|x| &x.revenue.gross_margin),
            Fmt::Money,
        ),
        (
            "value.gross_margin_rate",
            f(|x| &x.revenue.gross_margin_rate),
            Fmt::Pct,
        ),
        ("value.invoices", f(|x| &x.revenue.invoices), Fmt::Int),
        (
            "value.active_in_period",
            f(|x| &x.revenue.active_in_period),
            Fmt::Int,
        ),
        (
            "value.frequency",
            f(|x| &x.revenue.purchase_frequency),
            Fmt::Num(2),
        ),
        (
            "value.aov",
            f(|x| &x.revenue.average_order_value),
            Fmt::Money,
        ),
        (
            "yoy.nrr",
            f(|x| &x.revenue.net_revenue_retention_yoy),
            Fmt::Pct,
        ),
        (
            "yoy.grr",
            f(|x| &x.revenue.gross_revenue_retention_yoy),
            Fmt::Pct,
        ),
        (
            "yoy.customers",
            f(|x| &x.revenue.revenue_retention_yoy_customers),
            Fmt::Int,
        ),
        (
            "value.nrr",
            f(|x| &x.revenue.net_revenue_retention),
            Fmt::Pct,
        ),
        (
            "value.grr",
            f(|x| &x.revenue.gross_revenue_retention),
            Fmt::Pct,
        ),
    ];
    if s[0].revenue.invoices_are_purchase_days {
        rows[3].0 = "value.invoices_as_days";
    }
    ctx.comparison(&rows)
}

fn clv_blocks(ctx: &Ctx) -> Vec<Block> {
    let d = &ctx.ind().core.clv_distribution;
    let hist = &ctx.snapshots()[0].clv;
    let mut figures = Vec::new();
    if let Ok(r) = &ctx.input.models.scoring
        && r.model.is_some()
    {
        let pop = &r.population;
        let months = r.horizon_months.to_string();
        let mut mean = ctx.key_figure("value.mean_clv", ctx.fig_why(&pop.mean_clv, Fmt::Money));
        mean.label = ctx.fill("value.mean_clv", &[("months", &months)]);
        figures.push(mean);
        figures.push(ctx.key_figure("value.total_clv", ctx.fig(&pop.total_clv, Fmt::Compact)));
        figures.push(ctx.key_figure("value.mean_p_alive", ctx.fig(&pop.mean_p_alive, Fmt::Pct0)));
        figures.push(ctx.key_figure(
            "value.expected_90d",
            ctx.fig(&pop.expected_purchases_90d, Fmt::Int),
        ));
    }
    figures.push(ctx.key_figure("value.hist_mean", ctx.fig_why(&hist.average, Fmt::Money)));
    figures.push(ctx.key_figure("value.hist_median", ctx.fig_why(&hist.median, Fmt::Money)));
    let mut out = vec![
        Block::Subheading(ctx.t("value.clv_title")),
        Block::KeyFigures(figures),
    ];
    // Issue 19: a poor backtest is said beside the predictive figures.
    if let Some(caveat) = super::model_fit::clv_caveat(ctx) {
        out.push(Block::Note(caveat));
    }
    if d.decile_shares.is_empty() {
        out.push(Block::Note(ctx.fill(
            "note.chart_omitted",
            &[("reason", &ctx.t("missing.empty_base"))],
        )));
        return out;
    }
    let pct = |i: usize| {
        d.percentiles
            .get(i)
            .map(|v| ctx.num(Fmt::Money, *v))
            .unwrap_or_else(|| super::context::DASH.into())
    };
    out.push(ctx.chart(
        "chart.clv_distribution",
        Some(ctx.fill(
            "value.clv_caption",
            &[
                ("customers", &ctx.fig(&d.customers, Fmt::Int)),
                ("p50", &pct(4)),
                ("p90", &pct(8)),
                ("mean", &ctx.fig(&d.mean, Fmt::Money)),
            ],
        )),
        ChartSpec::Bars(BarChart {
            categories: (1..=d.decile_shares.len()).map(|k| k.to_string()).collect(),
            values: d.decile_shares.clone(),
            format: ValueFormat::Percent { decimals: 0 },
            x_title: ctx.t("axis.clv_decile"),
            y_title: ctx.t("axis.share"),
            highlight: Some(0),
        }),
    ));
    out
}

fn profitability_blocks(ctx: &Ctx) -> Vec<Block> {
    let p = &ctx.snapshots()[0].profitability;
    let w = &ctx.ind().core.whale_curve;
    let mut out = vec![
        Block::Subheading(ctx.t("value.profitability_title")),
        Block::KeyFigures(vec![
            ctx.key_figure(
                "value.top20_share",
                ctx.fig_why(&p.top20_margin_share, Fmt::Pct0),
            ),
            ctx.key_figure(
                "value.margin_per_customer",
                ctx.fig_why(&p.margin_per_customer, Fmt::Money),
            ),
            ctx.key_figure(
                "value.unprofitable",
                ctx.fig_why(&p.unprofitable_customers, Fmt::Int),
            ),
            ctx.key_figure(
                "value.unprofitable_margin",
                ctx.fig_why(&p.unprofitable_contribution, Fmt::Money),
            ),
        ]),
    ];
    let points: Vec<(f64, f64)> = w
        .points
        .iter()
        .filter_map(|pt| pt.cumulative_share.map(|c| (pt.customer_share, c)))
        .collect();
    if points.len() < 2 {
        out.push(Block::Note(ctx.fill(
            "note.chart_omitted",
            &[("reason", &ctx.t("note.no_cost"))],
        )));
        return out;
    }
    let charged = if p.complaints_charged {
        ctx.fill(
            "value.whale_charged",
            &[(
                "cost",
                &ctx.num(Fmt::Money, ctx.input.config.indicators.cost_per_complaint),
            )],
        )
    } else {
        ctx.t("value.whale_uncharged")
    };
    out.push(ctx.chart(
        "chart.whale_curve",
        Some(format!(
            "{} {charged}",
            ctx.fill(
                "value.whale_caption",
                &[
                    ("peak", &ctx.fig(&w.peak_share, Fmt::Pct0)),
                    ("at", &ctx.fig(&w.peak_customer_share, Fmt::Pct0)),
                ],
            )
        )),
        ChartSpec::Whale(WhaleCurve {
            points,
            x_title: ctx.t("axis.share_of_customers"),
            y_title: ctx.t("axis.cumulative_margin"),
        }),
    ));
    out
}

fn acquisition_blocks(ctx: &Ctx) -> Vec<Block> {
    let c = &ctx.ind().core.clv_to_cac;
    let a = &ctx.snapshots()[0].acquisition;
    let mut out = vec![Block::Subheading(ctx.t("value.cac_title"))];
    if c.average_cac.value.is_none() && a.cac.value.is_none() {
        let reason = c.average_cac.missing.or(a.cac.missing);
        out.push(Block::Note(ctx.fill(
            "value.no_cac",
            &[("reason", &reason.map(|m| ctx.reason(m)).unwrap_or_default())],
        )));
        return out;
    }
    let basis = match c.basis {
        ClvBasis::Predictive => ctx.t("value.basis_predictive"),
        ClvBasis::Historical => ctx.t("value.basis_historical"),
    };
    out.push(Block::KeyFigures(vec![
        ctx.key_figure("value.cac_new", ctx.fig_why(&a.cac, Fmt::Money)),
        ctx.key_figure("value.cac_all", ctx.fig_why(&c.average_cac, Fmt::Money)),
        ctx.key_figure(
            "value.clv_compared",
            ctx.fig_why(&c.average_clv, Fmt::Money),
        ),
        ctx.key_figure("value.clv_to_cac", ctx.fig_why(&c.ratio, Fmt::Times)),
    ]));
    out.push(Block::Note(ctx.fill(
        "value.cac_note",
        &[
            ("customers", &ctx.fig(&c.customers, Fmt::Int)),
            ("basis", &basis),
        ],
    )));
    out
}

pub(super) fn section(ctx: &Ctx) -> Section {
    let mut blocks = vec![intro(ctx), revenue_table(ctx)];
    blocks.extend(clv_blocks(ctx));
    blocks.extend(profitability_blocks(ctx));
    blocks.extend(super::rfm::blocks(ctx));
    blocks.extend(super::top_customers::blocks(ctx));
    blocks.extend(acquisition_blocks(ctx));
    Section {
        kind: SectionKind::Value,
        blocks,
    }
}
