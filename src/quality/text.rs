//! The gate's sentences, one per gate not passed, in English (manifest, validation.json, the
//! terminal) or in the report's language (its data-quality appendix). Templates live under
//! `[gate]` in templates/i18n/*.toml; numbers and dates follow the language's locale.

use crate::domain::Lang;
use crate::ingest::ledger::{Gate, GateFacts, GateOutcome};
use crate::render::Locale;
use crate::render::i18n::{Strings, strings};

/// How many rejection reasons a sentence names.
const REASONS_NAMED: usize = 3;

/// The sentence of a gate that did not pass (`None` for a passed gate).
pub fn sentence(g: &Gate, lang: Lang) -> Option<String> {
    if g.outcome == GateOutcome::Passed {
        return None;
    }
    let s = strings(lang);
    let l = Locale::new(lang, "EUR");
    let warn = g.outcome == GateOutcome::Warning;
    let key = |base: &str| {
        if warn {
            format!("gate.{base}_warning")
        } else {
            format!("gate.{base}")
        }
    };
    let file = g.source.clone().unwrap_or_default();
    let limit = percent(&l, g.threshold, true);
    let default = percent(&l, g.default_threshold, true);
    let text = match g.facts.as_ref()? {
        GateFacts::Unreadable {
            error,
            optional,
            discovered,
        } => {
            let key = if *discovered {
                "gate.unreadable_discovered"
            } else if *optional {
                "gate.unreadable_optional"
            } else {
                "gate.unreadable"
            };
            s.fill(key, &[("file", &file), ("error", error)])
        }
        GateFacts::Rejected {
            read,
            rejected,
            reasons,
        } => s.fill(
            &key("rejected"),
            &[
                ("file", &file),
                ("n", &l.integer(*rejected as i64)),
                ("total", &l.integer(*read as i64)),
                ("share", &percent(&l, g.observed, false)),
                ("limit", &limit),
                ("default", &default),
                ("reasons", &reasons_text(s, &l, reasons)),
            ],
        ),
        GateFacts::Unmatched {
            rows,
            unmatched,
            ids,
        } => s.fill(
            &key("unmatched"),
            &[
                ("file", &file),
                ("n", &l.integer(*unmatched as i64)),
                ("total", &l.integer(*rows as i64)),
                ("share", &percent(&l, g.observed, false)),
                ("ids", &l.integer(*ids as i64)),
                ("limit", &limit),
                ("default", &default),
            ],
        ),
        GateFacts::Future {
            rows,
            future,
            column,
            as_of,
            example,
        } => s.fill(
            &key("future"),
            &[
                ("file", &file),
                ("n", &l.integer(*future as i64)),
                ("total", &l.integer(*rows as i64)),
                ("share", &percent(&l, g.observed, false)),
                ("column", column),
                ("as_of", &l.date_short(*as_of)),
                ("example", example.as_deref().unwrap_or("-")),
                ("limit", &limit),
                ("default", &default),
            ],
        ),
        GateFacts::RowsInPeriod {
            period,
            start,
            end,
            rows,
        } => {
            let base = if warn {
                "gate.rows_warning"
            } else if *rows == 0 {
                "gate.rows_none"
            } else {
                "gate.rows_few"
            };
            s.fill(
                base,
                &[
                    ("n", &l.integer(*rows as i64)),
                    ("period", period),
                    ("start", &l.date_short(*start)),
                    ("end", &l.date_short(*end)),
                    ("min", &l.integer(g.threshold as i64)),
                    ("default", &l.integer(g.default_threshold as i64)),
                ],
            )
        }
        GateFacts::Stale {
            newest,
            period_end,
            days,
        } => s.fill(
            &key("stale"),
            &[
                ("file", &file),
                (
                    "newest",
                    &newest.map(|d| l.date_short(d)).unwrap_or_default(),
                ),
                ("days", &l.integer(*days)),
                ("end", &l.date_short(*period_end)),
                ("limit", &l.integer(g.threshold as i64)),
                ("default", &l.integer(g.default_threshold as i64)),
            ],
        ),
    };
    Some(text)
}

/// The label of an outcome in `lang` (`passed`, `warning`, `failed`).
pub(crate) fn outcome_label(lang: Lang, o: GateOutcome) -> &'static str {
    let key = match o {
        GateOutcome::Passed => "gate.passed",
        GateOutcome::Warning => "gate.warning",
        GateOutcome::Failed => "gate.failed",
    };
    strings(lang).get(key)
}

/// A share as a percentage with as many decimals as it needs: `86%`, `1.2%`, `0.1%`.
/// Thresholds (`exact`) keep their written digits; observed values are rounded by size.
pub(crate) fn percent(l: &Locale, share: f64, exact: bool) -> String {
    let pct = share * 100.0;
    let decimals = if exact {
        (0..4)
            .find(|&d| {
                let f = 10f64.powi(d);
                ((pct * f).round() - pct * f).abs() < 1e-6
            })
            .unwrap_or(4) as usize
    } else if pct == 0.0 || pct >= 10.0 {
        0
    } else if pct >= 1.0 {
        1
    } else if pct >= 0.1 {
        2
    } else {
        3
    };
    l.percent(share, decimals)
}

/// `'Amount' is not a number in 17,522 rows, 'Date' is missing in 3 rows`.
fn reasons_text(s: &Strings, l: &Locale, reasons: &[(String, String, usize)]) -> String {
    let mut parts: Vec<String> = reasons
        .iter()
        .take(REASONS_NAMED)
        .map(|(column, problem, n)| {
            let key = if *n == 1 {
                "gate.reason_one"
            } else {
                "gate.reason"
            };
            s.fill(
                key,
                &[
                    ("column", column),
                    ("problem", &problem_text(s, problem)),
                    ("n", &l.integer(*n as i64)),
                ],
            )
        })
        .collect();
    if reasons.len() > REASONS_NAMED {
        let more = (reasons.len() - REASONS_NAMED).to_string();
        parts.push(s.fill("gate.more_reasons", &[("n", &more)]));
    }
    parts.join(", ")
}

/// The ledger's English problem (`not a number`) in the strings' language.
fn problem_text(s: &Strings, problem: &str) -> String {
    let key = match problem {
        "missing" => "dq.missing",
        "not a number" => "dq.not_a_number",
        "not a date" => "dq.not_a_date",
        "not a yes/no value" => "dq.not_a_flag",
        "not a whole number" => "dq.not_whole",
        "neither an NPS nor a CSAT score" => "dq.no_score",
        p => {
            return p.strip_prefix("outside ").map_or_else(
                || p.to_string(),
                |range| s.fill("dq.outside", &[("range", range)]),
            );
        }
    };
    s.get(key).to_string()
}
