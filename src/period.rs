//! Audit periods: months and quarters, their neighbours (P−1, P−12m) and trend series.
//!
//! Pure date arithmetic, no dependency on other stages. Windows are whole days with both ends
//! included, as the indicator definitions require.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// 1970-01-01: polars stores a Date as the number of days since it.
pub const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");

/// The day number of a date (days since 1970-01-01): the physical value of a polars Date, and
/// the integer every day window of the indicators and models is computed on.
pub fn day_number(date: NaiveDate) -> i32 {
    (date - EPOCH).num_days() as i32
}

/// The date of a day number.
pub fn date_of(day: i32) -> NaiveDate {
    EPOCH + Duration::days(i64::from(day))
}

/// Granularity of an audit period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// A calendar month.
    Month,
    /// A calendar quarter.
    Quarter,
}

impl Granularity {
    fn months(self) -> i32 {
        match self {
            Granularity::Month => 1,
            Granularity::Quarter => 3,
        }
    }
}

/// A calendar month or quarter, `[start, end]` with both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    /// Month or quarter.
    pub granularity: Granularity,
    /// First day.
    pub start: NaiveDate,
    /// Last day (included).
    pub end: NaiveDate,
}

/// What the user asked for on the command line, before the data say what "last" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodSpec {
    /// An explicit period (`2026-Q3`, `2026-09`).
    Fixed(Period),
    /// The last complete month before the reference date.
    LastMonth,
    /// The last complete quarter before the reference date.
    LastQuarter,
}

/// A period string that is neither `YYYY-Qn`, `YYYY-MM`, `last-quarter` nor `last-month`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid period '{0}': expected YYYY-Qn (2026-Q3), YYYY-MM (2026-09), last-quarter or last-month"
)]
pub struct PeriodParseError(pub String);

fn month_index(date: NaiveDate) -> i32 {
    date.year() * 12 + date.month0() as i32
}

fn first_of_month_index(index: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .expect("valid month")
}

impl Period {
    /// The period of the given granularity that contains `date`.
    pub fn containing(granularity: Granularity, date: NaiveDate) -> Period {
        let n = granularity.months();
        let idx = month_index(date);
        let start_idx = idx - idx.rem_euclid(12) % n;
        Period::from_start_index(granularity, start_idx)
    }

    fn from_start_index(granularity: Granularity, start_idx: i32) -> Period {
        let start = first_of_month_index(start_idx);
        let end = first_of_month_index(start_idx + granularity.months()) - Duration::days(1);
        Period {
            granularity,
            start,
            end,
        }
    }

    /// The month `YYYY-MM`.
    pub fn month(year: i32, month: u32) -> Option<Period> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|d| Period::containing(Granularity::Month, d))
    }

    /// The quarter `YYYY-Qn`.
    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        NaiveDate::from_ymd_opt(year, (quarter - 1) * 3 + 1, 1)
            .map(|d| Period::containing(Granularity::Quarter, d))
    }

    /// The period `k` steps later (negative: earlier).
    pub fn shift(&self, k: i32) -> Period {
        let idx = month_index(self.start) + k * self.granularity.months();
        Period::from_start_index(self.granularity, idx)
    }

    /// P−1: the period just before.
    pub fn previous(&self) -> Period {
        self.shift(-1)
    }

    /// P−12m: the same period a year earlier.
    pub fn year_ago(&self) -> Period {
        let steps = 12 / self.granularity.months();
        self.shift(-steps)
    }

    /// The `n` periods ending with this one, oldest first (for trend charts).
    pub fn trailing(&self, n: usize) -> Vec<Period> {
        (0..n as i32).rev().map(|k| self.shift(-k)).collect()
    }

    /// Number of days in the period.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Whether `date` falls in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// The last complete period of this granularity strictly before `reference`
    /// (the period containing `reference` counts only if `reference` is its last day).
    pub fn last_complete(granularity: Granularity, reference: NaiveDate) -> Period {
        let p = Period::containing(granularity, reference);
        if p.end == reference { p } else { p.previous() }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.granularity {
            Granularity::Month => write!(f, "{}-{:02}", self.start.year(), self.start.month()),
            Granularity::Quarter => {
                write!(f, "{}-Q{}", self.start.year(), self.start.month0() / 3 + 1)
            }
        }
    }
}

impl FromStr for Period {
    type Err = PeriodParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodParseError(s.to_string());
        let (year, rest) = s.trim().split_once('-').ok_or_else(err)?;
        let year: i32 = year.parse().map_err(|_| err())?;
        if !(1900..=9999).contains(&year) {
            return Err(err());
        }
        if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            let q: u32 = q.parse().map_err(|_| err())?;
            Period::quarter(year, q).ok_or_else(err)
        } else {
            if rest.len() != 2 {
                return Err(err());
            }
            let m: u32 = rest.parse().map_err(|_| err())?;
            Period::month(year, m).ok_or_else(err)
        }
    }
}

impl FromStr for PeriodSpec {
    type Err = PeriodParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "last-month" => Ok(PeriodSpec::LastMonth),
            "last-quarter" => Ok(PeriodSpec::LastQuarter),
            other => other.parse().map(PeriodSpec::Fixed),
        }
    }
}

impl PeriodSpec {
    /// Resolves "last" against a reference date (the `--as-of` date, or the last date in the data).
    pub fn resolve(self, reference: NaiveDate) -> Period {
        match self {
            PeriodSpec::Fixed(p) => p,
            PeriodSpec::LastMonth => Period::last_complete(Granularity::Month, reference),
            PeriodSpec::LastQuarter => Period::last_complete(Granularity::Quarter, reference),
        }
    }
}

impl fmt::Display for PeriodSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodSpec::Fixed(p) => p.fmt(f),
            PeriodSpec::LastMonth => f.write_str("last-month"),
            PeriodSpec::LastQuarter => f.write_str("last-quarter"),
        }
    }
}

/// The inclusive window of `days` days ending on `end`: `[end − days + 1, end]`.
pub fn window_ending(end: NaiveDate, days: i64) -> (NaiveDate, NaiveDate) {
    (end - Duration::days(days - 1), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quarter_string_parses_to_its_first_and_last_day() {
        let p: Period = "2026-Q3".parse().unwrap();
        assert_eq!((p.start, p.end), (d(2026, 7, 1), d(2026, 9, 30)));
        assert_eq!(p.to_string(), "2026-Q3");
        assert_eq!(p.days(), 92);
    }

    #[test]
    fn month_string_handles_leap_february() {
        let p: Period = "2024-02".parse().unwrap();
        assert_eq!(p.end, d(2024, 2, 29));
        assert_eq!(p.to_string(), "2024-02");
    }

    #[test]
    fn previous_and_year_ago_cross_year_boundaries() {
        let q1: Period = "2026-Q1".parse().unwrap();
        assert_eq!(q1.previous().to_string(), "2025-Q4");
        assert_eq!(q1.year_ago().to_string(), "2025-Q1");
        let jan: Period = "2026-01".parse().unwrap();
        assert_eq!(jan.previous().to_string(), "2025-12");
        assert_eq!(jan.year_ago().to_string(), "2025-01");
    }

    #[test]
    fn trailing_lists_oldest_first_ending_with_self() {
        let p: Period = "2026-Q3".parse().unwrap();
        let t: Vec<String> = p.trailing(8).iter().map(|p| p.to_string()).collect();
        assert_eq!(t.first().unwrap(), "2024-Q4");
        assert_eq!(t.last().unwrap(), "2026-Q3");
        assert_eq!(t.len(), 8);
    }

    #[test]
    fn last_complete_period_excludes_the_running_one() {
        let r = d(2026, 11, 23);
        assert_eq!(PeriodSpec::LastQuarter.resolve(r).to_string(), "2026-Q3");
        assert_eq!(PeriodSpec::LastMonth.resolve(r).to_string(), "2026-10");
        // On the last day of a quarter, that quarter is complete.
        assert_eq!(
            PeriodSpec::LastQuarter.resolve(d(2026, 9, 30)).to_string(),
            "2026-Q3"
        );
    }

    #[test]
    fn malformed_periods_are_rejected() {
        for bad in ["2026-Q5", "2026-13", "2026", "Q3-2026", "2026-9", "abc-01"] {
            assert!(bad.parse::<PeriodSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn window_ending_includes_both_ends() {
        let (s, e) = window_ending(d(2026, 6, 30), 365);
        assert_eq!(e, d(2026, 6, 30));
        assert_eq!(s, d(2025, 7, 1));
        assert_eq!((e - s).num_days() + 1, 365);
    }
}
