//! Who the sample customers are: segment, region, channel, manager, creation date, acquisition
//! cost, name, and the hidden traits that drive their behaviour (purchase rate λ, dropout
//! probability p, complaint propensity), drawn per segment so segments differ the way they do
//! in real books: consumers buy rarely and leave easily, large accounts buy often and stay.

use super::calendar::Calendar;
use super::vocab::Vocab;
use rand::Rng;
use rand_distr::{Beta, Distribution, Gamma, LogNormal};

/// Segment indices into [`Vocab::segments`].
pub(crate) const CONSUMER: u8 = 0;
/// Small and medium businesses.
pub(crate) const SMB: u8 = 1;
/// Large accounts.
pub(crate) const ENTERPRISE: u8 = 2;

/// Per-segment parameters of the buy-till-you-die process and of the basket.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SegmentParams {
    /// Share of customers.
    pub(crate) share: f64,
    /// Shape r of the Gamma(r, α) heterogeneity of the purchase rate λ.
    pub(crate) lambda_shape: f64,
    /// Mean λ in purchases per year (r / α, α per year).
    pub(crate) lambda_mean_year: f64,
    /// Beta(a, b) of the dropout probability p after each purchase.
    pub(crate) dropout: (f64, f64),
    /// Median invoice value in cents (log-normal basket).
    pub(crate) basket_median_cents: f64,
    /// σ of the log-normal basket.
    pub(crate) basket_sigma: f64,
    /// Routine CRM contacts per year while the relationship lasts.
    pub(crate) contacts_year: f64,
    /// Price discount in per mille.
    pub(crate) discount_permille: i64,
    /// Multiplier of the channel's acquisition cost.
    pub(crate) acquisition_factor: f64,
}

/// Consumer, SMB, enterprise.
pub(crate) const SEGMENTS: [SegmentParams; 3] = [
    SegmentParams {
        share: 0.55,
        lambda_shape: 0.9,
        lambda_mean_year: 10.5,
        dropout: (1.2, 8.0),
        basket_median_cents: 4_500.0,
        basket_sigma: 0.75,
        contacts_year: 1.5,
        discount_permille: 0,
        acquisition_factor: 0.6,
    },
    SegmentParams {
        share: 0.37,
        lambda_shape: 1.2,
        lambda_mean_year: 24.0,
        dropout: (1.0, 13.0),
        basket_median_cents: 18_000.0,
        basket_sigma: 0.8,
        contacts_year: 5.0,
        discount_permille: 50,
        acquisition_factor: 1.0,
    },
    SegmentParams {
        share: 0.08,
        lambda_shape: 2.0,
        lambda_mean_year: 48.0,
        dropout: (0.8, 20.0),
        basket_median_cents: 85_000.0,
        basket_sigma: 0.7,
        contacts_year: 14.0,
        discount_permille: 120,
        acquisition_factor: 2.5,
    },
];

/// A customer as the master data shows it.
#[derive(Debug, Clone)]
pub(crate) struct Customer {
    /// Customer number, 1-based; formatted into the id by the writer.
    pub(crate) number: u32,
    /// Index into [`Vocab::segments`].
    pub(crate) segment: u8,
    /// Index into [`Vocab::regions`].
    pub(crate) region: u8,
    /// Index into [`Vocab::acquisition`].
    pub(crate) channel: u8,
    /// Employee index (see [`Vocab::employee`]).
    pub(crate) manager: u8,
    /// Day the customer was created.
    pub(crate) created_day: u32,
    /// Minute of that day.
    pub(crate) created_minute: u16,
    /// Acquisition cost in cents.
    pub(crate) acquisition_cents: i64,
    /// Company or person name.
    pub(crate) name: String,
    /// Contact e-mail.
    pub(crate) email: String,
}

/// The hidden behaviour of a customer; never written, only simulated.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Traits {
    /// Purchase rate while alive, per day.
    pub(crate) lambda_day: f64,
    /// Probability of dropping out after each purchase.
    pub(crate) dropout: f64,
    /// Multiplier of the per-purchase complaint probability (mean 1).
    pub(crate) complaint_propensity: f64,
    /// The two categories the customer mostly buys from.
    pub(crate) favourite_categories: [u8; 2],
    /// False for a lead that never places an order (left in the CRM all the same).
    pub(crate) buys: bool,
}

/// Picks an index with probability proportional to its weight.
pub(crate) fn pick<R: Rng>(rng: &mut R, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.len() - 1
}

/// Draws one customer and its traits.
pub(crate) fn draw<R: Rng>(
    rng: &mut R,
    number: u32,
    cal: &Calendar,
    v: &Vocab,
    steady: bool,
) -> (Customer, Traits) {
    let segment = pick(rng, &SEGMENTS.map(|s| s.share)) as u8;
    let sp = SEGMENTS[segment as usize];
    let region = rng.random_range(0..v.regions.len()) as u8;
    // Consumers come through the shop and the web; companies through sales and fairs.
    let channel_weights: [f64; 6] = match segment {
        CONSUMER => [0.35, 0.30, 0.20, 0.02, 0.01, 0.12],
        SMB => [0.15, 0.20, 0.25, 0.15, 0.15, 0.10],
        _ => [0.02, 0.05, 0.20, 0.28, 0.43, 0.02],
    };
    let channel = pick(rng, &channel_weights[..v.acquisition.len()]) as u8;
    let manager = if segment == ENTERPRISE {
        (v.managers.len() + rng.random_range(0..v.key_account_managers.len())) as u8
    } else if rng.random::<f64>() < 0.85 {
        region % v.managers.len() as u8
    } else {
        rng.random_range(0..v.managers.len()) as u8
    };
    // Acquisitions grow over the history: density 1 + t/T, inverted: t/T = sqrt(1 + 3u) - 1;
    // a steady business acquires evenly.
    let u = rng.random::<f64>();
    let x = if steady {
        u
    } else {
        (1.0 + 3.0 * u).sqrt() - 1.0
    };
    let created_day = ((x * cal.days() as f64) as u32).min(cal.days() - 1);
    let created_minute = rng.random_range(8 * 60..19 * 60) as u16;
    let base = v.acquisition[channel as usize].1 as f64 * sp.acquisition_factor;
    let noise = LogNormal::new(-0.08, 0.4)
        .map(|d| d.sample(rng))
        .unwrap_or(1.0);
    let acquisition_cents = (base * noise).round() as i64;
    let (name, email) = super::names::draw(rng, segment, v);

    let shape = sp.lambda_shape;
    let scale = sp.lambda_mean_year / 365.25 / shape;
    let lambda_day = Gamma::new(shape, scale)
        .map(|d| d.sample(rng))
        .unwrap_or(scale * shape);
    let dropout = Beta::new(sp.dropout.0, sp.dropout.1)
        .map(|d| d.sample(rng))
        .unwrap_or(0.1);
    // Propensity: log-normal with mean 1 (μ = −σ²/2), so some customers complain repeatedly.
    let complaint_propensity = LogNormal::new(-0.405, 0.9)
        .map(|d| d.sample(rng))
        .unwrap_or(1.0);
    let n_cat = v.categories.len();
    let first = rng.random_range(0..n_cat) as u8;
    let second = ((first as usize + rng.random_range(1..n_cat)) % n_cat) as u8;
    let customer = Customer {
        number,
        segment,
        region,
        channel,
        manager,
        created_day,
        created_minute,
        acquisition_cents,
        name,
        email,
    };
    let traits = Traits {
        lambda_day: lambda_day.min(0.5),
        dropout,
        complaint_propensity,
        favourite_categories: [first, second],
        buys: rng.random::<f64>() >= 0.04,
    };
    (customer, traits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;
    use crate::sample::rng::SampleRng;
    use chrono::NaiveDate;

    #[test]
    fn segment_shares_sum_to_one() {
        let total: f64 = SEGMENTS.iter().map(|s| s.share).sum();
        assert!((total - 1.0).abs() < 1e-9);
    }

    #[test]
    fn created_dates_fall_inside_the_history_and_grow_towards_the_end() {
        let v = Vocab::of(Lang::Es);
        let cal = Calendar::new(
            NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
            &v.month_factor,
            &v.weekday_factor,
        );
        let mut first_year = 0;
        let mut last_year = 0;
        for n in 0..4000 {
            let mut rng = SampleRng::stream(1, n);
            let (c, _) = draw(&mut rng, n as u32 + 1, &cal, v, false);
            assert!(c.created_day < cal.days());
            if c.created_day < 365 {
                first_year += 1;
            } else if c.created_day >= cal.days() - 365 {
                last_year += 1;
            }
        }
        // Density 1 + t/T: the first year holds (1/4 + 1/32) / 1.5 ≈ 19 % of customers and the
        // last (1/4 + 7/32) / 1.5 ≈ 31 %.
        assert!((600..920).contains(&first_year), "{first_year}");
        assert!((1100..1400).contains(&last_year), "{last_year}");
    }
}
