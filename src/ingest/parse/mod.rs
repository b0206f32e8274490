//! Value parsers of the ingest stage: pure functions from the text of one cell to a typed value,
//! plus the column-wide decisions (decimal separator, day/month order) that a single value cannot
//! settle. No I/O, no polars: everything here is unit-tested on plain strings.

pub(crate) mod amount;
mod calendar;
mod clock;
pub(crate) mod date;
mod date_order;
pub(crate) mod decimal;
pub(crate) mod flag;
mod text_date;
