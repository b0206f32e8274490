//! Dates and date-times as exports write them: ISO (`2026-03-14`, `2026-03-14T10:22:00`),
//! `dd/mm/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`, `dd/mm/yy`, `mm/dd/yyyy`, each with an optional
//! `hh:mm[:ss]` (and AM/PM), Excel serial numbers (1900 and 1904 systems), `yyyymmdd`, and text
//! dates with month names (`14-mar-2026`, `14 de marzo de 2026`, `Mar 14, 2026`).
//!
//! Whether `03/04/2026` is March or April depends on the column, not the value: [`scan`] classifies
//! each value, [`ColumnShape`] collects the whole column, and [`ColumnShape::order`] decides.
//! Values are returned as a [`Stamp`] (days since 1970-01-01 plus milliseconds of the day), which is
//! exactly what polars' Date and Datetime(ms) columns store.

use super::month::month_from_word;

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

#[derive(Debug, Clone, Copy)]
struct Time {
    ms: u32,
    seconds: bool,
    t_sep: bool,
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

/// The shapes of a whole column: enough to decide its day/month order.
#[derive(Debug, Clone, Default)]
pub(crate) struct ColumnShape {
    /// First `a/b/y` value whose first number is over 12 (so day-first).
    pub(crate) day_first_example: Option<String>,
    /// First `a/b/y` value whose second number is over 12 (so month-first).
    pub(crate) month_first_example: Option<String>,
    /// First `a/b/y` value seen.
    pub(crate) ambiguous_example: Option<String>,
    /// First value that is a date at all (for describing the layout).
    pub(crate) first_valid: Option<String>,
}

/// Why a column's day/month order cannot be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OrderError {
    /// Some values only make sense day-first and others only month-first.
    Conflicting {
        day_first: String,
        month_first: String,
    },
    /// Every `a/b/y` value has both numbers ≤ 12 and nothing about the file hints at a locale.
    Ambiguous { example: String },
}

impl ColumnShape {
    /// Records one value.
    pub(crate) fn add(&mut self, s: &str) {
        let shape = scan(s);
        if shape != Shape::Invalid && self.first_valid.is_none() {
            self.first_valid = Some(s.trim().to_string());
        }
        if let Shape::DayMonth { first, second } = shape {
            // Only values valid in exactly one order count as evidence: `45/13/2026` is neither.
            let day_first = (13..=31).contains(&first) && (1..=12).contains(&second);
            let month_first = (1..=12).contains(&first) && (13..=31).contains(&second);
            if day_first && self.day_first_example.is_none() {
                self.day_first_example = Some(s.trim().to_string());
            }
            if month_first && self.month_first_example.is_none() {
                self.month_first_example = Some(s.trim().to_string());
            }
            if self.ambiguous_example.is_none() {
                self.ambiguous_example = Some(s.trim().to_string());
            }
        }
    }

    /// Whether a value has already shown the order (day-first or month-first).
    pub(crate) fn has_evidence(&self) -> bool {
        self.day_first_example.is_some() || self.month_first_example.is_some()
    }

    /// The column's order: any first number over 12 means day-first, any second number over 12
    /// means month-first; with neither, `day_first_hint` (a `;` or decimal-comma or Windows-1252
    /// file) decides, and without a hint the column is ambiguous.
    pub(crate) fn order(&self, day_first_hint: bool) -> Result<Option<Order>, OrderError> {
        match (&self.day_first_example, &self.month_first_example) {
            (Some(d), Some(m)) => Err(OrderError::Conflicting {
                day_first: d.clone(),
                month_first: m.clone(),
            }),
            (Some(_), None) => Ok(Some(Order::DayFirst)),
            (None, Some(_)) => Ok(Some(Order::MonthFirst)),
            (None, None) => match &self.ambiguous_example {
                None => Ok(None),
                Some(_) if day_first_hint => Ok(Some(Order::DayFirst)),
                Some(e) => Err(OrderError::Ambiguous { example: e.clone() }),
            },
        }
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

fn digits(b: &[u8], start: usize) -> Option<(u32, usize, usize)> {
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

/// ` hh:mm[:ss[.fff]]` or `Thh:mm...`, optional AM/PM, optional `Z` or `±hh[:mm]` (ignored: the
/// canonical tables hold local wall-clock times as written).
fn time_of_day(s: &str) -> Option<Time> {
    let t_sep = s.starts_with('T');
    let rest = if t_sep {
        &s[1..]
    } else {
        s.strip_prefix(|c: char| c.is_whitespace())?
    };
    let b = rest.trim_start().as_bytes();
    let (h, hl, i) = digits(b, 0)?;
    if hl > 2 || b.get(i) != Some(&b':') {
        return None;
    }
    let (m, ml, mut i) = digits(b, i + 1)?;
    if ml != 2 {
        return None;
    }
    let mut sec = 0;
    let mut millis = 0;
    let mut seconds = false;
    if b.get(i) == Some(&b':') {
        let (s2, sl, j) = digits(b, i + 1)?;
        if sl != 2 {
            return None;
        }
        sec = s2;
        seconds = true;
        i = j;
        if matches!(b.get(i), Some(b'.' | b',')) {
            let start = i + 1;
            let mut j = start;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let frac = &b[start..j.min(start + 3)];
            millis = frac.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'))
                * 10u32.pow(3 - frac.len() as u32);
            i = j;
        }
    }
    let tail = std::str::from_utf8(&b[i..]).ok()?.trim();
    let h = match tail
        .to_ascii_lowercase()
        .trim_end_matches('.')
        .replace('.', "")
        .as_str()
    {
        "" | "z" => h,
        "am" | "a m" if (1..=12).contains(&h) => h % 12,
        "pm" | "p m" if (1..=12).contains(&h) => h % 12 + 12,
        t if is_offset(t) => h,
        _ => return None,
    };
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some(Time {
        ms: ((h * 60 + m) * 60 + sec.min(59)) * 1000 + millis,
        seconds,
        t_sep,
    })
}

fn is_offset(t: &str) -> bool {
    let b = t.as_bytes();
    matches!(b.first(), Some(b'+' | b'-'))
        && b.len() >= 3
        && b[1..].iter().all(|c| c.is_ascii_digit() || *c == b':')
}

/// Excel serial (with a fraction for the time of day) or `yyyymmdd`.
fn from_number(v: f64, base: SerialBase) -> Option<Stamp> {
    if v.fract() == 0.0 && (19_000_101.0..=21_001_231.0).contains(&v) {
        let n = v as u32;
        return days_from_civil((n / 10_000) as i32, n / 100 % 100, n % 100)
            .map(|days| Stamp { days, ms: 0 });
    }
    if !(1.0..2_958_466.0).contains(&v) {
        return None;
    }
    let whole = v.floor() as i32;
    let ms = ((v - v.floor()) * 86_400_000.0).round() as u32;
    let (whole, ms) = if ms >= 86_400_000 {
        (whole + 1, 0)
    } else {
        (whole, ms)
    };
    let days = match base {
        // 25569 is 1970-01-01; serials before 1900-03-01 skip Lotus' phantom leap day.
        SerialBase::Excel1900 if whole < 61 => whole - 25_568,
        SerialBase::Excel1900 => whole - 25_569,
        // 24107 days from 1904-01-01 to 1970-01-01.
        SerialBase::Excel1904 => whole - 24_107,
    };
    Some(Stamp { days, ms })
}

/// `yy` → `20yy` up to 69, else `19yy` (the POSIX `%y` rule).
fn expand_two_digit_year(yy: u32) -> i32 {
    if yy <= 69 {
        2000 + yy as i32
    } else {
        1900 + yy as i32
    }
}

/// Days since 1970-01-01 of a valid calendar date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i32, m: u32, d: u32) -> Option<i32> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || !(1000..=9999).contains(&y) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Text dates with a month name: `14-mar-2026`, `14 de marzo de 2026`, `Mar 14, 2026`,
/// `Saturday, March 14, 2026 10:22`.
fn named(s: &str) -> Option<Stamp> {
    let (date_part, time) = match s.find(':') {
        Some(colon) => {
            let start = s[..colon]
                .rfind(|c: char| !c.is_ascii_digit())
                .map_or(0, |p| p + 1);
            let sep_at = s[..start].trim_end().len();
            (
                &s[..sep_at],
                Some(time_of_day(&format!(" {}", &s[start..]))?),
            )
        }
        None => (s, None),
    };
    let mut month = None;
    let mut numbers: Vec<(u32, usize)> = Vec::new();
    for token in date_part
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        let token = strip_ordinal(token);
        if token.bytes().all(|c| c.is_ascii_digit()) {
            let (v, len, _) = digits(token.as_bytes(), 0)?;
            if len != token.len() {
                return None;
            }
            numbers.push((v, len));
        } else if let Some(m) = month_from_word(token) {
            if month.replace(m).is_some() {
                return None;
            }
        } else if !is_filler_word(token) {
            return None;
        }
    }
    let month = month?;
    let (day, year) = match numbers.as_slice() {
        [(a, _), (b, 4)] => (*a, *b as i32),
        [(a, 4), (b, _)] => (*b, *a as i32),
        [(a, _), (b, 2)] => (*a, expand_two_digit_year(*b)),
        _ => return None,
    };
    let days = days_from_civil(year, month, day)?;
    Some(Stamp {
        days,
        ms: time.map_or(0, |t| t.ms),
    })
}

/// `1st`, `22nd`, `3rd`, `14th` → the number.
fn strip_ordinal(t: &str) -> &str {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    match &t[digits..] {
        "st" | "nd" | "rd" | "th" | "º" | "o" if digits > 0 => &t[..digits],
        _ => t,
    }
}

/// Words that may surround a text date: `de`, `of`, weekday names, ordinal suffixes.
fn is_filler_word(t: &str) -> bool {
    const WORDS: &[&str] = &[
        "de",
        "del",
        "of",
        "the",
        "lunes",
        "martes",
        "miercoles",
        "miércoles",
        "jueves",
        "viernes",
        "sabado",
        "sábado",
        "domingo",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ];
    let lower = t.to_lowercase();
    WORDS.contains(&lower.as_str())
}

#[cfg(test)]
#[path = "date_tests.rs"]
mod tests;
