//! Experiments: a TOML grid of tasks x hypothesis spaces x sizes x targets, run cell by cell
//! into a directory that survives interruption, shards and merges, and turns into a report.
//!
//! ```no_run
//! use ibits::experiment::{Experiment, RunOptions};
//! let experiment = Experiment::from_file("examples/quick.toml".as_ref())?;
//! let summary = experiment.run("quick".as_ref(), &RunOptions::default())?;
//! assert_eq!(summary.failed.len(), 0);
//! ibits::report::Report::build("quick".as_ref())?.write("quick/report".as_ref())?;
//! # Ok::<(), ibits::Error>(())
//! ```
//!
//! The grid engine (cell identity and seeds, atomic result files, resume, shards, merge) is
//! [`ibits_report::sweep`], generic over what a cell is; this module says what a cell is: a
//! task ([`TaskEntry`]), a [`Space`], n, N and the targets, run with [`Settings`] into a
//! [`CellRecord`] (docs/sweeps.md describes the file format).

mod record;

use std::path::Path;

use ibits_data::TaskOptions;
use ibits_report::sweep::{self, Cell, SweepEvent};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use ibits_report::sweep::{MergeSummary, Shard, SweepSummary};
pub use ibits_report::CellRecord;
pub use record::{cell_record, DENSITY_POINTS, MAX_RECORDED_ERRORS};

use crate::error::Error;
use crate::fitted::FitOptions;
use crate::space::{EstimateOptions, Space};
use crate::target::Target;

/// A task of the grid: a source string (`"mnist"`) or a table of [`TaskOptions`] (sizes come
/// from the grid, not the table). Kept as written: the cell's identity is what the file says.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskEntry {
    /// A source string with default options.
    Source(String),
    /// A source with options.
    Table(Box<TaskOptions>),
}

impl Serialize for TaskEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            TaskEntry::Source(s) => serializer.serialize_str(s),
            TaskEntry::Table(t) => t.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for TaskEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entry = match toml::Value::deserialize(deserializer)? {
            toml::Value::String(source) => TaskEntry::Source(source),
            toml::Value::Table(table) => TaskEntry::Table(Box::new(
                TaskOptions::deserialize(toml::Value::Table(table)).map_err(D::Error::custom)?,
            )),
            other => {
                return Err(D::Error::custom(format!(
                    "a task is a string (mnist, idx:DIR, synthetic, ...) or a table {{ source = \"...\", ... }}, got {}",
                    other.type_str()
                )))
            }
        };
        let options = entry.options();
        if options.n_train.is_some() || options.n_test.is_some() {
            return Err(D::Error::custom(
                "n_train and n_test of a task come from the grid's `n` and `test_n`, not from the task table",
            ));
        }
        options.spec().map_err(D::Error::custom)?;
        Ok(entry)
    }
}

impl TaskEntry {
    /// The options this entry stands for.
    pub fn options(&self) -> TaskOptions {
        match self {
            TaskEntry::Source(source) => TaskOptions::new(source.clone()),
            TaskEntry::Table(table) => table.as_ref().clone(),
        }
    }

    /// The task's name in reports: the source plus the options that were written.
    pub fn label(&self) -> String {
        self.options().label()
    }
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
            bootstrap: FitOptions::default().bootstrap,
            confidence: FitOptions::default().confidence,
            jitter_check: true,
        }
    }
}

/// The grid engine's experiment with ibits' cells.
pub type Grid = sweep::Experiment<TaskEntry, Space, Settings>;

/// One cell of an experiment.
pub type ExperimentCell = Cell<TaskEntry, Space>;

/// A parsed, validated and expanded experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The expanded grid: name, seed, settings, targets and cells.
    pub grid: Grid,
}

/// How to run an experiment.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Cells run at the same time (worker threads); 0 is taken as 1.
    pub jobs: usize,
    /// Which cells this process runs (default: all).
    pub shard: Shard,
}

impl Default for RunOptions {
    /// One cell at a time, every cell.
    fn default() -> Self {
        Self {
            jobs: 1,
            shard: Shard::ALL,
        }
    }
}

impl Experiment {
    /// Parse, validate and expand an experiment from its TOML text (`path` only names it in
    /// error messages).
    ///
    /// # Errors
    /// [`Error::Experiment`] naming the line of an invalid value, unknown key or bad table.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Error> {
        Self::checked(Grid::parse(path, text)?, path)
    }

    /// The settings checked that the grid engine cannot check (it does not know them).
    fn checked(grid: Grid, path: &Path) -> Result<Self, Error> {
        let s = &grid.settings;
        let text = &grid.source;
        let bad = |field: &str, message: String| {
            Error::Experiment(ibits_report::ReportError::Invalid {
                path: path.to_path_buf(),
                line: text
                    .lines()
                    .position(|l| l.trim_start().starts_with(field))
                    .map_or(1, |i| i + 1),
                field: format!("settings.{field}"),
                message,
            })
        };
        if !(s.confidence > 0.0 && s.confidence < 1.0) {
            return Err(bad(
                "confidence",
                format!("must be in (0, 1), got {}", s.confidence),
            ));
        }
        if s.test_n == 0 {
            return Err(bad("test_n", "must be >= 1".into()));
        }
        if s.samples > 0 && s.samples < ibits_stats::fit::MIN_SAMPLES {
            return Err(bad(
                "samples",
                format!(
                    "must be 0 (exact law only) or >= {} (the fitted path needs that many), got {}",
                    ibits_stats::fit::MIN_SAMPLES,
                    s.samples
                ),
            ));
        }
        Ok(Self { grid })
    }

    /// As [`Experiment::parse`], for text that has no file.
    ///
    /// # Errors
    /// As [`Experiment::parse`].
    pub fn from_toml_str(text: &str) -> Result<Self, Error> {
        Self::parse(Path::new("<experiment>"), text)
    }

    /// Read and parse an experiment file.
    ///
    /// # Errors
    /// [`Error::Experiment`] when the file cannot be read, and as [`Experiment::parse`].
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        Self::checked(Grid::read(path)?, path)
    }

    /// Run every unfinished cell into `dir` (created; each finished cell saved at once;
    /// re-running skips finished cells).
    ///
    /// # Errors
    /// As [`Experiment::run_with_events`].
    pub fn run(&self, dir: &Path, options: &RunOptions) -> Result<SweepSummary, Error> {
        self.run_with_events(dir, options, |_| {})
    }

    /// As [`Experiment::run`], calling `events` as cells start, finish and fail. A failed cell
    /// does not stop the others: it is in the summary (see [`SweepSummary::check`]).
    ///
    /// # Errors
    /// [`Error::Experiment`] when the directory belongs to another experiment or a result
    /// cannot be saved.
    pub fn run_with_events(
        &self,
        dir: &Path,
        options: &RunOptions,
        events: impl Fn(&SweepEvent) + Sync,
    ) -> Result<SweepSummary, Error> {
        let settings = self.grid.settings.clone();
        let targets = self.targets()?;
        Ok(sweep::run_sweep(
            dir,
            &self.grid,
            sweep::SweepOptions {
                jobs: options.jobs.max(1),
                shard: options.shard,
            },
            |cell| run_cell(cell, &settings, &targets).map_err(|e| crate::error::chain(&e)),
            events,
        )?)
    }

    /// The experiment's targets as library targets.
    fn targets(&self) -> Result<Vec<Target>, Error> {
        self.grid
            .targets
            .iter()
            .map(|t| match *t {
                sweep::Target::Absolute(eps) => Target::absolute(eps),
                sweep::Target::RelativeToMean(r) => Target::relative(r),
            })
            .collect()
    }
}

/// Run one cell: load its task, estimate in its space, describe the result as a record.
///
/// # Errors
/// [`Error::Data`] when the task cannot be loaded, and the errors of [`Space::estimate`].
pub fn run_cell(
    cell: &ExperimentCell,
    settings: &Settings,
    targets: &[Target],
) -> Result<CellRecord, Error> {
    let options = cell
        .task
        .options()
        .with_sizes(cell.n, cell.test_n.unwrap_or(settings.test_n));
    let task = options
        .load()
        .map_err(|e| Error::from(e).context(format!("loading task {}", cell.task.label())))?;
    let estimate = cell
        .space
        .estimate(
            &task,
            targets,
            &EstimateOptions {
                samples: Some(settings.samples),
                seed: cell.seed,
                fit: FitOptions {
                    bootstrap: settings.bootstrap,
                    confidence: settings.confidence,
                },
                jitter_check: settings.jitter_check,
                sample_size_advice: false,
                ..EstimateOptions::default()
            },
        )
        .map_err(|e| {
            e.context(format!(
                "estimate for {} in {}",
                cell.task.label(),
                cell.space.label()
            ))
        })?;
    Ok(cell_record(
        &estimate,
        cell.task.label(),
        options.intrinsic_dim(),
        settings.confidence,
    ))
}

/// Combine the output directories of shards of one experiment into `out` (see
/// [`ibits_report::sweep::merge()`]).
///
/// # Errors
/// [`Error::Experiment`] when the inputs belong to different experiments or disagree.
pub fn merge(inputs: &[std::path::PathBuf], out: &Path) -> Result<MergeSummary, Error> {
    Ok(sweep::merge::<CellRecord>(inputs, out)?)
}
