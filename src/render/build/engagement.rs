//! The Contact and engagement section: interactions, channel mix, contact regularity,
//! neglected valuable customers, sales contacts during open complaints and cross-selling
//! (render stage, report builder).

use super::complaints::bucket_bars;
use super::context::{Ctx, DASH, Fmt};
use crate::figure::{Figure, Missing};
use crate::indicators::ServiceSnapshot;
use crate::indicators::neglected_customers::ValueBasis;
use crate::render::charts::{ChartSpec, StackedBars};
use crate::render::document::{Block, Column, Section, SectionKind, Table};
use crate::render::rich::RichText;

/// Rows of the neglected-customer and sales-during-complaint lists printed.
const LIST_ROWS: usize = 20;

fn intro(ctx: &Ctx) -> Block {
    let e = &ctx.service()[0].engagement;
    Block::Paragraph(RichText::marked(&ctx.fill(
        "engagement.intro",
        &[
            ("n", &ctx.fig(&e.interactions, Fmt::Int)),
            (
                "per",
                &ctx.fig(&e.interactions_per_active_customer, Fmt::Num(1)),
            ),
            ("median", &ctx.fig(&e.recency.median_days, Fmt::Days)),
            ("never", &ctx.fig(&e.recency.never_contacted, Fmt::Int)),
            (
                "never_share",
                &ctx.fig(&e.recency.never_contacted_share, Fmt::Pct0),
            ),
        ],
    )))
}

fn figures_table(ctx: &Ctx) -> Block {
    let s = ctx.service();
    let f = |pick: fn(&ServiceSnapshot) -> &Figure| [pick(s[0]), pick(s[1]), pick(s[2])];
    ctx.comparison(&[
        (
            "table.interactions",
            f(|x| &x.engagement.interactions),
            Fmt::Int,
        ),
        (
            "engagement.per_customer",
            f(|x| &x.engagement.interactions_per_active_customer),
            Fmt::Num(2),
        ),
        (
            "engagement.median_days",
            f(|x| &x.engagement.recency.median_days),
            Fmt::Days,
        ),
        (
            "engagement.never",
            f(|x| &x.engagement.recency.never_contacted_share),
            Fmt::Pct,
        ),
        (
            "engagement.neglected",
            f(|x| &x.engagement.neglected.neglected),
            Fmt::Int,
        ),
        (
            "engagement.sales_during",
            f(|x| &x.complaints.sales_during_open_complaints.contacts),
            Fmt::Int,
        ),
    ])
}

/// Channel shares of P−12m, P−1 and P, channels in P's order.
fn channel_mix(ctx: &Ctx) -> Option<Block> {
    let snaps = ctx.service();
    let mut channels: Vec<String> = Vec::new();
    for s in snaps {
        for r in &s.engagement.channel_mix.rows {
            let label = ctx.label_or_none(&r.label);
            if !channels.contains(&label) {
                channels.push(label);
            }
        }
    }
    let mut rows = Vec::new();
    let mut values = Vec::new();
    for s in snaps.iter().rev() {
        let mix = &s.engagement.channel_mix;
        if mix.total == 0 {
            continue;
        }
        let p =
            crate::period::Period::containing(ctx.ind().core.periods.granularity, s.period.start);
        rows.push(ctx.l.period_short(&p));
        values.push(
            channels
                .iter()
                .map(|c| {
                    mix.rows
                        .iter()
                        .find(|r| &ctx.label_or_none(&r.label) == c)
                        .map(|r| r.count as f64)
                        .unwrap_or(0.0)
                })
                .collect(),
        );
    }
    if rows.is_empty() {
        return None;
    }
    Some(ctx.chart(
        "chart.channel_mix",
        Some(ctx.t("engagement.mix_caption")),
        ChartSpec::Stacked(StackedBars {
            rows,
            segments: channels,
            values,
        }),
    ))
}

fn neglected_blocks(ctx: &Ctx) -> Vec<Block> {
    let n = &ctx.service()[0].engagement.neglected;
    let days = ctx.input.config.indicators.neglect_days.to_string();
    let basis = match n.basis {
        ValueBasis::PredictiveClv => ctx.t("value.basis_predictive"),
        ValueBasis::HistoricalClv => ctx.t("value.basis_historical"),
    };
    let mut out = vec![
        Block::Subheading(ctx.fill("engagement.neglected_title", &[("days", &days)])),
        Block::KeyFigures(vec![
            ctx.key_figure(
                "engagement.top_decile",
                ctx.fig_why(&n.top_decile, Fmt::Int),
            ),
            ctx.key_figure("engagement.neglected", ctx.fig_why(&n.neglected, Fmt::Int)),
            ctx.key_figure(
                "engagement.neglected_share",
                ctx.fig_why(&n.share_of_top_decile, Fmt::Pct0),
            ),
            ctx.key_figure(
                "engagement.value_at_stake",
                ctx.fig_why(&n.value_at_stake, Fmt::Money),
            ),
        ]),
    ];
    if n.list.is_empty() {
        return out;
    }
    let rows = n
        .list
        .iter()
        .take(LIST_ROWS)
        .map(|c| {
            vec![
                c.customer_id.clone(),
                c.name.clone().unwrap_or_else(|| DASH.into()),
                ctx.num(Fmt::Money, c.value),
                c.days_since_last_contact
                    .map(|d| ctx.num(Fmt::Days, d as f64))
                    .unwrap_or_else(|| ctx.t("engagement.never_contacted")),
            ]
        })
        .collect();
    out.push(Block::Table(Table {
        columns: vec![
            Column::text(&ctx.t("table.id")),
            Column::text(&ctx.t("table.customer")),
            Column::figure(&ctx.t("table.value")),
            Column::figure(&ctx.t("table.days_since_contact")),
        ],
        rows,
        caption: Some(ctx.fill(
            "engagement.neglected_caption",
            &[
                ("shown", &n.list.len().min(LIST_ROWS).to_string()),
                ("n", &ctx.fig(&n.neglected, Fmt::Int)),
                ("basis", &basis),
                ("days", &days),
            ],
        )),
    }));
    out
}

fn sales_blocks(ctx: &Ctx) -> Vec<Block> {
    let s = &ctx.service()[0].complaints.sales_during_open_complaints;
    let mut out = vec![Block::Subheading(ctx.t("engagement.sales_title"))];
    if s.contacts.missing == Some(Missing::NoTable) {
        out.push(ctx.part_omitted("note.no_complaints"));
        return out;
    }
    out.push(Block::KeyFigures(vec![
        ctx.key_figure(
            "engagement.sales_during",
            ctx.fig_why(&s.contacts, Fmt::Int),
        ),
        ctx.key_figure(
            "engagement.sales_customers",
            ctx.fig_why(&s.customers, Fmt::Int),
        ),
    ]));
    if s.list.is_empty() {
        return out;
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| DASH.into());
    let rows = s
        .list
        .iter()
        .take(LIST_ROWS)
        .map(|c| {
            vec![
                ctx.l.date_short(c.date.date()),
                c.customer_id.clone(),
                opt(&c.channel),
                opt(&c.employee),
                opt(&c.complaint_id),
                opt(&c.category),
                ctx.l.date_short(c.complaint_opened_at.date()),
            ]
        })
        .collect();
    let header = |k: &str| Column::text(&ctx.t(k));
    out.push(Block::Table(Table {
        columns: vec![
            header("table.date"),
            header("table.id"),
            header("table.channel"),
            header("table.employee"),
            header("table.complaint"),
            header("table.category"),
            header("table.opened"),
        ],
        rows,
        caption: Some(ctx.fill(
            "engagement.sales_caption",
            &[
                ("shown", &s.list.len().min(LIST_ROWS).to_string()),
                ("n", &ctx.fig(&s.contacts, Fmt::Int)),
            ],
        )),
    }));
    out
}

fn cross_selling_blocks(ctx: &Ctx) -> Vec<Block> {
    let c = &ctx.service()[0].engagement.cross_selling;
    let mut out = vec![
        Block::Subheading(ctx.t("engagement.cross_title")),
        Block::KeyFigures(vec![
            ctx.key_figure(
                "engagement.cross_customers",
                ctx.fig_why(&c.customers, Fmt::Int),
            ),
            ctx.key_figure(
                "engagement.mean_categories",
                ctx.fig_why(&c.mean_categories, Fmt::Num(1)),
            ),
            ctx.key_figure(
                "engagement.single_category",
                ctx.fig_why(&c.single_category_share, Fmt::Pct0),
            ),
        ]),
    ];
    if c.distribution.iter().any(|b| b.count > 0) {
        out.push(ctx.chart(
            "chart.categories",
            None,
            bucket_bars(ctx, &c.distribution, "axis.categories", "axis.customers"),
        ));
    }
    out
}

pub(super) fn section(ctx: &Ctx) -> Section {
    let e = &ctx.service()[0].engagement;
    let mut blocks = Vec::new();
    if e.interactions.missing == Some(Missing::NoTable) {
        blocks.push(ctx.part_omitted("note.no_interactions"));
    } else {
        blocks.push(intro(ctx));
        blocks.push(figures_table(ctx));
        blocks.extend(channel_mix(ctx));
        if e.recency.days.iter().any(|b| b.count > 0) {
            blocks.push(ctx.chart(
                "chart.contact_recency",
                Some(ctx.t("engagement.recency_caption")),
                bucket_bars(
                    ctx,
                    &e.recency.days,
                    "axis.days_since_contact",
                    "axis.customers",
                ),
            ));
        }
        blocks.extend(neglected_blocks(ctx));
        blocks.extend(sales_blocks(ctx));
    }
    blocks.extend(cross_selling_blocks(ctx));
    Section {
        kind: SectionKind::ContactEngagement,
        blocks,
    }
}
