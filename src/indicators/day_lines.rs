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
use polars_arrow::array::{Utf8ViewArray, View};

use crate::period::day_number as epoch_days;

/// More distinct categories than this and [`DayLines::window_customers`] declines (the bit set
/// per customer is one `u64`); the caller then groups the lines with polars.
const MAX_CATEGORIES: usize = 64;

/// Bits of [`Line::key_code`] that hold the customer key; the 8 above hold the category code.
const KEY_BITS: u32 = 24;
const KEY_MASK: u32 = (1 << KEY_BITS) - 1;
/// The key of a line without customer; keys are below it (more customers and the caller goes
/// without the sorted lines).
const NO_KEY: u32 = KEY_MASK;

/// A purchase line in day order: its row number, and its customer key with its category code
/// in one word. One write per line when the lines are sorted (three arrays cost a cache miss
/// each per line, most of the sort on a file in customer order), one read per line after.
#[derive(Debug, Clone, Copy)]
struct Line {
    row: u32,
    key_code: u32,
}

impl Line {
    /// Customer key ([`NO_KEY`] for a line without customer).
    fn key(self) -> u32 {
        self.key_code & KEY_MASK
    }

    /// Category as a bit number + 1 (0: no category); meaningful only with
    /// [`DayLines::has_codes`].
    fn code(self) -> u8 {
        (self.key_code >> KEY_BITS) as u8
    }
}

/// The purchase lines of a transactions table by day.
pub(crate) struct DayLines<'a> {
    /// Day of `starts[0]`.
    first_day: i32,
    /// Day `first_day + i` has the lines `lines[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    /// The purchase lines by day, in file order within a day, each with its customer key: kept
    /// in day order so that a window reads them in sequence (looked up by row number, every
    /// line of a large file was a cache miss).
    lines: Vec<Line>,
    /// Whether the lines carry their category codes: the lines have at most
    /// [`MAX_CATEGORIES`] categories in all.
    has_codes: bool,
    invoice: StringChunked,
    category: StringChunked,
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

/// Lines whose invoice number is fetched ahead of counting (see `count_invoices`).
const PREFETCH_AHEAD: usize = 16;

impl<'a> DayLines<'a> {
    /// Sorts the purchase lines of `tx` by day (a counting sort: two passes over the lines);
    /// `None` with more customers than a line's key holds.
    pub(crate) fn build(
        tx: &DataFrame,
        days: &'a CustomerDays,
    ) -> PolarsResult<Option<DayLines<'a>>> {
        if days.keys.height() >= NO_KEY as usize {
            return Ok(None);
        }
        let dates = tx.column("date")?.date()?.physical().rechunk();
        let net = tx.column("net_amount")?.f64()?.rechunk();
        // The days of all lines bound those of the purchase lines: polars' min and max of the
        // column instead of a pass testing every line (a day without purchase lines has an
        // empty slice).
        let (lo, hi) = match (dates.min(), dates.max()) {
            (Some(lo), Some(hi)) => (lo, hi),
            _ => (0, -1),
        };
        let (dates, net) = (dates.downcast_as_array(), net.downcast_as_array());
        // Values read as slices, with the validity bits only where a column has nulls: both
        // passes below read every line.
        let (day_of, net_of) = (dates.values().as_slice(), net.values().as_slice());
        let (dated, valued) = (dates.validity(), net.validity());
        let purchase_day = |i: usize| {
            let known = dated.is_none_or(|b| b.get_bit(i)) && valued.is_none_or(|b| b.get_bit(i));
            (known && net_of[i] > 0.0).then(|| day_of[i])
        };
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
        let category = tx.column("category")?.str()?.rechunk().into_owned();
        let line_key = days.line_key.rechunk().into_owned();
        let mut codes = Some(CategoryCodes::new(category.downcast_as_array()));
        let line_keys = line_key.downcast_as_array();
        let total = *starts.last().unwrap_or(&0);
        let mut next = starts.clone();
        let mut lines = vec![
            Line {
                row: 0,
                key_code: NO_KEY,
            };
            total
        ];
        for i in 0..tx.height() {
            if let Some(d) = purchase_day(i) {
                let slot = &mut next[(d - lo) as usize];
                let mut code = 0u8;
                if let Some(c) = codes.as_mut() {
                    match c.code(i) {
                        Some(c) => code = c,
                        None => codes = None,
                    }
                }
                lines[*slot] = Line {
                    row: i as u32,
                    key_code: line_keys.get(i).unwrap_or(NO_KEY) | u32::from(code) << KEY_BITS,
                };
                *slot += 1;
            }
        }
        let has_codes = codes.is_some();
        drop(codes);
        Ok(Some(DayLines {
            first_day: lo,
            starts,
            lines,
            has_codes,
            invoice: tx.column("invoice_id")?.str()?.rechunk().into_owned(),
            category,
            days,
            counted: std::sync::Mutex::new(Vec::new()),
        }))
    }

    /// The positions in `lines` of the lines dated in `first..=last` (they are contiguous).
    fn window(&self, first: NaiveDate, last: NaiveDate) -> std::ops::Range<usize> {
        let days = self.days_of(first, last);
        self.starts[days.start]..self.starts[days.end]
    }

    /// The positions in `rows` of the lines of each day in `first..=last`, day by day.
    fn by_day_positions(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        self.days_of(first, last)
            .map(|i| self.starts[i]..self.starts[i + 1])
    }

    /// The day indices (into `starts`) of `first..=last`, clamped to the days with lines.
    fn days_of(&self, first: NaiveDate, last: NaiveDate) -> std::ops::Range<usize> {
        // `starts` has one more entry than there are days.
        let span = self.starts.len() as i64 - 1;
        let index = |d: NaiveDate| i64::from(epoch_days(d)) - i64::from(self.first_day);
        let from = index(first).clamp(0, span) as usize;
        let to = (index(last) + 1).clamp(0, span) as usize;
        from..to.max(from)
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
        let in_window = self.window(first, last).len();
        // Numbers of up to 12 bytes by their 16-byte view (the number itself with its length:
        // hashed as one integer, compared without reading text), longer ones by text. A short
        // and a long number are never equal, so the count is the sum of the two sets.
        let mut short: PlHashSet<u128> =
            PlHashSet::with_capacity_and_hasher(in_window / 2, Default::default());
        let mut long: PlHashSet<&str> = PlHashSet::default();
        // Lines without a number count once per customer and day: the day's marker in a slot
        // per customer (the last slot for lines without customer).
        let mut marked: Vec<u32> = Vec::new();
        let mut unnumbered = 0u64;
        // An invoice's lines usually follow each other: one insert per run of equal numbers.
        let mut previous: Option<u128> = None;
        let mut previous_long: Option<&str> = None;
        let views = invoice.views();
        let numbered = |row: usize| polars_arrow::array::Array::is_valid(invoice, row);
        for (marker, day) in (1u32..).zip(self.by_day_positions(first, last)) {
            let lines = &self.lines[day];
            for (j, line) in lines.iter().enumerate() {
                let (row, key) = (line.row as usize, line.key());
                // The lines of a day are in file order, their numbers far apart in memory:
                // the number of the line PREFETCH_AHEAD further is fetched while this one is
                // counted.
                if let Some(ahead) = lines.get(j + PREFETCH_AHEAD) {
                    crate::memory::prefetch(&views[ahead.row as usize]);
                }
                let id = numbered(row).then(|| views[row]);
                match id {
                    Some(view) if view.length <= View::MAX_INLINE_SIZE => {
                        let v = view.as_u128();
                        if previous != Some(v) {
                            (previous, previous_long) = (Some(v), None);
                            short.insert(v);
                        }
                    }
                    Some(_) => {
                        let text = invoice.value(row);
                        if previous_long != Some(text) {
                            (previous, previous_long) = (None, Some(text));
                            if long.is_empty() {
                                long.reserve(in_window / 2);
                            }
                            long.insert(text);
                        }
                    }
                    None => {
                        (previous, previous_long) = (None, None);
                        if marked.is_empty() {
                            marked = vec![0; self.days.keys.height() + 1];
                        }
                        let slot = if key == NO_KEY {
                            marked.len() - 1
                        } else {
                            key as usize
                        };
                        if marked[slot] != marker {
                            marked[slot] = marker;
                            unnumbered += 1;
                        }
                    }
                }
            }
        }
        InvoiceCount {
            numbered: (short.len() + long.len()) as u64,
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
        let n = self.days.keys.height();
        let (seen, bits) = if self.has_codes {
            let range = self.window(first, last);
            // One word per customer: a category's bit, and the top bit for "has a line".
            let mut words = vec![0u64; n];
            for line in &self.lines[range] {
                let key = line.key();
                if key != NO_KEY {
                    words[key as usize] |= SEEN | category_bit(line.code());
                }
            }
            let seen: Vec<bool> = words.iter().map(|w| w & SEEN != 0).collect();
            let bits: Vec<u64> = words.into_iter().map(|w| w & !SEEN).collect();
            (seen, bits)
        } else {
            match self.window_bits_by_text(first, last) {
                Some(found) => found,
                None => return Ok(None),
            }
        };
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

    /// Per customer key: whether it has a line in the window, and its categories' bits, the
    /// categories found by their text (lines with more than 64 categories in all). `None` with
    /// more than 64 in the window.
    fn window_bits_by_text(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Option<(Vec<bool>, Vec<u64>)> {
        let category = self.category.downcast_as_array();
        let views = category.views();
        let n = self.days.keys.height();
        let mut seen = vec![false; n];
        let mut bits = vec![0u64; n];
        // Each category's bit, found by the 16-byte view of the value (equal views are equal
        // values, and a short value is its view), by the text on a view not met yet.
        let mut by_text: PlHashMap<&str, u64> = PlHashMap::default();
        let mut by_view: PlHashMap<u128, u64> = PlHashMap::default();
        let mut previous: Option<(u128, u64)> = None;
        let range = self.window(first, last);
        for line in &self.lines[range] {
            let (row, key) = (line.row, line.key());
            // None for a line without customer.
            if key == NO_KEY {
                continue;
            }
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
                            return None;
                        }
                        by_view.insert(view, b);
                        b
                    }
                },
            };
            previous = Some((view, bit));
            bits[key] |= bit;
        }
        Some((seen, bits))
    }
}

/// Marks a customer word of [`DayLines::window_customers`] as having a line in the window; the
/// category bits are the 63 below it.
const SEEN: u64 = 1 << 63;

/// The bit of a category code (0, no category, has none).
fn category_bit(code: u8) -> u64 {
    if code == 0 { 0 } else { 1 << (code - 1) }
}

/// Numbers the categories of the lines in order of appearance (1, 2, ...), found by the 16-byte
/// view of the value (equal views are equal values, and a short value is its view), by the text
/// on a view not met yet.
struct CategoryCodes<'a> {
    category: &'a Utf8ViewArray,
    by_text: PlHashMap<&'a str, u8>,
    by_view: PlHashMap<u128, u8>,
    previous: Option<(u128, u8)>,
}

impl<'a> CategoryCodes<'a> {
    fn new(category: &'a Utf8ViewArray) -> Self {
        CategoryCodes {
            category,
            by_text: PlHashMap::default(),
            by_view: PlHashMap::default(),
            previous: None,
        }
    }

    /// The code of row `row` (0 without category); `None` once there are more categories than
    /// the bits of a customer word hold.
    fn code(&mut self, row: usize) -> Option<u8> {
        let Some(text) = self.category.get(row) else {
            return Some(0);
        };
        let view = self.category.views()[row].as_u128();
        if let Some((v, c)) = self.previous
            && v == view
        {
            return Some(c);
        }
        let code = match self.by_view.get(&view) {
            Some(&c) => c,
            None => {
                let next = self.by_text.len() + 1;
                let c = *self.by_text.entry(text).or_insert(next.min(255) as u8);
                if self.by_text.len() > MAX_CATEGORIES - 1 {
                    return None;
                }
                self.by_view.insert(view, c);
                c
            }
        };
        self.previous = Some((view, code));
        Some(code)
    }
}

#[cfg(test)]
impl DayLines<'_> {
    fn clone_for_test(&self) -> Self {
        DayLines {
            first_day: self.first_day,
            starts: self.starts.clone(),
            lines: self.lines.clone(),
            has_codes: self.has_codes,
            invoice: self.invoice.clone(),
            category: self.category.clone(),
            days: self.days,
            counted: std::sync::Mutex::new(Vec::new()),
        }
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
    fn a_line_keeps_its_key_and_category_code_apart() {
        for (key, code) in [
            (0, 0),
            (0, 63),
            (NO_KEY, 0),
            (NO_KEY, 63),
            (NO_KEY - 1, 1),
            (12_345, 7),
        ] {
            let line = Line {
                row: 9,
                key_code: key | u32::from(code) << KEY_BITS,
            };
            assert_eq!((line.key(), line.code()), (key, code));
        }
        assert_eq!(NO_KEY, (1 << 24) - 1, "16,777,214 customers at most");
    }

    #[test]
    fn category_codes_number_categories_by_appearance_and_give_up_past_63() {
        let names: Vec<Option<String>> = (0..70)
            .map(|i| (i != 5).then(|| format!("a category with a long name {i}")))
            .chain([Some("a category with a long name 0".to_string())])
            .collect();
        let ca = StringChunked::from_iter_options("c".into(), names.into_iter());
        let ca = ca.rechunk();
        let mut codes = CategoryCodes::new(ca.downcast_as_array());
        let got: Vec<Option<u8>> = (0..64).map(|row| codes.code(row)).collect();
        // Row 5 has no category (0); the others are numbered 1, 2, ... in order of appearance.
        assert_eq!(
            got[..7],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(0),
                Some(6)
            ]
        );
        assert_eq!(got[63], Some(63), "the 63rd category still has a bit");
        assert_eq!(codes.code(64), None, "a 64th category has none left");
        let mut again = CategoryCodes::new(ca.downcast_as_array());
        assert_eq!(
            again.code(70),
            Some(1),
            "a repeated text gets its first code"
        );
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
            .map(|(i, v)| {
                // Some numbers longer than a view holds inline (the same ones on every line of
                // their invoice), beside the short ones.
                v.filter(|_| i % 3 != 0).map(|v| {
                    if v.bytes().map(u32::from).sum::<u32>() % 2 == 0 {
                        format!("{v}/a-number-longer-than-twelve-bytes")
                    } else {
                        v.to_string()
                    }
                })
            })
            .collect();
        let long = ids.iter().flatten().filter(|v| v.len() > 12).count();
        let short = ids.iter().flatten().filter(|v| v.len() <= 12).count();
        assert!(
            long > 5 && short > 5,
            "both kinds of numbers: {long} long, {short} short"
        );
        t.transactions
            .with_column(ids.with_name("invoice_id".into()).into_column())
            .unwrap();
        assert_eq!(t.transactions.height(), h);
        let days = CustomerDays::build(&t.transactions).unwrap();
        let lines = DayLines::build(&t.transactions, &days).unwrap().unwrap();
        assert!(lines.has_codes, "the fixture's few categories are coded");
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
            // The path by category text (lines with more than 63 categories in all) agrees.
            let by_text = DayLines {
                has_codes: false,
                counted: std::sync::Mutex::new(Vec::new()),
                ..lines.clone_for_test()
            };
            let text = by_text.window_customers(first, last).unwrap().unwrap();
            assert_eq!(sorted(&fast), sorted(&text), "{first}..{last}");
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
