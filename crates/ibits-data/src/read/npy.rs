//! NumPy `.npy` arrays (C order; f32, f64, u8, i32, i64; either byte order).
//!
//! # Format
//! ```text
//! magic      \x93NUMPY
//! version    major, minor (1.x: u16 header length; 2.x and 3.x: u32), little-endian
//! header     a Python dict literal {'descr': '<f8', 'fortran_order': False, 'shape': (n, d), }
//! data       prod(shape) elements, C order
//! ```
//! Fortran-order arrays are refused (write them with `np.ascontiguousarray`). Headers longer
//! than [`NPY_MAX_HEADER`] bytes are refused, as is a payload of the wrong length.
//!
//! # Reference
//! NumPy Enhancement Proposal 1, "A simple file format for NumPy arrays" (NEP 1), and
//! `numpy.lib.format`.

use std::path::Path;

use crate::read::{maybe_gunzip, read_file};
use crate::DataError;

/// Longest `.npy` header accepted, in bytes (NumPy writes under 200 for ordinary arrays).
pub const NPY_MAX_HEADER: usize = 1 << 16;

/// The values of a `.npy` array in C order.
#[derive(Debug, Clone, PartialEq)]
pub enum NpyData {
    /// dtype `|u1`.
    U8(Vec<u8>),
    /// dtype `<i4`/`>i4` or `<i8`/`>i8`.
    I64(Vec<i64>),
    /// dtype `<f4`/`>f4` (converted exactly) or `<f8`/`>f8`.
    F64(Vec<f64>),
}

/// A `.npy` array.
#[derive(Debug, Clone, PartialEq)]
pub struct NpyArray {
    /// Shape from the header (empty for a 0-dimensional array).
    pub shape: Vec<usize>,
    /// The dtype string from the header, e.g. `<f8`.
    pub descr: String,
    /// The values.
    pub data: NpyData,
}

impl NpyArray {
    /// Values as f64 (i64 values beyond 2^53 round).
    pub fn to_f64(&self) -> Vec<f64> {
        match &self.data {
            NpyData::U8(v) => v.iter().map(|&x| f64::from(x)).collect(),
            NpyData::I64(v) => v.iter().map(|&x| x as f64).collect(),
            NpyData::F64(v) => v.clone(),
        }
    }
}

fn bad(path: &Path, problem: impl Into<String>) -> DataError {
    DataError::format(path, ".npy", problem)
}

/// Value of `key` in the header dict, as the raw text up to the next top-level comma.
fn dict_value<'a>(path: &Path, header: &'a str, key: &str) -> Result<&'a str, DataError> {
    let quoted = [format!("'{key}'"), format!("\"{key}\"")];
    let start = quoted
        .iter()
        .find_map(|q| header.find(q.as_str()).map(|i| i + q.len()))
        .ok_or_else(|| bad(path, format!("header {header:?} has no {key:?} entry")))?;
    let rest = header[start..].trim_start();
    let rest = rest
        .strip_prefix(':')
        .ok_or_else(|| bad(path, format!("header entry {key:?} has no ':'")))?
        .trim_start();
    if let Some(inner) = rest.strip_prefix('(') {
        let end = inner
            .find(')')
            .ok_or_else(|| bad(path, format!("header entry {key:?}: unclosed '('")))?;
        return Ok(&inner[..end]);
    }
    for q in ['\'', '"'] {
        if let Some(inner) = rest.strip_prefix(q) {
            let end = inner
                .find(q)
                .ok_or_else(|| bad(path, format!("header entry {key:?}: unclosed quote")))?;
            return Ok(&inner[..end]);
        }
    }
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    Ok(rest[..end].trim())
}

/// Parse `.npy` bytes (gzip is detected by its magic number and decompressed first).
///
/// The phases: the preamble (magic, version, header length), the header (dtype string,
/// order, shape), the dtype, the payload (its length against the shape), decoding (bytes to
/// values) and the finiteness check.
///
/// # Errors
/// [`DataError::Format`] for a wrong magic or version, an oversized or malformed header, an
/// unsupported dtype, Fortran order, a shape whose product overflows, or a payload that is
/// shorter or longer than the shape declares; [`DataError::NonFinite`] for NaN or infinite
/// floats.
pub fn parse_npy(path: &Path, bytes: Vec<u8>) -> Result<NpyArray, DataError> {
    let bytes = maybe_gunzip(path, bytes)?;
    let header_at = preamble(path, &bytes)?;
    let header = std::str::from_utf8(&bytes[header_at.clone()])
        .map_err(|_| bad(path, "header is not UTF-8 text"))?;
    let Header { descr, shape } = parse_header(path, header)?;
    let dtype = Dtype::from_descr(path, &descr)?;
    let payload = payload(path, &bytes[header_at.end..], &shape, &descr, dtype)?;
    let data = decode(payload, dtype);
    check_finite(path, &shape, &data)?;
    Ok(NpyArray { shape, descr, data })
}

/// The byte range of the header text, after checking the magic number, the format version and
/// that the declared header length is within [`NPY_MAX_HEADER`] and the file.
fn preamble(path: &Path, bytes: &[u8]) -> Result<std::ops::Range<usize>, DataError> {
    const MAGIC: &[u8] = b"\x93NUMPY";
    if bytes.len() < 10 {
        return Err(bad(
            path,
            format!(
                "truncated: {} bytes, a header needs at least 10",
                bytes.len()
            ),
        ));
    }
    if &bytes[..6] != MAGIC {
        return Err(bad(
            path,
            format!(
                "wrong magic: first bytes {:02X?}, expected 93 4E 55 4D 50 59 (\\x93NUMPY)",
                &bytes[..6]
            ),
        ));
    }
    let (header_len, offset) = match bytes[6] {
        1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        2 | 3 => {
            if bytes.len() < 12 {
                return Err(bad(path, "truncated header length"));
            }
            (
                u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                12,
            )
        }
        v => {
            return Err(bad(
                path,
                format!(
                    "unsupported format version {v}.{} (1, 2 and 3 are supported)",
                    bytes[7]
                ),
            ))
        }
    };
    if header_len > NPY_MAX_HEADER {
        return Err(bad(
            path,
            format!("header length {header_len} exceeds the {NPY_MAX_HEADER}-byte limit"),
        ));
    }
    let data_start = offset + header_len;
    if bytes.len() < data_start {
        return Err(bad(
            path,
            format!(
                "truncated header: declares {header_len} bytes, the file has {}",
                bytes.len() - offset
            ),
        ));
    }
    Ok(offset..data_start)
}

/// What the header dict says about the array.
struct Header {
    /// The dtype string, e.g. `<f8`.
    descr: String,
    /// The shape.
    shape: Vec<usize>,
}

/// The dtype string and shape from the header dict; Fortran order is refused.
fn parse_header(path: &Path, header: &str) -> Result<Header, DataError> {
    let descr = dict_value(path, header, "descr")?.to_string();
    match dict_value(path, header, "fortran_order")? {
        "False" => {}
        "True" => {
            return Err(bad(
                path,
                "Fortran-order arrays are not supported; save with np.ascontiguousarray(a)",
            ))
        }
        other => {
            return Err(bad(
                path,
                format!("fortran_order is {other:?}, expected True or False"),
            ))
        }
    }
    let shape = parse_shape(path, dict_value(path, header, "shape")?)?;
    Ok(Header { descr, shape })
}

/// The dimensions of a shape tuple's text, e.g. `3, 4` or `5,` (a trailing `L` is allowed).
fn parse_shape(path: &Path, shape_text: &str) -> Result<Vec<usize>, DataError> {
    shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|part| {
            part.trim_end_matches('L').parse::<usize>().map_err(|_| {
                bad(path, format!("shape ({shape_text}) has a dimension {part:?} that is not a non-negative integer"))
            })
        })
        .collect()
}

/// The element types read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    U8,
    I32,
    I64,
    F32,
    F64,
}

/// An element type and its byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dtype {
    element: Element,
    big_endian: bool,
}

impl Dtype {
    /// The dtype a header's `descr` names.
    fn from_descr(path: &Path, descr: &str) -> Result<Self, DataError> {
        let (element, big_endian) = match descr {
            "|u1" | "<u1" | ">u1" | "u1" => (Element::U8, false),
            "<i4" | "=i4" => (Element::I32, false),
            ">i4" => (Element::I32, true),
            "<i8" | "=i8" => (Element::I64, false),
            ">i8" => (Element::I64, true),
            "<f4" | "=f4" => (Element::F32, false),
            ">f4" => (Element::F32, true),
            "<f8" | "=f8" => (Element::F64, false),
            ">f8" => (Element::F64, true),
            other => {
                return Err(bad(path, format!("unsupported dtype {other:?}; supported: |u1, <i4, <i8, <f4, <f8 (and big-endian >)")))
            }
        };
        Ok(Self {
            element,
            big_endian,
        })
    }

    /// Bytes per element.
    fn size(self) -> usize {
        match self.element {
            Element::U8 => 1,
            Element::I32 | Element::F32 => 4,
            Element::I64 | Element::F64 => 8,
        }
    }
}

/// The data bytes, checked to be exactly prod(shape) x element size long.
fn payload<'a>(
    path: &Path,
    payload: &'a [u8],
    shape: &[usize],
    descr: &str,
    dtype: Dtype,
) -> Result<&'a [u8], DataError> {
    let count = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .and_then(|n| n.checked_mul(dtype.size()))
        .ok_or_else(|| bad(path, format!("shape {shape:?} overflows the address space")))?;
    if payload.len() != count {
        let what = if payload.len() < count {
            "truncated"
        } else {
            "trailing bytes"
        };
        return Err(bad(
            path,
            format!(
                "{what}: shape {shape:?} of {descr} needs {count} data bytes but the file has {}",
                payload.len()
            ),
        ));
    }
    Ok(payload)
}

/// The values of a payload of whole elements (integers widen to i64, floats to f64 exactly).
fn decode(payload: &[u8], dtype: Dtype) -> NpyData {
    let be = dtype.big_endian;
    match dtype.element {
        Element::U8 => NpyData::U8(payload.to_vec()),
        Element::I32 => NpyData::I64(
            words::<4>(payload)
                .map(|b| {
                    i64::from(if be {
                        i32::from_be_bytes(b)
                    } else {
                        i32::from_le_bytes(b)
                    })
                })
                .collect(),
        ),
        Element::I64 => NpyData::I64(
            words::<8>(payload)
                .map(|b| {
                    if be {
                        i64::from_be_bytes(b)
                    } else {
                        i64::from_le_bytes(b)
                    }
                })
                .collect(),
        ),
        Element::F32 => NpyData::F64(
            words::<4>(payload)
                .map(|b| {
                    f64::from(if be {
                        f32::from_be_bytes(b)
                    } else {
                        f32::from_le_bytes(b)
                    })
                })
                .collect(),
        ),
        Element::F64 => NpyData::F64(
            words::<8>(payload)
                .map(|b| {
                    if be {
                        f64::from_be_bytes(b)
                    } else {
                        f64::from_le_bytes(b)
                    }
                })
                .collect(),
        ),
    }
}

/// The payload as consecutive `N`-byte words (a partial last word is dropped; [`payload`]
/// has checked there is none).
fn words<const N: usize>(payload: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
    payload.chunks_exact(N).map(|c| {
        let mut b = [0u8; N];
        b.copy_from_slice(c);
        b
    })
}

/// Refuse NaN or infinite floats, naming the row and column of the first.
fn check_finite(path: &Path, shape: &[usize], data: &NpyData) -> Result<(), DataError> {
    if let NpyData::F64(values) = data {
        let row_len = super::row_length(shape);
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(DataError::NonFinite {
                path: path.to_path_buf(),
                row: i / row_len,
                column: i % row_len,
                value: values[i],
            });
        }
    }
    Ok(())
}

/// Read a `.npy` file (or a gzip-compressed one).
///
/// # Errors
/// [`DataError::Io`] if the file cannot be read, else as [`parse_npy`].
pub fn read_npy(path: &Path) -> Result<NpyArray, DataError> {
    parse_npy(path, read_file(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray_npy::WriteNpyExt;

    fn written<T: ndarray_npy::WritableElement>(a: ndarray::ArrayD<T>) -> Vec<u8> {
        let mut buf = Vec::new();
        a.write_npy(&mut buf).unwrap();
        buf
    }

    // Files written by an independent writer (ndarray-npy) read back exactly.
    #[test]
    fn reads_what_ndarray_npy_writes() {
        let a = ndarray::Array2::from_shape_fn((3, 4), |(i, j)| i as f64 * 10.0 + j as f64 + 0.5)
            .into_dyn();
        let r = parse_npy(Path::new("a.npy"), written(a.clone())).unwrap();
        assert_eq!(r.shape, vec![3, 4]);
        assert_eq!(r.data, NpyData::F64(a.iter().copied().collect()));

        let b = ndarray::Array1::from(vec![1.25f32, -3.0]).into_dyn();
        assert_eq!(
            parse_npy(Path::new("b"), written(b)).unwrap().data,
            NpyData::F64(vec![1.25, -3.0])
        );
        let c = ndarray::Array1::from(vec![5i64, -7, 1 << 40]).into_dyn();
        assert_eq!(
            parse_npy(Path::new("c"), written(c)).unwrap().data,
            NpyData::I64(vec![5, -7, 1 << 40])
        );
        let d = ndarray::Array1::from(vec![0u8, 255]).into_dyn();
        assert_eq!(
            parse_npy(Path::new("d"), written(d)).unwrap().data,
            NpyData::U8(vec![0, 255])
        );
    }

    // The cargo-fuzz finding in the IDX reader, checked here too: zero rows and trailing
    // dimensions whose product overflows.
    #[test]
    fn zero_rows_with_huge_trailing_dims_do_not_overflow() {
        let mut h =
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (0, 18446744073709551615, 3), }"
                .to_vec();
        h.push(b'\n');
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        b.extend_from_slice(&(h.len() as u16).to_le_bytes());
        b.extend_from_slice(&h);
        let a = parse_npy(Path::new("z.npy"), b).unwrap();
        assert_eq!(a.data, NpyData::F64(vec![]));
    }

    // Bytes as NumPy 1.26 writes them: np.save(f, np.array([[1., 2.]]), allow_pickle=False).
    #[test]
    fn reads_numpy_header_literally() {
        let mut h = b"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }".to_vec();
        while !(10 + h.len() + 1).is_multiple_of(64) {
            h.push(b' ');
        }
        h.push(b'\n');
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        b.extend_from_slice(&(h.len() as u16).to_le_bytes());
        b.extend_from_slice(&h);
        b.extend_from_slice(&1.0f64.to_le_bytes());
        b.extend_from_slice(&2.0f64.to_le_bytes());
        let r = parse_npy(Path::new("n.npy"), b.clone()).unwrap();
        assert_eq!(r.shape, vec![1, 2]);
        assert_eq!(r.data, NpyData::F64(vec![1.0, 2.0]));

        let m = |bytes: Vec<u8>| {
            parse_npy(Path::new("n.npy"), bytes)
                .unwrap_err()
                .to_string()
        };
        assert!(m(b[..b.len() - 3].to_vec()).contains("truncated"));
        let mut long = b.clone();
        long.push(0);
        assert!(m(long).contains("trailing"));
        let mut magic = b.clone();
        magic[1] = b'X';
        assert!(m(magic).contains("wrong magic"));
        let mut huge = b.clone();
        huge[8] = 0xFF;
        huge[9] = 0xFF;
        assert!(m(huge).contains("truncated header"));
        let mut v2 = b"\x93NUMPY\x02\x00".to_vec();
        v2.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(m(v2).contains("exceeds"));
        let mut nan = b.clone();
        let len = nan.len();
        nan[len - 8..].copy_from_slice(&f64::NAN.to_le_bytes());
        let e = m(nan);
        assert!(
            e.contains("n.npy") && e.contains("non-finite") && e.contains("column 1"),
            "{e}"
        );
        let mut f = b.clone();
        let pos = f.windows(5).position(|w| w == b"False").unwrap();
        f[pos..pos + 5].copy_from_slice(b"True ");
        assert!(m(f).contains("Fortran"));
    }
}
