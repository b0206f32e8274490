//! Numbered findings: statement, recommendation and money at stake, measured before drawing so
//! the executive summary can keep only those that fit (render stage, PDF).

use super::canvas::{ACCENT, INK, Item, LINE, MUTED, WHITE};
use super::flow::{Flow, LEADING, MARGIN_X, WIDTH};
use super::text::{Line, wrap_plain, wrap_rich};
use crate::render::document::Finding;
use crate::render::fonts::{Fonts, Weight};
use crate::render::rich::RichText;

const STAKE_W: f32 = 92.0;
const NUM_W: f32 = 22.0;

/// A finding broken into lines at a given size.
pub(super) struct FindingLayout {
    title: Vec<Line>,
    statement: Vec<Line>,
    rec: Vec<Line>,
    list: Vec<Line>,
    stake: Vec<Line>,
    stake_label: Vec<Line>,
    size: f32,
    pub(super) height: f32,
}

/// Lays out `f` at `size`; `with_title` prints its title in bold above the statement and its
/// action list's line under the recommendation.
pub(super) fn layout(
    fonts: &Fonts,
    f: &Finding,
    rec_label: &str,
    size: f32,
    with_title: bool,
) -> FindingLayout {
    let text_w = WIDTH - NUM_W - STAKE_W - 8.0;
    let title = if with_title {
        wrap_plain(fonts, &f.title, Weight::Bold, size + 0.5, text_w)
    } else {
        Vec::new()
    };
    let statement = wrap_rich(fonts, &f.statement, size, text_w);
    let rec = wrap_rich(
        fonts,
        &RichText::plain(&format!("{rec_label}: {}", f.recommendation)),
        size - 0.4,
        text_w,
    );
    // The list line is printed in the findings section (titled findings); the executive
    // summary keeps its room for the findings themselves.
    let list = match (&f.list, with_title) {
        (Some(l), true) => wrap_plain(fonts, &l.text, Weight::Regular, size - 1.0, text_w),
        _ => Vec::new(),
    };
    let stake = wrap_plain(fonts, &f.stake, Weight::Bold, size + 0.6, STAKE_W);
    let stake_label = wrap_plain(fonts, &f.stake_label, Weight::Regular, size - 1.6, STAKE_W);
    let lh = size * LEADING;
    let text_h = title.len() as f32 * (size + 0.5) * LEADING
        + statement.len() as f32 * lh
        + 2.0
        + rec.len() as f32 * (size - 0.4) * LEADING
        + list.len() as f32 * (size - 1.0) * LEADING;
    let stake_h = stake.len() as f32 * (size + 0.6) * LEADING
        + stake_label.len() as f32 * (size - 1.6) * LEADING;
    FindingLayout {
        title,
        statement,
        rec,
        list,
        stake,
        stake_label,
        size,
        height: text_h.max(stake_h).max(16.0) + 10.0,
    }
}

fn right(flow: &mut Flow, lines: &[Line], y: &mut f32, size: f32, color: super::canvas::Rgb) {
    for line in lines {
        let x = MARGIN_X + WIDTH - line.width;
        flow.draw_line(x, *y + size * 0.95, line, size, color);
        *y += size * LEADING;
    }
}

/// Draws a laid-out finding numbered `n` at the cursor.
pub(super) fn draw(flow: &mut Flow, n: usize, l: &FindingLayout) {
    let top = flow.y + 5.0;
    let s = l.size;
    flow.push(Item::Circle {
        cx: MARGIN_X + 8.0,
        cy: top + 7.0,
        r: 7.0,
        fill: ACCENT,
    });
    let num = n.to_string();
    let nw = flow.fonts.bold.width(&num, 8.0);
    flow.push(Item::Text {
        x: MARGIN_X + 8.0 - nw / 2.0,
        y: top + 9.9,
        text: num,
        size: 8.0,
        weight: Weight::Bold,
        color: WHITE,
    });
    let x = MARGIN_X + NUM_W;
    let mut y = top;
    for (lines, size, color) in [(&l.title, s + 0.5, INK), (&l.statement, s, INK)] {
        for line in lines.iter() {
            flow.draw_line(x, y + size * 0.95, line, size, color);
            y += size * LEADING;
        }
    }
    y += 2.0;
    for line in &l.rec {
        flow.draw_line(x, y + (s - 0.4) * 0.95, line, s - 0.4, MUTED);
        y += (s - 0.4) * LEADING;
    }
    for line in &l.list {
        flow.draw_line(x, y + (s - 1.0) * 0.95, line, s - 1.0, ACCENT);
        y += (s - 1.0) * LEADING;
    }
    let mut ys = top;
    right(flow, &l.stake, &mut ys, s + 0.6, INK);
    right(flow, &l.stake_label, &mut ys, s - 1.6, MUTED);
    flow.y += l.height;
    flow.push(Item::Line {
        x1: MARGIN_X,
        y1: flow.y,
        x2: MARGIN_X + WIDTH,
        y2: flow.y,
        color: LINE,
        width: 0.6,
    });
}

/// The full list of a findings section, breaking pages between findings.
pub(super) fn list(flow: &mut Flow, items: &[Finding], rec_label: &str) {
    for (i, f) in items.iter().enumerate() {
        let l = layout(flow.fonts, f, rec_label, 9.5, true);
        flow.ensure(l.height);
        draw(flow, i + 1, &l);
    }
    flow.y += 12.0;
}
