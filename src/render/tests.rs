//! End-to-end tests of both renderers on the sample report.

use super::*;
use crate::cli::Lang;

#[test]
fn html_contains_every_section_and_no_template_syntax() {
    for lang in [Lang::Es, Lang::En] {
        let report = Report::demo(lang);
        let html = render_html(&report, None).unwrap();
        let s = i18n::strings(lang);
        for section in &report.sections {
            assert!(
                html.contains(s.get(section.kind.title_key())),
                "{lang:?}: {:?}",
                section.kind
            );
        }
        for tile in &report.summary.tiles {
            assert!(html.contains(&tile.value), "tile {}", tile.label);
        }
        assert!(!html.contains("{{") && !html.contains("{%") && !html.contains("}}"));
        assert!(!html.contains("<script"));
        assert!(
            !html.contains("https://") && !html.contains("src=\""),
            "no network resources"
        );
        assert!(html.contains("<svg") && html.contains("@media print"));
    }
}

#[test]
fn html_escapes_text_from_the_data() {
    let mut report = Report::demo(Lang::En);
    report.meta.client = "Smith & <Sons>".into();
    let html = render_html(&report, None).unwrap();
    assert!(html.contains("Smith &amp; &lt;Sons&gt;"));
    assert!(!html.contains("<Sons>"));
}

#[test]
fn templates_folder_overrides_a_builtin_template() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("style.css"),
        "body { color: rebeccapurple; }",
    )
    .unwrap();
    let html = render_html(&Report::demo(Lang::Es), Some(dir.path())).unwrap();
    assert!(html.contains("rebeccapurple"));
    assert!(!html.contains("--accent:#1f4e79"));
}

#[test]
fn a_broken_override_template_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.html"), "{% if %}").unwrap();
    let err = render_html(&Report::demo(Lang::Es), Some(dir.path())).unwrap_err();
    assert!(matches!(err, RenderError::Template { .. }), "{err}");
}

#[test]
fn pdf_is_reproducible_byte_for_byte() {
    let report = Report::demo(Lang::Es);
    let a = render_pdf(&report).unwrap();
    let b = render_pdf(&report).unwrap();
    assert!(a.starts_with(b"%PDF-"));
    assert_eq!(a, b);
    let text = String::from_utf8_lossy(&a);
    assert!(
        text.contains("D:20261015000000"),
        "creation date from the report date"
    );
}
