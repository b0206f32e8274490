//! Text dates with month names, as people type them into spreadsheets: `14-mar-2026`,
//! `14 de marzo de 2026`, `Mar 14, 2026`, `Saturday, March 14th, 2026 10:22`; Spanish and English.

use super::calendar::{days_from_civil, expand_two_digit_year};
use super::clock::time_of_day;
use super::date::{Stamp, digits};

/// Text dates with a month name: `14-mar-2026`, `14 de marzo de 2026`, `Mar 14, 2026`,
/// `Saturday, March 14, 2026 10:22`.
pub(super) fn named(s: &str) -> Option<Stamp> {
    let (date_part, time) = match s.find(':') {
        Some(colon) => {
            // The hour's digits before the colon (a character before them may be several bytes).
            let start = s[..colon]
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .len();
            let sep_at = s[..start].trim_end().len();
            (
                &s[..sep_at],
                Some(time_of_day(&format!(" {}", &s[start..]))?),
            )
        }
        None => (s, None),
    };
    let mut month = None;
    let mut numbers: Vec<(u32, usize)> = Vec::new();
    for token in date_part
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        let token = strip_ordinal(token);
        if token.bytes().all(|c| c.is_ascii_digit()) {
            let (v, len, _) = digits(token.as_bytes(), 0)?;
            if len != token.len() {
                return None;
            }
            numbers.push((v, len));
        } else if let Some(m) = month_from_word(token) {
            if month.replace(m).is_some() {
                return None;
            }
        } else if !is_filler_word(token) {
            return None;
        }
    }
    let month = month?;
    let (day, year) = match numbers.as_slice() {
        [(a, _), (b, 4)] => (*a, *b as i32),
        [(a, 4), (b, _)] => (*b, *a as i32),
        [(a, _), (b, 2)] => (*a, expand_two_digit_year(*b)),
        _ => return None,
    };
    let days = days_from_civil(year, month, day)?;
    Some(Stamp {
        days,
        ms: time.map_or(0, |t| t.ms),
    })
}

/// `1st`, `22nd`, `3rd`, `14th` → the number.
fn strip_ordinal(t: &str) -> &str {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    match &t[digits..] {
        "st" | "nd" | "rd" | "th" | "º" | "o" if digits > 0 => &t[..digits],
        _ => t,
    }
}

/// Words that may surround a text date: `de`, `of`, weekday names, ordinal suffixes.
fn is_filler_word(t: &str) -> bool {
    const WORDS: &[&str] = &[
        "de",
        "del",
        "of",
        "the",
        "lunes",
        "martes",
        "miercoles",
        "miércoles",
        "jueves",
        "viernes",
        "sabado",
        "sábado",
        "domingo",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ];
    let lower = t.to_lowercase();
    WORDS.contains(&lower.as_str())
}

/// The month number of a month word (`marzo`, `Mar`, `sept`, `Dic`), case-insensitive.
pub(crate) fn month_from_word(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    MONTHS
        .iter()
        .position(|names| names.contains(&w.as_str()))
        .map(|i| i as u32 + 1)
}

const MONTHS: [&[&str]; 12] = [
    &["jan", "january", "ene", "enero"],
    &["feb", "february", "febrero"],
    &["mar", "march", "marzo"],
    &["apr", "april", "abr", "abril"],
    &["may", "mayo"],
    &["jun", "june", "junio"],
    &["jul", "july", "julio"],
    &["aug", "august", "ago", "agosto"],
    &["sep", "sept", "september", "set", "septiembre", "setiembre"],
    &["oct", "october", "octubre"],
    &["nov", "november", "noviembre"],
    &["dec", "december", "dic", "diciembre"],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_and_english_month_words_are_known() {
        assert_eq!(month_from_word("Marzo"), Some(3));
        assert_eq!(month_from_word("DIC"), Some(12));
        assert_eq!(month_from_word("sept"), Some(9));
        assert_eq!(month_from_word("August"), Some(8));
        assert_eq!(month_from_word("Lunes"), None);
    }
}
