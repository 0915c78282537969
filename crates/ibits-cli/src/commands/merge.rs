//! `ibits merge DIR... --out MERGED`: combine the output directories of shards (or of runs on
//! several machines) of one experiment into one result set, identical to a single run's.

use std::path::PathBuf;

use anyhow::Context;
use ibits::experiment::merge;
use serde::Serialize;

use crate::output::{print_json, print_text, usage};

/// Arguments of `ibits merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Sweep directories of one experiment (e.g. one per shard).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// New directory for the merged result set (must not hold results yet).
    #[arg(long, value_name = "MERGED")]
    pub out: PathBuf,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct MergeOutput {
    out: PathBuf,
    grid_cells: usize,
    finished: usize,
    missing: Vec<usize>,
    duplicates: usize,
}

/// Run `ibits merge`.
pub fn run(args: &MergeArgs) -> anyhow::Result<()> {
    if args.dirs.iter().any(|d| d == &args.out) {
        return Err(usage(
            "--out must be a new directory, not one of the inputs",
        ));
    }
    let summary = merge(&args.dirs, &args.out)
        .with_context(|| format!("merging into {}", args.out.display()))?;
    if args.json {
        return print_json(&MergeOutput {
            out: args.out.clone(),
            grid_cells: summary.grid,
            finished: summary.finished,
            missing: summary.missing,
            duplicates: summary.duplicates,
        });
    }
    let mut text = format!(
        "merged {} directories into {}: {} of {} cells finished ({} found twice, identical)\n",
        args.dirs.len(),
        args.out.display(),
        summary.finished,
        summary.grid,
        summary.duplicates
    );
    if !summary.missing.is_empty() {
        text.push_str(&format!(
            "{} cells have no result in any input: run their shard again\n",
            summary.missing.len()
        ));
    }
    print_text(&text)
}
