//! Text columns gathered into one chunk with each long value stored once. Part of the ingest
//! stage (the last step of assembling a table); depends on polars' arrays only.
//!
//! polars keeps a text value of more than 12 bytes in a shared buffer behind a 16-byte view,
//! and a plain rechunk copies every such value again. Identifiers repeat: an 18-digit customer
//! id on 20 million invoice lines took 366 MB of buffer for a million distinct values. Here
//! repeated values share one copy, so the column is its views plus its distinct values; the
//! values read back are the same, and every later query sees an ordinary text column.

use polars::prelude::*;
use polars_arrow::array::{Array, MutableBinaryViewArray, Utf8ViewArray, View};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::datatypes::ArrowDataType;

/// Long values looked at before giving up on a column whose values do not repeat (names,
/// e-mails): past this many, if fewer than half were repeats, the rest is copied as is.
const PROBE: usize = 1 << 16;

/// The column in one chunk, each distinct long value stored once (as far as it pays).
pub(crate) fn gather_text(ca: &StringChunked) -> StringChunked {
    let single = ca.chunks().len() == 1;
    if single && ca.downcast_iter().all(|a| a.total_buffer_len() == 0) {
        return ca.clone();
    }
    let mut buffers = MutableBinaryViewArray::<str>::with_capacity(0);
    let mut views: Vec<View> = Vec::with_capacity(ca.len());
    let mut seen: PlHashMap<&[u8], View> = PlHashMap::new();
    let mut last: Option<(&[u8], View)> = None;
    let (mut long, mut repeats, mut dedupe) = (0usize, 0usize, true);
    let mut validity = (ca.null_count() > 0).then(|| MutableBitmap::with_capacity(ca.len()));
    for arr in ca.downcast_iter() {
        let valid_in = arr.validity();
        let data = arr.data_buffers();
        for (i, v) in arr.views().iter().enumerate() {
            let valid = valid_in.is_none_or(|b| b.get_bit(i));
            if let Some(bits) = validity.as_mut() {
                bits.push(valid);
            }
            if !valid {
                views.push(View::default());
                continue;
            }
            if v.length <= View::MAX_INLINE_SIZE {
                views.push(*v);
                continue;
            }
            // SAFETY: a valid long view of `arr` points into `arr`'s own buffers.
            let bytes = unsafe { v.get_slice_unchecked(data) };
            long += 1;
            // Exports list a customer's lines together: most repeats are of the row above.
            let view = match last {
                Some((prev, view)) if prev == bytes => {
                    repeats += 1;
                    view
                }
                _ if dedupe => match seen.get(bytes) {
                    Some(view) => {
                        repeats += 1;
                        *view
                    }
                    None => {
                        let view = buffers.push_value_into_buffer(bytes);
                        seen.insert(bytes, view);
                        view
                    }
                },
                _ => buffers.push_value_into_buffer(bytes),
            };
            last = Some((bytes, view));
            views.push(view);
            if dedupe && long == PROBE && repeats * 2 < long {
                dedupe = false;
                seen = PlHashMap::new();
            }
        }
    }
    buffers.finish_in_progress();
    let (_, buffers) = buffers.take();
    let total_buffer_len = buffers.iter().map(|b| b.len()).sum();
    // SAFETY: every view is either inline (copied from a valid view, its bytes inside it) or was
    // returned by `push_value_into_buffer` of this builder, whose buffers are these, in this
    // order; the bytes are those of valid UTF-8 values; the validity has one bit per view.
    let arr = unsafe {
        Utf8ViewArray::new_unchecked(
            ArrowDataType::Utf8View,
            views.into(),
            buffers.into(),
            validity.map(Into::into),
            None,
            total_buffer_len,
        )
    };
    StringChunked::with_chunk(ca.name().clone(), arr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunked(parts: &[&[Option<&str>]]) -> StringChunked {
        let mut it = parts.iter().map(|p| StringChunked::new("id".into(), *p));
        let mut ca = it.next().unwrap();
        for p in it {
            ca.append_owned(p).unwrap();
        }
        ca
    }

    fn buffer_bytes(ca: &StringChunked) -> usize {
        ca.downcast_iter().map(|a| a.total_buffer_len()).sum()
    }

    #[test]
    fn repeated_long_values_are_stored_once_and_read_back_unchanged() {
        let a = "301000000000001009";
        let b = "301000000000002018";
        let ca = chunked(&[
            &[Some(a), Some(a), None, Some("short")],
            &[Some(b), Some(a), Some(""), Some(b)],
        ]);
        let out = gather_text(&ca);
        assert_eq!(out.chunks().len(), 1);
        assert_eq!(out.name().as_str(), "id");
        assert_eq!(
            out.iter().collect::<Vec<_>>(),
            ca.iter().collect::<Vec<_>>()
        );
        assert_eq!(out.null_count(), 1);
        assert_eq!(buffer_bytes(&out), a.len() + b.len());
        assert!(buffer_bytes(&ca) >= 5 * a.len());
    }

    #[test]
    fn a_column_of_distinct_values_is_copied_whole() {
        let values: Vec<String> = (0..PROBE + 10)
            .map(|i| format!("customer-name-{i:08}"))
            .collect();
        let (head, tail) = values.split_at(100);
        let opt = |v: &[String]| v.iter().map(|s| Some(s.clone())).collect::<Vec<_>>();
        let mut ca = StringChunked::new("name".into(), opt(head));
        ca.append_owned(StringChunked::new("name".into(), opt(tail)))
            .unwrap();
        let out = gather_text(&ca);
        assert_eq!(out.chunks().len(), 1);
        assert_eq!(
            out.iter().collect::<Vec<_>>(),
            ca.iter().collect::<Vec<_>>()
        );
        assert_eq!(
            buffer_bytes(&out),
            values.iter().map(String::len).sum::<usize>()
        );
    }

    #[test]
    fn a_single_chunk_of_short_values_is_left_as_it_is() {
        let ca = StringChunked::new("c".into(), &[Some("Dairy"), None, Some("Produce")]);
        let out = gather_text(&ca);
        assert_eq!(
            out.iter().collect::<Vec<_>>(),
            ca.iter().collect::<Vec<_>>()
        );
        assert_eq!(buffer_bytes(&out), 0);
    }
}
