//! Combining the output directories of shards (or of interrupted runs on several machines)
//! into one result set.
//!
//! The directories must hold the same experiment (equal manifests). Cells are combined by
//! identity; a cell finished in two directories must have the same record there (only the
//! wall time may differ) — with per-cell seeds this holds for any sharding, so the merged set
//! equals a single-machine run's.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ReportError;
use crate::sweep::cell::CellResult;
use crate::sweep::store::{
    load_results, summary_csv, write_atomic, write_manifest, SummaryRows, RESULTS_FILE,
    SUMMARY_FILE,
};

/// What a merge produced.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeSummary {
    /// Cells of the grid.
    pub grid: usize,
    /// Cells with a result in the merged set.
    pub finished: usize,
    /// Grid indices still without a result.
    pub missing: Vec<usize>,
    /// Cells found in more than one input (identical records, kept once).
    pub duplicates: usize,
}

/// Merge the sweep directories `inputs` into `out` (created; it must not already hold
/// results). `out` gets the manifest, `results.jsonl` in grid order and `summary.csv`.
///
/// # Errors
/// - [`ReportError::Mismatch`] if an input is not a sweep directory, the inputs hold
///   different experiments, a cell has different records in two inputs, or `out` already
///   holds results;
/// - [`ReportError::Io`] / [`ReportError::Corrupt`] from reading and writing.
pub fn merge<R>(inputs: &[PathBuf], out: &Path) -> Result<MergeSummary, ReportError>
where
    R: Serialize + DeserializeOwned + SummaryRows + PartialEq,
{
    let Some(first_dir) = inputs.first() else {
        return Err(ReportError::Mismatch {
            message: "merge needs at least one sweep directory".into(),
        });
    };
    if out.join(RESULTS_FILE).exists() {
        return Err(ReportError::Mismatch {
            message: format!(
                "{} already holds {RESULTS_FILE}: merge into a new directory",
                out.display()
            ),
        });
    }
    let first = load_results::<R>(first_dir)?;
    let manifest = first.manifest.clone();
    let mut merged: BTreeMap<usize, (CellResult<R>, &Path)> = BTreeMap::new();
    let mut duplicates = 0;
    let mut sets = vec![(first_dir, first)];
    for dir in &inputs[1..] {
        sets.push((dir, load_results::<R>(dir)?));
    }
    for (dir, set) in sets {
        if set.manifest != manifest {
            return Err(ReportError::Mismatch {
                message: format!(
                    "{} and {} hold different experiments (their experiment.json differ): merge only shards of one experiment file",
                    first_dir.display(),
                    dir.display()
                ),
            });
        }
        for result in set.results {
            match merged.get(&result.index) {
                None => {
                    merged.insert(result.index, (result, dir.as_path()));
                }
                Some((kept, kept_dir)) => {
                    if kept.record != result.record || kept.seed != result.seed {
                        return Err(ReportError::Mismatch {
                            message: format!(
                                "cell {} ({}) has different results in {} and {}: were they run by different ibits versions?",
                                result.index,
                                result.id,
                                kept_dir.display(),
                                dir.display()
                            ),
                        });
                    }
                    duplicates += 1;
                }
            }
        }
    }

    fs::create_dir_all(out).map_err(|e| ReportError::io(out, e))?;
    write_manifest(out, &manifest)?;
    let ordered: Vec<&CellResult<R>> = merged.values().map(|(result, _)| result).collect();
    let mut lines = Vec::new();
    for result in &ordered {
        let line = serde_json::to_vec(result).map_err(|e| ReportError::Corrupt {
            path: out.join(RESULTS_FILE),
            line: 0,
            message: e.to_string(),
        })?;
        lines.extend(line);
        lines.push(b'\n');
    }
    write_atomic(&out.join(RESULTS_FILE), &lines)?;
    write_atomic(&out.join(SUMMARY_FILE), &summary_csv(&ordered)?)?;
    let missing = manifest
        .cells
        .iter()
        .map(|c| c.index)
        .filter(|i| !merged.contains_key(i))
        .collect();
    Ok(MergeSummary {
        grid: manifest.cells.len(),
        finished: merged.len(),
        missing,
        duplicates,
    })
}
