//! Sankaran's normal approximation of the (scaled) non-central chi-squared law.
//!
//! Kept only to reproduce what the paper's code reports when scipy's CDF underflows; the
//! toolkit's own answers use the exact log-space [`crate::law::Ncx2`]. The approximation is a
//! power transform that makes `(X / (ν + λ))^h` nearly normal, and it is 5–50% off in
//! `-ln F` in the deep lower tail.

use crate::error::LawError;
use crate::special::log_ndtr;

/// Sankaran's normal approximation to s·χ'²_ν(λ).
///
/// # Formula
/// ```text
/// h = 1 - (2/3) (ν + λ)(ν + 3λ) / (ν + 2λ)²
/// p = (ν + 2λ) / (ν + λ)²
/// m = (h - 1)(1 - 3h)
/// z(x) = [ (x / (s (ν + λ)))^h - (1 + h p (h - 1 - ½ (2 - h) m p)) ] / [ h √(2p) (1 + ½ m p) ]
/// F(x) ≈ Φ(z(x))
/// ```
/// where ν = `dof`, λ = `noncentrality`, s = `scale` and Φ is the standard normal CDF.
///
/// # Reference
/// Sankaran, M. (1959), "On the non-central chi-square distribution", Biometrika 46(1/2),
/// 235–237 (the approximation, his eq. for `z`); Sankaran, M. (1963), "Approximations to the
/// non-central chi-square distribution", Biometrika 50(1/2), 199–204 (its accuracy). The same
/// expression is `inductive_bias_alt` in the paper's code (FieteLab/Exact-Inductive-Bias,
/// `utils.py`).
///
/// # Remarks
/// `h` can be 0 only in the limit λ/ν → ∞ with ν = 0, which the validated domain excludes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sankaran {
    dof: f64,
    noncentrality: f64,
    scale: f64,
}

impl Sankaran {
    /// Sankaran's approximation to χ'²_ν(λ) (scale 1).
    ///
    /// # Errors
    /// [`LawError::Dof`] unless ν is finite and > 0; [`LawError::Noncentrality`] unless λ is
    /// finite and >= 0.
    pub fn new(dof: f64, noncentrality: f64) -> Result<Self, LawError> {
        Self::scaled(dof, noncentrality, 1.0)
    }

    /// Sankaran's approximation to s·χ'²_ν(λ).
    ///
    /// # Errors
    /// As [`Sankaran::new`], and [`LawError::Scale`] unless s is finite and > 0.
    pub fn scaled(dof: f64, noncentrality: f64, scale: f64) -> Result<Self, LawError> {
        if !(dof.is_finite() && dof > 0.0) {
            return Err(LawError::Dof(dof));
        }
        if !(noncentrality.is_finite() && noncentrality >= 0.0) {
            return Err(LawError::Noncentrality(noncentrality));
        }
        if !(scale.is_finite() && scale > 0.0) {
            return Err(LawError::Scale(scale));
        }
        Ok(Self {
            dof,
            noncentrality,
            scale,
        })
    }

    /// The normal deviate z(x) of the formula above (negative in the lower tail).
    ///
    /// # Remarks
    /// x <= 0 gives the limit of the formula at x = 0 (the power term is 0), as numpy does.
    pub fn z_score(&self, x: f64) -> f64 {
        let (nu, lam) = (self.dof, self.noncentrality);
        let h = 1.0 - (2.0 / 3.0) * (nu + lam) * (nu + 3.0 * lam) / (nu + 2.0 * lam).powi(2);
        let p = (nu + 2.0 * lam) / (nu + lam).powi(2);
        let m = (h - 1.0) * (1.0 - 3.0 * h);
        let ratio = (x / self.scale).max(0.0) / (nu + lam);
        (ratio.powf(h) - (1.0 + h * p * (h - 1.0 - 0.5 * (2.0 - h) * m * p)))
            / (h * (2.0 * p).sqrt() * (1.0 + 0.5 * m * p))
    }

    /// ln F(x) ≈ ln Φ(z(x)), in nats, accurate in log space (no underflow).
    pub fn log_cdf(&self, x: f64) -> f64 {
        log_ndtr(self.z_score(x))
    }

    /// The paper's fallback value `z²/2` in nats: the leading term of `-ln Φ(z)` as z → -∞
    /// (it drops `ln(-z) + ½ ln 2π`, and it is what the paper reports beyond scipy's range).
    pub fn paper_fallback_nats(&self, x: f64) -> f64 {
        0.5 * self.z_score(x).powi(2)
    }
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference digits are kept as printed.
mod tests {
    use super::*;

    // z(x) and z²/2 from the paper's own code (utils.inductive_bias_alt, numpy float64),
    // for (df, nc, scale, x): tests/refs/fit_sankaran.py.
    #[rustfmt::skip]
    const PAPER_ALT: [(f64, f64, f64, f64, f64); 6] = [
        // (df, nc, scale, x, z)
        (10.0, 5.0, 1.0, 2.0, -3.209600914842912),
        (200.0, 100.0, 1.0, 5.0, -22.159251338085365),
        (1000.0, 500.0, 1.0, 240.0, -31.420455718208263),
        (400.0, 50.0, 2.0, 0.2, -39.4329886320938),
        (5.0, 0.0, 1.0, 0.01, -3.934964951125908),
        (1000.0, 300.0, 0.001, 0.5, -18.59276043831924),
    ];

    #[test]
    fn z_matches_the_papers_code() {
        for (df, nc, scale, x, z) in PAPER_ALT {
            let law = Sankaran::scaled(df, nc, scale).unwrap();
            approx::assert_relative_eq!(law.z_score(x), z, max_relative = 1e-13);
            approx::assert_relative_eq!(
                law.paper_fallback_nats(x),
                0.5 * z * z,
                max_relative = 1e-13
            );
        }
    }

    // Sankaran's approximation is close in the bulk: F(x) against the exact ncx2 CDF from
    // mpmath (50 digits, tests/refs/fit_sankaran.py) at the mean and one standard deviation
    // below it; scipy's norm.cdf of the paper's z differs from these by 7e-6 to 9e-4.
    #[rustfmt::skip]
    const EXACT_CDF: [(f64, f64, f64, f64); 4] = [
        // (df, nc, x, F(x) exact)
        (10.0, 5.0, 15.0, 0.55291291705536629),
        (10.0, 5.0, 8.67544467966324, 0.15063307687907989),
        (100.0, 50.0, 150.0, 0.51663369486010617),
        (100.0, 50.0, 130.0, 0.15804385430463849),
    ];

    #[test]
    fn approximates_the_cdf_in_the_bulk() {
        for (df, nc, x, exact) in EXACT_CDF {
            let law = Sankaran::new(df, nc).unwrap();
            approx::assert_abs_diff_eq!(law.log_cdf(x).exp(), exact, epsilon = 1e-3);
        }
    }

    #[test]
    fn rejects_invalid_parameters() {
        assert_eq!(Sankaran::new(0.0, 1.0), Err(LawError::Dof(0.0)));
        assert_eq!(Sankaran::new(1.0, -1.0), Err(LawError::Noncentrality(-1.0)));
        assert!(matches!(
            Sankaran::scaled(1.0, 1.0, f64::NAN),
            Err(LawError::Scale(_))
        ));
    }
}
