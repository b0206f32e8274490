//! Large CSV exports are read in slices (parsed, converted and dropped one at a time). These
//! tests shrink the slice size with `CRM_AUDIT_CSV_SLICE_KB` so that small files take that path,
//! and check that every output is byte-identical to reading the same files whole.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// These hand-made exports hold defects on purpose and a period the quality gate would refuse;
/// the gate has tests of its own (quality_gate.rs), so here it lets everything through.
const LENIENT_GATE: &str = "\n[quality]\nmax_rejected_share = 1.0\nmax_unmatched_share = 1.0\n\
    max_future_share = 1.0\nmin_rows_in_period = 0\nmax_staleness_days = 36500\n";

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
            log.matches("csv slice read from its lines").count() > 10,
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
        [
            "[client]\nname = \"Slices\"\nlang = \"en\"\ncurrency = \"EUR\"\n\n\
         [[source]]\ntable = \"transactions\"\nfile = \"invoices.csv\"\n",
            LENIENT_GATE,
        ]
        .concat(),
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
        [
            "[client]\nname = \"Mixto\"\nlang = \"es\"\ncurrency = \"EUR\"\n\n\
         [[source]]\ntable = \"transactions\"\nfile = \"facturas.csv\"\n",
            LENIENT_GATE,
        ]
        .concat(),
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

#[test]
fn slices_read_straight_from_their_lines_match_polars_on_awkward_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("client");
    std::fs::create_dir_all(&dir).unwrap();
    // Lines after the first slice without a quote are read without polars (src/ingest/csv/direct.rs).
    // Every awkward kind of row appears in them: blank lines and `;;;` lines (skipped and counted),
    // short lines (missing cells), long lines (extra cells ignored), blanks-only cells, untrimmed
    // text, unreadable amounts and dates, scores out of range, flags in both languages, CRLF
    // endings, quoted fields with separators, doubled quotes and line ends inside, a slice with
    // a quote inside an unquoted field (read by polars in the middle), and a last line without
    // a line end.
    let mut tx = String::from("Cliente;Fecha;Importe;Producto;Factura\r\n");
    let mut cx =
        String::from("Cliente;Fecha apertura;Fecha cierre;Canal;Primer contacto;Reabierta\r\n");
    let mut sv = String::from("Cliente;Fecha;NPS;CSAT\n");
    for i in 0..6000 {
        let c = format!("C{:04}", i % 350);
        let d = 1 + i % 28;
        let line = match i % 97 {
            5 => String::new(),
            11 => ";;;;".to_string(),
            17 => format!("{c};{d:02}/08/2026"),
            23 => format!("{c};{d:02}/08/2026;3,50;Tornillo;F{i};extra;más"),
            29 => format!("{c};{d:02}/08/2026;  ;Tuerca;F{i}"),
            31 => format!("{c};{d:02}/08/2026;n/d;Tuerca;F{i}"),
            37 => format!("{c};31/02/2026;1,00;Tuerca;F{i}"),
            41 => format!("  {c}  ;{d:02}/08/2026;1.234,50;  Arandela ;F{i}"),
            43 if (2000..2100).contains(&i) => {
                format!("{c};{d:02}/08/2026;2,00;Tornillo \"grande\";F{i}")
            }
            47 => format!(
                "\"{c}\";\"{d:02}/08/2026\";\"2,00\";\"Tornillo; \"\"grande\"\"\nde 3/4\";F{i}"
            ),
            53 => format!("{c};{d:02}/08/2026;\"\";\"\";F{i}"),
            59 => format!("{c};{d:02}/08/2026;\"n/\"\"d\";Tuerca;\"F;{i}\""),
            _ => format!("{c};{d:02}/08/2026;{},{:02};Tornillo;F{i}", i % 40, i % 100),
        };
        tx.push_str(&line);
        tx.push_str("\r\n");
        let flag = ["Sí", "No", "yes", "quizá", "", "1"][i % 6];
        let resolved = if i % 13 == 0 {
            "nunca".to_string()
        } else {
            format!("{:02}/09/2026 10:{:02}", d, i % 60)
        };
        cx.push_str(&format!(
            "{c};{d:02}/08/2026 09:{:02};{resolved};Teléfono;{flag};{}\r\n",
            i % 60,
            ["No", "Sí", " "][i % 3]
        ));
        let nps = if i % 71 == 0 {
            "11".to_string()
        } else {
            (i % 11).to_string()
        };
        let csat = ["5", "4,5", "", "3", "0"][i % 5];
        sv.push_str(&format!("{c};{d:02}/08/2026;{nps};{csat}\n"));
    }
    tx.push_str("C0001;14/08/2026;7,25;Tornillo;FIN");
    for (name, text) in [
        ("facturas.csv", &tx),
        ("reclamaciones.csv", &cx),
        ("encuestas.csv", &sv),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    std::fs::write(
        dir.join("audit.toml"),
        [
            "[client]\nname = \"Bordes\"\nlang = \"es\"\ncurrency = \"EUR\"\n\n\
         [[source]]\ntable = \"transactions\"\nfile = \"facturas.csv\"\n\n\
         [[source]]\ntable = \"complaints\"\nfile = \"reclamaciones.csv\"\n\n\
         [[source]]\ntable = \"surveys\"\nfile = \"encuestas.csv\"\n",
            LENIENT_GATE,
        ]
        .concat(),
    )
    .unwrap();
    let config = dir.join("audit.toml");
    let (whole, _) = run(&config, &tmp.path().join("whole"), None);
    let (sliced, log) = run(&config, &tmp.path().join("sliced"), Some("16"));
    assert!(log.contains("csv slice read from its lines"), "{log}");
    assert!(
        log.contains("csv slice parsed"),
        "the quoted slice went to polars"
    );
    assert_same_outputs(&whole, &sliced);
    let validation = std::fs::read_to_string(sliced.join("validation.json")).unwrap();
    for named in ["n/d", "n/\\\"d", "31/02/2026", "quizá", "nunca"] {
        assert!(validation.contains(named), "{named} is named: {validation}");
    }
}
