//! A minimal SVG writer: the few elements the charts use, with escaped text (render stage). Every
//! element is also recorded as a [`Shape`], which the PDF draws.

use super::palette::Marker;
use super::shape::{self, Colour, Fill, PathPoint, Picture, Shape, Stroke};
use crate::render::fonts::{self, SVG_FAMILY, SVG_FAMILY_BOLD, Weight};
use std::fmt::Write;

/// Horizontal anchor of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

/// Style of a text element.
#[derive(Debug, Clone, Copy)]
pub(super) struct TextStyle {
    pub(super) size: f32,
    pub(super) anchor: Anchor,
    pub(super) weight: Weight,
    pub(super) fill: &'static str,
}

impl TextStyle {
    pub(super) fn new(size: f32, anchor: Anchor, fill: &'static str) -> Self {
        TextStyle {
            size,
            anchor,
            weight: Weight::Regular,
            fill,
        }
    }

    pub(super) fn bold(mut self) -> Self {
        self.weight = Weight::Bold;
        self
    }

    /// Width of `text` in this style.
    pub(super) fn width(&self, text: &str) -> f32 {
        fonts::text_width(text, self.size, self.weight)
    }
}

pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An SVG document being written, and its shapes.
pub(super) struct Svg {
    out: String,
    shapes: Vec<Shape>,
    /// Fills named by `url(#id)` references (patterns written with [`Svg::raw`]).
    patterns: Vec<(String, Fill)>,
}

fn stroke_of(stroke: Option<(&str, f32)>) -> Option<Stroke> {
    stroke.and_then(|(c, w)| Colour::parse(c).map(|c| Stroke::solid(c, w)))
}

impl Svg {
    pub(super) fn new(width: f32, height: f32) -> Svg {
        let mut out = String::with_capacity(8 * 1024);
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{SVG_FAMILY}">"#
        );
        Svg {
            out,
            shapes: Vec::new(),
            patterns: Vec::new(),
        }
    }

    /// Raw markup (defs).
    pub(super) fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Says what a fill of `url(#id)` paints, for the shapes; the pattern's markup itself goes
    /// through [`Svg::raw`].
    pub(super) fn name_pattern(&mut self, id: &str, fill: Fill) {
        self.patterns.push((format!("url(#{id})"), fill));
    }

    fn fill_of(&self, fill: &str) -> Fill {
        if let Some(c) = Colour::parse(fill) {
            return Fill::Solid(c);
        }
        self.patterns
            .iter()
            .find(|(name, _)| name == fill)
            .map_or(Fill::None, |(_, f)| *f)
    }

    pub(super) fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: &str,
        stroke: Option<(&str, f32)>,
    ) {
        // A rectangle that rounds to nothing draws nothing, and SVG readers reject a zero
        // height or width with a warning: leave it out.
        let (w, h) = (w.max(0.0), h.max(0.0));
        if w < 0.005 || h < 0.005 {
            return;
        }
        let _ = write!(
            self.out,
            r#"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="{fill}""#
        );
        if let Some((c, sw)) = stroke {
            let _ = write!(self.out, r#" stroke="{c}" stroke-width="{sw}""#);
        }
        self.out.push_str("/>");
        self.shapes.push(Shape::Rect {
            x,
            y,
            w,
            h,
            fill: self.fill_of(fill),
            stroke: stroke_of(stroke),
        });
    }

    pub(super) fn line(
        &mut self,
        (x1, y1): (f32, f32),
        (x2, y2): (f32, f32),
        stroke: &str,
        width: f32,
        dash: Option<&str>,
    ) {
        let _ = write!(
            self.out,
            r#"<line x1="{x1:.2}" y1="{y1:.2}" x2="{x2:.2}" y2="{y2:.2}" stroke="{stroke}" stroke-width="{width}""#
        );
        if let Some(d) = dash {
            let _ = write!(self.out, r#" stroke-dasharray="{d}""#);
        }
        self.out.push_str("/>");
        if let Some(colour) = Colour::parse(stroke) {
            self.shapes.push(Shape::Path {
                points: shape::polyline(&[(x1, y1), (x2, y2)]),
                closed: false,
                fill: None,
                stroke: Some(Stroke {
                    dash: shape::dash(dash),
                    ..Stroke::solid(colour, width)
                }),
            });
        }
    }

    pub(super) fn polyline(
        &mut self,
        points: &[(f32, f32)],
        stroke: &str,
        width: f32,
        dash: Option<&str>,
    ) {
        if points.len() < 2 {
            return;
        }
        self.out.push_str(r#"<polyline fill="none" points=""#);
        for (i, (x, y)) in points.iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            let _ = write!(self.out, "{sep}{x:.2},{y:.2}");
        }
        let _ = write!(
            self.out,
            r#"" stroke="{stroke}" stroke-width="{width}" stroke-linejoin="round" stroke-linecap="round""#
        );
        if let Some(d) = dash {
            let _ = write!(self.out, r#" stroke-dasharray="{d}""#);
        }
        self.out.push_str("/>");
        if let Some(colour) = Colour::parse(stroke) {
            self.shapes.push(Shape::Path {
                points: shape::polyline(points),
                closed: false,
                fill: None,
                stroke: Some(Stroke {
                    colour,
                    width,
                    dash: shape::dash(dash),
                    round: true,
                }),
            });
        }
    }

    /// A point marker of radius `r` centred on (x, y), as a path.
    pub(super) fn marker(
        &mut self,
        marker: Marker,
        (x, y): (f32, f32),
        r: f32,
        fill: &str,
        stroke: Option<(&str, f32)>,
    ) {
        let d = marker.path(x, y, r);
        let _ = write!(self.out, r#"<path d="{d}" fill="{fill}""#);
        if let Some((c, sw)) = stroke {
            let _ = write!(self.out, r#" stroke="{c}" stroke-width="{sw}""#);
        }
        self.out.push_str("/>");
        let points: Vec<PathPoint> = marker.outline(x, y, r);
        self.shapes.push(Shape::Path {
            points,
            closed: true,
            fill: Colour::parse(fill),
            stroke: stroke_of(stroke),
        });
    }

    pub(super) fn text(&mut self, x: f32, y: f32, s: &str, style: TextStyle) {
        let anchor = match style.anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let _ = write!(
            self.out,
            r#"<text x="{x:.2}" y="{y:.2}" font-size="{}" text-anchor="{anchor}" fill="{}""#,
            style.size, style.fill
        );
        if style.weight == Weight::Bold {
            let _ = write!(
                self.out,
                r#" font-family="{SVG_FAMILY_BOLD}" font-weight="bold""#
            );
        }
        let _ = write!(self.out, ">{}</text>", escape(s));
        self.text_shape(x, y, s, style, false);
    }

    fn text_shape(&mut self, x: f32, y: f32, s: &str, style: TextStyle, vertical: bool) {
        if let Some(fill) = Colour::parse(style.fill) {
            self.shapes.push(Shape::Text {
                x,
                y,
                text: s.to_string(),
                size: style.size,
                anchor: if vertical {
                    Anchor::Middle
                } else {
                    style.anchor
                },
                weight: if vertical {
                    Weight::Regular
                } else {
                    style.weight
                },
                fill,
                vertical,
            });
        }
    }

    /// Vertical text reading bottom to top (value-axis titles).
    pub(super) fn text_vertical(&mut self, x: f32, y: f32, s: &str, style: TextStyle) {
        let _ = write!(
            self.out,
            r#"<text x="0" y="0" transform="translate({x:.2} {y:.2}) rotate(-90)" font-size="{}" text-anchor="middle" fill="{}">{}</text>"#,
            style.size,
            style.fill,
            escape(s)
        );
        self.text_shape(x, y, s, style, true);
    }

    pub(super) fn finish(mut self) -> Picture {
        self.out.push_str("</svg>");
        Picture {
            svg: self.out,
            shapes: self.shapes,
        }
    }
}

/// `text` shortened with an ellipsis to fit `max_width` in `style`.
pub(super) fn fit(text: &str, style: &TextStyle, max_width: f32) -> String {
    if style.width(text) <= max_width {
        return text.to_string();
    }
    let mut s: String = text.to_string();
    while !s.is_empty() && style.width(&format!("{s}…")) > max_width {
        s.pop();
    }
    format!("{}…", s.trim_end())
}
