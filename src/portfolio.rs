//! The portfolio view: every client's headline figures side by side, ranked.
//!
//! Runs after all clients are audited and reads only their headline figures, so memory does not
//! grow with the clients' data.

use serde::{Deserialize, Serialize};

pub use crate::headline::{Better, HEADLINES, Headline};

/// One client's headline, as the pipeline hands it over (and a shard's manifest keeps it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientHeadline {
    /// Client identifier (output folder).
    pub client_id: String,
    /// Display name.
    pub name: String,
    /// Resolved period label (`2026-Q3`).
    pub period: String,
    /// Currency of the money figures.
    pub currency: String,
    /// The client's report language.
    pub lang: crate::domain::Lang,
    /// Values in the order of [`HEADLINES`]; `None` where the client's data cannot support it.
    pub values: Vec<Option<f64>>,
}

/// A figure's standing among the clients that have it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Standing {
    /// 1 = best; ties share a rank.
    pub rank: usize,
    /// Share of the other clients this one beats or ties, 0–100; `None` alone.
    pub percentile: Option<f64>,
}

/// Ranks one figure across clients: `values[i]` → standing of client i (None when absent).
pub fn rank(values: &[Option<f64>], better: Better) -> Vec<Option<Standing>> {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let n = present.len();
    values
        .iter()
        .map(|v| {
            let v = (*v)?;
            let beats = |o: &f64| match better {
                Better::Higher => *o > v,
                Better::Lower => *o < v,
            };
            let better_count = present.iter().filter(|o| beats(o)).count();
            let worse_or_tied = n - 1 - better_count;
            let percentile = (n > 1).then(|| 100.0 * worse_or_tied as f64 / (n - 1) as f64);
            Some(Standing {
                rank: better_count + 1,
                percentile,
            })
        })
        .collect()
}

impl ClientHeadline {
    /// The headline figures of one audited client, in the order of [`HEADLINES`].
    pub fn from_indicators(
        client_id: &str,
        cfg: &crate::config::AuditConfig,
        period: crate::period::Period,
        ind: &crate::indicators::AllIndicators,
        models: &crate::models::Models,
    ) -> ClientHeadline {
        let values = HEADLINES.iter().map(|h| h.value(ind, models)).collect();
        ClientHeadline {
            client_id: client_id.to_string(),
            name: cfg.client.name.clone(),
            period: period.to_string(),
            currency: cfg.client.currency.clone(),
            lang: cfg.client.lang,
            values,
        }
    }
}

/// Formats a headline value for the portfolio table.
fn format_value(h: Headline, v: f64, loc: &crate::render::Locale) -> String {
    match h {
        Headline::ActiveCustomers => loc.integer(v.round() as i64),
        Headline::RetentionRate | Headline::ChurnRate | Headline::NetRevenueRetention => {
            loc.percent(v, 1)
        }
        Headline::Revenue | Headline::GrossMargin | Headline::AverageClv => loc.currency_compact(v),
        Headline::ComplaintsPer100 => loc.number(v, 1),
        Headline::MedianResolutionHours => loc.duration_hours(v),
        Headline::Nps => loc.signed_number(v, 0),
    }
}

/// One cell: value, rank and percentile (`91,2 % · #1 · P100`).
fn cell(
    h: Headline,
    value: Option<f64>,
    standing: Option<Standing>,
    loc: &crate::render::Locale,
) -> String {
    match (value, standing) {
        (Some(v), Some(s)) => {
            let pct = s
                .percentile
                .map(|p| format!(" · P{}", p.round() as i64))
                .unwrap_or_default();
            format!("{} · #{}{pct}", format_value(h, v, loc), s.rank)
        }
        _ => "—".to_string(),
    }
}

/// The portfolio page of one period as a report document (rendered to HTML and PDF by the
/// same renderers as the client reports).
pub fn document(
    period: crate::period::Period,
    clients: &[&ClientHeadline],
    failed: usize,
    lang: crate::domain::Lang,
    date: chrono::NaiveDate,
) -> crate::render::Report {
    use crate::render::{
        Block, Column, Cover, ExecutiveSummary, KeyFigure, Locale, Meta, Report, RichText, Section,
        SectionKind, Table,
    };
    let s = crate::render::i18n::strings(lang);
    let base = Locale::new(lang, "EUR");
    let standings: Vec<Vec<Option<Standing>>> = HEADLINES
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rank(
                &clients.iter().map(|c| c.values[i]).collect::<Vec<_>>(),
                h.better(),
            )
        })
        .collect();
    let table = |title_key: &str, range: std::ops::Range<usize>| {
        let mut columns = vec![Column::text(s.get("portfolio.client"))];
        columns.extend(
            range
                .clone()
                .map(|i| Column::figure(s.get(&format!("portfolio.{}", HEADLINES[i].key())))),
        );
        let rows = clients
            .iter()
            .enumerate()
            .map(|(c, h)| {
                let loc = Locale::new(lang, &h.currency);
                let mut row = vec![h.name.clone()];
                row.extend(
                    range
                        .clone()
                        .map(|i| cell(HEADLINES[i], h.values[i], standings[i][c], &loc)),
                );
                row
            })
            .collect();
        vec![
            Block::Subheading(s.get(title_key).to_string()),
            Block::Table(Table {
                columns,
                rows,
                caption: None,
            }),
        ]
    };
    let mut blocks = vec![Block::Paragraph(RichText::plain(
        s.get("portfolio.rank_note"),
    ))];
    blocks.extend(table("portfolio.customers_table", 0..6));
    blocks.extend(table("portfolio.service_table", 6..HEADLINES.len()));
    Report {
        meta: Meta::new(&base, s.get("portfolio.title"), &period, "", date),
        cover: Cover {
            facts: vec![
                KeyFigure {
                    label: s.get("portfolio.clients").to_string(),
                    value: base.integer(clients.len() as i64),
                },
                KeyFigure {
                    label: s.get("portfolio.failed").to_string(),
                    value: base.integer(failed as i64),
                },
            ],
        },
        summary: ExecutiveSummary {
            verdict: RichText::plain(""),
            tiles: vec![],
            findings: vec![],
            charts: vec![],
        },
        sections: vec![Section {
            kind: SectionKind::Portfolio,
            blocks,
        }],
    }
}

/// What the portfolio pages need to know of the run (a `run`, or the merge of its shards).
#[derive(Debug, Clone, Copy)]
pub struct PageOptions<'a> {
    /// Output root: pages go to `OUT/<period>/`.
    pub out: &'a std::path::Path,
    /// Language override (else the language most clients use).
    pub lang: Option<crate::domain::Lang>,
    /// User templates overriding the built-in ones.
    pub templates: Option<&'a std::path::Path>,
    /// The date printed on the pages.
    pub report_date: chrono::NaiveDate,
}

/// Writes `OUT/<period>/index.html` and `index.pdf` for every period some client reached;
/// returns the files written (paths relative to OUT).
pub fn write_pages(
    clients: &[&ClientHeadline],
    failed: usize,
    opts: &PageOptions,
) -> anyhow::Result<Vec<crate::output::OutputFile>> {
    let mut periods: Vec<&str> = clients.iter().map(|c| c.period.as_str()).collect();
    periods.sort();
    periods.dedup();
    let mut written = Vec::new();
    for label in periods {
        let period: crate::period::Period = label.parse()?;
        let mut members: Vec<&ClientHeadline> = clients
            .iter()
            .copied()
            .filter(|c| c.period == label)
            .collect();
        members.sort_by(|a, b| a.name.cmp(&b.name));
        let lang = opts.lang.unwrap_or_else(|| majority_lang(&members));
        let report = document(period, &members, failed, lang, opts.report_date);
        let (html, pdf) = crate::render::render_html_and_pdf(&report, opts.templates)?;
        let files = [("index.html", html.into_bytes()), ("index.pdf", pdf)];
        written.extend(crate::output::write_dir(
            &opts.out.join(label),
            opts.out,
            &files,
        )?);
    }
    Ok(written)
}

fn majority_lang(clients: &[&ClientHeadline]) -> crate::domain::Lang {
    let es = clients
        .iter()
        .filter(|c| c.lang == crate::domain::Lang::Es)
        .count();
    if es * 2 >= clients.len() {
        crate::domain::Lang::Es
    } else {
        crate::domain::Lang::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_is_better_ranks_largest_first_and_ties_share_rank() {
        let s = rank(
            &[Some(0.7), Some(0.9), None, Some(0.7), Some(0.5)],
            Better::Higher,
        );
        let ranks: Vec<_> = s.iter().map(|x| x.map(|s| s.rank)).collect();
        // 0.9 first; the two 0.7 share rank 2; 0.5 is 4th (competition ranking).
        assert_eq!(ranks, [Some(2), Some(1), None, Some(2), Some(4)]);
        // Four clients have the figure: best beats 3/3 = 100; worst 0/3 = 0;
        // a 0.7 is beaten by one, so it beats-or-ties 2 of 3 = 66.7.
        assert_eq!(s[1].unwrap().percentile, Some(100.0));
        assert_eq!(s[4].unwrap().percentile, Some(0.0));
        assert!((s[0].unwrap().percentile.unwrap() - 200.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn lower_is_better_ranks_smallest_first_and_lone_client_has_no_percentile() {
        let s = rank(&[Some(5.0), Some(2.0)], Better::Lower);
        assert_eq!(s[1].unwrap().rank, 1);
        assert_eq!(s[0].unwrap().rank, 2);
        assert_eq!(
            rank(&[Some(1.0)], Better::Lower)[0].unwrap().percentile,
            None
        );
    }
}
