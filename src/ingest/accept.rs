//! Decides, for every data row of a source, whether it enters the canonical table: a row needs
//! every required column (and a survey one of its scores). Rejected rows are counted by their
//! first failing column, with examples located as a person sees them; unreadable optional values
//! are counted as cleared. A totals row is excluded and checked, not rejected.
//! Part of the ingest stage.

use super::assemble::Piece;
use super::ledger::{
    EXAMPLES_PER_REASON, Msg, Problem, REJECTED_ROWS_KEPT, ReasonCount, RowIssue, SourceLedger,
};
use super::raw::Cells;
use super::totals;
use crate::tables::TableKind;
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Which rows are accepted.
pub(crate) struct Acceptance {
    pub(crate) mask: BooleanChunked,
}

/// Accepts or rejects every row and records the outcome in the ledger.
pub(crate) fn accept_rows(
    raw: &dyn Cells,
    table: TableKind,
    pieces: &[Piece],
    totals_word: Option<usize>,
    ledger: &mut SourceLedger,
) -> Acceptance {
    let n = raw.height();
    let mut mask = BooleanChunked::full("accepted".into(), true, n);
    for p in pieces.iter().filter(|p| p.spec.required) {
        mask = &mask & &p.converted.column.is_not_null();
    }
    if table == TableKind::Surveys {
        let scored = pieces
            .iter()
            .filter(|p| p.spec.name == "nps" || p.spec.name == "csat")
            .map(|p| p.converted.column.is_not_null())
            .reduce(|a, b| &a | &b);
        if let Some(s) = scored {
            mask = &mask & &s;
        }
    }
    let mut keep: Vec<bool> = mask.iter().map(|v| v.unwrap_or(false)).collect();
    let mut totals_row = totals_word;
    if let Some(t) = totals_row {
        keep[t] = false;
    } else if let Some(t) = n.checked_sub(1).filter(|&t| !keep[t])
        && totals::is_unlabelled_totals_row(raw, pieces, t, &keep)
    {
        totals_row = Some(t);
    }
    let mask = BooleanChunked::from_slice("accepted".into(), &keep);
    if let Some(t) = totals_row {
        let by = if totals_word.is_some() {
            "first cell"
        } else {
            "numbers equal to the column sums"
        };
        let check = totals::check(raw, pieces, t, &mask, by);
        for c in check.checks.iter().filter(|c| !c.matches) {
            ledger
                .warnings
                .push(Msg::totals_mismatch(&c.column, c.stated, c.computed));
        }
        ledger.totals_row = Some(check);
    }
    record_rows(raw, table, pieces, &keep, totals_row, ledger);
    Acceptance { mask }
}

/// Fills counts, reasons, examples and the rejected-rows list.
fn record_rows(
    raw: &dyn Cells,
    table: TableKind,
    pieces: &[Piece],
    keep: &[bool],
    totals_row: Option<usize>,
    ledger: &mut SourceLedger,
) {
    let failures: Vec<HashMap<usize, Problem>> = pieces
        .iter()
        .map(|p| p.converted.failures.iter().copied().collect())
        .collect();
    let mut rejected: BTreeMap<(usize, Problem), ReasonCount> = BTreeMap::new();
    let mut rejected_count = 0;
    for (row, _) in keep
        .iter()
        .enumerate()
        .filter(|(r, k)| !**k && Some(*r) != totals_row)
    {
        rejected_count += 1;
        let (k, problem) = reason(pieces, &failures, table, row);
        let issue = issue(
            raw,
            &pieces[k],
            row,
            &ledger.path,
            &ledger.sheet,
            Msg::rejected(pieces[k].spec.name, problem),
        );
        if ledger.rejected_rows.len() < REJECTED_ROWS_KEPT {
            ledger.rejected_rows.push(issue.clone());
        }
        add(&mut rejected, (k, problem), issue);
    }
    let mut cleared: BTreeMap<(usize, Problem), ReasonCount> = BTreeMap::new();
    for (k, p) in pieces.iter().enumerate().filter(|(_, p)| !p.spec.required) {
        for &(row, problem) in &p.converted.failures {
            if keep[row] {
                let issue = issue(
                    raw,
                    p,
                    row,
                    &ledger.path,
                    &ledger.sheet,
                    Msg::cleared(p.spec.name, problem),
                );
                add(&mut cleared, (k, problem), issue);
            }
        }
    }
    if rejected_count > REJECTED_ROWS_KEPT {
        ledger
            .notes
            .push(Msg::rejected_rows_truncated(REJECTED_ROWS_KEPT));
    }
    ledger.rows_read = keep.len() - usize::from(totals_row.is_some());
    ledger.rows_rejected = rejected_count;
    ledger.rows_accepted = ledger.rows_read - rejected_count;
    ledger.rejected = sorted(rejected);
    ledger.cleared = sorted(cleared);
}

/// The first reason a row fails, in schema order: an unreadable value, else a missing one.
fn reason(
    pieces: &[Piece],
    failures: &[HashMap<usize, Problem>],
    table: TableKind,
    row: usize,
) -> (usize, Problem) {
    for (k, p) in pieces.iter().enumerate().filter(|(_, p)| p.spec.required) {
        if p.converted.column.get(row).is_ok_and(|v| v.is_null()) {
            return (
                k,
                failures[k].get(&row).copied().unwrap_or(Problem::Missing),
            );
        }
    }
    if table == TableKind::Surveys {
        for (k, p) in pieces.iter().enumerate() {
            if let Some(problem) = failures[k]
                .get(&row)
                .filter(|_| p.spec.name == "nps" || p.spec.name == "csat")
            {
                return (k, *problem);
            }
        }
        if let Some(k) = pieces
            .iter()
            .position(|p| p.spec.name == "nps" || p.spec.name == "csat")
        {
            return (k, Problem::NoScore);
        }
    }
    (0, Problem::Missing)
}

fn issue(
    raw: &dyn Cells,
    p: &Piece,
    row: usize,
    file: &str,
    sheet: &Option<String>,
    reason: String,
) -> RowIssue {
    RowIssue {
        file: file.to_string(),
        sheet: sheet.clone(),
        row: raw.rows().file_row(row),
        column: p.header.clone(),
        value: p
            .feed
            .index()
            .map_or_else(String::new, |i| raw.cell_text(i, row)),
        reason,
    }
}

fn add(
    groups: &mut BTreeMap<(usize, Problem), ReasonCount>,
    key: (usize, Problem),
    issue: RowIssue,
) {
    let g = groups.entry(key).or_insert_with(|| ReasonCount {
        column: issue.column.clone(),
        reason: issue.reason.clone(),
        count: 0,
        examples: Vec::new(),
    });
    g.count += 1;
    if g.examples.len() < EXAMPLES_PER_REASON {
        g.examples.push(issue);
    }
}

/// Largest groups first.
fn sorted(groups: BTreeMap<(usize, Problem), ReasonCount>) -> Vec<ReasonCount> {
    let mut v: Vec<ReasonCount> = groups.into_values().collect();
    v.sort_by_key(|g| std::cmp::Reverse(g.count));
    v
}
