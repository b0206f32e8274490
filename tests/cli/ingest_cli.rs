//! Runs the real `crm-audit validate` on the fixture clients: exit codes, the printed ledger, and
//! the files it writes.

use assert_cmd::Command;
use predicates::str::contains;
use std::path::{Path, PathBuf};

fn fixture(client: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ingest")
        .join(client)
}

fn validate(args: &[&str], out: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("crm-audit")
        .unwrap()
        .arg("validate")
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn clean_client_exits_0_and_writes_its_ledger() {
    let out = tempfile::tempdir().unwrap();
    let config = fixture("es-client").join("audit.toml");
    validate(&["--config", config.to_str().unwrap()], out.path())
        .code(0)
        .stdout(contains("facturas.csv"))
        .stdout(contains("totals row 10 excluded"));
    let v = json(&out.path().join("es-client/validation.json"));
    assert_eq!(v["client_id"], "es-client");
    // Its defects pass only under the looser thresholds of its audit.toml: warnings.
    let outcomes: Vec<&str> = v["gates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["outcome"].as_str().unwrap())
        .collect();
    assert!(
        outcomes.contains(&"warning") && !outcomes.contains(&"failed"),
        "{outcomes:?}"
    );
    let facturas = &v["sources"][1];
    assert_eq!(facturas["table"], "transactions");
    assert_eq!(facturas["rows_read"], 10);
    assert_eq!(facturas["rows_accepted"], 8);
    assert_eq!(facturas["rows_rejected"], 2);
    assert_eq!(facturas["detection"]["encoding"], "windows-1252");
    assert_eq!(
        facturas["rejected"][0]["examples"][0]["file"],
        "facturas.csv"
    );
    let csv = std::fs::read_to_string(out.path().join("es-client/rejected_rows.csv")).unwrap();
    assert_eq!(
        csv,
        "file,sheet,row,column,value,reason\n\
         facturas.csv,,7,Fecha,31/02/2026,date: not a date\n\
         facturas.csv,,8,Cód. cliente,,customer_id: missing\n\
         encuestas.csv,,5,NPS,11,nps: outside 0–10\n"
    );
}

#[test]
fn unusable_sources_exit_1_with_the_reason_printed() {
    let out = tempfile::tempdir().unwrap();
    let config = fixture("broken-client").join("audit.toml");
    validate(&["--config", config.to_str().unwrap()], out.path())
        .code(1)
        .stdout(contains("no column for complaints.opened_at"))
        .stdout(contains("no file matches 'encuestas_*.csv'"))
        .stdout(contains("set date_format"));
    let v = json(&out.path().join("broken-client/validation.json"));
    assert_eq!(v["sources"][0]["rows_accepted"], 2);
    assert_eq!(v["sources"][1]["errors"].as_array().unwrap().len(), 1);
}

#[test]
fn portfolio_validates_every_client_folder() {
    let out = tempfile::tempdir().unwrap();
    let portfolio = fixture("");
    // broken-client has errors, so the portfolio exits 1, but every client is written.
    validate(&["--portfolio", portfolio.to_str().unwrap()], out.path()).code(1);
    for client in ["broken-client", "en-client", "es-client", "messy-client"] {
        assert!(
            out.path().join(client).join("validation.json").is_file(),
            "{client}"
        );
    }
}

#[test]
fn configuration_errors_exit_2() {
    let out = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("audit.toml");
    std::fs::write(&config, "[client]\nname = \"X\"\nunknown_key = 1\n").unwrap();
    validate(&["--config", config.to_str().unwrap()], out.path())
        .code(2)
        .stderr(contains("unknown_key"));
    validate(
        &["--portfolio", dir.path().join("nowhere").to_str().unwrap()],
        out.path(),
    )
    .code(2);
}
