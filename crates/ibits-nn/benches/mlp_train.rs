//! Training speed of one MLP and of S MLPs in parallel (the numbers in docs/benchmarks.md).
//!
//! ```text
//! cargo bench -p ibits-nn --bench mlp_train -- [--mnist DIR] [--n 1000] [--n-test 1000]
//!     [--width 256] [--depth 2] [--epochs 20] [--batch-size 64] [--lr 1e-3]
//!     [--samples 100] [--threads 2] [--precision f64|f32] [--repeats 3] [--json]
//! ```
//!
//! With `--mnist DIR` the task is the first n training and first n-test test images of MNIST
//! (IDX files, optionally gzipped, pixels / 255, one-hot labels), else a synthetic task of the
//! same shape (Gaussian inputs, labels from a fixed random linear map). Reports: seconds to
//! train one network (rayon pool of 1 thread; best of `repeats`), and seconds to train
//! `samples` networks in a pool of `threads` threads, with their mean test error.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use ibits_nn::{
    sample_hypotheses, Activation, AdamConfig, Architecture, Init, Precision, SampleConfig,
    TrainConfig, TrainTest,
};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

struct Options {
    mnist: Option<PathBuf>,
    n: usize,
    n_test: usize,
    width: usize,
    depth: usize,
    epochs: usize,
    batch_size: usize,
    lr: f64,
    samples: usize,
    threads: usize,
    precision: Precision,
    repeats: usize,
    json: bool,
}

fn parse_options() -> Options {
    let mut o = Options {
        mnist: None,
        n: 1000,
        n_test: 1000,
        width: 256,
        depth: 2,
        epochs: 20,
        batch_size: 64,
        lr: 1e-3,
        samples: 100,
        threads: 2,
        precision: Precision::F64,
        repeats: 3,
        json: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).cloned().unwrap_or_default();
        let number = |name: &str| -> usize {
            value()
                .parse()
                .unwrap_or_else(|_| panic!("{name} needs a non-negative integer"))
        };
        match args[i].as_str() {
            "--mnist" => o.mnist = Some(PathBuf::from(value())),
            "--n" => o.n = number("--n"),
            "--n-test" => o.n_test = number("--n-test"),
            "--width" => o.width = number("--width"),
            "--depth" => o.depth = number("--depth"),
            "--epochs" => o.epochs = number("--epochs"),
            "--batch-size" => o.batch_size = number("--batch-size"),
            "--lr" => o.lr = value().parse().expect("--lr needs a number"),
            "--samples" => o.samples = number("--samples"),
            "--threads" => o.threads = number("--threads"),
            "--repeats" => o.repeats = number("--repeats"),
            "--precision" => {
                o.precision = match value().as_str() {
                    "f32" => Precision::F32,
                    "f64" => Precision::F64,
                    other => panic!("--precision must be f32 or f64, got {other}"),
                }
            }
            "--json" => {
                o.json = true;
                i += 1;
                continue;
            }
            // `cargo bench` passes `--bench`; ignore flags without values.
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o
}

fn read_maybe_gz(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("gunzip {}: {e}", path.display()));
        out
    } else {
        bytes
    }
}

fn find(dir: &Path, stem: &str) -> PathBuf {
    for name in [format!("{stem}.gz"), stem.to_string()] {
        let p = dir.join(name);
        if p.exists() {
            return p;
        }
    }
    panic!("{stem}(.gz) not found in {}", dir.display());
}

/// First `n` images (pixels / 255) and one-hot labels of an MNIST split.
fn mnist_split(dir: &Path, prefix: &str, n: usize) -> (Array2<f64>, Array2<f64>) {
    let images = read_maybe_gz(&find(dir, &format!("{prefix}-images-idx3-ubyte")));
    let labels = read_maybe_gz(&find(dir, &format!("{prefix}-labels-idx1-ubyte")));
    let be =
        |b: &[u8], at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize;
    assert_eq!(be(&images, 0), 0x0803, "not an IDX image file");
    assert_eq!(be(&labels, 0), 0x0801, "not an IDX label file");
    let (count, rows, cols) = (be(&images, 4), be(&images, 8), be(&images, 12));
    assert!(n <= count, "asked for {n} of {count} images");
    let d = rows * cols;
    let x = Array2::from_shape_fn((n, d), |(i, j)| f64::from(images[16 + i * d + j]) / 255.0);
    let y = Array2::from_shape_fn((n, 10), |(i, c)| {
        if usize::from(labels[8 + i]) == c {
            1.0
        } else {
            0.0
        }
    });
    (x, y)
}

fn synthetic(n: usize, n_test: usize) -> (Array2<f64>, Array2<f64>, Array2<f64>, Array2<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let map = Array2::from_shape_simple_fn((784, 10), || rng.sample::<f64, _>(StandardNormal));
    let mut make = |m: usize| {
        let x = Array2::from_shape_simple_fn((m, 784), || rng.sample::<f64, _>(StandardNormal));
        let scores = x.dot(&map);
        let y = Array2::from_shape_fn((m, 10), |(i, c)| {
            let row = scores.row(i);
            let best = (0..10).fold(0, |b, j| if row[j] > row[b] { j } else { b });
            if best == c {
                1.0
            } else {
                0.0
            }
        });
        (x, y)
    };
    let (xa, ya) = make(n);
    let (xb, yb) = make(n_test);
    (xa, ya, xb, yb)
}

fn main() {
    let o = parse_options();
    let (x_train, y_train, x_test, y_test) = match &o.mnist {
        Some(dir) => {
            let (xa, ya) = mnist_split(dir, "train", o.n);
            let (xb, yb) = mnist_split(dir, "t10k", o.n_test);
            (xa, ya, xb, yb)
        }
        None => synthetic(o.n, o.n_test),
    };
    let data =
        TrainTest::new(x_train.view(), y_train.view(), x_test.view(), y_test.view()).expect("task");
    let arch = Architecture::new(
        784,
        o.width,
        o.depth,
        10,
        Activation::Relu,
        Init::PytorchDefault,
    )
    .expect("arch");
    let adam = AdamConfig::new(o.lr, 0.9, 0.999, 1e-8).expect("adam");
    let training = TrainConfig::new(o.epochs, o.batch_size, adam, None).expect("training");

    // One network, one thread: best of `repeats`.
    let one = SampleConfig::new(arch, training, 1, 0, f64::MAX, o.precision).expect("plan");
    let pool1 = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let mut best = f64::INFINITY;
    let mut single_test_error = f64::NAN;
    for _ in 0..o.repeats.max(1) {
        let start = Instant::now();
        let s = pool1
            .install(|| sample_hypotheses(&one, &data, &|_| {}))
            .expect("train");
        best = best.min(start.elapsed().as_secs_f64());
        single_test_error = s.outcomes[0].test_error;
    }

    // S networks, `threads` threads.
    let many =
        SampleConfig::new(arch, training, o.samples, 0, f64::MAX, o.precision).expect("plan");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(o.threads)
        .build()
        .expect("pool");
    let start = Instant::now();
    let s = pool
        .install(|| sample_hypotheses(&many, &data, &|_| {}))
        .expect("train");
    let parallel = start.elapsed().as_secs_f64();
    let errors: Vec<f64> = s.outcomes.iter().map(|h| h.test_error).collect();
    let mean_error = errors.iter().sum::<f64>() / errors.len() as f64;
    let mean_train = s.outcomes.iter().map(|h| h.train_error).sum::<f64>() / errors.len() as f64;

    let precision = match o.precision {
        Precision::F64 => "f64",
        Precision::F32 => "f32",
    };
    let data_name = if o.mnist.is_some() {
        "mnist"
    } else {
        "synthetic"
    };
    if o.json {
        println!(
            "{{\"impl\": \"ibits\", \"precision\": \"{precision}\", \"data\": \"{data_name}\", \"n\": {}, \"n_test\": {}, \
             \"arch\": \"784-{}x{}-10\", \"epochs\": {}, \"batch_size\": {}, \"seconds_one_network_1_thread\": {best:.4}, \
             \"samples\": {}, \"threads\": {}, \"seconds_all_samples\": {parallel:.4}, \
             \"mean_test_error\": {mean_error:.6}, \"mean_train_error\": {mean_train:.3e}, \"single_test_error\": {single_test_error:.6}}}",
            o.n, o.n_test, o.width, o.depth, o.epochs, o.batch_size, o.samples, o.threads
        );
    } else {
        println!("ibits {precision} on {data_name}: 784-{}x{}-10 ReLU, n = {}, N = {}, {} epochs, batch {}", o.width, o.depth, o.n, o.n_test, o.epochs, o.batch_size);
        println!("  one network, 1 thread (best of {}): {best:.3} s   (test error {single_test_error:.5})", o.repeats);
        println!(
            "  {} networks, {} threads: {parallel:.2} s = {:.3} s per network   (mean test error {mean_error:.5}, mean train error {mean_train:.2e})",
            o.samples,
            o.threads,
            parallel / o.samples as f64
        );
    }
}
