//! Rejected rows dropped from a source's columns: a column in one chunk that nothing else holds
//! (a source's gathered column) has its values moved down in place, as rejected rows are few
//! and a filtered copy would fault in a fresh column's worth of pages. Part of the ingest
//! stage; depends on polars' arrays only.

use super::numbers::to_logical;
use polars::prelude::*;
use polars_arrow::array::{PrimitiveArray, Utf8ViewArray};
use polars_arrow::bitmap::{Bitmap, MutableBitmap};
use polars_arrow::datatypes::ArrowDataType;

/// `c`'s rows where `keep` is true (one value per row). A column in one chunk that nothing else
/// holds has its values moved down in place; any other column is filtered by polars.
pub(crate) fn filter_owned(c: Column, keep: &[bool]) -> PolarsResult<Column> {
    if c.len() != keep.len() {
        return c.filter(&BooleanChunked::from_slice("keep".into(), keep));
    }
    let dtype = c.dtype().clone();
    let name = c.name().clone();
    // Taken out of the column, and the logical wrapper dropped, so that nothing else holds the
    // values.
    let series = c.take_materialized_series();
    if dtype == DataType::String {
        let text = series.str()?.clone();
        drop(series);
        return Ok(filter_text(text, keep)?.into_column());
    }
    let physical = series.to_physical_repr().into_owned();
    drop(series);
    // Each typed array cloned out of the series, and the series dropped before the filter.
    macro_rules! filtered {
        ($values:ident) => {{
            let ca = physical.$values()?.clone();
            drop(physical);
            filter_values(ca, keep)?.into_series()
        }};
    }
    let filtered = match physical.dtype().clone() {
        DataType::Float64 => filtered!(f64),
        DataType::Int32 => filtered!(i32),
        DataType::Int64 => filtered!(i64),
        DataType::UInt32 => filtered!(u32),
        DataType::UInt64 => filtered!(u64),
        _ => {
            let logical = physical.cast(&dtype)?;
            return Ok(logical
                .filter(&BooleanChunked::from_slice("keep".into(), keep))?
                .into_column());
        }
    };
    Ok(to_logical(filtered.with_name(name), &dtype).into_column())
}

fn filter_values<T: PolarsNumericType>(
    ca: ChunkedArray<T>,
    keep: &[bool],
) -> PolarsResult<ChunkedArray<T>> {
    let mask = || BooleanChunked::from_slice("keep".into(), keep);
    if ca.chunks().len() != 1 {
        return ca.filter(&mask());
    }
    let name = ca.name().clone();
    let arr = ca.downcast_into_iter().next().expect("one chunk");
    let (arrow_dtype, mut values, validity) = arr.into_inner();
    let Some(slots) = values.get_mut_slice() else {
        let arr = PrimitiveArray::new(arrow_dtype, values, validity);
        return ChunkedArray::with_chunk(name, arr).filter(&mask());
    };
    let at = compact(slots, keep);
    values.slice_in_place(0..at);
    let validity = validity.map(|bits| kept_bits(&bits, keep));
    Ok(ChunkedArray::with_chunk(
        name,
        PrimitiveArray::new(arrow_dtype, values, validity),
    ))
}

/// `ca`'s rows where `keep` is true. A column in one chunk that nothing else holds (a source's
/// gathered column) has its views moved down in place and keeps its buffers, where a plain
/// filter would copy every view (16 bytes a row, into fresh pages) to drop a few rejected rows.
/// Any other column is filtered by polars. `keep` has one value per row, no nulls.
fn filter_text(ca: StringChunked, keep: &[bool]) -> PolarsResult<StringChunked> {
    if ca.chunks().len() != 1 || ca.len() != keep.len() {
        return ca.filter(&BooleanChunked::from_slice("keep".into(), keep));
    }
    let name = ca.name().clone();
    let arr = ca.downcast_into_iter().next().expect("one chunk");
    let (views, buffers, validity, _, total_buffer_len) = arr.into_inner();
    let mut views = views;
    let Some(slots) = views.get_mut_slice() else {
        // Shared: filtered into a new array after all.
        // SAFETY: the parts come unchanged from one valid array, so they still make one.
        let arr = unsafe {
            Utf8ViewArray::new_unchecked(
                ArrowDataType::Utf8View,
                views,
                buffers,
                validity,
                None,
                total_buffer_len,
            )
        };
        let ca = StringChunked::with_chunk(name, arr);
        return ca.filter(&BooleanChunked::from_slice("keep".into(), keep));
    };
    let at = compact(slots, keep);
    views.slice_in_place(0..at);
    let validity = validity.map(|bits| kept_bits(&bits, keep));
    // SAFETY: the kept views are some of the array's valid views, in order, over the same
    // unchanged buffers (so `total_buffer_len` still holds), and the validity keeps one bit per
    // kept view.
    let arr = unsafe {
        Utf8ViewArray::new_unchecked(
            ArrowDataType::Utf8View,
            views,
            buffers,
            validity,
            None,
            total_buffer_len,
        )
    };
    Ok(StringChunked::with_chunk(name, arr))
}

/// The bits of the rows where `keep` is true.
fn kept_bits(bits: &Bitmap, keep: &[bool]) -> Bitmap {
    let mut kept = MutableBitmap::with_capacity(keep.len());
    for (bit, &k) in bits.iter().zip(keep) {
        if k {
            kept.push(bit);
        }
    }
    kept.into()
}

/// Moves the values where `keep` is true to the front, in order, and returns how many there
/// are. Rejected rows are few: the runs between them are moved with `copy_within` (memmove),
/// and nothing before the first is touched.
fn compact<T: Copy>(slots: &mut [T], keep: &[bool]) -> usize {
    debug_assert_eq!(slots.len(), keep.len());
    // SAFETY: `bool` has the size and alignment of `u8` and is always 0 or 1, so `keep`'s
    // memory read as bytes is valid, for as long as `keep` is borrowed.
    let bytes: &[u8] = unsafe { std::slice::from_raw_parts(keep.as_ptr().cast(), keep.len()) };
    let Some(first) = memchr::memchr(0, bytes) else {
        return slots.len();
    };
    let mut at = first;
    let mut from = first + 1;
    while from < slots.len() {
        let end = memchr::memchr(0, &bytes[from..]).map_or(slots.len(), |i| from + i);
        slots.copy_within(from..end, at);
        at += end - from;
        from = end + 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::columns::numbers::NumberGather;
    use crate::ingest::columns::text::Gather;

    fn values(c: &Column) -> Vec<String> {
        let s = c.as_materialized_series();
        (0..s.len())
            .map(|i| s.get(i).map(|v| v.to_string()).unwrap_or_default())
            .collect()
    }

    fn chunked(parts: &[&[Option<&str>]]) -> StringChunked {
        let mut it = parts.iter().map(|p| StringChunked::new("id".into(), *p));
        let mut ca = it.next().unwrap();
        for p in it {
            ca.append_owned(p).unwrap();
        }
        ca
    }

    #[test]
    fn filtering_in_place_keeps_the_rows_polars_keeps() {
        let keep = [true, false, true, true, false];
        let mask = BooleanChunked::from_slice("keep".into(), &keep);
        let stamps = Int64Chunked::new("at".into(), &[Some(1), Some(2), None, Some(4), None])
            .into_datetime(TimeUnit::Milliseconds, None)
            .into_column();
        let columns = [
            Column::new(
                "x".into(),
                [Some(1.0f64), None, Some(3.0), Some(-0.0), Some(5.0)],
            ),
            Int32Chunked::new("d".into(), &[Some(1), Some(2), Some(3), None, Some(5)])
                .into_date()
                .into_column(),
            stamps,
            Column::new("row".into(), [1u32, 2, 3, 4, 5]),
            Column::new(
                "t".into(),
                [
                    Some("a long text value here"),
                    None,
                    Some("b"),
                    Some("c"),
                    None,
                ],
            ),
            Column::new("f".into(), [true, false, true, false, true]),
        ];
        for c in columns {
            let expected = c.filter(&mask).unwrap();
            let mut g = NumberGather::new();
            let owned = if c.dtype() == &DataType::String || c.dtype() == &DataType::Boolean {
                c.clone()
            } else {
                g.push(c.clone());
                g.finish(c.name().clone())
            };
            let out = filter_owned(owned, &keep).unwrap();
            assert_eq!(out.dtype(), expected.dtype(), "{}", c.name());
            assert_eq!(out.name(), c.name());
            assert_eq!(values(&out), values(&expected), "{}", c.name());
            assert_eq!(out.null_count(), expected.null_count(), "{}", c.name());
        }
    }

    #[test]
    fn compacting_keeps_the_kept_values_in_order() {
        let cases: [&[bool]; 6] = [
            &[true, true, true, true, true],
            &[false, true, true, false, true],
            &[true, false, false, true, true],
            &[true, true, true, true, false],
            &[false, false, false, false, false],
            &[],
        ];
        for keep in cases {
            let mut slots: Vec<usize> = (0..keep.len()).collect();
            let n = compact(&mut slots, keep);
            let expected: Vec<usize> = (0..keep.len()).filter(|&i| keep[i]).collect();
            assert_eq!(slots[..n], expected[..], "{keep:?}");
        }
    }

    #[test]
    fn a_gathered_column_is_filtered_where_it_lies() {
        let mut g = NumberGather::new();
        g.push(Column::new("x".into(), [1.0f64, 2.0, 3.0]));
        let c = g.finish("x".into());
        let at = |c: &Column| {
            c.f64()
                .unwrap()
                .downcast_iter()
                .next()
                .unwrap()
                .values()
                .as_ptr()
        };
        let before = at(&c);
        let out = filter_owned(c, &[true, false, true]).unwrap();
        assert_eq!(at(&out), before);
        assert_eq!(out.f64().unwrap().to_vec(), vec![Some(1.0), Some(3.0)]);
        // Held elsewhere too: that holder's values are left alone.
        let shared = Column::new("x".into(), [1.0f64, 2.0, 3.0]);
        let out = filter_owned(shared.clone(), &[false, true, true]).unwrap();
        assert_eq!(out.f64().unwrap().to_vec(), vec![Some(2.0), Some(3.0)]);
        assert_eq!(
            shared.f64().unwrap().to_vec(),
            vec![Some(1.0), Some(2.0), Some(3.0)]
        );
    }

    #[test]
    fn text_filtered_in_place_keeps_the_rows_polars_keeps() {
        let long = "a value longer than twelve bytes";
        let values = [Some(long), None, Some("short"), Some(long), Some("x"), None];
        let keep = [true, false, true, false, true, true];
        let mask = BooleanChunked::from_slice("keep".into(), &keep);
        let expected: Vec<_> = StringChunked::new("c".into(), &values)
            .filter(&mask)
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_string))
            .collect();
        let read = |ca: &StringChunked| -> Vec<Option<String>> {
            ca.iter().map(|v| v.map(str::to_string)).collect()
        };
        // Held by nothing else: filtered in place.
        let mut g = Gather::with_capacity(values.len());
        for v in values {
            g.push(v.map(str::as_bytes));
        }
        let owned = g.finish("c".into());
        let views_at = |ca: &StringChunked| ca.downcast_iter().next().unwrap().views().as_ptr();
        let before = views_at(&owned);
        let out = filter_text(owned, &keep).unwrap();
        assert_eq!(read(&out), expected);
        assert_eq!(views_at(&out), before, "filtered in place");
        assert_eq!(out.null_count(), 1);
        assert_eq!(out.name().as_str(), "c");
        // Shared with another holder, or in several chunks: left unchanged for that holder.
        let shared = StringChunked::new("c".into(), &values);
        let out = filter_text(shared.clone(), &keep).unwrap();
        assert_eq!(read(&out), expected);
        assert_eq!(shared.len(), values.len());
        let chunked = chunked(&[&values[..2], &values[2..]]);
        assert_eq!(read(&filter_text(chunked, &keep).unwrap()), expected);
    }
}
