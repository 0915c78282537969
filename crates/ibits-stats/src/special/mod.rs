//! Pure special functions in log space: ln Γ, the regularized incomplete gamma functions
//! ln P(a, x) and ln Q(a, x), the normal log-CDF ln Φ(z), and the two log-space primitives they
//! share.
//!
//! Invalid arguments (NaN, a shape ≤ 0, a negative argument) give NaN: these are building blocks,
//! and the laws in [`crate::law`] validate their parameters before calling them.

mod gamma;
mod normal;

pub use gamma::{ln_gamma, log_gamma_lr, log_gamma_ur, log_poisson_pmf};
pub use normal::{log_ndtr, log_ndtr_sf};

/// `ln(1 - e^l)` for `l ≤ 0`, without cancellation.
///
/// # Formula
/// ```text
/// ln(1 - e^l) = ln(-expm1(l))     (l > -ln 2)
///             = ln1p(-e^l)        (otherwise)
/// ```
///
/// # Reference
/// Mächler, M. (2012), "Accurately computing log(1 - exp(-|a|))", R package Rmpfr vignette.
///
/// # Remarks
/// `l = 0` gives `-∞`, `l = -∞` gives 0, `l > 0` gives NaN.
pub fn log1m_exp(l: f64) -> f64 {
    if l > -std::f64::consts::LN_2 {
        (-l.exp_m1()).ln()
    } else {
        (-l.exp()).ln_1p()
    }
}

/// `ln(e^p + e^q)` without overflow or underflow.
///
/// # Formula
/// ```text
/// ln(e^p + e^q) = max(p, q) + ln1p(e^(-|p - q|))
/// ```
///
/// # Reference
/// Standard log-sum-exp; e.g. Blanchard, Higham & Higham (2021), IMA J. Numer. Anal. 41(4).
///
/// # Remarks
/// `-∞` arguments are the identity; NaN propagates.
pub fn log_add_exp(p: f64, q: f64) -> f64 {
    let (high, low) = if p >= q { (p, q) } else { (q, p) };
    if low == f64::NEG_INFINITY {
        return high;
    }
    if high.is_nan() || low.is_nan() {
        return f64::NAN;
    }
    high + (low - high).exp().ln_1p()
}
