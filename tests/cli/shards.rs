//! A portfolio sharded as a Kubernetes Indexed Job runs it (see the README): shard processes in
//! parallel, each with `--shards N` and its `JOB_COMPLETION_INDEX`, writing into one output
//! folder, then `crm-audit portfolio` as the follow-up merge.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

const PERIOD: &str = "2026-Q3";
const EPOCH: &str = "1793491200";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("crm-audit")
}

/// Generated clients of different sizes under `root/portfolio`.
fn portfolio(root: &Path, clients: &[(&str, u32, u32)]) -> PathBuf {
    let p = root.join("portfolio");
    for (name, customers, seed) in clients {
        Command::new(bin())
            .args(["sample", "--quiet", "--lang", "en", "--name", name])
            .args(["--customers", &customers.to_string()])
            .args(["--seed", &seed.to_string(), "--out"])
            .arg(p.join(name))
            .assert()
            .code(0);
    }
    p
}

/// `crm-audit run` on the whole portfolio in one process; returns its exit code.
fn single_run(portfolio: &Path, out: &Path) -> i32 {
    let status = std::process::Command::new(bin())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["run", "--quiet", "--period", PERIOD, "--portfolio"])
        .arg(portfolio)
        .arg("--out")
        .arg(out)
        .status()
        .unwrap();
    status.code().unwrap()
}

/// The pods of the Indexed Job: `n` processes at once, each told its index by
/// `JOB_COMPLETION_INDEX`; returns their exit codes by index.
fn sharded_run(portfolio: &Path, out: &Path, n: usize) -> Vec<i32> {
    let children: Vec<_> = (0..n)
        .map(|k| {
            std::process::Command::new(bin())
                .env("SOURCE_DATE_EPOCH", EPOCH)
                .env("JOB_COMPLETION_INDEX", k.to_string())
                .args(["run", "--quiet", "--jobs", "1", "--period", PERIOD])
                .args(["--shards", &n.to_string(), "--portfolio"])
                .arg(portfolio)
                .arg("--out")
                .arg(out)
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|mut c| c.wait().unwrap().code().unwrap())
        .collect()
}

/// The follow-up merge Job.
fn merge(out: &Path, extra: &[&str]) -> i32 {
    let status = std::process::Command::new(bin())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["portfolio", "--quiet", "--period", PERIOD, "--out"])
        .arg(out)
        .args(extra)
        .status()
        .unwrap();
    status.code().unwrap()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

fn client_names(manifest: &serde_json::Value) -> Vec<String> {
    manifest["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn three_shards_audit_each_client_once_and_merge_into_the_single_runs_page() {
    let tmp = tempfile::tempdir().unwrap();
    let clients = [
        ("client-a", 600, 11),
        ("client-b", 200, 12),
        ("client-c", 450, 13),
        ("client-d", 300, 14),
    ];
    let p = portfolio(tmp.path(), &clients);
    let single = tmp.path().join("single");
    assert_eq!(single_run(&p, &single), 0);

    let out = tmp.path().join("sharded");
    assert_eq!(sharded_run(&p, &out, 3), [0, 0, 0]);
    assert!(
        !out.join("manifest.json").exists() && !out.join(PERIOD).exists(),
        "shards leave the page and manifest.json to the merge"
    );
    let mut audited: Vec<String> = (0..3)
        .flat_map(|k| client_names(&json(&out.join(format!("manifest.shard-{k}-of-3.json")))))
        .collect();
    audited.sort();
    let all: Vec<&str> = clients.iter().map(|c| c.0).collect();
    assert_eq!(audited, all, "every client audited exactly once");
    for (name, ..) in clients {
        assert!(out.join(name).join(PERIOD).join("report.pdf").is_file());
    }

    assert_eq!(merge(&out, &[]), 0);
    for page in ["index.html", "index.pdf"] {
        let merged = fs::read(out.join(PERIOD).join(page)).unwrap();
        let reference = fs::read(single.join(PERIOD).join(page)).unwrap();
        assert!(merged == reference, "{page} differs from the single run's");
    }
    let (m, s) = (
        json(&out.join("manifest.json")),
        json(&single.join("manifest.json")),
    );
    assert_eq!(m["status"], "ok");
    assert_eq!(client_names(&m), all);
    assert_eq!(m["outputs"], s["outputs"]);
    for (merged, one) in m["clients"]
        .as_array()
        .unwrap()
        .iter()
        .zip(s["clients"].as_array().unwrap())
    {
        assert_eq!(merged["outputs"], one["outputs"], "{}", merged["client"]);
    }
}

#[test]
fn a_client_failed_in_one_shard_fails_the_merge_and_a_missing_shard_too() {
    let tmp = tempfile::tempdir().unwrap();
    let p = portfolio(tmp.path(), &[("client-a", 250, 21), ("client-b", 200, 22)]);
    let broken = p.join("client-broken");
    fs::create_dir_all(&broken).unwrap();
    fs::write(broken.join("audit.toml"), "[client\nname = ").unwrap();

    let out = tmp.path().join("sharded");
    let mut codes = sharded_run(&p, &out, 2);
    codes.sort();
    assert_eq!(
        codes,
        [0, 1],
        "only the shard holding the broken client fails"
    );

    assert_eq!(merge(&out, &[]), 1);
    let m = json(&out.join("manifest.json"));
    assert_eq!(m["status"], "failed");
    assert_eq!(
        client_names(&m),
        ["client-a", "client-b", "client-broken"],
        "the failed client is in the merged manifest"
    );
    assert!(out.join(PERIOD).join("index.html").is_file());

    assert_eq!(merge(&out, &["--shards", "3"]), 1, "shards of 3 never ran");
}
