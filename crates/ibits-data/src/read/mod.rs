//! Readers for the file formats ibits accepts: IDX (raw or gzip), CSV (raw or gzip) and `.npy`.
//!
//! Every reader works on bytes already in memory (so checksums and decompression happen once)
//! and takes the file's path only to name it in errors. Malformed input of any kind is an
//! error naming the file and the problem, never a panic.

pub(crate) mod csv;
pub(crate) mod idx;
pub(crate) mod npy;

use std::io::Read;
use std::path::Path;

use crate::DataError;

/// Decompressed files larger than this are refused (a guard against gzip bombs): 4 GiB.
pub const MAX_DECOMPRESSED_BYTES: u64 = 4 << 30;

/// Read a whole file into memory.
///
/// # Errors
/// [`DataError::Io`] naming the file.
pub fn read_file(path: &Path) -> Result<Vec<u8>, DataError> {
    std::fs::read(path).map_err(|e| DataError::io(path, e))
}

/// Elements per row (product of all but the first dimension, at least 1), for locating a bad
/// value. Saturates instead of overflowing: with a zero first dimension the trailing
/// dimensions are unchecked by the length test and may be huge (found by cargo-fuzz).
pub(crate) fn row_length(shape: &[usize]) -> usize {
    shape
        .get(1..)
        .unwrap_or(&[])
        .iter()
        .fold(1usize, |acc, &d| acc.saturating_mul(d))
        .max(1)
}

/// True when `bytes` start with the gzip magic number `1f 8b`.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
}

/// Return the bytes decompressed if they are gzip (detected by the magic number, not the file
/// name), else unchanged.
///
/// # Errors
/// [`DataError::Format`] (format "gzip") for a truncated or corrupt stream, or one that
/// expands beyond [`MAX_DECOMPRESSED_BYTES`].
pub fn maybe_gunzip(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>, DataError> {
    if !is_gzip(&bytes) {
        return Ok(bytes);
    }
    // The gzip trailer holds the uncompressed size mod 2^32: a good first guess for capacity.
    let hint = if bytes.len() >= 4 {
        let t = &bytes[bytes.len() - 4..];
        u32::from_le_bytes([t[0], t[1], t[2], t[3]]) as usize
    } else {
        0
    };
    // A corrupt trailer must not trigger a huge allocation: cap the guess at 32x the input.
    let mut out = Vec::with_capacity(hint.min(bytes.len().saturating_mul(32)).min(1 << 30));
    let decoder = flate2::read::MultiGzDecoder::new(bytes.as_slice());
    decoder
        .take(MAX_DECOMPRESSED_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            DataError::format(path, "gzip", format!("corrupt or truncated stream: {e}"))
        })?;
    if out.len() as u64 > MAX_DECOMPRESSED_BYTES {
        return Err(DataError::format(
            path,
            "gzip",
            format!("decompresses to more than {MAX_DECOMPRESSED_BYTES} bytes"),
        ));
    }
    Ok(out)
}
