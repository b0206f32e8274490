//! The hash of a canonical row over every converted column, the same whichever reader made
//! the row: the CSV reader folds it while each slice's values are at hand
//! ([`crate::ingest::csv`]), and the duplicate check takes it as the rows' hash
//! ([`super::checks`]). Part of the ingest stage; depends on polars only.

use polars::prelude::*;

/// Temporary column of a source read in slices: each row's hash over every converted column,
/// made as the slices are read ([`fold`]). The duplicate check takes it as the rows' hash,
/// and it stands in for the columns released as they are read
/// (`TableKind::released_after_checks`), so that rows are still compared on every column.
pub(crate) const ROW_HASH: &str = "__row_hash";

/// A converted value as the row hash sees it.
pub(crate) enum Value<'v> {
    Null,
    /// The bits of a number, zeros and NaNs made one.
    Number(u64),
    /// Whole numbers, days and milliseconds.
    Int(i64),
    Flag(bool),
    Text(&'v str),
    /// A text by its [`text_hash`], for a reader that has it at hand (the same text repeated):
    /// folded exactly as [`Value::Text`] of that text.
    TextHash(u64),
}

impl Value<'_> {
    /// A number as the hash sees it: `0.0` and `-0.0` are one value, as are all NaNs.
    pub(crate) fn number(x: f64) -> Value<'static> {
        Value::Number(if x == 0.0 {
            0
        } else if x.is_nan() {
            f64::NAN.to_bits()
        } else {
            x.to_bits()
        })
    }
}

/// `hash` with one more value of the row folded in. A row's hash is the fold of its converted
/// columns in column order from 0, starting at 0: the duplicate check's hash for the row
/// ([`ROW_HASH`]), made while the values are at hand instead of in a pass over the finished
/// table, and the only trace of the columns released as they are read.
///
/// Called for every cell, so a value is mixed in with one folded multiply (foldhash's own
/// step) rather than through a full `Hasher`, which costs several times as much per cell; text
/// is hashed with foldhash. Rows with equal hashes are compared value by value, except in the
/// released columns, where the 64-bit hash is all there is: on 20 million rows the chance that
/// two different rows share one is about one in 10^5.
pub(crate) fn fold(hash: u64, value: Value<'_>) -> u64 {
    // Arbitrary odd constants (from the digits of pi), one per kind of value, so that a null,
    // a zero and `false` differ.
    const KIND: [u64; 5] = [
        0x243f_6a88_85a3_08d3,
        0x1319_8a2e_0370_7345,
        0xa409_3822_299f_31d1,
        0x082e_fa98_ec4e_6c89,
        0x4528_21e6_38d0_1377,
    ];
    const SEED: u64 = 0xbe54_66cf_34e9_0c6d;
    let (kind, bits) = match value {
        Value::Null => (0, 0),
        Value::Number(bits) => (1, bits),
        Value::Int(x) => (2, x as u64),
        Value::Flag(x) => (3, u64::from(x)),
        Value::Text(s) => (4, text_hash(s)),
        Value::TextHash(h) => (4, h),
    };
    let product = u128::from(hash ^ KIND[kind]) * u128::from(bits ^ SEED);
    (product as u64) ^ ((product >> 64) as u64)
}

/// The hash a text is folded in with (foldhash, seeded once).
pub(crate) fn text_hash(s: &str) -> u64 {
    use std::hash::BuildHasher;
    static STATE: std::sync::LazyLock<PlSeedableRandomStateQuality> =
        std::sync::LazyLock::new(|| PlSeedableRandomStateQuality::seed_from_u64(0x5eed));
    STATE.hash_one(s)
}

/// Each row's [`fold`] over whole converted columns (a slice parsed by polars).
pub(crate) fn columns_row_hash(columns: &[&Column], n: usize) -> Vec<u64> {
    let mut hashes = vec![0u64; n];
    for c in columns {
        let physical = c.as_materialized_series().to_physical_repr();
        let values: Box<dyn Iterator<Item = Value<'_>>> = match physical.dtype() {
            DataType::Float64 => match physical.f64() {
                Ok(ca) => Box::new(ca.iter().map(|v| v.map_or(Value::Null, Value::number))),
                Err(_) => continue,
            },
            DataType::Int32 => match physical.i32() {
                Ok(ca) => Box::new(
                    ca.iter()
                        .map(|v| v.map_or(Value::Null, |x| Value::Int(i64::from(x)))),
                ),
                Err(_) => continue,
            },
            DataType::Int64 => match physical.i64() {
                Ok(ca) => Box::new(ca.iter().map(|v| v.map_or(Value::Null, Value::Int))),
                Err(_) => continue,
            },
            DataType::Boolean => match physical.bool() {
                Ok(ca) => Box::new(ca.iter().map(|v| v.map_or(Value::Null, Value::Flag))),
                Err(_) => continue,
            },
            DataType::String => match physical.str() {
                Ok(ca) => Box::new(ca.iter().map(|v| v.map_or(Value::Null, Value::Text))),
                Err(_) => continue,
            },
            _ => continue,
        };
        for (h, v) in hashes.iter_mut().zip(values) {
            *h = fold(*h, v);
        }
    }
    hashes
}
