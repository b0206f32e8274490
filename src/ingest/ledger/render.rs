//! The ledger as a text table for a terminal: one line per source, then what was detected, the
//! first rejected rows and every warning and error.

use super::{GateOutcome, Ledger, SourceLedger};
use std::fmt::Write;

/// How many example rows per source the text shows (validation.json has more).
const SHOWN_EXAMPLES: usize = 5;

impl Ledger {
    /// Renders the ledger for people (English).
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Client {} ({}), checked {}",
            self.client_name, self.client_id, self.as_of
        );
        let width = self
            .sources
            .iter()
            .map(|s| label(s).chars().count())
            .max()
            .unwrap_or(6)
            .max(6);
        let _ = writeln!(
            out,
            "  {:width$}  {:12}  {:>9}  {:>9}  {:>8}  {:>5}  {:>9}  {:23}  status",
            "source", "table", "read", "accepted", "rejected", "dup", "unmatched", "dates"
        );
        for s in &self.sources {
            let table = s.table.map_or("?", |t| t.name());
            let dup = s.duplicates.as_ref().map_or(0, |d| d.rows);
            let unmatched = s.unmatched_customers.as_ref().map_or(0, |u| u.rows);
            let dates = s
                .date_range
                .as_ref()
                .map_or(String::from("-"), |r| format!("{} … {}", r.min, r.max));
            let status = if !s.errors.is_empty() {
                "ERROR"
            } else if !s.warnings.is_empty() {
                "warning"
            } else {
                "ok"
            };
            let _ = writeln!(
                out,
                "  {:width$}  {:12}  {:>9}  {:>9}  {:>8}  {:>5}  {:>9}  {:23}  {status}",
                label(s),
                table,
                s.rows_read,
                s.rows_accepted,
                s.rows_rejected,
                dup,
                unmatched,
                dates
            );
        }
        for t in &self.tables {
            let _ = writeln!(
                out,
                "  = {}: {} rows from {} source(s)",
                t.table.name(),
                t.rows,
                t.sources
            );
        }
        for s in &self.sources {
            source_details(&mut out, s);
        }
        for w in &self.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
        for e in &self.errors {
            let _ = writeln!(out, "  ERROR: {e}");
        }
        gates(&mut out, self);
        out
    }
}

/// The quality gates: a count per outcome, then the sentence of each gate not passed.
fn gates(out: &mut String, l: &Ledger) {
    if l.gates.is_empty() {
        return;
    }
    let count = |o: GateOutcome| l.gates.iter().filter(|g| g.outcome == o).count();
    let _ = writeln!(
        out,
        "\n  quality gates: {} passed, {} warning(s), {} failed",
        count(GateOutcome::Passed),
        count(GateOutcome::Warning),
        count(GateOutcome::Failed)
    );
    for g in &l.gates {
        let tag = match g.outcome {
            GateOutcome::Passed => continue,
            GateOutcome::Warning => "warning",
            GateOutcome::Failed => "FAILED",
        };
        let _ = writeln!(out, "    {tag}: {}", g.message.as_deref().unwrap_or("-"));
    }
}

fn label(s: &SourceLedger) -> String {
    match &s.sheet {
        Some(sheet) => format!("{} [{sheet}]", s.path),
        None => s.path.clone(),
    }
}

fn source_details(out: &mut String, s: &SourceLedger) {
    let _ = writeln!(out, "\n  {}", label(s));
    let d = &s.detection;
    let mut facts = Vec::new();
    if let Some(by) = &s.table_detected_by {
        facts.push(format!("table from {by}"));
    }
    if let Some(e) = &d.encoding {
        facts.push(format!("encoding {e}"));
    }
    if let Some(x) = &d.delimiter {
        facts.push(format!("delimiter '{}'", if x == "\t" { "\\t" } else { x }));
    }
    if let Some(x) = &d.decimal {
        facts.push(format!("decimal '{x}'"));
    }
    if let Some(r) = d.header_row {
        facts.push(format!("header row {r}"));
    }
    for f in &d.date_formats {
        facts.push(format!("{} {}", f.column, f.format));
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "    read with: {}", facts.join(", "));
    }
    let mapped: Vec<String> = d
        .columns
        .iter()
        .filter_map(|c| {
            c.source
                .as_ref()
                .map(|src| format!("{src} → {}", c.canonical))
        })
        .collect();
    if !mapped.is_empty() {
        let _ = writeln!(out, "    columns: {}", mapped.join(", "));
    }
    if let Some(k) = s.key.as_ref().filter(|k| k.customers_table) {
        let _ = writeln!(
            out,
            "    customer key: '{}' ({}): {} by id, {} by e-mail, {} by tax id, {} by name, {} unmatched, {} ambiguous",
            k.column, k.kind, k.by_id, k.by_email, k.by_tax_id, k.by_name, k.unmatched, k.ambiguous
        );
    }
    if let Some(t) = &s.totals_row {
        let verdict = if t.matches {
            "sums match"
        } else {
            "sums DO NOT match"
        };
        let _ = writeln!(
            out,
            "    totals row {} excluded ({}): {verdict}",
            t.row, t.detected_by
        );
    }
    if s.empty_rows_skipped > 0 {
        let _ = writeln!(out, "    empty rows skipped: {}", s.empty_rows_skipped);
    }
    for group in s.rejected.iter().chain(&s.cleared) {
        let _ = writeln!(out, "    {} × {}", group.count, group.reason);
        for ex in group.examples.iter().take(SHOWN_EXAMPLES) {
            let _ = writeln!(out, "      row {}, {}: '{}'", ex.row, ex.column, ex.value);
        }
    }
    for n in &s.notes {
        let _ = writeln!(out, "    note: {n}");
    }
    for w in &s.warnings {
        let _ = writeln!(out, "    warning: {w}");
    }
    for e in &s.errors {
        let _ = writeln!(out, "    ERROR: {e}");
    }
}
