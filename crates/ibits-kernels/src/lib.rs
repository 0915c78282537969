//! Kernel functions and Gram matrices for ibits.
//!
//! A Gaussian-process hypothesis space is defined by its covariance function. This crate holds
//! the kernels the toolkit knows, ordered from classical to infinite-width networks:
//!
//! - [`Rbf`]: k(x, y) = amplitude * exp(-||x - y||^2 / (2 bandwidth^2)), with the bandwidth
//!   given or set by the median heuristic ([`median_pairwise_distance`]);
//! - [`Linear`] and [`Polynomial`]: functions of q^0 = sigma_b^2 + sigma_w^2 <x, y> / d;
//! - [`Mlp`] kernels: the NNGP of ReLU and erf networks of depth L and the NTK of ReLU networks
//!   (arc-cosine / arcsine recursions, [`mlp`]).
//!
//! [`gram`] and [`cross_gram`] build K(X, X) and K(X, Y) in f64 as one blocked parallel matrix
//! product (faer) plus an elementwise map; K(X, X) is symmetric by construction.
//!
//! [`KernelOptions`] is a kernel as a user writes it (name plus the options it reads, each
//! with its default), validated into a [`KernelSpec`].
//!
//! Inputs are ndarray views (rows are points); Gram matrices are `faer::Mat<f64>`.

mod dot_product;
mod error;
mod gram;
mod kernel;
pub mod mlp;
mod options;
mod rbf;
mod simd_state;

pub use dot_product::{Linear, Polynomial};
pub use error::KernelError;
pub use gram::{cross_gram, gram, gram_diagonal};
pub use kernel::Kernel;
pub use mlp::{Activation, Mlp};
pub use options::{Bandwidth, KernelOptions, KernelSpec};
pub use rbf::{median_pairwise_distance, Rbf, MEDIAN_HEURISTIC_POINTS};
pub use simd_state::clear_upper_simd_state;
