//! Cross-selling, part of the engagement family: how many product categories the customers
//! active in A buy.
//!
//! Indicators stage; depends on the transactions table, period, config and figure.

use super::breakdown::{Bucket, Edges, bucket_exprs, empty_buckets, read_buckets};
use super::service_inputs::{column_gap, date_between, scalar_f64, scalar_u64};
use crate::config::IndicatorSettings;
use crate::customer_days::CustomerDays;
use crate::figure::{Figure, Missing};
use crate::indicators::Definition;
use crate::period::{Period, window_ending};
use crate::tables::Tables;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Methodology entries of this file.
pub const DEFINITIONS: &[Definition] = &[Definition {
    id: "cross_selling",
    name_en: "Cross-selling: categories per customer",
    name_es: "Venta cruzada: categorías por cliente",
    en: "For customers active in the A days ending the last day of P: distinct product categories of their purchase lines (net amount > 0) in that window. Mean and distribution (1, 2, 3, 4+) over the customers with at least one categorised purchase; single-category share = customers with exactly one category / those customers. Customers whose purchases carry no category are counted apart.",
    es: "Para los clientes activos en los A días que terminan el último día de P: categorías de producto distintas de sus líneas de compra (importe neto > 0) en esa ventana. Media y distribución (1, 2, 3, 4+) sobre los clientes con al menos una compra con categoría; cuota de una sola categoría = clientes con exactamente una / esos clientes. Los clientes cuyas compras no tienen categoría se cuentan aparte.",
}];

/// Bars of the categories-per-customer chart.
const CATEGORY_EDGES: Edges = &[
    ("1", 1.0, Some(2.0)),
    ("2", 2.0, Some(3.0)),
    ("3", 3.0, Some(4.0)),
    ("4+", 4.0, None),
];

/// Distinct categories bought per active customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossSelling {
    /// Customers active in A with at least one categorised purchase (the base).
    pub customers: Figure,
    /// Customers active in A none of whose purchases carries a category.
    pub without_category: Figure,
    /// Mean distinct categories per customer of the base.
    pub mean_categories: Figure,
    /// Share of the base buying a single category.
    pub single_category_share: Figure,
    /// Customers of the base by number of categories (1, 2, 3, 4+).
    pub distribution: Vec<Bucket>,
    /// Why the distribution is empty although customers may exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
}

impl CrossSelling {
    /// Figures the data cannot support.
    pub fn missing(reason: Missing) -> Self {
        let m = Figure::missing(reason);
        CrossSelling {
            customers: m,
            without_category: m,
            mean_categories: m,
            single_category_share: m,
            distribution: empty_buckets(CATEGORY_EDGES),
            missing: Some(reason),
        }
    }
}

/// The customers active in the A days ending the last day of `period`, one row each, with the
/// number of distinct categories of their purchases in that window (`categories`, Float64).
/// One group-by serves both cross-selling and the contact recency base.
pub(crate) fn window_customers(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
) -> PolarsResult<DataFrame> {
    let (first, last) = window_ending(period.end, settings.activity_window_days);
    tables
        .transactions
        .clone()
        .lazy()
        .filter(date_between("date", first, last).and(col("net_amount").gt(lit(0.0))))
        .group_by([col("customer_id")])
        .agg([col("category")
            .drop_nulls()
            .n_unique()
            .cast(DataType::Float64)
            .alias("categories")])
        .collect()
}

/// [`window_customers`] grouping the lines by the integer customer key of the customer-day
/// reduction instead of the text id (several times faster on tens of millions of lines), then
/// naming the customers.
pub(crate) fn window_customers_keyed(
    tables: &Tables,
    days: &CustomerDays,
    period: Period,
    settings: &IndicatorSettings,
) -> PolarsResult<DataFrame> {
    let (first, last) = window_ending(period.end, settings.activity_window_days);
    let tx = &tables.transactions;
    let lines = DataFrame::new(
        tx.height(),
        vec![
            tx.column("date")?.clone(),
            tx.column("net_amount")?.clone(),
            tx.column("category")?.clone(),
            days.line_key.clone().into_column(),
        ],
    )?;
    lines
        .lazy()
        .filter(date_between("date", first, last).and(col("net_amount").gt(lit(0.0))))
        .group_by([col("key")])
        .agg([col("category")
            .drop_nulls()
            .n_unique()
            .cast(DataType::Float64)
            .alias("categories")])
        .join(
            days.keys.clone().lazy(),
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("customer_id"), col("categories")])
        .collect()
}

/// Cross-selling over the customers of [`window_customers`].
pub(crate) fn cross_selling(
    window: &DataFrame,
    transactions: &DataFrame,
) -> PolarsResult<CrossSelling> {
    if let Some(reason) = column_gap(transactions, "category") {
        return Ok(CrossSelling::missing(reason));
    }
    let categorised = col("categories").gt(lit(0));
    let mut aggs = vec![
        len().alias("active"),
        categorised.clone().sum().alias("base"),
        col("categories").filter(categorised).mean().alias("mean"),
    ];
    aggs.extend(bucket_exprs("categories", CATEGORY_EDGES));
    let stats = window.clone().lazy().select(aggs).collect()?;
    let base = scalar_u64(&stats, "base")? as f64;
    let distribution = read_buckets(&stats, CATEGORY_EDGES)?;
    let single = distribution[0].count as f64;
    Ok(CrossSelling {
        customers: Figure::of(base),
        without_category: Figure::of(scalar_u64(&stats, "active")? as f64 - base),
        mean_categories: scalar_f64(&stats, "mean")?.into(),
        single_category_share: Figure::ratio(single, base),
        distribution,
        missing: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::service_fixture::{assert_value, period, tables};

    #[test]
    fn keyed_window_customers_equal_the_text_keyed_ones() {
        let t = tables();
        let days = CustomerDays::build(&t.transactions).unwrap();
        let s = IndicatorSettings::default();
        let sorted = |df: DataFrame| {
            df.lazy()
                .sort(["customer_id"], SortMultipleOptions::default())
                .collect()
                .unwrap()
        };
        for p in [period(), period().previous(), period().year_ago()] {
            let text = sorted(window_customers(&t, p, &s).unwrap());
            let keyed = sorted(window_customers_keyed(&t, &days, p, &s).unwrap());
            assert!(text.equals_missing(&keyed), "{p}:\n{text}\n{keyed}");
        }
        assert_eq!(
            window_customers_keyed(&t, &days, period(), &s)
                .unwrap()
                .height(),
            18
        );
    }

    #[test]
    fn categories_per_customer_count_purchases_in_the_activity_window() {
        let t = tables();
        let window = window_customers(&t, period(), &IndicatorSettings::default()).unwrap();
        assert_eq!(window.height(), 18);
        let c = cross_selling(&window, &t.transactions).unwrap();
        // Active 2025-04-01..2026-03-31 = 18; purchase categories (credit notes ignored):
        // c01 A B (R2 ignored) 2; c02 A B C 3; c03 C 1; c04 A B 2; c05 D A B C 4;
        // c06 A (+ a line without category) 1; c07 B; c08 C; c09 A; c10 B; c11 A;
        // c12 C (credit note D ignored); c13 A; c14 B; c15 C; c16 D; c18 A = 1 each;
        // c19 only an uncategorised line ⇒ left out. Base 17.
        assert_value(c.customers, 17.0);
        assert_value(c.without_category, 1.0);
        // 1: 13 customers, 2: c01 c04, 3: c02, 4+: c05.
        let counts: Vec<u64> = c.distribution.iter().map(|b| b.count).collect();
        assert_eq!(counts, [13, 2, 1, 1]);
        // Mean (13 + 2 × 2 + 3 + 4) / 17 = 24 / 17; single-category 13 / 17.
        assert_value(c.mean_categories, 24.0 / 17.0);
        assert_value(c.single_category_share, 13.0 / 17.0);
    }

    #[test]
    fn without_categories_cross_selling_says_no_column() {
        let mut t = tables();
        let h = t.transactions.height();
        t.transactions
            .with_column(Column::full_null("category".into(), h, &DataType::String))
            .unwrap();
        let window = window_customers(&t, period(), &IndicatorSettings::default()).unwrap();
        let c = cross_selling(&window, &t.transactions).unwrap();
        assert_eq!(c, CrossSelling::missing(Missing::NoColumn));
    }
}
