//! The report document: one typed model that every renderer (HTML, PDF) reads (render stage;
//! depends on the locale and the chart specs only).
//!
//! Every string in it is final text, already formatted for the report's locale with
//! [`Locale`]; the renderers lay it out and never compute or format a figure. Labels that do not
//! depend on the data (section titles, "page n of m", ...) come from `templates/i18n/*.toml`.

use super::charts::ChartSpec;
use super::locale::Locale;
use super::rich::RichText;
use crate::domain::Lang;
use chrono::NaiveDate;
use serde::Serialize;

/// A whole report: cover, one-page executive summary, then the sections in order.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Who, when and in which language.
    pub meta: Meta,
    /// What the cover shows besides the meta.
    pub cover: Cover,
    /// The one-page executive summary.
    pub summary: ExecutiveSummary,
    /// Retention, Value, Complaints and satisfaction, Contact and engagement, Findings and
    /// recommendations, Appendix: in the order they are printed.
    pub sections: Vec<Section>,
}

impl Report {
    /// Whether this is the portfolio overview (several clients side by side).
    pub fn is_portfolio(&self) -> bool {
        self.sections
            .iter()
            .any(|s| s.kind == SectionKind::Portfolio)
    }

    /// The cover's closing line: a client report is for that client's management; the
    /// portfolio overview compares several clients and is the consultancy's own.
    pub fn confidentiality_note(&self) -> String {
        let s = crate::render::i18n::strings(self.meta.lang);
        if self.is_portfolio() {
            s.get("report.confidentiality_note_portfolio").to_string()
        } else {
            s.fill(
                "report.confidentiality_note",
                &[("client", &self.meta.client)],
            )
        }
    }

    /// Whether the executive summary is printed: a document with neither tiles nor a verdict
    /// (the portfolio overview) has none.
    pub fn has_summary(&self) -> bool {
        !self.summary.tiles.is_empty()
            || self
                .summary
                .verdict
                .0
                .iter()
                .any(|s| !s.text.trim().is_empty())
    }
}

/// Identity of the report, printed on the cover and in every running header and footer.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// Language of the whole report.
    pub lang: Lang,
    /// ISO 4217 code of the amounts; chart ticks of amounts use it.
    pub currency: String,
    /// Client company name.
    pub client: String,
    /// The audit period in full (`3.er trimestre 2026`).
    pub period_label: String,
    /// The period for running headers (`T3 2026`).
    pub period_short: String,
    /// Who prepared the audit.
    pub prepared_by: String,
    /// Date of the report; also the PDF's creation date, so output is reproducible.
    pub date: NaiveDate,
    /// `date` in words (`30 de septiembre de 2026`).
    pub date_label: String,
}

impl Meta {
    /// Meta with its labels formatted by `locale`.
    pub fn new(
        locale: &Locale,
        client: &str,
        period: &crate::period::Period,
        prepared_by: &str,
        date: NaiveDate,
    ) -> Meta {
        Meta {
            lang: locale.lang,
            currency: locale.currency.clone(),
            client: client.to_string(),
            period_label: locale.period_label(period),
            period_short: locale.period_short(period),
            prepared_by: prepared_by.to_string(),
            date,
            date_label: locale.date(date),
        }
    }
}

/// The cover page's facts about the data (data up to, customers, invoice lines, sources).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cover {
    /// Label/value pairs printed under the title.
    pub facts: Vec<KeyFigure>,
}

/// The executive summary: verdict, KPI tiles, top findings and two small charts.
#[derive(Debug, Clone, Serialize)]
pub struct ExecutiveSummary {
    /// One sentence that says where the client stands; `**bold**` spans allowed.
    pub verdict: RichText,
    /// Up to ten tiles, printed five per row.
    pub tiles: Vec<KpiTile>,
    /// Findings ranked by money at stake; the PDF prints as many as fit on the page.
    pub findings: Vec<Finding>,
    /// Two small charts (customer flow and complaint Pareto in the standard report).
    pub charts: Vec<Chart>,
}

/// A headline figure with its changes, its target light and its 8-period trend.
#[derive(Debug, Clone, Serialize)]
pub struct KpiTile {
    /// Short label (`Retención (CRR)`).
    pub label: String,
    /// The figure for P (`91,2 %`), or a dash when missing.
    pub value: String,
    /// Change against P−1 and against P−12m, where the data reach.
    pub changes: Vec<Change>,
    /// A line of context under the changes (`objetivo 90 %`, `p90 9,5 días`).
    pub note: Option<String>,
    /// Target light.
    pub light: Light,
    /// The last 8 periods, oldest first; `None` where the figure is missing.
    pub sparkline: Vec<Option<f64>>,
    /// Whether a rising figure is good news (false for churn, complaints, resolution time).
    pub up_is_good: bool,
}

/// A change of a figure against an earlier period.
#[derive(Debug, Clone)]
pub struct Change {
    /// The size of the change without sign (`3,1 %`, `0,8 p.p.`); the arrow gives the sign.
    pub text: String,
    /// What it is compared with (`vs T2`, `vs T3 2025`).
    pub against: String,
    /// Which way the figure moved.
    pub direction: Direction,
    /// Whether up is good for this figure.
    pub up_is_good: bool,
}

impl Change {
    /// Whether the change is good, bad or neither, from its direction and `up_is_good`.
    pub fn tone(&self) -> Tone {
        match (self.direction, self.up_is_good) {
            (Direction::Flat, _) => Tone::Neutral,
            (Direction::Up, true) | (Direction::Down, false) => Tone::Good,
            _ => Tone::Bad,
        }
    }

    /// The arrow printed before the text.
    pub fn arrow(&self) -> &'static str {
        match self.direction {
            Direction::Up => "▲",
            Direction::Down => "▼",
            Direction::Flat => "■",
        }
    }
}

impl Serialize for Change {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Change", 6)?;
        st.serialize_field("text", &self.text)?;
        st.serialize_field("against", &self.against)?;
        st.serialize_field("direction", &self.direction)?;
        st.serialize_field("up_is_good", &self.up_is_good)?;
        st.serialize_field("tone", &self.tone())?;
        st.serialize_field("arrow", self.arrow())?;
        st.end()
    }
}

/// Direction of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The figure rose.
    Up,
    /// The figure fell.
    Down,
    /// No change at the printed precision.
    Flat,
}

/// Whether a change is good news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// Moved the right way.
    Good,
    /// Moved the wrong way.
    Bad,
    /// Did not move.
    Neutral,
}

/// Traffic light against the configured target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// At or better than the target.
    Green,
    /// Within the tolerance of the target.
    Amber,
    /// Beyond the tolerance.
    Red,
    /// No target, or no value.
    None,
}

/// A ranked finding: a statement citing figures, what to do, and the money at stake.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Short title (`Las quejas mal resueltas cuestan clientes`).
    pub title: String,
    /// The statement with its figures; `**bold**` spans allowed.
    pub statement: RichText,
    /// The recommendation, without a "Recommendation:" prefix (the renderers add it).
    pub recommendation: String,
    /// Money at stake, formatted (`312 k€`).
    pub stake: String,
    /// What the money is (`CLV de reclamantes`).
    pub stake_label: String,
    /// The action list of the finding's customers (issue 20), when one was written.
    pub list: Option<ListLine>,
}

/// The line under a finding that names its action list.
#[derive(Debug, Clone, Serialize)]
pub struct ListLine {
    /// `list: actions.xlsx › Neglected valuable customers`.
    pub text: String,
    /// Relative link to the list's CSV (HTML only).
    pub href: Option<String>,
}

/// A titled chart; its SVG is drawn once from `spec` and used by both outputs.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Title printed above the chart.
    pub title: String,
    /// Optional line under the chart (source, definition, how to read it).
    pub caption: Option<String>,
    /// What to draw.
    pub spec: ChartSpec,
}

/// A label with its formatted value.
#[derive(Debug, Clone, Serialize)]
pub struct KeyFigure {
    /// What the figure is.
    pub label: String,
    /// The formatted figure.
    pub value: String,
}

/// One of the report's sections.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Which section; its title comes from the language file (`section.<kind>`).
    pub kind: SectionKind,
    /// Its content, in order. A section left out holds a single [`Block::Note`] saying why.
    pub blocks: Vec<Block>,
}

/// The sections of the report, in the order of the brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Retention trend, customer flow, cohorts.
    Retention,
    /// CLV distribution, whale curve, RFM, top customers.
    Value,
    /// Complaint Pareto, resolution times, SLA, complainers' churn, NPS/CSAT.
    ComplaintsSatisfaction,
    /// Contact regularity, neglected valuable customers, channel mix, sales during complaints.
    ContactEngagement,
    /// All findings with their recommendations.
    Findings,
    /// Methodology, model fit and backtest, data quality.
    Appendix,
    /// The portfolio overview: every client's headline figures side by side.
    Portfolio,
}

impl SectionKind {
    /// The key of the section's title in the language files.
    pub fn title_key(self) -> &'static str {
        match self {
            SectionKind::Retention => "section.retention",
            SectionKind::Value => "section.value",
            SectionKind::ComplaintsSatisfaction => "section.complaints_satisfaction",
            SectionKind::ContactEngagement => "section.contact_engagement",
            SectionKind::Findings => "section.findings",
            SectionKind::Appendix => "section.appendix",
            SectionKind::Portfolio => "section.portfolio",
        }
    }
}

/// A piece of a section's content.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Block {
    /// A sub-heading inside a section.
    Subheading(String),
    /// Running text; `**bold**` spans allowed.
    Paragraph(RichText),
    /// A remark set apart, e.g. "Section left out: no complaints table was supplied."
    Note(String),
    /// A chart.
    Chart(Chart),
    /// A table of already formatted cells.
    Table(Table),
    /// A grid of label/value pairs.
    KeyFigures(Vec<KeyFigure>),
    /// Terms and their definitions (the methodology).
    Definitions(Vec<Definition>),
    /// Numbered findings with recommendations and money at stake.
    Findings(Vec<Finding>),
}

/// A table whose cells are final text.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// The columns, left to right.
    pub columns: Vec<Column>,
    /// Rows of cells, one cell per column.
    pub rows: Vec<Vec<String>>,
    /// Optional line under the table.
    pub caption: Option<String>,
}

/// A table column.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    /// Header text.
    pub header: String,
    /// Alignment of the header and the cells.
    pub align: Align,
}

impl Column {
    /// A left-aligned (text) column.
    pub fn text(header: &str) -> Column {
        Column {
            header: header.to_string(),
            align: Align::Left,
        }
    }

    /// A right-aligned (figure) column.
    pub fn figure(header: &str) -> Column {
        Column {
            header: header.to_string(),
            align: Align::Right,
        }
    }
}

/// Horizontal alignment in a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    /// Text.
    Left,
    /// Short codes, flags.
    Center,
    /// Figures.
    Right,
}

/// A term and its definition.
#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    /// The term (`Tasa de retención (CRR)`).
    pub term: String,
    /// The definition as used.
    pub text: String,
}

impl Report {
    /// The locale the report's figures were formatted in (chart ticks use it too).
    pub fn locale(&self) -> Locale {
        Locale::new(self.meta.lang, &self.meta.currency)
    }
}
