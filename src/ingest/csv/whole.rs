//! A delimited text file read whole: mapped and parsed in place by polars when it looks like
//! UTF-8, else read, its encoding detected over every byte, and transcoded. Part of the CSV
//! reader.

use super::CsvError;
use super::parse::parse_text;
use crate::config::SourceConfig;
use crate::ingest::encoding::decode_owned;
use crate::ingest::ledger::Msg;
use crate::ingest::raw::RawTable;
use crate::tables::TableKind;
use polars::prelude::CsvEncoding;
use std::path::Path;

/// Reads a delimited text file whole. Errors are complete messages naming the file.
///
/// A file that looks like UTF-8 is mapped into memory and parsed in place, so that polars'
/// threads read the disk while they parse (when the page cache does not hold the export,
/// reading it whole first takes longer than parsing it). Should a later byte turn out not to be
/// UTF-8, polars stops and the file is read again the general way: whole, its encoding detected
/// over every byte, transcoded.
pub(crate) fn read_csv(
    path: &Path,
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
) -> Result<RawTable, CsvError> {
    if let Some(raw) = read_mapped(path, shown, src, table)? {
        return Ok(raw);
    }
    let clock = std::time::Instant::now();
    let bytes = std::fs::read(path).map_err(|e| Msg::unreadable(shown, &e))?;
    let (text, encoding, had_errors) =
        decode_owned(bytes, src.encoding.as_deref()).map_err(|e| format!("{shown}: {e}"))?;
    tracing::debug!(
        source = shown,
        ms = clock.elapsed().as_millis() as u64,
        "csv read whole"
    );
    parse_text(
        &text,
        shown,
        src,
        table,
        encoding,
        had_errors,
        CsvEncoding::LossyUtf8,
    )
}

/// The memory-mapped path of [`read_csv`]: `None` when the file must be read the general way
/// (another encoding configured or detected in its first bytes, UTF-16, or a byte further on
/// that is not UTF-8).
fn read_mapped(
    path: &Path,
    shown: &str,
    src: &SourceConfig,
    table: Option<TableKind>,
) -> Result<Option<RawTable>, CsvError> {
    if src
        .encoding
        .as_deref()
        .is_some_and(|e| !matches!(e.to_ascii_lowercase().as_str(), "utf-8" | "utf8"))
    {
        return Ok(None);
    }
    let Some(map) = map_file(path, shown, 1)? else {
        return Ok(None);
    };
    let bytes: &[u8] = &map;
    if !looks_utf8(bytes) || crate::ingest::encoding::has_lone_cr(bytes) {
        return Ok(None);
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match parse_text(text, shown, src, table, "utf-8", false, CsvEncoding::Utf8) {
        Ok(raw) => Ok(Some(raw)),
        Err(CsvError::NotUtf8(_)) => {
            tracing::debug!(
                source = shown,
                "not UTF-8 after all; reading the general way"
            );
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The file mapped read-only, or `None` when it is smaller than `min_len` bytes.
pub(super) fn map_file(
    path: &Path,
    shown: &str,
    min_len: usize,
) -> Result<Option<memmap2::Mmap>, String> {
    let file = std::fs::File::open(path).map_err(|e| Msg::unreadable(shown, &e))?;
    if (file.metadata().map(|m| m.len()).unwrap_or(0) as usize) < min_len {
        return Ok(None);
    }
    // SAFETY: the bytes behind a map must not change while it lives. The map is read-only, this
    // process never writes the file, and it lives only while this source is read; an export
    // another program rewrites or truncates during the run is outside what an audit can vouch
    // for (the run would read torn rows or stop on SIGBUS).
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Msg::unreadable(shown, &e))?;
    Ok(Some(map))
}

/// Bytes examined before trusting a file to be UTF-8 (the header and title rows lie within).
pub(super) const UTF8_HEAD: usize = 256 * 1024;

/// The file's first bytes are UTF-8 (a character cut by the end of the sample is fine) and not
/// BOM-less UTF-16, which is valid UTF-8 too when its text is ASCII.
pub(super) fn looks_utf8(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return false;
    }
    let head = &bytes[..bytes.len().min(UTF8_HEAD)];
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() < bytes.len(),
    };
    valid && !head.contains(&0)
}
