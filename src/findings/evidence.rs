//! The figures the finding rules read, decoupled from the layout of the indicator model.

use crate::stats::Bootstrap;
use serde::Serialize;

/// Figures for the audit period P (and P−1 where a rule compares). `None` = not available;
/// a rule whose figures are missing stays silent rather than guessing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evidence {
    /// Customer retention rate in P (share).
    pub retention_rate: Option<f64>,
    /// Customer retention rate in P−1.
    pub retention_rate_prev: Option<f64>,
    /// Customers active at the start of P (S).
    pub customers_at_start: Option<f64>,
    /// Customers lapsed in P.
    pub lapsed: Option<f64>,
    /// Average margin per active customer over the activity window (annual value of a customer).
    pub margin_per_customer: Option<f64>,
    /// Churn rate of customers in S who complained in the window before P.
    pub complainer_churn: Option<f64>,
    /// Churn rate of the other customers in S.
    pub non_complainer_churn: Option<f64>,
    /// Customers in S who complained.
    pub complainers_in_base: Option<f64>,
    /// Valuable customers (top value decile) without contact for the neglect threshold.
    pub neglected_count: Option<f64>,
    /// Size of the top value decile.
    pub top_decile_count: Option<f64>,
    /// Summed value (CLV) of the neglected valuable customers.
    pub neglected_value: Option<f64>,
    /// Days without contact that define neglect.
    pub neglect_days: Option<f64>,
    /// Sales contacts in P made while the customer had an open complaint.
    pub sales_during_complaint: Option<f64>,
    /// Distinct customers receiving those contacts.
    pub sales_during_complaint_customers: Option<f64>,
    /// Net revenue retention in P (share; 1.0 = 100 %).
    pub nrr: Option<f64>,
    /// Revenue of P−1's active customers in P−1.
    pub base_revenue_prev: Option<f64>,
    /// Their revenue in P.
    pub base_revenue_now: Option<f64>,
    /// Median complaint resolution time in P, hours.
    pub median_resolution_hours: Option<f64>,
    /// Share of complaints resolved within SLA in P.
    pub sla_share: Option<f64>,
    /// Predictive CLV of customers with a complaint open at P.end.
    pub clv_at_risk: Option<f64>,
    /// Customers with a complaint open at P.end.
    pub open_complaint_customers: Option<f64>,
    /// Net promoter score in P.
    pub nps: Option<f64>,
    /// Net promoter score in P−1.
    pub nps_prev: Option<f64>,
    /// Complaints per 100 active customers in P.
    pub complaints_per_100: Option<f64>,
    /// The same in P−1.
    pub complaints_per_100_prev: Option<f64>,
    /// Share of margin from the top 20 % of customers.
    pub top20_margin_share: Option<f64>,
    /// Customers whose margin minus complaint costs is negative.
    pub unprofitable_count: Option<f64>,
    /// Their summed (negative) margin after complaint costs.
    pub unprofitable_margin: Option<f64>,
    /// Share of active customers buying from a single product category.
    pub single_category_share: Option<f64>,
    /// Active customers in the activity window ending P.end.
    pub active_customers: Option<f64>,
    /// Complaints open at P.end.
    pub backlog: Option<f64>,
    /// Median age in days of the open complaints at P.end.
    pub backlog_median_age_days: Option<f64>,
    // Issue 19: the counts behind each significance test, and the year-ago comparisons.
    /// Seasonality is material: changes compare P with P−12m first.
    pub seasonal: bool,
    /// Retained customers in P (of `customers_at_start`).
    pub retained: Option<f64>,
    /// Retained customers in P−1 and its S.
    pub retained_prev: Option<f64>,
    /// S of P−1.
    pub customers_at_start_prev: Option<f64>,
    /// Customer retention rate in P−12m, its retained customers and its S.
    pub retention_rate_year_ago: Option<f64>,
    /// Retained customers in P−12m.
    pub retained_year_ago: Option<f64>,
    /// S of P−12m.
    pub customers_at_start_year_ago: Option<f64>,
    /// Complainers in S who lapsed.
    pub complainers_lapsed: Option<f64>,
    /// Other customers in S.
    pub others_in_base: Option<f64>,
    /// Other customers in S who lapsed.
    pub others_lapsed: Option<f64>,
    /// NPS promoters, detractors and answers in P.
    pub nps_counts: Option<[f64; 3]>,
    /// The same in P−1.
    pub nps_counts_prev: Option<[f64; 3]>,
    /// NPS in P−12m.
    pub nps_year_ago: Option<f64>,
    /// The same in P−12m.
    pub nps_counts_year_ago: Option<[f64; 3]>,
    /// Complaints opened and customers active (exposure) in P.
    pub complaint_counts: Option<[f64; 2]>,
    /// The same in P−1.
    pub complaint_counts_prev: Option<[f64; 2]>,
    /// Complaints per 100 active customers in P−12m.
    pub complaints_per_100_year_ago: Option<f64>,
    /// The same counts in P−12m.
    pub complaint_counts_year_ago: Option<[f64; 2]>,
    /// Year-over-year NRR in P (customers active in P−12m).
    pub nrr_yoy: Option<f64>,
    /// Their revenue in P−12m.
    pub nrr_yoy_base: Option<f64>,
    /// Bootstrap of the year-over-year NRR in P.
    #[serde(skip)]
    pub nrr_yoy_bootstrap: Option<Bootstrap>,
    /// Year-over-year NRR a year earlier (P−12m against P−24m).
    pub nrr_yoy_year_ago: Option<f64>,
    /// Its bootstrap.
    #[serde(skip)]
    pub nrr_yoy_bootstrap_year_ago: Option<Bootstrap>,
    /// The CLV model's aggregate backtest error, (predicted − actual) / actual, when it is large
    /// enough to be printed as a caveat beside CLV-based findings (set by the pipeline).
    pub clv_backtest_error: Option<f64>,
    /// The backtest covered the last year (else only the period).
    pub clv_backtest_year: bool,
}

/// Complaints opened and the customers they are counted over, from the per-100 rate.
fn complaint_counts(
    c: &crate::indicators::complaints::ComplaintIndicators,
    active: Option<f64>,
) -> Option<[f64; 2]> {
    let opened = c.opened.value?;
    let exposure = match c.per_100_active_customers.value {
        Some(r) if r > 0.0 => 100.0 * opened / r,
        _ => active?,
    };
    (exposure > 0.0).then_some([opened, exposure])
}

/// Promoters, detractors and answers of one period.
fn nps_counts(s: &crate::indicators::satisfaction::SatisfactionIndicators) -> Option<[f64; 3]> {
    let n = s.nps_responses.value?;
    (n > 0.0).then_some([s.promoters.value?, s.detractors.value?, n])
}

impl Evidence {
    /// Picks the figures the rules read out of the indicator model.
    pub fn from_indicators(
        ind: &crate::indicators::AllIndicators,
        settings: &crate::config::IndicatorSettings,
    ) -> Evidence {
        let (cur, prev) = (&ind.core.current, &ind.core.previous);
        let (svc, svc_prev) = (&ind.service.current, &ind.service.previous);
        let (year, svc_year) = (&ind.core.year_ago, &ind.service.year_ago);
        let c = &svc.complaints;
        let e = &svc.engagement;
        let nrr = cur.revenue.net_revenue_retention.value;
        // Customers active in P−1 made all of P−1's purchases, so P−1's revenue is their base.
        let base_prev = prev.revenue.revenue.value;
        let sla_share = match (c.resolution.within_sla.value, c.resolution.sla_base.value) {
            (Some(w), Some(b)) if b > 0.0 => Some(w / b),
            _ => None,
        };
        Evidence {
            retention_rate: cur.base.retention_rate.value,
            retention_rate_prev: prev.base.retention_rate.value,
            customers_at_start: cur.base.start_base.value,
            lapsed: cur.base.lapsed.value,
            margin_per_customer: cur.profitability.margin_per_customer.value,
            complainer_churn: cur.complainer_churn.complainer_churn_rate.value,
            non_complainer_churn: cur.complainer_churn.other_churn_rate.value,
            complainers_in_base: cur.complainer_churn.complainers.value,
            neglected_count: e.neglected.neglected.value,
            top_decile_count: e.neglected.top_decile.value,
            neglected_value: e.neglected.value_at_stake.value,
            neglect_days: Some(settings.neglect_days as f64),
            sales_during_complaint: c.sales_during_open_complaints.contacts.value,
            sales_during_complaint_customers: c.sales_during_open_complaints.customers.value,
            nrr,
            base_revenue_prev: base_prev,
            base_revenue_now: base_prev.zip(nrr).map(|(p, n)| p * n),
            median_resolution_hours: c.resolution.median_hours.value,
            sla_share,
            clv_at_risk: ind.core.clv_at_risk.clv.value,
            open_complaint_customers: ind.core.clv_at_risk.customers.value,
            nps: svc.satisfaction.nps.value,
            nps_prev: svc_prev.satisfaction.nps.value,
            complaints_per_100: c.per_100_active_customers.value,
            complaints_per_100_prev: svc_prev.complaints.per_100_active_customers.value,
            top20_margin_share: cur.profitability.top20_margin_share.value,
            unprofitable_count: cur.profitability.unprofitable_customers.value,
            unprofitable_margin: cur.profitability.unprofitable_contribution.value,
            single_category_share: e.cross_selling.single_category_share.value,
            active_customers: cur.base.end_base.value,
            backlog: c.backlog.open.value,
            backlog_median_age_days: c.backlog.median_age_days.value,
            seasonal: ind.core.seasonality.material,
            retained: cur.base.retained.value,
            retained_prev: prev.base.retained.value,
            customers_at_start_prev: prev.base.start_base.value,
            retention_rate_year_ago: year.base.retention_rate.value,
            retained_year_ago: year.base.retained.value,
            customers_at_start_year_ago: year.base.start_base.value,
            complainers_lapsed: cur.complainer_churn.complainers_lapsed.value,
            others_in_base: cur.complainer_churn.others.value,
            others_lapsed: cur.complainer_churn.others_lapsed.value,
            nps_counts: nps_counts(&svc.satisfaction),
            nps_counts_prev: nps_counts(&svc_prev.satisfaction),
            nps_year_ago: svc_year.satisfaction.nps.value,
            nps_counts_year_ago: nps_counts(&svc_year.satisfaction),
            complaint_counts: complaint_counts(c, cur.revenue.active_in_period.value),
            complaint_counts_prev: complaint_counts(
                &svc_prev.complaints,
                prev.revenue.active_in_period.value,
            ),
            complaints_per_100_year_ago: svc_year.complaints.per_100_active_customers.value,
            complaint_counts_year_ago: complaint_counts(
                &svc_year.complaints,
                year.revenue.active_in_period.value,
            ),
            nrr_yoy: cur.revenue.net_revenue_retention_yoy.value,
            nrr_yoy_base: cur.revenue.revenue_retention_yoy_base.value,
            nrr_yoy_bootstrap: cur.revenue.net_revenue_retention_yoy_bootstrap.clone(),
            nrr_yoy_year_ago: year.revenue.net_revenue_retention_yoy.value,
            nrr_yoy_bootstrap_year_ago: year.revenue.net_revenue_retention_yoy_bootstrap.clone(),
            clv_backtest_error: None,
            clv_backtest_year: false,
        }
    }
}
