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
/// [`FitError::Confidence`] unless 0 < `confidence` < 1; [`FitError::BootstrapMemory`] when
/// the planned memory ([`plan_memory`]) exceeds what is available, before anything is
/// allocated.
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
    plan_memory(
        replicates,
        data.samples().len(),
        rayon::current_num_threads(),
        available_memory(),
    )?;
    if let Some(report) = progress {
        report(0, replicates);
    }
    let done = AtomicUsize::new(0);
    let samples = data.samples();
    let base = ChaCha8Rng::seed_from_u64(seed);
    // One f64 per replicate (NaN for a failed refit), filtered in place: the only
    // per-replicate allocation (see `plan_memory`).
    let mut bits: Vec<f64> = (0..replicates)
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
                .map_or(f64::NAN, |refit| {
                    bits_of(target, refit.dof, refit.noncentrality, refit.scale)
                });
            if let Some(report) = progress {
                report(done.fetch_add(1, Ordering::Relaxed) + 1, replicates);
            }
            bits
        })
        .collect();
    bits.retain(|b| !b.is_nan());
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
    let finite = || bits.iter().copied().filter(|b| b.is_finite());
    let count = finite().count();
    let spread_bits = if count > 1 {
        let mean = finite().sum::<f64>() / count as f64;
        (finite().map(|b| (b - mean).powi(2)).sum::<f64>() / (count - 1) as f64).sqrt()
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

/// Bytes of the per-replicate array: one f64 per resample.
const BYTES_PER_REPLICATE: u128 = std::mem::size_of::<f64>() as u128;
/// Bytes per sample of one worker's refit (the resample and the refit's copy of it, with
/// headroom): each of `threads` workers holds one at a time.
const BYTES_PER_SAMPLE_PER_THREAD: u128 = 4 * std::mem::size_of::<f64>() as u128;
/// The most resamples allowed when the available memory cannot be read.
pub(crate) const FALLBACK_MAX_REPLICATES: usize = 100_000_000;

/// Where the memory budget of the bootstrap comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Available {
    /// `MemAvailable` of /proc/meminfo, bytes.
    Bytes(u128),
    /// Not readable: the fixed cap [`FALLBACK_MAX_REPLICATES`] applies.
    Unknown,
}

/// `MemAvailable` from /proc/meminfo (kB there), in bytes, when it can be read.
fn available_memory() -> Available {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| parse_mem_available(&text))
        .map_or(Available::Unknown, Available::Bytes)
}

/// The `MemAvailable:  <n> kB` line of /proc/meminfo, in bytes.
fn parse_mem_available(meminfo: &str) -> Option<u128> {
    let line = meminfo
        .lines()
        .find(|line| line.starts_with("MemAvailable:"))?;
    let mut fields = line["MemAvailable:".len()..].split_whitespace();
    let value: u128 = fields.next()?.parse().ok()?;
    match fields.next() {
        Some("kB") | None => Some(value * 1024),
        Some(_) => None,
    }
}

/// The memory plan of a bootstrap of `replicates` resamples of `samples` losses on `threads`
/// workers, checked against the budget before anything is allocated.
///
/// # Formula
/// ```text
/// bytes = 8 B + 32 S T        (B replicate bits; one resample and refit per worker)
/// max B = ⌊(available - 32 S T) / 8⌋
/// ```
/// With `available` unknown, B above [`FALLBACK_MAX_REPLICATES`] (1e8) is refused.
///
/// # Errors
/// [`FitError::BootstrapMemory`] naming B, the bytes, the budget and the largest B that fits.
pub(crate) fn plan_memory(
    replicates: usize,
    samples: usize,
    threads: usize,
    available: Available,
) -> Result<(), FitError> {
    let workspace = BYTES_PER_SAMPLE_PER_THREAD * samples as u128 * threads.max(1) as u128;
    let bytes = BYTES_PER_REPLICATE * replicates as u128 + workspace;
    let (budget, basis, max_replicates) = match available {
        Available::Bytes(budget) => {
            let fit = budget.saturating_sub(workspace) / BYTES_PER_REPLICATE;
            (
                budget,
                "MemAvailable in /proc/meminfo",
                usize::try_from(fit).unwrap_or(usize::MAX),
            )
        }
        Available::Unknown => (
            BYTES_PER_REPLICATE * FALLBACK_MAX_REPLICATES as u128 + workspace,
            "a fixed cap of 1e8 resamples: /proc/meminfo could not be read",
            FALLBACK_MAX_REPLICATES,
        ),
    };
    if bytes > budget || replicates > max_replicates {
        return Err(FitError::BootstrapMemory {
            replicates,
            bytes,
            available: budget,
            basis,
            max_replicates,
        });
    }
    Ok(())
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
    fn memory_plan_refuses_what_does_not_fit() {
        // 1 GiB available, 100 samples on 2 threads: workspace 32·100·2 = 6400 B, so
        // (2^30 - 6400)/8 = 134_216_928 resamples fit.
        let gib = Available::Bytes(1 << 30);
        assert_eq!(plan_memory(134_216_928, 100, 2, gib), Ok(()));
        match plan_memory(134_216_929, 100, 2, gib) {
            Err(FitError::BootstrapMemory {
                replicates,
                bytes,
                available,
                max_replicates,
                ..
            }) => {
                assert_eq!(replicates, 134_216_929);
                assert_eq!(bytes, 8 * 134_216_929 + 6400);
                assert_eq!(available, 1 << 30);
                assert_eq!(max_replicates, 134_216_928);
            }
            other => panic!("{other:?}"),
        }
        // Unknown budget: the fixed cap.
        assert_eq!(plan_memory(100_000_000, 100, 2, Available::Unknown), Ok(()));
        assert!(matches!(
            plan_memory(100_000_001, 100, 2, Available::Unknown),
            Err(FitError::BootstrapMemory {
                max_replicates: 100_000_000,
                ..
            })
        ));
        // usize::MAX resamples: no overflow in the arithmetic.
        assert!(plan_memory(usize::MAX, usize::MAX, 64, gib).is_err());
    }

    #[test]
    fn mem_available_is_parsed_in_bytes() {
        let text = "MemTotal:       16384 kB\nMemFree:  1 kB\nMemAvailable:    2048 kB\n";
        assert_eq!(parse_mem_available(text), Some(2048 * 1024));
        assert_eq!(parse_mem_available("MemTotal: 5 kB\n"), None);
        assert_eq!(parse_mem_available("MemAvailable: x kB\n"), None);
    }

    #[test]
    fn quantile_is_type_seven() {
        let sorted = [1.0, 2.0, 3.0, 4.0, 5.0];
        approx::assert_abs_diff_eq!(quantile(&sorted, 0.025), 1.1, epsilon = 1e-15);
        approx::assert_abs_diff_eq!(quantile(&sorted, 0.5), 3.0, epsilon = 1e-15);
        approx::assert_abs_diff_eq!(quantile(&sorted, 0.975), 4.9, epsilon = 1e-15);
        approx::assert_abs_diff_eq!(quantile(&sorted, 1.0), 5.0, epsilon = 1e-15);
    }
}
