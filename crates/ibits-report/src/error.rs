//! Errors of the ibits-report crate. Each variant names the file (and line, where there is one)
//! and says what to change.

use std::path::PathBuf;

/// Everything that can go wrong while reading an experiment, running a sweep, merging result
/// sets or rendering a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The experiment file is not valid TOML or does not match the schema (unknown key, wrong
    /// type). `message` is the TOML parser's, which names the line and column.
    #[error("{path}: {message}")]
    Toml {
        /// The experiment file.
        path: PathBuf,
        /// The parser's message, including line and column.
        message: String,
    },
    /// A value of the experiment file is well-typed but unusable (an empty list, n = 0, a
    /// negative target error, an unknown hypothesis-space parameter...).
    #[error("{path}, line {line}: {field}: {message}")]
    Invalid {
        /// The experiment file.
        path: PathBuf,
        /// 1-based line of the offending value.
        line: usize,
        /// The key or axis the value belongs to.
        field: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// Reading or writing a file or directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A results or manifest file holds something that is not what ibits wrote.
    #[error("{path}, line {line}: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 for the whole file).
        line: usize,
        /// What could not be read.
        message: String,
    },
    /// An output directory already holds a different experiment, or the directories given to
    /// `merge` are not shards of one experiment.
    #[error("{message}")]
    Mismatch {
        /// Which directories disagree and how to proceed.
        message: String,
    },
    /// A shard specification that is not `i/n` with whole numbers `0 <= i < n`.
    #[error("expected i/n with 0 <= i < n, got {spec:?}")]
    Shard {
        /// The specification as given (`"a/b"`, `"1"`, `"3/3"`...).
        spec: String,
    },
    /// Another sweep holds the output directory (its lock file exists and its process runs,
    /// or cannot be checked).
    #[error("{dir} is in use by another sweep ({holder}): wait for it to finish or give another --out directory; if no sweep is running on it, remove {lock}")]
    Locked {
        /// The sweep directory.
        dir: PathBuf,
        /// Its lock file.
        lock: PathBuf,
        /// Who holds it: process id, host and start time as the lock file records them, and
        /// why it was not taken over.
        holder: String,
    },
    /// One or more cells failed; finished cells are kept, and re-running retries the failed
    /// ones.
    #[error("{failed} of {total} cells failed (finished cells are saved; re-run to retry the failed ones); first failure, cell {first_index} ({first_id}): {first_message}")]
    CellsFailed {
        /// Number of cells whose runner returned an error.
        failed: usize,
        /// Number of cells this run attempted.
        total: usize,
        /// Grid index of the first failed cell.
        first_index: usize,
        /// Identity of the first failed cell.
        first_id: String,
        /// Its error message.
        first_message: String,
    },
    /// Drawing a plot failed.
    #[error("drawing {path}: {message}")]
    Plot {
        /// The image being drawn.
        path: PathBuf,
        /// The drawing backend's message.
        message: String,
    },
}

impl ReportError {
    /// Wrap an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
