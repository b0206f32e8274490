//! The report through the real binary: a generated client is audited, and the PDF's text (by
//! `pdftotext`, which `.ci/run` installs) holds the headline figures of `indicators.json`,
//! formatted here by hand for the locale — an independent check of the renderer's formatting —
//! with the executive summary on page 2 alone.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// Digits grouped by `sep` (Spanish groups only from five digits on, per the RAE).
fn group(n: i64, sep: &str, min_digits: usize) -> String {
    let digits = n.unsigned_abs().to_string();
    let body = if digits.len() < min_digits {
        digits
    } else {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    };
    if n < 0 { format!("−{body}") } else { body }
}

fn integer(v: f64, lang: &str) -> String {
    let n = v.round() as i64;
    match lang {
        "es" => group(n, ".", 5),
        _ => group(n, ",", 4),
    }
}

/// A share as a percentage with one decimal, as `pdftotext` returns it (no-break space → space).
fn percent(share: f64, lang: &str) -> String {
    let s = format!("{:.1}", share * 100.0);
    match lang {
        "es" => format!("{} %", s.replace('.', ",")),
        _ => format!("{s}%"),
    }
}

fn value(v: &Value, path: &str) -> f64 {
    let mut cur = v;
    for key in path.split('.') {
        cur = &cur[key];
    }
    cur["value"]
        .as_f64()
        .unwrap_or_else(|| panic!("{path} has no value in indicators.json"))
}

fn pdftotext(pdf: &Path, page: Option<usize>) -> Option<String> {
    let mut cmd = std::process::Command::new("pdftotext");
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    let out = cmd.arg(pdf).arg("-").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " "))
}

#[test]
fn pdf_holds_the_headline_figures_of_indicators_json_and_a_one_page_summary() {
    assert!(
        std::process::Command::new("pdftotext")
            .arg("-v")
            .output()
            .is_ok(),
        "pdftotext is required (poppler-utils; .ci/run installs it)"
    );
    let tmp = tempfile::tempdir().unwrap();
    for (lang, summary_title, first_section) in [
        ("es", "Resumen ejecutivo", "1. Retención"),
        ("en", "Executive summary", "1. Retention"),
    ] {
        let client = tmp.path().join(format!("client-{lang}"));
        Command::cargo_bin("crm-audit")
            .unwrap()
            .args(["sample", "--quiet", "--customers", "400", "--seed", "3"])
            .args(["--end", "2026-09-30", "--lang", lang, "--out"])
            .arg(&client)
            .assert()
            .code(0);
        let out = tmp.path().join(format!("reports-{lang}"));
        Command::cargo_bin("crm-audit")
            .unwrap()
            .args(["run", "--quiet", "--period", "2026-Q3", "--config"])
            .arg(client.join("audit.toml"))
            .arg("--out")
            .arg(&out)
            .assert()
            .code(0);
        let dir = out.join(format!("client-{lang}")).join("2026-Q3");
        let json: Value =
            serde_json::from_slice(&std::fs::read(dir.join("indicators.json")).unwrap()).unwrap();
        let ind = &json["indicators"];
        let pdf = dir.join("report.pdf");
        let all = pdftotext(&pdf, None).unwrap();
        let page2 = pdftotext(&pdf, Some(2)).unwrap();
        let page3 = pdftotext(&pdf, Some(3)).unwrap();

        let nps = value(&ind["service"]["current"], "satisfaction.nps").round() as i64;
        let headline = [
            integer(value(ind, "current.base.end_base"), lang),
            percent(value(ind, "current.base.retention_rate"), lang),
            percent(value(ind, "current.base.churn_rate"), lang),
            // The headline NRR is the year-over-year one (issue 19).
            percent(
                value(ind, "current.revenue.net_revenue_retention_yoy"),
                lang,
            ),
            percent(value(ind, "current.revenue.gross_margin_rate"), lang),
            if nps > 0 {
                format!("+{nps}")
            } else {
                integer(nps as f64, lang)
            },
        ];
        for figure in &headline {
            assert!(
                page2.contains(figure.as_str()),
                "{lang}: headline {figure:?} not on the summary page:\n{page2}"
            );
        }
        // The customer flow of the period, in the summary chart and the retention tables.
        for key in [
            "start_base",
            "retained",
            "lapsed",
            "new_customers",
            "reactivated",
        ] {
            let figure = integer(value(ind, &format!("current.base.{key}")), lang);
            assert!(all.contains(&figure), "{lang}: {key} {figure:?} not in PDF");
        }
        // The summary is page 2 and only page 2: page 3 opens the first section.
        assert!(
            page2.contains(summary_title),
            "{lang}: summary not on page 2"
        );
        assert!(
            page3.contains(first_section) && !page3.contains(summary_title),
            "{lang}: page 3 should open with {first_section:?}:\n{page3}"
        );
        // The average-CLV tile names the purchase model the scores used.
        let (used, other) = match json["clv"]["report"]["model"].as_str() {
            Some("pareto-nbd") => ("Pareto/NBD", "BG/NBD"),
            Some("bgnbd") => ("BG/NBD", "Pareto/NBD"),
            other => panic!("{lang}: no scoring model in indicators.json: {other:?}"),
        };
        assert!(
            page2.contains(used) && !page2.contains(other),
            "{lang}: the summary should name {used} only:\n{page2}"
        );
        // The client's name on the cover and in the running header.
        let name = json["client"]["name"].as_str().unwrap();
        assert!(all.matches(name).count() >= 3, "{lang}: client name");
    }
}
