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
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::estimate::Estimate;
use crate::fitted::FitOptions;
use crate::gp_space::{
    estimate_gp, estimate_gp_from_gram, GpData, GpOptions, GpStage, GramBlocks, JitterPolicy,
};
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

impl EstimateOptions {
    /// The options of the exact path ([`estimate_gp`], [`estimate_gp_from_gram`]) these
    /// options mean: the GP sample default applied.
    pub fn gp_options(&self) -> GpOptions {
        GpOptions {
            jitter: self.jitter,
            jitter_check: self.jitter_check,
            samples: self.samples.unwrap_or(Self::DEFAULT_GP_SAMPLES),
            seed: self.seed,
            fit: self.fit,
            memory_limit: self.memory_limit,
            ..GpOptions::default()
        }
    }
}

/// What a space reads of a task: its name, its arrays by reference (rows are points) and its
/// data warnings. `&Task` converts into one; analysis code with arrays of its own (e.g. from
/// Python) builds one without copying them.
#[derive(Debug, Clone, Copy)]
pub struct TaskView<'a> {
    /// The task's name, as the estimate reports it.
    pub name: &'a str,
    /// X, n x d.
    pub x_train: ArrayView2<'a, f64>,
    /// Y, n x k (one-hot rows for classification).
    pub y_train: ArrayView2<'a, f64>,
    /// X_T, N x d.
    pub x_test: ArrayView2<'a, f64>,
    /// Y_T, N x k.
    pub y_test: ArrayView2<'a, f64>,
    /// Things the reader must know about the data; they become `data` warnings.
    pub warnings: &'a [String],
}

impl<'a> From<&'a Task> for TaskView<'a> {
    fn from(task: &'a Task) -> Self {
        Self {
            name: &task.name,
            x_train: task.x_train.view(),
            y_train: task.y_train.view(),
            x_test: task.x_test.view(),
            y_test: task.y_test.view(),
            warnings: &task.warnings,
        }
    }
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
    pub fn estimate<'a>(
        &self,
        task: impl Into<TaskView<'a>>,
        targets: &[Target],
        options: &EstimateOptions,
    ) -> Result<Estimate, Error> {
        self.estimate_with_progress(task, targets, options, &mut |_| {})
    }

    /// As [`Space::estimate`], calling `progress` as stages start and networks finish.
    ///
    /// # Errors
    /// As [`Space::estimate`].
    pub fn estimate_with_progress<'a>(
        &self,
        task: impl Into<TaskView<'a>>,
        targets: &[Target],
        options: &EstimateOptions,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<Estimate, Error> {
        let task: TaskView<'a> = task.into();
        let task_warnings = data_warnings(task.warnings);
        let mut estimate = match self {
            Space::Gp(gp) => {
                let data = GpData {
                    x_train: task.x_train,
                    y_train: task.y_train,
                    x_test: task.x_test,
                    y_test: task.y_test,
                };
                let est = estimate_gp(
                    &data,
                    &gp.kernel,
                    targets,
                    &options.gp_options(),
                    &mut |stage| progress(Progress::Stage(stage)),
                )?;
                Estimate::from_gp(task.name.to_string(), self.label(), task_warnings, est)
            }
            Space::Mlp(mlp) => {
                let data = TrainTest::new(task.x_train, task.y_train, task.x_test, task.y_test)?;
                let config = mlp.settings.sample_config(
                    task.x_train.ncols(),
                    task.y_train.ncols(),
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
                Estimate::from_mlp(task.name.to_string(), self.label(), task_warnings, est)
            }
        };
        estimate.seed = options.seed;
        Ok(estimate)
    }
}

/// The data warnings of a task as typed warnings.
fn data_warnings(warnings: &[String]) -> Vec<Warning> {
    warnings
        .iter()
        .map(|w| Warning::new(WarningKind::Data, w.clone()))
        .collect()
}

/// The inductive bias of the Gaussian-process space whose kernel blocks are given — any
/// kernel, computed anywhere (a ResNet or attention NNGP from another library, say) — as one
/// [`Estimate`] (space `gp-gram`): [`estimate_gp_from_gram`] with `options` read as
/// [`Space::estimate`] reads them. `task` names the task in the estimate.
///
/// # Errors
/// As [`estimate_gp_from_gram`]: a block whose shape disagrees with the targets, a
/// non-finite entry, a K_XX or K_TT that is not symmetric, and the exact path's errors.
pub fn estimate_from_gram(
    task: &str,
    blocks: GramBlocks,
    y_train: ArrayView2<'_, f64>,
    y_test: ArrayView2<'_, f64>,
    targets: &[Target],
    options: &EstimateOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Estimate, Error> {
    let est = estimate_gp_from_gram(
        blocks,
        y_train,
        y_test,
        targets,
        &options.gp_options(),
        &mut |stage| progress(Progress::Stage(stage)),
    )?;
    let mut estimate = Estimate::from_gp(task.to_string(), "gp-gram".into(), Vec::new(), est);
    estimate.seed = options.seed;
    Ok(estimate)
}
