//! Issue 18: exports as real systems write them (tests/fixtures/exports/<system>/, made by
//! make_fixtures.py from each system's documented export columns), read with no hand mapping.
//! Each folder is copied, `crm-audit init` writes its audit.toml, `crm-audit validate` reads it,
//! and validation.json must match the folder's expected.toml: tables, rows, the columns feeding
//! the canonical ones, the customer key, and no unmatched customer but the planted orphans.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exports")
}

/// Copies a corpus folder (without its expected.toml) to `tmp/<name>`.
fn copy(name: &str, tmp: &Path) -> PathBuf {
    let dir = tmp.join(name);
    fs::create_dir_all(&dir).unwrap();
    for e in fs::read_dir(corpus().join(name)).unwrap().flatten() {
        if e.file_name() != "expected.toml" {
            fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    dir
}

fn init(dir: &Path, code: i32) -> String {
    let out = Command::cargo_bin("crm-audit")
        .unwrap()
        .arg("init")
        .arg(dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "init {}:\n{text}",
        dir.display()
    );
    text
}

/// A message when `got` (validation.json) is not `want` (expected.toml).
fn differs(file: &str, what: &str, got: &Value, want: &toml::Value) -> Option<String> {
    let same = match (got, want) {
        (Value::Number(a), toml::Value::Integer(b)) => a.as_i64() == Some(*b),
        (Value::String(a), toml::Value::String(b)) => a == b,
        _ => false,
    };
    (!same).then(|| format!("{file}: {what} is {got}, expected {want}"))
}

/// The run day: after every corpus export's last date, so no row counts as future-dated.
const AS_OF: &str = "2026-12-01";

/// What was wrong with one folder's reading (empty: as expected).
fn check(name: &str, tmp: &Path) -> Vec<String> {
    let expected: toml::Value =
        toml::from_str(&fs::read_to_string(corpus().join(name).join("expected.toml")).unwrap())
            .unwrap();
    let usable = expected["transactions"].as_bool().unwrap();
    let code = if usable { 0 } else { 1 };
    let dir = copy(name, tmp);
    let printed = init(&dir, code);
    let out = tmp.join(format!("{name}-out"));
    let status = Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["validate", "--quiet", "--as-of", AS_OF, "--config"])
        .arg(dir.join("audit.toml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let mut problems = Vec::new();
    let ledger: Value =
        serde_json::from_slice(&fs::read(out.join(name).join("validation.json")).unwrap()).unwrap();
    // The extracts are short and mostly from 2025: the period gates (rows in the period, how
    // stale the export is) say nothing about how they were read, so a failure of those alone
    // is not one of reading. Every other gate must pass.
    let failed: Vec<String> = ledger["gates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["outcome"] == "failed")
        .filter(|g| {
            !matches!(
                g["gate"].as_str(),
                Some("rows_in_period" | "staleness_days")
            )
        })
        .map(|g| format!("gate {} failed: {}", g["gate"], g["message"]))
        .collect();
    let period_gates_only = code == 0 && status.status.code() == Some(1) && failed.is_empty();
    if status.status.code() != Some(code) && !period_gates_only {
        problems.push(format!(
            "validate exit {:?}, expected {code}",
            status.status.code()
        ));
    }
    if usable {
        problems.extend(failed);
    }
    let sources = ledger["sources"].as_array().unwrap();
    let want = expected["source"].as_array().unwrap();
    if sources.len() != want.len() {
        problems.push(format!(
            "{} sources read, {} expected",
            sources.len(),
            want.len()
        ));
    }
    for w in want {
        let file = w["file"].as_str().unwrap();
        let Some(s) = sources.iter().find(|s| s["path"] == file) else {
            problems.push(format!("{file}: not read"));
            continue;
        };
        let mut expect = |what: &str, got: &Value, want: &toml::Value| {
            problems.extend(differs(file, what, got, want));
        };
        let want_of = |k: &str| w.get(k).cloned();
        expect("table", &s["table"], &want_of("table").unwrap());
        expect("rows_read", &s["rows_read"], &want_of("rows_read").unwrap());
        expect(
            "rows_accepted",
            &s["rows_accepted"],
            &want_of("rows_accepted").unwrap(),
        );
        if let Some(errors) = s["errors"].as_array().filter(|e| !e.is_empty()) {
            expect(
                "errors",
                &Value::from(errors.len()),
                &toml::Value::Integer(0),
            );
        }
        if let Some(cols) = w.get("columns").and_then(|c| c.as_table()) {
            for (canonical, header) in cols {
                let got = s["detection"]["columns"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["canonical"] == canonical.as_str())
                    .map_or(Value::Null, |c| c["source"].clone());
                expect(&format!("column {canonical}"), &got, header);
            }
        }
        if let Some(kind) = want_of("key") {
            let key = &s["key"];
            expect("key kind", &key["kind"], &kind);
            expect(
                "key column",
                &key["column"],
                &want_of("key_column").unwrap(),
            );
            let unmatched =
                key["unmatched"].as_i64().unwrap_or(-1) + key["ambiguous"].as_i64().unwrap_or(0);
            expect(
                "unmatched rows",
                &Value::from(unmatched),
                &want_of("unmatched").unwrap(),
            );
            let listed = key["rows"].as_array().map_or(0, Vec::len) as i64;
            expect(
                "rows listed",
                &Value::from(listed),
                &want_of("unmatched").unwrap(),
            );
            let checked = s["unmatched_customers"]["rows"].as_i64().unwrap_or(0);
            expect(
                "unmatched_customers",
                &Value::from(checked),
                &want_of("unmatched").unwrap(),
            );
        }
    }
    if !problems.is_empty() {
        problems.insert(0, format!("== {name}\n{printed}"));
    }
    problems
}

#[test]
fn every_corpus_folder_reads_with_no_hand_mapping() {
    let tmp = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = fs::read_dir(corpus())
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("expected.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 14, "{names:?}");
    let problems: Vec<String> = names.iter().flat_map(|n| check(n, tmp.path())).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn four_systems_keyed_by_e_mail_audit_end_to_end_with_init_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy("four-systems", tmp.path());
    let printed = init(&dir, 0);
    // The decision and its candidates are in what init printed and wrote.
    assert!(
        printed.contains("Requester matched 0 of 300 rows, Requester email matched 300 of 300"),
        "{printed}"
    );
    let toml = fs::read_to_string(dir.join("audit.toml")).unwrap();
    assert!(toml.contains("key = \"email\""), "{toml}");
    assert!(toml.contains("using Requester email"), "{toml}");
    let out = tmp.path().join("reports");
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args([
            "run", "--quiet", "--period", "2026-Q2", "--format", "json", "--config",
        ])
        .arg(dir.join("audit.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    let indicators: Value = serde_json::from_slice(
        &fs::read(
            out.join("four-systems")
                .join("2026-Q2")
                .join("indicators.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(indicators.is_object());
    let ledger: Value = serde_json::from_slice(
        &fs::read(
            out.join("four-systems")
                .join("2026-Q2")
                .join("validation.json"),
        )
        .unwrap(),
    )
    .unwrap_or(Value::Null);
    if let Some(sources) = ledger["sources"].as_array() {
        for s in sources.iter().filter(|s| s["table"] != "customers") {
            assert_eq!(s["key"]["unmatched"], 0, "{s}");
        }
    }
}

#[test]
fn without_a_customers_table_the_key_most_files_share_becomes_the_id() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy("four-systems", tmp.path());
    fs::remove_file(dir.join("crm_contacts.csv")).unwrap();
    init(&dir, 0);
    let out = tmp.path().join("out");
    Command::cargo_bin("crm-audit")
        .unwrap()
        // The exports end on 28 Sep 2026: audited as of the next day's quarter, none is stale.
        .args(["validate", "--quiet", "--as-of", "2026-10-01", "--config"])
        .arg(dir.join("audit.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    let ledger: Value = serde_json::from_slice(
        &fs::read(out.join("four-systems").join("validation.json")).unwrap(),
    )
    .unwrap();
    let sources = ledger["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 4);
    for s in sources {
        // The tickets' Requester (a name) gives way to their e-mail, as in every other file.
        assert_eq!(s["key"]["kind"], "email", "{s}");
        assert_eq!(s["key"]["customers_table"], false, "{s}");
        assert_eq!(s["rows_rejected"], 0, "{s}");
    }
    let tickets = sources
        .iter()
        .find(|s| s["path"] == "zendesk_tickets.csv")
        .unwrap();
    assert_eq!(tickets["key"]["column"], "Requester email");
}
