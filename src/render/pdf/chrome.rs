//! Running header and footer on every page but the cover (render stage, PDF). Added after the
//! whole document is laid out, which is the second pass that knows the page count for
//! "page n of m".

use super::canvas::{Item, LINE, MUTED, PAGE_H};
use super::flow::{Flow, MARGIN_X, WIDTH};
use crate::render::document::Report;
use crate::render::fonts::Weight;
use crate::render::i18n::strings;

const SIZE: f32 = 7.5;

fn text(flow: &Flow, x: f32, y: f32, s: String, right_align: bool) -> Item {
    let w = flow.fonts.regular.width(&s, SIZE);
    let x = if right_align { x - w } else { x };
    Item::Text {
        x,
        y,
        text: s,
        size: SIZE,
        weight: Weight::Regular,
        color: MUTED,
    }
}

/// Shortens `s` with an ellipsis to `max` points.
fn clip(flow: &Flow, s: &str, max: f32) -> String {
    if flow.fonts.regular.width(s, SIZE) <= max {
        return s.to_string();
    }
    let mut t: String = s.to_string();
    while !t.is_empty() && flow.fonts.regular.width(&format!("{t}…"), SIZE) > max {
        t.pop();
    }
    format!("{t}…")
}

/// Adds header and footer to pages 2..=m.
pub(super) fn decorate(flow: &mut Flow, report: &Report) {
    let s = strings(report.meta.lang);
    let m = &report.meta;
    let total = flow.pages.len();
    let left_head = clip(
        flow,
        &format!("{} · {}", m.client, m.period_label),
        WIDTH * 0.6,
    );
    let right_head = clip(flow, s.get("report.title"), WIDTH * 0.38);
    let footer = clip(
        flow,
        &s.fill(
            "report.footer",
            &[("client", &m.client), ("period", &m.period_short)],
        ),
        WIDTH * 0.7,
    );
    let mut additions = Vec::with_capacity(total);
    for n in 2..=total {
        let page_no = s.fill(
            "page.n_of_m",
            &[("n", &n.to_string()), ("m", &total.to_string())],
        );
        additions.push(vec![
            text(flow, MARGIN_X, 32.0, left_head.clone(), false),
            text(flow, MARGIN_X + WIDTH, 32.0, right_head.clone(), true),
            Item::Line {
                x1: MARGIN_X,
                y1: 38.0,
                x2: MARGIN_X + WIDTH,
                y2: 38.0,
                color: LINE,
                width: 0.7,
            },
            Item::Line {
                x1: MARGIN_X,
                y1: PAGE_H - 40.0,
                x2: MARGIN_X + WIDTH,
                y2: PAGE_H - 40.0,
                color: LINE,
                width: 0.7,
            },
            text(flow, MARGIN_X, PAGE_H - 29.0, footer.clone(), false),
            text(flow, MARGIN_X + WIDTH, PAGE_H - 29.0, page_no, true),
        ]);
    }
    for (page, items) in flow.pages.iter_mut().skip(1).zip(additions) {
        page.items.extend(items);
    }
}
