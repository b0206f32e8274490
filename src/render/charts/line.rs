//! Trend lines over periods with a legend, an optional target line and value labels (render
//! stage): retention trend, NPS/CSAT trend.

use super::axis::{Plot, nice_ticks, range};
use super::palette::{INK, MUTED, SERIES, WARM};
use super::shape::Picture;
use super::svg::{Anchor, Svg, TextStyle};
use super::{LineChart, Series};
use crate::render::locale::Locale;

/// Draws the legend on the top row and returns nothing; one entry per series.
fn legend(svg: &mut Svg, series: &[Series], x0: f32) {
    let style = TextStyle::new(7.5, Anchor::Start, INK);
    let mut x = x0;
    for (i, s) in series.iter().enumerate() {
        let (colour, dash, marker) = SERIES[i % SERIES.len()];
        svg.line((x, 8.0), (x + 16.0, 8.0), colour, 1.6, dash);
        svg.marker(marker, (x + 8.0, 8.0), 2.2, colour, None);
        svg.text(x + 20.0, 10.6, &s.name, style);
        x += 28.0 + style.width(&s.name);
    }
}

pub(super) fn render(c: &LineChart, locale: &Locale, width: f32, height: f32) -> Picture {
    let values = c
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let targets = c.target.iter().map(|t| t.value);
    let (mut lo, mut hi) = range(values.chain(targets), false);
    let pad = (hi - lo).max(1e-9) * 0.12;
    lo = c.y_min.unwrap_or(lo - pad);
    hi = c.y_max.unwrap_or(hi + pad);
    let (lo, hi, step) = nice_ticks(lo, hi, 4);
    let tick_style = TextStyle::new(7.5, Anchor::End, MUTED);
    let tick_w = [lo, hi]
        .iter()
        .map(|v| tick_style.width(&c.format.tick(locale, *v, step)))
        .fold(0.0, f32::max);
    let label_style = TextStyle::new(7.5, Anchor::Start, INK).bold();
    let end_label_w = if c.series.len() > 1 {
        c.series
            .iter()
            .filter_map(|s| s.values.iter().rev().flatten().next())
            .map(|v| label_style.width(&c.format.format(locale, *v)))
            .fold(0.0, f32::max)
            + 8.0
    } else {
        14.0
    };
    let plot = Plot {
        left: 16.0 + tick_w + 5.0,
        top: 24.0,
        right: width - end_label_w,
        bottom: height - 22.0,
        lo,
        hi,
        step,
    };
    let mut svg = Svg::new(width, height);
    plot.draw_value_axis(&mut svg, locale, c.format, &c.y_title);
    plot.draw_categories(&mut svg, &c.x_labels);
    legend(&mut svg, &c.series, plot.left);
    let n = c.x_labels.len().max(1);
    let slot = plot.width() / n as f32;
    let x_at = |i: usize| plot.left + slot * (i as f32 + 0.5);
    if let Some(t) = &c.target {
        let y = plot.y(t.value);
        svg.line((plot.left, y), (plot.right, y), WARM, 1.0, Some("2 2"));
    }
    let mut end_labels: Vec<(f32, f32, String)> = Vec::new();
    for (si, s) in c.series.iter().enumerate() {
        let (colour, dash, marker) = SERIES[si % SERIES.len()];
        let width_px = if si == 0 { 2.0 } else { 1.6 };
        // Gaps split the line: each run of present values is its own polyline.
        let mut run: Vec<(f32, f32)> = Vec::new();
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => run.push((x_at(i), plot.y(*v))),
                None => {
                    svg.polyline(&run, colour, width_px, dash);
                    run.clear();
                }
            }
        }
        svg.polyline(&run, colour, width_px, dash);
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                svg.marker(
                    marker,
                    (x_at(i), plot.y(*v)),
                    2.4,
                    colour,
                    Some(("#ffffff", 0.6)),
                );
            }
        }
        let last = s
            .values
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, v)| v.map(|v| (i, v)));
        if c.series.len() == 1 {
            let style = TextStyle::new(7.0, Anchor::Middle, INK);
            for (i, v) in s.values.iter().enumerate() {
                if let Some(v) = v {
                    let bold = if Some(i) == last.map(|l| l.0) {
                        style.bold()
                    } else {
                        style
                    };
                    svg.text(
                        x_at(i),
                        plot.y(*v) - 5.5,
                        &c.format.format(locale, *v),
                        bold,
                    );
                }
            }
        } else if let Some((i, v)) = last {
            end_labels.push((x_at(i) + 5.0, plot.y(v) + 2.6, c.format.format(locale, v)));
        }
    }
    if let Some(t) = &c.target {
        // At the left end, where the series' end labels never are, on a white plate; below the
        // line when a series runs just above it there.
        let y = plot.y(t.value);
        let style = TextStyle::new(7.0, Anchor::Start, WARM);
        let crowded = c
            .series
            .iter()
            .filter_map(|s| s.values.first().copied().flatten())
            .any(|v| {
                let d = y - plot.y(v);
                (0.0..14.0).contains(&d)
            });
        let base = if crowded { y + 9.5 } else { y - 3.0 };
        let w = style.width(&t.label) + 4.0;
        svg.rect(plot.left + 1.0, base - 7.0, w, 9.0, "#ffffff", None);
        svg.text(plot.left + 3.0, base, &t.label, style);
    }
    // End labels of close series are pushed apart so they never overlap.
    end_labels.sort_by(|a, b| a.1.total_cmp(&b.1));
    for k in 1..end_labels.len() {
        let min_y = end_labels[k - 1].1 + 9.0;
        if end_labels[k].1 < min_y {
            end_labels[k].1 = min_y;
        }
    }
    for (x, y, text) in &end_labels {
        svg.text(*x, *y, text, label_style);
    }
    svg.finish()
}
