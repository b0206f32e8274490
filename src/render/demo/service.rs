//! The sample Complaints-and-satisfaction and Contact-and-engagement sections (render stage,
//! demo).

use super::sections::{chart, es, text};
use crate::period::Period;
use crate::render::charts::*;
use crate::render::document::*;
use crate::render::i18n::strings;
use crate::render::locale::Locale;
use crate::render::rich::RichText;

pub(super) fn complaints(l: &Locale, period: &Period) -> Section {
    let s = strings(l.lang);
    let cats: Vec<String> = if es(l) {
        [
            "Retraso en la entrega",
            "Producto defectuoso",
            "Error de facturación",
            "Trato recibido",
            "Otros",
        ]
    } else {
        [
            "Late delivery",
            "Defective product",
            "Billing error",
            "Staff attitude",
            "Other",
        ]
    }
    .iter()
    .map(|c| c.to_string())
    .collect();
    let ticks: Vec<String> = period
        .trailing(8)
        .iter()
        .map(|p| l.period_tick(p))
        .collect();
    let sev: [&str; 4] = if es(l) {
        ["Baja", "Media", "Alta", "Crítica"]
    } else {
        ["Low", "Medium", "High", "Critical"]
    };
    Section {
        kind: SectionKind::ComplaintsSatisfaction,
        blocks: vec![
            Block::Paragraph(RichText::marked(&text(
                l,
                "Se abrieron **172 quejas** en el trimestre (7,9 por cada 100 clientes activos). La mediana de resolución es de 52 h y el 61 % se resolvió dentro del SLA.",
                "**172 complaints** were opened in the quarter (7.9 per 100 active customers). Median resolution time is 52 h and 61% were solved within the SLA.",
            ))),
            chart(
                l,
                "chart.complaint_pareto",
                None,
                ChartSpec::Pareto(Pareto {
                    categories: cats,
                    values: vec![71.0, 43.0, 27.0, 17.0, 14.0],
                    format: ValueFormat::Number { decimals: 0 },
                    y_title: s.get("axis.complaints").into(),
                    cumulative_label: s.get("chart.cumulative").into(),
                }),
            ),
            chart(
                l,
                "chart.resolution_time",
                None,
                ChartSpec::Bars(BarChart {
                    categories: ["< 4 h", "4–24 h", "24–48 h", "2–5 d", "5–10 d", "> 10 d"]
                        .iter()
                        .map(|c| c.to_string())
                        .collect(),
                    values: vec![0.12, 0.21, 0.28, 0.22, 0.11, 0.06],
                    format: ValueFormat::Percent { decimals: 0 },
                    x_title: s.get("axis.hours").into(),
                    y_title: s.get("axis.share").into(),
                    highlight: Some(2),
                }),
            ),
            Block::Table(Table {
                columns: vec![
                    Column::text(s.get("table.severity")),
                    Column::figure(s.get("table.complaints")),
                    Column::figure(s.get("table.median")),
                    Column::figure(s.get("table.p90")),
                    Column::figure(s.get("table.within_sla")),
                ],
                rows: sev
                    .iter()
                    .zip([
                        (38, 70.0, 190.0, 0.72),
                        (81, 55.0, 230.0, 0.63),
                        (44, 41.0, 160.0, 0.55),
                        (9, 12.0, 30.0, 0.44),
                    ])
                    .map(|(n, (c, m, p, w))| {
                        vec![
                            n.to_string(),
                            l.integer(c),
                            l.duration_hours(m),
                            l.duration_hours(p),
                            l.percent(w, 0),
                        ]
                    })
                    .collect(),
                caption: None,
            }),
            Block::KeyFigures(vec![
                KeyFigure {
                    label: text(l, "Abandono de quien reclamó", "Churn of complainers"),
                    value: l.percent(0.141, 1),
                },
                KeyFigure {
                    label: text(l, "Abandono del resto", "Churn of the others"),
                    value: l.percent(0.061, 1),
                },
                KeyFigure {
                    label: text(l, "Riesgo relativo", "Relative risk"),
                    value: l.times(2.31, 1),
                },
                KeyFigure {
                    label: text(
                        l,
                        "Resueltas al primer contacto",
                        "First-contact resolution",
                    ),
                    value: l.percent(0.48, 0),
                },
            ]),
            chart(
                l,
                "chart.nps_trend",
                None,
                ChartSpec::Line(LineChart {
                    x_labels: ticks,
                    series: vec![
                        Series {
                            name: s.get("series.nps").into(),
                            values: [27.0, 26.0, 28.0, 25.0, 24.0, 23.0, 24.0, 18.0]
                                .iter()
                                .map(|v| Some(*v))
                                .collect(),
                        },
                        Series {
                            name: s.get("series.csat").into(),
                            values: [
                                None,
                                Some(71.0),
                                Some(72.0),
                                Some(70.0),
                                Some(69.0),
                                Some(70.0),
                                Some(68.0),
                                Some(66.0),
                            ]
                            .to_vec(),
                        },
                    ],
                    format: ValueFormat::Number { decimals: 0 },
                    y_title: s.get("axis.score").into(),
                    y_min: Some(0.0),
                    y_max: Some(100.0),
                    target: Some(Target {
                        value: 30.0,
                        label: s.fill("tile.target", &[("value", "NPS 30")]),
                    }),
                }),
            ),
        ],
    }
}

pub(super) fn contact(l: &Locale, period: &Period) -> Section {
    let s = strings(l.lang);
    let channels: Vec<String> = if es(l) {
        ["Teléfono", "Email", "Visita", "WhatsApp", "Web"]
    } else {
        ["Phone", "Email", "Meeting", "Chat", "Web"]
    }
    .iter()
    .map(|c| c.to_string())
    .collect();
    let quarters: Vec<String> = period
        .trailing(4)
        .iter()
        .map(|p| l.period_short(p))
        .collect();
    let rows: Vec<Vec<String>> = (0..9)
        .map(|i| {
            vec![
                format!("C{:06}", 2000 + i * 11),
                text(l, "Suministros del Norte S.A.", "Northern Supplies Inc."),
                l.currency(9_800.0 - i as f64 * 640.0, 0),
                l.days(95.0 + i as f64 * 9.0),
                ["Ana Ruiz", "Luis Gil", "Marta Sanz"][i % 3].to_string(),
            ]
        })
        .collect();
    Section {
        kind: SectionKind::ContactEngagement,
        blocks: vec![
            Block::KeyFigures(vec![
                KeyFigure {
                    label: text(
                        l,
                        "Interacciones por cliente activo",
                        "Interactions per active customer",
                    ),
                    value: l.number(3.4, 1),
                },
                KeyFigure {
                    label: text(
                        l,
                        "Mediana de días sin contacto",
                        "Median days since last contact",
                    ),
                    value: l.days(41.0),
                },
                KeyFigure {
                    label: text(
                        l,
                        "Clientes de una sola categoría",
                        "Single-category customers",
                    ),
                    value: l.percent(0.57, 0),
                },
                KeyFigure {
                    label: text(
                        l,
                        "Ventas con queja abierta",
                        "Sales during an open complaint",
                    ),
                    value: l.integer(12),
                },
            ]),
            chart(
                l,
                "chart.channel_mix",
                None,
                ChartSpec::Stacked(StackedBars {
                    rows: quarters,
                    segments: channels,
                    values: vec![
                        vec![520.0, 410.0, 160.0, 90.0, 60.0],
                        vec![500.0, 430.0, 150.0, 120.0, 70.0],
                        vec![470.0, 460.0, 140.0, 160.0, 80.0],
                        vec![450.0, 470.0, 130.0, 210.0, 95.0],
                    ],
                }),
            ),
            Block::Subheading(text(
                l,
                "Clientes valiosos sin contacto en 90 días",
                "Valuable customers without contact in 90 days",
            )),
            Block::Table(Table {
                columns: vec![
                    Column::text("ID"),
                    Column::text(s.get("table.customer")),
                    Column::figure(s.get("table.clv")),
                    Column::figure(s.get("table.days_since_contact")),
                    Column::text(s.get("table.account_manager")),
                ],
                rows,
                caption: Some(text(
                    l,
                    "Decil superior de CLV sin ninguna interacción en los últimos 90 días (9 de 38).",
                    "Top CLV decile with no interaction in the last 90 days (9 of 38).",
                )),
            }),
        ],
    }
}
