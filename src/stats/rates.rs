//! Tests of rates between two groups or two periods: Fisher's exact test and the
//! two-proportion z-test for shares, the z-test of an NPS difference, and the conditional
//! binomial test of two Poisson rates.

use super::Significance;
use super::distributions::{exact_two_sided, ln_choose, normal_quantile, normal_upper_tail};

/// z of a two-sided interval at `level`.
fn z_of(level: f64) -> f64 {
    normal_quantile(0.5 + level / 2.0)
}

/// Fisher's exact test (two-sided) of x1 of n1 against x2 of n2, with the Katz log interval
/// of the relative risk (x1/n1)/(x2/n2) (0.5 added to every cell when one is empty).
pub fn fisher_exact(x1: u64, n1: u64, x2: u64, n2: u64, level: f64) -> Significance {
    let (n, col) = (n1 + n2, x1 + x2);
    let lo = col.saturating_sub(n2);
    let hi = col.min(n1);
    let denominator = ln_choose(n, col);
    let ln_pmf = |k: u64| ln_choose(n1, k) + ln_choose(n2, col - k) - denominator;
    let p_value = exact_two_sided(lo..=hi, x1, ln_pmf);
    let half = if x1 == 0 || x2 == 0 || x1 == n1 || x2 == n2 {
        0.5
    } else {
        0.0
    };
    let (a, b) = (x1 as f64 + half, x2 as f64 + half);
    let (m1, m2) = (n1 as f64 + 2.0 * half, n2 as f64 + 2.0 * half);
    let rr = (a / m1) / (b / m2);
    let se = (1.0 / a - 1.0 / m1 + 1.0 / b - 1.0 / m2).sqrt();
    let z = z_of(level);
    Significance {
        test: "fisher_exact",
        p_value,
        interval: [rr * (-z * se).exp(), rr * (z * se).exp()],
        level,
    }
}

/// Two-proportion z-test (pooled variance) of x1/n1 against x2/n2, with the Wald interval of
/// the difference x1/n1 − x2/n2 (unpooled variance).
pub fn two_proportions(x1: f64, n1: f64, x2: f64, n2: f64, level: f64) -> Significance {
    let (p1, p2) = (x1 / n1, x2 / n2);
    let pooled = (x1 + x2) / (n1 + n2);
    let se0 = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    let p_value = if se0 > 0.0 {
        (2.0 * normal_upper_tail((p1 - p2) / se0)).min(1.0)
    } else {
        1.0
    };
    let se = (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt();
    let z = z_of(level);
    let d = p1 - p2;
    Significance {
        test: "two_proportion_z",
        p_value,
        interval: [d - z * se, d + z * se],
        level,
    }
}

/// One period's answers to the recommendation question.
#[derive(Debug, Clone, Copy)]
pub struct NpsCounts {
    /// Answers 9–10.
    pub promoters: f64,
    /// Answers 0–6.
    pub detractors: f64,
    /// All answers.
    pub responses: f64,
}

impl NpsCounts {
    /// NPS in points (−100 to 100) and the variance of that estimate.
    fn score_and_variance(&self) -> (f64, f64) {
        let (p, d) = (
            self.promoters / self.responses,
            self.detractors / self.responses,
        );
        let nps = p - d;
        (100.0 * nps, 1e4 * (p + d - nps * nps) / self.responses)
    }
}

/// z-test of the change of NPS between two independent sets of answers, with the variance of
/// the promoter − detractor difference: Var = (p_P + p_D − (p_P − p_D)²) / n. The interval is
/// of `now − then` in points.
pub fn nps_difference(now: NpsCounts, then: NpsCounts, level: f64) -> Significance {
    let (a, va) = now.score_and_variance();
    let (b, vb) = then.score_and_variance();
    let se = (va + vb).sqrt();
    let d = a - b;
    let p_value = if se > 0.0 {
        (2.0 * normal_upper_tail(d / se)).min(1.0)
    } else {
        1.0
    };
    let z = z_of(level);
    Significance {
        test: "nps_difference_z",
        p_value,
        interval: [d - z * se, d + z * se],
        level,
    }
}

/// Test of two Poisson rates, c1 events over exposure t1 against c2 over t2: conditional on
/// c1 + c2, c1 is binomial with p = t1 / (t1 + t2) under equal rates (exact two-sided
/// binomial test). The interval is of the rate ratio (c1/t1)/(c2/t2), log-normal
/// (0.5 added to both counts when one is zero).
pub fn poisson_rates(c1: u64, t1: f64, c2: u64, t2: f64, level: f64) -> Significance {
    let n = c1 + c2;
    let p = t1 / (t1 + t2);
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let ln_pmf = |k: u64| ln_choose(n, k) + k as f64 * lp + (n - k) as f64 * lq;
    let p_value = if n == 0 {
        1.0
    } else {
        exact_two_sided(0..=n, c1, ln_pmf)
    };
    let half = if c1 == 0 || c2 == 0 { 0.5 } else { 0.0 };
    let (a, b) = (c1 as f64 + half, c2 as f64 + half);
    let ratio = (a / t1) / (b / t2);
    let se = (1.0 / a + 1.0 / b).sqrt();
    let z = z_of(level);
    Significance {
        test: "poisson_rate_conditional_binomial",
        p_value,
        interval: [ratio * (-z * se).exp(), ratio * (z * se).exp()],
        level,
    }
}
