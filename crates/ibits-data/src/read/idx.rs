//! The IDX format of MNIST and Fashion-MNIST.
//!
//! # Format
//! ```text
//! byte 0, 1   0x00 0x00
//! byte 2      element type: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
//! byte 3      number of dimensions r (1 ..= 8 accepted here)
//! r x u32     the dimensions, big-endian
//! data        prod(dims) elements, big-endian, row-major
//! ```
//! The file must hold exactly the declared number of bytes: a short file is truncated, a long
//! one has trailing bytes; both are errors.
//!
//! # Reference
//! Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of handwritten digits" (format
//! description on the original page; restated in `data/mnist/README.md`).

use std::path::Path;

use crate::read::{maybe_gunzip, read_file};
use crate::DataError;

/// Most dimensions accepted in an IDX header (MNIST uses 1 and 3).
pub const IDX_MAX_DIMS: usize = 8;

/// The values of an IDX file. Unsigned bytes are kept as bytes (images); every other element
/// type is converted exactly to f64.
#[derive(Debug, Clone, PartialEq)]
pub enum IdxData {
    /// Element type 0x08.
    U8(Vec<u8>),
    /// Element types 0x09, 0x0B, 0x0C, 0x0D, 0x0E, converted exactly to f64.
    F64(Vec<f64>),
}

/// An IDX array: its dimensions and its values in row-major order.
#[derive(Debug, Clone, PartialEq)]
pub struct IdxArray {
    /// Dimensions as declared in the header, e.g. `[60000, 28, 28]`.
    pub shape: Vec<usize>,
    /// Element type code from the header (0x08 ... 0x0E).
    pub type_code: u8,
    /// The values.
    pub data: IdxData,
}

fn element_size(path: &Path, code: u8) -> Result<usize, DataError> {
    match code {
        0x08 | 0x09 => Ok(1),
        0x0B => Ok(2),
        0x0C | 0x0D => Ok(4),
        0x0E => Ok(8),
        _ => Err(DataError::format(
            path,
            "IDX",
            format!("unknown element type 0x{code:02X} in byte 2 (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)"),
        )),
    }
}

/// Parse IDX bytes (gzip is detected by its magic number and decompressed first).
///
/// # Errors
/// [`DataError::Format`] for a wrong magic, an unknown element type, a header with 0 or more
/// than [`IDX_MAX_DIMS`] dimensions, dimensions whose product overflows, or a payload that is
/// shorter (truncated) or longer (trailing bytes) than declared; [`DataError::NonFinite`] for a
/// NaN or infinite float element.
pub fn parse_idx(path: &Path, bytes: Vec<u8>) -> Result<IdxArray, DataError> {
    let bytes = maybe_gunzip(path, bytes)?;
    if bytes.len() < 4 {
        return Err(DataError::format(
            path,
            "IDX",
            format!("truncated header: {} bytes, need at least 4", bytes.len()),
        ));
    }
    if bytes[0] != 0 || bytes[1] != 0 {
        return Err(DataError::format(
            path,
            "IDX",
            format!(
                "wrong magic number: first bytes are {:02X} {:02X} {:02X} {:02X}, expected 00 00 <type> <dims>",
                bytes[0], bytes[1], bytes[2], bytes[3]
            ),
        ));
    }
    let type_code = bytes[2];
    let size = element_size(path, type_code)?;
    let ndims = bytes[3] as usize;
    if ndims == 0 || ndims > IDX_MAX_DIMS {
        return Err(DataError::format(
            path,
            "IDX",
            format!("header declares {ndims} dimensions, allowed 1..={IDX_MAX_DIMS}"),
        ));
    }
    let header_len = 4 + 4 * ndims;
    if bytes.len() < header_len {
        return Err(DataError::format(
            path,
            "IDX",
            format!(
                "truncated header: {} bytes, {ndims} dimensions need {header_len}",
                bytes.len()
            ),
        ));
    }
    let shape: Vec<usize> = bytes[4..header_len]
        .chunks_exact(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect();
    let count = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .and_then(|n| n.checked_mul(size))
        .ok_or_else(|| {
            DataError::format(
                path,
                "IDX",
                format!("dimensions {shape:?} overflow the address space"),
            )
        })?;
    let payload = &bytes[header_len..];
    if payload.len() < count {
        return Err(DataError::format(
            path,
            "IDX",
            format!(
                "truncated: dimensions {shape:?} need {count} data bytes but the file has {}",
                payload.len()
            ),
        ));
    }
    if payload.len() > count {
        return Err(DataError::format(
            path,
            "IDX",
            format!(
                "{} trailing bytes after the {count} data bytes that dimensions {shape:?} declare",
                payload.len() - count
            ),
        ));
    }
    let data = if type_code == 0x08 {
        let mut owned = bytes;
        owned.drain(..header_len);
        IdxData::U8(owned)
    } else {
        let values: Vec<f64> = match type_code {
            0x09 => payload.iter().map(|&b| f64::from(b as i8)).collect(),
            0x0B => payload
                .chunks_exact(2)
                .map(|c| f64::from(i16::from_be_bytes([c[0], c[1]])))
                .collect(),
            0x0C => payload
                .chunks_exact(4)
                .map(|c| f64::from(i32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect(),
            0x0D => payload
                .chunks_exact(4)
                .map(|c| f64::from(f32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect(),
            _ => payload
                .chunks_exact(8)
                .map(|c| f64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
        };
        let row_len = super::row_length(&shape);
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(DataError::NonFinite {
                path: path.to_path_buf(),
                row: i / row_len,
                column: i % row_len,
                value: values[i],
            });
        }
        IdxData::F64(values)
    };
    Ok(IdxArray {
        shape,
        type_code,
        data,
    })
}

/// Read an IDX file, raw or gzip-compressed.
///
/// # Errors
/// [`DataError::Io`] if the file cannot be read, else as [`parse_idx`].
pub fn read_idx(path: &Path) -> Result<IdxArray, DataError> {
    parse_idx(path, read_file(path)?)
}

/// A stack of u8 images from an IDX file of shape `[count, rows, cols]`.
#[derive(Debug, Clone, PartialEq)]
pub struct IdxImages {
    /// Number of images.
    pub count: usize,
    /// Image height in pixels.
    pub rows: usize,
    /// Image width in pixels.
    pub cols: usize,
    /// `count * rows * cols` pixels, image by image, row-major.
    pub pixels: Vec<u8>,
}

/// Interpret IDX bytes as u8 images.
///
/// # Errors
/// As [`parse_idx`], plus [`DataError::Format`] when the element type is not u8 or the array
/// does not have 3 dimensions.
pub fn parse_idx_images(path: &Path, bytes: Vec<u8>) -> Result<IdxImages, DataError> {
    let array = parse_idx(path, bytes)?;
    let IdxData::U8(pixels) = array.data else {
        return Err(DataError::format(
            path,
            "IDX",
            format!(
                "images must have element type 0x08 (u8), found 0x{:02X}",
                array.type_code
            ),
        ));
    };
    if array.shape.len() != 3 {
        return Err(DataError::format(
            path,
            "IDX",
            format!(
                "images need 3 dimensions [count, rows, cols], found {:?}",
                array.shape
            ),
        ));
    }
    Ok(IdxImages {
        count: array.shape[0],
        rows: array.shape[1],
        cols: array.shape[2],
        pixels,
    })
}

/// Interpret IDX bytes as u8 class labels, each `< classes` when `classes` is given.
///
/// # Errors
/// As [`parse_idx`], plus [`DataError::Format`] when the element type is not u8 or the array
/// is not 1-dimensional, and [`DataError::LabelOutOfRange`] for a label `>= classes`.
pub fn parse_idx_labels(
    path: &Path,
    bytes: Vec<u8>,
    classes: Option<usize>,
) -> Result<Vec<u8>, DataError> {
    let array = parse_idx(path, bytes)?;
    let IdxData::U8(labels) = array.data else {
        return Err(DataError::format(
            path,
            "IDX",
            format!(
                "labels must have element type 0x08 (u8), found 0x{:02X}",
                array.type_code
            ),
        ));
    };
    if array.shape.len() != 1 {
        return Err(DataError::format(
            path,
            "IDX",
            format!("labels need 1 dimension [count], found {:?}", array.shape),
        ));
    }
    if let Some(classes) = classes {
        if let Some(index) = labels.iter().position(|&l| l as usize >= classes) {
            return Err(DataError::LabelOutOfRange {
                path: path.to_path_buf(),
                index,
                label: i64::from(labels[index]),
                classes,
            });
        }
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(code: u8, dims: &[u32]) -> Vec<u8> {
        let mut b = vec![0, 0, code, dims.len() as u8];
        for d in dims {
            b.extend_from_slice(&d.to_be_bytes());
        }
        b
    }

    #[test]
    fn reads_u8_array_exactly() {
        let mut b = header(0x08, &[2, 3]);
        b.extend_from_slice(&[1, 2, 3, 4, 5, 6]);
        let a = parse_idx(Path::new("t.idx"), b).unwrap();
        assert_eq!(a.shape, vec![2, 3]);
        assert_eq!(a.data, IdxData::U8(vec![1, 2, 3, 4, 5, 6]));
    }

    #[test]
    fn reads_big_endian_floats_and_ints() {
        let mut b = header(0x0E, &[2]);
        b.extend_from_slice(&1.5f64.to_be_bytes());
        b.extend_from_slice(&(-2.25f64).to_be_bytes());
        assert_eq!(
            parse_idx(Path::new("f"), b).unwrap().data,
            IdxData::F64(vec![1.5, -2.25])
        );
        let mut b = header(0x0B, &[1]);
        b.extend_from_slice(&(-300i16).to_be_bytes());
        assert_eq!(
            parse_idx(Path::new("i"), b).unwrap().data,
            IdxData::F64(vec![-300.0])
        );
        let mut b = header(0x09, &[1]);
        b.push(0xFF);
        assert_eq!(
            parse_idx(Path::new("i"), b).unwrap().data,
            IdxData::F64(vec![-1.0])
        );
    }

    fn err(bytes: Vec<u8>) -> String {
        parse_idx(Path::new("bad.idx"), bytes)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn rejects_malformed_input_naming_file_and_problem() {
        let mut truncated = header(0x08, &[2, 3]);
        truncated.extend_from_slice(&[1, 2, 3]);
        let m = err(truncated);
        assert!(m.contains("bad.idx") && m.contains("truncated"), "{m}");

        let mut long = header(0x08, &[1]);
        long.extend_from_slice(&[1, 2]);
        assert!(err(long).contains("trailing"));

        assert!(err(vec![1, 0, 8, 1, 0, 0, 0, 0]).contains("wrong magic"));
        assert!(err(vec![0, 0, 0x42, 1, 0, 0, 0, 0]).contains("unknown element type"));
        assert!(err(vec![0, 0, 8, 200]).contains("200 dimensions"));
        assert!(err(vec![0, 0, 8, 3, 0, 0]).contains("truncated header"));
        // Oversized header: dimensions whose product overflows or far exceeds the data.
        assert!(err(header(
            0x0E,
            &[u32::MAX, u32::MAX, u32::MAX, u32::MAX, u32::MAX]
        ))
        .contains("overflow"));
        assert!(err(header(0x08, &[u32::MAX, 28, 28])).contains("truncated"));
        assert!(err(vec![]).contains("truncated header"));

        let mut nan = header(0x0D, &[2, 1]);
        nan.extend_from_slice(&1.0f32.to_be_bytes());
        nan.extend_from_slice(&f32::NAN.to_be_bytes());
        let m = err(nan);
        assert!(m.contains("non-finite") && m.contains("row 1"), "{m}");
    }

    // Found by cargo-fuzz (fuzz/fuzz_targets/idx.rs): float type, first dimension 0 and
    // trailing dimensions whose product overflows usize made the row-length product panic.
    #[test]
    fn zero_rows_with_huge_trailing_dims_do_not_overflow() {
        let b = header(0x0E, &[0, u32::MAX, u32::MAX, u32::MAX]);
        let a = parse_idx(Path::new("z.idx"), b).unwrap();
        assert_eq!(a.data, IdxData::F64(vec![]));
        let fuzzed = vec![
            0, 0, 0x0e, 5, 0, 0, 0, 0, 0, 0x1c, 0x3f, 2, 1, 0, 0x1c, 0x3f, 2, 1, 0, 0, 0, 0, 0, 0,
        ];
        assert!(parse_idx(Path::new("z.idx"), fuzzed).is_ok());
    }

    #[test]
    fn labels_out_of_range_are_rejected() {
        let mut b = header(0x08, &[3]);
        b.extend_from_slice(&[1, 9, 10]);
        let e = parse_idx_labels(Path::new("lab.idx"), b.clone(), Some(10))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("lab.idx") && e.contains("label 10 at item 2"),
            "{e}"
        );
        assert_eq!(
            parse_idx_labels(Path::new("lab.idx"), b, None).unwrap(),
            vec![1, 9, 10]
        );
    }

    #[test]
    fn gzip_is_detected_and_truncated_gzip_rejected() {
        use std::io::Write;
        let mut raw = header(0x08, &[4]);
        raw.extend_from_slice(&[7, 8, 9, 10]);
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&raw).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(
            parse_idx(Path::new("g"), gz.clone()).unwrap().data,
            IdxData::U8(vec![7, 8, 9, 10])
        );
        let m = err(gz[..gz.len() - 6].to_vec());
        assert!(m.contains("gzip"), "{m}");
    }

    #[test]
    fn images_need_three_dimensions() {
        let mut b = header(0x08, &[2, 2]);
        b.extend_from_slice(&[0; 4]);
        let m = parse_idx_images(Path::new("img"), b)
            .unwrap_err()
            .to_string();
        assert!(m.contains("3 dimensions"), "{m}");
    }
}
