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
use crate::indicators::AllIndicators;
use crate::indicators::all::ranked_values;
use crate::indicators::clv_hist::{keyed_values, per_customer};
use crate::indicators::complainer_churn::{open_at_end, start_base_by_complaint};
use crate::indicators::context::{Context, between, day_number, keyed_complaints_with};
use crate::indicators::engagement::last_contacts;
use crate::indicators::neglected_customers::{flag_neglected, top_decile};
use crate::indicators::open_complaint_sales::contacts_during_open_complaints;
use crate::indicators::profitability::contributions;
use crate::indicators::service_inputs::days_before;
use crate::indicators::status::{Depth, PeriodStatus};
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
    /// `key`, `clv`, `p_alive`: predictive CLV, else historical CLV with null P(alive).
    clv: DataFrame,
    /// `key`, `historical_margin`: cumulative margin to P.end.
    historical: DataFrame,
}

/// Computes every list the data support.
pub fn compute(input: &ActionInput) -> Result<ActionLists> {
    let ctx = Context::prepare_with(input.tables, input.settings, input.days)?;
    let status = PeriodStatus::compute(&ctx, input.period, Depth::Full)?;
    let end = day_number(input.period.end);
    let historical = per_customer(&ctx, end).collect()?;
    let clv = match keyed_values(&ctx, input.values)? {
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
    let ranked = ranked_values(input.tables, input.period, input.values).0?;
    let shared = Shared {
        input,
        ctx,
        status,
        end,
        ranked,
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
    let mut lists = Vec::new();
    for (id, build) in builders {
        if let Some(draft) = build(&shared)? {
            lists.push(finish(&shared, id, draft)?);
        }
    }
    Ok(ActionLists { lists })
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
    let (details, detail_columns) = contact_details(s.input.tables, s.input.personal_data);
    let mut rows = draft.rows;
    if let Some(d) = details {
        rows = rows.join(
            d,
            [col("customer_id")],
            [col("customer_id")],
            JoinArgs::new(JoinType::Left),
        );
    }
    let mut by = vec![draft.money, "customer_id"];
    by.extend(draft.then_by.iter().copied());
    let mut descending = vec![true, false];
    descending.resize(by.len(), false);
    let mut columns = vec![col("customer_id")];
    columns.extend(detail_columns.iter().map(|c| col(*c)));
    columns.extend(draft.figures.iter().map(|c| col(*c)));
    let frame = rows
        .sort(
            by,
            SortMultipleOptions::default()
                .with_order_descending_multi(descending)
                .with_nulls_last(true),
        )
        .select(columns)
        .collect()?;
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

/// The customers table's contact columns that hold data, one row per customer id (the first),
/// e-mail first; e-mail and phone only when personal data may be written.
fn contact_details(tables: &Tables, personal: bool) -> (Option<LazyFrame>, Vec<&'static str>) {
    let Some(c) = &tables.customers else {
        return (None, Vec::new());
    };
    let has_data = |name: &str| {
        c.column(name)
            .map(|s| s.null_count() < s.len())
            .unwrap_or(false)
    };
    let columns: Vec<&'static str> = [
        ("email", true),
        ("name", false),
        ("phone", true),
        ("account_manager", false),
    ]
    .into_iter()
    .filter(|(name, private)| (personal || !private) && has_data(name))
    .map(|(name, _)| name)
    .collect();
    let mut select = vec![col("customer_id")];
    select.extend(columns.iter().map(|c| col(*c)));
    let frame = c
        .clone()
        .lazy()
        .select(select)
        .filter(col("customer_id").is_not_null())
        .unique_stable_generic(Some(vec![col("customer_id")]), UniqueKeepStrategy::First);
    (Some(frame), columns)
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
    let Some(interactions) = s.input.tables.interactions.as_ref() else {
        return Ok(None);
    };
    if figure.neglected.value.is_none() {
        return Ok(None);
    }
    let last = last_contacts(interactions, s.input.period.end)?;
    let top = top_decile(&s.ranked)?;
    let mut rows = flag_neglected(top, &last, s.input.period, s.input.settings)?
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
    let valid = s
        .ranked
        .clone()
        .lazy()
        .select([col("customer_id"), col("value").cast(DataType::Float64)])
        .filter(
            col("customer_id")
                .is_not_null()
                .and(col("value").is_finite()),
        )
        .collect()?;
    let k = (valid.height() as u64).div_ceil(VALUABLE_SHARE);
    let top = valid
        .lazy()
        .sort(
            ["value", "customer_id"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .limit(k as IdxSize);
    let purchases = s.ctx.with_ids(
        s.ctx
            .daily
            .clone()
            .lazy()
            .filter(col("purchase").and(col("day").lt_eq(lit(s.end))))
            .group_by([col("key")])
            .agg([
                col("day").min().alias("first_day"),
                col("day").max().alias("last_day"),
                len().cast(DataType::Float64).alias("purchase_days"),
            ]),
    );
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
