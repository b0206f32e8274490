use super::*;
use crate::ingest::checks::ROW_COLUMN;
use crate::ingest::mapping::map_columns;
use crate::ingest::raw::{RawDetection, column_name};
use crate::tables::TableKind;
use std::collections::BTreeMap;

/// A raw text table as a reader gives it: data row `i` is file row `i + 2`, an empty string a
/// null (as polars reads an empty field).
pub(crate) fn raw(headers: &[&str], rows: &[&[&str]]) -> RawTable {
    let columns: Vec<Column> = (0..headers.len())
        .map(|c| {
            let values: Vec<Option<&str>> = rows
                .iter()
                .map(|r| r.get(c).copied().filter(|v| !v.is_empty()))
                .collect();
            Column::new(column_name(c), values)
        })
        .collect();
    RawTable {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        frame: DataFrame::new(rows.len(), columns).unwrap(),
        rows: RowNumbers::Offset(2),
        detection: RawDetection::default(),
        empty_rows_skipped: 0,
        warnings: Vec::new(),
    }
}

fn mapping(raw: &RawTable, table: TableKind) -> Mapping {
    map_columns("f.csv", &raw.headers, table, &BTreeMap::new()).unwrap()
}

fn ledger() -> SourceLedger {
    SourceLedger::new("f.csv".into(), None)
}

#[test]
fn the_decimal_comes_from_the_config_then_the_hint_then_the_values() {
    let headers = ["Customer ID", "Date", "Amount"];
    let comma = raw(
        &headers,
        &[
            &["C1", "2026-01-02", "1.234,5"],
            &["C2", "2026-01-03", "7,25"],
        ],
    );
    let dots = raw(&headers, &[&["C1", "2026-01-02", "1,234.5"]]);
    let whole = raw(
        &headers,
        &[&["C1", "2026-01-02", "12"], &["C2", "2026-01-03", "7"]],
    );
    let src = SourceConfig::default();
    let m = mapping(&comma, TableKind::Transactions);
    assert_eq!(file_decimal(&comma, &m, &src), (DecimalSep::Comma, false));
    assert_eq!(file_decimal(&dots, &m, &src), (DecimalSep::Dot, false));
    // Whole numbers show no separator: the default, and more rows could still decide.
    assert_eq!(file_decimal(&whole, &m, &src), (DecimalSep::Dot, true));
    let mut hinted = dots.clone();
    hinted.detection.decimal_hint = Some(DecimalSep::Comma);
    assert_eq!(file_decimal(&hinted, &m, &src), (DecimalSep::Comma, false));
    let configured = SourceConfig {
        decimal: Some('.'),
        ..SourceConfig::default()
    };
    assert_eq!(
        file_decimal(&hinted, &m, &configured),
        (DecimalSep::Dot, false)
    );
}

#[test]
fn rejected_rows_are_left_out_of_every_column_with_the_file_rows_of_the_rest() {
    let r = raw(
        &["Customer ID", "Date", "Amount", "Notes"],
        &[
            &["C1", "2026-01-02", "10.5", "x"],
            &["", "2026-01-03", "7", "missing id"],
            &["C3", "not a date", "3", ""],
            &["C4", "2026-01-05", "2.25", ""],
        ],
    );
    let m = mapping(&r, TableKind::Transactions);
    let mut l = ledger();
    let df = assemble(&r, &m, &SourceConfig::default(), &mut l).unwrap();
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    assert_eq!(df.height(), 2);
    let rows: Vec<Option<u32>> = df
        .column(ROW_COLUMN)
        .unwrap()
        .u32()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(rows, vec![Some(2), Some(5)]);
    let ids: Vec<Option<&str>> = df
        .column("customer_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(ids, vec![Some("C1"), Some("C4")]);
    let amounts: Vec<Option<f64>> = df
        .column("net_amount")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(amounts, vec![Some(10.5), Some(2.25)]);
    // Every canonical column is there, the unmapped ones null with their own dtype.
    for spec in TableKind::Transactions.columns() {
        let c = df.column(spec.name).unwrap();
        assert_eq!(c.dtype(), &spec.ty.dtype(), "{}", spec.name);
    }
    assert_eq!(df.column("invoice_id").unwrap().null_count(), 2);
    assert_eq!((l.rows_accepted, l.rows_rejected), (2, 2));
    assert_eq!(l.detection.unused_headers, vec!["Notes"]);
    assert_eq!(l.detection.decimal.as_deref(), Some("."));
}

#[test]
fn a_missing_amount_is_quantity_times_unit_price() {
    let r = raw(
        &["Customer ID", "Date", "Quantity", "Unit Price"],
        &[
            &["C1", "2026-01-02", "3", "2.5"],
            &["C2", "2026-01-03", "2", "0.25"],
        ],
    );
    let m = mapping(&r, TableKind::Transactions);
    let mut l = ledger();
    let df = assemble(&r, &m, &SourceConfig::default(), &mut l).unwrap();
    let amounts: Vec<Option<f64>> = df
        .column("net_amount")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(amounts, vec![Some(7.5), Some(0.5)]);
    assert!(
        l.notes
            .contains(&Msg::derived_net_amount("Quantity", "Unit Price")),
        "{:?}",
        l.notes
    );
    let amount = l
        .detection
        .columns
        .iter()
        .find(|c| c.canonical == "net_amount")
        .unwrap();
    assert_eq!(amount.source.as_deref(), Some("Quantity × Unit Price"));
}

#[test]
fn a_date_column_read_in_both_orders_is_an_error_naming_the_file() {
    // 13/01 is day first, 01/13 month first: no single order reads the column.
    let r = raw(
        &["Customer ID", "Date", "Amount"],
        &[&["C1", "13/01/2026", "1"], &["C2", "01/13/2026", "2"]],
    );
    let m = mapping(&r, TableKind::Transactions);
    let mut l = ledger();
    assert!(assemble(&r, &m, &SourceConfig::default(), &mut l).is_none());
    assert!(
        l.errors.iter().all(|e| e.starts_with("f.csv: ")),
        "{:?}",
        l.errors
    );
    assert!(!l.errors.is_empty());
}
