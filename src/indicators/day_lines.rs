//! Indicators stage: the purchase lines (`net_amount > 0`) sorted once by day, so that every
//! per-period count over transaction lines (the invoices of a period, the customers of an
//! activity window and their categories) reads a slice of them instead of filtering all the
//! lines again: on a client of 20 million lines, about twenty such filters per report.
//!
//! Depends on the canonical transactions and the customer-day reduction (its per-line keys).
//! The definitions are those of `service_inputs::invoice_count` and
//! `cross_selling::window_customers`, which the tests compare against.

use crate::customer_days::CustomerDays;
use chrono::NaiveDate;
use polars::prelude::*;

use crate::period::day_number as epoch_days;

/// More distinct categories than this and [`DayLines::window_customers`] declines (the bit set
/// per customer is one `u64`); the caller then groups the lines with polars.
const MAX_CATEGORIES: usize = 64;

/// The purchase lines of a transactions table by day.
pub(crate) struct DayLines<'a> {
    /// Day of `starts[0]`.
    first_day: i32,
    /// Day `first_day + i` has the lines `rows[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    /// Row numbers of the purchase lines, by day, in file order within a day.
    rows: Vec<u32>,
    invoice: StringChunked,
    category: StringChunked,
    line_key: UInt32Chunked,
    days: &'a CustomerDays,
    /// Invoice counts already made: the customer families and the service families both count
    /// the invoices of P, P−1 and P−12m.
    counted: std::sync::Mutex<Vec<((i32, i32), InvoiceCount)>>,
}

/// The invoices of a window: distinct invoice numbers, and distinct (customer, day) pairs of
/// lines without a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvoiceCount {
    pub(crate) numbered: u64,
    pub(crate) unnumbered: u64,
}

impl<'a> DayLines<'a> {
    /// Sorts the purchase lines of `tx` by day (a counting sort: two passes over the lines).
    pub(crate) fn build(tx: &DataFrame, days: &'a CustomerDays) -> PolarsResult<DayLines<'a>> {
        let dates = tx.column("date")?.date()?.physical().rechunk();
        let net = tx.column("net_amount")?.f64()?.rechunk();
        let (dates, net) = (dates.downcast_as_array(), net.downcast_as_array());
        let purchase_day = |i: usize| match (dates.get(i), net.get(i)) {
            (Some(d), Some(v)) if v > 0.0 => Some(d),
            _ => None,
        };
        let (mut lo, mut hi) = (i32::MAX, i32::MIN);
        for i in 0..tx.height() {
            if let Some(d) = purchase_day(i) {
                lo = lo.min(d);
                hi = hi.max(d);
            }
        }
        let span = if lo <= hi { (hi - lo) as usize + 1 } else { 0 };
        let mut starts = vec![0usize; span + 1];
        for i in 0..tx.height() {
            if let Some(d) = purchase_day(i) {
                starts[(d - lo) as usize + 1] += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut rows = vec![0u32; *starts.last().unwrap_or(&0)];
        for i in 0..tx.height() {
            if let Some(d) = purchase_day(i) {
                let slot = &mut next[(d - lo) as usize];
                rows[*slot] = i as u32;
                *slot += 1;
            }
        }
        Ok(DayLines {
            first_day: lo,
            starts,
            rows,
            invoice: tx.column("invoice_id")?.str()?.rechunk().into_owned(),
            category: tx.column("category")?.str()?.rechunk().into_owned(),
            line_key: days.line_key.rechunk().into_owned(),
            days,
            counted: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The lines of each day in `first..=last` that has lines, day by day.
    fn by_day(&self, first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = &[u32]> + '_ {
        let span = self.starts.len().saturating_sub(1) as i64;
        let index = |d: NaiveDate| i64::from(epoch_days(d)) - i64::from(self.first_day);
        let from = index(first).clamp(0, span) as usize;
        let to = (index(last) + 1).clamp(0, span) as usize;
        (from..to.max(from)).map(|i| &self.rows[self.starts[i]..self.starts[i + 1]])
    }

    /// The invoices among the purchase lines dated in `first..=last`, as
    /// `service_inputs::invoice_count` defines them.
    pub(crate) fn invoices(&self, first: NaiveDate, last: NaiveDate) -> InvoiceCount {
        let window = (epoch_days(first), epoch_days(last));
        let memo = |m: &std::sync::Mutex<Vec<_>>| {
            let m = m.lock().unwrap_or_else(|e| e.into_inner());
            m.iter()
                .find(|(w, _)| *w == window)
                .map(|(_, c): &(_, InvoiceCount)| *c)
        };
        if let Some(c) = memo(&self.counted) {
            return c;
        }
        let c = self.count_invoices(first, last);
        self.counted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((window, c));
        c
    }

    fn count_invoices(&self, first: NaiveDate, last: NaiveDate) -> InvoiceCount {
        let invoice = self.invoice.downcast_as_array();
        let line_key = self.line_key.downcast_as_array();
        let lines: usize = self.by_day(first, last).map(<[u32]>::len).sum();
        let mut numbered: PlHashSet<&str> =
            PlHashSet::with_capacity_and_hasher(lines / 2, Default::default());
        // Lines without a number count once per customer and day: the day's marker in a slot
        // per customer (the last slot for lines without customer).
        let mut marked: Vec<u32> = Vec::new();
        let mut unnumbered = 0u64;
        // An invoice's lines usually follow each other: one insert per run of equal numbers.
        let mut previous: Option<&str> = None;
        for (marker, day) in (1u32..).zip(self.by_day(first, last)) {
            for &row in day {
                let id = invoice.get(row as usize);
                if id.is_some() && id == previous {
                    continue;
                }
                previous = id;
                match id {
                    Some(id) => {
                        numbered.insert(id);
                    }
                    None => {
                        if marked.is_empty() {
                            marked = vec![0; self.days.keys.height() + 1];
                        }
                        let slot = line_key
                            .get(row as usize)
                            .map_or(marked.len() - 1, |k| k as usize);
                        if marked[slot] != marker {
                            marked[slot] = marker;
                            unnumbered += 1;
                        }
                    }
                }
            }
        }
        InvoiceCount {
            numbered: numbered.len() as u64,
            unnumbered,
        }
    }

    /// The customers with a purchase line dated in `first..=last`, key order: `customer_id` and
    /// `categories` (distinct categories of those lines, Float64), as
    /// `cross_selling::window_customers` defines them. `None` with more than 64 categories.
    pub(crate) fn window_customers(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> PolarsResult<Option<DataFrame>> {
        let category = self.category.downcast_as_array();
        let line_key = self.line_key.downcast_as_array();
        let views = category.views();
        let n = self.days.keys.height();
        let mut seen = vec![false; n];
        let mut bits = vec![0u64; n];
        // Each category's bit, found by the 16-byte view of the value (equal views are equal
        // values, and a short value is its view), by the text on a view not met yet.
        let mut by_text: PlHashMap<&str, u64> = PlHashMap::default();
        let mut by_view: PlHashMap<u128, u64> = PlHashMap::default();
        let mut previous: Option<(u128, u64)> = None;
        for day in self.by_day(first, last) {
            for &row in day {
                // The line's customer key; none for a line without customer.
                let Some(key) = line_key.get(row as usize) else {
                    continue;
                };
                let key = key as usize;
                seen[key] = true;
                let row = row as usize;
                let Some(text) = category.get(row) else {
                    continue;
                };
                let view = views[row].as_u128();
                let bit = match previous {
                    Some((v, b)) if v == view => b,
                    _ => match by_view.get(&view) {
                        Some(&b) => b,
                        None => {
                            let next = 1u64 << by_text.len().min(63);
                            let b = *by_text.entry(text).or_insert(next);
                            if by_text.len() > MAX_CATEGORIES {
                                return Ok(None);
                            }
                            by_view.insert(view, b);
                            b
                        }
                    },
                };
                previous = Some((view, bit));
                bits[key] |= bit;
            }
        }
        let picked: Vec<IdxSize> = (0..n).filter(|&k| seen[k]).map(|k| k as IdxSize).collect();
        let categories: Vec<f64> = picked
            .iter()
            .map(|&k| f64::from(bits[k as usize].count_ones()))
            .collect();
        let ids = self
            .days
            .keys
            .column("customer_id")?
            .take(&IdxCa::from_vec("idx".into(), picked))?;
        let categories = Float64Chunked::from_vec("categories".into(), categories).into_column();
        DataFrame::new(ids.len(), vec![ids, categories]).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::cross_selling::window_customers;
    use crate::indicators::fixture::d;
    use crate::indicators::service_fixture::{period, tables};
    use crate::indicators::service_inputs::invoice_count;

    fn sorted(df: &DataFrame) -> Vec<(String, f64)> {
        let ids = df.column("customer_id").unwrap().str().unwrap().clone();
        let cats = df.column("categories").unwrap().f64().unwrap().clone();
        let mut v: Vec<(String, f64)> = ids
            .iter()
            .zip(cats.iter())
            .map(|(i, c)| (i.unwrap().to_string(), c.unwrap()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    #[test]
    fn invoices_and_window_customers_match_the_line_queries_over_many_windows() {
        let mut t = tables();
        // Some lines without an invoice number, to exercise the (customer, day) rule.
        let h = t.transactions.height();
        let ids: StringChunked = t
            .transactions
            .column("invoice_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, v)| if i % 3 == 0 { None } else { v })
            .collect();
        t.transactions
            .with_column(ids.with_name("invoice_id".into()).into_column())
            .unwrap();
        assert_eq!(t.transactions.height(), h);
        let days = CustomerDays::build(&t.transactions).unwrap();
        let lines = DayLines::build(&t.transactions, &days).unwrap();
        let p = period();
        let mut windows = vec![(p.start, p.end), (d("2000-01-01"), d("2100-12-31"))];
        for q in p.trailing(8) {
            windows.push((q.start, q.end));
            windows.push((q.end - chrono::Duration::days(364), q.end));
        }
        for (first, last) in windows {
            let c = lines.invoices(first, last);
            assert_eq!(
                c.numbered + c.unnumbered,
                invoice_count(&t.transactions, first, last).unwrap(),
                "{first}..{last}"
            );
            let fast = lines.window_customers(first, last).unwrap().unwrap();
            let settings = crate::config::IndicatorSettings {
                activity_window_days: (last - first).num_days() + 1,
                ..Default::default()
            };
            let end = crate::period::Period { end: last, ..p };
            let slow = window_customers(&t, end, &settings).unwrap();
            assert_eq!(sorted(&fast), sorted(&slow), "{first}..{last}");
        }
    }
}
