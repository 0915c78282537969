//! Task flags: what turns a task string (`mnist`, `idx:DIR`, `csv:FILE[:LABELCOL]`, `npy:...`,
//! `synthetic`) and its options into the library's `ibits_data::TaskOptions`, which holds every
//! default. `ibits data info` and `ibits bound` flatten [`TaskOptions`] (sizes default to the
//! whole split); `ibits estimate` and `ibits models` flatten [`TaskArgs`] (n = 1000, N = 500).

use anyhow::Context;
use clap::ValueEnum;
use ibits::data::{
    DataError, ManifoldKind, ScalingOption, SubsetRule, TargetOption, Task, TaskSource, TeacherKind,
};

use crate::output::usage;

/// How training and test rows are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SubsetArg {
    /// The first rows in file order.
    First,
    /// A seeded uniformly random subset.
    Random,
    /// A seeded subset with the class proportions of the data.
    Stratified,
}

/// Target kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// Classes for labelled data, regression for real-valued targets.
    Auto,
    /// One-hot class targets.
    Classification,
    /// Real-valued targets.
    Regression,
}

/// Manifold of synthetic inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ManifoldArg {
    /// A random linear subspace.
    Linear,
    /// A random curved embedding (random Fourier features).
    Curved,
}

/// Teacher of synthetic targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TeacherArg {
    /// Random one-hidden-layer tanh network.
    Network,
    /// Random sum of cosines (approximate RBF Gaussian-process draw).
    Fourier,
}

/// The manifold and teacher of a synthetic task, as flags (`ibits data info`, `ibits estimate`)
/// or sweep-file keys of the same names.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SyntheticShape {
    /// Synthetic: manifold of the inputs [default: linear].
    #[arg(long, value_enum, help_heading = "Synthetic tasks")]
    pub manifold: Option<ManifoldArg>,
    /// Synthetic: frequency nu of the curved manifold, > 0 [default: 1].
    #[arg(long, value_name = "NU", help_heading = "Synthetic tasks")]
    pub curvature: Option<f64>,
    /// Synthetic: teacher function of the latent coordinates [default: network].
    #[arg(long, value_enum, help_heading = "Synthetic tasks")]
    pub teacher: Option<TeacherArg>,
    /// Synthetic: hidden width H of the network teacher, or number of terms J of the Fourier
    /// teacher, >= 1 [default: 100].
    #[arg(long, value_name = "H", help_heading = "Synthetic tasks")]
    pub teacher_size: Option<usize>,
    /// Synthetic: frequency of the Fourier teacher, > 0 [default: 1].
    #[arg(long, value_name = "NU", help_heading = "Synthetic tasks")]
    pub teacher_frequency: Option<f64>,
}

impl SyntheticShape {
    /// True when any of the flags was given.
    pub fn is_set(&self) -> bool {
        self.manifold.is_some()
            || self.curvature.is_some()
            || self.teacher.is_some()
            || self.teacher_size.is_some()
            || self.teacher_frequency.is_some()
    }

    /// Write the manifold and teacher flags into the library's task options.
    pub fn apply(&self, o: &mut ibits_data::TaskOptions) {
        o.manifold = self.manifold.map(Into::into);
        o.curvature = self.curvature;
        o.teacher = self.teacher.map(Into::into);
        o.teacher_size = self.teacher_size;
        o.teacher_frequency = self.teacher_frequency;
    }
}

/// Flags that build a task from a task string. Flatten into a command and call
/// [`TaskOptions::load`]; every default is the library's (`ibits_data::TaskOptions`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TaskOptions {
    /// Training rows n [default: the whole official training split; for a single table, the
    /// rows not used for testing].
    #[arg(long, value_name = "N")]
    pub n_train: Option<usize>,
    /// Test rows N [default: the whole official test split; for a single table, the rest, or
    /// a fifth of it when --n-train is not given].
    #[arg(long, value_name = "N")]
    pub n_test: Option<usize>,
    /// Classes or real targets [default: auto].
    #[arg(long, value_enum)]
    pub target: Option<TargetArg>,
    /// Rows, classes, scaling and synthetic options.
    #[command(flatten)]
    pub flags: TaskFlags,
}

/// The task flags other than the sizes and the target kind, shared by every command that builds
/// a task (`data info`, `bound`, `estimate`, `models`; in the last two `--target` is the target
/// error); each is a field of the library's `ibits_data::TaskOptions`, which holds every
/// default.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TaskFlags {
    /// How rows are chosen [default: first].
    #[arg(long, value_enum)]
    pub subset: Option<SubsetArg>,
    /// Seed of the random or stratified subset [default: --data-seed, else 0].
    #[arg(long, value_name = "SEED")]
    pub subset_seed: Option<u64>,
    /// Keep only these classes (source class indices, comma-separated), relabelled 0, 1, ...
    /// in the order given; e.g. --classes 0,1.
    #[arg(long, value_delimiter = ',', value_name = "C,C,...")]
    pub classes: Option<Vec<usize>>,
    /// Input scaling: auto (images / pixel max, vendored tables standardised, user data as
    /// read), none, pixel-max, standardize, or divide:S [default: auto].
    #[arg(long, value_name = "SCALING")]
    pub scaling: Option<String>,
    /// Average-pool images by this factor (must divide the height and width).
    #[arg(long, value_name = "F")]
    pub downsample: Option<usize>,
    /// Project inputs onto their top M principal components (fitted on the training rows).
    #[arg(long, value_name = "M")]
    pub pca: Option<usize>,
    /// Synthetic: intrinsic dimension m, >= 1 [default: 2].
    #[arg(long, value_name = "M", help_heading = "Synthetic tasks")]
    pub intrinsic_dim: Option<usize>,
    /// Synthetic: input dimension D, >= m [default: max(20, m)].
    #[arg(long, value_name = "D", help_heading = "Synthetic tasks")]
    pub ambient_dim: Option<usize>,
    /// Manifold and teacher of a synthetic task.
    #[command(flatten)]
    pub shape: SyntheticShape,
    /// Synthetic: number of classes (>= 2) or regression outputs (>= 1) k [default: 2].
    #[arg(long, value_name = "K", help_heading = "Synthetic tasks")]
    pub outputs: Option<usize>,
    /// Synthetic: standard deviation of the noise added to the unit-variance teacher outputs,
    /// >= 0 [default: 0].
    #[arg(long, value_name = "SIGMA", help_heading = "Synthetic tasks")]
    pub noise: Option<f64>,
    /// Seed of the data: the synthetic generator, and the subset unless --subset-seed is given
    /// [default: 0].
    #[arg(long, value_name = "SEED")]
    pub data_seed: Option<u64>,
}

impl From<SubsetArg> for SubsetRule {
    fn from(s: SubsetArg) -> Self {
        match s {
            SubsetArg::First => SubsetRule::First,
            SubsetArg::Random => SubsetRule::Random,
            SubsetArg::Stratified => SubsetRule::Stratified,
        }
    }
}

impl From<ManifoldArg> for ManifoldKind {
    fn from(m: ManifoldArg) -> Self {
        match m {
            ManifoldArg::Linear => ManifoldKind::Linear,
            ManifoldArg::Curved => ManifoldKind::Curved,
        }
    }
}

impl From<TeacherArg> for TeacherKind {
    fn from(t: TeacherArg) -> Self {
        match t {
            TeacherArg::Network => TeacherKind::Network,
            TeacherArg::Fourier => TeacherKind::Fourier,
        }
    }
}

impl TaskOptions {
    /// True when any option that shapes a task (rather than describing a dataset) was given.
    pub fn is_set(&self) -> bool {
        self.n_train.is_some()
            || self.n_test.is_some()
            || self.target.is_some()
            || self.flags.is_set()
    }

    /// The library's task options for `task` (a name or source string) these flags describe.
    ///
    /// # Errors
    /// As [`TaskFlags::apply`].
    pub fn to_library(&self, task: &str) -> anyhow::Result<ibits_data::TaskOptions> {
        let mut o = ibits_data::TaskOptions::new(task);
        o.n_train = self.n_train;
        o.n_test = self.n_test;
        o.target = self.target.map(|t| match t {
            TargetArg::Auto => TargetOption::Auto,
            TargetArg::Classification => TargetOption::Classification,
            TargetArg::Regression => TargetOption::Regression,
        });
        self.flags.apply(&mut o)?;
        Ok(o)
    }

    /// Build the task `task`: bad names, options and sizes are usage errors (exit 2),
    /// unreadable or corrupt files failures (exit 1).
    pub fn load(&self, task: &str) -> anyhow::Result<Task> {
        let spec = self.to_library(task)?.spec().map_err(data_error)?;
        ibits_data::load_task(&spec)
            .map_err(data_error)
            .with_context(|| format!("building task {task:?}"))
    }
}

impl TaskFlags {
    /// True when any synthetic-only flag was given.
    fn has_synthetic_flags(&self) -> bool {
        self.intrinsic_dim.is_some()
            || self.ambient_dim.is_some()
            || self.shape.is_set()
            || self.outputs.is_some()
            || self.noise.is_some()
    }

    /// True when any flag was given.
    pub fn is_set(&self) -> bool {
        self.subset.is_some()
            || self.subset_seed.is_some()
            || self.classes.is_some()
            || self.scaling.is_some()
            || self.downsample.is_some()
            || self.pca.is_some()
            || self.data_seed.is_some()
            || self.has_synthetic_flags()
    }

    /// Write these flags into the library's task options `o` (whose `source` is the task);
    /// the library validates them.
    ///
    /// # Errors
    /// A usage error (exit 2) for a bad --scaling, or synthetic-task flags with another task.
    pub fn apply(&self, o: &mut ibits_data::TaskOptions) -> anyhow::Result<()> {
        let task = o.source.clone();
        let source = task.parse::<TaskSource>();
        let other = source.is_ok_and(|s| !matches!(s, TaskSource::Synthetic(_)));
        if self.has_synthetic_flags() && other {
            return Err(usage(format!("synthetic-task flags (--intrinsic-dim, --noise, ...) apply only to the task 'synthetic', not {task:?}")));
        }
        o.subset = self.subset.map(Into::into);
        o.subset_seed = self.subset_seed;
        o.data_seed = self.data_seed;
        o.classes = self.classes.clone();
        o.scaling = (self.scaling.as_deref())
            .map(|s| s.parse::<ScalingOption>())
            .transpose()
            .map_err(|e| usage(format!("--scaling: {e}")))?;
        o.downsample = self.downsample;
        o.pca = self.pca;
        o.intrinsic_dim = self.intrinsic_dim;
        o.ambient_dim = self.ambient_dim;
        o.outputs = self.outputs;
        o.noise = self.noise;
        self.shape.apply(o);
        Ok(())
    }
}

/// Map a library error to the exit-code convention: bad names and parameters are usage
/// errors (2); bad files, checksums and I/O are failures (1).
pub fn data_error(e: DataError) -> anyhow::Error {
    match e {
        DataError::UnknownDataset { .. }
        | DataError::BadSource { .. }
        | DataError::InvalidParameter { .. }
        | DataError::SubsetTooLarge { .. } => usage(e.to_string()),
        other => anyhow::Error::new(other),
    }
}

/// Task flags.
#[derive(Debug, Clone, clap::Args)]
pub struct TaskArgs {
    /// Task: a vendored dataset (mnist, iris, wine, breast-cancer, digits, ...), idx:DIR,
    /// csv:FILE[:LABELCOL], npy:X,Y[,XT,YT] or synthetic.
    #[arg(long, default_value = ibits::data::TaskOptions::DEFAULT_SOURCE)]
    pub task: String,
    /// n, training points (the first n of the training split unless --subset says otherwise).
    #[arg(long, default_value_t = 1000)]
    pub n_train: usize,
    /// N, test points (the first N of the test split unless --subset says otherwise).
    #[arg(long, default_value_t = 500)]
    pub n_test: usize,
    /// Rows, classes, targets, scaling and synthetic options, as for `ibits data info`.
    #[command(flatten)]
    pub flags: TaskFlags,
}

impl TaskArgs {
    /// The library's task options these flags describe.
    ///
    /// # Errors
    /// As [`TaskFlags::apply`].
    pub fn options(&self) -> anyhow::Result<ibits::data::TaskOptions> {
        let mut o =
            ibits::data::TaskOptions::new(self.task.clone()).with_sizes(self.n_train, self.n_test);
        self.flags.apply(&mut o)?;
        Ok(o)
    }

    /// Load the task, planning a synthetic task against `max_memory` bytes (`None`:
    /// MemAvailable): bad names, options and sizes are usage errors (exit 2), unreadable or
    /// corrupt files failures (exit 1).
    pub fn load_within(&self, max_memory: Option<u64>) -> anyhow::Result<Task> {
        self.options()?
            .load_within(max_memory)
            .map_err(data_error)
            .with_context(|| format!("loading task {}", self.task))
    }
}
