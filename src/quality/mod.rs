//! The quality gate (issue 17): between ingest and the indicators, the ledger's figures are held
//! against the thresholds of `[quality]` in audit.toml, so that an audit never reports on data it
//! could not read. Per source: readable, rejected share, unmatched share, future-dated share; over
//! the transactions: rows in the audited period and staleness. Depends on the configuration, the
//! ledger and the canonical tables; its sentences use the report's strings and locale.

mod text;

pub use text::sentence;
pub(crate) use text::{outcome_label, percent};

use crate::config::QualitySettings;
use crate::ingest::Ledger;
use crate::ingest::ledger::{Gate, GateFacts, GateKind, GateOutcome, SourceLedger};
use crate::period::Period;
use crate::tables::{TableKind, Tables};
use chrono::NaiveDate;
use polars::prelude::*;

/// Every gate of a client, passed or not, with an English sentence on those not passed.
/// Future dates are judged against the ledger's day (`ledger.as_of`: the day of the run or
/// `--as-of`).
pub fn evaluate(
    settings: &QualitySettings,
    ledger: &Ledger,
    tables: &Tables,
    period: Period,
) -> Vec<Gate> {
    let defaults = QualitySettings::default();
    let has_customers = tables.customers.is_some();
    let mut gates = Vec::new();
    for s in &ledger.sources {
        source_gates(
            settings,
            &defaults,
            s,
            has_customers,
            ledger.as_of,
            &mut gates,
        );
    }
    period_gates(settings, &defaults, ledger, tables, period, &mut gates);
    for g in &mut gates {
        if g.outcome != GateOutcome::Passed {
            g.message = sentence(g, crate::domain::Lang::En);
        }
    }
    gates
}

/// The messages of the gates that stop the client: failed ones, and with `warn_error` the
/// warnings too. Empty when the client may be audited.
pub fn blocking(gates: &[Gate], warn_error: bool) -> Vec<String> {
    gates
        .iter()
        .filter(|g| {
            g.outcome == GateOutcome::Failed || (warn_error && g.outcome == GateOutcome::Warning)
        })
        .map(|g| {
            let m = g.message.clone().unwrap_or_default();
            if g.outcome == GateOutcome::Warning {
                format!("{m} (a warning, failed by --warn-error)")
            } else {
                m
            }
        })
        .collect()
}

/// The client's error when gates stop it: the one sentence, or all of them.
pub fn failure_text(messages: &[String]) -> String {
    match messages {
        [one] => one.clone(),
        many => format!("{} quality gates failed: {}", many.len(), many.join(". ")),
    }
}

/// Above the threshold fails; above the default (a looser threshold in audit.toml) warns.
fn at_most(observed: f64, limit: f64, default: f64) -> GateOutcome {
    if observed > limit {
        GateOutcome::Failed
    } else if observed > default {
        GateOutcome::Warning
    } else {
        GateOutcome::Passed
    }
}

/// Below the minimum fails; below the default minimum warns.
fn at_least(observed: f64, limit: f64, default: f64) -> GateOutcome {
    if observed < limit {
        GateOutcome::Failed
    } else if observed < default {
        GateOutcome::Warning
    } else {
        GateOutcome::Passed
    }
}

struct Check {
    kind: GateKind,
    unit: &'static str,
    limit: f64,
    default: f64,
    observed: f64,
    outcome: GateOutcome,
}

fn gate(source: Option<String>, c: Check, facts: GateFacts) -> Gate {
    Gate {
        gate: c.kind,
        source,
        unit: c.unit.into(),
        threshold: c.limit,
        default_threshold: c.default,
        observed: c.observed,
        outcome: c.outcome,
        message: None,
        facts: Some(facts),
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn label(s: &SourceLedger) -> String {
    match &s.sheet {
        Some(sheet) => format!("{} [{sheet}]", s.path),
        None => s.path.clone(),
    }
}

fn source_gates(
    q: &QualitySettings,
    d: &QualitySettings,
    s: &SourceLedger,
    has_customers: bool,
    as_of: NaiveDate,
    out: &mut Vec<Gate>,
) {
    let source = Some(label(s));
    if !s.errors.is_empty() {
        let outcome = if s.optional || s.discovered {
            GateOutcome::Warning
        } else {
            GateOutcome::Failed
        };
        let check = Check {
            kind: GateKind::SourceReadable,
            unit: "errors",
            limit: 0.0,
            default: 0.0,
            observed: s.errors.len() as f64,
            outcome,
        };
        let facts = GateFacts::Unreadable {
            error: s.errors.join("; "),
            optional: s.optional,
            discovered: s.discovered,
        };
        out.push(gate(source, check, facts));
        return;
    }
    if s.rows_read > 0 {
        let observed = share(s.rows_rejected, s.rows_read);
        let mut reasons: Vec<(String, String, usize)> = s
            .rejected
            .iter()
            .map(|r| {
                let problem = r.reason.split_once(": ").map_or(&*r.reason, |(_, p)| p);
                (r.column.clone(), problem.to_string(), r.count)
            })
            .collect();
        reasons.sort_by_key(|r| std::cmp::Reverse(r.2));
        let check = Check {
            kind: GateKind::RejectedShare,
            unit: "share",
            limit: q.max_rejected_share,
            default: d.max_rejected_share,
            observed,
            outcome: at_most(observed, q.max_rejected_share, d.max_rejected_share),
        };
        let facts = GateFacts::Rejected {
            read: s.rows_read,
            rejected: s.rows_rejected,
            reasons,
        };
        out.push(gate(source.clone(), check, facts));
    }
    if s.rows_accepted == 0 {
        return;
    }
    if has_customers && s.table.is_some_and(|t| t != TableKind::Customers) {
        let (unmatched, ids) = s
            .unmatched_customers
            .as_ref()
            .map_or((0, 0), |u| (u.rows, u.distinct_ids));
        let observed = share(unmatched, s.rows_accepted);
        let check = Check {
            kind: GateKind::UnmatchedShare,
            unit: "share",
            limit: q.max_unmatched_share,
            default: d.max_unmatched_share,
            observed,
            outcome: at_most(observed, q.max_unmatched_share, d.max_unmatched_share),
        };
        let facts = GateFacts::Unmatched {
            rows: s.rows_accepted,
            unmatched,
            ids,
        };
        out.push(gate(source.clone(), check, facts));
    }
    if let Some(table) = s.table.filter(|t| has_dates(*t)) {
        let worst = s.future_dates.iter().max_by_key(|f| f.after_today);
        let future = worst.map_or(0, |f| f.after_today);
        let column = worst.map_or_else(
            || crate::ingest::main_date(table).to_string(),
            |f| f.column.clone(),
        );
        let observed = share(future, s.rows_accepted);
        let check = Check {
            kind: GateKind::FutureShare,
            unit: "share",
            limit: q.max_future_share,
            default: d.max_future_share,
            observed,
            outcome: at_most(observed, q.max_future_share, d.max_future_share),
        };
        let example = worst.and_then(|f| f.examples.first().cloned());
        let facts = GateFacts::Future {
            rows: s.rows_accepted,
            future,
            column,
            as_of,
            example,
        };
        out.push(gate(source, check, facts));
    }
}

fn has_dates(t: TableKind) -> bool {
    t.columns().iter().any(|c| {
        matches!(
            c.ty,
            crate::tables::ColType::Date | crate::tables::ColType::DateTime
        )
    })
}

fn period_gates(
    q: &QualitySettings,
    d: &QualitySettings,
    ledger: &Ledger,
    tables: &Tables,
    period: Period,
    out: &mut Vec<Gate>,
) {
    let names: Vec<String> = ledger
        .sources
        .iter()
        .filter(|s| s.table == Some(TableKind::Transactions) && s.errors.is_empty())
        .map(label)
        .collect();
    if names.is_empty() {
        // No transactions at all: the ledger's own error says so.
        return;
    }
    let source = Some(names.join(", "));
    let (rows, newest) = match transaction_dates(&tables.transactions, period, ledger.as_of) {
        Ok(x) => x,
        Err(e) => {
            tracing::warn!("quality gate: the transaction dates could not be read: {e}");
            return;
        }
    };
    let min_rows = q.min_rows_in_period as f64;
    let check = Check {
        kind: GateKind::RowsInPeriod,
        unit: "rows",
        limit: min_rows,
        default: d.min_rows_in_period as f64,
        observed: rows as f64,
        outcome: at_least(rows as f64, min_rows, d.min_rows_in_period as f64),
    };
    let facts = GateFacts::RowsInPeriod {
        period: period.to_string(),
        start: period.start,
        end: period.end,
        rows,
    };
    out.push(gate(source.clone(), check, facts));
    let Some(newest) = newest else {
        return;
    };
    let days = (period.end - newest).num_days().max(0);
    let check = Check {
        kind: GateKind::StalenessDays,
        unit: "days",
        limit: q.max_staleness_days as f64,
        default: d.max_staleness_days as f64,
        observed: days as f64,
        outcome: at_most(
            days as f64,
            q.max_staleness_days as f64,
            d.max_staleness_days as f64,
        ),
    };
    let facts = GateFacts::Stale {
        newest: Some(newest),
        period_end: period.end,
        days,
    };
    out.push(gate(source, check, facts));
}

/// Transactions dated in the period, and the newest date on or before `as_of` (later dates are
/// typos the future-date gate counts; they must not make a stale export look fresh).
fn transaction_dates(
    tx: &DataFrame,
    period: Period,
    as_of: NaiveDate,
) -> PolarsResult<(u64, Option<NaiveDate>)> {
    let epoch = NaiveDate::default();
    let day = |d: NaiveDate| (d - epoch).num_days() as i32;
    let days = tx
        .column("date")?
        .cast(&DataType::Date)?
        .cast(&DataType::Int32)?;
    let days = days.i32()?;
    let in_period = (days.gt_eq(day(period.start)) & days.lt_eq(day(period.end)))
        .sum()
        .unwrap_or(0);
    let newest = days
        .filter(&days.lt_eq(day(as_of)))?
        .max()
        .map(|d| epoch + chrono::Duration::days(i64::from(d)));
    Ok((u64::from(in_period), newest))
}

#[cfg(test)]
mod tests;
