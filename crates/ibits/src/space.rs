//! Hypothesis spaces behind one interface.
//!
//! A [`Space`] is a distribution p_h over hypotheses that fit a task's training set. Every
//! space takes a task and targets and returns one [`Estimate`]:
//!
//! ```text
//! Space::Gp(kernel)     exact law of e(h) (generalized chi-squared) + fitted + counted paths
//! Space::Mlp(settings)  S trained networks: fitted + counted paths
//! ```
//!
//! The spaces form a closed enum rather than a trait: an experiment file names them by `kind`
//! (serde's tag), reports match on them, and a new class (a convolutional network, say) is one
//! more variant with its options struct, checked by the compiler everywhere spaces are listed
//! (docs/architecture.md).

use ibits_data::Task;
use ibits_kernels::{KernelOptions, KernelSpec};
use ibits_nn::{MlpSettings, TrainTest};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::estimate::Estimate;
use crate::fitted::FitOptions;
use crate::gp_space::{estimate_gp, GpData, GpOptions, GpStage, JitterPolicy};
use crate::mlp_space::{estimate_mlp, MlpOptions};
use crate::target::Target;
use crate::warning::{Warning, WarningKind};

/// A hypothesis space, as written in an experiment file (`kind = "gp"` or `kind = "mlp"` plus
/// the options of that kind).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Space {
    /// Gaussian process with exact interpolation of the training set: exact law, plus the
    /// paper's fitted and counted estimates from posterior samples.
    Gp(GpSpace),
    /// Trained MLPs: the paper's fitted estimate (and the count) from the test errors of the
    /// networks that fit the training set.
    Mlp(MlpSpace),
}

/// A Gaussian-process space: its kernel as written and the validated kernel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "KernelOptions", into = "KernelOptions")]
pub struct GpSpace {
    options: KernelOptions,
    kernel: KernelSpec,
}

impl TryFrom<KernelOptions> for GpSpace {
    type Error = Error;

    fn try_from(options: KernelOptions) -> Result<Self, Error> {
        let kernel = options.spec()?;
        Ok(Self { options, kernel })
    }
}

impl From<GpSpace> for KernelOptions {
    fn from(space: GpSpace) -> Self {
        space.options
    }
}

impl GpSpace {
    /// The kernel as written.
    pub fn options(&self) -> &KernelOptions {
        &self.options
    }

    /// The validated kernel.
    pub fn kernel(&self) -> &KernelSpec {
        &self.kernel
    }
}

/// A trained-network space: its settings, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MlpSettings", into = "MlpSettings")]
pub struct MlpSpace {
    settings: MlpSettings,
}

impl TryFrom<MlpSettings> for MlpSpace {
    type Error = Error;

    fn try_from(settings: MlpSettings) -> Result<Self, Error> {
        settings.validate()?;
        Ok(Self { settings })
    }
}

impl From<MlpSpace> for MlpSettings {
    fn from(space: MlpSpace) -> Self {
        space.settings
    }
}

impl MlpSpace {
    /// The settings as written.
    pub fn settings(&self) -> &MlpSettings {
        &self.settings
    }
}

/// How an estimate is made: samples, seed, the fit's interval, the exact path's checks and the
/// memory it may use. The defaults are those of `ibits estimate`.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateOptions {
    /// Sampled hypotheses S for the fitted and counted paths (`None`: the space's default,
    /// [`EstimateOptions::DEFAULT_GP_SAMPLES`] posterior samples or
    /// [`EstimateOptions::DEFAULT_MLP_SAMPLES`] trained networks; 0 = exact law only).
    pub samples: Option<usize>,
    /// Seed of every sampled hypothesis (hypothesis i uses stream i) and of the bootstrap.
    pub seed: u64,
    /// Bootstrap resamples and confidence level of the intervals.
    pub fit: FitOptions,
    /// Jitter added to K_XX (GP spaces).
    pub jitter: JitterPolicy,
    /// Recompute the exact bits with 10x the jitter (GP spaces).
    pub jitter_check: bool,
    /// Bootstrap nested subsamples to say how many more networks would halve the interval
    /// (trained-network spaces).
    pub sample_size_advice: bool,
    /// Memory the run may use, bytes (`None`: MemAvailable of /proc/meminfo).
    pub memory_limit: Option<u64>,
}

impl Default for EstimateOptions {
    fn default() -> Self {
        Self {
            samples: None,
            seed: 0,
            fit: FitOptions::default(),
            jitter: JitterPolicy::default(),
            jitter_check: true,
            sample_size_advice: true,
            memory_limit: None,
        }
    }
}

impl EstimateOptions {
    /// Posterior samples of a GP space when none are asked for.
    pub const DEFAULT_GP_SAMPLES: usize = 10_000;
    /// Trained networks of an MLP space when none are asked for.
    pub const DEFAULT_MLP_SAMPLES: usize = 100;
}

/// What an estimate reports while it runs.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Progress {
    /// A stage of a GP estimate started.
    Stage(GpStage),
    /// `done` of `total` networks are trained.
    Trained {
        /// Networks finished.
        done: usize,
        /// Networks to train.
        total: usize,
    },
}

impl Space {
    /// A Gaussian-process space.
    ///
    /// # Errors
    /// [`Error::Kernel`] for an unknown kernel, an option it does not read or a bad value.
    pub fn gp(kernel: KernelOptions) -> Result<Self, Error> {
        Ok(Self::Gp(GpSpace::try_from(kernel)?))
    }

    /// A trained-network space.
    ///
    /// # Errors
    /// [`Error::Network`] for a setting out of range.
    pub fn mlp(settings: MlpSettings) -> Result<Self, Error> {
        Ok(Self::Mlp(MlpSpace::try_from(settings)?))
    }

    /// The space as written, for legends: `gp-rbf`, `gp-nngp-relu(depth=2)`,
    /// `mlp(width=64,depth=1)`.
    pub fn label(&self) -> String {
        match self {
            Space::Gp(gp) => format!("gp-{}", gp.options.label()),
            Space::Mlp(mlp) => mlp.settings.label(),
        }
    }

    /// The inductive bias of this space on `task` at each target.
    ///
    /// # Errors
    /// [`Error::Option`] when no target is given, and the errors of the space's estimate
    /// (shapes, memory, kernel, factorization, networks, fit).
    pub fn estimate(
        &self,
        task: &Task,
        targets: &[Target],
        options: &EstimateOptions,
    ) -> Result<Estimate, Error> {
        self.estimate_with_progress(task, targets, options, &mut |_| {})
    }

    /// As [`Space::estimate`], calling `progress` as stages start and networks finish.
    ///
    /// # Errors
    /// As [`Space::estimate`].
    pub fn estimate_with_progress(
        &self,
        task: &Task,
        targets: &[Target],
        options: &EstimateOptions,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<Estimate, Error> {
        let task_warnings: Vec<Warning> = task
            .warnings
            .iter()
            .map(|w| Warning::new(WarningKind::Data, w.clone()))
            .collect();
        let mut estimate = match self {
            Space::Gp(gp) => {
                let gp_options = GpOptions {
                    jitter: options.jitter,
                    jitter_check: options.jitter_check,
                    samples: options
                        .samples
                        .unwrap_or(EstimateOptions::DEFAULT_GP_SAMPLES),
                    seed: options.seed,
                    fit: options.fit,
                    memory_limit: options.memory_limit,
                    ..GpOptions::default()
                };
                let est = estimate_gp(
                    &GpData::from_task(task),
                    &gp.kernel,
                    targets,
                    &gp_options,
                    &mut |stage| progress(Progress::Stage(stage)),
                )?;
                Estimate::from_gp(task.name.clone(), self.label(), task_warnings, est)
            }
            Space::Mlp(mlp) => {
                let data = TrainTest::new(
                    task.x_train.view(),
                    task.y_train.view(),
                    task.x_test.view(),
                    task.y_test.view(),
                )?;
                let config = mlp.settings.sample_config(
                    task.input_dim(),
                    task.n_outputs(),
                    options
                        .samples
                        .unwrap_or(EstimateOptions::DEFAULT_MLP_SAMPLES),
                    options.seed,
                )?;
                let total = config.samples();
                let mlp_options = MlpOptions {
                    fit: ibits_stats::fit::FitConfig {
                        bootstrap: options.fit.bootstrap,
                        seed: options.seed,
                        confidence: options.fit.confidence,
                        ..Default::default()
                    },
                    sample_size_advice: options.sample_size_advice,
                };
                let progress = std::sync::Mutex::new(progress);
                let est = estimate_mlp(&data, &config, targets, &mlp_options, &|done| {
                    if let Ok(mut p) = progress.lock() {
                        p(Progress::Trained { done, total });
                    }
                })?;
                Estimate::from_mlp(task.name.clone(), self.label(), task_warnings, est)
            }
        };
        estimate.seed = options.seed;
        Ok(estimate)
    }
}
