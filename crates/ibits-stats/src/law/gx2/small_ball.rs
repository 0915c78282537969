//! The small-ball limit of the generalized chi-squared law: the leading term of
//! `ln P[e ≤ x]` as `x → offset`.
//!
//! ```text
//! P[e ≤ x] ~ e^(-D/2) · Π_j (2 w_j)^(-m_j/2) · (x - offset)^(M/2) / Γ(M/2 + 1)     (x → offset)
//! ```
//!
//! with `M = Σ m_j`, `D = Σ d_j`. Near 0 the density of `w χ'²_m(d)` is
//! `e^(-d/2) s^(m/2-1) / ((2w)^(m/2) Γ(m/2)) (1 + O(s))`, and the convolution of the power laws
//! `s^(m_j/2-1)/Γ(m_j/2)` is `s^(M/2-1)/Γ(M/2)` (Dirichlet integral); integrating gives the
//! formula. It is also the first term `a_0 P(M/2, y/(2β))` of Ruben's series with
//! `P(a, z) ~ z^a/Γ(a+1)`. The ratio to the true CDF tends to 1 as `x → offset`; when all
//! `d_j = 0` it is an upper bound for every `x` (each density is below its power law, and
//! convolution preserves the order).
//!
//! # Reference
//! Ruben, H. (1962), "Probability content of regions under spherical normal distributions, IV",
//! Ann. Math. Stat. 33(2), 542–570, eq. (3.2) (leading coefficient); Li, W. V. & Shao, Q.-M.
//! (2001), "Gaussian processes: inequalities, small ball probabilities and applications",
//! Handbook of Statistics 19, §6.

use super::Gx2;
use crate::special::ln_gamma;

impl Gx2 {
    /// The small-ball limit of `ln P[e ≤ x]` as `x → offset`, nats.
    ///
    /// # Formula
    /// ```text
    /// ln P[e ≤ x] ≈ (M/2) ln(x - offset) - D/2 - Σ_j (m_j/2) ln(2 w_j) - ln Γ(M/2 + 1)
    /// ```
    /// where `M = Σ_j m_j`, `D = Σ_j d_j`.
    ///
    /// # Reference
    /// Ruben (1962), Ann. Math. Stat. 33(2), 542–570, eq. (3.2).
    ///
    /// # Remarks
    /// Asymptotic: exact in the limit `x → offset`, an upper bound for all `x` when every
    /// `d_j = 0`, and meaningless far from the offset (it grows without bound). `-∞` for
    /// `x ≤ offset`, NaN for NaN.
    pub fn small_ball_log_cdf(&self, x: f64) -> f64 {
        let y = x - self.offset;
        if x.is_nan() {
            return f64::NAN;
        }
        if y <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let half_dof = 0.5 * self.total_dof;
        let log_weights: f64 = self
            .weights
            .iter()
            .zip(&self.multiplicities)
            .map(|(&w, &m)| 0.5 * m * (2.0 * w).ln())
            .sum();
        half_dof * y.ln() - 0.5 * self.total_noncentrality - log_weights - ln_gamma(half_dof + 1.0)
    }
}
