//! Indicators stage: each customer's last interaction at several ends (the three snapshot
//! periods of a report) from one pass over the interactions, kept as a lookup by customer id so
//! that the recency and neglect figures of each period read it directly instead of joining a
//! million-row frame by text id.
//!
//! Depends on the canonical interactions table. [`super::engagement::last_contacts`] is the
//! definition; the tests compare against it.

use super::breakdown::{Bucket, Edges};
use super::service_inputs::midnight_ms;
use crate::period::day_number;
use chrono::NaiveDate;
use polars::prelude::*;
use polars_arrow::array::{Utf8ViewArray, View};

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// The interactions grouped by customer id, with each group's last interaction up to each end.
pub(crate) struct ContactGroups<'a> {
    ids: Utf8ViewArray,
    /// Groups of the ids of up to 12 bytes, by their 16-byte view (which is the id itself).
    by_view: PlHashMap<u128, u32>,
    /// Groups of longer ids, by text.
    by_text: PlHashMap<&'a str, u32>,
    /// Group of the interactions without customer id.
    null_group: Option<u32>,
    /// First row of each group, in order of first appearance.
    first_row: Vec<usize>,
    /// Whether every group has an id and the groups' ids ascend strictly (an export in
    /// customer order): an id between two consecutive groups' then has no group.
    ascending: bool,
    /// `ends.len()` maxima per group (epoch milliseconds; `i64::MIN`: none up to that end).
    maxima: Vec<i64>,
    ends: usize,
    dtype: DataType,
}

impl<'a> ContactGroups<'a> {
    /// One pass over `interactions`; `None` when its date column is not the canonical naive
    /// millisecond date-time (the callers then keep the polars query). A hash aggregate of our
    /// own rather than a polars group-by, which builds a list of row numbers for each of a
    /// million customers before taking three maxima.
    pub(crate) fn build(
        interactions: &'a DataFrame,
        ends: &[NaiveDate],
    ) -> PolarsResult<Option<ContactGroups<'a>>> {
        let date = interactions.column("date")?;
        if !matches!(
            date.dtype(),
            DataType::Datetime(TimeUnit::Milliseconds, None)
        ) {
            return Ok(None);
        }
        let limits: Vec<i64> = ends
            .iter()
            .map(|end| midnight_ms(*end + chrono::Duration::days(1)))
            .collect();
        // The canonical tables hold one chunk per column; a rechunk is then a clone of it.
        let ids = interactions.column("customer_id")?.str()?.rechunk();
        let ids: Utf8ViewArray = ids.downcast_as_array().clone();
        let dates = date.datetime()?.physical().rechunk();
        let dates = dates.downcast_as_array();
        let k = ends.len();
        let mut groups = ContactGroups {
            ids,
            by_view: PlHashMap::default(),
            by_text: PlHashMap::default(),
            null_group: None,
            first_row: Vec::new(),
            ascending: true,
            maxima: Vec::new(),
            ends: k,
            dtype: date.dtype().clone(),
        };
        // The text of a long id borrows from the interactions' own buffers (which outlive the
        // groups), not from the clone of the array kept above.
        let source = interactions.column("customer_id")?.str()?;
        let texts: Vec<&'a Utf8ViewArray> = source.downcast_iter().collect();
        let chunk_rows: Vec<usize> = texts.iter().map(|a| a.len()).collect();
        let mut chunk = 0;
        let mut chunk_start = 0;
        let views = groups.ids.views().clone();
        // Exports often list a customer's interactions together: a row with the previous
        // row's id takes its group without hashing the id again.
        let mut previous: Option<(&'a str, u32)> = None;
        for row in 0..groups.ids.len() {
            while row >= chunk_start + chunk_rows[chunk] {
                chunk_start += chunk_rows[chunk];
                chunk += 1;
            }
            let Some(t) = dates.get(row) else { continue };
            let text: Option<&'a str> = texts[chunk].get(row - chunk_start);
            let g = match (text, previous) {
                (Some(id), Some((last, g))) if id == last => g,
                _ => {
                    let g = groups.group_or_add(text, views[row], row);
                    previous = text.map(|id| (id, g));
                    g
                }
            };
            let slot = &mut groups.maxima[g as usize * k..(g as usize + 1) * k];
            for (m, limit) in slot.iter_mut().zip(&limits) {
                if t < *limit && t > *m {
                    *m = t;
                }
            }
        }
        Ok(Some(groups))
    }

    fn group_or_add(&mut self, text: Option<&'a str>, view: View, row: usize) -> u32 {
        let next = self.first_row.len() as u32;
        let (g, added) = match text {
            None => match self.null_group {
                Some(g) => (g, false),
                None => {
                    self.null_group = Some(next);
                    (next, true)
                }
            },
            Some(text) if text.len() <= View::MAX_INLINE_SIZE as usize => {
                let g = *self.by_view.entry(view.as_u128()).or_insert(next);
                (g, g == next)
            }
            Some(text) => {
                let g = *self.by_text.entry(text).or_insert(next);
                (g, g == next)
            }
        };
        if added {
            let above_last = match (text, self.first_row.last()) {
                (Some(id), Some(&last)) => self.ids.get(last).is_some_and(|l| l < id),
                (Some(_), None) => true,
                (None, _) => false,
            };
            self.ascending &= above_last;
            self.first_row.push(row);
            self.maxima.extend(std::iter::repeat_n(i64::MIN, self.ends));
        }
        g
    }

    /// The group of customer id `id`, `None` if it has no interaction with a date.
    pub(crate) fn group_of(&self, id: Option<&str>) -> Option<u32> {
        match id {
            None => self.null_group,
            Some(text) if text.len() <= View::MAX_INLINE_SIZE as usize => self
                .by_view
                .get(&View::new_inline(text.as_bytes()).as_u128())
                .copied(),
            Some(text) => self.by_text.get(text).copied(),
        }
    }

    /// Customer `id`'s last interaction up to the end number `end` (epoch milliseconds).
    #[cfg(test)]
    fn last(&self, id: Option<&str>, end: usize) -> Option<i64> {
        self.maximum(self.group_of(id)?, end)
    }

    /// The frame of [`super::engagement::last_contacts`] at end number `end`: `customer_id`,
    /// `last_contact`, one row per customer in order of first appearance.
    pub(crate) fn frame(&self, end: usize) -> PolarsResult<DataFrame> {
        let picked: Vec<(usize, i64)> = self
            .first_row
            .iter()
            .enumerate()
            .filter_map(|(g, row)| {
                let m = self.maxima[g * self.ends + end];
                (m != i64::MIN).then_some((*row, m))
            })
            .collect();
        let customer: StringChunked = picked.iter().map(|(row, _)| self.ids.get(*row)).collect();
        let last = Int64Chunked::from_vec(
            "last_contact".into(),
            picked.iter().map(|(_, m)| *m).collect(),
        )
        .into_series()
        .cast(&self.dtype)?;
        DataFrame::new(
            picked.len(),
            vec![
                customer.with_name("customer_id".into()).into_column(),
                last.into_column(),
            ],
        )
    }

    /// Each of `customers`' last interaction up to end number `end`, as the `last_contact`
    /// column a left join of `customers` with [`Self::frame`] gives.
    ///
    /// Customers often come in the order their interactions first appear (both follow the
    /// export's customer order): an id equal to the id of the group after the last one found is
    /// that group, without a hash lookup (at L, 700,000 customers a snapshot, each a cache miss
    /// in a table of a million ids); any other id is looked up.
    pub(crate) fn last_of(&self, customers: &StringChunked, end: usize) -> PolarsResult<Series> {
        let last: Int64Chunked = self
            .groups_in_order(customers)
            .map(|g| self.maximum(g?, end))
            .collect();
        last.with_name("last_contact".into())
            .into_series()
            .cast(&self.dtype)
    }

    /// The group of each of `customers`, in their order (`None`: no dated interaction).
    ///
    /// Customers often come in the order of their groups, some of them without interactions
    /// and some groups not asked: each id is first compared with the [`LOOK_AHEAD`] groups
    /// after the last one found (the groups' ids are read in sequence), and looked up in the
    /// hash table (a cache miss in a table of a million ids) only when none is it. With the
    /// groups in ascending order, an id that falls between two consecutive groups has none.
    /// Asked in no such order, the ids are looked up at once (the look-ahead would read eight
    /// scattered ids for nothing).
    fn groups_in_order<'s>(
        &'s self,
        customers: &'s StringChunked,
    ) -> impl Iterator<Item = Option<u32>> + 's {
        let mut next = 0usize;
        // Customers asked in another order (by value, say) would pay for the look-ahead and
        // the lookup: after COLD look-aheads in a row that found nothing, only one id in
        // RETRY tries it again.
        const COLD: u32 = 4;
        const RETRY: usize = 64;
        let mut misses = 0u32;
        customers.iter().enumerate().map(move |(n, id)| {
            let near = match id {
                Some(id) if misses < COLD || n % RETRY == 0 => self.near(id, next),
                _ => Near::Unknown,
            };
            let g = match near {
                Near::Group(g) => {
                    misses = 0;
                    g
                }
                Near::None => {
                    misses = 0;
                    return None;
                }
                Near::Unknown => {
                    misses = (misses + 1).min(COLD);
                    self.group_of(id)?
                }
            };
            next = g as usize + 1;
            Some(g)
        })
    }

    /// Id `id` among the [`LOOK_AHEAD`] groups from group number `from`.
    fn near(&self, id: &str, from: usize) -> Near {
        let id_of = |g: usize| self.ids.get(self.first_row[g]);
        let to = (from + LOOK_AHEAD).min(self.first_row.len());
        for g in from..to {
            let Some(group_id) = id_of(g) else {
                continue;
            };
            match id.cmp(group_id) {
                std::cmp::Ordering::Equal => return Near::Group(g as u32),
                std::cmp::Ordering::Less if self.ascending => {
                    // Above the group before `g` too (known past `from`): between the two.
                    let above_previous = g > from || g == 0 || id_of(g - 1).is_some_and(|p| p < id);
                    return if above_previous {
                        Near::None
                    } else {
                        Near::Unknown
                    };
                }
                _ => {}
            }
        }
        // Beyond the last group of ascending ones.
        if self.ascending && to == self.first_row.len() && to > from {
            return Near::None;
        }
        Near::Unknown
    }

    /// Group `g`'s last interaction up to end number `end`.
    fn maximum(&self, g: u32, end: usize) -> Option<i64> {
        let m = self.maxima[g as usize * self.ends + end];
        (m != i64::MIN).then_some(m)
    }
}

/// Groups compared with an asked id before it is looked up by hash (see
/// [`ContactGroups::groups_in_order`]).
const LOOK_AHEAD: usize = 8;

/// What the groups after the last one found say of an id.
enum Near {
    /// It is this group's.
    Group(u32),
    /// It has no group (the groups ascend and it falls between two).
    None,
    /// Not among them: look it up.
    Unknown,
}

/// Each customer's last interaction at one end: a frame (`customer_id`, `last_contact`) to
/// join, or the groups of one pass looked up by id.
#[derive(Clone, Copy)]
pub(crate) enum LastContacts<'a> {
    Frame(&'a DataFrame),
    /// The groups and the number of the end among those they were built for.
    Groups(&'a ContactGroups<'a>, usize),
}

impl LastContacts<'_> {
    /// `customers` (with `customer_id`, no null ids) and each one's `last_contact` as a last
    /// column, in the order of `customers`: a left join with the frame, or a lookup.
    pub(crate) fn attach(self, customers: DataFrame) -> PolarsResult<DataFrame> {
        match self {
            LastContacts::Frame(last) => customers
                .lazy()
                .join(
                    last.clone().lazy(),
                    [col("customer_id")],
                    [col("customer_id")],
                    JoinArgs::new(JoinType::Left),
                )
                .collect(),
            LastContacts::Groups(groups, end) => {
                let last = groups.last_of(customers.column("customer_id")?.str()?, end)?;
                let mut customers = customers;
                customers.with_column(last.into_column())?;
                Ok(customers)
            }
        }
    }
}

/// Whole days from `last_contact` (epoch milliseconds) to day `end`, as
/// `service_inputs::days_before` counts them (the date of an instant is its floor day).
fn days_before(end: NaiveDate, last_contact: i64) -> f64 {
    f64::from(day_number(end)) - last_contact.div_euclid(DAY_MS) as f64
}

/// What the contact recency of a set of customers counts, by lookup ([`recency_counts`]) or
/// by polars query ([`super::engagement::recency`]).
pub(crate) struct RecencyCounts {
    pub(crate) customers: u64,
    pub(crate) contacted: u64,
    pub(crate) median: Option<f64>,
    pub(crate) buckets: Vec<Bucket>,
}

/// Days since the last contact (end number `end`, the last day of the period `day`) of
/// `customers`: counts, median and the histogram over `edges` (lower edge included).
pub(crate) fn recency_counts(
    groups: &ContactGroups,
    customers: &StringChunked,
    end: usize,
    day: NaiveDate,
    edges: Edges,
) -> RecencyCounts {
    let mut days: Vec<f64> = groups
        .groups_in_order(customers)
        .filter_map(|g| groups.maximum(g?, end))
        .map(|m| days_before(day, m))
        .collect();
    let buckets = edges
        .iter()
        .map(|(label, from, to)| Bucket {
            label: label.to_string(),
            from: *from,
            to: *to,
            count: days
                .iter()
                .filter(|d| **d >= *from && to.is_none_or(|to| **d < to))
                .count() as u64,
        })
        .collect();
    RecencyCounts {
        customers: customers.len() as u64,
        contacted: days.len() as u64,
        median: median(&mut days),
        buckets,
    }
}

/// The median as polars computes it (linear interpolation between the two middle values).
fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let float_idx = (v.len() - 1) as f64 * 0.5;
    let idx = float_idx.floor() as usize;
    let (_, lower, above) = v.select_nth_unstable_by(idx, f64::total_cmp);
    let lower = *lower;
    if float_idx == idx as f64 {
        return Some(lower);
    }
    let upper = above.iter().copied().min_by(f64::total_cmp)?;
    Some(if lower == upper {
        lower
    } else {
        (float_idx - idx as f64) * (upper - lower) + lower
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::engagement::last_contacts;
    use crate::indicators::fixture::d;

    fn interactions() -> DataFrame {
        let ms = |s: &str| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
                .unwrap()
                .and_utc()
                .timestamp_millis()
        };
        let ids = [
            Some("a"),
            Some("a customer id longer than twelve bytes"),
            None,
            Some("301000000000001009"),
            Some("a"),
            Some("a customer id longer than twelve bytes"),
            Some("old"),
            Some("301000000000001009"),
            Some("no date"),
            // Runs of one id (a customer's interactions listed together): short, null, long.
            Some("a"),
            Some("a"),
            None,
            None,
            Some("a customer id longer than twelve bytes"),
            Some("a customer id longer than twelve bytes"),
            Some("a"),
            // Next to an id of the same length: its own group.
            Some("b"),
            Some("301000000000001009"),
            Some("301000000000001008"),
        ];
        let dates = [
            Some(ms("2026-03-31 23:59")),
            Some(ms("2026-01-15 08:00")),
            Some(ms("2026-02-01 00:00")),
            Some(ms("2026-04-01 00:00")),
            Some(ms("2025-12-31 10:00")),
            Some(ms("2026-06-30 12:00")),
            Some(ms("1969-12-31 23:00")),
            Some(ms("2026-03-01 09:30")),
            None,
            Some(ms("2026-02-01 10:00")),
            Some(ms("2026-05-01 10:00")),
            Some(ms("2026-06-01 10:00")),
            Some(ms("2025-06-01 10:00")),
            Some(ms("2026-02-10 10:00")),
            Some(ms("2026-03-31 12:00")),
            None,
            Some(ms("2026-03-15 10:00")),
            Some(ms("2026-01-10 10:00")),
            Some(ms("2026-03-20 10:00")),
        ];
        frame_of(ids.to_vec(), dates.to_vec())
    }

    /// Interactions with these customer ids and instants (epoch milliseconds).
    fn frame_of(ids: Vec<Option<&str>>, dates: Vec<Option<i64>>) -> DataFrame {
        let date = Int64Chunked::from_iter_options("date".into(), dates.into_iter())
            .into_series()
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap();
        DataFrame::new(
            ids.len(),
            vec![
                StringChunked::from_iter_options("customer_id".into(), ids.into_iter())
                    .into_column(),
                date.into_column(),
            ],
        )
        .unwrap()
    }

    #[test]
    fn frames_and_lookups_equal_the_group_by_at_every_end() {
        let i = interactions();
        let ends = [d("2026-03-31"), d("2026-06-30"), d("2025-12-31")];
        let groups = ContactGroups::build(&i, &ends).unwrap().unwrap();
        let sorted = |df: DataFrame| {
            df.sort(
                ["customer_id"],
                SortMultipleOptions::default().with_nulls_last(true),
            )
            .unwrap()
        };
        for (n, end) in ends.iter().enumerate() {
            let reference = sorted(last_contacts(&i, *end).unwrap());
            let frame = sorted(groups.frame(n).unwrap());
            assert!(
                frame.equals_missing(&reference),
                "{end}:\n{frame}\n{reference}"
            );
            // The lookup of each id, and of ids without interactions, gives the same.
            let asked = StringChunked::from_iter_options(
                "customer_id".into(),
                [
                    Some("a"),
                    Some("a customer id longer than twelve bytes"),
                    Some("301000000000001009"),
                    Some("nobody"),
                    Some("301000000000001008"),
                    Some("no date"),
                    Some("old"),
                ]
                .into_iter(),
            );
            // Also every id with interactions in the groups' order (which the lookup follows
            // without hashing), with ids without any in between, and in reverse.
            let in_order: Vec<String> = groups
                .first_row
                .iter()
                .filter_map(|&row| groups.ids.get(row))
                .flat_map(|id| [id.to_string(), format!("{id} (none)")])
                .collect();
            let in_order = StringChunked::from_iter_values(
                "customer_id".into(),
                in_order.iter().map(String::as_str),
            );
            let reversed = in_order.reverse();
            for asked in [asked, in_order, reversed] {
                let looked_up = groups.last_of(&asked, n).unwrap();
                let joined = asked
                    .clone()
                    .into_series()
                    .into_frame()
                    .lazy()
                    .join(
                        last_contacts(&i, *end).unwrap().lazy(),
                        [col("customer_id")],
                        [col("customer_id")],
                        JoinArgs::new(JoinType::Left),
                    )
                    .collect()
                    .unwrap();
                assert!(
                    looked_up.equals_missing(
                        joined
                            .column("last_contact")
                            .unwrap()
                            .as_materialized_series()
                    ),
                    "{end}: {looked_up:?} {joined}"
                );
            }
        }
        // "a" at the first end: the last minute of the day counts.
        assert_eq!(
            groups.last(Some("a"), 0),
            Some(
                chrono::NaiveDateTime::parse_from_str("2026-03-31 23:59", "%Y-%m-%d %H:%M")
                    .unwrap()
                    .and_utc()
                    .timestamp_millis()
            )
        );
        assert_eq!(
            groups.last(Some("a customer id longer than twelve bytes"), 2),
            None
        );
    }

    #[test]
    fn lookups_in_customer_order_equal_those_by_hash_whatever_the_order_asked() {
        // An export in customer order: ascending ids, short and long, one to three
        // interactions each (one without a date).
        let ids: Vec<String> = (0..60)
            .map(|i| match i % 3 {
                0 => format!("c{i:03}"),
                1 => format!("c{i:03} with a long customer id"),
                _ => format!("c{i:03}x"),
            })
            .collect();
        let (mut rows, mut dates) = (Vec::new(), Vec::new());
        for (i, id) in ids.iter().enumerate() {
            for k in 0..=i % 3 {
                rows.push(id.clone());
                dates.push((i != 7).then_some(1_700_000_000_000 + (i * 10 + k) as i64 * 3_600_000));
            }
        }
        let frame = |rows: Vec<String>, dates: Vec<Option<i64>>| {
            frame_of(rows.iter().map(|r| Some(r.as_str())).collect(), dates)
        };
        let ascending = frame(rows.clone(), dates.clone());
        // The same interactions with one row moved first: the groups no longer ascend.
        let (mut moved_rows, mut moved_dates) = (rows, dates);
        let (row, date) = (moved_rows.remove(40), moved_dates.remove(40));
        moved_rows.insert(0, row);
        moved_dates.insert(0, date);
        let unordered = frame(moved_rows, moved_dates);
        let ends = [d("2023-11-20"), d("2030-01-01")];
        let mut asked: Vec<String> = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            // Every id, some skipped (runs of groups not asked), absent ids between, below the
            // first and above the last.
            if i % 7 != 3 && i % 11 != 5 {
                asked.push(id.clone());
            }
            if i % 4 == 0 {
                asked.push(format!("{id} absent"));
            }
        }
        asked.extend(["a below all".into(), "z above all".into(), ids[59].clone()]);
        let mut shuffled = asked.clone();
        shuffled.reverse();
        shuffled.rotate_left(17);
        for (interactions, ascends) in [(&ascending, true), (&unordered, false)] {
            let groups = ContactGroups::build(interactions, &ends).unwrap().unwrap();
            assert_eq!(groups.ascending, ascends);
            for asked in [&asked, &shuffled] {
                let asked = StringChunked::from_iter_values(
                    "customer_id".into(),
                    asked.iter().map(String::as_str),
                );
                for end in 0..ends.len() {
                    let got = groups.last_of(&asked, end).unwrap();
                    let want: Int64Chunked = asked.iter().map(|id| groups.last(id, end)).collect();
                    let want = want
                        .into_series()
                        .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
                        .unwrap();
                    assert!(got.equals_missing(&want), "ascending {ascends}, end {end}");
                    assert!(got.null_count() > 0 && got.null_count() < got.len());
                }
            }
        }
    }

    #[test]
    fn the_median_interpolates_between_the_middle_values() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7.0]), Some(7.0));
        assert_eq!(median(&mut [9.0, 1.0, 4.0]), Some(4.0));
        assert_eq!(median(&mut [9.0, 1.0, 4.0, 2.0]), Some(3.0));
        assert_eq!(median(&mut [5.0, 1.0, 4.0, 2.0]), Some(3.0));
        assert_eq!(median(&mut [3.0, 3.0, 1.0, 8.0]), Some(3.0));
    }

    #[test]
    fn days_before_counts_from_the_date_of_the_instant() {
        let end = d("2026-03-31");
        let ms = |s: &str| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
                .unwrap()
                .and_utc()
                .timestamp_millis()
        };
        assert_eq!(days_before(end, ms("2026-03-31 23:59")), 0.0);
        assert_eq!(days_before(end, ms("2026-03-30 00:00")), 1.0);
        // Before 1970 the floor day, not the truncated one.
        assert_eq!(days_before(d("1970-01-01"), ms("1969-12-31 23:00")), 1.0);
    }
}
