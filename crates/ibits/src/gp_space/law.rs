//! The exact law of the test error of a GP hypothesis space, and its lower tail in bits.
//!
//! ```text
//! e = sum_j sum_c w_j (z_jc + a_jc)^2 = sum_j w_j chi'^2_k(d_j)
//! w_j = l_j / (N k),   multiplicity k,   c_j = w_j d_j = sum_c B_jc^2 / (N k)
//! E[e]          = (k * sum_j l_j + ||B||_F^2) / (N k)        (mean test error of the space)
//! e(mu)         = ||mu - Y_T||_F^2 / (N k) = ||B||_F^2 / (N k)   (error of the posterior mean)
//! bits(eps)     = -log2 P[e <= eps]
//! ```
//! Directions with l_j = 0 (or at round-off level, see
//! [`ibits_stats::Gx2::from_weighted_noncentralities`]) are a constant offset c_j.
//!
//! # Reference
//! docs/design.md section 2a; Boopathy et al. (2024), "Towards Exact Computation of Inductive Bias",
//! IJCAI, section 4 (the GP hypothesis space).

use ibits_stats::{BracketRoute, Gx2, Gx2Method, RubenOptions};
use serde::Serialize;

use super::spectrum::Spectrum;
use crate::error::Error;

/// The generalized chi-squared law of the test error from the spectrum of Sigma.
///
/// # Errors
/// [`Error::Law`] when Sigma is zero on the test set (no random direction).
pub fn error_law(spectrum: &Spectrum) -> Result<Gx2, Error> {
    let (n_test, k) = (
        spectrum.eigenvalues.len(),
        spectrum.rotated_residual.ncols(),
    );
    let norm = 1.0 / (n_test * k) as f64;
    let weights: Vec<f64> = spectrum.eigenvalues.iter().map(|l| l * norm).collect();
    let multiplicities = vec![k as f64; n_test];
    let weighted: Vec<f64> = (0..n_test)
        .map(|j| {
            (0..k)
                .map(|c| spectrum.rotated_residual[(j, c)].powi(2))
                .sum::<f64>()
                * norm
        })
        .collect();
    Gx2::from_weighted_noncentralities(&weights, &multiplicities, &weighted, 0.0).map_err(|e| {
        Error::Law(format!(
            "{e} (the posterior covariance vanishes on the test set: do the test inputs repeat training inputs?)"
        ))
    })
}

/// `E[e] = (k trace(Sigma) + ||mu - Y_T||_F^2) / (N k)`, from the clipped spectrum.
pub fn mean_error(spectrum: &Spectrum) -> f64 {
    let (n_test, k) = (
        spectrum.eigenvalues.len(),
        spectrum.rotated_residual.ncols(),
    );
    let trace: f64 = spectrum.eigenvalues.iter().sum();
    (k as f64 * trace + residual_sq_norm(spectrum)) / (n_test * k) as f64
}

/// e(mu) = ||mu - Y_T||_F^2 / (N k) (B = U^T (mu - Y_T) has the same norm).
pub fn posterior_mean_error(spectrum: &Spectrum) -> f64 {
    let (n_test, k) = (
        spectrum.eigenvalues.len(),
        spectrum.rotated_residual.ncols(),
    );
    residual_sq_norm(spectrum) / (n_test * k) as f64
}

fn residual_sq_norm(spectrum: &Spectrum) -> f64 {
    let b = &spectrum.rotated_residual;
    (0..b.ncols())
        .map(|c| (0..b.nrows()).map(|j| b[(j, c)].powi(2)).sum::<f64>())
        .sum()
}

/// `-log2 P[e <= eps]` by every method the law offers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExactBits {
    /// Most accurate value, bits: Ruben's series where it converged, else the saddlepoint.
    pub bits: f64,
    /// Which method gave `bits`.
    pub method: Gx2Method,
    /// Saddlepoint (Lugannani-Rice, second order), bits.
    pub saddlepoint_bits: f64,
    /// Chernoff bound, bits (a lower bound on the true bits).
    pub chernoff_bits: f64,
    /// A certified bracket `[lower, upper]` of the true bits -log2 P[e <= eps], containing
    /// `bits` (`ibits_stats::law::certified`; docs/design.md, "Certified brackets"). `upper` is
    /// `+inf` (JSON: null) when no route certifies it.
    pub bits_bracket: [f64; 2],
    /// Whether the upper end of `bits_bracket` is certified (finite).
    pub certified: bool,
    /// The route that certified the upper end: `ruben`, `inversion`, `berry-esseen`,
    /// `upper-tail` or `none`.
    pub bracket_route: BracketRoute,
    /// Ruben's series, bits, when it converged within its term budget.
    pub ruben_bits: Option<f64>,
    /// ln P[e <= eps], nats (the same value as `bits`, in nats).
    pub ln_probability: f64,
}

/// Evaluate the lower tail of `law` at `eps`.
pub fn exact_bits(law: &Gx2, eps: f64, ruben: &RubenOptions) -> ExactBits {
    let cdf = law.log_cdf_with(eps, ruben);
    ExactBits {
        bits: cdf.bits(),
        method: cdf.method,
        saddlepoint_bits: cdf.saddlepoint_bits(),
        chernoff_bits: cdf.chernoff_bits(),
        bits_bracket: cdf.bits_bracket(),
        certified: cdf.certified,
        bracket_route: cdf.bracket_route,
        ruben_bits: cdf.ruben_bits(),
        ln_probability: cdf.ln_cdf,
    }
}
