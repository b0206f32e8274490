//! The sample Appendix: methodology, model fit, data quality, and a note (render stage, demo).

use super::sections::{es, text};
use crate::render::document::*;
use crate::render::i18n::strings;
use crate::render::locale::Locale;

pub(super) fn appendix(l: &Locale) -> Section {
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
