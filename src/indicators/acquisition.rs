//! Indicators stage: customer acquisition cost (CAC) and CLV : CAC, where the customers table
//! carries an acquisition cost.
//!
//! Depends on [`super::context`] (first purchases) and [`super::clv_hist`] (CLV per customer).

use super::clv_hist::ClvBasis;
use super::context::{Context, KeyCursor, KeyIndex, between};
use super::definition::Definition;
use super::status::{Coverage, PeriodStatus, one_row};
use crate::figure::{Figure, Missing};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Acquisition cost of a period's new customers.
///
/// CAC = Σ acquisition_cost / count over the customers whose first purchase is in P and whose
/// acquisition cost is known.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Acquisition {
    /// New customers in the period with a known acquisition cost.
    pub new_customers_with_cost: Figure,
    /// Their average acquisition cost.
    pub cac: Figure,
}

/// Lifetime value against acquisition cost at P.
///
/// Over the customers acquired by P.end with a known acquisition cost and a CLV:
/// ratio = Σ CLV / Σ acquisition_cost (= mean CLV / mean CAC).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClvToCac {
    /// Customers in the comparison.
    pub customers: Figure,
    /// Their mean acquisition cost.
    pub average_cac: Figure,
    /// Their mean CLV.
    pub average_clv: Figure,
    /// Mean CLV / mean CAC.
    pub ratio: Figure,
    /// Predictive CLV when the model stage supplied it, else historical.
    pub basis: ClvBasis,
}

/// `key`, `cost` of the customers with a known acquisition cost, or why there are none.
pub(crate) type Costs = Result<DataFrame, Missing>;

/// Reads the acquisition costs once; every CAC figure joins this frame.
/// `index` is the key index when the caller has built it.
pub(crate) fn costs(ctx: &Context, index: Option<&KeyIndex>) -> PolarsResult<Costs> {
    let Some(customers) = ctx.tables.customers.as_ref() else {
        return Ok(Err(Missing::NoTable));
    };
    let known = customers
        .column("acquisition_cost")
        .map(|c| c.null_count() < c.len());
    if !known.unwrap_or(false) {
        return Ok(Err(Missing::NoColumn));
    }
    // Per transacting customer, the first known cost in file order; in one pass over the
    // customers with the key index, in key order (a group-by and a join of a million text ids
    // took most of a second at a million customers).
    let ids = customers.column("customer_id")?.str()?;
    let cost = customers.column("acquisition_cost")?.f64()?;
    let index = ctx.key_index_or(index)?;
    let mut cursor = KeyCursor::new(&ctx.keys, &index);
    let mut key_of = |id: &str| match cursor.as_mut() {
        Some(c) => c.key(id),
        None => index.get(id).copied(),
    };
    let mut first: Vec<Option<f64>> = vec![None; ctx.keys.height()];
    for (id, cost) in ids.iter().zip(cost.iter()) {
        let (Some(id), Some(cost)) = (id, cost) else {
            continue;
        };
        if let Some(slot) = key_of(id).and_then(|k| first.get_mut(k as usize))
            && slot.is_none()
        {
            *slot = Some(cost);
        }
    }
    let (keys, costs): (Vec<u32>, Vec<f64>) = first
        .iter()
        .enumerate()
        .filter_map(|(k, c)| c.map(|c| (k as u32, c)))
        .unzip();
    let height = keys.len();
    Ok(Ok(DataFrame::new(
        height,
        vec![
            UInt32Chunked::from_vec("key".into(), keys).into_column(),
            Float64Chunked::from_vec("cost".into(), costs).into_column(),
        ],
    )?))
}

pub(crate) fn compute(
    ctx: &Context,
    status: &PeriodStatus,
    costs: &Costs,
) -> PolarsResult<Acquisition> {
    let costs = match costs {
        Ok(c) => c.clone().lazy(),
        Err(reason) => {
            let m = Figure::missing(*reason);
            return Ok(Acquisition {
                new_customers_with_cost: m,
                cac: m,
            });
        }
    };
    let w = status.windows;
    let new =
        ctx.first_purchases
            .clone()
            .lazy()
            .filter(between(col("first_purchase"), w.start, w.end));
    let v = one_row(
        costs
            .join(
                new,
                [col("key")],
                [col("key")],
                JoinArgs::new(JoinType::Inner),
            )
            .select([len().alias("n"), col("cost").sum().alias("cost")]),
        &["n", "cost"],
    )?;
    let (n, cost) = (v[0].unwrap_or(0.0), v[1].unwrap_or(0.0));
    let covered = status.coverage.lookback;
    Ok(Acquisition {
        new_customers_with_cost: Coverage::gate(covered, Figure::of(n)),
        cac: Coverage::gate(covered, Figure::ratio(cost, n)),
    })
}

/// `clv_at_end` is `clv_hist::per_customer` at P.end (historical CLV of the acquired customers).
pub(crate) fn clv_to_cac(
    ctx: &Context,
    status: &PeriodStatus,
    costs: &Costs,
    clv_at_end: &DataFrame,
    values: Option<&DataFrame>,
) -> PolarsResult<ClvToCac> {
    let basis = if values.is_some() {
        ClvBasis::Predictive
    } else {
        ClvBasis::Historical
    };
    let costs = match costs {
        Ok(c) => c,
        Err(reason) => {
            let m = Figure::missing(*reason);
            return Ok(ClvToCac {
                customers: m,
                average_cac: m,
                average_clv: m,
                ratio: m,
                basis,
            });
        }
    };
    if values.is_none() && !ctx.has_cost {
        let m = Figure::missing(Missing::NoColumn);
        return Ok(ClvToCac {
            customers: m,
            average_cac: m,
            average_clv: m,
            ratio: m,
            basis,
        });
    }
    let [n, cost, clv] = match cac_sums_by_key(costs, clv_at_end, values)? {
        Some(sums) => sums,
        None => cac_sums_joined(costs, clv_at_end, values)?,
    };
    let covered = status.coverage.period;
    Ok(ClvToCac {
        customers: Coverage::gate(covered, Figure::of(n)),
        average_cac: Coverage::gate(covered, Figure::ratio(cost, n)),
        average_clv: Coverage::gate(covered, Figure::ratio(clv, n)),
        ratio: Coverage::gate(covered, Figure::ratio(clv, cost)),
        basis,
    })
}

/// Customers, Σ cost and Σ CLV over the customers with a cost, acquired by the end (a row of
/// `clv_at_end`) and, with model values, valued: the inner joins of [`cac_sums_joined`] as
/// lookups by key (the keys are dense, 0..customers), two joins of a million rows each fewer.
/// `None` when a frame repeats a key (a join would then multiply rows): the caller joins.
fn cac_sums_by_key(
    costs: &DataFrame,
    clv_at_end: &DataFrame,
    values: Option<&DataFrame>,
) -> PolarsResult<Option<[f64; 3]>> {
    /// Each key's value of `column` (`Some(None)`: a row with a null value), or `None` when a
    /// key repeats.
    fn by_key(df: &DataFrame, column: &str) -> PolarsResult<Option<Vec<Option<Option<f64>>>>> {
        let keys = df.column("key")?.u32()?;
        let v = df.column(column)?.cast(&DataType::Float64)?;
        let v = v.f64()?;
        let len = keys.iter().flatten().max().map_or(0, |k| k as usize + 1);
        let mut out = vec![None; len];
        for (k, x) in keys.iter().zip(v.iter()) {
            let Some(k) = k else { continue };
            if out[k as usize].replace(x).is_some() {
                return Ok(None);
            }
        }
        Ok(Some(out))
    }
    let Some(acquired) = by_key(clv_at_end, "clv")? else {
        return Ok(None);
    };
    let valued = match values {
        Some(v) => match by_key(v, "clv")? {
            Some(valued) => Some(valued),
            None => return Ok(None),
        },
        None => None,
    };
    let keys = costs.column("key")?.u32()?;
    let cost = costs.column("cost")?.cast(&DataType::Float64)?;
    let (mut n, mut cost_sum, mut clv_sum) = (0.0, 0.0, 0.0);
    let mut seen = vec![false; acquired.len()];
    for (k, c) in keys.iter().zip(cost.f64()?.iter()) {
        let Some(k) = k.map(|k| k as usize) else {
            continue;
        };
        let Some(Some(historical)) = acquired.get(k) else {
            continue;
        };
        let clv = match &valued {
            Some(valued) => match valued.get(k) {
                Some(Some(v)) => *v,
                _ => continue,
            },
            None => *historical,
        };
        if std::mem::replace(&mut seen[k], true) {
            return Ok(None);
        }
        n += 1.0;
        cost_sum += c.unwrap_or(0.0);
        clv_sum += clv.unwrap_or(0.0);
    }
    Ok(Some([n, cost_sum, clv_sum]))
}

/// The definition [`cac_sums_by_key`] follows: inner joins of the costs, the customers
/// acquired by the end and, with model values, their values, summed.
fn cac_sums_joined(
    costs: &DataFrame,
    clv_at_end: &DataFrame,
    values: Option<&DataFrame>,
) -> PolarsResult<[f64; 3]> {
    let acquired = clv_at_end.clone().lazy();
    let clv = match values {
        Some(v) => acquired.select([col("key")]).join(
            v.clone().lazy().select([col("key"), col("clv")]),
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Inner),
        ),
        None => acquired,
    };
    let v = one_row(
        costs
            .clone()
            .lazy()
            .join(
                clv,
                [col("key")],
                [col("key")],
                JoinArgs::new(JoinType::Inner),
            )
            .select([
                len().alias("n"),
                col("cost").sum().alias("cost"),
                col("clv").sum().alias("clv"),
            ]),
        &["n", "cost", "clv"],
    )?;
    Ok([0, 1, 2].map(|i| v[i].unwrap_or(0.0)))
}

/// Methodology text of the acquisition family.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "cac",
        name_en: "Customer acquisition cost (CAC)",
        name_es: "Coste de adquisición de clientes (CAC)",
        en: "Mean acquisition cost, as recorded in the customers table, of the customers whose first \
             purchase is in the period; customers without a recorded cost are left out.",
        es: "Coste de adquisición medio, según la tabla de clientes, de los clientes cuya primera \
             compra cae en el periodo; se excluyen los clientes sin coste registrado.",
    },
    Definition {
        id: "clv_to_cac",
        name_en: "CLV : CAC",
        name_es: "CLV : CAC",
        en: "Over the customers acquired by the period's last day with a recorded acquisition cost: \
             mean CLV / mean acquisition cost. CLV is the predictive value when the model ran, \
             otherwise the historical value (cumulative margin); the report says which.",
        es: "Sobre los clientes adquiridos hasta el último día del periodo con coste de adquisición \
             registrado: CLV medio / coste de adquisición medio. El CLV es el predictivo si el \
             modelo se ejecutó y, si no, el histórico (margen acumulado); el informe indica cuál.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::clv_hist::{keyed_values, per_customer};
    use crate::indicators::fixture::{self, assert_fig, assert_missing};

    #[test]
    fn cac_averages_the_known_costs_of_the_periods_new_customers() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let a = compute(
            &ctx,
            &fixture::status(&ctx, fixture::period()),
            &costs(&ctx, None).unwrap(),
        )
        .unwrap();
        // N = {c09 40, c10 60, c17 no cost} → 2 with a cost, CAC = (40 + 60) / 2 = 50
        assert_fig(a.new_customers_with_cost, 2.0);
        assert_fig(a.cac, 50.0);
    }

    #[test]
    fn clv_to_cac_uses_historical_clv_unless_predictive_values_are_given() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let status = fixture::status(&ctx, fixture::period());
        let (costs, clv) = (
            costs(&ctx, None).unwrap(),
            per_customer(&ctx, status.windows.end).collect().unwrap(),
        );
        // costs: c01 30, c09 40, c10 60, c19 100 = 230; historical CLV 180 + 60 + 30 + 1800 = 2070
        let h = clv_to_cac(&ctx, &status, &costs, &clv, None).unwrap();
        assert_eq!(h.basis, ClvBasis::Historical);
        assert_fig(h.customers, 4.0);
        assert_fig(h.average_cac, 57.5);
        assert_fig(h.average_clv, 517.5);
        assert_fig(h.ratio, 2070.0 / 230.0);
        // predictive: 200 + 100 + 50 + 2000 = 2350 → 2350 / 230
        let values = keyed_values(&ctx, Some(&fixture::values())).unwrap();
        let p = clv_to_cac(&ctx, &status, &costs, &clv, values.as_ref()).unwrap();
        assert_eq!(p.basis, ClvBasis::Predictive);
        assert_fig(p.ratio, 2350.0 / 230.0);
    }

    #[test]
    fn cac_sums_by_key_equal_the_joins_and_decline_repeated_keys() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let values = keyed_values(&ctx, Some(&fixture::values()))
            .unwrap()
            .unwrap();
        let costs = costs(&ctx, None).unwrap().unwrap();
        let p = fixture::period();
        let mut compared = 0;
        for period in p.trailing(8) {
            let status = fixture::status(&ctx, period);
            let clv = per_customer(&ctx, status.windows.end).collect().unwrap();
            for v in [None, Some(&values)] {
                let fast = cac_sums_by_key(&costs, &clv, v)
                    .unwrap()
                    .expect("unique keys");
                let joined = cac_sums_joined(&costs, &clv, v).unwrap();
                assert_eq!(fast, joined, "{period} {}", v.is_some());
                compared += fast[0] as usize;
            }
        }
        assert!(compared > 10, "the fixture gives customers to compare");
        // A repeated key would make the join count a customer twice: the lookup declines.
        let twice = costs.vstack(&costs.head(Some(1))).unwrap();
        let status = fixture::status(&ctx, p);
        let clv = per_customer(&ctx, status.windows.end).collect().unwrap();
        assert_eq!(cac_sums_by_key(&twice, &clv, None).unwrap(), None);
        let h = clv_to_cac(&ctx, &status, &Ok(twice.clone()), &clv, None).unwrap();
        assert_eq!(
            h.customers.value,
            Some(cac_sums_joined(&twice, &clv, None).unwrap()[0])
        );
    }

    #[test]
    fn without_a_customers_table_cac_is_missing_for_that_reason() {
        let mut tables = fixture::tables();
        tables.customers = None;
        let settings = fixture::settings();
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let a = compute(
            &ctx,
            &fixture::status(&ctx, fixture::period()),
            &costs(&ctx, None).unwrap(),
        )
        .unwrap();
        assert_missing(a.cac, Missing::NoTable);
    }

    #[test]
    fn costs_read_in_one_pass_agree_with_the_group_by_and_join_definition() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let customers = tables.customers.as_ref().unwrap();
        let by_id = customers
            .clone()
            .lazy()
            .filter(col("acquisition_cost").is_not_null())
            .group_by([col("customer_id")])
            .agg([col("acquisition_cost").first().alias("cost")]);
        let want = ctx
            .with_keys(by_id)
            .select([col("key"), col("cost")])
            .sort(["key"], Default::default())
            .collect()
            .unwrap();
        let got = costs(&ctx, None).unwrap().unwrap();
        assert!(want.height() > 3);
        assert!(got.equals(&want), "{got:?} against {want:?}");
    }
}
