//! Indicators stage: revenue, gross margin, invoices, purchase frequency, order value, NRR, GRR.
//!
//! Depends on [`super::status`] and, for invoice counts, on the raw transaction lines.

use super::context::{Context, between, date_of, day_number};
use super::definition::Definition;
use super::status::{Coverage, PeriodStatus, one_row};
use crate::figure::{Figure, Missing};
use crate::period::Period;
use crate::stats::{Bootstrap, bootstrap_ratio, bootstrap_ratio_on_use};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Revenue and order figures of a period.
///
/// revenue = Σ net_amount of the period's lines (credit notes included); gross margin =
/// Σ (net_amount − cost); invoices = distinct invoice numbers among lines with net_amount > 0;
/// purchase frequency = invoices / customers active in P; AOV = revenue / invoices;
/// over the customers active in P−1: NRR = Σ rev_P / Σ rev_P−1, GRR = Σ min(rev_P, rev_P−1) / Σ rev_P−1
/// (quarter over quarter, sensitive to seasonality); the same over the customers active in
/// P−12m, against their revenue in P−12m, is the headline year-over-year NRR and GRR.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Revenue {
    /// Net revenue of the period.
    pub revenue: Figure,
    /// Revenue − cost.
    pub gross_margin: Figure,
    /// Gross margin / revenue.
    pub gross_margin_rate: Figure,
    /// Distinct invoices with a purchase line.
    pub invoices: Figure,
    /// Customers with a purchase in the period.
    pub active_in_period: Figure,
    /// Invoices per customer active in the period.
    pub purchase_frequency: Figure,
    /// Average order value: revenue / invoices.
    pub average_order_value: Figure,
    /// Net revenue retention over the previous period's active customers.
    pub net_revenue_retention: Figure,
    /// Gross revenue retention over the previous period's active customers.
    pub gross_revenue_retention: Figure,
    /// The export has no invoice numbers, so each customer's purchase day counts as one invoice.
    pub invoices_are_purchase_days: bool,
    // Issue 19: year-over-year revenue retention (the headline; the two above are P against P−1).
    /// Net revenue retention year over year: over the customers active in P−12m, their revenue
    /// in P / their revenue in P−12m.
    pub net_revenue_retention_yoy: Figure,
    /// Gross revenue retention year over year: Σ min(rev_P, rev_P−12m) / Σ rev_P−12m over the
    /// same customers.
    pub gross_revenue_retention_yoy: Figure,
    /// Customers active in P−12m, the base of the year-over-year ratios.
    pub revenue_retention_yoy_customers: Figure,
    /// Their revenue in P−12m (the denominator).
    pub revenue_retention_yoy_base: Figure,
    /// Percentile bootstrap of the year-over-year NRR over those customers (fixed seed); the
    /// replicates stay in memory for the findings' tests (P−1's are drawn on first use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_revenue_retention_yoy_bootstrap: Option<Bootstrap>,
}

/// Seed of the NRR bootstrap: the same data give the same interval.
const BOOTSTRAP_SEED: u64 = 0x0019_2026;

/// Year-over-year revenue retention of one period.
struct YearOverYear {
    nrr: Figure,
    grr: Figure,
    customers: Figure,
    base: Figure,
    bootstrap: Option<Bootstrap>,
}

/// NRR and GRR over the customers active (a purchase) in P−12m: their revenue in P against their
/// revenue in P−12m, with the bootstrap of NRR over those customers.
fn year_over_year(ctx: &Context, period: Period, draws: Draws) -> PolarsResult<YearOverYear> {
    let year = period.year_ago();
    let covered = ctx
        .data_range
        .is_some_and(|r| r.first <= year.start && period.end <= r.last);
    if !covered {
        let m = Figure::missing(Missing::OutsideData);
        return Ok(YearOverYear {
            nrr: m,
            grr: m,
            customers: m,
            base: m,
            bootstrap: None,
        });
    }
    let (ys, ye) = (day_number(year.start), day_number(year.end));
    let (ps, pe) = (day_number(period.start), day_number(period.end));
    let (rev_y, rev_p) = revenues_of_year_ago_buyers(&ctx.daily, (ys, ye), (ps, pe))?;
    let base: f64 = rev_y.iter().sum();
    let now: f64 = rev_p.iter().sum();
    let kept: f64 = rev_y.iter().zip(&rev_p).map(|(y, p)| p.min(*y)).sum();
    Ok(YearOverYear {
        nrr: over_positive(now, base),
        grr: over_positive(kept, base),
        customers: Figure::of(rev_y.len() as f64),
        base: Figure::of(base),
        bootstrap: super::compute::timed("rev.bootstrap", || match draws {
            Draws::Now => bootstrap_ratio(&rev_p, &rev_y, BOOTSTRAP_SEED),
            Draws::OnUse => bootstrap_ratio_on_use(&rev_p, &rev_y, BOOTSTRAP_SEED),
        }),
    })
}

/// Per customer with a purchase day in `year` (key order): revenue in `year` and in `period`.
/// One pass over the customer days, which are sorted by (key, day), instead of a group-by that
/// hashes every customer day of the two windows.
fn revenues_of_year_ago_buyers(
    daily: &DataFrame,
    year: (i32, i32),
    period: (i32, i32),
) -> PolarsResult<(Vec<f64>, Vec<f64>)> {
    let key = daily.column("key")?.u32()?.rechunk();
    let day = daily.column("day")?.i32()?.rechunk();
    let net = daily.column("net")?.f64()?.rechunk();
    let purchase = daily.column("purchase")?.bool()?.rechunk();
    let (key, day, net) = (key.cont_slice()?, day.cont_slice()?, net.cont_slice()?);
    let purchase = purchase.downcast_as_array();
    let inside = |d: i32, (a, b): (i32, i32)| a <= d && d <= b;
    let (mut rev_y, mut rev_p) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < key.len() {
        let k = key[i];
        let (mut y, mut p, mut bought) = (0.0, 0.0, false);
        while i < key.len() && key[i] == k {
            let d = day[i];
            if inside(d, year) {
                y += net[i];
                bought |= purchase.get(i).unwrap_or(false);
            }
            if inside(d, period) {
                p += net[i];
            }
            i += 1;
        }
        if bought {
            rev_y.push(y);
            rev_p.push(p);
        }
    }
    Ok((rev_y, rev_p))
}

/// The headline subset the trend series needs (no scan of the raw lines).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Totals {
    pub(crate) revenue: Figure,
    pub(crate) gross_margin: Figure,
    pub(crate) gross_margin_rate: Figure,
    pub(crate) active_in_period: f64,
    pub(crate) net_revenue_retention: Figure,
    pub(crate) gross_revenue_retention: Figure,
}

/// `num / den` for a denominator that must be positive (a negative revenue base is no base).
fn over_positive(num: f64, den: f64) -> Figure {
    if den > 0.0 {
        Figure::of(num / den)
    } else {
        Figure::missing(Missing::EmptyBase)
    }
}

pub(crate) fn totals(ctx: &Context, status: &PeriodStatus) -> PolarsResult<Totals> {
    let (rev, prev) = (col("revenue"), col("revenue_prev"));
    let kept = when(rev.clone().lt(prev.clone()))
        .then(rev.clone())
        .otherwise(prev.clone());
    let in_prev = col("active_prev");
    let v = one_row(
        status.lazy().select([
            rev.clone().sum().alias("revenue"),
            col("margin").sum().alias("margin"),
            col("active").sum().alias("active"),
            rev.filter(in_prev.clone()).sum().alias("nrr_num"),
            kept.filter(in_prev.clone()).sum().alias("grr_num"),
            prev.filter(in_prev).sum().alias("base"),
        ]),
        &["revenue", "margin", "active", "nrr_num", "grr_num", "base"],
    )?;
    let [revenue, margin, active, nrr_num, grr_num, base] =
        [0, 1, 2, 3, 4, 5].map(|i| v[i].unwrap_or(0.0));
    let cov = status.coverage;
    let with_cost = |f: Figure| {
        if ctx.has_cost {
            f
        } else {
            Figure::missing(Missing::NoColumn)
        }
    };
    Ok(Totals {
        revenue: Coverage::gate(cov.period, Figure::of(revenue)),
        gross_margin: Coverage::gate(cov.period, with_cost(Figure::of(margin))),
        gross_margin_rate: Coverage::gate(cov.period, with_cost(over_positive(margin, revenue))),
        active_in_period: active,
        net_revenue_retention: Coverage::gate(cov.previous, over_positive(nrr_num, base)),
        gross_revenue_retention: Coverage::gate(cov.previous, over_positive(grr_num, base)),
    })
}

/// Distinct invoice numbers among the period's lines with net_amount > 0.
fn invoice_count(ctx: &Context, status: &PeriodStatus) -> PolarsResult<f64> {
    let w = status.windows;
    if let Some(lines) = ctx.lines {
        let (first, last) = (date_of(w.start), date_of(w.end));
        return Ok(lines.invoices(first, last).numbered as f64);
    }
    let v = one_row(
        ctx.tables
            .transactions
            .clone()
            .lazy()
            .filter(
                between(col("date").cast(DataType::Int32), w.start, w.end)
                    .and(col("net_amount").gt(lit(0.0)))
                    .and(col("invoice_id").is_not_null()),
            )
            .select([col("invoice_id").n_unique().alias("invoices")]),
        &["invoices"],
    )?;
    Ok(v[0].unwrap_or(0.0))
}

/// When the NRR bootstrap's resamples are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Draws {
    /// In this stage: the interval is read (P in the report, P and P−12m in the findings).
    Now,
    /// When first read, if ever (P−1's).
    OnUse,
}

pub(crate) fn compute(ctx: &Context, status: &PeriodStatus, draws: Draws) -> PolarsResult<Revenue> {
    let t = totals(ctx, status)?;
    let invoices = if ctx.has_invoice_ids {
        invoice_count(ctx, status)?
    } else {
        let days = status
            .lazy()
            .select([col("purchase_days").sum().alias("days")]);
        one_row(days, &["days"])?[0].unwrap_or(0.0)
    };
    let cov = status.coverage.period;
    let yoy = year_over_year(ctx, status.period, draws)?;
    Ok(Revenue {
        revenue: t.revenue,
        gross_margin: t.gross_margin,
        gross_margin_rate: t.gross_margin_rate,
        invoices: Coverage::gate(cov, Figure::of(invoices)),
        active_in_period: Coverage::gate(cov, Figure::of(t.active_in_period)),
        purchase_frequency: Coverage::gate(cov, Figure::ratio(invoices, t.active_in_period)),
        average_order_value: t
            .revenue
            .value
            .map_or(t.revenue, |r| Figure::ratio(r, invoices)),
        net_revenue_retention: t.net_revenue_retention,
        gross_revenue_retention: t.gross_revenue_retention,
        invoices_are_purchase_days: !ctx.has_invoice_ids,
        net_revenue_retention_yoy: yoy.nrr,
        gross_revenue_retention_yoy: yoy.grr,
        revenue_retention_yoy_customers: yoy.customers,
        revenue_retention_yoy_base: yoy.base,
        net_revenue_retention_yoy_bootstrap: yoy.bootstrap,
    })
}

/// Methodology text of the revenue family.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "revenue",
        name_en: "Revenue",
        name_es: "Ingresos",
        en: "Sum of the net amounts of the period's transaction lines, credit notes included.",
        es: "Suma de los importes netos de las líneas del periodo, abonos incluidos.",
    },
    Definition {
        id: "gross_margin",
        name_en: "Gross margin",
        name_es: "Margen bruto",
        en: "Sum of net amount − cost over the period's lines; lines without a cost are left out. \
             Rate = gross margin / revenue.",
        es: "Suma de importe neto − coste en las líneas del periodo; las líneas sin coste se \
             excluyen. Tasa = margen bruto / ingresos.",
    },
    Definition {
        id: "purchase_frequency",
        name_en: "Purchase frequency",
        name_es: "Frecuencia de compra",
        en: "Distinct invoices per customer active in the period. An invoice is a distinct invoice \
             number among lines with net amount > 0 (credit notes are not orders); when the export \
             has no invoice numbers, each customer's purchase day counts as one invoice.",
        es: "Facturas distintas por cliente activo en el periodo. Una factura es un número de \
             factura distinto entre las líneas de importe neto > 0 (los abonos no son pedidos); si \
             la exportación no trae números de factura, cada día de compra de un cliente cuenta \
             como una factura.",
    },
    Definition {
        id: "average_order_value",
        name_en: "Average order value",
        name_es: "Ticket medio",
        en: "Revenue / invoices.",
        es: "Ingresos / facturas.",
    },
    Definition {
        id: "net_revenue_retention_yoy",
        name_en: "Net revenue retention (NRR), year over year",
        name_es: "Retención neta de ingresos (NRR), interanual",
        en: "The headline figure. Over the customers active in the same period a year earlier: \
             their revenue in this period / their revenue in that period. Comparing a period with \
             the same period a year before cancels seasonality. Its 95 % interval is a percentile \
             bootstrap over those customers (fixed seed).",
        es: "La cifra principal. Sobre los clientes activos en el mismo periodo un año antes: sus \
             ingresos en este periodo / sus ingresos en aquel. Comparar con el mismo periodo del \
             año anterior anula la estacionalidad. Su intervalo del 95 % es un bootstrap de \
             percentiles sobre esos clientes (semilla fija).",
    },
    Definition {
        id: "gross_revenue_retention_yoy",
        name_en: "Gross revenue retention (GRR), year over year",
        name_es: "Retención bruta de ingresos (GRR), interanual",
        en: "Over the same customers: Σ min(revenue this period, revenue a year earlier) / Σ \
             revenue a year earlier.",
        es: "Sobre los mismos clientes: Σ mín(ingresos de este periodo, ingresos un año antes) / \
             Σ ingresos un año antes.",
    },
    Definition {
        id: "net_revenue_retention",
        name_en: "Net revenue retention, period over period (seasonal)",
        name_es: "Retención neta de ingresos, periodo a periodo (estacional)",
        en: "Over the customers active in the previous period: their revenue in this period / their \
             revenue in the previous period. Shown in the value table only: in a seasonal business \
             it measures the season.",
        es: "Sobre los clientes activos en el periodo anterior: sus ingresos en este periodo / sus \
             ingresos en el periodo anterior. Solo en la tabla de valor: en un negocio estacional \
             mide la temporada.",
    },
    Definition {
        id: "gross_revenue_retention",
        name_en: "Gross revenue retention, period over period (seasonal)",
        name_es: "Retención bruta de ingresos, periodo a periodo (estacional)",
        en: "Over the customers active in the previous period: Σ min(revenue this period, revenue \
             previous period) / Σ revenue previous period; growth of one customer cannot offset \
             the loss of another.",
        es: "Sobre los clientes activos en el periodo anterior: Σ mín(ingresos de este periodo, \
             ingresos del anterior) / Σ ingresos del anterior; el crecimiento de un cliente no \
             compensa la pérdida de otro.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::fixture::{self, assert_fig, assert_missing};
    use crate::tables::Tables;

    fn revenue_of(tables: &Tables, period: &str) -> Revenue {
        let settings = fixture::settings();
        let ctx = Context::prepare(tables, &settings).unwrap();
        compute(
            &ctx,
            &fixture::status(&ctx, period.parse().unwrap()),
            Draws::Now,
        )
        .unwrap()
    }

    /// The former group-by: the definition the one pass is compared with.
    fn revenues_reference(
        daily: &DataFrame,
        (ys, ye): (i32, i32),
        (ps, pe): (i32, i32),
    ) -> (Vec<f64>, Vec<f64>) {
        let day = || col("day");
        let sum_in = |from, to| {
            when(between(day(), from, to))
                .then(col("net"))
                .otherwise(lit(0.0))
                .sum()
        };
        let df = daily
            .clone()
            .lazy()
            .filter(between(day(), ys, ye).or(between(day(), ps, pe)))
            .group_by([col("key")])
            .agg([
                sum_in(ys, ye).alias("rev_y"),
                sum_in(ps, pe).alias("rev_p"),
                col("purchase")
                    .and(between(day(), ys, ye))
                    .cast(DataType::UInt32)
                    .sum()
                    .alias("buys_y"),
            ])
            .filter(col("buys_y").gt(lit(0u32)))
            .sort(["key"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        let values = |c: &str| -> Vec<f64> {
            df.column(c)
                .unwrap()
                .f64()
                .unwrap()
                .iter()
                .map(|v| v.unwrap_or(0.0))
                .collect()
        };
        (values("rev_y"), values("rev_p"))
    }

    #[test]
    fn the_one_pass_year_over_year_revenues_equal_the_group_by() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let mut compared = 0;
        for p in fixture::period().trailing(8) {
            let y = p.year_ago();
            let (year, period) = (
                (day_number(y.start), day_number(y.end)),
                (day_number(p.start), day_number(p.end)),
            );
            let fast = revenues_of_year_ago_buyers(&ctx.daily, year, period).unwrap();
            assert_eq!(fast, revenues_reference(&ctx.daily, year, period), "{p}");
            compared += fast.0.len();
        }
        assert!(
            compared >= 10,
            "the fixture has year-ago buyers: {compared}"
        );
    }

    #[test]
    fn revenue_margin_and_orders_of_p_include_credit_notes_in_money_not_in_orders() {
        let r = revenue_of(&fixture::tables(), "2026-Q2");
        // revenue = c01 150 + c02 (60 + 40 − 30) + c03 (50 + 70) + c07 90 + c09 (−50 + 200)
        //         + c10 75 + c11 60 + c13 120 + c15 110 + c17 95 + c19 1200 = 2240
        assert_fig(r.revenue, 2240.0);
        // cost = 90 + (40 + 30 − 20) + (30 + 40) + 50 + (−30 + 120) + 45 + 35 + 70 + 70 + 55 + 500
        //      = 1125; margin = 2240 − 1125 = 1115; rate = 1115 / 2240
        assert_fig(r.gross_margin, 1115.0);
        assert_fig(r.gross_margin_rate, 1115.0 / 2240.0);
        // invoices with a purchase line: F030 F031 F032 F033 F034 F035 F036 F037 F038 F039 F040
        // F041 = 12 (credit notes R001, R003 are not orders)
        assert_fig(r.invoices, 12.0);
        // active in P = {c01 c02 c03 c07 c09 c10 c11 c13 c15 c17 c19} = 11
        assert_fig(r.active_in_period, 11.0);
        assert_fig(r.purchase_frequency, 12.0 / 11.0);
        // AOV = 2240 / 12
        assert_fig(r.average_order_value, 2240.0 / 12.0);
        assert!(!r.invoices_are_purchase_days);
    }

    #[test]
    fn nrr_and_grr_follow_the_previous_periods_active_customers() {
        let r = revenue_of(&fixture::tables(), "2026-Q2");
        // active in 2026-Q1: c02 300, c11 80, c19 800, c20 100 → Σ rev_P−1 = 1280
        // their revenue in Q2: c02 70, c11 60, c19 1200, c20 0 → 1330; NRR = 1330 / 1280
        assert_fig(r.net_revenue_retention, 1330.0 / 1280.0);
        // GRR = (min(70,300) + min(60,80) + min(1200,800) + min(0,100)) / 1280 = 930 / 1280
        assert_fig(r.gross_revenue_retention, 930.0 / 1280.0);
    }

    #[test]
    fn year_over_year_nrr_and_grr_follow_the_customers_active_a_year_earlier() {
        let r = revenue_of(&fixture::tables(), "2026-Q2");
        // active in 2025-Q2: c01 100, c03 80, c05 110, c06 (40 + 40), c12 100, c14 60 → 6
        // customers, Σ rev_P−12m = 530
        assert_fig(r.revenue_retention_yoy_customers, 6.0);
        assert_fig(r.revenue_retention_yoy_base, 530.0);
        // their revenue in 2026-Q2: c01 150, c03 (50 + 70), the others 0 → 270
        assert_fig(r.net_revenue_retention_yoy, 270.0 / 530.0);
        // GRR = (min(150, 100) + min(120, 80) + 0 + 0 + 0 + 0) / 530 = 180 / 530
        assert_fig(r.gross_revenue_retention_yoy, 180.0 / 530.0);
        let b = r.net_revenue_retention_yoy_bootstrap.expect("bootstrap");
        assert!((b.estimate - 270.0 / 530.0).abs() < 1e-12);
        let [lo, hi] = b.interval(0.95);
        assert!(lo < b.estimate && b.estimate < hi);
        // 2025-Q2 would need 2024-Q2, before the data
        let old = revenue_of(&fixture::tables(), "2025-Q2");
        assert_missing(old.net_revenue_retention_yoy, Missing::OutsideData);
        assert!(old.net_revenue_retention_yoy_bootstrap.is_none());
    }

    #[test]
    fn previous_and_year_ago_periods_have_their_own_totals() {
        let q1 = revenue_of(&fixture::tables(), "2026-Q1");
        // 2026-Q1: c02 300 + c11 80 + c19 800 + c20 100 = 1280; margin 100 + 30 + 500 + 10 = 640
        assert_fig(q1.revenue, 1280.0);
        assert_fig(q1.gross_margin, 640.0);
        // base = active in 2025-Q4 {c01 200, c15 90, c16 150} = 440, none bought in Q1 → 0 / 440
        assert_fig(q1.net_revenue_retention, 0.0);
        let q2_2025 = revenue_of(&fixture::tables(), "2025-Q2");
        // 2025-Q2: c01 100 + c03 80 + c05 110 + c06 (40 + 40) + c12 100 + c14 60 = 530
        assert_fig(q2_2025.revenue, 530.0);
        // margin: 40 + 30 + 50 + 40 + 30 + 30 = 220
        assert_fig(q2_2025.gross_margin, 220.0);
        // base = active in 2025-Q1 = {c08: 120}, which bought nothing in Q2 → 0 / 120
        assert_fig(q2_2025.net_revenue_retention, 0.0);
        // 2024-Q4 starts before the data (2024-12-01)
        assert_missing(
            revenue_of(&fixture::tables(), "2024-Q4").revenue,
            Missing::OutsideData,
        );
    }

    #[test]
    fn without_invoice_numbers_each_purchase_day_is_an_invoice() {
        let mut tables = fixture::tables();
        let mut tx = tables.transactions.clone();
        tx.with_column(Column::full_null(
            "invoice_id".into(),
            tx.height(),
            &DataType::String,
        ))
        .unwrap();
        tables.transactions = tx;
        let r = revenue_of(&tables, "2026-Q2");
        // purchase days in P: one each for the 11 active customers (c03's two invoices share
        // 2026-05-12; c02's credit-note day is not a purchase day) = 11
        assert_fig(r.invoices, 11.0);
        assert_fig(r.average_order_value, 2240.0 / 11.0);
        assert!(r.invoices_are_purchase_days);
    }

    #[test]
    fn without_costs_margins_are_missing_not_zero() {
        let mut tables = fixture::tables();
        let mut tx = tables.transactions.clone();
        tx.with_column(Column::full_null(
            "cost".into(),
            tx.height(),
            &DataType::Float64,
        ))
        .unwrap();
        tables.transactions = tx;
        let r = revenue_of(&tables, "2026-Q2");
        assert_missing(r.gross_margin, Missing::NoColumn);
        assert_missing(r.gross_margin_rate, Missing::NoColumn);
        assert_fig(r.revenue, 2240.0);
    }
}
