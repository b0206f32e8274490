//! The per-customer scores frame and the population figures of a [`super::ClvReport`], built
//! from the row scores and expected spends. Part of the clv stage; depends on
//! [`super::scoring`], [`super::summary`] and [`crate::figure`].

use super::error::ClvError;
use super::report::PopulationFigures;
use super::scoring::RowScore;
use super::summary::CustomerSummary;
use crate::figure::{Figure, Missing};
use polars::prelude::*;

/// The per-customer scores frame (model figures null where unavailable).
pub(crate) fn scores_frame(
    summary: &CustomerSummary,
    scores: &[Option<RowScore>],
    spends: &[Option<f64>],
) -> Result<DataFrame, ClvError> {
    let pick = |f: fn(&RowScore) -> f64| -> Vec<Option<f64>> {
        scores.iter().map(|s| s.as_ref().map(f)).collect()
    };
    let clv: Vec<Option<f64>> = scores
        .iter()
        .zip(spends)
        .map(|(s, sp)| Some(s.as_ref()?.discounted * (*sp)?))
        .collect();
    let base = summary.frame.select(["customer_id", "x", "t_x", "T"])?;
    let mut columns: Vec<Column> = base.columns().to_vec();
    columns.push(Column::new("p_alive".into(), pick(|s| s.p_alive)));
    columns.push(Column::new(
        "expected_purchases_90d".into(),
        pick(|s| s.next_90_days),
    ));
    columns.push(Column::new(
        "expected_purchases_horizon".into(),
        pick(|s| s.horizon),
    ));
    columns.push(Column::new("expected_spend".into(), spends.to_vec()));
    columns.push(Column::new("clv".into(), clv));
    Ok(DataFrame::new(summary.frame.height(), columns)?)
}

/// Means and totals over the customers that have the figure.
pub(crate) fn population(
    scores: &[Option<RowScore>],
    spends: &[Option<f64>],
    mean_spend: Option<f64>,
    modelled: bool,
) -> PopulationFigures {
    let unavailable = Figure::missing(Missing::ModelUnavailable);
    let over = |f: &dyn Fn(usize) -> Option<f64>, mean: bool| -> Figure {
        let values: Vec<f64> = (0..scores.len()).filter_map(f).collect();
        if !modelled || values.is_empty() {
            return unavailable;
        }
        let total: f64 = values.iter().sum();
        Figure::of(if mean {
            total / values.len() as f64
        } else {
            total
        })
    };
    let clv = |i: usize| Some(scores[i].as_ref()?.discounted * spends[i]?);
    PopulationFigures {
        mean_spend: mean_spend.map_or(unavailable, Figure::of),
        mean_p_alive: over(&|i| scores[i].map(|s| s.p_alive), true),
        expected_purchases_90d: over(&|i| scores[i].map(|s| s.next_90_days), false),
        expected_purchases_horizon: over(&|i| scores[i].map(|s| s.horizon), false),
        mean_clv: over(&clv, true),
        total_clv: over(&clv, false),
    }
}
