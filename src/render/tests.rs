//! End-to-end tests of both renderers on the sample client's real report.

use super::*;
use crate::domain::Lang;
use crate::render::test_report::sample_report;

#[test]
fn html_contains_every_section_and_no_template_syntax() {
    for lang in [Lang::Es, Lang::En] {
        let report = sample_report(lang);
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
    let mut report = sample_report(Lang::En);
    report.meta.client = "Smith & <Sons>".into();
    report.summary.findings[0].statement = RichText::marked("**<i>bold</i>** and <script>");
    let html = render_html(&report, None).unwrap();
    assert!(html.contains("Smith &amp; &lt;Sons&gt;"));
    assert!(!html.contains("<Sons>"));
    // Text inside the macros (findings) is escaped too; only the bold markup is real HTML.
    assert!(
        html.contains("<b>&lt;i&gt;bold&lt;&#x2F;i&gt;</b> and &lt;script&gt;"),
        "findings not escaped"
    );
}

#[test]
fn templates_folder_overrides_a_builtin_template() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("style.css"),
        "body { color: rebeccapurple; }",
    )
    .unwrap();
    let html = render_html(&sample_report(Lang::Es), Some(dir.path())).unwrap();
    assert!(html.contains("rebeccapurple"));
    assert!(!html.contains("--accent:#1f4e79"));
}

#[test]
fn a_broken_override_template_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.html"), "{% if %}").unwrap();
    let err = render_html(&sample_report(Lang::Es), Some(dir.path())).unwrap_err();
    assert!(matches!(err, RenderError::Template { .. }), "{err}");
}

#[test]
fn pdf_is_reproducible_byte_for_byte() {
    let report = sample_report(Lang::Es);
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

/// The text of pages `first..=last` by `pdftotext`, or `None` where poppler is not installed.
fn pdftotext(pdf: &[u8], pages: Option<(usize, usize)>) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).ok()?;
    let mut cmd = std::process::Command::new("pdftotext");
    if let Some((f, l)) = pages {
        cmd.args(["-f", &f.to_string(), "-l", &l.to_string()]);
    }
    let out = cmd.arg(&path).arg("-").output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A developer's machine without poppler skips the PDF text checks; CI (which sets `CI`, and
/// whose `.ci/run` installs poppler) must never pass them silently.
fn skip_without_pdftotext() {
    assert!(
        std::env::var_os("CI").is_none(),
        "pdftotext is missing under CI: install poppler-utils (.ci/run does)"
    );
    eprintln!("pdftotext not installed: PDF text checks skipped");
}

/// Figures as `pdftotext` gives them back: the PDF prints no-break spaces as spaces.
fn as_extracted(s: &str) -> String {
    s.replace(locale::NBSP, " ")
}

#[test]
fn pdf_text_holds_the_figures_and_the_summary_is_page_two_only() {
    for lang in [Lang::Es, Lang::En] {
        let report = sample_report(lang);
        let pdf = render_pdf(&report).unwrap();
        let Some(all) = pdftotext(&pdf, None) else {
            return skip_without_pdftotext();
        };
        // The period as each locale names it.
        if lang == Lang::Es {
            assert!(all.contains("3.er trimestre 2026"));
        } else {
            assert!(all.contains("Q3 2026"));
        }
        let pages = all.matches('\u{c}').count();
        let s = i18n::strings(lang);
        let page2 = pdftotext(&pdf, Some((2, 2))).unwrap();
        assert!(page2.contains(s.get("summary.title")));
        for tile in &report.summary.tiles {
            assert!(
                page2.contains(&as_extracted(&tile.value)),
                "{lang:?}: tile {} not on page 2",
                tile.label
            );
        }
        let n_of_m = s.fill("page.n_of_m", &[("n", "2"), ("m", &pages.to_string())]);
        assert!(
            page2.contains(&n_of_m),
            "{lang:?}: {n_of_m:?} missing on page 2"
        );
        // Page 3 already belongs to the first section: the summary did not spill over.
        let page3 = pdftotext(&pdf, Some((3, 3))).unwrap();
        assert!(page3.contains(&format!("1. {}", s.get("section.retention"))));
        assert!(!page3.contains(s.get("summary.findings")));
        // The cover has no running footer.
        let page1 = pdftotext(&pdf, Some((1, 1))).unwrap();
        assert!(!page1.contains(&s.fill("page.n_of_m", &[("n", "1"), ("m", &pages.to_string())])));
    }
}

#[test]
fn summary_cuts_findings_rather_than_overflowing_its_page() {
    let mut report = sample_report(Lang::En);
    let extra = report.summary.findings.clone();
    assert!(!extra.is_empty(), "the sample report has findings");
    while report.summary.findings.len() < 16 {
        report.summary.findings.extend(extra.iter().cloned());
    }
    let pdf = render_pdf(&report).unwrap();
    let Some(page3) = pdftotext(&pdf, Some((3, 3))) else {
        return skip_without_pdftotext();
    };
    assert!(
        page3.contains("1. Retention"),
        "summary spilled onto page 3"
    );
    let page2 = pdftotext(&pdf, Some((2, 2))).unwrap();
    assert!(
        page2.contains("more findings under"),
        "the cut is announced"
    );
}

#[test]
fn a_report_with_sections_left_out_and_no_summary_content_still_renders() {
    let mut report = sample_report(Lang::Es);
    report.summary.tiles.clear();
    report.summary.findings.clear();
    report.summary.charts.clear();
    report.cover.facts.clear();
    let s = i18n::strings(Lang::Es);
    let why = s.fill(
        "note.section_omitted",
        &[("reason", s.get("note.no_complaints"))],
    );
    report.sections = vec![
        Section {
            kind: SectionKind::ComplaintsSatisfaction,
            blocks: vec![Block::Note(why.clone())],
        },
        Section {
            kind: SectionKind::Appendix,
            blocks: vec![],
        },
    ];
    let (html, pdf) = render_html_and_pdf(&report, None).unwrap();
    assert!(html.contains(&why));
    if let Some(text) = pdftotext(&pdf, None) {
        assert!(text.contains(&as_extracted(&why)));
        // Cover, summary, one page per section.
        assert_eq!(text.matches('\u{c}').count(), 4);
    }
}
