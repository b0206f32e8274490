//! Horizontal 100 % stacked bars (channel mix) with a legend and share labels inside the
//! segments wide enough to hold them; alternate segments are hatched for grey printing
//! (render stage).

use super::StackedBars;
use super::palette::{INK, SEGMENTS, WHITE, dark};
use super::shape::{Colour, Fill, Picture};
use super::svg::{Anchor, Svg, TextStyle, fit};
use crate::render::locale::Locale;

const ROW_H: f32 = 16.0;
const GAP: f32 = 6.0;

/// Pattern definitions: diagonal hatching over a fill, one per segment colour that uses it.
/// The hatch of the light segments: tile size, line colour and width.
const HATCH_TILE: f32 = 5.0;
const HATCH_LINE: &str = "#7a8794";
const HATCH_WIDTH: f32 = 0.7;

fn defs(uid: &str) -> String {
    let mut s = String::from("<defs>");
    for (i, fill) in SEGMENTS.iter().enumerate().filter(|(i, _)| i % 2 == 1) {
        s.push_str(&format!(
            r##"<pattern id="{uid}-h{i}" patternUnits="userSpaceOnUse" width="{HATCH_TILE}" height="{HATCH_TILE}"><rect x="0" y="0" width="{HATCH_TILE}" height="{HATCH_TILE}" fill="{fill}"/><path d="M0,{HATCH_TILE} L{HATCH_TILE},0" stroke="{HATCH_LINE}" stroke-width="{HATCH_WIDTH}"/></pattern>"##
        ));
    }
    s.push_str("</defs>");
    s
}

pub(super) fn render(c: &StackedBars, locale: &Locale, width: f32, uid: &str) -> (Picture, f32) {
    let label_style = TextStyle::new(7.5, Anchor::End, INK);
    let left = c
        .rows
        .iter()
        .map(|r| label_style.width(r))
        .fold(0.0, f32::max)
        + 10.0;
    let legend_style = TextStyle::new(7.5, Anchor::Start, INK);
    // Legend rows: wrap entries so they never run past the right edge.
    let mut legend: Vec<(f32, f32, usize)> = Vec::new();
    let (mut x, mut y) = (left, 4.0);
    for (k, name) in c.segments.iter().enumerate() {
        let w = 14.0 + legend_style.width(name) + 12.0;
        if x + w > width && x > left {
            x = left;
            y += 12.0;
        }
        legend.push((x, y, k));
        x += w;
    }
    let top = y + 16.0;
    let height = top + c.rows.len() as f32 * (ROW_H + GAP) + 2.0;
    let mut svg = Svg::new(width, height);
    svg.raw(&defs(uid));
    for (i, fill) in SEGMENTS.iter().enumerate().filter(|(i, _)| i % 2 == 1) {
        if let (Some(base), Some(line)) = (Colour::parse(fill), Colour::parse(HATCH_LINE)) {
            let hatch = Fill::Hatched {
                base,
                line,
                spacing: HATCH_TILE,
                width: HATCH_WIDTH,
            };
            svg.name_pattern(&format!("{uid}-h{i}"), hatch);
        }
    }
    let fill_of = |k: usize| {
        let i = k % SEGMENTS.len();
        if i % 2 == 1 {
            format!("url(#{uid}-h{i})")
        } else {
            SEGMENTS[i].to_string()
        }
    };
    for (lx, ly, k) in &legend {
        svg.rect(*lx, *ly, 10.0, 8.0, &fill_of(*k), Some(("#5b6775", 0.5)));
        svg.text(lx + 14.0, ly + 7.0, &c.segments[*k], legend_style);
    }
    let bar_w = width - left - 4.0;
    for (r, row) in c.rows.iter().enumerate() {
        let y = top + r as f32 * (ROW_H + GAP);
        svg.text(left - 6.0, y + ROW_H / 2.0 + 2.6, row, label_style);
        let values = c.values.get(r).cloned().unwrap_or_default();
        let total: f64 = values.iter().filter(|v| **v > 0.0).sum();
        if total <= 0.0 {
            continue;
        }
        let mut x = left;
        for (k, v) in values.iter().enumerate() {
            let share = v.max(0.0) / total;
            let w = bar_w * share as f32;
            svg.rect(x, y, w, ROW_H, &fill_of(k), Some((WHITE, 0.8)));
            let text = locale.percent(share, 0);
            let colour = if dark(SEGMENTS[k % SEGMENTS.len()]) {
                WHITE
            } else {
                INK
            };
            let style = TextStyle::new(7.0, Anchor::Middle, colour).bold();
            if style.width(&text) + 4.0 <= w {
                // Hatched segments get a small plate so the number stays legible.
                if k % SEGMENTS.len() % 2 == 1 {
                    let tw = style.width(&text) + 3.0;
                    svg.rect(
                        x + w / 2.0 - tw / 2.0,
                        y + ROW_H / 2.0 - 5.0,
                        tw,
                        10.0,
                        SEGMENTS[k % SEGMENTS.len()],
                        None,
                    );
                }
                svg.text(
                    x + w / 2.0,
                    y + ROW_H / 2.0 + 2.5,
                    &fit(&text, &style, w),
                    style,
                );
            }
            x += w;
        }
    }
    (svg.finish(), height)
}
