//! Totals rows at the bottom of exports: recognised by their first cell (`TOTAL`, `Totales`,
//! `Suma`) or, unlabelled, by an empty customer id and numbers equal to the column sums. They are
//! excluded from the data and their numbers checked against the accepted rows.
//! Part of the ingest stage.

use super::assemble::Piece;
use super::ledger::{TotalCheck, TotalsRow};
use super::raw::Cells;
use super::synonyms::synonyms;
use crate::tables::ColType;
use polars::prelude::*;

/// The last row, if its first non-empty cell is a totals word.
pub(crate) fn word_row(raw: &dyn Cells) -> Option<usize> {
    let last = raw.height().checked_sub(1)?;
    let first_cell = (0..raw.width())
        .map(|c| raw.cell_text(c, last))
        .find(|t| !t.trim().is_empty())?;
    synonyms().is_totals_word(&first_cell).then_some(last)
}

/// An unlabelled totals row: no customer id, at least one number, and every number equal to the
/// sum of its column over the accepted rows.
pub(crate) fn is_unlabelled_totals_row(
    raw: &dyn Cells,
    pieces: &[Piece],
    row: usize,
    keep: &[bool],
) -> bool {
    let id_blank = pieces
        .iter()
        .find(|p| p.spec.name == "customer_id")
        .and_then(|p| p.feed.index())
        .is_some_and(|i| raw.cell_text(i, row).trim().is_empty());
    if !id_blank || keep.iter().filter(|k| **k).count() < 2 {
        return false;
    }
    let mask = BooleanChunked::from_slice("k".into(), keep);
    let checks = number_checks(pieces, row, &mask);
    !checks.is_empty() && checks.iter().all(|c| c.matches)
}

/// The totals row's numbers against the accepted rows' sums.
pub(crate) fn check(
    raw: &dyn Cells,
    pieces: &[Piece],
    row: usize,
    mask: &BooleanChunked,
    by: &str,
) -> TotalsRow {
    let checks = number_checks(pieces, row, mask);
    TotalsRow {
        row: raw.rows().file_row(row),
        detected_by: by.to_string(),
        matches: checks.iter().all(|c| c.matches),
        checks,
    }
}

fn number_checks(pieces: &[Piece], row: usize, mask: &BooleanChunked) -> Vec<TotalCheck> {
    pieces
        .iter()
        .filter(|p| p.spec.ty == ColType::Number && p.feed.index().is_some())
        .filter_map(|p| {
            let series = p.converted.column.as_materialized_series();
            let stated = series.f64().ok()?.get(row)?;
            let computed = series.filter(mask).ok()?.f64().ok()?.sum().unwrap_or(0.0);
            let matches = (stated - computed).abs() <= 0.005 + 1e-9 * computed.abs();
            Some(TotalCheck {
                column: p.header.clone(),
                stated,
                computed,
                matches,
            })
        })
        .collect()
}
