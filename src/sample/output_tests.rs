//! End-to-end checks of the files `generate` writes: bytes, encodings, formats, the TOTAL row,
//! the injected defects, and determinism across runs and thread counts.

use super::{SampleSpec, SampleSummary, generate};
use crate::config::AuditConfig;
use crate::domain::Lang;
use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use std::path::Path;

fn spec(dir: &Path, lang: Lang, customers: usize, seed: u64) -> SampleSpec {
    SampleSpec {
        customers,
        seed,
        out: dir.to_path_buf(),
        lang,
        name: None,
        end: SampleSpec::default_end(),
        seasonality: Default::default(),
    }
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Records of a CSV text (quotes, doubled quotes, delimiters and line breaks inside quotes).
fn parse_csv(text: &str, delim: char) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) if c == delim => row.push(std::mem::take(&mut field)),
            (false, c) => field.push(c),
        }
    }
    rows
}

fn spanish_csv(dir: &Path, name: &str) -> Vec<Vec<String>> {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let (text, _, malformed) = encoding_rs::WINDOWS_1252.decode(&bytes);
    assert!(!malformed);
    parse_csv(&text, ';')
}

/// Cents of a Spanish amount, checking its shape: `-?d{1,3}(.ddd)*,dd`.
fn spanish_cents(s: &str) -> Option<i64> {
    let (sign, body) = s.strip_prefix('-').map_or((1, s), |b| (-1, b));
    let (int, frac) = body.split_once(',')?;
    let groups: Vec<&str> = int.split('.').collect();
    let shape_ok = frac.len() == 2
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups
            .iter()
            .chain([&frac])
            .all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    if !shape_ok {
        return None;
    }
    Some(sign * (groups.concat().parse::<i64>().ok()? * 100 + frac.parse::<i64>().ok()?))
}

fn run(dir: &Path, lang: Lang, customers: usize, seed: u64) -> SampleSummary {
    generate(&spec(dir, lang, customers, seed)).unwrap()
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_data() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    run(a.path(), Lang::Es, 1500, 7);
    run(b.path(), Lang::Es, 1500, 7);
    run(c.path(), Lang::Es, 1500, 8);
    let (fa, fb, fc) = (files(a.path()), files(b.path()), files(c.path()));
    assert_eq!(fa.len(), 6);
    assert!(fa == fb, "same seed, different bytes");
    let facturas = |f: &[(String, Vec<u8>)]| {
        f.iter()
            .find(|(n, _)| n == "facturas.csv")
            .unwrap()
            .1
            .clone()
    };
    assert_ne!(facturas(&fa), facturas(&fc));
}

#[test]
fn the_number_of_threads_does_not_change_a_byte() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // 2,500 customers are three chunks, so three threads really interleave.
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    pool(1).install(|| run(a.path(), Lang::En, 2500, 3));
    pool(3).install(|| run(b.path(), Lang::En, 2500, 3));
    assert!(files(a.path()) == files(b.path()));
}

#[test]
fn spanish_csv_files_are_windows_1252_with_crlf_line_ends() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), Lang::Es, 500, 1);
    let bytes = std::fs::read(dir.path().join("facturas.csv")).unwrap();
    // º = BA, ó = F3, í = ED in Windows-1252; the UTF-8 forms would be two bytes each.
    assert!(bytes.starts_with(b"N\xBA factura;Fecha;C\xF3d. cliente;Art\xEDculo;Familia;"));
    assert!(std::str::from_utf8(&bytes).is_err());
    assert!(
        bytes
            .windows(2)
            .filter(|w| w[1] == b'\n')
            .all(|w| w[0] == b'\r')
    );
    let text = encoding_rs::WINDOWS_1252.decode(&bytes).0;
    assert!(text.contains("Fontanería") || text.contains("Jardín"));
}

#[test]
fn spanish_invoice_lines_use_decimal_comma_and_reconcile_to_the_cent() {
    let dir = tempfile::tempdir().unwrap();
    let s = run(dir.path(), Lang::Es, 3000, 5);
    let rows = spanish_csv(dir.path(), "facturas.csv");
    assert_eq!(rows[0][7], "Base imponible");
    let data = &rows[1..];
    assert_eq!(data.len() as u64, s.files[1].rows);
    let (mut bad_amount, mut empty_date, mut orphan) = (0, 0, 0);
    for r in data {
        assert_eq!(r.len(), 9, "{r:?}");
        let qty: i64 = r[5].parse().unwrap();
        let unit = spanish_cents(&r[6]).unwrap_or_else(|| panic!("{}", r[6]));
        spanish_cents(&r[8]).unwrap_or_else(|| panic!("{}", r[8]));
        match spanish_cents(&r[7]) {
            Some(net) => assert_eq!(net, qty * unit, "{r:?}"),
            None => {
                assert_eq!(r[7], "n/d");
                bad_amount += 1;
            }
        }
        empty_date += usize::from(r[1].is_empty());
        orphan += usize::from(r[2].parse::<usize>().unwrap() > 3000);
        assert!(
            r[0].starts_with('F') || (r[0].starts_with('R') && qty < 0),
            "{r:?}"
        );
    }
    assert_eq!((bad_amount, empty_date, orphan), (3, 2, 5));
    assert!(
        data.windows(2).all(|w| w[0] != w[1]),
        "no duplicate rows in the Spanish client"
    );
    assert_eq!(s.mess.unparseable_amounts, 3);
    assert_eq!(s.mess.orphan_lines, 5);
}

#[test]
fn customer_list_has_a_title_and_a_total_row_equal_to_the_sum_of_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let s = run(dir.path(), Lang::Es, 400, 2);
    let mut wb: Xlsx<_> = open_workbook(dir.path().join("clientes.xlsx")).unwrap();
    let range = wb.worksheet_range("Clientes").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert!(matches!(&rows[0][0], Data::String(t) if t.starts_with("Listado de clientes — ")));
    assert!(rows[1].iter().all(|c| matches!(c, Data::Empty)));
    assert_eq!(rows[2][0], Data::String("Cód. cliente".into()));
    assert_eq!(rows[2][8], Data::String("Coste captación".into()));
    let last = rows.len() - 1;
    assert_eq!(rows[last][0], Data::String("TOTAL".into()));
    let data = &rows[3..last];
    assert_eq!(data.len(), 400);
    assert_eq!(data[122][0], Data::String("000123".into()));
    assert!(data.iter().all(|r| matches!(r[5], Data::DateTime(_))));
    let sum: f64 = data.iter().map(|r| r[8].as_f64().unwrap()).sum();
    let total = rows[last][8].as_f64().unwrap();
    assert!((sum - total).abs() < 0.005, "{sum} vs {total}");
    assert_eq!((total * 100.0).round() as i64, s.sheet_total_cents.unwrap());
}

#[test]
fn ticket_export_has_a_title_row_date_cells_and_booleans() {
    let dir = tempfile::tempdir().unwrap();
    let s = run(dir.path(), Lang::En, 1000, 4);
    let mut wb: Xlsx<_> = open_workbook(dir.path().join("tickets.xlsx")).unwrap();
    let range = wb.worksheet_range("Tickets").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows[0][0], Data::String("Ticket export".into()));
    assert_eq!(rows[1][0], Data::String("Ticket Id".into()));
    assert_eq!(rows[1][9], Data::String("Reopened".into()));
    assert_eq!(rows.len() as u64 - 2, s.files[3].rows);
    for r in &rows[2..] {
        assert!(matches!(r[2], Data::DateTime(_)));
        assert!(matches!(r[3], Data::DateTime(_) | Data::Empty));
        assert!(matches!(r[8], Data::Bool(_)) && matches!(r[9], Data::Bool(_)));
        assert!(matches!(&r[1], Data::String(id) if id.len() == 18));
    }
}

#[test]
fn english_files_carry_the_documented_defects() {
    let dir = tempfile::tempdir().unwrap();
    let s = run(dir.path(), Lang::En, 3000, 6);
    let text = std::fs::read_to_string(dir.path().join("invoices.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() as u64 - 1, s.files[1].rows);
    assert_eq!(lines.iter().filter(|l| l.contains(",#VALUE!,")).count(), 2);
    assert_eq!(lines.windows(2).filter(|w| w[0] == w[1]).count(), 3);
    let customers = std::fs::read_to_string(dir.path().join("customers.csv")).unwrap();
    assert!(customers.starts_with("\u{feff}Customer ID,Company Name,"));
    let cl: Vec<&str> = customers.lines().collect();
    assert_eq!(cl.windows(2).filter(|w| w[0] == w[1]).count(), 1);
    let expected = super::MessCounts {
        unparseable_amounts: 2,
        empty_dates: 0,
        duplicate_lines: 3,
        orphan_invoices: 2,
        orphan_lines: 4,
        orphan_complaints: 2,
        duplicate_customers: 1,
    };
    assert_eq!(s.mess, expected);
}

#[test]
fn english_survey_dates_are_month_first() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), Lang::En, 2000, 8);
    let text = std::fs::read_to_string(dir.path().join("surveys.csv")).unwrap();
    let rows = parse_csv(&text, ',');
    assert_eq!(
        rows[0],
        [
            "Customer ID",
            "Response Date",
            "NPS Score",
            "CSAT Score",
            "Comment"
        ]
    );
    let mut day_after_12 = false;
    for r in &rows[1..] {
        let parts: Vec<u32> = r[1].split('/').map(|p| p.parse().unwrap()).collect();
        assert!(parts[0] <= 12, "{}", r[1]);
        day_after_12 |= parts[1] > 12;
    }
    assert!(day_after_12, "some day above 12 lets ingest tell the order");
}

#[test]
fn audit_toml_loads_and_names_every_file() {
    for lang in [Lang::Es, Lang::En] {
        let dir = tempfile::tempdir().unwrap();
        run(dir.path(), lang, 300, 9);
        let cfg = AuditConfig::load(&dir.path().join("audit.toml")).unwrap();
        assert_eq!(cfg.client.lang, lang);
        assert_eq!(cfg.sources.len(), 5);
        for source in &cfg.sources {
            assert!(dir.path().join(&source.file).is_file(), "{}", source.file);
            assert!(source.table.is_some());
        }
        let currency = if lang == Lang::Es { "EUR" } else { "USD" };
        assert_eq!(cfg.client.currency, currency);
    }
}

#[test]
fn zero_customers_is_an_error_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let err = generate(&spec(dir.path(), Lang::Es, 0, 1)).unwrap_err();
    assert!(err.to_string().contains("--customers"));
}

#[test]
fn an_unwritable_folder_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let err = generate(&spec(&file.join("client"), Lang::En, 10, 1)).unwrap_err();
    assert!(err.to_string().contains("not-a-folder"), "{err}");
}
