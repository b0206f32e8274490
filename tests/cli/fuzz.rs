//! The loaders' fuzzer on every push (issue 17): a few thousand generated inputs of a fixed seed
//! must give no panic, no hang, no unaccounted row and no line-end mismatch (see
//! docs/fuzzing.md; `benches/fuzz.sh` runs a million). And old Mac CR-only line ends are read as
//! the records they are.

use chrono::NaiveDate;
use crm_audit::config::AuditConfig;
use crm_audit::ingest::{IngestOptions, IngestResult, fuzz, ingest_client};
use std::path::Path;

const SLICE_ENV: &str = "CRM_AUDIT_CSV_SLICE_KB";
const TEST: &str = "fuzz::generated_inputs_hold_the_property";

/// Runs in a child process of this test binary, with CSV files of 128 KB and more read in
/// slices (the environment of this process cannot be changed while other tests run).
#[test]
fn generated_inputs_hold_the_property() {
    if std::env::var_os(SLICE_ENV).is_none() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(SLICE_ENV, "64")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("1 passed"), "the child ran nothing:\n{text}");
        println!("{text}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = fuzz::Options::new(3000, 17, 2);
    opts.dir = tmp.path().join("work");
    let s = fuzz::run(&opts);
    println!("{}", s.report());
    assert_eq!(s.inputs, 3000, "{}", s.report());
    assert!(s.clean(), "{}", s.report());
    // The inputs reach the converters, not only the readers' error paths.
    assert!(s.rows_read > 5_000 && s.tables > 250, "{}", s.report());
}

fn ingest(dir: &Path, file: &str, bytes: &[u8]) -> IngestResult {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(file), bytes).unwrap();
    let text = format!(
        "[client]\nname = \"Mac\"\nid = \"mac\"\n[[source]]\ntable = \"transactions\"\nfile = \"{file}\"\n"
    );
    let mut cfg: AuditConfig = toml::from_str(&text).unwrap();
    cfg.base_dir = dir.to_path_buf();
    ingest_client(
        &cfg,
        IngestOptions::as_of(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()),
    )
}

fn counts(r: &IngestResult) -> (usize, usize, usize, usize) {
    let s = &r.ledger.sources[0];
    (
        s.rows_read,
        s.rows_accepted,
        s.rows_rejected,
        s.empty_rows_skipped,
    )
}

#[test]
fn old_mac_cr_line_ends_give_the_rows_of_the_lf_file() {
    let lf = "Nº factura;Fecha;Cód. cliente;Importe\n\
              F1;03/01/2026;C001;1.234,50\n\
              F2;15/01/2026;C002;\"12,00\"\n\
              F3;31/02/2026;C003;5\n\
              \n\
              F4;02/02/2026;C001;\"nota\nen dos líneas\"\n\
              F5;20/02/2026;C004;n/a\n";
    let tmp = tempfile::tempdir().unwrap();
    let base = ingest(&tmp.path().join("lf"), "facturas.csv", lf.as_bytes());
    // Five data rows: the impossible date and the two amounts that are not numbers (one of
    // them a cell over two lines) rejected, the blank line skipped.
    assert_eq!(counts(&base), (5, 2, 3, 1), "{:?}", base.ledger.sources[0]);
    let cr = lf.replace('\n', "\r");
    let crlf = lf.replace('\n', "\r\n");
    let mixed: String = lf
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| match i % 3 {
            0 => l.replace('\n', "\r"),
            1 => l.replace('\n', "\r\n"),
            _ => l.to_string(),
        })
        .collect();
    let windows_1252 = encoding_rs::WINDOWS_1252.encode(&cr).0.into_owned();
    let mut utf16 = vec![0xFF, 0xFE];
    cr.encode_utf16()
        .for_each(|u| utf16.extend_from_slice(&u.to_le_bytes()));
    let cases: [(&str, &[u8]); 5] = [
        ("cr", cr.as_bytes()),
        ("crlf", crlf.as_bytes()),
        ("mixed", mixed.as_bytes()),
        ("cr-1252", &windows_1252),
        ("cr-utf16", &utf16),
    ];
    let expected = &base.tables.transactions;
    for (name, bytes) in cases {
        let r = ingest(&tmp.path().join(name), "facturas.csv", bytes);
        assert!(
            r.ledger.sources[0].errors.is_empty(),
            "{name}: {:?}",
            r.ledger
        );
        assert_eq!(counts(&r), counts(&base), "{name}");
        let got = &r.tables.transactions;
        let ids = |df: &polars::prelude::DataFrame| {
            let c = df.column("invoice_id").unwrap();
            (0..df.height())
                .map(|i| c.get(i).unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(got), ids(expected), "{name}");
        let amounts = |df: &polars::prelude::DataFrame| {
            df.column("net_amount")
                .unwrap()
                .f64()
                .unwrap()
                .iter()
                .collect::<Vec<_>>()
        };
        assert_eq!(amounts(got), amounts(expected), "{name}");
    }
}
