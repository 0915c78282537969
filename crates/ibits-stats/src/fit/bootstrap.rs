//! Uncertainty of the fitted bits: a nonparametric percentile bootstrap over the S samples and
//! the delta-method standard error from the observed information.

use std::sync::atomic::{AtomicUsize, Ordering};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::mle::{cholesky_solve, fit_prepared, natural, Ncx2Fit, Prepared, RHO_MAX};
use super::FitError;
use crate::law::Ncx2;

/// -log2 F(target) under s·χ'²_ν(λ) from its natural log: bits = -ln F / ln 2.
pub(crate) fn bits_of(target: f64, dof: f64, noncentrality: f64, scale: f64) -> f64 {
    match Ncx2::scaled(dof, noncentrality, scale) {
        Ok(law) => -law.log_cdf(target) / std::f64::consts::LN_2,
        Err(_) => f64::NAN,
    }
}

/// Bits at working coordinates θ = (a, b, ρ).
fn bits_at(target: f64, theta: &[f64; 3]) -> f64 {
    natural(theta).map_or(f64::NAN, |(dof, nc, scale)| bits_of(target, dof, nc, scale))
}

/// A percentile bootstrap interval of the fitted bits.
///
/// # Formula
/// ```text
/// for b = 1..B:  e*_b = S draws with replacement from e_1..e_S   (stream b of the seed)
///                bits*_b = -log2 F(eps; MLE of e*_b)
/// interval = [ q_{α/2}(bits*), q_{1-α/2}(bits*) ]                 (α = 1 - confidence)
/// ```
/// with q the linearly interpolated sample quantile (Hyndman & Fan 1996, type 7).
///
/// # Reference
/// Efron & Tibshirani (1993), *An Introduction to the Bootstrap*, ch. 13 (percentile
/// interval); Hyndman & Fan (1996), The American Statistician 50(4), 361–365.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BootstrapInterval {
    /// B, the number of resamples drawn.
    pub replicates: usize,
    /// Resamples whose refit failed (excluded from the quantiles).
    pub failed: usize,
    /// Two-sided confidence level.
    pub confidence: f64,
    /// The seed; replicate b uses `ChaCha8Rng::seed_from_u64(seed)` with `set_stream(b)`.
    pub seed: u64,
    /// [lower, upper] in bits.
    pub interval_bits: [f64; 2],
    /// Standard deviation of the replicate bits (bits).
    pub spread_bits: f64,
    /// The replicate bits, sorted (failed refits left out).
    #[serde(skip)]
    pub replicate_bits: Vec<f64>,
}

/// Bootstrap the bits at `target`: refit `replicates` resamples (in parallel; the result does
/// not depend on the number of threads) starting also from the full-sample fit. `progress`,
/// if given, hears `(0, replicates)` first and then `(done, replicates)` after each refit.
///
/// # Errors
/// [`FitError::Confidence`] unless 0 < `confidence` < 1.
pub(crate) fn bootstrap_bits(
    data: &Prepared,
    fit: &Ncx2Fit,
    target: f64,
    replicates: usize,
    seed: u64,
    confidence: f64,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<BootstrapInterval, FitError> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(FitError::Confidence(confidence));
    }
    if let Some(report) = progress {
        report(0, replicates);
    }
    let done = AtomicUsize::new(0);
    let samples = data.samples();
    let base = ChaCha8Rng::seed_from_u64(seed);
    let replicate_bits: Vec<Option<f64>> = (0..replicates)
        .into_par_iter()
        .map(|b| {
            let mut rng = base.clone();
            rng.set_stream(b as u64);
            let resample: Vec<f64> = (0..samples.len())
                .map(|_| samples[rng.random_range(0..samples.len())])
                .collect();
            let bits = (!resample.iter().all(|&x| x == resample[0]))
                .then(|| fit_prepared(&Prepared::new(&resample), Some(fit.theta)).ok())
                .flatten()
                .map(|refit| bits_of(target, refit.dof, refit.noncentrality, refit.scale))
                .filter(|bits| !bits.is_nan());
            if let Some(report) = progress {
                report(done.fetch_add(1, Ordering::Relaxed) + 1, replicates);
            }
            bits
        })
        .collect();
    let mut bits: Vec<f64> = replicate_bits.iter().flatten().copied().collect();
    bits.sort_by(f64::total_cmp);
    let alpha = 1.0 - confidence;
    let interval_bits = if bits.is_empty() {
        [f64::NAN, f64::NAN]
    } else {
        [
            quantile(&bits, 0.5 * alpha),
            quantile(&bits, 1.0 - 0.5 * alpha),
        ]
    };
    let finite: Vec<f64> = bits.iter().copied().filter(|b| b.is_finite()).collect();
    let spread_bits = if finite.len() > 1 {
        let mean = finite.iter().sum::<f64>() / finite.len() as f64;
        (finite.iter().map(|b| (b - mean).powi(2)).sum::<f64>() / (finite.len() - 1) as f64).sqrt()
    } else {
        f64::NAN
    };
    Ok(BootstrapInterval {
        replicates,
        failed: replicates - bits.len(),
        confidence,
        seed,
        interval_bits,
        spread_bits,
        replicate_bits: bits,
    })
}

/// Type-7 sample quantile of sorted values: linear interpolation between order statistics.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let position = p * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let weight = position - below as f64;
    if weight == 0.0 {
        sorted[below]
    } else {
        sorted[below] + weight * (sorted[above] - sorted[below])
    }
}

/// The delta-method standard error of the bits.
///
/// # Formula
/// ```text
/// se(bits) = √( gᵀ J⁻¹ g ),   g = ∂bits/∂θ,   J = -∂²ℓ/∂θ∂θᵀ   at θ̂
/// ```
/// with θ = (a, b, ρ) and g by central differences. On the boundary of ρ only (a, b) vary:
/// the result then ignores the uncertainty in the shape (the caller warns).
///
/// # Reference
/// Casella & Berger (2002), *Statistical Inference*, 2nd ed., §5.5.4 and Theorem 10.1.12.
///
/// # Remarks
/// `None` when the observed information is not positive definite (a flat ridge).
pub(crate) fn delta_method_stderr(fit: &Ncx2Fit, target: f64) -> Option<f64> {
    let information = fit.information_theta?;
    let theta = fit.theta;
    let dims = if fit.at_boundary { 2 } else { 3 };
    let steps = [1e-4 * (0.5 * theta[1]).exp(), 1e-4, 1e-4];
    let mut gradient = [0.0; 3];
    for i in 0..dims {
        let mut plus = theta;
        let mut minus = theta;
        plus[i] += steps[i];
        minus[i] -= steps[i];
        if i == 2 {
            plus[2] = plus[2].min(RHO_MAX);
            minus[2] = minus[2].max(0.0);
        }
        gradient[i] = (bits_at(target, &plus) - bits_at(target, &minus)) / (plus[i] - minus[i]);
    }
    let solved = if dims == 3 {
        cholesky_solve(&information, &gradient)?
    } else {
        let det = information[0][0] * information[1][1] - information[0][1] * information[1][0];
        if !(information[0][0] > 0.0 && det > 0.0) {
            return None;
        }
        [
            (information[1][1] * gradient[0] - information[0][1] * gradient[1]) / det,
            (information[0][0] * gradient[1] - information[1][0] * gradient[0]) / det,
            0.0,
        ]
    };
    let variance: f64 = solved.iter().zip(&gradient).map(|(s, g)| s * g).sum();
    (variance.is_finite() && variance >= 0.0).then(|| variance.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Type 7 on 1..=5: the p-quantile is 1 + 4p (R's default `quantile`).
    #[test]
    fn quantile_is_type_seven() {
        let sorted = [1.0, 2.0, 3.0, 4.0, 5.0];
        approx::assert_abs_diff_eq!(quantile(&sorted, 0.025), 1.1, epsilon = 1e-15);
        approx::assert_abs_diff_eq!(quantile(&sorted, 0.5), 3.0, epsilon = 1e-15);
        approx::assert_abs_diff_eq!(quantile(&sorted, 0.975), 4.9, epsilon = 1e-15);
        approx::assert_abs_diff_eq!(quantile(&sorted, 1.0), 5.0, epsilon = 1e-15);
    }
}
