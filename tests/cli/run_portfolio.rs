//! Batch runs as a scheduler sees them: the real binary on a portfolio of the sample clients plus
//! broken ones; exit codes, manifest, atomic outputs, reproducibility.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const PERIOD: &str = "2026-Q3";
/// 3 October 2026, after the samples' history ends (30 September): on an earlier day of the run
/// their last invoices would be future-dated, and the quality gate would fail them.
const REPORT_EPOCH: &str = "1791000000";

fn sample_clients() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .expect("sample-data/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("audit.toml").is_file())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 2,
        "expected at least two sample clients in {}",
        root.display()
    );
    dirs
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The sample clients plus two broken ones: an unreadable transactions file, and a
/// transactions file without an amount column.
fn portfolio(root: &Path) -> PathBuf {
    let p = root.join("portfolio");
    for c in sample_clients() {
        copy_dir(&c, &p.join(c.file_name().unwrap()));
    }
    let garbled = p.join("broken-unreadable");
    fs::create_dir_all(&garbled).unwrap();
    fs::write(
        garbled.join("audit.toml"),
        "[client]\nname = \"Garbled\"\n[[source]]\ntable = \"transactions\"\nfile = \"ventas.xlsx\"\n",
    )
    .unwrap();
    fs::write(
        garbled.join("ventas.xlsx"),
        b"PK\x03\x04 this is not a real workbook",
    )
    .unwrap();
    let no_amount = p.join("broken-no-amount");
    fs::create_dir_all(&no_amount).unwrap();
    fs::write(
        no_amount.join("audit.toml"),
        "[client]\nname = \"No amount\"\n[[source]]\ntable = \"transactions\"\nfile = \"tx.csv\"\n",
    )
    .unwrap();
    fs::write(
        no_amount.join("tx.csv"),
        "customer_id,date,comment\nC1,2026-08-01,hello\n",
    )
    .unwrap();
    p
}

fn run(portfolio: &Path, out: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("crm-audit")
        .unwrap()
        .env("SOURCE_DATE_EPOCH", REPORT_EPOCH)
        .args(["run", "--quiet", "--period", PERIOD, "--portfolio"])
        .arg(portfolio)
        .arg("--out")
        .arg(out)
        .assert()
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

fn assert_complete_report(dir: &Path) {
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.trim_end().ends_with("</html>"),
        "truncated html in {}",
        dir.display()
    );
    let pdf = fs::read(dir.join("report.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdf.windows(5).rev().take(64).any(|w| w == b"%%EOF"));
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("indicators.json")).unwrap()).unwrap();
    assert!(json.is_object());
}

#[test]
fn broken_clients_fail_alone_and_the_manifest_names_the_cause() {
    let tmp = tempfile::tempdir().unwrap();
    let p = portfolio(tmp.path());
    let out = tmp.path().join("reports");
    run(&p, &out).code(1);

    let m = manifest(&out);
    assert_eq!(m["schema_version"], 1);
    assert_eq!(m["status"], "failed");
    let clients = m["clients"].as_array().unwrap();
    let by_name = |n: &str| clients.iter().find(|c| c["client"] == n).unwrap().clone();

    let garbled = by_name("broken-unreadable");
    assert_eq!(garbled["status"], "failed");
    assert!(
        garbled["error"].as_str().unwrap().contains("ventas.xlsx"),
        "{garbled}"
    );
    let no_amount = by_name("broken-no-amount");
    assert_eq!(no_amount["status"], "failed");
    assert!(
        no_amount["error"].as_str().unwrap().contains("net_amount"),
        "{no_amount}"
    );

    for c in sample_clients() {
        let name = c.file_name().unwrap().to_str().unwrap();
        let entry = by_name(name);
        assert_eq!(entry["status"], "ok", "{entry}");
        assert_eq!(entry["period"], PERIOD);
        assert!(!entry["inputs"].as_array().unwrap().is_empty());
        for input in entry["inputs"].as_array().unwrap() {
            assert_eq!(input["sha256"].as_str().unwrap().len(), 64);
        }
        let outputs: Vec<_> = entry["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["path"].clone())
            .collect();
        assert!(outputs.len() >= 3, "{outputs:?}");
        assert_complete_report(&out.join(name).join(PERIOD));
    }
    assert!(
        out.join(PERIOD).join("index.html").is_file(),
        "portfolio page"
    );
}

#[test]
fn running_twice_gives_byte_identical_html_json_and_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let client = &sample_clients()[0];
    let name = client.file_name().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        run(client, out).code(0);
    }
    for file in [
        "report.html",
        "indicators.json",
        "report.pdf",
        "clv_scores.csv",
        "actions.xlsx",
        "actions/neglected_valuable.csv",
    ] {
        let fa = fs::read(a.join(name).join(PERIOD).join(file)).unwrap();
        let fb = fs::read(b.join(name).join(PERIOD).join(file)).unwrap();
        assert!(fa == fb, "{file} differs between two runs");
    }
}

#[test]
fn killing_a_run_leaves_the_previous_reports_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let client = &sample_clients()[0];
    let name = client.file_name().unwrap();
    let out = tmp.path().join("reports");
    run(client, &out).code(0);
    let report_dir = out.join(name).join(PERIOD);
    let before = fs::read(report_dir.join("report.pdf")).unwrap();

    // Second run, paused just before it swaps its staged folder in, then killed.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("crm-audit"))
        .env("SOURCE_DATE_EPOCH", REPORT_EPOCH)
        .env("CRM_AUDIT_PAUSE_BEFORE_COMMIT_MS", "30000")
        .args(["run", "--quiet", "--period", PERIOD, "--config"])
        .arg(client.join("audit.toml"))
        .arg("--out")
        .arg(&out)
        .spawn()
        .unwrap();
    let client_dir = out.join(name);
    let deadline = Instant::now() + Duration::from_secs(120);
    let staged = || {
        fs::read_dir(&client_dir).unwrap().flatten().any(|e| {
            let staging = e.file_name().to_string_lossy().starts_with(".staging-");
            staging && e.path().join("report.pdf").exists()
        })
    };
    while !staged() {
        assert!(
            Instant::now() < deadline,
            "the run never staged its outputs"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    assert_complete_report(&report_dir);
    assert_eq!(fs::read(report_dir.join("report.pdf")).unwrap(), before);
    // The next run clears what the killed one left behind.
    run(client, &out).code(0);
    let leftovers: Vec<_> = fs::read_dir(&client_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
