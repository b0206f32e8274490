use super::*;

fn h(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn header_of(m: &Mapping, headers: &[String], col: &str) -> Option<String> {
    m.feed(col).index().map(|i| headers[i].clone())
}

#[test]
fn spanish_invoice_headers_map_without_configuration() {
    let headers = h(&[
        "Nº factura",
        "Fecha",
        "Cód. cliente",
        "Artículo",
        "Familia",
        "Cantidad",
        "Precio unitario",
        "Base imponible",
        "Coste",
    ]);
    let m = map_columns(
        "facturas.csv",
        &headers,
        TableKind::Transactions,
        &BTreeMap::new(),
    )
    .unwrap();
    let expect = [
        ("customer_id", "Cód. cliente"),
        ("date", "Fecha"),
        ("net_amount", "Base imponible"),
        ("invoice_id", "Nº factura"),
        ("cost", "Coste"),
        ("product", "Artículo"),
        ("category", "Familia"),
        ("quantity", "Cantidad"),
        ("unit_price", "Precio unitario"),
    ];
    for (col, header) in expect {
        assert_eq!(
            header_of(&m, &headers, col).as_deref(),
            Some(header),
            "{col}"
        );
    }
    assert_eq!(*m.feed("currency"), Feed::Absent);
}

#[test]
fn english_ticket_headers_map_to_complaints() {
    let headers = h(&[
        "Ticket Id",
        "Customer ID",
        "Created Time",
        "Resolved Time",
        "Category",
        "Channel",
        "Priority",
        "Status",
        "First Contact Resolution",
        "Reopened",
    ]);
    let m = map_columns("t.xlsx", &headers, TableKind::Complaints, &BTreeMap::new()).unwrap();
    assert_eq!(
        header_of(&m, &headers, "complaint_id").as_deref(),
        Some("Ticket Id")
    );
    assert_eq!(
        header_of(&m, &headers, "opened_at").as_deref(),
        Some("Created Time")
    );
    assert_eq!(
        header_of(&m, &headers, "severity").as_deref(),
        Some("Priority")
    );
    assert_eq!(
        header_of(&m, &headers, "reopened").as_deref(),
        Some("Reopened")
    );
}

#[test]
fn configured_mapping_overrides_synonyms_and_is_matched_loosely() {
    let headers = h(&["Cliente", "Fecha", "Importe", "Importe con IVA"]);
    let mut cfg = BTreeMap::new();
    cfg.insert("net_amount".to_string(), "importe con iva".to_string());
    let m = map_columns("v.csv", &headers, TableKind::Transactions, &cfg).unwrap();
    assert_eq!(*m.feed("net_amount"), Feed::Configured(3));
    assert_eq!(
        header_of(&m, &headers, "customer_id").as_deref(),
        Some("Cliente")
    );
}

#[test]
fn configured_header_that_is_not_in_the_file_is_an_error_listing_headers() {
    let headers = h(&["Cliente", "Fecha", "Importe"]);
    let mut cfg = BTreeMap::new();
    cfg.insert("net_amount".to_string(), "Total".to_string());
    let err = map_columns("v.csv", &headers, TableKind::Transactions, &cfg).unwrap_err();
    assert!(
        err.contains("'Total'") && err.contains("'Importe'"),
        "{err}"
    );
}

#[test]
fn missing_required_column_names_file_column_and_headers_seen() {
    let headers = h(&["Cliente", "Importe"]);
    let err =
        map_columns("v.csv", &headers, TableKind::Transactions, &BTreeMap::new()).unwrap_err();
    assert!(
        err.starts_with("v.csv: no column for transactions.date"),
        "{err}"
    );
    assert!(err.contains("'Cliente', 'Importe'"), "{err}");
}

#[test]
fn net_amount_is_derived_from_quantity_and_unit_price() {
    let headers = h(&["CustomerID", "InvoiceDate", "Quantity", "UnitPrice"]);
    let m = map_columns("x.csv", &headers, TableKind::Transactions, &BTreeMap::new()).unwrap();
    assert_eq!(*m.feed("net_amount"), Feed::Product);
}

#[test]
fn customers_are_keyed_by_email_then_name_when_there_is_no_id() {
    let headers = h(&["Contact Email", "Customer Name", "Invoice Date", "Amount"]);
    let m = map_columns("x.csv", &headers, TableKind::Transactions, &BTreeMap::new()).unwrap();
    assert_eq!(*m.feed("customer_id"), Feed::KeyEmail(0));
    let headers = h(&["Razón social", "Fecha", "Importe"]);
    let m = map_columns("x.csv", &headers, TableKind::Transactions, &BTreeMap::new()).unwrap();
    assert_eq!(*m.feed("customer_id"), Feed::KeyName(0));
    let headers = h(&["Nombre", "Email", "Segmento"]);
    let m = map_columns("x.csv", &headers, TableKind::Customers, &BTreeMap::new()).unwrap();
    assert_eq!(*m.feed("customer_id"), Feed::KeyEmail(1));
    assert_eq!(*m.feed("email"), Feed::Synonym(1));
}

#[test]
fn surveys_need_nps_or_csat() {
    let headers = h(&["Customer ID", "Response Date", "Comment"]);
    let err = map_columns("s.csv", &headers, TableKind::Surveys, &BTreeMap::new()).unwrap_err();
    assert!(err.contains("surveys.nps (or csat)"), "{err}");
}

#[test]
fn the_table_is_told_from_the_headers() {
    let cases: [(&[&str], TableKind); 5] = [
        (
            &[
                "Customer ID",
                "Activity Date",
                "Channel",
                "Activity Type",
                "Outcome",
                "Owner",
            ],
            TableKind::Interactions,
        ),
        (
            &[
                "Customer ID",
                "Response Date",
                "NPS Score",
                "CSAT Score",
                "Comment",
            ],
            TableKind::Surveys,
        ),
        (
            &["InvoiceNo", "InvoiceDate", "CustomerID", "Amount"],
            TableKind::Transactions,
        ),
        (
            &[
                "CaseNumber",
                "Account Id",
                "Created Date",
                "Priority",
                "Status",
            ],
            TableKind::Complaints,
        ),
        (
            &[
                "Customer ID",
                "Company Name",
                "Email",
                "Segment",
                "Create Date",
            ],
            TableKind::Customers,
        ),
    ];
    for (headers, table) in cases {
        assert_eq!(table_from_headers(&h(headers)), Some(table), "{headers:?}");
    }
    assert_eq!(table_from_headers(&h(&["foo", "bar"])), None);
}

// Issue 18: vendor layouts.

fn map(headers: &[String], table: TableKind) -> Mapping {
    map_columns("f.csv", headers, table, &BTreeMap::new()).unwrap()
}

#[test]
fn xero_headers_marked_required_derive_the_net_amount_over_the_tax_inclusive_total() {
    let headers = h(&[
        "*ContactName",
        "EmailAddress",
        "*InvoiceNumber",
        "*InvoiceDate",
        "Total",
        "*Quantity",
        "*UnitAmount",
        "Discount",
    ]);
    let m = map(&headers, TableKind::Transactions);
    assert_eq!(*m.feed("net_amount"), Feed::Product);
    assert_eq!(m.gross_replaced, Some(4));
    assert_eq!(
        header_of(&m, &headers, "date").as_deref(),
        Some("*InvoiceDate")
    );
    assert_eq!(*m.feed("customer_id"), Feed::KeyEmail(1));
    // The e-mail first, then the name, weighed once the customers are read.
    assert_eq!(
        m.key_candidates,
        vec![(1, CustomerKey::Email), (0, CustomerKey::Name)]
    );
}

#[test]
fn an_activity_type_feeds_the_channel_when_there_is_none() {
    let headers = h(&[
        "Activity - Subject",
        "Activity - Type",
        "Activity - Due date",
        "Person - Email",
    ]);
    let m = map(&headers, TableKind::Interactions);
    assert_eq!(*m.feed("channel"), Feed::FromType(1));
    assert_eq!(*m.feed("type"), Feed::Synonym(1));
    // date (2) and type (1): the channel taken from the type is no more evidence that the file
    // is an interactions export.
    assert_eq!(m.score(), 3);
}

#[test]
fn a_requester_name_and_e_mail_are_both_key_candidates() {
    let headers = h(&[
        "Id",
        "Requester",
        "Requester email",
        "Created at",
        "Organization",
    ]);
    let m = map(&headers, TableKind::Complaints);
    assert_eq!(
        header_of(&m, &headers, "customer_id").as_deref(),
        Some("Requester")
    );
    assert_eq!(
        m.key_candidates,
        vec![
            (1, CustomerKey::Name),
            (2, CustomerKey::Email),
            (4, CustomerKey::Name)
        ]
    );
}
