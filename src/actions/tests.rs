//! The lists on the indicators' hand-computed fixture: the same customers as the figures.

use super::*;
use crate::domain::Lang;
use crate::indicators::{AllIndicators, compute_all, fixture};

fn lists() -> (ActionLists, AllIndicators) {
    let (tables, settings, values) = (fixture::tables(), fixture::settings(), fixture::values());
    let period = fixture::period();
    let ind = compute_all(&tables, period, &settings, Some(&values), None).unwrap();
    let lists = compute(&ActionInput {
        tables: &tables,
        period,
        settings: &settings,
        values: Some(&values),
        days: None,
        indicators: &ind,
        findings: &[],
        lang: Lang::En,
        personal_data: true,
    })
    .unwrap();
    (lists, ind)
}

fn list(lists: &ActionLists, id: ListId) -> &ActionList {
    lists.lists.iter().find(|l| l.id == id).expect("list made")
}

fn ids(l: &ActionList) -> Vec<&str> {
    let c = l.frame.column("customer_id").unwrap().str().unwrap();
    c.iter().flatten().collect()
}

#[test]
fn unprofitable_customers_are_those_of_the_figure_largest_loss_first() {
    let (lists, ind) = lists();
    let l = list(&lists, ListId::Unprofitable);
    // Contribution c20 −40, c17 −10 (profitability's fixture test).
    assert_eq!(ids(l), ["c20", "c17"]);
    assert_eq!(l.money_at_stake, 50.0);
    let p = &ind.core.current.profitability;
    assert_eq!(Some(-l.money_at_stake), p.unprofitable_contribution.value);
    assert_eq!(
        l.action,
        crate::findings::recommendation(Lang::En, "unprofitable_customers")
    );
}

#[test]
fn open_complaints_list_the_clv_at_risk_by_value() {
    let (lists, ind) = lists();
    let l = list(&lists, ListId::OpenComplaints);
    // Open at 2026-06-30: c15 300.5, c16 120, c17 80 (complainer_churn's fixture test).
    assert_eq!(ids(l), ["c15", "c16", "c17"]);
    assert_eq!(Some(l.money_at_stake), ind.core.clv_at_risk.clv.value);
    assert_eq!(
        Some(l.customers as f64),
        ind.core.clv_at_risk.customers.value
    );
}

#[test]
fn lapsed_and_lapsed_complainants_are_the_base_figures() {
    let (lists, ind) = lists();
    let mut lapsed = ids(list(&lists, ListId::LapsedWinBack));
    lapsed.sort();
    assert_eq!(lapsed, ["c05", "c06", "c12", "c14"]);
    assert_eq!(Some(4.0), ind.core.current.base.lapsed.value);
    let mut complainants = ids(list(&lists, ListId::ComplainersLapsed));
    complainants.sort();
    assert_eq!(complainants, ["c12", "c14"]);
}

#[test]
fn lists_whose_figure_is_missing_are_not_made() {
    let (lists, _) = lists();
    // The fixture has no interactions: no neglected customers, no sales contacts.
    let made: Vec<ListId> = lists.lists.iter().map(|l| l.id).collect();
    assert!(!made.contains(&ListId::NeglectedValuable));
    assert!(!made.contains(&ListId::SalesDuringComplaint));
}
