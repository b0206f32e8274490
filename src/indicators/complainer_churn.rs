//! Indicators stage: complaints and loyalty — churn of the customers who complained against the
//! others, and the lifetime value of customers with a complaint still open at P.end.
//!
//! Depends on [`super::status`] (S and E flags), the keyed complaints of [`super::context`] and
//! [`super::clv_hist`] for the value at risk.

use super::clv_hist::ClvBasis;
use super::context::{Context, between};
use super::definition::Definition;
use super::status::{Coverage, PeriodStatus, one_row};
use crate::figure::{Figure, Missing};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Churn of S split by whether the customer complained in the A days before P.start.
///
/// complainers = customers in S with a complaint opened in [P.start − A, P.start − 1];
/// churn of a group = lapsed (in S, not in E) / group size; relative risk = complainers' churn /
/// others' churn.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComplainerChurn {
    /// Customers in S with a complaint opened in the A days before the period.
    pub complainers: Figure,
    /// Of those, customers not in E.
    pub complainers_lapsed: Figure,
    /// complainers_lapsed / complainers.
    pub complainer_churn_rate: Figure,
    /// Customers in S without such a complaint.
    pub others: Figure,
    /// Of those, customers not in E.
    pub others_lapsed: Figure,
    /// others_lapsed / others.
    pub other_churn_rate: Figure,
    /// complainer_churn_rate / other_churn_rate.
    pub relative_risk: Figure,
}

/// Lifetime value of the customers with a complaint open at P.end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClvAtRisk {
    /// Customers (with transactions) that have a complaint open at the end of P.end.
    pub customers: Figure,
    /// Σ of their CLV.
    pub clv: Figure,
    /// Predictive CLV when supplied; otherwise historical, and the report says so.
    pub basis: ClvBasis,
}

pub(crate) fn compute(ctx: &Context, status: &PeriodStatus) -> PolarsResult<ComplainerChurn> {
    let Some(complaints) = &ctx.complaints else {
        let m = Figure::missing(Missing::NoTable);
        return Ok(ComplainerChurn {
            complainers: m,
            complainers_lapsed: m,
            complainer_churn_rate: m,
            others: m,
            others_lapsed: m,
            other_churn_rate: m,
            relative_risk: m,
        });
    };
    let lapsed = col("in_end_base").not();
    let flag = col("complained");
    let v = one_row(
        start_base_by_complaint(complaints, status).select([
            flag.clone().sum().alias("c"),
            flag.clone().and(lapsed.clone()).sum().alias("cl"),
            flag.clone().not().sum().alias("o"),
            flag.not().and(lapsed).sum().alias("ol"),
        ]),
        &["c", "cl", "o", "ol"],
    )?;
    let [c, cl, o, ol] = [0, 1, 2, 3].map(|i| v[i].unwrap_or(0.0));
    let rate_c = Figure::ratio(cl, c);
    let rate_o = Figure::ratio(ol, o);
    let rr = match (rate_c.value, rate_o.value) {
        (Some(a), Some(b)) => Figure::ratio(a, b),
        _ => Figure::missing(Missing::EmptyBase),
    };
    let g = |f: Figure| Coverage::gate(status.coverage.lookback, f);
    Ok(ComplainerChurn {
        complainers: g(Figure::of(c)),
        complainers_lapsed: g(Figure::of(cl)),
        complainer_churn_rate: g(rate_c),
        others: g(Figure::of(o)),
        others_lapsed: g(Figure::of(ol)),
        other_churn_rate: g(rate_o),
        relative_risk: g(rr),
    })
}

/// The status rows of the customers in S with a `complained` flag: a complaint opened in the A
/// days before P.start (`complaints` keyed as in [`Context::complaints`]). The one split behind
/// the churn figures and the action list of complainants who lapsed.
pub(crate) fn start_base_by_complaint(complaints: &DataFrame, status: &PeriodStatus) -> LazyFrame {
    let w = status.windows;
    let complained = complaints
        .clone()
        .lazy()
        .filter(between(col("opened"), w.lookback_from, w.start - 1))
        .group_by([col("key")])
        .agg([lit(true).alias("complained")]);
    status
        .lazy()
        .filter(col("in_start_base"))
        .join(
            complained,
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("complained").fill_null(lit(false)))
}

/// Complaints (keyed, with `opened` and `resolved` day numbers) still open at the end of day
/// `end`: opened on or before it and not resolved by then.
pub(crate) fn open_at_end(end: i32) -> Expr {
    col("opened")
        .lt_eq(lit(end))
        .and(col("resolved").is_null().or(col("resolved").gt(lit(end))))
}

/// `clv_at_end` is `clv_hist::per_customer` at P.end, used when no predictive values are given.
pub(crate) fn clv_at_risk(
    ctx: &Context,
    status: &PeriodStatus,
    clv_at_end: &DataFrame,
    values: Option<&DataFrame>,
) -> PolarsResult<ClvAtRisk> {
    let basis = if values.is_some() {
        ClvBasis::Predictive
    } else {
        ClvBasis::Historical
    };
    let reason = match &ctx.complaints {
        None => Some(Missing::NoTable),
        Some(_) if !ctx.has_resolved_at => Some(Missing::NoColumn),
        Some(_) if values.is_none() && !ctx.has_cost => Some(Missing::NoColumn),
        Some(_) if !status.coverage.period => Some(Missing::OutsideData),
        Some(_) => None,
    };
    let (Some(complaints), None) = (&ctx.complaints, reason) else {
        let m = Figure::missing(reason.unwrap_or(Missing::NoTable));
        return Ok(ClvAtRisk {
            customers: m,
            clv: m,
            basis,
        });
    };
    let end = status.windows.end;
    let open = complaints
        .clone()
        .lazy()
        .filter(open_at_end(end))
        .group_by([col("key")])
        .agg([len().alias("open")]);
    let clv = match values {
        Some(v) => v.clone().lazy().select([col("key"), col("clv")]),
        None => clv_at_end.clone().lazy(),
    };
    let v = one_row(
        open.join(
            clv,
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Left),
        )
        .select([len().alias("n"), col("clv").sum().alias("clv")]),
        &["n", "clv"],
    )?;
    Ok(ClvAtRisk {
        customers: Figure::of(v[0].unwrap_or(0.0)),
        clv: Figure::of(v[1].unwrap_or(0.0)),
        basis,
    })
}

/// Methodology text of the complaints-and-loyalty family.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "complainer_churn",
        name_en: "Churn of complainers against others",
        name_es: "Abandono de quienes reclamaron frente al resto",
        en: "Customers in S are split by whether they had a complaint opened in the A days before \
             the period start. For each group, churn = customers not in E / customers in the group; \
             relative risk = complainers' churn / others' churn.",
        es: "Los clientes de S se dividen según tuvieran una reclamación abierta en los A días \
             anteriores al inicio del periodo. En cada grupo, abandono = clientes que no están en E \
             / clientes del grupo; riesgo relativo = abandono de quienes reclamaron / abandono del \
             resto.",
    },
    Definition {
        id: "clv_at_risk",
        name_en: "CLV at risk",
        name_es: "CLV en riesgo",
        en: "Sum of the predictive CLV of the customers with a complaint open at the end of the \
             period's last day (opened on or before it, not resolved by then). When the model has \
             not run, historical CLV (cumulative margin) is used and the report says so.",
        es: "Suma del CLV predictivo de los clientes con una reclamación abierta al final del \
             último día del periodo (abierta en o antes de ese día y no resuelta entonces). Si el \
             modelo no se ha ejecutado se usa el CLV histórico (margen acumulado) y el informe lo \
             indica.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::clv_hist::{keyed_values, per_customer};
    use crate::indicators::fixture::{self, assert_fig, assert_missing};

    #[test]
    fn complainers_in_s_churn_at_two_and_a_half_times_the_others_rate() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let c = compute(&ctx, &fixture::status(&ctx, fixture::period())).unwrap();
        // complaints opened in [2025-04-01, 2026-03-31] by customers in S: c12, c13, c14, c15
        // (c18 complained there but is not in S; c16's and c20's complaints are in P) = 4;
        // lapsed among them {c12, c14} = 2 → 2 / 4 = 0.5
        assert_fig(c.complainers, 4.0);
        assert_fig(c.complainers_lapsed, 2.0);
        assert_fig(c.complainer_churn_rate, 0.5);
        // others = 14 − 4 = 10, lapsed {c05, c06} = 2 → 0.2; relative risk = 0.5 / 0.2 = 2.5
        assert_fig(c.others, 10.0);
        assert_fig(c.others_lapsed, 2.0);
        assert_fig(c.other_churn_rate, 0.2);
        assert_fig(c.relative_risk, 2.5);
    }

    #[test]
    fn clv_at_risk_sums_customers_with_a_complaint_open_at_the_end_of_p() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let status = fixture::status(&ctx, fixture::period());
        let clv = per_customer(&ctx, status.windows.end).collect().unwrap();
        // open at 2026-06-30: c15 (unresolved), c16 (unresolved), c17 (resolved 2026-07-02) = 3
        // historical CLV: 70 + 50 + 40 = 160
        let h = clv_at_risk(&ctx, &status, &clv, None).unwrap();
        assert_fig(h.customers, 3.0);
        assert_fig(h.clv, 160.0);
        assert_eq!(h.basis, ClvBasis::Historical);
        // predictive: 300.5 + 120 + 80 = 500.5
        let values = keyed_values(&ctx, Some(&fixture::values())).unwrap();
        let p = clv_at_risk(&ctx, &status, &clv, values.as_ref()).unwrap();
        assert_fig(p.clv, 500.5);
        assert_eq!(p.basis, ClvBasis::Predictive);
    }

    #[test]
    fn without_complaints_the_split_is_missing_not_zero() {
        let mut tables = fixture::tables();
        tables.complaints = None;
        let settings = fixture::settings();
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let status = fixture::status(&ctx, fixture::period());
        assert_missing(
            compute(&ctx, &status).unwrap().relative_risk,
            Missing::NoTable,
        );
        let clv = per_customer(&ctx, status.windows.end).collect().unwrap();
        let at_risk = clv_at_risk(&ctx, &status, &clv, None).unwrap();
        assert_missing(at_risk.clv, Missing::NoTable);
    }
}
