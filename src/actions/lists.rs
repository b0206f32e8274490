//! The lists themselves: each is the query behind an indicator figure, kept whole instead of
//! reduced to a count, then joined with the customers' contact details.
//!
//! A list is made only when the figure it supports could be computed (a figure missing for lack
//! of data has no list either), so its row count and total are that figure.

use super::{ActionList, ActionLists, ListId};
use crate::config::IndicatorSettings;
use crate::customer_days::CustomerDays;
use crate::domain::Lang;
use crate::findings::Finding;
use crate::indicators::all::ranked_values;
use crate::indicators::clv_hist::{keyed_values, per_customer};
use crate::indicators::complainer_churn::{open_at_end, start_base_by_complaint};
use crate::indicators::contacts::LastContacts;
use crate::indicators::context::{Context, between, day_number, keyed_complaints_with};
use crate::indicators::engagement::last_contacts_at;
use crate::indicators::neglected_customers::{flag_neglected, top_decile, top_part};
use crate::indicators::open_complaint_sales::contacts_during_open_complaints;
use crate::indicators::profitability::contributions;
use crate::indicators::service_inputs::days_before;
use crate::indicators::status::{Depth, PeriodStatus};
use crate::indicators::{AllIndicators, Reuse};
use crate::period::Period;
use crate::tables::Tables;
use anyhow::Result;
use polars::prelude::*;

/// P(alive) under which a valuable customer is at risk.
const P_ALIVE_AT_RISK: f64 = 0.5;
/// A customer is overdue after this many times their usual gap between purchase days.
const OVERDUE_GAPS: f64 = 2.0;
/// Share of customers, by value, that counts as "valuable" for the at-risk list (two deciles).
const VALUABLE_SHARE: u64 = 5;

/// What the lists are computed from: the same inputs as the indicators, plus the findings (for
/// the suggested actions) and the privacy setting.
pub struct ActionInput<'a> {
    /// The client's canonical tables.
    pub tables: &'a Tables,
    /// The audit period.
    pub period: Period,
    /// Indicator settings (windows, neglect days, cost per complaint).
    pub settings: &'a IndicatorSettings,
    /// The model stage's per-customer values (`customer_id`, `clv`, `p_alive`), when scored.
    pub values: Option<&'a DataFrame>,
    /// The customer-day reduction the pipeline built, when at hand.
    pub days: Option<&'a CustomerDays>,
    /// The indicators computed from the same inputs: a list exists only where its figure does.
    pub indicators: &'a AllIndicators,
    /// The report's findings, whose recommendations are the suggested actions.
    pub findings: &'a [Finding],
    /// Report language.
    pub lang: Lang,
    /// `[output] personal_data`: e-mail and phone may be written.
    pub personal_data: bool,
}

/// What every list reads, prepared once.
struct Shared<'a> {
    input: &'a ActionInput<'a>,
    ctx: Context<'a>,
    status: PeriodStatus,
    end: i32,
    /// `customer_id`, `value`: the value "valuable" is ranked by (as the neglected indicator).
    ranked: DataFrame,
    /// Its top decile, when the indicators handed it over.
    top: Option<DataFrame>,
    /// `customer_id`, `last_contact`: each customer's last interaction up to P's end.
    last_at_p: Option<DataFrame>,
    /// The contact details every list carries.
    contacts: Contacts<'a>,
    /// `key`, `clv`, `p_alive`: predictive CLV, else historical CLV with null P(alive).
    clv: DataFrame,
    /// `key`, `historical_margin`: cumulative margin to P.end.
    historical: DataFrame,
}

/// What the lists read beside the contact details: handed over by the indicators, or computed.
struct Inputs<'a> {
    ctx: Context<'a>,
    status: PeriodStatus,
    /// `key`, `clv`: historical CLV at P's end.
    historical: DataFrame,
    /// `key`, `clv`, `p_alive`: the model's values, when scored.
    keyed: Option<DataFrame>,
    ranked: DataFrame,
    top: Option<DataFrame>,
    last_at_p: Option<DataFrame>,
}

/// Computes every list the data support. The shared inputs, then the lists, are computed side by
/// side (each list is a few polars queries, several of them on one core); the lists keep their
/// workbook order. `reuse`: what the indicators stage computed from the same inputs (the
/// context, the status at P, the values, the last contacts), taken instead of computed again.
pub fn compute(input: &ActionInput, reuse: Option<Reuse>) -> Result<ActionLists> {
    use rayon::prelude::*;
    let end = day_number(input.period.end);
    let last_at_p = || -> PolarsResult<Option<DataFrame>> {
        match input.tables.interactions.as_ref() {
            Some(i) => Ok(last_contacts_at(i, &[input.period.end])?.pop()),
            None => Ok(None),
        }
    };
    let (computed, contacts) = rayon::join(
        || -> Result<Inputs> {
            if let Some(r) = reuse {
                return Ok(Inputs {
                    ctx: r.core.ctx,
                    status: r.core.status_at_p,
                    historical: r.core.clv_at_p,
                    keyed: r.core.keyed_values,
                    ranked: r.ranked,
                    top: Some(r.top_decile),
                    last_at_p: r.last_contacts_at_p,
                });
            }
            let ctx = Context::prepare_with(input.tables, input.settings, input.days)?;
            let ((status, historical), ((clv, ranked), last)) = rayon::join(
                || {
                    rayon::join(
                        || PeriodStatus::compute(&ctx, input.period, Depth::Full),
                        || per_customer(&ctx, end).collect(),
                    )
                },
                || {
                    rayon::join(
                        || {
                            rayon::join(
                                || keyed_values(&ctx, input.values),
                                || ranked_values(input.tables, input.period, input.values).0,
                            )
                        },
                        last_at_p,
                    )
                },
            );
            Ok(Inputs {
                status: status?,
                historical: historical?,
                keyed: clv?,
                ranked: ranked?,
                top: None,
                last_at_p: last?,
                ctx,
            })
        },
        || Contacts::find(input.tables, input.personal_data),
    );
    let Inputs {
        ctx,
        status,
        historical,
        keyed,
        ranked,
        top,
        last_at_p,
    } = computed?;
    let clv = match keyed {
        Some(v) => v,
        None => historical
            .clone()
            .lazy()
            .with_column(lit(NULL).cast(DataType::Float64).alias("p_alive"))
            .collect()?,
    };
    let historical = historical
        .lazy()
        .select([col("key"), col("clv").alias("historical_margin")])
        .collect()?;
    let shared = Shared {
        input,
        ctx,
        status,
        end,
        ranked,
        top,
        last_at_p,
        contacts: contacts?,
        clv,
        historical,
    };
    type Builder = fn(&Shared) -> PolarsResult<Option<Draft>>;
    let builders: [(ListId, Builder); 7] = [
        (ListId::NeglectedValuable, neglected),
        (ListId::SalesDuringComplaint, sales_during_complaint),
        (ListId::OpenComplaints, open_complaints),
        (ListId::ValuableAtRisk, valuable_at_risk),
        (ListId::LapsedWinBack, lapsed),
        (ListId::Unprofitable, unprofitable),
        (ListId::ComplainersLapsed, complainers_lapsed),
    ];
    let lists = builders
        .par_iter()
        .map(|(id, build)| match build(&shared)? {
            Some(draft) => finish(&shared, *id, draft).map(Some),
            None => Ok(None),
        })
        .collect::<PolarsResult<Vec<Option<ActionList>>>>()?;
    Ok(ActionLists {
        lists: lists.into_iter().flatten().collect(),
    })
}

/// A list before its contact details: `customer_id` and the figures, in output order.
struct Draft {
    rows: LazyFrame,
    figures: Vec<&'static str>,
    money: &'static str,
    /// Extra sort keys after money and customer id (a customer with several rows).
    then_by: Vec<&'static str>,
}

impl Draft {
    fn new(rows: LazyFrame, figures: &[&'static str], money: &'static str) -> Option<Draft> {
        Some(Draft {
            rows,
            figures: figures.to_vec(),
            money,
            then_by: Vec::new(),
        })
    }
}

fn finish(s: &Shared, id: ListId, draft: Draft) -> PolarsResult<ActionList> {
    let mut by = vec![draft.money, "customer_id"];
    by.extend(draft.then_by.iter().copied());
    let mut descending = vec![true, false];
    descending.resize(by.len(), false);
    let mut columns = vec![col("customer_id")];
    columns.extend(draft.figures.iter().map(|c| col(*c)));
    let figures = draft
        .rows
        .sort(
            by,
            SortMultipleOptions::default()
                .with_order_descending_multi(descending)
                .with_nulls_last(true),
        )
        .select(columns)
        .collect()?;
    let frame = s.contacts.attach(figures)?;
    // Each customer's first row, summed in the list's order: the same total on every run (a
    // parallel sum could differ in its last bits, and the workbook must be byte-identical).
    let per_customer = frame
        .clone()
        .lazy()
        .select([col("customer_id"), col(draft.money).cast(DataType::Float64)])
        .unique_stable_generic(Some(vec![col("customer_id")]), UniqueKeepStrategy::First)
        .collect()?;
    let money_at_stake = per_customer
        .column(draft.money)?
        .f64()?
        .iter()
        .flatten()
        .sum();
    Ok(ActionList {
        id,
        customers: per_customer.height() as u64,
        money_at_stake,
        money_column: draft.money,
        action: suggested_action(s.input, id),
        frame,
    })
}

/// The recommendation of the list's finding as the report prints it; the rule's text when the
/// finding was not raised; the list's own text when no rule names these customers.
fn suggested_action(input: &ActionInput, id: ListId) -> String {
    let rules = id.findings();
    if let Some(f) = input.findings.iter().find(|f| rules.contains(&f.id)) {
        return f.recommendation.clone();
    }
    match rules.first() {
        Some(rule) => crate::findings::recommendation(input.lang, rule),
        None => crate::render::i18n::strings(input.lang)
            .get(&format!("actions.action.{}", id.id()))
            .to_string(),
    }
}

/// The customers table's contact columns that hold data, e-mail first (e-mail and phone only
/// when personal data may be written), found once for every list: each list row takes the first
/// customers row of its id, as a left join on the de-duplicated table would, without hashing a
/// million ids again per list.
struct Contacts<'a> {
    /// The contact columns, aligned with the customers table's rows.
    columns: Vec<Column>,
    /// The first customers row of each id.
    first_row: PlHashMap<&'a str, IdxSize>,
}

impl<'a> Contacts<'a> {
    fn find(tables: &'a Tables, personal: bool) -> PolarsResult<Contacts<'a>> {
        let Some(c) = &tables.customers else {
            return Ok(Contacts {
                columns: Vec::new(),
                first_row: PlHashMap::default(),
            });
        };
        let has_data = |name: &str| {
            c.column(name)
                .map(|s| s.null_count() < s.len())
                .unwrap_or(false)
        };
        let columns = [
            ("email", true),
            ("name", false),
            ("phone", true),
            ("account_manager", false),
        ]
        .into_iter()
        .filter(|(name, private)| (personal || !private) && has_data(name))
        .map(|(name, _)| c.column(name).cloned())
        .collect::<PolarsResult<Vec<Column>>>()?;
        let ids = c.column("customer_id")?.str()?;
        let mut first_row = PlHashMap::with_capacity(ids.len());
        for (row, id) in ids.iter().enumerate() {
            if let Some(id) = id {
                first_row.entry(id).or_insert(row as IdxSize);
            }
        }
        Ok(Contacts { columns, first_row })
    }

    /// `list` with the contact columns inserted after its first column, `customer_id`.
    fn attach(&self, list: DataFrame) -> PolarsResult<DataFrame> {
        if self.columns.is_empty() {
            return Ok(list);
        }
        let ids = list.column("customer_id")?.str()?;
        let rows: IdxCa = ids
            .iter()
            .map(|id| id.and_then(|id| self.first_row.get(id).copied()))
            .collect();
        let height = list.height();
        let mut out = Vec::with_capacity(list.width() + self.columns.len());
        let mut figures = list.into_columns().into_iter();
        out.extend(figures.next());
        for c in &self.columns {
            out.push(c.take(&rows)?);
        }
        out.extend(figures);
        DataFrame::new(height, out)
    }
}

/// Day number column `c` as a Date.
fn as_date(c: &str) -> Expr {
    col(c).cast(DataType::Date)
}

/// Whole days from day number column `c` to P.end.
fn days_to_end(s: &Shared, c: &str) -> Expr {
    (lit(s.end) - col(c)).cast(DataType::Int64)
}

fn p_alive_by_id(s: &Shared) -> Option<LazyFrame> {
    s.input.values.map(|v| {
        v.clone()
            .lazy()
            .select([col("customer_id"), col("p_alive")])
    })
}

fn neglected(s: &Shared) -> PolarsResult<Option<Draft>> {
    let figure = &s.input.indicators.service.current.engagement.neglected;
    let Some(last) = s.last_at_p.as_ref() else {
        return Ok(None);
    };
    if figure.neglected.value.is_none() {
        return Ok(None);
    }
    let top = match &s.top {
        Some(top) => top.clone(),
        None => top_decile(&s.ranked)?,
    };
    let mut rows = flag_neglected(
        top,
        LastContacts::Frame(last),
        s.input.period,
        s.input.settings,
    )?
    .lazy()
    .filter(col("neglected"))
    .with_column(
        days_before("last_contact", s.input.period.end)
            .cast(DataType::Int64)
            .alias("days_since_contact"),
    );
    let mut figures = vec!["value"];
    if let Some(p) = p_alive_by_id(s) {
        rows = rows.join(
            p,
            [col("customer_id")],
            [col("customer_id")],
            JoinArgs::new(JoinType::Left),
        );
        figures.push("p_alive");
    }
    figures.extend(["last_contact", "days_since_contact"]);
    Ok(Draft::new(rows, &figures, "value"))
}

fn sales_during_complaint(s: &Shared) -> PolarsResult<Option<Draft>> {
    let figure = &s.input.indicators.service.current.complaints;
    if figure.sales_during_open_complaints.contacts.value.is_none() {
        return Ok(None);
    }
    let Ok(found) =
        contacts_during_open_complaints(s.input.tables, s.input.period, s.input.settings)?
    else {
        return Ok(None);
    };
    let rows = found
        .lazy()
        .join(
            s.ranked.clone().lazy(),
            [col("customer_id")],
            [col("customer_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("date").alias("contact_date"));
    let figures = [
        "value",
        "contact_date",
        "channel",
        "employee",
        "complaint_id",
        "complaint_opened_at",
        "category",
    ];
    Ok(Draft::new(rows, &figures, "value").map(|d| Draft {
        then_by: vec!["contact_date"],
        ..d
    }))
}

fn open_complaints(s: &Shared) -> PolarsResult<Option<Draft>> {
    let (Some(complaints), Some(_)) = (
        s.input.tables.complaints.as_ref(),
        s.input.indicators.core.clv_at_risk.customers.value,
    ) else {
        return Ok(None);
    };
    let keyed = keyed_complaints_with(
        complaints,
        &s.ctx.keys,
        &["opened_at", "complaint_id", "category"],
    )?;
    let open = keyed
        .lazy()
        .filter(open_at_end(s.end))
        .sort(["key", "opened_at"], SortMultipleOptions::default())
        .group_by([col("key")])
        .agg([
            len().cast(DataType::Int64).alias("open_complaints"),
            col("opened").min().alias("oldest"),
            col("complaint_id").first(),
            col("category").first(),
        ])
        .join(
            s.clv.clone().lazy(),
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            as_date("oldest").alias("oldest_opened"),
            days_to_end(s, "oldest").alias("age_days"),
        ]);
    let mut figures = vec!["clv"];
    if s.input.values.is_some() {
        figures.push("p_alive");
    }
    figures.extend([
        "open_complaints",
        "oldest_opened",
        "age_days",
        "complaint_id",
        "category",
    ]);
    Ok(Draft::new(s.ctx.with_ids(open), &figures, "clv"))
}

fn valuable_at_risk(s: &Shared) -> PolarsResult<Option<Draft>> {
    // The top fifth by value, as a sort of every customer by value and id would give it.
    let top = top_part(&s.ranked, VALUABLE_SHARE)?.lazy();
    let purchases = purchase_spans(&s.ctx, s.end)?.lazy();
    let gap = (col("last_day") - col("first_day")).cast(DataType::Float64)
        / (col("purchase_days") - lit(1.0));
    let mut rows = top
        .join(
            purchases,
            [col("customer_id")],
            [col("customer_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            when(col("purchase_days").gt_eq(lit(2.0)))
                .then(gap)
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("usual_gap_days"),
            as_date("last_day").alias("last_purchase"),
            days_to_end(s, "last_day").alias("days_since_purchase"),
        ]);
    let overdue = col("days_since_purchase")
        .cast(DataType::Float64)
        .gt(col("usual_gap_days") * lit(OVERDUE_GAPS))
        .fill_null(lit(false));
    let mut figures = vec!["value"];
    let at_risk = match p_alive_by_id(s) {
        Some(p) => {
            rows = rows.join(
                p,
                [col("customer_id")],
                [col("customer_id")],
                JoinArgs::new(JoinType::Left),
            );
            figures.push("p_alive");
            col("p_alive")
                .lt(lit(P_ALIVE_AT_RISK))
                .fill_null(lit(false))
                .or(overdue)
        }
        None => overdue,
    };
    figures.extend(["last_purchase", "days_since_purchase", "usual_gap_days"]);
    Ok(Draft::new(rows.filter(at_risk), &figures, "value"))
}

/// `customer_id`, `first_day`, `last_day`, `purchase_days` (f64) of each customer with a
/// purchase day up to `end`: one pass over the customer days in (key, day) order instead of a
/// group-by of every customer day, and the id read at the key's row of the keys table.
fn purchase_spans(ctx: &Context, end: i32) -> PolarsResult<DataFrame> {
    let daily = &ctx.daily;
    let (key, day, purchase) = (
        daily.column("key")?.u32()?,
        daily.column("day")?.i32()?,
        daily.column("purchase")?.bool()?,
    );
    let mut keys: Vec<IdxSize> = Vec::new();
    let (mut first, mut last, mut count): (Vec<i32>, Vec<i32>, Vec<f64>) = Default::default();
    for ((key, day), purchase) in key.iter().zip(day.iter()).zip(purchase.iter()) {
        let (Some(key), Some(day), Some(true)) = (key, day, purchase) else {
            continue;
        };
        if day > end {
            continue;
        }
        if keys.last() == Some(&(key as IdxSize)) {
            let i = keys.len() - 1;
            first[i] = first[i].min(day);
            last[i] = last[i].max(day);
            count[i] += 1.0;
        } else {
            keys.push(key as IdxSize);
            first.push(day);
            last.push(day);
            count.push(1.0);
        }
    }
    let ids = ctx
        .keys
        .column("customer_id")?
        .take(&IdxCa::from_vec("key".into(), keys))?;
    let height = ids.len();
    DataFrame::new(
        height,
        vec![
            ids,
            Column::new("first_day".into(), first),
            Column::new("last_day".into(), last),
            Column::new("purchase_days".into(), count),
        ],
    )
}

fn lapsed(s: &Shared) -> PolarsResult<Option<Draft>> {
    if s.input.indicators.core.current.base.lapsed.value.is_none() {
        return Ok(None);
    }
    let rows = s
        .status
        .lazy()
        .filter(col("in_start_base").and(col("in_end_base").not()))
        .select([col("key"), col("last_purchase")])
        .join(
            s.historical.clone().lazy(),
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            days_to_end(s, "last_purchase").alias("days_since_purchase"),
            as_date("last_purchase"),
        ]);
    let figures = ["historical_margin", "last_purchase", "days_since_purchase"];
    Ok(Draft::new(
        s.ctx.with_ids(rows),
        &figures,
        "historical_margin",
    ))
}

fn unprofitable(s: &Shared) -> PolarsResult<Option<Draft>> {
    let figure = &s.input.indicators.core.current.profitability;
    if figure.unprofitable_customers.value.is_none() {
        return Ok(None);
    }
    let cost = s.input.settings.cost_per_complaint;
    let rows = contributions(&s.ctx, &s.status)
        .filter(col("contribution").lt(lit(0.0)))
        .with_columns([
            (col("complaints") * lit(cost)).alias("cost_to_serve"),
            (lit(0.0) - col("contribution")).alias("loss"),
            col("complaints").cast(DataType::Int64),
        ]);
    let figures = [
        "loss",
        "margin",
        "complaints",
        "cost_to_serve",
        "contribution",
    ];
    Ok(Draft::new(s.ctx.with_ids(rows), &figures, "loss"))
}

fn complainers_lapsed(s: &Shared) -> PolarsResult<Option<Draft>> {
    let figure = &s.input.indicators.core.current.complainer_churn;
    let (Some(complaints), Some(_)) = (&s.ctx.complaints, figure.complainers_lapsed.value) else {
        return Ok(None);
    };
    let w = s.status.windows;
    let before = complaints
        .clone()
        .lazy()
        .filter(between(col("opened"), w.lookback_from, w.start - 1))
        .group_by([col("key")])
        .agg([
            len().cast(DataType::Int64).alias("complaints"),
            col("opened").max().alias("last_opened"),
        ]);
    let rows = start_base_by_complaint(complaints, &s.status)
        .filter(col("complained").and(col("in_end_base").not()))
        .select([col("key"), col("last_purchase")])
        .join(
            before,
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            s.historical.clone().lazy(),
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            as_date("last_opened").alias("last_complaint"),
            days_to_end(s, "last_purchase").alias("days_since_purchase"),
            as_date("last_purchase"),
        ]);
    let figures = [
        "historical_margin",
        "complaints",
        "last_complaint",
        "last_purchase",
        "days_since_purchase",
    ];
    Ok(Draft::new(
        s.ctx.with_ids(rows),
        &figures,
        "historical_margin",
    ))
}

#[cfg(test)]
mod contact_tests {
    use super::*;

    /// The left join on the de-duplicated customers table that [`Contacts::attach`] replaces.
    fn joined(customers: &DataFrame, list: &DataFrame, columns: &[&str]) -> DataFrame {
        let mut select = vec![col("customer_id")];
        select.extend(columns.iter().map(|c| col(*c)));
        let details = customers
            .clone()
            .lazy()
            .select(select)
            .filter(col("customer_id").is_not_null())
            .unique_stable_generic(Some(vec![col("customer_id")]), UniqueKeepStrategy::First);
        let mut order = vec![col("customer_id")];
        order.extend(columns.iter().map(|c| col(*c)));
        order.push(col("loss"));
        list.clone()
            .lazy()
            .join(
                details,
                [col("customer_id")],
                [col("customer_id")],
                JoinArgs::new(JoinType::Left),
            )
            .select(order)
            .collect()
            .unwrap()
    }

    #[test]
    fn contacts_are_the_first_customers_row_of_each_id_as_the_join_gives() {
        let customers = df!(
            "customer_id" => [Some("a"), None, Some("b"), Some("a"), Some("c")],
            "email" => [Some("a@x"), Some("nobody@x"), None, Some("a2@x"), Some("c@x")],
            "name" => [Some("Ann"), Some("Nobody"), Some("Bob"), Some("Ann 2"), None],
            "phone" => [None::<&str>, None, None, None, None],
            "account_manager" => [Some("m1"), None, Some("m2"), Some("m3"), None],
        )
        .unwrap();
        let mut tables = crate::indicators::fixture::tables();
        tables.customers = Some(customers.clone());
        // Unknown id "z", a repeated id, and a null id keep their rows with empty details.
        let list = df!(
            "customer_id" => [Some("b"), Some("z"), Some("a"), None, Some("a")],
            "loss" => [5.0, 4.0, 3.0, 2.0, 1.0],
        )
        .unwrap();
        for personal in [true, false] {
            let contacts = Contacts::find(&tables, personal).unwrap();
            let got = contacts.attach(list.clone()).unwrap();
            // The phone column is empty: never attached.
            let columns: &[&str] = if personal {
                &["email", "name", "account_manager"]
            } else {
                &["name", "account_manager"]
            };
            assert_eq!(
                got,
                joined(&customers, &list, columns),
                "personal {personal}"
            );
        }
        let name = Contacts::find(&tables, true)
            .unwrap()
            .attach(list.clone())
            .unwrap();
        let name = name.column("name").unwrap().str().unwrap();
        assert_eq!(
            name.iter().collect::<Vec<_>>(),
            [Some("Bob"), None, Some("Ann"), None, Some("Ann")]
        );
        // Without a customers table the list is unchanged.
        tables.customers = None;
        let none = Contacts::find(&tables, true).unwrap();
        assert_eq!(none.attach(list.clone()).unwrap(), list);
    }

    #[test]
    fn purchase_spans_are_the_group_by_they_replace() {
        let tables = crate::indicators::fixture::tables();
        let settings = crate::indicators::fixture::settings();
        let ctx = Context::prepare_with(&tables, &settings, None).unwrap();
        for end in [
            day_number(crate::indicators::fixture::period().end),
            20_500,
            0,
        ] {
            let expected = ctx
                .with_ids(
                    ctx.daily
                        .clone()
                        .lazy()
                        .filter(col("purchase").and(col("day").lt_eq(lit(end))))
                        .group_by([col("key")])
                        .agg([
                            col("day").min().alias("first_day"),
                            col("day").max().alias("last_day"),
                            len().cast(DataType::Float64).alias("purchase_days"),
                        ]),
                )
                .select([
                    col("customer_id"),
                    col("first_day"),
                    col("last_day"),
                    col("purchase_days"),
                ])
                .sort(["customer_id"], Default::default())
                .collect()
                .unwrap();
            let got = purchase_spans(&ctx, end).unwrap();
            assert_eq!(got, expected, "end {end}");
        }
    }
}
