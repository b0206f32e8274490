//! The page flow: a cursor running down the content area of A4 pages, starting a new page when
//! the next piece does not fit (render stage, PDF).

use super::canvas::{ACCENT, INK, Item, LINE, MUTED, PAGE_H, PAGE_W, Page, Rgb, SOFT};
use super::text::{Line, wrap_plain, wrap_rich};
use crate::render::charts::Shape;
use crate::render::fonts::{Fonts, Weight};
use crate::render::rich::RichText;

/// Left and right margin.
pub(super) const MARGIN_X: f32 = 50.0;
/// Top of the content area (under the running header).
pub(super) const TOP: f32 = 62.0;
/// Bottom of the content area (above the running footer).
pub(super) const BOTTOM: f32 = PAGE_H - 56.0;
/// Width of the content area.
pub(super) const WIDTH: f32 = PAGE_W - 2.0 * MARGIN_X;

/// Line height as a multiple of the font size.
pub(super) const LEADING: f32 = 1.38;

/// Pages being filled, the cursor, and the charts placed so far.
pub(super) struct Flow<'a> {
    pub(super) fonts: &'a Fonts,
    pub(super) pages: Vec<Page>,
    pub(super) y: f32,
    /// Shapes and natural size of every chart placed, in order.
    pub(super) charts: Vec<(Vec<Shape>, f32, f32)>,
    /// (title, 1-based page) of each section, for the PDF outline.
    pub(super) bookmarks: Vec<(String, usize)>,
}

impl<'a> Flow<'a> {
    pub(super) fn new(fonts: &'a Fonts) -> Flow<'a> {
        Flow {
            fonts,
            pages: Vec::new(),
            y: TOP,
            charts: Vec::new(),
            bookmarks: Vec::new(),
        }
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    pub(super) fn room(&self) -> f32 {
        BOTTOM - self.y
    }

    /// Starts a new page unless `h` fits below the cursor (or the page is still empty).
    pub(super) fn ensure(&mut self, h: f32) {
        if self.pages.is_empty() || (h > self.room() && self.y > TOP + 0.5) {
            self.new_page();
        }
    }

    pub(super) fn push(&mut self, item: Item) {
        if self.pages.is_empty() {
            self.new_page();
        }
        if let Some(p) = self.pages.last_mut() {
            p.items.push(item);
        }
    }

    /// Draws a laid-out line with its baseline at `y`.
    pub(super) fn draw_line(&mut self, x: f32, y: f32, line: &Line, size: f32, color: Rgb) {
        for run in &line.runs {
            self.push(Item::Text {
                x: x + run.dx,
                y,
                text: run.text.clone(),
                size,
                weight: run.weight,
                color,
            });
        }
    }

    /// Lines of text from the cursor, breaking pages between lines.
    pub(super) fn lines(&mut self, lines: &[Line], x: f32, size: f32, color: Rgb) {
        let lh = size * LEADING;
        for line in lines {
            self.ensure(lh);
            let baseline = self.y + size * 0.95;
            self.draw_line(x, baseline, line, size, color);
            self.y += lh;
        }
    }

    pub(super) fn paragraph(&mut self, text: &RichText, size: f32) {
        let lines = wrap_rich(self.fonts, text, size, WIDTH);
        // Avoid a lone first line at the bottom of a page.
        self.ensure(size * LEADING * lines.len().min(2) as f32);
        self.lines(&lines, MARGIN_X, size, INK);
        self.y += size * 0.6;
    }

    /// A section title at the top of a new page, with a rule under it.
    pub(super) fn section_title(&mut self, title: &str) {
        self.new_page();
        self.bookmarks.push((title.to_string(), self.pages.len()));
        let lines = wrap_plain(self.fonts, title, Weight::Bold, 17.0, WIDTH);
        self.lines(&lines, MARGIN_X, 17.0, ACCENT);
        self.y += 2.0;
        self.push(Item::Line {
            x1: MARGIN_X,
            y1: self.y,
            x2: MARGIN_X + WIDTH,
            y2: self.y,
            color: ACCENT,
            width: 1.5,
        });
        self.y += 12.0;
    }

    /// A sub-heading kept with at least `keep` points of what follows.
    pub(super) fn subheading(&mut self, text: &str, keep: f32) {
        let lines = wrap_plain(self.fonts, text, Weight::Bold, 11.5, WIDTH);
        let h = lines.len() as f32 * 11.5 * LEADING + 10.0;
        self.ensure(h + keep);
        self.y += 4.0;
        self.lines(&lines, MARGIN_X, 11.5, ACCENT);
        self.push(Item::Line {
            x1: MARGIN_X,
            y1: self.y + 1.0,
            x2: MARGIN_X + WIDTH,
            y2: self.y + 1.0,
            color: LINE,
            width: 0.7,
        });
        self.y += 7.0;
    }

    /// A remark set apart with a grey bar on its left.
    pub(super) fn note(&mut self, text: &str) {
        let size = 9.0;
        let lines = wrap_plain(self.fonts, text, Weight::Regular, size, WIDTH - 20.0);
        let h = lines.len() as f32 * size * LEADING + 10.0;
        self.ensure(h);
        self.push(Item::Rect {
            x: MARGIN_X,
            y: self.y,
            w: WIDTH,
            h,
            fill: Some(SOFT),
            stroke: None,
        });
        self.push(Item::Rect {
            x: MARGIN_X,
            y: self.y,
            w: 3.0,
            h,
            fill: Some(MUTED),
            stroke: None,
        });
        self.y += 5.0;
        self.lines(&lines, MARGIN_X + 12.0, size, MUTED);
        self.y += 13.0;
    }

    /// A chart with its title above and optional caption below, scaled to the content width.
    pub(super) fn chart(
        &mut self,
        title: &str,
        shapes: &[Shape],
        size: (f32, f32),
        caption: Option<&str>,
    ) {
        let (nw, nh) = size;
        let scale = (WIDTH / nw).min(1.0);
        let (w, h) = (nw * scale, nh * scale);
        let title_lines = wrap_plain(self.fonts, title, Weight::Bold, 10.0, WIDTH);
        let cap_lines = caption
            .map(|c| wrap_plain(self.fonts, c, Weight::Regular, 8.0, WIDTH))
            .unwrap_or_default();
        let total =
            title_lines.len() as f32 * 13.8 + 4.0 + h + cap_lines.len() as f32 * 11.0 + 14.0;
        self.ensure(total);
        self.lines(&title_lines, MARGIN_X, 10.0, ACCENT);
        self.y += 4.0;
        let index = self.charts.len();
        self.charts.push((shapes.to_vec(), nw, nh));
        self.push(Item::Chart {
            index,
            x: MARGIN_X,
            y: self.y,
            w,
            h,
        });
        self.y += h + 2.0;
        self.lines(&cap_lines, MARGIN_X, 8.0, MUTED);
        self.y += 12.0;
    }

    /// Label/value pairs in a grid of up to four columns.
    pub(super) fn key_figures(&mut self, items: &[(String, String)]) {
        let cols = items.len().clamp(1, 4);
        let gap = 8.0;
        let w = (WIDTH - gap * (cols as f32 - 1.0)) / cols as f32;
        for row in items.chunks(cols) {
            let laid: Vec<(Vec<Line>, Vec<Line>)> = row
                .iter()
                .map(|(label, value)| {
                    (
                        wrap_plain(self.fonts, value, Weight::Bold, 14.0, w - 14.0),
                        wrap_plain(self.fonts, label, Weight::Regular, 8.0, w - 14.0),
                    )
                })
                .collect();
            let h = laid
                .iter()
                .map(|(v, l)| v.len() as f32 * 17.0 + l.len() as f32 * 10.5)
                .fold(0.0, f32::max)
                + 16.0;
            self.ensure(h);
            let top = self.y;
            for (i, (v, l)) in laid.iter().enumerate() {
                let x = MARGIN_X + i as f32 * (w + gap);
                self.push(Item::Rect {
                    x,
                    y: top,
                    w,
                    h,
                    fill: Some(SOFT),
                    stroke: None,
                });
                self.push(Item::Rect {
                    x,
                    y: top,
                    w,
                    h: 2.5,
                    fill: Some(ACCENT),
                    stroke: None,
                });
                let mut y = top + 8.0 + 14.0;
                for line in v {
                    self.draw_line(x + 7.0, y, line, 14.0, INK);
                    y += 17.0;
                }
                y -= 4.0;
                for line in l {
                    self.draw_line(x + 7.0, y + 6.0, line, 8.0, MUTED);
                    y += 10.5;
                }
            }
            self.y = top + h + gap;
        }
        self.y += 6.0;
    }

    /// Terms in bold, each followed by its definition.
    pub(super) fn definitions(&mut self, items: &[(String, String)]) {
        for (term, text) in items {
            let t = wrap_plain(self.fonts, term, Weight::Bold, 9.5, WIDTH);
            let d = wrap_plain(self.fonts, text, Weight::Regular, 9.0, WIDTH - 12.0);
            self.ensure(9.5 * LEADING * t.len() as f32 + 9.0 * LEADING * d.len().min(2) as f32);
            self.lines(&t, MARGIN_X, 9.5, INK);
            self.lines(&d, MARGIN_X + 12.0, 9.0, INK);
            self.y += 5.0;
        }
        self.y += 6.0;
    }
}
