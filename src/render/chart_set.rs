//! Every chart of a report drawn once as SVG, in the report's structure, so that the HTML and
//! the PDF show the same pictures (render stage; depends on the model and the chart drawers).

use super::charts::{self, ChartSpec, Drawn, Picture};
use super::document::{Block, Report};

/// Width and height of the summary's small charts, in points.
pub(crate) const SMALL: (f32, f32) = (250.0, 140.0);
/// Width and height of the sections' charts, in points (the PDF text width).
pub(crate) const FULL: (f32, f32) = (495.0, 220.0);
/// Width and height of a tile's sparkline, in points.
pub(crate) const SPARK: (f32, f32) = (84.0, 18.0);

/// Every chart drawn (SVG and shapes), addressed like the report: tiles, summary charts, and per section
/// one entry per block (`Some` for chart blocks).
#[derive(Debug, Clone)]
pub(crate) struct ChartSet {
    pub(crate) tiles: Vec<Picture>,
    pub(crate) summary: Vec<Drawn>,
    pub(crate) sections: Vec<Vec<Option<Drawn>>>,
}

fn size_for(spec: &ChartSpec, (w, h): (f32, f32)) -> (f32, f32) {
    match spec {
        ChartSpec::Rfm(_) => (w, h + 20.0),
        _ => (w, h),
    }
}

impl ChartSet {
    /// Draws every chart of `report`.
    pub(crate) fn build(report: &Report) -> ChartSet {
        let locale = report.locale();
        let tiles = report
            .summary
            .tiles
            .iter()
            .map(|t| charts::sparkline(&t.sparkline, t.up_is_good, SPARK.0, SPARK.1))
            .collect();
        let summary = report
            .summary
            .charts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (w, h) = size_for(&c.spec, SMALL);
                charts::render(&c.spec, &locale, w, h, &format!("s{i}"))
            })
            .collect();
        let sections = report
            .sections
            .iter()
            .enumerate()
            .map(|(si, s)| {
                s.blocks
                    .iter()
                    .enumerate()
                    .map(|(bi, b)| match b {
                        Block::Chart(c) => {
                            let (w, h) = size_for(&c.spec, FULL);
                            Some(charts::render(
                                &c.spec,
                                &locale,
                                w,
                                h,
                                &format!("c{si}-{bi}"),
                            ))
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        ChartSet {
            tiles,
            summary,
            sections,
        }
    }
}
