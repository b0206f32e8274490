//! Calendar arithmetic: days since 1970-01-01 of a civil date, two-digit years, Excel serials.

use super::date::{SerialBase, Stamp};

/// Excel serial (with a fraction for the time of day) or `yyyymmdd`.
pub(super) fn from_number(v: f64, base: SerialBase) -> Option<Stamp> {
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
pub(super) fn expand_two_digit_year(yy: u32) -> i32 {
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
