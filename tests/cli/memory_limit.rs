//! Inputs larger than the memory allowed fail before any is read, with the sizes in the
//! manifest, and no report is written for that client.

use assert_cmd::Command;

#[test]
fn a_client_too_large_for_the_memory_limit_fails_with_the_sizes() {
    let tmp = tempfile::tempdir().unwrap();
    let client = tmp.path().join("big");
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args([
            "sample",
            "--quiet",
            "--customers",
            "200",
            "--seed",
            "9",
            "--out",
        ])
        .arg(&client)
        .assert()
        .code(0);
    let out = tmp.path().join("reports");
    let run = |limit: &str| {
        Command::cargo_bin("crm-audit")
            .unwrap()
            .env("CRM_AUDIT_MEMORY_LIMIT_MB", limit)
            .args(["run", "--quiet", "--format", "json", "--config"])
            .arg(client.join("audit.toml"))
            .arg("--out")
            .arg(&out)
            .assert()
    };
    // 200 customers need well over 1 MB (the base alone is 400 MB): refused, exit 1.
    run("1").code(1);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let error = manifest["clients"][0]["error"].as_str().unwrap();
    assert!(
        error.contains("GB of memory") && error.contains("CRM_AUDIT_MEMORY_LIMIT_MB"),
        "{error}"
    );
    assert!(
        !out.join("big").exists(),
        "no report folder for a refused client"
    );
    // 0 turns the check off: the same client then runs.
    run("0").code(0);
    assert!(out.join("big").is_dir());
}
