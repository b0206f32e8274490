//! The lists as the report and indicators.json name them: one summary per list, and the link
//! from each finding to the list of its customers.

use super::ActionLists;
use crate::domain::Lang;
use crate::findings::{Finding, ListLink};
use crate::render::i18n::strings;
use serde::Serialize;

/// One list in indicators.json (`action_lists`) and on the workbook's summary sheet.
#[derive(Debug, Clone, Serialize)]
pub struct ListSummary {
    /// Stable identifier (`neglected_valuable`).
    pub id: &'static str,
    /// Title in the report's language.
    pub title: String,
    /// Sheet name in actions.xlsx.
    pub sheet: String,
    /// Path of the CSV in the period folder.
    pub csv: String,
    /// The findings of this report that name these customers (rule ids).
    pub findings: Vec<&'static str>,
    /// Distinct customers on the list.
    pub customers: u64,
    /// Rows (a customer may have several, e.g. one per sales contact).
    pub rows: u64,
    /// Σ of the list's money column over distinct customers.
    pub money_at_stake: f64,
    /// What that money is.
    pub money_basis: String,
    /// The column the money is summed from and the rows are sorted by.
    pub money_column: &'static str,
    /// Every rule whose customers the list holds, raised or not.
    #[serde(skip)]
    pub rules: &'static [&'static str],
}

/// The summary of every list, in workbook order.
pub fn summaries(lists: &ActionLists, lang: Lang, findings: &[Finding]) -> Vec<ListSummary> {
    let s = strings(lang);
    lists
        .lists
        .iter()
        .map(|l| {
            let key = |group: &str| s.get(&format!("actions.{group}.{}", l.id.id())).to_string();
            ListSummary {
                id: l.id.id(),
                title: key("title"),
                sheet: key("sheet"),
                csv: l.id.csv_path(),
                findings: findings
                    .iter()
                    .filter(|f| l.id.findings().contains(&f.id))
                    .map(|f| f.id)
                    .collect(),
                customers: l.customers,
                rows: l.frame.height() as u64,
                money_at_stake: l.money_at_stake,
                money_basis: key("money_basis"),
                money_column: l.money_column,
                rules: l.id.findings(),
            }
        })
        .collect()
}

/// Names, under every finding whose customers a list holds, that list: its title in the
/// workbook (when actions.xlsx is written) and its CSV (when the CSVs are).
pub fn attach_to_findings(
    findings: &mut [Finding],
    lists: &[ListSummary],
    lang: Lang,
    workbook: bool,
    csv: bool,
) {
    if !workbook && !csv {
        return;
    }
    let s = strings(lang);
    for f in findings.iter_mut() {
        let Some(list) = lists.iter().find(|l| l.rules.contains(&f.id)) else {
            continue;
        };
        let text = if workbook {
            s.fill("actions.list_line", &[("title", &list.title)])
        } else {
            s.fill("actions.list_csv", &[("csv", &list.csv)])
        };
        f.action_list = Some(ListLink {
            id: list.id,
            text,
            csv: csv.then(|| list.csv.clone()),
            customers: list.customers,
        });
    }
}
