//! The [`Kernel`] enum: one covariance function per hypothesis space, evaluated through the
//! squared norms and the inner product of its two inputs.

use std::fmt;

use serde::Serialize;

use crate::dot_product::{Linear, Polynomial};
use crate::error::KernelError;
use crate::mlp::{Activation, Mlp};
use crate::rbf::Rbf;

/// A positive semi-definite covariance function k(x, y) on R^d.
///
/// Every kernel here depends on its inputs only through ||x||^2, ||y||^2 and <x, y> (the RBF
/// through ||x - y||^2 = ||x||^2 + ||y||^2 - 2 <x, y>), which is what lets Gram matrices be
/// computed as one blocked matrix product plus an elementwise map.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "name", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kernel {
    /// Squared exponential, see [`Rbf`].
    Rbf(Rbf),
    /// Linear, see [`Linear`].
    Linear(Linear),
    /// Polynomial, see [`Polynomial`].
    Polynomial(Polynomial),
    /// NNGP of a ReLU MLP (arc-cosine recursion), see [`crate::mlp`].
    NngpRelu(Mlp),
    /// NNGP of an erf MLP (arcsine recursion), see [`crate::mlp`].
    NngpErf(Mlp),
    /// NTK of a ReLU MLP, see [`crate::mlp`].
    NtkRelu(Mlp),
}

impl Kernel {
    /// Number of per-point statistics [`Kernel::point_stats`] writes.
    pub(crate) fn stats_len(&self) -> usize {
        match self {
            Kernel::Rbf(_) | Kernel::Linear(_) | Kernel::Polynomial(_) => 1,
            Kernel::NngpRelu(m) | Kernel::NngpErf(m) | Kernel::NtkRelu(m) => m.depth() + 1,
        }
    }

    /// Per-point statistics from ||x||^2: the squared norm itself, or the per-layer variances
    /// q^0(x, x) .. q^L(x, x) of an MLP kernel.
    pub(crate) fn point_stats(&self, sq_norm: f64, dim: usize, out: &mut [f64]) {
        match self {
            Kernel::Rbf(_) | Kernel::Linear(_) | Kernel::Polynomial(_) => out[0] = sq_norm,
            Kernel::NngpRelu(m) | Kernel::NtkRelu(m) => {
                m.diagonal_layers(Activation::Relu, sq_norm, dim, out)
            }
            Kernel::NngpErf(m) => m.diagonal_layers(Activation::Erf, sq_norm, dim, out),
        }
    }

    /// k(x, y) from the statistics of x and y and their inner product.
    pub(crate) fn entry(&self, sx: &[f64], sy: &[f64], inner: f64, dim: usize) -> f64 {
        match self {
            Kernel::Rbf(k) => k.of_sq_dist(sx[0] + sy[0] - 2.0 * inner),
            Kernel::Linear(k) => k.of_inner(inner, dim),
            Kernel::Polynomial(k) => k.of_inner(inner, dim),
            Kernel::NngpRelu(m) => m.nngp(Activation::Relu, sx, sy, inner, dim),
            Kernel::NngpErf(m) => m.nngp(Activation::Erf, sx, sy, inner, dim),
            Kernel::NtkRelu(m) => m.ntk_relu(sx, sy, inner, dim),
        }
    }

    /// k(x, y) for two points given as slices.
    ///
    /// The RBF distance is summed from coordinate differences here (the Gram functions use the
    /// inner-product form, which agrees to rounding).
    ///
    /// # Errors
    /// [`KernelError::DimensionMismatch`] if the lengths differ, [`KernelError::NoFeatures`] if
    /// they are empty.
    pub fn eval(&self, x: &[f64], y: &[f64]) -> Result<f64, KernelError> {
        if x.len() != y.len() {
            return Err(KernelError::DimensionMismatch {
                left: x.len(),
                right: y.len(),
            });
        }
        if x.is_empty() {
            return Err(KernelError::NoFeatures);
        }
        if let Kernel::Rbf(k) = self {
            let sq: f64 = x.iter().zip(y).map(|(a, b)| (a - b) * (a - b)).sum();
            return Ok(k.of_sq_dist(sq));
        }
        let dim = x.len();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| p * q).sum::<f64>();
        let mut sx = vec![0.0; self.stats_len()];
        let mut sy = vec![0.0; self.stats_len()];
        self.point_stats(dot(x, x), dim, &mut sx);
        self.point_stats(dot(y, y), dim, &mut sy);
        Ok(self.entry(&sx, &sy, dot(x, y), dim))
    }

    /// Short name as used on the command line (`rbf`, `linear`, `poly`, `nngp-relu`,
    /// `nngp-erf`, `ntk-relu`).
    pub fn name(&self) -> &'static str {
        match self {
            Kernel::Rbf(_) => "rbf",
            Kernel::Linear(_) => "linear",
            Kernel::Polynomial(_) => "poly",
            Kernel::NngpRelu(_) => "nngp-relu",
            Kernel::NngpErf(_) => "nngp-erf",
            Kernel::NtkRelu(_) => "ntk-relu",
        }
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kernel::Rbf(k) => write!(
                f,
                "rbf(bandwidth={}, amplitude={})",
                k.bandwidth(),
                k.amplitude()
            ),
            Kernel::Linear(k) => write!(
                f,
                "linear(sigma_w={}, sigma_b={})",
                k.sigma_w(),
                k.sigma_b()
            ),
            Kernel::Polynomial(k) => {
                write!(
                    f,
                    "poly(degree={}, sigma_w={}, sigma_b={})",
                    k.degree(),
                    k.sigma_w(),
                    k.sigma_b()
                )
            }
            Kernel::NngpRelu(m) | Kernel::NngpErf(m) | Kernel::NtkRelu(m) => write!(
                f,
                "{}(depth={}, sigma_w={}, sigma_b={})",
                self.name(),
                m.depth(),
                m.sigma_w(),
                m.sigma_b()
            ),
        }
    }
}
