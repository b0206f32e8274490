//! A chart's marks as data, recorded beside its SVG text (render stage).
//!
//! The HTML inlines the SVG; the PDF draws these shapes with its own vector operators. Both come
//! from the same calls of the chart drawers, so they show the same picture, and the PDF needs no
//! SVG renderer: printpdf's `svg` feature alone brought about 85 crates (a layout engine, an SVG
//! parser and rasteriser, image codecs) and some four minutes to a clean build on two cores.

use super::palette::Marker;
use super::svg::Anchor;
use crate::render::fonts::Weight;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Colour(pub(crate) u8, pub(crate) u8, pub(crate) u8);

impl Colour {
    /// `#rrggbb`, the only colour syntax the chart palette writes.
    pub(crate) fn parse(s: &str) -> Option<Colour> {
        let hex = s.strip_prefix('#')?;
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Colour(byte(0)?, byte(2)?, byte(4)?))
    }
}

/// How the inside of a shape is painted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Fill {
    /// Nothing (an outline).
    None,
    /// One colour.
    Solid(Colour),
    /// `base` crossed by diagonal lines: the SVG pattern of the light stacked segments, whose
    /// tiles of `spacing` units start at the chart's origin, each holding one line from its
    /// bottom-left to its top-right corner.
    Hatched {
        base: Colour,
        line: Colour,
        spacing: f32,
        width: f32,
    },
}

/// A stroked outline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stroke {
    pub(crate) colour: Colour,
    pub(crate) width: f32,
    /// Dash and gap lengths; empty for a solid line.
    pub(crate) dash: Vec<f32>,
    /// Round joins and caps (the series lines), else the defaults (miter, butt).
    pub(crate) round: bool,
}

impl Stroke {
    pub(crate) fn solid(colour: Colour, width: f32) -> Stroke {
        Stroke {
            colour,
            width,
            dash: Vec::new(),
            round: false,
        }
    }
}

/// A point of a path; `control` marks the two control points before each cubic curve's end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PathPoint {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) control: bool,
}

/// One mark, in chart units (1 unit = 1 pt at natural size) with y pointing down, as in SVG.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Fill,
        stroke: Option<Stroke>,
    },
    /// Lines, polylines and markers.
    Path {
        points: Vec<PathPoint>,
        closed: bool,
        fill: Option<Colour>,
        stroke: Option<Stroke>,
    },
    /// Text on a baseline at `y`; `vertical` reads bottom to top, centred on (x, y).
    Text {
        x: f32,
        y: f32,
        text: String,
        size: f32,
        anchor: Anchor,
        weight: Weight,
        fill: Colour,
        vertical: bool,
    },
}

/// A drawn chart: the SVG for the HTML and the same marks for the PDF.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Picture {
    pub(crate) svg: String,
    pub(crate) shapes: Vec<Shape>,
}

/// The corners of a straight-edged path.
pub(crate) fn polyline(points: &[(f32, f32)]) -> Vec<PathPoint> {
    points
        .iter()
        .map(|&(x, y)| PathPoint {
            x,
            y,
            control: false,
        })
        .collect()
}

/// The dash lengths of an SVG `stroke-dasharray` ("5 3", "1.5 2.5").
pub(crate) fn dash(pattern: Option<&str>) -> Vec<f32> {
    pattern
        .map(|d| {
            d.split([' ', ','])
                .filter_map(|v| v.trim().parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

impl Marker {
    /// The outline [`Marker::path`] writes as SVG path data, as path points.
    pub(crate) fn outline(self, x: f32, y: f32, r: f32) -> Vec<PathPoint> {
        match self {
            Marker::Circle => circle(x, y, r),
            Marker::Square => polyline(&[
                (x - r, y - r),
                (x + r, y - r),
                (x + r, y + r),
                (x - r, y + r),
            ]),
            Marker::Triangle => polyline(&[
                (x, y - r * 1.2),
                (x + r * 1.1, y + r * 0.8),
                (x - r * 1.1, y + r * 0.8),
            ]),
            Marker::Diamond => polyline(&[
                (x, y - r * 1.3),
                (x + r * 1.3, y),
                (x, y + r * 1.3),
                (x - r * 1.3, y),
            ]),
        }
    }
}

/// A circle as four cubic arcs (0.5523 r is the usual control distance for a quarter circle).
pub(crate) fn circle(cx: f32, cy: f32, r: f32) -> Vec<PathPoint> {
    let k = 0.5523 * r;
    let p = |x: f32, y: f32, control: bool| PathPoint { x, y, control };
    vec![
        p(cx + r, cy, false),
        p(cx + r, cy + k, true),
        p(cx + k, cy + r, true),
        p(cx, cy + r, false),
        p(cx - k, cy + r, true),
        p(cx - r, cy + k, true),
        p(cx - r, cy, false),
        p(cx - r, cy - k, true),
        p(cx - k, cy - r, true),
        p(cx, cy - r, false),
        p(cx + k, cy - r, true),
        p(cx + r, cy - k, true),
        p(cx + r, cy, false),
    ]
}

/// The hatch lines of [`Fill::Hatched`] inside a rectangle: the lines x + y = k · spacing,
/// clipped to it, as (from, to) pairs.
pub(crate) fn hatch_lines(
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    spacing: f32,
) -> Vec<((f32, f32), (f32, f32))> {
    let (x1, y1) = (x + w, y + h);
    let first = ((x + y) / spacing).ceil() as i64;
    let last = ((x1 + y1) / spacing).floor() as i64;
    (first..=last)
        .filter_map(|k| {
            let c = k as f32 * spacing;
            // On x + y = c inside the rectangle: x from max(x, c − y1) to min(x1, c − y).
            let from_x = x.max(c - y1);
            let to_x = x1.min(c - y);
            (to_x - from_x > 1e-3).then_some(((from_x, c - from_x), (to_x, c - to_x)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_from_the_palette_syntax_only() {
        assert_eq!(Colour::parse("#1f4e79"), Some(Colour(0x1f, 0x4e, 0x79)));
        assert_eq!(Colour::parse("#FFFFFF"), Some(Colour(255, 255, 255)));
        assert_eq!(Colour::parse("none"), None);
        assert_eq!(Colour::parse("#12345"), None);
        assert_eq!(Colour::parse("#gg0000"), None);
        assert_eq!(Colour::parse("#ééé"), None);
    }

    #[test]
    fn dash_arrays_read_as_svg_writes_them() {
        assert_eq!(dash(Some("5 3")), vec![5.0, 3.0]);
        assert_eq!(dash(Some("8 3 2 3")), vec![8.0, 3.0, 2.0, 3.0]);
        assert_eq!(dash(Some("1.5,2.5")), vec![1.5, 2.5]);
        assert!(dash(None).is_empty());
    }

    #[test]
    fn hatch_lines_are_the_pattern_diagonals_clipped_to_the_rectangle() {
        // A 10 × 5 rectangle at the origin with 5-unit tiles: x + y = 5, 10, 15.
        let lines = hatch_lines(0.0, 0.0, 10.0, 5.0, 5.0);
        assert_eq!(
            lines,
            vec![((0.0, 5.0), (5.0, 0.0)), ((5.0, 5.0), (10.0, 0.0))]
        );
        // Every end lies on the rectangle's border and on its diagonal x + y = k · 5.
        for ((ax, ay), (bx, by)) in hatch_lines(2.0, 3.0, 17.0, 9.0, 5.0) {
            for (x, y) in [(ax, ay), (bx, by)] {
                assert!((2.0..=19.0001).contains(&x) && (3.0..=12.0001).contains(&y));
                let on_border = [x - 2.0, x - 19.0, y - 3.0, y - 12.0]
                    .iter()
                    .any(|d| d.abs() < 1e-4);
                assert!(on_border, "({x}, {y})");
            }
            let k = (ax + ay) / 5.0;
            assert!((k - k.round()).abs() < 1e-4 && ((bx + by) - (ax + ay)).abs() < 1e-4);
        }
    }

    #[test]
    fn marker_outlines_match_their_svg_paths() {
        // The square of side 2r centred on (10, 20), as `M8,18 h4 v4 h-4 Z`.
        let square: Vec<(f32, f32)> = Marker::Square
            .outline(10.0, 20.0, 2.0)
            .iter()
            .map(|p| (p.x, p.y))
            .collect();
        assert_eq!(
            square,
            vec![(8.0, 18.0), (12.0, 18.0), (12.0, 22.0), (8.0, 22.0)]
        );
        assert!(
            Marker::Square
                .path(10.0, 20.0, 2.0)
                .starts_with("M8.00,18.00")
        );
        // The circle passes through its four extreme points.
        let circle = Marker::Circle.outline(0.0, 0.0, 3.0);
        let on: Vec<(f32, f32)> = circle
            .iter()
            .filter(|p| !p.control)
            .map(|p| (p.x, p.y))
            .collect();
        assert_eq!(
            on,
            vec![(3.0, 0.0), (0.0, 3.0), (-3.0, 0.0), (0.0, -3.0), (3.0, 0.0)]
        );
    }
}
