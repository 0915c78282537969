//! ibits: inductive bias in bits.
//!
//! The inductive bias needed to reach a target test error eps in a hypothesis space with a
//! distribution p_h over the hypotheses that fit the training set is
//!
//! ```text
//! I(eps) = -log2 P_{h ~ p_h}[ e(h) <= eps ],   e(h) = 1/(N k) sum_i sum_c (h_c(x_i) - y_ic)^2
//! ```
//!
//! (Boopathy, Yue, Hwang, Iyer & Fiete, "Towards Exact Computation of Inductive Bias", IJCAI
//! 2024). The crate is organised by hypothesis space and by path to P[e <= eps]:
//!
//! - [`target`]: target errors, absolute or relative to the mean error of the space;
//! - [`gp_space`]: Gaussian-process spaces (RBF, linear, polynomial, NNGP, NTK kernels) with
//!   their **exact** law — a generalized chi-squared — and the paper's sampled estimator beside
//!   it;
//! - [`fitted`]: the **fitted** and **counted** paths shared by every space that can sample
//!   test errors: scaled non-central chi-squared by maximum likelihood with a bootstrap
//!   interval, the paper-compatible value, and Clopper–Pearson counting;
//! - [`bound`]: the earlier ICML 2023 upper bound (Boopathy et al., "Model-agnostic Measure of
//!   Generalization Difficulty"), from the paper's constants or measured on a task, for
//!   comparison.
//!
//! Every result carries n, N, k, eps (and how it was chosen), the space with all its
//! parameters, the seed and the unit (bits; nats only where labelled).

pub mod bound;
pub mod error;
pub mod fitted;
pub mod gp_space;
pub mod mlp_space;
pub mod models;
pub mod target;

pub use error::Error;
pub use gp_space::{estimate_gp, GpData, GpEstimate, GpOptions, GpStage, JitterPolicy, KernelSpec};
pub use ibits_kernels::Kernel;
pub use target::Target;
