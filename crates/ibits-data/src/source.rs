//! Where a task's rows come from: a vendored dataset, a user's IDX directory, CSV or `.npy`
//! files, or a synthetic generator; and the command-line spelling of each.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use ndarray::Array2;

use crate::checksum::{read_sums, sha256_hex, SUMS_FILE};
use crate::raw::{Features, RawData};
use crate::read::csv::{
    classes_from_labels, parse_csv, real_targets, CsvHeader, CsvOptions, LabelColumn,
};
use crate::read::idx::{parse_idx_images, parse_idx_labels};
use crate::read::npy::{parse_npy, NpyData};
use crate::read::read_file;
use crate::registry::{dataset, dataset_names, idx_raw};
use crate::synthetic::SyntheticSpec;
use crate::targets::TargetKind;
use crate::DataError;

/// Most classes accepted from integer labels in user files.
pub const MAX_CLASSES: usize = 1 << 16;

/// Where a task's rows come from.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskSource {
    /// A vendored dataset by registry name (`mnist`, `iris`, ...).
    Named(String),
    /// A directory of IDX files named like MNIST's: `train-images-idx3-ubyte[.gz]`,
    /// `train-labels-idx1-ubyte[.gz]`, `t10k-images-idx3-ubyte[.gz]` (or `test-images-...`),
    /// `t10k-labels-idx1-ubyte[.gz]` (or `test-labels-...`). Fashion-MNIST loads this way.
    Idx(PathBuf),
    /// A CSV table (raw or gzip).
    Csv {
        /// The file.
        path: PathBuf,
        /// Label (or target) column.
        label: LabelColumn,
        /// Header handling.
        header: CsvHeader,
    },
    /// `.npy` arrays: inputs (n x d, or n x h x w images) and labels (n, integer) or targets
    /// (n or n x k, float); optionally a separate test pair.
    Npy {
        /// Training (or all) inputs.
        x: PathBuf,
        /// Training (or all) labels / targets.
        y: PathBuf,
        /// Test inputs and labels / targets, if the split is given.
        test: Option<(PathBuf, PathBuf)>,
    },
    /// A synthetic task.
    Synthetic(SyntheticSpec),
}

/// The accepted spellings, for error messages and help.
pub fn source_forms() -> String {
    format!(
        "vendored datasets: {}; user data: idx:DIR (MNIST-style IDX files, e.g. Fashion-MNIST), csv:FILE[:LABELCOL] (label column by name or 0-based index, default last), npy:X.npy,Y.npy[,XTEST.npy,YTEST.npy]; generated: synthetic",
        dataset_names()
    )
}

impl FromStr for TaskSource {
    type Err = DataError;

    /// Parse `mnist`, `iris`, ... (registry names), `idx:DIR`, `csv:FILE[:LABELCOL]`,
    /// `npy:X,Y[,XT,YT]` or `synthetic` (default parameters; set them on the spec).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let given = s.trim();
        let bad = |problem: &str| DataError::BadSource {
            given: given.to_string(),
            problem: problem.to_string(),
            available: source_forms(),
        };
        if let Some(dir) = given.strip_prefix("idx:") {
            if dir.is_empty() {
                return Err(bad("idx: needs a directory"));
            }
            return Ok(Self::Idx(PathBuf::from(dir)));
        }
        if let Some(rest) = given.strip_prefix("csv:") {
            if rest.is_empty() {
                return Err(bad("csv: needs a file"));
            }
            // FILE:LABELCOL unless the whole string names an existing file.
            let (path, label) = match rest.rsplit_once(':') {
                Some((file, col))
                    if !Path::new(rest).exists()
                        && !file.is_empty()
                        && !col.is_empty()
                        && !col.contains('/') =>
                {
                    let label = col
                        .parse::<usize>()
                        .map_or_else(|_| LabelColumn::Name(col.to_string()), LabelColumn::Index);
                    (file, label)
                }
                _ => (rest, LabelColumn::Last),
            };
            return Ok(Self::Csv {
                path: PathBuf::from(path),
                label,
                header: CsvHeader::Auto,
            });
        }
        if let Some(rest) = given.strip_prefix("npy:") {
            let parts: Vec<&str> = rest.split(',').map(str::trim).collect();
            return match parts.as_slice() {
                [x, y] if !x.is_empty() && !y.is_empty() => Ok(Self::Npy {
                    x: x.into(),
                    y: y.into(),
                    test: None,
                }),
                [x, y, xt, yt] if [x, y, xt, yt].iter().all(|p| !p.is_empty()) => Ok(Self::Npy {
                    x: x.into(),
                    y: y.into(),
                    test: Some((xt.into(), yt.into())),
                }),
                _ => Err(bad(
                    "npy: needs two or four comma-separated files (X,Y or X,Y,XTEST,YTEST)",
                )),
            };
        }
        if given.eq_ignore_ascii_case("synthetic") {
            return Ok(Self::Synthetic(SyntheticSpec::default()));
        }
        let key = given.to_ascii_lowercase();
        if key.contains("fashion") {
            return Err(bad(
                "Fashion-MNIST is not vendored; give its directory of IDX files as idx:DIR",
            ));
        }
        match dataset(given) {
            Ok(info) => Ok(Self::Named(info.name.to_string())),
            Err(_) => Err(bad("not a vendored dataset name or a known form")),
        }
    }
}

impl std::fmt::Display for TaskSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Named(n) => f.write_str(n),
            Self::Idx(d) => write!(f, "idx:{}", d.display()),
            Self::Csv { path, .. } => write!(f, "csv:{}", path.display()),
            Self::Npy { x, y, test: None } => write!(f, "npy:{},{}", x.display(), y.display()),
            Self::Npy {
                x,
                y,
                test: Some((xt, yt)),
            } => {
                write!(
                    f,
                    "npy:{},{},{},{}",
                    x.display(),
                    y.display(),
                    xt.display(),
                    yt.display()
                )
            }
            Self::Synthetic(_) => f.write_str("synthetic"),
        }
    }
}

/// Read a user file and, when its folder has a `SHA256SUMS` listing it, verify it.
fn read_user_file(path: &Path) -> Result<(Vec<u8>, bool), DataError> {
    let bytes = read_file(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if dir.join(SUMS_FILE).is_file() {
        if let Some(expected) = read_sums(dir)?.get(&name) {
            let actual = sha256_hex(&bytes);
            if &actual != expected {
                return Err(DataError::ChecksumMismatch {
                    path: path.to_path_buf(),
                    expected: expected.clone(),
                    actual,
                });
            }
            return Ok((bytes, true));
        }
    }
    Ok((bytes, false))
}

fn find_idx(dir: &Path, stems: &[&str]) -> Result<PathBuf, DataError> {
    for stem in stems {
        for ext in ["", ".gz"] {
            let p = dir.join(format!("{stem}{ext}"));
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    Err(DataError::Io {
        path: dir.join(stems[0]),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!(
                "no IDX file named {} (optionally .gz) in {}",
                stems.join(" or "),
                dir.display()
            ),
        ),
    })
}

fn load_idx_dir(dir: &Path) -> Result<RawData, DataError> {
    if !dir.is_dir() {
        return Err(DataError::io(
            dir,
            std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory of IDX files"),
        ));
    }
    let paths = [
        find_idx(dir, &["train-images-idx3-ubyte", "train-images.idx3-ubyte"])?,
        find_idx(dir, &["train-labels-idx1-ubyte", "train-labels.idx1-ubyte"])?,
        find_idx(
            dir,
            &[
                "t10k-images-idx3-ubyte",
                "test-images-idx3-ubyte",
                "t10k-images.idx3-ubyte",
            ],
        )?,
        find_idx(
            dir,
            &[
                "t10k-labels-idx1-ubyte",
                "test-labels-idx1-ubyte",
                "t10k-labels.idx1-ubyte",
            ],
        )?,
    ];
    let mut verified = 0;
    let mut bytes = Vec::with_capacity(4);
    for p in &paths {
        let (b, v) = read_user_file(p)?;
        verified += usize::from(v);
        bytes.push(b);
    }
    let mut it = bytes.into_iter();
    let mut next = || it.next().unwrap_or_default();
    let train = parse_idx_images(&paths[0], next())?;
    let train_labels = parse_idx_labels(&paths[1], next(), None)?;
    let test = parse_idx_images(&paths[2], next())?;
    let test_labels = parse_idx_labels(&paths[3], next(), None)?;
    let names: Vec<String> = paths
        .iter()
        .map(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let check = if verified == 4 {
        "SHA-256 verified against the folder's SHA256SUMS".to_string()
    } else {
        format!("{verified} of 4 files checked against a SHA256SUMS")
    };
    let origin = format!("{} (IDX: {}; {check})", dir.display(), names.join(", "));
    let name = dir
        .file_name()
        .map_or_else(|| "idx".to_string(), |n| n.to_string_lossy().into_owned());
    idx_raw(
        &name,
        origin,
        dir,
        [&names[0], &names[1], &names[2], &names[3]],
        train,
        train_labels,
        test,
        test_labels,
    )
}

fn file_stem(path: &Path) -> String {
    path.file_name().map_or_else(
        || "data".to_string(),
        |n| {
            n.to_string_lossy()
                .split('.')
                .next()
                .unwrap_or("data")
                .to_string()
        },
    )
}

fn load_csv(
    path: &Path,
    label: &LabelColumn,
    header: CsvHeader,
    target: TargetKind,
) -> Result<RawData, DataError> {
    if *label == LabelColumn::None {
        return Err(DataError::invalid(
            "label column",
            "none",
            "a task needs a label or target column",
        ));
    }
    let (bytes, verified) = read_user_file(path)?;
    let table = parse_csv(
        path,
        bytes,
        &CsvOptions {
            header,
            label: label.clone(),
        },
    )?;
    let strings = table.labels.unwrap_or_default();
    let column = table.label_index.unwrap_or(0);
    let numeric_non_integer = strings.iter().all(|s| s.parse::<f64>().is_ok())
        && strings.iter().any(|s| s.parse::<i64>().is_err());
    let regression = match target {
        TargetKind::Regression => true,
        TargetKind::Classification => false,
        TargetKind::Auto => numeric_non_integer,
    };
    let label_name = table.label_name.clone().unwrap_or_default();
    let origin = format!(
        "{} (CSV, {} rows x {} features, {} column {label_name:?} as {}{})",
        path.display(),
        table.x.nrows(),
        table.x.ncols(),
        if regression { "target" } else { "label" },
        if regression { "real target" } else { "classes" },
        if verified { "; SHA-256 verified" } else { "" }
    );
    let (labels, class_names, targets) = if regression {
        let v = real_targets(path, &strings, column)?;
        let t = Array2::from_shape_vec((v.len(), 1), v)
            .map_err(|e| DataError::format(path, "CSV", e.to_string()))?;
        (None, Vec::new(), Some(t))
    } else {
        let (l, names) = classes_from_labels(&strings);
        (Some(l), names, None)
    };
    Ok(RawData {
        name: file_stem(path),
        origin,
        features: Features::Real(table.x),
        labels,
        class_names,
        targets,
        train_rows: None,
        image: None,
        pixel_max: None,
        standardize_by_default: false,
    })
}

/// Inputs read from a `.npy`.
struct NpyInputs {
    x: Array2<f64>,
    /// Height and width when the array was 3-D images.
    image: Option<(usize, usize)>,
    /// Checked against a SHA256SUMS in its folder.
    verified: bool,
}

/// Inputs from a `.npy`: 2-D (n, d) or 3-D images (n, h, w), flattened to rows.
fn npy_inputs(path: &Path) -> Result<NpyInputs, DataError> {
    let (bytes, verified) = read_user_file(path)?;
    let a = parse_npy(path, bytes)?;
    let (n, d, image) = match a.shape.as_slice() {
        [n, d] => (*n, *d, None),
        [n, h, w] => (*n, h * w, Some((*h, *w))),
        other => {
            return Err(DataError::format(
                path,
                ".npy",
                format!("inputs must be 2-D (n, d) or 3-D images (n, h, w), got shape {other:?}"),
            ))
        }
    };
    if d == 0 || n == 0 {
        return Err(DataError::format(
            path,
            ".npy",
            format!("inputs have shape {:?}: no rows or no features", a.shape),
        ));
    }
    let x = Array2::from_shape_vec((n, d), a.to_f64())
        .map_err(|e| DataError::format(path, ".npy", e.to_string()))?;
    Ok(NpyInputs { x, image, verified })
}

/// Labels or real targets read from a `.npy`.
enum NpyTargets {
    Labels(Vec<i64>),
    Real(Array2<f64>),
}

impl NpyTargets {
    /// Rows (one label or one target row per input row).
    fn len(&self) -> usize {
        match self {
            Self::Labels(l) => l.len(),
            Self::Real(r) => r.nrows(),
        }
    }

    /// The target kind these are, for reading a test file the same way.
    fn kind(&self) -> TargetKind {
        match self {
            Self::Labels(_) => TargetKind::Classification,
            Self::Real(_) => TargetKind::Regression,
        }
    }
}

fn npy_targets(path: &Path, target: TargetKind) -> Result<(NpyTargets, bool), DataError> {
    let (bytes, verified) = read_user_file(path)?;
    let a = parse_npy(path, bytes)?;
    let n = a.shape.first().copied().unwrap_or(0);
    let k = match a.shape.as_slice() {
        [_] => 1,
        [_, k] => *k,
        other => {
            return Err(DataError::format(
                path,
                ".npy",
                format!("labels must be 1-D (n) or targets 2-D (n, k), got shape {other:?}"),
            ))
        }
    };
    let integer_valued = match &a.data {
        NpyData::U8(_) | NpyData::I64(_) => true,
        NpyData::F64(v) => v.iter().all(|x| x.fract() == 0.0),
    };
    let classification = match target {
        TargetKind::Classification => true,
        TargetKind::Regression => false,
        TargetKind::Auto => k == 1 && !matches!(a.data, NpyData::F64(_)),
    };
    if !classification {
        let t = Array2::from_shape_vec((n, k), a.to_f64())
            .map_err(|e| DataError::format(path, ".npy", e.to_string()))?;
        return Ok((NpyTargets::Real(t), verified));
    }
    if k != 1 || !integer_valued {
        return Err(DataError::format(
            path,
            ".npy",
            format!(
                "class labels must be a 1-D array of integers, got shape {:?} of {}",
                a.shape, a.descr
            ),
        ));
    }
    let labels: Vec<i64> = match a.data {
        NpyData::U8(v) => v.into_iter().map(i64::from).collect(),
        NpyData::I64(v) => v,
        NpyData::F64(v) => v.into_iter().map(|x| x as i64).collect(),
    };
    Ok((NpyTargets::Labels(labels), verified))
}

/// Inputs and their labels or targets from one pair of `.npy` files, row counts checked.
struct NpyPair {
    inputs: NpyInputs,
    targets: NpyTargets,
    /// Both files checked against a SHA256SUMS.
    verified: bool,
}

fn npy_pair(x: &Path, y: &Path, target: TargetKind) -> Result<NpyPair, DataError> {
    let inputs = npy_inputs(x)?;
    let (targets, verified) = npy_targets(y, target)?;
    let (rows, labels) = (inputs.x.nrows(), targets.len());
    if rows != labels {
        return Err(DataError::format(
            y,
            ".npy",
            format!(
                "{labels} labels/targets but {} has {rows} rows",
                x.display()
            ),
        ));
    }
    let verified = inputs.verified && verified;
    Ok(NpyPair {
        inputs,
        targets,
        verified,
    })
}

/// The training pair followed by the test pair: inputs and targets stacked, the test pair's
/// shape checked against the training pair's.
fn append_test_pair(
    train: NpyPair,
    test: NpyPair,
    (x, xt, yt): (&Path, &Path, &Path),
) -> Result<NpyPair, DataError> {
    if test.inputs.x.ncols() != train.inputs.x.ncols() || test.inputs.image != train.inputs.image {
        return Err(DataError::format(
            xt,
            ".npy",
            format!(
                "test inputs have {} features but training inputs ({}) have {}",
                test.inputs.x.ncols(),
                x.display(),
                train.inputs.x.ncols()
            ),
        ));
    }
    let x_all = ndarray::concatenate(
        ndarray::Axis(0),
        &[train.inputs.x.view(), test.inputs.x.view()],
    )
    .map_err(|e| DataError::format(xt, ".npy", e.to_string()))?;
    let targets =
        match (train.targets, test.targets) {
            (NpyTargets::Labels(mut a), NpyTargets::Labels(b)) => {
                a.extend(b);
                NpyTargets::Labels(a)
            }
            (NpyTargets::Real(a), NpyTargets::Real(b)) => {
                if a.ncols() != b.ncols() {
                    return Err(DataError::format(
                        yt,
                        ".npy",
                        format!(
                            "test targets have {} columns, training targets have {}",
                            b.ncols(),
                            a.ncols()
                        ),
                    ));
                }
                NpyTargets::Real(
                    ndarray::concatenate(ndarray::Axis(0), &[a.view(), b.view()])
                        .map_err(|e| DataError::format(yt, ".npy", e.to_string()))?,
                )
            }
            _ => return Err(DataError::format(
                yt,
                ".npy",
                "test labels and training labels differ in kind (integer classes vs real targets)",
            )),
        };
    Ok(NpyPair {
        inputs: NpyInputs {
            x: x_all,
            image: train.inputs.image,
            verified: train.inputs.verified && test.inputs.verified,
        },
        targets,
        verified: train.verified && test.verified,
    })
}

/// Integer labels as classes `0..=max label`, each label checked: negative labels and labels
/// of [`MAX_CLASSES`] or more are errors naming the file they came from. `label_files` lists
/// (first row, file) for each file the labels were read from, in row order.
fn npy_classes(
    labels: &[i64],
    label_files: &[(usize, &Path)],
) -> Result<(Vec<usize>, Vec<String>), DataError> {
    let classes = labels
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .saturating_add(1)
        .max(0) as usize;
    let file_of = |i: usize| {
        label_files
            .iter()
            .rev()
            .find(|(s, _)| i >= *s)
            .or(label_files.first())
            .map_or((0, Path::new("")), |&(s, f)| (s, f))
    };
    for (i, &v) in labels.iter().enumerate() {
        if v < 0 {
            let (start, file) = file_of(i);
            return Err(DataError::format(
                file,
                ".npy",
                format!(
                    "label {v} at item {} is negative: class labels must be integers 0, 1, ..., C-1 (at most {MAX_CLASSES} classes); shift or map the labels to start at 0 (e.g. -1/1 or -1/0 labels to 0/1)",
                    i - start
                ),
            ));
        }
        if v as usize >= MAX_CLASSES {
            let (start, file) = file_of(i);
            return Err(DataError::LabelOutOfRange {
                path: file.to_path_buf(),
                index: i - start,
                label: v,
                classes: classes.clamp(1, MAX_CLASSES),
            });
        }
    }
    Ok((
        labels.iter().map(|&v| v as usize).collect(),
        (0..classes).map(|c| c.to_string()).collect(),
    ))
}

fn load_npy(
    x: &Path,
    y: &Path,
    test: Option<&(PathBuf, PathBuf)>,
    target: TargetKind,
) -> Result<RawData, DataError> {
    let train = npy_pair(x, y, target)?;
    let train_rows = train.inputs.x.nrows();
    // Label paths per row, for errors naming the right file.
    let mut label_files = vec![(0usize, y)];
    let all = match test {
        None => train,
        Some((xt, yt)) => {
            let test_pair = npy_pair(xt, yt, train.targets.kind())?;
            label_files.push((train_rows, yt.as_path()));
            append_test_pair(train, test_pair, (x, xt, yt))?
        }
    };
    let (labels, class_names, real) = match all.targets {
        NpyTargets::Labels(l) => {
            let (classes, names) = npy_classes(&l, &label_files)?;
            (Some(classes), names, None)
        }
        NpyTargets::Real(r) => (None, Vec::new(), Some(r)),
    };
    let mut files = vec![x.display().to_string(), y.display().to_string()];
    if let Some((xt, yt)) = test {
        files.push(xt.display().to_string());
        files.push(yt.display().to_string());
    }
    Ok(RawData {
        name: file_stem(x),
        origin: format!(
            "{} (.npy{})",
            files.join(", "),
            if all.verified {
                "; SHA-256 verified"
            } else {
                ""
            }
        ),
        features: Features::Real(all.inputs.x),
        labels,
        class_names,
        targets: real,
        train_rows: test.map(|_| train_rows),
        image: all.inputs.image,
        pixel_max: None,
        standardize_by_default: false,
    })
}

/// Load the rows of a non-synthetic source.
pub(crate) fn load_raw(
    source: &TaskSource,
    target: TargetKind,
) -> Result<std::sync::Arc<RawData>, DataError> {
    match source {
        TaskSource::Named(name) => crate::registry::load_named(name),
        TaskSource::Idx(dir) => Ok(std::sync::Arc::new(load_idx_dir(dir)?)),
        TaskSource::Csv {
            path,
            label,
            header,
        } => Ok(std::sync::Arc::new(load_csv(path, label, *header, target)?)),
        TaskSource::Npy { x, y, test } => {
            Ok(std::sync::Arc::new(load_npy(x, y, test.as_ref(), target)?))
        }
        TaskSource::Synthetic(_) => Err(DataError::invalid(
            "source",
            "synthetic",
            "synthetic tasks are generated, not loaded",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            "mnist".parse::<TaskSource>().unwrap(),
            TaskSource::Named("mnist".into())
        );
        assert_eq!(
            "Breast_Cancer".parse::<TaskSource>().unwrap(),
            TaskSource::Named("breast-cancer".into())
        );
        assert_eq!(
            "idx:/tmp/f".parse::<TaskSource>().unwrap(),
            TaskSource::Idx("/tmp/f".into())
        );
        assert_eq!(
            "csv:/no/such.csv:species".parse::<TaskSource>().unwrap(),
            TaskSource::Csv {
                path: "/no/such.csv".into(),
                label: LabelColumn::Name("species".into()),
                header: CsvHeader::Auto
            }
        );
        assert_eq!(
            "csv:/no/such.csv:3".parse::<TaskSource>().unwrap(),
            TaskSource::Csv {
                path: "/no/such.csv".into(),
                label: LabelColumn::Index(3),
                header: CsvHeader::Auto
            }
        );
        assert_eq!(
            "csv:d.csv".parse::<TaskSource>().unwrap(),
            TaskSource::Csv {
                path: "d.csv".into(),
                label: LabelColumn::Last,
                header: CsvHeader::Auto
            }
        );
        assert!(matches!(
            "npy:a.npy,b.npy".parse::<TaskSource>().unwrap(),
            TaskSource::Npy { test: None, .. }
        ));
        assert!(matches!(
            "npy:a,b,c,d".parse::<TaskSource>().unwrap(),
            TaskSource::Npy { test: Some(_), .. }
        ));
        assert!(matches!(
            "synthetic".parse::<TaskSource>().unwrap(),
            TaskSource::Synthetic(_)
        ));
    }

    // Issue 13: labels -1/0 gave "labels must lie in 0..=0 (1 classes)". A negative label is
    // named as negative, with its file, its item and what is allowed.
    #[test]
    fn negative_npy_labels_say_what_is_allowed() {
        use ndarray_npy::WriteNpyExt;
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        ndarray::Array2::from_shape_fn((4, 2), |(i, j)| (i + j) as f64)
            .write_npy(std::fs::File::create(p("x.npy")).unwrap())
            .unwrap();
        ndarray::Array1::from(vec![-1i64, 0, -1, 0])
            .write_npy(std::fs::File::create(p("y.npy")).unwrap())
            .unwrap();
        let e = load_npy(&p("x.npy"), &p("y.npy"), None, TargetKind::Auto)
            .unwrap_err()
            .to_string();
        for part in [
            "y.npy",
            "label -1 at item 0 is negative",
            "integers 0, 1, ..., C-1",
            "start at 0",
        ] {
            assert!(e.contains(part), "{part:?} missing from: {e}");
        }
        assert!(!e.contains("(1 classes)"), "{e}");
        // In the test file of a split, the item counts from that file's start.
        ndarray::Array1::from(vec![0i64, 1, 1, 0])
            .write_npy(std::fs::File::create(p("y_ok.npy")).unwrap())
            .unwrap();
        ndarray::Array1::from(vec![1i64, 0, 0, -2])
            .write_npy(std::fs::File::create(p("yt.npy")).unwrap())
            .unwrap();
        let test = (p("x.npy"), p("yt.npy"));
        let e = load_npy(&p("x.npy"), &p("y_ok.npy"), Some(&test), TargetKind::Auto)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("yt.npy") && e.contains("label -2 at item 3 is negative"),
            "{e}"
        );
        // Labels beyond MAX_CLASSES keep their out-of-range message.
        ndarray::Array1::from(vec![0i64, 1, 1 << 20, 0])
            .write_npy(std::fs::File::create(p("big.npy")).unwrap())
            .unwrap();
        let e = load_npy(&p("x.npy"), &p("big.npy"), None, TargetKind::Auto)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("big.npy") && e.contains("label 1048576 at item 2 is out of range"),
            "{e}"
        );
    }

    #[test]
    fn unknown_names_list_what_is_available() {
        let e = "cifar10".parse::<TaskSource>().unwrap_err().to_string();
        for name in [
            "mnist",
            "iris",
            "wine",
            "breast-cancer",
            "digits",
            "idx:DIR",
            "csv:FILE",
            "npy:",
            "synthetic",
        ] {
            assert!(e.contains(name), "{name} missing from: {e}");
        }
        let e = "fashion-mnist"
            .parse::<TaskSource>()
            .unwrap_err()
            .to_string();
        assert!(e.contains("idx:DIR"), "{e}");
        assert!("npy:a.npy".parse::<TaskSource>().is_err());
    }
}
