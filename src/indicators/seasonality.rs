//! Indicators stage: the month-of-year revenue index over the full history up to P.end, which
//! says whether period-over-period comparisons measure the season (issue 19).
//!
//! Depends on [`super::context`] (the daily frame). Each whole month's revenue is divided by the
//! mean of the 12 months ending with it (the trailing 12-month mean); the ratios are averaged per
//! month of the year and scaled to average 1. Needs 24 whole months.

use super::context::{Context, date_of, day_number};
use super::definition::Definition;
use crate::period::Period;
use chrono::{Datelike, Months, NaiveDate};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Whole months of history the index needs.
pub const MIN_MONTHS: usize = 24;
/// Peak-to-trough of the monthly index from which seasonality is material.
pub const MATERIAL_AMPLITUDE: f64 = 0.25;

/// The month-of-year revenue index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Seasonality {
    /// Whole months of revenue up to P.end that the index was computed from.
    pub months: usize,
    /// Index per month of the year, January first (1.0 = an average month); empty with fewer
    /// than 24 months.
    pub index: Vec<f64>,
    /// Peak-to-trough of the index (max − min); `None` without an index.
    pub amplitude: Option<f64>,
    /// Whether the amplitude reaches the materiality threshold: comparisons then lead with
    /// P−12m, and "vs P−1" changes are marked as seasonal.
    pub material: bool,
    /// Mean index of the months of P.
    pub period_index: Option<f64>,
    /// Mean index of the months of P−1.
    pub previous_index: Option<f64>,
}

/// `d` one month later (the last representable date stops the loops that call it).
fn next_month(d: NaiveDate) -> NaiveDate {
    d.checked_add_months(Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

/// First day of the month of `d`.
fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Monthly revenue of the whole months between the first transaction and `last`.
fn monthly_revenue(ctx: &Context, last: NaiveDate) -> PolarsResult<Vec<(NaiveDate, f64)>> {
    let Some(range) = ctx.data_range else {
        return Ok(Vec::new());
    };
    let mut first = month_start(range.first);
    if first != range.first {
        first = next_month(first);
    }
    let end = last.min(range.last);
    // The last whole month ends on `end` or before it.
    let after_end = end.succ_opt().unwrap_or(end);
    let stop = month_start(after_end);
    let mut starts = Vec::new();
    let mut m = first;
    while m < stop {
        starts.push(day_number(m));
        m = next_month(m);
    }
    if starts.is_empty() {
        return Ok(Vec::new());
    }
    let stop_day = day_number(stop);
    let (day, net) = (
        ctx.daily.column("day")?.i32()?.rechunk(),
        ctx.daily.column("net")?.f64()?.rechunk(),
    );
    let (day, net) = (day.cont_slice()?, net.cont_slice()?);
    // The month of each day from the first month's start, looked up instead of bisected for
    // each of the customer days.
    let first_day = starts[0];
    let mut month_of_day = Vec::with_capacity((stop_day - first_day) as usize);
    for (m, from) in starts.iter().enumerate() {
        let to = starts.get(m + 1).copied().unwrap_or(stop_day);
        month_of_day.extend(std::iter::repeat_n(m, (to - from) as usize));
    }
    let mut sums = vec![0.0; starts.len()];
    for (d, v) in day.iter().zip(net) {
        if *d < first_day || *d >= stop_day {
            continue;
        }
        sums[month_of_day[(*d - first_day) as usize]] += *v;
    }
    Ok(starts.into_iter().map(date_of).zip(sums).collect())
}

/// The month-of-year index from monthly revenue, or `None` under [`MIN_MONTHS`] months.
pub(crate) fn index_of(months: &[(NaiveDate, f64)]) -> Option<Vec<f64>> {
    if months.len() < MIN_MONTHS {
        return None;
    }
    let mut sum = [0.0; 12];
    let mut count = [0usize; 12];
    for year in months.windows(12) {
        let mean = year.iter().map(|(_, v)| v).sum::<f64>() / 12.0;
        let (date, revenue) = year[11];
        if mean > 0.0 {
            let m = date.month0() as usize;
            sum[m] += revenue / mean;
            count[m] += 1;
        }
    }
    if count.contains(&0) {
        return None;
    }
    let raw: Vec<f64> = (0..12).map(|m| sum[m] / count[m] as f64).collect();
    let scale = raw.iter().sum::<f64>() / 12.0;
    (scale > 0.0).then(|| raw.iter().map(|v| v / scale).collect())
}

/// Mean index of the months a period covers.
fn period_index(index: &[f64], p: Period) -> f64 {
    let mut m = month_start(p.start);
    let (mut sum, mut n) = (0.0, 0.0);
    while m <= p.end {
        sum += index[m.month0() as usize];
        n += 1.0;
        m = next_month(m);
    }
    sum / n
}

/// The index over the history up to P.end.
pub(crate) fn compute(ctx: &Context, period: Period) -> PolarsResult<Seasonality> {
    let months = monthly_revenue(ctx, period.end)?;
    let Some(index) = index_of(&months) else {
        return Ok(Seasonality {
            months: months.len(),
            ..Seasonality::default()
        });
    };
    let max = index.iter().copied().fold(f64::MIN, f64::max);
    let min = index.iter().copied().fold(f64::MAX, f64::min);
    let amplitude = max - min;
    Ok(Seasonality {
        months: months.len(),
        amplitude: Some(amplitude),
        material: amplitude >= MATERIAL_AMPLITUDE,
        period_index: Some(period_index(&index, period)),
        previous_index: Some(period_index(&index, period.previous())),
        index,
    })
}

/// Methodology text of the seasonality index.
pub const DEFINITIONS: &[Definition] = &[Definition {
    id: "seasonality",
    name_en: "Seasonality",
    name_es: "Estacionalidad",
    en: "Month-of-year revenue index over the full history up to the period's end: each whole \
         month's revenue / the mean of the 12 months ending with it, averaged per month of the \
         year and scaled to average 1 (needs 24 whole months). Seasonality is material when the \
         index's peak-to-trough reaches 0.25; comparisons then lead with the same period a year \
         earlier, and changes against the previous period are marked as seasonal.",
    es: "Índice de ingresos por mes del año sobre todo el histórico hasta el fin del periodo: \
         ingresos de cada mes completo / media de los 12 meses que terminan en él, promediado por \
         mes del año y escalado a media 1 (necesita 24 meses completos). La estacionalidad es \
         material cuando la distancia entre el máximo y el mínimo del índice llega a 0,25; las \
         comparaciones empiezan entonces por el mismo periodo del año anterior, y los cambios \
         frente al periodo anterior se marcan como estacionales.",
}];

#[cfg(test)]
mod tests {
    use super::*;

    fn series(months: usize, factor: impl Fn(usize) -> f64) -> Vec<(NaiveDate, f64)> {
        let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        (0..months)
            .map(|i| {
                let d = start.checked_add_months(Months::new(i as u32)).unwrap();
                (d, 100.0 * factor(i % 12))
            })
            .collect()
    }

    #[test]
    fn a_flat_history_has_an_index_of_one_and_no_material_season() {
        let idx = index_of(&series(24, |_| 1.0)).unwrap();
        assert!(idx.iter().all(|v| (v - 1.0).abs() < 1e-12));
    }

    #[test]
    fn the_index_recovers_a_repeating_monthly_pattern() {
        // Months alternate 0.5 and 1.5 (mean 1): every trailing 12-month mean is 100, so each
        // ratio is the month's factor.
        let idx = index_of(&series(36, |m| if m % 2 == 0 { 0.5 } else { 1.5 })).unwrap();
        assert!((idx[0] - 0.5).abs() < 1e-12 && (idx[1] - 1.5).abs() < 1e-12);
    }

    #[test]
    fn fewer_than_24_months_give_no_index() {
        assert!(index_of(&series(23, |_| 1.0)).is_none());
    }
}
