//! The experiment file: a TOML grid over tasks x hypothesis spaces x training-set sizes x
//! test-set sizes, with the target errors evaluated inside each cell.
//!
//! ```toml
//! name = "kernels-vs-mlp"          # required
//! description = "free text"        # optional
//! seed = 0                         # optional (default 0); every cell derives its own seed
//!
//! [grid]
//! task = ["mnist", { source = "synthetic", intrinsic_dim = [2, 4] }]   # required, non-empty
//! space = [                                                # required, non-empty
//!   { kind = "gp", kernel = "rbf", bandwidth = [0.5, 1.0] },   # a list sweeps that parameter
//!   { kind = "mlp", width = [64, 256], depth = 2 },
//! ]
//! n = [100, 200]                   # training-set sizes, required, non-empty, each >= 1
//! test_n = [1000]                  # optional test-set sizes, each >= 1
//! eps = [0.05, 0.1]                # absolute target errors, each > 0
//! eps_relative = [0.5]             # targets as a fraction of the mean error, each > 0
//!
//! [settings]                       # optional; fixed for every cell, schema set by the caller
//! samples = 200
//! ```
//!
//! The grid's cells are the Cartesian product task x space x n x test_n, in that order (the
//! last axis varies fastest); a task or space written as a table with list-valued keys is first
//! expanded into the Cartesian product of its lists, in key order (so a list where one value is
//! expected sweeps that parameter). At least one of `eps` and `eps_relative`
//! must be given; every target is evaluated in every cell, so the hypotheses sampled for a
//! cell are shared by its targets.
//!
//! The task, space and settings types are the caller's (the CLI's), so the schema of those
//! values — and every error about them — comes from their `Deserialize` impls. Unknown keys
//! and wrong types are errors that name the line.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::ReportError;
use crate::sweep::cell::{Cell, Manifest, ManifestCell, MANIFEST_FORMAT};
use crate::sweep::plan::{self, Axis};

// `Target` is defined with the cell (a cell carries its targets, and `cell` depends on no other
// sweep module); re-exported here, where the grid's `eps` and `eps_relative` are parsed into it.
pub use crate::sweep::cell::Target;

/// A parsed, validated and expanded experiment.
#[derive(Debug, Clone)]
pub struct Experiment<T, S, P> {
    /// Experiment name.
    pub name: String,
    /// Free-text description.
    pub description: Option<String>,
    /// Base seed; each cell's seed is derived from it and the cell's coordinates.
    pub seed: u64,
    /// The TOML text the experiment was read from, kept verbatim for the report.
    pub source: String,
    /// Settings shared by every cell.
    pub settings: P,
    /// Target errors evaluated in every cell, in file order (`eps` first, then
    /// `eps_relative`).
    pub targets: Vec<Target>,
    /// The grid's cells in grid order.
    pub cells: Vec<Cell<T, S>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExperiment<P> {
    name: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    seed: u64,
    grid: RawGrid,
    #[serde(default)]
    settings: Option<P>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    task: Spanned<Vec<Spanned<toml::Value>>>,
    space: Spanned<Vec<Spanned<toml::Table>>>,
    n: Spanned<Vec<Spanned<usize>>>,
    #[serde(default)]
    test_n: Option<Spanned<Vec<Spanned<usize>>>>,
    #[serde(default)]
    eps: Option<Spanned<Vec<Spanned<f64>>>>,
    #[serde(default)]
    eps_relative: Option<Spanned<Vec<Spanned<f64>>>>,
}

/// 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

impl<T, S, P> Experiment<T, S, P>
where
    T: DeserializeOwned + Serialize + Clone,
    S: DeserializeOwned + Serialize + Clone,
    P: DeserializeOwned + Serialize + Default,
{
    /// Read and expand the experiment file at `path`.
    ///
    /// # Errors
    /// [`ReportError::Io`] if the file cannot be read, and everything [`Experiment::parse`]
    /// returns.
    pub fn read(path: &Path) -> Result<Self, ReportError> {
        let text = std::fs::read_to_string(path).map_err(|e| ReportError::io(path, e))?;
        Self::parse(path, &text)
    }

    /// Parse, validate and expand an experiment from its TOML text; `path` is only used in
    /// error messages.
    ///
    /// # Errors
    /// - [`ReportError::Toml`]: invalid TOML, an unknown key, a wrong type, a missing key, or a
    ///   task or settings value its type rejects (the message names line and column);
    /// - [`ReportError::Invalid`]: a `name` that is not a plain file name (ASCII letters,
    ///   digits, `-`, `_`, `.`, not starting with `.`: it names the output directory
    ///   `sweep-<name>`), an empty list, a size of 0, a target error that is not finite and
    ///   positive, no target at all, a space table its type rejects (the message names the
    ///   line of the table), or a grid of more than
    ///   [`MAX_CELLS`](crate::sweep::plan::MAX_CELLS) cells or whose expansion needs more
    ///   than half the memory available (counted before anything is expanded; the message
    ///   names the axes to shorten).
    pub fn parse(path: &Path, text: &str) -> Result<Self, ReportError> {
        let raw: RawExperiment<P> = toml::from_str(text).map_err(|e| ReportError::Toml {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let invalid = |span: Range<usize>, field: &str, message: String| ReportError::Invalid {
            path: path.to_path_buf(),
            line: line_of(text, span.start),
            field: field.to_string(),
            message,
        };
        let name_span = raw.name.span();
        let name = raw.name.into_inner();
        if let Some(problem) = plan::plain_name_problem(&name) {
            return Err(invalid(name_span, "name", problem));
        }
        let grid = raw.grid;

        let task_span = grid.task.span();
        let task_values = grid.task.into_inner();
        if task_values.is_empty() {
            return Err(invalid(
                task_span,
                "grid.task",
                "the list is empty: give at least one task".into(),
            ));
        }
        let sizes =
            |list: Spanned<Vec<Spanned<usize>>>, field: &str| -> Result<Vec<usize>, ReportError> {
                let span = list.span();
                let list = list.into_inner();
                if list.is_empty() {
                    return Err(invalid(
                        span,
                        field,
                        "the list is empty: give at least one size".into(),
                    ));
                }
                list.into_iter()
                    .map(|size| {
                        if *size.get_ref() == 0 {
                            Err(invalid(
                                size.span(),
                                field,
                                "a size must be >= 1, got 0".into(),
                            ))
                        } else {
                            Ok(size.into_inner())
                        }
                    })
                    .collect()
            };
        let n_span = grid.n.span();
        let train_sizes = sizes(grid.n, "grid.n")?;
        let test_n_span = grid.test_n.as_ref().map_or(0..0, Spanned::span);
        let test_sizes = match grid.test_n {
            Some(list) => sizes(list, "grid.test_n")?.into_iter().map(Some).collect(),
            None => vec![None],
        };

        let mut targets = Vec::new();
        let mut target_span = 0..0;
        for (list, field, make) in [
            (grid.eps, "grid.eps", Target::Absolute as fn(f64) -> Target),
            (
                grid.eps_relative,
                "grid.eps_relative",
                Target::RelativeToMean as fn(f64) -> Target,
            ),
        ] {
            let Some(list) = list else { continue };
            target_span = list.span();
            let values = list.into_inner();
            if values.is_empty() {
                return Err(invalid(
                    target_span,
                    field,
                    "the list is empty: give at least one target error".into(),
                ));
            }
            for value in values {
                let eps = *value.get_ref();
                if !(eps.is_finite() && eps > 0.0) {
                    return Err(invalid(
                        value.span(),
                        field,
                        format!("a target error must be finite and > 0, got {eps}"),
                    ));
                }
                targets.push(make(eps));
            }
        }
        if targets.is_empty() {
            return Err(invalid(
                target_span,
                "grid",
                "no target error: give `eps = [...]` (absolute) or `eps_relative = [...]` (fraction of the mean error)"
                    .into(),
            ));
        }

        let space_span = grid.space.span();
        let space_tables = grid.space.into_inner();
        if space_tables.is_empty() {
            return Err(invalid(
                space_span,
                "grid.space",
                "the list is empty: give at least one hypothesis space".into(),
            ));
        }
        let space_values: Vec<Spanned<toml::Value>> = space_tables
            .into_iter()
            .map(|t| Spanned::new(t.span(), toml::Value::Table(t.into_inner())))
            .collect();

        // Count the cells before expanding anything, so that a grid too large to hold is
        // refused at once rather than after minutes of work and gigabytes of memory.
        let axes = [
            Axis::values("grid.task", task_span, &task_values),
            Axis::values("grid.space", space_span, &space_values),
            Axis::sizes("grid.n", n_span, train_sizes.len()),
            Axis::sizes("grid.test_n", test_n_span, test_sizes.len()),
        ];
        let count = plan::check_cell_count(&axes)
            .map_err(|(span, message)| invalid(span, "grid", message))?;

        let tasks: Vec<T> = expand_values(task_values, "grid.task", &invalid)?;
        let spaces: Vec<S> = expand_values(space_values, "grid.space", &invalid)?;
        let settings = raw.settings.unwrap_or_default();
        let mut cells = Vec::new();
        if let (Some(task), Some(space)) = (tasks.first(), spaces.first()) {
            // The memory plan: what one cell holds, times the number of cells, against the
            // memory the machine has free.
            let sample = Cell::new(
                0,
                raw.seed,
                task.clone(),
                space.clone(),
                train_sizes[0],
                test_sizes[0],
                targets.clone(),
                &settings,
            );
            plan::check_memory(count, plan::cell_bytes(&sample), &axes)
                .map_err(|(span, message)| invalid(span, "grid", message))?;
            cells.try_reserve_exact(count).map_err(|_| {
                invalid(
                    plan::longest_axis(&axes).span.clone(),
                    "grid",
                    format!(
                        "the grid's {count} cells do not fit in memory: {}",
                        plan::shorten_hint(&axes)
                    ),
                )
            })?;
        }
        for task in &tasks {
            for space in &spaces {
                for &n in &train_sizes {
                    for &test_n in &test_sizes {
                        let index = cells.len();
                        cells.push(Cell::new(
                            index,
                            raw.seed,
                            task.clone(),
                            space.clone(),
                            n,
                            test_n,
                            targets.clone(),
                            &settings,
                        ));
                    }
                }
            }
        }
        Ok(Self {
            name,
            description: raw.description,
            seed: raw.seed,
            source: text.to_string(),
            settings,
            targets,
            cells,
        })
    }
}

impl<T, S, P> Experiment<T, S, P> {
    /// The manifest written to the output directory: the experiment and every cell's identity.
    pub fn manifest(&self) -> Manifest {
        Manifest {
            format: MANIFEST_FORMAT.to_string(),
            name: self.name.clone(),
            description: self.description.clone(),
            seed: self.seed,
            source: self.source.clone(),
            cells: self
                .cells
                .iter()
                .map(|cell| ManifestCell {
                    index: cell.index,
                    id: cell.id.clone(),
                    seed: cell.seed,
                    spec: cell.spec.clone(),
                })
                .collect(),
        }
    }
}

/// Deserialize each value of a grid axis, expanding tables with list-valued keys first; errors
/// name the line of the value.
fn expand_values<V: DeserializeOwned>(
    values: Vec<Spanned<toml::Value>>,
    field: &str,
    invalid: &dyn Fn(Range<usize>, &str, String) -> ReportError,
) -> Result<Vec<V>, ReportError> {
    let mut out = Vec::new();
    for value in values {
        let span = value.span();
        let expanded = match value.into_inner() {
            toml::Value::Table(table) => expand_table(&table)
                .map_err(|m| invalid(span.clone(), field, m))?
                .into_iter()
                .map(toml::Value::Table)
                .collect(),
            other => vec![other],
        };
        for concrete in expanded {
            let parsed = V::deserialize(concrete)
                .map_err(|e| invalid(span.clone(), field, e.to_string().trim_end().to_string()))?;
            out.push(parsed);
        }
    }
    Ok(out)
}

/// Expand the list-valued keys of a table into the Cartesian product of their values,
/// in key order (the last key varies fastest).
fn expand_table(table: &toml::Table) -> Result<Vec<toml::Table>, String> {
    let mut expanded = vec![toml::Table::new()];
    let ordered: BTreeMap<&String, &toml::Value> = table.iter().collect();
    for (key, value) in ordered {
        let choices: Vec<&toml::Value> = match value {
            toml::Value::Array(list) if list.is_empty() => {
                return Err(format!("`{key}` is an empty list: give at least one value"));
            }
            toml::Value::Array(list) => list.iter().collect(),
            other => vec![other],
        };
        expanded = expanded
            .into_iter()
            .flat_map(|partial| {
                choices.iter().map(move |choice| {
                    let mut next = partial.clone();
                    next.insert(key.clone(), (*choice).clone());
                    next
                })
            })
            .collect();
    }
    Ok(expanded)
}

/// A shard of the grid: the cells whose index i satisfies `i % count == index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl Shard {
    /// The whole grid.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// # Errors
    /// [`ReportError::Shard`] unless `count >= 1` and `index < count`.
    pub fn new(index: usize, count: usize) -> Result<Self, ReportError> {
        if count == 0 || index >= count {
            return Err(ReportError::Shard {
                spec: format!("{index}/{count}"),
            });
        }
        Ok(Self { index, count })
    }

    /// Parse `i/n`: two whole numbers with `0 <= i < n` (0-based i), spaces around them
    /// allowed.
    ///
    /// # Errors
    /// [`ReportError::Shard`], quoting `text`, when it is not of that form: no `/`, a part
    /// that is not a whole number (or too large for one), `n = 0` or `i >= n`.
    pub fn parse(text: &str) -> Result<Self, ReportError> {
        let bad = || ReportError::Shard {
            spec: text.to_string(),
        };
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let number = |part: &str| -> Result<usize, ReportError> {
            let part = part.trim();
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse().map_err(|_| bad())
        };
        let (index, count) = (number(index)?, number(count)?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// True when the cell with grid index `cell_index` belongs to this shard.
    pub fn contains(&self, cell_index: usize) -> bool {
        cell_index % self.count == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}
