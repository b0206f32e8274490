//! The executive summary on exactly one page: verdict, two rows of KPI tiles, the findings that
//! fit (smaller type first, then fewer findings), and two small charts (render stage, PDF).

use super::canvas::{ACCENT, BAD, GOOD, INK, Item, LINE, MUTED, Rgb, WARN};
use super::findings::{self, FindingLayout};
use super::flow::{BOTTOM, Flow, LEADING, MARGIN_X, TOP, WIDTH};
use super::text::{Line, Run, wrap_plain, wrap_rich};
use crate::render::chart_set::{ChartSet, SMALL, SPARK};
use crate::render::charts::Shape;
use crate::render::document::{KpiTile, Light, Report, Tone};
use crate::render::fonts::Weight;
use crate::render::i18n::strings;

const TILE_GAP: f32 = 6.0;
const TILE_PAD: f32 = 6.0;
const CHART_GAP: f32 = 14.0;

fn tone_color(t: Tone) -> Rgb {
    match t {
        Tone::Good => GOOD,
        Tone::Bad => BAD,
        Tone::Neutral => MUTED,
    }
}

struct TileLayout {
    label: Vec<Line>,
    value_size: f32,
    changes: Vec<(Line, Line, f32, Rgb)>,
    note: Vec<Line>,
}

impl TileLayout {
    fn height(&self) -> f32 {
        self.label.len() as f32 * 6.5 * 1.25
            + 4.0
            + self.value_size * 1.2
            + self.changes.iter().map(|c| c.2 * LEADING).sum::<f32>()
            + self.note.len() as f32 * 6.3 * 1.3
            + SPARK.1
            + 2.0 * TILE_PAD
    }
}

fn tile_layout(flow: &Flow, t: &KpiTile, inner: f32) -> TileLayout {
    let f = flow.fonts;
    let mut label = wrap_plain(
        f,
        &t.label.to_uppercase(),
        Weight::Regular,
        6.5,
        inner - 9.0,
    );
    label.truncate(2);
    let value_size = (inner / f.bold.width(&t.value, 1.0)).min(15.0);
    let changes = t
        .changes
        .iter()
        .map(|c| {
            let head = format!("{} {}", c.arrow(), c.text);
            let tail = format!(" {}", c.against);
            let width_at = |s: f32| f.bold.width(&head, s) + f.regular.width(&tail, s);
            let size = (inner / width_at(1.0)).min(6.8);
            let total = width_at(size);
            let hw = f.bold.width(&head, size);
            let a = Line {
                runs: vec![Run {
                    text: head,
                    weight: Weight::Bold,
                    dx: 0.0,
                }],
                width: hw,
            };
            let b = Line {
                runs: vec![Run {
                    text: tail,
                    weight: Weight::Regular,
                    dx: 0.0,
                }],
                width: total - hw,
            };
            (a, b, size, tone_color(c.tone()))
        })
        .collect();
    let mut note = t
        .note
        .as_deref()
        .map(|n| wrap_plain(f, n, Weight::Regular, 6.3, inner))
        .unwrap_or_default();
    note.truncate(2);
    TileLayout {
        label,
        value_size,
        changes,
        note,
    }
}

fn draw_tile(
    flow: &mut Flow,
    t: &KpiTile,
    l: &TileLayout,
    spark: &[Shape],
    (x, y, w, h): (f32, f32, f32, f32),
) {
    flow.push(Item::Rect {
        x,
        y,
        w,
        h,
        fill: None,
        stroke: Some((LINE, 0.8)),
    });
    let light = match t.light {
        Light::Green => Some(GOOD),
        Light::Amber => Some(WARN),
        Light::Red => Some(BAD),
        Light::None => None,
    };
    if let Some(c) = light {
        flow.push(Item::Circle {
            cx: x + w - TILE_PAD - 3.0,
            cy: y + TILE_PAD + 3.0,
            r: 3.2,
            fill: c,
        });
    }
    let ix = x + TILE_PAD;
    let mut cy = y + TILE_PAD;
    for line in &l.label {
        flow.draw_line(ix, cy + 6.5 * 0.95, line, 6.5, MUTED);
        cy += 6.5 * 1.25;
    }
    cy += 4.0;
    flow.push(Item::Text {
        x: ix,
        y: cy + l.value_size * 0.92,
        text: t.value.clone(),
        size: l.value_size,
        weight: Weight::Bold,
        color: INK,
    });
    cy += l.value_size * 1.2;
    for (head, tail, size, color) in &l.changes {
        flow.draw_line(ix, cy + size * 0.95, head, *size, *color);
        flow.draw_line(ix + head.width, cy + size * 0.95, tail, *size, MUTED);
        cy += size * LEADING;
    }
    for line in &l.note {
        flow.draw_line(ix, cy + 6.3 * 0.95, line, 6.3, MUTED);
        cy += 6.3 * 1.3;
    }
    let index = flow.charts.len();
    flow.charts.push((spark.to_vec(), SPARK.0, SPARK.1));
    let sw = w - 2.0 * TILE_PAD;
    flow.push(Item::Chart {
        index,
        x: ix,
        y: y + h - TILE_PAD - SPARK.1,
        w: sw,
        h: SPARK.1,
    });
}

fn heading(flow: &mut Flow, text: &str, size: f32) {
    let lines = wrap_plain(flow.fonts, text, Weight::Bold, size, WIDTH);
    flow.lines(&lines, MARGIN_X, size, ACCENT);
    flow.push(Item::Line {
        x1: MARGIN_X,
        y1: flow.y + 1.0,
        x2: MARGIN_X + WIDTH,
        y2: flow.y + 1.0,
        color: LINE,
        width: 0.7,
    });
    flow.y += 6.0;
}

/// Findings that fit in `budget` points: the largest type size at which at least three (or all)
/// fit, else as many as fit at the smallest size.
fn fitting(flow: &Flow, report: &Report, rec: &str, budget: f32) -> Vec<FindingLayout> {
    let all = &report.summary.findings;
    let mut best = Vec::new();
    for size in [8.8, 8.2, 7.6] {
        let mut used = 0.0;
        let mut kept = Vec::new();
        for f in all {
            let l = findings::layout(flow.fonts, f, rec, size, false);
            if used + l.height > budget {
                break;
            }
            used += l.height;
            kept.push(l);
        }
        if kept.len() == all.len() || kept.len() >= 3 {
            return kept;
        }
        if kept.len() > best.len() {
            best = kept;
        }
    }
    best
}

/// Lays out the summary on one new page.
pub(super) fn summary(flow: &mut Flow, report: &Report, charts: &ChartSet) {
    let s = strings(report.meta.lang);
    flow.new_page();
    flow.bookmarks
        .push((s.get("summary.title").to_string(), flow.pages.len()));
    let title = wrap_plain(
        flow.fonts,
        s.get("summary.title"),
        Weight::Bold,
        17.0,
        WIDTH,
    );
    flow.lines(&title, MARGIN_X, 17.0, ACCENT);
    flow.y += 2.0;
    flow.push(Item::Line {
        x1: MARGIN_X,
        y1: flow.y,
        x2: MARGIN_X + WIDTH,
        y2: flow.y,
        color: ACCENT,
        width: 1.5,
    });
    flow.y += 9.0;
    let mut verdict = wrap_rich(flow.fonts, &report.summary.verdict, 10.5, WIDTH);
    verdict.truncate(6);
    flow.lines(&verdict, MARGIN_X, 10.5, INK);
    flow.y += 8.0;

    let tile_w = (WIDTH - 4.0 * TILE_GAP) / 5.0;
    let tiles: Vec<&KpiTile> = report.summary.tiles.iter().take(10).collect();
    let layouts: Vec<TileLayout> = tiles
        .iter()
        .map(|t| tile_layout(flow, t, tile_w - 2.0 * TILE_PAD))
        .collect();
    for (r, row) in layouts.chunks(5).enumerate() {
        let h = row.iter().map(TileLayout::height).fold(0.0, f32::max);
        for (i, l) in row.iter().enumerate() {
            let k = r * 5 + i;
            let spark = charts.tiles.get(k).map_or(&[][..], |p| &p.shapes[..]);
            draw_tile(
                flow,
                tiles[k],
                l,
                spark,
                (MARGIN_X + i as f32 * (tile_w + TILE_GAP), flow.y, tile_w, h),
            );
        }
        flow.y += h + TILE_GAP;
    }
    flow.y += 6.0;

    let chart_w = (WIDTH - CHART_GAP) / 2.0;
    let chart_h = charts
        .summary
        .iter()
        .map(|d| d.height * chart_w / d.width)
        .fold(SMALL.1 * chart_w / SMALL.0, f32::max);
    let chart_titles: Vec<Vec<Line>> = report
        .summary
        .charts
        .iter()
        .map(|c| wrap_plain(flow.fonts, &c.title, Weight::Bold, 10.0, chart_w))
        .collect();
    let title_lines = chart_titles.iter().map(Vec::len).max().unwrap_or(0) as f32;
    let charts_h = if report.summary.charts.is_empty() {
        0.0
    } else {
        title_lines * 13.8 + 6.0 + chart_h + 8.0
    };
    let heading_h = 11.0 * LEADING + 7.0;
    let more_h = 12.0;
    let budget = BOTTOM - flow.y - charts_h - heading_h - more_h;
    let rec = s.get("summary.recommendation");
    let kept = fitting(flow, report, rec, budget);
    if !kept.is_empty() {
        heading(flow, s.get("summary.findings"), 11.0);
        for (i, l) in kept.iter().enumerate() {
            findings::draw(flow, i + 1, l);
        }
    }
    let left_out = report.summary.findings.len() - kept.len();
    if left_out > 0 {
        let text = s.fill("summary.more_findings", &[("n", &left_out.to_string())]);
        flow.push(Item::Text {
            x: MARGIN_X,
            y: flow.y + 9.0,
            text,
            size: 7.5,
            weight: Weight::Regular,
            color: MUTED,
        });
    }
    flow.y += more_h;
    // Charts sit at the foot of the page so the page reads the same whatever was cut above.
    let top = (BOTTOM - charts_h).max(flow.y).max(TOP);
    for (i, titles) in chart_titles.iter().enumerate().take(2) {
        let x = MARGIN_X + i as f32 * (chart_w + CHART_GAP);
        let mut y = top;
        for line in titles {
            flow.draw_line(x, y + 9.5, line, 10.0, ACCENT);
            y += 13.8;
        }
        flow.push(Item::Line {
            x1: x,
            y1: y + 1.0,
            x2: x + chart_w,
            y2: y + 1.0,
            color: LINE,
            width: 0.7,
        });
        let index = flow.charts.len();
        let Some(drawn) = charts.summary.get(i) else {
            continue;
        };
        flow.charts
            .push((drawn.shapes.clone(), drawn.width, drawn.height));
        flow.push(Item::Chart {
            index,
            x,
            y: y + 6.0,
            w: chart_w,
            h: drawn.height * chart_w / drawn.width,
        });
    }
}
