//! The ten KPI tiles of the executive summary, one per [`crate::headline::HEADLINES`] entry: value, changes against P−1 and P−12m, target
//! light and 8-period sparkline (render stage, report builder).

use super::compare::{Delta, change, light};
use super::context::{Ctx, DASH, Fmt};
use crate::figure::Figure;
use crate::headline::{HEADLINES, Headline};
use crate::render::document::{KpiTile, Light};

/// One tile before formatting: the figure in P, P−1 and P−12m and how to print it.
struct Spec<'a> {
    key: &'a str,
    figs: [Figure; 3],
    fmt: Fmt,
    delta: Delta,
    up_is_good: bool,
    /// (target, how it is written) when the figure has one.
    target: Option<(f64, String)>,
    note: Option<String>,
    spark: Vec<Option<f64>>,
}

fn tile(ctx: &Ctx, t: Spec) -> KpiTile {
    let p = ctx.input.period;
    let [now, prev, year] = &t.figs;
    let vs = |q| ctx.fill("summary.vs", &[("period", &ctx.l.period_short(&q))]);
    // With material seasonality the year-ago change leads and the previous period's is marked
    // as seasonal (issue 19).
    let seasonal = ctx.ind().core.seasonality.material;
    let mut pairs = [(prev, vs(p.previous())), (year, vs(p.year_ago()))];
    if seasonal {
        let q = ctx.l.period_short(&p.previous());
        pairs[0].1 = ctx.fill("seasonality.vs_seasonal", &[("period", &q)]);
        pairs.reverse();
    }
    let changes = pairs
        .into_iter()
        .filter_map(|(then, against)| change(&ctx.l, now, then, t.delta, against, t.up_is_good))
        .collect();
    let tolerance = ctx.input.config.targets.tolerance;
    let lamp = match &t.target {
        Some((target, _)) => light(now.value, *target, tolerance, t.up_is_good),
        None => Light::None,
    };
    let target_note = t.target.map(|(_, text)| text);
    let note = match (now.value, now.missing) {
        (None, Some(m)) => Some(ctx.reason(m)),
        _ => match (t.note, target_note) {
            (Some(n), Some(tg)) => Some(format!("{n} · {tg}")),
            (n, tg) => n.or(tg),
        },
    };
    KpiTile {
        label: ctx.t(t.key),
        value: now
            .value
            .map(|v| ctx.num(t.fmt, v))
            .unwrap_or_else(|| DASH.into()),
        changes,
        note,
        light: lamp,
        sparkline: t.spark,
        up_is_good: t.up_is_good,
    }
}

/// The figure of each snapshot, P first.
fn three<T>(items: [&T; 3], f: impl Fn(&T) -> Figure) -> [Figure; 3] {
    [f(items[0]), f(items[1]), f(items[2])]
}

pub(super) fn tiles(ctx: &Ctx) -> Vec<KpiTile> {
    let ind = ctx.ind();
    let snaps = ctx.snapshots();
    let service = ctx.service();
    let targets = &ctx.input.config.targets;
    let trend = &ind.core.trend;
    let strend = &ind.service_trend;
    let spark = |f: fn(&crate::indicators::TrendPoint) -> Figure| -> Vec<Option<f64>> {
        trend.iter().map(|p| f(p).value).collect()
    };
    let sspark = |f: fn(&crate::indicators::ServiceTrendPoint) -> Figure| -> Vec<Option<f64>> {
        strend.iter().map(|p| f(p).value).collect()
    };
    let at_least = |v: String| ctx.fill("tile.target", &[("value", &v)]);
    let at_most = |v: String| ctx.fill("tile.target_max", &[("value", &v)]);
    let margin_amount = snaps[0].revenue.gross_margin.value.map(|v| {
        ctx.fill(
            "tile.margin_amount",
            &[("value", &ctx.num(Fmt::Compact, v))],
        )
    });
    let res = &service[0].complaints.resolution;
    let resolution_note = res.p90_hours.value.map(|p90| {
        ctx.fill(
            "tile.resolution_note",
            &[
                ("p90", &ctx.num(Fmt::Hours, p90)),
                ("sla", &ctx.fig(&res.within_sla, Fmt::Pct0)),
            ],
        )
    });
    let sat = &service[0].satisfaction;
    let nps_note = sat.nps_responses.value.map(|n| {
        ctx.fill(
            "tile.nps_note",
            &[
                ("n", &ctx.num(Fmt::Int, n)),
                ("coverage", &ctx.fig(&sat.coverage, Fmt::Pct0)),
            ],
        )
    });
    let nrr_figs = three(snaps, |s| s.revenue.net_revenue_retention_yoy);
    let nrr_note = snaps[0]
        .revenue
        .net_revenue_retention_yoy_bootstrap
        .as_ref()
        .map(|b| {
            let [lo, hi] = b.interval(0.95);
            ctx.fill(
                "significance.ci",
                &[
                    ("level", &ctx.num(Fmt::Pct0, 0.95)),
                    ("lo", &ctx.num(Fmt::Pct0, lo)),
                    ("hi", &ctx.num(Fmt::Pct0, hi)),
                ],
            )
        });
    HEADLINES
        .iter()
        .map(|&h| match h {
            Headline::ActiveCustomers => tile(
                ctx,
                Spec {
                    key: "tile.active_customers",
                    figs: three(snaps, |s| s.base.end_base),
                    fmt: Fmt::Int,
                    delta: Delta::Relative,
                    up_is_good: h.up_is_good(),
                    target: None,
                    note: None,
                    spark: spark(|p| p.active_customers),
                },
            ),
            Headline::RetentionRate => tile(
                ctx,
                Spec {
                    key: "tile.retention_rate",
                    figs: three(snaps, |s| s.base.retention_rate),
                    fmt: Fmt::Pct,
                    delta: Delta::Points,
                    up_is_good: h.up_is_good(),
                    target: Some((
                        targets.retention_rate,
                        at_least(ctx.num(Fmt::Pct0, targets.retention_rate)),
                    )),
                    note: None,
                    spark: spark(|p| p.retention_rate),
                },
            ),
            Headline::ChurnRate => tile(
                ctx,
                Spec {
                    key: "tile.churn_rate",
                    figs: three(snaps, |s| s.base.churn_rate),
                    fmt: Fmt::Pct,
                    delta: Delta::Points,
                    up_is_good: h.up_is_good(),
                    target: Some((
                        targets.churn_rate,
                        at_most(ctx.num(Fmt::Pct0, targets.churn_rate)),
                    )),
                    note: None,
                    spark: spark(|p| p.churn_rate),
                },
            ),
            Headline::NetRevenueRetention => tile(
                ctx,
                Spec {
                    key: "tile.nrr",
                    figs: nrr_figs,
                    fmt: Fmt::Pct,
                    delta: Delta::Points,
                    up_is_good: h.up_is_good(),
                    target: Some((
                        targets.net_revenue_retention,
                        at_least(ctx.num(Fmt::Pct0, targets.net_revenue_retention)),
                    )),
                    note: nrr_note.clone(),
                    spark: snapshot_spark(ctx, &nrr_figs),
                },
            ),
            Headline::Revenue => tile(
                ctx,
                Spec {
                    key: "tile.revenue",
                    figs: three(snaps, |s| s.revenue.revenue),
                    fmt: Fmt::Compact,
                    delta: Delta::Relative,
                    up_is_good: h.up_is_good(),
                    target: None,
                    note: None,
                    spark: spark(|p| p.revenue),
                },
            ),
            Headline::GrossMargin => tile(
                ctx,
                Spec {
                    key: "tile.margin",
                    figs: three(snaps, |s| s.revenue.gross_margin_rate),
                    fmt: Fmt::Pct,
                    delta: Delta::Points,
                    up_is_good: h.up_is_good(),
                    target: None,
                    note: margin_amount.clone(),
                    spark: trend
                        .iter()
                        .map(|p| match (p.gross_margin.value, p.revenue.value) {
                            (Some(m), Some(r)) if r > 0.0 => Some(m / r),
                            _ => None,
                        })
                        .collect(),
                },
            ),
            Headline::AverageClv => clv_tile(ctx),
            Headline::ComplaintsPer100 => tile(
                ctx,
                Spec {
                    key: "tile.complaints_per_100",
                    figs: three(service, |s| s.complaints.per_100_active_customers),
                    fmt: Fmt::Num(1),
                    delta: Delta::Absolute(1),
                    up_is_good: h.up_is_good(),
                    target: Some((
                        targets.complaints_per_100,
                        at_most(ctx.num(Fmt::Num(1), targets.complaints_per_100)),
                    )),
                    note: None,
                    spark: sspark(|p| p.complaints_per_100),
                },
            ),
            Headline::MedianResolutionHours => tile(
                ctx,
                Spec {
                    key: "tile.median_resolution",
                    figs: three(service, |s| s.complaints.resolution.median_hours),
                    fmt: Fmt::Hours,
                    delta: Delta::Relative,
                    up_is_good: h.up_is_good(),
                    target: Some((
                        targets.median_resolution_hours,
                        at_most(ctx.num(Fmt::Hours, targets.median_resolution_hours)),
                    )),
                    note: resolution_note.clone(),
                    spark: sspark(|p| p.median_resolution_hours),
                },
            ),
            Headline::Nps => tile(
                ctx,
                Spec {
                    key: "tile.nps",
                    figs: three(service, |s| s.satisfaction.nps),
                    fmt: Fmt::Signed,
                    delta: Delta::Absolute(0),
                    up_is_good: h.up_is_good(),
                    target: Some((targets.nps, at_least(ctx.num(Fmt::Signed, targets.nps)))),
                    note: nps_note.clone(),
                    spark: sspark(|p| p.nps),
                },
            ),
        })
        .collect()
}

/// Predictive mean CLV when the scoring model ran (no comparison: the model is fitted at P.end
/// only), else the historical average with its changes.
fn clv_tile(ctx: &Ctx) -> KpiTile {
    let snaps = ctx.snapshots();
    let predictive = ctx
        .input
        .models
        .scoring
        .as_ref()
        .ok()
        .filter(|r| r.model.is_some())
        .filter(|r| r.population.mean_clv.value.is_some())
        .map(|r| (r.population.mean_clv, r.horizon_months, r.model));
    let (figs, note, spark) = match predictive {
        Some((mean, _, model)) => {
            let none = Figure::missing(crate::figure::Missing::ModelUnavailable);
            let model = match model {
                Some(crate::clv::ModelKind::ParetoNbd) => "Pareto/NBD",
                _ => "BG/NBD",
            };
            let note = ctx.fill("tile.clv_predictive", &[("model", model)]);
            let note = match super::model_fit::clv_caveat(ctx) {
                Some(c) => format!("{note} · {c}"),
                None => note,
            };
            (
                [mean, none, none],
                note,
                vec![None; ctx.ind().core.trend.len()],
            )
        }
        None => {
            let figs = three(snaps, |s| s.clv.average);
            (
                figs,
                ctx.t("tile.clv_historical"),
                snapshot_spark(ctx, &figs),
            )
        }
    };
    let mut out = tile(
        ctx,
        Spec {
            key: "tile.avg_clv_historical",
            figs,
            fmt: Fmt::Money,
            delta: Delta::Relative,
            up_is_good: Headline::AverageClv.up_is_good(),
            target: None,
            note: Some(note),
            spark,
        },
    );
    if let Some((_, months, _)) = predictive {
        let months = months.to_string();
        out.label = ctx.fill("tile.avg_clv_horizon", &[("months", &months)]);
    }
    out
}

/// A sparkline with only the snapshots' values, at the trend positions of their periods.
fn snapshot_spark(ctx: &Ctx, figs: &[Figure; 3]) -> Vec<Option<f64>> {
    let snaps = ctx.snapshots();
    ctx.ind()
        .core
        .trend
        .iter()
        .map(|p| {
            snaps
                .iter()
                .zip(figs)
                .find(|(s, _)| s.period.label == p.period.label)
                .and_then(|(_, f)| f.value)
        })
        .collect()
}
