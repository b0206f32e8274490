//! Number, currency, percentage and date formatting for the report languages (render stage;
//! depends only on [`crate::domain::Lang`] and [`crate::period`]).
//!
//! Every figure the report prints goes through here once, when the lead builds the
//! [`Report`](super::Report); the renderers never format numbers themselves.
//!
//! Grouping rule, following CLDR (which follows the RAE): Spanish groups thousands with `.` only
//! when the integer part has five or more digits (`1234,56 €`, `12.345,67 €`), English always
//! groups with `,` (`€1,234.56`). Units are separated by a no-break space (U+00A0) so that a
//! figure never wraps away from its unit; negative numbers use the minus sign U+2212.

use crate::domain::Lang;
use chrono::{Datelike, NaiveDate};

/// The no-break space put between a number and its unit.
pub const NBSP: char = '\u{a0}';
/// The typographic minus sign used for negative figures.
pub const MINUS: char = '\u{2212}';

/// A report language with the currency its amounts are in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale {
    /// Language of every label, number and date.
    pub lang: Lang,
    /// ISO 4217 code of the amounts (EUR, USD, GBP, ...).
    pub currency: String,
}

impl Locale {
    /// A locale for `lang` with amounts in the ISO `currency`.
    pub fn new(lang: Lang, currency: &str) -> Self {
        Locale {
            lang,
            currency: currency.trim().to_uppercase(),
        }
    }

    fn separators(&self) -> (char, char, usize) {
        match self.lang {
            Lang::Es => ('.', ',', 5),
            Lang::En => (',', '.', 4),
        }
    }

    /// The magnitude of `v` with `decimals` decimals and locale grouping, without sign.
    fn magnitude(&self, v: f64, decimals: usize) -> String {
        let (group, decimal, min_digits) = self.separators();
        let fixed = format!("{:.*}", decimals, v.abs());
        let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
        let mut out = String::with_capacity(fixed.len() + 4);
        if int.len() >= min_digits {
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 {
                    out.push(group);
                }
                out.push(c);
            }
        } else {
            out.push_str(int);
        }
        if !frac.is_empty() {
            out.push(decimal);
            out.push_str(frac);
        }
        out
    }

    /// Whether `v` rounds to a non-zero value at `decimals` (so `−0` is never printed).
    fn is_negative(v: f64, decimals: usize) -> bool {
        v < 0.0
            && format!("{:.*}", decimals, v.abs())
                .chars()
                .any(|c| c.is_ascii_digit() && c != '0')
    }

    fn sign(v: f64, decimals: usize, plus: bool) -> &'static str {
        if Self::is_negative(v, decimals) {
            "\u{2212}"
        } else if plus
            && v > 0.0
            && format!("{:.*}", decimals, v)
                .bytes()
                .any(|c| matches!(c, b'1'..=b'9'))
        {
            "+"
        } else {
            ""
        }
    }

    /// A plain number: `12.345,67` / `12,345.67`.
    pub fn number(&self, v: f64, decimals: usize) -> String {
        format!(
            "{}{}",
            Self::sign(v, decimals, false),
            self.magnitude(v, decimals)
        )
    }

    /// A count: `3412` / `3,412`.
    pub fn integer(&self, v: i64) -> String {
        self.number(v as f64, 0)
    }

    /// A number with an explicit `+` when positive (changes): `+6` / `−1,6`.
    pub fn signed_number(&self, v: f64, decimals: usize) -> String {
        format!(
            "{}{}",
            Self::sign(v, decimals, true),
            self.magnitude(v, decimals)
        )
    }

    /// A share (0.912) as a percentage: `91,2 %` / `91.2%`.
    pub fn percent(&self, share: f64, decimals: usize) -> String {
        let n = self.number(share * 100.0, decimals);
        match self.lang {
            Lang::Es => format!("{n}{NBSP}%"),
            Lang::En => format!("{n}%"),
        }
    }

    /// A relative change (0.031) as a signed percentage: `+3,1 %` / `+3.1%`.
    pub fn signed_percent(&self, share: f64, decimals: usize) -> String {
        let n = self.signed_number(share * 100.0, decimals);
        match self.lang {
            Lang::Es => format!("{n}{NBSP}%"),
            Lang::En => format!("{n}%"),
        }
    }

    /// A difference of two shares (−0.008) in percentage points: `−0,8 p.p.` / `−0.8 pp`.
    pub fn points(&self, delta_share: f64, decimals: usize) -> String {
        let n = self.signed_number(delta_share * 100.0, decimals);
        match self.lang {
            Lang::Es => format!("{n}{NBSP}p.p."),
            Lang::En => format!("{n}{NBSP}pp"),
        }
    }

    /// A ratio such as a relative risk: `2,3×` / `2.3×`.
    pub fn times(&self, v: f64, decimals: usize) -> String {
        format!("{}×", self.number(v, decimals))
    }

    /// The currency's symbol, or its code where it has no common symbol.
    pub fn currency_symbol(&self) -> &str {
        match self.currency.as_str() {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            "JPY" => "¥",
            other => other,
        }
    }

    fn with_currency(&self, v: f64, decimals: usize, body: &str) -> String {
        let sign = Self::sign(v, decimals, false);
        let sym = self.currency_symbol();
        let spaced = sym.chars().count() > 1;
        match self.lang {
            Lang::Es => format!("{sign}{body}{NBSP}{sym}"),
            Lang::En if spaced => format!("{sign}{sym}{NBSP}{body}"),
            Lang::En => format!("{sign}{sym}{body}"),
        }
    }

    /// An amount: `12.345,67 €`, `1234,56 €` / `€12,345.67`, `$1,234.56`.
    pub fn currency(&self, v: f64, decimals: usize) -> String {
        self.with_currency(v, decimals, &self.magnitude(v, decimals))
    }

    /// An amount shortened for tiles and charts: `1,84 M€`, `214 k€`, `8450 €` / `€1.84M`, `€214k`.
    pub fn currency_compact(&self, v: f64) -> String {
        let a = v.abs();
        let (scaled, decimals, suffix) = if a >= 999_500.0 {
            (v / 1e6, 2, "M")
        } else if a >= 9_999.5 {
            (v / 1e3, 0, "k")
        } else {
            return self.currency(v, 0);
        };
        let body = self.magnitude(scaled, decimals);
        let sign = Self::sign(scaled, decimals, false);
        let sym = self.currency_symbol();
        match self.lang {
            Lang::Es => format!("{sign}{body}{NBSP}{suffix}{sym}"),
            Lang::En if sym.chars().count() > 1 => format!("{sign}{sym}{NBSP}{body}{suffix}"),
            Lang::En => format!("{sign}{sym}{body}{suffix}"),
        }
    }

    /// A duration in hours, switching to days from 72 h on: `52 h`, `9,5 días` / `9.5 days`.
    pub fn duration_hours(&self, hours: f64) -> String {
        if hours.abs() < 72.0 {
            format!("{}{NBSP}h", self.number(hours, 0))
        } else {
            let days = self.number(hours / 24.0, 1);
            match self.lang {
                Lang::Es => format!("{days}{NBSP}días"),
                Lang::En => format!("{days}{NBSP}days"),
            }
        }
    }

    /// A number of days: `37 días` / `37 days` (`1 día` / `1 day`).
    pub fn days(&self, days: f64) -> String {
        let n = self.number(days, 0);
        let one = n == "1";
        match (self.lang, one) {
            (Lang::Es, true) => format!("{n}{NBSP}día"),
            (Lang::Es, false) => format!("{n}{NBSP}días"),
            (Lang::En, true) => format!("{n}{NBSP}day"),
            (Lang::En, false) => format!("{n}{NBSP}days"),
        }
    }

    /// The full month name (1 = January): `septiembre` / `September`.
    pub fn month_name(&self, month: u32) -> &'static str {
        const ES: [&str; 12] = [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ];
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let i = (month.clamp(1, 12) - 1) as usize;
        match self.lang {
            Lang::Es => ES[i],
            Lang::En => EN[i],
        }
    }

    /// The three-letter month abbreviation: `sep` / `Sep`.
    pub fn month_abbr(&self, month: u32) -> String {
        self.month_name(month).chars().take(3).collect()
    }

    /// A date in words: `30 de septiembre de 2026` / `30 September 2026`.
    pub fn date(&self, d: NaiveDate) -> String {
        match self.lang {
            Lang::Es => format!(
                "{} de {} de {}",
                d.day(),
                self.month_name(d.month()),
                d.year()
            ),
            Lang::En => format!("{} {} {}", d.day(), self.month_name(d.month()), d.year()),
        }
    }

    /// A compact date: `30/09/2026` / `30 Sep 2026` (unambiguous for UK and US readers).
    pub fn date_short(&self, d: NaiveDate) -> String {
        match self.lang {
            Lang::Es => d.format("%d/%m/%Y").to_string(),
            Lang::En => format!("{} {} {}", d.day(), self.month_abbr(d.month()), d.year()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn es() -> Locale {
        Locale::new(Lang::Es, "EUR")
    }
    fn en() -> Locale {
        Locale::new(Lang::En, "EUR")
    }
    /// Spaces shown as plain spaces, so expectations read naturally.
    fn plain(s: String) -> String {
        s.replace(NBSP, " ")
    }

    #[test]
    fn spanish_groups_thousands_only_from_five_digits() {
        assert_eq!(plain(es().currency(12345.67, 2)), "12.345,67 €");
        assert_eq!(plain(es().currency(1234.56, 2)), "1234,56 €");
        assert_eq!(es().number(1_234_567.891, 2), "1.234.567,89");
        assert_eq!(es().integer(3412), "3412");
        assert_eq!(es().integer(48905), "48.905");
        assert_eq!(es().integer(999), "999");
        assert_eq!(es().integer(100_000), "100.000");
    }

    #[test]
    fn english_always_groups_thousands() {
        assert_eq!(en().currency(12345.67, 2), "€12,345.67");
        assert_eq!(
            Locale::new(Lang::En, "usd").currency(1234.56, 2),
            "$1,234.56"
        );
        assert_eq!(en().integer(3412), "3,412");
        assert_eq!(en().number(1_234_567.891, 1), "1,234,567.9");
        assert_eq!(en().integer(0), "0");
    }

    #[test]
    fn negative_amounts_use_the_minus_sign_and_never_print_minus_zero() {
        assert_eq!(plain(es().currency(-23_000.0, 0)), "\u{2212}23.000 €");
        assert_eq!(en().currency(-1234.5, 2), "\u{2212}€1,234.50");
        assert_eq!(es().number(-0.004, 2), "0,00");
        assert_eq!(en().signed_number(-0.04, 1), "0.0");
        assert_eq!(en().signed_number(0.04, 1), "0.0");
    }

    #[test]
    fn rounding_carries_into_a_new_group() {
        // 9999.996 rounds to 10000.00: five digits, so Spanish groups it.
        assert_eq!(es().number(9999.996, 2), "10.000,00");
        assert_eq!(en().number(999.5, 0), "1,000");
    }

    #[test]
    fn percentages_and_points_follow_each_language() {
        assert_eq!(plain(es().percent(0.912, 1)), "91,2 %");
        assert_eq!(en().percent(0.912, 1), "91.2%");
        assert_eq!(plain(es().signed_percent(0.031, 1)), "+3,1 %");
        assert_eq!(en().signed_percent(-0.062, 1), "\u{2212}6.2%");
        // 0.904 − 0.912 = −0.008 → −0.8 points.
        assert_eq!(plain(es().points(0.904 - 0.912, 1)), "\u{2212}0,8 p.p.");
        assert_eq!(plain(en().points(0.004, 1)), "+0.4 pp");
        assert_eq!(es().times(2.31, 1), "2,3×");
    }

    #[test]
    fn compact_amounts_switch_to_thousands_and_millions() {
        assert_eq!(plain(es().currency_compact(1_840_000.0)), "1,84 M€");
        assert_eq!(plain(es().currency_compact(214_300.0)), "214 k€");
        assert_eq!(plain(es().currency_compact(-23_400.0)), "\u{2212}23 k€");
        assert_eq!(plain(es().currency_compact(8450.0)), "8450 €");
        assert_eq!(en().currency_compact(1_840_000.0), "€1.84M");
        assert_eq!(en().currency_compact(214_300.0), "€214k");
        // 999,700 would print as "1000k": it moves up to millions instead.
        assert_eq!(en().currency_compact(999_700.0), "€1.00M");
        assert_eq!(
            plain(Locale::new(Lang::En, "CHF").currency_compact(5000.0)),
            "CHF 5,000"
        );
    }

    #[test]
    fn durations_switch_from_hours_to_days_at_72_hours() {
        assert_eq!(plain(es().duration_hours(52.4)), "52 h");
        // 228 h / 24 = 9.5 days.
        assert_eq!(plain(es().duration_hours(228.0)), "9,5 días");
        assert_eq!(plain(en().duration_hours(228.0)), "9.5 days");
        assert_eq!(plain(es().days(1.0)), "1 día");
        assert_eq!(plain(en().days(37.2)), "37 days");
    }

    #[test]
    fn dates_are_written_in_words_and_compactly() {
        let d = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        assert_eq!(es().date(d), "30 de septiembre de 2026");
        assert_eq!(en().date(d), "30 September 2026");
        assert_eq!(es().date_short(d), "30/09/2026");
        assert_eq!(en().date_short(d), "30 Sep 2026");
        let jan = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(es().date(jan), "5 de enero de 2026");
        assert_eq!(es().month_abbr(1), "ene");
    }
}
