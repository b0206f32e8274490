//! The canonical tables: the one contract between ingest and everything after it.
//!
//! Ingest turns every client's exports into these five tables with fixed column names and
//! dtypes; indicators, models and renderers read only these. Optional columns are always present
//! (all-null when the source lacks them) so downstream code never has to ask whether a column
//! exists, only whether it holds data. The exception is [`TableKind::released_after_checks`]:
//! columns ingest reads and checks but nothing after it uses, which the audit pipeline has
//! ingest release.

use polars::prelude::*;

/// Which canonical table a source feeds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// Customer master data.
    Customers,
    /// Invoice lines; credit notes carry negative amounts.
    Transactions,
    /// CRM activities (calls, e-mails, visits...).
    Interactions,
    /// Complaints, tickets and claims.
    Complaints,
    /// NPS and CSAT survey answers.
    Surveys,
}

/// Storage type of a canonical column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// Free text; identifiers are always text so leading zeros and long ids survive.
    Text,
    /// Calendar date.
    Date,
    /// Date and time (millisecond precision, no time zone).
    DateTime,
    /// Amounts and quantities.
    Number,
    /// Whole numbers (survey scores).
    Integer,
    /// Yes/no flags.
    Flag,
}

impl ColType {
    /// The polars dtype every table uses for this kind of column.
    pub fn dtype(self) -> DataType {
        match self {
            ColType::Text => DataType::String,
            ColType::Date => DataType::Date,
            ColType::DateTime => DataType::Datetime(TimeUnit::Milliseconds, None),
            ColType::Number => DataType::Float64,
            ColType::Integer => DataType::Int32,
            ColType::Flag => DataType::Boolean,
        }
    }
}

/// One canonical column: its name, type, and whether a source must provide it.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// Canonical column name.
    pub name: &'static str,
    /// Storage type.
    pub ty: ColType,
    /// A source without it cannot be read for this table.
    pub required: bool,
}

const fn col(name: &'static str, ty: ColType, required: bool) -> ColumnSpec {
    ColumnSpec { name, ty, required }
}

use ColType::*;

const CUSTOMERS: &[ColumnSpec] = &[
    col("customer_id", Text, true),
    col("name", Text, false),
    col("email", Text, false),
    col("phone", Text, false),
    col("segment", Text, false),
    col("region", Text, false),
    col("created_at", Date, false),
    col("acquisition_channel", Text, false),
    col("account_manager", Text, false),
    col("acquisition_cost", Number, false),
];

const TRANSACTIONS: &[ColumnSpec] = &[
    col("customer_id", Text, true),
    col("date", Date, true),
    // Required, but derivable from quantity × unit_price when absent (see ingest).
    col("net_amount", Number, true),
    col("invoice_id", Text, false),
    col("cost", Number, false),
    col("product", Text, false),
    col("category", Text, false),
    col("quantity", Number, false),
    col("unit_price", Number, false),
    col("currency", Text, false),
];

const INTERACTIONS: &[ColumnSpec] = &[
    col("customer_id", Text, true),
    col("date", DateTime, true),
    col("channel", Text, true),
    col("type", Text, false),
    col("outcome", Text, false),
    col("employee", Text, false),
];

const COMPLAINTS: &[ColumnSpec] = &[
    col("customer_id", Text, true),
    col("opened_at", DateTime, true),
    col("complaint_id", Text, false),
    col("resolved_at", DateTime, false),
    col("category", Text, false),
    col("channel", Text, false),
    col("severity", Text, false),
    col("status", Text, false),
    col("first_contact_resolution", Flag, false),
    col("reopened", Flag, false),
];

const SURVEYS: &[ColumnSpec] = &[
    col("customer_id", Text, true),
    col("date", Date, true),
    col("nps", Integer, false),
    col("csat", Integer, false),
    col("comment", Text, false),
];

impl TableKind {
    /// All tables, in the order reports list them.
    pub const ALL: [TableKind; 5] = [
        TableKind::Customers,
        TableKind::Transactions,
        TableKind::Interactions,
        TableKind::Complaints,
        TableKind::Surveys,
    ];

    /// The canonical columns of this table, required ones first.
    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            TableKind::Customers => CUSTOMERS,
            TableKind::Transactions => TRANSACTIONS,
            TableKind::Interactions => INTERACTIONS,
            TableKind::Complaints => COMPLAINTS,
            TableKind::Surveys => SURVEYS,
        }
    }

    /// Columns read, converted and checked (duplicate lines compare every column; a missing
    /// amount is derived from quantity × unit price) that no indicator, model or report reads.
    /// The audit pipeline has ingest drop them once its checks are done
    /// (`ingest::IngestOptions::for_audit`): at 20 million invoice lines they hold over a
    /// gigabyte that every later stage would carry. The sliced reader drops the text ones slice
    /// by slice, keeping a hash of their values for the duplicate check.
    pub fn released_after_checks(self) -> &'static [&'static str] {
        match self {
            TableKind::Transactions => &["product", "quantity", "unit_price", "currency"],
            // Not e-mail: the checks of other tables compare their ids with it (keying hint).
            // Not phone or account manager either: the action lists print them (issue 20).
            TableKind::Customers => &["segment", "region", "acquisition_channel"],
            TableKind::Interactions => &["outcome"],
            TableKind::Complaints => &["status"],
            TableKind::Surveys => &["comment"],
        }
    }

    /// Looks a canonical column up by name.
    pub fn column(self, name: &str) -> Option<&'static ColumnSpec> {
        self.columns().iter().find(|c| c.name == name)
    }

    /// The table's name as written in audit.toml and reports.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Customers => "customers",
            TableKind::Transactions => "transactions",
            TableKind::Interactions => "interactions",
            TableKind::Complaints => "complaints",
            TableKind::Surveys => "surveys",
        }
    }

    /// The polars schema every frame of this table has.
    pub fn schema(self) -> Schema {
        self.columns()
            .iter()
            .map(|c| Field::new(c.name.into(), c.ty.dtype()))
            .collect()
    }

    /// An empty frame with the table's schema.
    pub fn empty_frame(self) -> DataFrame {
        DataFrame::empty_with_schema(&self.schema())
    }
}

/// The canonical tables of one client, as ingest leaves them.
///
/// Only transactions are mandatory; a missing optional table is `None` so reports can say which
/// sections they left out and why, instead of showing zeros.
#[derive(Debug, Clone)]
pub struct Tables {
    /// Customer master data; when absent, customers are those seen in the other tables.
    pub customers: Option<DataFrame>,
    /// Invoice lines (always present, possibly empty).
    pub transactions: DataFrame,
    /// CRM activities.
    pub interactions: Option<DataFrame>,
    /// Complaints and tickets.
    pub complaints: Option<DataFrame>,
    /// Survey answers.
    pub surveys: Option<DataFrame>,
}

impl Tables {
    /// Tables with empty transactions and nothing else; a starting point for tests and ingest.
    pub fn empty() -> Self {
        Tables {
            customers: None,
            transactions: TableKind::Transactions.empty_frame(),
            interactions: None,
            complaints: None,
            surveys: None,
        }
    }

    /// The frame of one table, if present.
    pub fn get(&self, kind: TableKind) -> Option<&DataFrame> {
        match kind {
            TableKind::Customers => self.customers.as_ref(),
            TableKind::Transactions => Some(&self.transactions),
            TableKind::Interactions => self.interactions.as_ref(),
            TableKind::Complaints => self.complaints.as_ref(),
            TableKind::Surveys => self.surveys.as_ref(),
        }
    }

    /// Replaces (or sets) one table.
    pub fn set(&mut self, kind: TableKind, df: DataFrame) {
        match kind {
            TableKind::Customers => self.customers = Some(df),
            TableKind::Transactions => self.transactions = df,
            TableKind::Interactions => self.interactions = Some(df),
            TableKind::Complaints => self.complaints = Some(df),
            TableKind::Surveys => self.surveys = Some(df),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_starts_with_customer_id_as_text() {
        for kind in TableKind::ALL {
            let first = kind.columns()[0];
            assert_eq!(first.name, "customer_id", "{kind:?}");
            assert_eq!(first.ty, ColType::Text);
            assert!(first.required);
        }
    }

    #[test]
    fn empty_frames_carry_the_fixed_dtypes() {
        let df = TableKind::Complaints.empty_frame();
        assert_eq!(df.height(), 0);
        assert_eq!(
            df.column("opened_at").unwrap().dtype(),
            &DataType::Datetime(TimeUnit::Milliseconds, None)
        );
        assert_eq!(df.column("reopened").unwrap().dtype(), &DataType::Boolean);
    }
}
