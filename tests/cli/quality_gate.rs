//! The quality gate through the real binary (issue 17): a generated client with one thing broken
//! at a time fails with exit 1 and one sentence; the same client passes with exit 0 and status
//! `warnings` once audit.toml marks the source optional or raises the threshold. Also the exit
//! codes of a bad audit.toml, `--warn-error`, `validate`, and the sample clients' plain `ok`.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// The day of the run in these tests: a few days after the samples' history ends (30/09/2026).
const AS_OF: &str = "2026-10-05";

/// A generated English-style client (invoices.csv, tickets.xlsx, ...) in `dir/name`.
fn client(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["sample", "--quiet", "--customers", "300", "--seed", "17"])
        .args(["--lang", "en", "--out"])
        .arg(&out)
        .args(extra)
        .assert()
        .code(0);
    out
}

fn run(client: &Path, out: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["run", "--quiet", "--format", "json", "--config"])
        .arg(client.join("audit.toml"))
        .arg("--out")
        .arg(out)
        .args(args)
        .assert()
}

fn manifest_entry(out: &Path) -> Value {
    let m: Value = serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    m["clients"][0].clone()
}

/// Appends TOML to the client's audit.toml.
fn configure(client: &Path, toml: &str) {
    let path = client.join("audit.toml");
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str(toml);
    fs::write(path, text).unwrap();
}

/// Rewrites one column of invoices.csv, row by row (`i` counts data rows from 0).
fn edit_invoices(client: &Path, column: usize, edit: impl Fn(usize, &str) -> String) {
    let path = client.join("invoices.csv");
    let text = fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let mut out = vec![lines.next().unwrap().to_string()];
    for (i, line) in lines.enumerate() {
        let mut fields = split_csv(line);
        fields[column] = edit(i, &fields[column]);
        out.push(fields.join(","));
    }
    fs::write(path, out.join("\n") + "\n").unwrap();
}

/// Fields of one CSV line, quotes kept as written.
fn split_csv(line: &str) -> Vec<String> {
    let (mut fields, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// The gate of a kind in a manifest entry or validation.json.
fn gate<'a>(gates: &'a Value, kind: &str, source: &str) -> &'a Value {
    gates
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["gate"] == kind && g["source"].as_str().unwrap_or("").contains(source))
        .unwrap_or_else(|| panic!("no {kind} gate for {source} in {gates}"))
}

fn assert_fails_with(out: &Path, sentence: &str) -> Value {
    let e = manifest_entry(out);
    assert_eq!(e["status"], "failed", "{e}");
    let error = e["error"].as_str().unwrap();
    assert!(
        error.contains(sentence),
        "{error}\n  does not contain\n{sentence}"
    );
    e
}

fn assert_warnings(out: &Path) -> Value {
    let e = manifest_entry(out);
    assert_eq!(e["status"], "warnings", "{e}");
    assert!(e["error"].is_null());
    let period = e["period"].as_str().unwrap();
    let dir = out.join(e["client"].as_str().unwrap()).join(period);
    assert!(dir.join("indicators.json").is_file());
    let v: Value = serde_json::from_slice(&fs::read(dir.join("validation.json")).unwrap()).unwrap();
    assert!(
        v["gates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["outcome"] == "warning"),
        "validation.json lists the gates: {}",
        v["gates"]
    );
    e
}

#[test]
fn a_corrupt_workbook_named_in_audit_toml_fails_the_client_unless_optional() {
    let tmp = tempfile::tempdir().unwrap();
    let c = client(tmp.path(), "corrupt-tickets", &[]);
    let bytes = fs::read(c.join("tickets.xlsx")).unwrap();
    fs::write(c.join("tickets.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
    let out = tmp.path().join("out");
    run(&c, &out, &["--as-of", AS_OF]).code(1);
    let e = assert_fails_with(&out, "tickets.xlsx: ");
    let error = e["error"].as_str().unwrap();
    assert!(error.contains("the file is named in audit.toml"), "{error}");
    assert!(!error.contains("{ "), "no debug text: {error}");
    let g = gate(&e["gates"], "source_readable", "tickets.xlsx");
    assert_eq!(g["outcome"], "failed");
    assert_eq!(g["threshold"], 0.0);
    // The ledger is left where `validate` puts it, for the consultant to read.
    assert!(out.join("corrupt-tickets/validation.json").is_file());

    let toml = fs::read_to_string(c.join("audit.toml")).unwrap().replace(
        "file = \"tickets.xlsx\"",
        "file = \"tickets.xlsx\"\noptional = true",
    );
    fs::write(c.join("audit.toml"), toml).unwrap();
    run(&c, &out, &["--as-of", AS_OF]).code(0);
    let e = assert_warnings(&out);
    assert_eq!(
        gate(&e["gates"], "source_readable", "tickets.xlsx")["outcome"],
        "warning"
    );
    // --warn-error turns the warning into a failure.
    run(&c, &out, &["--as-of", AS_OF, "--warn-error"]).code(1);
    assert_fails_with(&out, "(a warning, failed by --warn-error)");
}

#[test]
fn invoices_with_mostly_unreadable_amounts_fail_until_the_threshold_is_raised() {
    let tmp = tempfile::tempdir().unwrap();
    let c = client(tmp.path(), "bad-amounts", &[]);
    edit_invoices(&c, 7, |i, v| {
        if i % 100 < 86 {
            "#VALUE!".into()
        } else {
            v.into()
        }
    });
    let out = tmp.path().join("out");
    run(&c, &out, &["--as-of", AS_OF]).code(1);
    let e = assert_fails_with(
        &out,
        "rows (86%) rejected, above the 1% allowed: 'Amount' is not a number in",
    );
    let error = e["error"].as_str().unwrap();
    assert!(error.starts_with("invoices.csv: "), "{error}");
    assert!(error.ends_with("; see rejected_rows.csv"), "{error}");
    let g = gate(&e["gates"], "rejected_share", "invoices.csv");
    assert_eq!(g["threshold"], 0.01);
    assert!(g["observed"].as_f64().unwrap() > 0.85);
    assert!(out.join("bad-amounts/rejected_rows.csv").is_file());

    // validate applies the same gate, with the same sentence.
    let checks = tmp.path().join("checks");
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["validate", "--as-of", AS_OF, "--config"])
        .arg(c.join("audit.toml"))
        .arg("--out")
        .arg(&checks)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("FAILED: invoices.csv: "));
    let v: Value =
        serde_json::from_slice(&fs::read(checks.join("bad-amounts/validation.json")).unwrap())
            .unwrap();
    assert_eq!(
        gate(&v["gates"], "rejected_share", "invoices.csv")["outcome"],
        "failed"
    );

    configure(&c, "\n[quality]\nmax_rejected_share = 0.9\n");
    run(&c, &out, &["--as-of", AS_OF]).code(0);
    let e = assert_warnings(&out);
    assert_eq!(
        gate(&e["gates"], "rejected_share", "invoices.csv")["threshold"],
        0.9
    );
}

#[test]
fn invoices_dated_in_2099_fail_as_future_dated_until_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let c = client(tmp.path(), "year-2099", &[]);
    edit_invoices(&c, 1, |_, v| match v.get(4..) {
        Some("-02-29") => "2099-02-28".into(),
        Some(rest) if !v.is_empty() => format!("2099{rest}"),
        _ => v.into(),
    });
    let out = tmp.path().join("out");
    run(&c, &out, &["--as-of", AS_OF]).code(1);
    let e = assert_fails_with(
        &out,
        "have a date after 5 Oct 2026, the day of the run, above the 0.1% allowed",
    );
    assert_eq!(
        gate(&e["gates"], "future_share", "invoices.csv")["outcome"],
        "failed"
    );
    // Nothing is left in the audited quarter either.
    assert_eq!(
        gate(&e["gates"], "rows_in_period", "invoices.csv")["observed"],
        0.0
    );

    configure(
        &c,
        "\n[quality]\nmax_future_share = 1.0\nmin_rows_in_period = 0\n",
    );
    run(&c, &out, &["--as-of", AS_OF]).code(0);
    assert_warnings(&out);
}

#[test]
fn an_empty_future_quarter_fails_until_the_gates_allow_it() {
    let tmp = tempfile::tempdir().unwrap();
    let c = client(tmp.path(), "future-quarter", &[]);
    let out = tmp.path().join("out");
    let args = ["--period", "2027-Q1", "--as-of", "2027-04-02"];
    run(&c, &out, &args).code(1);
    let e = assert_fails_with(
        &out,
        "No transaction is dated in the audited period 2027-Q1 (1 Jan 2027 – 31 Mar 2027)",
    );
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("invoices.csv ends on 30 Sep 2026, 182 days before the end of the audited period (31 Mar 2027): the export looks stale")
    );
    assert_eq!(e["period"], "2027-Q1");

    configure(
        &c,
        "\n[quality]\nmin_rows_in_period = 0\nmax_staleness_days = 365\n",
    );
    run(&c, &out, &args).code(0);
    let e = assert_warnings(&out);
    assert_eq!(
        gate(&e["gates"], "staleness_days", "invoices.csv")["observed"],
        182.0
    );
}

#[test]
fn last_month_resolves_against_the_day_of_the_run_and_a_stale_export_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let c = client(tmp.path(), "stale", &[]);
    let out = tmp.path().join("out");
    // The upstream job stopped in September; the monthly run of 1 December audits November.
    run(
        &c,
        &out,
        &["--period", "last-month", "--as-of", "2026-12-01"],
    )
    .code(1);
    let e = assert_fails_with(
        &out,
        "invoices.csv ends on 30 Sep 2026, 61 days before the end of the audited period \
         (30 Nov 2026): the export looks stale",
    );
    assert_eq!(e["period"], "2026-11");

    // A history ending mid-quarter: rows in the quarter, but 46 days short of its end.
    let c = client(tmp.path(), "stale-q4", &["--end", "2026-11-15"]);
    let args = ["--period", "last-quarter", "--as-of", "2027-01-05"];
    run(&c, &out, &args).code(1);
    let e = assert_fails_with(&out, "46 days before the end of the audited period");
    assert_eq!(
        gate(&e["gates"], "rows_in_period", "invoices.csv")["outcome"],
        "passed"
    );
    configure(&c, "\n[quality]\nmax_staleness_days = 60\n");
    run(&c, &out, &args).code(0);
    let e = assert_warnings(&out);
    assert_eq!(e["period"], "2026-Q4");
}

#[test]
fn unknown_customers_above_the_share_fail_validate() {
    let tmp = tempfile::tempdir().unwrap();
    let c = client(tmp.path(), "orphans", &[]);
    edit_invoices(&c, 2, |i, v| {
        if i % 10 == 0 {
            format!("X{i}")
        } else {
            v.into()
        }
    });
    let checks = tmp.path().join("checks");
    let validate = || {
        Command::cargo_bin("crm-audit")
            .unwrap()
            .args(["validate", "--as-of", AS_OF, "--config"])
            .arg(c.join("audit.toml"))
            .arg("--out")
            .arg(&checks)
            .assert()
    };
    validate().code(1).stdout(predicates::str::contains(
        "have a customer id that is not in the customers table",
    ));
    configure(&c, "\n[quality]\nmax_unmatched_share = 0.2\n");
    validate().code(0);
    let v: Value =
        serde_json::from_slice(&fs::read(checks.join("orphans/validation.json")).unwrap()).unwrap();
    let g = gate(&v["gates"], "unmatched_share", "invoices.csv");
    assert_eq!(g["outcome"], "warning");
    assert_eq!(g["default_threshold"], 0.05);
}

#[test]
fn an_unreadable_file_found_by_discovery_stays_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let c = client(tmp.path(), "discovered", &[]);
    // No [[source]]: every file of the folder is tried.
    let toml = fs::read_to_string(c.join("audit.toml")).unwrap();
    let head = toml.split("[[source]]").next().unwrap().to_string();
    fs::write(c.join("audit.toml"), head).unwrap();
    let bytes = fs::read(c.join("tickets.xlsx")).unwrap();
    fs::write(c.join("tickets.xlsx"), &bytes[..bytes.len() / 3]).unwrap();
    let out = tmp.path().join("out");
    run(&c, &out, &["--as-of", AS_OF]).code(0);
    let e = assert_warnings(&out);
    let g = gate(&e["gates"], "source_readable", "tickets.xlsx");
    assert!(
        g["message"]
            .as_str()
            .unwrap()
            .contains("found in the client folder, could not be read and was left out")
    );
}

#[test]
fn an_invalid_audit_toml_exits_2_alone_and_fails_only_its_client_in_a_portfolio() {
    let tmp = tempfile::tempdir().unwrap();
    let portfolio = tmp.path().join("portfolio");
    let good = client(&portfolio, "good", &[]);
    let bad = portfolio.join("bad");
    fs::create_dir_all(&bad).unwrap();
    fs::write(
        bad.join("audit.toml"),
        "[client]\nname = \"Bad\"\ncolour = 1\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    run(&bad, &out, &[])
        .code(2)
        .stderr(predicates::str::contains("colour"));
    assert!(!out.join("manifest.json").exists());
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["run", "--quiet", "--format", "json", "--as-of", AS_OF])
        .arg("--portfolio")
        .arg(&portfolio)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    let m: Value = serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let status = |name: &str| {
        m["clients"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["client"] == name)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("bad"), "failed");
    assert_eq!(status("good"), "ok");
    assert!(good.join("audit.toml").is_file());
    // validate: the same codes.
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["validate", "--config"])
        .arg(bad.join("audit.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
}

#[test]
fn the_sample_clients_pass_every_gate_with_status_ok_on_their_configured_period() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("reports");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    // No --period and no --as-of: each audit.toml's period, whatever the day.
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["run", "--quiet", "--format", "json", "--portfolio"])
        .arg(&samples)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    let m: Value = serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["status"], "ok");
    for c in m["clients"].as_array().unwrap() {
        assert_eq!(c["status"], "ok", "{}", c["client"]);
        assert_eq!(c["period"], "2026-Q3");
        let gates = c["gates"].as_array().unwrap();
        assert!(gates.len() >= 10, "{gates:?}");
        assert!(gates.iter().all(|g| g["outcome"] == "passed"), "{gates:?}");
        for w in c["warnings"].as_array().unwrap() {
            let w = w.as_str().unwrap();
            assert!(
                !w.contains(" { ") && !w.contains("Some("),
                "debug text: {w}"
            );
        }
    }
}
