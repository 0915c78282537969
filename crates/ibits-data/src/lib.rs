//! Datasets and tasks for ibits.
//!
//! A [`Task`] is a training set (X, Y) of n points and a test set (X_T, Y_T) of N points with
//! k outputs (one-hot rows for classification, real values for regression), plus a record of
//! how it was made. [`load_task`] builds one from a [`TaskSpec`]: a [`TaskSource`] (a
//! vendored dataset such as `mnist` or `iris`, a user's IDX directory, CSV or `.npy` files,
//! or a synthetic task of chosen intrinsic dimension), the numbers of rows, a reproducible
//! [`Subset`] rule, an optional class filter and [`Preprocess`] steps.
//!
//! The readers ([`read_idx`], [`read_csv`], [`read_npy`]) reject malformed input (truncated,
//! oversized header, wrong magic, NaN, label out of range) with a [`DataError`] that names the
//! file and the problem; they never panic. Vendored files are checked against their folder's
//! `SHA256SUMS`.
//!
//! ```no_run
//! use ibits_data::{load_task, TaskSpec};
//! let task = load_task(&TaskSpec::named("mnist", 1000, 1000))?;
//! assert_eq!((task.n_train(), task.n_test(), task.n_outputs(), task.input_dim()), (1000, 1000, 10, 784));
//! # Ok::<(), ibits_data::DataError>(())
//! ```

mod error;

pub mod losses;

mod checksum;
mod memory;
mod raw;
mod read;
mod registry;

mod options;
mod preprocess;
mod source;
mod subset;
mod summary;
mod synthetic;
mod targets;
mod task;

pub use checksum::{
    read_sums, sha256_hex, verify_bytes, verify_folder, FileCheck, FileStatus, SUMS_FILE,
};
pub use error::DataError;
pub use memory::{available_memory, human_bytes};
pub use options::{
    ManifoldKind, ScalingOption, SubsetRule, TargetOption, TaskOptions, TeacherKind,
};
pub use preprocess::{column_mean_std, Pca, Preprocess, Scaling};
pub use read::csv::{
    classes_from_labels, parse_csv, parse_sklearn_csv, read_csv, CsvHeader, CsvOptions, CsvTable,
    LabelColumn, SklearnTable,
};
pub use read::idx::{
    parse_idx, parse_idx_images, parse_idx_labels, read_idx, IdxArray, IdxData, IdxImages,
    IDX_MAX_DIMS,
};
pub use read::npy::{parse_npy, read_npy, NpyArray, NpyData, NPY_MAX_HEADER};
pub use read::{is_gzip, maybe_gunzip, read_file, MAX_DECOMPRESSED_BYTES};
pub use registry::{
    data_dir, dataset, dataset_names, datasets, summarize, DatasetInfo, DatasetSummary, Layout,
    COMPILED_DATA_DIR, DATA_DIR_ENV,
};
pub use source::{source_forms, TaskSource, MAX_CLASSES};
pub use subset::{stratified_quotas, Subset};
pub use summary::{
    class_counts, verify_datasets, ClassCount, DatasetReport, ListReport, TaskReport, VerifyEntry,
    OTHER_SOURCES,
};
pub use synthetic::{
    Manifold, SyntheticData, SyntheticKind, SyntheticSpec, Teacher, MAX_AMBIENT_DIM,
};
pub use task::{
    load_task, load_task_within, one_hot, TargetKind, Task, TaskKind, TaskSpec,
    SYNTHETIC_DEFAULT_SIZE,
};
