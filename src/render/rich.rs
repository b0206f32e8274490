//! Text with bold spans, the only emphasis the report uses (render stage; no dependencies).
//!
//! Findings and the verdict highlight their key figures; writing them as `**bold**` markup keeps
//! the sentence templates in the language files readable.

use serde::Serialize;

/// A run of text, bold or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The text.
    pub text: String,
    /// Whether it is printed in bold.
    pub strong: bool,
}

/// Text made of plain and bold spans.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RichText(pub Vec<Span>);

impl RichText {
    /// Plain text without emphasis.
    pub fn plain(text: &str) -> RichText {
        RichText(vec![Span {
            text: text.to_string(),
            strong: false,
        }])
    }

    /// Text where `**…**` marks bold spans; an unpaired `**` is kept as text.
    pub fn marked(text: &str) -> RichText {
        let parts: Vec<&str> = text.split("**").collect();
        let paired = parts.len() % 2 == 1;
        let mut spans = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let last_unpaired = !paired && i == parts.len() - 1;
            let strong = i % 2 == 1 && !last_unpaired;
            let text = if last_unpaired {
                format!("**{part}")
            } else {
                part.to_string()
            };
            if !text.is_empty() {
                spans.push(Span { text, strong });
            }
        }
        RichText(spans)
    }

    /// The text without its emphasis.
    pub fn to_plain(&self) -> String {
        self.0.iter().map(|s| s.text.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_text_alternates_plain_and_bold_spans() {
        let t = RichText::marked("a **b** c");
        assert_eq!(t.0.len(), 3);
        assert!(!t.0[0].strong && t.0[1].strong && !t.0[2].strong);
        assert_eq!(t.0[1].text, "b");
        assert_eq!(t.to_plain(), "a b c");
    }

    #[test]
    fn unpaired_marker_stays_as_text() {
        let t = RichText::marked("2 ** 3");
        assert_eq!(t.to_plain(), "2 ** 3");
        assert!(t.0.iter().all(|s| !s.strong));
    }
}
