//! `CRM_AUDIT_CSV_READER=polars` forces the reference reader: every slice of a large CSV export
//! is parsed by polars instead of the direct reader, and the outputs are the same.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// Runs the audit of `config` with small slices and the given reader; returns the period's
/// output folder and the run's log.
fn run(config: &Path, out: &Path, reader: Option<&str>) -> (PathBuf, String) {
    let mut cmd = Command::cargo_bin("crm-audit").unwrap();
    cmd.env("RUST_LOG", "crm_audit::ingest=trace")
        .env("CRM_AUDIT_CSV_SLICE_KB", "64")
        .args(["run", "--period", "2026-Q3", "--format", "json", "--config"])
        .arg(config)
        .arg("--out")
        .arg(out);
    match reader {
        Some(r) => cmd.env("CRM_AUDIT_CSV_READER", r),
        None => cmd.env_remove("CRM_AUDIT_CSV_READER"),
    };
    let output = cmd.output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{log}");
    let client = out.join(config.parent().unwrap().file_name().unwrap());
    (client.join("2026-Q3"), log)
}

#[test]
fn the_polars_reader_can_be_forced_and_gives_the_same_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let client = tmp.path().join("client");
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["sample", "--quiet", "--customers", "1500", "--seed", "21"])
        .args(["--lang", "en", "--out"])
        .arg(&client)
        .assert()
        .code(0);
    let config = client.join("audit.toml");
    let (direct, log) = run(&config, &tmp.path().join("direct"), None);
    assert!(log.contains("csv slice read from its lines"), "{log}");
    let (polars, log) = run(&config, &tmp.path().join("polars"), Some("polars"));
    assert!(!log.contains("csv slice read from its lines"), "{log}");
    assert!(
        log.matches("csv slice parsed").count() > 10,
        "every slice parsed by polars"
    );
    for name in [
        "indicators.json",
        "validation.json",
        "rejected_rows.csv",
        "clv_scores.csv",
    ] {
        let a = std::fs::read(direct.join(name)).unwrap();
        let b = std::fs::read(polars.join(name)).unwrap();
        assert!(
            a == b,
            "{name} differs between the direct and the polars reader"
        );
    }
}
