//! Numeric CSV tables with one label (or target) column.
//!
//! # Format
//! ```text
//! [header line: column names]          optional; detected or stated
//! f_1, f_2, ..., label, ..., f_d       one row per item; every feature a finite number
//! ```
//! The label column is chosen by name (needs a header) or index, the last column by default;
//! labels are kept as strings here and turned into classes or real targets by the caller.
//! Missing values (empty fields), ragged rows and non-finite numbers are errors.

use std::path::Path;

use ndarray::Array2;

use crate::read::maybe_gunzip;
use crate::DataError;

/// Whether the first line is a header of column names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvHeader {
    /// A header when any field of the first line that is not the label is not a number.
    #[default]
    Auto,
    /// The first line is a header.
    Present,
    /// The first line is data.
    Absent,
}

/// Which column holds the label (or regression target).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LabelColumn {
    /// The last column (default).
    #[default]
    Last,
    /// Column index, from 0.
    Index(usize),
    /// Column name from the header.
    Name(String),
    /// No label column: every column is a feature.
    None,
}

impl std::fmt::Display for LabelColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Last => f.write_str("last column"),
            Self::Index(i) => write!(f, "column {i}"),
            Self::Name(n) => write!(f, "column {n:?}"),
            Self::None => f.write_str("none"),
        }
    }
}

/// How to read a CSV file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CsvOptions {
    /// Header handling (default: detect).
    pub header: CsvHeader,
    /// Label column (default: last).
    pub label: LabelColumn,
}

/// A parsed CSV table.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvTable {
    /// Names of the feature columns (from the header, else `x0`, `x1`, ...).
    pub feature_names: Vec<String>,
    /// Name of the label column (from the header, else `column <i>`), if there is one.
    pub label_name: Option<String>,
    /// Index of the label column in the file, if there is one.
    pub label_index: Option<usize>,
    /// Features, one row per data line.
    pub x: Array2<f64>,
    /// Raw label strings (trimmed), one per row, if there is a label column.
    pub labels: Option<Vec<String>>,
}

fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok()
}

/// Parse CSV bytes (gzip is detected by its magic number and decompressed first).
///
/// The phases: the records (blank lines skipped), the label column, whether the first line is
/// a header, the column names, the data rows (features and labels) and the feature names.
///
/// # Errors
/// [`DataError::Format`] (naming the file, the row and the column) for malformed CSV, ragged
/// rows, empty fields, text in a feature column, no data rows, or a label column that does
/// not exist; [`DataError::NonFinite`] for NaN or infinite features.
pub fn parse_csv(path: &Path, bytes: Vec<u8>, options: &CsvOptions) -> Result<CsvTable, DataError> {
    let bytes = maybe_gunzip(path, bytes)?;
    let rows = records(path, &bytes)?;
    let Some(first) = rows.first() else {
        return Err(DataError::format(path, "CSV", "no rows"));
    };
    let ncols = first.len();
    if ncols == 0 {
        return Err(DataError::format(
            path,
            "CSV",
            "the first row has no fields",
        ));
    }
    let label_index = label_column_index(path, first, options)?;
    let has_header = first_line_is_header(first, options, label_index);
    let (names, data_rows) = if has_header {
        (
            first.iter().map(str::to_string).collect::<Vec<_>>(),
            &rows[1..],
        )
    } else {
        (
            (0..ncols).map(|j| format!("column {j}")).collect(),
            &rows[..],
        )
    };
    if data_rows.is_empty() {
        return Err(DataError::format(
            path,
            "CSV",
            "no data rows after the header",
        ));
    }
    let d = ncols - usize::from(label_index.is_some());
    if d == 0 {
        return Err(DataError::format(
            path,
            "CSV",
            "no feature columns besides the label",
        ));
    }
    let columns = Columns {
        names: &names,
        label_index,
    };
    let (x, labels) = data_values(path, data_rows, &columns)?;
    let x = Array2::from_shape_vec((data_rows.len(), d), x)
        .map_err(|e| DataError::format(path, "CSV", format!("internal shape error: {e}")))?;
    let feature_names = if has_header {
        names
            .iter()
            .enumerate()
            .filter(|(j, _)| Some(*j) != label_index)
            .map(|(_, s)| s.clone())
            .collect()
    } else {
        (0..d).map(|j| format!("x{j}")).collect()
    };
    Ok(CsvTable {
        feature_names,
        label_name: label_index.map(|i| names[i].clone()),
        label_index,
        x,
        labels,
    })
}

/// The file's records, fields trimmed, blank lines (a lone empty field) skipped.
fn records(path: &Path, bytes: &[u8]) -> Result<Vec<::csv::StringRecord>, DataError> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| DataError::format(path, "CSV", format!("{e}")))?;
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        rows.push(record);
    }
    Ok(rows)
}

/// Index of the label column (`None` for [`LabelColumn::None`]), checked against the first
/// line: an index must be in range, a name must be on the first line and needs a header.
fn label_column_index(
    path: &Path,
    first: &::csv::StringRecord,
    options: &CsvOptions,
) -> Result<Option<usize>, DataError> {
    let ncols = first.len();
    match &options.label {
        LabelColumn::None => Ok(None),
        LabelColumn::Last => Ok(Some(ncols - 1)),
        LabelColumn::Index(i) => {
            if *i >= ncols {
                return Err(DataError::format(
                    path,
                    "CSV",
                    format!("label column index {i} is out of range: the file has {ncols} columns (0..={})", ncols - 1),
                ));
            }
            Ok(Some(*i))
        }
        LabelColumn::Name(name) => {
            let found = first.iter().position(|f| f == name.as_str());
            match found {
                Some(i) if options.header != CsvHeader::Absent => Ok(Some(i)),
                _ => {
                    let names: Vec<&str> = first.iter().collect();
                    Err(DataError::format(
                        path,
                        "CSV",
                        format!("no column named {name:?}; the first line has {names:?} (give the label column by index if there is no header)"),
                    ))
                }
            }
        }
    }
}

/// Whether the first line is a header: as stated, else when the label is chosen by name or
/// any field of the first line other than the label is not a number.
fn first_line_is_header(
    first: &::csv::StringRecord,
    options: &CsvOptions,
    label_index: Option<usize>,
) -> bool {
    match options.header {
        CsvHeader::Present => true,
        CsvHeader::Absent => false,
        CsvHeader::Auto => {
            matches!(options.label, LabelColumn::Name(_))
                || first
                    .iter()
                    .enumerate()
                    .any(|(j, f)| Some(j) != label_index && parse_number(f).is_none())
        }
    }
}

/// The columns of a table: every column's name (for messages) and the label column.
struct Columns<'a> {
    names: &'a [String],
    label_index: Option<usize>,
}

/// Features (row-major, every column but the label) and label strings of the data rows.
fn data_values(
    path: &Path,
    data_rows: &[::csv::StringRecord],
    columns: &Columns<'_>,
) -> Result<(Vec<f64>, Option<Vec<String>>), DataError> {
    let ncols = columns.names.len();
    let d = ncols - usize::from(columns.label_index.is_some());
    let n = data_rows.len();
    let mut x = Vec::with_capacity(n.saturating_mul(d));
    let mut labels = columns.label_index.map(|_| Vec::with_capacity(n));
    for (r, record) in data_rows.iter().enumerate() {
        if record.len() != ncols {
            return Err(DataError::format(
                path,
                "CSV",
                format!(
                    "data row {r} has {} fields, expected {ncols} like the first line",
                    record.len()
                ),
            ));
        }
        for (j, field) in record.iter().enumerate() {
            if Some(j) == columns.label_index {
                if field.is_empty() {
                    return Err(DataError::format(
                        path,
                        "CSV",
                        format!("data row {r}: empty label"),
                    ));
                }
                if let Some(l) = labels.as_mut() {
                    l.push(field.to_string());
                }
                continue;
            }
            x.push(feature_value(path, (r, j), field, &columns.names[j])?);
        }
    }
    Ok((x, labels))
}

/// One feature field as a finite number; `at` is (data row, column).
fn feature_value(
    path: &Path,
    (r, j): (usize, usize),
    field: &str,
    name: &str,
) -> Result<f64, DataError> {
    if field.is_empty() {
        return Err(DataError::format(
            path,
            "CSV",
            format!("data row {r}, column {j} ({name:?}): empty field (missing values are not supported)"),
        ));
    }
    let value = parse_number(field).ok_or_else(|| {
        DataError::format(
            path,
            "CSV",
            format!("data row {r}, column {j} ({name:?}): cannot parse {field:?} as a number"),
        )
    })?;
    if !value.is_finite() {
        return Err(DataError::NonFinite {
            path: path.to_path_buf(),
            row: r,
            column: j,
            value,
        });
    }
    Ok(value)
}

/// Read a CSV file, raw or gzip-compressed.
///
/// # Errors
/// [`DataError::Io`] if the file cannot be read, else as [`parse_csv`].
pub fn read_csv(path: &Path, options: &CsvOptions) -> Result<CsvTable, DataError> {
    parse_csv(path, crate::read::read_file(path)?, options)
}

/// Map label strings to class indices 0..C-1.
///
/// ```text
/// classes = sorted distinct labels   (numerically if every label is an integer, else as text)
/// class(i) = position of label_i in classes
/// ```
/// Returns the class index of each row and the class names in class order.
pub fn classes_from_labels(labels: &[String]) -> (Vec<usize>, Vec<String>) {
    let mut distinct: Vec<&String> = labels.iter().collect();
    let all_int = labels.iter().all(|l| l.parse::<i64>().is_ok());
    if all_int {
        distinct.sort_by_key(|l| l.parse::<i64>().unwrap_or(0));
    } else {
        distinct.sort();
    }
    distinct.dedup();
    let names: Vec<String> = distinct.into_iter().cloned().collect();
    let index: std::collections::HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let classes = labels
        .iter()
        .map(|l| index.get(l.as_str()).copied().unwrap_or(0))
        .collect();
    (classes, names)
}

/// Parse label strings as real regression targets.
///
/// # Errors
/// [`DataError::Format`] for a label that is not a number, [`DataError::NonFinite`] for NaN or
/// infinity.
pub fn real_targets(path: &Path, labels: &[String], column: usize) -> Result<Vec<f64>, DataError> {
    labels
        .iter()
        .enumerate()
        .map(|(r, l)| {
            let v = parse_number(l).ok_or_else(|| {
                DataError::format(
                    path,
                    "CSV",
                    format!("data row {r}: target {l:?} is not a number"),
                )
            })?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(DataError::NonFinite {
                    path: path.to_path_buf(),
                    row: r,
                    column,
                    value: v,
                })
            }
        })
        .collect()
}

/// A table in scikit-learn's bundled-CSV layout.
#[derive(Debug, Clone, PartialEq)]
pub struct SklearnTable {
    /// Features.
    pub x: Array2<f64>,
    /// Class of each row, checked to lie in `0..class_names.len()`.
    pub labels: Vec<usize>,
    /// Class names from the first line.
    pub class_names: Vec<String>,
}

/// Parse scikit-learn's bundled CSV layout: a first line `n_samples,n_features,name_0,...`
/// then rows of `n_features` numbers and an integer class in `0..C`.
///
/// # Errors
/// As [`parse_csv`], plus [`DataError::Format`] when the counts on the first line do not match
/// the rows, and [`DataError::LabelOutOfRange`] for a class outside `0..C`.
pub fn parse_sklearn_csv(path: &Path, bytes: Vec<u8>) -> Result<SklearnTable, DataError> {
    let bytes = maybe_gunzip(path, bytes)?;
    let split = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let first = std::str::from_utf8(&bytes[..split])
        .map_err(|_| DataError::format(path, "CSV", "first line is not UTF-8"))?;
    let meta: Vec<&str> = first.trim().split(',').map(str::trim).collect();
    let count = |i: usize, what: &str| -> Result<usize, DataError> {
        meta.get(i)
            .and_then(|s| s.parse::<usize>().ok())
            .ok_or_else(|| {
                DataError::format(
                    path,
                    "CSV",
                    format!("first line {first:?}: field {i} ({what}) is not a count"),
                )
            })
    };
    let n = count(0, "n_samples")?;
    let d = count(1, "n_features")?;
    let class_names: Vec<String> = meta[2..].iter().map(|s| s.to_string()).collect();
    if class_names.is_empty() {
        return Err(DataError::format(
            path,
            "CSV",
            format!("first line {first:?} names no classes"),
        ));
    }
    let rest = bytes.get(split + 1..).unwrap_or(&[]).to_vec();
    let table = parse_csv(
        path,
        rest,
        &CsvOptions {
            header: CsvHeader::Absent,
            label: LabelColumn::Last,
        },
    )?;
    if table.x.nrows() != n || table.x.ncols() != d {
        return Err(DataError::format(
            path,
            "CSV",
            format!(
                "first line declares {n} rows x {d} features but the data has {} x {}",
                table.x.nrows(),
                table.x.ncols()
            ),
        ));
    }
    let classes = class_names.len();
    let raw = table.labels.unwrap_or_default();
    let mut labels = Vec::with_capacity(raw.len());
    for (index, l) in raw.iter().enumerate() {
        let value: f64 = parse_number(l).ok_or_else(|| {
            DataError::format(
                path,
                "CSV",
                format!("data row {index}: label {l:?} is not an integer"),
            )
        })?;
        if value.fract() != 0.0 || !(value >= 0.0 && value < classes as f64) {
            return Err(DataError::LabelOutOfRange {
                path: path.to_path_buf(),
                index,
                label: if value.is_finite() {
                    value as i64
                } else {
                    i64::MIN
                },
                classes,
            });
        }
        labels.push(value as usize);
    }
    Ok(SklearnTable {
        x: table.x,
        labels,
        class_names,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, options: &CsvOptions) -> Result<CsvTable, DataError> {
        parse_csv(Path::new("t.csv"), text.as_bytes().to_vec(), options)
    }

    #[test]
    fn header_is_detected_and_label_chosen_by_name_or_index() {
        let t = parse("a,b,y\n1,2,cat\n3,4.5,dog\n", &CsvOptions::default()).unwrap();
        assert_eq!(t.feature_names, vec!["a", "b"]);
        assert_eq!(t.label_name.as_deref(), Some("y"));
        assert_eq!(t.x, ndarray::array![[1.0, 2.0], [3.0, 4.5]]);
        assert_eq!(t.labels.unwrap(), vec!["cat", "dog"]);

        let opts = CsvOptions {
            header: CsvHeader::Auto,
            label: LabelColumn::Name("a".into()),
        };
        let t = parse("a,b,y\n1,2,3\n4,5,6\n", &opts).unwrap();
        assert_eq!(t.x, ndarray::array![[2.0, 3.0], [5.0, 6.0]]);
        assert_eq!(t.labels.unwrap(), vec!["1", "4"]);

        let opts = CsvOptions {
            header: CsvHeader::Auto,
            label: LabelColumn::Index(0),
        };
        let t = parse("1,2,3\n4,5,6\n", &opts).unwrap();
        assert_eq!(t.x.nrows(), 2);
        assert_eq!(t.feature_names, vec!["x0", "x1"]);
    }

    #[test]
    fn classes_sort_numerically_for_integers() {
        let labels: Vec<String> = ["7", "10", "2", "7"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (c, names) = classes_from_labels(&labels);
        assert_eq!(names, vec!["2", "7", "10"]);
        assert_eq!(c, vec![1, 2, 0, 1]);
    }

    #[test]
    fn malformed_tables_are_errors_naming_the_problem() {
        let d = CsvOptions::default();
        let m = |t: &str| parse(t, &d).unwrap_err().to_string();
        assert!(m("a,b\n1,2\n3\n").contains("data row 1 has 1 fields"));
        assert!(m("a,b,c\n1,,2\n").contains("empty field"));
        assert!(m("a,b\n1,\n").contains("empty label"));
        assert!(m("1,2\nx,3\n").contains("cannot parse \"x\""));
        let e = m("1,2\nNaN,3\n");
        assert!(
            e.contains("t.csv") && e.contains("non-finite") && e.contains("row 1"),
            "{e}"
        );
        assert!(m("").contains("no rows"));
        assert!(m("a,b\n").contains("no data rows"));
        let opts = CsvOptions {
            header: CsvHeader::Auto,
            label: LabelColumn::Name("zz".into()),
        };
        assert!(parse("a,b\n1,2\n", &opts)
            .unwrap_err()
            .to_string()
            .contains("no column named \"zz\""));
        let opts = CsvOptions {
            header: CsvHeader::Auto,
            label: LabelColumn::Index(5),
        };
        assert!(parse("1,2\n", &opts)
            .unwrap_err()
            .to_string()
            .contains("out of range"));
    }

    #[test]
    fn sklearn_layout_checks_counts_and_label_range() {
        let ok = "2,2,a,b\n1,2,0\n3,4,1\n";
        let t = parse_sklearn_csv(Path::new("s.csv"), ok.as_bytes().to_vec()).unwrap();
        assert_eq!(t.labels, vec![0, 1]);
        assert_eq!(t.class_names, vec!["a", "b"]);
        let bad = "2,2,a,b\n1,2,0\n3,4,2\n";
        let e = parse_sklearn_csv(Path::new("s.csv"), bad.as_bytes().to_vec())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("s.csv") && e.contains("label 2 at item 1"),
            "{e}"
        );
        let short = "3,2,a,b\n1,2,0\n3,4,1\n";
        let e = parse_sklearn_csv(Path::new("s.csv"), short.as_bytes().to_vec())
            .unwrap_err()
            .to_string();
        assert!(e.contains("declares 3 rows"), "{e}");
    }
}
