//! `ibits sweep experiment.toml [--out DIR] [--jobs N] [--shard i/n]`: run a grid of estimates,
//! saving each cell as it finishes; re-running skips finished cells.
//!
//! The engine (grid expansion, per-cell seeds, atomic writes, resume, shards) is
//! `ibits_report::sweep`; this module defines what a task, a hypothesis space and the settings
//! look like in the experiment file, and runs one cell with the `ibits` library.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::ValueEnum;
use ibits::mlp_space::{estimate_mlp, MlpEstimate, MlpOptions};
use ibits::{estimate_gp, GpData, GpEstimate, GpOptions, KernelSpec};
use ibits_data::{
    load_task, Manifold, Subset, SyntheticKind, SyntheticSpec, TaskSource, TaskSpec, Teacher,
};
use ibits_kernels::{Kernel, Linear, Mlp, Polynomial, Rbf};
use ibits_report::sweep::{
    run_sweep, Cell, Experiment, Shard, SweepEvent, SweepOptions, SweepSummary, Target,
};
use ibits_report::{
    BitsInterval, CellRecord, CountingBits, ErrorDistribution, FittedLaw, TargetEstimate,
};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use super::data::{ManifoldArg, SyntheticShape, TeacherArg};
use crate::output::{print_json, print_text, progress_bar, usage};

/// Arguments of `ibits sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// Experiment file (TOML): a grid over tasks x hypothesis spaces x training-set sizes x
    /// test-set sizes, with target errors; see docs/sweeps.md.
    pub experiment: PathBuf,
    /// Output directory (created). Default: `sweep-<experiment name>` in the current directory.
    /// Re-running with the same directory skips the cells already finished there.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Cells run at the same time (>= 1, default 1). Each GP cell already uses every core for
    /// its linear algebra; more jobs help when cells are small.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub jobs: usize,
    /// Run only shard i of n (0-based i): the cells whose grid index is i modulo n. Give each
    /// shard its own --out directory and combine them with `ibits merge`.
    #[arg(long, value_name = "i/n")]
    pub shard: Option<String>,
    /// Check the experiment file and list its cells (index, id, seed, task, space, n, N)
    /// without running anything or writing any file.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the summary (or, with --dry-run, the cells) as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// A task of the grid: a source string (`mnist`, `iris`, `idx:DIR`, `csv:FILE[:COL]`,
/// `npy:X,Y[,XT,YT]`, `synthetic`) or a table `{ source = "...", ... }` with options.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TaskEntry {
    /// A source string with default options.
    Source(String),
    /// A source with options.
    Table(Box<TaskTable>),
}

/// A task with options. Synthetic parameters apply only to `source = "synthetic"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskTable {
    /// Source string, as for a plain task.
    pub source: String,
    /// Rows chosen by `first` (default), `random` or `stratified` (seeded with `data_seed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subset: Option<String>,
    /// Seed of the subset and of the synthetic generator (default 0). Kept apart from the cell
    /// seed so that every hypothesis space sees the same data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_seed: Option<u64>,
    /// Synthetic: intrinsic dimension m (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intrinsic_dim: Option<usize>,
    /// Synthetic: input dimension D (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ambient_dim: Option<usize>,
    /// Synthetic: classes (or regression outputs) k (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<usize>,
    /// Synthetic: standard deviation of the label noise (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<f64>,
    /// Synthetic: real-valued targets instead of classes (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regression: Option<bool>,
    /// Synthetic: the manifold, `linear` (default) or `curved`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifold: Option<String>,
    /// Synthetic: frequency nu of the curved manifold (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curvature: Option<f64>,
    /// Synthetic: the teacher, `network` (default) or `fourier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher: Option<String>,
    /// Synthetic: width of the network teacher or terms of the Fourier teacher (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_size: Option<usize>,
    /// Synthetic: frequency of the Fourier teacher (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_frequency: Option<f64>,
}

impl TaskTable {
    /// The synthetic manifold and teacher these keys describe (the rules of the `ibits data
    /// info` flags of the same names).
    fn shape(&self) -> Result<(Manifold, Teacher), String> {
        fn choice<T: ValueEnum>(key: &str, value: &Option<String>) -> Result<Option<T>, String> {
            let Some(v) = value.as_deref() else {
                return Ok(None);
            };
            T::from_str(v.trim(), true).map(Some).map_err(|_| {
                let names: Vec<String> = T::value_variants()
                    .iter()
                    .filter_map(|c| c.to_possible_value().map(|p| p.get_name().to_string()))
                    .collect();
                format!("`{key}` must be one of {}, got {v:?}", names.join(", "))
            })
        }
        let manifold: Option<ManifoldArg> = choice("manifold", &self.manifold)?;
        let teacher: Option<TeacherArg> = choice("teacher", &self.teacher)?;
        if self.curvature.is_some() && manifold != Some(ManifoldArg::Curved) {
            return Err("`curvature` needs manifold = \"curved\"".into());
        }
        if self.teacher_frequency.is_some() && teacher != Some(TeacherArg::Fourier) {
            return Err("`teacher_frequency` needs teacher = \"fourier\"".into());
        }
        let shape = SyntheticShape {
            manifold,
            curvature: self.curvature,
            teacher,
            teacher_size: self.teacher_size,
            teacher_frequency: self.teacher_frequency,
        };
        shape.resolve().map_err(|e| e.to_string())
    }
}

impl<'de> Deserialize<'de> for TaskEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entry = match toml::Value::deserialize(deserializer)? {
            toml::Value::String(source) => TaskEntry::Source(source),
            toml::Value::Table(table) => {
                TaskEntry::Table(Box::new(TaskTable::deserialize(toml::Value::Table(table)).map_err(D::Error::custom)?))
            }
            other => {
                return Err(D::Error::custom(format!(
                    "a task is a string (mnist, idx:DIR, synthetic, ...) or a table {{ source = \"...\", ... }}, got {}",
                    other.type_str()
                )))
            }
        };
        entry.task_spec_without_sizes().map_err(D::Error::custom)?;
        Ok(entry)
    }
}

impl TaskEntry {
    fn table(&self) -> TaskTable {
        match self {
            TaskEntry::Source(source) => TaskTable {
                source: source.clone(),
                subset: None,
                data_seed: None,
                intrinsic_dim: None,
                ambient_dim: None,
                outputs: None,
                noise: None,
                regression: None,
                manifold: None,
                curvature: None,
                teacher: None,
                teacher_size: None,
                teacher_frequency: None,
            },
            TaskEntry::Table(table) => table.as_ref().clone(),
        }
    }

    /// The task's name in reports: the source string plus the options that were set.
    pub fn label(&self) -> String {
        let t = self.table();
        let mut options = Vec::new();
        for (key, value) in [
            ("m", t.intrinsic_dim.map(|v| v.to_string())),
            ("D", t.ambient_dim.map(|v| v.to_string())),
            ("k", t.outputs.map(|v| v.to_string())),
            ("noise", t.noise.map(|v| v.to_string())),
            ("regression", t.regression.map(|v| v.to_string())),
            ("manifold", t.manifold.clone()),
            ("curvature", t.curvature.map(|v| v.to_string())),
            ("teacher", t.teacher.clone()),
            ("teacher_size", t.teacher_size.map(|v| v.to_string())),
            (
                "teacher_frequency",
                t.teacher_frequency.map(|v| v.to_string()),
            ),
            ("subset", t.subset.clone()),
            ("data_seed", t.data_seed.map(|v| v.to_string())),
        ] {
            if let Some(value) = value {
                options.push(format!("{key}={value}"));
            }
        }
        if options.is_empty() {
            t.source
        } else {
            format!("{}({})", t.source, options.join(","))
        }
    }

    /// The data spec without n and N; checks the source and the options.
    fn task_spec_without_sizes(&self) -> Result<(TaskSpec, Option<usize>), String> {
        let t = self.table();
        let source: TaskSource = t
            .source
            .parse()
            .map_err(|e: ibits_data::DataError| e.to_string())?;
        let data_seed = t.data_seed.unwrap_or(0);
        let (source, intrinsic_dim) = match source {
            TaskSource::Synthetic(defaults) => {
                let (manifold, teacher) = t.shape()?;
                let spec = SyntheticSpec {
                    intrinsic_dim: t.intrinsic_dim.unwrap_or(defaults.intrinsic_dim),
                    ambient_dim: t.ambient_dim.unwrap_or(defaults.ambient_dim),
                    outputs: t.outputs.unwrap_or(defaults.outputs),
                    noise: t.noise.unwrap_or(defaults.noise),
                    kind: if t.regression.unwrap_or(false) {
                        SyntheticKind::Regression
                    } else {
                        SyntheticKind::Classification
                    },
                    manifold,
                    teacher,
                    seed: data_seed,
                };
                spec.validate().map_err(|e| e.to_string())?;
                let m = spec.intrinsic_dim;
                (TaskSource::Synthetic(spec), Some(m))
            }
            other => {
                let synthetic_only = [
                    ("intrinsic_dim", t.intrinsic_dim.is_some()),
                    ("ambient_dim", t.ambient_dim.is_some()),
                    ("outputs", t.outputs.is_some()),
                    ("noise", t.noise.is_some()),
                    ("regression", t.regression.is_some()),
                    ("manifold", t.manifold.is_some()),
                    ("curvature", t.curvature.is_some()),
                    ("teacher", t.teacher.is_some()),
                    ("teacher_size", t.teacher_size.is_some()),
                    ("teacher_frequency", t.teacher_frequency.is_some()),
                ];
                if let Some((key, _)) = synthetic_only.iter().find(|(_, set)| *set) {
                    return Err(format!(
                        "`{key}` applies only to source = \"synthetic\", not {:?}",
                        t.source
                    ));
                }
                (other, None)
            }
        };
        let mut spec = TaskSpec::new(source);
        spec.subset = match t.subset.as_deref() {
            None | Some("first") => Subset::First,
            Some("random") => Subset::Random { seed: data_seed },
            Some("stratified") => Subset::Stratified { seed: data_seed },
            Some(other) => {
                return Err(format!(
                    "subset must be \"first\", \"random\" or \"stratified\", got {other:?}"
                ))
            }
        };
        Ok((spec, intrinsic_dim))
    }
}

/// Bandwidth of an RBF kernel: a number or `"median"` (median pairwise distance).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Bandwidth {
    /// A fixed bandwidth (> 0).
    Value(f64),
    /// The word `median`.
    Rule(MedianRule),
}

/// The only bandwidth rule: `"median"`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MedianRule {
    /// Median pairwise Euclidean distance of the training inputs.
    Median,
}

/// A Gaussian-process hypothesis space as written in the experiment file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpFields {
    /// `rbf`, `linear`, `polynomial` (or `poly`), `nngp-relu`, `nngp-erf` or `ntk-relu`.
    pub kernel: String,
    /// RBF: bandwidth or "median" (default "median").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<Bandwidth>,
    /// RBF: amplitude (prior variance, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amplitude: Option<f64>,
    /// Polynomial: degree (default 3, as `ibits estimate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degree: Option<u32>,
    /// NNGP / NTK: hidden layers L (default 3, as `ibits estimate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    /// Dot-product and network kernels: weight standard deviation (default sqrt(2) for the
    /// ReLU kernels, 1 otherwise, as `ibits estimate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_w: Option<f64>,
    /// Dot-product and network kernels: bias standard deviation (default 0.1 for the network
    /// kernels, 1 for linear and polynomial, as `ibits estimate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_b: Option<f64>,
}

/// A validated GP space: the fields as written and the kernel they define.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GpFields", into = "GpFields")]
pub struct GpSpace {
    fields: GpFields,
    kernel: KernelSpec,
}

impl From<GpSpace> for GpFields {
    fn from(space: GpSpace) -> Self {
        space.fields
    }
}

impl TryFrom<GpFields> for GpSpace {
    type Error = String;

    fn try_from(fields: GpFields) -> Result<Self, String> {
        let f = &fields;
        let allowed: &[&str] = match f.kernel.as_str() {
            "rbf" => &["bandwidth", "amplitude"],
            "linear" => &["sigma_w", "sigma_b"],
            "polynomial" | "poly" => &["degree", "sigma_w", "sigma_b"],
            "nngp-relu" | "nngp-erf" | "ntk-relu" => &["depth", "sigma_w", "sigma_b"],
            other => {
                return Err(format!(
                    "unknown kernel {other:?}: use rbf, linear, polynomial, nngp-relu, nngp-erf or ntk-relu"
                ))
            }
        };
        for (key, set) in [
            ("bandwidth", f.bandwidth.is_some()),
            ("amplitude", f.amplitude.is_some()),
            ("degree", f.degree.is_some()),
            ("depth", f.depth.is_some()),
            ("sigma_w", f.sigma_w.is_some()),
            ("sigma_b", f.sigma_b.is_some()),
        ] {
            if set && !allowed.contains(&key) {
                return Err(format!(
                    "`{key}` does not apply to kernel {:?} (it takes {})",
                    f.kernel,
                    allowed.join(", ")
                ));
            }
        }
        // The defaults of `ibits estimate`, so that a grid cell and the command agree.
        let relu = matches!(f.kernel.as_str(), "nngp-relu" | "ntk-relu");
        let network = relu || f.kernel == "nngp-erf";
        let sigma_w = f
            .sigma_w
            .unwrap_or(if relu { std::f64::consts::SQRT_2 } else { 1.0 });
        let sigma_b = f.sigma_b.unwrap_or(if network { 0.1 } else { 1.0 });
        let depth = f.depth.unwrap_or(3);
        let kernel = match f.kernel.as_str() {
            "rbf" => {
                let amplitude = f.amplitude.unwrap_or(1.0);
                match f.bandwidth {
                    Some(Bandwidth::Value(b)) => KernelSpec::Fixed(Kernel::Rbf(
                        Rbf::new(b, amplitude).map_err(|e| e.to_string())?,
                    )),
                    None | Some(Bandwidth::Rule(MedianRule::Median)) => {
                        Rbf::new(1.0, amplitude).map_err(|e| e.to_string())?;
                        KernelSpec::RbfMedian { amplitude }
                    }
                }
            }
            "linear" => KernelSpec::Fixed(Kernel::Linear(
                Linear::new(sigma_w, sigma_b).map_err(|e| e.to_string())?,
            )),
            "polynomial" | "poly" => KernelSpec::Fixed(Kernel::Polynomial(
                Polynomial::new(f.degree.unwrap_or(3), sigma_w, sigma_b)
                    .map_err(|e| e.to_string())?,
            )),
            name => {
                let mlp = Mlp::new(depth, sigma_w, sigma_b).map_err(|e| e.to_string())?;
                KernelSpec::Fixed(match name {
                    "nngp-relu" => Kernel::NngpRelu(mlp),
                    "nngp-erf" => Kernel::NngpErf(mlp),
                    _ => Kernel::NtkRelu(mlp),
                })
            }
        };
        Ok(GpSpace { fields, kernel })
    }
}

/// A trained-network hypothesis space as written in the experiment file: S MLPs trained from
/// independent seeds, the paper's fitted estimate on the test errors of those that fit the
/// training set. Defaults match `ibits estimate --space mlp`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlpFields {
    /// Units per hidden layer (required).
    pub width: usize,
    /// Hidden layers (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    /// `relu` (default), `erf` or `tanh`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation: Option<String>,
    /// `pytorch` (default), `standard` or `ntk`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<String>,
    /// `standard` / `ntk` init: weight standard deviation (default sqrt(2) for relu, else 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_w: Option<f64>,
    /// `standard` / `ntk` init: bias standard deviation (default 0.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_b: Option<f64>,
    /// Training epochs (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<usize>,
    /// Minibatch size (default 64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<usize>,
    /// Adam learning rate (default 1e-3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lr: Option<f64>,
    /// Largest training error of a hypothesis in p_h (default 0.01).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_threshold: Option<f64>,
    /// Stop each network once its training error is below the threshold (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_stop: Option<bool>,
    /// Networks trained per cell (default: `settings.samples`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<usize>,
    /// `f64` (default) or `f32`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<String>,
}

/// A validated MLP space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MlpFields", into = "MlpFields")]
pub struct MlpSpace {
    fields: MlpFields,
}

impl From<MlpSpace> for MlpFields {
    fn from(space: MlpSpace) -> Self {
        space.fields
    }
}

impl TryFrom<MlpFields> for MlpSpace {
    type Error = String;

    fn try_from(fields: MlpFields) -> Result<Self, String> {
        let space = MlpSpace { fields };
        // Validate every setting now (with placeholder task shapes), so that a bad value is
        // reported with its line before anything runs.
        space.sample_config(1, 1, 10, 0)?;
        Ok(space)
    }
}

impl MlpSpace {
    /// The sampling plan for a task with `input_dim` inputs and `outputs` outputs.
    fn sample_config(
        &self,
        input_dim: usize,
        outputs: usize,
        samples: usize,
        seed: u64,
    ) -> Result<ibits_nn::SampleConfig, String> {
        use ibits_nn::{Activation, AdamConfig, Architecture, Init, Precision, TrainConfig};
        let f = &self.fields;
        let activation: Activation = f
            .activation
            .as_deref()
            .unwrap_or("relu")
            .parse()
            .map_err(|e| format!("{e}"))?;
        let sigma_w = f.sigma_w.unwrap_or(if activation == Activation::Relu {
            std::f64::consts::SQRT_2
        } else {
            1.0
        });
        let sigma_b = f.sigma_b.unwrap_or(0.1);
        let init = match f.init.as_deref().unwrap_or("pytorch") {
            "pytorch" => {
                if f.sigma_w.is_some() || f.sigma_b.is_some() {
                    return Err("sigma_w and sigma_b apply to init = \"standard\" or \"ntk\", not to \"pytorch\"".into());
                }
                Init::PytorchDefault
            }
            "standard" => Init::Standard { sigma_w, sigma_b },
            "ntk" => Init::Ntk { sigma_w, sigma_b },
            other => {
                return Err(format!(
                    "init must be \"pytorch\", \"standard\" or \"ntk\", got {other:?}"
                ))
            }
        };
        let precision = match f.precision.as_deref().unwrap_or("f64") {
            "f64" => Precision::F64,
            "f32" => Precision::F32,
            other => {
                return Err(format!(
                    "precision must be \"f64\" or \"f32\", got {other:?}"
                ))
            }
        };
        let bad = |e: ibits_nn::NnError| e.to_string();
        let architecture = Architecture::new(
            input_dim,
            f.width,
            f.depth.unwrap_or(2),
            outputs,
            activation,
            init,
        )
        .map_err(bad)?;
        let threshold = f.train_threshold.unwrap_or(0.01);
        let adam = AdamConfig::new(f.lr.unwrap_or(1e-3), 0.9, 0.999, 1e-8).map_err(bad)?;
        let stop = f.early_stop.unwrap_or(false).then_some(threshold);
        let training = TrainConfig::new(
            f.epochs.unwrap_or(50),
            f.batch_size.unwrap_or(64),
            adam,
            stop,
        )
        .map_err(bad)?;
        ibits_nn::SampleConfig::new(
            architecture,
            training,
            f.samples.unwrap_or(samples),
            seed,
            threshold,
            precision,
        )
        .map_err(bad)
    }
}

/// A hypothesis space of the grid, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SpaceSpec {
    /// Gaussian process with exact interpolation of the training set: exact law, plus the
    /// paper's fitted and counted estimates from posterior samples.
    Gp(GpSpace),
    /// Trained MLPs: the paper's fitted estimate (and the count) from the test errors of the
    /// networks that fit the training set.
    Mlp(MlpSpace),
}

/// Settings shared by every cell (`[settings]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Test-set size N when the grid has no `test_n` (default 1000).
    pub test_n: usize,
    /// Sampled hypotheses S for the fitted and counted estimates and the histogram (default
    /// 1000; 0 = exact law only).
    pub samples: usize,
    /// Bootstrap resamples for the interval of the fitted bits (default 200; 0 = none).
    pub bootstrap: usize,
    /// Confidence level of the intervals (default 0.95).
    pub confidence: f64,
    /// Recompute the exact bits with 10x the jitter (default true).
    pub jitter_check: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            test_n: 1000,
            samples: 1000,
            bootstrap: 200,
            confidence: 0.95,
            jitter_check: true,
        }
    }
}

/// The experiment type of `ibits sweep`.
pub type SweepExperiment = Experiment<TaskEntry, SpaceSpec, Settings>;

/// Read and validate an experiment file; every problem is a usage error naming the line.
pub fn read_experiment(path: &Path) -> anyhow::Result<SweepExperiment> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let experiment = SweepExperiment::parse(path, &text).map_err(|e| usage(e.to_string()))?;
    let s = &experiment.settings;
    if !(s.confidence > 0.0 && s.confidence < 1.0) {
        return Err(usage(format!(
            "{}: settings.confidence must be in (0, 1), got {}",
            path.display(),
            s.confidence
        )));
    }
    if s.test_n == 0 {
        return Err(usage(format!(
            "{}: settings.test_n must be >= 1",
            path.display()
        )));
    }
    Ok(experiment)
}

/// Run one cell: load the task, estimate in the hypothesis space, describe the result.
pub fn run_cell(
    cell: &Cell<TaskEntry, SpaceSpec>,
    settings: &Settings,
) -> anyhow::Result<CellRecord> {
    let (mut spec, intrinsic_dim) = cell
        .task
        .task_spec_without_sizes()
        .map_err(anyhow::Error::msg)?;
    spec.n_train = Some(cell.n);
    spec.n_test = Some(cell.test_n.unwrap_or(settings.test_n));
    let task = load_task(&spec).with_context(|| format!("loading task {}", cell.task.label()))?;
    let targets: Vec<ibits::Target> = cell
        .targets
        .iter()
        .map(|t| match *t {
            Target::Absolute(eps) => ibits::Target::absolute(eps),
            Target::RelativeToMean(r) => ibits::Target::relative(r),
        })
        .collect::<Result<_, _>>()?;
    match &cell.space {
        SpaceSpec::Gp(space) => {
            let options = GpOptions {
                jitter_check: settings.jitter_check,
                samples: settings.samples,
                seed: cell.seed,
                fit: ibits::fitted::FitOptions {
                    bootstrap: settings.bootstrap,
                    confidence: settings.confidence,
                },
                ..GpOptions::default()
            };
            let estimate = estimate_gp(
                &GpData::from_task(&task),
                &space.kernel,
                &targets,
                &options,
                &mut |_| {},
            )
            .with_context(|| {
                format!(
                    "GP estimate for {} with kernel {}",
                    cell.task.label(),
                    space.fields.kernel
                )
            })?;
            let mut warnings = task.warnings.clone();
            warnings.extend(estimate.warnings.iter().cloned());
            Ok(gp_record(
                cell,
                &estimate,
                intrinsic_dim,
                settings.confidence,
                warnings,
            ))
        }
        SpaceSpec::Mlp(space) => {
            let data = ibits_nn::TrainTest::new(
                task.x_train.view(),
                task.y_train.view(),
                task.x_test.view(),
                task.y_test.view(),
            )
            .with_context(|| format!("task {}", cell.task.label()))?;
            let config = space
                .sample_config(
                    task.x_train.ncols(),
                    task.y_train.ncols(),
                    settings.samples,
                    cell.seed,
                )
                .map_err(anyhow::Error::msg)?;
            let options = MlpOptions {
                fit: ibits_stats::fit::FitConfig {
                    bootstrap: settings.bootstrap,
                    seed: cell.seed,
                    confidence: settings.confidence,
                    ..Default::default()
                },
                sample_size_advice: false,
            };
            let estimate =
                estimate_mlp(&data, &config, &targets, &options, &|_| {}).with_context(|| {
                    format!(
                        "MLP estimate for {} with {}",
                        cell.task.label(),
                        space_label(&cell.space)
                    )
                })?;
            let mut warnings = task.warnings.clone();
            warnings.extend(estimate.warnings.iter().cloned());
            Ok(mlp_record(cell, &estimate, intrinsic_dim, warnings))
        }
    }
}

/// An interval `[lo, hi]` as a pair when both ends are finite.
fn finite_pair([lo, hi]: [f64; 2]) -> Option<(f64, f64)> {
    (lo.is_finite() && hi.is_finite()).then_some((lo, hi))
}

/// Describe a trained-network estimate as a report record.
fn mlp_record(
    cell: &Cell<TaskEntry, SpaceSpec>,
    estimate: &MlpEstimate,
    intrinsic_dim: Option<usize>,
    warnings: Vec<String>,
) -> CellRecord {
    let finite = |v: f64| v.is_finite().then_some(v);
    let mut parameters = BTreeMap::new();
    let a = &estimate.architecture;
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
            serde_json::to_value(estimate.training).unwrap_or_default(),
        ),
        (
            "precision",
            serde_json::to_value(estimate.precision).unwrap_or_default(),
        ),
        (
            "train_threshold",
            serde_json::json!(estimate.train_threshold),
        ),
    ] {
        parameters.insert(key.to_string(), value);
    }
    let errors: Vec<f64> = estimate
        .hypotheses
        .iter()
        .filter(|h| h.fits_training_set)
        .map(|h| h.test_error)
        .collect();
    let law = estimate.targets.first().map(|t| &t.fitted.fit);
    let grid = density_grid(&errors);
    let estimates = estimate
        .targets
        .iter()
        .map(|t| {
            let f = &t.fitted;
            let c = &f.count;
            TargetEstimate {
                eps: t.eps,
                eps_rule: t.eps_rule.clone(),
                exact_bits: None,
                exact_method: None,
                ruben_bits: None,
                chernoff_bits: None,
                exact_bits_jitter_10x: None,
                fitted: finite(f.bits).map(|bits| BitsInterval {
                    bits,
                    lower: f.interval_bits.and_then(|i| finite(i[0])),
                    upper: f.interval_bits.and_then(|i| finite(i[1])),
                    level: c.proportion.confidence,
                    bootstrap: f
                        .bootstrap
                        .as_ref()
                        .and_then(|b| finite_pair(b.interval_bits)),
                }),
                counting: c.interval_bits[0].is_finite().then(|| CountingBits {
                    hits: c.proportion.successes as u64,
                    samples: c.proportion.trials as u64,
                    bits: finite(c.bits),
                    lower: c.interval_bits[0],
                    upper: finite(c.interval_bits[1]),
                    level: c.proportion.confidence,
                }),
                paper_nats: finite(f.paper.nats),
                warnings: Vec::new(),
            }
        })
        .collect();
    CellRecord {
        task: cell.task.label(),
        intrinsic_dim: intrinsic_dim.map(|m| m as f64),
        n: estimate.n_train,
        test_n: estimate.n_test,
        k: estimate.outputs,
        space: "mlp".into(),
        space_label: Some(space_label(&cell.space)),
        space_parameters: parameters,
        seed: cell.seed,
        mean_error: finite(estimate.mean_test_error),
        samples: Some(estimate.samples),
        rejected: Some(estimate.rejected),
        jitter: None,
        clipped_mass: None,
        distribution: Some(ErrorDistribution {
            test_errors: thinned(&errors),
            exact_density: None,
            fitted_law: law.and_then(|l| fitted_law(l.dof, l.noncentrality, l.scale)),
            fitted_density: law
                .and_then(|l| fitted_density(&grid, l.dof, l.noncentrality, l.scale)),
        }),
        estimates,
        warnings,
    }
}

/// Describe a GP estimate as a report record.
fn gp_record(
    cell: &Cell<TaskEntry, SpaceSpec>,
    estimate: &GpEstimate,
    intrinsic_dim: Option<usize>,
    confidence: f64,
    warnings: Vec<String>,
) -> CellRecord {
    let mut parameters = BTreeMap::new();
    if let Ok(serde_json::Value::Object(kernel)) = serde_json::to_value(estimate.kernel) {
        for (key, value) in kernel {
            parameters.insert(
                if key == "name" {
                    "kernel".to_string()
                } else {
                    key
                },
                value,
            );
        }
    }
    if let Some(rule) = &estimate.kernel_rule {
        parameters.insert(
            "bandwidth_rule".into(),
            serde_json::Value::String(rule.clone()),
        );
    }
    let finite = |v: f64| v.is_finite().then_some(v);
    let estimates = estimate
        .targets
        .iter()
        .map(|t| TargetEstimate {
            eps: t.eps,
            eps_rule: t.eps_rule.clone(),
            exact_bits: finite(t.exact.bits),
            exact_method: Some(t.exact.method.name().to_string()),
            ruben_bits: t.exact.ruben_bits.and_then(finite),
            chernoff_bits: finite(t.exact.chernoff_bits),
            exact_bits_jitter_10x: t.bits_jitter_x10.and_then(finite),
            fitted: t
                .fitted
                .filter(|f| f.bits.is_finite())
                .map(|f| BitsInterval {
                    bits: f.bits,
                    lower: f.interval_bits.and_then(|i| finite(i[0])),
                    upper: f.interval_bits.and_then(|i| finite(i[1])),
                    level: confidence,
                    bootstrap: f.bootstrap_interval_bits.and_then(finite_pair),
                }),
            counting: t
                .counted
                .as_ref()
                .filter(|c| c.interval_bits[0].is_finite())
                .map(|c| CountingBits {
                    hits: c.proportion.successes as u64,
                    samples: c.proportion.trials as u64,
                    bits: finite(c.bits),
                    lower: c.interval_bits[0],
                    upper: finite(c.interval_bits[1]),
                    level: c.proportion.confidence,
                }),
            paper_nats: t.fitted.and_then(|f| finite(f.paper_nats)),
            warnings: Vec::new(),
        })
        .collect();
    CellRecord {
        task: cell.task.label(),
        intrinsic_dim: intrinsic_dim.map(|m| m as f64),
        n: estimate.n_train,
        test_n: estimate.n_test,
        k: estimate.outputs,
        space: format!(
            "gp-{}",
            parameters
                .get("kernel")
                .and_then(|k| k.as_str())
                .unwrap_or("kernel")
        ),
        space_label: Some(space_label(&cell.space)),
        space_parameters: parameters,
        seed: cell.seed,
        mean_error: finite(estimate.mean_error),
        samples: estimate.sampled.as_ref().map(|s| s.samples),
        rejected: None,
        jitter: finite(estimate.jitter),
        clipped_mass: finite(estimate.clipped_mass_relative),
        distribution: estimate.sampled.as_ref().map(|s| {
            let grid = density_grid(&s.errors);
            ErrorDistribution {
                test_errors: thinned(&s.errors),
                exact_density: Some(density_on(&grid, |x| {
                    estimate.error_law.saddlepoint_log_pdf(x)
                })),
                fitted_law: fitted_law(
                    s.fitted_law.dof,
                    s.fitted_law.noncentrality,
                    s.fitted_law.scale,
                ),
                fitted_density: fitted_density(
                    &grid,
                    s.fitted_law.dof,
                    s.fitted_law.noncentrality,
                    s.fitted_law.scale,
                ),
            }
        }),
        estimates,
        warnings,
    }
}

/// At most this many sampled test errors are kept in a record (evenly thinned), enough for a
/// histogram without making results.jsonl large.
const MAX_RECORDED_ERRORS: usize = 5000;

/// Points at which densities are tabulated for the report's histogram.
const DENSITY_POINTS: usize = 160;

/// The errors, thinned evenly to at most [`MAX_RECORDED_ERRORS`] (sample order kept).
fn thinned(errors: &[f64]) -> Vec<f64> {
    let step = errors.len().div_ceil(MAX_RECORDED_ERRORS).max(1);
    errors.iter().step_by(step).copied().collect()
}

/// An even grid over the range of the sampled errors, widened by 5% on each side (clipped at
/// 0: errors are non-negative).
fn density_grid(errors: &[f64]) -> Vec<f64> {
    let finite = errors.iter().copied().filter(|e| e.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), e| {
        (lo.min(e), hi.max(e))
    });
    if !(lo.is_finite() && hi > lo) {
        return Vec::new();
    }
    let pad = 0.05 * (hi - lo);
    let (lo, hi) = ((lo - pad).max(0.0), hi + pad);
    (0..DENSITY_POINTS)
        .map(|i| lo + (hi - lo) * i as f64 / (DENSITY_POINTS - 1) as f64)
        .collect()
}

/// (x, f(x)) on the grid from a log-density, keeping finite values only.
fn density_on(grid: &[f64], log_pdf: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    grid.iter()
        .map(|&x| (x, log_pdf(x).exp()))
        .filter(|(_, f)| f.is_finite())
        .collect()
}

/// The fitted law as recorded, when all its parameters are finite.
fn fitted_law(dof: f64, noncentrality: f64, scale: f64) -> Option<FittedLaw> {
    [dof, noncentrality, scale]
        .iter()
        .all(|v| v.is_finite())
        .then_some(FittedLaw {
            dof,
            noncentrality,
            scale,
        })
}

/// The density of the fitted s·χ'²_ν(λ) on the grid, when the law is valid.
fn fitted_density(
    grid: &[f64],
    dof: f64,
    noncentrality: f64,
    scale: f64,
) -> Option<Vec<(f64, f64)>> {
    let law = ibits_stats::Ncx2::scaled(dof, noncentrality, scale).ok()?;
    Some(density_on(grid, |x| law.log_pdf(x)))
}

/// The space as written: `gp-rbf(bandwidth=median)`, `gp-nngp-relu(depth=2)`.
fn space_label(space: &SpaceSpec) -> String {
    match space {
        SpaceSpec::Mlp(mlp) => {
            // Architecture first (it is what distinguishes spaces in charts), then training.
            let mut written = Vec::new();
            if let Ok(serde_json::Value::Object(mut fields)) = serde_json::to_value(&mlp.fields) {
                for key in ["width", "depth", "activation", "init"] {
                    if let Some(value) = fields.remove(key) {
                        written.push(format!("{key}={}", value.to_string().trim_matches('"')));
                    }
                }
                for (key, value) in fields {
                    written.push(format!("{key}={}", value.to_string().trim_matches('"')));
                }
            }
            format!("mlp({})", written.join(","))
        }
        SpaceSpec::Gp(gp) => {
            let mut written = Vec::new();
            if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(&gp.fields) {
                for (key, value) in fields {
                    if key != "kernel" {
                        written.push(format!("{key}={}", value.to_string().trim_matches('"')));
                    }
                }
            }
            if written.is_empty() {
                format!("gp-{}", gp.fields.kernel)
            } else {
                format!("gp-{}({})", gp.fields.kernel, written.join(","))
            }
        }
    }
}

/// Text summary of a sweep.
fn summary_text(name: &str, dir: &Path, shard: Shard, summary: &SweepSummary) -> String {
    let mut text = format!(
        "sweep {name}: {} cells in the grid{}; {} already finished, {} run now, {} failed\n",
        summary.grid,
        if shard.count > 1 {
            format!(", {} in shard {shard}", summary.shard)
        } else {
            String::new()
        },
        summary.skipped,
        summary.ran,
        summary.failed.len()
    );
    if summary.stale > 0 {
        text.push_str(&format!(
            "{} result lines belong to cells no longer in the experiment file (kept, not reported)\n",
            summary.stale
        ));
    }
    text.push_str(&format!(
        "results: {} and {}\nreport:  ibits report {}\n",
        dir.join("results.jsonl").display(),
        dir.join("summary.csv").display(),
        dir.display()
    ));
    text
}

/// JSON summary of a sweep.
#[derive(Debug, Serialize)]
struct SweepReport<'a> {
    experiment: &'a str,
    out: &'a Path,
    shard: String,
    grid_cells: usize,
    shard_cells: usize,
    already_finished: usize,
    ran: usize,
    failed: Vec<FailedCell>,
    stale_lines: usize,
}

#[derive(Debug, Serialize)]
struct FailedCell {
    index: usize,
    id: String,
    error: String,
}

/// One cell as `--dry-run` lists it.
#[derive(Debug, Serialize)]
struct PlannedCell {
    index: usize,
    id: String,
    seed: u64,
    task: String,
    space: serde_json::Value,
    n: usize,
    test_n: usize,
}

/// `--dry-run`: list the cells of this shard.
fn list_cells(experiment: &SweepExperiment, shard: Shard, json: bool) -> anyhow::Result<()> {
    let cells: Vec<PlannedCell> = experiment
        .cells
        .iter()
        .filter(|c| shard.contains(c.index))
        .map(|c| PlannedCell {
            index: c.index,
            id: c.id.clone(),
            seed: c.seed,
            task: c.task.label(),
            space: serde_json::to_value(&c.space).unwrap_or(serde_json::Value::Null),
            n: c.n,
            test_n: c.test_n.unwrap_or(experiment.settings.test_n),
        })
        .collect();
    if json {
        return print_json(&cells);
    }
    let targets: Vec<String> = experiment
        .targets
        .iter()
        .map(|t| match t {
            Target::Absolute(eps) => format!("eps = {eps}"),
            Target::RelativeToMean(r) => format!("eps = {r} x mean error"),
        })
        .collect();
    let mut text = format!(
        "experiment {}: {} cells ({} in shard {shard}), targets {}\n",
        experiment.name,
        experiment.cells.len(),
        cells.len(),
        targets.join(", ")
    );
    for cell in &cells {
        text.push_str(&format!(
            "{:>5}  {}  seed {:>20}  {}  {}  n = {}, N = {}\n",
            cell.index, cell.id, cell.seed, cell.task, cell.space, cell.n, cell.test_n
        ));
    }
    print_text(&text)
}

/// Run `ibits sweep`.
pub fn run(args: &SweepArgs) -> anyhow::Result<()> {
    if args.jobs == 0 {
        return Err(usage("--jobs must be >= 1"));
    }
    let shard = match &args.shard {
        None => Shard::ALL,
        Some(text) => Shard::parse(text).map_err(|e| usage(format!("--shard {text}: {e}")))?,
    };
    let experiment = read_experiment(&args.experiment)?;
    if args.dry_run {
        return list_cells(&experiment, shard, args.json);
    }
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("sweep-{}", experiment.name)));
    let bar = progress_bar(0, args.json, "cells");
    let settings = experiment.settings.clone();
    let summary = run_sweep(
        &dir,
        &experiment,
        SweepOptions {
            jobs: args.jobs,
            shard,
        },
        |cell| run_cell(cell, &settings).map_err(|e| crate::output::error_text(&e)),
        |event| match event {
            SweepEvent::Started {
                shard, finished, ..
            } => {
                bar.set_length(*shard as u64);
                bar.set_position(*finished as u64);
                bar.reset_eta();
            }
            SweepEvent::CellFinished { .. } => bar.inc(1),
            SweepEvent::CellFailed { index, message } => {
                bar.suspend(|| eprintln!("ibits: cell {index} failed: {message}"));
                bar.inc(1);
            }
        },
    )
    .with_context(|| format!("sweep into {}", dir.display()))?;
    bar.finish_and_clear();
    if args.json {
        print_json(&SweepReport {
            experiment: &experiment.name,
            out: &dir,
            shard: shard.to_string(),
            grid_cells: summary.grid,
            shard_cells: summary.shard,
            already_finished: summary.skipped,
            ran: summary.ran,
            failed: summary
                .failed
                .iter()
                .map(|(index, id, error)| FailedCell {
                    index: *index,
                    id: id.clone(),
                    error: error.clone(),
                })
                .collect(),
            stale_lines: summary.stale,
        })?;
    } else {
        print_text(&summary_text(&experiment.name, &dir, shard, &summary))?;
    }
    summary.check()?;
    Ok(())
}
