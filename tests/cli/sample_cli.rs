//! `crm-audit sample` through the real binary: a generated client is read back by `validate`
//! with detection only and no errors, for both export styles.

use assert_cmd::Command;

#[test]
fn generated_clients_validate_cleanly_in_both_styles() {
    let tmp = tempfile::tempdir().unwrap();
    for lang in ["es", "en"] {
        let dir = tmp.path().join(format!("client-{lang}"));
        Command::cargo_bin("crm-audit")
            .unwrap()
            .args([
                "sample",
                "--customers",
                "300",
                "--seed",
                "5",
                "--lang",
                lang,
                "--out",
            ])
            .arg(&dir)
            .assert()
            .code(0);
        let out = tmp.path().join("out");
        Command::cargo_bin("crm-audit")
            .unwrap()
            .args(["validate", "--quiet", "--config"])
            .arg(dir.join("audit.toml"))
            .arg("--out")
            .arg(&out)
            .assert()
            .code(0);
        let v: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.join(format!("client-{lang}")).join("validation.json")).unwrap(),
        )
        .unwrap();
        let sources = v["sources"].as_array().unwrap();
        assert_eq!(sources.len(), 5, "five exports per client");
        for s in sources {
            assert!(s["errors"].as_array().unwrap().is_empty(), "{s}");
            assert!(s["rows_accepted"].as_u64().unwrap() > 0, "{s}");
        }
    }
}
