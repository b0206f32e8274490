//! Number, date and row-bookkeeping columns of a large source gathered into one chunk as its
//! slices arrive, and rows dropped from such a column in place. Part of the ingest stage (see
//! `assemble::Kept`); depends on polars' arrays only.
//!
//! Each slice's values used to be kept as chunks of their own, filtered into new chunks when a
//! row was rejected, and copied into one chunk when the table was assembled: three copies of
//! every number column, each into fresh pages the kernel had to zero (on 20 million invoice
//! lines, about 2 GB of page faults). Here each slice is copied once into a column reserved for
//! the whole source, and rejected rows are dropped by moving the values down.

use polars::prelude::*;
use polars_arrow::array::PrimitiveArray;
use polars_arrow::bitmap::{Bitmap, MutableBitmap};

/// One column's values of one physical type, and their validity (built from the first null).
struct Values<T: PolarsNumericType> {
    values: Vec<T::Native>,
    validity: Option<MutableBitmap>,
}

impl<T: PolarsNumericType> Values<T> {
    fn new() -> Self {
        Values {
            values: Vec::new(),
            validity: None,
        }
    }

    fn push(&mut self, ca: &ChunkedArray<T>) {
        for arr in ca.downcast_iter() {
            let before = self.values.len();
            self.values.extend_from_slice(arr.values());
            let nulls = arr.validity().filter(|bits| bits.unset_bits() > 0);
            match (nulls, self.validity.as_mut()) {
                (Some(bits), Some(validity)) => validity.extend_from_bitmap(bits),
                (Some(bits), None) => {
                    let mut validity = MutableBitmap::with_capacity(self.values.capacity());
                    validity.extend_constant(before, true);
                    validity.extend_from_bitmap(bits);
                    self.validity = Some(validity);
                }
                (None, Some(validity)) => validity.extend_constant(arr.len(), true),
                (None, None) => {}
            }
        }
    }

    fn reserve_total(&mut self, total: usize) {
        reserve_total(&mut self.values, total);
    }

    fn finish(self, name: PlSmallStr) -> ChunkedArray<T> {
        let arr = PrimitiveArray::new(
            T::get_static_dtype().to_arrow(CompatLevel::newest()),
            self.values.into(),
            self.validity.map(Into::into),
        );
        ChunkedArray::with_chunk(name, arr)
    }
}

/// The gathered values, by physical type; any other type keeps its chunks as they come.
enum Acc {
    Empty,
    F64(Values<Float64Type>),
    I32(Values<Int32Type>),
    I64(Values<Int64Type>),
    U32(Values<UInt32Type>),
    U64(Values<UInt64Type>),
    Chunks(Vec<Column>),
}

/// A column gathered slice after slice into one chunk of its (first) dtype.
pub(crate) struct NumberGather {
    dtype: Option<DataType>,
    acc: Acc,
    /// Rows asked for before the first slice told the type.
    reserve: usize,
}

impl NumberGather {
    pub(crate) fn new() -> NumberGather {
        NumberGather {
            dtype: None,
            acc: Acc::Empty,
            reserve: 0,
        }
    }

    /// Room for `total` rows in all (see [`reserve_total`]).
    pub(crate) fn reserve_total(&mut self, total: usize) {
        match &mut self.acc {
            Acc::Empty => self.reserve = self.reserve.max(total),
            Acc::F64(v) => v.reserve_total(total),
            Acc::I32(v) => v.reserve_total(total),
            Acc::I64(v) => v.reserve_total(total),
            Acc::U32(v) => v.reserve_total(total),
            Acc::U64(v) => v.reserve_total(total),
            Acc::Chunks(_) => {}
        }
    }

    /// Appends a slice's column (copied; the column can be dropped).
    pub(crate) fn push(&mut self, c: Column) {
        let dtype = c.dtype().clone();
        match &self.dtype {
            None => {
                let physical = dtype.to_physical();
                self.acc = match physical {
                    DataType::Float64 => Acc::F64(Values::new()),
                    DataType::Int32 => Acc::I32(Values::new()),
                    DataType::Int64 => Acc::I64(Values::new()),
                    DataType::UInt32 => Acc::U32(Values::new()),
                    DataType::UInt64 => Acc::U64(Values::new()),
                    _ => Acc::Chunks(Vec::new()),
                };
                self.dtype = Some(dtype);
                let reserve = std::mem::take(&mut self.reserve);
                self.reserve_total(reserve);
            }
            Some(d) if *d != dtype => {
                // A converted column keeps its dtype from slice to slice (each is read by the
                // same cell reader); should one differ, it is cast, and a value that does not
                // cast is an error rather than a null.
                let d = d.clone();
                match c.strict_cast(&d) {
                    Ok(cast) => return self.push(cast),
                    Err(e) => panic!("column {} changed type between slices: {e}", c.name()),
                }
            }
            Some(_) => {}
        }
        if let Acc::Chunks(chunks) = &mut self.acc {
            chunks.push(c);
            return;
        }
        let series = c.as_materialized_series().to_physical_repr();
        let pushed = match &mut self.acc {
            Acc::F64(v) => series.f64().map(|ca| v.push(ca)),
            Acc::I32(v) => series.i32().map(|ca| v.push(ca)),
            Acc::I64(v) => series.i64().map(|ca| v.push(ca)),
            Acc::U32(v) => series.u32().map(|ca| v.push(ca)),
            Acc::U64(v) => series.u64().map(|ca| v.push(ca)),
            Acc::Chunks(_) | Acc::Empty => unreachable!("the type is set above"),
        };
        debug_assert!(pushed.is_ok(), "the physical type is the one gathered");
    }

    /// The gathered column, of the dtype of its slices (`None` when nothing was pushed).
    pub(crate) fn finish(self, name: PlSmallStr) -> Column {
        let Some(dtype) = self.dtype else {
            return Column::full_null(name, 0, &DataType::Null);
        };
        let series = match self.acc {
            Acc::Empty => return Column::full_null(name, 0, &dtype),
            Acc::F64(v) => v.finish(name).into_series(),
            Acc::I32(v) => v.finish(name).into_series(),
            Acc::I64(v) => v.finish(name).into_series(),
            Acc::U32(v) => v.finish(name).into_series(),
            Acc::U64(v) => v.finish(name).into_series(),
            Acc::Chunks(chunks) => {
                let mut it = chunks.into_iter();
                let Some(mut c) = it.next() else {
                    return Column::full_null(name, 0, &dtype);
                };
                for next in it {
                    let _ = c.append_owned(next);
                }
                return c;
            }
        };
        to_logical(series, &dtype).into_column()
    }
}

/// A physical series given back its logical dtype (dates, timestamps) without copying.
fn to_logical(series: Series, dtype: &DataType) -> Series {
    match (dtype, series.dtype()) {
        (DataType::Date, DataType::Int32) => series
            .i32()
            .map(|ca| ca.clone().into_date().into_series())
            .unwrap_or(series),
        (DataType::Datetime(unit, zone), DataType::Int64) => series
            .i64()
            .map(|ca| ca.clone().into_datetime(*unit, zone.clone()).into_series())
            .unwrap_or(series),
        _ => series,
    }
}

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
        return Ok(super::text_chunk::filter_owned(text, keep)?.into_column());
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

/// Room for `total` values in all, reserved as asked (growing by at least a quarter, should an
/// estimate fall short): a sliced source asks for its expected size once, where growing by
/// doubling copied a 20-million-row column several times over, faulting in fresh pages for each
/// copy.
pub(crate) fn reserve_total<T>(values: &mut Vec<T>, total: usize) {
    let capacity = values.capacity();
    if total > capacity {
        let total = total.max(capacity + capacity / 4);
        values.reserve_exact(total - values.len());
    }
}

/// The bits of the rows where `keep` is true.
pub(crate) fn kept_bits(bits: &Bitmap, keep: &[bool]) -> Bitmap {
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
pub(crate) fn compact<T: Copy>(slots: &mut [T], keep: &[bool]) -> usize {
    debug_assert_eq!(slots.len(), keep.len());
    // SAFETY: `bool` is one byte, 0 or 1.
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

    fn values(c: &Column) -> Vec<String> {
        let s = c.as_materialized_series();
        (0..s.len())
            .map(|i| s.get(i).map(|v| v.to_string()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn slices_gather_into_one_chunk_of_their_dtype_with_their_nulls() {
        let dates = |v: &[Option<i32>]| {
            Int32Chunked::new("date".into(), v)
                .into_date()
                .into_column()
        };
        let mut g = NumberGather::new();
        g.reserve_total(6);
        g.push(dates(&[Some(1), Some(2)]));
        g.push(dates(&[None, Some(4)]));
        let mut two = dates(&[Some(5)]);
        two.append_owned(dates(&[None])).unwrap();
        g.push(two);
        let out = g.finish("date".into());
        assert_eq!(out.dtype(), &DataType::Date);
        assert_eq!(out.n_chunks(), 1);
        assert_eq!(out.null_count(), 2);
        let expected = dates(&[Some(1), Some(2), None, Some(4), Some(5), None]);
        assert_eq!(values(&out), values(&expected));

        let mut g = NumberGather::new();
        g.push(Column::new("x".into(), [1.5f64, 2.5]));
        g.push(Column::new("x".into(), [3.5f64]));
        let out = g.finish("x".into());
        assert_eq!(
            out.f64().unwrap().to_vec(),
            vec![Some(1.5), Some(2.5), Some(3.5)]
        );
        assert_eq!(out.null_count(), 0);
    }

    #[test]
    fn flags_keep_their_chunks_and_a_changed_type_is_cast() {
        let mut g = NumberGather::new();
        g.push(Column::new("f".into(), [true, false]));
        g.push(Column::new("f".into(), [true]));
        let out = g.finish("f".into());
        let flags: Vec<_> = out.bool().unwrap().iter().collect();
        assert_eq!(flags, vec![Some(true), Some(false), Some(true)]);

        let mut g = NumberGather::new();
        g.push(Column::new("n".into(), [1i64, 2]));
        g.push(Column::new("n".into(), [3.0f64]));
        let out = g.finish("n".into());
        assert_eq!(out.i64().unwrap().to_vec(), vec![Some(1), Some(2), Some(3)]);
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
}
