//! The clv stage on simulated data: parameters used to generate a purchase log are recovered,
//! and degenerate logs give warnings and missing figures, never NaN.

use chrono::NaiveDate;
use crm_audit::clv::{self, BgNbdParams, ClvWarning, GammaGammaParams, Simulation};
use crm_audit::config::ClvSettings;
use polars::prelude::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const TRUE_BG: BgNbdParams = BgNbdParams {
    r: 0.5,
    alpha: 6.0,
    a: 0.9,
    b: 3.0,
};
/// q = 8: with q ≤ 4 the customers' mean spends have no fourth moment, and the Hessian-based
/// standard errors that the recovery check uses become optimistic.
const TRUE_GG: GammaGammaParams = GammaGammaParams {
    p: 5.0,
    q: 8.0,
    gamma: 40.0,
};

fn bgnbd_only() -> ClvSettings {
    ClvSettings {
        model: crm_audit::domain::ModelChoice::Bgnbd,
        ..ClvSettings::default()
    }
}

#[test]
fn fit_recovers_the_parameters_of_a_simulated_bgnbd_log() {
    // 6,000 customers acquired over 12 weeks, observed for 104 weeks, fixed seed.
    let sim = Simulation {
        purchases: TRUE_BG,
        spend: Some(TRUE_GG),
        customers: 6000,
        first_day: day(2024, 1, 1),
        acquisition_days: 84,
        end: day(2025, 12, 29),
        unit_days: 7.0,
        seed: 1,
    };
    let tx = clv::simulate_transactions(&sim).unwrap();
    let report = clv::analyse(&tx, sim.end, None, &bgnbd_only()).unwrap();
    let fit = report.bgnbd.as_ref().unwrap();
    let se = fit.standard_errors.expect("standard errors");
    assert!(fit.diagnostics.converged);
    // Within three standard errors of the truth (and the errors themselves sensible: < 30 %).
    let check = |name: &str, est: f64, truth: f64, se: f64| {
        assert!(se < 0.3 * truth, "{name}: standard error {se} too large");
        assert!(
            (est - truth).abs() < 3.0 * se,
            "{name}: {est} vs true {truth} (se {se})"
        );
    };
    check("r", fit.params.r, TRUE_BG.r, se.r);
    check("alpha", fit.params.alpha, TRUE_BG.alpha, se.alpha);
    check("a", fit.params.a, TRUE_BG.a, se.a);
    check("b", fit.params.b, TRUE_BG.b, se.b);
    let gg = report.gamma_gamma.as_ref().unwrap();
    let gse = gg.standard_errors.expect("standard errors");
    check("p", gg.params.p, TRUE_GG.p, gse.p);
    check("q", gg.params.q, TRUE_GG.q, gse.q);
    check("gamma", gg.params.gamma, TRUE_GG.gamma, gse.gamma);
}

/// A log where nobody buys twice: no purchase model can be fitted.
fn single_purchases() -> DataFrame {
    df!(
        "customer_id" => ["a", "b", "c"],
        "date" => [day(2025, 1, 1), day(2025, 2, 1), day(2025, 3, 1)],
        "net_amount" => [10.0, 20.0, 30.0],
        "cost" => [None::<f64>, None, None],
    )
    .unwrap()
}

#[test]
fn without_repeat_customers_model_figures_are_missing_with_a_warning() {
    let report = clv::analyse(
        &single_purchases(),
        day(2025, 6, 30),
        None,
        &ClvSettings::default(),
    )
    .unwrap();
    assert!(report.model.is_none());
    assert!(
        report
            .warnings
            .contains(&ClvWarning::TooFewRepeatCustomers {
                repeat_customers: 0,
                minimum: 10
            })
    );
    assert_eq!(report.scores.height(), 3);
    assert_eq!(report.scores.column("clv").unwrap().null_count(), 3);
    assert!(report.population.mean_clv.get().is_none());
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        !json.contains("NaN") && json.contains("model_unavailable"),
        "{json}"
    );
}

#[test]
fn customers_who_never_drop_out_still_get_finite_scores() {
    // p ~ Beta(0.01, 1000): practically nobody drops out; the fit may run to a bound.
    let sim = Simulation {
        purchases: BgNbdParams {
            r: 1.0,
            alpha: 10.0,
            a: 0.01,
            b: 1000.0,
        },
        spend: None,
        customers: 2000,
        first_day: day(2024, 1, 1),
        acquisition_days: 84,
        end: day(2025, 6, 30),
        unit_days: 7.0,
        seed: 7,
    };
    let tx = clv::simulate_transactions(&sim).unwrap();
    let report = clv::analyse(&tx, sim.end, None, &bgnbd_only()).unwrap();
    assert!(report.bgnbd.is_some());
    for name in ["p_alive", "expected_purchases_horizon", "clv"] {
        let col = report.scores.column(name).unwrap().f64().unwrap().clone();
        assert_eq!(col.null_count(), 0, "{name}");
        assert!(col.into_no_null_iter().all(f64::is_finite), "{name}");
    }
    let p_alive = report.population.mean_p_alive.get().unwrap();
    assert!(
        p_alive > 0.95,
        "nobody drops out, yet mean P(alive) = {p_alive}"
    );
}

#[test]
fn negative_margins_are_left_out_of_the_spend_fit_and_reported() {
    // The simulated log with a cost above the amount for one customer's repeat purchases.
    let sim = Simulation {
        purchases: TRUE_BG,
        spend: Some(TRUE_GG),
        customers: 500,
        first_day: day(2024, 1, 1),
        acquisition_days: 84,
        end: day(2025, 6, 30),
        unit_days: 7.0,
        seed: 3,
    };
    let tx = clv::simulate_transactions(&sim).unwrap();
    let first = tx
        .column("customer_id")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    let costed = tx
        .lazy()
        .with_column(
            when(col("customer_id").eq(lit(first)))
                .then(col("net_amount") * lit(2.0))
                .otherwise(col("net_amount") * lit(0.4))
                .alias("cost"),
        )
        .collect()
        .unwrap();
    let report = clv::analyse(&costed, sim.end, None, &bgnbd_only()).unwrap();
    assert_eq!(report.spend_basis, clv::SpendBasis::Margin);
    let repeat_of_first = report
        .scores
        .column("x")
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap()
        .f64()
        .unwrap()
        .get(0)
        .unwrap();
    if repeat_of_first > 0.0 {
        assert!(
            report
                .warnings
                .contains(&ClvWarning::NonPositiveSpend { customers: 1 }),
            "{:?}",
            report.warnings
        );
    }
    assert!(report.population.total_clv.get().unwrap().is_finite());
}
