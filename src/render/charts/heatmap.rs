//! Shaded matrices: the cohort heatmap and the RFM grid (render stage). Cells are shaded by
//! lightness and carry their value where it fits, so the reading does not depend on colour.

use super::palette::{ACCENT, INK, MUTED, WHITE, sequential};
use super::shape::Picture;
use super::svg::{Anchor, Svg, TextStyle, fit};
use super::{Heatmap, RfmGrid, ValueFormat};
use crate::render::locale::Locale;

/// Draws one shaded cell with its label; dark cells get white text.
fn cell(svg: &mut Svg, x: f32, y: f32, w: f32, h: f32, t: f64, label: Option<&str>) {
    svg.rect(x, y, w, h, &sequential(t), Some((WHITE, 0.8)));
    if let Some(label) = label {
        let fill = if t > 0.5 { WHITE } else { INK };
        let style = TextStyle::new(if h < 14.0 { 6.5 } else { 7.5 }, Anchor::Middle, fill);
        if style.width(label) <= w - 2.0 {
            svg.text(x + w / 2.0, y + h / 2.0 + 2.4, label, style);
        }
    }
}

pub(super) fn render(c: &Heatmap, locale: &Locale, width: f32) -> (Picture, f32) {
    let label_style = TextStyle::new(7.0, Anchor::End, INK);
    let row_w = c
        .row_labels
        .iter()
        .map(|l| label_style.width(l))
        .fold(0.0, f32::max);
    let left = 16.0 + row_w + 5.0;
    let top = 24.0;
    let cols = c.col_labels.len().max(1);
    let cell_w = (width - left - 4.0) / cols as f32;
    let cell_h = 13.0;
    let height = top + cell_h * c.row_labels.len() as f32 + 8.0;
    let max = c
        .cells
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(0.0, f64::max)
        .max(1e-9);
    let mut svg = Svg::new(width, height);
    let head = TextStyle::new(7.0, Anchor::Middle, MUTED);
    for (j, l) in c.col_labels.iter().enumerate() {
        let x = left + cell_w * (j as f32 + 0.5);
        svg.text(x, top - 4.0, &fit(l, &head, cell_w), head);
    }
    svg.text(
        left + (width - left) / 2.0,
        9.0,
        &c.x_title,
        TextStyle::new(7.5, Anchor::Middle, MUTED),
    );
    svg.text_vertical(
        9.0,
        top + (height - top) / 2.0,
        &c.y_title,
        TextStyle::new(7.5, Anchor::Middle, MUTED),
    );
    for (i, label) in c.row_labels.iter().enumerate() {
        let y = top + cell_h * i as f32;
        svg.text(left - 4.0, y + cell_h / 2.0 + 2.4, label, label_style);
        for j in 0..cols {
            let x = left + cell_w * j as f32;
            match c.cells.get(i).and_then(|r| r.get(j)).copied().flatten() {
                Some(v) => {
                    let text = c.format.format(locale, v).replace(['\u{a0}', '%'], "");
                    cell(&mut svg, x, y, cell_w, cell_h, v / max, Some(text.trim()));
                }
                None => svg.rect(x, y, cell_w, cell_h, "#ffffff", Some(("#eef1f4", 0.6))),
            }
        }
    }
    (svg.finish(), height)
}

pub(super) fn render_rfm(c: &RfmGrid, locale: &Locale, width: f32, height: f32) -> Picture {
    let left = 34.0;
    let top = 6.0;
    let bottom = 30.0;
    let side = ((width - left - 6.0).min(height - top - bottom)) / 5.0;
    let mut svg = Svg::new(width, height);
    let max = c
        .counts
        .iter()
        .flatten()
        .copied()
        .fold(0.0, f64::max)
        .max(1e-9);
    let tick = TextStyle::new(7.5, Anchor::Middle, MUTED);
    let count_format = ValueFormat::Number { decimals: 0 };
    // Recency 5 (recent) at the top, frequency 5 (frequent) at the right.
    for r in 0..5 {
        let y = top + side * (4 - r) as f32;
        svg.text(left - 8.0, y + side / 2.0 + 2.6, &(r + 1).to_string(), tick);
        for f in 0..5 {
            let x = left + side * f as f32;
            let v = c
                .counts
                .get(r)
                .and_then(|row| row.get(f))
                .copied()
                .unwrap_or(0.0);
            let label = count_format.format(locale, v);
            cell(&mut svg, x, y, side, side, v / max, Some(&label));
        }
    }
    for f in 0..5 {
        svg.text(
            left + side * (f as f32 + 0.5),
            top + side * 5.0 + 10.0,
            &(f + 1).to_string(),
            tick,
        );
    }
    let grid_w = side * 5.0;
    svg.text(
        left + grid_w / 2.0,
        top + side * 5.0 + 22.0,
        &c.x_title,
        TextStyle::new(7.5, Anchor::Middle, MUTED),
    );
    svg.text_vertical(
        9.0,
        top + grid_w / 2.0,
        &c.y_title,
        TextStyle::new(7.5, Anchor::Middle, MUTED),
    );
    for region in &c.regions {
        let (r0, r1) = (region.recency.0.clamp(1, 5), region.recency.1.clamp(1, 5));
        let (f0, f1) = (
            region.frequency.0.clamp(1, 5),
            region.frequency.1.clamp(1, 5),
        );
        let x = left + side * f32::from(f0 - 1);
        let y = top + side * f32::from(5 - r1);
        let w = side * f32::from(f1 - f0 + 1);
        let h = side * f32::from(r1 - r0 + 1);
        svg.rect(
            x + 1.0,
            y + 1.0,
            w - 2.0,
            h - 2.0,
            "none",
            Some((ACCENT, 1.4)),
        );
        let style = TextStyle::new(6.5, Anchor::Start, ACCENT).bold();
        let name = fit(&region.label, &style, w - 6.0);
        // A white box under the name keeps it legible on dark cells.
        svg.rect(x + 2.5, y + 2.5, style.width(&name) + 3.0, 8.5, WHITE, None);
        svg.text(x + 4.0, y + 9.0, &name, style);
    }
    svg.finish()
}
