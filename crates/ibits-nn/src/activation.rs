//! Activation functions phi and their derivatives phi'.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::real::Real;

/// The nonlinearity applied elementwise after every hidden layer (never after the output
/// layer, which is linear).
///
/// # Formula
/// ```text
/// relu(z) = max(z, 0)                        relu'(z) = 1 if z > 0 else 0
/// erf(z)  = 2/sqrt(pi) * int_0^z e^(-t^2) dt erf'(z)  = 2/sqrt(pi) * e^(-z^2)
/// tanh(z)                                    tanh'(z) = 1 - tanh(z)^2
/// ```
/// relu'(0) = 0 as in PyTorch. `erf` is the activation whose infinite-width kernel is the
/// arcsine kernel (Williams 1997); `relu` gives the arc-cosine kernel of order 1 (Cho & Saul
/// 2009). `tanh` has no closed-form kernel.
///
/// # Reference
/// C. K. I. Williams (1997), "Computing with infinite networks", NeurIPS 9, 295–301.
/// Y. Cho & L. K. Saul (2009), "Kernel methods for deep learning", NeurIPS 22.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// Rectified linear unit max(z, 0).
    Relu,
    /// The error function erf(z).
    Erf,
    /// Hyperbolic tangent.
    Tanh,
}

/// 2 / sqrt(pi).
const TWO_OVER_SQRT_PI: f64 = std::f64::consts::FRAC_2_SQRT_PI;

impl Activation {
    /// Every activation, for loops in tests and help texts.
    pub const ALL: [Activation; 3] = [Activation::Relu, Activation::Erf, Activation::Tanh];

    /// phi(z).
    #[inline]
    pub fn apply<T: Real>(self, z: T) -> T {
        match self {
            Activation::Relu => {
                if z > T::from_f64(0.0) {
                    z
                } else {
                    T::from_f64(0.0)
                }
            }
            Activation::Erf => z.erf(),
            Activation::Tanh => z.tanh(),
        }
    }

    /// phi'(z), given the pre-activation z and the activation a = phi(z) (tanh uses a).
    #[inline]
    pub fn derivative<T: Real>(self, z: T, a: T) -> T {
        match self {
            Activation::Relu => {
                if z > T::from_f64(0.0) {
                    T::from_f64(1.0)
                } else {
                    T::from_f64(0.0)
                }
            }
            Activation::Erf => T::from_f64(TWO_OVER_SQRT_PI) * (-(z * z)).exp(),
            Activation::Tanh => T::from_f64(1.0) - a * a,
        }
    }

    /// The lowercase name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Erf => "erf",
            Activation::Tanh => "tanh",
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name was not one of `relu`, `erf`, `tanh`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown activation {0:?}; expected one of relu, erf, tanh")]
pub struct ParseActivationError(pub String);

impl FromStr for Activation {
    type Err = ParseActivationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "relu" => Ok(Activation::Relu),
            "erf" => Ok(Activation::Erf),
            "tanh" => Ok(Activation::Tanh),
            _ => Err(ParseActivationError(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    // erf values from mpmath (mp.dps = 40), rounded to f64.
    #[rustfmt::skip]
    const ERF: [(f64, f64); 4] = [
        (0.5,  0.5204998778130465),
        (1.0,  0.8427007929497149),
        (-2.0, -0.9953222650189527),
        (1e-3, 0.0011283787909692365),
    ];

    #[test]
    fn erf_matches_mpmath() {
        for (z, want) in ERF {
            assert_relative_eq!(Activation::Erf.apply(z), want, max_relative = 2e-16);
        }
    }

    #[test]
    fn derivatives_match_central_differences() {
        // Fourth-order central difference of phi itself: an independent route to phi'.
        let h = 1e-3;
        for act in Activation::ALL {
            for z in [-1.7_f64, -0.3, 0.4, 2.1] {
                let fd = (-act.apply(z + 2.0 * h) + 8.0 * act.apply(z + h)
                    - 8.0 * act.apply(z - h)
                    + act.apply(z - 2.0 * h))
                    / (12.0 * h);
                let analytic = act.derivative(z, act.apply(z));
                assert_relative_eq!(analytic, fd, max_relative = 1e-10, epsilon = 1e-12);
            }
        }
    }

    #[test]
    fn parses_names_case_insensitively() {
        assert_eq!("ReLU".parse::<Activation>(), Ok(Activation::Relu));
        assert_eq!("erf".parse::<Activation>(), Ok(Activation::Erf));
        assert!("sigmoid".parse::<Activation>().is_err());
    }
}
