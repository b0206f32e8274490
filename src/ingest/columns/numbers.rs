//! Number, date and row-bookkeeping columns of a large source gathered into one chunk as its
//! slices arrive (see `csv::assemble`). Part of the ingest stage; depends on polars' arrays only.
//!
//! Each slice's values are copied once, into a column reserved for the whole source; rejected
//! rows are later dropped by moving the values down ([`super::filter`]). Kept as chunks of
//! their own instead, every number column would be copied three times (filtered, then gathered
//! when the table is assembled), each time into fresh pages the kernel must zero.

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
            let nulls = arr.validity().filter(|bits| bits.unset_bits() > 0);
            self.push_values(arr.values(), nulls.map(Bitmap::as_slice));
        }
    }

    /// Appends `values`, with their validity as (bytes, bit offset, length) when some are
    /// null.
    fn push_values(&mut self, values: &[T::Native], nulls: Option<(&[u8], usize, usize)>) {
        let before = self.values.len();
        self.values.extend_from_slice(values);
        match (nulls, self.validity.as_mut()) {
            (Some((bits, offset, len)), Some(validity)) => {
                validity.extend_from_slice(bits, offset, len)
            }
            (Some((bits, offset, len)), None) => {
                let mut validity = MutableBitmap::with_capacity(self.values.capacity());
                validity.extend_constant(before, true);
                validity.extend_from_slice(bits, offset, len);
                self.validity = Some(validity);
            }
            (None, Some(validity)) => validity.extend_constant(values.len(), true),
            (None, None) => {}
        }
    }

    fn reserve_total(&mut self, total: usize) {
        super::reserve_total(&mut self.values, total);
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

    /// Room for `total` rows in all (see [`super::reserve_total`]).
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

    /// Appends a slice's values of physical type `T` read by the CSV reader straight from its
    /// bytes (copied), with their validity when some are null. Returns `false`, leaving the
    /// column as it was, when the column does not gather that physical type (or nothing was
    /// pushed yet to tell its type): the caller then pushes the values as a column.
    pub(crate) fn push_values<T: PolarsNumericType>(
        &mut self,
        values: &[T::Native],
        validity: Option<&MutableBitmap>,
    ) -> bool {
        let acc: &mut dyn std::any::Any = match &mut self.acc {
            Acc::F64(v) => v,
            Acc::I32(v) => v,
            Acc::I64(v) => v,
            Acc::U32(v) => v,
            Acc::U64(v) => v,
            Acc::Empty | Acc::Chunks(_) => return false,
        };
        let Some(gathered) = acc.downcast_mut::<Values<T>>() else {
            return false;
        };
        let nulls = validity.map(|bits| (bits.as_slice(), 0, bits.len()));
        gathered.push_values(values, nulls);
        true
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
pub(super) fn to_logical(series: Series, dtype: &DataType) -> Series {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn values(c: &Column) -> Vec<String> {
        let s = c.as_materialized_series();
        (0..s.len())
            .map(|i| s.get(i).map(|v| v.to_string()).unwrap_or_default())
            .collect()
    }

    /// A date column of these day numbers.
    fn dates(v: &[Option<i32>]) -> Column {
        Int32Chunked::new("date".into(), v)
            .into_date()
            .into_column()
    }

    #[test]
    fn slices_gather_into_one_chunk_of_their_dtype_with_their_nulls() {
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
    fn raw_values_join_the_column_with_their_nulls_when_it_gathers_their_type() {
        let mut g = NumberGather::new();
        // Nothing pushed yet: the type is not known, the values are refused.
        assert!(!g.push_values::<Int32Type>(&[9], None));
        g.push(dates(&[Some(1), None]));
        // A piece without nulls, then one whose second value is null (its slot holds a zero).
        assert!(g.push_values::<Int32Type>(&[3, 4], None));
        let mut bits = MutableBitmap::new();
        bits.extend_from_slice(&[0b101], 0, 3);
        assert!(g.push_values::<Int32Type>(&[5, 0, 7], Some(&bits)));
        // Another physical type is refused and leaves the column as it was.
        assert!(!g.push_values::<Float64Type>(&[1.0], None));
        let out = g.finish("date".into());
        assert_eq!(out.dtype(), &DataType::Date);
        let expected = dates(&[Some(1), None, Some(3), Some(4), Some(5), None, Some(7)]);
        assert_eq!(values(&out), values(&expected));

        // Nulls first in raw values: the validity starts there, the earlier rows valid.
        let mut g = NumberGather::new();
        g.push(Column::new("x".into(), [1.5f64]));
        let mut bits = MutableBitmap::new();
        bits.extend_from_slice(&[0b10], 0, 2);
        assert!(g.push_values::<Float64Type>(&[0.0, 2.5], Some(&bits)));
        let out = g.finish("x".into());
        assert_eq!(
            out.f64().unwrap().to_vec(),
            vec![Some(1.5), None, Some(2.5)]
        );
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
}
