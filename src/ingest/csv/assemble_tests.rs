use super::*;
use crate::ingest::assemble::assemble;
use crate::ingest::assemble::tests::raw;
use crate::ingest::csv::Reader;
use crate::ingest::csv::slices::open_sliced_by;
use crate::ingest::csv::whole::read_csv;
use crate::ingest::mapping::map_columns;
use crate::ingest::parse::decimal::DecimalSep;
use crate::tables::TableKind;
use std::collections::BTreeMap;

fn mapping(raw: &RawTable, table: TableKind) -> Mapping {
    map_columns("f.csv", &raw.headers, table, &BTreeMap::new()).unwrap()
}

/// `raw` with its data rows numbered from file row `first`.
fn numbered(mut raw: RawTable, first: usize) -> RawTable {
    raw.rows = RowNumbers::Offset(first);
    raw
}

#[test]
fn slices_give_the_frame_and_the_ledger_of_the_whole_read() {
    let mut text = String::from("Cliente;Fecha;Importe;Producto;Factura\n");
    for i in 0..9000 {
        let line = match i % 101 {
            7 => String::new(),
            13 => format!("C{:03};31/02/2026;1,00;Tuerca;F{i}", i % 300),
            19 => format!("C{:03};{:02}/03/2026;n/d;Tuerca;F{i}", i % 300, 1 + i % 28),
            23 => format!(
                ";{:02}/03/2026;2,00;\"Tornillo; \"\"grande\"\"\";F{i}",
                1 + i % 28
            ),
            _ => format!(
                "C{:03};{:02}/03/2026;{},50;Tornillo;F{i}",
                i % 300,
                1 + i % 28,
                i % 40
            ),
        };
        text.push_str(&line);
        text.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.csv");
    std::fs::write(&path, &text).unwrap();
    let src = SourceConfig::default();
    let table = TableKind::Transactions;

    let whole = read_csv(&path, "f.csv", &src, Some(table)).unwrap();
    let m = mapping(&whole, table);
    let mut whole_ledger = SourceLedger::new("f.csv".into(), None);
    whole_ledger.empty_rows_skipped = whole.empty_rows_skipped;
    let whole_frame = assemble(&whole, &m, &src, &mut whole_ledger).unwrap();

    let sliced = open_sliced_by(&path, "f.csv", &src, Some(table), 8 << 10, Reader::Direct)
        .unwrap()
        .expect("large enough to slice");
    let mut slices = sliced.slices();
    let first = slices.next().unwrap().and_then(Slice::into_raw).unwrap();
    let mut ledger = SourceLedger::new("f.csv".into(), None);
    ledger.empty_rows_skipped = first.empty_rows_skipped;
    let frame = assemble_sliced(first, &mut slices, &m, &src, &mut ledger, false)
        .unwrap()
        .unwrap();

    // The sliced read adds the rows' hash, for the duplicate check.
    assert_eq!(frame.column(ROW_HASH).unwrap().len(), frame.height());
    let frame = frame.drop(ROW_HASH).unwrap();
    assert_eq!(frame.get_column_names(), whole_frame.get_column_names());
    for (a, b) in frame.columns().iter().zip(whole_frame.columns()) {
        let (a, b) = (a.as_materialized_series(), b.as_materialized_series());
        assert!(a.equals_missing(b), "{}", a.name());
    }
    assert_eq!(format!("{ledger:?}"), format!("{whole_ledger:?}"));
    assert!(ledger.rows_rejected > 100, "{}", ledger.rows_rejected);
    assert_eq!(ledger.empty_rows_skipped, 90);
}

#[test]
fn decisions_wait_for_rows_that_show_them() {
    let headers = ["Customer ID", "Date", "Amount"];
    // Comma-separated (no locale hint): 01/02 reads either way, 12 shows no separator.
    let undecided = raw(
        &headers,
        &[&["C1", "01/02/2026", "12"], &["C2", "03/04/2026", "7"]],
    );
    let m = mapping(&undecided, TableKind::Transactions);
    let src = SourceConfig::default();
    let plan = SlicePlan::decide(&undecided, &m, &src, false);
    assert!(plan.decimal_open);
    assert!(plan.wants_more_rows());
    let mut more = undecided.clone();
    more.append(numbered(raw(&headers, &[&["C3", "25/04/2026", "7.5"]]), 4))
        .unwrap();
    let plan = SlicePlan::decide(&more, &m, &src, false);
    assert!(!plan.wants_more_rows());
    assert_eq!(plan.ctx.decimal, DecimalSep::Dot);
    let targets = plan.targets().expect("every column has a direct reading");
    let names: Vec<&str> = targets.iter().map(|t| t.name).collect();
    assert_eq!(names, vec!["customer_id", "date", "net_amount"]);
    assert!(matches!(targets[1].reader, CellReader::Date(_)));
    assert!(matches!(
        targets[2].reader,
        CellReader::Number(DecimalSep::Dot)
    ));
}

#[test]
fn released_text_columns_keep_only_their_share_of_the_row_hash() {
    let headers = ["Customer ID", "Date", "Amount", "Product"];
    let first = raw(&headers, &[&["C1", "2026-01-02", "1.5", "Tornillo"]]);
    let m = mapping(&first, TableKind::Transactions);
    let plan = SlicePlan::decide(&first, &m, &SourceConfig::default(), true);
    let released: Vec<&str> = plan
        .jobs
        .iter()
        .filter(|j| j.released)
        .map(|j| j.spec.name)
        .collect();
    assert_eq!(released, vec!["product"]);
    let mut kept = Kept::new(&first, &plan);
    kept.add(first, &plan);
    let (pieces, _, hash) = kept.finish(&plan);
    assert!(pieces.iter().all(|p| p.spec.name != "product"));
    assert_eq!(hash.unwrap().len(), 1);
}

#[test]
fn kept_rows_failures_and_cells_follow_on_across_slices() {
    let headers = ["Customer ID", "Date", "Amount"];
    let first = raw(
        &headers,
        &[&["C1", "2026-01-02", "1.5"], &["C2", "2026-01-03", "oops"]],
    );
    // The next slice starts at file row 10 (blank lines in between), its last row a total.
    let second = numbered(
        raw(
            &headers,
            &[
                &["C3", "bad date", "2"],
                &["  ", "2026-01-05", "3"],
                &["Total", "", "6.5"],
            ],
        ),
        10,
    );
    let m = mapping(&first, TableKind::Transactions);
    let plan = SlicePlan::decide(&first, &m, &SourceConfig::default(), false);
    let mut kept = Kept::new(&first, &plan);
    kept.add(first, &plan);
    kept.add(second, &plan);
    assert_eq!(kept.cells.height, 5);
    let file_rows: Vec<usize> = (0..5).map(|r| kept.cells.rows.file_row(r)).collect();
    assert_eq!(file_rows, vec![2, 3, 10, 11, 12]);
    let failed = |name: &str| -> Vec<usize> {
        let k = plan.jobs.iter().position(|j| j.spec.name == name).unwrap();
        kept.failures[k].iter().map(|(row, _)| *row).collect()
    };
    assert_eq!(failed("net_amount"), vec![1]);
    assert_eq!(failed("date"), vec![2]);
    // The cells the row checks may name: failures, blanks read as nothing, the last row.
    assert_eq!(kept.cells.cell_text(2, 1), "oops");
    assert_eq!(kept.cells.cell_text(1, 2), "bad date");
    assert_eq!(kept.cells.cell_text(0, 3), "  ");
    assert_eq!(kept.cells.cell_text(0, 4), "Total");
    assert_eq!(kept.cells.cell_text(2, 4), "6.5");
    assert_eq!(
        kept.cells.cell_text(0, 0),
        "",
        "an ordinary cell is not kept"
    );
    assert_eq!(kept.cells.present(0), 5);
    let (pieces, cells, hash) = kept.finish(&plan);
    assert_eq!(cells.height(), 5);
    assert_eq!(hash.unwrap().len(), 5);
    let amount = pieces.iter().find(|p| p.spec.name == "net_amount").unwrap();
    let values: Vec<Option<f64>> = amount.converted.column.f64().unwrap().iter().collect();
    assert_eq!(
        values,
        vec![Some(1.5), None, Some(2.0), Some(3.0), Some(6.5)]
    );
    assert_eq!(amount.converted.column.n_chunks(), 1);
}
