//! Indicators stage: the result model written as `indicators.json` and read by every renderer.
//!
//! Types only; depends on the family modules for their result structs.

use super::acquisition::{Acquisition, ClvToCac};
use super::base::CustomerBase;
use super::clv_distribution::ClvDistribution;
use super::clv_hist::HistoricalClv;
use super::cohorts::Cohorts;
use super::complainer_churn::{ClvAtRisk, ComplainerChurn};
use super::context::DataRange;
use super::profitability::Profitability;
use super::retention::Retention;
use super::revenue::Revenue;
use super::rfm::Rfm;
use super::seasonality::Seasonality;
use super::whale::WhaleCurve;
use crate::figure::Figure;
use crate::period::{Granularity, Period};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A period as the report prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodLabel {
    /// `2026-Q2` or `2026-05`.
    pub label: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day (included).
    pub end: NaiveDate,
}

impl From<Period> for PeriodLabel {
    fn from(p: Period) -> Self {
        PeriodLabel {
            label: p.to_string(),
            start: p.start,
            end: p.end,
        }
    }
}

/// The audited period and its two comparison periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodLabels {
    /// Month or quarter.
    pub granularity: Granularity,
    /// P.
    pub current: PeriodLabel,
    /// P−1.
    pub previous: PeriodLabel,
    /// P−12m.
    pub year_ago: PeriodLabel,
}

/// Every per-period family for one period (P, P−1 or P−12m).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// The period these figures describe.
    pub period: PeriodLabel,
    /// S, E, N, retained, lapsed, reactivated, CRR, churn.
    pub base: CustomerBase,
    /// Period-over-period retention and repeat purchase rate.
    pub retention: Retention,
    /// Revenue, margin, invoices, frequency, order value, NRR, GRR.
    pub revenue: Revenue,
    /// Margin per customer, top-20 % share, unprofitable customers.
    pub profitability: Profitability,
    /// Average historical CLV at the period's end.
    pub clv: HistoricalClv,
    /// CAC of the period's new customers.
    pub acquisition: Acquisition,
    /// Churn of complainers against others.
    pub complainer_churn: ComplainerChurn,
    // The service families of the same period (complaints, satisfaction, engagement) are in
    // `ServiceSnapshot`: `indicators.json` writes them under `service`, and its layout is kept.
}

/// Headline figures of one period of the trend chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// The period.
    pub period: PeriodLabel,
    /// E: customers active in the A days ending the period's end.
    pub active_customers: Figure,
    /// CRR.
    pub retention_rate: Figure,
    /// Churn rate.
    pub churn_rate: Figure,
    /// Net revenue.
    pub revenue: Figure,
    /// Gross margin.
    pub gross_margin: Figure,
    /// Net revenue retention.
    pub net_revenue_retention: Figure,
    /// N: customers with their first purchase in the period.
    pub new_customers: Figure,
}

/// All customer and revenue indicators of one client and period.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Indicators {
    /// P, P−1 and P−12m.
    pub periods: PeriodLabels,
    /// First and last transaction date; `None` without transactions.
    pub data_range: Option<DataRange>,
    /// The activity window A used, in days.
    pub activity_window_days: i64,
    /// Figures for P.
    pub current: Snapshot,
    /// Figures for P−1.
    pub previous: Snapshot,
    /// Figures for P−12m.
    pub year_ago: Snapshot,
    /// Monthly acquisition cohorts up to P.end.
    pub cohorts: Cohorts,
    /// Whale curve of the customers active at P.end.
    pub whale_curve: WhaleCurve,
    /// RFM segments at P.end.
    pub rfm: Rfm,
    /// Distribution of historical CLV at P.end and the top customers.
    pub clv_distribution: ClvDistribution,
    /// CLV : CAC at P.end.
    pub clv_to_cac: ClvToCac,
    /// CLV of customers with a complaint open at P.end.
    pub clv_at_risk: ClvAtRisk,
    /// Headline figures of the 8 periods ending with P, oldest first.
    pub trend: Vec<TrendPoint>,
    /// Month-of-year revenue index and whether seasonality is material (issue 19).
    #[serde(default)]
    pub seasonality: Seasonality,
}
