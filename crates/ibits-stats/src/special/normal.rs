//! The standard normal distribution function in log space.
//!
//! ```text
//! Φ(z) = (1/√(2π)) ∫_{-∞}^z e^(-t²/2) dt
//! ```
//!
//! # Method
//! `Φ(z) = ½ Q(½, z²/2)` for `z ≤ 0` (Abramowitz & Stegun 1964, eqs. 7.1.2 and 6.5.17:
//! `erfc(t) = Q(½, t²)`), so `ln Φ` inherits the log-space incomplete gamma of
//! [`super::log_gamma_ur`]: Legendre's continued fraction for `z²/2 ≥ 1.5` (the Laplace continued
//! fraction of Mills' ratio) and the alternating series otherwise. For `z > 0`,
//! `ln Φ(z) = ln(1 - Φ(-z))` evaluated without cancellation. No `erfc` of limited accuracy is
//! involved.
//!
//! # Reference
//! Abramowitz, M. & Stegun, I. A. (1964), *Handbook of Mathematical Functions*, eqs. 6.5.17,
//! 7.1.2 and 26.2.2.

use super::{log1m_exp, log_gamma_ur};

/// ln(½).
const LN_HALF: f64 = -std::f64::consts::LN_2;

/// Logarithm of the standard normal distribution function, ln Φ(z).
///
/// # Formula
/// ```text
/// ln Φ(z) = ln ½ + ln Q(½, z²/2)                 (z ≤ 0)
/// ln Φ(z) = ln(1 - ½ Q(½, z²/2))                 (z > 0)
/// ```
/// where `Q` is the regularized upper incomplete gamma function; for `z → -∞`,
/// `ln Φ(z) ≈ -z²/2 - ln(-z) - ½ ln(2π)`.
///
/// # Reference
/// Abramowitz & Stegun (1964), eqs. 7.1.2 and 6.5.17.
///
/// # Remarks
/// Accurate to about 1e-14 relative in `ln Φ` for `z` from `-1e150` up to `+∞` (beyond that
/// `z²/2` overflows and the result is `-∞`, as is the true value to within f64's range).
/// `ln Φ(-∞) = -∞`, `ln Φ(+∞) = 0`, NaN gives NaN.
pub fn log_ndtr(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    let half_square = 0.5 * z * z;
    let log_lower_tail = LN_HALF + log_gamma_ur(0.5, half_square);
    if z <= 0.0 {
        log_lower_tail
    } else {
        log1m_exp(log_lower_tail)
    }
}

/// Logarithm of the standard normal survival function, ln(1 - Φ(z)) = ln Φ(-z).
///
/// # Formula
/// ```text
/// ln(1 - Φ(z)) = ln Φ(-z)
/// ```
///
/// # Reference
/// Abramowitz & Stegun (1964), eq. 26.2.5 (symmetry of Φ).
///
/// # Remarks
/// Same accuracy and special values as [`log_ndtr`] with `z` negated.
pub fn log_ndtr_sf(z: f64) -> f64 {
    log_ndtr(-z)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_values() {
        assert_eq!(log_ndtr(f64::NEG_INFINITY), f64::NEG_INFINITY);
        assert_eq!(log_ndtr(f64::INFINITY), 0.0);
        assert!(log_ndtr(f64::NAN).is_nan());
        approx::assert_relative_eq!(log_ndtr(0.0), LN_HALF, max_relative = 1e-15);
    }
}
