//! Runs the real binary: `crm-audit clv --json` on CDNOW prints the fits with the documented field
//! names and writes the scores CSV.

use crate::clv_support;

use assert_cmd::Command;

#[test]
fn clv_json_on_cdnow_prints_the_published_fits_and_writes_scores() {
    let dir = tempfile::tempdir().unwrap();
    let scores = dir.path().join("scores.csv");
    let output = Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["clv", "--transactions"])
        .arg(clv_support::cdnow("transactions.csv"))
        .args([
            "--calibration-end",
            "1997-09-30",
            "--holdout-end",
            "1998-06-30",
            "--json",
            "--scores",
        ])
        .arg(&scores)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let num = |path: &[&str]| -> f64 {
        let mut v = &json;
        for key in path {
            v = &v[key];
        }
        v.as_f64()
            .unwrap_or_else(|| panic!("{path:?} missing in {json}"))
    };
    let round = |v: f64, d: i32| (v * 10f64.powi(d)).round() / 10f64.powi(d);
    assert_eq!(round(num(&["bgnbd", "r"]), 3), 0.243);
    assert_eq!(round(num(&["bgnbd", "alpha"]), 3), 4.414);
    assert_eq!(round(num(&["bgnbd", "a"]), 3), 0.793);
    assert_eq!(round(num(&["bgnbd", "b"]), 3), 2.426);
    assert_eq!(round(num(&["bgnbd", "log_likelihood"]), 1), -9582.4);
    assert_eq!(round(num(&["pareto_nbd", "s"]), 3), 0.606);
    assert_eq!(round(num(&["pareto_nbd", "beta"]), 3), 11.669);
    assert_eq!(round(num(&["pareto_nbd", "log_likelihood"]), 1), -9595.0);
    assert_eq!(round(num(&["gamma_gamma", "p"]), 2), 6.25);
    assert_eq!(round(num(&["gamma_gamma", "q"]), 2), 3.74);
    assert_eq!(round(num(&["gamma_gamma", "gamma"]), 2), 15.44);
    assert_eq!(json["bgnbd"]["converged"], true);

    let csv = std::fs::read_to_string(&scores).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "customer_id,x,t_x,T,p_alive,expected_purchases_90d,expected_purchases_horizon,expected_spend,clv"
    );
    assert_eq!(lines.count(), 2357);
}

#[test]
fn clv_rejects_a_missing_file_with_the_usage_exit_code() {
    let output = Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["clv", "--transactions", "/nonexistent/tx.csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/tx.csv"));
}
