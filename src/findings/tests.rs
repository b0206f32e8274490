use super::*;

fn targets() -> Targets {
    Targets::default()
}

fn base() -> Evidence {
    Evidence {
        retention_rate: Some(0.70),
        retention_rate_prev: Some(0.75),
        customers_at_start: Some(1000.0),
        margin_per_customer: Some(200.0),
        complainer_churn: Some(0.46),
        non_complainer_churn: Some(0.20),
        complainers_in_base: Some(50.0),
        ..Evidence::default()
    }
}

#[test]
fn retention_drop_cites_points_and_prices_the_extra_lapses() {
    let f = derive(&base(), &targets(), Lang::En, "EUR");
    let r = f
        .iter()
        .find(|f| f.id == "retention_down")
        .expect("finding");
    // 5 points × 1,000 customers at the start × 200 margin each = 10,000.
    assert!((r.money_at_stake.unwrap() - 10_000.0).abs() < 1e-6);
    assert!(r.statement.contains("5.0"), "{}", r.statement);
    assert!(r.statement.contains("70.0"), "{}", r.statement);
}

#[test]
fn findings_are_ranked_by_money_at_stake() {
    let f = derive(&base(), &targets(), Lang::En, "EUR");
    // complainer churn: (0.46 − 0.20) × 50 × 200 = 2,600 < 10,000 for the retention drop.
    let ids: Vec<_> = f.iter().map(|f| f.id).collect();
    assert_eq!(&ids[..2], ["retention_down", "complainer_churn"]);
    let c = &f[1];
    assert!((c.money_at_stake.unwrap() - 2_600.0).abs() < 1e-6);
    assert!(
        c.statement.contains("2.3"),
        "ratio 0.46/0.20 = 2.3×: {}",
        c.statement
    );
}

#[test]
fn small_changes_and_missing_figures_stay_silent() {
    let e = Evidence {
        retention_rate: Some(0.75),
        retention_rate_prev: Some(0.76),
        complainer_churn: Some(0.30),
        non_complainer_churn: None,
        ..Evidence::default()
    };
    assert!(derive(&e, &targets(), Lang::Es, "EUR").is_empty());
}

#[test]
fn spanish_findings_use_spanish_text_and_number_format() {
    let f = derive(&base(), &targets(), Lang::Es, "EUR");
    let r = f.iter().find(|f| f.id == "retention_down").unwrap();
    assert!(r.title.contains("retención"), "{}", r.title);
    assert!(r.statement.contains("70,0"), "{}", r.statement);
}

#[test]
fn every_rule_has_texts_in_both_languages_without_leftover_placeholders() {
    let es = text::table(Lang::Es);
    let en = text::table(Lang::En);
    assert_eq!(es.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
    let everything = Evidence {
        retention_rate: Some(0.9),
        retention_rate_prev: Some(0.8),
        customers_at_start: Some(100.0),
        lapsed: Some(10.0),
        margin_per_customer: Some(10.0),
        complainer_churn: Some(0.5),
        non_complainer_churn: Some(0.1),
        complainers_in_base: Some(10.0),
        neglected_count: Some(3.0),
        top_decile_count: Some(10.0),
        neglected_value: Some(1000.0),
        neglect_days: Some(90.0),
        sales_during_complaint: Some(4.0),
        sales_during_complaint_customers: Some(2.0),
        nrr: Some(0.9),
        base_revenue_prev: Some(100.0),
        base_revenue_now: Some(90.0),
        median_resolution_hours: Some(100.0),
        sla_share: Some(0.5),
        clv_at_risk: Some(500.0),
        open_complaint_customers: Some(5.0),
        nps: Some(10.0),
        nps_prev: Some(20.0),
        complaints_per_100: Some(6.0),
        complaints_per_100_prev: Some(4.0),
        top20_margin_share: Some(0.7),
        unprofitable_count: Some(3.0),
        unprofitable_margin: Some(-300.0),
        single_category_share: Some(0.6),
        active_customers: Some(100.0),
        backlog: Some(7.0),
        backlog_median_age_days: Some(30.0),
    };
    for lang in [Lang::Es, Lang::En] {
        let f = derive(&everything, &targets(), lang, "EUR");
        // retention_up replaces retention_down here: 12 rules, 12 findings.
        assert_eq!(
            f.len(),
            12,
            "{:?}",
            f.iter().map(|f| f.id).collect::<Vec<_>>()
        );
        for x in &f {
            for s in [&x.title, &x.statement, &x.recommendation] {
                assert!(!s.contains('{') && !s.is_empty(), "{}: {s}", x.id);
            }
        }
        // Strengths come last.
        assert_eq!(f.last().unwrap().kind, Kind::Strength);
    }
}
