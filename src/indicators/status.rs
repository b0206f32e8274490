//! Indicators stage: the per-customer status of one period, the shared input of the base, retention,
//! revenue, profitability, RFM and complainer-churn families and of the trend series.
//!
//! Depends on [`super::context`]. One sorted group-by over the daily frame yields, per customer,
//! every flag and sum a period needs; the families then reduce this frame (one row per customer)
//! to their figures.

#[cfg(test)]
use super::context::between;
use super::context::{Context, DataRange, day_number};
use crate::figure::{Figure, Missing};
use crate::period::Period;
use polars::prelude::*;

/// Day numbers (inclusive) of the windows a period's figures read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Windows {
    /// First day of the period.
    pub(crate) start: i32,
    /// Last day of the period.
    pub(crate) end: i32,
    /// First day of the previous period.
    pub(crate) prev_start: i32,
    /// Last day of the previous period.
    pub(crate) prev_end: i32,
    /// First day of the A days ending the day before the period (window of S).
    pub(crate) lookback_from: i32,
    /// First day of the A days ending the period's last day (window of E).
    pub(crate) end_window_from: i32,
}

impl Windows {
    pub(crate) fn of(period: Period, window_days: i32) -> Self {
        let (start, end) = (day_number(period.start), day_number(period.end));
        let prev = period.previous();
        Windows {
            start,
            end,
            prev_start: day_number(prev.start),
            prev_end: day_number(prev.end),
            lookback_from: start - window_days,
            end_window_from: end - window_days + 1,
        }
    }
}

/// Which of a period's windows lie wholly inside the data: a figure reading a window the data
/// do not cover is `Missing::OutsideData`, never a truncated count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Coverage {
    /// The period itself.
    pub(crate) period: bool,
    /// The previous period and the period.
    pub(crate) previous: bool,
    /// The A days before the period start and the period (S, new, reactivated, ...).
    pub(crate) lookback: bool,
    /// The A days ending the period end (E, repeat rate, profitability).
    pub(crate) end_window: bool,
}

impl Coverage {
    pub(crate) fn of(w: &Windows, range: Option<DataRange>) -> Self {
        let Some(r) = range else {
            return Coverage {
                period: false,
                previous: false,
                lookback: false,
                end_window: false,
            };
        };
        let (first, last) = (day_number(r.first), day_number(r.last));
        let inside = |from: i32| first <= from && w.end <= last;
        Coverage {
            period: inside(w.start),
            previous: inside(w.prev_start),
            lookback: inside(w.lookback_from),
            end_window: inside(w.end_window_from),
        }
    }

    /// `figure` when `covered`, else `Missing::OutsideData`.
    pub(crate) fn gate(covered: bool, figure: Figure) -> Figure {
        if covered {
            figure
        } else {
            Figure::missing(Missing::OutsideData)
        }
    }
}

/// How much of the status a caller needs: the trend's headline figures need fewer sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth {
    /// Flags, revenue and margin of the period and revenue of the previous one.
    Headline,
    /// Everything the per-period families read.
    Full,
}

/// One period's per-customer status frame with its windows and coverage.
#[derive(Debug, Clone)]
pub(crate) struct PeriodStatus {
    pub(crate) period: Period,
    pub(crate) windows: Windows,
    pub(crate) coverage: Coverage,
    /// One row per customer with a transaction between the earlier of the S window and the
    /// previous period, and the period end: `key`, `in_start_base`, `in_end_base`, `active`,
    /// `active_prev`, `revenue`, `revenue_prev`, `margin`; at [`Depth::Full`] also
    /// `purchase_days`, `revenue_window`, `margin_window`, `purchase_days_window`,
    /// `last_purchase_window`.
    pub(crate) frame: DataFrame,
}

impl PeriodStatus {
    /// Two "last purchase" days per customer give every activity flag: the last purchase up to
    /// the period end (active in P, in E) and the last one before the period (in S, active in
    /// P−1, as P−1 ends the day before P starts).
    pub(crate) fn compute(ctx: &Context, period: Period, depth: Depth) -> PolarsResult<Self> {
        let mut one = Self::compute_all(ctx, &[(period, depth)])?;
        Ok(one.pop().expect("one period asked"))
    }

    /// [`Self::compute`] for several periods in one pass over the daily frame, in the order
    /// given.
    pub(crate) fn compute_all(
        ctx: &Context,
        wanted: &[(Period, Depth)],
    ) -> PolarsResult<Vec<Self>> {
        let windows: Vec<(Windows, Depth)> = wanted
            .iter()
            .map(|(p, d)| (Windows::of(*p, ctx.window_days()), *d))
            .collect();
        let frames = status_frames(&ctx.daily, &windows)?;
        Ok(wanted
            .iter()
            .zip(windows)
            .zip(frames)
            .map(|(((period, _), (w, _)), frame)| PeriodStatus {
                period: *period,
                windows: w,
                coverage: Coverage::of(&w, ctx.data_range),
                frame,
            })
            .collect())
    }

    /// The same frame as polars expressions: the definition [`status_frames`] is tested against.
    #[cfg(test)]
    pub(crate) fn compute_reference(
        ctx: &Context,
        period: Period,
        depth: Depth,
    ) -> PolarsResult<Self> {
        let w = Windows::of(period, ctx.window_days());
        let day = || col("day");
        let purchase_day = || when(col("purchase")).then(day()).otherwise(lit(NULL));
        let purchases_in = |from, to| col("purchase").and(between(day(), from, to)).sum();
        let sum_in = |what: &str, from, to| {
            when(between(day(), from, to))
                .then(col(what))
                .otherwise(lit(0.0))
                .sum()
        };
        let mut aggs = vec![
            purchase_day().max().alias("last_purchase"),
            when(day().lt(lit(w.start)))
                .then(purchase_day())
                .otherwise(lit(NULL))
                .max()
                .alias("last_before"),
            sum_in("net", w.start, w.end).alias("revenue"),
            sum_in("net", w.prev_start, w.prev_end).alias("revenue_prev"),
            sum_in("margin", w.start, w.end).alias("margin"),
        ];
        if depth == Depth::Full {
            aggs.extend([
                purchases_in(w.start, w.end).alias("purchase_days"),
                sum_in("net", w.end_window_from, w.end).alias("revenue_window"),
                sum_in("margin", w.end_window_from, w.end).alias("margin_window"),
                purchases_in(w.end_window_from, w.end).alias("purchase_days_window"),
            ]);
        }
        let at_least = |c: &str, from: i32| col(c).gt_eq(lit(from)).fill_null(lit(false));
        let mut flags = vec![
            at_least("last_before", w.lookback_from).alias("in_start_base"),
            at_least("last_purchase", w.end_window_from).alias("in_end_base"),
            at_least("last_purchase", w.start).alias("active"),
            at_least("last_before", w.prev_start).alias("active_prev"),
        ];
        if depth == Depth::Full {
            flags.push(
                when(at_least("last_purchase", w.end_window_from))
                    .then(col("last_purchase"))
                    .otherwise(lit(NULL))
                    .alias("last_purchase_window"),
            );
        }
        let frame = ctx
            .daily
            .clone()
            .lazy()
            .filter(between(day(), w.lookback_from.min(w.prev_start), w.end))
            .group_by([col("key")])
            .agg(aggs)
            .with_columns(flags)
            .collect()?;
        Ok(PeriodStatus {
            period,
            windows: w,
            coverage: Coverage::of(&w, ctx.data_range),
            frame,
        })
    }

    /// The status frame as a lazy query.
    pub(crate) fn lazy(&self) -> LazyFrame {
        self.frame.clone().lazy()
    }
}

/// Per-customer sums and last days of one customer's rows in the status window.
#[derive(Default)]
struct Acc {
    last_purchase: Option<i32>,
    last_before: Option<i32>,
    revenue: f64,
    revenue_prev: f64,
    margin: f64,
    purchase_days: u32,
    revenue_window: f64,
    margin_window: f64,
    purchase_days_window: u32,
}

/// The status frames of several periods in one pass over the daily frame, which is sorted by
/// (key, day): each customer's rows are contiguous and in day order, so a period's window is a
/// slice of them, found by bisection. A plain loop instead of a lazy group-by with nine
/// conditional aggregations per period, and one read of the daily frame for all the trend
/// periods instead of one each: the pass is bound by memory, not by the sums. Rows come out in
/// key order; each sum adds a customer's days in day order, as the group-by did.
fn status_frames(daily: &DataFrame, wanted: &[(Windows, Depth)]) -> PolarsResult<Vec<DataFrame>> {
    let key = daily.column("key")?.u32()?.rechunk();
    let day = daily.column("day")?.i32()?.rechunk();
    let net = daily.column("net")?.f64()?.rechunk();
    let margin = daily.column("margin")?.f64()?.rechunk();
    let (key, day, net, margin) = (
        key.cont_slice()?,
        day.cont_slice()?,
        net.cont_slice()?,
        margin.cont_slice()?,
    );
    let purchase: Vec<bool> = daily
        .column("purchase")?
        .bool()?
        .iter()
        .map(|p| p.unwrap_or(false))
        .collect();
    let customers = key.last().map_or(0, |k| *k as usize + 1);
    // Two halves of the customers side by side (the pass is on the stage's critical path while
    // the other core is free): a customer's rows never straddle the cut, so each half fills
    // its customers' rows exactly as one pass would, and the second half's rows follow the
    // first's in key order.
    let mut cut = key.len() / 2;
    while cut > 0 && cut < key.len() && key[cut] == key[cut - 1] {
        cut += 1;
    }
    let rows = Rows {
        key,
        day,
        purchase: &purchase,
        net,
        margin,
    };
    let (mut out, second) = rayon::join(
        || rows.fill(0..cut, wanted, customers),
        || {
            let later = key.get(cut).map_or(0, |k| customers - *k as usize);
            rows.fill(cut..key.len(), wanted, later)
        },
    );
    for (cols, more) in out.iter_mut().zip(second) {
        cols.append(more);
    }
    wanted
        .iter()
        .zip(out)
        .map(|((w, _), cols)| cols.into_frame(w))
        .collect()
}

/// The daily frame's columns, as slices.
struct Rows<'a> {
    key: &'a [u32],
    day: &'a [i32],
    purchase: &'a [bool],
    net: &'a [f64],
    margin: &'a [f64],
}

impl Rows<'_> {
    /// Every wanted period's status rows of the customers whose rows are `range` (which starts
    /// and ends at a customer's first row), with room for `customers` rows per period.
    fn fill(
        &self,
        range: std::ops::Range<usize>,
        wanted: &[(Windows, Depth)],
        customers: usize,
    ) -> Vec<Columns> {
        let Rows {
            key,
            day,
            purchase,
            net,
            margin,
        } = *self;
        let mut out: Vec<Columns> = wanted
            .iter()
            .map(|(_, d)| Columns::new(*d, customers))
            .collect();
        let mut i = range.start;
        while i < range.end {
            let k = key[i];
            // A customer has a few rows: a scan, not a bisection of the whole rest.
            let end = i + key[i..range.end].iter().take_while(|&&x| x == k).count();
            let days = &day[i..end];
            for ((w, _), cols) in wanted.iter().zip(out.iter_mut()) {
                let from = w.lookback_from.min(w.prev_start);
                let lo = days.partition_point(|&d| d < from);
                let hi = days.partition_point(|&d| d <= w.end);
                if lo == hi {
                    continue;
                }
                let mut acc = Acc::default();
                for r in i + lo..i + hi {
                    acc.add(w, day[r], purchase[r], net[r], margin[r]);
                }
                cols.push(k, &acc);
            }
            i = end;
        }
        out
    }
}

impl Acc {
    /// Adds one customer-day inside the status window `w` (the earlier of the S window and the
    /// previous period, to the period end).
    fn add(&mut self, w: &Windows, d: i32, purchase: bool, net: f64, margin: f64) {
        let inside = |a: i32, b: i32| a <= d && d <= b;
        if purchase {
            self.last_purchase = self.last_purchase.max(Some(d));
            if d < w.start {
                self.last_before = self.last_before.max(Some(d));
            }
        }
        if inside(w.start, w.end) {
            self.revenue += net;
            self.margin += margin;
            self.purchase_days += u32::from(purchase);
        }
        if inside(w.prev_start, w.prev_end) {
            self.revenue_prev += net;
        }
        if inside(w.end_window_from, w.end) {
            self.revenue_window += net;
            self.margin_window += margin;
            self.purchase_days_window += u32::from(purchase);
        }
    }
}

/// One period's status columns as they are filled, customer by customer (no row structs kept:
/// with all trend periods filled at once, they would hold every period's rows twice).
struct Columns {
    depth: Depth,
    key: Vec<u32>,
    last_purchase: Vec<Option<i32>>,
    last_before: Vec<Option<i32>>,
    revenue: Vec<f64>,
    revenue_prev: Vec<f64>,
    margin: Vec<f64>,
    purchase_days: Vec<u32>,
    revenue_window: Vec<f64>,
    margin_window: Vec<f64>,
    purchase_days_window: Vec<u32>,
}

impl Columns {
    /// Room for `customers` rows (an upper bound): growing eleven vectors per period by
    /// doubling cost more than the pass itself.
    fn new(depth: Depth, customers: usize) -> Self {
        let full = if depth == Depth::Full { customers } else { 0 };
        Columns {
            depth,
            key: Vec::with_capacity(customers),
            last_purchase: Vec::with_capacity(customers),
            last_before: Vec::with_capacity(customers),
            revenue: Vec::with_capacity(customers),
            revenue_prev: Vec::with_capacity(customers),
            margin: Vec::with_capacity(customers),
            purchase_days: Vec::with_capacity(full),
            revenue_window: Vec::with_capacity(full),
            margin_window: Vec::with_capacity(full),
            purchase_days_window: Vec::with_capacity(full),
        }
    }

    fn push(&mut self, key: u32, acc: &Acc) {
        self.key.push(key);
        self.last_purchase.push(acc.last_purchase);
        self.last_before.push(acc.last_before);
        self.revenue.push(acc.revenue);
        self.revenue_prev.push(acc.revenue_prev);
        self.margin.push(acc.margin);
        if self.depth == Depth::Full {
            self.purchase_days.push(acc.purchase_days);
            self.revenue_window.push(acc.revenue_window);
            self.margin_window.push(acc.margin_window);
            self.purchase_days_window.push(acc.purchase_days_window);
        }
    }

    /// The rows of `more` (later customers) after these.
    fn append(&mut self, more: Columns) {
        self.key.extend_from_slice(&more.key);
        self.last_purchase.extend_from_slice(&more.last_purchase);
        self.last_before.extend_from_slice(&more.last_before);
        self.revenue.extend_from_slice(&more.revenue);
        self.revenue_prev.extend_from_slice(&more.revenue_prev);
        self.margin.extend_from_slice(&more.margin);
        self.purchase_days.extend_from_slice(&more.purchase_days);
        self.revenue_window.extend_from_slice(&more.revenue_window);
        self.margin_window.extend_from_slice(&more.margin_window);
        self.purchase_days_window
            .extend_from_slice(&more.purchase_days_window);
    }

    fn into_frame(self, w: &Windows) -> PolarsResult<DataFrame> {
        let n = self.key.len();
        let at_least = |v: &[Option<i32>], from: i32| -> Column {
            BooleanChunked::from_iter_values(
                "".into(),
                v.iter().map(|v| v.is_some_and(|v| v >= from)),
            )
            .into_column()
        };
        let days = |name: &str, v: &[Option<i32>]| -> Column {
            Int32Chunked::from_iter_options(name.into(), v.iter().copied()).into_column()
        };
        let f64s = |name: &str, v: Vec<f64>| Float64Chunked::from_vec(name.into(), v).into_column();
        let u32s = |name: &str, v: Vec<u32>| UInt32Chunked::from_vec(name.into(), v).into_column();
        let mut columns = vec![
            UInt32Chunked::from_vec("key".into(), self.key).into_column(),
            days("last_purchase", &self.last_purchase),
            days("last_before", &self.last_before),
            f64s("revenue", self.revenue),
            f64s("revenue_prev", self.revenue_prev),
            f64s("margin", self.margin),
        ];
        if self.depth == Depth::Full {
            columns.extend([
                u32s("purchase_days", self.purchase_days),
                f64s("revenue_window", self.revenue_window),
                f64s("margin_window", self.margin_window),
                u32s("purchase_days_window", self.purchase_days_window),
            ]);
        }
        columns.extend([
            at_least(&self.last_before, w.lookback_from).with_name("in_start_base".into()),
            at_least(&self.last_purchase, w.end_window_from).with_name("in_end_base".into()),
            at_least(&self.last_purchase, w.start).with_name("active".into()),
            at_least(&self.last_before, w.prev_start).with_name("active_prev".into()),
        ]);
        if self.depth == Depth::Full {
            columns.push(
                Int32Chunked::from_iter_options(
                    "last_purchase_window".into(),
                    self.last_purchase
                        .iter()
                        .map(|v| v.filter(|&d| d >= w.end_window_from)),
                )
                .into_column(),
            );
        }
        DataFrame::new(n, columns)
    }
}

/// Runs a one-row aggregation and reads its columns as numbers (nulls as `None`).
pub(crate) fn one_row(lf: LazyFrame, names: &[&str]) -> PolarsResult<Vec<Option<f64>>> {
    let df = lf.collect()?;
    names
        .iter()
        .map(|n| {
            let c = df.column(n)?.cast(&DataType::Float64)?;
            Ok(if df.height() == 0 {
                None
            } else {
                c.f64()?.get(0)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::IndicatorSettings;

    fn by_key(df: &DataFrame) -> DataFrame {
        df.sort(["key"], SortMultipleOptions::default()).unwrap()
    }

    #[test]
    fn the_one_pass_status_equals_its_polars_definition() {
        let tables = crate::indicators::fixture::tables();
        let settings = IndicatorSettings::default();
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let p = crate::indicators::fixture::period();
        let mut compared = 0;
        for period in p.trailing(8).into_iter().chain([p.year_ago()]) {
            for depth in [Depth::Headline, Depth::Full] {
                let fast = PeriodStatus::compute(&ctx, period, depth).unwrap();
                let reference = PeriodStatus::compute_reference(&ctx, period, depth).unwrap();
                assert_eq!(fast.frame.schema(), reference.frame.schema(), "{period}");
                assert!(
                    by_key(&fast.frame).equals_missing(&by_key(&reference.frame)),
                    "{period} {depth:?}:\n{}\n{}",
                    by_key(&fast.frame),
                    by_key(&reference.frame)
                );
                compared += fast.frame.height();
            }
        }
        assert!(compared > 20, "the fixture gives rows to compare");
    }

    #[test]
    fn the_one_pass_status_equals_its_definition_on_random_days() {
        use crate::indicators::fixture;
        use crate::tables::TableKind;
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(21);
        let (mut ids, mut dates, mut nets, mut costs) = (vec![], vec![], vec![], vec![]);
        for _ in 0..4_000 {
            ids.push(format!("c{}", rng.random_range(0..150)));
            dates
                .push(fixture::d("2024-01-01") + chrono::Duration::days(rng.random_range(0..1000)));
            // Credit notes and zero lines make days without a purchase. Quarters add exactly
            // in any order: the test checks the windows, whatever order polars sums in.
            nets.push(f64::from(rng.random_range(-160..800).max(-40)) * 0.25);
            costs.push(
                rng.random_bool(0.8)
                    .then(|| f64::from(rng.random_range(0..360)) * 0.25),
            );
        }
        let mut tables = fixture::tables();
        tables.transactions = fixture::canonical(
            TableKind::Transactions,
            vec![
                Column::new("customer_id".into(), ids),
                Column::new("date".into(), dates),
                Column::new("net_amount".into(), nets),
                Column::new("cost".into(), costs),
            ],
        );
        for window in [30, 90, 365] {
            let settings = IndicatorSettings {
                activity_window_days: window,
                ..IndicatorSettings::default()
            };
            let ctx = Context::prepare(&tables, &settings).unwrap();
            let p: Period = "2026-Q2".parse().unwrap();
            let periods: Vec<Period> = p.trailing(8).into_iter().chain([p.year_ago()]).collect();
            let wanted: Vec<(Period, Depth)> = periods
                .iter()
                .flat_map(|q| [(*q, Depth::Headline), (*q, Depth::Full)])
                .collect();
            let all = PeriodStatus::compute_all(&ctx, &wanted).unwrap();
            for ((period, depth), fast) in wanted.iter().zip(all) {
                let reference = PeriodStatus::compute_reference(&ctx, *period, *depth).unwrap();
                assert!(reference.frame.height() > 0, "{period}");
                assert!(
                    by_key(&fast.frame).equals_missing(&by_key(&reference.frame)),
                    "A = {window}, {period} {depth:?}:\n{}\n{}",
                    by_key(&fast.frame),
                    by_key(&reference.frame)
                );
            }
        }
    }
}
