//! Parquet sources through polars: already typed, so columns keep their types and are only cast
//! to the canonical ones (text columns still go through the text parsers). The way to feed very
//! large clients. Part of the ingest stage.

use super::ledger::Msg;
use super::raw::{RawDetection, RawTable, RowNumbers, column_name};
use polars::prelude::*;
use std::path::Path;

/// Reads a Parquet file; row `i` is reported as row `i + 1`.
pub(crate) fn read_parquet(path: &Path, shown: &str) -> Result<RawTable, String> {
    let file = std::fs::File::open(path).map_err(|e| Msg::unreadable(shown, &e))?;
    let mut frame = ParquetReader::new(file)
        .finish()
        .map_err(|e| Msg::unreadable(shown, &e))?;
    let headers: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let names: Vec<PlSmallStr> = (0..headers.len()).map(column_name).collect();
    frame
        .set_column_names(&names)
        .map_err(|e| Msg::unreadable(shown, &e))?;
    Ok(RawTable {
        headers,
        frame,
        rows: RowNumbers::Offset(1),
        detection: RawDetection::default(),
        empty_rows_skipped: 0,
        warnings: Vec::new(),
    })
}
