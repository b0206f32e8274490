//! The decimal separator of a column: what each value says (`1.234,56` says comma, `12.50` says
//! dot, `12.345` cannot tell) and the column's decision from all of them.

use serde::Serialize;

/// The decimal separator of a column or a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum DecimalSep {
    /// `1234.56`, thousands with `,`.
    #[serde(rename = ".")]
    Dot,
    /// `1234,56`, thousands with `.`.
    #[serde(rename = ",")]
    Comma,
}

impl DecimalSep {
    /// The separator character.
    pub(crate) fn as_char(self) -> char {
        match self {
            DecimalSep::Dot => '.',
            DecimalSep::Comma => ',',
        }
    }

    /// From a configured character; `None` for anything but `.` and `,`.
    pub(crate) fn from_char(c: char) -> Option<DecimalSep> {
        match c {
            '.' => Some(DecimalSep::Dot),
            ',' => Some(DecimalSep::Comma),
            _ => None,
        }
    }
}

/// Tally of what the values of a column say about their decimal separator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Votes {
    pub(crate) dot: usize,
    pub(crate) comma: usize,
}

impl Votes {
    pub(crate) fn add(&mut self, v: Option<DecimalSep>) {
        match v {
            Some(DecimalSep::Dot) => self.dot += 1,
            Some(DecimalSep::Comma) => self.comma += 1,
            None => {}
        }
    }

    pub(crate) fn merge(&mut self, other: Votes) {
        self.dot += other.dot;
        self.comma += other.comma;
    }
}

/// The separator a column uses: the majority of unambiguous values, else the file's hint.
/// Values of the minority then fail to parse (their grouping is wrong) and are reported.
pub(crate) fn decide_decimal(votes: Votes, hint: DecimalSep) -> DecimalSep {
    match (votes.dot, votes.comma) {
        (0, 0) => hint,
        (d, c) if d > c => DecimalSep::Dot,
        (d, c) if c > d => DecimalSep::Comma,
        _ => hint,
    }
}

/// What one value says about the decimal separator; `None` when it cannot tell (`12.345`, `7`).
pub(crate) fn decimal_vote(s: &str) -> Option<DecimalSep> {
    let b = s.as_bytes();
    let (mut dots, mut commas, mut last_dot, mut last_comma) = (0, 0, 0, 0);
    for (i, &c) in b.iter().enumerate() {
        if c == b'.' {
            dots += 1;
            last_dot = i;
        } else if c == b',' {
            commas += 1;
            last_comma = i;
        }
    }
    match (dots, commas) {
        (0, 0) => None,
        (d, c) if d > 0 && c > 0 => Some(if last_dot > last_comma {
            DecimalSep::Dot
        } else {
            DecimalSep::Comma
        }),
        (d, 0) => single_kind_vote(b, last_dot, d, DecimalSep::Dot, DecimalSep::Comma),
        (0, c) => single_kind_vote(b, last_comma, c, DecimalSep::Comma, DecimalSep::Dot),
        _ => None,
    }
}

/// The separator at `pos` occurs `count` times and the other never: repeated means thousands;
/// once means decimal unless exactly three digits follow and the part before could be a group.
fn single_kind_vote(
    b: &[u8],
    pos: usize,
    count: usize,
    as_decimal: DecimalSep,
    as_thousands: DecimalSep,
) -> Option<DecimalSep> {
    if count > 1 {
        return Some(as_thousands);
    }
    let after = b[pos + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if after != 3 {
        return Some(as_decimal);
    }
    let before = b[..pos].iter().filter(|c| c.is_ascii_digit()).count();
    let only_zero = b[..pos]
        .iter()
        .filter(|c| c.is_ascii_digit())
        .all(|&c| c == b'0');
    // `0.123`, `.123` and `1234.567` cannot be thousands groupings.
    if before == 0 || (before == 1 && only_zero) || before > 3 {
        return Some(as_decimal);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecimalSep::{Comma, Dot};

    #[test]
    fn votes_read_the_separator_from_unambiguous_values() {
        assert_eq!(decimal_vote("1.234,56"), Some(Comma));
        assert_eq!(decimal_vote("1,234.56"), Some(Dot));
        assert_eq!(decimal_vote("12,5"), Some(Comma));
        assert_eq!(decimal_vote("12.50"), Some(Dot));
        assert_eq!(decimal_vote("1.234.567"), Some(Comma));
        assert_eq!(decimal_vote("0.125"), Some(Dot));
        assert_eq!(decimal_vote("1234,567"), Some(Comma));
        assert_eq!(decimal_vote("12.345"), None);
        assert_eq!(decimal_vote("7"), None);
    }

    #[test]
    fn column_decision_takes_majority_then_the_hint() {
        let v = |dot, comma| Votes { dot, comma };
        assert_eq!(decide_decimal(v(0, 0), Comma), Comma);
        assert_eq!(decide_decimal(v(5, 1), Comma), Dot);
        assert_eq!(decide_decimal(v(0, 3), Dot), Comma);
        assert_eq!(decide_decimal(v(2, 2), Dot), Dot);
    }
}
