//! Forward-mode dual numbers over four parameters, so that one pass over the rows gives the
//! Pareto/NBD log-likelihood and its exact gradient. Part of the clv stage; depends on
//! [`super::special`] only.
//!
//! The Pareto/NBD likelihood goes through a continued fraction whose derivatives in its
//! parameters have no useful closed form; carrying the four partial derivatives through the same
//! arithmetic costs about four times one evaluation, against nine evaluations (and truncation
//! noise) for central differences. The code that needs both plain values and gradients is
//! written once, generic over [`Real`].

use super::special::{sigmoid, softplus};
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A value with its partial derivatives in the four fitted (log-)parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Dual {
    /// The value.
    pub(crate) v: f64,
    /// ∂value/∂θⱼ.
    pub(crate) d: [f64; 4],
}

impl Dual {
    /// A constant (all derivatives zero).
    pub(crate) fn constant(v: f64) -> Self {
        Dual { v, d: [0.0; 4] }
    }

    /// e^θ as a function of θ = the `index`-th parameter (its derivative is itself).
    pub(crate) fn exp_of_parameter(theta: f64, index: usize) -> Self {
        let v = theta.exp();
        let mut d = [0.0; 4];
        d[index] = v;
        Dual { v, d }
    }

    /// The chain rule: f(self) given f and f′ at the value.
    fn chain(self, value: f64, slope: f64) -> Self {
        Dual {
            v: value,
            d: self.d.map(|g| g * slope),
        }
    }
}

/// Arithmetic shared by `f64` and [`Dual`].
pub(crate) trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// A constant.
    fn constant(v: f64) -> Self;
    /// The value, without derivatives.
    fn value(self) -> f64;
    /// The largest absolute derivative (0 for a plain number): used to stop iterations only
    /// once the derivatives have converged too.
    fn largest_slope(self) -> f64;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// eˣ − 1.
    fn exp_m1(self) -> Self;
    /// ln(1 + eˣ).
    fn softplus(self) -> Self;
}

impl Real for f64 {
    fn constant(v: f64) -> Self {
        v
    }
    fn value(self) -> f64 {
        self
    }
    fn largest_slope(self) -> f64 {
        0.0
    }
    fn ln(self) -> Self {
        f64::ln(self)
    }
    fn exp_m1(self) -> Self {
        f64::exp_m1(self)
    }
    fn softplus(self) -> Self {
        softplus(self)
    }
}

impl Real for Dual {
    fn constant(v: f64) -> Self {
        Dual::constant(v)
    }
    fn value(self) -> f64 {
        self.v
    }
    fn largest_slope(self) -> f64 {
        self.d.iter().fold(0.0, |m, g| m.max(g.abs()))
    }
    fn ln(self) -> Self {
        self.chain(self.v.ln(), 1.0 / self.v)
    }
    fn exp_m1(self) -> Self {
        self.chain(self.v.exp_m1(), self.v.exp())
    }
    fn softplus(self) -> Self {
        self.chain(softplus(self.v), sigmoid(self.v))
    }
}

impl Add for Dual {
    type Output = Dual;
    fn add(self, o: Dual) -> Dual {
        Dual {
            v: self.v + o.v,
            d: std::array::from_fn(|j| self.d[j] + o.d[j]),
        }
    }
}

impl Sub for Dual {
    type Output = Dual;
    fn sub(self, o: Dual) -> Dual {
        Dual {
            v: self.v - o.v,
            d: std::array::from_fn(|j| self.d[j] - o.d[j]),
        }
    }
}

// The product and quotient rules need + and − inside these impls.
#[allow(clippy::suspicious_arithmetic_impl)]
impl Mul for Dual {
    type Output = Dual;
    fn mul(self, o: Dual) -> Dual {
        Dual {
            v: self.v * o.v,
            d: std::array::from_fn(|j| self.d[j] * o.v + self.v * o.d[j]),
        }
    }
}

// The product and quotient rules need + and − inside these impls.
#[allow(clippy::suspicious_arithmetic_impl)]
impl Div for Dual {
    type Output = Dual;
    fn div(self, o: Dual) -> Dual {
        // One division and five products: a division costs several products, and the
        // continued fraction of the Pareto/NBD does six of these per term.
        let inverse = 1.0 / o.v;
        let v = self.v * inverse;
        Dual {
            v,
            d: std::array::from_fn(|j| (self.d[j] - v * o.d[j]) * inverse),
        }
    }
}

impl Neg for Dual {
    type Output = Dual;
    fn neg(self) -> Dual {
        Dual {
            v: -self.v,
            d: self.d.map(|g| -g),
        }
    }
}

impl Add<f64> for Dual {
    type Output = Dual;
    fn add(self, c: f64) -> Dual {
        Dual {
            v: self.v + c,
            d: self.d,
        }
    }
}

impl Sub<f64> for Dual {
    type Output = Dual;
    fn sub(self, c: f64) -> Dual {
        Dual {
            v: self.v - c,
            d: self.d,
        }
    }
}

impl Mul<f64> for Dual {
    type Output = Dual;
    fn mul(self, c: f64) -> Dual {
        Dual {
            v: self.v * c,
            d: self.d.map(|g| g * c),
        }
    }
}

impl Div<f64> for Dual {
    type Output = Dual;
    fn div(self, c: f64) -> Dual {
        let inverse = 1.0 / c;
        Dual {
            v: self.v * inverse,
            d: self.d.map(|g| g * inverse),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_follow_the_chain_and_quotient_rules() {
        // With θ₀ = 0, θ₁ = ln 2: x = 1 (dx/dθ₀ = 1), y = 2 (dy/dθ₁ = 2).
        let x = Dual::exp_of_parameter(0.0, 0);
        let y = Dual::exp_of_parameter(2f64.ln(), 1);
        // f = ln(x + y) / y = ln 3 / 2; ∂f/∂θ₀ = (1/3)/2 = 1/6;
        // ∂f/∂θ₁ = 2·[(1/3)/2 − ln 3/4] = 1/3 − ln 3/2.
        let f = (x + y).ln() / y;
        assert!((f.v - 3f64.ln() / 2.0).abs() < 1e-15);
        assert!((f.d[0] - 1.0 / 6.0).abs() < 1e-15);
        assert!((f.d[1] - (1.0 / 3.0 - 3f64.ln() / 2.0)).abs() < 1e-15);
        assert_eq!(f.d[2], 0.0);
        // softplus(0) = ln 2 with slope ½; expm1 at 0 has slope 1.
        assert!(((x - 1.0).softplus().d[0] - 0.5).abs() < 1e-15);
        assert!(((x - 1.0).exp_m1().d[0] - 1.0).abs() < 1e-15);
    }
}
