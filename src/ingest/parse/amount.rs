//! Amounts as accounting and spreadsheet exports write them: `1.234,56`, `1,234.56`, `€ 1.234,56`,
//! `1234.56 EUR`, `(123,45)` for negatives, `123,45-` (SAP). Whether `12.345` is twelve thousand
//! or twelve cannot be told from the value alone: the column's separator is decided first (see
//! `decimal`) and every value is parsed with it.

use super::decimal::DecimalSep;

/// Parses an amount with a known decimal separator. `None` when the text is not an amount, or
/// when its thousands grouping contradicts the separator (`12.5` in a decimal-comma column).
pub(crate) fn parse_amount(s: &str, dec: DecimalSep) -> Option<f64> {
    let b = s.as_bytes();
    // Most cells are bare numbers: skip the search for currency marks and brackets.
    let digits_from = usize::from(b.first() == Some(&b'-'));
    let bare = b.get(digits_from).is_some_and(u8::is_ascii_digit)
        && b.last().is_some_and(u8::is_ascii_digit);
    let (body, negative) = match (bare, b.first()) {
        (true, Some(b'-')) => (std::borrow::Cow::Borrowed(&s[1..]), true),
        (true, _) => (std::borrow::Cow::Borrowed(s), false),
        (false, _) => strip_decorations(s)?,
    };
    number_body(body.as_bytes(), negative, dec)
}

/// Powers of ten exactly representable as f64.
const POW10: [f64; 19] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18,
];

/// Digits with grouping and one decimal separator. Up to 15 digits the value is the mantissa
/// divided by a power of ten: both exact, and IEEE division rounds correctly, so the result is
/// the same as `str::parse` without building a string.
fn number_body(bytes: &[u8], negative: bool, dec: DecimalSep) -> Option<f64> {
    let dec_b = match dec {
        DecimalSep::Dot => b'.',
        DecimalSep::Comma => b',',
    };
    match plain_number(bytes, dec_b) {
        Some(value) => Some(if negative { -value } else { value }),
        None => grouped_number(bytes, negative, dec),
    }
}

/// The value of digits with at most one decimal separator and at most 15 digits in all (the
/// amounts of nearly every export), `None` for anything else: what [`grouped_number`] gives
/// for these, without its bookkeeping of thousands groups for every byte.
#[inline]
fn plain_number(bytes: &[u8], dec_b: u8) -> Option<f64> {
    // Folds the digits from `i` on into `mantissa`; where they end.
    let digits = |mut i: usize, mantissa: &mut u64| {
        while let Some(d) = bytes
            .get(i)
            .and_then(|c| c.checked_sub(b'0'))
            .filter(|d| *d < 10)
        {
            *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
            i += 1;
        }
        i
    };
    let mut mantissa: u64 = 0;
    let whole = digits(0, &mut mantissa);
    let mut i = whole;
    if bytes.get(i) == Some(&dec_b) {
        i = digits(i + 1, &mut mantissa);
    }
    let frac = i - whole - usize::from(i > whole);
    let count = whole + frac;
    (i == bytes.len() && (1..=15).contains(&count)).then(|| mantissa as f64 / POW10[frac])
}

/// [`number_body`] for any number: thousands groups, scientific notation, more than 15 digits.
fn grouped_number(bytes: &[u8], negative: bool, dec: DecimalSep) -> Option<f64> {
    let (dec_b, thou_b) = match dec {
        DecimalSep::Dot => (b'.', b','),
        DecimalSep::Comma => (b',', b'.'),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut frac_digits = 0usize;
    let mut seen_decimal = false;
    let mut seen_thousands = false;
    let mut group_len: Option<usize> = None; // digits since the last thousands separator
    let mut lead_len = 0usize; // digits before the first thousands separator
    for (i, &c) in bytes.iter().enumerate() {
        if c.is_ascii_digit() {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            digits += 1;
            if seen_decimal {
                frac_digits += 1;
            } else if let Some(g) = group_len.as_mut() {
                *g += 1;
            } else {
                lead_len += 1;
            }
        } else if c == dec_b {
            if seen_decimal || group_len.is_some_and(|g| g != 3) {
                return None;
            }
            seen_decimal = true;
        } else if c == thou_b || c == b' ' || c == b'\'' {
            if seen_decimal || digits == 0 || group_len.is_some_and(|g| g != 3) {
                return None;
            }
            if !seen_thousands && lead_len > 3 {
                return None;
            }
            seen_thousands = true;
            group_len = Some(0);
        } else if (c == b'e' || c == b'E') && digits > 0 && !seen_thousands {
            return scientific(bytes, i, negative, dec_b);
        } else {
            return None;
        }
    }
    if digits == 0 || (!seen_decimal && group_len.is_some_and(|g| g != 3)) {
        return None;
    }
    let value = if digits <= 15 {
        mantissa as f64 / POW10[frac_digits]
    } else {
        let text: String = bytes
            .iter()
            .filter(|c| c.is_ascii_digit() || **c == dec_b)
            .map(|&c| if c == dec_b { '.' } else { c as char })
            .collect();
        text.parse::<f64>().ok()?
    };
    Some(if negative { -value } else { value }).filter(|v| v.is_finite())
}

/// `1.5E+03`: spreadsheets write very large or small numbers this way (no grouping possible).
fn scientific(bytes: &[u8], e_at: usize, negative: bool, dec_b: u8) -> Option<f64> {
    let mut text = String::with_capacity(bytes.len() + 1);
    if negative {
        text.push('-');
    }
    for &c in &bytes[..e_at] {
        text.push(if c == dec_b { '.' } else { c as char });
    }
    text.push('e');
    for &c in &bytes[e_at + 1..] {
        if !(c.is_ascii_digit() || c == b'+' || c == b'-') {
            return None;
        }
        text.push(c as char);
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Removes surrounding blanks, currency symbols or codes, signs and accounting parentheses;
/// returns the bare number and whether it is negative. Non-breaking spaces inside count as
/// thousands separators and become plain spaces.
fn strip_decorations(s: &str) -> Option<(std::borrow::Cow<'_, str>, bool)> {
    let mut t = s.trim_matches(is_blank);
    let mut negative = false;
    let mut parens = false;
    loop {
        let before = t;
        t = t.trim_matches(is_blank);
        if let Some(rest) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            if parens {
                return None;
            }
            parens = true;
            negative = !negative;
            t = rest;
        }
        for sym in CURRENCIES {
            if let Some(rest) = t.strip_prefix(sym) {
                t = rest;
            }
            if let Some(rest) = t.strip_suffix(sym) {
                t = rest;
            }
        }
        t = t.trim_matches(is_blank);
        if let Some(rest) = t.strip_prefix(['-', '−']).or_else(|| t.strip_suffix('-')) {
            if negative && !parens {
                return None;
            }
            negative = !negative;
            t = rest;
        } else if let Some(rest) = t.strip_prefix('+') {
            t = rest;
        }
        if t == before {
            break;
        }
    }
    if t.is_empty() {
        return None;
    }
    let body = if t.contains(['\u{a0}', '\u{202f}']) {
        std::borrow::Cow::Owned(t.replace(['\u{a0}', '\u{202f}'], " "))
    } else {
        std::borrow::Cow::Borrowed(t)
    };
    Some((body, negative))
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'
}

/// Currency marks stripped from either end; longer ones first so `US$` is not left as `US`.
const CURRENCIES: &[&str] = &["US$", "EUR", "USD", "GBP", "€", "$", "£"];

#[cfg(test)]
mod tests {
    use super::*;
    use DecimalSep::{Comma, Dot};

    #[test]
    fn spanish_amounts_with_thousands_dots_parse() {
        assert_eq!(parse_amount("1.234,56", Comma), Some(1234.56));
        assert_eq!(parse_amount("1234,56", Comma), Some(1234.56));
        assert_eq!(parse_amount("-12,5", Comma), Some(-12.5));
        assert_eq!(parse_amount("1.234.567,8", Comma), Some(1_234_567.8));
    }

    #[test]
    fn english_amounts_with_thousands_commas_parse() {
        assert_eq!(parse_amount("1,234.56", Dot), Some(1234.56));
        assert_eq!(parse_amount("1234.56", Dot), Some(1234.56));
        assert_eq!(parse_amount("-0.5", Dot), Some(-0.5));
    }

    #[test]
    fn currency_marks_on_either_side_are_ignored() {
        assert_eq!(parse_amount("€ 1.234,56", Comma), Some(1234.56));
        assert_eq!(parse_amount("1.234,56 €", Comma), Some(1234.56));
        assert_eq!(parse_amount("1234.56 EUR", Dot), Some(1234.56));
        assert_eq!(parse_amount("$1,234.56", Dot), Some(1234.56));
        assert_eq!(parse_amount("-$12.00", Dot), Some(-12.0));
        assert_eq!(parse_amount("US$ 7", Dot), Some(7.0));
    }

    #[test]
    fn parentheses_and_trailing_minus_mean_negative() {
        assert_eq!(parse_amount("(123,45)", Comma), Some(-123.45));
        assert_eq!(parse_amount("(1,234.00)", Dot), Some(-1234.0));
        assert_eq!(parse_amount("123,45-", Comma), Some(-123.45));
        assert_eq!(parse_amount("(€ 5,00)", Comma), Some(-5.0));
    }

    #[test]
    fn spaces_and_non_breaking_spaces_group_thousands() {
        assert_eq!(parse_amount("1 234,56", Comma), Some(1234.56));
        assert_eq!(parse_amount("1\u{a0}234,56 €", Comma), Some(1234.56));
        assert_eq!(parse_amount("1'234.56", Dot), Some(1234.56));
    }

    #[test]
    fn ambiguous_twelve_point_three_four_five_follows_the_separator() {
        // 12.345: thousands in a decimal-comma column, decimals in a decimal-dot column.
        assert_eq!(parse_amount("12.345", Comma), Some(12345.0));
        assert_eq!(parse_amount("12.345", Dot), Some(12.345));
    }

    #[test]
    fn grouping_that_contradicts_the_separator_is_rejected() {
        assert_eq!(parse_amount("12.5", Comma), None);
        assert_eq!(parse_amount("1,234.56", Comma), None);
        assert_eq!(parse_amount("1.2345,6", Comma), None);
        assert_eq!(parse_amount("1234.567,8", Comma), None);
        assert_eq!(parse_amount("1,23", Dot), None);
    }

    #[test]
    fn text_and_empty_values_are_not_amounts() {
        assert_eq!(parse_amount("", Dot), None);
        assert_eq!(parse_amount("abc", Dot), None);
        assert_eq!(parse_amount("12abc", Dot), None);
        assert_eq!(parse_amount("€", Dot), None);
        assert_eq!(parse_amount("--5", Dot), None);
        assert_eq!(parse_amount("1,2,3", Comma), None);
    }

    #[test]
    fn fast_path_matches_the_standard_float_parser() {
        // Cents from 0.00 to 99,999.99 in steps of 0.37 (prime-ish, so every last digit shows up).
        let mut cents: u64 = 0;
        while cents < 10_000_000 {
            let text = format!("{}.{:02}", cents / 100, cents % 100);
            assert_eq!(parse_amount(&text, Dot), text.parse::<f64>().ok(), "{text}");
            cents += 37;
        }
        // Past 15 digits the standard parser is used.
        assert_eq!(
            parse_amount("1234567890123456.5", Dot),
            Some(1234567890123456.5)
        );
    }

    #[test]
    fn plain_numbers_read_as_the_full_parser_reads_them() {
        // Every string of up to 6 characters over digits, both separators and a letter (the
        // plain reading must give the same as the full one wherever it gives anything, and give
        // something for every bare decimal number of up to 15 digits).
        let alphabet = [b'0', b'1', b'5', b'9', b'.', b',', b'e'];
        let mut plain = 0;
        for len in 1..=6u32 {
            for code in 0..alphabet.len().pow(len) {
                let mut c = code;
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        let b = alphabet[c % alphabet.len()];
                        c /= alphabet.len();
                        b
                    })
                    .collect();
                for (dec, dec_b) in [(Dot, b'.'), (Comma, b',')] {
                    let full = grouped_number(&bytes, false, dec);
                    if let Some(v) = plain_number(&bytes, dec_b) {
                        plain += 1;
                        assert_eq!(Some(v), full, "{}", String::from_utf8_lossy(&bytes));
                    } else {
                        let other = if dec_b == b'.' { b',' } else { b'.' };
                        let bare = bytes.iter().filter(|b| **b == dec_b).count() <= 1
                            && !bytes.iter().any(|b| *b == other || *b == b'e')
                            && bytes.iter().any(u8::is_ascii_digit);
                        assert!(!bare, "{}", String::from_utf8_lossy(&bytes));
                    }
                }
            }
        }
        assert!(plain > 10_000);
        // 15 digits are read plainly, 16 by the full parser, to the same value.
        assert_eq!(
            plain_number(b"123456789012.345", b'.'),
            Some(123456789012.345)
        );
        assert_eq!(plain_number(b"1234567890123.456", b'.'), None);
        assert_eq!(
            parse_amount("1234567890123.456", Dot),
            Some(1234567890123.456)
        );
    }

    #[test]
    fn scientific_notation_parses() {
        assert_eq!(parse_amount("1.5E+03", Dot), Some(1500.0));
        assert_eq!(parse_amount("2e-2", Dot), Some(0.02));
    }
}
