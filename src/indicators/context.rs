//! Indicators stage: the prepared inputs every indicator family reads.
//!
//! Depends on the canonical tables (`crate::tables`), the indicator settings and the shared
//! customer-day reduction ([`crate::customer_days`]): every per-customer query groups by its
//! dense, sorted `u32` key, several times faster than grouping lines by a text id.

use super::error::{IndicatorError, QueryContext};
use crate::config::IndicatorSettings;
use crate::customer_days::CustomerDays;
use crate::tables::Tables;
use chrono::NaiveDate;
use polars::prelude::*;
use polars_arrow::array::{Array, Utf8ViewArray};
use serde::{Deserialize, Serialize};

/// First and last transaction date of the client's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRange {
    /// Date of the earliest transaction line.
    pub first: NaiveDate,
    /// Date of the latest transaction line.
    pub last: NaiveDate,
}

impl DataRange {
    /// Whether `[from, to]` lies wholly inside the data.
    pub fn covers(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.first <= from && to <= self.last
    }
}

/// The canonical tables reduced to what the customer and revenue families query. Cloning
/// shares the frames' buffers.
#[derive(Clone)]
pub struct Context<'a> {
    /// The client's canonical tables, for families that read raw lines (invoice counts).
    pub tables: &'a Tables,
    /// Indicator settings (activity window, cost per complaint, ...).
    pub settings: &'a IndicatorSettings,
    /// `key` (u32) and `customer_id` (String): one row per customer seen in the transactions.
    pub keys: DataFrame,
    /// One row per customer and day with transactions, sorted by (key, day): `key` (u32, flagged
    /// sorted), `day` (i32 days since 1970-01-01), `net` (Σ net_amount), `margin`
    /// (Σ net_amount − cost over lines with a cost), `purchase` (some line has net_amount > 0).
    pub daily: DataFrame,
    /// `key`, `first_purchase` (i32 day of the first line with net_amount > 0).
    pub first_purchases: DataFrame,
    /// Complaints keyed to transacting customers: `key`, `opened` (i32 day), `resolved` (i32 day,
    /// null while open); `None` without a complaints table.
    pub complaints: Option<DataFrame>,
    /// Date range of the transactions; `None` when there are none.
    pub data_range: Option<DataRange>,
    /// Some transaction line carries a cost, so margins can be computed.
    pub has_cost: bool,
    /// Some transaction line carries an invoice number.
    pub has_invoice_ids: bool,
    /// The complaints table has resolution times, so "open at a date" is known.
    pub has_resolved_at: bool,
    /// The purchase lines sorted by day, when the caller built them: per-period counts over
    /// lines read a slice of them.
    pub(crate) lines: Option<&'a super::day_lines::DayLines<'a>>,
}

pub use crate::period::{date_of, day_number};

/// `expr` in `[from, to]`, both ends included (the crate does not enable polars' `is_between`).
pub(crate) fn between(expr: Expr, from: i32, to: i32) -> Expr {
    expr.clone().gt_eq(lit(from)).and(expr.lt_eq(lit(to)))
}

fn check(
    df: &DataFrame,
    table: &'static str,
    column: &'static str,
    expected: DataType,
) -> Result<(), IndicatorError> {
    let problem = match df.column(column) {
        Err(_) => "is missing".to_string(),
        Ok(c) if *c.dtype() == expected || *c.dtype() == DataType::Null => return Ok(()),
        Ok(c) => format!("has dtype {}", c.dtype()),
    };
    Err(IndicatorError::Schema {
        table,
        column,
        problem,
        expected: expected.to_string(),
    })
}

fn any_value(df: &DataFrame, column: &str) -> bool {
    df.column(column)
        .map(|c| c.null_count() < c.len())
        .unwrap_or(false)
}

impl<'a> Context<'a> {
    /// Checks the columns the families read and builds the keyed daily frame.
    pub fn prepare(
        tables: &'a Tables,
        settings: &'a IndicatorSettings,
    ) -> Result<Self, IndicatorError> {
        Self::prepare_with(tables, settings, None)
    }

    /// [`Context::prepare`] over the customer-day reduction of `tables.transactions` when the
    /// pipeline has already built it for the models (built here otherwise).
    pub fn prepare_with(
        tables: &'a Tables,
        settings: &'a IndicatorSettings,
        days: Option<&CustomerDays>,
    ) -> Result<Self, IndicatorError> {
        let tx = &tables.transactions;
        let datetime = DataType::Datetime(TimeUnit::Milliseconds, None);
        check(tx, "transactions", "customer_id", DataType::String)?;
        check(tx, "transactions", "date", DataType::Date)?;
        check(tx, "transactions", "net_amount", DataType::Float64)?;
        check(tx, "transactions", "cost", DataType::Float64)?;
        check(tx, "transactions", "invoice_id", DataType::String)?;
        if let Some(c) = &tables.complaints {
            check(c, "complaints", "customer_id", DataType::String)?;
            check(c, "complaints", "opened_at", datetime.clone())?;
            check(c, "complaints", "resolved_at", datetime)?;
        }
        if let Some(c) = &tables.customers {
            check(c, "customers", "customer_id", DataType::String)?;
            check(c, "customers", "acquisition_cost", DataType::Float64)?;
        }
        let built;
        let days = match days {
            Some(d) => d,
            None => {
                built = CustomerDays::build(tx).family("context")?;
                &built
            }
        };
        let keys = days.keys.clone();
        let daily = days
            .daily
            .select(["key", "day", "net", "margin", "purchase"])
            .family("context")?;
        let first_purchases = first_purchases(&daily).family("context")?;
        let complaints = match &tables.complaints {
            Some(c) => Some(keyed_complaints(c, &keys).family("context")?),
            None => None,
        };
        let data_range = data_range(&daily).family("context")?;
        Ok(Context {
            tables,
            settings,
            has_cost: any_value(tx, "cost"),
            has_invoice_ids: any_value(tx, "invoice_id"),
            has_resolved_at: tables
                .complaints
                .as_ref()
                .is_some_and(|c| any_value(c, "resolved_at")),
            keys,
            daily,
            first_purchases,
            complaints,
            data_range,
            lines: None,
        })
    }

    /// The activity window A in days.
    pub fn window_days(&self) -> i32 {
        self.settings.activity_window_days as i32
    }

    /// Adds `customer_id` to a frame that has `key`.
    pub fn with_ids(&self, lf: LazyFrame) -> LazyFrame {
        lf.join(
            self.keys.clone().lazy(),
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Inner),
        )
    }

    /// Each customer id's key, for keying a table in one pass instead of a join by text.
    pub(crate) fn key_index(&self) -> PolarsResult<KeyIndex<'_>> {
        let ids = self.keys.column("customer_id")?.str()?;
        let keys = self.keys.column("key")?.u32()?;
        let mut index = PlHashMap::with_capacity(ids.len());
        for (id, key) in ids.iter().zip(keys.iter()) {
            if let (Some(id), Some(key)) = (id, key) {
                index.insert(id, key);
            }
        }
        Ok(index)
    }

    /// The key index a caller lent (built once for several queries), else one built here.
    pub(crate) fn key_index_or<'s>(
        &'s self,
        lent: Option<&'s KeyIndex<'s>>,
    ) -> PolarsResult<std::borrow::Cow<'s, KeyIndex<'s>>> {
        Ok(match lent {
            Some(index) => std::borrow::Cow::Borrowed(index),
            None => std::borrow::Cow::Owned(self.key_index()?),
        })
    }

    /// Adds `key` to a frame that has `customer_id`, dropping customers without transactions:
    /// the join by text id that the one-pass keyings ([`Context::key_index`]) are tested against.
    #[cfg(test)]
    pub(crate) fn with_keys(&self, lf: LazyFrame) -> LazyFrame {
        lf.join(
            self.keys.clone().lazy(),
            [col("customer_id")],
            [col("customer_id")],
            JoinArgs::new(JoinType::Inner),
        )
    }
}

/// Each customer id's key ([`Context::key_index`]): built once per computation and lent to every
/// query that keys a table by text id (a million ids hashed again per query otherwise).
pub(crate) type KeyIndex<'a> = PlHashMap<&'a str, u32>;

/// Keys the ids of a table in row order: an id equal to the one after the last id found (in the
/// keys' order) takes its key without hashing, any other is looked up in the key index. Exports
/// often list customers in id order, as the keys are, and the models' values come in key order;
/// keying a million of them then reads the keys in sequence instead of probing a table of a
/// million entries at random for each.
pub(crate) struct KeyCursor<'i, 'a> {
    ids: &'i Utf8ViewArray,
    keys: &'i [u32],
    index: &'i KeyIndex<'a>,
    next: usize,
}

impl<'i, 'a> KeyCursor<'i, 'a> {
    /// Over `keys` (`Context::keys`: one chunk, no null key) and its index; `None` for a frame
    /// of another shape (the caller then looks every id up).
    pub(crate) fn new(keys: &'i DataFrame, index: &'i KeyIndex<'a>) -> Option<Self> {
        let ids = keys.column("customer_id").ok()?.str().ok()?;
        let key = keys.column("key").ok()?.u32().ok()?;
        if ids.chunks().len() != 1 {
            return None;
        }
        Some(KeyCursor {
            ids: ids.downcast_as_array(),
            keys: key.cont_slice().ok()?,
            index,
            next: 0,
        })
    }

    /// The key of `id`, `None` when it has none (as the index says).
    pub(crate) fn key(&mut self, id: &str) -> Option<u32> {
        let at = self.next;
        if at < self.keys.len() && self.ids.is_valid(at) && self.ids.value(at) == id {
            self.next = at + 1;
            return Some(self.keys[at]);
        }
        let key = *self.index.get(id)?;
        // The row of a key is its number in `Context::keys`, whose keys are 0..n in order; a
        // frame keyed otherwise only loses the shortcut.
        if self.keys.get(key as usize) == Some(&key) {
            self.next = key as usize + 1;
        }
        Some(key)
    }
}

/// The values of a Boolean column without nulls, as bits in one piece (an error with nulls, as
/// [`ChunkedArray::cont_slice`] gives for the other columns).
pub(crate) fn no_null_bits(column: &BooleanChunked) -> PolarsResult<polars_arrow::bitmap::Bitmap> {
    polars_ensure!(
        column.null_count() == 0,
        ComputeError: "a Boolean column without nulls is expected"
    );
    Ok(column.rechunk().downcast_as_array().values().clone())
}

/// `key`, `first_purchase`: the day of each customer's first purchase day, in key order. The
/// customer days are sorted by (key, day), so it is the first purchase row of each key: one
/// pass instead of a group-by hashing every customer day.
fn first_purchases(daily: &DataFrame) -> PolarsResult<DataFrame> {
    let (key, day) = (
        daily.column("key")?.u32()?.rechunk(),
        daily.column("day")?.i32()?.rechunk(),
    );
    let (key, day) = (key.cont_slice()?, day.cont_slice()?);
    let purchase = no_null_bits(daily.column("purchase")?.bool()?)?;
    let (mut keys, mut days): (Vec<u32>, Vec<i32>) = (Vec::new(), Vec::new());
    let mut last: Option<u32> = None;
    for i in 0..key.len().min(day.len()) {
        if !purchase.get_bit(i) {
            continue;
        }
        let (key, day) = (key[i], day[i]);
        if last == Some(key) {
            // A later purchase day of the same customer (its days ascend).
            if let Some(d) = days.last_mut() {
                *d = (*d).min(day);
            }
            continue;
        }
        last = Some(key);
        keys.push(key);
        days.push(day);
    }
    let height = keys.len();
    DataFrame::new(
        height,
        vec![
            UInt32Chunked::from_vec("key".into(), keys).into_column(),
            Int32Chunked::from_vec("first_purchase".into(), days).into_column(),
        ],
    )
}

fn keyed_complaints(complaints: &DataFrame, keys: &DataFrame) -> PolarsResult<DataFrame> {
    keyed_complaints_with(complaints, keys, &[])
}

/// The complaints keyed as in [`Context::complaints`] (`key`, `opened`, `resolved`), keeping
/// the named columns of the complaints table too (an action list shows ids and categories).
pub(crate) fn keyed_complaints_with(
    complaints: &DataFrame,
    keys: &DataFrame,
    extra: &[&str],
) -> PolarsResult<DataFrame> {
    let mut columns = vec![
        col("key"),
        col("opened_at")
            .cast(DataType::Date)
            .cast(DataType::Int32)
            .alias("opened"),
        col("resolved_at")
            .cast(DataType::Date)
            .cast(DataType::Int32)
            .alias("resolved"),
    ];
    columns.extend(extra.iter().map(|c| col(*c)));
    complaints
        .clone()
        .lazy()
        .filter(col("opened_at").is_not_null())
        .join(
            keys.clone().lazy(),
            [col("customer_id")],
            [col("customer_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .select(columns)
        .collect()
}

fn data_range(daily: &DataFrame) -> PolarsResult<Option<DataRange>> {
    let day = daily.column("day")?.i32()?;
    Ok(match (day.min(), day.max()) {
        (Some(first), Some(last)) => Some(DataRange {
            first: date_of(first),
            last: date_of(last),
        }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::fixture;

    #[test]
    fn the_key_cursor_gives_the_index_keys_in_any_row_order() {
        let keys = df!(
            "key" => [0u32, 1, 2, 3, 4],
            "customer_id" => ["a", "b", "c", "d", "a customer id longer than twelve bytes"],
        )
        .unwrap();
        let index: KeyIndex = ["a", "b", "c", "d", "a customer id longer than twelve bytes"]
            .into_iter()
            .zip(0u32..)
            .collect();
        // In key order with unknown ids between, repeated, backwards, and a jump.
        let rows = [
            "a",
            "zz",
            "b",
            "c",
            "c",
            "x",
            "d",
            "b",
            "a",
            "d",
            "a customer id longer than twelve bytes",
            "a",
            "q",
            "c",
            "d",
        ];
        let mut cursor = KeyCursor::new(&keys, &index).expect("one chunk, no nulls");
        for id in rows {
            assert_eq!(cursor.key(id), index.get(id).copied(), "{id}");
        }
        // Keys that are not their row numbers: the shortcut is not taken, the keys stay right.
        let shuffled =
            df!("key" => [4u32, 3, 2, 1, 0], "customer_id" => ["a", "b", "c", "d", "e"]).unwrap();
        let index: KeyIndex = [("a", 4), ("b", 3), ("c", 2), ("d", 1), ("e", 0)]
            .into_iter()
            .collect();
        let mut cursor = KeyCursor::new(&shuffled, &index).unwrap();
        for id in ["a", "b", "e", "d", "c", "zz"] {
            assert_eq!(cursor.key(id), index.get(id).copied(), "{id}");
        }
    }

    #[test]
    fn the_key_index_finds_every_id_and_no_other() {
        use crate::tables::TableKind;
        let ids = [
            "a",
            "123456789012",
            "301000000000001009",
            "0301000000000001009",
            "client@example.com",
        ];
        let mut tables = fixture::tables();
        tables.transactions = fixture::canonical(
            TableKind::Transactions,
            vec![
                Column::new("customer_id".into(), ids),
                Column::new("date".into(), vec![fixture::d("2026-01-05"); ids.len()]),
                Column::new("net_amount".into(), vec![10.0; ids.len()]),
            ],
        );
        let settings = fixture::settings();
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let index = ctx.key_index().unwrap();
        let keys = ctx.keys.column("key").unwrap().u32().unwrap();
        let id_of = ctx.keys.column("customer_id").unwrap().str().unwrap();
        assert_eq!(id_of.len(), ids.len());
        for (id, key) in id_of.iter().zip(keys.iter()) {
            assert_eq!(index.get(id.unwrap()), key.as_ref(), "{id:?}");
        }
        for absent in [
            "b",
            "301000000000001008",
            "00301000000000001009",
            "client@example.co",
        ] {
            assert_eq!(index.get(absent), None, "{absent}");
        }
    }

    #[test]
    fn first_purchases_agree_with_the_group_by_definition() {
        for tables in [
            fixture::tables(),
            crate::indicators::service_fixture::tables(),
        ] {
            let settings = fixture::settings();
            let ctx = Context::prepare(&tables, &settings).unwrap();
            let want = ctx
                .daily
                .clone()
                .lazy()
                .filter(col("purchase"))
                .group_by([col("key")])
                .agg([col("day").min().alias("first_purchase")])
                .sort(["key"], Default::default())
                .collect()
                .unwrap();
            assert!(want.height() > 5);
            assert!(
                ctx.first_purchases.equals(&want),
                "{:?}",
                ctx.first_purchases
            );
        }
    }
}
