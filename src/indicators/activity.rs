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
