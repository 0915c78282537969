//! Loss files: the sampled test errors e_1..e_S of a hypothesis space, as the fitted path reads
//! them (`ibits fit --losses FILE`).
//!
//! # Format
//! ```text
//! .txt / .csv   one value per line (one column); blank lines and lines starting with '#'
//!               are skipped; the first remaining line may be a header (a non-number)
//! .npy          a float array (f32 or f64) of shape (S,), (S, 1) or (1, S)
//! ```
//! Every value must be a finite number > 0 (a test error is a mean of squares). Errors name the
//! file and the 1-based line (text) or 0-based index (`.npy`) of the offending value.

use std::path::{Path, PathBuf};

use crate::{read_npy, DataError, NpyData};

/// What can be wrong with a loss file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LossFileError {
    /// Reading or decoding the file failed (I/O, or a malformed `.npy`).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The extension is not one of .csv, .txt, .npy.
    #[error("{}: unsupported loss file type {extension:?}; use .csv or .txt (one value per line) or .npy (f32/f64 array)", path.display())]
    Extension {
        /// The file.
        path: PathBuf,
        /// Its extension ("" when it has none).
        extension: String,
    },
    /// The file is not valid UTF-8 text.
    #[error("{}: not a text file (invalid UTF-8); a .csv/.txt loss file holds one number per line", path.display())]
    NotText {
        /// The file.
        path: PathBuf,
    },
    /// A line holds something that is not a number.
    #[error("{}: line {line}: {text:?} is not a number (expected one loss value per line)", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The line's text.
        text: String,
    },
    /// A line holds more than one column.
    #[error("{}: line {line} has {fields} comma-separated fields; a loss file has exactly one column", path.display())]
    Columns {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Number of fields on that line.
        fields: usize,
    },
    /// A value is NaN or infinite.
    #[error("{}: {location}: loss {value} is not a finite number", path.display())]
    NotFinite {
        /// The file.
        path: PathBuf,
        /// "line N" (text) or "index i" (.npy).
        location: String,
        /// The value.
        value: f64,
    },
    /// A value is zero or negative.
    #[error("{}: {location}: loss {value} must be > 0 (a test error is a mean of squares)", path.display())]
    NotPositive {
        /// The file.
        path: PathBuf,
        /// "line N" (text) or "index i" (.npy).
        location: String,
        /// The value.
        value: f64,
    },
    /// The `.npy` array is not a float vector.
    #[error("{}: .npy array has dtype {descr:?} and shape {shape:?}; expected f32 or f64 of shape (S,), (S, 1) or (1, S)", path.display())]
    NpyLayout {
        /// The file.
        path: PathBuf,
        /// dtype string from the header.
        descr: String,
        /// Shape from the header.
        shape: Vec<usize>,
    },
    /// No values at all.
    #[error("{}: the file holds no loss values", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

/// Read a loss file (format chosen by extension, see the module documentation).
///
/// # Errors
/// A [`LossFileError`] naming the file and, for a bad value, its line or index.
pub fn read_losses(path: &Path) -> Result<Vec<f64>, LossFileError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let values = match extension.as_str() {
        "csv" | "txt" => {
            let bytes = crate::read_file(path)?;
            let text = String::from_utf8(bytes).map_err(|_| LossFileError::NotText {
                path: path.to_path_buf(),
            })?;
            parse_losses_text(path, &text)?
        }
        "npy" => {
            let array = read_npy(path)?;
            let is_vector = match array.shape.as_slice() {
                [_] => true,
                [rows, cols] => *rows == 1 || *cols == 1,
                _ => false,
            };
            let is_float = array.descr.ends_with("f4") || array.descr.ends_with("f8");
            let NpyData::F64(values) = array.data else {
                return Err(LossFileError::NpyLayout {
                    path: path.to_path_buf(),
                    descr: array.descr,
                    shape: array.shape,
                });
            };
            if !(is_vector && is_float) {
                return Err(LossFileError::NpyLayout {
                    path: path.to_path_buf(),
                    descr: array.descr,
                    shape: array.shape,
                });
            }
            for (index, &value) in values.iter().enumerate() {
                check_value(path, || format!("index {index}"), value)?;
            }
            values
        }
        _ => {
            return Err(LossFileError::Extension {
                path: path.to_path_buf(),
                extension,
            })
        }
    };
    if values.is_empty() {
        return Err(LossFileError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(values)
}

/// Parse the text of a .csv/.txt loss file; `path` is used in error messages only.
///
/// # Errors
/// [`LossFileError::Parse`], [`LossFileError::Columns`], [`LossFileError::NotFinite`],
/// [`LossFileError::NotPositive`] (with the 1-based line) or [`LossFileError::Empty`].
pub fn parse_losses_text(path: &Path, text: &str) -> Result<Vec<f64>, LossFileError> {
    let mut values = Vec::new();
    let mut first = true;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim().trim_start_matches('\u{feff}');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = trimmed.split(',').map(str::trim).collect();
        let is_header = first && fields[0].parse::<f64>().is_err() && looks_like_header(fields[0]);
        first = false;
        if is_header {
            if fields.len() > 1 {
                return Err(LossFileError::Columns {
                    path: path.to_path_buf(),
                    line,
                    fields: fields.len(),
                });
            }
            continue;
        }
        if fields.len() > 1 {
            return Err(LossFileError::Columns {
                path: path.to_path_buf(),
                line,
                fields: fields.len(),
            });
        }
        let value: f64 = fields[0].parse().map_err(|_| LossFileError::Parse {
            path: path.to_path_buf(),
            line,
            text: raw.to_string(),
        })?;
        check_value(path, || format!("line {line}"), value)?;
        values.push(value);
    }
    if values.is_empty() {
        return Err(LossFileError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(values)
}

/// A header is a name: it starts with a letter or quote and is not a spelling of NaN or
/// infinity (those are values, rejected as non-finite with their line).
fn looks_like_header(field: &str) -> bool {
    let lower = field.trim_matches('"').to_ascii_lowercase();
    let numeric_word = matches!(
        lower.as_str(),
        "nan" | "inf" | "-inf" | "+inf" | "infinity" | "-infinity"
    );
    !numeric_word
        && field
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '"' || c == '_')
}

fn check_value(
    path: &Path,
    location: impl Fn() -> String,
    value: f64,
) -> Result<(), LossFileError> {
    if !value.is_finite() {
        return Err(LossFileError::NotFinite {
            path: path.to_path_buf(),
            location: location(),
            value,
        });
    }
    if value <= 0.0 {
        return Err(LossFileError::NotPositive {
            path: path.to_path_buf(),
            location: location(),
            value,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<f64>, LossFileError> {
        parse_losses_text(Path::new("losses.csv"), text)
    }

    #[test]
    fn reads_one_value_per_line_with_header_comments_and_blanks() {
        let values = parse("# sampled test errors\nloss\n0.5\n\n 0.25 \n1e-3\r\n").unwrap();
        assert_eq!(values, vec![0.5, 0.25, 1e-3]);
    }

    #[test]
    fn names_the_line_of_a_bad_value() {
        let err = parse("0.5\n0.7\nNaN\n").unwrap_err();
        assert!(matches!(err, LossFileError::NotFinite { .. }));
        assert!(err.to_string().contains("line 3"), "{err}");
        let err = parse("0.5\n-0.1\n").unwrap_err();
        assert!(
            err.to_string().contains("line 2") && err.to_string().contains("> 0"),
            "{err}"
        );
        let err = parse("0.5\n0\n").unwrap_err();
        assert!(matches!(err, LossFileError::NotPositive { .. }));
        let err = parse("0.5\nabc\n").unwrap_err();
        assert!(matches!(err, LossFileError::Parse { line: 2, .. }), "{err}");
        let err = parse("0.5,0.2\n").unwrap_err();
        assert!(matches!(
            err,
            LossFileError::Columns {
                line: 1,
                fields: 2,
                ..
            }
        ));
    }

    #[test]
    fn rejects_empty_text() {
        assert!(matches!(
            parse("# nothing\n\n"),
            Err(LossFileError::Empty { .. })
        ));
        assert!(matches!(parse("loss\n"), Err(LossFileError::Empty { .. })));
    }

    #[test]
    fn reads_npy_f32_and_f64_vectors() {
        let dir = tempfile::tempdir().unwrap();
        // f8 vector of shape (3,), written by hand (NEP 1, version 1.0).
        let mut f8 = npy_header("<f8", "(3,)");
        for v in [0.5f64, 0.25, 2.0] {
            f8.extend_from_slice(&v.to_le_bytes());
        }
        let path = dir.path().join("l.npy");
        std::fs::write(&path, &f8).unwrap();
        assert_eq!(read_losses(&path).unwrap(), vec![0.5, 0.25, 2.0]);
        // f4 column (2, 1) with a non-positive value at index 1.
        let mut f4 = npy_header("<f4", "(2, 1)");
        for v in [0.5f32, -1.0] {
            f4.extend_from_slice(&v.to_le_bytes());
        }
        std::fs::write(&path, &f4).unwrap();
        let err = read_losses(&path).unwrap_err();
        assert!(err.to_string().contains("index 1"), "{err}");
        // i8 is not a float array.
        let mut i8 = npy_header("<i8", "(1,)");
        i8.extend_from_slice(&5i64.to_le_bytes());
        std::fs::write(&path, &i8).unwrap();
        assert!(matches!(
            read_losses(&path),
            Err(LossFileError::NpyLayout { .. })
        ));
    }

    #[test]
    fn rejects_unknown_extension_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.json");
        std::fs::write(&path, "[1]").unwrap();
        assert!(matches!(
            read_losses(&path),
            Err(LossFileError::Extension { .. })
        ));
        let missing = dir.path().join("missing.csv");
        let err = read_losses(&missing).unwrap_err();
        assert!(err.to_string().contains("missing.csv"), "{err}");
    }

    fn npy_header(descr: &str, shape: &str) -> Vec<u8> {
        let mut dict =
            format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        while (10 + dict.len() + 1) % 64 != 0 {
            dict.push(' ');
        }
        dict.push('\n');
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(dict.len() as u16).to_le_bytes());
        bytes.extend_from_slice(dict.as_bytes());
        bytes
    }
}
