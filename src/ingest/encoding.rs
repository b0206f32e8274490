//! Text encoding of a CSV: detected from the bytes (BOM, UTF-8 validity, NUL patterns of BOM-less
//! UTF-16) or taken from audit.toml, and transcoded to UTF-8 with `encoding_rs` before polars reads
//! it. Part of the ingest stage; no other dependency.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::borrow::Cow;

/// Why a configured encoding cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown encoding '{0}' (use utf-8, utf-16, utf-16le, utf-16be, windows-1252, latin1, ...)"
)]
pub(crate) struct UnknownEncoding(pub(crate) String);

/// The encoding found and the text as UTF-8 bytes (borrowed when the file already was UTF-8
/// without BOM, so large files are not copied).
pub(crate) struct Decoded<'a> {
    pub(crate) encoding: &'static str,
    pub(crate) utf8: Cow<'a, [u8]>,
    /// Characters that could not be decoded and were replaced by U+FFFD.
    pub(crate) had_errors: bool,
}

/// Detects (or applies the configured) encoding and returns UTF-8.
pub(crate) fn decode<'a>(
    bytes: &'a [u8],
    configured: Option<&str>,
) -> Result<Decoded<'a>, UnknownEncoding> {
    let encoding = match configured {
        Some(label) => configured_encoding(label, bytes)?,
        None => detect(bytes),
    };
    if encoding == UTF_8 {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        return Ok(match std::str::from_utf8(body) {
            Ok(_) => Decoded {
                encoding: "utf-8",
                utf8: Cow::Borrowed(body),
                had_errors: false,
            },
            Err(_) => Decoded {
                encoding: "utf-8",
                utf8: Cow::Owned(String::from_utf8_lossy(body).into_owned().into_bytes()),
                had_errors: true,
            },
        });
    }
    // decode() strips a BOM of the same encoding and returns UTF-8.
    let (text, _, had_errors) = encoding.decode(bytes);
    Ok(Decoded {
        encoding: display_name(encoding),
        utf8: Cow::Owned(text.into_owned().into_bytes()),
        had_errors,
    })
}

/// [`decode`] for a whole file held in memory: the result owns the UTF-8 text and the original
/// bytes are released as soon as they are no longer needed (a transcoded 1 GB export then peaks
/// at two copies, not three).
pub(crate) fn decode_owned(
    mut bytes: Vec<u8>,
    configured: Option<&str>,
) -> Result<(Vec<u8>, &'static str, bool), UnknownEncoding> {
    let (skip, owned, encoding, had_errors) = {
        let d = decode(&bytes, configured)?;
        match d.utf8 {
            Cow::Borrowed(b) => (bytes.len() - b.len(), None, d.encoding, d.had_errors),
            Cow::Owned(v) => (0, Some(v), d.encoding, d.had_errors),
        }
    };
    let mut text = match owned {
        Some(v) => v,
        None => {
            bytes.drain(..skip);
            bytes
        }
    };
    lone_cr_to_lf(&mut text);
    Ok((text, encoding, had_errors))
}

/// How much of a file [`has_lone_cr`] looks at.
pub(crate) const LINE_END_HEAD: usize = 256 * 1024;

/// Whether the file's first [`LINE_END_HEAD`] bytes hold a CR not followed by LF: old Mac line
/// ends (or a mix), which polars would not take for line ends. Such a file is read whole and
/// its line ends made LF ([`decode_owned`]), not mapped and parsed in place.
pub(crate) fn has_lone_cr(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(LINE_END_HEAD)];
    memchr::memchr_iter(b'\r', head).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

/// [`has_lone_cr`] for a file on disk (its first bytes only; `false` when it cannot be read).
pub(crate) fn file_has_lone_cr(path: &std::path::Path) -> bool {
    use std::io::Read;
    // One byte more, to see what follows a CR at the end of the head.
    let mut head = Vec::with_capacity(LINE_END_HEAD + 1);
    std::fs::File::open(path)
        .and_then(|f| f.take(LINE_END_HEAD as u64 + 1).read_to_end(&mut head))
        .is_ok_and(|_| has_lone_cr(&head))
}

/// Every CR not followed by LF becomes LF, in place (same length; CR LF stays): old Mac and
/// mixed line ends read as the records they are. A CR inside a quoted cell becomes a line break
/// there too, as a spreadsheet shows it.
fn lone_cr_to_lf(text: &mut [u8]) {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\r', &text[from..]).map(|i| from + i) {
        if text.get(i + 1) != Some(&b'\n') {
            text[i] = b'\n';
        }
        from = i + 1;
    }
}

fn configured_encoding(label: &str, bytes: &[u8]) -> Result<&'static Encoding, UnknownEncoding> {
    let lower = label.trim().to_ascii_lowercase();
    if lower == "utf-16" || lower == "utf16" {
        // Byte order from the BOM, else little-endian as Windows writes it.
        return Ok(if bytes.starts_with(b"\xFE\xFF") {
            UTF_16BE
        } else {
            UTF_16LE
        });
    }
    let enc = Encoding::for_label(lower.as_bytes()).ok_or_else(|| UnknownEncoding(label.into()))?;
    Ok(enc)
}

/// The encoding to transcode a large file with slice by slice, when that is safe: Windows-1252
/// (detected or configured), whose every byte is one character, so slices cut at line ends
/// decode exactly as the whole file would and nothing is ever replaced. `None` for UTF-8 and
/// for anything else (read whole).
pub(crate) fn windows_1252_for_slices(
    bytes: &[u8],
    configured: Option<&str>,
) -> Option<&'static Encoding> {
    // A byte-order mark wins over a configured Windows-1252 when the file is read whole
    // (`Encoding::decode` sniffs it); slices would decode without it, the mark and every
    // accent as mojibake (found by fuzzing, issue 17). Such a file is read whole.
    if Encoding::for_bom(bytes).is_some() {
        return None;
    }
    let enc = match configured {
        Some(label) => configured_encoding(label, bytes).ok()?,
        None => detect(bytes),
    };
    (enc == WINDOWS_1252).then_some(enc)
}

/// BOM first; then UTF-8 if the bytes are valid UTF-8; then BOM-less UTF-16 if every other byte
/// of the start is NUL; else Windows-1252, what Spanish Excel writes.
fn detect(bytes: &[u8]) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    if std::str::from_utf8(bytes).is_ok() {
        let head = &bytes[..bytes.len().min(512)];
        if let Some(enc) = bomless_utf16(head) {
            return enc;
        }
        return UTF_8;
    }
    bomless_utf16(&bytes[..bytes.len().min(512)]).unwrap_or(WINDOWS_1252)
}

fn bomless_utf16(head: &[u8]) -> Option<&'static Encoding> {
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let even_nul = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd_nul * 10 >= pairs * 9 && even_nul == 0 {
        Some(UTF_16LE)
    } else if even_nul * 10 >= pairs * 9 && odd_nul == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn display_name(enc: &'static Encoding) -> &'static str {
    match enc.name() {
        "UTF-8" => "utf-8",
        "UTF-16LE" => "utf-16le",
        "UTF-16BE" => "utf-16be",
        "windows-1252" => "windows-1252",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le_with_bom(s: &str) -> Vec<u8> {
        let mut v = vec![0xFF, 0xFE];
        s.encode_utf16()
            .for_each(|u| v.extend_from_slice(&u.to_le_bytes()));
        v
    }

    #[test]
    fn utf8_without_bom_is_borrowed_unchanged() {
        let d = decode("Año;Región\n".as_bytes(), None).unwrap();
        assert_eq!(d.encoding, "utf-8");
        assert!(matches!(d.utf8, Cow::Borrowed(_)));
        assert_eq!(&*d.utf8, "Año;Región\n".as_bytes());
    }

    #[test]
    fn owned_decoding_strips_the_bom_in_place() {
        let (text, enc, errors) = decode_owned(b"\xEF\xBB\xBFa;b\n".to_vec(), None).unwrap();
        assert_eq!(
            (text.as_slice(), enc, errors),
            (&b"a;b\n"[..], "utf-8", false)
        );
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBFCustomer ID\n", None).unwrap();
        assert_eq!(d.encoding, "utf-8");
        assert_eq!(&*d.utf8, b"Customer ID\n");
    }

    #[test]
    fn windows_1252_is_detected_when_bytes_are_not_utf8() {
        // "Región" in Windows-1252: ó is the single byte 0xF3.
        let d = decode(b"Regi\xF3n;Importe \x80\n", None).unwrap();
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(std::str::from_utf8(&d.utf8).unwrap(), "Región;Importe €\n");
    }

    #[test]
    fn utf16_with_bom_in_both_byte_orders_is_transcoded() {
        let le = utf16le_with_bom("Cód;Fecha\n");
        let d = decode(&le, None).unwrap();
        assert_eq!(
            (d.encoding, std::str::from_utf8(&d.utf8).unwrap()),
            ("utf-16le", "Cód;Fecha\n")
        );
        let mut be = vec![0xFE, 0xFF];
        "Cód\n"
            .encode_utf16()
            .for_each(|u| be.extend_from_slice(&u.to_be_bytes()));
        let d = decode(&be, None).unwrap();
        assert_eq!(
            (d.encoding, std::str::from_utf8(&d.utf8).unwrap()),
            ("utf-16be", "Cód\n")
        );
    }

    #[test]
    fn bomless_utf16_is_recognised_by_its_nul_bytes() {
        let le = utf16le_with_bom("Customer ID,Date\n");
        let d = decode(&le[2..], None).unwrap();
        assert_eq!(d.encoding, "utf-16le");
        assert_eq!(std::str::from_utf8(&d.utf8).unwrap(), "Customer ID,Date\n");
    }

    #[test]
    fn a_file_with_a_bom_is_not_transcoded_in_slices() {
        assert!(windows_1252_for_slices(b"\xEF\xBB\xBFa;b\n", Some("latin1")).is_none());
        assert!(windows_1252_for_slices(b"a;b\xE9\n", Some("latin1")).is_some());
    }

    #[test]
    fn old_mac_and_mixed_line_ends_become_lf() {
        let (text, _, _) = decode_owned(b"a;b\r1;2\r\n3;4\n5;\"x\ry\"\r".to_vec(), None).unwrap();
        assert_eq!(text, b"a;b\n1;2\r\n3;4\n5;\"x\ny\"\n");
        assert!(has_lone_cr(b"a\rb"));
        assert!(has_lone_cr(b"a\r"));
        assert!(!has_lone_cr(b"a\r\nb\n"));
    }

    #[test]
    fn configured_encoding_wins_over_detection() {
        // Valid UTF-8 bytes read as Latin-1 on purpose: "Ã³" instead of "ó".
        let d = decode("ó".as_bytes(), Some("latin1")).unwrap();
        assert_eq!(std::str::from_utf8(&d.utf8).unwrap(), "Ã³");
        assert!(decode(b"x", Some("klingon")).is_err());
    }
}
