//! Value axes: "nice" ticks, the plot frame and the category labels under bars (render stage).

use super::ValueFormat;
use super::palette::{GRID, INK, MUTED};
use super::svg::{Anchor, Svg, TextStyle, fit};
use crate::render::locale::Locale;

/// Ticks from `lo` to `hi` at a round step (1, 2, 2.5 or 5 × 10^k), about `n` of them.
pub(super) fn nice_ticks(lo: f64, hi: f64, n: usize) -> (f64, f64, f64) {
    let (lo, hi) = if hi - lo < 1e-12 {
        (
            lo - 0.5_f64.max(lo.abs() * 0.1),
            hi + 0.5_f64.max(hi.abs() * 0.1),
        )
    } else {
        (lo, hi)
    };
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let start = (lo / step).floor() * step;
    let end = (hi / step).ceil() * step;
    (start, end, step)
}

/// The plot area inside a chart and the value scale of its vertical axis.
pub(super) struct Plot {
    pub(super) left: f32,
    pub(super) top: f32,
    pub(super) right: f32,
    pub(super) bottom: f32,
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) step: f64,
}

impl Plot {
    /// The y coordinate of value `v`.
    pub(super) fn y(&self, v: f64) -> f32 {
        let t = ((v - self.lo) / (self.hi - self.lo)) as f32;
        self.bottom - t * (self.bottom - self.top)
    }

    pub(super) fn width(&self) -> f32 {
        self.right - self.left
    }

    /// Grid lines, tick labels on the left and the value-axis title.
    pub(super) fn draw_value_axis(
        &self,
        svg: &mut Svg,
        locale: &Locale,
        format: ValueFormat,
        title: &str,
    ) {
        let style = TextStyle::new(7.5, Anchor::End, MUTED);
        let mut v = self.lo;
        while v <= self.hi + self.step * 1e-6 {
            let y = self.y(v);
            svg.line((self.left, y), (self.right, y), GRID, 0.6, None);
            svg.text(
                self.left - 4.0,
                y + 2.6,
                &format.tick(locale, v, self.step),
                style,
            );
            v += self.step;
        }
        svg.line(
            (self.left, self.bottom),
            (self.right, self.bottom),
            MUTED,
            0.8,
            None,
        );
        if !title.is_empty() {
            let mid = (self.top + self.bottom) / 2.0;
            svg.text_vertical(9.0, mid, title, TextStyle::new(7.5, Anchor::Middle, MUTED));
        }
    }

    /// Category labels centred under `n` equal slots, on one or two lines, shortened if needed.
    pub(super) fn draw_categories(&self, svg: &mut Svg, labels: &[String]) {
        let n = labels.len().max(1);
        let slot = self.width() / n as f32;
        // A word wider than its slot would be cut: smaller type for all labels first.
        let longest_word = |size: f32| {
            let st = TextStyle::new(size, Anchor::Middle, INK);
            labels
                .iter()
                .flat_map(|l| l.split(' '))
                .map(|w| st.width(w))
                .fold(0.0, f32::max)
        };
        let size = [7.5, 6.8, 6.0]
            .into_iter()
            .find(|s| longest_word(*s) <= slot - 2.0)
            .unwrap_or(6.0);
        let style = TextStyle::new(size, Anchor::Middle, INK);
        for (i, label) in labels.iter().enumerate() {
            let x = self.left + slot * (i as f32 + 0.5);
            let lines = two_lines(label, &style, slot - 3.0);
            for (k, l) in lines.iter().enumerate() {
                svg.text(x, self.bottom + 10.0 + 8.5 * k as f32, l, style);
            }
        }
    }
}

/// Splits `label` into at most two lines that fit `width`, shortening the second if needed.
pub(super) fn two_lines(label: &str, style: &TextStyle, width: f32) -> Vec<String> {
    if style.width(label) <= width {
        return vec![label.to_string()];
    }
    let words: Vec<&str> = label.split(' ').collect();
    for cut in (1..words.len()).rev() {
        let first = words[..cut].join(" ");
        if style.width(&first) <= width {
            let rest = words[cut..].join(" ");
            return vec![first, fit(&rest, style, width)];
        }
    }
    vec![fit(label, style, width)]
}

/// Value range covering `values`, including zero when `from_zero`.
pub(super) fn range(values: impl Iterator<Item = f64>, from_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if from_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_use_round_steps_that_cover_the_range() {
        // Range 0.83..0.95 over 5 intervals: raw step 0.024 → 0.025, from 0.825 to 0.95.
        let (lo, hi, step) = nice_ticks(0.83, 0.95, 5);
        assert!((step - 0.025).abs() < 1e-12);
        assert!(lo <= 0.83 && hi >= 0.95);
        // 2117 / 5 = 423.4 → step 500, axis 0..2500.
        let (lo, hi, step) = nice_ticks(0.0, 2117.0, 5);
        assert_eq!((lo, hi, step), (0.0, 2500.0, 500.0));
    }

    #[test]
    fn flat_ranges_still_get_an_axis() {
        let (lo, hi, step) = nice_ticks(5.0, 5.0, 4);
        assert!(lo < 5.0 && hi > 5.0 && step > 0.0);
    }
}
