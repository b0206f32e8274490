//! The Appendix: methodology (every indicator definition as used, the lifetime-value models
//! and this audit's settings), model fit and backtest, data quality per source (render stage,
//! report builder).

use super::context::{Ctx, Fmt};
use crate::domain::Lang;
use crate::render::document::{Block, Definition, Section, SectionKind};

/// The indicators' own definitions in the report's language.
fn indicator_definitions(ctx: &Ctx) -> Vec<Definition> {
    crate::indicators::definitions()
        .into_iter()
        .map(|d| match ctx.l.lang {
            Lang::Es => Definition {
                term: d.name_es.to_string(),
                text: d.es.to_string(),
            },
            Lang::En => Definition {
                term: d.name_en.to_string(),
                text: d.en.to_string(),
            },
        })
        .collect()
}

/// The lifetime-value models, with the horizon and discount rate configured.
fn model_definitions(ctx: &Ctx) -> Vec<Definition> {
    let clv = &ctx.input.config.clv;
    let args = [
        ("months", clv.horizon_months.to_string()),
        ("rate", ctx.num(Fmt::Pct0, clv.discount_rate)),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    [
        "bgnbd",
        "pareto_nbd",
        "gamma_gamma",
        "clv",
        "p_alive",
        "backtest",
    ]
    .iter()
    .map(|k| Definition {
        term: ctx.t(&format!("model_def.{k}_term")),
        // Only a horizon beyond a year leaves room for the whole-year fallback between the
        // horizon and the period.
        text: match *k {
            "backtest" if clv.horizon_months > 12 => ctx.fill("model_def.backtest_long", &args),
            _ => ctx.fill(&format!("model_def.{k}"), &args),
        },
    })
    .collect()
}

/// The settings of audit.toml the figures depend on.
fn settings_definition(ctx: &Ctx) -> Definition {
    let s = &ctx.input.config.indicators;
    let mut sla: Vec<String> = s
        .sla_hours
        .iter()
        .map(|(k, h)| format!("{k} {}", ctx.num(Fmt::Hours, *h)))
        .collect();
    sla.sort();
    Definition {
        term: ctx.t("appendix.settings_term"),
        text: ctx.fill(
            "appendix.settings",
            &[
                ("window", &s.activity_window_days.to_string()),
                ("neglect", &s.neglect_days.to_string()),
                ("cost", &ctx.num(Fmt::Money, s.cost_per_complaint)),
                ("sla", &sla.join(", ")),
                ("sales", &s.sales_types.join(", ")),
                (
                    "tolerance",
                    &ctx.num(Fmt::Pct0, ctx.input.config.targets.tolerance),
                ),
            ],
        ),
    }
}

/// The tests behind the findings (issue 19): the rule, then one definition per test.
fn significance_blocks(ctx: &Ctx) -> Vec<Block> {
    let alpha = ctx.input.config.findings.alpha;
    let intro = ctx.fill(
        "significance.intro",
        &[
            ("alpha", &ctx.num(Fmt::Num(2), alpha)),
            ("level", &ctx.num(Fmt::Pct0, 1.0 - alpha)),
        ],
    );
    let defs = [
        ("fisher_exact", "significance.fisher"),
        ("two_proportion_z", "significance.retention"),
        ("nps_difference_z", "significance.nps"),
        (
            "poisson_rate_conditional_binomial",
            "significance.complaints",
        ),
        ("bootstrap_percentile", "significance.nrr"),
    ]
    .iter()
    .map(|(test, key)| Definition {
        term: (*test).to_string(),
        text: ctx.t(key),
    })
    .collect();
    vec![
        Block::Subheading(ctx.t("significance.title")),
        Block::Paragraph(crate::render::rich::RichText::marked(&intro)),
        Block::Definitions(defs),
    ]
}

pub(super) fn section(ctx: &Ctx) -> Section {
    let mut defs = vec![settings_definition(ctx)];
    defs.extend(indicator_definitions(ctx));
    defs.extend(model_definitions(ctx));
    let mut blocks = vec![
        Block::Subheading(ctx.t("appendix.methodology")),
        Block::Definitions(defs),
    ];
    blocks.extend(significance_blocks(ctx));
    blocks.push(Block::Subheading(ctx.t("appendix.model_fit")));
    blocks.extend(super::model_fit::blocks(ctx));
    blocks.push(Block::Subheading(ctx.t("appendix.data_quality")));
    blocks.extend(super::data_quality::blocks(ctx));
    Section {
        kind: SectionKind::Appendix,
        blocks,
    }
}
