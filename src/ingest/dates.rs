//! Date and date-time columns: the day/month order decided from the column (or audit.toml's
//! `date_format`), then one pass into days or milliseconds. Part of the ingest stage.

use super::convert::{ColumnContext, Converted, blank, numbers};
use super::ledger::{Msg, Problem};
use super::parse::date::{self, ColumnShape, Order, OrderError, Stamp};
use crate::tables::ColType;
use polars::prelude::*;

/// Parses one cell of a date column.
pub(super) type StampParser = dyn Fn(&str) -> Option<Stamp> + Send + Sync;

/// A date column's day/month order (or audit.toml's format), decided before any value is
/// converted so that every slice of a large file is read the same way.
#[derive(Debug, Clone)]
pub(crate) struct DateRule {
    order: Option<Order>,
    explicit: Option<String>,
    /// What was seen deciding the order; the values that then fail are added to it to catch a
    /// column that mixes both orders.
    shape: ColumnShape,
    format: String,
}

impl DateRule {
    /// The layout found, for the ledger (e.g. `dd/mm/yyyy`).
    pub(crate) fn format(&self) -> &str {
        &self.format
    }

    /// Whether more rows could change the decision: the column so far only holds `a/b/y` values
    /// valid in both orders and nothing about the file hints at a locale.
    pub(crate) fn wants_more_rows(&self, ctx: &ColumnContext) -> bool {
        self.explicit.is_none()
            && matches!(
                self.shape.order(ctx.day_first_hint),
                Err(OrderError::Ambiguous { .. })
            )
    }
}

/// The rule the values so far give, even when they do not decide the order yet (see
/// [`DateRule::wants_more_rows`] and [`DateRule::check`]).
pub(super) fn scan_rule(ca: &StringChunked, ctx: &ColumnContext) -> DateRule {
    let explicit = ctx
        .date_format
        .as_deref()
        .filter(|f| !f.starts_with("excel"))
        .map(str::to_string);
    let mut shape = ColumnShape::default();
    if explicit.is_none() {
        for s in ca.iter().flatten().filter(|s| !blank(s)) {
            shape.add(s);
            if shape.has_evidence() {
                break;
            }
        }
    }
    let order = shape.order(ctx.day_first_hint).ok().flatten();
    let format = match &explicit {
        Some(_) => fmt_label(ctx),
        None => shape
            .first_valid
            .as_deref()
            .map_or_else(String::new, |v| date::describe(v, order, ctx.serial_base)),
    };
    DateRule {
        order,
        explicit,
        shape,
        format,
    }
}

impl DateRule {
    /// The message for a column whose order cannot be decided (ambiguous or contradictory).
    pub(super) fn check(
        &self,
        name: &str,
        header: &str,
        ctx: &ColumnContext,
    ) -> Result<(), String> {
        if self.explicit.is_some() {
            return Ok(());
        }
        self.shape
            .order(ctx.day_first_hint)
            .map(|_| ())
            .map_err(|e| order_error(e, header, name))
    }
}

fn order_error(e: OrderError, header: &str, name: &str) -> String {
    match e {
        OrderError::Ambiguous { example } => Msg::ambiguous_dates(header, name, &example),
        OrderError::Conflicting {
            day_first,
            month_first,
        } => Msg::conflicting_dates(header, name, &day_first, &month_first),
    }
}

/// Converts a date column with a decided rule, in one pass.
pub(super) fn apply(
    ca: &StringChunked,
    name: PlSmallStr,
    ty: ColType,
    rule: &DateRule,
    ctx: &ColumnContext,
) -> Converted {
    let parse = cell_parser(rule, ctx);
    let (column, failures) = if ty == ColType::Date {
        let (c, failures) = numbers::<Int32Type>(ca, name, |s| {
            parse(s).map(|t| t.days).ok_or(Problem::NotADate)
        });
        (c.into_date().into_column(), failures)
    } else {
        let (c, failures) = numbers::<Int64Type>(ca, name, |s| {
            parse(s).map(Stamp::epoch_ms).ok_or(Problem::NotADate)
        });
        (
            c.into_datetime(TimeUnit::Milliseconds, None).into_column(),
            failures,
        )
    };
    Converted {
        column,
        failures,
        format: Some(rule.format.clone()),
    }
}

/// How each cell of a column with this rule is read.
pub(super) fn cell_parser(rule: &DateRule, ctx: &ColumnContext) -> Box<StampParser> {
    let base = ctx.serial_base;
    let order = rule.order;
    match rule.explicit.clone() {
        Some(fmt) => Box::new(move |s| with_format(s, &fmt)),
        None => Box::new(move |s| date::parse(s, order, base)),
    }
}

/// After conversion: values that failed to parse may show the other day/month order, which
/// makes the column contradictory (an error naming one value of each order).
pub(super) fn recheck<'a>(
    rule: &DateRule,
    failed: impl Iterator<Item = &'a str>,
    name: &str,
    header: &str,
    ctx: &ColumnContext,
) -> Result<(), String> {
    if rule.explicit.is_some() || rule.order.is_none() {
        return Ok(());
    }
    let mut shape = rule.shape.clone();
    failed.for_each(|s| shape.add(s));
    shape
        .order(ctx.day_first_hint)
        .map(|_| ())
        .map_err(|e| order_error(e, header, name))
}

fn fmt_label(ctx: &ColumnContext) -> String {
    ctx.date_format.clone().unwrap_or_default()
}

/// Parses with audit.toml's chrono format: a date-time, else a date, else the format's date part.
fn with_format(s: &str, fmt: &str) -> Option<Stamp> {
    use chrono::{NaiveDate, NaiveDateTime, Timelike};
    let s = s.trim();
    let stamp = |dt: NaiveDateTime| Stamp {
        days: crate::period::day_number(dt.date()),
        ms: dt.num_seconds_from_midnight() * 1000 + dt.nanosecond() / 1_000_000,
    };
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
        return Some(stamp(dt));
    }
    let date_part = fmt.split([' ', 'T']).next().unwrap_or(fmt);
    NaiveDate::parse_from_str(s, fmt)
        .or_else(|_| NaiveDate::parse_from_str(s, date_part))
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(stamp)
}

/// Whether a chrono format string is usable (checked once per source, before any value).
pub(crate) fn valid_date_format(fmt: &str) -> bool {
    fmt == "excel" || fmt == "excel1904" || {
        use chrono::format::{Item, StrftimeItems};
        StrftimeItems::new(fmt).all(|i| !matches!(i, Item::Error))
    }
}
