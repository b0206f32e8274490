//! Pareto chart of complaints by category: bars in the order given with their counts, and the
//! cumulative share as a line against a 0–100 % scale on the right (render stage).

use super::Pareto;
use super::axis::{Plot, nice_ticks, range};
use super::palette::{ACCENT, INK, MUTED, WARM};
use super::shape::Picture;
use super::svg::{Anchor, Svg, TextStyle};
use crate::render::locale::Locale;

/// Cumulative shares of `values` (each running total over the grand total).
fn cumulative(values: &[f64]) -> Vec<f64> {
    let total: f64 = values.iter().sum();
    let mut run = 0.0;
    values
        .iter()
        .map(|v| {
            run += v;
            if total > 0.0 { run / total } else { 0.0 }
        })
        .collect()
}

pub(super) fn render(c: &Pareto, locale: &Locale, width: f32, height: f32) -> Picture {
    let (lo, hi) = range(c.values.iter().copied(), true);
    // Headroom for the value labels and the legend row above the tallest bar.
    let (lo, hi, step) = nice_ticks(lo, hi * 1.22, 4);
    let tick_style = TextStyle::new(7.5, Anchor::End, MUTED);
    let tick_w = tick_style.width(&c.format.tick(locale, hi, step));
    let right_w = TextStyle::new(7.5, Anchor::Start, MUTED).width(&locale.percent(1.0, 0)) + 8.0;
    let plot = Plot {
        left: 16.0 + tick_w + 5.0,
        top: 12.0,
        right: width - right_w,
        bottom: height - 24.0,
        lo,
        hi,
        step,
    };
    let mut svg = Svg::new(width, height);
    plot.draw_value_axis(&mut svg, locale, c.format, &c.y_title);
    plot.draw_categories(&mut svg, &c.categories);
    // Right-hand scale of the cumulative line: 0 at the bottom, 100 % at the top.
    // 100 % sits a little under the plot top, leaving room for the share labels.
    let share_top = plot.top + 10.0;
    let y_share = |s: f64| plot.bottom - (plot.bottom - share_top) * s as f32;
    let right_tick = TextStyle::new(7.5, Anchor::Start, WARM);
    for k in 0..=4 {
        let s = f64::from(k) / 4.0;
        svg.text(
            plot.right + 4.0,
            y_share(s) + 2.6,
            &locale.percent(s, 0),
            right_tick,
        );
    }
    let n = c.values.len().max(1);
    let slot = plot.width() / n as f32;
    let bar_w = (slot * 0.66).min(60.0);
    let value_style = TextStyle::new(7.5, Anchor::Middle, INK).bold();
    for (i, v) in c.values.iter().enumerate() {
        let x = plot.left + slot * i as f32 + (slot - bar_w) / 2.0;
        let y = plot.y(*v);
        svg.rect(x, y, bar_w, plot.y(0.0) - y, ACCENT, None);
        svg.text(
            x + bar_w / 2.0,
            y - 3.0,
            &c.format.format(locale, *v),
            value_style,
        );
    }
    let cum = cumulative(&c.values);
    let pts: Vec<(f32, f32)> = cum
        .iter()
        .enumerate()
        .map(|(i, s)| (plot.left + slot * (i as f32 + 0.5), y_share(*s)))
        .collect();
    svg.polyline(&pts, WARM, 1.6, Some("4 2"));
    // Share labels sit above their points on a white plate, readable over the bars.
    let share_style = TextStyle::new(6.5, Anchor::Middle, WARM).bold();
    for (i, ((x, y), s)) in pts.iter().zip(&cum).enumerate() {
        svg.marker(super::palette::Marker::Square, (*x, *y), 2.2, WARM, None);
        // The last point is always 100 %, which the right-hand scale already says.
        if i + 1 == pts.len() {
            continue;
        }
        let text = locale.percent(*s, 0);
        let w = share_style.width(&text) + 3.0;
        svg.rect(x - w / 2.0, y - 12.5, w, 8.5, "#ffffff", None);
        svg.text(*x, y - 5.8, &text, share_style);
    }
    // Legend on the top row: the bars' measure and the cumulative line.
    let legend = TextStyle::new(7.5, Anchor::Start, INK);
    svg.rect(plot.left, 4.0, 10.0, 8.0, ACCENT, None);
    svg.text(plot.left + 14.0, 11.0, &c.y_title, legend);
    let x2 = plot.left + 30.0 + legend.width(&c.y_title);
    svg.line((x2, 8.0), (x2 + 16.0, 8.0), WARM, 1.6, Some("4 2"));
    svg.marker(
        super::palette::Marker::Square,
        (x2 + 8.0, 8.0),
        2.2,
        WARM,
        None,
    );
    svg.text(x2 + 20.0, 11.0, &c.cumulative_label, legend);
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumulative_shares_end_at_one() {
        // 41 + 25 + 34 = 100: 0.41, 0.66, 1.0.
        let c = cumulative(&[41.0, 25.0, 34.0]);
        assert_eq!(c, vec![0.41, 0.66, 1.0]);
        assert_eq!(cumulative(&[0.0, 0.0]), vec![0.0, 0.0]);
    }
}
