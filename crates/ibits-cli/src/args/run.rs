//! Targets, samples, seed and limits of an estimate, converted into `ibits::EstimateOptions`.

use ibits::{EstimateOptions, Space, Target};

use crate::output::usage;

/// Targets, samples, seeds and limits of an estimate.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Target test error(s) eps, absolute (mean squared error over N*k entries; > 0),
    /// comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        allow_negative_numbers = true,
        conflicts_with = "target_rel"
    )]
    pub target: Vec<f64>,
    /// Target(s) as a fraction of the space's mean test error (> 0), comma-separated. Default
    /// 0.5 when no --target is given.
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub target_rel: Vec<f64>,
    /// S, sampled hypotheses for the paper's fitted estimator and for counting: posterior
    /// samples of a GP space (0 skips both) [default: 10000], networks of --space mlp
    /// [default: 100].
    #[arg(long)]
    pub samples: Option<usize>,
    /// Seed of the sampled hypotheses and of the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Bootstrap resamples for the interval of the fitted bits (0 = none).
    #[arg(long, default_value_t = ibits::fitted::FitOptions::default().bootstrap)]
    pub bootstrap: usize,
    /// Skip the 10x-jitter sensitivity check of a GP space (saves one factorization).
    #[arg(long)]
    pub no_jitter_check: bool,
    /// --space mlp: skip the sample-size advice (two extra bootstraps on subsamples).
    #[arg(long)]
    pub no_advice: bool,
    /// Memory the run may use, GiB (> 0; default: MemAvailable from /proc/meminfo).
    #[arg(long, value_name = "GIB", allow_negative_numbers = true)]
    pub max_memory: Option<f64>,
}

impl RunArgs {
    /// The targets (validated; default 0.5 x mean error).
    pub fn targets(&self) -> anyhow::Result<Vec<Target>> {
        let mut out = Vec::new();
        for &eps in &self.target {
            out.push(Target::absolute(eps).map_err(|e| usage(format!("--target: {e}")))?);
        }
        for &r in &self.target_rel {
            out.push(Target::relative(r).map_err(|e| usage(format!("--target-rel: {e}")))?);
        }
        if out.is_empty() {
            out.push(Target::DEFAULT);
        }
        Ok(out)
    }

    /// The estimate's options for `space` (checked before any work: the fit needs at least 10
    /// samples).
    pub fn options(&self, space: &Space) -> anyhow::Result<EstimateOptions> {
        self.options_for(matches!(space, Space::Mlp(_)))
    }

    /// The estimate's options for a trained-network space (`trained`) or a GP space.
    pub fn options_for(&self, trained: bool) -> anyhow::Result<EstimateOptions> {
        let min = ibits::stats::fit::MIN_SAMPLES;
        match (trained, self.samples) {
            (true, Some(s)) if s < min => {
                return Err(usage(format!(
                    "--samples: a trained-network space needs at least {min} networks, got {s}"
                )))
            }
            (false, Some(s)) if s > 0 && s < min => {
                return Err(usage(format!(
                    "--samples must be 0 (exact law only) or >= {min} (the paper's fit needs {min}), got {s}"
                )))
            }
            _ => {}
        }
        let memory_limit = match self.max_memory {
            Some(gib) if gib.is_finite() && gib > 0.0 => {
                Some((gib * 1024.0 * 1024.0 * 1024.0) as u64)
            }
            Some(gib) => {
                return Err(usage(format!(
                    "--max-memory must be a finite number of GiB > 0, got {gib}"
                )))
            }
            None => None,
        };
        Ok(EstimateOptions {
            samples: self.samples,
            seed: self.seed,
            fit: ibits::fitted::FitOptions {
                bootstrap: self.bootstrap,
                ..Default::default()
            },
            jitter_check: !self.no_jitter_check,
            sample_size_advice: !self.no_advice,
            memory_limit,
            ..EstimateOptions::default()
        })
    }
}
