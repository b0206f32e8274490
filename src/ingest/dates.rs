//! Date and date-time columns: the day/month order decided from the column (or audit.toml's
//! `date_format`), then one pass into days or milliseconds. Part of the ingest stage.

use super::convert::{ColumnContext, Converted, blank, numbers};
use super::ledger::{Msg, Problem};
use super::parse::date::{self, ColumnShape, OrderError, Stamp};
use crate::tables::ColType;
use polars::prelude::*;

/// Parses one cell of a date column.
type StampParser = dyn Fn(&str) -> Option<Stamp>;

pub(super) fn dates(
    ca: &StringChunked,
    name: PlSmallStr,
    header: &str,
    ty: ColType,
    ctx: &ColumnContext,
) -> Result<Converted, String> {
    let order_error = |e: OrderError| match e {
        OrderError::Ambiguous { example } => Msg::ambiguous_dates(header, &name, &example),
        OrderError::Conflicting {
            day_first,
            month_first,
        } => Msg::conflicting_dates(header, &name, &day_first, &month_first),
    };
    let explicit = ctx
        .date_format
        .as_deref()
        .filter(|f| !f.starts_with("excel"));
    // The first value that only fits one order settles the column; a later value fitting only
    // the other order fails to parse and is caught below as a conflict.
    let mut shape = ColumnShape::default();
    if explicit.is_none() {
        for s in ca.iter().flatten().filter(|s| !blank(s)) {
            shape.add(s);
            if shape.has_evidence() {
                break;
            }
        }
    }
    let order = shape.order(ctx.day_first_hint).map_err(order_error)?;
    let base = ctx.serial_base;
    let (parse, format): (Box<StampParser>, String) = match explicit {
        Some(fmt) => {
            let fmt = fmt.to_string();
            (Box::new(move |s| with_format(s, &fmt)), fmt_label(ctx))
        }
        None => {
            let format = shape
                .first_valid
                .as_deref()
                .map_or_else(String::new, |v| date::describe(v, order, base));
            (Box::new(move |s| date::parse(s, order, base)), format)
        }
    };
    let (column, failures) = if ty == ColType::Date {
        let (c, failures) = numbers::<Int32Type>(ca, name.clone(), |s| {
            parse(s).map(|t| t.days).ok_or(Problem::NotADate)
        });
        (c.into_date().into_column(), failures)
    } else {
        let (c, failures) = numbers::<Int64Type>(ca, name.clone(), |s| {
            parse(s).map(Stamp::epoch_ms).ok_or(Problem::NotADate)
        });
        (
            c.into_datetime(TimeUnit::Milliseconds, None).into_column(),
            failures,
        )
    };
    if explicit.is_none() && order.is_some() {
        failures
            .iter()
            .filter_map(|(row, _)| ca.get(*row))
            .for_each(|s| shape.add(s));
        shape.order(ctx.day_first_hint).map_err(order_error)?;
    }
    Ok(Converted {
        column,
        failures,
        format: Some(format),
    })
}

fn fmt_label(ctx: &ColumnContext) -> String {
    ctx.date_format.clone().unwrap_or_default()
}

/// Parses with audit.toml's chrono format: a date-time, else a date, else the format's date part.
fn with_format(s: &str, fmt: &str) -> Option<Stamp> {
    use chrono::{NaiveDate, NaiveDateTime, Timelike};
    let s = s.trim();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let stamp = |dt: NaiveDateTime| Stamp {
        days: (dt.date() - epoch).num_days() as i32,
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
