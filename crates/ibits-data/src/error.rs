//! The crate's error type. Every variant names the file or field at fault and, where there is
//! one, the allowed range.

use std::path::PathBuf;

/// Everything that can go wrong while reading data or building a task.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The operating system refused to read a file.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file's bytes are not a valid file of the expected format.
    #[error("{}: invalid {format} file: {problem}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// "IDX", "CSV", ".npy" or "gzip".
        format: &'static str,
        /// What is wrong, with the offending value.
        problem: String,
    },
    /// A value that must be finite is NaN or infinite.
    #[error("{}: non-finite value {value} at row {row}, column {column} (rows and columns count from 0; all inputs must be finite)", path.display())]
    NonFinite {
        /// The file.
        path: PathBuf,
        /// Row of the value (from 0, data rows only).
        row: usize,
        /// Column of the value (from 0).
        column: usize,
        /// The value as read.
        value: f64,
    },
    /// A class label outside `0..classes`.
    #[error("{}: label {label} at item {index} is out of range: labels must lie in 0..={max} ({classes} classes)", path.display(), max = classes.saturating_sub(1))]
    LabelOutOfRange {
        /// The file.
        path: PathBuf,
        /// Item index (from 0).
        index: usize,
        /// The label as read.
        label: i64,
        /// Number of classes the file declares or the dataset has.
        classes: usize,
    },
    /// A file's SHA-256 does not match the value in its folder's `SHA256SUMS`.
    #[error("{}: checksum mismatch: SHA256SUMS lists {expected} but the file hashes to {actual}; the file is corrupt or was modified (restore it from version control)", path.display())]
    ChecksumMismatch {
        /// The file.
        path: PathBuf,
        /// SHA-256 listed in `SHA256SUMS` (hex).
        expected: String,
        /// SHA-256 of the bytes on disk (hex).
        actual: String,
    },
    /// A vendored file is not listed in its folder's `SHA256SUMS`.
    #[error("{}: not listed in {}; every vendored file needs a checksum", path.display(), sums.display())]
    ChecksumMissing {
        /// The file.
        path: PathBuf,
        /// The `SHA256SUMS` file that should list it.
        sums: PathBuf,
    },
    /// The data directory could not be found.
    #[error("data directory not found: IBITS_DATA_DIR is {env} and the build-time path {compiled} does not exist; set IBITS_DATA_DIR to the project's data/ folder")]
    DataDirMissing {
        /// Value of `IBITS_DATA_DIR` (or "unset").
        env: String,
        /// The path compiled into the binary.
        compiled: String,
    },
    /// A dataset name that the registry does not know.
    #[error("unknown dataset {name:?}; available: {available}")]
    UnknownDataset {
        /// The name given.
        name: String,
        /// Comma-separated list of the names that exist.
        available: String,
    },
    /// A task source string that cannot be parsed.
    #[error("cannot parse task source {given:?}: {problem}; available: {available}")]
    BadSource {
        /// The string given.
        given: String,
        /// What is wrong.
        problem: String,
        /// What forms and names are accepted.
        available: String,
    },
    /// More rows were requested than the dataset has.
    #[error("{dataset}: requested {requested} {part} rows but only {available} are available ({detail})")]
    SubsetTooLarge {
        /// Dataset name.
        dataset: String,
        /// "training" or "test".
        part: &'static str,
        /// Rows requested.
        requested: usize,
        /// Rows available.
        available: usize,
        /// What the available rows are (after class filters, in which split).
        detail: String,
    },
    /// A parameter outside its allowed range.
    #[error("invalid {field} = {value}: {allowed}")]
    InvalidParameter {
        /// The parameter's name as the user sees it.
        field: &'static str,
        /// The value given.
        value: String,
        /// The allowed range or values.
        allowed: String,
    },
    /// A dense linear-algebra routine failed (PCA eigendecomposition).
    #[error("linear algebra failed in {what}: {problem}")]
    LinearAlgebra {
        /// Which computation.
        what: &'static str,
        /// The solver's message.
        problem: String,
    },
}

impl DataError {
    pub(crate) fn format(
        path: &std::path::Path,
        format: &'static str,
        problem: impl Into<String>,
    ) -> Self {
        Self::Format {
            path: path.to_path_buf(),
            format,
            problem: problem.into(),
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn invalid(
        field: &'static str,
        value: impl ToString,
        allowed: impl Into<String>,
    ) -> Self {
        Self::InvalidParameter {
            field,
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }
}
