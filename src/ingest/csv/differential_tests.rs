//! The direct reader against polars on random rows: the same file, cut into small slices, read
//! once by the direct reader and once with polars parsing every slice ([`Reader::Polars`]), must
//! give the same canonical frame (values, nulls, file rows, row hashes) and the same ledger
//! (failures, rejected rows and the cells they name, blank rows, totals row).
//!
//! The rows carry what exports carry: quoted fields with separators, doubled quotes and line
//! ends inside, empty and blanks-only cells, untrimmed text, decimal commas with thousands
//! separators, unreadable numbers and dates, dates of both orders, short and long records, blank
//! and separator-only lines, CRLF and LF line ends, text outside ASCII and, rarely, a quote
//! inside an unquoted field (its slice goes to polars in both readings).

use super::direct::convert_lines;
use super::pool::PiecePool;
use super::slices::{Slice, open_sliced_by};
use super::{Reader, assemble_sliced};
use crate::config::SourceConfig;
use crate::ingest::ledger::SourceLedger;
use crate::ingest::mapping::map_columns;
use crate::tables::TableKind;
use polars::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;

/// Slice size of the test reads: many slices per file.
const SLICE: usize = 8 << 10;
const ROWS: usize = 6000;

/// The canonical frame and the ledger entry of one sliced read.
fn read(path: &Path, table: TableKind, reader: Reader, release: bool) -> (DataFrame, String) {
    let src = SourceConfig::default();
    let sliced = open_sliced_by(path, "random.csv", &src, Some(table), SLICE, reader)
        .unwrap()
        .expect("large enough to read in slices");
    let mut slices = sliced.slices();
    let first = slices.next().unwrap().and_then(Slice::into_raw).unwrap();
    let mapping = map_columns("random.csv", &first.headers, table, &src.columns).unwrap();
    let mut ledger = SourceLedger::new("random.csv".into(), None);
    ledger.empty_rows_skipped = first.empty_rows_skipped;
    let frame = assemble_sliced(first, &mut slices, &mapping, &src, &mut ledger, release)
        .unwrap()
        .expect("a usable source");
    assert!(ledger.errors.is_empty(), "{:?}", ledger.errors);
    (frame, format!("{ledger:?}"))
}

/// A cell, maybe quoted (with its quotes doubled), maybe padded with blanks.
fn cell(rng: &mut StdRng, value: &str, sep: char) -> String {
    let needs_quotes = value.contains(sep) || value.contains('"') || value.contains('\n');
    if needs_quotes || rng.random_bool(0.05) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else if rng.random_bool(0.03) {
        format!("  {value} ")
    } else {
        value.to_string()
    }
}

fn pick<'a>(rng: &mut StdRng, options: &[&'a str]) -> &'a str {
    options[rng.random_range(0..options.len())]
}

/// A date as exports write it, day first (the file's `;` says so), or something unreadable.
fn date(rng: &mut StdRng, time: bool) -> String {
    let (d, m) = (rng.random_range(1..=28), rng.random_range(1..=12));
    let day = match rng.random_range(0..40) {
        0 => "31/02/2026".to_string(),
        1 => "n/d".to_string(),
        2 => String::new(),
        3 => "   ".to_string(),
        _ => format!("{d:02}/{m:02}/2026"),
    };
    if time && day.len() == 10 {
        format!(
            "{day} {:02}:{:02}",
            rng.random_range(0..24),
            rng.random_range(0..60)
        )
    } else {
        day
    }
}

/// An amount with a decimal comma (thousands with `.`), or something unreadable.
fn amount(rng: &mut StdRng) -> String {
    match rng.random_range(0..50) {
        0 => "n/d".to_string(),
        1 => String::new(),
        2 => "  ".to_string(),
        3 => format!(
            "-{},{:02}",
            rng.random_range(1..100),
            rng.random_range(0..100)
        ),
        4 => format!(
            "{}.{:03},{:02}",
            rng.random_range(1..10),
            rng.random_range(0..1000),
            rng.random_range(0..100)
        ),
        5 => "#VALUE!".to_string(),
        _ => format!(
            "{},{:02}",
            rng.random_range(0..500),
            rng.random_range(0..100)
        ),
    }
}

fn text(rng: &mut StdRng) -> String {
    pick(
        rng,
        &[
            "Tornillo",
            "Tuerca",
            "  Arandela ",
            "Tornillo; grande",
            "say \"hi\"",
            "two\nlines",
            "Ñandú € año",
            "",
            " ",
            "a value longer than twelve bytes",
        ],
    )
    .to_string()
}

/// The fields of one data row of `table`.
fn fields(rng: &mut StdRng, table: TableKind, i: usize) -> Vec<String> {
    let customer = format!("C{:04}", rng.random_range(0..400));
    match table {
        TableKind::Transactions => vec![
            customer,
            date(rng, false),
            amount(rng),
            text(rng),
            format!("F{i}"),
        ],
        TableKind::Complaints => vec![
            customer,
            date(rng, true),
            date(rng, true),
            pick(rng, &["Teléfono", "email", "", " Tienda "]).to_string(),
            pick(rng, &["Sí", "No", "yes", "quizá", "", "1", " no "]).to_string(),
            pick(rng, &["No", "Sí", " ", "0"]).to_string(),
        ],
        _ => vec![
            customer,
            date(rng, false),
            pick(rng, &["0", "7", "10", "11", "-1", "8,0", "n/d", ""]).to_string(),
            pick(rng, &["5", "4,5", "", "3", "0", "6", " 2 "]).to_string(),
        ],
    }
}

fn header(table: TableKind) -> &'static str {
    match table {
        TableKind::Transactions => "Cliente;Fecha;Importe;Producto;Factura",
        TableKind::Complaints => {
            "Cliente;Fecha apertura;Fecha cierre;Canal;Primer contacto;Reabierta"
        }
        _ => "Cliente;Fecha;NPS;CSAT",
    }
}

/// A random `;` export of `table`: the header, then [`ROWS`] records of every kind. With
/// `irregular`, a few rows hold a quote inside an unquoted field.
fn export(seed: u64, table: TableKind, irregular: bool) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let crlf = rng.random_bool(0.5);
    let end = if crlf { "\r\n" } else { "\n" };
    let mut out = format!("{}{end}", header(table));
    let width = header(table).split(';').count();
    for i in 0..ROWS {
        let line = match rng.random_range(0..200) {
            0 => String::new(),
            1 => ";".repeat(width - 1),
            2 if irregular => format!("C0001;01/02/2026;1,00;Tornillo \"grande\";F{i}"),
            _ => {
                let mut f = fields(&mut rng, table, i);
                match rng.random_range(0..60) {
                    0 => f.truncate(2),
                    1 => f.push("extra;más".to_string()),
                    _ => {}
                }
                let cells: Vec<String> = f.iter().map(|v| cell(&mut rng, v, ';')).collect();
                cells.join(";")
            }
        };
        out.push_str(&line);
        out.push_str(end);
    }
    // A totals row without a line end closes some files.
    if rng.random_bool(0.5) {
        out.push_str("TOTAL;;123,45");
    }
    out
}

#[test]
fn the_direct_reader_gives_what_polars_gives_on_random_exports() {
    let tables = [
        TableKind::Transactions,
        TableKind::Complaints,
        TableKind::Surveys,
    ];
    for seed in 0..4u64 {
        for (k, &table) in tables.iter().enumerate() {
            let seed = 0x5eed_0000 + seed * 16 + k as u64;
            let dir = tempfile::tempdir().unwrap();
            for irregular in [false, true] {
                let text = export(seed, table, irregular);
                if !irregular {
                    // Every record is regular: the direct reader reads the whole body itself.
                    let body = &text.as_bytes()[text.find('\n').unwrap() + 1..];
                    let width = header(table).split(';').count();
                    let read = convert_lines(
                        body,
                        b';',
                        width,
                        2,
                        &[],
                        "random.csv",
                        &PiecePool::default(),
                    );
                    assert!(matches!(read, Ok(Some(_))), "seed {seed}: regular rows");
                }
                let path = dir.path().join(format!("{irregular}.csv"));
                std::fs::write(&path, &text).unwrap();
                for release in [false, true] {
                    let (direct, direct_ledger) = read(&path, table, Reader::Direct, release);
                    let (polars, polars_ledger) = read(&path, table, Reader::Polars, release);
                    let what = format!("seed {seed}, {table:?}, irregular {irregular}");
                    assert_eq!(
                        direct.get_column_names(),
                        polars.get_column_names(),
                        "{what}"
                    );
                    for (a, b) in direct.columns().iter().zip(polars.columns()) {
                        assert_eq!(a.dtype(), b.dtype(), "{what}: {}", a.name());
                        let (a, b) = (a.as_materialized_series(), b.as_materialized_series());
                        assert!(a.equals_missing(b), "{what}: {}", a.name());
                    }
                    assert_eq!(direct_ledger, polars_ledger, "{what}");
                    assert!(direct.height() > ROWS / 2, "{what}: {}", direct.height());
                }
            }
        }
    }
}
