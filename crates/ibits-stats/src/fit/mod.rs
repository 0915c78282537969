//! The fitted path: a scaled non-central chi-squared fitted to sampled test errors.
//!
//! For hypothesis spaces without an exact law (trained networks), draw S hypotheses, compute
//! their test errors e_1..e_S, fit `e ~ s·χ'²_ν(λ)` (loc 0) by maximum likelihood, and read
//! the lower tail at the target error:
//!
//! ```text
//! (ν̂, λ̂, ŝ) = argmax Σ_i ln f_s(e_i; ν, λ)
//! bits       = -log2 F(eps / ŝ; ν̂, λ̂)
//! ```
//!
//! This is the estimator of Boopathy et al. (2024), "Towards Exact Computation of Inductive
//! Bias", IJCAI, §4. The module is honest about what it knows:
//!
//! - [`fit_ncx2`]: the maximum-likelihood fit — method-of-moments start, the likelihood
//!   profiled along its ridge, Newton polish, the maximised log-likelihood and the observed
//!   information ([`Ncx2Fit`]).
//! - [`estimate_fitted`]: everything at once ([`FittedEstimate`]) — the bits under the fitted
//!   law from the log-space [`crate::law::Ncx2`]; a percentile bootstrap interval
//!   ([`BootstrapInterval`]: refit on each resample, seeded per replicate, identical for any
//!   thread count); the delta-method standard error; the profile likelihood along the ridge
//!   ([`RidgeProfile`]: how flat it is and what that does to the bits); the model-free count
//!   with a Clopper–Pearson interval ([`CountEstimate`]); and the value the paper's code
//!   reports ([`PaperCompatible`], nats, for comparison only).
//! - [`sample_ncx2`]: seeded draws for validation.

mod bootstrap;
mod counting;
mod density;
mod estimate;
mod mle;
mod nelder_mead;
mod paper;
mod profile;
mod simulate;

pub use bootstrap::BootstrapInterval;
pub use counting::{clopper_pearson, count_below, ClopperPearson, CountEstimate};
pub use estimate::{estimate_fitted, estimate_fitted_with_progress, FitConfig, FittedEstimate};
pub use mle::{fit_ncx2, Ncx2Fit};
pub use nelder_mead::{minimize, NelderMeadOptions, NelderMeadResult};
pub use paper::{paper_compatible, scipy_cdf_underflows, PaperCompatible};
pub use profile::{ProfilePoint, RidgeProfile, RIDGE_DROP_NATS};
pub use simulate::sample_ncx2;

/// Least number of samples a fit accepts: three parameters need a margin of data.
pub const MIN_SAMPLES: usize = 10;

/// Errors of the fitted path. Every variant carries the offending value and the allowed range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// Fewer samples than [`MIN_SAMPLES`].
    #[error("need at least {min} loss samples to fit a scaled non-central chi-squared, got {got}")]
    TooFewSamples {
        /// Samples given.
        got: usize,
        /// The minimum, [`MIN_SAMPLES`].
        min: usize,
    },
    /// A sample is NaN or infinite.
    #[error("loss sample {index} (0-based) is not a finite number: {value}")]
    NonFiniteSample {
        /// 0-based index of the sample.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A sample is zero or negative (the law lives on x > 0).
    #[error("loss sample {index} (0-based) must be > 0, got {value}")]
    NonPositiveSample {
        /// 0-based index of the sample.
        index: usize,
        /// The value.
        value: f64,
    },
    /// All samples are equal: the spread is zero, and no law with a density fits.
    #[error("all {count} loss samples equal {value}: a fit needs samples that differ")]
    ConstantSamples {
        /// Number of samples.
        count: usize,
        /// Their common value.
        value: f64,
    },
    /// The target error must be finite and > 0.
    #[error("target error eps must be finite and > 0, got {0}")]
    Target(f64),
    /// A confidence level must lie strictly between 0 and 1.
    #[error("confidence level must be in (0, 1), got {0}")]
    Confidence(f64),
    /// Binomial counts out of range.
    #[error(
        "binomial counts need 1 <= trials and successes <= trials, got {successes} of {trials}"
    )]
    Counts {
        /// Successes k.
        successes: usize,
        /// Trials S.
        trials: usize,
    },
    /// The bootstrap's per-resample arrays would not fit in memory (checked before any is
    /// allocated).
    #[error(
        "a bootstrap of {replicates} resamples needs about {bytes} bytes of memory, more than \
         the {available} bytes available ({basis}); use at most {max_replicates} resamples \
         (--bootstrap)"
    )]
    BootstrapMemory {
        /// B, the resamples asked for.
        replicates: usize,
        /// Bytes the bootstrap would allocate.
        bytes: u128,
        /// Bytes it may use.
        available: u128,
        /// Where `available` comes from.
        basis: &'static str,
        /// The largest B that fits.
        max_replicates: usize,
    },
    /// The optimiser found no parameter point with a finite likelihood.
    #[error("maximum-likelihood fit failed: no parameter point gave a finite log-likelihood")]
    NoFiniteLikelihood,
    /// A law could not be built from the fitted parameters.
    #[error(transparent)]
    Law(#[from] crate::error::LawError),
}

/// Check the samples a fit needs: at least [`MIN_SAMPLES`], all finite and > 0, not all
/// equal.
///
/// # Errors
/// The first problem found, as a [`FitError`] naming the sample's 0-based index.
pub fn validate_samples(samples: &[f64]) -> Result<(), FitError> {
    for (index, &value) in samples.iter().enumerate() {
        if !value.is_finite() {
            return Err(FitError::NonFiniteSample { index, value });
        }
        if value <= 0.0 {
            return Err(FitError::NonPositiveSample { index, value });
        }
    }
    if samples.len() < MIN_SAMPLES {
        return Err(FitError::TooFewSamples {
            got: samples.len(),
            min: MIN_SAMPLES,
        });
    }
    if samples.iter().all(|&x| x == samples[0]) {
        return Err(FitError::ConstantSamples {
            count: samples.len(),
            value: samples[0],
        });
    }
    Ok(())
}
