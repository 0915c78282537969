//! `ibits sweep experiment.toml [--out DIR] [--jobs N] [--shard i/n]`: run a grid of estimates,
//! saving each cell as it finishes; re-running skips finished cells. The experiment, its cells
//! and their records are `ibits::experiment`; this module parses flags and prints.

use std::path::{Path, PathBuf};

use anyhow::Context;
use ibits::experiment::{Experiment, RunOptions, Shard, SweepSummary};
use ibits_report::sweep::{SweepEvent, Target};
use serde::Serialize;

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

/// Read and validate an experiment file: an unreadable file fails (exit 1), every problem in
/// it is a usage error naming the line (exit 2).
pub fn read_experiment(path: &Path) -> anyhow::Result<Experiment> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Experiment::parse(path, &text).map_err(|e| usage(e.to_string()))
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
fn list_cells(experiment: &Experiment, shard: Shard, json: bool) -> anyhow::Result<()> {
    let experiment = &experiment.grid;
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
        .unwrap_or_else(|| PathBuf::from(format!("sweep-{}", experiment.grid.name)));
    let bar = progress_bar(0, args.json, "cells");
    let summary = experiment
        .run_with_events(
            &dir,
            &RunOptions {
                jobs: args.jobs,
                shard,
            },
            |event| match event {
                SweepEvent::Started {
                    shard,
                    finished,
                    notes,
                    ..
                } => {
                    for note in notes {
                        bar.suspend(|| eprintln!("ibits: note: {note}"));
                    }
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
            experiment: &experiment.grid.name,
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
        print_text(&summary_text(&experiment.grid.name, &dir, shard, &summary))?;
    }
    summary.check()?;
    Ok(())
}
