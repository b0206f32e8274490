//! Text columns gathered into one chunk with each long value stored once. Part of the ingest
//! stage (a large source's text columns as its slices arrive, any other when its table is
//! assembled); depends on polars' arrays only.
//!
//! polars keeps a text value of more than 12 bytes in a shared buffer behind a 16-byte view,
//! and a plain rechunk copies every such value again. Identifiers repeat: an 18-digit customer
//! id is on every one of that customer's invoice lines. Here repeated values share one copy, so
//! the column is its views plus its distinct values; the values read back are the same, and
//! every later query sees an ordinary text column.

use polars::prelude::*;
use polars_arrow::array::{Array, Utf8ViewArray, View};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::datatypes::ArrowDataType;
use polars_buffer::Buffer;

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
                // SAFETY: `arr` is a valid array, so each of its long views names one of its own
                // buffers (`data`) and a range of valid UTF-8 bytes inside it.
                g.push(Some(unsafe { v.get_slice_unchecked(data) }));
            }
        }
    }
    g.finish(ca.name().clone())
}

/// The inline view of at most 12 bytes, built from two overlapping integer loads: polars'
/// `View::new_inline` copies the bytes with a call to `memcpy`, a call per cell of the short
/// text columns of a large export (invoice numbers, categories, currencies). Equal to
/// `View::new_inline` (a test holds them equal).
#[inline]
fn inline_view(bytes: &[u8]) -> View {
    let n = bytes.len();
    debug_assert!(n <= View::MAX_INLINE_SIZE as usize);
    if cfg!(target_endian = "big") || n > View::MAX_INLINE_SIZE as usize {
        return View::new_inline(bytes);
    }
    let word = |at: usize| {
        u128::from(u32::from_le_bytes([
            bytes[at],
            bytes[at + 1],
            bytes[at + 2],
            bytes[at + 3],
        ]))
    };
    // The bytes, little-endian, zero above the last: a load of the first 8 (or 4) and one of the
    // last 4, or'ed where they overlap (the same bytes in the same places).
    let payload = if n >= 8 {
        let first = u128::from(u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")));
        first | (word(n - 4) << ((n - 4) * 8))
    } else if n >= 4 {
        word(0) | (word(n - 4) << ((n - 4) * 8))
    } else {
        bytes
            .iter()
            .enumerate()
            .fold(0u128, |v, (i, &b)| v | (u128::from(b) << (8 * i)))
    };
    // A view is [length, then the 12 bytes] as a little-endian u128.
    View::from(n as u128 | (payload << 32))
}

/// `a == b` for the short values that repeat row after row (ids, codes), compared as integers
/// rather than with a call to `memcmp` per value.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let at16 = |s: &[u8], i: usize| u128::from_le_bytes(s[i..i + 16].try_into().expect("16 bytes"));
    let at8 = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    let at4 = |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().expect("4 bytes"));
    match n {
        // The first and the last 16 (or 8, or 4) bytes, overlapping: every byte is in one of
        // them.
        16..=32 => at16(a, 0) == at16(b, 0) && at16(a, n - 16) == at16(b, n - 16),
        8..=15 => at8(a, 0) == at8(b, 0) && at8(a, n - 8) == at8(b, n - 8),
        4..=7 => at4(a, 0) == at4(b, 0) && at4(a, n - 4) == at4(b, n - 4),
        _ => a == b,
    }
}

/// Text values gathered one by one into a single chunk, repeats of a long value sharing one
/// copy. It owns every byte it refers to, so a large source's slices can be added one after
/// another and dropped as they go, the column never gathered again.
pub(crate) struct Gather {
    /// Filled buffers, never written again.
    done: Vec<Vec<u8>>,
    /// The buffer being filled, never grown past its capacity (so its bytes never move).
    current: Vec<u8>,
    views: Vec<View>,
    /// Each distinct long value (its bytes in `done` or `current`) and its view.
    seen: PlHashMap<&'static [u8], View>,
    last: Option<(&'static [u8], View)>,
    long: usize,
    repeats: usize,
    dedupe: bool,
    /// Built from the first null on.
    validity: Option<MutableBitmap>,
}

/// First and largest buffer sizes: small columns stay small, large ones get few buffers.
const FIRST_BUFFER: usize = 32 << 10;
const MAX_BUFFER: usize = 16 << 20;

impl Gather {
    pub(crate) fn with_capacity(n: usize) -> Gather {
        Gather {
            done: Vec::new(),
            current: Vec::new(),
            views: Vec::with_capacity(n),
            seen: PlHashMap::new(),
            last: None,
            long: 0,
            repeats: 0,
            dedupe: true,
            validity: None,
        }
    }

    /// Room for `total` rows in all (see [`super::reserve_total`]).
    pub(crate) fn reserve_total(&mut self, total: usize) {
        super::reserve_total(&mut self.views, total);
    }

    /// A value known to be inline (at most 12 bytes, in its view).
    fn push_inline(&mut self, view: View) {
        if let Some(bits) = self.validity.as_mut() {
            bits.push(true);
        }
        self.views.push(view);
    }

    /// Copies a long value into the buffers and returns its view and its bytes there.
    fn store(&mut self, bytes: &[u8]) -> (View, &'static [u8]) {
        if self.current.capacity() - self.current.len() < bytes.len() {
            let size = (self.current.capacity() * 2).clamp(FIRST_BUFFER, MAX_BUFFER);
            let next = Vec::with_capacity(size.max(bytes.len()));
            let full = std::mem::replace(&mut self.current, next);
            if full.capacity() > 0 {
                self.done.push(full);
            }
        }
        let offset = self.current.len();
        self.current.extend_from_slice(bytes);
        let view = View::new_from_bytes(bytes, self.done.len() as u32, offset as u32);
        // SAFETY: `current` is never grown past its capacity, so its heap bytes never move;
        // filled buffers are moved into `done` (the heap bytes stay put) and then into the
        // array at `finish`, which drops the map and `last` (the only holders) first. The
        // bytes live as long as `self`.
        let stored =
            unsafe { std::slice::from_raw_parts(self.current.as_ptr().add(offset), bytes.len()) };
        (view, stored)
    }

    /// The bytes of a long view made by [`Gather::store`].
    fn stored(&self, view: View) -> &'static [u8] {
        let buffer = self
            .done
            .get(view.buffer_idx as usize)
            .unwrap_or(&self.current);
        let bytes = &buffer[view.offset as usize..(view.offset + view.length) as usize];
        // SAFETY: as in `store`: these heap bytes never move or change while `self` lives.
        unsafe { std::slice::from_raw_parts(bytes.as_ptr(), bytes.len()) }
    }

    /// Appends a value (valid UTF-8 bytes) or a null.
    pub(crate) fn push(&mut self, value: Option<&[u8]>) {
        let Some(bytes) = value else {
            super::push_null_bit(&mut self.validity, self.views.len(), self.views.capacity());
            self.views.push(View::default());
            return;
        };
        if bytes.len() <= View::MAX_INLINE_SIZE as usize {
            self.push_inline(inline_view(bytes));
            return;
        }
        if let Some(bits) = self.validity.as_mut() {
            bits.push(true);
        }
        self.long += 1;
        // Exports list a customer's lines together: most repeats are of the row above.
        let view = match self.last {
            Some((prev, view)) if same(prev, bytes) => {
                self.repeats += 1;
                view
            }
            _ if self.dedupe => match self.seen.get(bytes).copied() {
                Some(view) => {
                    self.repeats += 1;
                    view
                }
                None => {
                    let (view, stored) = self.store(bytes);
                    self.seen.insert(stored, view);
                    view
                }
            },
            _ => self.store(bytes).0,
        };
        self.last = Some((self.stored(view), view));
        self.views.push(view);
        self.probe();
    }

    /// Past [`PROBE`] long values, a column that mostly does not repeat stops being looked up.
    fn probe(&mut self) {
        if self.dedupe && self.long == PROBE && self.repeats * 2 < self.long {
            self.dedupe = false;
            self.seen = PlHashMap::new();
        }
    }

    pub(crate) fn finish(mut self, name: PlSmallStr) -> StringChunked {
        self.seen = PlHashMap::new();
        self.last = None;
        let mut done = std::mem::take(&mut self.done);
        if self.current.capacity() > 0 {
            done.push(std::mem::take(&mut self.current));
        }
        let buffers: Vec<Buffer<u8>> = done.into_iter().map(Buffer::from).collect();
        let total_buffer_len = buffers.iter().map(|b| b.len()).sum();
        // SAFETY: every view is inline (its bytes, valid UTF-8, inside it) or was made by
        // `store` for bytes of valid UTF-8 at that offset of that buffer, in this order; the
        // validity has one bit per view.
        let arr = unsafe {
            Utf8ViewArray::new_unchecked(
                ArrowDataType::Utf8View,
                std::mem::take(&mut self.views).into(),
                buffers.into(),
                self.validity.take().map(Into::into),
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
    fn inline_views_and_comparisons_match_the_plain_ones() {
        let bytes: Vec<u8> = (0..40u8)
            .map(|i| i.wrapping_mul(37).wrapping_add(11))
            .collect();
        for n in 0..=12 {
            for at in 0..4 {
                let b = &bytes[at..at + n];
                assert_eq!(inline_view(b), View::new_inline(b), "{n} bytes");
            }
        }
        for n in 0..=36 {
            let a = &bytes[..n];
            let copy = a.to_vec();
            assert!(same(a, &copy), "{n} bytes");
            for i in 0..n {
                let mut b = a.to_vec();
                b[i] ^= 0x20;
                assert!(!same(a, &b), "{n} bytes, byte {i} differs");
            }
            assert!(!same(a, &bytes[..n + 1]));
        }
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
