//! Line breaking with the embedded fonts' advances (render stage, PDF): rich text in, lines of
//! positioned runs out. Breaks only at ordinary spaces, so a figure never leaves its unit
//! (they are joined by no-break spaces), and cuts words longer than the line.

use crate::render::fonts::{Fonts, Weight};
use crate::render::rich::RichText;

/// A piece of a line in one weight, at `dx` from the line's start.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Run {
    pub(super) text: String,
    pub(super) weight: Weight,
    pub(super) dx: f32,
}

/// A laid-out line.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Line {
    pub(super) runs: Vec<Run>,
    pub(super) width: f32,
}

/// A word: pieces glued without a space (a bold figure followed by a comma).
type Word = Vec<(String, Weight)>;

fn words(spans: &[(String, Weight)]) -> Vec<Option<Word>> {
    // `None` marks a hard line break.
    let mut out: Vec<Option<Word>> = Vec::new();
    let mut current: Word = Vec::new();
    for (text, weight) in spans {
        for (li, line) in text.split('\n').enumerate() {
            if li > 0 {
                if !current.is_empty() {
                    out.push(Some(std::mem::take(&mut current)));
                }
                out.push(None);
            }
            for (i, piece) in line.split(' ').enumerate() {
                if i > 0 && !current.is_empty() {
                    out.push(Some(std::mem::take(&mut current)));
                }
                if !piece.is_empty() {
                    current.push((piece.to_string(), *weight));
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(Some(current));
    }
    out
}

fn word_width(fonts: &Fonts, word: &Word, size: f32) -> f32 {
    word.iter()
        .map(|(t, w)| fonts.face(*w).width(t, size))
        .sum()
}

/// Cuts a word too long for a line into pieces that fit.
fn split_long(fonts: &Fonts, word: &Word, size: f32, max: f32) -> Vec<Word> {
    let mut out = Vec::new();
    let mut cur: Word = Vec::new();
    let mut width = 0.0;
    for (text, weight) in word {
        for c in text.chars() {
            let w = fonts.face(*weight).advance(c) * size;
            if width + w > max && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                width = 0.0;
            }
            match cur.last_mut() {
                Some((t, wt)) if wt == weight => t.push(c),
                _ => cur.push((c.to_string(), *weight)),
            }
            width += w;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn append(line: &mut Line, fonts: &Fonts, word: &Word, size: f32, space: bool) {
    for (i, (text, weight)) in word.iter().enumerate() {
        let lead = space && i == 0;
        if lead {
            // The space goes at the end of the previous run, so extracted text keeps it.
            if let Some(last) = line.runs.last_mut() {
                last.text.push(' ');
            }
            line.width += fonts.regular.advance(' ') * size;
        }
        match line.runs.last_mut() {
            Some(last) if last.weight == *weight => last.text.push_str(text),
            _ => line.runs.push(Run {
                text: text.clone(),
                weight: *weight,
                dx: line.width,
            }),
        }
        line.width += fonts.face(*weight).width(text, size);
    }
}

/// Breaks `spans` into lines no wider than `max` at `size` points.
pub(super) fn wrap(fonts: &Fonts, spans: &[(String, Weight)], size: f32, max: f32) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut line = Line::default();
    let space = fonts.regular.advance(' ') * size;
    for word in words(spans) {
        let Some(word) = word else {
            lines.push(std::mem::take(&mut line));
            continue;
        };
        let w = word_width(fonts, &word, size);
        if !line.runs.is_empty() && line.width + space + w <= max {
            append(&mut line, fonts, &word, size, true);
            continue;
        }
        if !line.runs.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word opens a line; one wider than the box is split over as many as it needs.
        if w > max {
            let mut parts = split_long(fonts, &word, size, max);
            let last = parts.pop().unwrap_or_default();
            for p in parts {
                let mut l = Line::default();
                append(&mut l, fonts, &p, size, false);
                lines.push(l);
            }
            append(&mut line, fonts, &last, size, false);
        } else {
            append(&mut line, fonts, &word, size, false);
        }
    }
    if !line.runs.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Plain text in one weight.
pub(super) fn wrap_plain(
    fonts: &Fonts,
    text: &str,
    weight: Weight,
    size: f32,
    max: f32,
) -> Vec<Line> {
    wrap(fonts, &[(text.to_string(), weight)], size, max)
}

/// Rich text with bold spans in the bold face.
pub(super) fn wrap_rich(fonts: &Fonts, text: &RichText, size: f32, max: f32) -> Vec<Line> {
    let spans: Vec<(String, Weight)> = text
        .0
        .iter()
        .map(|s| {
            (
                s.text.clone(),
                if s.strong {
                    Weight::Bold
                } else {
                    Weight::Regular
                },
            )
        })
        .collect();
    wrap(fonts, &spans, size, max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fonts::fonts;

    fn plain(line: &Line) -> String {
        line.runs.iter().map(|r| r.text.as_str()).collect()
    }

    #[test]
    fn lines_never_exceed_the_width_and_keep_every_word() {
        let f = fonts().unwrap();
        let text = "La retención se mantiene por encima del objetivo, pero las quejas mal resueltas están costando clientes.";
        let lines = wrap_plain(f, text, Weight::Regular, 10.0, 150.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(l.width <= 150.0 + 0.01, "{} is {}", plain(l), l.width);
        }
        let joined: Vec<String> = lines.iter().map(plain).collect();
        assert_eq!(joined.join(" "), text);
    }

    #[test]
    fn no_break_space_keeps_a_figure_with_its_unit() {
        let f = fonts().unwrap();
        let lines = wrap_plain(
            f,
            "total 12.345,67\u{a0}€ of margin",
            Weight::Regular,
            10.0,
            70.0,
        );
        assert!(lines.iter().any(|l| plain(l).contains("12.345,67\u{a0}€")));
    }

    #[test]
    fn bold_spans_keep_their_weight_and_glue_to_punctuation() {
        let f = fonts().unwrap();
        let text = RichText::marked("rate of **14,1 %**, against");
        let lines = wrap_rich(f, &text, 9.0, 500.0);
        assert_eq!(lines.len(), 1);
        let runs = &lines[0].runs;
        assert_eq!(
            runs.iter().map(|r| r.text.as_str()).collect::<String>(),
            "rate of 14,1 %, against"
        );
        assert!(
            runs.iter()
                .any(|r| r.weight == Weight::Bold && r.text.contains("14,1 %"))
        );
        // Runs start where the previous one ended.
        assert!(runs.windows(2).all(|w| w[1].dx > w[0].dx));
    }

    #[test]
    fn words_longer_than_the_line_are_cut() {
        let f = fonts().unwrap();
        let lines = wrap_plain(
            f,
            "clientes.xlsx,facturas.csv,actividades.csv,reclamaciones.csv",
            Weight::Regular,
            10.0,
            80.0,
        );
        assert!(lines.len() >= 3);
        assert!(lines.iter().all(|l| l.width <= 80.0 + 0.01));
    }
}
