//! CSV fields for files a person opens in a spreadsheet (`rejected_rows.csv`, action lists).
//! Text from client files is data, never code: a cell that a spreadsheet would evaluate as a
//! formula is neutralised, as OWASP's CSV-injection advice recommends.

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line end.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV field that a spreadsheet shows as text: a value starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'`, so Excel, LibreOffice and Sheets never run it.
pub fn spreadsheet_field(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        field(&format!("'{s}"))
    } else {
        field(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn formula_starts_are_neutralised() {
        for (raw, safe) in [
            ("=1+1", "'=1+1"),
            ("+34 600", "'+34 600"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            (
                "=HYPERLINK(\"x\",\"y\")",
                "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"",
            ),
        ] {
            assert_eq!(spreadsheet_field(raw), safe);
        }
        assert_eq!(spreadsheet_field("Ana = Bea"), "Ana = Bea");
    }
}
