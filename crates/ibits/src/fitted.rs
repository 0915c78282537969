//! The fitted and counted paths from sampled test errors (docs/design.md sections 2b and 2c), shared
//! by every hypothesis space that can draw hypotheses.
//!
//! ```text
//! fitted:  (nu, lambda, s) = MLE of e ~ s * chi'^2_nu(lambda) on e_1..e_S;
//!          bits = -log2 F(eps / s; nu, lambda), percentile-bootstrap interval;
//!          paper_nats = what the paper's published code returns (scipy-style tail, Sankaran
//!          fallback), in nats, for comparison only
//! counted: bits = -log2(#{e_i <= eps} / S), Clopper-Pearson interval
//! ```
//!
//! # Reference
//! Boopathy et al. (2024), "Towards Exact Computation of Inductive Bias", IJCAI, section 4;
//! Clopper & Pearson (1934), Biometrika 26(4), 404-413.

use ibits_stats::fit::{estimate_fitted, CountEstimate, FitConfig, FittedEstimate};
use serde::Serialize;

use crate::error::Error;
use crate::warning::{Warning, WarningKind};

/// Settings of the fitted and counted paths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FitOptions {
    /// Bootstrap resamples for the interval of the fitted bits (0 = no interval).
    pub bootstrap: usize,
    /// Confidence level of the bootstrap and Clopper-Pearson intervals, in (0, 1).
    pub confidence: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            bootstrap: 200,
            confidence: 0.95,
        }
    }
}

/// The scaled non-central chi-squared fitted to the samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FittedLaw {
    /// Degrees of freedom nu.
    pub dof: f64,
    /// Non-centrality lambda.
    pub noncentrality: f64,
    /// Scale s.
    pub scale: f64,
    /// Maximised log-likelihood, nats.
    pub log_likelihood: f64,
}

/// The paper's estimator at one target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FittedBits {
    /// eps.
    pub eps: f64,
    /// -log2 F(eps / s; nu, lambda) of the fitted law, bits (exact log-space tail).
    pub bits: f64,
    /// Interval of the bits at the configured confidence: the percentile bootstrap joined with
    /// the delta-method interval (the combination whose coverage was validated; see
    /// `ibits_stats::fit::FittedEstimate::interval_bits`), whichever of them exist.
    pub interval_bits: Option<[f64; 2]>,
    /// How `interval_bits` was formed.
    pub interval_method: &'static str,
    /// The percentile-bootstrap interval alone, when bootstrapped.
    pub bootstrap_interval_bits: Option<[f64; 2]>,
    /// Delta-method standard error of the bits, when the observed information allows it.
    pub stderr_bits: Option<f64>,
    /// The value the paper's published code reports, in **nats**.
    pub paper_nats: f64,
    /// True when the paper's code would have fallen back to Sankaran's approximation.
    pub paper_sankaran_fallback: bool,
    /// True when the fitted interval and the counting interval do not overlap.
    pub count_disagrees: bool,
}

impl FittedBits {
    /// The fitted path's answer at one target, as every space reports it.
    pub fn from_estimate(est: &FittedEstimate) -> Self {
        Self {
            eps: est.target,
            bits: est.bits,
            interval_bits: est.interval_bits,
            interval_method: est.interval_method(),
            bootstrap_interval_bits: est.bootstrap.as_ref().map(|b| b.interval_bits),
            stderr_bits: est.stderr_bits,
            paper_nats: est.paper.nats,
            paper_sankaran_fallback: est.paper.sankaran_fallback,
            count_disagrees: est.count_disagrees,
        }
    }
}

impl FittedLaw {
    /// The law of a fit.
    pub fn from_estimate(est: &FittedEstimate) -> Self {
        Self {
            dof: est.fit.dof,
            noncentrality: est.fit.noncentrality,
            scale: est.fit.scale,
            log_likelihood: est.fit.log_likelihood,
        }
    }
}

/// Fitted law, fitted bits and counts at every target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FittedPath {
    /// The fitted law (maximum likelihood on all samples).
    pub law: FittedLaw,
    /// One per target.
    pub bits: Vec<FittedBits>,
    /// Counting at each target.
    pub counted: Vec<CountEstimate>,
    /// Warnings about the fit (poorly identified ridge, disagreement with counting...), each
    /// prefixed with its eps.
    pub warnings: Vec<Warning>,
}

/// Fit, bootstrap and count `errors` at each of the targets `eps`
/// ([`ibits_stats::fit::estimate_fitted`] per target; bootstrap replicate b uses stream b of
/// `seed`).
///
/// # Errors
/// [`Error::Fit`] when the samples cannot be fitted (too few, non-positive, constant), a
/// target is not positive or the confidence is outside (0, 1).
pub fn fit_errors(
    errors: &[f64],
    eps: &[f64],
    seed: u64,
    options: &FitOptions,
) -> Result<FittedPath, Error> {
    // The ridge profile is always walked: it is what flags a poorly identified fit.
    let config = FitConfig {
        bootstrap: options.bootstrap,
        seed,
        confidence: options.confidence,
        profile: true,
    };
    let mut law = None;
    let mut bits = Vec::with_capacity(eps.len());
    let mut counted = Vec::with_capacity(eps.len());
    let mut warnings = Vec::new();
    for &e in eps {
        let est = estimate_fitted(errors, e, &config)?;
        law.get_or_insert(FittedLaw::from_estimate(&est));
        bits.push(FittedBits::from_estimate(&est));
        counted.push(est.count);
        warnings.extend(est.warnings.into_iter().map(|w| {
            Warning::at(
                WarningKind::Fit,
                e,
                format!("fitted path at eps = {e:.4e}: {w}"),
            )
        }));
    }
    let law = law.ok_or(Error::Option {
        what: "targets",
        allowed: "at least one target",
        got: "none".into(),
    })?;
    Ok(FittedPath {
        law,
        bits,
        counted,
        warnings,
    })
}
