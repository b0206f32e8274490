//! The RFM part of the Customer value section: recency × frequency grid with the main named
//! regions, and customers and revenue per segment (render stage, report builder).

use super::context::{Ctx, DASH, Fmt};
use crate::domain::Lang;
use crate::indicators::rfm::RfmSegment;
use crate::render::charts::{ChartSpec, RfmGrid, RfmRegion};
use crate::render::document::Block;

fn segment_label(ctx: &Ctx, s: RfmSegment) -> String {
    match ctx.l.lang {
        Lang::Es => s.label_es().to_string(),
        Lang::En => s.label_en().to_string(),
    }
}

pub(super) fn blocks(ctx: &Ctx) -> Vec<Block> {
    let rfm = &ctx.ind().core.rfm;
    let mut out = vec![Block::Subheading(ctx.t("value.rfm_title"))];
    if rfm.grid.is_empty() {
        let reason = rfm
            .customers
            .missing
            .map(|m| ctx.reason(m))
            .unwrap_or_else(|| ctx.t("missing.empty_base"));
        out.push(Block::Note(
            ctx.fill("note.chart_omitted", &[("reason", &reason)]),
        ));
        return out;
    }
    let mut counts = vec![vec![0.0; 5]; 5];
    for c in &rfm.grid {
        let (r, f) = (c.recency as usize, c.frequency as usize);
        if (1..=5).contains(&r) && (1..=5).contains(&f) {
            counts[r - 1][f - 1] += c.customers as f64;
        }
    }
    let region = |s: RfmSegment, recency, frequency| RfmRegion {
        label: segment_label(ctx, s),
        recency,
        frequency,
    };
    out.push(ctx.chart(
        "chart.rfm_grid",
        Some(ctx.fill(
            "value.rfm_caption",
            &[("customers", &ctx.fig(&rfm.customers, Fmt::Int))],
        )),
        ChartSpec::Rfm(RfmGrid {
            counts,
            regions: vec![
                region(RfmSegment::Champions, (4, 5), (4, 5)),
                region(RfmSegment::AtRisk, (1, 2), (3, 5)),
                region(RfmSegment::Hibernating, (1, 2), (1, 2)),
                region(RfmSegment::New, (5, 5), (1, 1)),
            ],
            x_title: ctx.t("axis.frequency"),
            y_title: ctx.t("axis.recency"),
        }),
    ));
    let rows = rfm
        .segments
        .iter()
        .map(|s| {
            vec![
                segment_label(ctx, s.segment),
                ctx.num(Fmt::Int, s.customers as f64),
                ctx.num(Fmt::Pct, s.customer_share),
                ctx.num(Fmt::Money, s.revenue),
                s.revenue_share
                    .map(|v| ctx.num(Fmt::Pct, v))
                    .unwrap_or_else(|| DASH.into()),
            ]
        })
        .collect();
    out.push(ctx.table(
        "table.segment",
        &[
            "table.customers",
            "table.share",
            "table.revenue",
            "table.revenue_share",
        ],
        rows,
        Some(ctx.t("value.rfm_table_caption")),
    ));
    out
}
