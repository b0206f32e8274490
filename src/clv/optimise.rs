//! A small bounded quasi-Newton minimiser (BFGS on an inverse-Hessian approximation, projected
//! onto a box, with a backtracking Armijo line search). Part of the clv stage; depends on nothing.
//!
//! The models have three or four parameters, all fitted on their logarithms, so a dense BFGS
//! with box bounds on the log-parameters is all that is needed; an optimisation crate would add a
//! dependency for a hundred lines. The bounds keep every parameter in [e^−lower, e^upper] so that
//! a likelihood drifting towards a degenerate corner (no dropout, no repeat buying) stays finite
//! and is reported as "at bound" instead of overflowing.

/// Result of one minimisation.
#[derive(Debug, Clone)]
pub(crate) struct Minimum {
    /// Arguments at the minimum found.
    pub(crate) theta: Vec<f64>,
    /// Objective there.
    pub(crate) value: f64,
    /// Gradient there.
    pub(crate) gradient: Vec<f64>,
    /// Largest absolute component of the projected gradient there.
    pub(crate) gradient_norm: f64,
    /// Iterations (accepted steps).
    pub(crate) iterations: usize,
    /// The projected gradient fell below the tolerance.
    pub(crate) converged: bool,
    /// Which coordinates ended on a bound.
    pub(crate) at_bound: Vec<bool>,
    /// The final inverse-Hessian approximation: a run continued on nearly the same objective
    /// (the same model on more rows) starts from it instead of the identity, and takes a few
    /// near-Newton steps instead of rebuilding the curvature from scratch.
    pub(crate) inverse_hessian: Option<Vec<Vec<f64>>>,
}

/// Relative size of the rounding in an objective value (a mean over many rows).
const ROUNDING: f64 = 1e-12;

/// Settings of [`minimise`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// Lower bound of every coordinate.
    pub(crate) lower: f64,
    /// Upper bound of every coordinate.
    pub(crate) upper: f64,
    /// Converged when every projected-gradient component is below this.
    pub(crate) gradient_tolerance: f64,
    /// Iteration cap.
    pub(crate) max_iterations: usize,
    /// Cap on the largest coordinate change of one step.
    pub(crate) max_step: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lower: -16.0,
            upper: 16.0,
            gradient_tolerance: 1e-9,
            max_iterations: 500,
            max_step: 3.0,
        }
    }
}

/// Minimises `f` (which returns the objective and writes the gradient) from `start`.
pub(crate) fn minimise<F>(f: F, start: &[f64], s: &Settings) -> Minimum
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    minimise_with(f, start, None, s)
}

/// [`minimise`] with the curvature of an earlier run (its [`Minimum::inverse_hessian`]) as the
/// first inverse-Hessian approximation; `None` starts from the identity, scaled after the first
/// step.
pub(crate) fn minimise_with<F>(
    mut f: F,
    start: &[f64],
    curvature: Option<&[Vec<f64>]>,
    s: &Settings,
) -> Minimum
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    let n = start.len();
    let clamp = |v: f64| v.clamp(s.lower, s.upper);
    let mut theta: Vec<f64> = start.iter().map(|&v| clamp(v)).collect();
    let mut grad = vec![0.0; n];
    let mut value = f(&theta, &mut grad);
    let carried = curvature.filter(|h| {
        h.len() == n
            && h.iter()
                .all(|row| row.len() == n && row.iter().all(|v| v.is_finite()))
    });
    let mut h = carried.map_or_else(|| identity(n), <[Vec<f64>]>::to_vec);
    let mut fresh = carried.is_none();
    let mut iterations = 0;
    let mut stalls = 0;
    let mut next_grad = vec![0.0; n];
    while iterations < s.max_iterations && value.is_finite() {
        let pg = projected(&theta, &grad, s);
        if norm_inf(&pg) < s.gradient_tolerance {
            break;
        }
        let mut d = direction(&h, &grad, &theta, s);
        if dot(&grad, &d) >= 0.0 {
            h = identity(n);
            fresh = true;
            d = pg.iter().map(|g| -g).collect();
        }
        let longest = norm_inf(&d);
        if longest > s.max_step {
            d.iter_mut().for_each(|v| *v *= s.max_step / longest);
        }
        let mut step = 1.0;
        let mut accepted = None;
        // Differences of the objective below this are rounding: a sum over hundreds of thousands
        // of rows is not exact to more digits.
        let noise = ROUNDING * (1.0 + value.abs());
        for _ in 0..60 {
            let trial: Vec<f64> = theta
                .iter()
                .zip(&d)
                .map(|(t, d)| clamp(t + step * d))
                .collect();
            let moved: Vec<f64> = trial.iter().zip(&theta).map(|(a, b)| a - b).collect();
            let trial_value = f(&trial, &mut next_grad);
            let expected = dot(&grad, &moved);
            if trial_value.is_finite() && trial_value <= value + 1e-4 * expected {
                accepted = Some((trial, moved, trial_value));
                break;
            }
            if trial_value.is_finite() && -expected < noise {
                // The decrease the step promises is below what the objective can show, so the
                // sufficient-decrease test is a coin toss and halving the step only makes that
                // worse. Near a minimum the gradient still tells: take the step if it shrinks
                // the gradient without a visible increase, else stop here.
                let shrinks = norm_inf(&projected(&trial, &next_grad, s)) < norm_inf(&pg);
                if shrinks && trial_value <= value + noise {
                    accepted = Some((trial, moved, trial_value));
                }
                break;
            }
            step *= 0.5;
        }
        let Some((trial, moved, trial_value)) = accepted else {
            break;
        };
        let y: Vec<f64> = next_grad.iter().zip(&grad).map(|(a, b)| a - b).collect();
        let sy = dot(&moved, &y);
        if sy > 1e-16 * norm2(&moved) * norm2(&y) && sy > 0.0 {
            if fresh {
                let scale = sy / dot(&y, &y);
                h = identity(n)
                    .into_iter()
                    .map(|row| row.iter().map(|v| v * scale).collect())
                    .collect();
                fresh = false;
            }
            bfgs_update(&mut h, &moved, &y, sy);
        }
        let change = (value - trial_value).abs();
        stalls = if change <= 1e-15 * (1.0 + value.abs()) {
            stalls + 1
        } else {
            0
        };
        theta = trial;
        value = trial_value;
        grad.copy_from_slice(&next_grad);
        iterations += 1;
        if stalls >= 3 {
            break;
        }
    }
    let pg = projected(&theta, &grad, s);
    let gradient_norm = norm_inf(&pg);
    let at_bound = theta
        .iter()
        .map(|&t| t <= s.lower + 1e-9 || t >= s.upper - 1e-9)
        .collect();
    Minimum {
        converged: value.is_finite() && gradient_norm < s.gradient_tolerance * 100.0,
        theta,
        value,
        gradient: grad,
        gradient_norm,
        iterations,
        at_bound,
        inverse_hessian: (!fresh).then_some(h),
    }
}

/// The gradient with the components that push out of the box set to zero.
fn projected(theta: &[f64], grad: &[f64], s: &Settings) -> Vec<f64> {
    theta
        .iter()
        .zip(grad)
        .map(|(&t, &g)| {
            let blocked = (t <= s.lower && g > 0.0) || (t >= s.upper && g < 0.0);
            if blocked { 0.0 } else { g }
        })
        .collect()
}

/// −H·g with the coordinates held at a bound removed.
fn direction(h: &[Vec<f64>], grad: &[f64], theta: &[f64], s: &Settings) -> Vec<f64> {
    let n = grad.len();
    let free: Vec<bool> = projected(theta, grad, s)
        .iter()
        .map(|g| *g != 0.0)
        .collect();
    (0..n)
        .map(|i| {
            if !free[i] {
                return 0.0;
            }
            -(0..n)
                .filter(|&j| free[j])
                .map(|j| h[i][j] * grad[j])
                .sum::<f64>()
        })
        .collect()
}

/// H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ with ρ = 1/(sᵀy).
fn bfgs_update(h: &mut [Vec<f64>], s: &[f64], y: &[f64], sy: f64) {
    let n = s.len();
    let rho = 1.0 / sy;
    let hy: Vec<f64> = (0..n)
        .map(|i| (0..n).map(|j| h[i][j] * y[j]).sum())
        .collect();
    let yhy = dot(y, &hy);
    for i in 0..n {
        for j in 0..n {
            h[i][j] += rho * ((1.0 + rho * yhy) * s[i] * s[j] - hy[i] * s[j] - s[i] * hy[j]);
        }
    }
}

fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm2(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

fn norm_inf(a: &[f64]) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfgs_finds_the_rosenbrock_minimum() {
        // f = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1).
        let rosen = |t: &[f64], g: &mut [f64]| {
            let (x, y) = (t[0], t[1]);
            g[0] = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x);
            g[1] = 200.0 * (y - x * x);
            (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
        };
        let m = minimise(rosen, &[-1.2, 1.0], &Settings::default());
        assert!(m.converged, "{m:?}");
        assert!((m.theta[0] - 1.0).abs() < 1e-7 && (m.theta[1] - 1.0).abs() < 1e-7);
    }

    /// f = ½ (x − c)ᵀ A (x − c) with a badly scaled A, and its gradient.
    fn quadratic(c: [f64; 3]) -> impl FnMut(&[f64], &mut [f64]) -> f64 {
        let a = [[400.0, 30.0, 0.0], [30.0, 5.0, 0.1], [0.0, 0.1, 0.02]];
        move |t: &[f64], g: &mut [f64]| {
            let e: Vec<f64> = (0..3).map(|i| t[i] - c[i]).collect();
            let mut value = 0.0;
            for i in 0..3 {
                g[i] = (0..3).map(|j| a[i][j] * e[j]).sum();
                value += 0.5 * e[i] * g[i];
            }
            value
        }
    }

    #[test]
    fn a_run_continued_with_the_curvature_of_an_earlier_one_takes_near_newton_steps() {
        // The polish of a fit: the same model on more rows has its minimum nearby and nearly
        // the same curvature. From the first run's inverse Hessian it converges in a few steps;
        // from the identity it has to learn the curvature again.
        let first = minimise(quadratic([1.0, 2.0, 3.0]), &[0.0; 3], &Settings::default());
        assert!(
            first.converged && first.inverse_hessian.is_some(),
            "{first:?}"
        );
        let moved = [1.01, 1.98, 3.05];
        let warm = minimise_with(
            quadratic(moved),
            &first.theta,
            first.inverse_hessian.as_deref(),
            &Settings::default(),
        );
        let cold = minimise(quadratic(moved), &first.theta, &Settings::default());
        assert!(warm.converged && cold.converged);
        for (t, c) in warm.theta.iter().zip(moved) {
            assert!((t - c).abs() < 1e-6, "{:?}", warm.theta);
        }
        // Measured: 4 against 21.
        assert!(warm.iterations <= 5, "{} iterations", warm.iterations);
        assert!(
            warm.iterations * 3 < cold.iterations,
            "{warm:?} vs {cold:?}"
        );
    }

    #[test]
    fn steps_below_the_objectives_rounding_are_judged_by_the_gradient() {
        // 1e6 + (x − 1)²: near x = 1 the decrease is below the resolution of the sum (one unit
        // in the last place of 1e6 is 1.2e-10), so no step passes the sufficient-decrease test.
        // The exact gradient still leads to the minimum, within the gradient tolerance.
        let f = |t: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * (t[0] - 1.0);
            1e6 + (t[0] - 1.0).powi(2)
        };
        let m = minimise(f, &[1.5], &Settings::default());
        assert!(m.converged, "{m:?}");
        assert!((m.theta[0] - 1.0).abs() < 1e-9, "{m:?}");
    }

    #[test]
    fn a_minimum_beyond_the_box_stops_on_the_bound_and_says_so() {
        // f = (x − 20)² + (y − 1)²: x wants 20 but the box ends at 16.
        let f = |t: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * (t[0] - 20.0);
            g[1] = 2.0 * (t[1] - 1.0);
            (t[0] - 20.0).powi(2) + (t[1] - 1.0).powi(2)
        };
        let m = minimise(f, &[0.0, 0.0], &Settings::default());
        assert!(m.converged);
        assert_eq!(m.at_bound, vec![true, false]);
        assert!((m.theta[0] - 16.0).abs() < 1e-12 && (m.theta[1] - 1.0).abs() < 1e-8);
    }
}
