//! What every section builder shares: the input, the locale and the strings, and the one way a
//! figure (present or missing) becomes text (render stage, report builder).

use super::ReportInput;
use crate::figure::{Figure, Missing};
use crate::indicators::{AllIndicators, ServiceSnapshot, Snapshot};
use crate::render::charts::ChartSpec;
use crate::render::document::{Block, Chart, Column, KeyFigure, Table};
use crate::render::i18n::{Strings, strings};
use crate::render::locale::Locale;

/// The printed dash of a missing figure.
pub(super) const DASH: &str = "—";

/// How a number is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Fmt {
    /// A count: `3412`.
    Int,
    /// A share as a percentage with one decimal: `91,2 %`.
    Pct,
    /// A share as a whole percentage: `41 %`.
    Pct0,
    /// An amount without decimals: `1236 €`.
    Money,
    /// An amount shortened: `1,84 M€`.
    Compact,
    /// A plain number with the given decimals.
    Num(usize),
    /// Hours, switching to days from 72 h.
    Hours,
    /// Whole days.
    Days,
    /// A ratio: `1,6×`.
    Times,
    /// A score with an explicit sign (NPS): `+18`.
    Signed,
}

/// The builder's view of one report: input, locale and strings.
pub(super) struct Ctx<'a> {
    /// Everything the report is built from.
    pub(super) input: &'a ReportInput<'a>,
    /// Formats every figure.
    pub(super) l: Locale,
    /// Labels and sentence templates of the report's language.
    pub(super) s: &'static Strings,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(input: &'a ReportInput<'a>) -> Ctx<'a> {
        Ctx {
            input,
            l: Locale::new(input.lang, &input.config.client.currency),
            s: strings(input.lang),
        }
    }

    pub(super) fn ind(&self) -> &'a AllIndicators {
        self.input.indicators
    }

    /// P, P−1 and P−12m of the customer families.
    pub(super) fn snapshots(&self) -> [&'a Snapshot; 3] {
        let c = &self.input.indicators.core;
        [&c.current, &c.previous, &c.year_ago]
    }

    /// P, P−1 and P−12m of the service families.
    pub(super) fn service(&self) -> [&'a ServiceSnapshot; 3] {
        let s = &self.input.indicators.service;
        [&s.current, &s.previous, &s.year_ago]
    }

    /// The label under `key`.
    pub(super) fn t(&self, key: &str) -> String {
        self.s.get(key).to_string()
    }

    /// The template under `key` filled with `args`.
    pub(super) fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.s.fill(key, args)
    }

    /// `v` written as `fmt` says.
    pub(super) fn num(&self, fmt: Fmt, v: f64) -> String {
        let l = &self.l;
        match fmt {
            Fmt::Int => l.number(v, 0),
            Fmt::Pct => l.percent(v, 1),
            Fmt::Pct0 => l.percent(v, 0),
            Fmt::Money => l.currency(v, 0),
            Fmt::Compact => l.currency_compact(v),
            Fmt::Num(d) => l.number(v, d),
            Fmt::Hours => l.duration_hours(v),
            Fmt::Days => l.days(v),
            Fmt::Times => l.times(v, 1),
            Fmt::Signed => l.signed_number(v, 0),
        }
    }

    /// The figure, or a dash when it is missing (tables, where the reason would not fit).
    pub(super) fn fig(&self, f: &Figure, fmt: Fmt) -> String {
        f.value
            .map(|v| self.num(fmt, v))
            .unwrap_or_else(|| DASH.to_string())
    }

    /// The figure, or a dash with the short reason it is missing (`— (sin tabla)`).
    pub(super) fn fig_why(&self, f: &Figure, fmt: Fmt) -> String {
        match (f.value, f.missing) {
            (Some(v), _) => self.num(fmt, v),
            (None, Some(m)) => format!("{DASH} ({})", self.reason(m)),
            (None, None) => DASH.to_string(),
        }
    }

    /// The short localized reason of a missing figure.
    pub(super) fn reason(&self, m: Missing) -> String {
        self.t(match m {
            Missing::NoTable => "missing.no_table",
            Missing::NoColumn => "missing.no_column",
            Missing::OutsideData => "missing.outside_data",
            Missing::EmptyBase => "missing.empty_base",
            Missing::ModelUnavailable => "missing.model_unavailable",
        })
    }

    pub(super) fn key_figure(&self, label_key: &str, value: String) -> KeyFigure {
        KeyFigure {
            label: self.t(label_key),
            value,
        }
    }

    pub(super) fn chart(&self, key: &str, caption: Option<String>, spec: ChartSpec) -> Block {
        Block::Chart(Chart {
            title: self.t(key),
            caption,
            spec,
        })
    }

    /// A note saying why a section (or part of one) is left out.
    pub(super) fn omitted(&self, reason_key: &str) -> Block {
        Block::Note(self.fill("note.section_omitted", &[("reason", &self.t(reason_key))]))
    }

    /// A note saying why part of a section is left out.
    pub(super) fn part_omitted(&self, reason_key: &str) -> Block {
        Block::Note(self.fill("note.part_omitted", &[("reason", &self.t(reason_key))]))
    }

    /// A table of one label column and figure columns given by their header keys.
    pub(super) fn table(
        &self,
        label_key: &str,
        figure_keys: &[&str],
        rows: Vec<Vec<String>>,
        caption: Option<String>,
    ) -> Block {
        let mut columns = vec![Column::text(&self.t(label_key))];
        columns.extend(figure_keys.iter().map(|k| Column::figure(&self.t(k))));
        Block::Table(Table {
            columns,
            rows,
            caption,
        })
    }

    /// Indicator | P | P−1 | P−12m, one row per (label key, the three figures, format).
    pub(super) fn comparison(&self, rows: &[(&str, [&Figure; 3], Fmt)]) -> Block {
        let p = self.input.period;
        let mut columns = vec![Column::text(&self.t("table.metric"))];
        for q in [p, p.previous(), p.year_ago()] {
            columns.push(Column::figure(&self.l.period_short(&q)));
        }
        let rows = rows
            .iter()
            .map(|(key, figs, fmt)| {
                let mut row = vec![self.t(key)];
                row.extend(figs.iter().map(|f| self.fig(f, *fmt)));
                row
            })
            .collect();
        Block::Table(Table {
            columns,
            rows,
            caption: None,
        })
    }

    /// A label of the data (category, channel, ...) or "(sin dato)" for records without one.
    pub(super) fn label_or_none(&self, label: &Option<String>) -> String {
        label.clone().unwrap_or_else(|| self.t("table.no_label"))
    }
}
