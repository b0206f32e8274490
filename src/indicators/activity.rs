//! Indicators stage: shared customer-activity queries, public so every family (complaints,
//! satisfaction, engagement) counts "active customers" and "first purchase" the same way.
//!
//! Depends on [`super::context`] only. Each function returns a lazy query keyed by `customer_id`.

use super::context::{Context, between, day_number};
use crate::period::window_ending;
use chrono::NaiveDate;
use polars::prelude::*;

/// Customers with at least one transaction with net_amount > 0 dated in `[from, to]` (both days
/// included): one column `customer_id`, one row per customer.
pub fn active_between(ctx: &Context, from: NaiveDate, to: NaiveDate) -> LazyFrame {
    let keys = ctx
        .daily
        .clone()
        .lazy()
        .filter(col("purchase").and(between(col("day"), day_number(from), day_number(to))))
        .group_by([col("key")])
        .agg([len().alias("purchase_days")])
        .select([col("key")]);
    ctx.with_ids(keys).select([col("customer_id")])
}

/// Customers active in the A days ending `end` (A = the configured activity window), i.e. in
/// `[end − A + 1, end]`.
pub fn active_in_window_ending(ctx: &Context, end: NaiveDate) -> LazyFrame {
    let (from, to) = window_ending(end, ctx.settings.activity_window_days);
    active_between(ctx, from, to)
}

/// Each customer's first purchase: `customer_id`, `first_purchase` (Date of its first
/// transaction with net_amount > 0). Customers with only credit notes have none and are absent.
pub fn first_purchases(ctx: &Context) -> LazyFrame {
    ctx.with_ids(ctx.first_purchases.clone().lazy()).select([
        col("customer_id"),
        col("first_purchase")
            .cast(DataType::Date)
            .alias("first_purchase"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::fixture::{self, d};

    fn ids(lf: LazyFrame) -> Vec<String> {
        let df = lf
            .sort(["customer_id"], Default::default())
            .collect()
            .unwrap();
        df.column("customer_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .map(String::from)
            .collect()
    }

    #[test]
    fn a_purchase_on_the_windows_first_day_counts_and_the_day_before_does_not() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        // window ending 2026-06-30 = [2025-07-01, 2026-06-30]: c04 (2025-07-01) in, c05 (06-30) out
        let e = ids(active_in_window_ending(&ctx, d("2026-06-30")));
        assert!(e.contains(&"c04".to_string()) && !e.contains(&"c05".to_string()));
        assert_eq!(e.len(), 14);
        // in [2025-08-01, 2025-08-01] only c13 bought; c08's credit note that day does not count
        assert_eq!(
            ids(active_between(&ctx, d("2025-08-01"), d("2025-08-01"))),
            ["c13"]
        );
    }

    #[test]
    fn first_purchase_skips_a_leading_credit_note() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let fp = first_purchases(&ctx)
            .filter(col("customer_id").eq(lit("c09")))
            .collect()
            .unwrap();
        let date = fp
            .column("first_purchase")
            .unwrap()
            .cast(&DataType::Int32)
            .unwrap();
        assert_eq!(
            date.i32().unwrap().get(0),
            Some(crate::indicators::context::day_number(d("2026-05-15")))
        );
        assert_eq!(first_purchases(&ctx).collect().unwrap().height(), 20);
    }
}
