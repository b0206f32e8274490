//! Indicators stage: monthly acquisition cohorts (customers and revenue) up to P.end.
//!
//! Depends on [`super::context`] (daily frame and first purchases).

use super::context::{Context, date_of, day_number, no_null_bits};
use super::definition::Definition;
use crate::figure::Missing;
use crate::period::Period;
use chrono::{Datelike, Duration, NaiveDate};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Cohorts shown: the acquisition months of the 24 months ending with P.end's month.
pub const COHORT_MONTHS: i32 = 24;

/// One acquisition cohort: cell k is the k-th month after the acquisition month (k = 0 is that
/// month itself), up to P.end's month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortRow {
    /// Acquisition month, `YYYY-MM`.
    pub cohort: String,
    /// Customers whose first purchase is in that month.
    pub size: u64,
    /// Cohort customers with a purchase (a line with net_amount > 0) in month k.
    pub active: Vec<u64>,
    /// active[k] / size.
    pub retention: Vec<f64>,
    /// Net revenue of the cohort's customers in month k (credit notes included).
    pub revenue: Vec<f64>,
    /// The month starts less than A days after the data begin, so some of its "first" purchases
    /// may be returning customers whose earlier purchases predate the data.
    pub left_censored: bool,
}

/// The cohort matrices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohorts {
    /// Oldest cohort first; months without new customers are omitted.
    pub rows: Vec<CohortRow>,
    /// Why there are no rows, when there are none for a reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn month_label(index: i32) -> String {
    format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

pub(crate) fn compute(ctx: &Context, period: Period) -> PolarsResult<Cohorts> {
    let covered = ctx.data_range.is_some_and(|r| period.end <= r.last);
    let Some(range) = ctx.data_range.filter(|_| covered) else {
        return Ok(Cohorts {
            rows: Vec::new(),
            missing: Some(Missing::OutsideData),
        });
    };
    let cells = Cells::count(ctx, period, range.first)?;
    let censor_until = month_index(range.first + Duration::days(ctx.settings.activity_window_days));
    let rows = (0..COHORT_MONTHS)
        .filter(|&c| cells.sizes[c as usize] > 0)
        .map(|c| {
            let m0 = cells.first + c;
            let n = cells.sizes[c as usize];
            let width = (cells.last - m0 + 1) as usize;
            let at = c as usize * COHORT_MONTHS as usize;
            let active = cells.active[at..at + width].to_vec();
            CohortRow {
                cohort: month_label(m0),
                size: n,
                retention: active.iter().map(|&a| a as f64 / n as f64).collect(),
                active,
                revenue: cells.revenue[at..at + width].to_vec(),
                left_censored: m0 < censor_until,
            }
        })
        .collect();
    Ok(Cohorts {
        rows,
        missing: None,
    })
}

/// The cohort matrices as flat arrays, row c (cohort month `first + c`) by column k.
struct Cells {
    first: i32,
    last: i32,
    sizes: Vec<u64>,
    active: Vec<u64>,
    revenue: Vec<f64>,
}

impl Cells {
    /// One pass over the customer days (sorted by key, then day): each day of a cohort
    /// customer adds its net to its cell, and a purchase day counts the customer once per cell,
    /// since a customer's days of one month follow each other.
    fn count(ctx: &Context, period: Period, data_first: NaiveDate) -> PolarsResult<Cells> {
        let last = month_index(period.end);
        let first = last - COHORT_MONTHS + 1;
        let months = COHORT_MONTHS as usize;
        let mut cohort_of = vec![i32::MIN; ctx.keys.height()];
        let mut sizes = vec![0u64; months];
        let fp = &ctx.first_purchases;
        let (fp_key, fp_day) = (
            fp.column("key")?.u32()?,
            fp.column("first_purchase")?.i32()?,
        );
        for (key, day) in fp_key.iter().zip(fp_day.iter()) {
            let (Some(key), Some(day)) = (key, day) else {
                continue;
            };
            let m = month_index(date_of(day));
            if (first..=last).contains(&m)
                && let Some(slot) = cohort_of.get_mut(key as usize)
            {
                *slot = m;
                sizes[(m - first) as usize] += 1;
            }
        }
        // Month index of every day from the data's first to P.end, looked up instead of
        // converted per row.
        let (day0, end) = (day_number(data_first), day_number(period.end));
        let month_at: Vec<i32> = (day0..=end.max(day0))
            .map(|d| month_index(date_of(d)))
            .collect();
        let month = |d: i32| {
            usize::try_from(d - day0)
                .ok()
                .and_then(|i| month_at.get(i).copied())
                .unwrap_or_else(|| month_index(date_of(d)))
        };
        let mut active = vec![0u64; months * months];
        let mut revenue = vec![0.0f64; months * months];
        let daily = &ctx.daily;
        // Slices rather than iterators of options: a third of the time on a large client.
        let (key, day, net) = (
            daily.column("key")?.u32()?.rechunk(),
            daily.column("day")?.i32()?.rechunk(),
            daily.column("net")?.f64()?.rechunk(),
        );
        let (key, day, net) = (key.cont_slice()?, day.cont_slice()?, net.cont_slice()?);
        let purchase = no_null_bits(daily.column("purchase")?.bool()?)?;
        let mut counted: Option<(u32, i32)> = None;
        for i in 0..key.len().min(day.len()).min(net.len()) {
            let (key, day, net) = (key[i], day[i], net[i]);
            if day > end {
                continue;
            }
            let c = cohort_of.get(key as usize).copied().unwrap_or(i32::MIN);
            if c == i32::MIN {
                continue;
            }
            let k = month(day) - c;
            if k < 0 {
                continue;
            }
            let cell = (c - first) as usize * months + k as usize;
            revenue[cell] += net;
            if purchase.get_bit(i) && counted != Some((key, k)) {
                active[cell] += 1;
                counted = Some((key, k));
            }
        }
        Ok(Cells {
            first,
            last,
            sizes,
            active,
            revenue,
        })
    }
}

/// Methodology text of the cohort family.
pub const DEFINITIONS: &[Definition] = &[Definition {
    id: "cohorts",
    name_en: "Acquisition cohorts",
    name_es: "Cohortes de captación",
    en: "Customers grouped by the month of their first purchase, for the 24 months ending with the \
         period's last month. Cell k is the share of the cohort with a purchase (net amount > 0) in \
         the k-th month after the acquisition month (k = 0 is the acquisition month); the revenue \
         version gives the cohort's net revenue in that month. Cohorts that start less than A days \
         after the data begin are marked: some of their customers may have bought before the data.",
    es: "Clientes agrupados por el mes de su primera compra, para los 24 meses que terminan con el \
         último mes del periodo. La celda k es la proporción de la cohorte con una compra (importe \
         neto > 0) en el k-ésimo mes después del mes de captación (k = 0 es el propio mes); la \
         versión de ingresos da los ingresos netos de la cohorte en ese mes. Se marcan las cohortes \
         que empiezan menos de A días después del inicio de los datos: algunos de sus clientes \
         pueden haber comprado antes.",
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::fixture;

    #[test]
    fn the_passes_over_the_customer_days_read_a_frame_of_several_chunks_alike() {
        // The passes read the customer days as slices; a frame in two chunks (not what
        // `CustomerDays` builds, but a valid frame) gives the same figures.
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let (p, end) = (fixture::period(), day_number(fixture::period().end));
        let mut split = ctx.clone();
        let half = ctx.daily.height() / 2;
        let mut daily = ctx.daily.slice(0, half);
        daily
            .vstack_mut(&ctx.daily.slice(half as i64, ctx.daily.height() - half))
            .unwrap();
        assert_eq!(daily.first_col_n_chunks(), 2);
        split.daily = daily;
        let json = |c: &Cohorts| serde_json::to_string(c).unwrap();
        assert_eq!(
            json(&compute(&split, p).unwrap()),
            json(&compute(&ctx, p).unwrap())
        );
        let clv = |c: &Context| {
            super::super::clv_hist::per_customer(c, end)
                .collect()
                .unwrap()
        };
        assert!(clv(&split).equals(&clv(&ctx)));
        let season = |c: &Context| {
            serde_json::to_string(&super::super::seasonality::compute(c, p).unwrap()).unwrap()
        };
        assert_eq!(season(&split), season(&ctx));
    }

    #[test]
    fn cohorts_follow_first_purchase_months_with_k_counted_from_acquisition() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let c = compute(&ctx, fixture::period()).unwrap();
        // first-purchase months: 2024-12 {c02 c07 c18}, 2025-02 {c08}, 2025-04 {c12},
        // 2025-05 {c01 c06}, 2025-06 {c03 c05 c14}, 2025-07 {c04}, 2025-08 {c13}, 2025-09 {c19},
        // 2025-10 {c15}, 2025-12 {c16}, 2026-02 {c11 c20}, 2026-05 {c09}, 2026-06 {c10 c17}
        let names: Vec<&str> = c.rows.iter().map(|r| r.cohort.as_str()).collect();
        assert_eq!(
            names,
            [
                "2024-12", "2025-02", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08",
                "2025-09", "2025-10", "2025-12", "2026-02", "2026-05", "2026-06"
            ]
        );
        let dec = &c.rows[0];
        // 2024-12 → 2026-06 is k = 0..=18
        assert_eq!((dec.size, dec.active.len()), (3, 19));
        // k0 all three; k14 (2026-02) c02; k17 (2026-05) c02 and c07; others none
        let mut active = vec![0u64; 19];
        (active[0], active[14], active[17]) = (3, 1, 2);
        assert_eq!(dec.active, active);
        assert!((dec.retention[17] - 2.0 / 3.0).abs() < 1e-12);
        // revenue: k0 50 + 70 + 85 = 205; k14 300; k17 100 + 90 = 190; k18 c02's credit note −30
        let mut revenue = vec![0.0; 19];
        (revenue[0], revenue[14], revenue[17], revenue[18]) = (205.0, 300.0, 190.0, -30.0);
        assert_eq!(dec.revenue, revenue);
        // 2025-06 {c03 c05 c14}: k0 all, 80 + 110 + 60 = 250; k11 (2026-05) c03, 50 + 70 = 120
        let jun = &c.rows[4];
        assert_eq!((jun.size, jun.active[0], jun.active[11]), (3, 3, 1));
        assert_eq!((jun.revenue[0], jun.revenue[11]), (250.0, 120.0));
        assert_eq!(jun.active.iter().sum::<u64>(), 4);
        // 2026-06 {c10 c17}: only k0, 75 + 95 = 170
        let last = c.rows.last().unwrap();
        assert_eq!(
            (last.active.clone(), last.revenue.clone()),
            (vec![2], vec![170.0])
        );
        // data begin 2024-12-01, A = 365: months before 2025-12 are left-censored
        assert!(c.rows[8].left_censored && !c.rows[9].left_censored);
    }

    #[test]
    fn only_the_24_months_ending_with_p_are_cohorts() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        // P = 2026-06: the 24 months are 2024-07 ..= 2026-06, so all 13 cohorts show; P = 2027-01
        // lies after the data → no rows, outside data
        let june = compute(&ctx, "2026-06".parse().unwrap()).unwrap();
        assert_eq!(june.rows.len(), 13);
        let later = compute(&ctx, "2027-01".parse().unwrap()).unwrap();
        assert_eq!(
            (later.rows.len(), later.missing),
            (0, Some(Missing::OutsideData))
        );
        assert_eq!(
            month_label(month_index(fixture::d("2026-01-31")) - COHORT_MONTHS + 1),
            "2024-02"
        );
    }

    /// The cohort cells as a polars query: the definition the one-pass count must agree with.
    fn reference(ctx: &Context, period: Period) -> Vec<(i32, i32, u64, f64)> {
        let month_of = |expr: Expr| {
            let date = expr.cast(DataType::Date);
            date.clone().dt().year().cast(DataType::Int32) * lit(12)
                + date.dt().month().cast(DataType::Int32)
                - lit(1)
        };
        let last = month_index(period.end);
        let first = last - COHORT_MONTHS + 1;
        let cohort_of = ctx
            .first_purchases
            .clone()
            .lazy()
            .with_column(month_of(col("first_purchase")).alias("cohort"))
            .filter(
                col("cohort")
                    .gt_eq(lit(first))
                    .and(col("cohort").lt_eq(lit(last))),
            )
            .select([col("key"), col("cohort")]);
        let cells = ctx
            .daily
            .clone()
            .lazy()
            .filter(col("day").lt_eq(lit(day_number(period.end))))
            .join(
                cohort_of,
                [col("key")],
                [col("key")],
                JoinArgs::new(JoinType::Inner),
            )
            .with_column((month_of(col("day")) - col("cohort")).alias("k"))
            .filter(col("k").gt_eq(lit(0)))
            .group_by([col("cohort"), col("k")])
            .agg([
                col("key")
                    .filter(col("purchase"))
                    .n_unique()
                    .alias("active"),
                col("net").sum().alias("revenue"),
            ])
            .sort(["cohort", "k"], Default::default())
            .collect()
            .unwrap();
        let (c, k) = (cells.column("cohort").unwrap(), cells.column("k").unwrap());
        let a = cells
            .column("active")
            .unwrap()
            .cast(&DataType::UInt64)
            .unwrap();
        let r = cells.column("revenue").unwrap();
        (0..cells.height())
            .map(|i| {
                (
                    c.i32().unwrap().get(i).unwrap(),
                    k.i32().unwrap().get(i).unwrap(),
                    a.u64().unwrap().get(i).unwrap(),
                    r.f64().unwrap().get(i).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn the_one_pass_count_agrees_with_the_polars_definition_for_every_period() {
        for (tables, settings) in [
            (fixture::tables(), fixture::settings()),
            (
                crate::indicators::service_fixture::tables(),
                fixture::settings(),
            ),
        ] {
            let ctx = Context::prepare(&tables, &settings).unwrap();
            let mut checked = 0;
            for p in [
                "2024-12", "2025-03", "2025-Q2", "2025-Q4", "2026-02", "2026-Q2", "2026-06",
            ] {
                let period: Period = p.parse().unwrap();
                let got = compute(&ctx, period).unwrap();
                if got.missing.is_some() {
                    continue;
                }
                let mut cells: Vec<(i32, i32, u64, f64)> = Vec::new();
                for row in &got.rows {
                    let (y, m) = row.cohort.split_once('-').unwrap();
                    let m0 = y.parse::<i32>().unwrap() * 12 + m.parse::<i32>().unwrap() - 1;
                    for (k, (&a, &r)) in row.active.iter().zip(&row.revenue).enumerate() {
                        cells.push((m0, k as i32, a, r));
                    }
                }
                // The reference lists the cells with days only; the rows hold zeros elsewhere.
                let expected = reference(&ctx, period);
                for (c, k, a, r) in &expected {
                    let found = cells
                        .iter()
                        .find(|x| x.0 == *c && x.1 == *k)
                        .unwrap_or_else(|| panic!("{p}: cohort {c} k {k} missing"));
                    assert_eq!(found.2, *a, "{p}: cohort {c} k {k}");
                    assert!((found.3 - r).abs() < 1e-9, "{p}: cohort {c} k {k}");
                    checked += 1;
                }
                for x in &cells {
                    if !expected.iter().any(|e| e.0 == x.0 && e.1 == x.1) {
                        assert_eq!((x.2, x.3), (0, 0.0), "{p}: cell without days");
                    }
                }
            }
            assert!(checked > 20, "only {checked} cells compared");
        }
    }
}
