//! Where records end in CSV bytes, without reading their fields: a record ends at a line end
//! outside quotes, and the parity of `"` since a record start tells a line end inside a quoted
//! field from one that ends the record (`""` inside a field counts twice, so it keeps the
//! parity). Slices of a large export and the pieces a slice is cut into for the threads are cut
//! here. Part of the CSV reader; depends on nothing.

/// The end of the slice starting at `from`: the first line end at least `size` bytes on that is
/// outside quotes (an even number of `"` since `from`, itself a record start), or the end of the
/// text. A quoted field may hold line ends; the parity of quotes tells them apart.
pub(super) fn record_boundary(text: &[u8], from: usize, size: usize) -> usize {
    let target = from.saturating_add(size);
    if target >= text.len() {
        return text.len();
    }
    let mut odd = odd_quotes(&text[from..target]);
    let mut pos = target;
    while pos < text.len() {
        let Some(nl) = text[pos..].iter().position(|&c| c == b'\n') else {
            return text.len();
        };
        let nl = pos + nl;
        odd ^= odd_quotes(&text[pos..nl]);
        if !odd {
            return nl + 1;
        }
        pos = nl + 1;
    }
    text.len()
}

/// Whether `bytes` hold an odd number of `"`. Counted into a byte per block of 255 so that the
/// count vectorises to whole registers (counted into a `usize` it goes two bytes a step, and it
/// runs over every byte of a large export).
pub(super) fn odd_quotes(bytes: &[u8]) -> bool {
    bytes.chunks(255).fold(false, |odd, block| {
        let n = block
            .iter()
            .fold(0u8, |n, &c| n.wrapping_add(u8::from(c == b'"')));
        odd ^ (n % 2 == 1)
    })
}

/// Records in a slice of whole records, blank ones included, counted as the direct reader
/// (`super::direct::convert_lines`) reads them: line ends outside quotes, plus an unterminated last line.
pub(super) fn count_records(text: &[u8]) -> usize {
    let Some(&last) = text.last() else { return 0 };
    let mut records = usize::from(last != b'\n');
    let mut odd = false;
    let mut from = 0;
    for nl in memchr::memchr_iter(b'\n', text) {
        odd ^= odd_quotes(&text[from..nl]);
        from = nl;
        records += usize::from(!odd);
    }
    records
}

/// Cuts `text` into pieces of about `size` bytes, each ending at a record end (or the text's end).
pub(super) fn split_records(text: &[u8], size: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(text.len() / size + 1);
    let mut at = 0;
    while at < text.len() {
        let end = record_boundary(text, at, size);
        pieces.push(&text[at..end]);
        at = end;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_boundaries_fall_on_line_ends_outside_quotes() {
        let text = b"a,b\n1,\"x\ny\"\n2,z\n3,w\n";
        // From the start with a 5-byte target: the newline at byte 7 is inside the quoted field,
        // so the slice ends after "y\"\n" (byte 12).
        assert_eq!(record_boundary(text, 0, 5), 12);
        assert_eq!(&text[..12], b"a,b\n1,\"x\ny\"\n");
        assert_eq!(record_boundary(text, 12, 1), 16);
        assert_eq!(record_boundary(text, 16, 100), text.len());
        // Doubled quotes inside a field keep the parity even.
        let text = b"1,\"say \"\"hi\"\"\nthere\"\n2,x\n";
        assert_eq!(record_boundary(text, 0, 3), 21);
    }

    #[test]
    fn quote_parity_matches_a_plain_count() {
        let texts: [&[u8]; 5] = [b"", b"\"", b"a\"b\"c", b"\"\"\"", b"no quotes at all"];
        for t in texts {
            let count = t.iter().filter(|&&c| c == b'"').count();
            assert_eq!(odd_quotes(t), count % 2 == 1, "{t:?}");
        }
        // Long enough for the vectorised loop and its tail.
        let long: Vec<u8> = (0..10_001u32)
            .map(|i| if i % 7 == 0 { b'"' } else { b'x' })
            .collect();
        assert_eq!(
            odd_quotes(&long),
            long.iter().filter(|&&c| c == b'"').count() % 2 == 1
        );
    }

    #[test]
    fn pieces_end_at_record_ends_and_cover_the_text() {
        let text = "aaaa\nbb\ncccccc\nd";
        let pieces = split_records(text.as_bytes(), 3);
        assert_eq!(pieces, vec![&b"aaaa\n"[..], b"bb\ncccccc\n", b"d"]);
        assert_eq!(split_records(b"", 3), Vec::<&[u8]>::new());
        assert_eq!(
            split_records(b"\"x\ny\"\nz\n", 1),
            vec![&b"\"x\ny\"\n"[..], b"z\n"]
        );
        assert_eq!(count_records(text.as_bytes()), 4);
        assert_eq!(count_records(b"a\n\nb\n"), 3);
        assert_eq!(count_records(b"\"a\nb\"\nc"), 2);
        assert_eq!(count_records(b""), 0);
    }
}
