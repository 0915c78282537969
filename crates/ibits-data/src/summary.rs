//! Reports about datasets and tasks, as `ibits data` prints them (text in `ibits::text::data`,
//! JSON as serialised here): the list of vendored datasets, one dataset described with its
//! class counts and checksum status, a built task described, and the verification of vendored
//! files against their checksums.

use serde::Serialize;

use crate::checksum::{verify_folder, FileCheck, FileStatus};
use crate::error::DataError;
use crate::registry::{data_dir, dataset, datasets, summarize, DatasetInfo};
use crate::task::{Task, TaskKind};

/// The task sources other than vendored datasets, in words.
pub const OTHER_SOURCES: &str =
    "idx:DIR, csv:FILE[:LABELCOL], npy:X.npy,Y.npy[,XTEST.npy,YTEST.npy], synthetic";

/// The vendored datasets and where they are.
#[derive(Debug, Clone, Serialize)]
pub struct ListReport {
    /// The data directory (`None` when it cannot be found).
    pub data_dir: Option<String>,
    /// Every vendored dataset.
    pub datasets: Vec<DatasetInfo>,
    /// The other task sources ([`OTHER_SOURCES`]).
    pub other_sources: String,
}

impl ListReport {
    /// The vendored datasets, and the data directory when it exists.
    pub fn new() -> Self {
        Self {
            data_dir: data_dir().ok().map(|d| d.display().to_string()),
            datasets: datasets().to_vec(),
            other_sources: OTHER_SOURCES.to_string(),
        }
    }
}

impl Default for ListReport {
    fn default() -> Self {
        Self::new()
    }
}

/// Rows of one class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassCount {
    /// The class index.
    pub class: usize,
    /// Its name.
    pub name: String,
    /// Training rows of the class.
    pub train: usize,
    /// Test rows of the class (`None` without a test split).
    pub test: Option<usize>,
}

/// One [`ClassCount`] per name (a missing count is 0).
pub fn class_counts(names: &[String], train: &[usize], test: Option<&[usize]>) -> Vec<ClassCount> {
    names
        .iter()
        .enumerate()
        .map(|(c, name)| ClassCount {
            class: c,
            name: name.clone(),
            train: train.get(c).copied().unwrap_or(0),
            test: test.map(|t| t.get(c).copied().unwrap_or(0)),
        })
        .collect()
}

/// A vendored dataset described whole: shapes, class counts, checksums.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetReport {
    /// The registry entry.
    pub dataset: DatasetInfo,
    /// Its folder.
    pub path: String,
    /// Rows of the official training split (all rows without a split).
    pub n_train: usize,
    /// Rows of the official test split (0 without a split).
    pub n_test: usize,
    /// Features per row.
    pub input_dim: usize,
    /// Rows per class.
    pub classes: Vec<ClassCount>,
    /// Each data file against the folder's SHA256SUMS.
    pub checksums: Vec<FileStatus>,
    /// `verified` when every file matches, else `MISMATCH`.
    pub checksum_status: &'static str,
}

impl DatasetReport {
    /// Describe the vendored dataset `name`, verifying its files.
    ///
    /// # Errors
    /// As [`summarize`] and [`verify_folder`].
    pub fn new(name: &str) -> Result<Self, DataError> {
        let summary = summarize(name)?;
        let checksums: Vec<FileStatus> = verify_folder(&summary.path)?
            .into_iter()
            .filter(|s| summary.info.files.iter().any(|f| s.path.ends_with(f)))
            .collect();
        let all_ok = checksums.iter().all(|s| s.check == FileCheck::Ok);
        let split = summary.info.train_split.is_some();
        Ok(Self {
            classes: class_counts(
                &summary.class_names,
                &summary.train_class_counts,
                split.then_some(summary.test_class_counts.as_slice()),
            ),
            path: summary.path.display().to_string(),
            n_train: summary.n_train,
            n_test: summary.n_test,
            input_dim: summary.info.features,
            checksums,
            checksum_status: if all_ok { "verified" } else { "MISMATCH" },
            dataset: summary.info,
        })
    }
}

/// A task as built: sizes, kind, class counts, how it was made.
#[derive(Debug, Clone, Serialize)]
pub struct TaskReport {
    /// The task's name.
    pub name: String,
    /// The source string the user gave.
    pub source: String,
    /// n, training rows.
    pub n_train: usize,
    /// N, test rows.
    pub n_test: usize,
    /// d, inputs.
    pub input_dim: usize,
    /// k, outputs.
    pub n_outputs: usize,
    /// Classification or regression.
    pub kind: TaskKind,
    /// Rows per class (empty for regression).
    pub classes: Vec<ClassCount>,
    /// How the task was made.
    pub description: String,
    /// The task's warnings.
    pub warnings: Vec<String>,
}

impl TaskReport {
    /// Describe `task`, built from the source string `source`.
    pub fn new(source: &str, task: &Task) -> Self {
        let classes = match (task.train_class_counts(), task.test_class_counts()) {
            (Some(a), b) => class_counts(&task.class_names, &a, b.as_deref()),
            _ => Vec::new(),
        };
        Self {
            name: task.name.clone(),
            source: source.to_string(),
            n_train: task.n_train(),
            n_test: task.n_test(),
            input_dim: task.input_dim(),
            n_outputs: task.n_outputs(),
            kind: task.kind,
            classes,
            description: task.description.clone(),
            warnings: task.warnings.clone(),
        }
    }
}

/// One vendored dataset checked: its files against SHA256SUMS, then decoded.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyEntry {
    /// The dataset.
    pub name: String,
    /// Each data file's check.
    pub files: Vec<FileStatus>,
    /// Whether the dataset decoded (only tried when every checksum matches).
    pub decoded: bool,
    /// What went wrong.
    pub error: Option<String>,
}

/// Verify the vendored datasets `names` (all when empty): each data file against its folder's
/// SHA256SUMS, then decoding. A folder whose SHA256SUMS cannot be read is one failed entry, not
/// the end of the run.
///
/// # Errors
/// An unknown name, or no data directory.
pub fn verify_datasets(names: &[String]) -> Result<Vec<VerifyEntry>, DataError> {
    let selected: Vec<&DatasetInfo> = if names.is_empty() {
        datasets().iter().collect()
    } else {
        names.iter().map(|n| dataset(n)).collect::<Result<_, _>>()?
    };
    let dir = data_dir()?;
    let mut entries = Vec::new();
    for info in selected {
        let folder = dir.join(info.folder);
        let files: Vec<FileStatus> = match verify_folder(&folder) {
            Ok(statuses) => statuses
                .into_iter()
                .filter(|s| info.files.iter().any(|f| s.path.ends_with(f)))
                .collect(),
            Err(e) => {
                entries.push(VerifyEntry {
                    name: info.name.to_string(),
                    files: Vec::new(),
                    decoded: false,
                    error: Some(e.to_string()),
                });
                continue;
            }
        };
        let listed = files.len() == info.files.len();
        let ok = listed && files.iter().all(|s| s.check == FileCheck::Ok);
        let (decoded, error) = if ok {
            match summarize(info.name) {
                Ok(_) => (true, None),
                Err(e) => (false, Some(e.to_string())),
            }
        } else if !listed {
            (
                false,
                Some(format!(
                    "{}/SHA256SUMS does not list every data file ({:?})",
                    folder.display(),
                    info.files
                )),
            )
        } else {
            (false, Some("checksum failure".to_string()))
        };
        entries.push(VerifyEntry {
            name: info.name.to_string(),
            files,
            decoded,
            error,
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_counts_fill_missing_classes_with_zero() {
        let names = vec!["a".to_string(), "b".to_string()];
        let counts = class_counts(&names, &[3], Some(&[1, 2]));
        assert_eq!((counts[1].train, counts[1].test), (0, Some(2)));
        assert_eq!(class_counts(&names, &[3, 4], None)[0].test, None);
    }

    #[test]
    fn a_vendored_dataset_is_described_and_verified() {
        let report = DatasetReport::new("iris").unwrap();
        assert_eq!(report.checksum_status, "verified");
        assert_eq!(report.classes.len(), 3);
        assert_eq!(report.classes.iter().map(|c| c.train).sum::<usize>(), 150);
        let entries = verify_datasets(&["iris".to_string()]).unwrap();
        assert!(entries[0].decoded, "{:?}", entries[0].error);
        assert!(verify_datasets(&["nosuch".to_string()]).is_err());
    }

    #[test]
    fn a_task_report_counts_its_classes() {
        let task = crate::TaskOptions::new("iris").with_sizes(30, 30);
        let mut task = task;
        task.subset = Some(crate::SubsetRule::Stratified);
        let report = TaskReport::new("iris", &task.load().unwrap());
        assert!(report.classes.iter().all(|c| c.train == 10));
        assert_eq!(report.source, "iris");
    }
}
