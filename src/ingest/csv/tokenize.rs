//! One CSV record's fields, read where they lie in the text: a field is what lies between
//! separators, or between quotes with `""` standing for one quote; a record ends at a line end
//! outside quotes (a `\r` before it is dropped). These are polars' rules for regular lines; a
//! quote anywhere else makes the record [`Irregular`], and the direct reader leaves its slice
//! to polars, whose reading of such lines is the reference. Part of the CSV reader; depends on
//! nothing.

use std::borrow::Cow;

/// A quote where a field neither opens nor closes with one: the slice is left to polars.
#[derive(Debug)]
pub(crate) struct Irregular;

/// Reads the record starting at `pos` into `fields` (`None` for an empty or missing field, extra
/// fields ignored; a quoted empty field `""` is an empty value, as polars reads it). Returns
/// where the next record starts and whether any field holds something.
pub(super) fn next_record<'a>(
    text: &'a str,
    mut pos: usize,
    sep: u8,
    fields: &mut [Option<Cow<'a, str>>],
) -> Result<(usize, bool), Irregular> {
    let b = text.as_bytes();
    let mut k = 0;
    let mut any = false;
    loop {
        let quoted = b.get(pos) == Some(&b'"');
        let (value, end) = if quoted {
            let mut p = pos + 1;
            let mut escaped = false;
            let close = loop {
                let q = p + memchr::memchr(b'"', &b[p..]).ok_or(Irregular)?;
                if b.get(q + 1) == Some(&b'"') {
                    escaped = true;
                    p = q + 2;
                } else {
                    break q;
                }
            };
            let inner = &text[pos + 1..close];
            let value = if escaped {
                Cow::Owned(inner.replace("\"\"", "\""))
            } else {
                Cow::Borrowed(inner)
            };
            let end = match (b.get(close + 1), b.get(close + 2)) {
                (None | Some(b'\n'), _) => close + 1,
                (Some(c), _) if *c == sep => close + 1,
                (Some(b'\r'), None | Some(b'\n')) => close + 2,
                _ => return Err(Irregular),
            };
            (value, end)
        } else {
            let i = field_end(b, pos, sep);
            if i < b.len() && b[i] == b'"' {
                return Err(Irregular);
            }
            let mut v = &text[pos..i];
            if i == b.len() || b[i] == b'\n' {
                v = v.strip_suffix('\r').unwrap_or(v);
            }
            (Cow::Borrowed(v), i)
        };
        if let Some(slot) = fields.get_mut(k) {
            any |= !value.is_empty();
            *slot = (quoted || !value.is_empty()).then_some(value);
        }
        k += 1;
        match b.get(end) {
            Some(c) if *c == sep => pos = end + 1,
            Some(_) => {
                pos = end + 1;
                break;
            }
            None => {
                pos = b.len();
                break;
            }
        }
    }
    for slot in fields.iter_mut().skip(k) {
        *slot = None;
    }
    Ok((pos, any))
}

/// The first separator, line end or quote in `b` from `i` on (or `b.len()`), looked for eight
/// bytes at a time, as every byte of a large export passes through here. In each
/// 8-byte word, `(x - 0x01..) & !x & 0x80..` marks the bytes of `x` that are zero, the lowest
/// mark exactly (a false mark only ever sits above a true one), so the lowest mark over the
/// three `word ^ byte` masks is the first byte of any of the three.
#[inline]
fn field_end(b: &[u8], mut i: usize, sep: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let (sep8, nl8, quote8) = (
        ONES * u64::from(sep),
        ONES * u64::from(b'\n'),
        ONES * u64::from(b'"'),
    );
    while let Some(word) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        let marks = zeros(x ^ sep8) | zeros(x ^ nl8) | zeros(x ^ quote8);
        if marks != 0 {
            return i + (marks.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i] != sep && b[i] != b'\n' && b[i] != b'"' {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    type Fields = Vec<Option<String>>;

    fn record(text: &str, width: usize) -> Result<(usize, bool, Fields), Irregular> {
        let mut f = vec![None; width];
        let (next, any) = next_record(text, 0, b';', &mut f)?;
        let f = f.iter().map(|v| v.as_deref().map(str::to_string)).collect();
        Ok((next, any, f))
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn fields_follow_polars_rules_for_short_long_quoted_and_blank_records() {
        let a = record("a;;c;d\r\nx", 3).unwrap();
        assert_eq!(a, (8, true, vec![s("a"), None, s("c")]));
        assert_eq!(record("x", 3).unwrap(), (1, true, vec![s("x"), None, None]));
        assert_eq!(
            record(";;\n", 3).unwrap(),
            (3, false, vec![None, None, None])
        );
        assert!(!record("\r\n", 3).unwrap().1);
        assert_eq!(record(" ;", 3).unwrap().2, vec![s(" "), None, None]);
        let quoted = "\"a;b\";\"say \"\"hi\"\"\";\"two\nlines\"\r\nnext";
        let want = vec![s("a;b"), s("say \"hi\""), s("two\nlines")];
        assert_eq!(record(quoted, 3).unwrap(), (quoted.len() - 4, true, want));
        assert_eq!(record("\"\";x\n", 2).unwrap().2, vec![s(""), s("x")]);
        assert_eq!(record(";\"\"\n", 2).unwrap(), (4, false, vec![None, s("")]));
        assert!(
            record("ab\"c;d\n", 2).is_err(),
            "a quote inside an unquoted field"
        );
        assert!(
            record("\"ab\"c;d\n", 2).is_err(),
            "text after the closing quote"
        );
        assert!(record("\"open;d\n", 2).is_err(), "a quote never closed");
    }

    #[test]
    fn field_ends_are_the_first_separator_line_end_or_quote() {
        let naive = |b: &[u8], from: usize, sep: u8| {
            (from..b.len())
                .find(|&i| b[i] == sep || b[i] == b'\n' || b[i] == b'"')
                .unwrap_or(b.len())
        };
        // Every byte value around the specials, at every offset of a word, in every position:
        // a pseudo-random text of bytes drawn mostly from a small alphabet with the specials,
        // UTF-8 lead and continuation bytes, 0x00, 0x01, 0x80, 0xFF and the separator's
        // neighbours.
        let alphabet = b"ab;,\n\"\xc3\xb1\x00\x01\x80\xff:<\r \t9";
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut text = Vec::new();
        for _ in 0..4000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let run = (state % 23) as usize;
            text.extend(std::iter::repeat_n(b'x', run));
            text.push(alphabet[(state >> 40) as usize % alphabet.len()]);
        }
        for sep in [b';', b',', b'\t', b'|'] {
            for from in 0..text.len() {
                assert_eq!(
                    field_end(&text, from, sep),
                    naive(&text, from, sep),
                    "{from}"
                );
            }
        }
        assert_eq!(field_end(b"", 0, b';'), 0);
        assert_eq!(field_end(b"abcdefghijkl", 0, b';'), 12);
        assert_eq!(field_end(b"abcdefghij;kl", 0, b';'), 10);
    }
}
