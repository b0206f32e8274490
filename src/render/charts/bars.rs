//! Vertical bars per category with their values on top (render stage): CLV distribution,
//! resolution-time buckets, customers per segment.

use super::BarChart;
use super::axis::{Plot, nice_ticks, range};
use super::palette::{ACCENT, INK, MID, MUTED};
use super::shape::Picture;
use super::svg::{Anchor, Svg, TextStyle};
use crate::render::locale::Locale;

pub(super) fn render(c: &BarChart, locale: &Locale, width: f32, height: f32) -> Picture {
    let (lo, hi) = range(c.values.iter().copied(), true);
    let (lo, hi, step) = nice_ticks(lo, hi * 1.08, 4);
    let tick_style = TextStyle::new(7.5, Anchor::End, MUTED);
    let tick_w = [lo, hi]
        .iter()
        .map(|v| tick_style.width(&c.format.tick(locale, *v, step)))
        .fold(0.0, f32::max);
    let bottom_room = if c.x_title.is_empty() { 24.0 } else { 34.0 };
    let plot = Plot {
        left: 16.0 + tick_w + 5.0,
        top: 10.0,
        right: width - 6.0,
        bottom: height - bottom_room,
        lo,
        hi,
        step,
    };
    let mut svg = Svg::new(width, height);
    plot.draw_value_axis(&mut svg, locale, c.format, &c.y_title);
    plot.draw_categories(&mut svg, &c.categories);
    if !c.x_title.is_empty() {
        let style = TextStyle::new(7.5, Anchor::Middle, MUTED);
        svg.text(
            plot.left + plot.width() / 2.0,
            height - 3.0,
            &c.x_title,
            style,
        );
    }
    let n = c.values.len().max(1);
    let slot = plot.width() / n as f32;
    let bar_w = (slot * 0.7).min(70.0);
    let value_style = TextStyle::new(7.0, Anchor::Middle, INK);
    for (i, v) in c.values.iter().enumerate() {
        let x = plot.left + slot * i as f32 + (slot - bar_w) / 2.0;
        let (y0, y1) = (plot.y(0.0), plot.y(*v));
        let fill = match c.highlight {
            Some(h) if h != i => MID,
            _ => ACCENT,
        };
        svg.rect(x, y0.min(y1), bar_w, (y0 - y1).abs(), fill, None);
        let label = c.format.format(locale, *v);
        // Labels wider than the slot would collide with the neighbours': smaller type.
        let style = if value_style.width(&label) > slot - 1.0 {
            TextStyle {
                size: 6.0,
                ..value_style
            }
        } else {
            value_style
        };
        let y = if *v >= 0.0 { y1 - 3.0 } else { y1 + 8.0 };
        svg.text(x + bar_w / 2.0, y, &label, style);
    }
    svg.finish()
}
