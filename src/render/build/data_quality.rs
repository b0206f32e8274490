//! Appendix C: data quality per source, from the ingest ledger: rows read, accepted and
//! rejected by reason, unmatched customer ids, date ranges, totals-row checks and other checks
//! (render stage, report builder). Always present, whatever data are missing.

use super::context::{Ctx, DASH, Fmt};
use crate::ingest::ledger::{Gate, GateKind, SourceLedger};
use crate::render::document::{Block, Column, Table};
use crate::tables::TableKind;

/// Unmatched ids listed per source.
const ID_EXAMPLES: usize = 5;

fn table_name(ctx: &Ctx, t: Option<TableKind>) -> String {
    match t {
        Some(TableKind::Customers) => ctx.t("tables.customers"),
        Some(TableKind::Transactions) => ctx.t("tables.transactions"),
        Some(TableKind::Interactions) => ctx.t("tables.interactions"),
        Some(TableKind::Complaints) => ctx.t("tables.complaints"),
        Some(TableKind::Surveys) => ctx.t("tables.surveys"),
        None => DASH.into(),
    }
}

fn source_name(s: &SourceLedger) -> String {
    match &s.sheet {
        Some(sheet) => format!("{} · {sheet}", s.path),
        None => s.path.clone(),
    }
}

/// The ledger's English reason (`net_amount: not a number`) in the report's language; reasons
/// it does not know are printed as written.
pub(super) fn reason_text(ctx: &Ctx, reason: &str) -> String {
    let reason = reason.trim_end_matches(" (value left empty, row kept)");
    let (column, problem) = reason.split_once(": ").unwrap_or(("", reason));
    let known = match problem {
        "missing" => Some(ctx.t("dq.missing")),
        "not a number" => Some(ctx.t("dq.not_a_number")),
        "not a date" => Some(ctx.t("dq.not_a_date")),
        "not a yes/no value" => Some(ctx.t("dq.not_a_flag")),
        "not a whole number" => Some(ctx.t("dq.not_whole")),
        "neither an NPS nor a CSAT score" => Some(ctx.t("dq.no_score")),
        p => p
            .strip_prefix("outside ")
            .map(|range| ctx.fill("dq.outside", &[("range", range)])),
    };
    match (known, column.is_empty()) {
        (Some(text), false) => format!("{column}: {text}"),
        (Some(text), true) => text,
        (None, _) => reason.to_string(),
    }
}

fn sources_table(ctx: &Ctx) -> Block {
    let rows = ctx
        .input
        .ledger
        .sources
        .iter()
        .map(|s| {
            vec![
                source_name(s),
                table_name(ctx, s.table),
                ctx.num(Fmt::Int, s.rows_read as f64),
                ctx.num(Fmt::Int, s.rows_accepted as f64),
                ctx.num(Fmt::Int, s.rows_rejected as f64),
                s.date_range
                    .as_ref()
                    .map(|r| format!("{} – {}", ctx.l.date_short(r.min), ctx.l.date_short(r.max)))
                    .unwrap_or_else(|| DASH.into()),
            ]
        })
        .collect();
    ctx.table(
        "table.source",
        &[
            "table.table",
            "table.rows_read",
            "table.accepted",
            "table.rejected",
            "table.date_range",
        ],
        rows,
        None,
    )
}

fn rejected_table(ctx: &Ctx) -> Option<Block> {
    let rows: Vec<Vec<String>> = ctx
        .input
        .ledger
        .sources
        .iter()
        .flat_map(|s| {
            let kept = s.cleared.iter().map(|r| (r, true));
            s.rejected
                .iter()
                .map(|r| (r, false))
                .chain(kept)
                .map(move |(r, cleared)| {
                    let mut reason = reason_text(ctx, &r.reason);
                    if cleared {
                        reason = format!("{reason} ({})", ctx.t("dq.cleared"));
                    }
                    vec![
                        source_name(s),
                        r.column.clone(),
                        reason,
                        ctx.num(Fmt::Int, r.count as f64),
                    ]
                })
        })
        .collect();
    (!rows.is_empty()).then(|| {
        ctx.table(
            "table.source",
            &["dq.column", "table.reason", "dq.rows"],
            rows,
            Some(ctx.t("dq.rejected_caption")),
        )
    })
}

fn unmatched_table(ctx: &Ctx) -> Option<Block> {
    let rows: Vec<Vec<String>> = ctx
        .input
        .ledger
        .sources
        .iter()
        .filter_map(|s| {
            let u = s.unmatched_customers.as_ref()?;
            let mut examples = u
                .examples
                .iter()
                .take(ID_EXAMPLES)
                .cloned()
                .collect::<Vec<_>>();
            if u.distinct_ids > examples.len() {
                examples.push("…".into());
            }
            Some(vec![
                source_name(s),
                ctx.num(Fmt::Int, u.rows as f64),
                ctx.num(Fmt::Int, u.distinct_ids as f64),
                examples.join(", "),
            ])
        })
        .collect();
    (!rows.is_empty()).then(|| {
        ctx.table(
            "table.source",
            &["dq.rows", "table.unmatched_ids", "dq.examples"],
            rows,
            Some(ctx.t("dq.unmatched_caption")),
        )
    })
}

/// One line per totals row found: where, and whether its figures match the column sums.
fn totals_notes(ctx: &Ctx) -> Vec<Block> {
    ctx.input
        .ledger
        .sources
        .iter()
        .filter_map(|s| {
            let t = s.totals_row.as_ref()?;
            let checks = t
                .checks
                .iter()
                .map(|c| {
                    ctx.fill(
                        if c.matches {
                            "dq.total_ok"
                        } else {
                            "dq.total_mismatch"
                        },
                        &[
                            ("column", &c.column),
                            ("stated", &ctx.num(Fmt::Num(2), c.stated)),
                            ("computed", &ctx.num(Fmt::Num(2), c.computed)),
                        ],
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            Some(Block::Note(ctx.fill(
                "dq.totals_row",
                &[
                    ("source", &source_name(s)),
                    ("row", &t.row.to_string()),
                    ("checks", &checks),
                ],
            )))
        })
        .collect()
}

/// Duplicates, future dates and skipped empty rows, per source where there are any.
fn other_checks(ctx: &Ctx) -> Block {
    let rows: Vec<Vec<String>> = ctx
        .input
        .ledger
        .sources
        .iter()
        .filter_map(|s| {
            let dups = s.duplicates.as_ref().map(|d| d.rows).unwrap_or(0);
            let future: usize = s
                .future_dates
                .iter()
                .map(|f| f.after_today + f.after_data_end)
                .sum();
            (dups + future + s.empty_rows_skipped > 0).then(|| {
                vec![
                    source_name(s),
                    ctx.num(Fmt::Int, dups as f64),
                    ctx.num(Fmt::Int, future as f64),
                    ctx.num(Fmt::Int, s.empty_rows_skipped as f64),
                ]
            })
        })
        .collect();
    if rows.is_empty() {
        return Block::Note(ctx.t("dq.no_other_issues"));
    }
    ctx.table(
        "table.source",
        &["dq.duplicates", "dq.future_dates", "dq.empty_rows"],
        rows,
        None,
    )
}

pub(super) fn blocks(ctx: &Ctx) -> Vec<Block> {
    let ledger = ctx.input.ledger;
    if ledger.sources.is_empty() {
        return vec![Block::Note(ctx.t("dq.no_sources"))];
    }
    let mut out = vec![sources_table(ctx)];
    match rejected_table(ctx) {
        Some(t) => out.push(t),
        None => out.push(Block::Note(ctx.t("dq.none_rejected"))),
    }
    out.extend(unmatched_table(ctx));
    out.extend(totals_notes(ctx));
    out.push(other_checks(ctx));
    out.extend(gate_blocks(ctx));
    let errors = ledger.errors.len() + ledger.sources.iter().map(|s| s.errors.len()).sum::<usize>();
    if errors > 0 {
        out.push(Block::Note(
            ctx.fill("dq.errors", &[("n", &errors.to_string())]),
        ));
    }
    out
}

/// The quality gates (issue 17): one row per check with its threshold, observed value and
/// outcome, then the sentence of each gate let through with a warning.
fn gate_blocks(ctx: &Ctx) -> Vec<Block> {
    let gates = &ctx.input.ledger.gates;
    if gates.is_empty() {
        return Vec::new();
    }
    let lang = ctx.input.lang;
    let value = |g: &Gate, v: f64, exact: bool| match g.unit.as_str() {
        "share" => crate::quality::percent(&ctx.l, v, exact),
        _ => ctx.num(Fmt::Int, v),
    };
    let rows = gates
        .iter()
        .map(|g| {
            let kind = match g.gate {
                GateKind::SourceReadable => "gate.kind_source_readable",
                GateKind::RejectedShare => "gate.kind_rejected_share",
                GateKind::UnmatchedShare => "gate.kind_unmatched_share",
                GateKind::FutureShare => "gate.kind_future_share",
                GateKind::RowsInPeriod => "gate.kind_rows_in_period",
                GateKind::StalenessDays => "gate.kind_staleness_days",
            };
            vec![
                ctx.t(kind),
                g.source.clone().unwrap_or_else(|| DASH.into()),
                value(g, g.threshold, true),
                value(g, g.observed, false),
                crate::quality::outcome_label(lang, g.outcome).to_string(),
            ]
        })
        .collect();
    let mut columns = vec![
        Column::text(&ctx.t("gate.check")),
        Column::text(&ctx.t("table.source")),
    ];
    columns.extend(
        ["gate.threshold", "gate.observed"]
            .iter()
            .map(|k| Column::figure(&ctx.t(k))),
    );
    columns.push(Column::text(&ctx.t("gate.outcome")));
    let mut out = vec![
        Block::Subheading(ctx.t("gate.title")),
        Block::Table(Table {
            columns,
            rows,
            caption: Some(ctx.t("gate.caption")),
        }),
    ];
    out.extend(
        gates
            .iter()
            .filter_map(|g| crate::quality::sentence(g, lang))
            .map(Block::Note),
    );
    out
}
