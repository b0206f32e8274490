//! The CSV reader (also TSV and TXT): a client's delimited exports into raw text tables, or,
//! for a large export, straight into converted canonical columns. Part of the ingest stage; it
//! depends on the cell parsers and the column storage of the rest of ingest (`convert`,
//! `dates`, `parse`, `columns`, `row_hash`), and nothing there depends on it but
//! `source` (which calls it) and the module list.
//!
//! Two readings, chosen by the file's size:
//! - **Whole** ([`whole`]): the file is mapped and parsed in place by polars when it looks like
//!   UTF-8, else read and transcoded; every column is text ([`parse`]), converted afterwards by
//!   `ingest::assemble`.
//! - **Sliced** ([`slices`]), for an export of at least two first slices (4 MB): the first slice is
//!   parsed by polars (the header, the table and the decimal and date decisions come from it),
//!   and every later slice is read straight from its bytes into typed columns by the direct
//!   reader ([`direct`], which cuts records with [`records`] and reads fields with
//!   [`tokenize`]). The slices are converted and gathered one after another ([`assemble`]), so
//!   the text of the whole file is never in memory at once; the buffers of a slice's pieces are
//!   reused by the next slices ([`pool`]).
//!
//! The direct reader is the fast path; polars is the reference. A slice the direct reader cannot
//! read as polars would (a quote inside an unquoted field, text after a closing quote) is left
//! to polars, and `differential_tests` holds the two readings equal on random rows.
//!
//! Switches, read once per run from the environment:
//! - `CRM_AUDIT_CSV_READER=polars` has polars parse every slice of a sliced export as well (the
//!   reference reading, for when the fast path is in doubt); the slicing, which bounds memory,
//!   stays. Any other value, or none, leaves the direct reader on.
//! - `CRM_AUDIT_CSV_SLICE_KB=N` sets the slice size, so that tests can read small files the
//!   sliced way.
//!
//! Errors are [`CsvError`]: a file that turns out not to be UTF-8 after its first bytes is told
//! apart from one that cannot be read, and the caller reads it again the general way.

mod assemble;
mod direct;
mod parse;
mod pool;
mod records;
mod slices;
mod tokenize;
mod whole;

pub(crate) use assemble::assemble_sliced;
pub(crate) use slices::{Slice, open_sliced};
pub(crate) use whole::read_csv;

/// Why the CSV reader stopped. Each message names the file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CsvError {
    /// A byte that is not UTF-8 in a file read as UTF-8 (its first bytes were): the caller reads
    /// the file again the general way, its encoding detected over every byte.
    #[error("{0}")]
    NotUtf8(String),
    /// The file cannot be read or parsed.
    #[error("{0}")]
    Unreadable(String),
}

impl From<String> for CsvError {
    /// A complete message from the shared helpers (`Msg::unreadable`, ...).
    fn from(message: String) -> CsvError {
        CsvError::Unreadable(message)
    }
}

/// Who reads the slices of a sliced export after the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reader {
    /// The direct reader ([`direct`]); polars for a slice it cannot read.
    Direct,
    /// polars, every slice: the reference reading.
    Polars,
}

/// Chooses the reader of a run: `polars` forces polars.
const READER_ENV: &str = "CRM_AUDIT_CSV_READER";

impl Reader {
    /// The run's reader, from [`READER_ENV`] (read once).
    pub(crate) fn of_run() -> Reader {
        static READER: std::sync::LazyLock<Reader> = std::sync::LazyLock::new(|| {
            let value = std::env::var(READER_ENV).unwrap_or_default();
            Reader::from_setting(&value)
        });
        *READER
    }

    fn from_setting(value: &str) -> Reader {
        if value.trim().eq_ignore_ascii_case("polars") {
            Reader::Polars
        } else {
            Reader::Direct
        }
    }
}

#[cfg(test)]
mod differential_tests;
#[cfg(test)]
mod tests;
