//! Column storage shared by every reader: text columns gathered into one chunk with each
//! repeated long value stored once ([`text`]), number, date and bookkeeping columns of a large
//! source gathered as its slices arrive ([`numbers`]), and rejected rows dropped from such
//! columns in place ([`filter`]). Part of the ingest stage; depends on polars' arrays only.

pub(crate) mod filter;
pub(crate) mod numbers;
pub(crate) mod text;

/// Room for `total` values in all, reserved as asked (growing by at least a quarter, should an
/// estimate fall short): a sliced source asks for its expected size once, as growing by
/// doubling would copy a column of tens of millions of rows several times over, each copy into
/// fresh pages the kernel must zero.
///
/// A column grows into a new allocation holding a copy of its values only. `Vec::reserve`
/// would `realloc`, and the allocator copies the whole old block, capacity and all: the second
/// slice of a large export, whose estimate came out above the first's, had L's eleven columns
/// copy 20.75 million reserved rows each (about 2.6 GB, most of it never written, all of it
/// faulted in and zeroed) to keep 0.7 million.
pub(crate) fn reserve_total<T: Copy>(values: &mut Vec<T>, total: usize) {
    let capacity = values.capacity();
    if total > capacity {
        let total = total.max(capacity + capacity / 4);
        let mut grown = Vec::with_capacity(total);
        grown.extend_from_slice(values);
        *values = grown;
    }
}

/// Appends a null's bit to a validity made only at the first null: made then, with room for
/// `capacity` values and the `len` values before it valid.
pub(crate) fn push_null_bit(
    validity: &mut Option<polars_arrow::bitmap::MutableBitmap>,
    len: usize,
    capacity: usize,
) {
    validity
        .get_or_insert_with(|| {
            let mut bits = polars_arrow::bitmap::MutableBitmap::with_capacity(capacity);
            bits.extend_constant(len, true);
            bits
        })
        .push(false);
}

#[cfg(test)]
mod tests {
    use super::reserve_total;

    #[test]
    fn growing_keeps_the_values_and_reserves_at_least_a_quarter_more() {
        let mut v: Vec<u64> = Vec::with_capacity(8);
        v.extend([1, 2, 3]);
        reserve_total(&mut v, 6);
        assert_eq!((v.as_slice(), v.capacity()), (&[1, 2, 3][..], 8));
        reserve_total(&mut v, 9);
        assert_eq!(v, [1, 2, 3]);
        assert!(v.capacity() >= 10);
        reserve_total(&mut v, 100);
        assert_eq!(v, [1, 2, 3]);
        assert!(v.capacity() >= 100);
    }
}
