//! The ten headline figures: the executive summary's tiles and the portfolio's columns are the
//! same list, so a figure added, dropped or reordered here changes both at once.

use serde::Serialize;

/// Which way is better for a headline figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Higher values rank first (retention, revenue, NPS).
    Higher,
    /// Lower values rank first (churn, complaints, resolution time).
    Lower,
}

/// One headline figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headline {
    /// Active customers at the end of P.
    ActiveCustomers,
    /// Customer retention rate.
    RetentionRate,
    /// Customer churn rate.
    ChurnRate,
    /// Net revenue retention, year over year (issue 19).
    NetRevenueRetention,
    /// Revenue in P.
    Revenue,
    /// Gross margin in P.
    GrossMargin,
    /// Mean customer lifetime value: predictive when the scoring model ran, else historical.
    AverageClv,
    /// Complaints per 100 active customers.
    ComplaintsPer100,
    /// Median complaint resolution time.
    MedianResolutionHours,
    /// Net Promoter Score.
    Nps,
}

/// The headline figures in display order: the summary's tiles and the portfolio's columns.
pub const HEADLINES: [Headline; 10] = [
    Headline::ActiveCustomers,
    Headline::RetentionRate,
    Headline::ChurnRate,
    Headline::NetRevenueRetention,
    Headline::Revenue,
    Headline::GrossMargin,
    Headline::AverageClv,
    Headline::ComplaintsPer100,
    Headline::MedianResolutionHours,
    Headline::Nps,
];

impl Headline {
    /// The figure's key: the portfolio's string key (`portfolio.<key>`) and its format.
    pub fn key(self) -> &'static str {
        match self {
            Headline::ActiveCustomers => "active_customers",
            Headline::RetentionRate => "retention_rate",
            Headline::ChurnRate => "churn_rate",
            Headline::NetRevenueRetention => "net_revenue_retention",
            Headline::Revenue => "revenue",
            Headline::GrossMargin => "gross_margin",
            Headline::AverageClv => "average_clv",
            Headline::ComplaintsPer100 => "complaints_per_100",
            Headline::MedianResolutionHours => "median_resolution_hours",
            Headline::Nps => "nps",
        }
    }

    /// Which way is better: ranks in the portfolio, the colour of a tile's changes.
    pub fn better(self) -> Better {
        match self {
            Headline::ChurnRate | Headline::ComplaintsPer100 | Headline::MedianResolutionHours => {
                Better::Lower
            }
            _ => Better::Higher,
        }
    }

    /// Whether a rise is good news.
    pub fn up_is_good(self) -> bool {
        self.better() == Better::Higher
    }

    /// The figure's value in P for one audited client; `None` where its data cannot support it.
    pub fn value(
        self,
        ind: &crate::indicators::AllIndicators,
        models: &crate::models::Models,
    ) -> Option<f64> {
        let cur = &ind.core.current;
        let svc = &ind.service.current;
        match self {
            Headline::ActiveCustomers => cur.base.end_base.value,
            Headline::RetentionRate => cur.base.retention_rate.value,
            Headline::ChurnRate => cur.base.churn_rate.value,
            Headline::NetRevenueRetention => cur.revenue.net_revenue_retention_yoy.value,
            Headline::Revenue => cur.revenue.revenue.value,
            Headline::GrossMargin => cur.revenue.gross_margin.value,
            Headline::AverageClv => models
                .scoring
                .as_ref()
                .ok()
                .and_then(|r| r.population.mean_clv.value)
                .or(cur.clv.average.value),
            Headline::ComplaintsPer100 => svc.complaints.per_100_active_customers.value,
            Headline::MedianResolutionHours => svc.complaints.resolution.median_hours.value,
            Headline::Nps => svc.satisfaction.nps.value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_distinct_and_lower_is_better_only_for_costs() {
        let keys: std::collections::BTreeSet<_> = HEADLINES.iter().map(|h| h.key()).collect();
        assert_eq!(keys.len(), HEADLINES.len());
        let lower: Vec<_> = HEADLINES
            .iter()
            .filter(|h| h.better() == Better::Lower)
            .map(|h| h.key())
            .collect();
        assert_eq!(
            lower,
            [
                "churn_rate",
                "complaints_per_100",
                "median_resolution_hours"
            ]
        );
    }
}
