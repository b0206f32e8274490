use super::*;

const B1900: SerialBase = SerialBase::Excel1900;

/// Days since 1970-01-01, computed with chrono as an independent check.
fn day(y: i32, m: u32, d: u32) -> i32 {
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    crate::period::day_number(date)
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> Stamp {
    Stamp {
        days: day(y, m, d),
        ms: ((h * 60 + min) * 60 + s) * 1000,
    }
}

fn p(s: &str, order: Option<Order>) -> Option<Stamp> {
    parse(s, order, B1900)
}

#[test]
fn iso_dates_and_date_times_parse_without_an_order() {
    assert_eq!(p("2026-03-14", None), Some(at(2026, 3, 14, 0, 0, 0)));
    assert_eq!(
        p("2026-03-14T10:22:00", None),
        Some(at(2026, 3, 14, 10, 22, 0))
    );
    assert_eq!(p("2026-03-14 09:12", None), Some(at(2026, 3, 14, 9, 12, 0)));
    assert_eq!(p("2026/03/14", None), Some(at(2026, 3, 14, 0, 0, 0)));
    // 10:22:00.250 = 37,320,000 ms + 250.
    assert_eq!(p("2026-03-14T10:22:00.25Z", None).unwrap().ms, 37_320_250);
    assert_eq!(
        p("2026-03-14T10:22:00+01:00", None),
        Some(at(2026, 3, 14, 10, 22, 0))
    );
}

#[test]
fn day_first_forms_parse_with_their_separators() {
    let d = Some(Order::DayFirst);
    assert_eq!(p("14/03/2026", d), Some(at(2026, 3, 14, 0, 0, 0)));
    assert_eq!(p("14-03-2026", d), Some(at(2026, 3, 14, 0, 0, 0)));
    assert_eq!(p("14.03.2026", d), Some(at(2026, 3, 14, 0, 0, 0)));
    assert_eq!(p("4/3/26", d), Some(at(2026, 3, 4, 0, 0, 0)));
    assert_eq!(p("14/03/2026 10:22", d), Some(at(2026, 3, 14, 10, 22, 0)));
    assert_eq!(
        p("14/03/2026 10:22:33", d),
        Some(at(2026, 3, 14, 10, 22, 33))
    );
}

#[test]
fn month_first_forms_parse_with_am_pm() {
    let m = Some(Order::MonthFirst);
    assert_eq!(p("03/14/2026", m), Some(at(2026, 3, 14, 0, 0, 0)));
    assert_eq!(p("3/14/2026 2:05 PM", m), Some(at(2026, 3, 14, 14, 5, 0)));
    assert_eq!(p("3/14/2026 12:05 AM", m), Some(at(2026, 3, 14, 0, 5, 0)));
}

#[test]
fn two_digit_years_pivot_at_69() {
    let d = Some(Order::DayFirst);
    assert_eq!(p("01/02/69", d).unwrap().days, day(2069, 2, 1));
    assert_eq!(p("01/02/70", d).unwrap().days, day(1970, 2, 1));
}

#[test]
fn impossible_dates_are_rejected() {
    let d = Some(Order::DayFirst);
    assert_eq!(p("31/02/2026", d), None);
    assert_eq!(p("29/02/2025", d), None);
    assert_eq!(p("14/13/2026", d), None);
    assert_eq!(p("2026-03-14 25:00", None), None);
    assert_eq!(p("14/03/2026 10", d), None);
    assert_eq!(p("not a date", d), None);
    assert_eq!(p("14/03-2026", d), None);
    assert_eq!(p("", d), None);
}

#[test]
fn leap_days_parse_in_leap_years_only() {
    let d = Some(Order::DayFirst);
    assert_eq!(p("29/02/2024", d).unwrap().days, day(2024, 2, 29));
    assert_eq!(p("29/02/2000", d).unwrap().days, day(2000, 2, 29));
    assert_eq!(p("29/02/1900", d), None);
}

#[test]
fn excel_serials_follow_both_date_systems() {
    // 45000 is 2023-03-15 in the 1900 system (Excel's own display of that serial).
    assert_eq!(p("45000", None).unwrap().days, day(2023, 3, 15));
    // 45000.5 is noon of that day: 0.5 × 86,400,000 = 43,200,000 ms.
    assert_eq!(p("45000.5", None), Some(at(2023, 3, 15, 12, 0, 0)));
    assert_eq!(p("45000,5", None), Some(at(2023, 3, 15, 12, 0, 0)));
    assert_eq!(p("61", None).unwrap().days, day(1900, 3, 1));
    assert_eq!(p("1", None).unwrap().days, day(1900, 1, 1));
    // The 1904 system counts from 1904-01-01: serial 43538 is 4 years and a day later than
    // in 1900 (1462 days), so 43538 (1904) = 45000 (1900) = 2023-03-15.
    assert_eq!(
        parse("43538", None, SerialBase::Excel1904).unwrap().days,
        day(2023, 3, 15)
    );
}

#[test]
fn compact_yyyymmdd_numbers_are_dates_not_serials() {
    assert_eq!(p("20260314", None).unwrap().days, day(2026, 3, 14));
}

#[test]
fn text_dates_with_month_names_parse() {
    assert_eq!(p("14-mar-2026", None).unwrap().days, day(2026, 3, 14));
    assert_eq!(
        p("14 de marzo de 2026", None).unwrap().days,
        day(2026, 3, 14)
    );
    assert_eq!(p("Mar 14, 2026", None).unwrap().days, day(2026, 3, 14));
    assert_eq!(p("14-Dic-26", None).unwrap().days, day(2026, 12, 14));
    assert_eq!(p("2026-Mar-14", None).unwrap().days, day(2026, 3, 14));
    assert_eq!(
        p("Saturday, March 14th, 2026", None).unwrap().days,
        day(2026, 3, 14)
    );
    assert_eq!(
        p("14 mar 2026 10:22", None),
        Some(at(2026, 3, 14, 10, 22, 0))
    );
    assert_eq!(p("14 frob 2026", None), None);
}

fn shape_of(values: &[&str]) -> ColumnShape {
    let mut c = ColumnShape::default();
    values.iter().for_each(|v| c.add(v));
    c
}

#[test]
fn a_first_field_over_12_makes_the_column_day_first() {
    let c = shape_of(&["03/04/2026", "13/04/2026", "01/02/2026"]);
    assert_eq!(c.order(false), Ok(Some(Order::DayFirst)));
}

#[test]
fn a_second_field_over_12_makes_the_column_month_first() {
    let c = shape_of(&["03/04/2026", "03/14/2026"]);
    assert_eq!(c.order(true), Ok(Some(Order::MonthFirst)));
}

#[test]
fn both_kinds_of_evidence_is_a_conflict_naming_both_values() {
    let c = shape_of(&["13/04/2026", "03/14/2026"]);
    assert_eq!(
        c.order(true),
        Err(OrderError::Conflicting {
            day_first: "13/04/2026".into(),
            month_first: "03/14/2026".into()
        })
    );
}

#[test]
fn values_invalid_in_both_orders_are_not_evidence() {
    let c = shape_of(&["45/13/2026", "03/14/2026"]);
    assert_eq!(c.order(false), Ok(Some(Order::MonthFirst)));
}

#[test]
fn undecidable_column_uses_the_locale_hint_or_is_ambiguous() {
    let c = shape_of(&["03/04/2026", "01/02/2026"]);
    assert_eq!(c.order(true), Ok(Some(Order::DayFirst)));
    assert_eq!(
        c.order(false),
        Err(OrderError::Ambiguous {
            example: "03/04/2026".into()
        })
    );
}

#[test]
fn iso_and_serial_columns_need_no_order() {
    assert_eq!(
        shape_of(&["2026-03-04", "2026-01-02"]).order(false),
        Ok(None)
    );
    assert_eq!(shape_of(&["45000", "45001"]).order(false), Ok(None));
}

#[test]
fn layouts_are_described_for_the_ledger() {
    assert_eq!(
        describe("14/03/2026 10:22", Some(Order::DayFirst), B1900),
        "dd/mm/yyyy hh:mm"
    );
    assert_eq!(
        describe("03/14/2026", Some(Order::MonthFirst), B1900),
        "mm/dd/yyyy"
    );
    assert_eq!(
        describe("2026-03-14T10:22:00", None, B1900),
        "yyyy-mm-ddThh:mm:ss"
    );
    assert_eq!(describe("45000", None, B1900), "Excel serial (1900 system)");
}

#[test]
fn a_multi_byte_character_before_the_hour_is_not_cut_in_half() {
    // A no-break space (two bytes in UTF-8) before the time, as Spanish exports write it, used
    // to make the month-name parser slice inside it and panic (found by fuzzing, issue 17).
    assert_eq!(
        p("14 de marzo de 2026\u{a0}10:22", None),
        Some(at(2026, 3, 14, 10, 22, 0))
    );
    assert_eq!(p("é1:", None), None);
    assert_eq!(p("€😀:05", None), None);
}
