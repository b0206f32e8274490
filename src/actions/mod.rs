//! Action lists: the customers behind the findings, computed once and rendered as actions.xlsx,
//! actions/*.csv, a "list:" line under each finding and the `action_lists` of indicators.json.
//!
//! Sits after the indicators and findings and before the writers. Every list is built from the
//! same query as the indicator figure it supports (`crate::indicators` exposes those queries to
//! the crate), so a list's row count and total are the figures the report prints. Depends on
//! indicators, findings, config and render (strings and locale) only.

mod cells;
mod csv;
mod lists;
mod report;
#[cfg(test)]
mod tests;
mod xlsx;

pub use csv::{csv_cell, list_csv};
pub use lists::{ActionInput, compute};
pub use report::{ListSummary, attach_to_findings, summaries};
pub use xlsx::{WorkbookInput, XLSX_ROW_CAP, workbook};

use polars::prelude::DataFrame;

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListId {
    /// Top value decile without contact in `neglect_days`.
    NeglectedValuable,
    /// Sales contacts made while the customer had a complaint open.
    SalesDuringComplaint,
    /// Customers with a complaint open at P.end, with their CLV (CLV at risk).
    OpenComplaints,
    /// Top value quintile with P(alive) < 0.5 or overdue for their next purchase.
    ValuableAtRisk,
    /// Lapsed in P, by historical margin.
    LapsedWinBack,
    /// Negative contribution after the cost of their complaints.
    Unprofitable,
    /// Customers of S who complained before P and lapsed.
    ComplainersLapsed,
}

impl ListId {
    /// Stable identifier: file stem of the CSV and key of the strings.
    pub fn id(self) -> &'static str {
        match self {
            ListId::NeglectedValuable => "neglected_valuable",
            ListId::SalesDuringComplaint => "sales_during_complaint",
            ListId::OpenComplaints => "open_complaints",
            ListId::ValuableAtRisk => "valuable_at_risk",
            ListId::LapsedWinBack => "lapsed_win_back",
            ListId::Unprofitable => "unprofitable",
            ListId::ComplainersLapsed => "complainers_lapsed",
        }
    }

    /// The finding rules whose customers the list names (the first gives its suggested action).
    pub fn findings(self) -> &'static [&'static str] {
        match self {
            ListId::NeglectedValuable => &["neglected_valuable"],
            ListId::SalesDuringComplaint => &["sales_during_complaint"],
            ListId::OpenComplaints => &["clv_at_risk", "aged_backlog"],
            ListId::ValuableAtRisk => &[],
            ListId::LapsedWinBack => &["retention_down"],
            ListId::Unprofitable => &["unprofitable_customers"],
            ListId::ComplainersLapsed => &["complainer_churn"],
        }
    }

    /// The CSV's path inside the client's period folder.
    pub fn csv_path(self) -> String {
        format!("actions/{}.csv", self.id())
    }
}

/// One list: a frame whose first column is `customer_id`, its contact details, the figures that
/// put each customer on it, sorted by the money column (largest first).
#[derive(Debug, Clone)]
pub struct ActionList {
    /// Which list.
    pub id: ListId,
    /// The rows; column names are the CSV headers and the keys of `actions.col.*`.
    pub frame: DataFrame,
    /// The column rows are sorted by and whose sum is the money at stake.
    pub money_column: &'static str,
    /// Distinct customers.
    pub customers: u64,
    /// Σ money column (distinct customers only where a customer has several rows).
    pub money_at_stake: f64,
    /// The suggested action, in the report's language.
    pub action: String,
}

/// Every list of one client and period, in the order of the workbook.
#[derive(Debug, Clone, Default)]
pub struct ActionLists {
    /// The lists the data could support.
    pub lists: Vec<ActionList>,
}
