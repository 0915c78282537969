//! Multilayer perceptrons for ibits: the trained-network hypothesis spaces of the fitted path.
//!
//! A network has `depth` **hidden** layers of `width` units with an activation (ReLU, erf,
//! tanh) and a linear output layer of k units; it is trained by minibatch Adam on the mean
//! squared error to one-hot targets. The forward and backward passes are written by hand on
//! ndarray matrix products and checked against finite differences. Sampling S hypotheses
//! trains S independent initialisations and data orders in parallel, each from its own seed
//! stream, so the result is bit-identical for any number of threads.
//!
//! Modules, in the order the data flows:
//!
//! - [`Activation`], [`Architecture`] and [`Init`] (PyTorch-default Kaiming-uniform, standard
//!   and NTK parameterisations with sigma_w, sigma_b — the latter two share the NNGP limit
//!   computed in ibits-kernels).
//! - [`Mlp`]: parameters, forward pass, [`Mlp::loss_and_gradient`].
//! - [`Adam`] / [`AdamConfig`]: `torch.optim.Adam`'s update.
//! - [`train()`] / [`TrainConfig`]: epochs, minibatches, optional early stop at a training error.
//! - [`sample_hypotheses`] / [`SampleConfig`]: S hypotheses in parallel, with the ones that do
//!   not fit the training set counted as rejected.
//!
//! The error of a network on a data set is always the mean over the n*k entries,
//! `1/(n k) sum_i sum_c (h_c(x_i) - y_ic)^2` (docs/design.md §1), accumulated in f64.
//!
//! Networks compute in `f64` by default; `f32` ([`Precision::F32`]) is available where it is
//! measured to give the same bits.

pub mod activation;
pub mod adam;
pub mod architecture;
mod elementwise;
pub mod error;
pub mod mlp;
pub mod real;
pub mod sample;
mod settings;
pub mod train;

pub use activation::{Activation, ParseActivationError};
pub use adam::{Adam, AdamConfig};
pub use architecture::{Architecture, Init, MAX_DEPTH};
pub use error::NnError;
pub use mlp::{Gradient, Mlp};
pub use real::Real;
pub use sample::{
    hypothesis_streams, sample_hypotheses, train_hypotheses, HypothesisOutcome, HypothesisSample,
    Precision, SampleConfig, TrainTest,
};
pub use settings::{InitName, MlpSettings};
pub use train::{train, TrainConfig, TrainOutcome};
