//! actions/<list>.csv: one list for import into a CRM. UTF-8, a header of stable snake_case
//! names, customer id and e-mail first, ISO dates, `.` decimals, and text cells that a
//! spreadsheet would run as a formula neutralised.

use super::ActionList;
use super::cells::{Cell, Kind, ListColumn};
use crate::indicators::context::date_of;
use polars::prelude::PolarsResult;

/// One CSV field, neutralised for a spreadsheet: the output stage's rule, shared with
/// `rejected_rows.csv`.
pub use crate::output::csv::spreadsheet_field as csv_cell;

fn number(v: f64, kind: Kind) -> String {
    match kind {
        Kind::Count => format!("{v:.0}"),
        Kind::Share => format!("{v:.4}"),
        Kind::Decimal => format!("{v:.1}"),
        _ => format!("{v:.2}"),
    }
}

fn field(cell: Cell, kind: Kind) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => csv_cell(t),
        Cell::Number(v) => number(v, kind),
        Cell::Date(d) => date_of(d).to_string(),
        Cell::DateTime(ms) => chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default(),
    }
}

/// The whole list as CSV, with the suggested action as the last column.
pub fn list_csv(list: &ActionList) -> PolarsResult<Vec<u8>> {
    let columns = ListColumn::all(&list.frame)?;
    let mut out = String::with_capacity(64 * (list.frame.height() + 1));
    for c in &columns {
        out.push_str(&c.name);
        out.push(',');
    }
    out.push_str("action\n");
    let action = csv_cell(&list.action);
    for i in 0..list.frame.height() {
        for c in &columns {
            out.push_str(&field(c.get(i), c.kind));
            out.push(',');
        }
        out.push_str(&action);
        out.push('\n');
    }
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_a_spreadsheet_would_evaluate_is_neutralised() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_cell("+34 600"), "'+34 600");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("Ana, S.L."), "\"Ana, S.L.\"");
        assert_eq!(csv_cell("Plain"), "Plain");
    }

    #[test]
    fn numbers_and_dates_are_plain_and_iso() {
        assert_eq!(field(Cell::Number(-12.345), Kind::Money), "-12.35");
        assert_eq!(field(Cell::Number(0.25), Kind::Share), "0.2500");
        assert_eq!(field(Cell::Date(0), Kind::Date), "1970-01-01");
        assert_eq!(
            field(Cell::DateTime(86_400_000 + 3_600_000), Kind::DateTime),
            "1970-01-02 01:00:00"
        );
    }
}
