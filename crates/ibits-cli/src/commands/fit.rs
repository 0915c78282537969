//! `ibits fit`: sampled test errors + target error -> fitted law, bits, uncertainty.

use std::path::PathBuf;

use anyhow::Context;
use ibits::text::fit::{fit, FitReport};
use ibits_data::losses::{read_losses, LossFileError};
use ibits_data::DataError;
use ibits_stats::fit::{estimate_fitted_with_progress, FitConfig, FitError};

use crate::output::{print_json, print_text, progress_bar, usage};

/// Arguments of `ibits fit`.
///
/// Fits a scaled non-central chi-squared law s·χ'²_ν(λ) (location 0) to sampled test errors
/// by maximum likelihood and reports the inductive bias -log2 P[e <= eps] under it, in bits,
/// with a bootstrap interval, a delta-method standard error, an identifiability check, the
/// model-free count, and the value the paper's code would report (nats, for comparison).
///
/// Exit status: 0 success; 2 bad input (fewer than 10 samples, a value that is not a finite
/// number > 0, an empty file, eps <= 0); 1 a file that cannot be read, samples that are all
/// equal, or a fit that failed.
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
        // A file that cannot be read is an I/O failure (1); what it holds is the user's input (2).
        LossFileError::Data(inner @ DataError::Io { .. }) => anyhow::Error::new(inner),
        other => usage(other.to_string()),
    })?;
    let config = FitConfig {
        bootstrap: args.bootstrap,
        seed: args.seed,
        confidence: args.confidence,
        profile: true,
    };
    // The bootstrap refits dominate (minutes for 1e6 losses): show them on a terminal.
    let bar = progress_bar(args.bootstrap as u64, args.json, "bootstrap refits");
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let result = estimate_fitted_with_progress(&samples, args.target, &config, Some(&progress));
    bar.finish_and_clear();
    let estimate = result.map_err(|e| {
        let message = format!("{}: {e}", args.losses.display());
        match e {
            // Samples that are all equal (one value) parse but cannot be fitted: the data, not
            // the flags, are at fault.
            FitError::NoFiniteLikelihood | FitError::Law(_) | FitError::ConstantSamples { .. } => {
                anyhow::anyhow!(message)
            }
            _ => usage(message),
        }
    })?;
    let report = FitReport::new(Some(args.losses.clone()), &estimate, &config);
    if args.json {
        print_json(&report)
    } else {
        print_text(&fit(&report)).context("writing the report")
    }
}
