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
//! 2024; the method and its numerics are in docs/design.md). This crate is the front door:
//! one dependency gives analysis code everything, and `use ibits::prelude::*;` the common
//! names.
//!
//! ```
//! use ibits::prelude::*;
//!
//! // MNIST, n = 200 training and N = 100 test images (vendored; no download).
//! let task = TaskOptions::new("mnist").with_sizes(200, 100).load()?;
//! let targets = [Target::relative(0.5)?, Target::absolute(0.05)?];
//! // The exact law only (no posterior samples for the paper's fitted estimate).
//! let options = EstimateOptions { samples: Some(0), ..EstimateOptions::default() };
//! for kernel in ["rbf", "nngp-relu"] {
//!     let space = Space::gp(KernelOptions::named(kernel))?;
//!     let estimate = space.estimate(&task, &targets, &options)?;
//!     for t in &estimate.targets {
//!         let exact = t.exact.as_ref().expect("a GP space has an exact law");
//!         println!("{}: eps = {:.4} -> {:.1} bits (exact)", estimate.space_label, t.eps, exact.bits);
//!         assert!(exact.bits >= exact.chernoff_bits - 1e-9); // Chernoff: a lower bound
//!     }
//! }
//! # Ok::<(), ibits::Error>(())
//! ```
//!
//! The modules, in the order data flows through them:
//!
//! - [`data`] (ibits-data): tasks ([`TaskOptions`] -> [`Task`]), readers, synthetic tasks;
//! - [`kernels`] (ibits-kernels) and [`nn`] (ibits-nn): kernels and trained networks;
//! - [`space`]: hypothesis spaces behind one interface ([`Space`]), each returning one
//!   [`Estimate`] — [`gp_space`] (exact law) and [`mlp_space`] (trained networks);
//! - [`target`]: target errors, absolute or relative to the space's mean error;
//! - [`fitted`]: the fitted and counted paths for any sampled test errors (your own models'
//!   losses included: [`fitted::fit_errors`]);
//! - [`stats`] (ibits-stats): the laws (non-central and generalized chi-squared, in log
//!   space) and the scaled-ncx2 fit;
//! - [`models`]: the bias that model classes provide relative to a space;
//! - [`bound`]: the ICML 2023 upper bound, for comparison;
//! - [`experiment`] and [`report`]: grids of cells run into a directory, and their reports.
//!
//! Every result carries n, N, k, eps (and how it was chosen), the space with all its
//! parameters, the seed and the unit (bits; nats only where labelled). docs/library.md has
//! recipes.

pub mod bound;
pub mod error;
pub mod estimate;
pub mod experiment;
pub mod fitted;
pub mod gp_space;
pub mod guide;
pub mod mlp_space;
pub mod models;
pub mod report;
pub mod space;
pub mod target;
pub mod text;
pub mod warning;

/// Tasks and data (the ibits-data crate).
pub use ibits_data as data;
/// Kernels and Gram matrices (the ibits-kernels crate).
pub use ibits_kernels as kernels;
/// Networks and their training (the ibits-nn crate).
pub use ibits_nn as nn;
/// Laws in log space and the scaled-ncx2 fit (the ibits-stats crate).
pub use ibits_stats as stats;
/// The array crate of ibits' inputs and outputs (tasks, Gram matrices), re-exported so that
/// analysis code needs no second dependency line.
pub use ndarray;

pub use error::Error;
pub use estimate::{Details, Estimate, TargetEstimate};
pub use experiment::{Experiment, RunOptions};
pub use gp_space::{
    estimate_gp, estimate_gp_from_gram, GpData, GpEstimate, GpOptions, GpStage, GramBlocks,
    JitterPolicy,
};
pub use ibits_data::{load_task, Task, TaskOptions};
pub use ibits_kernels::{Kernel, KernelOptions, KernelSpec};
pub use ibits_nn::MlpSettings;
pub use ibits_stats::{Gx2, Ncx2};
pub use report::Report;
pub use space::{estimate_from_gram, EstimateOptions, Progress, Space, TaskView};
pub use target::Target;
pub use warning::{Warning, WarningKind};

/// The names analysis code uses most: `use ibits::prelude::*;`.
pub mod prelude {
    pub use crate::error::Error;
    pub use crate::estimate::Estimate;
    pub use crate::experiment::{Experiment, RunOptions};
    pub use crate::fitted::{fit_errors, FitOptions};
    pub use crate::gp_space::{estimate_gp_from_gram, GpOptions, GramBlocks};
    pub use crate::report::{Format, Report};
    pub use crate::space::{estimate_from_gram, EstimateOptions, Space, TaskView};
    pub use crate::target::Target;
    pub use ibits_data::losses::read_losses;
    pub use ibits_data::{Task, TaskOptions};
    pub use ibits_kernels::KernelOptions;
    pub use ibits_nn::MlpSettings;
    pub use ibits_stats::{Gx2, Ncx2};
    pub use ndarray::{array, Array1, Array2, ArrayView2};
}
