//! The customer-profitability ("whale") curve: cumulative share of margin against the share of
//! customers ranked from most to least profitable (render stage). The curve can rise above
//! 100 % and come back down: the gap is the margin the unprofitable customers destroy.

use super::WhaleCurve;
use super::axis::{Plot, nice_ticks, range};
use super::palette::{ACCENT, INK, MUTED, WARM};
use super::shape::Picture;
use super::svg::{Anchor, Svg, TextStyle};
use crate::render::i18n::strings;
use crate::render::locale::Locale;

/// The curve's height at customer share `x`, by linear interpolation.
fn at(points: &[(f64, f64)], x: f64) -> Option<f64> {
    points
        .windows(2)
        .find(|w| w[0].0 <= x && x <= w[1].0)
        .map(|w| {
            let span = w[1].0 - w[0].0;
            if span <= 0.0 {
                w[1].1
            } else {
                w[0].1 + (w[1].1 - w[0].1) * (x - w[0].0) / span
            }
        })
}

pub(super) fn render(c: &WhaleCurve, locale: &Locale, width: f32, height: f32) -> Picture {
    let (lo, hi) = range(c.points.iter().map(|p| p.1).chain([0.0, 1.0]), true);
    let (lo, hi, step) = nice_ticks(lo, hi * 1.05, 5);
    let pct = super::ValueFormat::Percent { decimals: 0 };
    let plot = Plot {
        left: 48.0,
        top: 12.0,
        right: width - 10.0,
        bottom: height - 34.0,
        lo,
        hi,
        step,
    };
    let mut svg = Svg::new(width, height);
    plot.draw_value_axis(&mut svg, locale, pct, &c.y_title);
    let x_of = |x: f64| plot.left + plot.width() * x.clamp(0.0, 1.0) as f32;
    let tick = TextStyle::new(7.5, Anchor::Middle, MUTED);
    for k in 0..=5 {
        let x = f64::from(k) / 5.0;
        svg.line(
            (x_of(x), plot.bottom),
            (x_of(x), plot.bottom + 3.0),
            MUTED,
            0.8,
            None,
        );
        svg.text(x_of(x), plot.bottom + 12.0, &locale.percent(x, 0), tick);
    }
    svg.text(
        plot.left + plot.width() / 2.0,
        height - 4.0,
        &c.x_title,
        tick,
    );
    let y100 = plot.y(1.0);
    svg.line(
        (plot.left, y100),
        (plot.right, y100),
        MUTED,
        0.8,
        Some("3 2"),
    );
    svg.text(
        plot.left + 4.0,
        y100 - 3.0,
        &locale.percent(1.0, 0),
        TextStyle::new(7.0, Anchor::Start, MUTED),
    );
    let pts: Vec<(f32, f32)> = c
        .points
        .iter()
        .map(|(x, y)| (x_of(*x), plot.y(*y)))
        .collect();
    svg.polyline(&pts, ACCENT, 2.0, None);
    let label = TextStyle::new(7.5, Anchor::Start, INK).bold();
    if let Some(y20) = at(&c.points, 0.2) {
        let (x, y) = (x_of(0.2), plot.y(y20));
        svg.line((x, plot.bottom), (x, y), WARM, 0.9, Some("2 2"));
        svg.marker(super::palette::Marker::Circle, (x, y), 2.6, WARM, None);
        let text = format!("{} → {}", locale.percent(0.2, 0), locale.percent(y20, 0));
        svg.text(x + 5.0, y + 11.0, &text, label);
    }
    if let Some(&(px, py)) = c.points.iter().max_by(|a, b| a.1.total_cmp(&b.1))
        && py > 1.0
    {
        {
            let (x, y) = (x_of(px), plot.y(py));
            svg.marker(super::palette::Marker::Circle, (x, y), 2.6, ACCENT, None);
            let text =
                strings(locale.lang).fill("chart.peak", &[("value", &locale.percent(py, 0))]);
            let anchor = if px > 0.7 { Anchor::End } else { Anchor::Start };
            svg.text(x, y - 5.0, &text, TextStyle { anchor, ..label });
        }
    }
    if let Some(&(lx, ly)) = c.points.last() {
        let (x, y) = (x_of(lx), plot.y(ly));
        svg.text(
            x - 3.0,
            y + 11.0,
            &locale.percent(ly, 0),
            TextStyle {
                anchor: Anchor::End,
                ..label
            },
        );
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_reads_the_curve_between_points() {
        let pts = [(0.0, 0.0), (0.1, 0.5), (0.3, 0.9)];
        // Halfway from (0.1, 0.5) to (0.3, 0.9): 0.5 + 0.4 × 0.5 = 0.7.
        assert!((at(&pts, 0.2).unwrap() - 0.7).abs() < 1e-12);
        assert_eq!(at(&pts, 0.5), None);
    }
}
