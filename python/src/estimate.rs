//! Estimates, Gram matrices, fits, experiments and reports, from Python.

use std::path::PathBuf;
use std::sync::Arc;

use ibits::stats::fit::{estimate_fitted, FitConfig};
use ibits::text::fit::FitReport;
use ibits::{EstimateOptions, GramBlocks, Space, Target, TaskView};
use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Deserialize;

use crate::arrays::{Shared1, Shared2};
use crate::run::{from_py, interruptible, to_py, to_py_err, value_error};
use crate::task::Task;

/// Targets as the Python side writes them: absolute eps and fractions of the mean error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsIn {
    #[serde(default)]
    absolute: Vec<f64>,
    #[serde(default)]
    relative: Vec<f64>,
}

impl TargetsIn {
    /// The validated targets, absolute first; [`Target::DEFAULT`] when none is given.
    fn targets(&self) -> PyResult<Vec<Target>> {
        let mut out = Vec::new();
        for &eps in &self.absolute {
            out.push(Target::absolute(eps).map_err(|e| value_error(format!("targets: {e}")))?);
        }
        for &r in &self.relative {
            out.push(Target::relative(r).map_err(|e| value_error(format!("targets_rel: {e}")))?);
        }
        if out.is_empty() {
            out.push(Target::DEFAULT);
        }
        Ok(out)
    }
}

/// Estimate options as the Python side writes them; a missing field keeps the library's
/// default ([`EstimateOptions::default`]).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionsIn {
    samples: Option<usize>,
    seed: Option<u64>,
    bootstrap: Option<usize>,
    confidence: Option<f64>,
    jitter_check: Option<bool>,
    sample_size_advice: Option<bool>,
    max_memory: Option<u64>,
}

impl OptionsIn {
    fn options(&self) -> EstimateOptions {
        let mut o = EstimateOptions::default();
        o.samples = self.samples.or(o.samples);
        o.seed = self.seed.unwrap_or(o.seed);
        o.fit.bootstrap = self.bootstrap.unwrap_or(o.fit.bootstrap);
        o.fit.confidence = self.confidence.unwrap_or(o.fit.confidence);
        o.jitter_check = self.jitter_check.unwrap_or(o.jitter_check);
        o.sample_size_advice = self.sample_size_advice.unwrap_or(o.sample_size_advice);
        o.memory_limit = self.max_memory.or(o.memory_limit);
        o
    }
}

/// The parsed space, targets and options of an estimate.
fn parse(
    space: &Bound<'_, PyAny>,
    targets: &Bound<'_, PyAny>,
    options: &Bound<'_, PyAny>,
) -> PyResult<(Space, Vec<Target>, EstimateOptions)> {
    let space: Space = from_py("space", space)?;
    let targets = from_py::<TargetsIn>("targets", targets)?.targets()?;
    let options = from_py::<OptionsIn>("options", options)?.options();
    Ok((space, targets, options))
}

/// The estimate of `space` on a loaded task.
#[pyfunction]
pub fn estimate_task<'py>(
    py: Python<'py>,
    space: &Bound<'py, PyAny>,
    task: &Bound<'py, Task>,
    targets: &Bound<'py, PyAny>,
    options: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (space, targets, options) = parse(space, targets, options)?;
    let task = Arc::clone(&task.get().task);
    let estimate = interruptible(py, move || space.estimate(&*task, &targets, &options))?
        .map_err(to_py_err)?;
    to_py(py, &estimate)
}

/// The estimate of `space` on arrays X, Y, X_T, Y_T (rows are points), read in place.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn estimate_arrays<'py>(
    py: Python<'py>,
    space: &Bound<'py, PyAny>,
    name: String,
    x_train: &Bound<'py, PyArray2<f64>>,
    y_train: &Bound<'py, PyArray2<f64>>,
    x_test: &Bound<'py, PyArray2<f64>>,
    y_test: &Bound<'py, PyArray2<f64>>,
    targets: &Bound<'py, PyAny>,
    options: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (space, targets, options) = parse(space, targets, options)?;
    let arrays = [
        Shared2::new("X", x_train)?,
        Shared2::new("Y", y_train)?,
        Shared2::new("X_test", x_test)?,
        Shared2::new("Y_test", y_test)?,
    ];
    let estimate = interruptible(py, move || {
        let [x, y, xt, yt] = &arrays;
        let view = TaskView {
            name: &name,
            x_train: x.view(),
            y_train: y.view(),
            x_test: xt.view(),
            y_test: yt.view(),
            warnings: &[],
        };
        space.estimate(view, &targets, &options)
    })?
    .map_err(to_py_err)?;
    to_py(py, &estimate)
}

/// The exact-law estimate of the GP space whose kernel blocks are given.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn estimate_gram<'py>(
    py: Python<'py>,
    name: String,
    k_xx: &Bound<'py, PyArray2<f64>>,
    k_xt: &Bound<'py, PyArray2<f64>>,
    k_tt: &Bound<'py, PyArray2<f64>>,
    y_train: &Bound<'py, PyArray2<f64>>,
    y_test: &Bound<'py, PyArray2<f64>>,
    targets: &Bound<'py, PyAny>,
    options: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let targets = from_py::<TargetsIn>("targets", targets)?.targets()?;
    let options = from_py::<OptionsIn>("options", options)?.options();
    let arrays = [
        Shared2::new("K_xx", k_xx)?,
        Shared2::new("K_xt", k_xt)?,
        Shared2::new("K_tt", k_tt)?,
        Shared2::new("Y", y_train)?,
        Shared2::new("Y_test", y_test)?,
    ];
    let estimate = interruptible(py, move || {
        let [kxx, kxt, ktt, y, yt] = &arrays;
        // The one working copy: the factorization overwrites its input.
        let blocks = GramBlocks::from_ndarray(kxx.view(), kxt.view(), ktt.view());
        ibits::estimate_from_gram(
            &name,
            blocks,
            y.view(),
            yt.view(),
            &targets,
            &options,
            &mut |_| {},
        )
    })?
    .map_err(to_py_err)?;
    to_py(py, &estimate)
}

/// The kernel blocks K_XX, K_XT, K_TT that an estimate with `kernel` computes on X and X_T,
/// with the concrete kernel (JSON) and the rule that set a parameter, if any.
#[pyfunction]
#[allow(clippy::type_complexity)]
pub fn gram<'py>(
    py: Python<'py>,
    kernel: &Bound<'py, PyAny>,
    x_train: &Bound<'py, PyArray2<f64>>,
    x_test: &Bound<'py, PyArray2<f64>>,
) -> PyResult<(
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyAny>,
    Option<String>,
)> {
    let kernel: ibits::KernelOptions = from_py("kernel", kernel)?;
    let spec = kernel
        .spec()
        .map_err(|e| to_py_err(ibits::Error::Kernel(e)))?;
    let arrays = [Shared2::new("X", x_train)?, Shared2::new("X_test", x_test)?];
    let (blocks, concrete, rule) = interruptible(py, move || {
        let [x, xt] = &arrays;
        GramBlocks::compute(&spec, x.view(), xt.view())
    })?
    .map_err(to_py_err)?;
    let [k_xx, k_xt, k_tt] = blocks.to_ndarray();
    Ok((
        k_xx.into_pyarray(py),
        k_xt.into_pyarray(py),
        k_tt.into_pyarray(py),
        to_py(py, &concrete)?,
        rule,
    ))
}

/// The options a kernel reads (to check the Python kernel classes against the library).
#[pyfunction]
pub fn kernel_options_read(kernel: &str) -> PyResult<Vec<&'static str>> {
    ibits::KernelOptions::options_read(kernel)
        .map(|o| o.to_vec())
        .map_err(|e| to_py_err(ibits::Error::Kernel(e)))
}

/// The fitted and counted bits of sampled test errors at each target, as a list of the reports
/// `ibits fit --json` prints.
#[pyfunction]
#[pyo3(signature = (losses, targets, bootstrap=None, seed=0, confidence=None))]
pub fn fit<'py>(
    py: Python<'py>,
    losses: &Bound<'py, PyArray1<f64>>,
    targets: Vec<f64>,
    bootstrap: Option<usize>,
    seed: u64,
    confidence: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let defaults = ibits::fitted::FitOptions::default();
    let config = FitConfig {
        bootstrap: bootstrap.unwrap_or(defaults.bootstrap),
        seed,
        confidence: confidence.unwrap_or(defaults.confidence),
        profile: true,
    };
    if targets.is_empty() {
        return Err(value_error("targets: give at least one target error eps"));
    }
    let losses = Shared1::new("losses", losses)?;
    let reports = interruptible(py, move || {
        let losses = losses.values();
        targets
            .iter()
            .map(|&eps| {
                estimate_fitted(losses, eps, &config)
                    .map(|e| FitReport::new(None, &e, &config))
                    .map_err(|e| ibits::Error::Context {
                        context: format!("fitting the losses at eps = {eps}"),
                        source: Box::new(e.into()),
                    })
            })
            .collect::<Result<Vec<_>, _>>()
    })?
    .map_err(to_py_err)?;
    to_py(py, &reports)
}

/// Read and check an experiment file (its errors name the line of a bad value).
#[pyfunction]
pub fn check_experiment(path: PathBuf) -> PyResult<()> {
    ibits::Experiment::from_file(&path)
        .map(|_| ())
        .map_err(to_py_err)
}

/// Run an experiment file into `out` with `jobs` cells at a time; what the run did.
#[pyfunction]
#[pyo3(signature = (path, out, jobs=1))]
pub fn run_experiment<'py>(
    py: Python<'py>,
    path: PathBuf,
    out: PathBuf,
    jobs: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let summary = interruptible(py, move || {
        let experiment = ibits::Experiment::from_file(&path)?;
        let options = ibits::RunOptions {
            jobs,
            ..Default::default()
        };
        experiment.run(&out, &options)
    })?
    .map_err(to_py_err)?;
    let d = PyDict::new(py);
    d.set_item("grid", summary.grid)?;
    d.set_item("shard", summary.shard)?;
    d.set_item("skipped", summary.skipped)?;
    d.set_item("ran", summary.ran)?;
    d.set_item("failed", summary.failed)?;
    d.set_item("stale", summary.stale)?;
    d.set_item("notes", summary.notes)?;
    Ok(d)
}

/// Write the report of a sweep directory into `out` (`markdown` or `html`); the document and
/// the charts written.
#[pyfunction]
pub fn report<'py>(
    py: Python<'py>,
    dir: PathBuf,
    out: PathBuf,
    format: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let format = match format {
        "markdown" | "md" => ibits::report::Format::Markdown,
        "html" => ibits::report::Format::Html,
        other => {
            return Err(value_error(format!(
                "format: expected \"markdown\" or \"html\", got {other:?}"
            )))
        }
    };
    let files = interruptible(py, move || {
        ibits::Report::build(&dir)?.format(format).write(&out)
    })?
    .map_err(to_py_err)?;
    let d = PyDict::new(py);
    d.set_item("document", files.document)?;
    let plots: Vec<(PathBuf, PathBuf)> = files.plots.into_iter().map(|p| (p.png, p.svg)).collect();
    d.set_item("plots", plots)?;
    Ok(d)
}
