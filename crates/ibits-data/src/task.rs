//! A task: a training set (X, Y) of n points and a test set (X_T, Y_T) of N points with k
//! outputs, and how it was made.
//!
//! # Definition
//! ```text
//! X   n x d inputs     Y   n x k targets: one-hot rows for classification
//! X_T N x d inputs     Y_T N x k          (Y_ic = 1 if label_i = c else 0), real for regression
//! ```
//! Reference: Boopathy et al., "Towards Exact Computation of Inductive Bias", IJCAI 2024, §3.

mod classes;
mod rows;

use ndarray::Array2;
use serde::Serialize;

use crate::preprocess::{apply, InputKind, Prepared, Preprocess};
use crate::raw::RawData;
use crate::source::{load_raw, TaskSource};
use crate::subset::Subset;
use crate::synthetic::{SyntheticKind, SyntheticSpec};
pub use crate::targets::{one_hot, TargetKind};
use crate::DataError;

use classes::{class_filter, ClassFilter};
use rows::{choose_rows, RowChoice};

/// Classification with k classes or regression with k real outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Targets are one-hot rows over `classes` classes.
    Classification {
        /// Number of classes k.
        classes: usize,
    },
    /// Targets are real.
    Regression,
}

/// A learning task ready for a hypothesis space.
#[derive(Debug, Clone)]
pub struct Task {
    /// Short name (`mnist`, `iris`, `synthetic`, a file stem).
    pub name: String,
    /// How it was made: source files and checksum status, subset rule, classes, preprocessing.
    pub description: String,
    /// Training inputs X (n x d).
    pub x_train: Array2<f64>,
    /// Training targets Y (n x k).
    pub y_train: Array2<f64>,
    /// Test inputs X_T (N x d).
    pub x_test: Array2<f64>,
    /// Test targets Y_T (N x k).
    pub y_test: Array2<f64>,
    /// Training classes (classification only).
    pub labels_train: Option<Vec<usize>>,
    /// Test classes (classification only).
    pub labels_test: Option<Vec<usize>>,
    /// Classification or regression.
    pub kind: TaskKind,
    /// Name of each class (index = class after any class filter); empty for regression.
    pub class_names: Vec<String>,
    /// Things the user should know (e.g. a class missing from the training rows).
    pub warnings: Vec<String>,
}

fn check_finite(what: &'static str, a: &Array2<f64>) -> Result<(), DataError> {
    match a.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(DataError::invalid(
            what,
            a.iter().nth(i).copied().unwrap_or(f64::NAN),
            format!("entry {i} must be finite"),
        )),
        None => Ok(()),
    }
}

impl Task {
    /// n, the number of training points.
    pub fn n_train(&self) -> usize {
        self.x_train.nrows()
    }

    /// N, the number of test points.
    pub fn n_test(&self) -> usize {
        self.x_test.nrows()
    }

    /// k, the number of outputs (classes for classification).
    pub fn n_outputs(&self) -> usize {
        self.y_train.ncols()
    }

    /// d, the input dimension.
    pub fn input_dim(&self) -> usize {
        self.x_train.ncols()
    }

    /// A classification task from arrays (for tests and callers with their own data).
    ///
    /// # Errors
    /// [`DataError::InvalidParameter`] when shapes disagree, a set is empty, an input is not
    /// finite, `classes < 2`, or a label is `>= classes`.
    pub fn classification(
        name: &str,
        description: &str,
        x_train: Array2<f64>,
        labels_train: Vec<usize>,
        x_test: Array2<f64>,
        labels_test: Vec<usize>,
        classes: usize,
    ) -> Result<Self, DataError> {
        if classes < 2 {
            return Err(DataError::invalid("classes", classes, "must be >= 2"));
        }
        for (what, labels) in [
            ("training labels", &labels_train),
            ("test labels", &labels_test),
        ] {
            if let Some(&bad) = labels.iter().find(|&&l| l >= classes) {
                return Err(DataError::invalid(
                    what,
                    bad,
                    format!("labels must be in 0..{classes}"),
                ));
            }
        }
        let (y_train, y_test) = (
            one_hot(&labels_train, classes),
            one_hot(&labels_test, classes),
        );
        Self::validated(
            name,
            description,
            x_train,
            y_train,
            x_test,
            y_test,
            Some((labels_train, labels_test)),
            TaskKind::Classification { classes },
        )
    }

    /// A regression task from arrays.
    ///
    /// # Errors
    /// [`DataError::InvalidParameter`] when shapes disagree, a set is empty or a value is not
    /// finite.
    pub fn regression(
        name: &str,
        description: &str,
        x_train: Array2<f64>,
        y_train: Array2<f64>,
        x_test: Array2<f64>,
        y_test: Array2<f64>,
    ) -> Result<Self, DataError> {
        Self::validated(
            name,
            description,
            x_train,
            y_train,
            x_test,
            y_test,
            None,
            TaskKind::Regression,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn validated(
        name: &str,
        description: &str,
        x_train: Array2<f64>,
        y_train: Array2<f64>,
        x_test: Array2<f64>,
        y_test: Array2<f64>,
        labels: Option<(Vec<usize>, Vec<usize>)>,
        kind: TaskKind,
    ) -> Result<Self, DataError> {
        let shape = |a: &Array2<f64>| format!("{}x{}", a.nrows(), a.ncols());
        if x_train.nrows() == 0 || x_test.nrows() == 0 || x_train.ncols() == 0 {
            return Err(DataError::invalid(
                "task shape",
                format!("train {} test {}", shape(&x_train), shape(&x_test)),
                "need n >= 1, N >= 1, d >= 1",
            ));
        }
        if x_train.nrows() != y_train.nrows()
            || x_test.nrows() != y_test.nrows()
            || x_train.ncols() != x_test.ncols()
            || y_train.ncols() != y_test.ncols()
            || y_train.ncols() == 0
        {
            return Err(DataError::invalid(
                "task shape",
                format!(
                    "X {} Y {} X_T {} Y_T {}",
                    shape(&x_train),
                    shape(&y_train),
                    shape(&x_test),
                    shape(&y_test)
                ),
                "X is n x d, Y is n x k, X_T is N x d, Y_T is N x k with k >= 1",
            ));
        }
        for (what, a) in [
            ("x_train", &x_train),
            ("y_train", &y_train),
            ("x_test", &x_test),
            ("y_test", &y_test),
        ] {
            check_finite(what, a)?;
        }
        let (labels_train, labels_test) = match labels {
            Some((a, b)) => (Some(a), Some(b)),
            None => (None, None),
        };
        let class_names = match kind {
            TaskKind::Classification { classes } => (0..classes).map(|c| c.to_string()).collect(),
            TaskKind::Regression => Vec::new(),
        };
        Ok(Self {
            name: name.to_string(),
            description: description.to_string(),
            x_train,
            y_train,
            x_test,
            y_test,
            labels_train,
            labels_test,
            kind,
            class_names,
            warnings: Vec::new(),
        })
    }

    /// Rows per class in the training set (classification only).
    pub fn train_class_counts(&self) -> Option<Vec<usize>> {
        count_classes(self.labels_train.as_deref(), self.n_outputs())
    }

    /// Rows per class in the test set (classification only).
    pub fn test_class_counts(&self) -> Option<Vec<usize>> {
        count_classes(self.labels_test.as_deref(), self.n_outputs())
    }
}

fn count_classes(labels: Option<&[usize]>, k: usize) -> Option<Vec<usize>> {
    labels.map(|l| {
        let mut c = vec![0; k];
        for &v in l {
            if v < k {
                c[v] += 1;
            }
        }
        c
    })
}

/// What task to build.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpec {
    /// Where the rows come from.
    pub source: TaskSource,
    /// n: training rows (None: all of the official training split; for a single table, the
    /// rows not used for testing).
    pub n_train: Option<usize>,
    /// N: test rows (None: all of the official test split; for a single table, the rows not
    /// used for training, or a fifth of the table (rounded down) when n is not given either).
    pub n_test: Option<usize>,
    /// How rows are chosen (default: the first rows).
    pub subset: Subset,
    /// Keep only these classes (indices in the source), relabelled 0, 1, ... in this order.
    pub classes: Option<Vec<usize>>,
    /// Classes or real targets.
    pub target: TargetKind,
    /// Input preprocessing.
    pub preprocess: Preprocess,
}

/// Synthetic sizes when the spec does not give them.
pub const SYNTHETIC_DEFAULT_SIZE: usize = 1000;

impl TaskSpec {
    /// Defaults for a source: all rows, first-n, every class, automatic targets and scaling.
    pub fn new(source: TaskSource) -> Self {
        Self {
            source,
            n_train: None,
            n_test: None,
            subset: Subset::First,
            classes: None,
            target: TargetKind::Auto,
            preprocess: Preprocess::default(),
        }
    }

    /// A vendored dataset with n training and N test rows, other settings default.
    pub fn named(name: &str, n_train: usize, n_test: usize) -> Self {
        Self {
            n_train: Some(n_train),
            n_test: Some(n_test),
            ..Self::new(TaskSource::Named(name.to_string()))
        }
    }
}

/// Build the task a spec describes.
///
/// # Errors
/// Any [`DataError`]: unknown dataset (listing the available ones), missing data directory,
/// checksum mismatch, malformed file, a subset larger than the data (stating what is
/// available), bad class filter, or preprocessing that does not apply.
pub fn load_task(spec: &TaskSpec) -> Result<Task, DataError> {
    load_task_within(spec, None)
}

/// As [`load_task`], with the memory a synthetic task may take (bytes; `None`: MemAvailable of
/// /proc/meminfo). Files are read as they are; a generated task is planned first
/// ([`SyntheticSpec::bytes_needed`]) and refused, naming what fits, when it would not fit.
///
/// # Errors
/// As [`load_task`], and [`DataError::InvalidParameter`] for a synthetic task over the limit.
pub fn load_task_within(spec: &TaskSpec, max_memory: Option<u64>) -> Result<Task, DataError> {
    if spec.n_train == Some(0) {
        return Err(DataError::invalid("n_train", 0, "must be >= 1"));
    }
    if spec.n_test == Some(0) {
        return Err(DataError::invalid("n_test", 0, "must be >= 1"));
    }
    if let TaskSource::Synthetic(syn) = &spec.source {
        return synthetic_task(spec, syn, max_memory);
    }
    let raw = load_raw(&spec.source, spec.target)?;
    build(spec, &raw)
}

fn synthetic_task(
    spec: &TaskSpec,
    syn: &SyntheticSpec,
    max_memory: Option<u64>,
) -> Result<Task, DataError> {
    if spec.classes.is_some() {
        return Err(DataError::invalid(
            "classes",
            "filter",
            "class filters do not apply to synthetic tasks; set the number of classes k instead",
        ));
    }
    let mut syn = *syn;
    match spec.target {
        TargetKind::Classification => syn.kind = SyntheticKind::Classification,
        TargetKind::Regression => syn.kind = SyntheticKind::Regression,
        TargetKind::Auto => {}
    }
    let (n, n_t) = (
        spec.n_train.unwrap_or(SYNTHETIC_DEFAULT_SIZE),
        spec.n_test.unwrap_or(SYNTHETIC_DEFAULT_SIZE),
    );
    let data = syn.generate_within(n, n_t, max_memory)?;
    let mut warnings = Vec::new();
    if spec.subset != Subset::First {
        warnings.push(format!(
            "subset rule '{}' ignored: synthetic points are generated, not chosen",
            spec.subset
        ));
    }
    let kind_in = InputKind {
        image: None,
        pixel_max: None,
        standardize_by_default: false,
    };
    let Prepared {
        x_train,
        x_test,
        steps,
    } = apply(&spec.preprocess, &kind_in, data.x_train, data.x_test)?;
    let description = format!(
        "{}; n = {n} training and N = {n_t} test points; {}",
        syn.describe(),
        steps.join(", ")
    );
    let k = syn.outputs;
    let mut task = match (data.labels_train, data.labels_test) {
        (Some(a), Some(b)) => {
            Task::classification("synthetic", &description, x_train, a, x_test, b, k)?
        }
        _ => Task::regression(
            "synthetic",
            &description,
            x_train,
            data.y_train,
            x_test,
            data.y_test,
        )?,
    };
    task.warnings = warnings;
    Ok(task)
}

/// Build a task from loaded rows: decide the target kind, apply the class filter, choose the
/// rows, preprocess the inputs, then make the targets.
fn build(spec: &TaskSpec, raw: &RawData) -> Result<Task, DataError> {
    let regression = wants_regression(spec.target, raw)?;
    let filter = class_filter(spec.classes.as_deref(), raw, regression)?;
    let rows = choose_rows(spec, raw, &filter)?;
    let prepared = prepare_inputs(&spec.preprocess, raw, &rows)?;
    if regression {
        regression_task(raw, &rows, prepared)
    } else {
        classification_task(raw, filter, &rows, prepared)
    }
}

/// True for real targets, false for classes; an error when the source has not got that kind.
fn wants_regression(target: TargetKind, raw: &RawData) -> Result<bool, DataError> {
    let regression = match target {
        TargetKind::Regression => true,
        TargetKind::Classification => false,
        TargetKind::Auto => raw.labels.is_none(),
    };
    if regression && raw.targets.is_none() {
        return Err(DataError::invalid(
            "target",
            "regression",
            format!("{} has class labels only, no real-valued target", raw.name),
        ));
    }
    if !regression && raw.labels.is_none() {
        return Err(DataError::invalid(
            "target",
            "classification",
            format!("{} has real-valued targets only, no class labels", raw.name),
        ));
    }
    Ok(regression)
}

/// The chosen rows' inputs after the preprocessing steps (fitted on the training rows).
fn prepare_inputs(
    preprocess: &Preprocess,
    raw: &RawData,
    rows: &RowChoice,
) -> Result<Prepared, DataError> {
    let x_train = raw.features.select(&rows.train);
    let x_test = raw.features.select(&rows.test);
    let kind_in = InputKind {
        image: raw.image,
        pixel_max: raw.pixel_max,
        standardize_by_default: raw.standardize_by_default,
    };
    apply(preprocess, &kind_in, x_train, x_test)
}

/// A regression task: the real targets of the chosen rows, unscaled.
fn regression_task(raw: &RawData, rows: &RowChoice, inputs: Prepared) -> Result<Task, DataError> {
    let Prepared {
        x_train,
        x_test,
        steps,
    } = inputs;
    let t = raw
        .targets
        .as_ref()
        .ok_or_else(|| DataError::invalid("target", "regression", "no real target"))?;
    let pick =
        |rows: &[usize]| Array2::from_shape_fn((rows.len(), t.ncols()), |(i, j)| t[(rows[i], j)]);
    let description = format!(
        "{}: {}; {}; {}; targets: {} real output(s), unscaled",
        raw.name,
        raw.origin,
        rows.text,
        steps.join(", "),
        t.ncols()
    );
    Task::regression(
        &raw.name,
        &description,
        x_train,
        pick(&rows.train),
        x_test,
        pick(&rows.test),
    )
}

/// A classification task: the chosen rows' classes after the filter, one-hot; warns when a
/// class has no training row.
fn classification_task(
    raw: &RawData,
    filter: ClassFilter,
    rows: &RowChoice,
    inputs: Prepared,
) -> Result<Task, DataError> {
    let Prepared {
        x_train,
        x_test,
        steps,
    } = inputs;
    let d = x_train.ncols();
    let l = raw
        .labels
        .as_deref()
        .ok_or_else(|| DataError::invalid("target", "classification", "no labels"))?;
    let classes_of =
        |rows: &[usize]| -> Vec<usize> { rows.iter().map(|&r| filter.class_of(l, r)).collect() };
    let k = filter.class_names.len();
    if k < 2 {
        return Err(DataError::invalid(
            "classes",
            k,
            format!(
                "{} has fewer than 2 classes; a classification task needs 2 or more",
                raw.name
            ),
        ));
    }
    let description = format!(
        "{}: {}; {}; {}; {}; {d} input features; targets: one-hot, {k} outputs",
        raw.name,
        raw.origin,
        rows.text,
        filter.text,
        steps.join(", ")
    );
    let mut t = Task::classification(
        &raw.name,
        &description,
        x_train,
        classes_of(&rows.train),
        x_test,
        classes_of(&rows.test),
        k,
    )?;
    t.class_names = filter.class_names;
    if let Some(counts) = t.train_class_counts() {
        let missing: Vec<usize> = (0..k).filter(|&c| counts[c] == 0).collect();
        if !missing.is_empty() {
            t.warnings.push(format!(
                "classes {missing:?} have no training rows (the file may be sorted by class: use a stratified or random subset)"
            ));
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 13: a synthetic task of m = D = 1e6 aborted on an 8 TB allocation; load_task now
    // refuses it (against the machine's available memory) before generating.
    #[test]
    fn load_task_refuses_a_synthetic_task_that_does_not_fit() {
        if crate::available_memory().is_none() {
            eprintln!("skipping: no /proc/meminfo to plan against");
            return;
        }
        let spec = TaskSpec {
            n_train: Some(1000),
            n_test: Some(1000),
            ..TaskSpec::new(TaskSource::Synthetic(SyntheticSpec {
                intrinsic_dim: 1_000_000,
                ambient_dim: 1_000_000,
                ..SyntheticSpec::default()
            }))
        };
        let e = load_task(&spec).unwrap_err().to_string();
        assert!(
            e.contains("synthetic task size") && e.contains("TB") && e.contains("MemAvailable"),
            "{e}"
        );
    }
}
