use super::*;
use crate::domain::Lang;
use crate::ingest::ledger::{FutureDates, ReasonCount};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn transactions(dates: &[NaiveDate]) -> Tables {
    let mut t = Tables::empty();
    let epoch = NaiveDate::default();
    let days: Vec<i32> = dates
        .iter()
        .map(|x| (*x - epoch).num_days() as i32)
        .collect();
    let col = Series::new("date".into(), days)
        .cast(&DataType::Date)
        .unwrap()
        .into_column();
    t.transactions = DataFrame::new(dates.len(), vec![col]).unwrap();
    t
}

fn invoices(read: usize, rejected: usize) -> SourceLedger {
    let mut s = SourceLedger::new("facturas.csv".into(), None);
    s.table = Some(TableKind::Transactions);
    s.rows_read = read;
    s.rows_rejected = rejected;
    s.rows_accepted = read - rejected;
    if rejected > 0 {
        s.rejected.push(ReasonCount {
            column: "Amount".into(),
            reason: "net_amount: not a number".into(),
            count: rejected,
            examples: vec![],
        });
    }
    s
}

fn ledger(as_of: NaiveDate, sources: Vec<SourceLedger>) -> Ledger {
    let mut l = Ledger::new("acme".into(), "Acme".into(), as_of);
    l.sources = sources;
    l
}

fn q3() -> Period {
    "2026-Q3".parse().unwrap()
}

fn find(gates: &[Gate], kind: GateKind) -> &Gate {
    gates.iter().find(|g| g.gate == kind).expect("gate present")
}

#[test]
fn a_mostly_rejected_source_fails_with_one_sentence_naming_count_share_and_reason() {
    let l = ledger(d(2026, 10, 5), vec![invoices(20_379, 17_522)]);
    let tables = transactions(&[d(2026, 9, 30)]);
    let gates = evaluate(&QualitySettings::default(), &l, &tables, q3());
    let g = find(&gates, GateKind::RejectedShare);
    assert_eq!(g.outcome, GateOutcome::Failed);
    assert_eq!(g.threshold, 0.01);
    assert_eq!(
        g.message.as_deref().unwrap(),
        "facturas.csv: 17,522 of 20,379 rows (86%) rejected, above the 1% allowed: 'Amount' is \
         not a number in 17,522 rows; see rejected_rows.csv"
    );
    assert_eq!(
        sentence(g, Lang::Es).unwrap(),
        "facturas.csv: 17.522 de 20.379 filas (86\u{a0}%) rechazadas, por encima del 1\u{a0}% \
         permitido: 'Amount' no es un número en 17.522 filas; véase rejected_rows.csv"
    );
    assert_eq!(blocking(&gates, false).len(), 1);
}

#[test]
fn a_threshold_raised_in_audit_toml_turns_the_failure_into_a_warning() {
    let l = ledger(d(2026, 10, 5), vec![invoices(20_379, 17_522)]);
    let tables = transactions(&[d(2026, 9, 30)]);
    let settings = QualitySettings {
        max_rejected_share: 0.9,
        ..QualitySettings::default()
    };
    let gates = evaluate(&settings, &l, &tables, q3());
    let g = find(&gates, GateKind::RejectedShare);
    assert_eq!(g.outcome, GateOutcome::Warning);
    assert!(g.message.as_deref().unwrap().contains("within the 90%"));
    assert!(blocking(&gates, false).is_empty());
    let strict = blocking(&gates, true);
    assert!(strict[0].ends_with("(a warning, failed by --warn-error)"));
}

#[test]
fn an_unreadable_source_fails_unless_optional_or_discovered() {
    let mut tickets = SourceLedger::new("tickets.xlsx".into(), None);
    tickets.table = Some(TableKind::Complaints);
    tickets
        .errors
        .push("cannot read tickets.xlsx: invalid zip".into());
    let tables = transactions(&[d(2026, 9, 30)]);
    let run = |s: SourceLedger| {
        let l = ledger(d(2026, 10, 5), vec![invoices(10, 0), s]);
        let gates = evaluate(&QualitySettings::default(), &l, &tables, q3());
        find(&gates, GateKind::SourceReadable).clone()
    };
    let named = run(tickets.clone());
    assert_eq!(named.outcome, GateOutcome::Failed);
    assert!(named.message.unwrap().starts_with(
        "tickets.xlsx: cannot read tickets.xlsx: invalid zip; the file is named in audit.toml"
    ));
    let optional = run(SourceLedger {
        optional: true,
        ..tickets.clone()
    });
    assert_eq!(optional.outcome, GateOutcome::Warning);
    let discovered = run(SourceLedger {
        discovered: true,
        ..tickets
    });
    assert_eq!(discovered.outcome, GateOutcome::Warning);
}

#[test]
fn an_export_ending_before_the_period_is_stale_and_leaves_the_period_empty() {
    let l = ledger(d(2026, 12, 4), vec![invoices(3, 0)]);
    let tables = transactions(&[d(2026, 8, 1), d(2026, 9, 30), d(2099, 1, 1)]);
    let november: Period = "2026-11".parse().unwrap();
    let gates = evaluate(&QualitySettings::default(), &l, &tables, november);
    let stale = find(&gates, GateKind::StalenessDays);
    assert_eq!(stale.observed, 61.0, "2099 is a typo, not the newest date");
    assert_eq!(
        stale.message.as_deref().unwrap(),
        "facturas.csv ends on 30 Sep 2026, 61 days before the end of the audited period \
         (30 Nov 2026): the export looks stale"
    );
    assert_eq!(
        sentence(stale, Lang::Es).unwrap(),
        "facturas.csv termina el 30/09/2026, 61 días antes del final del periodo auditado \
         (30/11/2026): la exportación parece desactualizada"
    );
    let rows = find(&gates, GateKind::RowsInPeriod);
    assert_eq!(rows.outcome, GateOutcome::Failed);
    assert!(
        rows.message
            .as_deref()
            .unwrap()
            .starts_with("No transaction is dated in the audited period 2026-11")
    );
    let texts = blocking(&gates, false);
    assert!(failure_text(&texts).starts_with("2 quality gates failed: "));
}

#[test]
fn future_dated_rows_above_the_share_fail_and_name_the_day_of_the_run() {
    let mut s = invoices(1_000, 0);
    s.future_dates.push(FutureDates {
        column: "date".into(),
        after_today: 1_000,
        after_data_end: 0,
        data_end: None,
        examples: vec!["row 2: 2099-01-01".into()],
    });
    let l = ledger(d(2026, 10, 5), vec![s]);
    let tables = transactions(&[d(2026, 9, 30)]);
    let gates = evaluate(&QualitySettings::default(), &l, &tables, q3());
    let g = find(&gates, GateKind::FutureShare);
    assert_eq!(g.outcome, GateOutcome::Failed);
    assert_eq!(
        g.message.as_deref().unwrap(),
        "facturas.csv: 1,000 of 1,000 rows (100%) have a date after 5 Oct 2026, the day of the \
         run, above the 0.1% allowed (first: row 2: 2099-01-01); check the year in the export"
    );
}

#[test]
fn a_clean_client_passes_every_gate() {
    let l = ledger(d(2026, 10, 5), vec![invoices(100, 0)]);
    let tables = transactions(&[d(2026, 7, 1), d(2026, 9, 28)]);
    let gates = evaluate(&QualitySettings::default(), &l, &tables, q3());
    assert!(gates.iter().all(|g| g.outcome == GateOutcome::Passed));
    assert!(gates.iter().all(|g| g.message.is_none()));
    assert_eq!(find(&gates, GateKind::StalenessDays).observed, 2.0);
    assert_eq!(find(&gates, GateKind::RowsInPeriod).observed, 2.0);
}
