//! Charts drawn once from typed specs and used by both outputs: as SVG inline in the HTML, and
//! as the same marks recorded as shapes ([`Shape`]) that the PDF draws with its own operators
//! (render stage; depends on the locale and the fonts).
//!
//! The SVG uses only rect, line, polyline, path and text, with DejaVu Sans named for text, the
//! font the PDF embeds, so that browsers and the PDF show the same picture. Colours differ in lightness and
//! marks carry labels, so the charts survive black-and-white printing.

mod axis;
mod bars;
mod heatmap;
mod line;
mod palette;
mod pareto;
mod shape;
mod sparkline;
mod stacked;
mod svg;
mod waterfall;
mod whale;

pub(crate) use shape::{
    Colour, Fill, PathPoint, Picture, Shape, Stroke, circle, hatch_lines, polyline,
};
pub(crate) use sparkline::sparkline;
pub(crate) use svg::Anchor;

use super::locale::Locale;
use serde::Serialize;

/// What a chart shows: numbers plus the format of their labels. Text (titles, categories) is
/// final; numbers on marks and ticks are formatted with the report's [`Locale`].
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChartSpec {
    /// Trend of one or more series over periods (retention, NPS/CSAT).
    Line(LineChart),
    /// Customer flow: start → lapsed → new → reactivated → end.
    Waterfall(Waterfall),
    /// Cohort matrix: rows × months-since-acquisition of shares.
    Heatmap(Heatmap),
    /// Bars per category (CLV distribution, resolution-time buckets, segments).
    Bars(BarChart),
    /// Cumulative margin against the share of customers ranked by margin.
    Whale(WhaleCurve),
    /// 5 × 5 grid of customers by recency and frequency score.
    Rfm(RfmGrid),
    /// Bars in decreasing order with the cumulative share as a line.
    Pareto(Pareto),
    /// Horizontal 100 % stacked bars (channel mix).
    Stacked(StackedBars),
}

/// How the numbers of a chart are written on its marks and axis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "style", rename_all = "snake_case")]
pub enum ValueFormat {
    /// Shares (0.912) as percentages.
    Percent {
        /// Decimals of the percentage.
        decimals: usize,
    },
    /// Plain numbers.
    Number {
        /// Decimals.
        decimals: usize,
    },
    /// Amounts in the report currency, compact (`214 k€`).
    Currency,
}

impl ValueFormat {
    pub(crate) fn format(self, locale: &Locale, v: f64) -> String {
        match self {
            ValueFormat::Percent { decimals } => locale.percent(v, decimals),
            ValueFormat::Number { decimals } => locale.number(v, decimals),
            ValueFormat::Currency => locale.currency_compact(v),
        }
    }

    /// Ticks need fewer decimals than marks.
    pub(crate) fn tick(self, locale: &Locale, v: f64, step: f64) -> String {
        let decimals = if step >= 1.0 - 1e-9 {
            0
        } else {
            (-step.log10()).ceil().max(0.0) as usize
        };
        match self {
            ValueFormat::Percent { .. } => {
                let d = if step * 100.0 >= 1.0 - 1e-9 {
                    0
                } else {
                    decimals.saturating_sub(2)
                };
                locale.percent(v, d)
            }
            ValueFormat::Number { .. } => locale.number(v, decimals),
            ValueFormat::Currency => locale.currency_compact(v),
        }
    }
}

/// A target or reference line with its label.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// Where the line is, in the chart's value units.
    pub value: f64,
    /// Its label (`objetivo 90 %`).
    pub label: String,
}

/// One series of a line chart.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// One value per x label; `None` leaves a gap.
    pub values: Vec<Option<f64>>,
}

/// Trend lines over periods.
#[derive(Debug, Clone, Serialize)]
pub struct LineChart {
    /// Period ticks, oldest first (`T4 24` … `T3 26`).
    pub x_labels: Vec<String>,
    /// The series; the first is drawn strongest.
    pub series: Vec<Series>,
    /// Format of the values.
    pub format: ValueFormat,
    /// Title of the value axis.
    pub y_title: String,
    /// Optional floor of the value axis (default: from the data, with some room).
    pub y_min: Option<f64>,
    /// Optional ceiling of the value axis.
    pub y_max: Option<f64>,
    /// Optional target line.
    pub target: Option<Target>,
}

/// Kind of waterfall step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// A level drawn from zero (start, end).
    Total,
    /// Added to the running level.
    Increase,
    /// Taken from the running level.
    Decrease,
}

/// One step of a waterfall.
#[derive(Debug, Clone, Serialize)]
pub struct WaterfallStep {
    /// Category label (`Perdidos`).
    pub label: String,
    /// The level (totals) or the size of the step (increases and decreases, positive).
    pub value: f64,
    /// How the step is drawn.
    pub kind: StepKind,
}

/// Customer flow as a waterfall.
#[derive(Debug, Clone, Serialize)]
pub struct Waterfall {
    /// Steps from left to right.
    pub steps: Vec<WaterfallStep>,
    /// Format of the values.
    pub format: ValueFormat,
    /// Title of the value axis.
    pub y_title: String,
}

/// A matrix of shares, shaded by value, with value labels where they fit.
#[derive(Debug, Clone, Serialize)]
pub struct Heatmap {
    /// Row labels (cohorts), top to bottom.
    pub row_labels: Vec<String>,
    /// Column labels (months since acquisition).
    pub col_labels: Vec<String>,
    /// `cells[row][col]`; `None` where the cohort is too young.
    pub cells: Vec<Vec<Option<f64>>>,
    /// Format of the cell labels.
    pub format: ValueFormat,
    /// Title of the horizontal axis.
    pub x_title: String,
    /// Title of the vertical axis.
    pub y_title: String,
}

/// Bars per category.
#[derive(Debug, Clone, Serialize)]
pub struct BarChart {
    /// Category labels (bucket ranges, segment names).
    pub categories: Vec<String>,
    /// One value per category.
    pub values: Vec<f64>,
    /// Format of the values.
    pub format: ValueFormat,
    /// Title of the category axis.
    pub x_title: String,
    /// Title of the value axis.
    pub y_title: String,
    /// Index of a bar to draw in the accent colour (e.g. the SLA bucket).
    pub highlight: Option<usize>,
}

/// The customer-profitability ("whale") curve.
#[derive(Debug, Clone, Serialize)]
pub struct WhaleCurve {
    /// (share of customers ranked by margin, cumulative share of total margin), from (0, 0);
    /// the curve may rise above 1 before unprofitable customers pull it back.
    pub points: Vec<(f64, f64)>,
    /// Title of the horizontal axis.
    pub x_title: String,
    /// Title of the vertical axis.
    pub y_title: String,
}

/// Customers per recency × frequency score.
#[derive(Debug, Clone, Serialize)]
pub struct RfmGrid {
    /// `counts[r][f]` with r = recency score 1..=5 and f = frequency score 1..=5 (index 0 = 1).
    pub counts: Vec<Vec<f64>>,
    /// Named regions drawn over the grid.
    pub regions: Vec<RfmRegion>,
    /// Title of the horizontal (frequency) axis.
    pub x_title: String,
    /// Title of the vertical (recency) axis.
    pub y_title: String,
}

/// A named block of RFM cells (e.g. Champions: recency 4–5, frequency 4–5).
#[derive(Debug, Clone, Serialize)]
pub struct RfmRegion {
    /// Segment name.
    pub label: String,
    /// Recency scores covered, inclusive (1..=5).
    pub recency: (u8, u8),
    /// Frequency scores covered, inclusive (1..=5).
    pub frequency: (u8, u8),
}

/// Pareto chart: bars sorted by the caller, cumulative share drawn on top.
#[derive(Debug, Clone, Serialize)]
pub struct Pareto {
    /// Categories, largest first.
    pub categories: Vec<String>,
    /// Counts.
    pub values: Vec<f64>,
    /// Format of the counts.
    pub format: ValueFormat,
    /// Title of the value axis.
    pub y_title: String,
    /// Legend label of the cumulative line.
    pub cumulative_label: String,
}

/// Horizontal bars split into shares that add up to 100 %.
#[derive(Debug, Clone, Serialize)]
pub struct StackedBars {
    /// One bar per row (periods, groups).
    pub rows: Vec<String>,
    /// Segment names (channels), in stacking order.
    pub segments: Vec<String>,
    /// `values[row][segment]`, any unit; each row is drawn as shares of its total.
    pub values: Vec<Vec<f64>>,
}

/// A chart drawn as SVG and as shapes, with its size in points (1 SVG px = 1 pt in the PDF).
#[derive(Debug, Clone)]
pub(crate) struct Drawn {
    pub(crate) svg: String,
    pub(crate) shapes: Vec<Shape>,
    pub(crate) width: f32,
    pub(crate) height: f32,
}

/// Draws `spec` in a `width` × `height` box; the heatmap and the stacked bars take the height
/// their rows need instead. `uid` makes ids inside the SVG unique when several are inlined in
/// one HTML page.
pub(crate) fn render(
    spec: &ChartSpec,
    locale: &Locale,
    width: f32,
    height: f32,
    uid: &str,
) -> Drawn {
    let (picture, height) = match spec {
        ChartSpec::Line(c) => (line::render(c, locale, width, height), height),
        ChartSpec::Waterfall(c) => (waterfall::render(c, locale, width, height), height),
        ChartSpec::Heatmap(c) => heatmap::render(c, locale, width),
        ChartSpec::Bars(c) => (bars::render(c, locale, width, height), height),
        ChartSpec::Whale(c) => (whale::render(c, locale, width, height), height),
        ChartSpec::Rfm(c) => (heatmap::render_rfm(c, locale, width, height), height),
        ChartSpec::Pareto(c) => (pareto::render(c, locale, width, height), height),
        ChartSpec::Stacked(c) => stacked::render(c, locale, width, uid),
    };
    Drawn {
        svg: picture.svg,
        shapes: picture.shapes,
        width,
        height,
    }
}

#[cfg(test)]
mod tests;
