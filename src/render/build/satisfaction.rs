//! The satisfaction part of the Complaints and satisfaction section: NPS and CSAT with their
//! trend, distributions and coverage (render stage, report builder).

use super::context::{Ctx, Fmt};
use crate::figure::{Figure, Missing};
use crate::indicators::ServiceSnapshot;
use crate::indicators::satisfaction::ScoreDistribution;
use crate::render::charts::{BarChart, ChartSpec, LineChart, Series, Target, ValueFormat};
use crate::render::document::Block;
use crate::render::rich::RichText;

fn distribution_chart(ctx: &Ctx, key: &str, d: &ScoreDistribution) -> Option<Block> {
    if d.counts.iter().all(|c| c.count == 0) {
        return None;
    }
    Some(ctx.chart(
        key,
        None,
        ChartSpec::Bars(BarChart {
            categories: d.counts.iter().map(|c| c.score.to_string()).collect(),
            values: d.counts.iter().map(|c| c.count as f64).collect(),
            format: ValueFormat::Number { decimals: 0 },
            x_title: ctx.t("axis.score"),
            y_title: ctx.t("axis.answers"),
            highlight: None,
        }),
    ))
}

fn trend_chart(ctx: &Ctx) -> Block {
    let trend = &ctx.ind().service_trend;
    let target = ctx.input.config.targets.nps;
    ctx.chart(
        "chart.nps_trend",
        Some(ctx.t("satisfaction.trend_caption")),
        ChartSpec::Line(LineChart {
            x_labels: trend
                .iter()
                .map(|p| super::retention::tick(ctx, &p.period))
                .collect(),
            series: vec![
                Series {
                    name: ctx.t("series.nps"),
                    values: trend.iter().map(|p| p.nps.value).collect(),
                },
                Series {
                    name: ctx.t("series.csat"),
                    // CSAT is a share; on the score axis it reads as a percentage (0–100).
                    values: trend
                        .iter()
                        .map(|p| p.csat.value.map(|v| v * 100.0))
                        .collect(),
                },
            ],
            format: ValueFormat::Number { decimals: 0 },
            y_title: ctx.t("axis.score"),
            y_min: None,
            y_max: Some(100.0),
            target: Some(Target {
                value: target,
                label: ctx.fill(
                    "tile.target",
                    &[("value", &format!("NPS {}", ctx.num(Fmt::Signed, target)))],
                ),
            }),
        }),
    )
}

pub(super) fn blocks(ctx: &Ctx) -> Vec<Block> {
    let sat = &ctx.service()[0].satisfaction;
    let mut out = vec![Block::Subheading(ctx.t("satisfaction.title"))];
    if sat.nps.missing == Some(Missing::NoTable) && sat.csat.missing == Some(Missing::NoTable) {
        out.push(ctx.part_omitted("note.no_surveys"));
        return out;
    }
    out.push(Block::Paragraph(RichText::marked(&ctx.fill(
        "satisfaction.intro",
        &[
            ("nps", &ctx.fig(&sat.nps, Fmt::Signed)),
            ("promoters", &ctx.fig(&sat.promoters, Fmt::Pct0)),
            ("detractors", &ctx.fig(&sat.detractors, Fmt::Pct0)),
            ("nps_n", &ctx.fig(&sat.nps_responses, Fmt::Int)),
            ("csat", &ctx.fig(&sat.csat, Fmt::Pct0)),
            ("csat_n", &ctx.fig(&sat.csat_responses, Fmt::Int)),
            ("coverage", &ctx.fig(&sat.coverage, Fmt::Pct0)),
        ],
    ))));
    let s = ctx.service();
    let f = |pick: fn(&ServiceSnapshot) -> &Figure| [pick(s[0]), pick(s[1]), pick(s[2])];
    out.push(ctx.comparison(&[
        ("series.nps", f(|x| &x.satisfaction.nps), Fmt::Signed),
        (
            "satisfaction.promoters",
            f(|x| &x.satisfaction.promoters),
            Fmt::Pct,
        ),
        (
            "satisfaction.passives",
            f(|x| &x.satisfaction.passives),
            Fmt::Pct,
        ),
        (
            "satisfaction.detractors",
            f(|x| &x.satisfaction.detractors),
            Fmt::Pct,
        ),
        (
            "satisfaction.nps_responses",
            f(|x| &x.satisfaction.nps_responses),
            Fmt::Int,
        ),
        ("series.csat", f(|x| &x.satisfaction.csat), Fmt::Pct),
        (
            "satisfaction.csat_responses",
            f(|x| &x.satisfaction.csat_responses),
            Fmt::Int,
        ),
        (
            "satisfaction.respondents",
            f(|x| &x.satisfaction.respondents),
            Fmt::Int,
        ),
        (
            "satisfaction.coverage",
            f(|x| &x.satisfaction.coverage),
            Fmt::Pct,
        ),
    ]));
    out.push(trend_chart(ctx));
    out.extend(distribution_chart(
        ctx,
        "chart.nps_distribution",
        &sat.nps_distribution,
    ));
    out.extend(distribution_chart(
        ctx,
        "chart.csat_distribution",
        &sat.csat_distribution,
    ));
    if sat.invalid_scores.value.unwrap_or(0.0) > 0.0 {
        out.push(Block::Note(ctx.fill(
            "satisfaction.invalid",
            &[("n", &ctx.fig(&sat.invalid_scores, Fmt::Int))],
        )));
    }
    out
}
