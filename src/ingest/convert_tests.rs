use super::*;
use crate::ingest::dates::valid_date_format;

fn ctx() -> ColumnContext {
    ColumnContext {
        decimal: DecimalSep::Dot,
        day_first_hint: false,
        serial_base: SerialBase::Excel1900,
        date_format: None,
        lowercase: false,
        range: None,
    }
}

fn text(values: &[Option<&str>]) -> Column {
    Column::new("raw".into(), values)
}

fn f64s(c: &Converted) -> Vec<Option<f64>> {
    c.column.f64().unwrap().iter().collect()
}

#[test]
fn ids_keep_leading_zeros_and_long_digits_and_lose_blanks() {
    let col = text(&[Some("000123"), Some(" 123456789012345678 "), Some(""), None]);
    let c = convert(&col, "customer_id", "Cód", ColType::Text, &ctx()).unwrap();
    let v: Vec<Option<&str>> = c.column.str().unwrap().iter().collect();
    assert_eq!(
        v,
        vec![Some("000123"), Some("123456789012345678"), None, None]
    );
}

#[test]
fn email_keys_are_lower_cased() {
    let col = text(&[Some("Ana@Example.COM ")]);
    let c = convert(
        &col,
        "customer_id",
        "Email",
        ColType::Text,
        &ColumnContext {
            lowercase: true,
            ..ctx()
        },
    )
    .unwrap();
    assert_eq!(c.column.str().unwrap().get(0), Some("ana@example.com"));
}

#[test]
fn ambiguous_thousands_follow_the_rest_of_the_column() {
    // "1,5" votes for decimal comma, so "12.345" is twelve thousand three hundred forty-five.
    let col = text(&[Some("12.345"), Some("1,5")]);
    let c = convert(&col, "net_amount", "Importe", ColType::Number, &ctx()).unwrap();
    assert_eq!(f64s(&c), vec![Some(12345.0), Some(1.5)]);
    assert_eq!(c.format.as_deref(), Some(","));
    // With no vote in the column, the file's separator decides.
    let col = text(&[Some("12.345"), Some("7")]);
    let c = convert(&col, "net_amount", "Importe", ColType::Number, &ctx()).unwrap();
    assert_eq!(f64s(&c), vec![Some(12.345), Some(7.0)]);
}

#[test]
fn unreadable_amounts_are_listed_by_row() {
    let col = text(&[Some("1.234,56"), Some("n/a"), None, Some("(10,00)")]);
    let c = convert(&col, "net_amount", "Importe", ColType::Number, &ctx()).unwrap();
    assert_eq!(f64s(&c), vec![Some(1234.56), None, None, Some(-10.0)]);
    assert_eq!(c.failures, vec![(1, Problem::NotANumber)]);
}

#[test]
fn scores_must_be_whole_and_in_range() {
    let col = text(&[Some("9"), Some("11"), Some("7,5"), Some("10")]);
    let cx = ColumnContext {
        range: Some((0, 10)),
        ..ctx()
    };
    let c = convert(&col, "nps", "NPS", ColType::Integer, &cx).unwrap();
    let v: Vec<Option<i32>> = c.column.i32().unwrap().iter().collect();
    assert_eq!(v, vec![Some(9), None, None, Some(10)]);
    assert_eq!(
        c.failures,
        vec![
            (1, Problem::OutOfRange { min: 0, max: 10 }),
            (2, Problem::NotAWholeNumber)
        ]
    );
}

#[test]
fn flags_parse_and_blanks_stay_unknown() {
    let col = text(&[Some("Sí"), Some("No"), Some(""), Some("quizá")]);
    let c = convert(&col, "reopened", "Reabierta", ColType::Flag, &ctx()).unwrap();
    let v: Vec<Option<bool>> = c.column.bool().unwrap().iter().collect();
    assert_eq!(v, vec![Some(true), Some(false), None, None]);
    assert_eq!(c.failures, vec![(3, Problem::NotAFlag)]);
}

#[test]
fn month_first_column_is_detected_from_the_whole_column() {
    let col = text(&[Some("03/04/2026"), Some("03/14/2026")]);
    let c = convert(&col, "date", "Response Date", ColType::Date, &ctx()).unwrap();
    assert_eq!(c.column.get(0).unwrap().to_string(), "2026-03-04");
    assert_eq!(c.format.as_deref(), Some("mm/dd/yyyy"));
}

#[test]
fn ambiguous_date_column_is_an_error_that_says_how_to_fix_it() {
    let col = text(&[Some("03/04/2026"), Some("01/02/2026")]);
    let err = convert(&col, "date", "Fecha", ColType::Date, &ctx()).unwrap_err();
    assert!(
        err.contains("'Fecha'") && err.contains("date_format"),
        "{err}"
    );
    // A Spanish-Excel file (hint) reads the same column day-first.
    let c = convert(
        &col,
        "date",
        "Fecha",
        ColType::Date,
        &ColumnContext {
            day_first_hint: true,
            ..ctx()
        },
    )
    .unwrap();
    assert_eq!(c.column.get(0).unwrap().to_string(), "2026-04-03");
}

#[test]
fn date_times_keep_the_time_and_dates_drop_it() {
    let col = text(&[Some("14/03/2026 10:22"), Some("junk")]);
    let c = convert(
        &col,
        "opened_at",
        "Fecha apertura",
        ColType::DateTime,
        &ctx(),
    )
    .unwrap();
    assert_eq!(c.column.get(0).unwrap().to_string(), "2026-03-14 10:22:00");
    assert_eq!(c.failures, vec![(1, Problem::NotADate)]);
    let c = convert(&col, "date", "Fecha", ColType::Date, &ctx()).unwrap();
    assert_eq!(c.column.get(0).unwrap().to_string(), "2026-03-14");
}

#[test]
fn configured_date_format_is_used_for_dates_and_date_times() {
    let cx = ColumnContext {
        date_format: Some("%d/%m/%Y %H:%M".into()),
        ..ctx()
    };
    let col = text(&[Some("03/04/2026 08:30"), Some("03/04/2026")]);
    let c = convert(&col, "opened_at", "Alta", ColType::DateTime, &cx).unwrap();
    assert_eq!(c.column.get(0).unwrap().to_string(), "2026-04-03 08:30:00");
    assert_eq!(c.column.get(1).unwrap().to_string(), "2026-04-03 00:00:00");
    assert!(valid_date_format("%d/%m/%Y") && valid_date_format("excel1904"));
    assert!(!valid_date_format("%Q"));
}

#[test]
fn excel_1904_serials_follow_the_context() {
    let cx = ColumnContext {
        serial_base: SerialBase::Excel1904,
        ..ctx()
    };
    // 43538 in the 1904 system is 2023-03-15 (see the parser's tests).
    let c = convert(&text(&[Some("43538")]), "date", "Fecha", ColType::Date, &cx).unwrap();
    assert_eq!(c.column.get(0).unwrap().to_string(), "2023-03-15");
}

#[test]
fn typed_parquet_columns_cast_and_float_ids_lose_the_decimal_zero() {
    let ids = Column::new("id".into(), [Some(123.0f64), None]);
    let c = convert(&ids, "customer_id", "id", ColType::Text, &ctx()).unwrap();
    assert_eq!(c.column.str().unwrap().get(0), Some("123"));
    let amounts = Column::new("a".into(), [5i64, 7]);
    let c = convert(&amounts, "net_amount", "a", ColType::Number, &ctx()).unwrap();
    assert_eq!(f64s(&c), vec![Some(5.0), Some(7.0)]);
}

#[test]
fn blank_and_untrimmed_agree_with_unicode_trimming() {
    let cases = [
        "", " ", "\t", "\u{a0}", "\u{2003}", "x", " x", "x ", "x\u{a0}", "\u{a0}x", "Éa", "aÉ",
        "ñ ", "12", "1 2", "\r\n",
    ];
    for s in cases {
        assert_eq!(blank(s), s.trim().is_empty(), "blank({s:?})");
        assert_eq!(
            untrimmed(s),
            s.is_empty() || s.trim().len() != s.len(),
            "untrimmed({s:?})"
        );
    }
}
