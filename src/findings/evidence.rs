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
