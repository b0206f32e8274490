//! Every chart kind of the sample report is well-formed SVG, records the same marks as shapes
//! for the PDF, and shows its labels in both.

use super::*;
use crate::domain::Lang;
use crate::render::document::Block;
use crate::render::test_report::sample_report;

/// The element names of a well-formed XML document, in order; panics on malformed XML.
fn elements(svg: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut names = Vec::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                names.push(e.name().as_ref().to_string());
            }
            Ok(quick_xml::events::Event::Eof) => return names,
            Ok(_) => {}
            Err(e) => panic!("malformed SVG: {e}: {svg}"),
        }
    }
}

/// The marks of an SVG outside its `<defs>` (patterns are fills, not marks): rects, strokes
/// (line, polyline, path) and texts.
fn marks(svg: &str) -> (usize, usize, usize) {
    let body = match (svg.find("<defs>"), svg.find("</defs>")) {
        (Some(a), Some(b)) => format!("{}{}", &svg[..a], &svg[b + "</defs>".len()..]),
        _ => svg.to_string(),
    };
    let names = elements(&body);
    let count = |kinds: &[&str]| names.iter().filter(|n| kinds.contains(&n.as_str())).count();
    (
        count(&["rect"]),
        count(&["line", "polyline", "path"]),
        count(&["text"]),
    )
}

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
fn charts_draw_the_same_marks_in_svg_and_pdf_shapes_and_keep_all_their_text() {
    for lang in [Lang::Es, Lang::En] {
        let locale = sample_report(lang).locale();
        for (i, (title, spec)) in all_charts(lang).into_iter().enumerate() {
            let drawn = render(&spec, &locale, 495.0, 220.0, &format!("t{i}"));
            assert!(drawn.svg.starts_with("<svg") && drawn.svg.ends_with("</svg>"));
            let (rects, strokes, texts) = marks(&drawn.svg);
            let count = |f: fn(&Shape) -> bool| drawn.shapes.iter().filter(|s| f(s)).count();
            assert_eq!(rects, count(|s| matches!(s, Shape::Rect { .. })), "{title}");
            assert_eq!(
                strokes,
                count(|s| matches!(s, Shape::Path { .. })),
                "{title}"
            );
            assert_eq!(texts, count(|s| matches!(s, Shape::Text { .. })), "{title}");
            assert!(rects + strokes > 0, "{title}: nothing drawn");
            let shown: Vec<&str> = drawn
                .shapes
                .iter()
                .filter_map(|s| match s {
                    Shape::Text { text, .. } => Some(text.as_str()),
                    _ => None,
                })
                .collect();
            for label in labels(&spec).iter().filter(|l| !l.is_empty()) {
                // Long labels may be wrapped onto two lines or shortened; their first word stays.
                let first = label.split(' ').next().unwrap_or_default();
                let escaped = svg::escape(first);
                assert!(
                    drawn.svg.contains(&escaped),
                    "{title}: label {label:?} missing from the SVG"
                );
                assert!(
                    shown.iter().any(|t| t.contains(first)),
                    "{title}: label {label:?} missing from the PDF shapes"
                );
            }
        }
    }
}

#[test]
fn hatched_segments_are_named_fills_in_the_shapes() {
    let spec = ChartSpec::Stacked(StackedBars {
        rows: vec!["Q1".into()],
        segments: vec!["a".into(), "b".into()],
        values: vec![vec![1.0, 1.0]],
    });
    let drawn = render(&spec, &Locale::new(Lang::En, "USD"), 300.0, 150.0, "h");
    // The second segment is hatched in the SVG (a pattern fill) and in the shapes.
    assert!(drawn.svg.contains("url(#h-h1)"));
    let hatched = drawn
        .shapes
        .iter()
        .filter(|s| {
            matches!(
                s,
                Shape::Rect {
                    fill: Fill::Hatched { .. },
                    ..
                }
            )
        })
        .count();
    assert_eq!(hatched, 2, "the legend swatch and the bar segment");
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
    let drawn = render(&spec, &Locale::new(Lang::En, "USD"), 300.0, 150.0, "e");
    let svg = drawn.svg;
    assert!(svg.contains("A &amp; B &lt;x&gt;") && svg.contains("&quot;quoted&quot;"));
    assert!(elements(&svg).contains(&"text".to_string()));
    // The PDF draws the text itself, unescaped.
    assert!(drawn.shapes.iter().any(|s| matches!(s,
        Shape::Text { text, .. } if text == "A & B <x>")));
}

#[test]
fn sparkline_turns_red_when_a_bad_figure_rises() {
    let up = [Some(1.0), Some(2.0), None, Some(3.0)];
    assert!(sparkline(&up, false, 80.0, 18.0).svg.contains(palette::BAD));
    assert!(
        sparkline(&up, true, 80.0, 18.0)
            .svg
            .contains(palette::ACCENT)
    );
    // Fewer than two points: an empty box, no line.
    let empty = sparkline(&[Some(1.0)], true, 80.0, 18.0);
    assert!(!empty.svg.contains("polyline") && empty.shapes.is_empty());
}
