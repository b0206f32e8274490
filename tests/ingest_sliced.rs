//! Large CSV exports are read in slices (parsed, converted and dropped one at a time). These
//! tests shrink the slice size with `CRM_AUDIT_CSV_SLICE_KB` so that small files take that path,
//! and check that every output is byte-identical to reading the same files whole.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const OUTPUTS: [&str; 4] = [
    "indicators.json",
    "validation.json",
    "rejected_rows.csv",
    "clv_scores.csv",
];

fn sample(dir: &Path, lang: &str, customers: &str, seed: &str) -> PathBuf {
    let client = dir.join(format!("client-{lang}"));
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args([
            "sample",
            "--quiet",
            "--customers",
            customers,
            "--seed",
            seed,
        ])
        .args(["--lang", lang, "--out"])
        .arg(&client)
        .assert()
        .code(0);
    client.join("audit.toml")
}

/// Runs the audit; `slice_kb` set reads every CSV over two slices in slices. Returns the
/// folder of the period's outputs and the run's log.
fn run(config: &Path, out: &Path, slice_kb: Option<&str>) -> (PathBuf, String) {
    let mut cmd = Command::cargo_bin("crm-audit").unwrap();
    cmd.env("RUST_LOG", "crm_audit::ingest=trace")
        .args(["run", "--period", "2026-Q3", "--config"])
        .arg(config)
        .arg("--out")
        .arg(out);
    match slice_kb {
        Some(kb) => cmd.env("CRM_AUDIT_CSV_SLICE_KB", kb),
        None => cmd.env_remove("CRM_AUDIT_CSV_SLICE_KB"),
    };
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Reports go to OUT/<client folder name>/<period>/.
    let client = out.join(config.parent().unwrap().file_name().unwrap());
    (
        client.join("2026-Q3"),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_same_outputs(whole: &Path, sliced: &Path) {
    for name in OUTPUTS {
        let a = std::fs::read(whole.join(name)).unwrap();
        let b = std::fs::read(sliced.join(name)).unwrap();
        assert!(a == b, "{name} differs between whole and sliced reads");
    }
}

#[test]
fn sliced_reads_give_the_same_outputs_as_whole_reads_in_both_styles() {
    let tmp = tempfile::tempdir().unwrap();
    // en: comma-separated UTF-8, ISO dates; es: Windows-1252, semicolons, decimal commas,
    // dd/mm/yyyy. Both carry the generator's defects (unreadable amounts, empty dates, unknown
    // customers).
    for lang in ["en", "es"] {
        let config = sample(tmp.path(), lang, "1500", "21");
        let (whole, log) = run(&config, &tmp.path().join(format!("whole-{lang}")), None);
        assert!(!log.contains("csv slice parsed"), "read whole by default");
        let (sliced, log) = run(
            &config,
            &tmp.path().join(format!("sliced-{lang}")),
            Some("64"),
        );
        assert!(
            log.matches("csv slice parsed").count() > 10,
            "small slices were used"
        );
        assert_same_outputs(&whole, &sliced);
        // The comparison is not of two empty ledgers: the sliced read named the unreadable
        // amounts (`#VALUE!` in English exports, `n/d` in Spanish ones) with their rows.
        let validation = std::fs::read_to_string(sliced.join("validation.json")).unwrap();
        let bad = if lang == "en" { "#VALUE!" } else { "n/d" };
        assert!(validation.contains(bad), "rejected values are named");
        if lang == "es" {
            assert!(validation.contains("windows-1252") && validation.contains("dd/mm/yyyy"));
        }
    }
}

#[test]
fn the_day_month_order_is_decided_from_later_slices_when_the_first_holds_no_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("client");
    std::fs::create_dir_all(&dir).unwrap();
    // A comma-separated file (no locale hint) whose first 3,000 dates are valid either way
    // round; only a row near the end shows they are day-first. A "total" row closes the file.
    let mut csv = String::from("Customer ID,Invoice Date,Amount\n");
    let mut total = 0.0;
    for i in 0..3200 {
        let (d, m) = if i == 3150 {
            (25, 3)
        } else {
            (1 + i % 12, 1 + (i / 12) % 9)
        };
        let amount = 10.0 + f64::from(i % 50) + 0.25;
        total += amount;
        csv.push_str(&format!("C{:04},{d:02}/{m:02}/2026,{amount:.2}\n", i % 400));
        if i == 2000 {
            csv.push_str("C0001,31/02/2026,oops\n");
        }
    }
    csv.push_str(&format!("TOTAL,,{total:.2}\n"));
    std::fs::write(dir.join("invoices.csv"), &csv).unwrap();
    std::fs::write(
        dir.join("audit.toml"),
        "[client]\nname = \"Slices\"\nlang = \"en\"\ncurrency = \"EUR\"\n\n\
         [[source]]\ntable = \"transactions\"\nfile = \"invoices.csv\"\n",
    )
    .unwrap();
    let config = dir.join("audit.toml");
    let (whole, _) = run(&config, &tmp.path().join("whole"), None);
    let (sliced, log) = run(&config, &tmp.path().join("sliced"), Some("16"));
    assert!(log.contains("csv slice parsed"));
    assert_same_outputs(&whole, &sliced);
    let validation: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sliced.join("validation.json")).unwrap()).unwrap();
    let text = validation.to_string();
    assert!(text.contains("dd/mm/yyyy"), "decided day-first: {text}");
    assert!(
        text.contains("31/02/2026") || text.contains("oops"),
        "{text}"
    );
}

#[test]
fn a_file_utf8_in_its_first_slices_but_not_later_is_read_whole_as_windows_1252() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("client");
    std::fs::create_dir_all(&dir).unwrap();
    // 300 KB of ASCII lines, then a product "Año" with ñ as the Windows-1252 byte 0xF1: the
    // sliced read stops at that slice and the file is read again whole, its encoding detected
    // over every byte, exactly as when it is read whole from the start.
    let mut csv = b"Cliente;Fecha;Importe;Producto\r\n".to_vec();
    for i in 0..9000 {
        csv.extend_from_slice(
            format!(
                "C{:04};{:02}/03/2026;1,50;Tornillo\r\n",
                i % 300,
                1 + i % 28
            )
            .as_bytes(),
        );
    }
    csv.extend_from_slice(b"C0001;14/03/2026;7,25;A\xF1o\r\n");
    std::fs::write(dir.join("facturas.csv"), &csv).unwrap();
    std::fs::write(
        dir.join("audit.toml"),
        "[client]\nname = \"Mixto\"\nlang = \"es\"\ncurrency = \"EUR\"\n\n\
         [[source]]\ntable = \"transactions\"\nfile = \"facturas.csv\"\n",
    )
    .unwrap();
    let config = dir.join("audit.toml");
    let (whole, _) = run(&config, &tmp.path().join("whole"), None);
    let (sliced, log) = run(&config, &tmp.path().join("sliced"), Some("16"));
    assert!(
        log.contains("csv slice parsed"),
        "the sliced read was tried"
    );
    assert_same_outputs(&whole, &sliced);
    let validation = std::fs::read_to_string(sliced.join("validation.json")).unwrap();
    assert!(validation.contains("windows-1252"), "{validation}");
    assert!(
        validation.contains("\"rows_read\": 9001") || validation.contains("\"rows_read\":9001")
    );
}
