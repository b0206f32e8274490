//! The sample Value section: CLV distribution, whale curve, RFM grid and a table long enough to
//! break across pages (render stage, demo).

use super::sections::{chart, es, text};
use crate::cli::Lang;
use crate::render::charts::*;
use crate::render::document::*;
use crate::render::i18n::strings;
use crate::render::locale::Locale;
use crate::render::rich::RichText;

pub(super) fn value(l: &Locale) -> Section {
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
