//! What a change is measured against (P−1, or P−12m first when seasonality is material) and
//! how a finding prints its test's interval (issue 19).

use super::rules::Ctx;
use crate::domain::Lang;
use crate::stats::Significance;

/// The earlier period a change compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Against {
    /// P−1.
    Previous,
    /// P−12m.
    YearAgo,
}

impl Against {
    /// P−12m first when seasonality is material (or P−1 is unknown); P−1 otherwise. `None`
    /// when neither comparison is known.
    pub(super) fn pick(seasonal: bool, has_previous: bool, has_year_ago: bool) -> Option<Self> {
        match (seasonal, has_previous, has_year_ago) {
            (true, _, true) | (false, false, true) => Some(Against::YearAgo),
            (_, true, _) => Some(Against::Previous),
            _ => None,
        }
    }

    /// The comparison in words, for the statements.
    pub(super) fn phrase(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Against::Previous, Lang::En) => "on the previous period",
            (Against::Previous, Lang::Es) => "respecto al periodo anterior",
            (Against::YearAgo, Lang::En) => "on the same period a year earlier",
            (Against::YearAgo, Lang::Es) => "respecto al mismo periodo del año anterior",
        }
    }

    /// Of two values, the one of this comparison period.
    pub(super) fn choose<T>(self, previous: T, year_ago: T) -> T {
        match self {
            Against::Previous => previous,
            Against::YearAgo => year_ago,
        }
    }
}

/// "95% CI −6.1 to −2.3 pp" / "IC 95 %: −6,1 a −2,3 p.p.", each bound through `fmt`.
pub(super) fn interval_text(c: &Ctx, s: &Significance, fmt: impl Fn(f64) -> String) -> String {
    let level = c.loc.number(s.level * 100.0, 0);
    let (lo, hi) = (fmt(s.interval[0]), fmt(s.interval[1]));
    match c.lang {
        Lang::En => format!("{level}% CI {lo} to {hi}"),
        Lang::Es => format!("IC {level}\u{a0}%: {lo} a {hi}"),
    }
}

/// "the model over-predicts purchases by 26 % on the last year" (issue 19).
pub(super) fn clv_caveat(c: &Ctx, error: f64, last_year: bool) -> String {
    let pct = c.loc.percent(error.abs(), 0);
    let over = error > 0.0;
    match (c.lang, over, last_year) {
        (Lang::En, true, true) => {
            format!("the model over-predicts purchases by {pct} on the last year")
        }
        (Lang::En, false, true) => {
            format!("the model under-predicts purchases by {pct} on the last year")
        }
        (Lang::En, true, false) => {
            format!("the model over-predicts purchases by {pct} on the backtest period")
        }
        (Lang::En, false, false) => {
            format!("the model under-predicts purchases by {pct} on the backtest period")
        }
        (Lang::Es, true, true) => {
            format!("el modelo sobrestima las compras en un {pct} en el último año")
        }
        (Lang::Es, false, true) => {
            format!("el modelo subestima las compras en un {pct} en el último año")
        }
        (Lang::Es, true, false) => {
            format!("el modelo sobrestima las compras en un {pct} en el periodo de contraste")
        }
        (Lang::Es, false, false) => {
            format!("el modelo subestima las compras en un {pct} en el periodo de contraste")
        }
    }
}

/// "no change beyond noise" for a change that its test does not support.
pub(super) fn within_noise(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "no change beyond noise",
        Lang::Es => "sin cambio más allá del ruido",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seasonal_comparisons_lead_with_the_year_ago_period() {
        assert_eq!(Against::pick(true, true, true), Some(Against::YearAgo));
        assert_eq!(Against::pick(false, true, true), Some(Against::Previous));
        assert_eq!(Against::pick(true, true, false), Some(Against::Previous));
        assert_eq!(Against::pick(false, false, true), Some(Against::YearAgo));
        assert_eq!(Against::pick(true, false, false), None);
    }
}
