//! Customer-flow waterfall: start → lapsed → new → reactivated → end (render stage).
//!
//! Flows are small next to the customer base, so when they would be slivers the value axis
//! starts above zero and the total bars carry a break mark to say so.

use super::axis::{Plot, nice_ticks};
use super::palette::{ACCENT, INK, MUTED, WHITE};
use super::shape::Picture;
use super::svg::{Anchor, Svg, TextStyle};
use super::{StepKind, Waterfall};
use crate::render::locale::Locale;

const INCREASE: &str = "#5f9a4f";
const DECREASE: &str = "#e3a29c";

/// (bottom, top) of each bar in value units.
fn spans(c: &Waterfall) -> Vec<(f64, f64)> {
    let mut level = 0.0;
    c.steps
        .iter()
        .map(|s| match s.kind {
            StepKind::Total => {
                level = s.value;
                (0.0, s.value)
            }
            StepKind::Increase => {
                level += s.value;
                (level - s.value, level)
            }
            StepKind::Decrease => {
                level -= s.value;
                (level, level + s.value)
            }
        })
        .collect()
}

pub(super) fn render(c: &Waterfall, locale: &Locale, width: f32, height: f32) -> Picture {
    let spans = spans(c);
    let top = spans.iter().map(|s| s.1).fold(0.0, f64::max);
    let flow_low = c
        .steps
        .iter()
        .zip(&spans)
        .filter(|(s, _)| s.kind != StepKind::Total)
        .map(|(_, sp)| sp.0)
        .fold(top, f64::min);
    let max_flow = c
        .steps
        .iter()
        .filter(|s| s.kind != StepKind::Total)
        .map(|s| s.value)
        .fold(0.0, f64::max);
    // Truncate when the largest flow would be under an eighth of the axis.
    let truncated = max_flow > 0.0 && max_flow * 8.0 < top;
    let floor = if truncated {
        (flow_low - max_flow * 2.0).max(0.0)
    } else {
        0.0
    };
    let (lo, hi, step) = nice_ticks(floor, top * 1.04, 4);
    let tick_style = TextStyle::new(7.5, Anchor::End, MUTED);
    let tick_w = tick_style.width(&c.format.tick(locale, hi, step));
    let plot = Plot {
        left: 16.0 + tick_w + 5.0,
        top: 14.0,
        right: width - 6.0,
        bottom: height - 24.0,
        lo,
        hi,
        step,
    };
    let mut svg = Svg::new(width, height);
    plot.draw_value_axis(&mut svg, locale, c.format, &c.y_title);
    let labels: Vec<String> = c.steps.iter().map(|s| s.label.clone()).collect();
    plot.draw_categories(&mut svg, &labels);
    let n = c.steps.len().max(1);
    let slot = plot.width() / n as f32;
    let bar_w = (slot * 0.62).min(60.0);
    let value_style = TextStyle::new(7.5, Anchor::Middle, INK).bold();
    let mut prev_top: Option<(f32, f32)> = None;
    for (i, (step_spec, (b, t))) in c.steps.iter().zip(&spans).enumerate() {
        let x = plot.left + slot * i as f32 + (slot - bar_w) / 2.0;
        let (yb, yt) = (plot.y(b.max(lo)), plot.y(*t));
        let (fill, text) = match step_spec.kind {
            StepKind::Total => (ACCENT, c.format.format(locale, step_spec.value)),
            StepKind::Increase => (
                INCREASE,
                format!("+{}", c.format.format(locale, step_spec.value)),
            ),
            StepKind::Decrease => (
                DECREASE,
                format!("\u{2212}{}", c.format.format(locale, step_spec.value)),
            ),
        };
        svg.rect(
            x,
            yt,
            bar_w,
            (yb - yt).max(1.0),
            fill,
            Some((if fill == DECREASE { "#b3261e" } else { fill }, 0.6)),
        );
        if truncated && step_spec.kind == StepKind::Total {
            // Axis-break mark: two white slashes across the bottom of the bar.
            for dy in [6.0, 10.0] {
                svg.line(
                    (x - 2.0, yb - dy + 2.0),
                    (x + bar_w + 2.0, yb - dy - 2.0),
                    WHITE,
                    1.6,
                    None,
                );
            }
        }
        svg.text(x + bar_w / 2.0, yt - 3.5, &text, value_style);
        // Connector from the previous bar's end level to this bar.
        let level_y = match step_spec.kind {
            StepKind::Decrease => yt,
            StepKind::Increase => yb,
            StepKind::Total => yt,
        };
        if let Some((px, py)) = prev_top {
            svg.line((px, py), (x, level_y), MUTED, 0.6, Some("2 2"));
        }
        let end_y = if step_spec.kind == StepKind::Decrease {
            yb
        } else {
            yt
        };
        prev_top = Some((x + bar_w, end_y));
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::charts::{ValueFormat, WaterfallStep};

    #[test]
    fn running_level_moves_with_each_flow() {
        let step = |label: &str, value, kind| WaterfallStep {
            label: label.into(),
            value,
            kind,
        };
        let c = Waterfall {
            steps: vec![
                step("start", 2117.0, StepKind::Total),
                step("lapsed", 186.0, StepKind::Decrease),
                step("new", 214.0, StepKind::Increase),
                step("end", 2145.0, StepKind::Total),
            ],
            format: ValueFormat::Number { decimals: 0 },
            y_title: String::new(),
        };
        // 2117 − 186 = 1931; 1931 + 214 = 2145.
        assert_eq!(
            spans(&c),
            vec![
                (0.0, 2117.0),
                (1931.0, 2117.0),
                (1931.0, 2145.0),
                (0.0, 2145.0)
            ]
        );
    }
}
