//! A list's frame read cell by cell, typed, for the workbook and the CSV writers: both show
//! the same values, each in its own format.

use polars::prelude::*;

/// How a column is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Free text (ids, names, labels).
    Text,
    /// An amount in the client's currency.
    Money,
    /// A probability shown as a percentage.
    Share,
    /// A whole number (days, counts).
    Count,
    /// A number with one decimal.
    Decimal,
    /// A calendar date.
    Date,
    /// A date and time.
    DateTime,
}

/// Columns holding money, by name.
const MONEY: &[&str] = &[
    "value",
    "clv",
    "historical_margin",
    "margin",
    "cost_to_serve",
    "contribution",
    "loss",
];

/// One value of a list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Cell<'a> {
    /// No value.
    Empty,
    /// Text.
    Text(&'a str),
    /// A number.
    Number(f64),
    /// Days since 1970-01-01.
    Date(i32),
    /// Milliseconds since 1970-01-01 00:00.
    DateTime(i64),
}

/// One column of a list, typed once.
pub(super) struct ListColumn {
    /// Column name (CSV header, key of `actions.col.*`).
    pub(super) name: String,
    /// How it is shown.
    pub(super) kind: Kind,
    data: Data,
}

enum Data {
    Text(StringChunked),
    Number(Float64Chunked),
    Date(Int32Chunked),
    DateTime(Int64Chunked),
}

impl ListColumn {
    /// Every column of `frame`, typed.
    pub(super) fn all(frame: &DataFrame) -> PolarsResult<Vec<ListColumn>> {
        frame.columns().iter().map(ListColumn::of).collect()
    }

    fn of(c: &Column) -> PolarsResult<ListColumn> {
        let name = c.name().to_string();
        let (kind, data) = match c.dtype() {
            DataType::String => (Kind::Text, Data::Text(c.str()?.clone())),
            DataType::Date => (
                Kind::Date,
                Data::Date(c.cast(&DataType::Int32)?.i32()?.clone()),
            ),
            DataType::Datetime(..) => (
                Kind::DateTime,
                Data::DateTime(c.cast(&DataType::Int64)?.i64()?.clone()),
            ),
            DataType::Float32 | DataType::Float64 => {
                let kind = if MONEY.contains(&name.as_str()) {
                    Kind::Money
                } else if name == "p_alive" {
                    Kind::Share
                } else {
                    Kind::Decimal
                };
                (
                    kind,
                    Data::Number(c.cast(&DataType::Float64)?.f64()?.clone()),
                )
            }
            DataType::Null => (
                Kind::Text,
                Data::Text(c.cast(&DataType::String)?.str()?.clone()),
            ),
            _ => (
                Kind::Count,
                Data::Number(c.cast(&DataType::Float64)?.f64()?.clone()),
            ),
        };
        Ok(ListColumn { name, kind, data })
    }

    /// The value of row `i`.
    pub(super) fn get(&self, i: usize) -> Cell<'_> {
        let cell = match &self.data {
            Data::Text(a) => a.get(i).map(Cell::Text),
            Data::Number(a) => a.get(i).filter(|v| v.is_finite()).map(Cell::Number),
            Data::Date(a) => a.get(i).map(Cell::Date),
            Data::DateTime(a) => a.get(i).map(Cell::DateTime),
        };
        cell.unwrap_or(Cell::Empty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_typed_by_dtype_and_money_by_name() {
        let df = df![
            "customer_id" => ["c1", "c2"],
            "value" => [10.5, f64::NAN],
            "p_alive" => [Some(0.4), None],
            "age_days" => [3i64, 4],
        ]
        .unwrap();
        let cols = ListColumn::all(&df).unwrap();
        let kinds: Vec<Kind> = cols.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [Kind::Text, Kind::Money, Kind::Share, Kind::Count]);
        assert_eq!(cols[0].get(1), Cell::Text("c2"));
        assert_eq!(cols[1].get(1), Cell::Empty);
        assert_eq!(cols[2].get(1), Cell::Empty);
        assert_eq!(cols[3].get(0), Cell::Number(3.0));
    }
}
