//! Tables in the PDF: column widths from the text they hold, cells that wrap instead of
//! overflowing, rows that never split, and the header row repeated on every page the table
//! spans (render stage, PDF).

use super::canvas::{ACCENT, INK, Item, LINE, MUTED, SOFT};
use super::flow::{BOTTOM, Flow, LEADING, MARGIN_X, TOP, WIDTH};
use super::text::{Line, wrap_plain};
use crate::render::document::{Align, Table};
use crate::render::fonts::{Fonts, Weight};

const SIZE: f32 = 8.0;
const PAD_X: f32 = 4.0;
const PAD_Y: f32 = 3.5;

/// Widths that fit `WIDTH`: natural widths when they fit (extra space shared out), otherwise
/// wide columns shrink towards their longest word.
fn column_widths(fonts: &Fonts, t: &Table) -> Vec<f32> {
    let n = t.columns.len().max(1);
    let measure = |s: &str, w: Weight| fonts.face(w).width(s, SIZE) + 2.0 * PAD_X + 0.5;
    let longest_word = |s: &str, w: Weight| s.split(' ').map(|p| measure(p, w)).fold(0.0, f32::max);
    let mut natural = vec![0.0f32; n];
    let mut minimum = vec![0.0f32; n];
    for (j, c) in t.columns.iter().enumerate() {
        natural[j] = measure(&c.header, Weight::Bold);
        minimum[j] = longest_word(&c.header, Weight::Bold);
    }
    for row in &t.rows {
        for (j, cell) in row.iter().enumerate().take(n) {
            natural[j] = natural[j].max(measure(cell, Weight::Regular));
            minimum[j] = minimum[j].max(longest_word(cell, Weight::Regular));
        }
    }
    let total: f32 = natural.iter().sum();
    if total <= WIDTH {
        let extra = (WIDTH - total) / n as f32;
        return natural.iter().map(|w| w + extra).collect();
    }
    // Take the excess from the columns with the most slack (natural width minus longest word)
    // first, levelling them down: long texts wrap, short headers and figures keep their width.
    let need = total - WIDTH;
    let slack: Vec<f32> = natural
        .iter()
        .zip(&minimum)
        .map(|(n, m)| (n - m).max(0.0))
        .collect();
    if slack.iter().sum::<f32>() >= need {
        let cut = |level: f32| slack.iter().map(|s| (s - level).max(0.0)).sum::<f32>();
        let (mut lo, mut hi) = (0.0f32, slack.iter().copied().fold(0.0, f32::max));
        for _ in 0..40 {
            let mid = (lo + hi) / 2.0;
            if cut(mid) > need { lo = mid } else { hi = mid }
        }
        return natural
            .iter()
            .zip(&slack)
            .map(|(n, s)| n - (s - hi).max(0.0))
            .collect();
    }
    // Even the longest words do not fit: scale those down; cells then cut words.
    let total_min: f32 = minimum.iter().sum();
    minimum.iter().map(|m| m * WIDTH / total_min).collect()
}

fn cell_lines(fonts: &Fonts, row: &[String], widths: &[f32], weight: Weight) -> Vec<Vec<Line>> {
    widths
        .iter()
        .enumerate()
        .map(|(j, w)| {
            wrap_plain(
                fonts,
                row.get(j).map(String::as_str).unwrap_or(""),
                weight,
                SIZE,
                w - 2.0 * PAD_X,
            )
        })
        .collect()
}

fn row_height(cells: &[Vec<Line>]) -> f32 {
    cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * SIZE * LEADING + 2.0 * PAD_Y
}

fn draw_row(flow: &mut Flow, t: &Table, widths: &[f32], cells: &[Vec<Line>], header: bool) {
    let h = row_height(cells);
    let top = flow.y;
    if header {
        flow.push(Item::Rect {
            x: MARGIN_X,
            y: top,
            w: WIDTH,
            h,
            fill: Some(SOFT),
            stroke: None,
        });
    }
    let mut x = MARGIN_X;
    for (j, lines) in cells.iter().enumerate() {
        let align = t.columns.get(j).map_or(Align::Left, |c| c.align);
        let mut y = top + PAD_Y + SIZE * 0.95;
        for line in lines {
            let dx = match align {
                Align::Left => PAD_X,
                Align::Center => (widths[j] - line.width) / 2.0,
                Align::Right => widths[j] - PAD_X - line.width,
            };
            flow.draw_line(x + dx, y, line, SIZE, if header { ACCENT } else { INK });
            y += SIZE * LEADING;
        }
        x += widths[j];
    }
    let (color, width) = if header { (ACCENT, 1.2) } else { (LINE, 0.6) };
    flow.push(Item::Line {
        x1: MARGIN_X,
        y1: top + h,
        x2: MARGIN_X + WIDTH,
        y2: top + h,
        color,
        width,
    });
    flow.y = top + h;
}

/// Lays out `t` from the cursor, repeating the header on each new page.
pub(super) fn table(flow: &mut Flow, t: &Table) {
    let widths = column_widths(flow.fonts, t);
    let headers: Vec<String> = t.columns.iter().map(|c| c.header.clone()).collect();
    let head = cell_lines(flow.fonts, &headers, &widths, Weight::Bold);
    let head_h = row_height(&head);
    let rows: Vec<Vec<Vec<Line>>> = t
        .rows
        .iter()
        .map(|r| {
            let mut cells = cell_lines(flow.fonts, r, &widths, Weight::Regular);
            // A row taller than a page is cut, never drawn past the footer.
            let max_lines =
                ((BOTTOM - TOP - head_h - 2.0 * PAD_Y) / (SIZE * LEADING)).floor() as usize;
            for c in cells.iter_mut() {
                c.truncate(max_lines.max(1));
            }
            cells
        })
        .collect();
    let first_h = rows.first().map_or(0.0, |r| row_height(r));
    flow.ensure(head_h + first_h);
    draw_row(flow, t, &widths, &head, true);
    for cells in &rows {
        let h = row_height(cells);
        if h > flow.room() {
            flow.new_page();
            draw_row(flow, t, &widths, &head, true);
        }
        draw_row(flow, t, &widths, cells, false);
    }
    if let Some(caption) = &t.caption {
        flow.y += 3.0;
        let lines = wrap_plain(flow.fonts, caption, Weight::Regular, 7.5, WIDTH);
        flow.lines(&lines, MARGIN_X, 7.5, MUTED);
    }
    flow.y += 12.0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::document::Column;
    use crate::render::fonts::fonts;

    fn table(cols: usize, cell: &str, rows: usize) -> Table {
        Table {
            columns: (0..cols)
                .map(|i| Column::text(&format!("Column {i}")))
                .collect(),
            rows: (0..rows)
                .map(|_| (0..cols).map(|_| cell.to_string()).collect())
                .collect(),
            caption: None,
        }
    }

    #[test]
    fn widths_always_add_up_to_the_text_width() {
        let f = fonts().unwrap();
        for t in [
            table(3, "short", 2),
            table(6, "a long cell with many words in it to wrap", 3),
        ] {
            let w: f32 = column_widths(f, &t).iter().sum();
            assert!((w - WIDTH).abs() < 0.5, "{w}");
        }
    }

    #[test]
    fn long_tables_repeat_their_header_on_every_page() {
        let f = fonts().unwrap();
        let mut flow = Flow::new(f);
        flow.new_page();
        super::table(&mut flow, &table(3, "x", 150));
        assert!(flow.pages.len() >= 3);
        for page in &flow.pages {
            let headers = page
                .items
                .iter()
                .filter(|i| matches!(i, Item::Text { text, .. } if text == "Column 0"))
                .count();
            assert_eq!(headers, 1);
            // Nothing is drawn below the content area.
            for item in &page.items {
                if let Item::Text { y, .. } = item {
                    assert!(*y <= BOTTOM);
                }
            }
        }
    }
}
