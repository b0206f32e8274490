//! A chart's shapes as PDF operators, scaled into its box on the page (render stage, PDF).
//!
//! The shapes are the marks the SVG of the same chart holds (see `charts::shape`), in chart
//! units with y down; here they are scaled to the box and flipped to PDF's bottom-left origin.
//! Chart text is real text in the embedded fonts, so it is selectable and searchable like the
//! rest of the report.

use super::canvas::{PAGE_H, Resources};
use crate::render::charts::{
    Anchor, Colour, Fill, PathPoint, Shape, Stroke, hatch_lines, polyline,
};
use crate::render::fonts::{self, Weight};
use printpdf as pp;

/// Where a chart lands: the top-left corner and size of its box on the page, and its natural
/// size (the shapes' coordinate range).
#[derive(Debug, Clone, Copy)]
pub(super) struct Placement {
    pub(super) x: f32,
    pub(super) y: f32,
    pub(super) w: f32,
    pub(super) h: f32,
    pub(super) natural: (f32, f32),
}

fn colour(c: Colour) -> pp::Color {
    pp::Color::Rgb(pp::Rgb {
        r: f32::from(c.0) / 255.0,
        g: f32::from(c.1) / 255.0,
        b: f32::from(c.2) / 255.0,
        icc_profile: None,
    })
}

/// The stroke state last set, so that each operator is written only when it changes.
#[derive(Default)]
struct State {
    dash: Vec<f32>,
    round: bool,
}

struct Painter<'a> {
    ops: &'a mut Vec<pp::Op>,
    res: &'a Resources<'a>,
    at: Placement,
    sx: f32,
    sy: f32,
    /// Line widths and dash lengths scale with the chart's area.
    s: f32,
    state: State,
}

impl Painter<'_> {
    /// A chart point in PDF coordinates.
    fn point(&self, x: f32, y: f32) -> pp::Point {
        pp::Point {
            x: pp::Pt(self.at.x + x * self.sx),
            y: pp::Pt(PAGE_H - (self.at.y + y * self.sy)),
        }
    }

    fn stroke(&mut self, stroke: &Stroke) {
        self.ops.push(pp::Op::SetOutlineColor {
            col: colour(stroke.colour),
        });
        self.ops.push(pp::Op::SetOutlineThickness {
            pt: pp::Pt(stroke.width * self.s),
        });
        let dash: Vec<f32> = stroke.dash.iter().map(|d| d * self.s).collect();
        if dash != self.state.dash {
            self.ops.push(pp::Op::SetLineDashPattern {
                dash: pp::LineDashPattern::new(0.0, &dash),
            });
            self.state.dash = dash;
        }
        if stroke.round != self.state.round {
            let (join, cap) = if stroke.round {
                (pp::LineJoinStyle::Round, pp::LineCapStyle::Round)
            } else {
                (pp::LineJoinStyle::Miter, pp::LineCapStyle::Butt)
            };
            self.ops.push(pp::Op::SetLineJoinStyle { join });
            self.ops.push(pp::Op::SetLineCapStyle { cap });
            self.state.round = stroke.round;
        }
    }

    fn line_points(&self, points: &[PathPoint]) -> Vec<pp::LinePoint> {
        points
            .iter()
            .map(|p| pp::LinePoint {
                p: self.point(p.x, p.y),
                bezier: p.control,
            })
            .collect()
    }

    fn rect(&mut self, (x, y, w, h): (f32, f32, f32, f32), fill: Fill, stroke: Option<&Stroke>) {
        let (left, bottom) = (
            self.at.x + x * self.sx,
            PAGE_H - (self.at.y + (y + h) * self.sy),
        );
        let (width, height) = (w * self.sx, h * self.sy);
        let rectangle = move |mode| pp::Rect {
            x: pp::Pt(left),
            y: pp::Pt(bottom),
            width: pp::Pt(width),
            height: pp::Pt(height),
            mode: Some(mode),
            winding_order: None,
        };
        let base = match fill {
            Fill::None => None,
            Fill::Solid(c) => Some(c),
            Fill::Hatched { base, .. } => Some(base),
        };
        if let Some(c) = base {
            self.ops.push(pp::Op::SetFillColor { col: colour(c) });
            self.ops.push(pp::Op::DrawRectangle {
                rectangle: rectangle(pp::PaintMode::Fill),
            });
        }
        if let Fill::Hatched {
            line,
            spacing,
            width,
            ..
        } = fill
        {
            self.stroke(&Stroke::solid(line, width));
            for ((ax, ay), (bx, by)) in hatch_lines(x, y, w, h, spacing) {
                let points = self.line_points(&polyline(&[(ax, ay), (bx, by)]));
                self.ops.push(pp::Op::DrawLine {
                    line: pp::Line {
                        points,
                        is_closed: false,
                    },
                });
            }
        }
        if let Some(stroke) = stroke {
            self.stroke(stroke);
            self.ops.push(pp::Op::DrawRectangle {
                rectangle: rectangle(pp::PaintMode::Stroke),
            });
        }
    }

    fn path(
        &mut self,
        points: &[PathPoint],
        closed: bool,
        fill: Option<Colour>,
        stroke: Option<&Stroke>,
    ) {
        if points.len() < 2 {
            return;
        }
        if let Some(stroke) = stroke {
            self.stroke(stroke);
        }
        let points = self.line_points(points);
        match (closed, fill, stroke) {
            (true, Some(c), _) => {
                self.ops.push(pp::Op::SetFillColor { col: colour(c) });
                let mode = if stroke.is_some() {
                    pp::PaintMode::FillStroke
                } else {
                    pp::PaintMode::Fill
                };
                self.ops.push(pp::Op::DrawPolygon {
                    polygon: pp::Polygon {
                        rings: vec![pp::PolygonRing { points }],
                        mode,
                        winding_order: pp::WindingOrder::NonZero,
                    },
                });
            }
            (_, _, Some(_)) => self.ops.push(pp::Op::DrawLine {
                line: pp::Line {
                    points,
                    is_closed: closed,
                },
            }),
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn text(
        &mut self,
        (x, y): (f32, f32),
        text: &str,
        size: f32,
        anchor: Anchor,
        weight: Weight,
        fill: Colour,
        vertical: bool,
    ) {
        let font = match weight {
            Weight::Regular => self.res.regular.clone(),
            Weight::Bold => self.res.bold.clone(),
        };
        let width = fonts::text_width(text, size, weight);
        let back = match anchor {
            Anchor::Start => 0.0,
            Anchor::Middle => width / 2.0,
            Anchor::End => width,
        };
        // The baseline's start, in chart units: left of (x, y), or below it when the text
        // reads upwards.
        let (bx, by) = if vertical {
            (x, y + back)
        } else {
            (x - back, y)
        };
        let start = self.point(bx, by);
        let position = if vertical {
            // Text space turned a quarter to the left: the baseline runs up the page.
            pp::Op::SetTextMatrix {
                matrix: pp::TextMatrix::Raw([0.0, 1.0, -1.0, 0.0, start.x.0, start.y.0]),
            }
        } else {
            pp::Op::SetTextCursor { pos: start }
        };
        self.ops.extend([
            pp::Op::StartTextSection,
            pp::Op::SetFillColor { col: colour(fill) },
            pp::Op::SetFont {
                font: pp::PdfFontHandle::External(font),
                size: pp::Pt(size * self.sy),
            },
            position,
            // As in the page text: a no-break space prints as a plain space.
            pp::Op::ShowText {
                items: vec![pp::TextItem::Text(text.replace('\u{a0}', " "))],
            },
            pp::Op::EndTextSection,
        ]);
    }
}

/// Appends the operators that draw `shapes` into `at`, inside a saved graphics state so that
/// nothing the chart sets (dashes, joins) leaks into the page.
pub(super) fn push_chart(ops: &mut Vec<pp::Op>, shapes: &[Shape], at: Placement, res: &Resources) {
    let (nw, nh) = at.natural;
    if nw <= 0.0 || nh <= 0.0 || shapes.is_empty() {
        return;
    }
    let (sx, sy) = (at.w / nw, at.h / nh);
    ops.push(pp::Op::SaveGraphicsState);
    let mut painter = Painter {
        ops,
        res,
        at,
        sx,
        sy,
        s: (sx * sy).sqrt(),
        state: State::default(),
    };
    for shape in shapes {
        match shape {
            Shape::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => painter.rect((*x, *y, *w, *h), *fill, stroke.as_ref()),
            Shape::Path {
                points,
                closed,
                fill,
                stroke,
            } => painter.path(points, *closed, *fill, stroke.as_ref()),
            Shape::Text {
                x,
                y,
                text,
                size,
                anchor,
                weight,
                fill,
                vertical,
            } => painter.text((*x, *y), text, *size, *anchor, *weight, *fill, *vertical),
        }
    }
    ops.push(pp::Op::RestoreGraphicsState);
}
