//! The finding rules. Each reads the evidence and the targets and returns at most one finding;
//! thresholds are chosen so that a finding is worth an executive's attention.

use super::text::{self, Args};
use super::{Evidence, Finding, Kind};
use crate::cli::Lang;
use crate::config::Targets;
use crate::render::locale::Locale;

/// What every rule reads.
pub(super) struct Ctx<'a> {
    pub(super) e: &'a Evidence,
    pub(super) targets: &'a Targets,
    pub(super) loc: Locale,
    pub(super) lang: Lang,
}

type Rule = fn(&Ctx) -> Option<Finding>;

/// Every rule, in no particular order (findings are ranked afterwards).
pub(super) const ALL: &[Rule] = &[
    retention_change,
    complainer_churn,
    neglected_valuable,
    sales_during_complaint,
    revenue_retention,
    slow_resolution,
    clv_at_risk,
    low_nps,
    complaints_rising,
    unprofitable_customers,
    cross_selling,
    aged_backlog,
];

/// Smallest change in retention (share points) worth a finding.
const RETENTION_POINTS: f64 = 0.02;
/// Smallest relative risk of complainers' churn worth a finding.
const RELATIVE_RISK: f64 = 1.5;
/// Smallest rise in the complaint rate worth a finding (relative).
const COMPLAINT_RISE: f64 = 0.20;
/// Share of single-category customers above which cross-selling is an opportunity.
const SINGLE_CATEGORY: f64 = 0.5;
/// Median age of the open backlog, in days, above which it is a finding.
const BACKLOG_AGE_DAYS: f64 = 14.0;

fn finding(
    ctx: &Ctx,
    id: &'static str,
    kind: Kind,
    money: Option<f64>,
    args: &Args,
    cites: Vec<&'static str>,
) -> Finding {
    let t = text::get(ctx.lang, id);
    Finding {
        id,
        kind,
        money_at_stake: money.filter(|m| m.is_finite()),
        stake_label: t.stake.clone(),
        title: text::fill(&t.title, args),
        statement: text::fill(&t.statement, args),
        recommendation: text::fill(&t.recommendation, args),
        cites,
        action_list: None,
    }
}

fn retention_change(c: &Ctx) -> Option<Finding> {
    let (now, prev) = (c.e.retention_rate?, c.e.retention_rate_prev?);
    let delta = now - prev;
    if delta.abs() < RETENTION_POINTS {
        return None;
    }
    let args: Args = vec![
        ("delta", c.loc.points(delta.abs(), 1)),
        ("now", c.loc.percent(now, 1)),
        ("prev", c.loc.percent(prev, 1)),
    ];
    let cites = vec!["retention_rate"];
    if delta < 0.0 {
        // Customers lost beyond last period's rate, each worth a year of average margin.
        let money =
            c.e.customers_at_start
                .zip(c.e.margin_per_customer)
                .map(|(s, m)| -delta * s * m);
        Some(finding(
            c,
            "retention_down",
            Kind::Risk,
            money,
            &args,
            cites,
        ))
    } else {
        Some(finding(
            c,
            "retention_up",
            Kind::Strength,
            None,
            &args,
            cites,
        ))
    }
}

fn complainer_churn(c: &Ctx) -> Option<Finding> {
    let (with, without) = (c.e.complainer_churn?, c.e.non_complainer_churn?);
    let n = c.e.complainers_in_base?;
    if without <= 0.0 || n < 5.0 || with / without < RELATIVE_RISK {
        return None;
    }
    let money = c.e.margin_per_customer.map(|m| (with - without) * n * m);
    let args: Args = vec![
        ("ratio", c.loc.times(with / without, 1)),
        ("with", c.loc.percent(with, 1)),
        ("without", c.loc.percent(without, 1)),
        ("n", c.loc.integer(n as i64)),
    ];
    Some(finding(
        c,
        "complainer_churn",
        Kind::Risk,
        money,
        &args,
        vec!["complainer_churn"],
    ))
}

fn neglected_valuable(c: &Ctx) -> Option<Finding> {
    let n = c.e.neglected_count?;
    if n < 1.0 {
        return None;
    }
    let args: Args = vec![
        ("n", c.loc.integer(n as i64)),
        (
            "top",
            c.loc.integer(c.e.top_decile_count.unwrap_or(0.0) as i64),
        ),
        (
            "days",
            c.loc.integer(c.e.neglect_days.unwrap_or(90.0) as i64),
        ),
        (
            "value",
            c.loc.currency_compact(c.e.neglected_value.unwrap_or(0.0)),
        ),
    ];
    Some(finding(
        c,
        "neglected_valuable",
        Kind::Risk,
        c.e.neglected_value,
        &args,
        vec!["neglected_valuable_customers"],
    ))
}

fn sales_during_complaint(c: &Ctx) -> Option<Finding> {
    let n = c.e.sales_during_complaint?;
    if n < 1.0 {
        return None;
    }
    let k = c.e.sales_during_complaint_customers.unwrap_or(n);
    // Each of these customers' yearly margin is exposed by the contact.
    let money = c.e.margin_per_customer.map(|m| k * m);
    let args: Args = vec![
        ("n", c.loc.integer(n as i64)),
        ("k", c.loc.integer(k as i64)),
    ];
    Some(finding(
        c,
        "sales_during_complaint",
        Kind::Risk,
        money,
        &args,
        vec!["sales_during_open_complaint"],
    ))
}

fn revenue_retention(c: &Ctx) -> Option<Finding> {
    let nrr = c.e.nrr?;
    if nrr >= c.targets.net_revenue_retention {
        return None;
    }
    let money =
        c.e.base_revenue_prev
            .zip(c.e.base_revenue_now)
            .map(|(p, n)| p - n);
    let args: Args = vec![
        ("nrr", c.loc.percent(nrr, 1)),
        ("target", c.loc.percent(c.targets.net_revenue_retention, 0)),
        (
            "lost",
            c.loc.currency_compact(money.unwrap_or(0.0).max(0.0)),
        ),
    ];
    Some(finding(
        c,
        "revenue_retention",
        Kind::Risk,
        money.filter(|m| *m > 0.0),
        &args,
        vec!["net_revenue_retention"],
    ))
}

fn slow_resolution(c: &Ctx) -> Option<Finding> {
    let median = c.e.median_resolution_hours?;
    let target = c.targets.median_resolution_hours;
    if median <= target {
        return None;
    }
    let args: Args = vec![
        ("median", c.loc.duration_hours(median)),
        ("target", c.loc.duration_hours(target)),
        (
            "sla",
            c.e.sla_share
                .map(|s| c.loc.percent(s, 0))
                .unwrap_or_else(|| "—".into()),
        ),
    ];
    Some(finding(
        c,
        "slow_resolution",
        Kind::Risk,
        None,
        &args,
        vec!["resolution_time_median"],
    ))
}

fn clv_at_risk(c: &Ctx) -> Option<Finding> {
    let value = c.e.clv_at_risk?;
    let n = c.e.open_complaint_customers?;
    if value <= 0.0 || n < 1.0 {
        return None;
    }
    let args: Args = vec![
        ("n", c.loc.integer(n as i64)),
        ("value", c.loc.currency_compact(value)),
    ];
    Some(finding(
        c,
        "clv_at_risk",
        Kind::Risk,
        Some(value),
        &args,
        vec!["clv_at_risk"],
    ))
}

fn low_nps(c: &Ctx) -> Option<Finding> {
    let nps = c.e.nps?;
    if nps >= c.targets.nps {
        return None;
    }
    let change =
        c.e.nps_prev
            .map(|p| c.loc.signed_number(nps - p, 0))
            .unwrap_or_else(|| "—".into());
    let args: Args = vec![
        ("nps", c.loc.signed_number(nps, 0)),
        ("target", c.loc.number(c.targets.nps, 0)),
        ("change", change),
    ];
    Some(finding(c, "low_nps", Kind::Risk, None, &args, vec!["nps"]))
}

fn complaints_rising(c: &Ctx) -> Option<Finding> {
    let (now, prev) = (c.e.complaints_per_100?, c.e.complaints_per_100_prev?);
    if prev <= 0.0 || now / prev - 1.0 < COMPLAINT_RISE {
        return None;
    }
    let args: Args = vec![
        ("now", c.loc.number(now, 1)),
        ("prev", c.loc.number(prev, 1)),
        ("rise", c.loc.percent(now / prev - 1.0, 0)),
    ];
    Some(finding(
        c,
        "complaints_rising",
        Kind::Risk,
        None,
        &args,
        vec!["complaints_per_100"],
    ))
}

fn unprofitable_customers(c: &Ctx) -> Option<Finding> {
    let n = c.e.unprofitable_count?;
    let loss = c.e.unprofitable_margin?;
    if n < 1.0 || loss >= 0.0 {
        return None;
    }
    let args: Args = vec![
        ("n", c.loc.integer(n as i64)),
        ("loss", c.loc.currency_compact(-loss)),
        (
            "top20",
            c.e.top20_margin_share
                .map(|s| c.loc.percent(s, 0))
                .unwrap_or_else(|| "—".into()),
        ),
    ];
    Some(finding(
        c,
        "unprofitable_customers",
        Kind::Opportunity,
        Some(-loss),
        &args,
        vec!["unprofitable_customers"],
    ))
}

fn cross_selling(c: &Ctx) -> Option<Finding> {
    let share = c.e.single_category_share?;
    if share < SINGLE_CATEGORY {
        return None;
    }
    let args: Args = vec![("share", c.loc.percent(share, 0))];
    Some(finding(
        c,
        "cross_selling",
        Kind::Opportunity,
        None,
        &args,
        vec!["single_category_share"],
    ))
}

fn aged_backlog(c: &Ctx) -> Option<Finding> {
    let n = c.e.backlog?;
    let age = c.e.backlog_median_age_days?;
    if n < 1.0 || age <= BACKLOG_AGE_DAYS {
        return None;
    }
    let args: Args = vec![
        ("n", c.loc.integer(n as i64)),
        ("age", c.loc.number(age, 0)),
    ];
    Some(finding(
        c,
        "aged_backlog",
        Kind::Risk,
        None,
        &args,
        vec!["backlog"],
    ))
}
