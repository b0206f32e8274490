//! The day/month order of a whole date column, decided from evidence: a value only valid
//! day-first (`13/04/2026`) or only valid month-first (`04/13/2026`).

use super::date::{Order, Shape, scan};

/// The shapes of a whole column: enough to decide its day/month order.
#[derive(Debug, Clone, Default)]
pub(crate) struct ColumnShape {
    /// First `a/b/y` value whose first number is over 12 (so day-first).
    pub(crate) day_first_example: Option<String>,
    /// First `a/b/y` value whose second number is over 12 (so month-first).
    pub(crate) month_first_example: Option<String>,
    /// First `a/b/y` value seen.
    pub(crate) ambiguous_example: Option<String>,
    /// First value that is a date at all (for describing the layout).
    pub(crate) first_valid: Option<String>,
}

/// Why a column's day/month order cannot be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OrderError {
    /// Some values only make sense day-first and others only month-first.
    Conflicting {
        day_first: String,
        month_first: String,
    },
    /// Every `a/b/y` value has both numbers ≤ 12 and nothing about the file hints at a locale.
    Ambiguous { example: String },
}

impl ColumnShape {
    /// Records one value.
    pub(crate) fn add(&mut self, s: &str) {
        let shape = scan(s);
        if shape != Shape::Invalid && self.first_valid.is_none() {
            self.first_valid = Some(s.trim().to_string());
        }
        if let Shape::DayMonth { first, second } = shape {
            // Only values valid in exactly one order count as evidence: `45/13/2026` is neither.
            let day_first = (13..=31).contains(&first) && (1..=12).contains(&second);
            let month_first = (1..=12).contains(&first) && (13..=31).contains(&second);
            if day_first && self.day_first_example.is_none() {
                self.day_first_example = Some(s.trim().to_string());
            }
            if month_first && self.month_first_example.is_none() {
                self.month_first_example = Some(s.trim().to_string());
            }
            if self.ambiguous_example.is_none() {
                self.ambiguous_example = Some(s.trim().to_string());
            }
        }
    }

    /// Whether a value has already shown the order (day-first or month-first).
    pub(crate) fn has_evidence(&self) -> bool {
        self.day_first_example.is_some() || self.month_first_example.is_some()
    }

    /// The column's order: any first number over 12 means day-first, any second number over 12
    /// means month-first; with neither, `day_first_hint` (a `;` or decimal-comma or Windows-1252
    /// file) decides, and without a hint the column is ambiguous.
    pub(crate) fn order(&self, day_first_hint: bool) -> Result<Option<Order>, OrderError> {
        match (&self.day_first_example, &self.month_first_example) {
            (Some(d), Some(m)) => Err(OrderError::Conflicting {
                day_first: d.clone(),
                month_first: m.clone(),
            }),
            (Some(_), None) => Ok(Some(Order::DayFirst)),
            (None, Some(_)) => Ok(Some(Order::MonthFirst)),
            (None, None) => match &self.ambiguous_example {
                None => Ok(None),
                Some(_) if day_first_hint => Ok(Some(Order::DayFirst)),
                Some(e) => Err(OrderError::Ambiguous { example: e.clone() }),
            },
        }
    }
}
