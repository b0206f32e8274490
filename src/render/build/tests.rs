//! The report built from real pipeline runs on the sample clients: tile values equal the
//! indicators formatted by the locale, every section has content, missing tables give notes,
//! both languages build and render.

use super::{ReportInput, build_report};
use crate::config::AuditConfig;
use crate::domain::Lang;
use crate::indicators::AllIndicators;
use crate::ingest::Ledger;
use crate::models::Models;
use crate::period::Period;
use crate::render::document::{Block, Report, SectionKind};
use crate::render::locale::Locale;
use crate::tables::TableKind;
use chrono::NaiveDate;
use std::sync::OnceLock;

/// One client's pipeline up to the indicators, run once per test process.
struct Run {
    cfg: AuditConfig,
    period: Period,
    indicators: AllIndicators,
    models: Models,
    ledger: Ledger,
}

fn pipeline(client: &str, without: Option<TableKind>) -> Run {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join(client)
        .join("audit.toml");
    let mut cfg = AuditConfig::load(&path).expect("sample audit.toml loads");
    if let Some(t) = without {
        cfg.sources.retain(|s| s.table != Some(t));
    }
    let today = NaiveDate::from_ymd_opt(2026, 10, 15).expect("date");
    let ingested = crate::ingest::ingest_client(&cfg, crate::ingest::IngestOptions::as_of(today));
    let period: Period = "2026-Q3".parse().expect("period");
    let models = Models::fit(&ingested.tables, period, &cfg.clv);
    let indicators = crate::indicators::compute_all(
        &ingested.tables,
        period,
        &cfg.indicators,
        models.values().as_ref(),
        None,
    )
    .expect("indicators")
    .indicators;
    Run {
        cfg,
        period,
        indicators,
        models,
        ledger: ingested.ledger,
    }
}

fn ferreteria() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| pipeline("ferreteria-es", None))
}

fn northwind_without_complaints() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| pipeline("northwind-en", Some(TableKind::Complaints)))
}

fn report(run: &Run, lang: Lang) -> Report {
    let evidence = crate::findings::Evidence::from_indicators(&run.indicators, &run.cfg.indicators);
    let findings =
        crate::findings::derive(&evidence, &run.cfg.targets, lang, &run.cfg.client.currency);
    build_report(&ReportInput {
        config: &run.cfg,
        lang,
        date: NaiveDate::from_ymd_opt(2026, 10, 15).expect("date"),
        period: run.period,
        indicators: &run.indicators,
        models: &run.models,
        findings: &findings,
        ledger: &run.ledger,
    })
}

fn section(r: &Report, kind: SectionKind) -> &[Block] {
    &r.sections
        .iter()
        .find(|s| s.kind == kind)
        .unwrap_or_else(|| panic!("section {kind:?} present"))
        .blocks
}

fn tile<'a>(r: &'a Report, label: &str) -> &'a str {
    &r.summary
        .tiles
        .iter()
        .find(|t| t.label == label)
        .unwrap_or_else(|| panic!("tile {label}"))
        .value
}

#[test]
fn kpi_tiles_show_the_indicator_figures_formatted_by_the_locale() {
    let run = ferreteria();
    let r = report(run, Lang::Es);
    let l = Locale::new(Lang::Es, "EUR");
    let cur = &run.indicators.core.current;
    let svc = &run.indicators.service.current;
    let v = |f: &crate::figure::Figure| f.value.expect("present in the sample");
    assert_eq!(r.summary.tiles.len(), 10);
    assert_eq!(
        tile(&r, "Clientes activos"),
        l.number(v(&cur.base.end_base), 0)
    );
    assert_eq!(
        tile(&r, "Retención (CRR)"),
        l.percent(v(&cur.base.retention_rate), 1)
    );
    assert_eq!(tile(&r, "Abandono"), l.percent(v(&cur.base.churn_rate), 1));
    // The headline NRR is the year-over-year one (issue 19).
    let nrr = v(&cur.revenue.net_revenue_retention_yoy);
    assert_eq!(tile(&r, "NRR interanual"), l.percent(nrr, 1));
    assert_eq!(
        tile(&r, "Ingresos del periodo"),
        l.currency_compact(v(&cur.revenue.revenue))
    );
    let margin = v(&cur.revenue.gross_margin_rate);
    assert_eq!(tile(&r, "Margen bruto"), l.percent(margin, 1));
    let scoring = run.models.scoring.as_ref().expect("model scored");
    let mean_clv = v(&scoring.population.mean_clv);
    assert_eq!(tile(&r, "CLV medio (12 meses)"), l.currency(mean_clv, 0));
    let per100 = v(&svc.complaints.per_100_active_customers);
    assert_eq!(tile(&r, "Quejas por 100 clientes"), l.number(per100, 1));
    let median = v(&svc.complaints.resolution.median_hours);
    assert_eq!(tile(&r, "Resolución (mediana)"), l.duration_hours(median));
    assert_eq!(
        tile(&r, "NPS"),
        l.signed_number(v(&svc.satisfaction.nps), 0)
    );
    // Every tile carries the 8 trend periods (the CLV tile's may all be empty).
    assert!(r.summary.tiles.iter().all(|t| t.sparkline.len() == 8));
    let crr_tile = &r.summary.tiles[1];
    assert_eq!(crr_tile.changes.len(), 2, "CRR compared with P−1 and P−12m");
}

#[test]
fn retention_tile_light_follows_the_target_and_the_verdict_cites_it() {
    let run = ferreteria();
    let r = report(run, Lang::Es);
    let crr = run
        .indicators
        .core
        .current
        .base
        .retention_rate
        .value
        .expect("crr");
    let t = &run.cfg.targets;
    let expected = super::compare::light(Some(crr), t.retention_rate, t.tolerance, true);
    assert_eq!(r.summary.tiles[1].light, expected);
    let verdict = r.summary.verdict.to_plain();
    assert!(
        verdict.contains(&Locale::new(Lang::Es, "EUR").percent(crr, 1)),
        "{verdict}"
    );
    // The top risk finding is named in bold in the verdict.
    let top = r.summary.findings.first().expect("sample has findings");
    assert!(
        r.summary
            .verdict
            .0
            .iter()
            .any(|s| s.strong && s.text.to_lowercase() == top.title.to_lowercase())
    );
}

#[test]
fn every_section_is_present_with_content() {
    let r = report(ferreteria(), Lang::Es);
    let kinds: Vec<SectionKind> = r.sections.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            SectionKind::Retention,
            SectionKind::Value,
            SectionKind::ComplaintsSatisfaction,
            SectionKind::ContactEngagement,
            SectionKind::Findings,
            SectionKind::Appendix,
        ]
    );
    let charts = |blocks: &[Block]| {
        blocks
            .iter()
            .filter(|b| matches!(b, Block::Chart(_)))
            .count()
    };
    let tables = |blocks: &[Block]| {
        blocks
            .iter()
            .filter(|b| matches!(b, Block::Table(_)))
            .count()
    };
    // Retention: trend, flow, cohorts; value: CLV deciles, whale, RFM; complaints: Pareto,
    // resolution, NPS trend and the two score distributions; contact: mix, recency, categories.
    assert_eq!(charts(section(&r, SectionKind::Retention)), 3);
    assert_eq!(charts(section(&r, SectionKind::Value)), 3);
    assert_eq!(charts(section(&r, SectionKind::ComplaintsSatisfaction)), 5);
    assert_eq!(charts(section(&r, SectionKind::ContactEngagement)), 3);
    assert!(tables(section(&r, SectionKind::Value)) >= 3);
    assert_eq!(r.summary.charts.len(), 2);
    assert!(!r.cover.facts.is_empty());
    // No part of the full sample is left out.
    for s in &r.sections {
        assert!(
            !s.blocks
                .iter()
                .any(|b| matches!(b, Block::Note(n) if n.contains("omitid"))),
            "{:?} has an omission note",
            s.kind
        );
    }
    let Block::Findings(all) = &section(&r, SectionKind::Findings)[1] else {
        panic!("findings block");
    };
    assert_eq!(all.len(), r.summary.findings.len());
}

#[test]
fn data_quality_appendix_lists_rows_read_accepted_and_rejected_per_source() {
    let run = ferreteria();
    let r = report(run, Lang::Es);
    let l = Locale::new(Lang::Es, "EUR");
    let facturas = run
        .ledger
        .sources
        .iter()
        .find(|s| s.path == "facturas.csv")
        .expect("facturas.csv read");
    let rows: Vec<&Vec<String>> = section(&r, SectionKind::Appendix)
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t.rows.iter()),
            _ => None,
        })
        .flatten()
        .collect();
    let read = l.integer(facturas.rows_read as i64);
    assert!(rows.iter().any(|row| row[0] == "facturas.csv"
        && row[2] == read
        && row[4] == l.integer(facturas.rows_rejected as i64)));
    // The 3 "n/d" amounts are named with a Spanish reason.
    assert!(rows.iter().any(|row| row[0] == "facturas.csv"
        && row[2] == "net_amount: no es un número"
        && row[3] == "3"));
    // The unknown customer ids are listed.
    assert!(
        rows.iter()
            .any(|row| row[0] == "facturas.csv" && row[3].contains("004001"))
    );
}

#[test]
fn a_client_without_complaints_gets_a_note_instead_of_the_complaints_part() {
    let run = northwind_without_complaints();
    let r = report(run, Lang::En);
    let blocks = section(&r, SectionKind::ComplaintsSatisfaction);
    match &blocks[0] {
        Block::Note(n) => assert_eq!(n, "Left out: no complaints table was supplied."),
        other => panic!("expected a note, got {other:?}"),
    }
    // The satisfaction part is still there; no complaint Pareto anywhere.
    assert!(
        blocks
            .iter()
            .any(|b| matches!(b, Block::Chart(c) if c.title == "NPS and CSAT over time"))
    );
    assert!(
        !blocks
            .iter()
            .any(|b| matches!(b, Block::Chart(c) if c.title.contains("Pareto")))
    );
    assert_eq!(r.summary.charts.len(), 1, "only the customer flow");
    let tile = r
        .summary
        .tiles
        .iter()
        .find(|t| t.label == "Complaints per 100 customers");
    let tile = tile.expect("tile kept");
    assert_eq!(tile.value, "—");
    assert_eq!(tile.note.as_deref(), Some("table missing"));
    // The data-quality appendix is always there.
    assert!(
        section(&r, SectionKind::Appendix)
            .iter()
            .any(|b| matches!(b, Block::Subheading(h) if h == "C. Data quality per source"))
    );
}

#[test]
fn both_languages_build_and_render_to_html_and_pdf() {
    let run = northwind_without_complaints();
    for lang in [Lang::En, Lang::Es] {
        let r = report(run, lang);
        assert!(!r.summary.verdict.to_plain().is_empty());
        let (html, pdf) = crate::render::render_html_and_pdf(&r, None).expect("renders");
        assert!(html.contains(&r.summary.tiles[1].value));
        assert!(pdf.starts_with(b"%PDF"));
    }
    let es = report(run, Lang::Es);
    assert_eq!(es.summary.tiles[0].label, "Clientes activos");
    assert!(
        es.sections[5]
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Subheading(h) if h == "A. Metodología"))
    );
}
