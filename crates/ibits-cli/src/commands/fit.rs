//! `ibits fit`: sampled test errors + target error -> fitted law, bits, uncertainty.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use ibits_data::losses::{read_losses, LossFileError};
use ibits_stats::fit::{estimate_fitted, FitConfig, FitError, FittedEstimate};
use serde::Serialize;

use crate::output::{print_json, print_text, usage};

/// Arguments of `ibits fit`.
///
/// Fits a scaled non-central chi-squared law s·χ'²_ν(λ) (location 0) to sampled test errors
/// by maximum likelihood and reports the inductive bias -log2 P[e <= eps] under it, in bits,
/// with a bootstrap interval, a delta-method standard error, an identifiability check, the
/// model-free count, and the value the paper's code would report (nats, for comparison).
///
/// Exit status: 0 success; 2 bad input (fewer than 10 samples, a value that is not a finite
/// number > 0, an empty or unreadable file, eps <= 0); 1 the fit itself failed.
#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// Loss file: .csv or .txt with one value per line (an optional header line; blank lines
    /// and lines starting with '#' are skipped) or .npy (f32/f64, shape (S,), (S,1) or (1,S)).
    /// Needs at least 10 values, each a finite number > 0.
    #[arg(long, value_name = "FILE")]
    pub losses: PathBuf,
    /// Target test error eps (same units as the losses; finite, > 0).
    #[arg(long, value_name = "EPS", allow_negative_numbers = true)]
    pub target: f64,
    /// Bootstrap resamples B for the interval of the bits (0 = no bootstrap). Each resample is
    /// refitted; the work is spread over all cores and the result does not depend on their
    /// number.
    #[arg(long, value_name = "B", default_value_t = 200)]
    pub bootstrap: usize,
    /// Seed of the bootstrap (resample b uses ChaCha8 stream b of this seed).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Two-sided confidence level of the bootstrap and Clopper–Pearson intervals, in (0, 1).
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
    pub confidence: f64,
    /// Write one JSON object to stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The JSON report of `ibits fit`. Infinite values (a count of zero samples <= eps) are
/// written as `null`.
#[derive(Debug, Serialize)]
struct FitReport {
    losses: PathBuf,
    n_samples: usize,
    target: f64,
    unit: &'static str,
    method: &'static str,
    df: f64,
    nc: f64,
    scale: f64,
    log_likelihood: f64,
    converged: bool,
    at_boundary: bool,
    log_cdf_nats: f64,
    bits: f64,
    interval_bits: Option<[f64; 2]>,
    interval_method: &'static str,
    bootstrap_interval_bits: Option<[f64; 2]>,
    confidence: f64,
    bootstrap: usize,
    bootstrap_failed: usize,
    seed: u64,
    stderr_bits: Option<f64>,
    count_below: usize,
    count_bits: f64,
    count_interval_bits: [f64; 2],
    count_disagrees: bool,
    paper_nats: f64,
    paper_method: &'static str,
    profile_noncentrality_range: Option<[f64; 2]>,
    profile_bits_range: Option<[f64; 2]>,
    poorly_identified: bool,
    observed_information: Option<[[f64; 3]; 3]>,
    warnings: Vec<String>,
}

const METHOD: &str = "maximum-likelihood fit of s*ncx2(df, nc) with loc 0; bits = -log2 CDF(eps)";

/// Run `ibits fit`.
pub fn run(args: &FitArgs) -> anyhow::Result<()> {
    if !(args.target.is_finite() && args.target > 0.0) {
        return Err(usage(format!(
            "--target must be a finite number > 0 (the target test error eps), got {}",
            args.target
        )));
    }
    if !(args.confidence > 0.0 && args.confidence < 1.0) {
        return Err(usage(format!(
            "--confidence must lie in (0, 1), got {}",
            args.confidence
        )));
    }
    let samples = read_losses(&args.losses).map_err(|e| match e {
        // Every problem with the file is a problem with the user's input: exit code 2.
        LossFileError::Data(inner) => usage(format!("{inner:#}")),
        other => usage(other.to_string()),
    })?;
    let config = FitConfig {
        bootstrap: args.bootstrap,
        seed: args.seed,
        confidence: args.confidence,
        profile: true,
    };
    let estimate = estimate_fitted(&samples, args.target, &config).map_err(|e| {
        let message = format!("{}: {e}", args.losses.display());
        match e {
            FitError::NoFiniteLikelihood | FitError::Law(_) => anyhow::anyhow!(message),
            _ => usage(message),
        }
    })?;
    let report = report(args, &estimate);
    if args.json {
        print_json(&report)
    } else {
        print_text(&render(&report)).context("writing the report")
    }
}

fn report(args: &FitArgs, e: &FittedEstimate) -> FitReport {
    FitReport {
        losses: args.losses.clone(),
        n_samples: e.n_samples,
        target: e.target,
        unit: "bits",
        method: METHOD,
        df: e.fit.dof,
        nc: e.fit.noncentrality,
        scale: e.fit.scale,
        log_likelihood: e.fit.log_likelihood,
        converged: e.fit.converged,
        at_boundary: e.fit.at_boundary,
        log_cdf_nats: e.log_cdf,
        bits: e.bits,
        interval_bits: e.interval_bits,
        interval_method: e.interval_method(),
        bootstrap_interval_bits: e.bootstrap.as_ref().map(|b| b.interval_bits),
        confidence: args.confidence,
        bootstrap: args.bootstrap,
        bootstrap_failed: e.bootstrap.as_ref().map_or(0, |b| b.failed),
        seed: args.seed,
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

fn render(r: &FitReport) -> String {
    let mut out = String::new();
    let bits_or_inf = |v: f64| {
        if v.is_finite() {
            format!("{v:.4}")
        } else {
            "inf".to_string()
        }
    };
    let _ = writeln!(
        out,
        "fitted law      s*ncx2(df, nc), loc 0, from {} samples in {}",
        r.n_samples,
        r.losses.display()
    );
    let _ = writeln!(out, "  df            {:.6}", r.df);
    let _ = writeln!(out, "  nc            {:.6}", r.nc);
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
                bits_or_inf(lo),
                bits_or_inf(hi),
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
                bits_or_inf(lo),
                bits_or_inf(hi),
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
            bits_or_inf(lo),
            bits_or_inf(hi)
        );
    }
    let _ = writeln!(
        out,
        "counting        {} of {} samples <= eps: {} bits, [{}, {}] bits ({:.0}% Clopper-Pearson){}",
        r.count_below,
        r.n_samples,
        bits_or_inf(r.count_bits),
        bits_or_inf(r.count_interval_bits[0]),
        bits_or_inf(r.count_interval_bits[1]),
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
