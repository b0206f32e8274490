//! The simulated history's calendar: day numbers, seasonality, and pre-formatted dates.
//!
//! Events are kept as a day number counted from the first day of history plus a minute of the
//! day; dates are written from tables built once, so formatting 20 million dates costs a copy.

use chrono::{Datelike, Months, NaiveDate};

/// Length of the simulated history.
pub(crate) const HISTORY_MONTHS: u32 = 48;

/// Days and their formats over the simulated history, last day included.
#[derive(Debug)]
pub(crate) struct Calendar {
    start: NaiveDate,
    days: u32,
    dmy: Vec<[u8; 10]>,
    iso: Vec<[u8; 10]>,
    mdy: Vec<[u8; 10]>,
    weekday: Vec<u8>,
    season: Vec<f64>,
    season_max: f64,
    excel_start: f64,
}

fn write_date(out: &mut [u8; 10], order: [(u32, usize); 3], sep: u8) {
    let mut i = 0;
    for (k, (value, width)) in order.iter().enumerate() {
        let mut v = *value;
        for pos in (0..*width).rev() {
            out[i + pos] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        i += width;
        if k < 2 {
            out[i] = sep;
            i += 1;
        }
    }
}

impl Calendar {
    /// The four years ending `end`, with purchase seasonality by month (Jan..Dec) and weekday
    /// (Mon..Sun).
    pub(crate) fn new(
        end: NaiveDate,
        month_factor: &[f64; 12],
        weekday_factor: &[f64; 7],
    ) -> Calendar {
        let start = end
            .checked_sub_months(Months::new(HISTORY_MONTHS))
            .and_then(|d| d.succ_opt())
            .unwrap_or(end);
        let days = (end - start).num_days() as u32 + 1;
        let mut cal = Calendar {
            start,
            days,
            dmy: Vec::with_capacity(days as usize),
            iso: Vec::with_capacity(days as usize),
            mdy: Vec::with_capacity(days as usize),
            weekday: Vec::with_capacity(days as usize),
            season: Vec::with_capacity(days as usize),
            season_max: 0.0,
            excel_start: (start - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(start)).num_days()
                as f64,
        };
        for date in start.iter_days().take(days as usize) {
            let (y, m, d) = (date.year() as u32, date.month(), date.day());
            let mut buf = [0u8; 10];
            write_date(&mut buf, [(d, 2), (m, 2), (y, 4)], b'/');
            cal.dmy.push(buf);
            write_date(&mut buf, [(y, 4), (m, 2), (d, 2)], b'-');
            cal.iso.push(buf);
            write_date(&mut buf, [(m, 2), (d, 2), (y, 4)], b'/');
            cal.mdy.push(buf);
            let wd = date.weekday().num_days_from_monday() as u8;
            cal.weekday.push(wd);
            let s = month_factor[m as usize - 1] * weekday_factor[wd as usize];
            cal.season_max = cal.season_max.max(s);
            cal.season.push(s);
        }
        cal
    }

    /// Number of days in the history; valid day numbers are `0..days()`.
    pub(crate) fn days(&self) -> u32 {
        self.days
    }

    /// The calendar date of a day number.
    pub(crate) fn date(&self, day: u32) -> NaiveDate {
        self.start + chrono::Days::new(day as u64)
    }

    /// `dd/mm/yyyy`.
    pub(crate) fn dmy(&self, day: u32) -> &[u8; 10] {
        &self.dmy[day as usize]
    }

    /// `yyyy-mm-dd`.
    pub(crate) fn iso(&self, day: u32) -> &[u8; 10] {
        &self.iso[day as usize]
    }

    /// `mm/dd/yyyy` (US order).
    pub(crate) fn mdy(&self, day: u32) -> &[u8; 10] {
        &self.mdy[day as usize]
    }

    /// Relative purchase intensity of a day (month × weekday factor).
    pub(crate) fn season(&self, day: u32) -> f64 {
        self.season[day as usize]
    }

    /// The largest [`Calendar::season`] value, the envelope for thinning.
    pub(crate) fn season_max(&self) -> f64 {
        self.season_max
    }

    /// The same or the next working day (Saturday and Sunday move to Monday).
    pub(crate) fn working_day(&self, day: u32) -> u32 {
        match self.weekday.get(day as usize) {
            Some(5) => day + 2,
            Some(6) => day + 1,
            _ => day,
        }
    }

    /// Excel serial number (1900 date system) of a day and minute.
    pub(crate) fn excel_serial(&self, day: u32, minute: u16) -> f64 {
        self.excel_start + day as f64 + minute as f64 / 1440.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat() -> Calendar {
        Calendar::new(
            NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
            &[1.0; 12],
            &[1.0; 7],
        )
    }

    #[test]
    fn history_is_the_four_years_ending_on_the_end_date() {
        let cal = flat();
        assert_eq!(cal.date(0), NaiveDate::from_ymd_opt(2022, 10, 1).unwrap());
        assert_eq!(
            cal.date(cal.days() - 1),
            NaiveDate::from_ymd_opt(2026, 9, 30).unwrap()
        );
        // 2022-10-01 .. 2026-09-30: 365 * 4 + 1 leap day (2024-02-29) = 1461 days.
        assert_eq!(cal.days(), 1461);
    }

    #[test]
    fn dates_are_formatted_in_three_orders() {
        let cal = flat();
        // Day 165 = 2023-03-15 (Oct 31 + Nov 30 + Dec 31 + Jan 31 + Feb 28 = 151, + 14).
        assert_eq!(cal.dmy(165), b"15/03/2023");
        assert_eq!(cal.iso(165), b"2023-03-15");
        assert_eq!(cal.mdy(165), b"03/15/2023");
    }

    #[test]
    fn excel_serial_counts_from_1899_12_30() {
        let cal = flat();
        // 2022-10-01 is Excel serial 44835; noon adds one half.
        assert_eq!(cal.excel_serial(0, 720), 44835.5);
    }

    #[test]
    fn weekends_move_to_monday() {
        let cal = flat();
        // 2022-10-01 was a Saturday, so day 0 moves to Monday 2022-10-03 (day 2).
        assert_eq!(cal.working_day(0), 2);
        assert_eq!(cal.working_day(1), 2);
        assert_eq!(cal.working_day(2), 2);
    }
}
