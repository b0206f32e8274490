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
pub(crate) fn reserve_total<T>(values: &mut Vec<T>, total: usize) {
    let capacity = values.capacity();
    if total > capacity {
        let total = total.max(capacity + capacity / 4);
        values.reserve_exact(total - values.len());
    }
}
