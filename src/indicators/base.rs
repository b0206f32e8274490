//! Indicators stage: customer base and flow — S, E, new, retained, lapsed, reactivated, CRR, churn.
//!
//! Depends on [`super::status`] (per-customer flags of the period) only.

use super::context::{Context, between};
use super::definition::Definition;
use super::status::{Coverage, PeriodStatus, one_row};
use crate::figure::Figure;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Customer base at the start and end of a period and the flow between them.
///
/// With A the activity window: S = customers active in the A days ending the day before
/// P.start; E = customers active in the A days ending P.end; N = customers whose first
/// purchase (first line with net_amount > 0) is in P; retained = S ∩ E; lapsed = S \ E;
/// reactivated = first purchase before P, not in S, active in P. CRR = retained / S,
/// churn = lapsed / S = 1 − CRR; textbook retention = (E − N) / S.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustomerBase {
    /// S: customers active in the A days ending the day before the period.
    pub start_base: Figure,
    /// E: customers active in the A days ending the period's last day ("active customers").
    pub end_base: Figure,
    /// N: customers whose first purchase falls in the period.
    pub new_customers: Figure,
    /// In S and in E.
    pub retained: Figure,
    /// In S, not in E (churned).
    pub lapsed: Figure,
    /// First purchase before the period, not in S, active in the period.
    pub reactivated: Figure,
    /// CRR = retained / S.
    pub retention_rate: Figure,
    /// Churn = lapsed / S.
    pub churn_rate: Figure,
    /// The textbook (E − N) / S, which counts reactivated customers as retained.
    pub textbook_retention_rate: Figure,
}

/// Counts the flow of one period from its status frame and the first purchases.
///
/// New customers are active in P and not in S (nothing bought before their first purchase), so
/// reactivated = |active in P, not in S| − N without reading first purchases per customer.
pub(crate) fn compute(ctx: &Context, status: &PeriodStatus) -> PolarsResult<CustomerBase> {
    let w = status.windows;
    let s = || col("in_start_base");
    let e = || col("in_end_base");
    let counts = one_row(
        status.lazy().select([
            s().sum().alias("s"),
            e().sum().alias("e"),
            s().and(e()).sum().alias("retained"),
            s().and(e().not()).sum().alias("lapsed"),
            s().not().and(col("active")).sum().alias("returning"),
        ]),
        &["s", "e", "retained", "lapsed", "returning"],
    )?;
    let n = one_row(
        ctx.first_purchases
            .clone()
            .lazy()
            .select([between(col("first_purchase"), w.start, w.end)
                .sum()
                .alias("n")]),
        &["n"],
    )?[0]
        .unwrap_or(0.0);
    let [s, e, retained, lapsed, returning] = [0, 1, 2, 3, 4].map(|i| counts[i].unwrap_or(0.0));
    let reactivated = returning - n;
    let cov = status.coverage;
    let back = |f: Figure| Coverage::gate(cov.lookback, f);
    Ok(CustomerBase {
        start_base: back(Figure::of(s)),
        end_base: Coverage::gate(cov.end_window, Figure::of(e)),
        new_customers: back(Figure::of(n)),
        retained: back(Figure::of(retained)),
        lapsed: back(Figure::of(lapsed)),
        reactivated: back(Figure::of(reactivated)),
        retention_rate: back(Figure::ratio(retained, s)),
        churn_rate: back(Figure::ratio(lapsed, s)),
        textbook_retention_rate: back(Figure::ratio(e - n, s)),
    })
}

/// Methodology text of the customer-base family.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "active",
        name_en: "Active customer",
        name_es: "Cliente activo",
        en: "A customer with at least one transaction with net amount > 0 in the window. Windows are \
             whole days with both ends included: \"the A days ending D\" is [D − A + 1, D], A being \
             the activity window (default 365 days). Credit notes (net ≤ 0) never make a customer \
             active. A figure whose windows are not wholly inside the data's date range is left \
             out rather than computed on truncated data.",
        es: "Cliente con al menos una transacción de importe neto > 0 en la ventana. Las ventanas son \
             días completos con ambos extremos incluidos: \"los A días que terminan en D\" es \
             [D − A + 1, D], siendo A la ventana de actividad (365 días por defecto). Los abonos \
             (neto ≤ 0) nunca hacen activo a un cliente. Una cifra cuyas ventanas no caen por \
             completo dentro del rango de fechas de los datos se omite en lugar de calcularse con \
             datos truncados.",
    },
    Definition {
        id: "start_base",
        name_en: "Customer base at start (S)",
        name_es: "Base de clientes al inicio (S)",
        en: "Customers active in the A days ending the day before the period starts.",
        es: "Clientes activos en los A días que terminan el día anterior al inicio del periodo.",
    },
    Definition {
        id: "end_base",
        name_en: "Active customers (E)",
        name_es: "Clientes activos (E)",
        en: "Customers active in the A days ending the last day of the period.",
        es: "Clientes activos en los A días que terminan el último día del periodo.",
    },
    Definition {
        id: "new_customers",
        name_en: "New customers (N)",
        name_es: "Clientes nuevos (N)",
        en: "Customers whose first purchase (first transaction with net amount > 0) is in the period.",
        es: "Clientes cuya primera compra (primera transacción con importe neto > 0) cae en el periodo.",
    },
    Definition {
        id: "retained",
        name_en: "Retained customers",
        name_es: "Clientes retenidos",
        en: "Customers in S that are also in E.",
        es: "Clientes de S que también están en E.",
    },
    Definition {
        id: "lapsed",
        name_en: "Lapsed customers",
        name_es: "Clientes perdidos",
        en: "Customers in S that are not in E (churned).",
        es: "Clientes de S que no están en E (bajas).",
    },
    Definition {
        id: "reactivated",
        name_en: "Reactivated customers",
        name_es: "Clientes reactivados",
        en: "Customers whose first purchase is before the period, who are not in S, and who are \
             active in the period.",
        es: "Clientes con primera compra anterior al periodo, que no están en S y que están activos \
             en el periodo.",
    },
    Definition {
        id: "retention_rate",
        name_en: "Customer retention rate (CRR)",
        name_es: "Tasa de retención de clientes (CRR)",
        en: "CRR = retained / S. This is the textbook (E − N) / S with reactivated customers taken \
             out of E.",
        es: "CRR = retenidos / S. Es la fórmula clásica (E − N) / S sin contar en E a los clientes \
             reactivados.",
    },
    Definition {
        id: "churn_rate",
        name_en: "Churn rate",
        name_es: "Tasa de abandono",
        en: "Churn = lapsed / S = 1 − CRR.",
        es: "Abandono = perdidos / S = 1 − CRR.",
    },
    Definition {
        id: "textbook_retention_rate",
        name_en: "Textbook retention rate",
        name_es: "Tasa de retención clásica",
        en: "(E − N) / S: counts reactivated customers as retained; shown beside CRR for comparison.",
        es: "(E − N) / S: cuenta a los reactivados como retenidos; se muestra junto a la CRR para \
             comparar.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::Missing;
    use crate::indicators::context::Context;
    use crate::indicators::fixture::{self, assert_fig, assert_missing};

    fn base_of(period: &str) -> CustomerBase {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        compute(&ctx, &fixture::status(&ctx, period.parse().unwrap())).unwrap()
    }

    #[test]
    fn flow_at_p_separates_retained_lapsed_new_and_reactivated() {
        let b = base_of("2026-Q2");
        // S = active in [2025-04-01, 2026-03-31] = {c01 c02 c03 c04 c05 c06 c11 c12 c13 c14 c15
        //     c16 c19 c20} = 14 (c07, c18 last bought in Dec 2024; c08 has only a credit note there)
        assert_fig(b.start_base, 14.0);
        // E = active in [2025-07-01, 2026-06-30] = {c01 c02 c03 c04 c07 c09 c10 c11 c13 c15 c16
        //     c17 c19 c20} = 14 (c04 bought on 2025-07-01, the window's first day: in)
        assert_fig(b.end_base, 14.0);
        // N = first purchase in P = {c09 (its credit note on 04-02 is not a purchase), c10, c17} = 3
        assert_fig(b.new_customers, 3.0);
        // retained = S ∩ E = {c01 c02 c03 c04 c11 c13 c15 c16 c19 c20} = 10
        assert_fig(b.retained, 10.0);
        // lapsed = S \ E = {c05 (last bought 2025-06-30, one day before E's window), c06, c12, c14} = 4
        assert_fig(b.lapsed, 4.0);
        // reactivated = {c07}: first purchase 2024-12-10, not in S, bought 2026-05-20 = 1
        assert_fig(b.reactivated, 1.0);
        // E = retained + N + reactivated = 10 + 3 + 1 = 14
        // CRR = 10 / 14; churn = 4 / 14; textbook (E − N) / S = (14 − 3) / 14 = 11 / 14
        assert_fig(b.retention_rate, 10.0 / 14.0);
        assert_fig(b.churn_rate, 4.0 / 14.0);
        assert_fig(b.textbook_retention_rate, 11.0 / 14.0);
    }

    #[test]
    fn flow_at_p_minus_1_counts_the_credit_note_customer_as_lapsed_by_its_purchase() {
        let b = base_of("2026-Q1");
        // S' = active in [2025-01-01, 2025-12-31] = {c01 c03 c04 c05 c06 c08 c12 c13 c14 c15 c16
        //      c19} = 12 (c08's purchase of 2025-02-01 is in; c02, c07, c18 bought in Dec 2024)
        assert_fig(b.start_base, 12.0);
        // E' = active in [2025-04-01, 2026-03-31] = 14 (the S of P)
        assert_fig(b.end_base, 14.0);
        // lapsed' = {c08}: its 2025-08-01 credit note does not keep it active = 1; retained' = 11
        assert_fig(b.lapsed, 1.0);
        assert_fig(b.retained, 11.0);
        // N' = {c11, c20} = 2; reactivated' = {c02} (2024-12-01, then 2026-02-10) = 1
        assert_fig(b.new_customers, 2.0);
        assert_fig(b.reactivated, 1.0);
        // CRR' = 11 / 12; churn' = 1 / 12; textbook = (14 − 2) / 12 = 1
        assert_fig(b.retention_rate, 11.0 / 12.0);
        assert_fig(b.churn_rate, 1.0 / 12.0);
        assert_fig(b.textbook_retention_rate, 1.0);
    }

    #[test]
    fn year_ago_base_is_outside_data_when_its_lookback_precedes_the_first_transaction() {
        // P−12m = 2025-Q2 needs [2024-04-01, 2025-03-31]; the data start on 2024-12-01.
        let b = base_of("2025-Q2");
        assert_missing(b.start_base, Missing::OutsideData);
        assert_missing(b.retention_rate, Missing::OutsideData);
        assert_missing(b.new_customers, Missing::OutsideData);
        // E's window [2024-07-01, 2025-06-30] also starts before the data.
        assert_missing(b.end_base, Missing::OutsideData);
    }
}
