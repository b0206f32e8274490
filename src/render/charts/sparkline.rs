//! The 8-period sparkline of a KPI tile (render stage): a line without axes, the last point
//! marked, coloured by whether the recent trend is good news.

use super::palette::{ACCENT, BAD};
use super::shape::Picture;
use super::svg::Svg;

/// Draws `values` (oldest first) in a `width` × `height` box. The line is red when it moved
/// the wrong way from the first to the last present value.
pub(crate) fn sparkline(
    values: &[Option<f64>],
    up_is_good: bool,
    width: f32,
    height: f32,
) -> Picture {
    let present: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    let mut svg = Svg::new(width, height);
    if present.len() >= 2 {
        let lo = present.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let hi = present
            .iter()
            .map(|p| p.1)
            .fold(f64::NEG_INFINITY, f64::max);
        let span = if hi - lo < 1e-12 { 1.0 } else { hi - lo };
        let n = values.len().max(2) - 1;
        let pad = 3.0;
        let x = |i: usize| pad + (width - 2.0 * pad) * i as f32 / n as f32;
        let y = |v: f64| height - pad - (height - 2.0 * pad) * ((v - lo) / span) as f32;
        let first = present[0].1;
        let last = present[present.len() - 1].1;
        let worse = if up_is_good {
            last < first
        } else {
            last > first
        };
        let colour = if worse { BAD } else { ACCENT };
        let pts: Vec<(f32, f32)> = present.iter().map(|(i, v)| (x(*i), y(*v))).collect();
        svg.polyline(&pts, colour, 1.4, None);
        let (lx, ly) = pts[pts.len() - 1];
        svg.marker(super::palette::Marker::Circle, (lx, ly), 1.8, colour, None);
    }
    svg.finish()
}
