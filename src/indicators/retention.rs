//! Indicators stage: period-over-period retention and repeat purchase rate.
//!
//! Depends on [`super::status`] only.

use super::definition::Definition;
use super::status::{Coverage, PeriodStatus, one_row};
use crate::figure::Figure;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Retention read from purchases in consecutive periods and repeat buying.
///
/// Period-over-period retention = |active in P−1 ∩ active in P| / |active in P−1|.
/// Repeat purchase rate = |E with ≥ 2 purchase days in the A days ending P.end| / |E|, a purchase
/// day being a day with at least one line with net_amount > 0 (two invoices on one day count once).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Retention {
    /// Customers active in the previous period.
    pub previous_active: Figure,
    /// Of those, customers also active in this period.
    pub previous_active_retained: Figure,
    /// Share of the previous period's active customers active again in this period.
    pub period_over_period: Figure,
    /// Customers in E with at least two purchase days in the window.
    pub repeat_customers: Figure,
    /// Repeat customers / E.
    pub repeat_purchase_rate: Figure,
}

pub(crate) fn compute(status: &PeriodStatus) -> PolarsResult<Retention> {
    let v = one_row(
        status.lazy().select([
            col("active_prev").sum().alias("prev"),
            col("active_prev").and(col("active")).sum().alias("kept"),
            col("in_end_base").sum().alias("e"),
            col("in_end_base")
                .and(col("purchase_days_window").gt_eq(lit(2)))
                .sum()
                .alias("repeat"),
        ]),
        &["prev", "kept", "e", "repeat"],
    )?;
    let [prev, kept, e, repeat] = [0, 1, 2, 3].map(|i| v[i].unwrap_or(0.0));
    let cov = status.coverage;
    Ok(Retention {
        previous_active: Coverage::gate(cov.previous, Figure::of(prev)),
        previous_active_retained: Coverage::gate(cov.previous, Figure::of(kept)),
        period_over_period: Coverage::gate(cov.previous, Figure::ratio(kept, prev)),
        repeat_customers: Coverage::gate(cov.end_window, Figure::of(repeat)),
        repeat_purchase_rate: Coverage::gate(cov.end_window, Figure::ratio(repeat, e)),
    })
}

/// Methodology text of the retention family.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "period_over_period",
        name_en: "Period-over-period retention",
        name_es: "Retención periodo a periodo",
        en: "Share of the customers active in the previous period (a purchase with net amount > 0 \
             in it) that are active in this period.",
        es: "Proporción de los clientes activos en el periodo anterior (una compra de importe neto \
             > 0 en él) que están activos en este periodo.",
    },
    Definition {
        id: "repeat_purchase_rate",
        name_en: "Repeat purchase rate",
        name_es: "Tasa de recompra",
        en: "Among the customers active in the A days ending the period's last day, the share with \
             at least two distinct purchase days in those A days. A purchase day is a day with at \
             least one transaction with net amount > 0; several invoices on one day count once.",
        es: "Entre los clientes activos en los A días que terminan el último día del periodo, la \
             proporción con al menos dos días de compra distintos en esos A días. Un día de compra \
             es un día con al menos una transacción de importe neto > 0; varias facturas el mismo \
             día cuentan una vez.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::context::Context;
    use crate::indicators::fixture::{self, assert_fig};

    fn retention_of(period: &str) -> Retention {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        compute(&fixture::status(&ctx, period.parse().unwrap())).unwrap()
    }

    #[test]
    fn period_over_period_retention_counts_previous_actives_buying_again() {
        let r = retention_of("2026-Q2");
        // active in 2026-Q1 = {c02, c11, c19, c20} = 4; of those active in Q2 = {c02, c11, c19} = 3
        assert_fig(r.previous_active, 4.0);
        assert_fig(r.previous_active_retained, 3.0);
        assert_fig(r.period_over_period, 0.75);
        // P−12m = 2025-Q2: active in 2025-Q1 = {c08}, which did not buy in Q2 → 0 / 1
        assert_fig(retention_of("2025-Q2").period_over_period, 0.0);
    }

    #[test]
    fn repeat_rate_counts_two_invoices_on_one_day_as_one_purchase_day() {
        let r = retention_of("2026-Q2");
        // purchase days in [2025-07-01, 2026-06-30] among E (14): c01 2, c02 2 (its credit note
        // day does not count), c03 1 (two invoices on 2026-05-12), c04 1, c07 1, c09 1, c10 1,
        // c11 2, c13 2, c15 2, c16 1, c17 1, c19 3, c20 1 → ≥ 2: {c01 c02 c11 c13 c15 c19} = 6
        assert_fig(r.repeat_customers, 6.0);
        // 6 / 14
        assert_fig(r.repeat_purchase_rate, 6.0 / 14.0);
    }
}
