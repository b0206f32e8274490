//! Looks at the first kilobytes of a CSV to find its delimiter and split its first records, the
//! way a person opening the file would: quotes respected, embedded delimiters and newlines kept.
//! Part of the ingest stage; no dependencies. The full file is parsed by polars afterwards.

/// How much of a file is sniffed.
pub(crate) const SAMPLE_BYTES: usize = 64 * 1024;

/// Candidate delimiters, in the order preferred when two fit equally well.
const DELIMITERS: [u8; 4] = [b';', b',', b'\t', b'|'];

/// One record of the sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) fields: Vec<String>,
    /// Byte offset of the record's start in the sample.
    pub(crate) start: usize,
}

/// The first `max` complete records of `text` (a record cut off by the end of the sample is left
/// out unless the sample is the whole file).
pub(crate) fn records(text: &str, delim: u8, max: usize, whole_file: bool) -> Vec<Record> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = Vec::new();
    let mut in_quotes = false;
    let mut start = 0;
    let mut i = 0;
    while i < b.len() && out.len() < max {
        let c = b[i];
        if in_quotes {
            if c == b'"' {
                if b.get(i + 1) == Some(&b'"') {
                    field.push(b'"');
                    i += 1;
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
        } else if c == b'"' && field.iter().all(u8::is_ascii_whitespace) {
            field.clear();
            in_quotes = true;
        } else if c == delim {
            fields.push(String::from_utf8_lossy(&field).into_owned());
            field.clear();
        } else if c == b'\n' {
            if field.last() == Some(&b'\r') {
                field.pop();
            }
            fields.push(String::from_utf8_lossy(&field).into_owned());
            field.clear();
            out.push(Record {
                fields: std::mem::take(&mut fields),
                start,
            });
            start = i + 1;
        } else {
            field.push(c);
        }
        i += 1;
    }
    if whole_file && out.len() < max && (!field.is_empty() || !fields.is_empty()) && !in_quotes {
        if field.last() == Some(&b'\r') {
            field.pop();
        }
        fields.push(String::from_utf8_lossy(&field).into_owned());
        out.push(Record { fields, start });
    }
    out
}

/// The delimiter that splits the sample's records into the same number (> 1) of fields most
/// often; ties go to the one giving more fields, then to the order `;` `,` tab `|`.
pub(crate) fn detect_delimiter(sample: &str, whole_file: bool) -> u8 {
    let mut best = (0usize, 0usize, b',');
    for d in DELIMITERS {
        let counts: Vec<usize> = records(sample, d, 200, whole_file)
            .iter()
            .filter(|r| !(r.fields.len() == 1 && r.fields[0].trim().is_empty()))
            .map(|r| r.fields.len())
            .collect();
        let Some((mode, freq)) = mode(&counts) else {
            continue;
        };
        if mode < 2 {
            continue;
        }
        if (freq, mode) > (best.0, best.1) {
            best = (freq, mode, d);
        }
    }
    best.2
}

fn mode(values: &[usize]) -> Option<(usize, usize)> {
    let mut counts = std::collections::BTreeMap::new();
    for v in values {
        *counts.entry(*v).or_insert(0usize) += 1;
    }
    counts.into_iter().max_by_key(|&(value, n)| (n, value))
}

/// A sample of at most [`SAMPLE_BYTES`] ending on a character boundary, and whether it is the
/// whole text.
pub(crate) fn sample(text: &[u8]) -> (&str, bool) {
    if text.len() <= SAMPLE_BYTES {
        return (std::str::from_utf8(text).unwrap_or(""), true);
    }
    let mut end = SAMPLE_BYTES;
    while end > 0 && (text[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    (std::str::from_utf8(&text[..end]).unwrap_or(""), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str, d: u8) -> Vec<Vec<String>> {
        records(text, d, 100, true)
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    #[test]
    fn quoted_fields_keep_delimiters_newlines_and_doubled_quotes() {
        let t = "a;b\r\n\"x;y\";\"line1\nline2 \"\"q\"\"\"\r\nlast;1";
        assert_eq!(
            fields(t, b';'),
            vec![
                vec!["a", "b"],
                vec!["x;y", "line1\nline2 \"q\""],
                vec!["last", "1"]
            ]
        );
    }

    #[test]
    fn record_cut_by_the_sample_end_is_left_out() {
        assert_eq!(records("a,b\nc,\"d", b',', 10, false).len(), 1);
    }

    #[test]
    fn semicolon_wins_over_decimal_commas() {
        let t = "Fecha;Importe;Coste\n01/02/2026;1.234,56;12,5\n02/02/2026;7;1,25\n";
        assert_eq!(detect_delimiter(t, true), b';');
    }

    #[test]
    fn comma_tab_and_pipe_are_detected() {
        assert_eq!(detect_delimiter("a,b,c\n1,\"2;3\",4\n5,6,7\n", true), b',');
        assert_eq!(detect_delimiter("a\tb\tc\n1\t2\t3\n", true), b'\t');
        assert_eq!(detect_delimiter("a|b|c\n1|2|3\n", true), b'|');
    }

    #[test]
    fn title_rows_above_the_header_do_not_confuse_detection() {
        let t = "Listado de facturas, 2026\n\nNº;Fecha;Importe\n1;01/02/2026;5,5\n2;02/02/2026;7\n";
        assert_eq!(detect_delimiter(t, true), b';');
    }

    #[test]
    fn sample_ends_on_a_character_boundary() {
        let text = "é".repeat(SAMPLE_BYTES);
        let (s, whole) = sample(text.as_bytes());
        assert!(!whole);
        assert!(s.len() <= SAMPLE_BYTES && s.chars().all(|c| c == 'é'));
    }
}
