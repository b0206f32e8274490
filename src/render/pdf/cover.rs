//! The cover page (render stage, PDF): title, client, period, who prepared it and when, the
//! facts about the data, and the confidentiality line. It carries no running header or footer.

use super::canvas::{ACCENT, INK, Item, LINE, MUTED, PAGE_H, PAGE_W, SOFT};
use super::flow::{Flow, MARGIN_X, WIDTH};
use super::text::wrap_plain;
use crate::render::document::Report;
use crate::render::fonts::Weight;
use crate::render::i18n::strings;

/// Lays out the cover as the first page.
pub(super) fn cover(flow: &mut Flow, report: &Report) {
    let s = strings(report.meta.lang);
    let m = &report.meta;
    flow.new_page();
    flow.push(Item::Rect {
        x: 0.0,
        y: 0.0,
        w: PAGE_W,
        h: 14.0,
        fill: Some(ACCENT),
        stroke: None,
    });
    flow.push(Item::Rect {
        x: 0.0,
        y: 14.0,
        w: 8.0,
        h: PAGE_H - 14.0,
        fill: Some(SOFT),
        stroke: None,
    });
    flow.y = 200.0;
    let kicker = s.get("report.confidential").to_uppercase();
    flow.push(Item::Text {
        x: MARGIN_X,
        y: flow.y,
        text: kicker,
        size: 9.0,
        weight: Weight::Bold,
        color: MUTED,
    });
    flow.y += 14.0;
    let title = wrap_plain(flow.fonts, s.get("report.title"), Weight::Bold, 28.0, WIDTH);
    flow.lines(&title, MARGIN_X, 28.0, ACCENT);
    flow.y += 14.0;
    let client = wrap_plain(flow.fonts, &m.client, Weight::Bold, 19.0, WIDTH);
    flow.lines(&client, MARGIN_X, 19.0, INK);
    let period = wrap_plain(flow.fonts, &m.period_label, Weight::Regular, 15.0, WIDTH);
    flow.lines(&period, MARGIN_X, 15.0, INK);
    flow.y += 18.0;
    flow.push(Item::Line {
        x1: MARGIN_X,
        y1: flow.y,
        x2: MARGIN_X + WIDTH,
        y2: flow.y,
        color: ACCENT,
        width: 2.0,
    });
    flow.y += 22.0;

    let mut facts: Vec<(String, String)> = Vec::new();
    if !m.prepared_by.trim().is_empty() {
        facts.push((
            s.get("report.prepared_by").to_string(),
            m.prepared_by.clone(),
        ));
    }
    facts.extend([
        (
            s.get("report.report_date").to_string(),
            m.date_label.clone(),
        ),
        (s.get("report.period").to_string(), m.period_label.clone()),
    ]);
    facts.extend(
        report
            .cover
            .facts
            .iter()
            .map(|f| (f.label.clone(), f.value.clone())),
    );
    let label_w = facts
        .iter()
        .map(|(l, _)| flow.fonts.regular.width(l, 10.0))
        .fold(0.0, f32::max)
        + 16.0;
    for (label, value) in &facts {
        let value_lines = wrap_plain(flow.fonts, value, Weight::Bold, 10.0, WIDTH - label_w);
        flow.push(Item::Text {
            x: MARGIN_X,
            y: flow.y + 9.5,
            text: label.clone(),
            size: 10.0,
            weight: Weight::Regular,
            color: MUTED,
        });
        let top = flow.y;
        flow.lines(&value_lines, MARGIN_X + label_w, 10.0, INK);
        flow.y = flow.y.max(top + 14.0) + 4.0;
    }

    let note = report.confidentiality_note();
    let lines = wrap_plain(flow.fonts, &note, Weight::Regular, 8.5, WIDTH);
    let y = PAGE_H - 60.0 - lines.len() as f32 * 12.0;
    flow.push(Item::Line {
        x1: MARGIN_X,
        y1: y - 8.0,
        x2: MARGIN_X + WIDTH,
        y2: y - 8.0,
        color: LINE,
        width: 0.7,
    });
    flow.y = y;
    flow.lines(&lines, MARGIN_X, 8.5, MUTED);
}
