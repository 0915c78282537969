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

use super::saddlepoint::Evaluation;
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
    /// 0 for `x ≥ mean`, `-∞` for `x ≤ offset`, NaN for NaN. When `x - offset` is so small that
    /// `t̂` overflows f64, the bound is evaluated at `t = -M/(2(x - offset))` (capped at
    /// -1e300), still a valid bound.
    pub fn chernoff_log_cdf_bound(&self, x: f64) -> f64 {
        let y = x - self.offset;
        if x.is_nan() {
            return f64::NAN;
        }
        if y <= 0.0 {
            return f64::NEG_INFINITY;
        }
        if x >= self.mean() {
            return 0.0;
        }
        match self.solve_saddlepoint(y) {
            Some((point, _)) => self.chernoff_at(&self.evaluate(point, true), y),
            None => self.chernoff_at_lower(((0.5 * self.total_dof) / y).min(1e300), y),
        }
    }

    /// `K(t) - t x` at an evaluated point (from the non-negative sum `t K' - K`), and 0 for
    /// `t ≥ 0`.
    pub(super) fn chernoff_at(&self, at: &Evaluation, y: f64) -> f64 {
        if at.t >= 0.0 {
            return 0.0;
        }
        // t (K' - x) = t (g - y) with g = slope/σ.
        (-at.half_root_squared + (at.t / at.scale) * at.slope - at.t * y).min(0.0)
    }

    /// `K(t) - t x` at `t = -s < 0`, directly:
    /// `-Σ_j [ (m_j/2) ln(1 + 2 w_j s) + c_j s/(1 + 2 w_j s) ] + s (x - offset)`.
    fn chernoff_at_lower(&self, s: f64, y: f64) -> f64 {
        let mut sum = s * y;
        for ((&w, &m), &c) in self
            .weights
            .iter()
            .zip(&self.multiplicities)
            .zip(&self.weighted_noncentralities)
        {
            let a = 2.0 * w * s;
            sum -= 0.5 * m * a.ln_1p() + c * s / (1.0 + a);
        }
        sum.min(0.0)
    }
}
