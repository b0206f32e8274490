//! Writes `validation.json` and `rejected_rows.csv` atomically (temporary file in the same
//! folder, then rename), so a reader never sees half a file.

use super::Ledger;
use std::io::Write;
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
                let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
        }
        out
    }

    /// Writes `validation.json` and `rejected_rows.csv` into `dir` (created if needed).
    pub fn write_files(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
        write_atomic(&dir.join(VALIDATION_JSON), self.to_json().as_bytes())?;
        write_atomic(
            &dir.join(REJECTED_ROWS_CSV),
            self.rejected_rows_csv().as_bytes(),
        )
    }
}

/// Writes through a temporary file in the same folder and renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| with_path(e, dir))?;
    tmp.write_all(bytes).map_err(|e| with_path(e, path))?;
    tmp.as_file().sync_all().map_err(|e| with_path(e, path))?;
    tmp.persist(path).map_err(|e| with_path(e.error, path))?;
    Ok(())
}

fn with_path(e: std::io::Error, path: &Path) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
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
    fn files_are_written_into_the_client_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("acme");
        ledger_with_one_rejected_row().write_files(&out).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(VALIDATION_JSON)).unwrap())
                .unwrap();
        assert_eq!(json["client_id"], "acme");
        assert_eq!(json["sources"][0]["path"], "facturas.csv");
        assert!(
            std::fs::read_to_string(out.join(REJECTED_ROWS_CSV))
                .unwrap()
                .contains(",7,")
        );
        // No temporary files are left beside the outputs.
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2);
    }
}
