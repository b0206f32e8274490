//! Names of audit periods in the report languages (render stage; depends on [`crate::period`]
//! and the locale): the cover's `3.er trimestre 2026` / `Q3 2026`, the running header's
//! `T3 2026`, and the short ticks of trend charts.

use super::locale::Locale;
use crate::domain::Lang;
use crate::period::{Granularity, Period};
use chrono::Datelike;

/// Spanish abbreviated ordinals of the quarters, as the RAE writes them (1.er, 2.º, 3.er, 4.º).
const ES_QUARTER_ORDINALS: [&str; 4] = ["1.er", "2.º", "3.er", "4.º"];

fn quarter_of(p: &Period) -> usize {
    (p.start.month0() / 3) as usize
}

impl Locale {
    /// The period in full: `3.er trimestre 2026`, `septiembre 2026` / `Q3 2026`, `September 2026`.
    pub fn period_label(&self, p: &Period) -> String {
        let year = p.start.year();
        match (p.granularity, self.lang) {
            (Granularity::Quarter, Lang::Es) => {
                format!("{} trimestre {year}", ES_QUARTER_ORDINALS[quarter_of(p)])
            }
            (Granularity::Quarter, Lang::En) => format!("Q{} {year}", quarter_of(p) + 1),
            (Granularity::Month, _) => format!("{} {year}", self.month_name(p.start.month())),
        }
    }

    /// The period in a running header or a "vs" note: `T3 2026`, `sep 2026` / `Q3 2026`, `Sep 2026`.
    pub fn period_short(&self, p: &Period) -> String {
        let year = p.start.year();
        match (p.granularity, self.lang) {
            (Granularity::Quarter, Lang::Es) => format!("T{} {year}", quarter_of(p) + 1),
            (Granularity::Quarter, Lang::En) => format!("Q{} {year}", quarter_of(p) + 1),
            (Granularity::Month, _) => format!("{} {year}", self.month_abbr(p.start.month())),
        }
    }

    /// A chart tick: `T3 26`, `sep 26` / `Q3 26`, `Sep 26`.
    pub fn period_tick(&self, p: &Period) -> String {
        let yy = p.start.year().rem_euclid(100);
        match (p.granularity, self.lang) {
            (Granularity::Quarter, Lang::Es) => format!("T{} {yy:02}", quarter_of(p) + 1),
            (Granularity::Quarter, Lang::En) => format!("Q{} {yy:02}", quarter_of(p) + 1),
            (Granularity::Month, _) => format!("{} {yy:02}", self.month_abbr(p.start.month())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn spanish_quarters_use_abbreviated_ordinals() {
        let es = Locale::new(Lang::Es, "EUR");
        assert_eq!(es.period_label(&p("2026-Q3")), "3.er trimestre 2026");
        assert_eq!(es.period_label(&p("2026-Q1")), "1.er trimestre 2026");
        assert_eq!(es.period_label(&p("2026-Q2")), "2.º trimestre 2026");
        assert_eq!(es.period_label(&p("2026-Q4")), "4.º trimestre 2026");
        assert_eq!(es.period_short(&p("2026-Q2")), "T2 2026");
        assert_eq!(es.period_tick(&p("2025-Q4")), "T4 25");
    }

    #[test]
    fn english_quarters_and_months() {
        let en = Locale::new(Lang::En, "USD");
        assert_eq!(en.period_label(&p("2026-Q3")), "Q3 2026");
        assert_eq!(en.period_label(&p("2026-09")), "September 2026");
        assert_eq!(en.period_short(&p("2026-09")), "Sep 2026");
        assert_eq!(en.period_tick(&p("2006-01")), "Jan 06");
    }

    #[test]
    fn spanish_months_are_lower_case() {
        let es = Locale::new(Lang::Es, "EUR");
        assert_eq!(es.period_label(&p("2026-09")), "septiembre 2026");
        assert_eq!(es.period_short(&p("2026-09")), "sep 2026");
    }
}
