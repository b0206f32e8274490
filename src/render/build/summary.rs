//! The executive summary: a one-sentence verdict from the figures, the KPI tiles, the ranked
//! findings and two small charts (render stage, report builder).

use super::compare::light;
use super::context::{Ctx, Fmt};
use crate::findings::Kind;
use crate::render::document::{Chart, ExecutiveSummary, Finding, Light, ListLine};
use crate::render::rich::RichText;

pub(super) fn summary(ctx: &Ctx) -> ExecutiveSummary {
    ExecutiveSummary {
        verdict: RichText::marked(&with_seasonality(ctx, verdict(ctx))),
        tiles: super::tiles::tiles(ctx),
        findings: findings(ctx),
        charts: charts(ctx),
    }
}

/// The findings as the document prints them, stake formatted compactly.
pub(super) fn findings(ctx: &Ctx) -> Vec<Finding> {
    ctx.input
        .findings
        .iter()
        .map(|f| Finding {
            title: f.title.clone(),
            statement: RichText::marked(&f.statement),
            recommendation: f.recommendation.clone(),
            stake: f
                .money_at_stake
                .map(|m| ctx.num(Fmt::Compact, m))
                .unwrap_or_default(),
            stake_label: if f.money_at_stake.is_some() {
                f.stake_label.clone()
            } else {
                String::new()
            },
            list: f.action_list.as_ref().map(|l| ListLine {
                text: l.text.clone(),
                href: l.csv.clone(),
            }),
        })
        .collect()
}

/// A title in the middle of a sentence: first letter in lower case unless it starts an
/// acronym (`NPS`, `CLV`).
fn mid_sentence(title: &str) -> String {
    let mut chars = title.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if b.is_lowercase() || b == ' ' => {
            let mut out: String = a.to_lowercase().collect();
            out.push(b);
            out.extend(chars);
            out
        }
        _ => title.to_string(),
    }
}

/// Where retention stands against its target, joined with the most costly problem found.
pub(super) fn verdict(ctx: &Ctx) -> String {
    let base = &ctx.snapshots()[0].base;
    let targets = &ctx.input.config.targets;
    let crr = base.retention_rate;
    let lamp = light(crr.value, targets.retention_rate, targets.tolerance, true);
    let retention = match (crr.value, crr.missing) {
        (Some(v), _) => {
            let key = match lamp {
                Light::Green => "verdict.retention_green",
                Light::Amber => "verdict.retention_amber",
                _ => "verdict.retention_red",
            };
            ctx.fill(
                key,
                &[
                    ("value", &ctx.num(Fmt::Pct, v)),
                    ("target", &ctx.num(Fmt::Pct0, targets.retention_rate)),
                ],
            )
        }
        (None, m) => ctx.fill(
            "verdict.retention_missing",
            &[("reason", &m.map(|m| ctx.reason(m)).unwrap_or_default())],
        ),
    };
    let top = ctx.input.findings.iter().find(|f| f.kind != Kind::Strength);
    let Some(top) = top else {
        return ctx.fill("verdict.nothing", &[("retention", &retention)]);
    };
    let title = mid_sentence(&top.title);
    let issue = match top.money_at_stake {
        Some(m) if m > 0.0 => ctx.fill(
            "verdict.issue_stake",
            &[
                ("title", &title),
                ("stake", &ctx.num(Fmt::Compact, m)),
                ("stake_label", &top.stake_label),
            ],
        ),
        _ => ctx.fill("verdict.issue", &[("title", &title)]),
    };
    let key = if lamp == Light::Green {
        "verdict.but"
    } else {
        "verdict.and"
    };
    ctx.fill(key, &[("retention", &retention), ("issue", &issue)])
}

/// The verdict followed, when seasonality is material, by the one sentence that says so.
fn with_seasonality(ctx: &Ctx, verdict: String) -> String {
    let s = &ctx.ind().core.seasonality;
    match (s.material, s.period_index, s.previous_index) {
        (true, Some(now), Some(prev)) => {
            let sentence = ctx.fill(
                "seasonality.sentence",
                &[
                    ("now", &ctx.num(Fmt::Pct0, now)),
                    ("prev", &ctx.num(Fmt::Pct0, prev)),
                ],
            );
            format!("{verdict} {sentence}")
        }
        _ => verdict,
    }
}

/// Customer flow and complaint Pareto, each where the data support it.
fn charts(ctx: &Ctx) -> Vec<Chart> {
    let mut out = Vec::new();
    if let Some(spec) = super::retention::flow_chart(ctx) {
        out.push(Chart {
            title: ctx.t("chart.customer_flow"),
            caption: None,
            spec,
        });
    }
    if let Some(spec) = super::complaints::pareto_chart(ctx, 5) {
        out.push(Chart {
            title: ctx.t("chart.complaint_pareto"),
            caption: None,
            spec,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mid_sentence;

    #[test]
    fn titles_are_lower_cased_mid_sentence_but_acronyms_are_kept() {
        assert_eq!(
            mid_sentence("Los clientes actuales gastan menos"),
            "los clientes actuales gastan menos"
        );
        assert_eq!(mid_sentence("NPS below target"), "NPS below target");
        assert_eq!(mid_sentence("A few"), "a few");
    }
}
