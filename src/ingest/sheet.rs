//! Spreadsheet sources (xlsx, xlsm, xls, ods) through calamine, straight into text columns:
//! title rows above the header skipped, blank header cells filled from merged regions, empty rows
//! skipped and counted, date cells written as ISO text, whole-number cells without `.0` (so a
//! numeric id 123 stays "123"). Part of the ingest stage.

use super::header::{HEADER_SEARCH_ROWS, clean_headers, detect_header_row};
use super::ledger::Msg;
use super::parse::date::SerialBase;
use super::parse::decimal::DecimalSep;
use super::raw::{RawDetection, RawTable, RowNumbers, column_name};
use crate::config::SourceConfig;
use crate::tables::TableKind;
use calamine::{Data, Dimensions, Range, Reader, Sheets, open_workbook_auto};
use polars::prelude::*;
use std::io::BufReader;
use std::path::Path;

type Workbook = Sheets<BufReader<std::fs::File>>;

/// A sheet's cells, its merged regions and the workbook's date system.
pub(crate) struct SheetData {
    pub(crate) name: String,
    range: Range<Data>,
    merged: Vec<Dimensions>,
    is_1904: bool,
}

/// Names of the sheets that hold at least one cell.
pub(crate) fn sheets_with_data(path: &Path, shown: &str) -> Result<Vec<String>, String> {
    let mut wb = open(path, shown)?;
    let names = wb.sheet_names();
    Ok(names
        .into_iter()
        .filter(|n| wb.worksheet_range(n).is_ok_and(|r| !r.is_empty()))
        .collect())
}

/// Loads one sheet (`None`: the first sheet with data).
pub(crate) fn load_sheet(
    path: &Path,
    shown: &str,
    sheet: Option<&str>,
) -> Result<SheetData, String> {
    let mut wb = open(path, shown)?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => return Err(format!("{shown}: {}", Msg::sheet_not_found(s, &names))),
        None => names
            .iter()
            .find(|n| wb.worksheet_range(n).is_ok_and(|r| !r.is_empty()))
            .cloned()
            .ok_or_else(|| format!("{shown}: {}", Msg::no_sheet_with_data()))?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| Msg::unreadable(shown, &e))?;
    let (merged, is_1904) = match &mut wb {
        Sheets::Xlsx(x) => (
            x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            x.has_1904_epoch(),
        ),
        Sheets::Xls(x) => (
            x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            false,
        ),
        _ => (Vec::new(), false),
    };
    Ok(SheetData {
        name,
        range,
        merged,
        is_1904,
    })
}

fn open(path: &Path, shown: &str) -> Result<Workbook, String> {
    open_workbook_auto(path).map_err(|e| Msg::unreadable(shown, &e))
}

/// Turns a loaded sheet into a raw table.
pub(crate) fn read_sheet(
    data: &SheetData,
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
) -> Result<RawTable, String> {
    let (row0, col0) = data.range.start().unwrap_or((0, 0));
    let configured = src
        .header_row
        .map(|r| (r as u32).saturating_sub(1 + row0) as usize);
    // Leading rows with blank cells filled from merged regions, so a header split over two
    // rows by vertically merged cells is seen whole.
    let rows: Vec<Vec<String>> = data
        .range
        .rows()
        .take(configured.map_or(HEADER_SEARCH_ROWS, |r| r + 1))
        .enumerate()
        .map(|(i, r)| {
            r.iter()
                .enumerate()
                .map(|(c, cell)| match cell_text(cell) {
                    Some(t) if !t.trim().is_empty() => t,
                    _ => merged_value(data, row0 + i as u32, col0 + c as u32).unwrap_or_default(),
                })
                .collect()
        })
        .collect();
    let header_idx = configured.unwrap_or_else(|| detect_header_row(&rows, table));
    let Some(filled) = rows.get(header_idx).cloned() else {
        return Err(Msg::empty_file(shown));
    };
    let abs_header = row0 + header_idx as u32;
    let width = filled.len();
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); width];
    let mut row_numbers = Vec::new();
    let mut empty = 0;
    let mut lossy = vec![0usize; width];
    for (i, r) in data.range.rows().enumerate().skip(header_idx + 1) {
        let texts: Vec<Option<String>> = r
            .iter()
            .take(width)
            .enumerate()
            .map(|(c, cell)| match cell_text(cell) {
                None if !data.merged.is_empty() => {
                    merged_value(data, row0 + i as u32, col0 + c as u32)
                }
                t => t,
            })
            .collect();
        if texts
            .iter()
            .all(|t| t.as_deref().is_none_or(|t| t.trim().is_empty()))
        {
            empty += 1;
            continue;
        }
        row_numbers.push(row0 + i as u32 + 1);
        for (c, (cell, text)) in r.iter().zip(texts).enumerate() {
            lossy[c] +=
                usize::from(matches!(cell, Data::Float(f) if f.fract() == 0.0 && f.abs() >= 1e15));
            columns[c].push(text);
        }
    }
    let headers = clean_headers(&filled);
    let cols: Vec<Column> = columns
        .into_iter()
        .enumerate()
        .map(|(i, v)| Column::new(column_name(i), v))
        .collect();
    let frame = DataFrame::new(row_numbers.len(), cols).map_err(|e| Msg::unreadable(shown, &e))?;
    let warnings = (0..width)
        .filter(|&c| lossy[c] > 0)
        .map(|c| Msg::id_precision_lost(&headers[c], lossy[c]))
        .collect();
    let decimal_hint = src.decimal.and_then(DecimalSep::from_char);
    Ok(RawTable {
        headers,
        frame,
        rows: RowNumbers::Explicit(row_numbers),
        detection: RawDetection {
            encoding: None,
            delimiter: None,
            header_row: Some(abs_header as usize + 1),
            decimal_hint,
            day_first_hint: decimal_hint == Some(DecimalSep::Comma),
            serial_base: Some(if data.is_1904 {
                SerialBase::Excel1904
            } else {
                SerialBase::Excel1900
            }),
        },
        empty_rows_skipped: empty,
        warnings,
    })
}

/// The value of the merged region covering a blank cell (calamine keeps it in the top-left cell).
fn merged_value(data: &SheetData, row: u32, col: u32) -> Option<String> {
    let region = data.merged.iter().find(|d| d.contains(row, col))?;
    data.range.get_value(region.start).and_then(cell_text)
}

/// A cell as text: dates as ISO, whole numbers without decimals, booleans as TRUE/FALSE.
pub(crate) fn cell_text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty => None,
        Data::String(s) => Some(s.clone()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(format!("{f}")),
        Data::Int(i) => Some(i.to_string()),
        Data::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::DateTime(dt) if dt.is_datetime() => dt.as_datetime().map(|d| {
            if d.time() == chrono::NaiveTime::MIN {
                d.format("%Y-%m-%d").to_string()
            } else {
                d.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
            }
        }),
        Data::DateTime(dt) => Some(format!("{}", dt.as_f64())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => Some(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_cells_become_text_a_person_would_type() {
        assert_eq!(cell_text(&Data::Float(123.0)).as_deref(), Some("123"));
        assert_eq!(cell_text(&Data::Float(1234.5)).as_deref(), Some("1234.5"));
        assert_eq!(cell_text(&Data::Int(-7)).as_deref(), Some("-7"));
        assert_eq!(cell_text(&Data::Bool(true)).as_deref(), Some("TRUE"));
        assert_eq!(cell_text(&Data::Empty), None);
        assert_eq!(
            cell_text(&Data::String("000123".into())).as_deref(),
            Some("000123")
        );
    }
}
