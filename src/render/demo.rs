//! A realistic sample [`Report`] with invented figures (render stage): used by the tests, the
//! `render_demo` example and as a worked example of how to fill the model from indicators.

use super::charts::{ChartSpec, Pareto, StepKind, ValueFormat, Waterfall, WaterfallStep};
use super::demo_sections::sections;
use super::document::*;
use super::i18n::strings;
use super::locale::Locale;
use super::rich::RichText;
use crate::cli::Lang;
use crate::period::Period;
use chrono::NaiveDate;

/// Builds a tile the way the lead does from a figure and its history.
struct TileInput<'a> {
    key: &'a str,
    value: String,
    prev: Option<(f64, String)>,
    year: Option<(f64, String)>,
    note: Option<String>,
    light: Light,
    spark: [f64; 8],
    up_is_good: bool,
}

fn change(delta: f64, text: String, against: String, up_is_good: bool) -> Change {
    let direction = if delta > 0.0 {
        Direction::Up
    } else if delta < 0.0 {
        Direction::Down
    } else {
        Direction::Flat
    };
    // The arrow carries the sign, so the text is the magnitude.
    let text = text.trim_start_matches(['+', '\u{2212}']).to_string();
    Change {
        text,
        against,
        direction,
        up_is_good,
    }
}

fn tile(l: &Locale, prev: &str, year: &str, t: TileInput) -> KpiTile {
    let s = strings(l.lang);
    let vs = |p: &str| s.fill("summary.vs", &[("period", p)]);
    let mut changes = Vec::new();
    if let Some((d, text)) = t.prev {
        changes.push(change(d, text, vs(prev), t.up_is_good));
    }
    if let Some((d, text)) = t.year {
        changes.push(change(d, text, vs(year), t.up_is_good));
    }
    KpiTile {
        label: s.get(t.key).to_string(),
        value: t.value,
        changes,
        note: t.note,
        light: t.light,
        sparkline: t.spark.iter().map(|v| Some(*v)).collect(),
        up_is_good: t.up_is_good,
    }
}

fn tiles(l: &Locale, period: &Period) -> Vec<KpiTile> {
    let s = strings(l.lang);
    let (prev, year) = (
        l.period_short(&period.previous()),
        l.period_short(&period.year_ago()),
    );
    let target = |v: String| Some(s.fill("tile.target", &[("value", &v)]));
    let t = |i: TileInput| tile(l, &prev, &year, i);
    vec![
        t(TileInput {
            key: "tile.active_customers",
            value: l.integer(2184),
            prev: Some((0.031, l.signed_percent(0.031, 1))),
            year: Some((0.054, l.signed_percent(0.054, 1))),
            note: None,
            light: Light::Green,
            spark: [
                1980.0, 2010.0, 2035.0, 2040.0, 2080.0, 2110.0, 2118.0, 2184.0,
            ],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.retention_rate",
            value: l.percent(0.912, 1),
            prev: Some((-0.008, l.points(-0.008, 1))),
            year: None,
            note: target(l.percent(0.9, 0)),
            light: Light::Green,
            spark: [0.915, 0.92, 0.91, 0.917, 0.921, 0.915, 0.92, 0.912],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.nrr",
            value: l.percent(0.974, 1),
            prev: Some((-0.029, l.points(-0.029, 1))),
            year: None,
            note: target(l.percent(1.0, 0)),
            light: Light::Amber,
            spark: [1.02, 1.03, 1.01, 1.015, 1.0, 0.99, 1.003, 0.974],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.revenue",
            value: l.currency_compact(1_842_300.0),
            prev: None,
            year: Some((0.062, l.signed_percent(0.062, 1))),
            note: None,
            light: Light::Green,
            spark: [1.61, 1.70, 1.58, 1.73, 1.66, 1.78, 1.70, 1.84],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.margin",
            value: l.percent(0.319, 1),
            prev: Some((0.004, l.points(0.004, 1))),
            year: None,
            note: None,
            light: Light::Green,
            spark: [0.31, 0.311, 0.309, 0.312, 0.314, 0.313, 0.314, 0.319],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.avg_clv",
            value: l.currency(1236.0, 0),
            prev: None,
            year: None,
            note: Some("BG/NBD + Gamma-Gamma".into()),
            light: Light::Green,
            spark: [
                1150.0, 1162.0, 1170.0, 1185.0, 1190.0, 1204.0, 1220.0, 1236.0,
            ],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.complaints_per_100",
            value: l.number(7.9, 1),
            prev: Some((1.6, l.signed_number(1.6, 1))),
            year: None,
            note: target(format!("≤ {}", l.number(5.0, 0))),
            light: Light::Red,
            spark: [5.1, 5.4, 5.3, 5.9, 6.2, 6.6, 6.3, 7.9],
            up_is_good: false,
        }),
        t(TileInput {
            key: "tile.median_resolution",
            value: l.duration_hours(52.0),
            prev: None,
            year: None,
            note: Some(format!(
                "p90 {} · SLA 48 h: {}",
                l.duration_hours(228.0),
                l.percent(0.61, 0)
            )),
            light: Light::Amber,
            spark: [61.0, 58.0, 63.0, 57.0, 55.0, 54.0, 50.0, 52.0],
            up_is_good: false,
        }),
        t(TileInput {
            key: "tile.nps",
            value: l.signed_number(18.0, 0),
            prev: Some((-6.0, l.signed_number(-6.0, 0))),
            year: None,
            note: Some(format!("{} · {}", l.integer(412), l.percent(0.19, 0))),
            light: Light::Amber,
            spark: [27.0, 26.0, 28.0, 25.0, 24.0, 23.0, 24.0, 18.0],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.clv_at_risk",
            value: l.currency_compact(214_000.0),
            prev: None,
            year: None,
            note: None,
            light: Light::Red,
            spark: [120.0, 131.0, 128.0, 150.0, 162.0, 171.0, 180.0, 214.0],
            up_is_good: false,
        }),
    ]
}

/// The ranked findings, as the findings stage will produce them from the language files.
pub(super) fn findings(l: &Locale, period: &Period) -> Vec<Finding> {
    let s = strings(l.lang);
    let f = |key: &str, args: &[(&str, &str)], stake: f64, stake_key: &str| Finding {
        title: s.get(&format!("finding.{key}_title")).to_string(),
        statement: RichText::marked(&s.fill(&format!("finding.{key}"), args)),
        recommendation: s.fill(&format!("finding.{key}_rec"), args),
        stake: l.currency_compact(stake),
        stake_label: s.get(stake_key).to_string(),
    };
    let category = if l.lang == Lang::Es {
        "Retraso en la entrega"
    } else {
        "Late delivery"
    };
    vec![
        f(
            "complainers_churn",
            &[
                ("complained", &l.percent(0.141, 1)),
                ("others", &l.percent(0.061, 1)),
                ("ratio", &l.number(2.3, 1)),
                ("category", category),
                ("share", &l.percent(0.41, 0)),
            ],
            312_000.0,
            "finding.stake_complainers",
        ),
        f(
            "neglected",
            &[("n", "38"), ("top", "100")],
            188_000.0,
            "finding.stake_neglected",
        ),
        f(
            "retention_drop",
            &[
                ("points", &l.points(-0.008, 1).replace('\u{2212}', "")),
                ("period", &l.period_short(&period.previous())),
                ("value", &l.percent(0.912, 1)),
            ],
            96_400.0,
            "finding.stake_lapsed",
        ),
        f(
            "sold_during_complaint",
            &[("n", "12"), ("lapsed", "5")],
            41_000.0,
            "finding.stake_affected",
        ),
        f(
            "margin_concentration",
            &[
                ("share", &l.percent(0.74, 0)),
                ("n", "286"),
                ("worst", "50"),
            ],
            -23_000.0,
            "finding.stake_negative_margin",
        ),
    ]
}

fn summary_charts(l: &Locale) -> Vec<Chart> {
    let s = strings(l.lang);
    let step = |key: &str, value, kind| WaterfallStep {
        label: s.get(key).to_string(),
        value,
        kind,
    };
    let cats: [&str; 5] = if l.lang == Lang::Es {
        ["Entrega", "Defecto", "Factura", "Trato", "Otros"]
    } else {
        ["Delivery", "Defect", "Billing", "Attitude", "Other"]
    };
    vec![
        Chart {
            title: s.get("chart.customer_flow").to_string(),
            caption: None,
            spec: ChartSpec::Waterfall(Waterfall {
                // 2117 − 186 + 214 + 39 = 2184.
                steps: vec![
                    step("flow.start", 2117.0, StepKind::Total),
                    step("flow.lapsed", 186.0, StepKind::Decrease),
                    step("flow.new", 214.0, StepKind::Increase),
                    step("flow.reactivated", 39.0, StepKind::Increase),
                    step("flow.end", 2184.0, StepKind::Total),
                ],
                format: ValueFormat::Number { decimals: 0 },
                y_title: s.get("axis.customers").to_string(),
            }),
        },
        Chart {
            title: s.get("chart.complaint_pareto").to_string(),
            caption: None,
            spec: ChartSpec::Pareto(Pareto {
                categories: cats.iter().map(|c| c.to_string()).collect(),
                values: vec![71.0, 43.0, 27.0, 17.0, 14.0],
                format: ValueFormat::Number { decimals: 0 },
                y_title: s.get("axis.complaints").to_string(),
                cumulative_label: s.get("chart.cumulative").to_string(),
            }),
        },
    ]
}

impl Report {
    /// A complete sample report for a hardware wholesaler in Q3 2026, with invented figures.
    pub fn demo(lang: Lang) -> Report {
        let (currency, client) = match lang {
            Lang::Es => ("EUR", "Ferretería López S.L."),
            Lang::En => ("USD", "Northwind Supplies Ltd."),
        };
        let l = Locale::new(lang, currency);
        let s = strings(lang);
        let period = Period::quarter(2026, 3).expect("valid quarter");
        let date = NaiveDate::from_ymd_opt(2026, 10, 15).unwrap_or_default();
        let verdict = match lang {
            Lang::Es => {
                "La retención se mantiene por encima del objetivo, pero **las quejas mal resueltas están costando clientes**: quien reclamó en el último año abandonó 2,3 veces más que quien no lo hizo, y 38 de los 100 clientes más valiosos no han recibido ningún contacto en 90 días."
            }
            Lang::En => {
                "Retention is above target, but **badly handled complaints are costing customers**: those who complained in the last year lapsed 2.3 times as often as those who did not, and 38 of the 100 most valuable customers have had no contact in 90 days."
            }
        };
        let fact = |key: &str, value: String| KeyFigure {
            label: s.get(key).to_string(),
            value,
        };
        Report {
            meta: Meta::new(&l, client, &period, "Círculo Consultores", date),
            cover: Cover {
                facts: vec![
                    fact("cover.data_until", l.date_short(period.end)),
                    fact("cover.customers", l.integer(3412)),
                    fact("cover.invoice_lines", l.integer(48905)),
                    fact("cover.sources", "clientes.xlsx, facturas.csv, actividades.csv, reclamaciones.csv, encuestas.csv".into()),
                ],
            },
            summary: ExecutiveSummary {
                verdict: RichText::marked(verdict),
                tiles: tiles(&l, &period),
                findings: findings(&l, &period),
                charts: summary_charts(&l),
            },
            sections: sections(&l, &period),
        }
    }
}
