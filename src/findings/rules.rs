//! The finding rules. Each reads the evidence and the targets and returns at most one finding;
//! thresholds are chosen so that a finding is worth an executive's attention.

use super::significance::{Against, clv_caveat, interval_text, within_noise};
use super::text::{self, Args};
use super::{Evidence, Finding, Kind};
use crate::config::Targets;
use crate::domain::Lang;
use crate::render::locale::Locale;
use crate::stats::{self, NpsCounts, Significance};

/// What every rule reads.
pub(super) struct Ctx<'a> {
    pub(super) e: &'a Evidence,
    pub(super) targets: &'a Targets,
    pub(super) loc: Locale,
    pub(super) lang: Lang,
    /// Significance level of the tests; intervals are at 1 − alpha.
    pub(super) alpha: f64,
}

impl Ctx<'_> {
    fn level(&self) -> f64 {
        1.0 - self.alpha
    }
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
        significance: None,
        action_list: None,
    }
}

/// `f` with the CLV model's backtest caveat appended to its statement, when there is one.
fn with_clv_caveat(c: &Ctx, mut f: Finding) -> Finding {
    if let Some(error) = c.e.clv_backtest_error {
        let caveat = clv_caveat(c, error, c.e.clv_backtest_year);
        let statement = f.statement.trim_end_matches('.');
        f.statement = format!("{statement} ({caveat}).");
    }
    f
}

/// `f` carrying the test it rests on.
fn tested(mut f: Finding, s: Significance) -> Finding {
    f.significance = Some(s);
    f
}

fn retention_change(c: &Ctx) -> Option<Finding> {
    let e = c.e;
    let (now, retained, base) = (e.retention_rate?, e.retained?, e.customers_at_start?);
    let prev = e
        .retention_rate_prev
        .zip(e.retained_prev)
        .zip(e.customers_at_start_prev);
    let year = e
        .retention_rate_year_ago
        .zip(e.retained_year_ago)
        .zip(e.customers_at_start_year_ago);
    let against = Against::pick(e.seasonal, prev.is_some(), year.is_some())?;
    let ((then, then_retained), then_base) = against.choose(prev, year)?;
    let delta = now - then;
    let test = stats::two_proportions(retained, base, then_retained, then_base, c.level());
    if delta.abs() < RETENTION_POINTS || !test.beyond_noise(c.alpha) {
        return None;
    }
    let args: Args = vec![
        ("delta", c.loc.points(delta.abs(), 1)),
        ("now", c.loc.percent(now, 1)),
        ("prev", c.loc.percent(then, 1)),
        ("against", against.phrase(c.lang).into()),
        ("ci", interval_text(c, &test, |v| c.loc.points(v, 1))),
    ];
    let cites = vec!["retention_rate"];
    let f = if delta < 0.0 {
        // Customers lost beyond the earlier rate, each worth a year of average margin.
        let money = e.margin_per_customer.map(|m| -delta * base * m);
        finding(c, "retention_down", Kind::Risk, money, &args, cites)
    } else {
        finding(c, "retention_up", Kind::Strength, None, &args, cites)
    };
    Some(tested(f, test))
}

fn complainer_churn(c: &Ctx) -> Option<Finding> {
    let (with, without) = (c.e.complainer_churn?, c.e.non_complainer_churn?);
    let n = c.e.complainers_in_base?;
    if without <= 0.0 || n < 5.0 || with / without < RELATIVE_RISK {
        return None;
    }
    let (lapsed, others, others_lapsed) = (
        c.e.complainers_lapsed?,
        c.e.others_in_base?,
        c.e.others_lapsed?,
    );
    let count = |v: f64| v.round().max(0.0) as u64;
    let test = stats::fisher_exact(
        count(lapsed),
        count(n),
        count(others_lapsed),
        count(others),
        c.level(),
    );
    if !test.beyond_noise(c.alpha) {
        return None;
    }
    let money = c.e.margin_per_customer.map(|m| (with - without) * n * m);
    let args: Args = vec![
        ("ratio", c.loc.times(with / without, 1)),
        ("with", c.loc.percent(with, 1)),
        ("without", c.loc.percent(without, 1)),
        ("n", c.loc.integer(n as i64)),
        ("ci", interval_text(c, &test, |v| c.loc.times(v, 1))),
    ];
    Some(tested(
        finding(
            c,
            "complainer_churn",
            Kind::Risk,
            money,
            &args,
            vec!["complainer_churn"],
        ),
        test,
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
    Some(with_clv_caveat(
        c,
        finding(
            c,
            "neglected_valuable",
            Kind::Risk,
            c.e.neglected_value,
            &args,
            vec!["neglected_valuable_customers"],
        ),
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

/// Year-over-year NRR below target. With the NRR of a year earlier known, the finding is its
/// fall, beyond noise (bootstrap of the difference); without it, the shortfall against the
/// target, beyond noise (bootstrap of NRR). A steady business below target is left to the
/// traffic light.
fn revenue_retention(c: &Ctx) -> Option<Finding> {
    let nrr = c.e.nrr_yoy?;
    let target = c.targets.net_revenue_retention;
    let boot = c.e.nrr_yoy_bootstrap.as_ref()?;
    if nrr >= target {
        return None;
    }
    let base = c.e.nrr_yoy_base;
    let pct = |v: f64| c.loc.percent(v, 1);
    let earlier =
        c.e.nrr_yoy_year_ago
            .zip(c.e.nrr_yoy_bootstrap_year_ago.as_ref());
    let (id, test, money, prev) = match earlier {
        Some((then, then_boot)) => {
            let mut diff = boot.difference(then_boot);
            diff.sort_by(f64::total_cmp);
            let test = Significance {
                test: "bootstrap_percentile",
                p_value: stats::two_sided_share(&diff, 0.0),
                interval: stats::percentile_interval(&diff, c.level()),
                level: c.level(),
            };
            if nrr >= then {
                return None;
            }
            let money = base.map(|b| b * (then - nrr));
            ("revenue_retention_down", test, money, pct(then))
        }
        None => {
            let test = Significance {
                test: "bootstrap_percentile",
                p_value: boot.p_value(target),
                interval: boot.interval(c.level()),
                level: c.level(),
            };
            let money = base.map(|b| b * (1.0 - nrr));
            ("revenue_retention", test, money, String::new())
        }
    };
    if !test.beyond_noise(c.alpha) {
        return None;
    }
    let ci = if id == "revenue_retention_down" {
        interval_text(c, &test, |v| c.loc.points(v, 1))
    } else {
        interval_text(c, &test, pct)
    };
    let args: Args = vec![
        ("nrr", pct(nrr)),
        ("prev", prev),
        ("target", c.loc.percent(target, 0)),
        (
            "lost",
            c.loc.currency_compact(money.unwrap_or(0.0).max(0.0)),
        ),
        ("ci", ci),
    ];
    Some(tested(
        finding(
            c,
            id,
            Kind::Risk,
            money.filter(|m| *m > 0.0),
            &args,
            vec!["net_revenue_retention_yoy"],
        ),
        test,
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
    Some(with_clv_caveat(
        c,
        finding(
            c,
            "clv_at_risk",
            Kind::Risk,
            Some(value),
            &args,
            vec!["clv_at_risk"],
        ),
    ))
}

fn low_nps(c: &Ctx) -> Option<Finding> {
    let nps = c.e.nps?;
    if nps >= c.targets.nps {
        return None;
    }
    // The change is printed only when its test supports it (variance of promoters − detractors).
    let counts = |v: Option<[f64; 3]>| {
        v.map(|[p, d, n]| NpsCounts {
            promoters: p,
            detractors: d,
            responses: n,
        })
    };
    let (now, prev, year) = (
        counts(c.e.nps_counts),
        counts(c.e.nps_counts_prev),
        counts(c.e.nps_counts_year_ago),
    );
    let change = now
        .zip(Against::pick(c.e.seasonal, prev.is_some(), year.is_some()))
        .and_then(|(now, against)| {
            let then = against.choose(prev, year)?;
            let then_nps = against.choose(c.e.nps_prev, c.e.nps_year_ago)?;
            let test = stats::nps_difference(now, then, c.level());
            let text = if test.beyond_noise(c.alpha) {
                format!(
                    "{} {}, {}",
                    c.loc.signed_number(nps - then_nps, 0),
                    against.phrase(c.lang),
                    interval_text(c, &test, |v| c.loc.signed_number(v, 0))
                )
            } else {
                format!("{} {}", within_noise(c.lang), against.phrase(c.lang))
            };
            Some(text)
        })
        .unwrap_or_else(|| "—".into());
    let args: Args = vec![
        ("nps", c.loc.signed_number(nps, 0)),
        ("target", c.loc.number(c.targets.nps, 0)),
        ("change", change),
    ];
    Some(finding(c, "low_nps", Kind::Risk, None, &args, vec!["nps"]))
}

fn complaints_rising(c: &Ctx) -> Option<Finding> {
    let e = c.e;
    let (now, [opened, exposure]) = (e.complaints_per_100?, e.complaint_counts?);
    let prev = e.complaints_per_100_prev.zip(e.complaint_counts_prev);
    let year = e
        .complaints_per_100_year_ago
        .zip(e.complaint_counts_year_ago);
    let against = Against::pick(e.seasonal, prev.is_some(), year.is_some())?;
    let (then, [then_opened, then_exposure]) = against.choose(prev, year)?;
    if then <= 0.0 || now / then - 1.0 < COMPLAINT_RISE {
        return None;
    }
    let count = |v: f64| v.round().max(0.0) as u64;
    let test = stats::poisson_rates(
        count(opened),
        exposure,
        count(then_opened),
        then_exposure,
        c.level(),
    );
    if !test.beyond_noise(c.alpha) {
        return None;
    }
    let args: Args = vec![
        ("now", c.loc.number(now, 1)),
        ("prev", c.loc.number(then, 1)),
        ("rise", c.loc.percent(now / then - 1.0, 0)),
        ("against", against.phrase(c.lang).into()),
        (
            "ci",
            interval_text(c, &test, |v| c.loc.signed_percent(v - 1.0, 0)),
        ),
    ];
    Some(tested(
        finding(
            c,
            "complaints_rising",
            Kind::Risk,
            None,
            &args,
            vec!["complaints_per_100"],
        ),
        test,
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
