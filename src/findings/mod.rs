//! Findings stage: rules that turn indicator values into ranked statements that cite their
//! figures, each with a recommendation, in the report's language.
//!
//! Rules read an [`Evidence`] struct (the handful of figures they need, filled from the
//! indicators by the pipeline) so they can be tested with hand-set numbers. Statements are
//! templates in `templates/i18n/findings_<lang>.toml`; numbers go through the report's locale.
//! Depends on config (targets) and render::locale only.

mod evidence;
mod rules;
mod significance;
mod text;

pub use evidence::Evidence;

use crate::config::Targets;
use crate::domain::Lang;
use crate::render::locale::Locale;
use serde::Serialize;

/// Whether a finding is a problem, an opening, or something going well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Money or customers are being lost.
    Risk,
    /// Money could be gained.
    Opportunity,
    /// A strength worth keeping.
    Strength,
}

/// One statement of the report, ranked by the money at stake.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable rule identifier (`complainer_churn`).
    pub id: &'static str,
    /// Risk, opportunity or strength.
    pub kind: Kind,
    /// Money at stake in the client's currency, when the rule can estimate it.
    pub money_at_stake: Option<f64>,
    /// What the money is (e.g. "margin of the extra lapsed customers").
    pub stake_label: String,
    /// Short title.
    pub title: String,
    /// The statement with its figures (`**bold**` spans mark the cited figures).
    pub statement: String,
    /// What to do about it.
    pub recommendation: String,
    /// Identifiers of the indicator figures the statement cites.
    pub cites: Vec<&'static str>,
    /// The test behind a finding about a change between periods or a difference between
    /// groups (issue 19); such a finding is stated only when its p-value is below alpha.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub significance: Option<crate::stats::Significance>,
    /// The action list of the customers behind the finding, when one was written (issue 20).
    pub action_list: Option<ListLink>,
}

/// Where the customers behind a finding are listed (actions.xlsx and actions/*.csv).
#[derive(Debug, Clone, Serialize)]
pub struct ListLink {
    /// The list's identifier (`neglected_valuable`).
    pub id: &'static str,
    /// The line printed under the finding (`list: actions.xlsx › Neglected valuable customers`).
    pub text: String,
    /// The CSV's path relative to the report, when the CSVs are written.
    pub csv: Option<String>,
    /// Distinct customers on the list.
    pub customers: u64,
}

/// The recommendation of rule `id` as its template reads (the action lists use it when the
/// rule raised no finding this period).
pub fn recommendation(lang: Lang, id: &str) -> String {
    text::get(lang, id).recommendation.clone()
}

/// Significance level of the findings' tests when audit.toml sets none.
pub const DEFAULT_ALPHA: f64 = 0.05;

/// Applies every rule and ranks the findings: by money at stake (largest first), then risks
/// before opportunities before strengths.
pub fn derive(evidence: &Evidence, targets: &Targets, lang: Lang, currency: &str) -> Vec<Finding> {
    derive_with(evidence, targets, DEFAULT_ALPHA, lang, currency)
}

/// [`derive`] with the significance level `alpha` of audit.toml's `[findings]`.
pub fn derive_with(
    evidence: &Evidence,
    targets: &Targets,
    alpha: f64,
    lang: Lang,
    currency: &str,
) -> Vec<Finding> {
    let ctx = rules::Ctx {
        e: evidence,
        targets,
        loc: Locale::new(lang, currency),
        lang,
        alpha,
    };
    let mut found: Vec<Finding> = rules::ALL.iter().filter_map(|rule| rule(&ctx)).collect();
    found.sort_by(|a, b| {
        let money = |f: &Finding| match f.kind {
            Kind::Strength => f64::NEG_INFINITY,
            _ => f.money_at_stake.unwrap_or(f64::NEG_INFINITY),
        };
        money(b)
            .total_cmp(&money(a))
            .then(a.kind.cmp(&b.kind))
            .then(a.id.cmp(b.id))
    });
    found
}

#[cfg(test)]
mod tests;
