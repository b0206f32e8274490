//! Indicators stage: customer base and flow — S, E, new, retained, lapsed, reactivated, CRR, churn.
//!
//! Depends on [`super::status`] (per-customer flags of the period) only.

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

/// Counts the flow of one period from its status frame.
pub(crate) fn compute(status: &PeriodStatus) -> PolarsResult<CustomerBase> {
    let w = status.windows;
    let fp = || col("first_purchase");
    let s = || col("in_start_base");
    let e = || col("in_end_base");
    let counts = one_row(
        status.lazy().select([
            s().sum().alias("s"),
            e().sum().alias("e"),
            fp().gt_eq(lit(w.start))
                .and(fp().lt_eq(lit(w.end)))
                .sum()
                .alias("n"),
            s().and(e()).sum().alias("retained"),
            s().and(e().not()).sum().alias("lapsed"),
            fp().lt(lit(w.start))
                .and(s().not())
                .and(col("active"))
                .sum()
                .alias("reactivated"),
        ]),
        &["s", "e", "n", "retained", "lapsed", "reactivated"],
    )?;
    let [s, e, n, retained, lapsed, reactivated] =
        [0, 1, 2, 3, 4, 5].map(|i| counts[i].unwrap_or(0.0));
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
