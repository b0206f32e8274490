//! Action lists through the real binary (issue 20): on a generated client, actions.xlsx and
//! actions/*.csv hold the customers behind the findings with the same counts and totals as
//! indicators.json and the findings' statements; text a spreadsheet would evaluate stays text;
//! `[output] personal_data = false` leaves e-mail and phone out.

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use polars::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const PLANTED: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

/// A 1,000-customer English sample client whose customer names all start with a formula and
/// whose customers file gains a phone column ("+34 ..." also starts like a formula).
fn client(root: &Path) -> PathBuf {
    let dir = root.join("client");
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args([
            "sample",
            "--customers",
            "1000",
            "--seed",
            "7",
            "--lang",
            "en",
        ])
        .arg("--out")
        .arg(&dir)
        .assert()
        .code(0);
    let path = dir.join("customers.csv");
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.clone()))
        .unwrap()
        .finish()
        .unwrap();
    let n = df.height();
    let names: Vec<String> = df
        .column("Company Name")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| format!("{PLANTED} {}", v.unwrap_or("")))
        .collect();
    df.with_column(Column::new("Company Name".into(), names))
        .unwrap();
    let phones: Vec<String> = (0..n).map(|i| format!("+34 600 {i:06}")).collect();
    df.with_column(Column::new("Phone".into(), phones)).unwrap();
    let mut file = std::fs::File::create(&path).unwrap();
    CsvWriter::new(&mut file).finish(&mut df).unwrap();
    dir
}

fn run(config: &Path, out: &Path) -> PathBuf {
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["run", "--quiet", "--config"])
        .arg(config)
        .arg("--out")
        .arg(out)
        .assert()
        .code(0);
    // OUT/<client>/<period>/, the client being named after its folder.
    let client = out.join("client");
    std::fs::read_dir(&client)
        .unwrap()
        .flatten()
        .find(|e| e.path().is_dir())
        .unwrap()
        .path()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

fn cell_f64(c: &Data) -> Option<f64> {
    match c {
        Data::Float(v) => Some(*v),
        Data::Int(v) => Some(*v as f64),
        _ => None,
    }
}

fn csv_frame(path: &Path) -> DataFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap()
}

/// The figure behind each list, from indicators.json: (customers, rows, money).
fn indicator_figures(ind: &Value, id: &str) -> Option<(f64, f64, Option<f64>)> {
    let svc = &ind["service"]["current"];
    let cur = &ind["current"];
    let v = |x: &Value| num(&x["value"]);
    Some(match id {
        "neglected_valuable" => {
            let n = &svc["engagement"]["neglected"];
            (
                v(&n["neglected"]),
                v(&n["neglected"]),
                Some(v(&n["value_at_stake"])),
            )
        }
        "sales_during_complaint" => {
            let s = &svc["complaints"]["sales_during_open_complaints"];
            (v(&s["customers"]), v(&s["contacts"]), None)
        }
        "open_complaints" => {
            let c = &ind["clv_at_risk"];
            (v(&c["customers"]), v(&c["customers"]), Some(v(&c["clv"])))
        }
        "unprofitable" => {
            let p = &cur["profitability"];
            let n = v(&p["unprofitable_customers"]);
            (n, n, Some(-v(&p["unprofitable_contribution"])))
        }
        "lapsed_win_back" => {
            let n = v(&cur["base"]["lapsed"]);
            (n, n, None)
        }
        "complainers_lapsed" => {
            let n = v(&cur["complainer_churn"]["complainers_lapsed"]);
            (n, n, None)
        }
        _ => return None,
    })
}

#[test]
fn action_lists_match_the_indicators_and_findings_and_stay_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = client(tmp.path());
    let out = run(&dir.join("audit.toml"), &tmp.path().join("out"));
    let json: Value =
        serde_json::from_slice(&std::fs::read(out.join("indicators.json")).unwrap()).unwrap();
    let lists = json["action_lists"].as_array().expect("action_lists");
    assert!(lists.len() >= 5, "at least five lists: {}", lists.len());
    let mut book: Xlsx<_> = open_workbook(out.join("actions.xlsx")).unwrap();
    let sheets = book.sheet_names();
    assert_eq!(sheets[0], "Summary");
    for sheet in &sheets {
        let formulas = book.worksheet_formula(sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet} has formulas"
        );
    }
    let summary = book.worksheet_range("Summary").unwrap();
    let mut dates = 0;
    for list in lists {
        let id = list["id"].as_str().unwrap();
        let (customers, rows, money) = (
            num(&list["customers"]),
            num(&list["rows"]),
            num(&list["money_at_stake"]),
        );
        // indicators.json: the list is the indicator's figure.
        if let Some((c, r, m)) = indicator_figures(&json["indicators"], id) {
            assert_eq!((customers, rows), (c, r), "{id}: customers and rows");
            if let Some(m) = m {
                assert!(close(money, m), "{id}: money {money} against {m}");
            }
        }
        // The summary sheet prints the same count and money.
        let line = summary
            .rows()
            .find(|r| r[0] == Data::String(list["title"].as_str().unwrap().into()))
            .unwrap_or_else(|| panic!("{id} on the summary sheet"));
        assert_eq!(
            cell_f64(&line[2]),
            Some(customers),
            "{id}: summary customers"
        );
        assert!(
            close(cell_f64(&line[4]).unwrap(), money),
            "{id}: summary money"
        );
        // The list's sheet: one row per row, the money column sums to the money at stake.
        let range = book
            .worksheet_range(list["sheet"].as_str().unwrap())
            .unwrap();
        assert_eq!(range.height() as f64 - 1.0, rows, "{id}: sheet rows");
        let csv = csv_frame(&out.join(list["csv"].as_str().unwrap()));
        assert_eq!(csv.height() as f64, rows, "{id}: csv rows");
        let headers: Vec<&str> = csv.get_column_names().iter().map(|c| c.as_str()).collect();
        assert_eq!(
            &headers[..2],
            ["customer_id", "email"],
            "{id}: csv starts with id, e-mail"
        );
        let money_col = list["money_column"].as_str().unwrap();
        let at = headers.iter().position(|h| *h == money_col).unwrap();
        let mut seen = std::collections::HashSet::new();
        let mut total = 0.0;
        for r in range.rows().skip(1) {
            let id_cell = r[0].to_string();
            if seen.insert(id_cell) {
                total += cell_f64(&r[at]).unwrap_or(0.0);
            }
            dates += r.iter().filter(|c| matches!(c, Data::DateTime(_))).count();
            // Names stay text: written as strings, never as formulas.
            if let Data::String(name) = &r[2] {
                assert!(name.starts_with(PLANTED), "{id}: name cell {name}");
            }
        }
        assert!(
            close(total, money),
            "{id}: sheet total {total} against {money}"
        );
        // CSV cells that a spreadsheet would evaluate are neutralised.
        for c in ["name", "phone"] {
            let col = csv.column(c).unwrap().str().unwrap();
            for v in col.iter().flatten() {
                assert!(v.starts_with('\''), "{id}: {c} {v} not neutralised");
            }
        }
        // The finding states the same numbers and names the list.
        for f in json["findings"].as_array().unwrap() {
            if f["action_list"]["id"].as_str() != Some(id) {
                continue;
            }
            let statement = f["statement"].as_str().unwrap();
            match f["id"].as_str().unwrap() {
                "neglected_valuable" | "clv_at_risk" | "unprofitable_customers" => {
                    assert!(
                        statement.contains(&format!("**{customers}**")),
                        "{statement}"
                    )
                }
                "sales_during_complaint" => assert!(
                    statement.contains(&format!(
                        "**{rows}** sales contacts went to {customers} customers"
                    )),
                    "{statement}"
                ),
                _ => {}
            }
            assert!(
                f["action_list"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("list: actions.xlsx › ")
            );
        }
    }
    assert!(dates > 0, "dates are real dates");
    // Every finding with customers names its list; the HTML links to the CSV.
    let named: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["action_list"]["csv"].as_str())
        .collect();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for csv in &named {
        let escaped = csv.replace('/', "&#x2F;");
        assert!(
            html.contains(csv) || html.contains(&escaped),
            "{csv} linked"
        );
    }
    // The manifest lists the new outputs with checksums.
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(tmp.path().join("out").join("manifest.json")).unwrap(),
    )
    .unwrap();
    let outputs = manifest["clients"][0]["outputs"].as_array().unwrap();
    let listed = |suffix: &str| {
        outputs.iter().any(|o| {
            o["path"].as_str().unwrap().ends_with(suffix)
                && o["sha256"].as_str().unwrap().len() == 64
        })
    };
    assert!(listed("actions.xlsx"));
    for list in lists {
        assert!(listed(list["csv"].as_str().unwrap()), "{list}");
    }
}

#[test]
fn personal_data_false_leaves_email_and_phone_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = client(tmp.path());
    let config = dir.join("audit.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[output]\npersonal_data = false\n");
    std::fs::write(&config, text).unwrap();
    let out = run(&config, &tmp.path().join("out"));
    let mut n = 0;
    for entry in std::fs::read_dir(out.join("actions")).unwrap().flatten() {
        let csv = csv_frame(&entry.path());
        let headers: Vec<&str> = csv.get_column_names().iter().map(|c| c.as_str()).collect();
        assert!(
            !headers.contains(&"email") && !headers.contains(&"phone"),
            "{headers:?}"
        );
        assert!(headers.contains(&"account_manager"), "{headers:?}");
        n += 1;
    }
    assert!(n >= 5);
    let mut book: Xlsx<_> = open_workbook(out.join("actions.xlsx")).unwrap();
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).unwrap();
        for c in range.used_cells() {
            if let Data::String(s) = c.2 {
                assert!(!s.contains('@'), "{sheet}: {s}");
                assert!(!s.starts_with("+34 600"), "{sheet}: {s}");
            }
        }
    }
}
