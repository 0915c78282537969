//! The text of `ibits fit`: a scaled non-central chi-squared law fitted to sampled test
//! errors, and the bits -log2 P[e <= eps] under it with their uncertainty, beside the count and
//! the paper-compatible value in nats.

use std::fmt::Write as _;
use std::path::PathBuf;

use ibits_stats::fit::{FitConfig, FittedEstimate};
use serde::Serialize;

use super::bits;

/// What was fitted and how the bits follow from it.
pub const METHOD: &str =
    "maximum-likelihood fit of s*ncx2(df, nc) with loc 0; bits = -log2 CDF(eps)";

/// The JSON report of `ibits fit`. Infinite values (a count of zero samples <= eps) are
/// written as `null`.
#[derive(Debug, Clone, Serialize)]
pub struct FitReport {
    /// The loss file (absent when the losses were given in memory, e.g. from Python).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub losses: Option<PathBuf>,
    /// S, samples read.
    pub n_samples: usize,
    /// eps, the target test error (units of the losses).
    pub target: f64,
    /// Unit of the bits: `bits`.
    pub unit: &'static str,
    /// What was fitted and how the bits follow.
    pub method: &'static str,
    /// nu, degrees of freedom of the fitted law (`dof`, as in every fitted law ibits writes).
    pub dof: f64,
    /// lambda, non-centrality of the fitted law.
    pub noncentrality: f64,
    /// s, scale of the fitted law.
    pub scale: f64,
    /// Log-likelihood of the samples at the fit, nats.
    pub log_likelihood: f64,
    /// Whether the optimiser converged.
    pub converged: bool,
    /// Whether the fit lies on a boundary of the parameter space.
    pub at_boundary: bool,
    /// ln P[e <= eps] under the fitted law, nats.
    pub log_cdf_nats: f64,
    /// -log2 P[e <= eps] under the fitted law.
    pub bits: f64,
    /// Interval of the bits (bootstrap joined with the delta method).
    pub interval_bits: Option<[f64; 2]>,
    /// How `interval_bits` was formed.
    pub interval_method: &'static str,
    /// Percentile bootstrap interval of the bits.
    pub bootstrap_interval_bits: Option<[f64; 2]>,
    /// Two-sided confidence level of the intervals.
    pub confidence: f64,
    /// B, bootstrap resamples asked for.
    pub bootstrap: usize,
    /// Resamples whose refit failed.
    pub bootstrap_failed: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Delta-method standard error of the bits.
    pub stderr_bits: Option<f64>,
    /// Samples <= eps.
    pub count_below: usize,
    /// -log2 of the fraction of samples <= eps.
    pub count_bits: f64,
    /// Clopper-Pearson interval of the counted bits.
    pub count_interval_bits: [f64; 2],
    /// Whether the count's interval excludes the fitted bits.
    pub count_disagrees: bool,
    /// What the paper's code would report, nats.
    pub paper_nats: f64,
    /// How `paper_nats` was computed.
    pub paper_method: &'static str,
    /// lambda over the laws within 2 nats of the maximum likelihood.
    pub profile_noncentrality_range: Option<[f64; 2]>,
    /// Bits over the laws within 2 nats of the maximum likelihood.
    pub profile_bits_range: Option<[f64; 2]>,
    /// Whether those laws disagree on the bits.
    pub poorly_identified: bool,
    /// Observed information matrix of (nu, lambda, s), when it could be computed.
    pub observed_information: Option<[[f64; 3]; 3]>,
    /// What the reader should know about the fit.
    pub warnings: Vec<String>,
}

impl FitReport {
    /// The report of `e`, fitted to the losses in `losses` with bootstrap `config`.
    pub fn new(losses: Option<PathBuf>, e: &FittedEstimate, config: &FitConfig) -> Self {
        Self {
            losses,
            n_samples: e.n_samples,
            target: e.target,
            unit: "bits",
            method: METHOD,
            dof: e.fit.dof,
            noncentrality: e.fit.noncentrality,
            scale: e.fit.scale,
            log_likelihood: e.fit.log_likelihood,
            converged: e.fit.converged,
            at_boundary: e.fit.at_boundary,
            log_cdf_nats: e.log_cdf,
            bits: e.bits,
            interval_bits: e.interval_bits,
            interval_method: e.interval_method(),
            bootstrap_interval_bits: e.bootstrap.as_ref().map(|b| b.interval_bits),
            confidence: config.confidence,
            bootstrap: config.bootstrap,
            bootstrap_failed: e.bootstrap.as_ref().map_or(0, |b| b.failed),
            seed: config.seed,
            stderr_bits: e.stderr_bits,
            count_below: e.count.proportion.successes,
            count_bits: e.count.bits,
            count_interval_bits: e.count.interval_bits,
            count_disagrees: e.count_disagrees,
            paper_nats: e.paper.nats,
            paper_method: if e.paper.sankaran_fallback {
                "Sankaran z^2/2 (the paper's fallback where scipy's CDF underflows), nats"
            } else {
                "-ln CDF(eps) at the fitted law, as the paper's code (scipy) computes it, nats"
            },
            profile_noncentrality_range: e.profile.as_ref().map(|p| p.noncentrality_range),
            profile_bits_range: e.profile.as_ref().map(|p| p.bits_range),
            poorly_identified: e.profile.as_ref().is_some_and(|p| p.poorly_identified),
            observed_information: e.fit.observed_information,
            warnings: e.warnings.clone(),
        }
    }
}

/// The text of `ibits fit`.
///
/// Lines: the fitted law s * ncx2(df, nc) (location 0) with its parameters and log-likelihood
/// in nats; the target eps; the bits, -log2 P[e <= eps] under the fitted law, with ln CDF in
/// nats; their interval, the percentile bootstrap, the delta-method standard error and the
/// range over the likelihood ridge (laws within 2 nats of the maximum); the count of samples
/// <= eps in bits with its Clopper-Pearson interval; the nats the paper's code would report;
/// warnings.
pub fn fit(r: &FitReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "fitted law      s*ncx2(df, nc), loc 0, from {} samples{}",
        r.n_samples,
        r.losses
            .as_ref()
            .map_or(String::new(), |p| format!(" in {}", p.display()))
    );
    let _ = writeln!(out, "  df            {:.6}", r.dof);
    let _ = writeln!(out, "  nc            {:.6}", r.noncentrality);
    let _ = writeln!(out, "  scale         {:.6e}", r.scale);
    let _ = writeln!(
        out,
        "  log-likelihood {:.6} nats (converged: {})",
        r.log_likelihood, r.converged
    );
    let _ = writeln!(out, "target eps      {}", r.target);
    let _ = writeln!(
        out,
        "bits            {:.4} bits  (-log2 P[e <= eps] under the fitted law; ln CDF = {:.6} nats)",
        r.bits, r.log_cdf_nats
    );
    match r.interval_bits {
        Some([lo, hi]) => {
            let _ = writeln!(
                out,
                "  interval      [{}, {}] bits ({:.0}%; {})",
                bits(lo),
                bits(hi),
                100.0 * r.confidence,
                r.interval_method
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  interval      not available (no bootstrap and no delta-method error)"
            );
        }
    }
    match r.bootstrap_interval_bits {
        Some([lo, hi]) => {
            let _ = writeln!(
                out,
                "  bootstrap     [{}, {}] bits (percentile, B = {}, seed {})",
                bits(lo),
                bits(hi),
                r.bootstrap,
                r.seed
            );
        }
        None => {
            let _ = writeln!(out, "  bootstrap     off (--bootstrap 0)");
        }
    }
    match r.stderr_bits {
        Some(se) => {
            let _ = writeln!(out, "  delta method  +/- {se:.4} bits (one standard error)");
        }
        None => {
            let _ = writeln!(out, "  delta method  not available (see warnings)");
        }
    }
    if let Some([lo, hi]) = r.profile_bits_range {
        let _ = writeln!(
            out,
            "  ridge         laws within 2 nats of the maximum give {} to {} bits",
            bits(lo),
            bits(hi)
        );
    }
    let _ = writeln!(
        out,
        "counting        {} of {} samples <= eps: {} bits, [{}, {}] bits ({:.0}% Clopper-Pearson){}",
        r.count_below,
        r.n_samples,
        bits(r.count_bits),
        bits(r.count_interval_bits[0]),
        bits(r.count_interval_bits[1]),
        100.0 * r.confidence,
        if r.count_disagrees { "  DISAGREES with the fit" } else { "" }
    );
    let _ = writeln!(
        out,
        "paper-compatible {:.4} nats ({}; for comparison only)",
        r.paper_nats, r.paper_method
    );
    for w in &r.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ibits_stats::fit::{estimate_fitted, sample_ncx2};

    #[test]
    fn the_report_states_bits_nats_and_the_count() {
        let samples = sample_ncx2(10.0, 5.0, 1.0, 200, 1).unwrap();
        let config = FitConfig {
            bootstrap: 0,
            ..FitConfig::default()
        };
        let e = estimate_fitted(&samples, 3.0, &config).unwrap();
        let report = FitReport::new(Some(PathBuf::from("l.csv")), &e, &config);
        assert_eq!((report.n_samples, report.bootstrap), (200, 0));
        assert_eq!(
            report.count_below,
            samples.iter().filter(|&&x| x <= 3.0).count()
        );
        let text = fit(&report);
        assert!(text.contains("from 200 samples in l.csv"), "{text}");
        assert!(text.contains("bootstrap     off (--bootstrap 0)"), "{text}");
        assert!(text.contains("paper-compatible"), "{text}");
    }
}
