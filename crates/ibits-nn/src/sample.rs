//! Sampling S hypotheses from a trained-network hypothesis space: S independent
//! initialisations and data orders, trained in parallel, each reporting its training error,
//! test error and epochs used.
//!
//! Hypothesis i draws from its own streams of one ChaCha8 generator keyed by the seed:
//!
//! ```text
//! init stream of hypothesis i  = ChaCha8Rng::seed_from_u64(seed) with set_stream(2 i)
//! order stream of hypothesis i = ChaCha8Rng::seed_from_u64(seed) with set_stream(2 i + 1)
//! ```
//!
//! and its arithmetic is single-threaded, so hypothesis i's result depends only on (seed, i)
//! and the settings: identical for any number of rayon threads and any split of the indices
//! into shards (docs/design.md §3). The hypotheses whose training error exceeds the threshold do not
//! fit the training set and are not in p_h; they are kept in the output and counted, never
//! silently dropped.

use std::sync::atomic::{AtomicUsize, Ordering};

use ndarray::{Array2, ArrayView2};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::architecture::Architecture;
use crate::error::NnError;
use crate::mlp::{Mlp, Workspace};
use crate::real::Real;
use crate::train::{train, TrainConfig};

/// The float type every hypothesis is trained in. Errors are always accumulated in f64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// 64-bit floats (default).
    #[default]
    F64,
    /// 32-bit floats: about twice as fast; use only where measured to give the same bits.
    F32,
}

/// A task's arrays, borrowed: training inputs and one-hot (or real) targets, test inputs and
/// targets. Rows are points.
#[derive(Debug, Clone, Copy)]
pub struct TrainTest<'a> {
    x_train: ArrayView2<'a, f64>,
    y_train: ArrayView2<'a, f64>,
    x_test: ArrayView2<'a, f64>,
    y_test: ArrayView2<'a, f64>,
}

impl<'a> TrainTest<'a> {
    /// Check shapes (x_train n x d, y_train n x k, x_test N x d, y_test N x k, n, N >= 1) and
    /// that every value is finite.
    ///
    /// # Errors
    /// [`NnError::Shape`], [`NnError::Empty`] or [`NnError::NonFinite`] naming the array.
    pub fn new(
        x_train: ArrayView2<'a, f64>,
        y_train: ArrayView2<'a, f64>,
        x_test: ArrayView2<'a, f64>,
        y_test: ArrayView2<'a, f64>,
    ) -> Result<Self, NnError> {
        if x_train.nrows() == 0 {
            return Err(NnError::Empty("x_train"));
        }
        if x_test.nrows() == 0 {
            return Err(NnError::Empty("x_test"));
        }
        let (d, k) = (x_train.ncols(), y_train.ncols());
        if y_train.nrows() != x_train.nrows() {
            return Err(NnError::Shape {
                what: "y_train",
                expected: (x_train.nrows(), k),
                got: y_train.dim(),
            });
        }
        if x_test.ncols() != d {
            return Err(NnError::Shape {
                what: "x_test",
                expected: (x_test.nrows(), d),
                got: x_test.dim(),
            });
        }
        if y_test.dim() != (x_test.nrows(), k) {
            return Err(NnError::Shape {
                what: "y_test",
                expected: (x_test.nrows(), k),
                got: y_test.dim(),
            });
        }
        for (what, a) in [
            ("x_train", x_train),
            ("y_train", y_train),
            ("x_test", x_test),
            ("y_test", y_test),
        ] {
            if let Some(((row, col), _)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
                return Err(NnError::NonFinite { what, row, col });
            }
        }
        Ok(Self {
            x_train,
            y_train,
            x_test,
            y_test,
        })
    }

    /// Training inputs (n x d).
    pub fn x_train(&self) -> ArrayView2<'a, f64> {
        self.x_train
    }
    /// Training targets (n x k).
    pub fn y_train(&self) -> ArrayView2<'a, f64> {
        self.y_train
    }
    /// Test inputs (N x d).
    pub fn x_test(&self) -> ArrayView2<'a, f64> {
        self.x_test
    }
    /// Test targets (N x k).
    pub fn y_test(&self) -> ArrayView2<'a, f64> {
        self.y_test
    }
}

/// Everything that defines a trained-network hypothesis space and a sample from it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SampleConfig {
    architecture: Architecture,
    training: TrainConfig,
    samples: usize,
    seed: u64,
    train_threshold: f64,
    precision: Precision,
}

impl SampleConfig {
    /// A validated sampling plan: `samples` hypotheses of `architecture`, each trained with
    /// `training`; those with training error > `train_threshold` are rejected (not in p_h).
    ///
    /// # Errors
    /// [`NnError::Samples`] if `samples` is 0, [`NnError::TrainThreshold`] if the threshold is
    /// negative, NaN or infinite.
    pub fn new(
        architecture: Architecture,
        training: TrainConfig,
        samples: usize,
        seed: u64,
        train_threshold: f64,
        precision: Precision,
    ) -> Result<Self, NnError> {
        if samples == 0 {
            return Err(NnError::Samples(samples));
        }
        if !(train_threshold.is_finite() && train_threshold >= 0.0) {
            return Err(NnError::TrainThreshold(train_threshold));
        }
        Ok(Self {
            architecture,
            training,
            samples,
            seed,
            train_threshold,
            precision,
        })
    }

    /// The network architecture.
    pub fn architecture(&self) -> &Architecture {
        &self.architecture
    }
    /// The training schedule.
    pub fn training(&self) -> &TrainConfig {
        &self.training
    }
    /// Number of hypotheses S.
    pub fn samples(&self) -> usize {
        self.samples
    }
    /// The seed every stream derives from.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Largest training error of a hypothesis that fits the training set.
    pub fn train_threshold(&self) -> f64 {
        self.train_threshold
    }
    /// Float type of training.
    pub fn precision(&self) -> Precision {
        self.precision
    }
}

/// One trained hypothesis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HypothesisOutcome {
    /// Its index i (its streams are 2i and 2i + 1).
    pub index: usize,
    /// Training error 1/(n k) sum (h_c(x_i) - y_ic)^2 after training.
    pub train_error: f64,
    /// Test error e(h) = 1/(N k) sum (h_c(x_i) - y_ic)^2 over the test set.
    pub test_error: f64,
    /// Epochs run.
    pub epochs_used: usize,
    /// train_error <= threshold: the hypothesis is in p_h.
    pub fits_training_set: bool,
}

/// S trained hypotheses, in index order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HypothesisSample {
    /// The plan that produced them.
    pub config: SampleConfig,
    /// One outcome per hypothesis, index 0..S.
    pub outcomes: Vec<HypothesisOutcome>,
}

impl HypothesisSample {
    /// Test errors of the hypotheses that fit the training set (the sample from p_h).
    pub fn accepted_test_errors(&self) -> Vec<f64> {
        self.outcomes
            .iter()
            .filter(|o| o.fits_training_set)
            .map(|o| o.test_error)
            .collect()
    }
    /// Number of hypotheses in p_h.
    pub fn accepted(&self) -> usize {
        self.outcomes.iter().filter(|o| o.fits_training_set).count()
    }
    /// Number rejected because their training error exceeded the threshold (or was NaN).
    pub fn rejected(&self) -> usize {
        self.outcomes.len() - self.accepted()
    }
}

/// The two generators of hypothesis `index`: (initialisation, data order).
pub fn hypothesis_streams(seed: u64, index: usize) -> (ChaCha8Rng, ChaCha8Rng) {
    let mut init = ChaCha8Rng::seed_from_u64(seed);
    init.set_stream(2 * index as u64);
    let mut order = ChaCha8Rng::seed_from_u64(seed);
    order.set_stream(2 * index as u64 + 1);
    (init, order)
}

/// A seed for networks of the given width and depth drawn apart from `seed`'s hypotheses: the
/// first word of `seed`'s ChaCha8 stream `2^63 + (depth mod 2^31) * 2^32 + (width mod 2^32)`
/// ([`hypothesis_streams`] uses the streams below 2^63). Model classes seeded this way train
/// the same networks whatever other classes or reference space a run asks for.
pub fn architecture_seed(seed: u64, width: usize, depth: usize) -> u64 {
    let depth = depth as u64 & 0x7fff_ffff;
    let width = width as u64 & 0xffff_ffff;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream((1 << 63) | (depth << 32) | width);
    rng.next_u64()
}

/// Train the hypotheses with the given indices in parallel (rayon's current pool) and return
/// their outcomes in the order of `indices`. `progress(done)` is called after each one
/// finishes, from whichever thread finished it.
///
/// # Errors
/// [`NnError::Shape`] if the data do not match the architecture's input and output sizes.
pub fn train_hypotheses(
    config: &SampleConfig,
    data: &TrainTest<'_>,
    indices: &[usize],
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<HypothesisOutcome>, NnError> {
    let arch = config.architecture;
    if data.x_train.ncols() != arch.input_dim() {
        return Err(NnError::Shape {
            what: "x_train",
            expected: (data.x_train.nrows(), arch.input_dim()),
            got: data.x_train.dim(),
        });
    }
    if data.y_train.ncols() != arch.output_dim() {
        return Err(NnError::Shape {
            what: "y_train",
            expected: (data.y_train.nrows(), arch.output_dim()),
            got: data.y_train.dim(),
        });
    }
    match config.precision {
        Precision::F64 => Ok(train_in::<f64>(config, data, indices, progress)),
        Precision::F32 => Ok(train_in::<f32>(config, data, indices, progress)),
    }
}

/// Draw and train S = `config.samples()` hypotheses (indices 0..S) in parallel.
///
/// # Errors
/// As [`train_hypotheses`].
pub fn sample_hypotheses(
    config: &SampleConfig,
    data: &TrainTest<'_>,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<HypothesisSample, NnError> {
    let indices: Vec<usize> = (0..config.samples).collect();
    let outcomes = train_hypotheses(config, data, &indices, progress)?;
    Ok(HypothesisSample {
        config: *config,
        outcomes,
    })
}

fn train_in<T: Real>(
    config: &SampleConfig,
    data: &TrainTest<'_>,
    indices: &[usize],
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<HypothesisOutcome> {
    let convert = |a: ArrayView2<'_, f64>| -> Array2<T> { a.mapv(T::from_f64) };
    let (x_train, y_train) = (convert(data.x_train), convert(data.y_train));
    let (x_test, y_test) = (convert(data.x_test), convert(data.y_test));
    let done = AtomicUsize::new(0);
    indices
        .par_iter()
        .map(|&index| {
            let (mut init_rng, mut order_rng) = hypothesis_streams(config.seed, index);
            let mut network = Mlp::<T>::init(&config.architecture, &mut init_rng);
            // Shapes were checked by the caller, so training cannot fail here.
            let outcome = train(
                &mut network,
                x_train.view(),
                y_train.view(),
                &config.training,
                &mut order_rng,
            );
            let (train_error, epochs_used) = match outcome {
                Ok(o) => (o.train_error, o.epochs_used),
                Err(_) => (f64::NAN, 0),
            };
            let mut ws = Workspace::new(&config.architecture, 256.min(x_test.nrows()));
            let test_error = network.mean_squared_error_with(x_test.view(), y_test.view(), &mut ws);
            progress(done.fetch_add(1, Ordering::Relaxed) + 1);
            HypothesisOutcome {
                index,
                train_error,
                test_error,
                epochs_used,
                fits_training_set: train_error <= config.train_threshold,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;
    use crate::adam::AdamConfig;
    use crate::architecture::Init;
    use rand::Rng;
    use rand_distr::StandardNormal;

    #[test]
    fn architecture_seeds_are_distinct_and_reproducible() {
        let mut seen = std::collections::HashSet::new();
        for seed in 0..4 {
            for depth in 0..5 {
                for width in 1..65 {
                    let s = architecture_seed(seed, width, depth);
                    assert_eq!(s, architecture_seed(seed, width, depth));
                    assert!(seen.insert(s), "seed {seed} width {width} depth {depth}");
                }
            }
        }
    }

    fn task() -> (Array2<f64>, Array2<f64>, Array2<f64>, Array2<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        let mut make = |n: usize| {
            let x = Array2::from_shape_simple_fn((n, 3), || rng.sample::<f64, _>(StandardNormal));
            let y = Array2::from_shape_fn((n, 2), |(i, c)| {
                let label = usize::from(x[[i, 0]] + 0.5 * x[[i, 1]] > 0.0);
                if label == c {
                    1.0
                } else {
                    0.0
                }
            });
            (x, y)
        };
        let (xa, ya) = make(24);
        let (xb, yb) = make(30);
        (xa, ya, xb, yb)
    }

    fn config(samples: usize, threshold: f64, precision: Precision) -> SampleConfig {
        let arch = Architecture::new(3, 8, 2, 2, Activation::Relu, Init::PytorchDefault).unwrap();
        let training = TrainConfig::new(
            15,
            5,
            AdamConfig::new(1e-2, 0.9, 0.999, 1e-8).unwrap(),
            None,
        )
        .unwrap();
        SampleConfig::new(arch, training, samples, 7, threshold, precision).unwrap()
    }

    fn run_with_threads(threads: usize, cfg: &SampleConfig) -> HypothesisSample {
        let (xa, ya, xb, yb) = task();
        let data = TrainTest::new(xa.view(), ya.view(), xb.view(), yb.view()).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| sample_hypotheses(cfg, &data, &|_| {}).unwrap())
    }

    #[test]
    fn identical_for_one_and_two_threads() {
        let cfg = config(12, 1.0, Precision::F64);
        let one = run_with_threads(1, &cfg);
        let two = run_with_threads(2, &cfg);
        // Bit-identical: compare the f64 bit patterns, not approximately.
        let bits = |s: &HypothesisSample| -> Vec<(u64, u64)> {
            s.outcomes
                .iter()
                .map(|o| (o.train_error.to_bits(), o.test_error.to_bits()))
                .collect()
        };
        assert_eq!(bits(&one), bits(&two));
        // Different hypotheses really differ (independent streams).
        assert_ne!(one.outcomes[0].test_error, one.outcomes[1].test_error);
    }

    #[test]
    fn sharding_does_not_change_a_hypothesis() {
        let cfg = config(6, 1.0, Precision::F64);
        let (xa, ya, xb, yb) = task();
        let data = TrainTest::new(xa.view(), ya.view(), xb.view(), yb.view()).unwrap();
        let all = sample_hypotheses(&cfg, &data, &|_| {}).unwrap();
        let shard = train_hypotheses(&cfg, &data, &[4, 1], &|_| {}).unwrap();
        assert_eq!(shard[0], all.outcomes[4]);
        assert_eq!(shard[1], all.outcomes[1]);
    }

    #[test]
    fn counts_rejected_hypotheses() {
        // A threshold of 0 cannot be met by a finite training run on this task: every
        // hypothesis is rejected and counted; a threshold of +1 (above the error of any network
        // that outputs values in [0, 1]...) is checked through the outcomes themselves.
        let strict = run_with_threads(2, &config(5, 0.0, Precision::F64));
        assert_eq!(strict.rejected(), 5);
        assert!(strict.accepted_test_errors().is_empty());
        let loose = run_with_threads(2, &config(5, 0.05, Precision::F64));
        let by_hand = loose
            .outcomes
            .iter()
            .filter(|o| o.train_error <= 0.05)
            .count();
        assert_eq!(loose.accepted(), by_hand);
        assert_eq!(loose.accepted() + loose.rejected(), 5);
        assert_eq!(loose.accepted_test_errors().len(), by_hand);
    }

    #[test]
    fn f32_training_tracks_f64() {
        let e64 = run_with_threads(2, &config(4, 1.0, Precision::F64));
        let e32 = run_with_threads(2, &config(4, 1.0, Precision::F32));
        for (a, b) in e64.outcomes.iter().zip(&e32.outcomes) {
            // Same initial network up to rounding and the same data order; after 15 epochs of
            // Adam the two trajectories differ only by accumulated rounding.
            approx::assert_relative_eq!(a.test_error, b.test_error, max_relative = 2e-2);
        }
    }

    #[test]
    fn progress_reports_every_hypothesis() {
        let (xa, ya, xb, yb) = task();
        let data = TrainTest::new(xa.view(), ya.view(), xb.view(), yb.view()).unwrap();
        let calls = AtomicUsize::new(0);
        let max_done = AtomicUsize::new(0);
        sample_hypotheses(&config(7, 1.0, Precision::F64), &data, &|done| {
            calls.fetch_add(1, Ordering::Relaxed);
            max_done.fetch_max(done, Ordering::Relaxed);
        })
        .unwrap();
        assert_eq!(calls.load(Ordering::Relaxed), 7);
        assert_eq!(max_done.load(Ordering::Relaxed), 7);
    }

    #[test]
    fn validates_data_and_plan() {
        let (xa, ya, xb, yb) = task();
        let bad_y = Array2::<f64>::zeros((24, 3));
        assert!(matches!(
            TrainTest::new(xa.view(), ya.view(), xb.view(), bad_y.view()),
            Err(NnError::Shape { what: "y_test", .. })
        ));
        let mut nan_x = xb.clone();
        nan_x[[3, 1]] = f64::NAN;
        assert_eq!(
            TrainTest::new(xa.view(), ya.view(), nan_x.view(), yb.view()).unwrap_err(),
            NnError::NonFinite {
                what: "x_test",
                row: 3,
                col: 1
            }
        );
        let arch = *config(1, 0.0, Precision::F64).architecture();
        let training = *config(1, 0.0, Precision::F64).training();
        assert_eq!(
            SampleConfig::new(arch, training, 0, 1, 0.1, Precision::F64),
            Err(NnError::Samples(0))
        );
        assert!(matches!(
            SampleConfig::new(arch, training, 3, 1, f64::NAN, Precision::F64),
            Err(NnError::TrainThreshold(_))
        ));
    }
}
