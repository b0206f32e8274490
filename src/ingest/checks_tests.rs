use super::*;

fn day(s: &str) -> i32 {
    to_days(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

/// A transactions-like frame: customer, date, amount, file row.
fn frame(rows: &[(&str, &str, f64, u32)]) -> DataFrame {
    let ids: Vec<&str> = rows.iter().map(|r| r.0).collect();
    let dates: Vec<i32> = rows.iter().map(|r| day(r.1)).collect();
    let amounts: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let file_rows: Vec<u32> = rows.iter().map(|r| r.3).collect();
    DataFrame::new(
        rows.len(),
        vec![
            Column::new("customer_id".into(), ids),
            Int32Chunked::from_vec("date".into(), dates)
                .into_date()
                .into_column(),
            Column::new("net_amount".into(), amounts),
            Column::new(ROW_COLUMN.into(), file_rows),
        ],
    )
    .unwrap()
}

#[test]
fn exact_repeats_are_counted_with_their_rows() {
    // Rows 2 and 5 are identical (2 occurrences → 1 repeat); rows 3, 4, 6 are identical
    // (3 occurrences → 2 repeats); 1 + 2 = 3 duplicate rows.
    let df = frame(&[
        ("C1", "2026-01-05", 10.0, 2),
        ("C2", "2026-01-05", 10.0, 3),
        ("C2", "2026-01-05", 10.0, 4),
        ("C1", "2026-01-05", 10.0, 5),
        ("C2", "2026-01-05", 10.0, 6),
        ("C1", "2026-01-06", 10.0, 7),
    ]);
    // The same with customer_id as the key the full comparison is narrowed by (here every
    // customer repeats, and row 7 shares C1 without being a duplicate).
    for key in [None, Some("customer_id")] {
        let d = duplicates(&df, key).unwrap().unwrap();
        assert_eq!(d.rows, 3, "{key:?}");
    }
    let d = duplicates(&df, None).unwrap().unwrap();
    assert_eq!(d.rows, 3);
    assert_eq!(
        (
            d.examples[0].first_row,
            d.examples[0].repeated_at,
            d.examples[0].times
        ),
        (2, 5, 2)
    );
    assert_eq!(
        (
            d.examples[1].first_row,
            d.examples[1].repeated_at,
            d.examples[1].times
        ),
        (3, 6, 3)
    );
}

#[test]
fn no_duplicates_gives_none() {
    let df = frame(&[("C1", "2026-01-05", 10.0, 2), ("C1", "2026-01-05", 11.0, 3)]);
    assert!(duplicates(&df, None).unwrap().is_none());
    assert!(duplicates(&df, Some("customer_id")).unwrap().is_none());
    // Distinct keys: not even hashed in full.
    let df = frame(&[("C1", "2026-01-05", 10.0, 2), ("C2", "2026-01-05", 10.0, 3)]);
    assert!(duplicates(&df, Some("customer_id")).unwrap().is_none());
}

#[test]
fn a_key_narrows_the_comparison_without_changing_the_rows_reported() {
    // Unique keys except C3, written twice identically at rows 4 and 6; C1 repeats with a
    // different amount. The examples keep the file's row numbers.
    let df = frame(&[
        ("C1", "2026-01-05", 10.0, 2),
        ("C2", "2026-01-05", 10.0, 3),
        ("C3", "2026-01-07", 12.0, 4),
        ("C1", "2026-01-05", 11.0, 5),
        ("C3", "2026-01-07", 12.0, 6),
    ]);
    let whole = duplicates(&df, None).unwrap().unwrap();
    let keyed = duplicates(&df, Some("customer_id")).unwrap().unwrap();
    assert_eq!((keyed.rows, whole.rows), (1, 1));
    let e = &keyed.examples[0];
    assert_eq!((e.first_row, e.repeated_at, e.times), (4, 6, 2));
}

#[test]
fn unknown_customers_are_counted_by_row_and_id() {
    let df = frame(&[
        ("C1", "2026-01-05", 1.0, 2),
        ("X9", "2026-01-05", 1.0, 3),
        ("X9", "2026-01-06", 1.0, 4),
        ("Ana SL", "2026-01-06", 1.0, 5),
    ]);
    let customers = df!(
        "customer_id" => ["C1", "C2", "C3"],
        "name" => ["Ana SL", "X9", "Ana SL"],
        "email" => ["Ana@Example.com", "b@example.com", "c@example.com"],
    )
    .unwrap();
    let ids = customer_ids(&[&customers]).unwrap();
    let known = KnownIds::new(&[&customers], &ids);
    let (u, hint) = unmatched(&df, &known, None).unwrap();
    let u = u.unwrap();
    assert_eq!((u.rows, u.distinct_ids), (3, 2));
    assert_eq!(u.examples, vec!["X9", "Ana SL"]);
    // Both unknown ids are customer names: the file is probably keyed by name.
    assert_eq!(hint, Some("name"));

    // Keyed by e-mail, matched whatever the case of the customers table's e-mails.
    let by_email = frame(&[
        ("ana@example.com", "2026-01-05", 1.0, 2),
        ("b@example.com", "2026-01-05", 1.0, 3),
        ("C1", "2026-01-06", 1.0, 4),
    ]);
    let (u, hint) = unmatched(&by_email, &known, None).unwrap();
    assert_eq!(u.unwrap().distinct_ids, 2);
    assert_eq!(hint, Some("e-mail"));
    // One unknown id in three is no hint.
    let few = frame(&[
        ("b@example.com", "2026-01-05", 1.0, 2),
        ("Z1", "2026-01-05", 1.0, 3),
        ("Z2", "2026-01-06", 1.0, 4),
    ]);
    assert_eq!(unmatched(&few, &known, None).unwrap().1, None);

    // An e-mail longer in lower case than as written ('İ' lowers to 'i' and a combining dot)
    // is still found.
    let customers = df!(
        "customer_id" => ["C1", "C2"],
        "name" => ["Ana SL", "Bea SA"],
        "email" => ["\u{130}pek@example.com", "b@example.com"],
    )
    .unwrap();
    let ids = customer_ids(&[&customers]).unwrap();
    let known = KnownIds::new(&[&customers], &ids);
    let lowered = frame(&[
        ("i\u{307}pek@example.com", "2026-01-05", 1.0, 2),
        ("b@example.com", "2026-01-05", 1.0, 3),
        ("C1", "2026-01-06", 1.0, 4),
    ]);
    let (u, hint) = unmatched(&lowered, &known, None).unwrap();
    assert_eq!(u.unwrap().distinct_ids, 2);
    assert_eq!(hint, Some("e-mail"));
}

#[test]
fn date_range_and_future_dates_are_reported() {
    let df = frame(&[
        ("C1", "2025-12-30", 1.0, 2),
        ("C1", "2026-09-30", 1.0, 3),
        ("C1", "2027-01-01", 1.0, 4),
    ]);
    let r = date_range(&df, TableKind::Transactions).unwrap().unwrap();
    assert_eq!(
        (r.min.to_string(), r.max.to_string()),
        ("2025-12-30".into(), "2027-01-01".into())
    );
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let f = future_dates(&df, TableKind::Transactions, today, None).unwrap();
    assert_eq!((f[0].after_today, f[0].after_data_end), (1, 0));
    assert_eq!(f[0].examples, vec!["row 4: 2027-01-01"]);
}

#[test]
fn survey_dates_long_after_the_last_transaction_are_flagged() {
    let df = frame(&[("C1", "2026-10-15", 1.0, 2), ("C1", "2026-11-10", 1.0, 3)]);
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let end = NaiveDate::from_ymd_opt(2026, 9, 30);
    // 2026-10-15 is within a month (31 days) of 2026-09-30; 2026-11-10 is not.
    let f = future_dates(&df, TableKind::Surveys, today, end).unwrap();
    assert_eq!((f[0].after_today, f[0].after_data_end), (0, 1));
}

#[test]
fn repeated_hashes_are_found_within_and_across_buckets() {
    // Values spread over every bucket (a multiplicative hash of 0..n), some repeated: in the
    // same bucket as their neighbours, at both ends of the range, three times over (0 is
    // also the first value).
    let mut values: Vec<u64> = (0..50_000u64)
        .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .collect();
    values.extend([
        values[7],
        values[7],
        values[40_000],
        0,
        0,
        u64::MAX,
        u64::MAX,
    ]);
    values.push(values[123]);
    let mut expected: Vec<u64> = vec![values[7], values[40_000], 0, u64::MAX, values[123]];
    expected.sort_unstable();
    assert_eq!(repeated_values(&values), expected);
    assert!(repeated_values(&values[..50_000]).is_empty());
    assert!(repeated_values(&[]).is_empty());

    let rows = rows_whose_hash_repeats(&values).unwrap();
    let rows: Vec<IdxSize> = rows.into_no_null_iter().collect();
    assert_eq!(rows[..3], [0, 7, 123]);
    assert!(rows.contains(&40_000));
    assert_eq!(rows.len(), 12, "rows 0, 7, 123 and 40,000, and the 8 added");
    assert!(rows_whose_hash_repeats(&values[..50_000]).is_none());
}

#[test]
fn unmatched_long_ids_are_counted_per_row_across_chunks_and_nulls() {
    let known_id = "301000000000001009";
    let unknown = "301000000000009999";
    let customers = df!("customer_id" => [known_id, "C2"]).unwrap();
    let ids = customer_ids(&[&customers]).unwrap();
    let known = KnownIds::new(&[&customers], &ids);
    // Two chunks; repeats of the row above (equal views when stored once), a null between.
    let mut ids = StringChunked::new(
        "customer_id".into(),
        &[Some(known_id), Some(known_id), None, Some(unknown)],
    );
    ids.append_owned(StringChunked::new(
        "customer_id".into(),
        &[Some(unknown), Some(known_id), Some("C2"), Some(unknown)],
    ))
    .unwrap();
    let df = DataFrame::new(ids.len(), vec![ids.into_column()]).unwrap();
    let (u, _) = unmatched(&df, &known, None).unwrap();
    let u = u.unwrap();
    assert_eq!((u.rows, u.distinct_ids), (3, 1));
    assert_eq!(u.examples, vec![unknown]);
    // Told which rows are not ids (the null and the unknown ones, as the customer keys find
    // them), the check looks at those only, and finds the same.
    let (told, _) = unmatched(&df, &known, Some(&[2, 3, 4, 7])).unwrap();
    let told = told.unwrap();
    assert_eq!((told.rows, told.distinct_ids), (3, 1));
    assert_eq!(told.examples, vec![unknown]);
}

#[test]
fn dates_after_today_and_after_the_data_end_are_counted_apart_with_examples_in_row_order() {
    let df = frame(&[
        ("C1", "2026-10-15", 1.0, 2),
        ("C1", "2026-11-10", 1.0, 3),
        ("C1", "2027-01-01", 1.0, 4),
        ("C1", "2026-11-11", 1.0, 5),
    ]);
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let end = NaiveDate::from_ymd_opt(2026, 9, 30);
    let f = future_dates(&df, TableKind::Surveys, today, end).unwrap();
    assert_eq!((f[0].after_today, f[0].after_data_end), (1, 2));
    assert_eq!(
        f[0].examples,
        vec![
            "row 3: 2026-11-10",
            "row 4: 2027-01-01",
            "row 5: 2026-11-11"
        ]
    );
    // Transactions are judged against today only.
    let f = future_dates(&df, TableKind::Transactions, today, end).unwrap();
    assert_eq!((f[0].after_today, f[0].after_data_end), (1, 0));
    assert_eq!(f[0].examples, vec!["row 4: 2027-01-01"]);
}

#[test]
fn status_words_of_helpdesks_and_spanish_exports_are_understood() {
    use StatusMeaning::{Closed, Open};
    for (v, want) in [
        ("Open", Some(Open)),
        ("PENDING", Some(Open)),
        ("On-Hold", Some(Open)),
        ("in_progress", Some(Open)),
        ("En curso", Some(Open)),
        ("  abierta ", Some(Open)),
        ("En trámite", Some(Open)),
        ("Working", Some(Open)),
        ("En revisión", Some(Open)),
        ("Solved", Some(Closed)),
        ("closed", Some(Closed)),
        ("Resuelta", Some(Closed)),
        ("CERRADA", Some(Closed)),
        ("Solucionado", Some(Closed)),
        ("Archived?", None),
        ("", None),
    ] {
        assert_eq!(status_meaning(v), want, "{v:?}");
    }
}

#[test]
fn statuses_that_contradict_resolved_at_are_counted_with_the_first_rows() {
    let ts = |d: Option<&str>| {
        d.map(|d| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis()
        })
    };
    // Rows 2 and 6 say closed without a resolution time; row 4 says open with one; row 5's and
    // row 7's words are unknown (row 7's twice); row 3 and row 8 agree; row 9 has no status.
    let rows: [(u32, Option<&str>, Option<&str>); 8] = [
        (2, Some("Cerrada"), None),
        (3, Some("Resuelta"), Some("2026-03-02")),
        (4, Some("Pending"), Some("2026-03-04")),
        (5, Some("Archivada"), None),
        (6, Some("solved"), None),
        (7, Some("Parked"), Some("2026-03-05")),
        (8, Some("Parked"), None),
        (9, None, None),
    ];
    let df = DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                ROW_COLUMN.into(),
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "status".into(),
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            ),
            Int64Chunked::from_iter_options("resolved_at".into(), rows.iter().map(|r| ts(r.2)))
                .into_datetime(TimeUnit::Milliseconds, None)
                .into_column(),
        ],
    )
    .unwrap();
    let s = status_conflicts(&df).unwrap().unwrap();
    assert_eq!(s.closed_unresolved, 2);
    assert_eq!(s.open_resolved, 1);
    assert_eq!(s.examples, ["row 2: 'Cerrada'", "row 6: 'solved'"]);
    assert_eq!(s.unknown, ["Archivada", "Parked"]);
    // A frame that agrees with itself has nothing to report.
    let calm = df.slice(1, 1);
    assert_eq!(status_conflicts(&calm).unwrap(), None);
}
