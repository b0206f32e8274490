//! Indicator definitions as printed in the report's methodology appendix.
//!
//! Each family declares its definitions next to the code that computes them, so the appendix
//! cannot drift from what is computed.

use serde::Serialize;

/// One indicator's definition in both report languages.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Definition {
    /// Stable identifier, also the JSON field name of the figure where there is one.
    pub id: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Spanish name.
    pub name_es: &'static str,
    /// The formula and its conventions, in English.
    pub en: &'static str,
    /// The formula and its conventions, in Spanish.
    pub es: &'static str,
}
