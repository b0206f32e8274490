//! The transaction lines reduced to one row per customer and day, built once per client and
//! shared by the models and the indicators.
//!
//! Both stages start from the same reduction, and on a large client it is the costliest step of
//! either (a group-by over tens of millions of lines keyed by a text id). Doing it once, in one
//! pass over polars' own grouping, replaced two lazy pipelines (list aggregation, explode, sort
//! and a second group-by for the indicators; a group-by on (id, day) for the models). Customers
//! get a dense `u32` key in `customer_id` order, so that every later per-customer query groups by
//! a sorted integer and "sorted by key" means "sorted by customer_id".

use polars::prelude::*;
use polars::series::IsSorted;
use rayon::prelude::*;

/// Customers per parallel work unit: large enough that the per-unit vectors are few, small
/// enough that two cores stay busy to the end.
const BLOCK: usize = 4096;

/// The customer-day reduction of a transactions table.
#[derive(Debug, Clone)]
pub struct CustomerDays {
    /// `key` (u32, 0..n) and `customer_id` (String), sorted by both: one row per customer with at
    /// least one dated line.
    pub keys: DataFrame,
    /// One row per customer and day with lines, sorted by (key, day):
    /// - `key` (u32, flagged sorted), `day` (i32 days since 1970-01-01);
    /// - `net`: Σ net_amount (0 when every line lacks one);
    /// - `value`: Σ over lines with a net amount of net − cost where the cost is known, else net
    ///   (what the models value a purchase day at);
    /// - `margin`: Σ net − cost over lines with both (0 when none);
    /// - `lines`: lines with a net amount; `costed`: those of them with a cost (u32);
    /// - `purchase`: some line has net_amount > 0.
    pub daily: DataFrame,
    /// The key of each transaction line, aligned with the table's rows (null for lines left
    /// out): lets per-line queries group by customer on an integer instead of the text id.
    pub line_key: UInt32Chunked,
}

/// Per-day sums of one customer, accumulated line by line in file order.
#[derive(Default)]
struct Block {
    key: Vec<u32>,
    day: Vec<i32>,
    net: Vec<f64>,
    value: Vec<f64>,
    margin: Vec<f64>,
    lines: Vec<u32>,
    costed: Vec<u32>,
    purchase: Vec<bool>,
}

impl Block {
    fn push_day(&mut self, key: u32, day: i32) {
        self.key.push(key);
        self.day.push(day);
        self.net.push(0.0);
        self.value.push(0.0);
        self.margin.push(0.0);
        self.lines.push(0);
        self.costed.push(0);
        self.purchase.push(false);
    }

    fn add_line(&mut self, net: Option<f64>, cost: Option<f64>) {
        let Some(net) = net else { return };
        let last = self.key.len() - 1;
        self.net[last] += net;
        self.lines[last] += 1;
        self.purchase[last] |= net > 0.0;
        match cost {
            Some(cost) => {
                self.value[last] += net - cost;
                self.margin[last] += net - cost;
                self.costed[last] += 1;
            }
            None => self.value[last] += net,
        }
    }
}

impl CustomerDays {
    /// Reduces a canonical transactions table (`customer_id` String, `date` Date, `net_amount`
    /// and, when present, `cost` Float64). Lines without a customer or a date are left out.
    pub fn build(tx: &DataFrame) -> PolarsResult<CustomerDays> {
        let ids = tx.column("customer_id")?.str()?.rechunk();
        let dates = tx.column("date")?.date()?.physical().rechunk();
        let net = tx.column("net_amount")?.f64()?.rechunk();
        let cost = match tx.column("cost") {
            Ok(c) => c.f64()?.rechunk().into_owned(),
            Err(_) => Float64Chunked::full_null("cost".into(), tx.height()),
        };
        let ids = ids.downcast_as_array();
        let dates = dates.downcast_as_array();
        let net = net.downcast_as_array();
        let cost = cost.rechunk();
        let cost = cost.downcast_as_array();

        let by_id = tx.select(["customer_id"])?;
        let grouped = by_id.group_by(["customer_id"])?;
        let groups = grouped.get_groups();
        // A group's rows, without copying them out of polars' index lists.
        let rows_of = |g: usize| -> Box<dyn Iterator<Item = IdxSize> + '_> {
            match &**groups {
                GroupsType::Idx(idx) => Box::new(idx.all()[g].iter().copied()),
                GroupsType::Slice { groups, .. } => {
                    let [first, len] = groups[g];
                    Box::new(first..first + len)
                }
            }
        };
        let first_of = |g: usize| -> IdxSize {
            match &**groups {
                GroupsType::Idx(idx) => idx.first()[g],
                GroupsType::Slice { groups, .. } => groups[g][0],
            }
        };
        // Customers with an id and at least one dated line, in id order: the key is the rank.
        let mut customers: Vec<(&str, usize)> = (0..groups.len())
            .into_par_iter()
            .filter_map(|g| {
                let id = ids.get(first_of(g) as usize)?;
                let dated = rows_of(g).any(|r| dates.get(r as usize).is_some());
                dated.then_some((id, g))
            })
            .collect();
        customers.par_sort_unstable_by(|a, b| a.0.cmp(b.0));

        let blocks: Vec<Block> = customers
            .par_chunks(BLOCK)
            .enumerate()
            .map(|(b, chunk)| {
                let mut out = Block::default();
                let mut lines: Vec<(i32, IdxSize)> = Vec::new();
                for (i, (_, g)) in chunk.iter().enumerate() {
                    let key = (b * BLOCK + i) as u32;
                    lines.clear();
                    lines.extend(rows_of(*g).filter_map(|r| dates.get(r as usize).map(|d| (d, r))));
                    // (day, row): days in order, lines of a day in file order (the sums do not
                    // depend on how polars grouped).
                    lines.sort_unstable();
                    let mut current = None;
                    for &(day, row) in &lines {
                        if current != Some(day) {
                            out.push_day(key, day);
                            current = Some(day);
                        }
                        out.add_line(net.get(row as usize), cost.get(row as usize));
                    }
                }
                out
            })
            .collect();

        let rows: usize = blocks.iter().map(|b| b.key.len()).sum();
        let mut all = Block {
            key: Vec::with_capacity(rows),
            day: Vec::with_capacity(rows),
            net: Vec::with_capacity(rows),
            value: Vec::with_capacity(rows),
            margin: Vec::with_capacity(rows),
            lines: Vec::with_capacity(rows),
            costed: Vec::with_capacity(rows),
            purchase: Vec::with_capacity(rows),
        };
        for b in blocks {
            all.key.extend(b.key);
            all.day.extend(b.day);
            all.net.extend(b.net);
            all.value.extend(b.value);
            all.margin.extend(b.margin);
            all.lines.extend(b.lines);
            all.costed.extend(b.costed);
            all.purchase.extend(b.purchase);
        }
        let mut key = UInt32Chunked::from_vec("key".into(), all.key);
        key.set_sorted_flag(IsSorted::Ascending);
        let daily = DataFrame::new(
            rows,
            vec![
                key.into_column(),
                Int32Chunked::from_vec("day".into(), all.day).into_column(),
                Float64Chunked::from_vec("net".into(), all.net).into_column(),
                Float64Chunked::from_vec("value".into(), all.value).into_column(),
                Float64Chunked::from_vec("margin".into(), all.margin).into_column(),
                UInt32Chunked::from_vec("lines".into(), all.lines).into_column(),
                UInt32Chunked::from_vec("costed".into(), all.costed).into_column(),
                BooleanChunked::from_slice("purchase".into(), &all.purchase).into_column(),
            ],
        )?;
        let mut line_key: Vec<Option<u32>> = vec![None; tx.height()];
        for (k, (_, g)) in customers.iter().enumerate() {
            for r in rows_of(*g) {
                if dates.get(r as usize).is_some() {
                    line_key[r as usize] = Some(k as u32);
                }
            }
        }
        let line_key = UInt32Chunked::from_iter_options("key".into(), line_key.into_iter());
        let n = customers.len();
        let mut key = UInt32Chunked::from_vec("key".into(), (0..n as u32).collect());
        key.set_sorted_flag(IsSorted::Ascending);
        let id: StringChunked = customers.iter().map(|(id, _)| Some(*id)).collect();
        let keys = DataFrame::new(
            n,
            vec![
                key.into_column(),
                id.with_name("customer_id".into()).into_column(),
            ],
        )?;
        Ok(CustomerDays {
            keys,
            daily,
            line_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx() -> DataFrame {
        // Customer "b" (rows 0, 2, 3, 5): two lines on day 10 (one without a cost), a credit
        // note alone on day 12, a line without a net amount on day 11. Customer "a": one line on
        // day 11 and one without a date. A line without a customer.
        let date = |d: Option<i32>| d;
        DataFrame::new(
            7,
            vec![
                Column::new(
                    "customer_id".into(),
                    [
                        Some("b"),
                        Some("a"),
                        Some("b"),
                        Some("b"),
                        Some("a"),
                        Some("b"),
                        None,
                    ],
                ),
                Column::new(
                    "date".into(),
                    [
                        date(Some(10)),
                        date(Some(11)),
                        date(Some(10)),
                        date(Some(12)),
                        date(None),
                        date(Some(11)),
                        date(Some(10)),
                    ],
                )
                .cast(&DataType::Date)
                .unwrap(),
                Column::new(
                    "net_amount".into(),
                    [
                        Some(100.0),
                        Some(50.0),
                        Some(20.0),
                        Some(-30.0),
                        Some(7.0),
                        None,
                        Some(9.0),
                    ],
                ),
                Column::new(
                    "cost".into(),
                    [
                        Some(60.0),
                        None,
                        None,
                        Some(-10.0),
                        Some(1.0),
                        Some(5.0),
                        Some(1.0),
                    ],
                ),
            ],
        )
        .unwrap()
    }

    fn f64s(df: &DataFrame, name: &str) -> Vec<f64> {
        df.column(name)
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect()
    }

    fn u32s(df: &DataFrame, name: &str) -> Vec<u32> {
        df.column(name)
            .unwrap()
            .u32()
            .unwrap()
            .into_no_null_iter()
            .collect()
    }

    #[test]
    fn one_row_per_customer_and_day_in_id_then_day_order() {
        let d = CustomerDays::build(&tx()).unwrap();
        let ids: Vec<&str> = d
            .keys
            .column("customer_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(u32s(&d.keys, "key"), [0, 1]);
        assert_eq!(u32s(&d.daily, "key"), [0, 1, 1, 1]);
        let days: Vec<i32> = d
            .daily
            .column("day")
            .unwrap()
            .i32()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(days, [11, 10, 11, 12]);
        // b on day 10: 100 + 20; value (100 − 60) + 20; margin only the costed line: 40.
        assert_eq!(f64s(&d.daily, "net"), [50.0, 120.0, 0.0, -30.0]);
        assert_eq!(f64s(&d.daily, "value"), [50.0, 60.0, 0.0, -20.0]);
        assert_eq!(f64s(&d.daily, "margin"), [0.0, 40.0, 0.0, -20.0]);
        assert_eq!(u32s(&d.daily, "lines"), [1, 2, 0, 1]);
        assert_eq!(u32s(&d.daily, "costed"), [0, 1, 0, 1]);
        let purchase: Vec<bool> = d
            .daily
            .column("purchase")
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect();
        assert_eq!(purchase, [true, true, false, false]);
        // Rows 0..7: b a b b a(no date) b (no customer).
        let line_key: Vec<Option<u32>> = d.line_key.iter().collect();
        assert_eq!(
            line_key,
            [Some(1), Some(0), Some(1), Some(1), None, Some(1), None]
        );
    }

    #[test]
    fn an_empty_table_gives_empty_frames() {
        let d = CustomerDays::build(&tx().head(Some(0))).unwrap();
        assert_eq!(d.keys.height(), 0);
        assert_eq!(d.daily.height(), 0);
    }
}
