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
    let mut g = Gather::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        let valid_in = arr.validity();
        let data = arr.data_buffers();
        for (i, v) in arr.views().iter().enumerate() {
            if !valid_in.is_none_or(|b| b.get_bit(i)) {
                g.push(None);
            } else if v.length <= View::MAX_INLINE_SIZE {
                g.push_inline(*v);
            } else {
                // SAFETY: a valid long view of `arr` points into `arr`'s own buffers.
                g.push(Some(unsafe { v.get_slice_unchecked(data) }));
            }
        }
    }
    g.finish(ca.name().clone())
}

/// Text values gathered one by one into a single chunk, repeats of a long value sharing one
/// copy. The values pushed must outlive the gathering (they are the keys of its map).
pub(crate) struct Gather<'b> {
    buffers: MutableBinaryViewArray<str>,
    views: Vec<View>,
    seen: PlHashMap<&'b [u8], View>,
    last: Option<(&'b [u8], View)>,
    long: usize,
    repeats: usize,
    dedupe: bool,
    /// Built from the first null on.
    validity: Option<MutableBitmap>,
}

impl<'b> Gather<'b> {
    pub(crate) fn with_capacity(n: usize) -> Gather<'b> {
        Gather {
            buffers: MutableBinaryViewArray::<str>::with_capacity(0),
            views: Vec::with_capacity(n),
            seen: PlHashMap::new(),
            last: None,
            long: 0,
            repeats: 0,
            dedupe: true,
            validity: None,
        }
    }

    /// A value known to be inline (at most 12 bytes, in its view).
    fn push_inline(&mut self, view: View) {
        if let Some(bits) = self.validity.as_mut() {
            bits.push(true);
        }
        self.views.push(view);
    }

    /// Appends a value (UTF-8 bytes) or a null.
    pub(crate) fn push(&mut self, value: Option<&'b [u8]>) {
        let Some(bytes) = value else {
            let bits = self.validity.get_or_insert_with(|| {
                let mut bits = MutableBitmap::with_capacity(self.views.capacity());
                bits.extend_constant(self.views.len(), true);
                bits
            });
            bits.push(false);
            self.views.push(View::default());
            return;
        };
        if bytes.len() <= View::MAX_INLINE_SIZE as usize {
            self.push_inline(View::new_inline(bytes));
            return;
        }
        if let Some(bits) = self.validity.as_mut() {
            bits.push(true);
        }
        self.long += 1;
        // Exports list a customer's lines together: most repeats are of the row above.
        let view = match self.last {
            Some((prev, view)) if prev == bytes => {
                self.repeats += 1;
                view
            }
            _ if self.dedupe => match self.seen.get(bytes) {
                Some(view) => {
                    self.repeats += 1;
                    *view
                }
                None => {
                    let view = self.buffers.push_value_into_buffer(bytes);
                    self.seen.insert(bytes, view);
                    view
                }
            },
            _ => self.buffers.push_value_into_buffer(bytes),
        };
        self.last = Some((bytes, view));
        self.views.push(view);
        if self.dedupe && self.long == PROBE && self.repeats * 2 < self.long {
            self.dedupe = false;
            self.seen = PlHashMap::new();
        }
    }

    pub(crate) fn finish(mut self, name: PlSmallStr) -> StringChunked {
        self.buffers.finish_in_progress();
        let (_, buffers) = self.buffers.take();
        let total_buffer_len = buffers.iter().map(|b| b.len()).sum();
        // SAFETY: every view is either inline (its bytes, valid UTF-8, inside it) or was returned
        // by `push_value_into_buffer` of this builder, whose buffers are these, in this order;
        // the bytes are those of valid UTF-8 values; the validity has one bit per view.
        let arr = unsafe {
            Utf8ViewArray::new_unchecked(
                ArrowDataType::Utf8View,
                self.views.into(),
                buffers.into(),
                self.validity.map(Into::into),
                None,
                total_buffer_len,
            )
        };
        StringChunked::with_chunk(name, arr)
    }
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
