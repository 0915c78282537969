//! Task options: what a user writes to choose a task (a TOML table of an experiment file, the
//! task flags of the command line, keyword arguments of a binding), validated into a
//! [`TaskSpec`] and loaded into a [`Task`].
//!
//! Every field is optional and kept **as written** (`None` = the default stated on the field),
//! so that an experiment cell's identity depends only on what its file says. The defaults live
//! here and nowhere else.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::DataError;
use crate::preprocess::{Preprocess, Scaling};
use crate::source::TaskSource;
use crate::subset::Subset;
use crate::synthetic::{Manifold, SyntheticKind, SyntheticSpec, Teacher};
use crate::task::{load_task, load_task_within, TargetKind, Task, TaskSpec};

/// How training and test rows are chosen from their pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubsetRule {
    /// The first rows in file order (default).
    #[default]
    First,
    /// A seeded uniformly random subset.
    Random,
    /// A seeded subset with the class proportions of the pool.
    Stratified,
}

/// The manifold of a synthetic task's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum ManifoldKind {
    /// A random linear subspace (default).
    #[default]
    Linear,
    /// A random curved embedding (random Fourier features of frequency `curvature`).
    Curved,
}

/// The teacher that makes a synthetic task's targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum TeacherKind {
    /// A random one-hidden-layer tanh network of width `teacher_size` (default).
    #[default]
    Network,
    /// A random sum of `teacher_size` cosines of frequency `teacher_frequency`.
    Fourier,
}

/// Classes or real targets, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetOption {
    /// Classes for labelled data, regression for user tables with non-integer labels (default).
    #[default]
    Auto,
    /// Classes, one-hot targets.
    Classification,
    /// Real targets.
    Regression,
}

impl From<TargetOption> for TargetKind {
    fn from(t: TargetOption) -> Self {
        match t {
            TargetOption::Auto => TargetKind::Auto,
            TargetOption::Classification => TargetKind::Classification,
            TargetOption::Regression => TargetKind::Regression,
        }
    }
}

/// Input scaling as written: `auto`, `none`, `pixel-max`, `standardize` or `divide:S`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScalingOption(pub Scaling);

impl std::str::FromStr for ScalingOption {
    type Err = DataError;

    fn from_str(s: &str) -> Result<Self, DataError> {
        let lower = s.trim().to_ascii_lowercase();
        Ok(Self(match lower.as_str() {
            "auto" => Scaling::Auto,
            "none" => Scaling::None,
            "pixel-max" | "pixelmax" => Scaling::PixelMax,
            "standardize" | "standardise" => Scaling::Standardize,
            other => match other.strip_prefix("divide:").map(str::parse::<f64>) {
                Some(Ok(v)) if v.is_finite() && v > 0.0 => Scaling::Divide(v),
                _ => {
                    return Err(DataError::invalid(
                        "scaling",
                        format!("{s:?}"),
                        "expected auto, none, pixel-max, standardize or divide:S with S > 0",
                    ))
                }
            },
        }))
    }
}

impl std::fmt::Display for ScalingOption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Scaling::Auto => f.write_str("auto"),
            Scaling::None => f.write_str("none"),
            Scaling::PixelMax => f.write_str("pixel-max"),
            Scaling::Standardize => f.write_str("standardize"),
            Scaling::Divide(v) => write!(f, "divide:{v}"),
        }
    }
}

impl Serialize for ScalingOption {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ScalingOption {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(D::Error::custom)
    }
}

/// Options that choose and shape a task. Synthetic-only fields apply to `source = "synthetic"`.
///
/// Defaults (`None`): all rows of the official splits (a single table: the rows not used for
/// testing, a fifth of it for testing), the first rows, every class, automatic targets and
/// scaling; synthetic m = [`TaskOptions::DEFAULT_INTRINSIC_DIM`], D = max(20, m), k = 2
/// classes, no noise, a linear manifold and a network teacher of width 100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskOptions {
    /// Source string: a vendored dataset (`mnist`, `iris`, ...), `idx:DIR`,
    /// `csv:FILE[:LABELCOL]`, `npy:X,Y[,XT,YT]` or `synthetic`.
    pub source: String,
    /// n, training rows (default: every row of the training pool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_train: Option<usize>,
    /// N, test rows (default: every row of the test pool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_test: Option<usize>,
    /// How rows are chosen: `first` (default), `random` or `stratified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subset: Option<SubsetRule>,
    /// Seed of a random or stratified subset (default: `data_seed`, else 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subset_seed: Option<u64>,
    /// Seed of the data: the synthetic generator, and the subset unless `subset_seed` is given
    /// (default 0). Kept apart from the estimate's seed so that every hypothesis space sees the
    /// same data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_seed: Option<u64>,
    /// Keep only these classes (source class indices), relabelled 0, 1, ... in this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<usize>>,
    /// Classes or real targets (default automatic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetOption>,
    /// Input scaling (default automatic: images / pixel max, vendored tables standardised,
    /// user data and synthetic tasks as generated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling: Option<ScalingOption>,
    /// Average-pool images by this factor (must divide the height and width).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downsample: Option<usize>,
    /// Project inputs onto their top principal components (fitted on the training rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pca: Option<usize>,
    /// Synthetic: intrinsic dimension m (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intrinsic_dim: Option<usize>,
    /// Synthetic: input dimension D (default max(20, m)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ambient_dim: Option<usize>,
    /// Synthetic: classes (or regression outputs) k (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<usize>,
    /// Synthetic: standard deviation of the label noise (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<f64>,
    /// Synthetic: real-valued targets instead of classes (default false; the same as
    /// `target = "regression"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regression: Option<bool>,
    /// Synthetic: the manifold, `linear` (default) or `curved`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifold: Option<ManifoldKind>,
    /// Synthetic: frequency nu of the curved manifold (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curvature: Option<f64>,
    /// Synthetic: the teacher, `network` (default) or `fourier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher: Option<TeacherKind>,
    /// Synthetic: width of the network teacher or terms of the Fourier teacher (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_size: Option<usize>,
    /// Synthetic: frequency of the Fourier teacher (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_frequency: Option<f64>,
}

impl Default for TaskOptions {
    fn default() -> Self {
        Self::new(Self::DEFAULT_SOURCE)
    }
}

impl TaskOptions {
    /// The task of `ibits estimate` with no flags.
    pub const DEFAULT_SOURCE: &'static str = "mnist";
    /// Synthetic intrinsic dimension m when none is given.
    pub const DEFAULT_INTRINSIC_DIM: usize = 2;
    /// Synthetic input dimension D when none is given: max(this, m).
    pub const DEFAULT_AMBIENT_DIM: usize = 20;
    /// Synthetic classes k when none are given.
    pub const DEFAULT_OUTPUTS: usize = 2;
    /// Width of the network teacher / terms of the Fourier teacher when none is given.
    pub const DEFAULT_TEACHER_SIZE: usize = 100;

    /// A source with every option at its default.
    pub fn new(source: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            n_train: None,
            n_test: None,
            subset: None,
            subset_seed: None,
            data_seed: None,
            classes: None,
            target: None,
            scaling: None,
            downsample: None,
            pca: None,
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
        }
    }

    /// The same options with n training and N test rows.
    pub fn with_sizes(mut self, n_train: usize, n_test: usize) -> Self {
        self.n_train = Some(n_train);
        self.n_test = Some(n_test);
        self
    }

    /// The synthetic-only options that were given, by name.
    fn synthetic_options_given(&self) -> Vec<&'static str> {
        [
            ("intrinsic_dim", self.intrinsic_dim.is_some()),
            ("ambient_dim", self.ambient_dim.is_some()),
            ("outputs", self.outputs.is_some()),
            ("noise", self.noise.is_some()),
            ("regression", self.regression.is_some()),
            ("manifold", self.manifold.is_some()),
            ("curvature", self.curvature.is_some()),
            ("teacher", self.teacher.is_some()),
            ("teacher_size", self.teacher_size.is_some()),
            ("teacher_frequency", self.teacher_frequency.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, set)| set.then_some(key))
        .collect()
    }

    /// The task's name in reports: the source string plus the options that were set, e.g.
    /// `synthetic(m=4,D=10,k=2)`.
    pub fn label(&self) -> String {
        let mut options = Vec::new();
        for (key, value) in [
            ("m", self.intrinsic_dim.map(|v| v.to_string())),
            ("D", self.ambient_dim.map(|v| v.to_string())),
            ("k", self.outputs.map(|v| v.to_string())),
            ("noise", self.noise.map(|v| v.to_string())),
            ("regression", self.regression.map(|v| v.to_string())),
            ("manifold", self.manifold.map(|v| name_of(&v))),
            ("curvature", self.curvature.map(|v| v.to_string())),
            ("teacher", self.teacher.map(|v| name_of(&v))),
            ("teacher_size", self.teacher_size.map(|v| v.to_string())),
            (
                "teacher_frequency",
                self.teacher_frequency.map(|v| v.to_string()),
            ),
            ("subset", self.subset.map(|v| name_of(&v))),
            ("subset_seed", self.subset_seed.map(|v| v.to_string())),
            ("data_seed", self.data_seed.map(|v| v.to_string())),
            (
                "classes",
                self.classes.as_ref().map(|c| {
                    c.iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join("+")
                }),
            ),
            ("target", self.target.map(|v| name_of(&v))),
            ("scaling", self.scaling.map(|v| v.to_string())),
            ("downsample", self.downsample.map(|v| v.to_string())),
            ("pca", self.pca.map(|v| v.to_string())),
        ] {
            if let Some(value) = value {
                options.push(format!("{key}={value}"));
            }
        }
        if options.is_empty() {
            self.source.clone()
        } else {
            format!("{}({})", self.source, options.join(","))
        }
    }

    /// The intrinsic dimension of a synthetic task (`None` for real data or a bad source).
    pub fn intrinsic_dim(&self) -> Option<usize> {
        match self.source.parse::<TaskSource>() {
            Ok(TaskSource::Synthetic(_)) => {
                Some(self.intrinsic_dim.unwrap_or(Self::DEFAULT_INTRINSIC_DIM))
            }
            _ => None,
        }
    }

    /// The synthetic generator these options describe.
    fn synthetic(&self) -> Result<SyntheticSpec, DataError> {
        if self.curvature.is_some() && self.manifold != Some(ManifoldKind::Curved) {
            return Err(DataError::invalid(
                "curvature",
                self.curvature.unwrap_or_default(),
                "`curvature` needs manifold = \"curved\" (flag --manifold curved)",
            ));
        }
        if self.teacher_frequency.is_some() && self.teacher != Some(TeacherKind::Fourier) {
            return Err(DataError::invalid(
                "teacher_frequency",
                self.teacher_frequency.unwrap_or_default(),
                "`teacher_frequency` needs teacher = \"fourier\" (flag --teacher fourier)",
            ));
        }
        let size = self.teacher_size.unwrap_or(Self::DEFAULT_TEACHER_SIZE);
        let manifold = match self.manifold.unwrap_or_default() {
            ManifoldKind::Linear => Manifold::Linear,
            ManifoldKind::Curved => Manifold::Curved {
                frequency: self.curvature.unwrap_or(1.0),
            },
        };
        let teacher = match self.teacher.unwrap_or_default() {
            TeacherKind::Network => Teacher::Network { width: size },
            TeacherKind::Fourier => Teacher::Fourier {
                terms: size,
                frequency: self.teacher_frequency.unwrap_or(1.0),
            },
        };
        let regression =
            self.regression.unwrap_or(false) || self.target == Some(TargetOption::Regression);
        let intrinsic_dim = self.intrinsic_dim.unwrap_or(Self::DEFAULT_INTRINSIC_DIM);
        let spec = SyntheticSpec {
            intrinsic_dim,
            ambient_dim: self
                .ambient_dim
                .unwrap_or(Self::DEFAULT_AMBIENT_DIM.max(intrinsic_dim)),
            manifold,
            teacher,
            outputs: self.outputs.unwrap_or(Self::DEFAULT_OUTPUTS),
            kind: if regression {
                SyntheticKind::Regression
            } else {
                SyntheticKind::Classification
            },
            noise: self.noise.unwrap_or(0.0),
            seed: self.data_seed.unwrap_or(0),
        };
        spec.validate()?;
        Ok(spec)
    }

    /// The validated task spec: source parsed, synthetic options resolved, every option
    /// checked against the source it applies to.
    ///
    /// # Errors
    /// [`DataError`] for an unknown source (listing what is available), a synthetic-only
    /// option on real data, `subset_seed` without a random or stratified subset, n or N of 0,
    /// or an invalid synthetic parameter.
    pub fn spec(&self) -> Result<TaskSpec, DataError> {
        let mut source: TaskSource = self.source.parse()?;
        if let TaskSource::Synthetic(syn) = &mut source {
            *syn = self.synthetic()?;
        } else if let Some(key) = self.synthetic_options_given().first() {
            return Err(DataError::invalid(
                key,
                "(given)",
                format!("`{key}` applies only to source = \"synthetic\", not {:?} (flags --intrinsic-dim, --ambient-dim, --outputs, --noise, --manifold, --curvature, --teacher, --teacher-size, --teacher-frequency); drop it", self.source),
            ));
        }
        if self.subset_seed.is_some() && matches!(self.subset, None | Some(SubsetRule::First)) {
            return Err(DataError::invalid(
                "subset_seed",
                self.subset_seed.unwrap_or_default(),
                "needs subset = \"random\" or \"stratified\" (flag --subset)",
            ));
        }
        for (field, value) in [("n_train", self.n_train), ("n_test", self.n_test)] {
            if value == Some(0) {
                return Err(DataError::invalid(field, 0, "must be >= 1"));
            }
        }
        let seed = self.subset_seed.or(self.data_seed).unwrap_or(0);
        let subset = match self.subset.unwrap_or_default() {
            SubsetRule::First => Subset::First,
            SubsetRule::Random => Subset::Random { seed },
            SubsetRule::Stratified => Subset::Stratified { seed },
        };
        Ok(TaskSpec {
            source,
            n_train: self.n_train,
            n_test: self.n_test,
            subset,
            classes: self.classes.clone(),
            target: self.target.unwrap_or_default().into(),
            preprocess: Preprocess {
                scaling: self.scaling.map(|s| s.0).unwrap_or_default(),
                downsample: self.downsample,
                pca: self.pca,
            },
        })
    }

    /// Load the task.
    ///
    /// # Errors
    /// As [`TaskOptions::spec`] and [`load_task`].
    pub fn load(&self) -> Result<Task, DataError> {
        load_task(&self.spec()?)
    }

    /// Load the task, planning a synthetic task against `max_memory` bytes (`None`:
    /// MemAvailable) before generating it.
    ///
    /// # Errors
    /// As [`TaskOptions::load`], and a synthetic task that would not fit.
    pub fn load_within(&self, max_memory: Option<u64>) -> Result<Task, DataError> {
        load_task_within(&self.spec()?, max_memory)
    }
}

/// The serde name of a unit enum value (`"stratified"`).
fn name_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

impl TryFrom<String> for ManifoldKind {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "linear" => Ok(Self::Linear),
            "curved" => Ok(Self::Curved),
            _ => Err(format!(
                "`manifold` must be one of linear, curved, got {text:?}"
            )),
        }
    }
}

impl TryFrom<String> for TeacherKind {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "network" => Ok(Self::Network),
            "fourier" => Ok(Self::Fourier),
            _ => Err(format!(
                "`teacher` must be one of network, fourier, got {text:?}"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 13: a synthetic task of intrinsic and ambient dimension 1e6 tried to allocate 8 TB
    // and aborted, also under --max-memory 2.
    #[test]
    fn huge_synthetic_tasks_are_refused_under_the_memory_limit() {
        let mut o = TaskOptions::new("synthetic").with_sizes(1000, 500);
        o.intrinsic_dim = Some(1_000_000);
        o.ambient_dim = Some(1_000_000);
        let e = o.load_within(Some(2 << 30)).unwrap_err().to_string();
        assert!(
            e.contains("TB") || e.contains("GB") || e.contains("bytes"),
            "{e}"
        );
        o.intrinsic_dim = Some(2);
        o.ambient_dim = Some(4);
        assert!(o.load_within(Some(2 << 30)).is_ok());
    }

    #[test]
    fn label_lists_the_options_that_were_written() {
        let mut o = TaskOptions::new("synthetic");
        assert_eq!(o.label(), "synthetic");
        o.intrinsic_dim = Some(4);
        o.ambient_dim = Some(10);
        o.outputs = Some(2);
        o.subset = Some(SubsetRule::Stratified);
        assert_eq!(o.label(), "synthetic(m=4,D=10,k=2,subset=stratified)");
    }

    #[test]
    fn synthetic_defaults_widen_the_ambient_dimension() {
        let mut o = TaskOptions::new("synthetic");
        o.intrinsic_dim = Some(32);
        let TaskSource::Synthetic(s) = o.spec().unwrap().source else {
            panic!("synthetic source expected");
        };
        assert_eq!((s.intrinsic_dim, s.ambient_dim, s.outputs), (32, 32, 2));
        o.intrinsic_dim = Some(3);
        let TaskSource::Synthetic(s) = o.spec().unwrap().source else {
            panic!("synthetic source expected");
        };
        assert_eq!(s.ambient_dim, 20);
    }

    #[test]
    fn options_that_do_not_apply_are_errors_naming_the_key() {
        let mut o = TaskOptions::new("iris");
        o.noise = Some(0.1);
        let e = o.spec().unwrap_err().to_string();
        assert!(e.contains("noise") && e.contains("synthetic"), "{e}");
        let mut o = TaskOptions::new("iris");
        o.subset_seed = Some(3);
        assert!(o.spec().unwrap_err().to_string().contains("subset_seed"));
        let mut o = TaskOptions::new("synthetic");
        o.curvature = Some(2.0);
        assert!(o.spec().unwrap_err().to_string().contains("curved"));
    }

    #[test]
    fn data_seed_seeds_the_subset_unless_subset_seed_is_given() {
        let mut o = TaskOptions::new("iris");
        o.subset = Some(SubsetRule::Random);
        o.data_seed = Some(7);
        assert_eq!(o.spec().unwrap().subset, Subset::Random { seed: 7 });
        o.subset_seed = Some(9);
        assert_eq!(o.spec().unwrap().subset, Subset::Random { seed: 9 });
    }

    #[test]
    fn toml_style_values_deserialize_and_round_trip() {
        let json = serde_json::json!({
            "source": "synthetic", "intrinsic_dim": 4, "manifold": "curved", "curvature": 2.0,
            "scaling": "divide:255", "subset": "random"
        });
        let o: TaskOptions = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(o.scaling, Some(ScalingOption(Scaling::Divide(255.0))));
        assert_eq!(serde_json::to_value(&o).unwrap(), json);
        let bad: Result<TaskOptions, _> =
            serde_json::from_value(serde_json::json!({"source": "mnist", "scaling": "mean"}));
        assert!(bad.unwrap_err().to_string().contains("divide:S"));
        let unknown: Result<TaskOptions, _> =
            serde_json::from_value(serde_json::json!({"source": "mnist", "dim": 3}));
        assert!(unknown.is_err());
    }
}
