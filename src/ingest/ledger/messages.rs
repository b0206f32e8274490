//! Every sentence the ingest stage writes into the ledger, in one place (English; the report's
//! appendix translates the ledger's numbers, not these diagnostics).

use crate::tables::TableKind;

/// Why a value could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Problem {
    /// Empty where a value is required.
    Missing,
    /// Not an amount.
    NotANumber,
    /// Not a date.
    NotADate,
    /// Not a yes/no flag.
    NotAFlag,
    /// A score with decimals.
    NotAWholeNumber,
    /// A score outside its scale.
    OutOfRange { min: i32, max: i32 },
    /// A survey answer without NPS and without CSAT.
    NoScore,
}

impl Problem {
    fn text(self) -> String {
        match self {
            Problem::Missing => "missing".into(),
            Problem::NotANumber => "not a number".into(),
            Problem::NotADate => "not a date".into(),
            Problem::NotAFlag => "not a yes/no value".into(),
            Problem::NotAWholeNumber => "not a whole number".into(),
            Problem::OutOfRange { min, max } => format!("outside {min}–{max}"),
            Problem::NoScore => "neither an NPS nor a CSAT score".into(),
        }
    }
}

/// Message builders.
pub(crate) struct Msg;

impl Msg {
    pub(crate) fn rejected(canonical: &str, p: Problem) -> String {
        format!("{canonical}: {}", p.text())
    }

    pub(crate) fn cleared(canonical: &str, p: Problem) -> String {
        format!("{canonical}: {} (value left empty, row kept)", p.text())
    }

    pub(crate) fn unreadable(path: &str, err: &dyn std::fmt::Display) -> String {
        format!("cannot read {path}: {err}")
    }

    pub(crate) fn vanished(path: &str) -> String {
        format!(
            "{path} was found when the run started but was gone when it came to be read: it was \
             moved, renamed or deleted during the run (an export still being copied?); run again \
             once the folder is complete"
        )
    }

    pub(crate) fn no_file_matches(pattern: &str) -> String {
        format!("no file matches '{pattern}'")
    }

    pub(crate) fn empty_file(path: &str) -> String {
        format!("{path}: no data rows under the header")
    }

    pub(crate) fn missing_column(
        path: &str,
        table: TableKind,
        col: &str,
        seen: &[String],
    ) -> String {
        format!(
            "{path}: no column for {}.{col}; headers seen: {}. Map it in audit.toml: \
             [[source]] file = \"{path}\" columns = {{ {col} = \"<header>\" }}",
            table.name(),
            quoted_list(seen)
        )
    }

    pub(crate) fn configured_header_missing(
        path: &str,
        col: &str,
        header: &str,
        seen: &[String],
    ) -> String {
        format!(
            "{path}: audit.toml maps {col} to '{header}', but the file has no such header; \
             headers seen: {}",
            quoted_list(seen)
        )
    }

    pub(crate) fn table_unknown(path: &str, seen: &[String]) -> String {
        format!(
            "{path}: cannot tell which table this file feeds; headers seen: {}. Add a [[source]] \
             with table = \"customers\" | \"transactions\" | \"interactions\" | \"complaints\" | \
             \"surveys\"",
            quoted_list(seen)
        )
    }

    pub(crate) fn skipped_unrecognised(path: &str, seen: &[String]) -> String {
        format!(
            "{path}: skipped, it does not look like any table (headers seen: {}); add a \
             [[source]] for it if it should be read",
            quoted_list(seen)
        )
    }

    pub(crate) fn ambiguous_dates(header: &str, col: &str, example: &str) -> String {
        format!(
            "column '{header}' ({col}): in dates like '{example}' day and month cannot be told \
             apart (no value has a day over 12, and nothing in the file hints at a locale); set \
             date_format = \"%d/%m/%Y\" or \"%m/%d/%Y\" on this [[source]]"
        )
    }

    pub(crate) fn conflicting_dates(
        header: &str,
        col: &str,
        day_first: &str,
        month_first: &str,
    ) -> String {
        format!(
            "column '{header}' ({col}) mixes day-first dates ('{day_first}') with month-first \
             dates ('{month_first}'); fix the export or set date_format on this [[source]]"
        )
    }

    pub(crate) fn bad_date_format(format: &str) -> String {
        format!(
            "date_format '{format}' is not a valid chrono format (e.g. %d/%m/%Y, excel, excel1904)"
        )
    }

    pub(crate) fn bad_delimiter(d: char) -> String {
        format!("delimiter '{d}' must be a single ASCII character such as ',', ';', '|' or a tab")
    }

    pub(crate) fn sheet_not_found(sheet: &str, sheets: &[String]) -> String {
        format!("sheet '{sheet}' not found; sheets: {}", quoted_list(sheets))
    }

    pub(crate) fn no_sheet_with_data() -> String {
        "no sheet holds any data".into()
    }

    /// Issue 17 (fuzzing): a sheet whose cells lie so far apart that reading it would take
    /// more memory than any table needs.
    pub(crate) fn sheet_too_large(sheet: &str, span: &str, cells: u64, max: u64) -> String {
        format!(
            "sheet '{sheet}' spans {span}, {cells} cells, more than the {max} a sheet may span: \
             a cell far from the table (or a damaged file); delete the stray cells and save again"
        )
    }

    pub(crate) fn no_transactions() -> String {
        "no transactions could be read: the client cannot be audited (transactions are the only \
         mandatory table)"
            .into()
    }

    pub(crate) fn no_source_for(table: TableKind) -> String {
        format!(
            "no {} source: the report leaves out the sections that need it",
            table.name()
        )
    }

    pub(crate) fn mostly_unreadable(
        header: &str,
        col: &str,
        failed: usize,
        total: usize,
    ) -> String {
        format!(
            "column '{header}' ({col}): {failed} of {total} values could not be read; check the \
             column mapping, decimal and date_format of this source"
        )
    }

    pub(crate) fn decode_errors(encoding: &str) -> String {
        format!(
            "some bytes are not valid {encoding}; they were replaced by '\u{fffd}' (set encoding)"
        )
    }

    pub(crate) fn id_precision_lost(header: &str, n: usize) -> String {
        format!(
            "column '{header}': {n} ids are stored as numbers too long for a spreadsheet to keep \
             exactly (over 15 digits); export the column as text"
        )
    }

    pub(crate) fn derived_net_amount(q: &str, p: &str) -> String {
        format!("net_amount derived as '{q}' × '{p}' (the file has no amount column)")
    }

    pub(crate) fn keyed_by(how: &str, header: &str) -> String {
        format!("{} {how} ('{header}')", Msg::KEYED_BY_PREFIX)
    }

    /// How [`Msg::keyed_by`] starts.
    pub(crate) const KEYED_BY_PREFIX: &'static str =
        "no customer id column: customers are keyed by";

    pub(crate) fn totals_mismatch(header: &str, stated: f64, computed: f64) -> String {
        format!(
            "totals row: '{header}' states {stated:.2} but the accepted rows sum to {computed:.2} \
             (difference {:.2})",
            stated - computed
        )
    }

    pub(crate) fn duplicates(n: usize) -> String {
        format!(
            "{} an earlier row exactly; kept (check for a double export)",
            count(n, "row repeats", "rows repeat")
        )
    }

    pub(crate) fn unmatched(rows: usize, ids: usize) -> String {
        format!(
            "{rows} rows refer to {ids} customer ids that are not in the customers table (rows kept)"
        )
    }

    // Issue 18: customer keys.
    pub(crate) fn key_unmatched() -> String {
        "customer key: matches no customer (row kept)".into()
    }

    pub(crate) fn key_ambiguous() -> String {
        "customer key: matches more than one customer (row kept, unmatched)".into()
    }

    /// "Requester matched 0 of 300 rows, Requester email matched 300 of 300: using Requester
    /// email".
    pub(crate) fn key_candidates(cands: &[(&str, usize, usize)], chosen: &str) -> String {
        let each: Vec<String> = cands
            .iter()
            .enumerate()
            .map(|(i, (h, m, n))| {
                if i == 0 {
                    format!("{h} matched {m} of {n} rows")
                } else {
                    format!("{h} matched {m} of {n}")
                }
            })
            .collect();
        format!("{}: using {chosen}", each.join(", "))
    }

    pub(crate) fn key_matched_by(k: &super::KeyMatch) -> String {
        let parts: Vec<String> = [
            ("id", k.by_id),
            ("e-mail", k.by_email),
            ("tax id", k.by_tax_id),
            ("unique name", k.by_name),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(how, n)| format!("{n} by {how}"))
        .collect();
        format!(
            "customers matched through '{}': {}; {} unmatched, {} matching several customers",
            k.column,
            parts.join(", "),
            k.unmatched,
            k.ambiguous
        )
    }

    pub(crate) fn key_ambiguous_rows(n: usize) -> String {
        format!("{n} rows name more than one customer (listed in validation.json, key.rows)")
    }

    pub(crate) fn key_without_customers(header: &str, kind: &str) -> String {
        format!(
            "no customers table: customers are identified by {kind} ('{header}'), the key most files share"
        )
    }

    pub(crate) fn amount_less_discount(discount: &str, percent: bool) -> String {
        let how = if percent { "a percentage" } else { "an amount" };
        format!("net_amount: the discount '{discount}' ({how}) is taken off quantity × unit price")
    }

    pub(crate) fn gross_replaced(gross: &str) -> String {
        format!("'{gross}' includes tax: net_amount is derived from quantity × unit price instead")
    }

    pub(crate) fn net_over_gross(net: &str, gross: &str) -> String {
        format!("net_amount from '{net}'; '{gross}' includes tax and is not used")
    }

    pub(crate) fn gross_only(gross: &str, rate: Option<(&str, String)>) -> String {
        let rate = rate.map_or_else(String::new, |(h, r)| {
            format!("; tax rate column '{h}' (mostly {r})")
        });
        format!("net_amount from '{gross}', which includes tax (the file has no net amount){rate}")
    }

    pub(crate) fn channel_from_type(header: &str) -> String {
        format!(
            "channel taken from '{header}' (the file has no channel column): calls as Phone, \
             e-mails as Email, meetings and visits as Meeting, chats as Chat, web as Web"
        )
    }

    pub(crate) fn unmatched_look_like(kind: &str) -> String {
        format!(
            "most unknown ids match customer {kind}s: the file may identify customers by {kind}"
        )
    }

    pub(crate) fn future_dates(col: &str, after_today: usize, after_end: usize) -> String {
        format!(
            "{col}: {after_today} dates after today and {after_end} more than a month after the \
             last transaction (rows kept)"
        )
    }

    pub(crate) fn status_closed_unresolved(n: usize, examples: &[String]) -> String {
        format!(
            "status: {} marked closed or resolved but without a resolved_at: counted as open, \
             as resolved_at decides (rows kept; first: {})",
            count(n, "complaint", "complaints"),
            examples.join(", ")
        )
    }

    pub(crate) fn status_open_resolved(n: usize) -> String {
        format!(
            "status: {} marked open or pending but with a resolved_at: counted as resolved, as \
             resolved_at decides (rows kept)",
            count(n, "complaint", "complaints")
        )
    }

    pub(crate) fn status_unknown(values: &[String]) -> String {
        format!(
            "status: {} not recognised as open or closed; resolution follows resolved_at",
            quoted_list(values)
        )
    }

    pub(crate) fn rejected_rows_truncated(kept: usize) -> String {
        format!("rejected_rows.csv lists the first {kept} rejected rows of this source")
    }

    pub(crate) fn no_customers_table() -> String {
        "no customers table: customers are those seen in the other tables".into()
    }
}

/// `1 row refers` / `3 rows refer`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn quoted_list(items: &[String]) -> String {
    if items.is_empty() {
        return "(none)".into();
    }
    items
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
