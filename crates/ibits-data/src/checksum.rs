//! SHA-256 checksums of vendored files, listed per folder in `SHA256SUMS` (the format of GNU
//! `sha256sum`: `<64 hex digits>  <file name>` per line).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::DataError;

/// Name of the checksum file in each dataset folder.
pub const SUMS_FILE: &str = "SHA256SUMS";

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parse a `SHA256SUMS` file into file name -> hex digest.
///
/// # Errors
/// [`DataError::Io`] if it cannot be read, [`DataError::Format`] for a line that is not
/// `<64 hex digits> <space> <space or *> <name>`.
pub fn read_sums(dir: &Path) -> Result<BTreeMap<String, String>, DataError> {
    let path = dir.join(SUMS_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| DataError::io(&path, e))?;
    let mut sums = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let malformed = || {
            DataError::format(
                &path,
                "SHA256SUMS",
                format!("line {}: {line:?} is not '<sha256>  <file>'", i + 1),
            )
        };
        if line.len() < 67 || !line.is_char_boundary(64) {
            return Err(malformed());
        }
        let (hex, rest) = line.split_at(64);
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(malformed());
        }
        let name = rest
            .strip_prefix("  ")
            .or_else(|| rest.strip_prefix(" *"))
            .ok_or_else(malformed)?;
        sums.insert(name.to_string(), hex.to_ascii_lowercase());
    }
    Ok(sums)
}

/// Check `bytes` (the content of `dir/name`) against `dir/SHA256SUMS`.
///
/// # Errors
/// [`DataError::ChecksumMissing`] if the file is not listed, [`DataError::ChecksumMismatch`]
/// (naming the file, both digests) if the digests differ.
pub fn verify_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), DataError> {
    let sums = read_sums(dir)?;
    let path = dir.join(name);
    let expected = sums.get(name).ok_or_else(|| DataError::ChecksumMissing {
        path: path.clone(),
        sums: dir.join(SUMS_FILE),
    })?;
    let actual = sha256_hex(bytes);
    if &actual != expected {
        return Err(DataError::ChecksumMismatch {
            path,
            expected: expected.clone(),
            actual,
        });
    }
    Ok(())
}

/// Result of checking one listed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileCheck {
    /// Digest matches.
    Ok,
    /// Digest differs (the actual digest is given).
    Mismatch {
        /// SHA-256 of the bytes on disk.
        actual: String,
    },
    /// Listed but absent or unreadable.
    Missing {
        /// The operating system's message.
        reason: String,
    },
}

/// One file's checksum status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileStatus {
    /// Path of the file.
    pub path: PathBuf,
    /// Digest listed in `SHA256SUMS`.
    pub expected: String,
    /// Outcome.
    pub check: FileCheck,
}

/// Check every file listed in `dir/SHA256SUMS`.
///
/// # Errors
/// [`DataError`] only if `SHA256SUMS` itself cannot be read or parsed; per-file problems are
/// reported in the returned statuses.
pub fn verify_folder(dir: &Path) -> Result<Vec<FileStatus>, DataError> {
    let sums = read_sums(dir)?;
    Ok(sums
        .into_iter()
        .map(|(name, expected)| {
            let path = dir.join(&name);
            let check = match std::fs::read(&path) {
                Ok(bytes) => {
                    let actual = sha256_hex(&bytes);
                    if actual == expected {
                        FileCheck::Ok
                    } else {
                        FileCheck::Mismatch { actual }
                    }
                }
                Err(e) => FileCheck::Missing {
                    reason: e.to_string(),
                },
            };
            FileStatus {
                path,
                expected,
                check,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    // FIPS 180-2 test vectors for SHA-256.
    #[test]
    fn sha256_matches_fips_vectors() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn mismatch_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(SUMS_FILE),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  x.bin\n",
        )
        .unwrap();
        assert!(verify_bytes(dir.path(), "x.bin", b"abc").is_ok());
        let e = verify_bytes(dir.path(), "x.bin", b"abd")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("x.bin") && e.contains("checksum mismatch"),
            "{e}"
        );
        let e = verify_bytes(dir.path(), "y.bin", b"abc")
            .unwrap_err()
            .to_string();
        assert!(e.contains("y.bin") && e.contains("not listed"), "{e}");
        std::fs::write(dir.path().join("x.bin"), b"abc").unwrap();
        let st = verify_folder(dir.path()).unwrap();
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].check, FileCheck::Ok);
    }
}
