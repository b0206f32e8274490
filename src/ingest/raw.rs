//! A source as read, before any typing: its header cells, one polars column per header (text for
//! CSV and spreadsheets, typed for Parquet), where each data row sits in the file, and what the
//! reader detected. Every reader produces one; conversion to the canonical table starts from it.

use super::parse::date::SerialBase;
use super::parse::decimal::DecimalSep;
use polars::prelude::*;

/// Where the data rows are in the file, so messages can point at the row a person sees.
#[derive(Debug, Clone)]
pub(crate) enum RowNumbers {
    /// Data row `i` is file row `first + i` (1-based; CSV records and contiguous sheets).
    Offset(usize),
    /// Data row `i` is file row `rows[i]` (sheets with skipped empty rows).
    Explicit(Vec<u32>),
}

impl RowNumbers {
    /// The 1-based row in the file of data row `i`.
    pub(crate) fn file_row(&self, i: usize) -> usize {
        match self {
            RowNumbers::Offset(first) => first + i,
            RowNumbers::Explicit(rows) => rows.get(i).map_or(0, |r| *r as usize),
        }
    }

    /// Keeps the numbers of the rows selected by `keep`.
    pub(crate) fn filter(&self, keep: &[bool]) -> RowNumbers {
        let rows = (0..keep.len())
            .filter(|&i| keep[i])
            .map(|i| self.file_row(i) as u32)
            .collect();
        RowNumbers::Explicit(rows)
    }
}

/// Reader facts and locale hints of one source.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawDetection {
    /// Encoding of a text file.
    pub(crate) encoding: Option<String>,
    /// Delimiter of a text file.
    pub(crate) delimiter: Option<char>,
    /// 1-based row of the header in the file.
    pub(crate) header_row: Option<usize>,
    /// The file's decimal separator when something besides the values says so (audit.toml, a
    /// `;` delimiter).
    pub(crate) decimal_hint: Option<DecimalSep>,
    /// A `;`, decimal-comma or Windows-1252 file: ambiguous dates are read day-first.
    pub(crate) day_first_hint: bool,
    /// Excel serial system of bare numbers in date columns.
    pub(crate) serial_base: Option<SerialBase>,
}

/// One source as read.
#[derive(Debug, Clone)]
pub(crate) struct RawTable {
    /// Header cells as shown to people (cleaned: unique, non-blank).
    pub(crate) headers: Vec<String>,
    /// One column per header, in header order, named `c0`, `c1`, ...
    pub(crate) frame: DataFrame,
    /// File rows of the data rows.
    pub(crate) rows: RowNumbers,
    /// What the reader detected.
    pub(crate) detection: RawDetection,
    /// Rows with no value at all, skipped and counted (not part of `frame`).
    pub(crate) empty_rows_skipped: usize,
    /// Facts the ledger should mention (e.g. ids that lost digits in the spreadsheet).
    pub(crate) warnings: Vec<String>,
}

impl RawTable {
    /// Number of data rows.
    pub(crate) fn height(&self) -> usize {
        self.frame.height()
    }

    /// The column of header `i`.
    pub(crate) fn column(&self, i: usize) -> &Column {
        &self.frame.columns()[i]
    }

    /// The text of one cell, for messages (empty when null).
    pub(crate) fn cell_text(&self, col: usize, row: usize) -> String {
        match self.column(col).get(row) {
            Ok(AnyValue::Null) | Err(_) => String::new(),
            Ok(AnyValue::String(s)) => s.to_string(),
            Ok(AnyValue::StringOwned(s)) => s.to_string(),
            Ok(v) => v.to_string(),
        }
    }
}

/// What the row checks after conversion (acceptance, totals rows, messages) need of a source's
/// cells. A source read whole answers from its text; one read in slices keeps only the cells
/// those checks can ask for.
pub(crate) trait Cells {
    /// Number of data rows.
    fn height(&self) -> usize;
    /// Number of columns (headers).
    fn width(&self) -> usize;
    /// Where each data row sits in the file.
    fn rows(&self) -> &RowNumbers;
    /// The text of one cell, for messages (empty when null).
    fn cell_text(&self, col: usize, row: usize) -> String;
    /// How many cells of column `col` hold something (not null).
    fn present(&self, col: usize) -> usize;
}

impl Cells for RawTable {
    fn height(&self) -> usize {
        RawTable::height(self)
    }
    fn width(&self) -> usize {
        self.frame.width()
    }
    fn rows(&self) -> &RowNumbers {
        &self.rows
    }
    fn cell_text(&self, col: usize, row: usize) -> String {
        RawTable::cell_text(self, col, row)
    }
    fn present(&self, col: usize) -> usize {
        self.height() - self.column(col).null_count()
    }
}

impl RowNumbers {
    /// The numbers of `self`'s `len` rows followed by `next`'s.
    pub(crate) fn then(self, len: usize, next: &RowNumbers, next_len: usize) -> RowNumbers {
        match (&self, next) {
            (RowNumbers::Offset(a), RowNumbers::Offset(b)) if a + len == *b => self,
            _ => {
                let mut rows: Vec<u32> = match self {
                    RowNumbers::Explicit(v) => v,
                    RowNumbers::Offset(a) => (0..len).map(|i| (a + i) as u32).collect(),
                };
                rows.extend((0..next_len).map(|i| next.file_row(i) as u32));
                RowNumbers::Explicit(rows)
            }
        }
    }
}

impl RawTable {
    /// Appends the next slice of the same file (same columns).
    pub(crate) fn append(&mut self, next: RawTable) -> PolarsResult<()> {
        let len = self.height();
        let rows = std::mem::replace(&mut self.rows, RowNumbers::Offset(0));
        self.rows = rows.then(len, &next.rows, next.height());
        self.frame.vstack_mut_owned(next.frame)?;
        self.empty_rows_skipped += next.empty_rows_skipped;
        self.warnings.extend(next.warnings);
        Ok(())
    }
}

/// Internal column name of header `i`.
pub(crate) fn column_name(i: usize) -> PlSmallStr {
    format!("c{i}").into()
}
