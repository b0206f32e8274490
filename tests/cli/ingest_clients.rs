//! Ingest of whole client folders under tests/fixtures/ingest/: the Spanish ERP/CRM exports, the
//! English SaaS exports (both laid out as in EXPORTS.md) and a folder sent as clients really send
//! it, read with detection only. Expected values are read off the fixture files.

use chrono::NaiveDate;
use crm_audit::config::AuditConfig;
use crm_audit::ingest::{IngestOptions, IngestResult, ingest_client};
use crm_audit::tables::TableKind;
use polars::prelude::*;
use std::path::Path;

fn ingest(client: &str) -> IngestResult {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ingest")
        .join(client)
        .join("audit.toml");
    let cfg = AuditConfig::load(&path).unwrap();
    ingest_client(
        &cfg,
        IngestOptions::as_of(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()),
    )
}

fn table(r: &IngestResult, kind: TableKind) -> &DataFrame {
    r.tables.get(kind).unwrap_or_else(|| panic!("no {kind:?}"))
}

fn strings(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    df.column(col)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(String::from))
        .collect()
}

fn numbers(df: &DataFrame, col: &str) -> Vec<Option<f64>> {
    df.column(col).unwrap().f64().unwrap().iter().collect()
}

fn texts(df: &DataFrame, col: &str) -> Vec<String> {
    let c = df.column(col).unwrap();
    (0..df.height())
        .map(|i| c.get(i).unwrap().to_string())
        .collect()
}

fn assert_canonical(r: &IngestResult) {
    for kind in TableKind::ALL {
        if let Some(df) = r.tables.get(kind) {
            let names: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect();
            let dtypes: Vec<DataType> = df.dtypes();
            let schema = kind.schema();
            let want_names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
            let want_dtypes: Vec<DataType> = schema.iter_values().cloned().collect();
            assert_eq!((names, dtypes), (want_names, want_dtypes), "{kind:?}");
        }
    }
    for s in &r.ledger.sources {
        let by_reason: usize = s.rejected.iter().map(|g| g.count).sum();
        assert_eq!(s.rows_read, s.rows_accepted + s.rows_rejected, "{}", s.path);
        assert_eq!(s.rows_rejected, by_reason, "{}", s.path);
    }
}

#[test]
fn spanish_client_reads_every_export_with_the_expected_rows() {
    let r = ingest("es-client");
    assert_canonical(&r);
    assert!(!r.ledger.has_errors(), "{}", r.ledger.render_text());
    let tx = table(&r, TableKind::Transactions);
    // 10 lines read: the impossible date (row 7) and the missing customer (row 8) rejected.
    assert_eq!(tx.height(), 8);
    // 299.80 + 62.50 + 1234.56 + 15.00 − 1234.56 + 60.00 + 15.00 + 35.00 = 487.30
    let total: f64 = numbers(tx, "net_amount").into_iter().flatten().sum();
    assert!((total - 487.30).abs() < 1e-9, "{total}");
    assert_eq!(numbers(tx, "net_amount")[4], Some(-1234.56));
    assert_eq!(strings(tx, "invoice_id")[4].as_deref(), Some("R2026-0001"));
    assert_eq!(strings(tx, "customer_id")[2].as_deref(), Some("000123"));
    assert_eq!(strings(tx, "product")[7].as_deref(), Some("Manguera; 25 m"));
    assert_eq!(numbers(tx, "cost")[7], None);
    assert_eq!(texts(tx, "date")[2], "2026-01-13");

    let facturas = &r.ledger.sources[1];
    assert_eq!(facturas.detection.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(facturas.detection.delimiter.as_deref(), Some(";"));
    assert_eq!(facturas.detection.decimal.as_deref(), Some(","));
    let rejected: Vec<(usize, &str)> = facturas
        .rejected_rows
        .iter()
        .map(|i| (i.row, i.reason.as_str()))
        .collect();
    assert_eq!(
        rejected,
        vec![(7, "date: not a date"), (8, "customer_id: missing")]
    );
    assert_eq!(facturas.cleared[0].examples[0].row, 11);
    let dup = facturas.duplicates.as_ref().unwrap();
    assert_eq!(
        (
            dup.rows,
            dup.examples[0].first_row,
            dup.examples[0].repeated_at
        ),
        (1, 5, 10)
    );
    let unmatched = facturas.unmatched_customers.as_ref().unwrap();
    assert_eq!(
        (unmatched.rows, unmatched.examples.clone()),
        (1, vec!["C000099".to_string()])
    );
}

#[test]
fn spanish_customer_sheet_skips_title_empty_and_totals_rows() {
    let r = ingest("es-client");
    let c = table(&r, TableKind::Customers);
    let ids: Vec<Option<String>> = strings(c, "customer_id");
    let want = ["C000001", "C000002", "000123", "C000004", "C000005"];
    assert_eq!(ids, want.map(|s| Some(s.to_string())).to_vec());
    // The text date "14/03/2025" of the last customer reads like the date cells above it.
    assert_eq!(
        texts(c, "created_at"),
        [
            "2024-02-15",
            "2024-06-01",
            "2025-01-10",
            "2025-03-20",
            "2025-03-14"
        ]
    );
    let s = &r.ledger.sources[0];
    assert_eq!(
        (s.detection.header_row, s.empty_rows_skipped, s.rows_read),
        (Some(3), 1, 5)
    );
    let totals = s.totals_row.as_ref().unwrap();
    // 120.5 + 80 + 45.25 + 300 + 54.75 = 600.5, as the TOTAL row states.
    assert_eq!((totals.row, totals.matches), (10, true));
    assert_eq!(totals.checks[0].computed, 600.5);
}

#[test]
fn spanish_complaints_and_surveys_keep_flags_blanks_and_multiline_comments() {
    let r = ingest("es-client");
    let cx = table(&r, TableKind::Complaints);
    assert_eq!(texts(cx, "opened_at")[0], "2026-01-15 10:00:00");
    assert_eq!(texts(cx, "resolved_at")[1], "null");
    assert_eq!(texts(cx, "reopened"), ["true", "false", "false"]);
    assert_eq!(
        texts(cx, "first_contact_resolution"),
        ["false", "false", "true"]
    );
    let sv = table(&r, TableKind::Surveys);
    assert_eq!(texts(sv, "nps"), ["9", "3", "null"]);
    assert_eq!(texts(sv, "csat"), ["null", "2", "5"]);
    assert!(
        strings(sv, "comment")[1]
            .as_deref()
            .unwrap()
            .contains("roto.\r\nTardaron")
    );
    let enc = &r.ledger.sources[4];
    assert_eq!((enc.rows_read, enc.rows_rejected), (4, 1));
    // The multi-line comment is one row for a person: the NPS of 11 is on row 5.
    assert_eq!(enc.rejected_rows[0].row, 5);
    assert_eq!(enc.rejected_rows[0].reason, "nps: outside 0–10");
}

#[test]
fn english_client_keeps_long_ids_and_reads_us_dates_month_first() {
    let r = ingest("en-client");
    assert_canonical(&r);
    assert!(!r.ledger.has_errors(), "{}", r.ledger.render_text());
    let c = table(&r, TableKind::Customers);
    assert_eq!(strings(c, "customer_id")[0].as_deref(), Some("000981"));
    assert_eq!(
        strings(c, "customer_id")[1].as_deref(),
        Some("123456789012345678")
    );
    assert_eq!(strings(c, "name")[0].as_deref(), Some("Acme, Inc."));
    assert_eq!(
        numbers(c, "acquisition_cost"),
        vec![Some(1250.0), Some(310.5), Some(95.0)]
    );
    assert_eq!(texts(c, "created_at")[0], "2025-03-14");
    let tx = table(&r, TableKind::Transactions);
    assert_eq!(
        numbers(tx, "net_amount"),
        vec![Some(125.0), Some(1200.0), Some(-25.0), Some(29.97)]
    );
    let sv = table(&r, TableKind::Surveys);
    assert_eq!(
        texts(sv, "date"),
        ["2026-03-02", "2026-03-14", "2026-04-08"]
    );
    let surveys = r
        .ledger
        .sources
        .iter()
        .find(|s| s.path == "surveys.csv")
        .unwrap();
    assert_eq!(surveys.detection.date_formats[0].format, "mm/dd/yyyy");
    let it = table(&r, TableKind::Interactions);
    assert_eq!(texts(it, "date")[1], "2026-03-15 14:05:30");
}

#[test]
fn english_ticket_workbook_reads_date_time_cells_booleans_and_numeric_ids() {
    let r = ingest("en-client");
    let cx = table(&r, TableKind::Complaints);
    assert_eq!(strings(cx, "complaint_id")[0].as_deref(), Some("5001"));
    assert_eq!(texts(cx, "opened_at")[0], "2026-03-03 09:15:00");
    assert_eq!(
        texts(cx, "resolved_at"),
        ["2026-03-03 17:40:00", "null", "2026-04-06 12:00:00"]
    );
    assert_eq!(
        texts(cx, "first_contact_resolution"),
        ["true", "false", "false"]
    );
    assert_eq!(texts(cx, "reopened"), ["false", "false", "true"]);
    let tickets = r
        .ledger
        .sources
        .iter()
        .find(|s| s.path == "tickets.xlsx")
        .unwrap();
    assert_eq!(tickets.detection.header_row, Some(2));
}

#[test]
fn a_folder_sent_as_is_is_read_with_detection_only() {
    let r = ingest("messy-client");
    assert_canonical(&r);
    assert!(!r.ledger.has_errors(), "{}", r.ledger.render_text());
    let tx = table(&r, TableKind::Transactions);
    // Two files concatenated: UTF-16 tab-separated first half, xlsx with serial dates second.
    assert_eq!(
        numbers(tx, "net_amount"),
        vec![
            Some(1234.56),
            Some(12345.0),
            Some(-123.45),
            Some(99.9),
            Some(150.0),
            Some(99.9)
        ]
    );
    assert_eq!(
        texts(tx, "date"),
        [
            "2026-01-02",
            "2026-02-17",
            "2026-03-28",
            "2026-06-30",
            "2026-07-15",
            "2026-09-01"
        ]
    );
    assert_eq!(strings(tx, "customer_id")[4].as_deref(), Some("1001"));
    let s2 = r
        .ledger
        .sources
        .iter()
        .find(|s| s.path == "ventas 2026-S2.xlsx")
        .unwrap();
    let totals = s2.totals_row.as_ref().unwrap();
    // The unlabelled last row holds 249.9 = 150 + 99.9.
    assert_eq!((totals.row, totals.matches, s2.rows_read), (4, true, 2));
    let s1 = r
        .ledger
        .sources
        .iter()
        .find(|s| s.path == "ventas 2026-S1.csv")
        .unwrap();
    assert_eq!(s1.detection.encoding.as_deref(), Some("utf-16le"));
    assert_eq!(s1.detection.delimiter.as_deref(), Some("\t"));
}

#[test]
fn messy_folder_tables_come_from_names_sheets_and_headers() {
    let r = ingest("messy-client");
    let by: Vec<(&str, Option<TableKind>, Option<&str>)> = r
        .ledger
        .sources
        .iter()
        .map(|s| (s.path.as_str(), s.table, s.table_detected_by.as_deref()))
        .collect();
    assert!(by.contains(&(
        "Export Clientes 2026.xlsx",
        Some(TableKind::Customers),
        Some("file name")
    )));
    assert!(by.contains(&(
        "Tickets.ods",
        Some(TableKind::Complaints),
        Some("sheet name")
    )));
    assert!(by.contains(&(
        "export_0423.csv",
        Some(TableKind::Interactions),
        Some("headers")
    )));
    assert!(
        by.iter()
            .all(|(p, _, _)| !p.starts_with("~$") && *p != "LEEME.txt")
    );
    assert!(
        r.ledger
            .warnings
            .iter()
            .any(|w| w.starts_with("LEEME.txt: skipped"))
    );
    // Two-row header with merged cells: the header is sheet row 3, data starts on row 4.
    let c = table(&r, TableKind::Customers);
    assert_eq!(
        strings(c, "customer_id"),
        vec![
            Some("1001".into()),
            Some("1002".into()),
            Some("1003".into())
        ]
    );
    assert_eq!(strings(c, "email")[0].as_deref(), Some("pepe@bar.example"));
    let cx = table(&r, TableKind::Complaints);
    assert_eq!(
        texts(cx, "opened_at"),
        ["2026-02-10 09:00:00", "2026-03-15 08:00:00"]
    );
    assert_eq!(strings(cx, "complaint_id")[0].as_deref(), Some("9001"));
    let sv = table(&r, TableKind::Surveys);
    assert_eq!(strings(sv, "comment")[1].as_deref(), Some("Tardan | mucho"));
}

#[test]
fn broken_sources_are_errors_and_the_others_are_still_read() {
    let r = ingest("broken-client");
    assert!(r.ledger.has_errors());
    assert!(r.ledger.usable(), "transactions were read");
    assert_eq!(table(&r, TableKind::Transactions).height(), 2);
    let errors: Vec<String> = r
        .ledger
        .sources
        .iter()
        .flat_map(|s| s.errors.clone())
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].contains("complaints.opened_at") && errors[0].contains("'Nº incidencia'"));
    assert!(errors[1].contains("encuestas_*.csv"));
    assert!(errors[2].contains("'Date'") && errors[2].contains("date_format"));
    assert!(r.tables.complaints.is_none() && r.tables.interactions.is_none());
}
