//! One messy export per test, from tests/fixtures/ingest/cases/, read through the public ingest
//! API with the audit.toml `[[source]]` given inline. Expected values are worked out by hand from
//! the fixture files.

use chrono::NaiveDate;
use crm_audit::config::AuditConfig;
use crm_audit::ingest::{IngestOptions, IngestResult, ingest_client};
use crm_audit::tables::TableKind;
use polars::prelude::*;
use std::path::Path;

fn ingest_with(sources: &str) -> IngestResult {
    let text = format!("[client]\nname = \"Case\"\nid = \"case\"\n{sources}");
    let mut cfg: AuditConfig = toml::from_str(&text).unwrap();
    cfg.base_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/cases");
    ingest_client(
        &cfg,
        IngestOptions::as_of(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()),
    )
}

fn tx(file: &str, extra: &str) -> IngestResult {
    ingest_with(&format!(
        "[[source]]\ntable = \"transactions\"\nfile = \"{file}\"\n{extra}"
    ))
}

fn texts(df: &DataFrame, col: &str) -> Vec<String> {
    let c = df.column(col).unwrap();
    (0..df.height())
        .map(|i| c.get(i).unwrap().to_string().trim_matches('"').to_string())
        .collect()
}

fn amounts(r: &IngestResult) -> Vec<Option<f64>> {
    r.tables
        .transactions
        .column("net_amount")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect()
}

#[test]
fn net_amount_is_derived_from_quantity_times_unit_price() {
    let r = tx("derived_amount.csv", "");
    // 3 × 2.50 = 7.50; 2 × 1,000.00 = 2,000.00
    assert_eq!(amounts(&r), vec![Some(7.5), Some(2000.0)]);
    let s = &r.ledger.sources[0];
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("net_amount derived as 'Quantity' × 'UnitPrice'"))
    );
    let net = s
        .detection
        .columns
        .iter()
        .find(|c| c.canonical == "net_amount")
        .unwrap();
    assert_eq!(
        (net.how.as_str(), net.source.as_deref()),
        ("derived", Some("Quantity × UnitPrice"))
    );
}

#[test]
fn without_an_id_column_customers_are_keyed_by_lower_case_email() {
    let r = tx("keyed_by_email.csv", "");
    assert_eq!(
        texts(&r.tables.transactions, "customer_id"),
        ["ana@example.com"]
    );
    let s = &r.ledger.sources[0];
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("keyed by e-mail ('Contact Email')"))
    );
    // The row without an e-mail has no key: rejected, not dropped silently.
    assert_eq!((s.rows_read, s.rows_rejected), (2, 1));
    assert_eq!(s.rejected[0].reason, "customer_id: missing");
}

#[test]
fn every_detection_can_be_overridden_in_audit_toml() {
    let r = tx(
        "odd_headers.csv",
        "header_row = 2\ndelimiter = \";\"\ndecimal = \".\"\nencoding = \"utf-8\"\n\
         date_format = \"%d.%m.%y\"\n\
         columns = { customer_id = \"Cli\", date = \"Fch\", net_amount = \"Imp\", cost = \"Cst\" }\n",
    );
    let t = &r.tables.transactions;
    assert_eq!(texts(t, "customer_id"), ["A1", "A2"]);
    assert_eq!(texts(t, "date"), ["2026-03-14", "2026-04-01"]);
    assert_eq!(amounts(&r), vec![Some(1.5), Some(2.25)]);
    assert_eq!(texts(t, "cost"), ["0.5", "1.0"]);
    let s = &r.ledger.sources[0];
    assert_eq!(
        (s.detection.header_row, s.detection.decimal.as_deref()),
        (Some(2), Some("."))
    );
    assert!(
        s.detection
            .columns
            .iter()
            .any(|c| c.canonical == "cost" && c.how == "audit.toml")
    );
}

#[test]
fn unknown_headers_without_mapping_name_the_column_to_map() {
    let r = tx("odd_headers.csv", "header_row = 2\n");
    let e = &r.ledger.sources[0].errors[0];
    assert!(e.contains("no column for transactions.customer_id"), "{e}");
    assert!(e.contains("'Cli', 'Fch', 'Imp', 'Cst'"), "{e}");
    assert!(!r.ledger.usable());
}

#[test]
fn excel_serials_default_to_1900_and_follow_excel1904_when_configured() {
    // 43538 in the 1900 system: 45000 − 1462 days = 2023-03-15 − 1462 days = 2019-03-14.
    let r = tx("serials.csv", "");
    assert_eq!(
        texts(&r.tables.transactions, "date"),
        ["2019-03-14", "2019-03-14"]
    );
    // In the 1904 system the same serial is 1462 days later: 2023-03-15.
    let r = tx("serials.csv", "date_format = \"excel1904\"\n");
    assert_eq!(
        texts(&r.tables.transactions, "date"),
        ["2023-03-15", "2023-03-15"]
    );
}

#[test]
fn bare_serial_numbers_in_a_1904_workbook_use_its_date_system() {
    // serials_1904.xlsx sets date1904; its plain number 43538 is 2023-03-15 (1900: 2019-03-14).
    let r = tx("serials_1904.xlsx", "");
    assert_eq!(texts(&r.tables.transactions, "date"), ["2023-03-15"]);
    let s = &r.ledger.sources[0];
    assert_eq!(
        s.detection.date_formats[0].format,
        "Excel serial (1904 system)"
    );
}

#[test]
fn an_excel_sep_line_sets_the_delimiter() {
    let r = tx("sep_line.csv", "");
    let s = &r.ledger.sources[0];
    assert_eq!(
        (s.detection.delimiter.as_deref(), s.detection.header_row),
        (Some(";"), Some(2))
    );
    assert_eq!(amounts(&r), vec![Some(1.5)]);
}

#[test]
fn a_column_mixing_day_first_and_month_first_dates_is_an_error() {
    let r = tx("conflicting_dates.csv", "");
    let e = &r.ledger.sources[0].errors[0];
    assert!(
        e.contains("'13/04/2026'") && e.contains("'03/14/2026'"),
        "{e}"
    );
    assert!(r.ledger.has_errors());
}

#[test]
fn two_digit_years_in_a_semicolon_file_read_day_first() {
    let r = tx("dmy_short.csv", "");
    assert_eq!(texts(&r.tables.transactions, "date"), ["2026-02-01"]);
}

#[test]
fn a_totals_row_that_does_not_add_up_is_excluded_and_warned_about() {
    let r = tx("totals_mismatch.csv", "");
    let s = &r.ledger.sources[0];
    // 10,00 + 5,50 = 15,50 but the Total row says 16,00.
    assert_eq!((s.rows_read, s.rows_accepted), (2, 2));
    let t = s.totals_row.as_ref().unwrap();
    assert_eq!((t.row, t.matches), (4, false));
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("states 16.00 but the accepted rows sum to 15.50"))
    );
}

#[test]
fn utf16_big_endian_with_bom_is_transcoded() {
    let r = tx("utf16be.csv", "");
    assert_eq!(
        r.ledger.sources[0].detection.encoding.as_deref(),
        Some("utf-16be")
    );
    assert_eq!(texts(&r.tables.transactions, "customer_id"), ["CÓ-1"]);
    assert_eq!(amounts(&r), vec![Some(7.5)]);
}

#[test]
fn a_glob_concatenates_files_of_different_encodings() {
    let r = tx("ventas_*.csv", "");
    let enc: Vec<Option<&str>> = r
        .ledger
        .sources
        .iter()
        .map(|s| s.detection.encoding.as_deref())
        .collect();
    assert_eq!(enc, vec![Some("utf-8"), Some("windows-1252")]);
    assert_eq!(texts(&r.tables.transactions, "customer_id"), ["C1", "Peña"]);
    assert_eq!(amounts(&r), vec![Some(1.5), Some(2.5)]);
    assert_eq!(r.ledger.tables[0].sources, 2);
}

#[test]
fn spanish_amount_forms_parse_in_a_decimal_comma_column() {
    let r = ingest_with("[[source]]\ntable = \"transactions\"\nfile = \"amounts_es.csv\"\n");
    assert_eq!(
        amounts(&r),
        vec![
            Some(1234.56),
            Some(1234.56),
            Some(-123.45),
            Some(-12.5),
            Some(1_234_567.8),
            Some(12345.0),
            Some(-123.45)
        ]
    );
}

#[test]
fn english_amount_forms_parse_in_a_decimal_dot_column() {
    let r = tx("amounts_en.csv", "");
    assert_eq!(
        amounts(&r),
        vec![
            Some(1234.56),
            Some(1234.56),
            Some(-123.45),
            Some(12.345),
            Some(1_234_567.8)
        ]
    );
}

#[test]
fn numeric_ids_too_long_for_a_spreadsheet_are_flagged() {
    let r = ingest_with("[[source]]\ntable = \"customers\"\nfile = \"long_ids.xlsx\"\n");
    let c = r.tables.customers.as_ref().unwrap();
    // The number cell kept only 17 significant digits; the text cell kept all 18.
    assert_eq!(
        texts(c, "customer_id"),
        ["123456789012345680", "123456789012345678", "42"]
    );
    let s = &r.ledger.sources[0];
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("'Customer ID': 1 ids")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn parquet_columns_keep_their_types_and_integer_ids_become_text() {
    let r = tx("invoices.parquet", "");
    let t = &r.tables.transactions;
    assert_eq!(texts(t, "customer_id"), ["981", "77"]);
    assert_eq!(texts(t, "date"), ["2026-03-18", "2026-03-19"]);
    assert_eq!(amounts(&r), vec![Some(125.0), Some(-25.0)]);
    assert_eq!(t.schema().get("customer_id"), Some(&DataType::String));
}

#[test]
fn an_unreadable_file_and_a_missing_sheet_do_not_stop_the_other_sources() {
    let r = ingest_with(
        "[[source]]\ntable = \"customers\"\nfile = \"corrupt.xlsx\"\n\
         [[source]]\ntable = \"customers\"\nfile = \"long_ids.xlsx\"\nsheet = \"Nope\"\n\
         [[source]]\ntable = \"transactions\"\nfile = \"ventas_a.csv\"\n",
    );
    let errors: Vec<&String> = r.ledger.sources.iter().flat_map(|s| &s.errors).collect();
    assert!(
        errors[0].starts_with("cannot read corrupt.xlsx"),
        "{errors:?}"
    );
    assert!(
        errors[1].contains("sheet 'Nope' not found; sheets: 'Clientes'"),
        "{errors:?}"
    );
    assert_eq!(r.tables.transactions.height(), 1);
    assert!(r.ledger.usable() && r.ledger.has_errors());
}

#[test]
fn without_transactions_the_client_is_unusable() {
    let r = ingest_with("[[source]]\ntable = \"customers\"\nfile = \"long_ids.xlsx\"\n");
    assert!(!r.ledger.usable());
    assert!(r.ledger.errors[0].contains("no transactions could be read"));
    assert_eq!(
        r.tables.transactions.schema().as_ref(),
        &TableKind::Transactions.schema()
    );
}
