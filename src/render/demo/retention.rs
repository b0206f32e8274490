//! The sample Retention section: trend, customer flow, cohorts (render stage, demo).

use super::sections::{chart, text};
use crate::period::Period;
use crate::render::charts::*;
use crate::render::document::*;
use crate::render::i18n::strings;
use crate::render::locale::Locale;
use crate::render::rich::RichText;

pub(super) fn retention(l: &Locale, period: &Period) -> Section {
    let s = strings(l.lang);
    let ticks: Vec<String> = period
        .trailing(8)
        .iter()
        .map(|p| l.period_tick(p))
        .collect();
    let series = |key: &str, v: [f64; 8]| Series {
        name: s.get(key).to_string(),
        values: v.iter().map(|x| Some(*x)).collect(),
    };
    let months: Vec<String> = (1..=12).map(|k| k.to_string()).collect();
    // The 12 monthly cohorts ending with the period's last month.
    let last_month = Period::containing(crate::period::Granularity::Month, period.end);
    let cohort_months = last_month.trailing(12);
    let cells: Vec<Vec<Option<f64>>> = (0..12)
        .map(|r| {
            (0..12)
                .map(|k| {
                    if k + r < 12 {
                        Some(0.42 * (0.93f64).powi(k) + 0.01 * ((r * 7 + k * 3) % 5) as f64)
                    } else {
                        None
                    }
                })
                .collect()
        })
        .collect();
    Section {
        kind: SectionKind::Retention,
        blocks: vec![
            Block::Paragraph(RichText::marked(&text(
                l,
                "De los **2117** clientes activos al inicio del trimestre, 1931 siguen activos al cierre: la tasa de retención (CRR) es del **91,2 %**, 0,8 puntos menos que en el trimestre anterior pero por encima del objetivo del 90 %.",
                "Of the **2,117** customers active at the start of the quarter, 1,931 are still active at its end: the customer retention rate (CRR) is **91.2%**, 0.8 points down on the previous quarter but above the 90% target.",
            ))),
            chart(
                l,
                "chart.retention_trend",
                None,
                ChartSpec::Line(LineChart {
                    x_labels: ticks.clone(),
                    series: vec![
                        series(
                            "series.retention",
                            [0.915, 0.92, 0.91, 0.917, 0.921, 0.915, 0.92, 0.912],
                        ),
                        series(
                            "series.period_retention",
                            [0.78, 0.77, 0.79, 0.8, 0.78, 0.79, 0.8, 0.77],
                        ),
                        series(
                            "series.repeat_rate",
                            [0.61, 0.62, 0.6, 0.63, 0.64, 0.64, 0.65, 0.66],
                        ),
                    ],
                    format: ValueFormat::Percent { decimals: 1 },
                    y_title: s.get("axis.rate").to_string(),
                    y_min: None,
                    y_max: None,
                    target: Some(Target {
                        value: 0.9,
                        label: s.fill("tile.target", &[("value", &l.percent(0.9, 0))]),
                    }),
                }),
            ),
            chart(
                l,
                "chart.customer_flow",
                Some(text(
                    l,
                    "Inicio + nuevos + reactivados − perdidos = cierre.",
                    "Start + new + reactivated − lapsed = end.",
                )),
                ChartSpec::Waterfall(Waterfall {
                    steps: vec![
                        WaterfallStep {
                            label: s.get("flow.start").into(),
                            value: 2117.0,
                            kind: StepKind::Total,
                        },
                        WaterfallStep {
                            label: s.get("flow.lapsed").into(),
                            value: 186.0,
                            kind: StepKind::Decrease,
                        },
                        WaterfallStep {
                            label: s.get("flow.new").into(),
                            value: 214.0,
                            kind: StepKind::Increase,
                        },
                        WaterfallStep {
                            label: s.get("flow.reactivated").into(),
                            value: 39.0,
                            kind: StepKind::Increase,
                        },
                        WaterfallStep {
                            label: s.get("flow.end").into(),
                            value: 2184.0,
                            kind: StepKind::Total,
                        },
                    ],
                    format: ValueFormat::Number { decimals: 0 },
                    y_title: s.get("axis.customers").into(),
                }),
            ),
            chart(
                l,
                "chart.cohort_heatmap",
                Some(text(
                    l,
                    "Porcentaje de cada cohorte mensual con una compra k meses después de la primera.",
                    "Share of each monthly cohort with a purchase k months after the first.",
                )),
                ChartSpec::Heatmap(Heatmap {
                    row_labels: cohort_months.iter().map(|p| l.period_tick(p)).collect(),
                    col_labels: months,
                    cells,
                    format: ValueFormat::Percent { decimals: 0 },
                    x_title: s.get("axis.months_since_first").into(),
                    y_title: s.get("axis.cohort").into(),
                }),
            ),
            Block::KeyFigures(vec![
                KeyFigure {
                    label: text(
                        l,
                        "Retención periodo a periodo",
                        "Period-over-period retention",
                    ),
                    value: l.percent(0.77, 1),
                },
                KeyFigure {
                    label: text(l, "Tasa de recompra", "Repeat purchase rate"),
                    value: l.percent(0.66, 1),
                },
                KeyFigure {
                    label: "NRR".into(),
                    value: l.percent(0.974, 1),
                },
                KeyFigure {
                    label: "GRR".into(),
                    value: l.percent(0.893, 1),
                },
            ]),
        ],
    }
}
