//! The GP posterior on the test inputs, from a jittered Cholesky factorization of K_XX.
//!
//! ```text
//! L L^T = K_XX + delta I          (delta: the smallest jitter in delta_0 * 10^i that factorizes)
//! V     = L^-1 K_XT              (n x N)
//! mu    = V^T (L^-1 Y)           = K_TX (K_XX + delta I)^-1 Y          (N x k)
//! Sigma = K_TT - V^T V           = K_TT - K_TX (K_XX + delta I)^-1 K_XT (N x N)
//! ```
//! delta_0 = `initial_jitter_rel` * mean(diag K_XX). Sigma is computed on its lower triangle and
//! mirrored, so it is exactly symmetric.
//!
//! # Reference
//! Rasmussen & Williams (2006), "Gaussian Processes for Machine Learning", Algorithm 2.1 and
//! eq. (2.24) (noise-free limit).

#![allow(non_snake_case)] // K_XX, K_XT, K_TT, L, V, Sigma follow the formulas above.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::llt::factor::{
    cholesky_in_place, cholesky_in_place_scratch, LltRegularization,
};
use faer::linalg::matmul::triangular::BlockStructure;
use faer::linalg::triangular_solve::solve_lower_triangular_in_place;
use faer::{Accum, Mat, MatRef, Par};

use crate::error::Error;

/// How the jitter added to the diagonal of K_XX is chosen.
///
/// # Formula
/// ```text
/// delta_i = initial_rel * mean(diag K_XX) * 10^i,   i = 0, 1, ...,  delta_i <= max_rel * mean(diag K_XX)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct JitterPolicy {
    /// First jitter, relative to the mean diagonal of K_XX.
    pub initial_rel: f64,
    /// Largest jitter tried, relative to the mean diagonal; beyond it the kernel is reported as
    /// not positive definite on the training inputs.
    pub max_rel: f64,
}

impl Default for JitterPolicy {
    fn default() -> Self {
        Self {
            initial_rel: 1e-10,
            max_rel: 1e-2,
        }
    }
}

/// A jittered Cholesky factor of K_XX.
#[derive(Debug, Clone)]
pub struct JitteredCholesky {
    /// Lower-triangular L with L L^T = K_XX + jitter I (upper triangle unspecified).
    pub factor: Mat<f64>,
    /// Absolute jitter delta added to the diagonal.
    pub jitter: f64,
    /// Factorization attempts (1 = the first jitter worked).
    pub attempts: usize,
}

/// Factorize K_XX + delta I with delta growing 10x from `policy.initial_rel` * mean diagonal.
///
/// # Errors
/// [`Error::NotPositiveDefinite`] when even `policy.max_rel` * mean diagonal fails.
pub fn jittered_cholesky(
    K_XX: MatRef<'_, f64>,
    policy: JitterPolicy,
) -> Result<JitteredCholesky, Error> {
    let n = K_XX.nrows();
    let mean_diag = (0..n).map(|i| K_XX[(i, i)]).sum::<f64>() / n.max(1) as f64;
    if !(mean_diag.is_finite() && mean_diag > 0.0) {
        return Err(Error::NotPositiveDefinite {
            max_jitter: 0.0,
            mean_diagonal: mean_diag,
        });
    }
    let mut rel = policy.initial_rel;
    let mut attempts = 0;
    while rel <= policy.max_rel * (1.0 + 1e-12) {
        attempts += 1;
        let jitter = rel * mean_diag;
        if let Some(factor) = try_cholesky(K_XX, jitter) {
            return Ok(JitteredCholesky {
                factor,
                jitter,
                attempts,
            });
        }
        rel *= 10.0;
    }
    Err(Error::NotPositiveDefinite {
        max_jitter: policy.max_rel * mean_diag,
        mean_diagonal: mean_diag,
    })
}

/// Cholesky of K + jitter I at a fixed jitter; `None` when a pivot is not positive.
pub fn try_cholesky(K: MatRef<'_, f64>, jitter: f64) -> Option<Mat<f64>> {
    let n = K.nrows();
    let mut A = Mat::<f64>::zeros(n, n);
    A.copy_from_triangular_lower(K);
    for i in 0..n {
        A[(i, i)] += jitter;
    }
    let par = Par::rayon(0);
    let mut mem = MemBuffer::new(cholesky_in_place_scratch::<f64>(n, par, Default::default()));
    let stack = MemStack::new(&mut mem);
    let factored = cholesky_in_place(
        A.as_mut(),
        LltRegularization::default(),
        par,
        stack,
        Default::default(),
    );
    ibits_kernels::clear_upper_simd_state();
    factored.ok()?;
    Some(A)
}

/// Posterior mean and covariance of the GP on the test inputs.
#[derive(Debug, Clone)]
pub struct Posterior {
    /// mu = K_TX (K_XX + delta I)^-1 Y, N x k.
    pub mean: Mat<f64>,
    /// Sigma = K_TT - K_TX (K_XX + delta I)^-1 K_XT, N x N, exactly symmetric.
    pub cov: Mat<f64>,
    /// Jitter delta used (absolute).
    pub jitter: f64,
}

/// Posterior from a factor of K_XX + delta I.
///
/// `K_XT` is n x N, `K_TT` N x N, `Y` n x k.
pub fn posterior_from_factor(
    L: MatRef<'_, f64>,
    jitter: f64,
    K_XT: MatRef<'_, f64>,
    K_TT: MatRef<'_, f64>,
    Y: MatRef<'_, f64>,
) -> Posterior {
    let par = Par::rayon(0);
    let N = K_TT.nrows();
    let mut V = K_XT.to_owned();
    solve_lower_triangular_in_place(L, V.as_mut(), par);
    let mut alpha = Y.to_owned();
    solve_lower_triangular_in_place(L, alpha.as_mut(), par);
    let mut mean = Mat::<f64>::zeros(N, Y.ncols());
    faer::linalg::matmul::matmul(
        mean.as_mut(),
        Accum::Replace,
        V.transpose(),
        alpha.as_ref(),
        1.0,
        par,
    );
    let mut cov = Mat::<f64>::zeros(N, N);
    cov.copy_from_triangular_lower(K_TT);
    faer::linalg::matmul::triangular::matmul(
        cov.as_mut(),
        BlockStructure::TriangularLower,
        Accum::Add,
        V.transpose(),
        BlockStructure::Rectangular,
        V.as_ref(),
        BlockStructure::Rectangular,
        -1.0,
        par,
    );
    ibits_kernels::clear_upper_simd_state();
    mirror_lower_to_upper(&mut cov);
    Posterior { mean, cov, jitter }
}

/// Copy the strict lower triangle onto the upper one, in 64 x 64 tiles.
pub(crate) fn mirror_lower_to_upper(A: &mut Mat<f64>) {
    const TILE: usize = 64;
    let n = A.nrows();
    for jb in (0..n).step_by(TILE) {
        for ib in (jb..n).step_by(TILE) {
            for j in jb..(jb + TILE).min(n) {
                for i in ib.max(j + 1)..(ib + TILE).min(n) {
                    A[(j, i)] = A[(i, j)];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_grows_until_a_singular_matrix_factorizes() {
        // Rank-1 matrix of ones: singular, so the first jitters may fail but some jitter works,
        // and the factor reproduces K + delta I.
        let n = 6;
        let K = Mat::<f64>::from_fn(n, n, |_, _| 1.0);
        let policy = JitterPolicy {
            initial_rel: 1e-16,
            max_rel: 1e-2,
        };
        let chol = jittered_cholesky(K.as_ref(), policy).unwrap();
        assert!(chol.jitter > 0.0 && chol.jitter <= 1e-2);
        let L = Mat::<f64>::from_fn(n, n, |i, j| if i >= j { chol.factor[(i, j)] } else { 0.0 });
        let R = &L * L.transpose();
        for i in 0..n {
            for j in 0..n {
                let want = 1.0 + if i == j { chol.jitter } else { 0.0 };
                assert!(
                    (R[(i, j)] - want).abs() < 1e-12,
                    "({i},{j}) {} vs {want}",
                    R[(i, j)]
                );
            }
        }
    }

    #[test]
    fn not_positive_definite_is_reported() {
        let K = Mat::<f64>::from_fn(3, 3, |i, j| if i == j { -1.0 } else { 0.0 });
        let err = jittered_cholesky(K.as_ref(), JitterPolicy::default()).unwrap_err();
        assert!(matches!(err, Error::NotPositiveDefinite { .. }));
    }
}
