//! Times of day after a date: ` hh:mm[:ss[.fff]]`, `Thh:mm:ss`, AM/PM, time-zone suffixes.

use super::date::digits;

/// A time of day and how it was written (for describing the layout).
#[derive(Debug, Clone, Copy)]
pub(super) struct Time {
    pub(super) ms: u32,
    pub(super) seconds: bool,
    pub(super) t_sep: bool,
}

/// ` hh:mm[:ss[.fff]]` or `Thh:mm...`, optional AM/PM, optional `Z` or `±hh[:mm]` (ignored: the
/// canonical tables hold local wall-clock times as written).
pub(super) fn time_of_day(s: &str) -> Option<Time> {
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
