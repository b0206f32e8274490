//! The sample KPI tiles, built the way the lead builds them from a figure, its history and its
//! target (render stage, demo).

use crate::period::Period;
use crate::render::document::*;
use crate::render::i18n::strings;
use crate::render::locale::Locale;

/// Builds a tile the way the lead does from a figure and its history.
struct TileInput<'a> {
    key: &'a str,
    value: String,
    prev: Option<(f64, String)>,
    year: Option<(f64, String)>,
    note: Option<String>,
    light: Light,
    spark: [f64; 8],
    up_is_good: bool,
}

fn change(delta: f64, text: String, against: String, up_is_good: bool) -> Change {
    let direction = if delta > 0.0 {
        Direction::Up
    } else if delta < 0.0 {
        Direction::Down
    } else {
        Direction::Flat
    };
    // The arrow carries the sign, so the text is the magnitude.
    let text = text.trim_start_matches(['+', '\u{2212}']).to_string();
    Change {
        text,
        against,
        direction,
        up_is_good,
    }
}

fn tile(l: &Locale, prev: &str, year: &str, t: TileInput) -> KpiTile {
    let s = strings(l.lang);
    let vs = |p: &str| s.fill("summary.vs", &[("period", p)]);
    let mut changes = Vec::new();
    if let Some((d, text)) = t.prev {
        changes.push(change(d, text, vs(prev), t.up_is_good));
    }
    if let Some((d, text)) = t.year {
        changes.push(change(d, text, vs(year), t.up_is_good));
    }
    KpiTile {
        label: s.get(t.key).to_string(),
        value: t.value,
        changes,
        note: t.note,
        light: t.light,
        sparkline: t.spark.iter().map(|v| Some(*v)).collect(),
        up_is_good: t.up_is_good,
    }
}

pub(super) fn tiles(l: &Locale, period: &Period) -> Vec<KpiTile> {
    let s = strings(l.lang);
    let (prev, year) = (
        l.period_short(&period.previous()),
        l.period_short(&period.year_ago()),
    );
    let target = |v: String| Some(s.fill("tile.target", &[("value", &v)]));
    let t = |i: TileInput| tile(l, &prev, &year, i);
    vec![
        t(TileInput {
            key: "tile.active_customers",
            value: l.integer(2184),
            prev: Some((0.031, l.signed_percent(0.031, 1))),
            year: Some((0.054, l.signed_percent(0.054, 1))),
            note: None,
            light: Light::Green,
            spark: [
                1980.0, 2010.0, 2035.0, 2040.0, 2080.0, 2110.0, 2118.0, 2184.0,
            ],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.retention_rate",
            value: l.percent(0.912, 1),
            prev: Some((-0.008, l.points(-0.008, 1))),
            year: None,
            note: target(l.percent(0.9, 0)),
            light: Light::Green,
            spark: [0.915, 0.92, 0.91, 0.917, 0.921, 0.915, 0.92, 0.912],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.nrr",
            value: l.percent(0.974, 1),
            prev: Some((-0.029, l.points(-0.029, 1))),
            year: None,
            note: target(l.percent(1.0, 0)),
            light: Light::Amber,
            spark: [1.02, 1.03, 1.01, 1.015, 1.0, 0.99, 1.003, 0.974],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.revenue",
            value: l.currency_compact(1_842_300.0),
            prev: None,
            year: Some((0.062, l.signed_percent(0.062, 1))),
            note: None,
            light: Light::Green,
            spark: [1.61, 1.70, 1.58, 1.73, 1.66, 1.78, 1.70, 1.84],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.margin",
            value: l.percent(0.319, 1),
            prev: Some((0.004, l.points(0.004, 1))),
            year: None,
            note: None,
            light: Light::Green,
            spark: [0.31, 0.311, 0.309, 0.312, 0.314, 0.313, 0.314, 0.319],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.avg_clv",
            value: l.currency(1236.0, 0),
            prev: None,
            year: None,
            note: Some("BG/NBD + Gamma-Gamma".into()),
            light: Light::Green,
            spark: [
                1150.0, 1162.0, 1170.0, 1185.0, 1190.0, 1204.0, 1220.0, 1236.0,
            ],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.complaints_per_100",
            value: l.number(7.9, 1),
            prev: Some((1.6, l.signed_number(1.6, 1))),
            year: None,
            note: target(format!("≤ {}", l.number(5.0, 0))),
            light: Light::Red,
            spark: [5.1, 5.4, 5.3, 5.9, 6.2, 6.6, 6.3, 7.9],
            up_is_good: false,
        }),
        t(TileInput {
            key: "tile.median_resolution",
            value: l.duration_hours(52.0),
            prev: None,
            year: None,
            note: Some(format!(
                "p90 {} · SLA 48 h: {}",
                l.duration_hours(228.0),
                l.percent(0.61, 0)
            )),
            light: Light::Amber,
            spark: [61.0, 58.0, 63.0, 57.0, 55.0, 54.0, 50.0, 52.0],
            up_is_good: false,
        }),
        t(TileInput {
            key: "tile.nps",
            value: l.signed_number(18.0, 0),
            prev: Some((-6.0, l.signed_number(-6.0, 0))),
            year: None,
            note: Some(format!("{} · {}", l.integer(412), l.percent(0.19, 0))),
            light: Light::Amber,
            spark: [27.0, 26.0, 28.0, 25.0, 24.0, 23.0, 24.0, 18.0],
            up_is_good: true,
        }),
        t(TileInput {
            key: "tile.clv_at_risk",
            value: l.currency_compact(214_000.0),
            prev: None,
            year: None,
            note: None,
            light: Light::Red,
            spark: [120.0, 131.0, 128.0, 150.0, 162.0, 171.0, 180.0, 214.0],
            up_is_good: false,
        }),
    ]
}
