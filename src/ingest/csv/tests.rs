use super::slices::{Slice, open_sliced_by};
use super::whole::{UTF8_HEAD, read_csv};
use super::{CsvError, Reader};
use crate::config::SourceConfig;
use crate::ingest::raw::RawTable;

fn write(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.csv");
    std::fs::write(&p, bytes).unwrap();
    (dir, p)
}

fn cells(raw: &RawTable, col: usize) -> Vec<String> {
    (0..raw.height()).map(|r| raw.cell_text(col, r)).collect()
}

#[test]
fn spanish_excel_csv_is_read_with_title_rows_blank_lines_and_quotes() {
    // Windows-1252 bytes: "Cód." has ó = 0xF3; CRLF line ends; a quoted field with ';' and a
    // newline; a blank line and a ';;' line inside the data.
    let text = b"Listado de facturas\r\n\r\nC\xF3d. cliente;Fecha;Importe\r\n000123;01/02/2026;1.234,56\r\n\r\n;;\r\n\"00 9;x\";\"02/02/2026\";\"7,5\nEUR\"\r\n";
    let (_d, p) = write(text);
    let raw = read_csv(&p, "f.csv", &SourceConfig::default(), None).unwrap();
    assert_eq!(raw.headers, vec!["Cód. cliente", "Fecha", "Importe"]);
    assert_eq!(raw.detection.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(raw.detection.delimiter, Some(';'));
    assert_eq!(raw.detection.header_row, Some(3));
    assert!(raw.detection.day_first_hint);
    assert_eq!(cells(&raw, 0), vec!["000123", "00 9;x"]);
    assert_eq!(cells(&raw, 2), vec!["1.234,56", "7,5\nEUR"]);
    assert_eq!(raw.empty_rows_skipped, 2);
    // Rows as a person sees them: header is row 3, data rows 4 and 7.
    assert_eq!((raw.rows.file_row(0), raw.rows.file_row(1)), (4, 7));
}

#[test]
fn configured_delimiter_header_row_and_encoding_are_used() {
    let (_d, p) = write("x|y\nCustomer ID|Amount\n7|1.5\n".as_bytes());
    let src = SourceConfig {
        delimiter: Some('|'),
        header_row: Some(2),
        encoding: Some("utf-8".into()),
        ..SourceConfig::default()
    };
    let raw = read_csv(&p, "f.csv", &src, None).unwrap();
    assert_eq!(raw.headers, vec!["Customer ID", "Amount"]);
    assert_eq!(cells(&raw, 1), vec!["1.5"]);
    assert_eq!(raw.rows.file_row(0), 3);
}

#[test]
fn empty_and_missing_files_are_errors_naming_the_file() {
    let (_d, p) = write(b"");
    assert!(
        read_csv(&p, "f.csv", &SourceConfig::default(), None)
            .unwrap_err()
            .to_string()
            .contains("f.csv")
    );
    let missing = std::path::Path::new("/nonexistent/x.csv");
    assert!(
        read_csv(missing, "x.csv", &SourceConfig::default(), None)
            .unwrap_err()
            .to_string()
            .contains("cannot read x.csv")
    );
}

#[test]
fn a_file_utf8_at_first_but_not_further_on_is_read_as_windows_1252() {
    // 300 KB of ASCII rows (more than the bytes checked before mapping), then "Año" with ñ as
    // the Windows-1252 byte 0xF1: the mapped parse fails on it and the file is read the general
    // way, detected over every byte, as the rest of ingest expects.
    let mut text = b"Customer ID;Date;Amount\r\n".to_vec();
    let rows = 12_000;
    for i in 0..rows {
        text.extend_from_slice(format!("C{i:06};01/02/2026;1,50\r\n").as_bytes());
    }
    text.extend_from_slice(b"A\xF1o;02/02/2026;7,25\r\n");
    assert!(text.len() > UTF8_HEAD);
    let (_d, p) = write(&text);
    let raw = read_csv(&p, "f.csv", &SourceConfig::default(), None).unwrap();
    assert_eq!(raw.detection.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(raw.height(), rows + 1);
    assert_eq!(raw.cell_text(0, rows), "Año");
    assert_eq!(raw.cell_text(2, rows), "7,25");
}

#[test]
fn a_utf8_file_with_bom_is_parsed_in_place_with_the_same_cells() {
    let (_d, p) =
        write("\u{feff}Customer ID,Name,Amount\n7,\"Zoë, S.A.\",1.5\n8,Ñandú,2\n".as_bytes());
    let raw = read_csv(&p, "f.csv", &SourceConfig::default(), None).unwrap();
    assert_eq!(raw.detection.encoding.as_deref(), Some("utf-8"));
    assert_eq!(raw.headers, vec!["Customer ID", "Name", "Amount"]);
    assert_eq!(cells(&raw, 1), vec!["Zoë, S.A.", "Ñandú"]);
    assert_eq!((raw.rows.file_row(0), raw.rows.file_row(1)), (2, 3));
}

#[test]
fn slices_hold_every_record_once_with_file_rows_and_blank_lines_counted() {
    let mut text = String::from("Report\n\nCustomer ID,Note,Amount\n");
    for i in 0..12000 {
        if i % 1000 == 999 {
            text.push('\n');
        }
        if i == 2500 || i == 9000 {
            text.push_str(&format!("C{i},\"two\nlines\",{i}.5\n"));
        } else {
            text.push_str(&format!("C{i},plain,{i}.5\n"));
        }
    }
    let (_d, p) = write(text.as_bytes());
    let src = SourceConfig::default();
    let sliced = open_sliced_by(&p, "f.csv", &src, None, 8 << 10, Reader::Direct)
        .unwrap()
        .expect("large enough to slice");
    let whole = read_csv(&p, "f.csv", &SourceConfig::default(), None).unwrap();
    let mut ids = Vec::new();
    let mut rows = Vec::new();
    let mut slices = 0;
    let mut empty = 0;
    for raw in sliced.slices() {
        // Quote-free slices come as lines: parsed here by polars, their row numbers must still
        // follow on from the line count of the slices before.
        let raw = raw.and_then(Slice::into_raw).unwrap();
        slices += 1;
        empty += raw.empty_rows_skipped;
        assert_eq!(raw.headers, whole.headers);
        for r in 0..raw.height() {
            ids.push(raw.cell_text(0, r));
            rows.push(raw.rows.file_row(r));
        }
    }
    assert!(slices > 3, "{slices} slices");
    assert_eq!(ids, cells(&whole, 0));
    let whole_rows: Vec<usize> = (0..whole.height())
        .map(|r| whole.rows.file_row(r))
        .collect();
    assert_eq!(rows, whole_rows);
    assert_eq!(empty, whole.empty_rows_skipped);
    assert_eq!(empty, 12);
}

#[test]
fn a_slice_that_is_not_utf8_is_told_apart_from_an_unreadable_file() {
    // UTF-8 in the first slices (so the file is opened for slicing), then a Windows-1252 byte.
    let mut text = b"Customer ID;Date;Amount\n".to_vec();
    for i in 0..12_000 {
        text.extend_from_slice(format!("C{i:06};01/02/2026;1,50\n").as_bytes());
    }
    text.extend_from_slice(b"A\xF1o;02/02/2026;7,25\n");
    let (_d, p) = write(&text);
    let src = SourceConfig::default();
    let sliced = open_sliced_by(&p, "f.csv", &src, None, 8 << 10, Reader::Direct)
        .unwrap()
        .expect("large enough to slice");
    let last = sliced.slices().last().unwrap().unwrap();
    match last.into_raw() {
        Err(CsvError::NotUtf8(message)) => assert!(message.contains("f.csv"), "{message}"),
        other => panic!("expected NotUtf8, got {:?}", other.map(|r| r.height())),
    }
    // A delimiter that cannot be one is a plain failure, not a reason to read again.
    let bad = SourceConfig {
        delimiter: Some('"'),
        ..SourceConfig::default()
    };
    assert!(matches!(
        read_csv(&p, "f.csv", &bad, None),
        Err(CsvError::Unreadable(_))
    ));
}

#[test]
fn only_polars_in_the_switch_forces_the_polars_reader() {
    for value in ["polars", "POLARS", " polars\n"] {
        assert_eq!(Reader::from_setting(value), Reader::Polars, "{value:?}");
    }
    for value in ["", "direct", "polar", "fast"] {
        assert_eq!(Reader::from_setting(value), Reader::Direct, "{value:?}");
    }
}
