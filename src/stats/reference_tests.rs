//! Every test against reference values computed with scipy 1.17.1 (Python 3, numpy 2.4) for
//! the same counts; the calls are quoted beside each value.

use super::*;

fn close(got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol * want.abs().max(1e-300),
        "got {got}, want {want}"
    );
}

#[test]
fn normal_distribution_matches_scipy() {
    // scipy.stats.norm.cdf(-1.96) = 0.024997895148220435; norm.cdf(0.5) = 0.6914624612740131
    close(normal_cdf(-1.96), 0.024997895148220435, 1e-12);
    close(normal_cdf(0.5), 0.6914624612740131, 1e-12);
    // norm.sf(6) = 9.865876450376946e-10
    close(1.0 - normal_cdf(6.0), 9.865876450376946e-10, 1e-5);
    close(
        super::distributions::normal_upper_tail(6.0),
        9.865876450376946e-10,
        1e-12,
    );
    // norm.ppf(0.975) = 1.959963984540054; ppf(0.995) = 2.5758293035489004;
    // ppf(0.01) = -2.3263478740408408
    close(normal_quantile(0.975), 1.959963984540054, 1e-12);
    close(normal_quantile(0.995), 2.5758293035489004, 1e-12);
    close(normal_quantile(0.01), -2.3263478740408408, 1e-12);
}

#[test]
fn fisher_exact_matches_scipy() {
    // The case of issue 19: complainers lapsed 6 of 91, others 9 of 232.
    // scipy.stats.fisher_exact([[6,85],[9,223]]).pvalue = 0.37675146868088094
    let s = fisher_exact(6, 91, 9, 232, 0.95);
    close(s.p_value, 0.37675146868088094, 1e-9);
    assert!(!s.beyond_noise(0.05));
    // relative risk (6/91)/(9/232) = 1.70; its interval straddles 1
    assert!(s.interval[0] < 1.0 && s.interval[1] > 1.7);
    // fisher_exact([[30,70],[10,90]]).pvalue = 0.0006504107076034208
    close(
        fisher_exact(30, 100, 10, 100, 0.95).p_value,
        0.0006504107076034208,
        1e-9,
    );
    // fisher_exact([[0,20],[5,25]]).pvalue = 0.07457663916630482
    close(
        fisher_exact(0, 20, 5, 30, 0.95).p_value,
        0.07457663916630482,
        1e-9,
    );
}

#[test]
fn two_proportion_z_test_matches_scipy() {
    // Pooled z, p = 2 * scipy.stats.norm.sf(|z|):
    // 1080/1500 against 1050/1500 (+2.0 p.p. on 1,500 customers) = 0.22740518952478872
    let s = two_proportions(1080.0, 1500.0, 1050.0, 1500.0, 0.95);
    close(s.p_value, 0.22740518952478872, 1e-9);
    // Wald interval of the difference: 0.02 ± 1.96 · sqrt(.72·.28/1500 + .7·.3/1500)
    let se = (0.72f64 * 0.28 / 1500.0 + 0.7 * 0.3 / 1500.0).sqrt();
    close(s.interval[0], 0.02 - 1.959963984540054 * se, 1e-9);
    // 700/1000 against 750/1000 = 0.012282738972377298
    close(
        two_proportions(700.0, 1000.0, 750.0, 1000.0, 0.95).p_value,
        0.012282738972377298,
        1e-9,
    );
}

#[test]
fn nps_difference_matches_scipy() {
    // z = (nps_a − nps_b) / sqrt(Σ (p_P + p_D − nps²)/n), p = 2 * norm.sf(|z|):
    // 45 promoters, 20 detractors of 100 against 40, 20 of 100 = 0.6406715769752813
    let c = |p, d, n| NpsCounts {
        promoters: p,
        detractors: d,
        responses: n,
    };
    let s = nps_difference(c(45.0, 20.0, 100.0), c(40.0, 20.0, 100.0), 0.95);
    close(s.p_value, 0.6406715769752813, 1e-9);
    assert!(s.interval[0] < 0.0 && s.interval[1] > 5.0, "{s:?}");
    // 60/10 of 200 against 40/30 of 200 = 0.0003860719031659524
    close(
        nps_difference(c(60.0, 10.0, 200.0), c(40.0, 30.0, 200.0), 0.95).p_value,
        0.0003860719031659524,
        1e-9,
    );
}

#[test]
fn poisson_rate_test_matches_scipy() {
    // scipy.stats.binomtest(c1, c1 + c2, t1 / (t1 + t2)).pvalue:
    // 60 complaints over 1,000 customers against 40 over 1,000 = 0.05688793364098089
    close(
        poisson_rates(60, 1000.0, 40, 1000.0, 0.95).p_value,
        0.05688793364098089,
        1e-9,
    );
    // 30 over 800 against 12 over 900 = 0.001743725127038483
    close(
        poisson_rates(30, 800.0, 12, 900.0, 0.95).p_value,
        0.001743725127038483,
        1e-9,
    );
    // 5 over 100 against 5 over 100 = 1.0
    close(poisson_rates(5, 100.0, 5, 100.0, 0.95).p_value, 1.0, 1e-12);
}

#[test]
fn bootstrap_of_a_ratio_is_deterministic_and_covers_the_estimate() {
    let num: Vec<f64> = (0..500).map(|i| (i % 7) as f64 * 10.0).collect();
    let den: Vec<f64> = (0..500).map(|i| 30.0 + (i % 5) as f64).collect();
    let a = bootstrap_ratio(&num, &den, 19).unwrap();
    let b = bootstrap_ratio(&num, &den, 19).unwrap();
    assert_eq!(a.replicates(), b.replicates());
    assert_eq!(a.resamples, 1000);
    let [lo, hi] = a.interval(0.95);
    assert!(
        lo < a.estimate && a.estimate < hi,
        "{lo} {} {hi}",
        a.estimate
    );
    // The estimate itself is never rejected; a value far outside the interval is.
    assert!(a.p_value(a.estimate) > 0.5);
    assert!(a.p_value(hi * 1.5) < 0.01);
    assert!(bootstrap_ratio(&[], &[], 1).is_none());
}
