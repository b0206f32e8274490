//! Regression net of the figures: `indicators.json` of both bundled sample clients for 2026-Q3,
//! from the real binary, as reviewed insta snapshots (`tests/cli/snapshots/`). A changed figure
//! is a diff to review; accept it with `INSTA_UPDATE=always cargo test --release`. CI never
//! updates them.

use assert_cmd::Command;
use std::path::Path;

#[test]
fn indicators_json_of_the_sample_clients() {
    let out = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    Command::cargo_bin("crm-audit")
        .unwrap()
        .env("SOURCE_DATE_EPOCH", "1792022400")
        .args(["--quiet", "run", "--period", "2026-Q3", "--format", "json"])
        .arg("--portfolio")
        .arg(&samples)
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    for client in ["ferreteria-es", "northwind-en"] {
        let path = out.path().join(client).join("2026-Q3/indicators.json");
        let json =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        insta::assert_snapshot!(format!("indicators_{client}"), json);
    }
}
