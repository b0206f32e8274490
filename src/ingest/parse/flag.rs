//! Yes/no flags as CRM and helpdesk exports write them: `Sí`/`No`, `Yes`/`No`, `TRUE`/`FALSE`,
//! `1`/`0`, `x` for a ticked box, `S`/`N`, `Y`/`N`, `Verdadero`/`Falso`.

/// Parses a flag; `None` when the text is not a recognised yes or no.
pub(crate) fn parse_flag(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.len() > 10 {
        return None;
    }
    let lower = t.to_lowercase();
    match lower.as_str() {
        "sí" | "si" | "s" | "yes" | "y" | "true" | "t" | "verdadero" | "v" | "1" | "1.0" | "x"
        | "✓" | "✔" | "ok" => Some(true),
        "no" | "n" | "false" | "f" | "falso" | "0" | "0.0" | "-" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_and_english_yes_no_parse() {
        for yes in [
            "Sí",
            "SI",
            "si",
            "Yes",
            "TRUE",
            "true",
            "1",
            "x",
            "X",
            "S",
            "Y",
            "Verdadero",
        ] {
            assert_eq!(parse_flag(yes), Some(true), "{yes}");
        }
        for no in ["No", "NO", "FALSE", "false", "0", "N", "Falso"] {
            assert_eq!(parse_flag(no), Some(false), "{no}");
        }
    }

    #[test]
    fn surrounding_blanks_are_ignored() {
        assert_eq!(parse_flag("  Sí "), Some(true));
    }

    #[test]
    fn other_text_is_not_a_flag() {
        assert_eq!(parse_flag("maybe"), None);
        assert_eq!(parse_flag("2"), None);
        assert_eq!(parse_flag(""), None);
    }
}
