//! Indicators stage: customer profitability over the activity window and the whale curve.
//!
//! Depends on [`super::status`] (E and margins over the window) and the keyed complaints of
//! [`super::context`] for the cost to serve.

use super::context::{Context, between};
use super::definition::Definition;
use super::status::{Coverage, PeriodStatus, one_row};
use crate::figure::{Figure, Missing};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Profitability of the customers active in the A days ending P.end (E).
///
/// margin_c = Σ (net_amount − cost) of c's lines in those A days; contribution_c = margin_c −
/// complaints_c × cost_per_complaint (complaints opened in the same A days); unprofitable =
/// contribution < 0; top-20 % share = Σ margin of the ⌈0.2·|E|⌉ customers with most margin /
/// Σ margin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Profitability {
    /// Customers in E.
    pub customers: Figure,
    /// Σ margin over the window of the customers in E.
    pub margin: Figure,
    /// Margin / customers.
    pub margin_per_customer: Figure,
    /// Share of the margin earned from the top 20 % of customers by margin.
    pub top20_margin_share: Figure,
    /// Customers whose contribution after cost to serve is negative.
    pub unprofitable_customers: Figure,
    /// Unprofitable customers / customers.
    pub unprofitable_share: Figure,
    /// Σ contribution of the unprofitable customers (negative).
    pub unprofitable_contribution: Figure,
    /// Complaint handling was charged (a complaints table exists); otherwise contribution = margin.
    pub complaints_charged: bool,
}

/// Per customer in E: `key`, `margin`, `complaints`, `contribution`.
pub(crate) fn contributions(ctx: &Context, status: &PeriodStatus) -> LazyFrame {
    let w = status.windows;
    let e = status
        .lazy()
        .filter(col("in_end_base"))
        .select([col("key"), col("margin_window").alias("margin")]);
    let with_complaints = match &ctx.complaints {
        Some(c) => e
            .join(
                c.clone()
                    .lazy()
                    .filter(between(col("opened"), w.end_window_from, w.end))
                    .group_by([col("key")])
                    .agg([len().cast(DataType::Float64).alias("complaints")]),
                [col("key")],
                [col("key")],
                JoinArgs::new(JoinType::Left),
            )
            .with_column(col("complaints").fill_null(lit(0.0))),
        None => e.with_column(lit(0.0).alias("complaints")),
    };
    with_complaints.with_column(
        (col("margin") - col("complaints") * lit(ctx.settings.cost_per_complaint))
            .alias("contribution"),
    )
}

pub(crate) fn compute(ctx: &Context, status: &PeriodStatus) -> PolarsResult<Profitability> {
    let n = one_row(
        status.lazy().select([col("in_end_base").sum().alias("n")]),
        &["n"],
    )?[0]
        .unwrap_or(0.0);
    let top = (0.2 * n).ceil() as IdxSize;
    let descending = SortOptions::default().with_order_descending(true);
    let unprofitable = col("contribution").lt(lit(0.0));
    let v = one_row(
        contributions(ctx, status).select([
            col("margin").sum().alias("margin"),
            col("margin")
                .sort(descending)
                .head(Some(top as usize))
                .sum()
                .alias("top"),
            unprofitable.clone().sum().alias("unprofitable"),
            col("contribution").filter(unprofitable).sum().alias("loss"),
        ]),
        &["margin", "top", "unprofitable", "loss"],
    )?;
    let [margin, top_margin, unprofitable, loss] = [0, 1, 2, 3].map(|i| v[i].unwrap_or(0.0));
    let gate = |f: Figure| {
        let f = if ctx.has_cost {
            f
        } else {
            Figure::missing(Missing::NoColumn)
        };
        Coverage::gate(status.coverage.end_window, f)
    };
    let top_share = if margin > 0.0 {
        Figure::of(top_margin / margin)
    } else {
        Figure::missing(Missing::EmptyBase)
    };
    Ok(Profitability {
        customers: Coverage::gate(status.coverage.end_window, Figure::of(n)),
        margin: gate(Figure::of(margin)),
        margin_per_customer: gate(Figure::ratio(margin, n)),
        top20_margin_share: gate(top_share),
        unprofitable_customers: gate(Figure::of(unprofitable)),
        unprofitable_share: gate(Figure::ratio(unprofitable, n)),
        unprofitable_contribution: gate(Figure::of(loss)),
        complaints_charged: ctx.complaints.is_some(),
    })
}

/// Methodology text of the profitability family.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "margin_per_customer",
        name_en: "Margin per customer",
        name_es: "Margen por cliente",
        en: "Over the customers active in the A days ending the period's last day: Σ (net amount − \
             cost) of their lines in those A days / number of customers.",
        es: "Sobre los clientes activos en los A días que terminan el último día del periodo: \
             Σ (importe neto − coste) de sus líneas en esos A días / número de clientes.",
    },
    Definition {
        id: "top20_margin_share",
        name_en: "Margin share of the top 20 %",
        name_es: "Margen del 20 % principal",
        en: "Margin of the ⌈20 %⌉ of those customers with the highest margin / total margin \
             (not shown when the total margin is not positive).",
        es: "Margen del ⌈20 %⌉ de esos clientes con mayor margen / margen total (no se muestra si \
             el margen total no es positivo).",
    },
    Definition {
        id: "unprofitable_customers",
        name_en: "Unprofitable customers",
        name_es: "Clientes no rentables",
        en: "Customers whose contribution is negative, contribution = margin − complaints × the \
             configured cost per complaint, complaints counted when opened in the same A days. \
             Reported as a count, a share and their summed contribution.",
        es: "Clientes con contribución negativa, contribución = margen − reclamaciones × coste \
             configurado por reclamación, contando las reclamaciones abiertas en los mismos A días. \
             Se informa el número, la proporción y la suma de su contribución.",
    },
    Definition {
        id: "whale_curve",
        name_en: "Customer-profitability (whale) curve",
        name_es: "Curva de rentabilidad de clientes (ballena)",
        en: "Customers ranked by contribution, highest first; the curve plots the cumulative \
             contribution against the cumulative share of customers. A peak above 100 % shows how \
             much profit the unprofitable tail gives back.",
        es: "Clientes ordenados por contribución, de mayor a menor; la curva representa la \
             contribución acumulada frente a la proporción acumulada de clientes. Un pico por \
             encima del 100 % muestra cuánto beneficio devuelve la cola no rentable.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::fixture::{self, assert_fig};
    use crate::tables::Tables;

    fn profitability_of(tables: &Tables) -> Profitability {
        let settings = fixture::settings();
        let ctx = Context::prepare(tables, &settings).unwrap();
        compute(&ctx, &fixture::status(&ctx, fixture::period())).unwrap()
    }

    #[test]
    fn margin_over_the_window_and_cost_to_serve_find_the_unprofitable() {
        let p = profitability_of(&fixture::tables());
        // margin in [2025-07-01, 2026-06-30] per customer in E: c01 80+60 = 140,
        // c02 100+20+10−10 = 120, c03 20+30 = 50, c04 40, c07 40, c09 −20+80 = 60, c10 30,
        // c11 30+25 = 55, c13 50+50 = 100, c15 30+40 = 70, c16 50, c17 40, c19 600+500+700 = 1800,
        // c20 10 → Σ = 2605 over 14 customers
        assert_fig(p.customers, 14.0);
        assert_fig(p.margin, 2605.0);
        assert_fig(p.margin_per_customer, 2605.0 / 14.0);
        // top ⌈0.2 × 14⌉ = 3: c19 1800 + c01 140 + c02 120 = 2060 → 2060 / 2605
        assert_fig(p.top20_margin_share, 2060.0 / 2605.0);
        // complaints opened in the window: c13, c15, c16, c17, c20 (one each, 50 apiece):
        // contribution c13 50, c15 20, c16 0, c17 −10, c20 −40 → unprofitable {c17, c20} = 2
        assert_fig(p.unprofitable_customers, 2.0);
        assert_fig(p.unprofitable_share, 2.0 / 14.0);
        // Σ contribution = −10 − 40 = −50
        assert_fig(p.unprofitable_contribution, -50.0);
        assert!(p.complaints_charged);
    }

    #[test]
    fn without_complaints_table_contribution_is_the_margin() {
        let mut tables = fixture::tables();
        tables.complaints = None;
        let p = profitability_of(&tables);
        // every margin in E is positive (lowest: c20 10) → nobody unprofitable
        assert_fig(p.unprofitable_customers, 0.0);
        assert!(!p.complaints_charged);
    }
}
