//! Certified enclosures of the lower tail: `lower ≤ ln P[S ≤ x] ≤ upper` for a generalized
//! chi-squared `S = offset + Σ_j w_j χ'²_{m_j}(d_j)` (docs/design.md, "Certified brackets").
//!
//! Every route gives bounds that hold for the true probability, not estimates:
//!
//! ```text
//! upper:  Chernoff             ln P ≤ K(t) − t x                      (t < 0)
//!         Ruben (converged)    ln P ≤ ln(e^ruben + e^truncation)
//!         tilted routes        below
//! lower:  Ruben (converged)    ln P ≥ ruben (partial sums of positive terms)
//!         upper-tail Chernoff  ln P ≥ ln(1 − e^(K(t) − t x))          (t > 0, x above the mean)
//!         Berry–Esseen         exponential tilting to the saddlepoint, the tilted sum's
//!                              distance to the normal bounded by Shevtsova's constant
//!         inversion            the tilted characteristic function integrated numerically,
//!                              with bounds on the discretisation and truncation errors
//! ```
//!
//! [`bracket`] intersects what every route certifies and widens the result by a relative
//! [`SAFETY`] for the floating-point error of the evaluation.

mod berry_esseen;
mod inversion;

use serde::Serialize;

pub use berry_esseen::berry_esseen_bracket;
pub use inversion::inversion_bracket;

use super::{Gx2, Saddlepoint};
use crate::special::log1m_exp;

/// Relative widening of every certified bound, for the rounding of its evaluation in f64.
pub const SAFETY: f64 = 1e-12;

/// A certified enclosure `lower ≤ ln P[S ≤ x] ≤ upper`, nats (`lower = −∞`: no certified lower
/// bound).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LnCdfBracket {
    /// Certified lower bound on ln P, nats.
    pub lower: f64,
    /// Certified upper bound on ln P, nats.
    pub upper: f64,
}

impl LnCdfBracket {
    /// The bracket that says nothing: `[−∞, 0]`.
    pub const NONE: LnCdfBracket = LnCdfBracket {
        lower: f64::NEG_INFINITY,
        upper: 0.0,
    };

    /// The intersection of two brackets.
    pub fn intersect(self, other: LnCdfBracket) -> LnCdfBracket {
        LnCdfBracket {
            lower: self.lower.max(other.lower),
            upper: self.upper.min(other.upper),
        }
    }

    /// Whether the lower bound is finite (a certificate that P > 0 with a value).
    pub fn is_certified(&self) -> bool {
        self.lower.is_finite()
    }

    /// Widened outward by a relative `SAFETY` (and an absolute 1e-300 nats near 0).
    fn widened(self) -> LnCdfBracket {
        let pad = |v: f64| SAFETY * v.abs() + 1e-300;
        LnCdfBracket {
            lower: self.lower - pad(self.lower),
            upper: (self.upper + pad(self.upper)).min(0.0),
        }
    }
}

/// Which route gave the lower bound of a bracket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BracketRoute {
    /// Ruben's series converged: partial sum and truncation bound.
    Ruben,
    /// Numerical inversion of the tilted characteristic function.
    Inversion,
    /// Exponential tilting with the Berry–Esseen inequality.
    BerryEsseen,
    /// The upper tail's Chernoff bound, `ln(1 − e^(K(t) − t x))` (x above the mean).
    UpperTail,
    /// No route certified a lower bound.
    None,
}

/// The certified bracket of `ln P[S ≤ x]`, from the saddlepoint `saddle` at `x` and, when
/// Ruben's series converged, its value and the log of its truncation bound; with the route
/// that gave the lower bound.
pub fn bracket(
    law: &Gx2,
    x: f64,
    saddle: &Saddlepoint,
    ruben: Option<(f64, f64)>,
) -> (LnCdfBracket, BracketRoute) {
    let mut out = LnCdfBracket {
        lower: log1m_exp(saddle.chernoff_ln_sf_bound),
        upper: saddle.chernoff_ln_bound.min(0.0),
    };
    let mut route = if out.is_certified() {
        BracketRoute::UpperTail
    } else {
        BracketRoute::None
    };
    // A route's answer is used only when it is a bracket at all (lower <= upper, with upper
    // capped at ln 1 = 0); any other answer is a defect of that route at an extreme scale,
    // and is dropped.
    let mut take = |candidate: Option<LnCdfBracket>, name: BracketRoute| {
        let candidate = candidate.map(|b| LnCdfBracket {
            lower: b.lower,
            upper: b.upper.min(0.0),
        });
        if let Some(b) = candidate.filter(|b| b.lower <= b.upper) {
            if b.lower > out.lower {
                route = name;
            }
            out = out.intersect(b);
        }
    };
    if let Some((value, truncation)) = ruben {
        let upper = value.max(truncation) + (-(value - truncation).abs()).exp().ln_1p();
        take(
            Some(LnCdfBracket {
                lower: value,
                upper,
            }),
            BracketRoute::Ruben,
        );
    }
    take(
        berry_esseen_bracket(law, x, saddle.t),
        BracketRoute::BerryEsseen,
    );
    take(inversion_bracket(law, x, saddle.t), BracketRoute::Inversion);
    (out.widened(), route)
}
