//! The transaction lines reduced to one row per customer and day, built once per client and
//! shared by the models and the indicators.
//!
//! Both stages start from the same reduction, and on a large client it is the costliest step of
//! either (grouping tens of millions of lines by a text id). Doing it once replaced two lazy
//! pipelines (list aggregation, explode, sort and a second group-by for the indicators; a
//! group-by on (id, day) for the models); the grouping itself is ours ([`LineGroups`]). Customers
//! get a dense `u32` key in `customer_id` order, so that every later per-customer query groups by
//! a sorted integer and "sorted by key" means "sorted by customer_id".

use polars::prelude::*;
use polars::series::IsSorted;
use polars_arrow::array::{Array, PrimitiveArray, Utf8ViewArray};
use polars_arrow::bitmap::Bitmap;
use rayon::prelude::*;
use std::hash::BuildHasher;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicU32, Ordering};

/// Customers per parallel work unit: large enough that the per-unit vectors are few, small
/// enough that two cores stay busy to the end.
const BLOCK: usize = 4096;

/// A line without a customer key (no id, or no date), or a row without a group.
const NO_KEY: u32 = u32::MAX;

/// `values` as slots that several threads may write, each to slots no other writes.
fn shared_slots(values: &mut [u32]) -> &[AtomicU32] {
    // SAFETY: `AtomicU32` has the size, alignment and bit validity of `u32`, and the mutable
    // borrow of `values` is held for as long as the returned slice lives, so nothing else reads
    // or writes them meanwhile.
    unsafe { std::slice::from_raw_parts(values.as_mut_ptr().cast::<AtomicU32>(), values.len()) }
}

/// The transaction lines grouped by customer id: each group's rows, ascending, one after the
/// other. Replaces polars' group-by, which keeps a vector of row numbers per customer (a
/// million small allocations) and hashes every one of the lines' ids.
///
/// The lines are first cut into runs: lines one after the other with the same 16-byte view
/// have the same id (a customer's lines usually follow one another, within an invoice or a
/// whole export in customer order), so only a run's first id is looked up. Each thread then
/// takes the runs whose id's hash falls in its share, so a customer belongs to one thread and
/// the threads need no common table; an id of up to 12 bytes is hashed as its view (its bytes
/// are inside it), a longer one by its text. A group's rows are its runs' rows, which come out
/// ascending because the runs are in row order. The group numbers depend on the threads, but
/// nothing later does: customers are numbered by id, and their rows are in file order.
struct LineGroups {
    /// Offsets into `runs` of each group's runs (`len() + 1` of them).
    starts: Vec<usize>,
    /// Runs of rows as (first row, lines), each group's in row order: a run per customer in
    /// an export in customer order, instead of a row number per line.
    runs: Vec<(IdxSize, IdxSize)>,
}

impl LineGroups {
    fn of(ids: &Utf8ViewArray) -> LineGroups {
        let n = ids.len();
        let parts = rayon::current_num_threads().clamp(1, 64);
        let state = PlRandomState::default();
        let views = ids.views();
        let valid = |i: usize| ids.validity().is_none_or(|v| v.get_bit(i));
        // Runs of lines with an id and the same view, as (first row, lines), in row order. A
        // run does not cross a chunk's end: the next chunk's first run looks its id up again.
        const CHUNK: usize = 1 << 16;
        let runs: Vec<(IdxSize, IdxSize)> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .flat_map_iter(|c| {
                let (lo, hi) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
                let mut out = Vec::new();
                let mut i = lo;
                while i < hi {
                    if !valid(i) {
                        i += 1;
                        continue;
                    }
                    let view = views[i].as_u128();
                    let mut end = i + 1;
                    while end < hi && views[end].as_u128() == view && valid(end) {
                        end += 1;
                    }
                    out.push((i as IdxSize, (end - i) as IdxSize));
                    i = end;
                }
                out
            })
            .collect();
        let mut run_group: Vec<u32> = vec![NO_KEY; runs.len()];
        let slots = shared_slots(&mut run_group);
        // Room for a part's ids, reserved at once (growing the table re-hashes every id it
        // holds): a run per customer when the lines come in customer order, but never more
        // than one id per eight lines ahead, for an export in another order.
        let room = (runs.len() / parts).min(n / parts / 8) + 1;
        // Each part numbers its own groups; group g of part p is p + g × parts overall.
        let counts: Vec<usize> = (0..parts)
            .into_par_iter()
            .map(|part| {
                let mut by_view: PlHashMap<u128, u32> = PlHashMap::with_hasher(state.clone());
                let mut by_text: PlHashMap<&str, u32> = PlHashMap::with_hasher(state.clone());
                let mut groups = 0u32;
                for (r, &(first, _)) in runs.iter().enumerate() {
                    let i = first as usize;
                    let view = views[i].as_u128();
                    let text = ids.value(i);
                    let inline = text.len() <= 12;
                    let hash = if inline {
                        state.hash_one(view)
                    } else {
                        state.hash_one(text)
                    };
                    if hash % parts as u64 != part as u64 {
                        continue;
                    }
                    let mut new = || {
                        groups += 1;
                        (part + (groups as usize - 1) * parts) as u32
                    };
                    let g = if inline {
                        if by_view.is_empty() {
                            by_view.reserve(room);
                        }
                        *by_view.entry(view).or_insert_with(&mut new)
                    } else {
                        if by_text.is_empty() {
                            by_text.reserve(room);
                        }
                        *by_text.entry(text).or_insert_with(&mut new)
                    };
                    slots[r].store(g, Ordering::Relaxed);
                }
                groups as usize
            })
            .collect();
        let groups = counts.iter().max().copied().unwrap_or(0) * parts;
        // Every run has a group: its id's hash falls in exactly one part.
        let mut starts = vec![0usize; groups + 1];
        for &g in &run_group {
            starts[g as usize + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        let mut grouped = vec![(0, 0); runs.len()];
        for (&run, &g) in runs.iter().zip(&run_group) {
            grouped[next[g as usize]] = run;
            next[g as usize] += 1;
        }
        // Numbers no part used (parts with fewer groups than the largest) are empty groups.
        let mut compact = Vec::with_capacity(groups + 1);
        compact.push(0);
        for g in 0..groups {
            if starts[g + 1] > starts[g] {
                compact.push(starts[g + 1]);
            }
        }
        LineGroups {
            starts: compact,
            runs: grouped,
        }
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Group `g`'s rows, ascending.
    fn rows(&self, g: usize) -> impl Iterator<Item = IdxSize> + '_ {
        self.runs[self.starts[g]..self.starts[g + 1]]
            .iter()
            .flat_map(|&(first, lines)| first..first + lines)
    }

    /// Group `g`'s first row.
    fn first_row(&self, g: usize) -> IdxSize {
        self.runs[self.starts[g]].0
    }
}

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

/// The columns of `daily`, before they become a frame.
struct Daily {
    key: Vec<u32>,
    day: Vec<i32>,
    net: Vec<f64>,
    value: Vec<f64>,
    margin: Vec<f64>,
    lines: Vec<u32>,
    costed: Vec<u32>,
    purchase: Vec<bool>,
}

/// One block's rows of [`Daily`], not yet written; only its block writes them.
struct DailyRows<'a> {
    key: &'a mut [MaybeUninit<u32>],
    day: &'a mut [MaybeUninit<i32>],
    net: &'a mut [MaybeUninit<f64>],
    value: &'a mut [MaybeUninit<f64>],
    margin: &'a mut [MaybeUninit<f64>],
    lines: &'a mut [MaybeUninit<u32>],
    costed: &'a mut [MaybeUninit<u32>],
    purchase: &'a mut [MaybeUninit<bool>],
}

/// The first `rows` slots of `v`'s spare capacity cut into consecutive pieces of the given
/// lengths (which sum to `rows`).
fn split_rows<'a, T>(v: &'a mut Vec<T>, lengths: &[usize]) -> Vec<&'a mut [MaybeUninit<T>]> {
    let mut rest = v.spare_capacity_mut();
    lengths
        .iter()
        .map(|&n| {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(n);
            rest = tail;
            head
        })
        .collect()
}

impl Daily {
    /// Room for `rows` rows, left unwritten: the blocks write them in parallel (zeroing them
    /// first took a third of the whole reduction at L, on one core).
    fn with_capacity(rows: usize) -> Daily {
        Daily {
            key: Vec::with_capacity(rows),
            day: Vec::with_capacity(rows),
            net: Vec::with_capacity(rows),
            value: Vec::with_capacity(rows),
            margin: Vec::with_capacity(rows),
            lines: Vec::with_capacity(rows),
            costed: Vec::with_capacity(rows),
            purchase: Vec::with_capacity(rows),
        }
    }

    /// The rows cut into consecutive pieces of the given lengths, one per block.
    fn split(&mut self, lengths: &[usize]) -> Vec<DailyRows<'_>> {
        let mut key = split_rows(&mut self.key, lengths).into_iter();
        let mut day = split_rows(&mut self.day, lengths).into_iter();
        let mut net = split_rows(&mut self.net, lengths).into_iter();
        let mut value = split_rows(&mut self.value, lengths).into_iter();
        let mut margin = split_rows(&mut self.margin, lengths).into_iter();
        let mut lines = split_rows(&mut self.lines, lengths).into_iter();
        let mut costed = split_rows(&mut self.costed, lengths).into_iter();
        let mut purchase = split_rows(&mut self.purchase, lengths).into_iter();
        (0..lengths.len())
            .filter_map(|_| {
                Some(DailyRows {
                    key: key.next()?,
                    day: day.next()?,
                    net: net.next()?,
                    value: value.next()?,
                    margin: margin.next()?,
                    lines: lines.next()?,
                    costed: costed.next()?,
                    purchase: purchase.next()?,
                })
            })
            .collect()
    }

    /// Marks the first `rows` rows written.
    ///
    /// # Safety
    /// Every one of the first `rows` slots of every column has been written.
    unsafe fn assume_written(&mut self, rows: usize) {
        // SAFETY: the caller guarantees the slots are initialised, and each vector was
        // created with a capacity of `rows`.
        unsafe {
            self.key.set_len(rows);
            self.day.set_len(rows);
            self.net.set_len(rows);
            self.value.set_len(rows);
            self.margin.set_len(rows);
            self.lines.set_len(rows);
            self.costed.set_len(rows);
            self.purchase.set_len(rows);
        }
    }
}

/// The sums of one customer's day, its lines added in file order.
#[derive(Default)]
struct DaySums {
    net: f64,
    value: f64,
    margin: f64,
    lines: u32,
    costed: u32,
    purchase: bool,
}

impl DaySums {
    fn add_line(&mut self, net: Option<f64>, cost: Option<f64>) {
        let Some(net) = net else { return };
        self.net += net;
        self.lines += 1;
        self.purchase |= net > 0.0;
        match cost {
            Some(cost) => {
                self.value += net - cost;
                self.margin += net - cost;
                self.costed += 1;
            }
            None => self.value += net,
        }
    }
}

impl DailyRows<'_> {
    fn len(&self) -> usize {
        self.key.len()
    }

    /// Writes every column of row `at`.
    fn write(&mut self, at: usize, key: u32, day: i32, sums: &DaySums) {
        self.key[at].write(key);
        self.day[at].write(day);
        self.net[at].write(sums.net);
        self.value[at].write(sums.value);
        self.margin[at].write(sums.margin);
        self.lines[at].write(sums.lines);
        self.costed[at].write(sums.costed);
        self.purchase[at].write(sums.purchase);
    }
}

/// A block of customers' dated lines, each customer's as (day, row) in that order, one
/// customer after the other; how many lines each customer has; how many days they make.
#[derive(Default)]
struct SortedLines {
    lines: Vec<(i32, IdxSize)>,
    per_customer: Vec<u32>,
    days: usize,
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

        let groups = LineGroups::of(ids);
        // Customers with an id and at least one dated line, in id order: the key is the rank.
        let mut customers: Vec<(&str, usize)> = (0..groups.len())
            .into_par_iter()
            .filter_map(|g| {
                let id = ids.get(groups.first_row(g) as usize)?;
                let dated = groups.rows(g).any(|r| dates.get(r as usize).is_some());
                dated.then_some((id, g))
            })
            .collect();
        customers.par_sort_unstable_by(|a, b| a.0.cmp(b.0));

        // The key of each dated line, written by the block that owns its customer (a line
        // belongs to one customer, so no two blocks write the same slot).
        let mut line_key: Vec<u32> = vec![NO_KEY; tx.height()];
        let line_key_slots = shared_slots(&mut line_key);
        // Two passes over blocks of customers: the first sorts each customer's lines by day and
        // counts the days, so that the second writes each block's sums straight into its rows
        // of the final columns (per-block columns gathered afterwards wrote the 40 bytes of
        // every customer day twice, most of it into fresh pages).
        let sorted: Vec<SortedLines> = customers
            .par_chunks(BLOCK)
            .enumerate()
            .map(|(b, chunk)| {
                let mut out = SortedLines::default();
                for (i, (_, g)) in chunk.iter().enumerate() {
                    let key = (b * BLOCK + i) as u32;
                    let first = out.lines.len();
                    out.lines.extend(
                        groups
                            .rows(*g)
                            .filter_map(|r| dates.get(r as usize).map(|d| (d, r))),
                    );
                    let mine = &mut out.lines[first..];
                    // (day, row): days in order, lines of a day in file order (the sums do not
                    // depend on how the lines were grouped).
                    crate::sort::sort_unstable(mine);
                    let mut current = None;
                    for &(day, row) in mine.iter() {
                        line_key_slots[row as usize].store(key, Ordering::Relaxed);
                        if current != Some(day) {
                            out.days += 1;
                            current = Some(day);
                        }
                    }
                    out.per_customer.push(mine.len() as u32);
                }
                out
            })
            .collect();
        drop(groups);

        let lengths: Vec<usize> = sorted.iter().map(|s| s.days).collect();
        let rows: usize = lengths.iter().sum();
        let mut all = Daily::with_capacity(rows);
        let pieces = all.split(&lengths);
        assert_eq!(pieces.len(), sorted.len(), "a block without its rows");
        sorted
            .par_iter()
            .zip(pieces)
            .enumerate()
            .for_each(|(b, (block, mut out))| {
                let mut at = 0;
                let mut first = 0;
                for (i, &count) in block.per_customer.iter().enumerate() {
                    let key = (b * BLOCK + i) as u32;
                    let lines = &block.lines[first..first + count as usize];
                    first += count as usize;
                    let mut j = 0;
                    while j < lines.len() {
                        let day = lines[j].0;
                        let mut sums = DaySums::default();
                        while j < lines.len() && lines[j].0 == day {
                            let row = lines[j].1 as usize;
                            sums.add_line(net.get(row), cost.get(row));
                            j += 1;
                        }
                        out.write(at, key, day, &sums);
                        at += 1;
                    }
                }
                // What makes `assume_written` sound: the first pass counted these days.
                assert_eq!(at, out.len(), "a block wrote other than its rows");
            });
        // SAFETY: the blocks' pieces cover the first `rows` rows (their lengths sum to
        // `rows`, one piece per block), and each block wrote every row of its piece (the
        // assertions above).
        unsafe { all.assume_written(rows) };
        drop(sorted);
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
        let valid: Bitmap = line_key.iter().map(|k| *k != NO_KEY).collect();
        let line_key = UInt32Chunked::from_chunk_iter(
            "key".into(),
            [PrimitiveArray::<u32>::from_vec(line_key).with_validity(Some(valid))],
        );
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

    /// polars' groups of `ids` (null ids left out), each group's rows ascending, groups ordered
    /// by their first row: what [`LineGroups`] must find, whatever its numbering.
    fn polars_groups(ids: &StringChunked) -> Vec<Vec<IdxSize>> {
        let df = DataFrame::new(ids.len(), vec![ids.clone().into_column()]).unwrap();
        let grouped = df.group_by(["customer_id"]).unwrap();
        let mut out: Vec<Vec<IdxSize>> = match &**grouped.get_groups() {
            GroupsType::Idx(idx) => idx.all().iter().map(|g| g.to_vec()).collect(),
            GroupsType::Slice { groups, .. } => groups
                .iter()
                .map(|[first, len]| (*first..first + len).collect())
                .collect(),
        };
        out.retain(|g| ids.get(g[0] as usize).is_some());
        for g in &mut out {
            g.sort_unstable();
        }
        out.sort();
        out
    }

    fn our_groups(ids: &StringChunked) -> Vec<Vec<IdxSize>> {
        let ids = ids.rechunk();
        let groups = LineGroups::of(ids.downcast_as_array());
        let mut out: Vec<Vec<IdxSize>> = (0..groups.len())
            .map(|g| groups.rows(g).collect())
            .collect();
        out.sort();
        out
    }

    #[test]
    fn line_groups_are_polars_groups_on_any_number_of_threads() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(22);
        for case in 0..12 {
            let n = [0, 1, 7, 500, 5_000][case % 5];
            let distinct = 1 + case * 37;
            // Short ids (inside their view), ids of exactly 12 and 13 bytes, 18-digit numbers
            // (CRM ids), long ids, nulls, and runs of the same id as an invoice's lines give.
            let id = |k: usize| -> String {
                match k % 5 {
                    0 => format!("C{k}"),
                    1 => format!("{k:012}"),
                    2 => format!("{k:013}"),
                    3 => format!("{k:018}"),
                    _ => format!("customer-with-a-long-id-{k}"),
                }
            };
            let mut values: Vec<Option<String>> = Vec::with_capacity(n);
            while values.len() < n {
                let v = (!rng.random_bool(0.05)).then(|| id(rng.random_range(0..distinct)));
                let run = rng.random_range(1..4);
                for _ in 0..run.min(n - values.len()) {
                    values.push(v.clone());
                }
            }
            let ids: StringChunked = values.iter().map(|v| v.as_deref()).collect();
            let ids = ids.with_name("customer_id".into());
            let expected = polars_groups(&ids);
            for threads in [1, 2, 3] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let got = pool.install(|| our_groups(&ids));
                assert_eq!(got, expected, "case {case}, {threads} threads");
            }
        }
    }

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

    fn i32s(df: &DataFrame, name: &str) -> Vec<i32> {
        df.column(name)
            .unwrap()
            .i32()
            .unwrap()
            .into_no_null_iter()
            .collect()
    }

    fn bools(df: &DataFrame, name: &str) -> Vec<bool> {
        df.column(name)
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect()
    }

    fn strs<'a>(df: &'a DataFrame, name: &str) -> Vec<&'a str> {
        df.column(name)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect()
    }

    #[test]
    fn one_row_per_customer_and_day_in_id_then_day_order() {
        let d = CustomerDays::build(&tx()).unwrap();
        assert_eq!(strs(&d.keys, "customer_id"), ["a", "b"]);
        assert_eq!(u32s(&d.keys, "key"), [0, 1]);
        assert_eq!(u32s(&d.daily, "key"), [0, 1, 1, 1]);
        assert_eq!(i32s(&d.daily, "day"), [11, 10, 11, 12]);
        // b on day 10: 100 + 20; value (100 − 60) + 20; margin only the costed line: 40.
        assert_eq!(f64s(&d.daily, "net"), [50.0, 120.0, 0.0, -30.0]);
        assert_eq!(f64s(&d.daily, "value"), [50.0, 60.0, 0.0, -20.0]);
        assert_eq!(f64s(&d.daily, "margin"), [0.0, 40.0, 0.0, -20.0]);
        assert_eq!(u32s(&d.daily, "lines"), [1, 2, 0, 1]);
        assert_eq!(u32s(&d.daily, "costed"), [0, 1, 0, 1]);
        assert_eq!(bools(&d.daily, "purchase"), [true, true, false, false]);
        // Rows 0..7: b a b b a(no date) b (no customer).
        let line_key: Vec<Option<u32>> = d.line_key.iter().collect();
        assert_eq!(
            line_key,
            [Some(1), Some(0), Some(1), Some(1), None, Some(1), None]
        );
    }

    /// Many blocks of customers (the reduction writes each block's rows in parallel): every
    /// column equals sums made line by line in file order, per (id, day) in id then day order.
    #[test]
    fn many_blocks_equal_sums_made_line_by_line() {
        use std::collections::BTreeMap;
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        // Lines enough for three chunks of runs, each line's id that of the line above half
        // of the time (runs, some across a chunk's end), else any of some 12,000 (short ids,
        // held in their view, and 18-digit ones).
        let n = 150_000;
        let (mut ids, mut dates, mut nets, mut costs) = (vec![], vec![], vec![], vec![]);
        for _ in 0..n {
            let id = next(3 * BLOCK as u64 + 77);
            let above = ids.last().cloned().flatten();
            ids.push(match (next(2), above) {
                (0, Some(above)) => Some(above),
                _ if id % 5 == 0 => Some(format!("c{id}")),
                _ => (next(50) > 0).then(|| format!("{:018}", id * 7_919)),
            });
            dates.push((next(40) > 0).then(|| 19_000 + next(30) as i32));
            nets.push((next(10) > 0).then(|| (next(20_000) as f64 - 5_000.0) / 100.0));
            costs.push((next(3) > 0).then(|| next(9_000) as f64 / 100.0));
        }
        let df = DataFrame::new(
            n,
            vec![
                Column::new("customer_id".into(), &ids),
                Column::new("date".into(), &dates)
                    .cast(&DataType::Date)
                    .unwrap(),
                Column::new("net_amount".into(), &nets),
                Column::new("cost".into(), &costs),
            ],
        )
        .unwrap();
        // net, value, margin, lines, costed, purchase.
        type Sums = (f64, f64, f64, u32, u32, bool);
        // (id, day) → its sums.
        let mut want: BTreeMap<(String, i32), Sums> = BTreeMap::new();
        for i in 0..n {
            let (Some(id), Some(day)) = (&ids[i], dates[i]) else {
                continue;
            };
            let e = want.entry((id.clone(), day)).or_default();
            let Some(net) = nets[i] else { continue };
            e.0 += net;
            e.3 += 1;
            e.5 |= net > 0.0;
            match costs[i] {
                Some(cost) => {
                    e.1 += net - cost;
                    e.2 += net - cost;
                    e.4 += 1;
                }
                None => e.1 += net,
            }
        }
        let d = CustomerDays::build(&df).unwrap();
        let keys = strs(&d.keys, "customer_id");
        assert!(keys.len() > 2 * BLOCK);
        let (days, purchase) = (i32s(&d.daily, "day"), bools(&d.daily, "purchase"));
        let (key, net, value, margin) = (
            u32s(&d.daily, "key"),
            f64s(&d.daily, "net"),
            f64s(&d.daily, "value"),
            f64s(&d.daily, "margin"),
        );
        let (lines, costed) = (u32s(&d.daily, "lines"), u32s(&d.daily, "costed"));
        let got: Vec<((String, i32), Sums)> = (0..d.daily.height())
            .map(|r| {
                (
                    (keys[key[r] as usize].to_string(), days[r]),
                    (
                        net[r],
                        value[r],
                        margin[r],
                        lines[r],
                        costed[r],
                        purchase[r],
                    ),
                )
            })
            .collect();
        let want: Vec<_> = want.into_iter().collect();
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.0, w.0);
            assert_eq!(g.1.0.to_bits(), w.1.0.to_bits(), "{:?}", g.0);
            assert_eq!(g.1.1.to_bits(), w.1.1.to_bits(), "{:?}", g.0);
            assert_eq!(g.1.2.to_bits(), w.1.2.to_bits(), "{:?}", g.0);
            assert_eq!((g.1.3, g.1.4, g.1.5), (w.1.3, w.1.4, w.1.5), "{:?}", g.0);
        }
        // Each dated line with an id carries its customer's key.
        for (i, k) in d.line_key.iter().enumerate() {
            match (&ids[i], dates[i]) {
                (Some(id), Some(_)) => assert_eq!(keys[k.unwrap() as usize], id),
                _ => assert_eq!(k, None),
            }
        }
    }

    #[test]
    fn an_empty_table_gives_empty_frames() {
        let d = CustomerDays::build(&tx().head(Some(0))).unwrap();
        assert_eq!(d.keys.height(), 0);
        assert_eq!(d.daily.height(), 0);
    }
}
