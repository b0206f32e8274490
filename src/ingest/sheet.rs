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
use calamine::{
    Cell, Data, DataRef, Dimensions, Range, Reader, Sheets, XlsxError, open_workbook_auto,
};
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
        .filter(|n| sheet_range(&mut wb, n, shown).is_ok_and(|r| !r.is_empty()))
        .collect())
}

/// Most cells the rectangle around a sheet's cells may span when they fill less than a quarter
/// of it. calamine gives a sheet as that whole rectangle, so a single cell far from the table
/// (or a damaged reference such as `XFD1048576`) asked it for billions of cells, and the
/// allocation aborted the process (found by fuzzing, issue 17). A sheet that is large because
/// it is full (a million rows of 60 columns) is still read.
const MAX_SHEET_CELLS: u64 = 50_000_000;

/// One sheet's cells as calamine's `worksheet_range` gives them, but refused with a message when
/// they span more than [`MAX_SHEET_CELLS`]. xlsx and xlsb sheets are read cell by cell first;
/// xls sheets (65,536 × 256 at most) and ods sheets (calamine caps them) are bounded already.
fn sheet_range(wb: &mut Workbook, name: &str, shown: &str) -> Result<Range<Data>, String> {
    let unreadable = |e: &dyn std::fmt::Display| Msg::unreadable(shown, e);
    let mut cells: Vec<Cell<Data>> = Vec::new();
    let mut keep = |cell: Cell<DataRef<'_>>| {
        if *cell.get_value() != DataRef::Empty {
            cells.push(Cell::new(
                cell.get_position(),
                Data::from(cell.get_value().clone()),
            ));
        }
    };
    match wb {
        Sheets::Xlsx(x) => {
            let mut reader = match x.worksheet_cells_reader(name) {
                Ok(reader) => reader,
                Err(XlsxError::NotAWorksheet(_)) => return Ok(Range::default()),
                Err(e) => return Err(unreadable(&e)),
            };
            while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                keep(cell);
            }
        }
        Sheets::Xlsb(x) => {
            let mut reader = x.worksheet_cells_reader(name).map_err(|e| unreadable(&e))?;
            while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                keep(cell);
            }
        }
        _ => return wb.worksheet_range(name).map_err(|e| unreadable(&e)),
    }
    let corners = cells.iter().map(Cell::get_position).fold(
        ((u32::MAX, u32::MAX), (0, 0)),
        |((r0, c0), (r1, c1)), (r, c)| ((r0.min(r), c0.min(c)), (r1.max(r), c1.max(c))),
    );
    let ((r0, c0), (r1, c1)) = corners;
    if r0 <= r1 {
        let area = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
        if area > MAX_SHEET_CELLS && area / 4 > cells.len() as u64 {
            let span = format!("{}:{}", cell_name(r0, c0), cell_name(r1, c1));
            return Err(format!(
                "{shown}: {}",
                Msg::sheet_too_large(name, &span, area, MAX_SHEET_CELLS)
            ));
        }
    }
    Ok(Range::from_sparse(cells))
}

/// `A1`-style name of a 0-based cell.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = u64::from(col) + 1;
    while c > 0 {
        letters.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        String::from_utf8_lossy(&letters),
        u64::from(row) + 1
    )
}

/// Loads one sheet (`None`: the first sheet with data).
pub(crate) fn load_sheet(
    path: &Path,
    shown: &str,
    sheet: Option<&str>,
) -> Result<SheetData, String> {
    let mut wb = open(path, shown)?;
    let names = wb.sheet_names();
    let (name, range) = match sheet {
        Some(s) if names.iter().any(|n| n == s) => (s.to_string(), sheet_range(&mut wb, s, shown)?),
        Some(s) => return Err(format!("{shown}: {}", Msg::sheet_not_found(s, &names))),
        None => {
            // The first sheet with data; a sheet that cannot be read is passed over, and its
            // error given only when no sheet can be.
            let mut first_error = None;
            let mut found = None;
            for n in &names {
                match sheet_range(&mut wb, n, shown) {
                    Ok(r) if !r.is_empty() => {
                        found = Some((n.clone(), r));
                        break;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            match (found, first_error) {
                (Some(f), _) => f,
                (None, Some(e)) => return Err(e),
                (None, None) => return Err(format!("{shown}: {}", Msg::no_sheet_with_data())),
            }
        }
    };
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
    if super::discover::extension(path) == "ods"
        && let Err(e) = ods_content_complete(path)
    {
        return Err(Msg::unreadable(shown, &e));
    }
    open_workbook_auto(path).map_err(|e| Msg::unreadable(shown, &e))
}

/// Whether an .ods file's `content.xml` is well-formed XML that closes every element it opens.
/// calamine 0.38 reads a table (and a row) until its end tag and, should the file end first,
/// waits for it forever: a truncated .ods hung the run at full CPU (found by fuzzing, issue 17).
/// A file that is not even a zip is left to calamine, which says so.
fn ods_content_complete(path: &Path) -> Result<(), String> {
    use quick_xml::events::Event;
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = ::zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(());
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) if depth == 0 => return Ok(()),
            Ok(Event::Eof) => {
                return Err(
                    "content.xml ends before its tables do: the file is truncated or damaged"
                        .into(),
                );
            }
            Err(e) => return Err(format!("content.xml is not well-formed XML ({e})")),
            Ok(_) => {}
        }
        buf.clear();
    }
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
        // calamine's conversion panics on serials beyond ±i64 milliseconds (a corrupt or hostile
        // file) and chrono has no date for those beyond its range: such a cell keeps its number,
        // which the date parser then rejects with the value shown.
        Data::DateTime(dt) if dt.is_datetime() => Some(
            match (dt.as_f64().abs() < 1e9)
                .then(|| dt.as_datetime())
                .flatten()
            {
                Some(d) if d.time() == chrono::NaiveTime::MIN => d.format("%Y-%m-%d").to_string(),
                Some(d) => d.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
                None => format!("{}", dt.as_f64()),
            },
        ),
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

    #[test]
    fn a_stray_cell_far_away_is_an_error_not_an_abort() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("far.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "customer_id").unwrap();
        ws.write_string(1_048_575, 16_383, "x").unwrap();
        wb.save(&path).unwrap();
        let e = load_sheet(&path, "far.xlsx", None).err().unwrap();
        assert!(e.contains("spans A1:XFD1048576"), "{e}");
    }

    #[test]
    fn a_truncated_ods_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.ods");
        let body = r#"<table:table table:name="t"><table:table-row><table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell></table:table-row>"#;
        let mut bytes = crate::ingest::fuzz::zip::ods(body);
        std::fs::write(&path, &bytes).unwrap();
        let e = load_sheet(&path, "cut.ods", None).err().unwrap();
        assert!(e.contains("content.xml"), "{e}");
        // The whole file, cut short, is a damaged zip: calamine's own error.
        bytes.truncate(bytes.len() / 2);
        std::fs::write(&path, &bytes).unwrap();
        assert!(load_sheet(&path, "cut.ods", None).is_err());
    }

    #[test]
    fn cell_names_follow_excel() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(9, 26), "AA10");
    }

    #[test]
    fn date_cells_beyond_any_calendar_keep_their_number() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let date =
            |v: f64| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(cell_text(&date(46_095.0)).as_deref(), Some("2026-03-14"));
        assert_eq!(
            cell_text(&date(1e300)).as_deref(),
            Some(&*format!("{}", 1e300))
        );
        assert_eq!(cell_text(&date(-1e12)).as_deref(), Some("-1000000000000"));
    }
}
