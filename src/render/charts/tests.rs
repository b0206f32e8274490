//! Every chart kind of the sample report is well-formed SVG that svg2pdf accepts, draws all its
//! text with the embedded fonts, and shows its labels.

use super::*;
use crate::domain::Lang;
use crate::render::document::Block;
use crate::render::fonts::svg_font_map;
use crate::render::test_report::sample_report;
use printpdf as pp;

fn all_charts(lang: Lang) -> Vec<(String, ChartSpec)> {
    let r = sample_report(lang);
    let mut out: Vec<(String, ChartSpec)> = r
        .summary
        .charts
        .iter()
        .map(|c| (c.title.clone(), c.spec.clone()))
        .collect();
    for s in &r.sections {
        for b in &s.blocks {
            if let Block::Chart(c) = b {
                out.push((c.title.clone(), c.spec.clone()));
            }
        }
    }
    out
}

fn labels(spec: &ChartSpec) -> Vec<String> {
    match spec {
        ChartSpec::Line(c) => c
            .series
            .iter()
            .map(|s| s.name.clone())
            .chain(c.x_labels.iter().cloned())
            .collect(),
        ChartSpec::Waterfall(c) => c.steps.iter().map(|s| s.label.clone()).collect(),
        ChartSpec::Heatmap(c) => c
            .row_labels
            .iter()
            .cloned()
            .chain([c.x_title.clone()])
            .collect(),
        ChartSpec::Bars(c) => vec![c.y_title.clone(), c.x_title.clone()],
        ChartSpec::Whale(c) => vec![c.x_title.clone(), c.y_title.clone()],
        ChartSpec::Rfm(c) => c.regions.iter().map(|r| r.label.clone()).collect(),
        ChartSpec::Pareto(c) => vec![c.y_title.clone(), c.cumulative_label.clone()],
        ChartSpec::Stacked(c) => c.rows.iter().chain(c.segments.iter()).cloned().collect(),
    }
}

#[test]
fn every_chart_kind_is_in_the_sample_report() {
    let kinds: std::collections::BTreeSet<&str> = all_charts(Lang::Es)
        .iter()
        .map(|(_, s)| match s {
            ChartSpec::Line(_) => "line",
            ChartSpec::Waterfall(_) => "waterfall",
            ChartSpec::Heatmap(_) => "heatmap",
            ChartSpec::Bars(_) => "bars",
            ChartSpec::Whale(_) => "whale",
            ChartSpec::Rfm(_) => "rfm",
            ChartSpec::Pareto(_) => "pareto",
            ChartSpec::Stacked(_) => "stacked",
        })
        .collect();
    assert_eq!(kinds.len(), 8, "{kinds:?}");
}

#[test]
fn charts_parse_for_the_pdf_and_keep_all_their_text() {
    for lang in [Lang::Es, Lang::En] {
        let locale = sample_report(lang).locale();
        for (i, (title, spec)) in all_charts(lang).into_iter().enumerate() {
            let drawn = render(&spec, &locale, 495.0, 220.0, &format!("t{i}"));
            assert!(drawn.svg.starts_with("<svg") && drawn.svg.ends_with("</svg>"));
            let mut warnings = Vec::new();
            let parsed = pp::Svg::parse_with_fonts(&drawn.svg, svg_font_map(), &mut warnings);
            assert!(parsed.is_ok(), "{title}: {:?}", parsed.err());
            assert!(warnings.is_empty(), "{title}: {warnings:?}");
            for label in labels(&spec).iter().filter(|l| !l.is_empty()) {
                let escaped = svg::escape(label);
                // Long labels may be wrapped onto two lines or shortened; their first word stays.
                let first = escaped.split(' ').next().unwrap_or_default();
                assert!(
                    drawn.svg.contains(first),
                    "{title}: label {label:?} missing"
                );
            }
        }
    }
}

#[test]
fn values_on_marks_are_formatted_for_the_locale() {
    for lang in [Lang::Es, Lang::En] {
        let locale = sample_report(lang).locale();
        let spec = all_charts(lang)
            .into_iter()
            .map(|(_, s)| s)
            .find(|s| matches!(s, ChartSpec::Waterfall(_)))
            .expect("the sample report has a customer-flow waterfall");
        let ChartSpec::Waterfall(w) = &spec else {
            unreachable!()
        };
        let first = w.steps[0].value.round();
        assert!(
            first >= 1_000.0,
            "the sample starts with thousands of customers"
        );
        let svg = render(&spec, &locale, 250.0, 140.0, "w").svg;
        let shown = locale.integer(first as i64);
        assert!(
            svg.contains(&format!(">{shown}<")),
            "{lang:?}: {shown} not on the chart"
        );
        // English groups every thousand; Spanish leaves four-digit numbers ungrouped.
        match lang {
            Lang::En => assert!(shown.contains(',')),
            Lang::Es => assert_eq!(shown.contains('.'), first >= 10_000.0, "{shown}"),
        }
    }
}

#[test]
fn text_is_escaped_in_svg() {
    let spec = ChartSpec::Bars(BarChart {
        categories: vec!["A & B <x>".into()],
        values: vec![1.0],
        format: ValueFormat::Number { decimals: 0 },
        x_title: String::new(),
        y_title: "\"quoted\"".into(),
        highlight: None,
    });
    let svg = render(&spec, &Locale::new(Lang::En, "USD"), 300.0, 150.0, "e").svg;
    assert!(svg.contains("A &amp; B &lt;x&gt;") && svg.contains("&quot;quoted&quot;"));
    assert!(pp::Svg::parse(&svg, &mut Vec::new()).is_ok());
}

#[test]
fn sparkline_turns_red_when_a_bad_figure_rises() {
    let up = [Some(1.0), Some(2.0), None, Some(3.0)];
    assert!(sparkline(&up, false, 80.0, 18.0).contains(palette::BAD));
    assert!(sparkline(&up, true, 80.0, 18.0).contains(palette::ACCENT));
    // Fewer than two points: an empty box, no line.
    assert!(!sparkline(&[Some(1.0)], true, 80.0, 18.0).contains("polyline"));
}
