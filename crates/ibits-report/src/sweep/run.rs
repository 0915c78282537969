//! Running the cells of a grid: skip the finished ones, run the rest on `jobs` worker threads,
//! save each as soon as it finishes.

use std::fmt::Display;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ReportError;
use crate::sweep::cell::{Cell, CellResult};
use crate::sweep::experiment::{Experiment, Shard};
use crate::sweep::lock::DirLock;
use crate::sweep::store::{ResultStore, SummaryRows};

/// How to run a sweep.
#[derive(Debug, Clone, Copy)]
pub struct SweepOptions {
    /// Cells run at the same time (worker threads), >= 1.
    pub jobs: usize,
    /// Which cells this process runs.
    pub shard: Shard,
}

impl Default for SweepOptions {
    fn default() -> Self {
        Self {
            jobs: 1,
            shard: Shard::ALL,
        }
    }
}

/// What a sweep reports while it runs (for a progress bar).
#[derive(Debug, Clone)]
pub enum SweepEvent {
    /// Before any cell runs.
    Started {
        /// Cells of the whole grid.
        grid: usize,
        /// Cells of this shard.
        shard: usize,
        /// Cells of this shard already finished by an earlier run (skipped).
        finished: usize,
        /// Things worth telling the user before the run (a stale lock taken over).
        notes: Vec<String>,
    },
    /// A cell finished and was saved.
    CellFinished {
        /// Grid index.
        index: usize,
        /// Wall-clock seconds.
        wall_s: f64,
    },
    /// A cell's runner returned an error; nothing was saved for it.
    CellFailed {
        /// Grid index.
        index: usize,
        /// The runner's message.
        message: String,
    },
}

/// What a sweep did.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSummary {
    /// Cells of the whole grid.
    pub grid: usize,
    /// Cells of this shard.
    pub shard: usize,
    /// Cells skipped because an earlier run finished them.
    pub skipped: usize,
    /// Cells run and saved now.
    pub ran: usize,
    /// Cells whose runner failed: (grid index, id, message).
    pub failed: Vec<(usize, String, String)>,
    /// Result lines of cells no longer in the grid (kept, not reported).
    pub stale: usize,
    /// Things worth telling the user (a stale lock of a sweep that was killed, taken over);
    /// also sent with [`SweepEvent::Started`].
    pub notes: Vec<String>,
}

impl SweepSummary {
    /// `Ok` when no cell failed.
    ///
    /// # Errors
    /// [`ReportError::CellsFailed`] with the first failure.
    pub fn check(&self) -> Result<(), ReportError> {
        match self.failed.first() {
            None => Ok(()),
            Some((index, id, message)) => Err(ReportError::CellsFailed {
                failed: self.failed.len(),
                total: self.shard - self.skipped,
                first_index: *index,
                first_id: id.clone(),
                first_message: message.clone(),
            }),
        }
    }
}

/// Check that a result survives its trip through JSON: serde_json writes NaN and infinity as
/// `null`, which would make the line unreadable on resume, so such a result is a failure of the
/// cell rather than a line that breaks the file.
fn readable_back<R: Serialize + DeserializeOwned>(result: &CellResult<R>) -> Result<(), String> {
    let line = serde_json::to_vec(result)
        .map_err(|e| format!("the result cannot be written as JSON: {e}"))?;
    serde_json::from_slice::<CellResult<R>>(&line).map(|_| ()).map_err(|e| {
        format!("the result holds a value JSON cannot carry (NaN or infinity where a number is required): {e}")
    })
}

/// Run every unfinished cell of `experiment` in this shard, saving each into `dir` as it
/// finishes (see [`store`](crate::sweep::store) for the guarantees).
///
/// The run holds `dir`'s lock from start to end (see [`lock`](crate::sweep::lock)): a second
/// sweep on the same directory is refused while this one runs, and a lock left by a sweep
/// that was killed is taken over with a note in [`SweepSummary::notes`].
///
/// `runner` computes one cell; it is called from `options.jobs` threads at once and must give
/// the same record for the same cell whatever the thread (use `cell.seed`). A runner error is
/// reported through `events` and in the summary, and the other cells go on; re-running the
/// sweep retries the failed cells.
///
/// # Errors
/// [`ReportError::Locked`] when another sweep holds `dir`, and what [`ResultStore::open`] and
/// [`ResultStore::append`] return (a failure to save is fatal, so that no work is silently
/// lost).
pub fn run_sweep<T, S, P, R, E>(
    dir: &Path,
    experiment: &Experiment<T, S, P>,
    options: SweepOptions,
    runner: impl Fn(&Cell<T, S>) -> Result<R, E> + Sync,
    events: impl Fn(&SweepEvent) + Sync,
) -> Result<SweepSummary, ReportError>
where
    T: Sync,
    S: Sync,
    R: Serialize + DeserializeOwned + SummaryRows + Send,
    E: Display,
{
    // Held until this function returns, whatever it returns; dropping it removes the file.
    let lock = DirLock::acquire(dir)?;
    let notes: Vec<String> = lock.note().map(str::to_string).into_iter().collect();
    let store = ResultStore::<R>::open(dir, &experiment.manifest())?;
    let in_shard: Vec<&Cell<T, S>> = experiment
        .cells
        .iter()
        .filter(|c| options.shard.contains(c.index))
        .collect();
    let pending: Vec<&Cell<T, S>> = in_shard
        .iter()
        .copied()
        .filter(|c| !store.is_finished(c.index))
        .collect();
    let skipped = in_shard.len() - pending.len();
    let stale = store.stale();
    events(&SweepEvent::Started {
        grid: experiment.cells.len(),
        shard: in_shard.len(),
        finished: skipped,
        notes: notes.clone(),
    });

    let store = Mutex::new(store);
    let next = AtomicUsize::new(0);
    let failed = Mutex::new(Vec::new());
    let save_error: Mutex<Option<ReportError>> = Mutex::new(None);
    let ran = AtomicUsize::new(0);
    let worker = || loop {
        if save_error.lock().map(|e| e.is_some()).unwrap_or(true) {
            return;
        }
        let position = next.fetch_add(1, Ordering::SeqCst);
        let Some(cell) = pending.get(position) else {
            return;
        };
        let start = Instant::now();
        let outcome = runner(cell).map_err(|e| e.to_string());
        let wall_s = start.elapsed().as_secs_f64();
        let outcome = outcome.and_then(|record| {
            let result = CellResult {
                id: cell.id.clone(),
                index: cell.index,
                seed: cell.seed,
                wall_s,
                record,
            };
            readable_back(&result).map(|()| result)
        });
        match outcome {
            Ok(result) => {
                let saved = match store.lock() {
                    Ok(mut store) => store.append(result),
                    Err(_) => return,
                };
                match saved {
                    Ok(()) => {
                        ran.fetch_add(1, Ordering::SeqCst);
                        events(&SweepEvent::CellFinished {
                            index: cell.index,
                            wall_s,
                        });
                    }
                    Err(e) => {
                        if let Ok(mut slot) = save_error.lock() {
                            slot.get_or_insert(e);
                        }
                        return;
                    }
                }
            }
            Err(message) => {
                events(&SweepEvent::CellFailed {
                    index: cell.index,
                    message: message.clone(),
                });
                if let Ok(mut list) = failed.lock() {
                    list.push((cell.index, cell.id.clone(), message));
                }
            }
        }
    };
    let jobs = options.jobs.max(1).min(pending.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(worker);
        }
    });
    if let Some(e) = save_error.into_inner().ok().flatten() {
        return Err(e);
    }
    let mut failed = failed.into_inner().unwrap_or_default();
    failed.sort();
    let summary = Ok(SweepSummary {
        grid: experiment.cells.len(),
        shard: in_shard.len(),
        skipped,
        ran: ran.into_inner(),
        failed,
        stale,
        notes,
    });
    drop(lock);
    summary
}
