//! The figures the finding rules read, decoupled from the layout of the indicator model.

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
}

impl Evidence {
    /// Picks the figures the rules read out of the indicator model.
    pub fn from_indicators(
        ind: &crate::indicators::AllIndicators,
        settings: &crate::config::IndicatorSettings,
    ) -> Evidence {
        let (cur, prev) = (&ind.core.current, &ind.core.previous);
        let (svc, svc_prev) = (&ind.service.current, &ind.service.previous);
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
        }
    }
}
