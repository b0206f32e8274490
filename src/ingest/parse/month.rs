//! Month names in Spanish and English, full and abbreviated, for text dates.

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
