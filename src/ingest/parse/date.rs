//! Dates and date-times as exports write them: ISO (`2026-03-14`, `2026-03-14T10:22:00`),
//! `dd/mm/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`, `dd/mm/yy`, `mm/dd/yyyy`, each with an optional
//! `hh:mm[:ss]` (and AM/PM), Excel serial numbers (1900 and 1904 systems), `yyyymmdd`, and text
//! dates with month names (`14-mar-2026`, `14 de marzo de 2026`, `Mar 14, 2026`).
//!
//! Whether `03/04/2026` is March or April depends on the column, not the value: [`scan`] classifies
//! each value and [`ColumnShape`] (in `date_order`) decides for the whole column.
//! Values are returned as a [`Stamp`] (days since 1970-01-01 plus milliseconds of the day), which is
//! exactly what polars' Date and Datetime(ms) columns store.

use super::calendar::{days_from_civil, expand_two_digit_year, from_number};
use super::clock::{Time, time_of_day};
use super::text_date::named;

pub(crate) use super::date_order::{ColumnShape, OrderError};

/// Day/month order of `a/b/y` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// `dd/mm/yyyy`.
    DayFirst,
    /// `mm/dd/yyyy`.
    MonthFirst,
}

/// Epoch of Excel serial day numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SerialBase {
    /// Windows Excel: day 1 is 1900-01-01 (with Lotus' phantom 1900-02-29).
    Excel1900,
    /// Old Mac Excel: day 0 is 1904-01-01.
    Excel1904,
}

/// A parsed point in time: days since 1970-01-01 and milliseconds into that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) days: i32,
    pub(crate) ms: u32,
}

impl Stamp {
    /// Milliseconds since 1970-01-01T00:00, the Datetime(ms) representation.
    pub(crate) fn epoch_ms(self) -> i64 {
        i64::from(self.days) * 86_400_000 + i64::from(self.ms)
    }
}

/// What one value looks like before the column's order is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Year first, or a month name: needs no order.
    Unambiguous,
    /// `a/b/y`: `first` and `second` are the two leading numbers.
    DayMonth { first: u32, second: u32 },
    /// A bare number: an Excel serial (or `yyyymmdd`).
    Serial,
    /// Not a date at all.
    Invalid,
}

/// The pieces of a numeric date, before day and month are told apart.
#[derive(Debug, Clone, Copy)]
struct Fields {
    first: u32,
    first_len: usize,
    second: u32,
    third: u32,
    third_len: usize,
    sep: u8,
    time: Option<Time>,
}

/// Classifies one value.
pub(crate) fn scan(s: &str) -> Shape {
    let s = s.trim();
    match numeric_fields(s) {
        Some(Numeric::Fields(f)) if f.first_len == 4 => Shape::Unambiguous,
        Some(Numeric::Fields(f)) => Shape::DayMonth {
            first: f.first,
            second: f.second,
        },
        Some(Numeric::Number(_)) => Shape::Serial,
        None if named(s).is_some() => Shape::Unambiguous,
        None => Shape::Invalid,
    }
}

/// Parses one value once the column's order is known (`None`: the column had no `a/b/y` value).
pub(crate) fn parse(s: &str, order: Option<Order>, base: SerialBase) -> Option<Stamp> {
    let s = s.trim();
    match numeric_fields(s) {
        Some(Numeric::Fields(f)) => {
            let (y, m, d) = if f.first_len == 4 {
                (f.first as i32, f.second, f.third)
            } else {
                let year = match f.third_len {
                    4 => f.third as i32,
                    _ => expand_two_digit_year(f.third),
                };
                match order? {
                    Order::DayFirst => (year, f.second, f.first),
                    Order::MonthFirst => (year, f.first, f.second),
                }
            };
            let days = days_from_civil(y, m, d)?;
            Some(Stamp {
                days,
                ms: f.time.map_or(0, |t| t.ms),
            })
        }
        Some(Numeric::Number(v)) => from_number(v, base),
        None => named(s),
    }
}

/// A human description of the layout of one value given the order, e.g. `dd/mm/yyyy hh:mm`.
pub(crate) fn describe(s: &str, order: Option<Order>, base: SerialBase) -> String {
    match numeric_fields(s.trim()) {
        Some(Numeric::Fields(f)) => {
            let sep = f.sep as char;
            let year = if f.third_len == 4 || f.first_len == 4 {
                "yyyy"
            } else {
                "yy"
            };
            let mut out = if f.first_len == 4 {
                format!("yyyy{sep}mm{sep}dd")
            } else if order == Some(Order::MonthFirst) {
                format!("mm{sep}dd{sep}{year}")
            } else {
                format!("dd{sep}mm{sep}{year}")
            };
            if let Some(t) = f.time {
                out.push_str(if t.t_sep { "Thh:mm" } else { " hh:mm" });
                if t.seconds {
                    out.push_str(":ss");
                }
            }
            out
        }
        Some(Numeric::Number(_)) => match base {
            SerialBase::Excel1900 => "Excel serial (1900 system)".to_string(),
            SerialBase::Excel1904 => "Excel serial (1904 system)".to_string(),
        },
        None => "text date with month name".to_string(),
    }
}

enum Numeric {
    Fields(Fields),
    Number(f64),
}

/// Reads `n sep n sep n [time]` or a bare number; `None` for anything else.
fn numeric_fields(s: &str) -> Option<Numeric> {
    let b = s.as_bytes();
    let (first, first_len, mut i) = digits(b, 0)?;
    if i == b.len() || b[i] == b'.' && b.len() > i + 1 && !b[i + 1..].contains(&b'.') {
        return number(s).map(Numeric::Number);
    }
    if b[i] == b',' {
        return number(s).map(Numeric::Number);
    }
    let sep = b[i];
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let (second, second_len, j) = digits(b, i + 1)?;
    if second_len > 2 || b.get(j) != Some(&sep) {
        return None;
    }
    let (third, third_len, k) = digits(b, j + 1)?;
    i = k;
    let ok_lengths = match first_len {
        4 => third_len <= 2,
        1 | 2 => third_len == 2 || third_len == 4,
        _ => false,
    };
    if !ok_lengths {
        return None;
    }
    let time = if i == b.len() {
        None
    } else {
        Some(time_of_day(&s[i..])?)
    };
    Some(Numeric::Fields(Fields {
        first,
        first_len,
        second,
        third,
        third_len,
        sep,
        time,
    }))
}

/// The number made by the digits from `start` (at most 9): value, digit count, end index.
pub(super) fn digits(b: &[u8], start: usize) -> Option<(u32, usize, usize)> {
    let mut v: u32 = 0;
    let mut i = start;
    while i < b.len() && b[i].is_ascii_digit() && i - start < 9 {
        v = v * 10 + u32::from(b[i] - b'0');
        i += 1;
    }
    if i == start {
        None
    } else {
        Some((v, i - start, i))
    }
}

fn number(s: &str) -> Option<f64> {
    s.replace(',', ".").parse::<f64>().ok()
}

#[cfg(test)]
#[path = "date_tests.rs"]
mod tests;
