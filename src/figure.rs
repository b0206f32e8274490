//! Figures that may be missing, and why: the value type of every indicator and model output.
//!
//! A report must never print NaN or a silent zero. Every computed number is either present, or
//! absent with a machine-readable reason the renderers translate ("no complaints table", "no
//! customers active at the start of the period", ...).

use serde::{Deserialize, Serialize};

/// Why a figure has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// The table the figure needs was not supplied.
    NoTable,
    /// The table exists but lacks the optional column the figure needs (e.g. cost, resolved_at).
    NoColumn,
    /// The period (or the window before it) lies outside the data's date range.
    OutsideData,
    /// A ratio whose denominator is zero (e.g. no customers active at the start).
    EmptyBase,
    /// A model could not be fitted on these data (see the model diagnostics).
    ModelUnavailable,
}

/// A number with an explicit reason when it is absent.
///
/// Serialised as `{"value": 0.83}` or `{"value": null, "missing": "empty_base"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The value; `None` when it cannot be supported by the data.
    pub value: Option<f64>,
    /// Why `value` is `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
}

impl Figure {
    /// A present value. Non-finite inputs become `EmptyBase` so NaN never escapes.
    pub fn of(value: f64) -> Self {
        if value.is_finite() {
            Figure {
                value: Some(value),
                missing: None,
            }
        } else {
            Figure::missing(Missing::EmptyBase)
        }
    }

    /// An absent value with its reason.
    pub fn missing(reason: Missing) -> Self {
        Figure {
            value: None,
            missing: Some(reason),
        }
    }

    /// `num / den`, or `EmptyBase` when `den` is zero.
    pub fn ratio(num: f64, den: f64) -> Self {
        if den == 0.0 {
            Figure::missing(Missing::EmptyBase)
        } else {
            Figure::of(num / den)
        }
    }

    /// The value, if present.
    pub fn get(&self) -> Option<f64> {
        self.value
    }

    /// Applies `f` to a present value.
    pub fn map(self, f: impl FnOnce(f64) -> f64) -> Self {
        match self.value {
            Some(v) => Figure::of(f(v)),
            None => self,
        }
    }
}

impl From<Option<f64>> for Figure {
    fn from(v: Option<f64>) -> Self {
        match v {
            Some(v) => Figure::of(v),
            None => Figure::missing(Missing::EmptyBase),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_with_zero_denominator_is_missing_not_nan() {
        let f = Figure::ratio(3.0, 0.0);
        assert_eq!(f.value, None);
        assert_eq!(f.missing, Some(Missing::EmptyBase));
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"value":null,"missing":"empty_base"}"#
        );
    }

    #[test]
    fn present_values_serialise_without_reason() {
        assert_eq!(
            serde_json::to_string(&Figure::ratio(1.0, 4.0)).unwrap(),
            r#"{"value":0.25}"#
        );
        assert_eq!(Figure::of(f64::NAN).value, None);
    }
}
