//! The lists on the indicators' hand-computed fixture: the same customers as the figures.

use super::*;
use crate::domain::Lang;
use crate::indicators::{AllIndicators, compute_all, fixture};

fn lists() -> (ActionLists, AllIndicators) {
    let (tables, settings, values) = (fixture::tables(), fixture::settings(), fixture::values());
    let period = fixture::period();
    let ind = compute_all(&tables, period, &settings, Some(&values), None)
        .unwrap()
        .indicators;
    let lists = compute(
        &ActionInput {
            tables: &tables,
            period,
            settings: &settings,
            values: Some(&values),
            days: None,
            indicators: &ind,
            findings: &[],
            lang: Lang::En,
            personal_data: true,
        },
        None,
    )
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

#[test]
fn lists_from_the_indicators_hand_over_equal_lists_computed_afresh() {
    let (tables, settings, values) = (fixture::tables(), fixture::settings(), fixture::values());
    let period = fixture::period();
    let days = crate::customer_days::CustomerDays::build(&tables.transactions).unwrap();
    // With the model's values and without them (historical CLV ranks the customers).
    for values in [Some(&values), None] {
        let computed = compute_all(&tables, period, &settings, values, Some(&days)).unwrap();
        let input = ActionInput {
            tables: &tables,
            period,
            settings: &settings,
            values,
            days: Some(&days),
            indicators: &computed.indicators,
            findings: &[],
            lang: Lang::En,
            personal_data: true,
        };
        let afresh = compute(&input, None).unwrap();
        let handed = compute(&input, Some(computed.reuse)).unwrap();
        assert_eq!(afresh.lists.len(), handed.lists.len());
        assert!(afresh.lists.len() >= 5, "the fixture makes most lists");
        let mut with_rows = 0;
        for (a, h) in afresh.lists.iter().zip(&handed.lists) {
            assert_eq!(a.id, h.id);
            assert!(a.frame.equals_missing(&h.frame), "{:?}", a.id);
            with_rows += usize::from(a.frame.height() > 0);
        }
        assert!(with_rows >= 4, "{with_rows} lists with rows to compare");
    }
}
