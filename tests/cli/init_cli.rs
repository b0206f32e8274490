//! `crm-audit init` on a folder of exports as a client really sends them: the written
//! audit.toml must load, find every table, and mark what detection could not decide.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

#[test]
fn init_writes_an_annotated_config_that_validate_accepts() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/messy-client");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bar-sol");
    fs::create_dir_all(&dir).unwrap();
    for e in fs::read_dir(&src).unwrap().flatten() {
        if e.file_name() != "audit.toml" {
            fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    Command::cargo_bin("crm-audit")
        .unwrap()
        .arg("init")
        .arg(&dir)
        .assert()
        .code(0);
    let toml = fs::read_to_string(dir.join("audit.toml")).unwrap();
    for table in ["customers", "transactions", "complaints", "surveys"] {
        assert!(
            toml.contains(&format!("table = \"{table}\"")),
            "{table} missing:\n{toml}"
        );
    }
    assert!(toml.contains("CHECK"), "nothing marked for review:\n{toml}");
    assert!(toml.contains("ventas 2026-S1.csv"), "{toml}");

    // A second init does not overwrite the reviewed file without --force.
    Command::cargo_bin("crm-audit")
        .unwrap()
        .arg("init")
        .arg(&dir)
        .assert()
        .code(2);

    // The written file is a valid configuration that reads the same data (whose sales end on
    // 1 September 2026: the second quarter, seen from that day, passes every gate).
    let out = tmp.path().join("out");
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args([
            "validate",
            "--period",
            "2026-Q2",
            "--as-of",
            "2026-09-01",
            "--config",
        ])
        .arg(dir.join("audit.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    assert!(out.join("bar-sol").join("validation.json").is_file());
}
