//! Contact and engagement family: interactions per active customer, channel mix, days since last
//! contact, with the neglected valuable customers of [`super::neglected_customers`] and the
//! cross-selling figures of [`super::cross_selling`].
//!
//! Indicators stage; depends on tables, period, config, figure and the shared service inputs.
//! Missing data follow the convention of [`super::complaints`]: contact figures say `no_table`
//! without an interactions table; cross-selling needs only the transactions.

use super::breakdown::{Breakdown, Bucket, Edges, bucket_exprs, empty_buckets, read_buckets};
use super::compute::timed;
use super::contacts::{ContactGroups, LastContacts, RecencyCounts, recency_counts};
use super::cross_selling::{CrossSelling, cross_selling, window_customers, window_customers_keyed};
use super::day_lines::DayLines;
use super::neglected_customers::{NeglectedCustomers, ValueBasis, neglected_customers, top_decile};
use super::service_inputs::{
    PeriodBase, days_before, instant_between, instant_until, rows_of_customers, scalar_f64,
    scalar_u64,
};
use crate::config::IndicatorSettings;
use crate::customer_days::CustomerDays;
use crate::figure::{Figure, Missing};
use crate::indicators::Definition;
use crate::period::{Period, window_ending};
use crate::tables::Tables;
use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Methodology entries of this file.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "interactions_per_active_customer",
        name_en: "Interactions per active customer",
        name_es: "Interacciones por cliente activo",
        en: "Interactions dated in P with customers active in P / customers active in P (a purchase with net amount > 0 in P). Interactions with other contacts count only in the total and the channel mix.",
        es: "Interacciones fechadas en P con clientes activos en P / clientes activos en P (una compra con importe neto > 0 en P). Las interacciones con otros contactos cuentan solo en el total y en el reparto por canal.",
    },
    Definition {
        id: "channel_mix",
        name_en: "Channel mix",
        name_es: "Reparto por canal",
        en: "Interactions dated in P by channel, with their share of all interactions in P.",
        es: "Interacciones fechadas en P por canal, con su cuota sobre el total de interacciones de P.",
    },
    Definition {
        id: "days_since_last_contact",
        name_en: "Days since last contact",
        name_es: "Días desde el último contacto",
        en: "For customers active in the A days ending the last day of P: whole days from the day of their last interaction up to that day (0 = contacted that day); median with linear interpolation over those ever contacted; customers never contacted by then are counted apart.",
        es: "Para los clientes activos en los A días que terminan el último día de P: días completos desde el día de su última interacción hasta ese día (0 = contactado ese día); mediana con interpolación lineal sobre los contactados alguna vez; los nunca contactados hasta entonces se cuentan aparte.",
    },
];

/// Bars of the days-since-last-contact chart, in whole days.
const RECENCY_EDGES: Edges = &[
    ("0–30d", 0.0, Some(31.0)),
    ("31–90d", 31.0, Some(91.0)),
    ("91–180d", 91.0, Some(181.0)),
    ("181–365d", 181.0, Some(366.0)),
    (">365d", 366.0, None),
];

/// The contact and engagement family for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngagementIndicators {
    /// Interactions dated in P, with anyone.
    pub interactions: Figure,
    /// Interactions in P with customers active in P / customers active in P.
    pub interactions_per_active_customer: Figure,
    /// Interactions in P by channel.
    pub channel_mix: Breakdown,
    /// Days since last contact at the end of P.
    pub recency: ContactRecency,
    /// Valuable customers nobody has contacted lately.
    pub neglected: NeglectedCustomers,
    /// Distinct product categories per active customer.
    pub cross_selling: CrossSelling,
}

/// How recently the customers active in A were contacted, at the end of P.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactRecency {
    /// Customers active in the A days ending the last day of P.
    pub customers: Figure,
    /// Those never contacted up to the end of P.
    pub never_contacted: Figure,
    /// never_contacted / customers.
    pub never_contacted_share: Figure,
    /// Median whole days since the last contact, over those contacted.
    pub median_days: Figure,
    /// Days since the last contact for the chart (never-contacted customers not included).
    pub days: Vec<Bucket>,
    /// Why the chart is empty although interactions may exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
}

impl ContactRecency {
    /// Figures the data cannot support.
    pub fn missing(reason: Missing) -> Self {
        let m = Figure::missing(reason);
        ContactRecency {
            customers: m,
            never_contacted: m,
            never_contacted_share: m,
            median_days: m,
            days: empty_buckets(RECENCY_EDGES),
            missing: Some(reason),
        }
    }
}

/// Each customer's last interaction (`last_contact`) up to the end of `end`.
pub(crate) fn last_contacts(interactions: &DataFrame, end: NaiveDate) -> PolarsResult<DataFrame> {
    interactions
        .clone()
        .lazy()
        .filter(instant_until("date", end))
        .group_by([col("customer_id")])
        .agg([col("date").max().alias("last_contact")])
        .collect()
}

/// [`last_contacts`] at several ends in one pass over the interactions (the snapshot periods of
/// a report, see [`ContactGroups`]), one frame per end, in the order given.
pub(crate) fn last_contacts_at(
    interactions: &DataFrame,
    ends: &[NaiveDate],
) -> PolarsResult<Vec<DataFrame>> {
    match ContactGroups::build(interactions, ends)? {
        Some(groups) => (0..ends.len()).map(|n| groups.frame(n)).collect(),
        None => ends
            .iter()
            .map(|end| last_contacts(interactions, *end))
            .collect(),
    }
}

/// Days since the last contact of the customers of `window` (active in A) at the end of P.
pub(crate) fn recency(
    window: &DataFrame,
    last: &DataFrame,
    period: Period,
) -> PolarsResult<ContactRecency> {
    let mut aggs = vec![
        len().alias("n"),
        col("days").count().alias("contacted"),
        col("days").median().alias("median"),
    ];
    aggs.extend(bucket_exprs("days", RECENCY_EDGES));
    let stats = window
        .clone()
        .lazy()
        .select([col("customer_id")])
        .join(
            last.clone().lazy(),
            [col("customer_id")],
            [col("customer_id")],
            JoinArgs::new(JoinType::Left),
        )
        .select([days_before("last_contact", period.end)
            .cast(DataType::Float64)
            .alias("days")])
        .select(aggs)
        .collect()?;
    Ok(RecencyCounts {
        customers: scalar_u64(&stats, "n")?,
        contacted: scalar_u64(&stats, "contacted")?,
        median: scalar_f64(&stats, "median")?,
        buckets: read_buckets(&stats, RECENCY_EDGES)?,
    }
    .into())
}

/// The figures of a recency count, however the last contacts were found.
impl From<RecencyCounts> for ContactRecency {
    fn from(c: RecencyCounts) -> Self {
        let (n, never) = (c.customers as f64, (c.customers - c.contacted) as f64);
        ContactRecency {
            customers: Figure::of(n),
            never_contacted: Figure::of(never),
            never_contacted_share: Figure::ratio(never, n),
            median_days: c.median.into(),
            days: c.buckets,
            missing: None,
        }
    }
}

/// Computes the engagement family for `period` (see [`DEFINITIONS`]).
///
/// `values` holds one row per customer (`customer_id` String, `value` Float64) ranking who is
/// valuable for the neglect figures; `basis` says whether it is predictive or historical CLV.
/// Errors only when a frame breaks the column contract of `crate::tables`.
pub fn compute_engagement(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
    values: &DataFrame,
    basis: ValueBasis,
) -> PolarsResult<EngagementIndicators> {
    let base = PeriodBase::of(&tables.transactions, None, period)?;
    let reused = Reused {
        base: &base,
        last: None,
        top: None,
        days: None,
        lines: None,
    };
    compute_engagement_with(tables, period, settings, values, basis, reused)
}

/// What the service side computed once and an engagement snapshot reuses: the period's active
/// customers and invoices and, when given, its customers' last contacts (a frame, or the
/// contact groups of one pass over the interactions, [`LastContacts`]) and the customer-day
/// reduction (whose integer keys group the lines).
#[derive(Clone, Copy)]
pub(crate) struct Reused<'a> {
    pub(crate) base: &'a PeriodBase,
    pub(crate) last: Option<LastContacts<'a>>,
    /// The top value decile of `values` ([`top_decile`]), the same for every period.
    pub(crate) top: Option<&'a DataFrame>,
    pub(crate) days: Option<&'a CustomerDays>,
    /// The purchase lines sorted by day: the activity window's customers read a slice of them.
    pub(crate) lines: Option<&'a DayLines<'a>>,
}

/// [`compute_engagement`] over inputs computed once for the whole report.
pub(crate) fn compute_engagement_with(
    tables: &Tables,
    period: Period,
    settings: &IndicatorSettings,
    values: &DataFrame,
    basis: ValueBasis,
    reused: Reused,
) -> PolarsResult<EngagementIndicators> {
    let Reused {
        base,
        last,
        top,
        days,
        lines,
    } = reused;
    let (first, last_day) = window_ending(period.end, settings.activity_window_days);
    let window = match timed("engagement.window", || {
        lines
            .map(|l| l.window_customers(first, last_day))
            .transpose()
    })? {
        Some(Some(w)) => w,
        _ => match days {
            Some(d) => window_customers_keyed(tables, d, period, settings)?,
            None => window_customers(tables, period, settings)?,
        },
    };
    let cross_selling = timed("engagement.cross_selling", || {
        cross_selling(&window, &tables.transactions)
    })?;
    let Some(interactions) = tables.interactions.as_ref() else {
        let m = Figure::missing(Missing::NoTable);
        return Ok(EngagementIndicators {
            interactions: m,
            interactions_per_active_customer: m,
            channel_mix: Breakdown::missing(Missing::NoTable),
            recency: ContactRecency::missing(Missing::NoTable),
            neglected: NeglectedCustomers::missing(Missing::NoTable, basis),
            cross_selling,
        });
    };
    let in_period = timed("engagement.in_period", || {
        interactions
            .clone()
            .lazy()
            .filter(instant_between("date", period.start, period.end))
            .select([col("customer_id"), col("channel")])
            .collect()
    })?;
    let active = &base.active;
    // The active customers are one row each (by key).
    let with_active = timed("engagement.with_active", || {
        rows_of_customers(&in_period, active)
    })?;
    let channel_mix = timed("engagement.channel_mix", || {
        Breakdown::count_by(in_period.lazy(), "channel")
    })?;
    let computed;
    let last = match last {
        Some(l) => l,
        None => {
            computed = last_contacts(interactions, period.end)?;
            LastContacts::Frame(&computed)
        }
    };
    let recency = timed("engagement.recency", || -> PolarsResult<_> {
        Ok(match last {
            LastContacts::Frame(frame) => recency(&window, frame, period)?,
            LastContacts::Groups(groups, end) => recency_counts(
                groups,
                window.column("customer_id")?.str()?,
                end,
                period.end,
                RECENCY_EDGES,
            )
            .into(),
        })
    })?;
    let neglected = timed("engagement.neglected", || -> PolarsResult<_> {
        Ok(match top {
            Some(top) => neglected_customers(tables, last, period, settings, top, basis)?,
            None => {
                let top = top_decile(values)?;
                neglected_customers(tables, last, period, settings, &top, basis)?
            }
        })
    })?;
    Ok(EngagementIndicators {
        interactions: Figure::of(channel_mix.total as f64),
        interactions_per_active_customer: Figure::ratio(with_active as f64, active.height() as f64),
        channel_mix,
        recency,
        neglected,
        cross_selling,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::service_fixture::{assert_value, period, tables, values};
    use crate::indicators::service_inputs::midnight_ms;

    #[test]
    fn last_contacts_at_several_ends_match_one_end_at_a_time() {
        let i = crate::indicators::service_fixture::interactions();
        let ends = [
            period().end,
            period().previous().end,
            period().year_ago().end,
        ];
        let sorted = |df: &DataFrame| {
            df.clone()
                .lazy()
                .sort(["customer_id"], SortMultipleOptions::default())
                .collect()
                .unwrap()
        };
        let many = last_contacts_at(&i, &ends).unwrap();
        assert_eq!(many.len(), 3);
        for (end, got) in ends.iter().zip(&many) {
            let want = last_contacts(&i, *end).unwrap();
            assert!(sorted(&want).equals_missing(&sorted(got)), "{end}");
        }
        // Not vacuous: contacts by P.end, none yet a year before.
        assert!(many[0].height() > 0);
        assert_eq!(many[2].height(), 0);
    }

    #[test]
    fn the_one_pass_last_contacts_equal_the_group_by_on_awkward_ids_and_dates() {
        // Short ids (inline views), ids longer than 12 bytes (by text, two equal ones stored at
        // different offsets), a null id, null dates, and times on both sides of each end.
        let ids = [
            Some("C1"),
            Some("customer-with-a-long-id"),
            None,
            Some("C1"),
            Some("customer-with-a-long-id"),
            Some("C2"),
            Some("customer-with-a-long-id-2"),
            None,
            Some("C2"),
            Some("C3"),
        ];
        let ms =
            |d: &str, h: i64| midnight_ms(d.parse().unwrap()) + h * 3_600_000 - i64::from(h == 24);
        let dates = [
            Some(ms("2026-03-31", 24)),
            Some(ms("2026-01-05", 3)),
            Some(ms("2025-12-31", 12)),
            Some(ms("2026-04-01", 0)),
            None,
            Some(ms("2025-03-31", 24)),
            Some(ms("2026-06-30", 1)),
            Some(ms("2026-02-01", 0)),
            Some(ms("2025-04-01", 0)),
            None,
        ];
        let date = Int64Chunked::from_iter_options("date".into(), dates.into_iter())
            .into_series()
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap();
        let df = DataFrame::new(
            ids.len(),
            vec![
                StringChunked::from_iter_options("customer_id".into(), ids.into_iter())
                    .into_column(),
                date.into_column(),
            ],
        )
        .unwrap();
        let ends: Vec<NaiveDate> = ["2026-03-31", "2025-12-31", "2025-03-31", "2030-01-01"]
            .iter()
            .map(|d| d.parse().unwrap())
            .collect();
        let sorted = |df: &DataFrame| {
            df.sort(
                ["customer_id"],
                SortMultipleOptions::default().with_nulls_last(true),
            )
            .unwrap()
        };
        let many = last_contacts_at(&df, &ends).unwrap();
        for (end, got) in ends.iter().zip(&many) {
            let want = last_contacts(&df, *end).unwrap();
            assert_eq!(got.schema(), want.schema(), "{end}");
            assert!(
                sorted(&want).equals_missing(&sorted(got)),
                "{end}:\n{}\n{}",
                sorted(&want),
                sorted(got)
            );
        }
        // Not vacuous: C1's 03-31 23:59:59.999 counts at the end of 03-31, 04-01 00:00 not; the
        // null customer is a group of its own; the latest end sees all five customers.
        assert_eq!(many[0].height(), 4);
        assert_eq!(many[3].height(), 5);
        // No interactions: empty frames of the same schema.
        let none = df.head(Some(0));
        for got in last_contacts_at(&none, &ends).unwrap() {
            let want = last_contacts(&none, ends[0]).unwrap();
            assert_eq!((got.schema(), got.height()), (want.schema(), 0));
        }
    }

    fn run(t: &Tables) -> EngagementIndicators {
        let settings = IndicatorSettings::default();
        compute_engagement(t, period(), &settings, &values(), ValueBasis::HistoricalClv).unwrap()
    }

    #[test]
    fn interactions_per_active_customer_count_only_active_customers() {
        let e = run(&tables());
        // In P: I01 I02 I03 I04 I06 I07 I08 I09 I10 I11 I12 (01-01 00:00) I14 = 12.
        // Not: I13 (2025-12-31 23:59), I16 (2026-04-01 00:00), I05, I15, I17.
        assert_value(e.interactions, 12.0);
        // With customers active in P (c01..c12): all but I14 (c20) = 11 ⇒ 11 / 12.
        assert_value(e.interactions_per_active_customer, 11.0 / 12.0);
    }

    #[test]
    fn channel_mix_shares_all_interactions_in_the_period() {
        let e = run(&tables());
        // Phone I01 I02 I03 I07 I08 I09 I14 = 7; Email I06 I10 I12 = 3; Visit I04 I11 = 2.
        let got: Vec<_> = e
            .channel_mix
            .rows
            .iter()
            .map(|r| (r.label.as_deref().unwrap(), r.count))
            .collect();
        assert_eq!(got, [("Phone", 7), ("Email", 3), ("Visit", 2)]);
        assert_value(Figure::of(e.channel_mix.rows[0].share), 7.0 / 12.0);
    }

    #[test]
    fn days_since_last_contact_cover_customers_active_in_the_window() {
        let e = run(&tables());
        let r = e.recency;
        // Active 2025-04-01..2026-03-31: c01..c16, c18, c19 = 18 (c17's last purchase 2025-03-31).
        assert_value(r.customers, 18.0);
        // Last contact up to 03-31: c01 02-21 → 38; c02 03-10 → 21; c03 03-31 → 0;
        // c04 01-04 → 86; c05 02-02 → 57; c07 03-31 23:30 → 0; c08 02-14 → 45; c09 01-01 → 89;
        // c10 2025-12-31 → 90; c11 2025-12-31 → 90; c13 2025-10-01 → 181.
        // Never: c06 c12 c14 (only 04-01) c15 c16 c18 c19 = 7 ⇒ 7 / 18.
        assert_value(r.never_contacted, 7.0);
        assert_value(r.never_contacted_share, 7.0 / 18.0);
        // Sorted 0 0 21 38 45 57 86 89 90 90 181: median (6th of 11) = 57.
        assert_value(r.median_days, 57.0);
        // 0–30d: 0 0 21 | 31–90d: 38 45 57 86 89 90 90 | 91–180d: — | 181–365d: 181.
        let counts: Vec<u64> = r.days.iter().map(|b| b.count).collect();
        assert_eq!(counts, [3, 7, 0, 1, 0]);
    }

    #[test]
    fn without_interactions_contact_figures_say_no_table_but_cross_selling_remains() {
        let mut t = tables();
        t.interactions = None;
        let e = run(&t);
        assert_eq!(e.interactions, Figure::missing(Missing::NoTable));
        assert_eq!(e.recency.median_days.missing, Some(Missing::NoTable));
        assert_eq!(e.neglected.neglected.missing, Some(Missing::NoTable));
        assert_value(e.cross_selling.customers, 17.0);
    }

    #[test]
    fn the_family_round_trips_through_json() {
        let e = run(&tables());
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""basis":"historical_clv""#), "{json}");
        assert_eq!(
            serde_json::from_str::<EngagementIndicators>(&json).unwrap(),
            e
        );
    }
}
