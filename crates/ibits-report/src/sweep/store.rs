//! The output directory of a sweep and how it is written so that no finished cell is ever lost.
//!
//! ```text
//! DIR/experiment.json   the manifest: experiment file and every cell's id and seed
//! DIR/results.jsonl     one line per finished cell (CellResult), in completion order
//! DIR/summary.csv       one row per (cell, target), in grid order, rewritten after each cell
//! DIR/sweep.lock        while a sweep runs: its pid and start time (see the lock module)
//! ```
//!
//! # Why append-only JSON Lines
//! Each finished cell is appended as **one** `write` of a complete line followed by `fsync`
//! (`File::sync_data`). A kill can only tear the last line (a partial line without its newline,
//! or a final line that does not parse); [`read_results`] drops it and
//! [`ResultStore::open`] truncates the file back to the last complete line before appending,
//! so a resumed sweep re-runs exactly the cells that had not finished. Appending costs O(1)
//! per cell however large the sweep, where rewriting a whole file per cell would cost O(cells).
//! The manifest and the CSV summary, which are rewritten, go through [`write_atomic`]: a
//! temporary file in the same directory, `fsync`, `rename`, then `fsync` of the directory —
//! a reader sees the old file or the new one, never a mix.
//!
//! One directory belongs to one sweep process at a time ([`run_sweep`](crate::sweep::run_sweep)
//! holds its [`lock`](crate::sweep::lock) and refuses a second one); shards on several
//! machines write to
//! separate directories and are combined with [`merge`](fn@crate::sweep::merge).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ReportError;
use crate::sweep::cell::{CellResult, Manifest, MANIFEST_FORMAT};

/// File name of the manifest.
pub const MANIFEST_FILE: &str = "experiment.json";
/// File name of the results (JSON Lines).
pub const RESULTS_FILE: &str = "results.jsonl";
/// File name of the CSV summary.
pub const SUMMARY_FILE: &str = "summary.csv";

/// Rows a result contributes to `summary.csv` (after the columns cell, id, seed, wall_s).
pub trait SummaryRows {
    /// Column names.
    fn summary_header() -> Vec<String>;
    /// One or more rows, each as long as the header.
    fn summary_rows(&self) -> Vec<Vec<String>>;
}

/// Write `bytes` to `path` atomically: temporary file in the same directory, fsync, rename,
/// fsync of the directory.
///
/// # Errors
/// [`ReportError::Io`] naming the file that could not be written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        sync_dir(dir)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&temp);
        ReportError::io(path, e)
    })
}

/// fsync a directory so that a rename in it is durable (a no-op where directories cannot be
/// opened, as on Windows).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    match File::open(dir) {
        Ok(handle) => handle.sync_all().or(Ok(())),
        Err(_) => Ok(()),
    }
}

/// Results read back from a `results.jsonl`.
#[derive(Debug)]
pub struct ReadResults<R> {
    /// Every complete, parsable line, in file order.
    pub results: Vec<CellResult<R>>,
    /// Byte length of the file up to the end of the last good line.
    pub valid_len: u64,
    /// True when a torn last line was dropped.
    pub torn_tail: bool,
}

/// Read `results.jsonl`. A missing file reads as empty; a torn last line (no newline, or not
/// parsable) is dropped and flagged.
///
/// # Errors
/// [`ReportError::Io`] if the file cannot be read; [`ReportError::Corrupt`] if a line other
/// than the last does not parse.
pub fn read_results<R: DeserializeOwned>(path: &Path) -> Result<ReadResults<R>, ReportError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(ReportError::io(path, e)),
    };
    let mut results = Vec::new();
    let mut valid_len = 0u64;
    let mut start = 0usize;
    let mut line_number = 0usize;
    let mut torn_tail = false;
    while start < bytes.len() {
        line_number += 1;
        let newline = bytes[start..].iter().position(|&b| b == b'\n');
        let Some(offset) = newline else {
            torn_tail = true; // a partial last line: the write was interrupted
            break;
        };
        let end = start + offset;
        let line = &bytes[start..end];
        let is_last = end + 1 >= bytes.len();
        if line.iter().all(u8::is_ascii_whitespace) {
            start = end + 1;
            valid_len = start as u64;
            continue;
        }
        match serde_json::from_slice::<CellResult<R>>(line) {
            Ok(result) => results.push(result),
            Err(_) if is_last => {
                torn_tail = true;
                break;
            }
            Err(e) => {
                return Err(ReportError::Corrupt {
                    path: path.to_path_buf(),
                    line: line_number,
                    message: format!("not a result line written by ibits sweep: {e}"),
                })
            }
        }
        start = end + 1;
        valid_len = start as u64;
    }
    Ok(ReadResults {
        results,
        valid_len,
        torn_tail,
    })
}

/// Read `experiment.json` from `dir`; `None` if there is none.
///
/// # Errors
/// [`ReportError::Io`] if it cannot be read, [`ReportError::Corrupt`] if it is not an ibits
/// sweep manifest.
pub fn read_manifest(dir: &Path) -> Result<Option<Manifest>, ReportError> {
    let path = dir.join(MANIFEST_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ReportError::io(&path, e)),
    };
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| ReportError::Corrupt {
        path: path.clone(),
        line: e.line(),
        message: format!("not an ibits sweep manifest: {e}"),
    })?;
    if manifest.format != MANIFEST_FORMAT {
        return Err(ReportError::Corrupt {
            path,
            line: 0,
            message: format!(
                "manifest format is {:?}, this ibits reads {MANIFEST_FORMAT:?}",
                manifest.format
            ),
        });
    }
    Ok(Some(manifest))
}

/// Write `experiment.json` into `dir` atomically.
///
/// # Errors
/// [`ReportError::Io`].
pub fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), ReportError> {
    let mut text = serde_json::to_string_pretty(manifest).map_err(|e| ReportError::Corrupt {
        path: dir.join(MANIFEST_FILE),
        line: 0,
        message: e.to_string(),
    })?;
    text.push('\n');
    write_atomic(&dir.join(MANIFEST_FILE), text.as_bytes())
}

/// Render the CSV summary of `results` (in the order given).
///
/// # Errors
/// [`ReportError::Io`] (the CSV writer writes to memory, so only formatting can fail).
pub fn summary_csv<R: SummaryRows>(results: &[&CellResult<R>]) -> Result<Vec<u8>, ReportError> {
    let to_err = |e: csv::Error| ReportError::io(SUMMARY_FILE, std::io::Error::other(e));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["cell", "id", "seed", "wall_s"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend(R::summary_header());
    writer.write_record(&header).map_err(to_err)?;
    for result in results {
        for row in result.record.summary_rows() {
            let mut line = vec![
                result.index.to_string(),
                result.id.clone(),
                result.seed.to_string(),
                format!("{:.3}", result.wall_s),
            ];
            line.extend(row);
            writer.write_record(&line).map_err(to_err)?;
        }
    }
    writer
        .into_inner()
        .map_err(|e| ReportError::io(SUMMARY_FILE, std::io::Error::other(e.to_string())))
}

/// The results of a sweep directory while a sweep appends to it.
#[derive(Debug)]
pub struct ResultStore<R> {
    dir: PathBuf,
    file: File,
    manifest: Manifest,
    /// Finished cells of the manifest, by grid index.
    finished: BTreeMap<usize, CellResult<R>>,
    /// Lines whose cell is not in the manifest (left over from an edited experiment).
    stale: usize,
}

impl<R: Serialize + DeserializeOwned + SummaryRows> ResultStore<R> {
    /// Open (creating if needed) the sweep directory `dir` for `manifest`: write the manifest,
    /// read the finished cells, cut a torn last line.
    ///
    /// A directory that holds a different experiment (another name) is refused; one that holds
    /// an edited version of the same experiment is reused: its cells that are still in the grid
    /// count as finished, the others stay in `results.jsonl` but are left out of the summary
    /// and the report.
    ///
    /// # Errors
    /// [`ReportError::Io`], [`ReportError::Corrupt`], or [`ReportError::Mismatch`] when `dir`
    /// holds another experiment.
    pub fn open(dir: &Path, manifest: &Manifest) -> Result<Self, ReportError> {
        fs::create_dir_all(dir).map_err(|e| ReportError::io(dir, e))?;
        if let Some(existing) = read_manifest(dir)? {
            if existing.name != manifest.name {
                return Err(ReportError::Mismatch {
                    message: format!(
                        "{} holds results of experiment {:?}, not {:?}: choose another --out directory",
                        dir.display(),
                        existing.name,
                        manifest.name
                    ),
                });
            }
        }
        write_manifest(dir, manifest)?;
        let results_path = dir.join(RESULTS_FILE);
        let read = read_results::<R>(&results_path)?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&results_path)
            .map_err(|e| ReportError::io(&results_path, e))?;
        if read.torn_tail {
            file.set_len(read.valid_len)
                .map_err(|e| ReportError::io(&results_path, e))?;
            file.sync_all()
                .map_err(|e| ReportError::io(&results_path, e))?;
        }
        let ids: BTreeMap<&str, usize> = manifest
            .cells
            .iter()
            .map(|c| (c.id.as_str(), c.index))
            .collect();
        let mut finished = BTreeMap::new();
        let mut stale = 0;
        for mut result in read.results {
            match ids.get(result.id.as_str()) {
                Some(&index) => {
                    result.index = index; // an edited grid may have moved the cell
                    finished.entry(index).or_insert(result);
                }
                None => stale += 1,
            }
        }
        let store = Self {
            dir: dir.to_path_buf(),
            file,
            manifest: manifest.clone(),
            finished,
            stale,
        };
        store.write_summary()?;
        Ok(store)
    }

    /// True when the cell with this grid index has a result.
    pub fn is_finished(&self, index: usize) -> bool {
        self.finished.contains_key(&index)
    }

    /// Number of lines that belong to cells no longer in the grid.
    pub fn stale(&self) -> usize {
        self.stale
    }

    /// The manifest the store was opened with.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Append a finished cell (one write + fsync), then rewrite the summary.
    ///
    /// # Errors
    /// [`ReportError::Io`].
    pub fn append(&mut self, result: CellResult<R>) -> Result<(), ReportError> {
        let results_path = self.dir.join(RESULTS_FILE);
        let mut line = serde_json::to_vec(&result).map_err(|e| ReportError::Corrupt {
            path: results_path.clone(),
            line: 0,
            message: format!(
                "result of cell {} cannot be written as JSON: {e}",
                result.index
            ),
        })?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .map_err(|e| ReportError::io(&results_path, e))?;
        self.file
            .sync_data()
            .map_err(|e| ReportError::io(&results_path, e))?;
        self.finished.insert(result.index, result);
        self.write_summary()
    }

    fn write_summary(&self) -> Result<(), ReportError> {
        let ordered: Vec<&CellResult<R>> = self.finished.values().collect();
        write_atomic(&self.dir.join(SUMMARY_FILE), &summary_csv(&ordered)?)
    }
}

/// A finished (or partly finished) sweep read back for a report or a merge.
#[derive(Debug)]
pub struct ResultSet<R> {
    /// The experiment.
    pub manifest: Manifest,
    /// Finished cells of the manifest, in grid order, each once.
    pub results: Vec<CellResult<R>>,
    /// Grid indices of the cells without a result.
    pub missing: Vec<usize>,
    /// Lines that belong to cells no longer in the grid (ignored).
    pub stale: usize,
}

/// Read a sweep directory: manifest and finished cells in grid order.
///
/// # Errors
/// [`ReportError::Mismatch`] if `dir` has no manifest (not a sweep directory), and what
/// [`read_manifest`] and [`read_results`] return.
pub fn load_results<R: DeserializeOwned>(dir: &Path) -> Result<ResultSet<R>, ReportError> {
    let manifest = read_manifest(dir)?.ok_or_else(|| ReportError::Mismatch {
        message: format!(
            "{} is not a sweep directory (no {MANIFEST_FILE}): give the --out directory of `ibits sweep`",
            dir.display()
        ),
    })?;
    let read = read_results::<R>(&dir.join(RESULTS_FILE))?;
    let ids: BTreeMap<&str, usize> = manifest
        .cells
        .iter()
        .map(|c| (c.id.as_str(), c.index))
        .collect();
    let mut by_index = BTreeMap::new();
    let mut stale = 0;
    for mut result in read.results {
        match ids.get(result.id.as_str()) {
            Some(&index) => {
                result.index = index;
                by_index.entry(index).or_insert(result);
            }
            None => stale += 1,
        }
    }
    let missing = manifest
        .cells
        .iter()
        .map(|c| c.index)
        .filter(|i| !by_index.contains_key(i))
        .collect();
    Ok(ResultSet {
        results: by_index.into_values().collect(),
        missing,
        stale,
        manifest,
    })
}
