//! A realistic sample [`Report`] with invented figures (render stage): used by the tests, the
//! `render_demo` example and as a worked example of how to fill the model from indicators.

mod appendix;
mod retention;
mod sections;
mod service;
mod tiles;
mod value;

use crate::cli::Lang;
use crate::period::Period;
use crate::render::charts::{ChartSpec, Pareto, StepKind, ValueFormat, Waterfall, WaterfallStep};
use crate::render::document::*;
use crate::render::i18n::strings;
use crate::render::locale::Locale;
use crate::render::rich::RichText;
use chrono::NaiveDate;

/// The ranked findings, as the findings stage will produce them from the language files.
pub(super) fn findings(l: &Locale, period: &Period) -> Vec<Finding> {
    let s = strings(l.lang);
    let f = |key: &str, args: &[(&str, &str)], stake: f64, stake_key: &str| Finding {
        title: s.get(&format!("finding.{key}_title")).to_string(),
        statement: RichText::marked(&s.fill(&format!("finding.{key}"), args)),
        recommendation: s.fill(&format!("finding.{key}_rec"), args),
        stake: l.currency_compact(stake),
        stake_label: s.get(stake_key).to_string(),
        list: None,
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
                tiles: tiles::tiles(&l, &period),
                findings: findings(&l, &period),
                charts: summary_charts(&l),
            },
            sections: sections::sections(&l, &period),
        }
    }
}
