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
        retained: Some(700.0),
        retained_prev: Some(750.0),
        customers_at_start_prev: Some(1000.0),
        complainers_lapsed: Some(23.0),
        others_in_base: Some(950.0),
        others_lapsed: Some(190.0),
        ..Evidence::default()
    }
}

/// A bootstrap whose every replicate is `ratio` (each customer has the same ratio).
fn flat_bootstrap(ratio: f64) -> crate::stats::Bootstrap {
    crate::stats::bootstrap_ratio(&[100.0 * ratio; 50], &[100.0; 50], 1).unwrap()
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
        customers_at_start: Some(200.0),
        retained: Some(180.0),
        retained_prev: Some(160.0),
        customers_at_start_prev: Some(200.0),
        complainers_lapsed: Some(5.0),
        others_in_base: Some(90.0),
        others_lapsed: Some(9.0),
        nrr_yoy: Some(0.9),
        nrr_yoy_base: Some(1000.0),
        nrr_yoy_bootstrap: Some(flat_bootstrap(0.9)),
        complaint_counts: Some([600.0, 10_000.0]),
        complaint_counts_prev: Some([400.0, 10_000.0]),
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
        ..Evidence::default()
    };
    for lang in [Lang::Es, Lang::En] {
        let f = derive(&everything, &targets(), lang, "EUR");
        // retention_up replaces retention_down, and revenue_retention (no NRR a year earlier)
        // revenue_retention_down: 12 rules, 12 findings.
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

#[test]
fn noise_is_not_a_finding_complainers_6_of_91_against_9_of_232() {
    // Issue 19: 6.6 % against 3.9 % is 1.7× but Fisher's exact p = 0.38.
    let e = Evidence {
        complainer_churn: Some(6.0 / 91.0),
        non_complainer_churn: Some(9.0 / 232.0),
        complainers_in_base: Some(91.0),
        complainers_lapsed: Some(6.0),
        others_in_base: Some(232.0),
        others_lapsed: Some(9.0),
        margin_per_customer: Some(100.0),
        ..Evidence::default()
    };
    assert!(derive(&e, &targets(), Lang::En, "EUR").is_empty());
    // A looser alpha from audit.toml does not make it a finding either.
    assert!(derive_with(&e, &targets(), 0.2, Lang::En, "EUR").is_empty());
}

#[test]
fn a_retention_change_of_2_points_on_1500_customers_is_noise() {
    // +2.0 p.p. on 1,500 customers: two-proportion z-test p = 0.23.
    let e = Evidence {
        retention_rate: Some(0.72),
        retention_rate_prev: Some(0.70),
        customers_at_start: Some(1500.0),
        retained: Some(1080.0),
        retained_prev: Some(1050.0),
        customers_at_start_prev: Some(1500.0),
        ..Evidence::default()
    };
    assert!(derive(&e, &targets(), Lang::En, "EUR").is_empty());
}

#[test]
fn significant_findings_carry_their_test_and_print_its_interval() {
    let f = derive(&base(), &targets(), Lang::En, "EUR");
    let r = f.iter().find(|f| f.id == "retention_down").unwrap();
    let s = r.significance.expect("tested");
    assert_eq!(s.test, "two_proportion_z");
    assert!(s.p_value < 0.05 && s.level == 0.95);
    assert!(r.statement.contains("95% CI"), "{}", r.statement);
    let c = f.iter().find(|f| f.id == "complainer_churn").unwrap();
    assert_eq!(c.significance.unwrap().test, "fisher_exact");
    let es = derive(&base(), &targets(), Lang::Es, "EUR");
    let r = es.iter().find(|f| f.id == "retention_down").unwrap();
    assert!(r.statement.contains("IC 95\u{a0}%"), "{}", r.statement);
}

#[test]
fn with_material_seasonality_retention_is_compared_with_a_year_earlier() {
    // Against P−1 retention fell 5 points (a seasonal dip); against P−12m it is unchanged.
    let e = Evidence {
        seasonal: true,
        retention_rate_year_ago: Some(0.70),
        retained_year_ago: Some(700.0),
        customers_at_start_year_ago: Some(1000.0),
        ..base()
    };
    let f = derive(&e, &targets(), Lang::En, "EUR");
    assert!(f.iter().all(|f| !f.id.starts_with("retention")), "{f:?}");
}

#[test]
fn nrr_is_a_finding_when_it_fell_beyond_noise_against_a_year_earlier() {
    let e = Evidence {
        nrr_yoy: Some(0.70),
        nrr_yoy_base: Some(10_000.0),
        nrr_yoy_bootstrap: Some(flat_bootstrap(0.70)),
        nrr_yoy_year_ago: Some(0.80),
        nrr_yoy_bootstrap_year_ago: Some(flat_bootstrap(0.80)),
        ..Evidence::default()
    };
    let f = derive(&e, &targets(), Lang::En, "EUR");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].id, "revenue_retention_down");
    // 10,000 × (0.80 − 0.70) = 1,000 lost to the fall.
    assert!((f[0].money_at_stake.unwrap() - 1000.0).abs() < 1e-6);
    assert_eq!(f[0].significance.unwrap().test, "bootstrap_percentile");
    // The same NRR as a year earlier: below target, but no change, so no finding.
    let steady = Evidence {
        nrr_yoy_year_ago: Some(0.70),
        nrr_yoy_bootstrap_year_ago: Some(flat_bootstrap(0.70)),
        ..e
    };
    assert!(derive(&steady, &targets(), Lang::En, "EUR").is_empty());
}

#[test]
fn clv_findings_carry_the_backtest_caveat_when_the_model_is_off_by_more_than_15_per_cent() {
    let e = Evidence {
        clv_at_risk: Some(5000.0),
        open_complaint_customers: Some(4.0),
        clv_backtest_error: Some(0.26),
        clv_backtest_year: true,
        ..Evidence::default()
    };
    let f = derive(&e, &targets(), Lang::En, "EUR");
    assert!(
        f[0].statement
            .contains("the model over-predicts purchases by 26% on the last year"),
        "{}",
        f[0].statement
    );
    let es = derive(&e, &targets(), Lang::Es, "EUR");
    assert!(
        es[0].statement.contains("sobrestima las compras en un 26"),
        "{}",
        es[0].statement
    );
}

#[test]
fn a_low_nps_prints_its_change_only_when_the_change_is_beyond_noise() {
    // 45/20 of 100 against 40/20 of 100: +5 points, p = 0.64 (scipy, see stats).
    let e = Evidence {
        nps: Some(25.0),
        nps_prev: Some(20.0),
        nps_counts: Some([45.0, 20.0, 100.0]),
        nps_counts_prev: Some([40.0, 20.0, 100.0]),
        ..Evidence::default()
    };
    let f = derive(&e, &targets(), Lang::En, "EUR");
    assert_eq!(f[0].id, "low_nps");
    assert!(
        f[0].statement.contains("no change beyond noise"),
        "{}",
        f[0].statement
    );
    assert!(f[0].significance.is_none());
}
