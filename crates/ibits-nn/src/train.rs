//! Training one network: minibatch Adam on the mean-squared error to the targets, for a number
//! of epochs or until the training error reaches a threshold.

use ndarray::{s, Array2, ArrayView2};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::adam::{Adam, AdamConfig};
use crate::error::NnError;
use crate::mlp::{Gradient, Mlp, Workspace};
use crate::real::Real;

/// How one network is trained.
///
/// Every epoch visits the n training points once in a fresh uniformly random order (a
/// Fisher–Yates shuffle drawn from the network's data-order stream), in consecutive minibatches
/// of `batch_size` rows; the last batch holds the n mod batch_size remaining rows when that is
/// not zero (PyTorch's `DataLoader(shuffle=True, drop_last=False)`). Each batch makes one Adam
/// step on its mean-squared error. Training stops after `max_epochs` epochs, or earlier — when
/// `stop_at_train_error` is set — at the end of the first epoch whose full training error is
/// <= that value (the full training error is then evaluated after every epoch).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    max_epochs: usize,
    batch_size: usize,
    adam: AdamConfig,
    stop_at_train_error: Option<f64>,
}

impl TrainConfig {
    /// A validated training schedule.
    ///
    /// # Errors
    /// [`NnError`] if `max_epochs` or `batch_size` is 0, or the stopping threshold is negative,
    /// NaN or infinite.
    pub fn new(
        max_epochs: usize,
        batch_size: usize,
        adam: AdamConfig,
        stop_at_train_error: Option<f64>,
    ) -> Result<Self, NnError> {
        if max_epochs == 0 {
            return Err(NnError::Epochs(max_epochs));
        }
        if batch_size == 0 {
            return Err(NnError::BatchSize(batch_size));
        }
        if let Some(t) = stop_at_train_error {
            if !(t.is_finite() && t >= 0.0) {
                return Err(NnError::TrainThreshold(t));
            }
        }
        Ok(Self {
            max_epochs,
            batch_size,
            adam,
            stop_at_train_error,
        })
    }

    /// Upper limit on the number of epochs.
    pub fn max_epochs(&self) -> usize {
        self.max_epochs
    }
    /// Rows per minibatch.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }
    /// The optimiser's hyper-parameters.
    pub fn adam(&self) -> AdamConfig {
        self.adam
    }
    /// Stop early once the training error is at or below this value.
    pub fn stop_at_train_error(&self) -> Option<f64> {
        self.stop_at_train_error
    }
}

/// What training one network produced.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainOutcome {
    /// Epochs actually run (<= max_epochs).
    pub epochs_used: usize,
    /// Mean-squared training error after the last epoch, 1/(n k) sum (h_c(x_i) - y_ic)^2.
    pub train_error: f64,
}

/// Train `network` on (x, y) with `config`, drawing the data order from `order_rng`.
///
/// # Errors
/// [`NnError::Shape`] if x, y do not match the network, [`NnError::Empty`] for an empty
/// training set.
pub fn train<T: Real, R: Rng + ?Sized>(
    network: &mut Mlp<T>,
    x: ArrayView2<'_, T>,
    y: ArrayView2<'_, T>,
    config: &TrainConfig,
    order_rng: &mut R,
) -> Result<TrainOutcome, NnError> {
    // Validates shapes once (and is cheap next to training).
    let arch = *network.architecture();
    if x.ncols() != arch.input_dim() {
        return Err(NnError::Shape {
            what: "x_train",
            expected: (x.nrows(), arch.input_dim()),
            got: x.dim(),
        });
    }
    if x.nrows() == 0 {
        return Err(NnError::Empty("x_train"));
    }
    if y.dim() != (x.nrows(), arch.output_dim()) {
        return Err(NnError::Shape {
            what: "y_train",
            expected: (x.nrows(), arch.output_dim()),
            got: y.dim(),
        });
    }
    let mut trainer = Trainer::new(network, config, x.nrows());
    Ok(trainer.run(network, x, y, order_rng))
}

/// Buffers reused across all steps of one training run.
struct Trainer<T> {
    config: TrainConfig,
    adam: Adam<T>,
    workspace: Workspace<T>,
    gradient: Gradient<T>,
    x_batch: Array2<T>,
    y_batch: Array2<T>,
    order: Vec<usize>,
}

impl<T: Real> Trainer<T> {
    fn new(network: &Mlp<T>, config: &TrainConfig, n: usize) -> Self {
        let arch = network.architecture();
        let rows = config.batch_size.min(n);
        let zero = T::from_f64(0.0);
        Self {
            config: *config,
            adam: Adam::new(config.adam, network),
            workspace: Workspace::new(arch, rows),
            gradient: Gradient::zeros(arch),
            x_batch: Array2::from_elem((rows, arch.input_dim()), zero),
            y_batch: Array2::from_elem((rows, arch.output_dim()), zero),
            order: (0..n).collect(),
        }
    }

    fn run<R: Rng + ?Sized>(
        &mut self,
        network: &mut Mlp<T>,
        x: ArrayView2<'_, T>,
        y: ArrayView2<'_, T>,
        order_rng: &mut R,
    ) -> TrainOutcome {
        let n = x.nrows();
        let rows = self.x_batch.nrows();
        for epoch in 1..=self.config.max_epochs {
            shuffle(&mut self.order, order_rng);
            for start in (0..n).step_by(rows) {
                let end = (start + rows).min(n);
                let b = end - start;
                for (r, &i) in self.order[start..end].iter().enumerate() {
                    self.x_batch.row_mut(r).assign(&x.row(i));
                    self.y_batch.row_mut(r).assign(&y.row(i));
                }
                network.loss_and_gradient_with(
                    self.x_batch.slice(s![..b, ..]),
                    self.y_batch.slice(s![..b, ..]),
                    &mut self.workspace,
                    &mut self.gradient,
                );
                self.adam.step(network, &self.gradient);
            }
            if let Some(threshold) = self.config.stop_at_train_error {
                let train_error = network.mean_squared_error_with(x, y, &mut self.workspace);
                if train_error <= threshold || epoch == self.config.max_epochs {
                    return TrainOutcome {
                        epochs_used: epoch,
                        train_error,
                    };
                }
            }
        }
        let train_error = network.mean_squared_error_with(x, y, &mut self.workspace);
        TrainOutcome {
            epochs_used: self.config.max_epochs,
            train_error,
        }
    }
}

/// Uniform random permutation in place (Fisher–Yates, Durstenfeld's variant).
fn shuffle<R: Rng + ?Sized>(order: &mut [usize], rng: &mut R) {
    for i in (1..order.len()).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;
    use crate::architecture::{Architecture, Init};
    use ndarray::Array2;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::StandardNormal;

    fn blobs(n: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
        // Two well-separated Gaussian blobs in 4-d, one-hot labels.
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut x = Array2::zeros((n, 4));
        let mut y = Array2::zeros((n, 2));
        for i in 0..n {
            let c = i % 2;
            y[[i, c]] = 1.0;
            for j in 0..4 {
                let centre = if c == 0 { -1.0 } else { 1.0 };
                x[[i, j]] = centre + 0.3 * rng.sample::<f64, _>(StandardNormal);
            }
        }
        (x, y)
    }

    #[test]
    fn training_fits_a_separable_task() {
        let (x, y) = blobs(40, 1);
        let arch = Architecture::new(4, 16, 2, 2, Activation::Relu, Init::PytorchDefault).unwrap();
        let mut net = Mlp::<f64>::init(&arch, &mut ChaCha8Rng::seed_from_u64(2));
        let before = net.mean_squared_error(x.view(), y.view()).unwrap();
        let config = TrainConfig::new(
            200,
            8,
            AdamConfig::new(1e-2, 0.9, 0.999, 1e-8).unwrap(),
            Some(1e-3),
        )
        .unwrap();
        let outcome = train(
            &mut net,
            x.view(),
            y.view(),
            &config,
            &mut ChaCha8Rng::seed_from_u64(3),
        )
        .unwrap();
        assert!(
            outcome.train_error <= 1e-3,
            "train error {}",
            outcome.train_error
        );
        assert!(outcome.epochs_used < 200, "stopped early at the threshold");
        assert!(before > 0.1);
        let recomputed = net.mean_squared_error(x.view(), y.view()).unwrap();
        approx::assert_relative_eq!(recomputed, outcome.train_error, max_relative = 1e-14);
    }

    #[test]
    fn fixed_epochs_runs_every_epoch() {
        let (x, y) = blobs(10, 4);
        let arch = Architecture::new(4, 4, 1, 2, Activation::Tanh, Init::PytorchDefault).unwrap();
        let mut net = Mlp::<f64>::init(&arch, &mut ChaCha8Rng::seed_from_u64(0));
        let config = TrainConfig::new(3, 4, AdamConfig::default(), None).unwrap();
        let outcome = train(
            &mut net,
            x.view(),
            y.view(),
            &config,
            &mut ChaCha8Rng::seed_from_u64(0),
        )
        .unwrap();
        assert_eq!(outcome.epochs_used, 3);
    }

    #[test]
    fn one_epoch_with_the_full_batch_is_one_gradient_step() {
        // batch_size >= n: one Adam step on the full-batch gradient, whose first step moves
        // every parameter by lr * g / (|g| + eps) (m_1 = (1-b1) g, v_1 = (1-b2) g^2).
        let (x, y) = blobs(6, 5);
        let arch = Architecture::new(4, 3, 1, 2, Activation::Erf, Init::PytorchDefault).unwrap();
        let mut net = Mlp::<f64>::init(&arch, &mut ChaCha8Rng::seed_from_u64(1));
        let start = net.clone();
        let (_, grad) = start.loss_and_gradient(x.view(), y.view()).unwrap();
        let config = TrainConfig::new(1, 100, AdamConfig::default(), None).unwrap();
        train(
            &mut net,
            x.view(),
            y.view(),
            &config,
            &mut ChaCha8Rng::seed_from_u64(0),
        )
        .unwrap();
        for l in 0..=1 {
            for ((p0, p1), g) in start
                .weight(l)
                .iter()
                .zip(net.weight(l))
                .zip(&grad.weight[l])
            {
                approx::assert_relative_eq!(
                    p0 - p1,
                    1e-3 * g / (g.abs() + 1e-8),
                    max_relative = 1e-9,
                    epsilon = 1e-15
                );
            }
        }
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut order: Vec<usize> = (0..50).collect();
        shuffle(&mut order, &mut ChaCha8Rng::seed_from_u64(8));
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_ne!(order, sorted);
    }

    #[test]
    fn rejects_bad_schedules() {
        let adam = AdamConfig::default();
        assert_eq!(TrainConfig::new(0, 8, adam, None), Err(NnError::Epochs(0)));
        assert_eq!(
            TrainConfig::new(5, 0, adam, None),
            Err(NnError::BatchSize(0))
        );
        assert_eq!(
            TrainConfig::new(5, 8, adam, Some(-1.0)),
            Err(NnError::TrainThreshold(-1.0))
        );
    }
}
