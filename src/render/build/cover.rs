//! The cover's facts about the data: data up to and from, customers, invoice lines and the
//! sources read (render stage, report builder).

use super::context::{Ctx, DASH, Fmt};
use crate::render::document::{Cover, KeyFigure};
use crate::tables::TableKind;

/// Accepted rows of a canonical table, when some source fed it.
pub(super) fn table_rows(ctx: &Ctx, table: TableKind) -> Option<usize> {
    ctx.input
        .ledger
        .tables
        .iter()
        .find(|t| t.table == table && t.sources > 0)
        .map(|t| t.rows)
}

pub(super) fn cover(ctx: &Ctx) -> Cover {
    let fact = |key: &str, value: String| KeyFigure {
        label: ctx.t(key),
        value,
    };
    let range = ctx.ind().core.data_range.as_ref();
    let customers = match table_rows(ctx, TableKind::Customers) {
        Some(n) => ctx.num(Fmt::Int, n as f64),
        None => ctx.fig(&ctx.ind().core.clv_distribution.customers, Fmt::Int),
    };
    let lines = table_rows(ctx, TableKind::Transactions)
        .map(|n| ctx.num(Fmt::Int, n as f64))
        .unwrap_or_else(|| DASH.into());
    let sources: Vec<String> = ctx
        .input
        .ledger
        .sources
        .iter()
        .filter(|s| s.errors.is_empty())
        .map(|s| s.path.clone())
        .fold(Vec::new(), |mut acc, p| {
            if !acc.contains(&p) {
                acc.push(p);
            }
            acc
        });
    Cover {
        facts: vec![
            fact(
                "cover.data_until",
                range
                    .map(|r| ctx.l.date_short(r.last))
                    .unwrap_or_else(|| DASH.into()),
            ),
            fact(
                "cover.data_from",
                range
                    .map(|r| ctx.l.date_short(r.first))
                    .unwrap_or_else(|| DASH.into()),
            ),
            fact("cover.customers", customers),
            fact("cover.invoice_lines", lines),
            fact("cover.sources", sources.join(", ")),
        ],
    }
}
