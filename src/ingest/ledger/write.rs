//! The ledger's two files, `validation.json` and `rejected_rows.csv`, as bytes; they are
//! written by the output stage's atomic write like every other file.

use super::Ledger;
use std::path::Path;

/// File name of the ledger as JSON.
pub const VALIDATION_JSON: &str = "validation.json";
/// File name of the rejected rows.
pub const REJECTED_ROWS_CSV: &str = "rejected_rows.csv";

impl Ledger {
    /// The ledger as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// Every rejected row as CSV: `file,sheet,row,column,value,reason`.
    pub fn rejected_rows_csv(&self) -> String {
        let mut out = String::from("file,sheet,row,column,value,reason\n");
        for s in &self.sources {
            for r in &s.rejected_rows {
                let sheet = r.sheet.clone().unwrap_or_default();
                let fields = [
                    &r.file,
                    &sheet,
                    &r.row.to_string(),
                    &r.column,
                    &r.value,
                    &r.reason,
                ];
                let line: Vec<String> = fields
                    .iter()
                    .map(|f| crate::output::csv::spreadsheet_field(f))
                    .collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
        }
        out
    }

    /// Writes `validation.json` and `rejected_rows.csv` into `dir` (created if needed), each
    /// through the output stage's one atomic write.
    pub fn write_files(&self, dir: &Path) -> Result<(), crate::output::WriteError> {
        crate::output::write_file(&dir.join(VALIDATION_JSON), self.to_json().as_bytes())?;
        crate::output::write_file(
            &dir.join(REJECTED_ROWS_CSV),
            self.rejected_rows_csv().as_bytes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ledger::{RowIssue, SourceLedger};

    fn ledger_with_one_rejected_row() -> Ledger {
        let mut l = Ledger::new("acme".into(), "Acme".into(), chrono::NaiveDate::MIN);
        let mut s = SourceLedger::new("facturas.csv".into(), None);
        s.rejected_rows.push(RowIssue {
            file: "facturas.csv".into(),
            sheet: None,
            row: 7,
            column: "Fecha".into(),
            value: "31/02/2026, \"bad\"".into(),
            reason: "date: not a date".into(),
        });
        l.sources.push(s);
        l
    }

    #[test]
    fn rejected_rows_csv_quotes_fields_with_commas_and_quotes() {
        let csv = ledger_with_one_rejected_row().rejected_rows_csv();
        assert_eq!(
            csv,
            "file,sheet,row,column,value,reason\n\
             facturas.csv,,7,Fecha,\"31/02/2026, \"\"bad\"\"\",date: not a date\n"
        );
    }

    #[test]
    fn rejected_values_that_a_spreadsheet_would_run_are_neutralised() {
        let mut l = ledger_with_one_rejected_row();
        l.sources[0].rejected_rows[0].value = "=HYPERLINK(\"http://x\")".into();
        let csv = l.rejected_rows_csv();
        assert!(csv.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","), "{csv}");
    }
}
