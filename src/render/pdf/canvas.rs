//! Positioned drawing items in top-left page coordinates, and their translation into printpdf
//! operations (render stage, PDF; depends on printpdf only).
//!
//! Layout works top-down like a reader; PDF's origin is at the bottom left, so the flip happens
//! once, here.

use super::chart::{Placement, push_chart};
use crate::render::charts::{self, Shape};
use crate::render::fonts::Weight;
use printpdf as pp;

/// A4 width in points.
pub(super) const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub(super) const PAGE_H: f32 = 841.89;

/// An RGB colour from a `#rrggbb` literal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rgb(pub(super) f32, pub(super) f32, pub(super) f32);

impl Rgb {
    pub(super) const fn hex(v: u32) -> Rgb {
        Rgb(
            ((v >> 16) & 0xff) as f32 / 255.0,
            ((v >> 8) & 0xff) as f32 / 255.0,
            (v & 0xff) as f32 / 255.0,
        )
    }

    fn color(self) -> pp::Color {
        pp::Color::Rgb(pp::Rgb {
            r: self.0,
            g: self.1,
            b: self.2,
            icc_profile: None,
        })
    }
}

pub(super) const INK: Rgb = Rgb::hex(0x1d2733);
pub(super) const MUTED: Rgb = Rgb::hex(0x5b6775);
pub(super) const LINE: Rgb = Rgb::hex(0xd9dee5);
pub(super) const ACCENT: Rgb = Rgb::hex(0x1f4e79);
pub(super) const SOFT: Rgb = Rgb::hex(0xf4f7fb);
pub(super) const WHITE: Rgb = Rgb::hex(0xffffff);
pub(super) const GOOD: Rgb = Rgb::hex(0x2e7d32);
pub(super) const WARN: Rgb = Rgb::hex(0xb26a00);
pub(super) const BAD: Rgb = Rgb::hex(0xb3261e);

/// One thing drawn on a page; y grows downwards, text y is the baseline.
#[derive(Debug, Clone)]
pub(super) enum Item {
    Text {
        x: f32,
        y: f32,
        text: String,
        size: f32,
        weight: Weight,
        color: Rgb,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
        width: f32,
    },
    Circle {
        cx: f32,
        cy: f32,
        r: f32,
        fill: Rgb,
    },
    /// A chart: index into the document's chart list, top-left corner and drawn size.
    Chart {
        index: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

/// A page's items, in painting order.
#[derive(Debug, Clone, Default)]
pub(super) struct Page {
    pub(super) items: Vec<Item>,
}

fn pt(x: f32, y: f32) -> pp::Point {
    pp::Point {
        x: pp::Pt(x),
        y: pp::Pt(PAGE_H - y),
    }
}

/// The fonts and the charts' shapes the operations refer to.
pub(super) struct Resources<'a> {
    pub(super) regular: &'a pp::FontId,
    pub(super) bold: &'a pp::FontId,
    /// Shapes and natural width and height of each chart.
    pub(super) charts: &'a [(Vec<Shape>, f32, f32)],
}

fn circle(cx: f32, cy: f32, r: f32) -> pp::Polygon {
    let points = charts::circle(cx, cy, r)
        .iter()
        .map(|q| pp::LinePoint {
            p: pt(q.x, q.y),
            bezier: q.control,
        })
        .collect();
    pp::Polygon {
        rings: vec![pp::PolygonRing { points }],
        mode: pp::PaintMode::Fill,
        winding_order: pp::WindingOrder::NonZero,
    }
}

fn push_item(ops: &mut Vec<pp::Op>, item: &Item, res: &Resources) {
    match item {
        Item::Text {
            x,
            y,
            text,
            size,
            weight,
            color,
        } => {
            let font = match weight {
                Weight::Regular => res.regular.clone(),
                Weight::Bold => res.bold.clone(),
            };
            ops.extend([
                pp::Op::StartTextSection,
                pp::Op::SetFillColor { col: color.color() },
                pp::Op::SetFont {
                    font: pp::PdfFontHandle::External(font),
                    size: pp::Pt(*size),
                },
                pp::Op::SetTextCursor { pos: pt(*x, *y) },
                // A no-break space is laid out as unbreakable but printed as a plain space, so
                // that extracted text searches the way people type.
                pp::Op::ShowText {
                    items: vec![pp::TextItem::Text(text.replace('\u{a0}', " "))],
                },
                pp::Op::EndTextSection,
            ]);
        }
        Item::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        } => {
            let mode = match (fill, stroke) {
                (Some(_), Some(_)) => pp::PaintMode::FillStroke,
                (None, Some(_)) => pp::PaintMode::Stroke,
                _ => pp::PaintMode::Fill,
            };
            if let Some(f) = fill {
                ops.push(pp::Op::SetFillColor { col: f.color() });
            }
            if let Some((c, width)) = stroke {
                ops.push(pp::Op::SetOutlineColor { col: c.color() });
                ops.push(pp::Op::SetOutlineThickness { pt: pp::Pt(*width) });
            }
            ops.push(pp::Op::DrawRectangle {
                rectangle: pp::Rect {
                    x: pp::Pt(*x),
                    y: pp::Pt(PAGE_H - y - h),
                    width: pp::Pt(*w),
                    height: pp::Pt(*h),
                    mode: Some(mode),
                    winding_order: None,
                },
            });
        }
        Item::Line {
            x1,
            y1,
            x2,
            y2,
            color,
            width,
        } => {
            ops.push(pp::Op::SetOutlineColor { col: color.color() });
            ops.push(pp::Op::SetOutlineThickness { pt: pp::Pt(*width) });
            let points = vec![
                pp::LinePoint {
                    p: pt(*x1, *y1),
                    bezier: false,
                },
                pp::LinePoint {
                    p: pt(*x2, *y2),
                    bezier: false,
                },
            ];
            ops.push(pp::Op::DrawLine {
                line: pp::Line {
                    points,
                    is_closed: false,
                },
            });
        }
        Item::Circle { cx, cy, r, fill } => {
            ops.push(pp::Op::SetFillColor { col: fill.color() });
            ops.push(pp::Op::DrawPolygon {
                polygon: circle(*cx, *cy, *r),
            });
        }
        Item::Chart { index, x, y, w, h } => {
            if let Some((shapes, nw, nh)) = res.charts.get(*index) {
                let at = Placement {
                    x: *x,
                    y: *y,
                    w: *w,
                    h: *h,
                    natural: (*nw, *nh),
                };
                push_chart(ops, shapes, at, res);
            }
        }
    }
}

/// The page as printpdf operations.
pub(super) fn to_pdf_page(page: &Page, res: &Resources) -> pp::PdfPage {
    let mut ops = Vec::with_capacity(page.items.len() * 4);
    for item in &page.items {
        push_item(&mut ops, item, res);
    }
    pp::PdfPage::new(pp::Mm(210.0), pp::Mm(297.0), ops)
}
