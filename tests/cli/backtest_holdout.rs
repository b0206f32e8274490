//! The backtest's holdout through the real binary (issue 19): the CLV horizon where the data
//! reach a year before it, else the longest whole number of years that does, else the period.
//! A generated client of four years (2022-10-01 to 2026-09-30) audited for 2026-Q3 with
//! horizons of 24 months (the horizon itself), 36 months (too long: 24 months, the longest
//! whole-year holdout) and the default 12.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn audit(client: &Path, out: &Path, horizon: Option<u32>) -> Value {
    if let Some(months) = horizon {
        let path = client.join("audit.toml");
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str(&format!("\n[clv]\nhorizon_months = {months}\n"));
        fs::write(&path, text).unwrap();
    }
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args([
            "run",
            "--quiet",
            "--period",
            "2026-Q3",
            "--as-of",
            "2026-10-05",
        ])
        .args(["--format", "json,html", "--config"])
        .arg(client.join("audit.toml"))
        .arg("--out")
        .arg(out)
        .assert()
        .code(0);
    serde_json::from_slice(&fs::read(client_dir(out).join("indicators.json")).unwrap()).unwrap()
}

/// The client's folder of 2026-Q3 under `out` (named after the client).
fn client_dir(out: &Path) -> PathBuf {
    fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.path().join("2026-Q3"))
        .find(|p| p.join("indicators.json").exists())
        .expect("the client's outputs")
}

fn report_html(out: &Path) -> String {
    fs::read_to_string(client_dir(out).join("report.html")).unwrap()
}

/// (holdout kind, calibration end, holdout end, months in the by-month comparison).
fn holdout(v: &Value) -> (String, String, String, usize) {
    let bt = &v["clv_backtest"]["report"];
    (
        v["clv_backtest_holdout"].as_str().unwrap().to_string(),
        bt["calibration_end"].as_str().unwrap().to_string(),
        bt["holdout_end"].as_str().unwrap().to_string(),
        bt["backtest"]["by_month"].as_array().unwrap().len(),
    )
}

#[test]
fn the_backtest_covers_the_horizon_else_the_longest_whole_years_the_data_allow() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = |name: &str| {
        let dir = tmp.path().join(name);
        Command::cargo_bin("crm-audit")
            .unwrap()
            .args(["sample", "--quiet", "--customers", "300", "--seed", "17"])
            .args(["--lang", "en", "--end", "2026-09-30", "--out"])
            .arg(&dir)
            .assert()
            .code(0);
        dir
    };
    let owned =
        |(k, c, h, n): (&str, &str, &str, usize)| (k.to_string(), c.to_string(), h.to_string(), n);

    // Default: the 12 months ending P.end.
    let (client, out) = (sample("h12"), tmp.path().join("out12"));
    let v = audit(&client, &out, None);
    assert_eq!(holdout(&v), owned(("year", "2025-09-30", "2026-09-30", 12)));

    // 24 months: the data reach a year before 2024-09-30, so the horizon itself.
    let (client, out) = (sample("h24"), tmp.path().join("out24"));
    let v = audit(&client, &out, Some(24));
    assert_eq!(holdout(&v), owned(("year", "2024-09-30", "2026-09-30", 24)));
    assert!(report_html(&out).contains("Backtest over the last 24 months"));

    // 36 months: 2023-09-30 is 364 days after the first line, one short of a year to
    // calibrate on; the longest whole-year holdout is then 24 months.
    let (client, out) = (sample("h36"), tmp.path().join("out36"));
    let v = audit(&client, &out, Some(36));
    assert_eq!(
        holdout(&v),
        owned(("years", "2024-09-30", "2026-09-30", 24))
    );
    let html = report_html(&out);
    assert!(html.contains("Backtest over the longest whole-year holdout the data allow"));
    assert!(html.contains("the longest whole number of years that leaves a year to calibrate on"));
}
