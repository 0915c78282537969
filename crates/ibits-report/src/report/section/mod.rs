//! The sections of the report, one module per section, in document order:
//!
//! - [`preamble`]: title, description, how many cells finished, what the numbers mean;
//! - [`summary`]: the summary table, one row per cell and target error;
//! - [`distributions`]: a test-error histogram per cell;
//! - [`bits_vs_eps`]: a bits-vs-target-error chart per cell;
//! - [`comparisons`]: bar charts across tasks and hypothesis spaces;
//! - [`trends`]: bits against the training-set size and against the intrinsic dimension;
//! - [`health`]: the numerical-health table (jitter, clipped mass, 10x-jitter check);
//! - [`warnings`]: every cell's and every estimate's warnings;
//! - [`settings`]: the experiment file and every cell's seed and parameters.
//!
//! Each section module reads the sweep through a [`Context`] (the results, the labels of the
//! hypothesis spaces, the target descriptions) and, where it draws charts, renders them
//! through [`Figures`]. This module holds what the sections share: those two types, the table
//! number formats and the palette index of each estimate kind.

pub(crate) mod bits_vs_eps;
pub(crate) mod comparisons;
pub(crate) mod distributions;
pub(crate) mod health;
pub(crate) mod preamble;
pub(crate) mod settings;
pub(crate) mod summary;
pub(crate) mod trends;
pub(crate) mod warnings;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::ReportError;
use crate::record::{CellRecord, TargetEstimate};
use crate::report::document::Block;
use crate::report::plot::{format_value, render, Figure, PlotFiles};
use crate::sweep::{CellResult, ResultSet};

/// Most histograms and per-cell bits-vs-eps charts drawn (the tables list every cell).
pub const MAX_CELL_FIGURES: usize = 40;

/// Directory of the charts, relative to the report.
pub const PLOTS_DIR: &str = "plots";

/// Palette index per estimate kind (shared by every chart, so colours mean the same thing).
const EXACT: usize = 0;
const FITTED: usize = 1;
const COUNTING: usize = 2;
const PAPER: usize = 3;
const CHERNOFF: usize = 6;

/// What every section reads: the sweep, the label of each cell's hypothesis space and the
/// description of each target error.
pub(crate) struct Context<'a> {
    /// The sweep's manifest and finished cells.
    pub(crate) set: &'a ResultSet<CellRecord>,
    /// The finished cells, in grid order.
    pub(crate) results: &'a [CellResult<CellRecord>],
    /// Grid index -> label of the cell's hypothesis space ([`space_labels`]).
    labels: BTreeMap<usize, String>,
    /// Target index -> description of the target ([`target_rules`]).
    rules: Vec<String>,
}

impl<'a> Context<'a> {
    /// The context of `set`: its space labels and target descriptions, computed once.
    pub(crate) fn new(set: &'a ResultSet<CellRecord>) -> Self {
        let results = set.results.as_slice();
        Self {
            set,
            results,
            labels: space_labels(results),
            rules: target_rules(results),
        }
    }

    /// The label of the hypothesis space of the cell with grid index `index` ("" for a cell
    /// that is not among the results).
    fn space_label(&self, index: usize) -> &str {
        self.labels.get(&index).map_or("", String::as_str)
    }

    /// "task · space label" of a finished cell.
    fn label(&self, result: &CellResult<CellRecord>) -> String {
        format!(
            "{} · {}",
            result.record.task,
            self.space_label(result.index)
        )
    }

    /// The description of target `t` ("" past the last target).
    fn rule(&self, t: usize) -> String {
        self.rules.get(t).cloned().unwrap_or_default()
    }
}

/// Draws the report's charts into `out_dir/plots` and keeps the list of files drawn, in
/// drawing order.
pub(crate) struct Figures<'a> {
    out_dir: &'a Path,
    plots: Vec<PlotFiles>,
}

impl<'a> Figures<'a> {
    /// No chart drawn yet; charts go to `out_dir/`[`PLOTS_DIR`].
    pub(crate) fn new(out_dir: &'a Path) -> Self {
        Self {
            out_dir,
            plots: Vec::new(),
        }
    }

    /// Draw `figure` as `plots/stem.{png,svg}` and return the figure block with `caption`
    /// and paths relative to the report.
    ///
    /// # Errors
    /// [`ReportError::Plot`] or [`ReportError::Io`] from [`render`].
    fn figure(
        &mut self,
        figure: &impl Figure,
        stem: &str,
        caption: String,
    ) -> Result<Block, ReportError> {
        let files = render(figure, &self.out_dir.join(PLOTS_DIR), stem)?;
        self.plots.push(files.clone());
        Ok(Block::Figure {
            files: relative(files, self.out_dir),
            caption,
        })
    }

    /// Every chart drawn, in drawing order (absolute paths as [`render`] returned them).
    pub(crate) fn into_plots(self) -> Vec<PlotFiles> {
        self.plots
    }
}

/// Number with about four significant digits for tables ("" when absent).
fn number(value: Option<f64>) -> String {
    match value {
        None => String::new(),
        Some(v) if v.is_finite() && v.abs() >= 1000.0 && v.abs() < 1e7 => format!("{v:.1}"),
        Some(v) if v.is_finite() && v != 0.0 && (1e-3..1000.0).contains(&v.abs()) => {
            let decimals = (3 - v.abs().log10().floor() as i32).clamp(0, 8) as usize;
            format!("{v:.decimals$}")
        }
        Some(0.0) => "0".into(),
        Some(v) => format!("{v:.3e}"),
    }
}

/// "bits [lower, upper]".
fn with_interval(bits: Option<f64>, lower: Option<f64>, upper: Option<f64>) -> String {
    match (bits, lower) {
        (None, None) => String::new(),
        (bits, lower) => {
            let point = bits.map_or_else(|| "∞".to_string(), |b| number(Some(b)));
            let upper = upper.map_or_else(|| "∞".to_string(), |u| number(Some(u)));
            format!("{point} [{}, {upper}]", number(lower))
        }
    }
}

/// A table header from its column names.
fn header(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|s| s.to_string()).collect()
}

/// Labels that tell hypothesis spaces apart: the space name plus the parameters whose value
/// differs between records of that space.
fn space_labels(results: &[CellResult<CellRecord>]) -> BTreeMap<usize, String> {
    let mut values: BTreeMap<(&str, &str), BTreeSet<String>> = BTreeMap::new();
    for result in results {
        for (key, value) in &result.record.space_parameters {
            values
                .entry((result.record.space.as_str(), key.as_str()))
                .or_default()
                .insert(value.to_string());
        }
    }
    results
        .iter()
        .map(|result| {
            let record = &result.record;
            if let Some(label) = &record.space_label {
                return (result.index, label.clone());
            }
            let varying: Vec<String> = record
                .space_parameters
                .iter()
                .filter(|(key, _)| {
                    values
                        .get(&(record.space.as_str(), key.as_str()))
                        .is_some_and(|v| v.len() > 1)
                })
                .map(|(key, value)| format!("{key}={}", value.to_string().trim_matches('"')))
                .collect();
            let label = if varying.is_empty() {
                record.space.clone()
            } else {
                format!("{} ({})", record.space, varying.join(", "))
            };
            (result.index, label)
        })
        .collect()
}

/// "eps = 0.05 (absolute)".
fn eps_text(estimate: &TargetEstimate) -> String {
    format!(
        "eps = {} ({})",
        format_value(estimate.eps),
        estimate.eps_rule
    )
}

/// The experiment's targets, described once from the first record that has them.
fn target_rules(results: &[CellResult<CellRecord>]) -> Vec<String> {
    let count = results
        .iter()
        .map(|r| r.record.estimates.len())
        .max()
        .unwrap_or(0);
    (0..count)
        .map(|t| {
            results
                .iter()
                .find_map(|r| r.record.estimates.get(t))
                .map(|e| {
                    if e.eps_rule == "absolute" {
                        format!("eps = {}", format_value(e.eps))
                    } else {
                        e.eps_rule.clone()
                    }
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Relative path of a chart inside the report directory.
fn relative(files: PlotFiles, out_dir: &Path) -> PlotFiles {
    let strip = |p: PathBuf| p.strip_prefix(out_dir).map(Path::to_path_buf).unwrap_or(p);
    PlotFiles {
        png: strip(files.png),
        svg: strip(files.svg),
    }
}
