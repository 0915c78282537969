//! Stable-Rust stand-in for fuzzing: seeded random mutations of valid IDX, CSV and .npy files
//! (bit flips, byte overwrites with boundary values, truncation, insertion, appended garbage,
//! oversized header fields, NaN/empty/out-of-range fields in text). Every mutated input must
//! give either a well-formed value or an error that names the file — never a panic. The same
//! entry points are the cargo-fuzz targets in fuzz/ (see docs/validation.md).

use std::io::Write;
use std::path::Path;

use ibits_data::{
    parse_csv, parse_idx, parse_idx_labels, parse_npy, parse_sklearn_csv, CsvOptions, IdxData,
    NpyData,
};
use ndarray_npy::WriteNpyExt;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Mutated inputs per seed file.
const CASES_PER_SEED: usize = 4000;

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn idx(code: u8, dims: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut b = vec![0, 0, code, dims.len() as u8];
    for d in dims {
        b.extend_from_slice(&d.to_be_bytes());
    }
    b.extend_from_slice(payload);
    b
}

fn npy<T: ndarray_npy::WritableElement>(a: ndarray::ArrayD<T>) -> Vec<u8> {
    let mut buf = Vec::new();
    a.write_npy(&mut buf).unwrap();
    buf
}

const TEXT_TOKENS: &[&[u8]] = &[
    b"NaN",
    b"inf",
    b"-inf",
    b"",
    b"-1",
    b"1e400",
    b"abc",
    b"\"",
    b",",
    b"\n",
    b"99",
    b"0.5",
    b"\xff\xfe",
];
const BYTE_VALUES: &[u8] = &[
    0x00, 0xFF, 0x7F, 0x80, 0x01, 0x08, 0x0D, 0x0E, b'\n', b',', b'(', b')', b'\'',
];

fn mutate(rng: &mut ChaCha8Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    let rounds = rng.random_range(1..=4);
    for _ in 0..rounds {
        let len = b.len();
        match rng.random_range(0..8) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                b[i] ^= 1 << rng.random_range(0..8);
            }
            1 if len > 0 => {
                let i = rng.random_range(0..len);
                b[i] = BYTE_VALUES[rng.random_range(0..BYTE_VALUES.len())];
            }
            2 => b.truncate(rng.random_range(0..=len)),
            3 => {
                let i = rng.random_range(0..=len);
                let extra: Vec<u8> = (0..rng.random_range(1..16)).map(|_| rng.random()).collect();
                b.splice(i..i, extra);
            }
            4 => b.extend((0..rng.random_range(1..64)).map(|_| rng.random::<u8>())),
            5 if len >= 8 => {
                // Overwrite a 4-byte field in the first 64 bytes with a large or boundary value.
                let i = rng.random_range(0..len.min(64) - 3);
                let v: u32 = [u32::MAX, 0x8000_0000, 60_000, 0, 1][rng.random_range(0..5)];
                b[i..i + 4].copy_from_slice(&v.to_be_bytes());
            }
            6 if len > 0 => {
                // Replace a random span with a text token (NaN, empty field, out-of-range label...).
                let i = rng.random_range(0..len);
                let j = (i + rng.random_range(0..6)).min(len);
                let t = TEXT_TOKENS[rng.random_range(0..TEXT_TOKENS.len())];
                b.splice(i..j, t.iter().copied());
            }
            _ if len > 1 => {
                // Duplicate a chunk.
                let i = rng.random_range(0..len);
                let j = (i + rng.random_range(1..32)).min(len);
                let chunk = b[i..j].to_vec();
                let at = rng.random_range(0..=b.len());
                b.splice(at..at, chunk);
            }
            _ => b.push(rng.random()),
        }
    }
    b
}

/// Run `check` on CASES_PER_SEED mutations of every seed; returns the number of executions
/// and of inputs that were accepted.
fn run(
    name: &str,
    seeds: &[Vec<u8>],
    mut check: impl FnMut(&Path, Vec<u8>) -> Result<(), String>,
) -> (usize, usize) {
    let path = Path::new(name);
    let mut rng = ChaCha8Rng::seed_from_u64(0x1b175);
    let (mut runs, mut accepted) = (0, 0);
    for seed in seeds {
        assert!(
            check(path, seed.clone()).is_ok(),
            "{name}: seed input must parse"
        );
        for _ in 0..CASES_PER_SEED {
            let input = mutate(&mut rng, seed);
            match check(path, input.clone()) {
                Ok(()) => accepted += 1,
                Err(msg) => assert!(
                    msg.contains(name),
                    "error does not name the file: {msg} (input {input:?})"
                ),
            }
            runs += 1;
        }
    }
    eprintln!(
        "{name}: {runs} mutated inputs, {accepted} accepted, {} rejected, no panic",
        runs - accepted
    );
    (runs, accepted)
}

#[test]
fn idx_reader_survives_random_mutations() {
    let images = idx(0x08, &[3, 4, 4], &(0..48).collect::<Vec<u8>>());
    let labels = idx(0x08, &[6], &[0, 1, 2, 9, 5, 3]);
    let floats = idx(
        0x0D,
        &[2, 2],
        &[1.5f32, -2.0, 0.0, 3.25]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect::<Vec<_>>(),
    );
    let seeds = vec![
        images.clone(),
        gz(&images),
        labels.clone(),
        floats,
        gz(&labels),
    ];
    let (runs, _) = run("fuzz.idx", &seeds, |path, bytes| {
        let a = parse_idx(path, bytes.clone()).map_err(|e| e.to_string())?;
        let n: usize = a.shape.iter().product();
        let len = match &a.data {
            IdxData::U8(v) => v.len(),
            IdxData::F64(v) => {
                assert!(v.iter().all(|x| x.is_finite()));
                v.len()
            }
        };
        assert_eq!(n, len, "accepted IDX with inconsistent shape");
        if let Ok(l) = parse_idx_labels(path, bytes, Some(10)) {
            assert!(l.iter().all(|&x| x < 10));
        }
        Ok(())
    });
    assert_eq!(runs, seeds.len() * CASES_PER_SEED);
}

#[test]
fn csv_reader_survives_random_mutations() {
    let table = b"a,b,c,label\n1,2.5,-3,cat\n4e2,5,6,dog\n7,8,9.75,cat\n".to_vec();
    let plain = b"0.1,0.2,0\n0.3,0.4,1\n0.5,0.6,1\n".to_vec();
    let sklearn = b"3,2,x,y\n1,2,0\n3,4,1\n5,6,1\n".to_vec();
    let opts = CsvOptions::default();
    run(
        "fuzz.csv",
        &[table.clone(), plain, gz(&table)],
        |path, bytes| {
            let t = parse_csv(path, bytes, &opts).map_err(|e| e.to_string())?;
            assert!(t.x.iter().all(|v| v.is_finite()));
            assert_eq!(t.labels.as_ref().map(Vec::len), Some(t.x.nrows()));
            Ok(())
        },
    );
    run("fuzz-sklearn.csv", &[sklearn], |path, bytes| {
        let t = parse_sklearn_csv(path, bytes).map_err(|e| e.to_string())?;
        assert!(t.labels.iter().all(|&l| l < t.class_names.len()));
        Ok(())
    });
}

#[test]
fn npy_reader_survives_random_mutations() {
    let f8 =
        npy(ndarray::Array2::from_shape_fn((3, 2), |(i, j)| (i + 2 * j) as f64 - 0.5).into_dyn());
    let f4 = npy(ndarray::Array1::from(vec![1.0f32, 2.0, -3.5]).into_dyn());
    let i8 = npy(ndarray::Array1::from(vec![0i64, 3, 1 << 40]).into_dyn());
    let u1 = npy(ndarray::Array2::from_shape_fn((2, 3), |(i, j)| (i * 3 + j) as u8).into_dyn());
    run(
        "fuzz.npy",
        &[f8.clone(), f4, i8, u1, gz(&f8)],
        |path, bytes| {
            let a = parse_npy(path, bytes).map_err(|e| e.to_string())?;
            let n: usize = a.shape.iter().product();
            let len = match &a.data {
                NpyData::U8(v) => v.len(),
                NpyData::I64(v) => v.len(),
                NpyData::F64(v) => {
                    assert!(v.iter().all(|x| x.is_finite()));
                    v.len()
                }
            };
            assert_eq!(n, len);
            Ok(())
        },
    );
}
