//! Regression net of the report model and its PDF (reviewed insta snapshots under
//! `src/render/snapshots/`): any change to a figure, a sentence or the layout's text shows up as
//! a diff to review, and is accepted with `INSTA_UPDATE=always cargo test --release` (or
//! `cargo insta review`). CI never updates them.

use crate::domain::Lang;
use crate::render::render_pdf;
use crate::render::test_report::sample_report;

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => "es",
        Lang::En => "en",
    }
}

/// The first `{word}` in `text`: a string template whose placeholder was never filled.
fn unfilled(text: &str) -> Option<&str> {
    text.match_indices('{').find_map(|(i, _)| {
        let rest = &text[i + 1..];
        let end = rest.find('}')?;
        let word = &rest[..end];
        (!word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .then(|| &text[i..i + end + 2])
    })
}

#[test]
fn report_model_as_json() {
    for lang in [Lang::Es, Lang::En] {
        let report = sample_report(lang);
        // Floats as indicators.json writes them (12 significant digits): the model fits and the
        // bootstrap sum in parallel, so the last bits of a raw float vary between runs while
        // every printed figure stays the same.
        let mut value = serde_json::to_value(&report).expect("the report model serialises");
        crate::results::strip_volatile(&mut value);
        let json = serde_json::to_string_pretty(&value).expect("the report model serialises");
        assert_eq!(
            unfilled(&json),
            None,
            "a template placeholder left unfilled"
        );
        insta::assert_snapshot!(format!("report_model_{}", lang_name(lang)), json);
    }
}

#[test]
fn pdf_text_layout() {
    for lang in [Lang::Es, Lang::En] {
        let pdf = render_pdf(&sample_report(lang)).expect("the PDF renders");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("report.pdf");
        std::fs::write(&path, pdf).expect("write the PDF");
        let out = std::process::Command::new("pdftotext")
            .arg("-layout")
            .arg(&path)
            .arg("-")
            .output();
        let Some(out) = out.ok().filter(|o| o.status.success()) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "pdftotext is missing under CI: install poppler-utils (.ci/run does)"
            );
            eprintln!("pdftotext not installed: PDF text snapshot skipped");
            return;
        };
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        insta::assert_snapshot!(format!("pdf_text_{}", lang_name(lang)), text);
    }
}
