//! One estimate type for every hypothesis space.
//!
//! ```text
//! I(eps) = -log2 P_{h ~ p_h}[ e(h) <= eps ]      bits
//! ```
//! per target eps, by up to four routes: `exact` (the generalized chi-squared law of a GP
//! space), `fitted` (the paper's scaled non-central chi-squared fitted to sampled errors, with
//! its interval), `counted` (the fraction of samples at or below eps, Clopper–Pearson) and
//! `paper_nats` (what the paper's published code reports, in nats). The shared quantities
//! carry the same names in Rust, JSON, the sweep records' CSV columns and the report; the
//! space-specific diagnostics live in [`Estimate::details`].

use std::collections::BTreeMap;

use ibits_stats::fit::CountEstimate;
use ibits_stats::Gx2;
use serde::Serialize;

use crate::fitted::{FittedBits, FittedLaw};
use crate::gp_space::{ExactBits, GpEstimate};
use crate::mlp_space::MlpEstimate;
use crate::target::Target;
use crate::warning::Warning;

/// The inductive bias of one hypothesis space on one task, at each target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// The task's name (as loaded, e.g. `mnist` or `synthetic(m=4,D=10,k=2)`).
    pub task: String,
    /// Training points n.
    pub n: usize,
    /// Test points N.
    pub test_n: usize,
    /// Outputs k (classes, or regression targets).
    pub k: usize,
    /// Input features d.
    pub input_dim: usize,
    /// The space's family: `gp-<kernel>` or `mlp`.
    pub space: String,
    /// The space as written, for legends: `gp-rbf`, `mlp(width=64,depth=1)`.
    pub space_label: String,
    /// Every parameter of the space, resolved (bandwidth after the median rule, depth, width,
    /// training settings...).
    pub space_parameters: BTreeMap<String, serde_json::Value>,
    /// Seed of the sampled hypotheses and of the bootstrap.
    pub seed: u64,
    /// Unit of every `*bits*` field: always `bits` (nats only where a name says so).
    pub unit: &'static str,
    /// Mean test error E[e(h)] of the space (exact for GP spaces, the sample mean otherwise).
    pub mean_error: f64,
    /// Test error of the posterior mean predictor (GP spaces).
    pub posterior_mean_error: Option<f64>,
    /// Sampled hypotheses S that entered the fitted and counted paths.
    pub samples: Option<usize>,
    /// Sampled hypotheses left out of p_h because they did not fit the training set.
    pub rejected: Option<usize>,
    /// One estimate per target, in the order given.
    pub targets: Vec<TargetEstimate>,
    /// Things the reader must know (data, numerical health, fit identification, sampling).
    pub warnings: Vec<Warning>,
    /// Rayon worker threads (results do not depend on it).
    pub threads: usize,
    /// Wall time, seconds.
    pub total_s: f64,
    /// The space's own diagnostics: jitter, spectrum, resources and stage times of a GP space;
    /// hypotheses, training and sample-size advice of a trained-network space.
    pub details: Details,
    /// The sampled test errors in sample order (not serialised; histograms use them).
    #[serde(skip)]
    pub sampled_errors: Vec<f64>,
    /// The scaled ncx2 fitted to all sampled errors, when sampled.
    pub fitted_law: Option<FittedLaw>,
    /// The exact law of the test error (GP spaces; not serialised).
    #[serde(skip)]
    pub exact_law: Option<Gx2>,
}

/// The estimates at one target error eps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetEstimate {
    /// The target as given.
    pub target: Target,
    /// eps (mean squared error over N k entries).
    pub eps: f64,
    /// How eps was chosen (`absolute` or `0.5 x mean error`).
    pub eps_rule: String,
    /// The exact law's bits (saddlepoint, Ruben's series, Chernoff bound), GP spaces.
    pub exact: Option<ExactBits>,
    /// The exact bits recomputed with 10x the jitter (numerical-health check), GP spaces.
    pub exact_bits_jitter_10x: Option<f64>,
    /// The fitted path's bits with interval, when hypotheses were sampled.
    pub fitted: Option<FittedBits>,
    /// Counting sampled errors <= eps, with the Clopper–Pearson interval.
    pub counted: Option<CountEstimate>,
    /// What the paper's published code reports, in **nats**.
    pub paper_nats: Option<f64>,
}

/// The space-specific part of an [`Estimate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Details {
    /// A Gaussian-process space.
    Gp(Box<GpEstimate>),
    /// A trained-network space.
    Mlp(Box<MlpEstimate>),
}

impl Estimate {
    /// The bits reported first at target `i`: exact where there is an exact law, else fitted.
    pub fn bits(&self, i: usize) -> Option<f64> {
        let t = self.targets.get(i)?;
        t.exact
            .as_ref()
            .map(|x| x.bits)
            .or(t.fitted.map(|f| f.bits))
    }

    /// The GP diagnostics, when this is a GP space.
    pub fn gp(&self) -> Option<&GpEstimate> {
        match &self.details {
            Details::Gp(g) => Some(g),
            Details::Mlp(_) => None,
        }
    }

    /// The trained-network diagnostics, when this is an MLP space.
    pub fn mlp(&self) -> Option<&MlpEstimate> {
        match &self.details {
            Details::Mlp(m) => Some(m),
            Details::Gp(_) => None,
        }
    }

    /// A GP estimate with the task's name and the space as written.
    pub(crate) fn from_gp(
        task: String,
        space_label: String,
        task_warnings: Vec<Warning>,
        gp: GpEstimate,
    ) -> Self {
        let mut parameters = BTreeMap::new();
        if let Some(serde_json::Value::Object(kernel)) = gp
            .kernel
            .map(|k| serde_json::to_value(k).unwrap_or_default())
        {
            for (key, value) in kernel {
                let key = if key == "name" { "kernel".into() } else { key };
                parameters.insert(key, value);
            }
        }
        if let Some(rule) = &gp.kernel_rule {
            parameters.insert(
                "bandwidth_rule".into(),
                serde_json::Value::String(rule.clone()),
            );
        }
        let space = format!(
            "gp-{}",
            parameters
                .get("kernel")
                .and_then(|k| k.as_str())
                .unwrap_or("gram")
        );
        let targets = gp
            .targets
            .iter()
            .map(|t| TargetEstimate {
                target: t.target,
                eps: t.eps,
                eps_rule: t.eps_rule.clone(),
                exact: Some(t.exact),
                exact_bits_jitter_10x: t.exact_bits_jitter_10x,
                fitted: t.fitted,
                counted: t.counted,
                paper_nats: t.fitted.map(|f| f.paper_nats),
            })
            .collect();
        let mut warnings = task_warnings;
        warnings.extend(gp.warnings.iter().cloned());
        let sampled = gp.sampled.as_ref();
        Self {
            task,
            n: gp.n_train,
            test_n: gp.n_test,
            k: gp.outputs,
            input_dim: gp.input_dim,
            space,
            space_label,
            space_parameters: parameters,
            seed: sampled.map_or(0, |s| s.seed),
            unit: "bits",
            mean_error: gp.mean_error,
            posterior_mean_error: Some(gp.posterior_mean_error),
            samples: sampled.map(|s| s.samples),
            rejected: None,
            targets,
            warnings,
            threads: gp.threads,
            total_s: gp.timing.total_s,
            sampled_errors: sampled.map(|s| s.errors.clone()).unwrap_or_default(),
            fitted_law: sampled.map(|s| s.fitted_law),
            exact_law: Some(gp.error_law.clone()),
            details: Details::Gp(Box::new(gp)),
        }
    }

    /// A trained-network estimate with the task's name and the space as written.
    pub(crate) fn from_mlp(
        task: String,
        space_label: String,
        task_warnings: Vec<Warning>,
        mlp: MlpEstimate,
    ) -> Self {
        let mut parameters = BTreeMap::new();
        let a = &mlp.architecture;
        for (key, value) in [
            ("width", serde_json::json!(a.width())),
            ("depth", serde_json::json!(a.depth())),
            (
                "activation",
                serde_json::to_value(a.activation()).unwrap_or_default(),
            ),
            ("init", serde_json::to_value(a.init()).unwrap_or_default()),
            (
                "training",
                serde_json::to_value(mlp.training).unwrap_or_default(),
            ),
            (
                "precision",
                serde_json::to_value(mlp.precision).unwrap_or_default(),
            ),
            ("train_threshold", serde_json::json!(mlp.train_threshold)),
        ] {
            parameters.insert(key.to_string(), value);
        }
        let targets = mlp
            .targets
            .iter()
            .map(|t| TargetEstimate {
                target: t.target,
                eps: t.eps,
                eps_rule: t.eps_rule.clone(),
                exact: None,
                exact_bits_jitter_10x: None,
                fitted: Some(FittedBits::from_estimate(&t.fitted)),
                counted: Some(t.fitted.count),
                paper_nats: Some(t.fitted.paper.nats),
            })
            .collect();
        let mut warnings = task_warnings;
        warnings.extend(mlp.warnings.iter().cloned());
        let errors: Vec<f64> = mlp
            .hypotheses
            .iter()
            .filter(|h| h.fits_training_set)
            .map(|h| h.test_error)
            .collect();
        Self {
            task,
            n: mlp.n_train,
            test_n: mlp.n_test,
            k: mlp.outputs,
            input_dim: mlp.input_dim,
            space: "mlp".into(),
            space_label,
            space_parameters: parameters,
            seed: mlp.seed,
            unit: "bits",
            mean_error: mlp.mean_error,
            posterior_mean_error: None,
            samples: Some(mlp.samples),
            rejected: Some(mlp.rejected),
            targets,
            warnings,
            threads: mlp.threads,
            total_s: mlp.timing.total_s,
            sampled_errors: errors,
            fitted_law: mlp
                .targets
                .first()
                .map(|t| FittedLaw::from_estimate(&t.fitted)),
            exact_law: None,
            details: Details::Mlp(Box::new(mlp)),
        }
    }
}
