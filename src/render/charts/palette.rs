//! Colours of the charts, chosen so that neighbouring marks differ in lightness and stay apart
//! when printed in grey (render stage).

/// Main marks (dark blue, about 30 % lightness).
pub(super) const ACCENT: &str = "#1f4e79";
/// Secondary marks (mid blue, about 60 %).
pub(super) const MID: &str = "#6f9bc4";
/// A warm line drawn against blue bars (cumulative, targets).
pub(super) const WARM: &str = "#b26a00";
/// Bad news.
pub(super) const BAD: &str = "#b3261e";
/// Text.
pub(super) const INK: &str = "#1d2733";
/// Secondary text and axes.
pub(super) const MUTED: &str = "#5b6775";
/// Grid lines.
pub(super) const GRID: &str = "#e3e7ec";
/// White (labels on dark marks).
pub(super) const WHITE: &str = "#ffffff";

/// Fills of stacked segments, alternating dark and light so neighbours always contrast.
pub(super) const SEGMENTS: [&str; 6] = [
    "#1f4e79", "#a9c4de", "#4f7fab", "#e0e8f1", "#7a8794", "#d8c3a0",
];

/// Whether text on `fill` should be white.
pub(super) fn dark(fill: &str) -> bool {
    matches!(
        fill,
        "#1f4e79" | "#4f7fab" | "#7a8794" | "#2e7d32" | "#b3261e"
    )
}

/// Line styles of series: (colour, dash pattern, marker shape).
pub(super) const SERIES: [(&str, Option<&str>, Marker); 4] = [
    (ACCENT, None, Marker::Circle),
    (WARM, Some("5 3"), Marker::Square),
    (MUTED, Some("1.5 2.5"), Marker::Triangle),
    (MID, Some("8 3 2 3"), Marker::Diamond),
];

/// Point marker shapes, so series are told apart without colour.
#[derive(Debug, Clone, Copy)]
pub(super) enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

impl Marker {
    /// Path data of the marker centred on (x, y) with radius r.
    pub(super) fn path(self, x: f32, y: f32, r: f32) -> String {
        match self {
            // Two arcs make a circle with path elements only.
            Marker::Circle => format!(
                "M{:.2},{y:.2} a{r},{r} 0 1,0 {:.2},0 a{r},{r} 0 1,0 {:.2},0 Z",
                x - r,
                2.0 * r,
                -2.0 * r
            ),
            Marker::Square => {
                format!(
                    "M{:.2},{:.2} h{:.2} v{:.2} h{:.2} Z",
                    x - r,
                    y - r,
                    2.0 * r,
                    2.0 * r,
                    -2.0 * r
                )
            }
            Marker::Triangle => format!(
                "M{x:.2},{:.2} L{:.2},{:.2} L{:.2},{:.2} Z",
                y - r * 1.2,
                x + r * 1.1,
                y + r * 0.8,
                x - r * 1.1,
                y + r * 0.8
            ),
            Marker::Diamond => format!(
                "M{x:.2},{:.2} L{:.2},{y:.2} L{x:.2},{:.2} L{:.2},{y:.2} Z",
                y - r * 1.3,
                x + r * 1.3,
                y + r * 1.3,
                x - r * 1.3
            ),
        }
    }
}

/// Sequential fill for a heatmap cell with `t` in 0..=1 (white to dark blue, by lightness).
pub(super) fn sequential(t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let (r0, g0, b0) = (0xf4 as f64, 0xf7 as f64, 0xfb as f64);
    let (r1, g1, b1) = (0x1f as f64, 0x4e as f64, 0x79 as f64);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(r0, r1), mix(g0, g1), mix(b0, b1))
}
