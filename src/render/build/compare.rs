//! Changes against earlier periods and traffic lights against targets, as the KPI tiles print
//! them (render stage, report builder).

use crate::figure::Figure;
use crate::render::document::{Change, Direction, Light};
use crate::render::locale::Locale;

/// How a change is measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Delta {
    /// Difference of two shares, in percentage points (rates).
    Points,
    /// Relative change, in per cent (amounts and counts).
    Relative,
    /// Plain difference with the given decimals (scores, complaints per 100).
    Absolute(usize),
}

/// The change of `now` against `then`, or `None` when either is missing (or a relative change
/// has no positive base).
pub(super) fn change(
    l: &Locale,
    now: &Figure,
    then: &Figure,
    delta: Delta,
    against: String,
    up_is_good: bool,
) -> Option<Change> {
    let (now, then) = (now.value?, then.value?);
    let (d, text) = match delta {
        Delta::Points => (now - then, l.points(now - then, 1)),
        Delta::Relative if then > 0.0 => {
            let r = (now - then) / then;
            (r, l.signed_percent(r, 1))
        }
        Delta::Relative => return None,
        Delta::Absolute(dec) => (now - then, l.signed_number(now - then, dec)),
    };
    // The direction follows the printed figure, so `0,0 p.p.` is flat, not up or down.
    let printed_zero = !text.chars().any(|c| matches!(c, '1'..='9'));
    let direction = if printed_zero {
        Direction::Flat
    } else if d > 0.0 {
        Direction::Up
    } else {
        Direction::Down
    };
    Some(Change {
        text: text.trim_start_matches(['+', '\u{2212}']).to_string(),
        against,
        direction,
        up_is_good,
    })
}

/// Green at or better than `target`, amber within `tolerance` (relative to the target's size),
/// red beyond; `None` without a value.
pub(super) fn light(value: Option<f64>, target: f64, tolerance: f64, up_is_good: bool) -> Light {
    let Some(v) = value else {
        return Light::None;
    };
    // How far short of the target the value falls, in the figure's units.
    let shortfall = if up_is_good { target - v } else { v - target };
    // A hair of slack so that a value exactly on the band's edge is not lost to rounding
    // (0.80 − 0.72 = 0.0800000000000001).
    let band = target.abs() * tolerance.max(0.0) + 1e-12 * target.abs().max(1.0);
    if shortfall <= 0.0 {
        Light::Green
    } else if shortfall <= band {
        Light::Amber
    } else {
        Light::Red
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_is_green_at_target_amber_within_tolerance_and_red_beyond() {
        // Retention target 0.80, tolerance 10 %: amber band down to 0.80 − 0.08 = 0.72.
        assert_eq!(light(Some(0.80), 0.80, 0.10, true), Light::Green);
        assert_eq!(light(Some(0.75), 0.80, 0.10, true), Light::Amber);
        assert_eq!(light(Some(0.72), 0.80, 0.10, true), Light::Amber);
        assert_eq!(light(Some(0.71), 0.80, 0.10, true), Light::Red);
        // Complaints per 100, target ≤ 5: amber up to 5.5.
        assert_eq!(light(Some(4.0), 5.0, 0.10, false), Light::Green);
        assert_eq!(light(Some(5.4), 5.0, 0.10, false), Light::Amber);
        assert_eq!(light(Some(5.6), 5.0, 0.10, false), Light::Red);
        assert_eq!(light(None, 5.0, 0.10, false), Light::None);
    }

    #[test]
    fn changes_use_points_for_rates_and_per_cent_for_amounts() {
        let l = Locale::new(crate::domain::Lang::Es, "EUR");
        let f = Figure::of;
        // 0.904 − 0.912 = −0.008 → 0,8 p.p. down.
        let c = change(
            &l,
            &f(0.904),
            &f(0.912),
            Delta::Points,
            "vs T2".into(),
            true,
        )
        .unwrap();
        assert_eq!(c.text, "0,8\u{a0}p.p.");
        assert_eq!(c.direction, Direction::Down);
        // (1060 − 1000) / 1000 = +6 %.
        let c = change(
            &l,
            &f(1060.0),
            &f(1000.0),
            Delta::Relative,
            "vs T2".into(),
            true,
        )
        .unwrap();
        assert_eq!(c.text, "6,0\u{a0}%");
        assert_eq!(c.direction, Direction::Up);
        // 0.9121 − 0.9119 prints as 0,0 p.p.: flat.
        let c = change(&l, &f(0.9121), &f(0.9119), Delta::Points, "".into(), true).unwrap();
        assert_eq!(c.direction, Direction::Flat);
        let missing = Figure::missing(crate::figure::Missing::OutsideData);
        assert!(change(&l, &f(1.0), &missing, Delta::Points, "".into(), true).is_none());
        assert!(change(&l, &f(1.0), &f(0.0), Delta::Relative, "".into(), true).is_none());
    }

    #[test]
    fn light_band_of_a_negative_target_uses_its_size() {
        // NPS target −10, tolerance 10 %: band 1 point, amber down to −11.
        assert_eq!(light(Some(-10.5), -10.0, 0.10, true), Light::Amber);
        assert_eq!(light(Some(-11.5), -10.0, 0.10, true), Light::Red);
    }
}
