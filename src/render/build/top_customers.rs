//! The most valuable customers of the Customer value section: the model's scores ranked by
//! predictive CLV, or the historical ranking when no model could be scored (render stage,
//! report builder).

use super::context::{Ctx, DASH, Fmt};
use crate::indicators::clv_distribution::nth_largest;
use crate::render::document::{Block, Column, Table};
use polars::prelude::*;
use std::collections::HashMap;

/// Customers listed.
const TOP: usize = 20;

/// One row of the table before formatting.
struct Scored {
    id: String,
    repeat: Option<f64>,
    p_alive: Option<f64>,
    expected_90d: Option<f64>,
    clv: f64,
}

/// The `TOP` customers of the scores frame by CLV, highest first (ties by id).
fn top_scores(scores: &DataFrame) -> PolarsResult<Vec<Scored>> {
    let top = |df: DataFrame| {
        df.lazy()
            .filter(col("clv").is_not_null())
            .sort(
                ["clv", "customer_id"],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            )
            .limit(TOP as IdxSize)
            .collect()
    };
    // Only customers worth at least the TOP-th largest CLV can be listed: sorting those few
    // with their ids gives the same rows as sorting every scored customer (0.3 s at a million).
    let clv = scores.column("clv")?.cast(&DataType::Float64)?;
    let clv = clv.f64()?;
    let df = match nth_largest(clv, TOP) {
        Some(threshold) => {
            let df = top(scores.filter(&clv.gt_eq(threshold))?)?;
            if df.height() == TOP {
                df
            } else {
                top(scores.clone())?
            }
        }
        None => top(scores.clone())?,
    };
    let f = |name: &str| -> PolarsResult<Float64Chunked> {
        Ok(df.column(name)?.cast(&DataType::Float64)?.f64()?.clone())
    };
    let ids = df.column("customer_id")?.str()?;
    let (x, alive, e90, clv) = (
        f("x")?,
        f("p_alive")?,
        f("expected_purchases_90d")?,
        f("clv")?,
    );
    Ok((0..df.height())
        .map(|i| Scored {
            id: ids.get(i).unwrap_or_default().to_string(),
            repeat: x.get(i),
            p_alive: alive.get(i),
            expected_90d: e90.get(i),
            clv: clv.get(i).unwrap_or(0.0),
        })
        .collect())
}

/// Names the indicators carry from the customers table (the neglected-customer lists).
fn known_names<'a>(ctx: &Ctx<'a>) -> HashMap<&'a str, &'a str> {
    ctx.service()
        .iter()
        .flat_map(|s| s.engagement.neglected.list.iter())
        .filter_map(|n| n.name.as_deref().map(|name| (n.customer_id.as_str(), name)))
        .collect()
}

pub(super) fn blocks(ctx: &Ctx) -> Vec<Block> {
    let mut out = vec![Block::Subheading(ctx.t("value.top_title"))];
    let names = known_names(ctx);
    let name = |id: &str| {
        names
            .get(id)
            .map(|n| n.to_string())
            .unwrap_or_else(|| DASH.into())
    };
    let scoring = ctx
        .input
        .models
        .scoring
        .as_ref()
        .ok()
        .filter(|r| r.model.is_some());
    let scored = scoring.and_then(|r| top_scores(&r.scores).ok().map(|rows| (r, rows)));
    if let Some((report, rows)) = scored.filter(|(_, rows)| !rows.is_empty()) {
        let opt = |v: Option<f64>, fmt| v.map(|v| ctx.num(fmt, v)).unwrap_or_else(|| DASH.into());
        let body = rows
            .iter()
            .map(|r| {
                vec![
                    r.id.clone(),
                    name(&r.id),
                    opt(r.repeat, Fmt::Int),
                    opt(r.p_alive, Fmt::Num(2)),
                    opt(r.expected_90d, Fmt::Num(1)),
                    ctx.num(Fmt::Money, r.clv),
                ]
            })
            .collect();
        let months = report.horizon_months.to_string();
        let rate = ctx.num(Fmt::Pct0, report.discount_rate);
        out.push(Block::Table(Table {
            columns: vec![
                Column::text(&ctx.t("table.id")),
                Column::text(&ctx.t("table.customer")),
                Column::figure(&ctx.t("table.repeat_purchases")),
                Column::figure(&ctx.t("table.p_alive")),
                Column::figure(&ctx.t("table.expected_purchases")),
                Column::figure(&ctx.fill("table.clv_months", &[("months", &months)])),
            ],
            rows: body,
            caption: Some(with_caveat(
                ctx,
                ctx.fill("value.top_caption", &[("months", &months), ("rate", &rate)]),
            )),
        }));
        return out;
    }
    let top = &ctx.ind().core.clv_distribution.top_customers;
    if top.is_empty() {
        out.push(Block::Note(ctx.fill(
            "note.chart_omitted",
            &[("reason", &ctx.t("missing.empty_base"))],
        )));
        return out;
    }
    let body = top
        .iter()
        .map(|t| {
            vec![
                t.customer_id.clone(),
                name(&t.customer_id),
                ctx.num(Fmt::Money, t.historical_clv),
            ]
        })
        .collect();
    out.push(Block::Table(Table {
        columns: vec![
            Column::text(&ctx.t("table.id")),
            Column::text(&ctx.t("table.customer")),
            Column::figure(&ctx.t("table.historical_clv")),
        ],
        rows: body,
        caption: Some(ctx.t("value.top_historical_caption")),
    }));
    out
}

/// `text` followed by the CLV model's backtest caveat, when there is one (issue 19).
fn with_caveat(ctx: &Ctx, text: String) -> String {
    match super::model_fit::clv_caveat(ctx) {
        Some(c) => format!("{text} ({c})."),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: every scored customer sorted by CLV, highest first, ties by id.
    fn sorted_ids(scores: &DataFrame) -> Vec<String> {
        let df = scores
            .clone()
            .lazy()
            .filter(col("clv").is_not_null())
            .sort(
                ["clv", "customer_id"],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            )
            .limit(TOP as IdxSize)
            .collect()
            .unwrap();
        let ids = df.column("customer_id").unwrap().str().unwrap();
        ids.iter()
            .map(|id| id.unwrap_or_default().to_string())
            .collect()
    }

    fn scores(clv: Vec<Option<f64>>) -> DataFrame {
        let n = clv.len();
        // Ids in an order unrelated to their values, so ties are broken by id, not by row.
        let ids: Vec<String> = (0..n).map(|i| format!("c{:03}", (i * 37) % n)).collect();
        df!(
            "customer_id" => ids,
            "x" => vec![1.0f64; n],
            "p_alive" => vec![0.5f64; n],
            "expected_purchases_90d" => vec![0.2f64; n],
            "clv" => clv,
        )
        .unwrap()
    }

    #[test]
    fn the_top_customers_are_those_of_a_full_sort() {
        // Many ties at the 20th value, nulls, fewer rows than listed, and a NaN (the
        // shortcut then sorts everything).
        let tied: Vec<Option<f64>> = (0..200)
            .map(|i| (i % 7 != 3).then(|| f64::from((i * 13) % 9)))
            .collect();
        let few: Vec<Option<f64>> = (0..12).map(|i| Some(f64::from(i % 4))).collect();
        let mut nan = tied.clone();
        nan[5] = Some(f64::NAN);
        for clv in [tied, few, nan] {
            let frame = scores(clv);
            let got: Vec<String> = top_scores(&frame)
                .unwrap()
                .into_iter()
                .map(|s| s.id)
                .collect();
            assert_eq!(got, sorted_ids(&frame));
        }
    }
}
