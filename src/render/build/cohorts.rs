//! The cohort views of the Retention section: the customers heatmap (share of each monthly
//! cohort buying again k months later) and the revenue table (render stage, report builder).

use super::context::{Ctx, DASH, Fmt};
use crate::indicators::cohorts::CohortRow;
use crate::period::Period;
use crate::render::charts::{ChartSpec, Heatmap, ValueFormat};
use crate::render::document::{Block, Column, Table};

/// Months after acquisition shown in the heatmap (month 0, always 100 %, is left out).
const HEATMAP_MONTHS: usize = 12;
/// Cohorts listed in the revenue table (the most recent ones).
const REVENUE_COHORTS: usize = 12;
/// Months after acquisition listed in the revenue table.
const REVENUE_MONTHS: [usize; 6] = [0, 1, 2, 3, 6, 12];

/// `oct 24` for the cohort `2024-10`, with a mark when it is left-censored.
fn cohort_label(ctx: &Ctx, row: &CohortRow) -> String {
    let label = row
        .cohort
        .parse::<Period>()
        .map(|p| ctx.l.period_tick(&p))
        .unwrap_or_else(|_| row.cohort.clone());
    if row.left_censored {
        format!("{label}*")
    } else {
        label
    }
}

pub(super) fn blocks(ctx: &Ctx) -> Vec<Block> {
    let cohorts = &ctx.ind().core.cohorts;
    let mut out = vec![Block::Subheading(ctx.t("cohort.title"))];
    if cohorts.rows.is_empty() {
        let reason = cohorts
            .missing
            .map(|m| ctx.reason(m))
            .unwrap_or_else(|| ctx.t("missing.empty_base"));
        out.push(Block::Note(
            ctx.fill("note.chart_omitted", &[("reason", &reason)]),
        ));
        return out;
    }
    let censored = cohorts.rows.iter().any(|r| r.left_censored);
    let mut caption = ctx.t("cohort.caption");
    if censored {
        caption = format!("{caption} {}", ctx.t("cohort.censored"));
    }
    out.push(
        ctx.chart(
            "chart.cohort_heatmap",
            Some(caption),
            ChartSpec::Heatmap(Heatmap {
                row_labels: cohorts.rows.iter().map(|r| cohort_label(ctx, r)).collect(),
                col_labels: (1..=HEATMAP_MONTHS).map(|k| k.to_string()).collect(),
                cells: cohorts
                    .rows
                    .iter()
                    .map(|r| {
                        (1..=HEATMAP_MONTHS)
                            .map(|k| r.retention.get(k).copied())
                            .collect()
                    })
                    .collect(),
                format: ValueFormat::Percent { decimals: 0 },
                x_title: ctx.t("axis.months_since_first"),
                y_title: ctx.t("axis.cohort"),
            }),
        ),
    );
    out.push(Block::Subheading(ctx.t("cohort.revenue_title")));
    out.push(revenue_table(ctx, &cohorts.rows));
    out
}

fn revenue_table(ctx: &Ctx, rows: &[CohortRow]) -> Block {
    let mut columns = vec![
        Column::text(&ctx.t("axis.cohort")),
        Column::figure(&ctx.t("table.customers")),
    ];
    columns.extend(
        REVENUE_MONTHS
            .iter()
            .map(|k| Column::figure(&ctx.fill("cohort.month_n", &[("k", &k.to_string())]))),
    );
    let recent = &rows[rows.len().saturating_sub(REVENUE_COHORTS)..];
    let body = recent
        .iter()
        .map(|r| {
            let mut cells = vec![cohort_label(ctx, r), ctx.num(Fmt::Int, r.size as f64)];
            cells.extend(REVENUE_MONTHS.iter().map(|&k| {
                r.revenue
                    .get(k)
                    .map(|v| ctx.num(Fmt::Compact, *v))
                    .unwrap_or_else(|| DASH.into())
            }));
            cells
        })
        .collect();
    Block::Table(Table {
        columns,
        rows: body,
        caption: Some(ctx.t("cohort.revenue_caption")),
    })
}
