//! The Chernoff bound on the lower tail of the generalized chi-squared law.
//!
//! ```text
//! ln P[e ≤ x] ≤ min_{t<0} [ K(t) - t x ]  =  K(t̂) - t̂ x   (t̂: K'(t̂) = x, when x < mean)
//! ```
//!
//! For every `t < 0`, `P[e ≤ x] = P[e^(t e) ≥ e^(t x)] ≤ E[e^(t e)] e^(-t x)` (Markov), so any
//! `t < 0` gives a valid bound and the saddlepoint gives the tightest; for `x ≥ mean` the
//! minimum is at `t → 0⁻` and the bound is 0. Every answer of [`Gx2::log_cdf`] respects it.
//!
//! # Reference
//! Chernoff, H. (1952), "A measure of asymptotic efficiency for tests of a hypothesis based on
//! the sum of observations", Ann. Math. Stat. 23(4), 493–507.

use super::Gx2;

impl Gx2 {
    /// The Chernoff upper bound on `ln P[e ≤ x]`, nats.
    ///
    /// # Formula
    /// ```text
    /// ln P[e ≤ x] ≤ min_{t<0} [ K(t) - t x ] = -(t̂ K'(t̂) - K(t̂)) + t̂ (K'(t̂) - x)
    /// ```
    /// where `t̂` is the saddlepoint (`K'(t̂) = x`); `t̂ K'(t̂) - K(t̂) = ŵ²/2` is summed from
    /// non-negative terms (see [`Gx2::saddlepoint`]), and the second term keeps the value a
    /// valid bound at the computed `t̂` even if it is slightly off the root.
    ///
    /// # Reference
    /// Chernoff (1952), Ann. Math. Stat. 23(4), 493–507.
    ///
    /// # Remarks
    /// 0 for `x ≥ mean` (decided on the exact displacement `x - mean`), `-∞` for
    /// `x ≤ offset`, NaN for NaN. Bounded work for every finite input (the solve of
    /// [`Gx2::saddlepoint`]).
    pub fn chernoff_log_cdf_bound(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if x == f64::INFINITY {
            return 0.0;
        }
        let Some(location) = self.locate(x) else {
            return f64::NEG_INFINITY;
        };
        if location.sign_of_displacement() >= 0.0 {
            return 0.0;
        }
        self.saddlepoint_root(&location).chernoff
    }
}
