//! Reads a transaction log whose columns already have the canonical names (customer_id, date,
//! net_amount, optional cost; other columns ignored), as `crm-audit clv` and the tests take it.
//! Part of the clv stage; exports from real systems go through ingest instead.

use super::error::ClvError;
use polars::prelude::*;
use std::path::Path;

/// Reads `path` into the canonical transactions columns the models use: customer_id (String,
/// read as text so leading zeros survive), date (Date, `YYYY-MM-DD`), net_amount and cost
/// (Float64; cost all-null when the file has none).
pub fn read_transactions_csv(path: &Path) -> Result<DataFrame, ClvError> {
    let fail = |message: String| ClvError::Input {
        path: path.to_path_buf(),
        message,
    };
    if !path.is_file() {
        return Err(fail("no such file".into()));
    }
    let text_columns: Schema = [
        Field::new("customer_id".into(), DataType::String),
        Field::new("date".into(), DataType::String),
    ]
    .into_iter()
    .collect();
    let source = PlRefPath::try_from_path(path).map_err(|e| fail(e.to_string()))?;
    let lazy = LazyCsvReader::new(source)
        .with_has_header(true)
        .with_dtype_overwrite(Some(Arc::new(text_columns)))
        .finish()
        .map_err(|e| fail(e.to_string()))?;
    let header = lazy
        .clone()
        .limit(0)
        .collect()
        .map_err(|e| fail(e.to_string()))?;
    for needed in ["customer_id", "date", "net_amount"] {
        if header.column(needed).is_err() {
            return Err(fail(format!(
                "missing column '{needed}' (needs customer_id, date, net_amount)"
            )));
        }
    }
    let cost = if header.column("cost").is_ok() {
        col("cost").cast(DataType::Float64)
    } else {
        lit(NULL).cast(DataType::Float64)
    };
    let date_format = StrptimeOptions {
        format: Some("%Y-%m-%d".into()),
        ..Default::default()
    };
    lazy.select([
        col("customer_id"),
        col("date").str().to_date(date_format).alias("date"),
        col("net_amount").cast(DataType::Float64),
        cost.alias("cost"),
    ])
    .collect()
    .map_err(|e| fail(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_canonical_columns_keeping_leading_zeros_and_adding_a_null_cost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tx.csv");
        std::fs::write(
            &path,
            "customer_id,date,quantity,net_amount\n007,1997-01-01,2,29.33\n",
        )
        .unwrap();
        let df = read_transactions_csv(&path).unwrap();
        assert_eq!(
            df.column("customer_id").unwrap().str().unwrap().get(0),
            Some("007")
        );
        assert_eq!(df.column("date").unwrap().dtype(), &DataType::Date);
        assert_eq!(df.column("cost").unwrap().null_count(), 1);
    }

    #[test]
    fn a_file_without_net_amount_is_rejected_naming_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tx.csv");
        std::fs::write(&path, "customer_id,date\n1,1997-01-01\n").unwrap();
        let err = read_transactions_csv(&path).unwrap_err().to_string();
        assert!(
            err.contains("net_amount") && err.contains("tx.csv"),
            "{err}"
        );
    }
}
