//! The sections of the sample report (render stage): one of each block and chart kind, with a
//! table long enough to break across pages.

use super::charts::*;
use super::demo::findings;
use super::document::*;
use super::i18n::strings;
use super::locale::Locale;
use super::rich::RichText;
use crate::cli::Lang;
use crate::period::Period;

fn es(l: &Locale) -> bool {
    l.lang == Lang::Es
}

fn text(l: &Locale, es_text: &str, en_text: &str) -> String {
    if es(l) {
        es_text.to_string()
    } else {
        en_text.to_string()
    }
}

fn chart(l: &Locale, key: &str, caption: Option<String>, spec: ChartSpec) -> Block {
    Block::Chart(Chart {
        title: strings(l.lang).get(key).to_string(),
        caption,
        spec,
    })
}

fn retention(l: &Locale, period: &Period) -> Section {
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

fn value(l: &Locale) -> Section {
    let s = strings(l.lang);
    // Bucket bounds written with the locale's numbers and currency (`0–250 €` / `$0–250`).
    let bucket = |lo: f64, hi: Option<f64>| {
        let upper = hi
            .map(|h| format!("–{}", l.number(h, 0)))
            .unwrap_or_else(|| "+".into());
        match l.lang {
            Lang::Es => format!("{}{upper}\u{a0}{}", l.number(lo, 0), l.currency_symbol()),
            Lang::En => format!("{}{}{upper}", l.currency_symbol(), l.number(lo, 0)),
        }
    };
    let bounds = [0.0, 250.0, 500.0, 1000.0, 2000.0, 5000.0];
    let buckets: Vec<String> = (0..bounds.len())
        .map(|i| bucket(bounds[i], bounds.get(i + 1).copied()))
        .collect();
    let region = |key: &str, r: (u8, u8), f: (u8, u8)| RfmRegion {
        label: s.get(key).into(),
        recency: r,
        frequency: f,
    };
    let whale: Vec<(f64, f64)> = (0..=20)
        .map(|i| {
            let x = f64::from(i) / 20.0;
            // a = 1.518 puts 74 % of the margin on the top 20 % (1.518 × 0.488 − 0.518 × 0.0016);
            // the curve peaks at 136 % and ends at a − (a − 1) = 100 %.
            let a = 1.518;
            (x, a * (1.0 - (1.0 - x).powi(3)) - (a - 1.0) * x.powi(4))
        })
        .collect();
    let mut rows = Vec::new();
    let mut seed: u64 = 7;
    for i in 0..42 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let clv = 18_000.0 / (1.0 + i as f64 * 0.35) + (seed >> 40) as f64 % 900.0;
        let p_alive = 0.55 + ((seed >> 20) % 45) as f64 / 100.0;
        let name = if es(l) {
            format!("Cliente de ejemplo n.º {} S.L.", i + 1)
        } else {
            format!("Sample Customer No. {} Inc.", i + 1)
        };
        let name = if i == 3 {
            format!(
                "{name} — {}",
                text(
                    l,
                    "Delegación Norte, Suministros Industriales y Ferretería Técnica",
                    "Northern Branch, Industrial Supplies and Technical Hardware"
                )
            )
        } else {
            name
        };
        rows.push(vec![
            format!("C{:06}", 1000 + i * 37),
            name,
            l.currency(clv * 1.9, 0),
            l.currency(clv, 0),
            l.number(p_alive, 2),
            l.number(p_alive * 3.1, 1),
        ]);
    }
    Section {
        kind: SectionKind::Value,
        blocks: vec![
            Block::Paragraph(RichText::marked(&text(
                l,
                "El CLV medio a 12 meses es de **1236 €** (BG/NBD con Gamma-Gamma, descuento del 10 % anual). El valor está muy concentrado: el 20 % de los clientes aporta el 74 % del margen y la curva de rentabilidad alcanza el 136 % antes de que los clientes no rentables la devuelvan al 100 %.",
                "Average 12-month CLV is **$1,236** (BG/NBD with Gamma-Gamma, 10% annual discount). Value is concentrated: the top 20% of customers bring 74% of the margin, and the profitability curve peaks at 136% before unprofitable customers pull it back to 100%.",
            ))),
            chart(
                l,
                "chart.clv_distribution",
                None,
                ChartSpec::Bars(BarChart {
                    categories: buckets,
                    values: vec![1210.0, 802.0, 684.0, 412.0, 221.0, 83.0],
                    format: ValueFormat::Number { decimals: 0 },
                    x_title: s.get("axis.clv").into(),
                    y_title: s.get("axis.customers").into(),
                    highlight: None,
                }),
            ),
            chart(
                l,
                "chart.whale_curve",
                None,
                ChartSpec::Whale(WhaleCurve {
                    points: whale,
                    x_title: s.get("axis.share_of_customers").into(),
                    y_title: s.get("axis.cumulative_margin").into(),
                }),
            ),
            chart(
                l,
                "chart.rfm_grid",
                None,
                ChartSpec::Rfm(RfmGrid {
                    counts: (0..5)
                        .map(|r| {
                            (0..5)
                                .map(|f| (40 + (r * 37 + f * 53) % 160) as f64)
                                .collect()
                        })
                        .collect(),
                    regions: vec![
                        region("rfm.champions", (4, 5), (4, 5)),
                        region("rfm.at_risk", (1, 2), (3, 5)),
                        region("rfm.hibernating", (1, 2), (1, 2)),
                        region("rfm.new", (5, 5), (1, 1)),
                    ],
                    x_title: s.get("axis.frequency").into(),
                    y_title: s.get("axis.recency").into(),
                }),
            ),
            Block::KeyFigures(vec![
                KeyFigure {
                    label: text(
                        l,
                        "Mayor margen de un cliente",
                        "Largest margin of one customer",
                    ),
                    value: l.currency(12_345.67, 2),
                },
                KeyFigure {
                    label: text(
                        l,
                        "Clientes con margen negativo",
                        "Customers with a negative margin",
                    ),
                    value: l.integer(286),
                },
                KeyFigure {
                    label: text(l, "Margen del 20 % superior", "Margin of the top 20%"),
                    value: l.percent(0.74, 0),
                },
            ]),
            Block::Subheading(text(
                l,
                "Clientes con mayor CLV",
                "Customers with the highest CLV",
            )),
            Block::Table(Table {
                columns: vec![
                    Column::text("ID"),
                    Column::text(s.get("table.customer")),
                    Column::figure(s.get("table.historical_clv")),
                    Column::figure(s.get("table.clv")),
                    Column::figure(s.get("table.p_alive")),
                    Column::figure(s.get("table.expected_purchases")),
                ],
                rows,
                caption: Some(text(
                    l,
                    "CLV a 12 meses con descuento del 10 % anual; P(activo) según BG/NBD.",
                    "12-month CLV discounted at 10% a year; P(alive) from BG/NBD.",
                )),
            }),
        ],
    }
}

fn complaints(l: &Locale, period: &Period) -> Section {
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

fn contact(l: &Locale, period: &Period) -> Section {
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

fn appendix(l: &Locale) -> Section {
    let s = strings(l.lang);
    let def = |t: &str, d: &str| Definition {
        term: t.into(),
        text: d.into(),
    };
    let defs = if es(l) {
        vec![
            def(
                "Tasa de retención (CRR)",
                "Clientes activos en los 365 días previos al inicio del periodo que siguen activos en los 365 días que terminan al cierre, divididos por los activos al inicio.",
            ),
            def("Abandono", "1 − CRR."),
            def(
                "NRR",
                "Ingresos en P de los clientes activos en P−1 divididos por sus ingresos en P−1.",
            ),
            def(
                "CLV predictivo",
                "BG/NBD para las compras repetidas y Gamma-Gamma para el margen medio, horizonte 12 meses, descuento 10 % anual aplicado mensualmente.",
            ),
        ]
    } else {
        vec![
            def(
                "Customer retention rate (CRR)",
                "Customers active in the 365 days before the period start who are still active in the 365 days ending at the period end, over those active at the start.",
            ),
            def("Churn", "1 − CRR."),
            def(
                "NRR",
                "Revenue in P of the customers active in P−1 over their revenue in P−1.",
            ),
            def(
                "Predictive CLV",
                "BG/NBD for repeat purchases and Gamma-Gamma for average margin, 12-month horizon, 10% annual discount applied monthly.",
            ),
        ]
    };
    let files = [
        "clientes.xlsx",
        "facturas.csv",
        "actividades.csv",
        "reclamaciones.csv",
        "encuestas.csv",
    ];
    let dq: Vec<Vec<String>> = files
        .iter()
        .zip([
            (3413, 3412, 1),
            (49120, 48905, 215),
            (15230, 15230, 0),
            (1210, 1198, 12),
            (2210, 2176, 34),
        ])
        .map(|(f, (r, a, x))| {
            vec![
                f.to_string(),
                l.integer(r),
                l.integer(a),
                l.integer(x),
                if x > 0 {
                    text(
                        l,
                        "fecha ilegible; importe no numérico",
                        "unreadable date; non-numeric amount",
                    )
                } else {
                    "—".into()
                },
            ]
        })
        .collect();
    Section {
        kind: SectionKind::Appendix,
        blocks: vec![
            Block::Subheading(s.get("appendix.methodology").into()),
            Block::Definitions(defs),
            Block::Subheading(s.get("appendix.model_fit").into()),
            Block::Table(Table {
                columns: vec![
                    Column::text(s.get("table.metric")),
                    Column::figure(s.get("table.predicted")),
                    Column::figure(s.get("table.actual")),
                    Column::figure(s.get("table.error")),
                ],
                rows: vec![
                    vec![
                        text(l, "Compras en el periodo", "Purchases in period"),
                        l.integer(6120),
                        l.integer(5874),
                        l.signed_percent(0.042, 1),
                    ],
                    vec![
                        text(l, "Clientes activos", "Active customers"),
                        l.integer(2230),
                        l.integer(2184),
                        l.signed_percent(0.021, 1),
                    ],
                ],
                caption: None,
            }),
            Block::Subheading(s.get("appendix.data_quality").into()),
            Block::Table(Table {
                columns: vec![
                    Column::text(s.get("table.source")),
                    Column::figure(s.get("table.rows_read")),
                    Column::figure(s.get("table.accepted")),
                    Column::figure(s.get("table.rejected")),
                    Column::text(s.get("table.reason")),
                ],
                rows: dq,
                caption: None,
            }),
            Block::Note(s.fill("note.chart_omitted", &[("reason", s.get("note.no_cost"))])),
        ],
    }
}

/// All sections of the sample report.
pub(super) fn sections(l: &Locale, period: &Period) -> Vec<Section> {
    vec![
        retention(l, period),
        value(l),
        complaints(l, period),
        contact(l, period),
        Section {
            kind: SectionKind::Findings,
            blocks: vec![Block::Findings(findings(l, period))],
        },
        appendix(l),
    ]
}
