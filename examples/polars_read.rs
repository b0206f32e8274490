//! The benchmark's yardstick: polars alone reading CSV files into memory, every column as text
//! (what ingest does before converting), in parallel like ingest. Prints rows and seconds.
//!
//! `cargo run --release --example polars_read -- a.csv b.csv ...`

use polars::prelude::*;
use rayon::prelude::*;
use std::time::Instant;

fn main() -> PolarsResult<()> {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let t0 = Instant::now();
    let rows: PolarsResult<Vec<usize>> = files
        .par_iter()
        .map(|f| {
            let df = CsvReadOptions::default()
                .with_has_header(true)
                .with_infer_schema_length(Some(0))
                .with_parse_options(CsvParseOptions::default().with_separator(sniff(f)))
                .try_into_reader_with_file_path(Some(f.into()))?
                .finish()?;
            Ok(df.height())
        })
        .collect();
    let rows: usize = rows?.iter().sum();
    println!("{rows} rows in {:.3} s", t0.elapsed().as_secs_f64());
    Ok(())
}

/// The delimiter of the first line: `;` for Spanish exports, else `,`.
fn sniff(path: &str) -> u8 {
    let head = std::fs::read(path)
        .map(|b| b[..b.len().min(4096)].to_vec())
        .unwrap_or_default();
    let line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let count = |c: u8| line.iter().filter(|&&b| b == c).count();
    if count(b';') > count(b',') {
        b';'
    } else {
        b','
    }
}
