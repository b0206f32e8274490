//! Issue 19's seasonal check client: `sample --seasonality strong` writes a business with a
//! strong monthly pattern and constant underlying retention and spend. Its report must not turn
//! the season into findings: no retention, spend (NRR) or other change finding, although the
//! quarter-over-quarter NRR swings with the season.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The one file called `name` under `dir`.
fn find(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let p = entry.path();
        if p.is_dir() {
            if let Some(found) = find(&p, name) {
                return Some(found);
            }
        } else if p.file_name().is_some_and(|n| n == name) {
            return Some(p);
        }
    }
    None
}

#[test]
fn a_seasonal_client_with_steady_retention_and_spend_has_no_change_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let client = tmp.path().join("seasonal");
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args([
            "sample",
            "--customers",
            "1000",
            "--seed",
            "19",
            "--lang",
            "en",
            "--seasonality",
            "strong",
            "--end",
            "2026-12-31",
            "--out",
        ])
        .arg(&client)
        .assert()
        .code(0);
    let out = tmp.path().join("reports");
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args([
            "run",
            "--quiet",
            "--period",
            "2026-Q4",
            "--as-of",
            "2027-01-10",
            "--format",
            "json",
            "--config",
        ])
        .arg(client.join("audit.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    let path = find(&out, "indicators.json").expect("indicators.json written");
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(
        v["indicators"]["seasonality"]["material"], true,
        "{}",
        v["indicators"]["seasonality"]
    );
    // The season is there: Q4 against Q3 loses most of the revenue of Q3's customers ...
    let qoq = v["indicators"]["current"]["revenue"]["net_revenue_retention"]["value"]
        .as_f64()
        .unwrap();
    assert!(qoq < 0.7, "quarter-over-quarter NRR {qoq}");
    // ... while the year-over-year NRR is the headline and carries its customer count.
    let yoy = &v["indicators"]["current"]["revenue"];
    assert!(yoy["net_revenue_retention_yoy"]["value"].as_f64().is_some());
    assert!(
        yoy["revenue_retention_yoy_customers"]["value"]
            .as_f64()
            .unwrap()
            > 100.0
    );
    let findings = v["findings"].as_array().unwrap();
    let change_findings = [
        "retention_down",
        "retention_up",
        "revenue_retention",
        "revenue_retention_down",
        "complaints_rising",
        "complainer_churn",
    ];
    for f in findings {
        let id = f["id"].as_str().unwrap();
        assert!(
            !change_findings.contains(&id),
            "seasonal change finding: {f}"
        );
        // Whatever is stated either is no comparison or passed its test.
        if let Some(p) = f["significance"]["p_value"].as_f64() {
            assert!(p < 0.05, "{f}");
        }
    }
    // The backtest covers the last 12 months.
    assert_eq!(v["clv_backtest_holdout"], "year");
    let bt = &v["clv_backtest"]["report"];
    assert_eq!(
        bt["backtest"]["holdout_start"], "2026-01-01",
        "{}",
        bt["calibration_end"]
    );
    assert_eq!(bt["backtest"]["by_month"].as_array().unwrap().len(), 12);
}
