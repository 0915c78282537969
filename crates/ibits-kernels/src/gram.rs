//! Gram matrices: K(X, X) (symmetric by construction) and K(X, Y), in f64, blocked and parallel.
//!
//! ```text
//! G = X Y^T                      (one blocked, parallel matrix product; lower triangle only
//!                                 when Y = X)
//! K_ij = k(stats(x_i), stats(y_j), G_ij)   (elementwise, parallel over columns)
//! ```
//! For K(X, X) only the lower triangle is computed; the diagonal uses the exact squared norms
//! and the upper triangle is a copy, so K is exactly symmetric and an RBF diagonal is exactly the
//! amplitude.

use faer::linalg::matmul::triangular::BlockStructure;
use faer::{Accum, Mat, Par};
use faer_ext::IntoFaer;
use ndarray::ArrayView2;
use rayon::prelude::*;

use crate::error::KernelError;
use crate::kernel::Kernel;

/// Tile size of the blocked upper-triangle copy.
const MIRROR_TILE: usize = 64;

/// Reject NaN/inf inputs, naming the first bad entry.
pub(crate) fn check_finite(x: ArrayView2<'_, f64>) -> Result<(), KernelError> {
    for ((row, col), &value) in x.indexed_iter() {
        if !value.is_finite() {
            return Err(KernelError::NonFinite { row, col, value });
        }
    }
    Ok(())
}

fn stats(kernel: &Kernel, x: ArrayView2<'_, f64>) -> Vec<f64> {
    let s = kernel.stats_len();
    let dim = x.ncols();
    let mut out = vec![0.0; x.nrows() * s];
    out.par_chunks_mut(s)
        .zip(x.axis_iter(ndarray::Axis(0)).into_par_iter())
        .for_each(|(o, row)| {
            let sq: f64 = row.iter().map(|v| v * v).sum();
            kernel.point_stats(sq, dim, o);
        });
    out
}

/// K(X, X) for the rows of `x` (n x d): an n x n symmetric matrix.
///
/// # Formula
/// ```text
/// K_ij = k(x_i, x_j),   K_ji = K_ij exactly
/// ```
///
/// # Errors
/// [`KernelError::NoFeatures`] if d = 0, [`KernelError::NonFinite`] for NaN/inf inputs.
pub fn gram(kernel: &Kernel, x: ArrayView2<'_, f64>) -> Result<Mat<f64>, KernelError> {
    let dim = x.ncols();
    if dim == 0 {
        return Err(KernelError::NoFeatures);
    }
    check_finite(x)?;
    let s = kernel.stats_len();
    let st = stats(kernel, x);
    let mut k = inner_products(x);
    let sq_norm = |i: usize| x.row(i).iter().map(|v| v * v).sum::<f64>();
    k.par_col_iter_mut().enumerate().for_each(|(j, col)| {
        let col = col_slice(col);
        let sj = &st[j * s..(j + 1) * s];
        col[j] = kernel.entry(sj, sj, sq_norm(j), dim);
        for (i, v) in col.iter_mut().enumerate().skip(j + 1) {
            *v = kernel.entry(&st[i * s..(i + 1) * s], sj, *v, dim);
        }
    });
    mirror_lower_to_upper(&mut k);
    Ok(k)
}

/// The contiguous storage of a column of a column-major `Mat` (always unit row stride).
fn col_slice(col: faer::ColMut<'_, f64>) -> &mut [f64] {
    match col.try_as_col_major_mut() {
        Some(c) => c.as_slice_mut(),
        None => unreachable!("columns of an owned faer::Mat are contiguous"),
    }
}

/// A column-major copy of the rows of `x` (faer's matrix product is fastest on it; the copy is
/// O(n d), negligible next to the O(n^2 d) product).
fn to_col_major(x: ArrayView2<'_, f64>) -> Mat<f64> {
    let xf = x.into_faer();
    Mat::from_fn(x.nrows(), x.ncols(), |i, j| xf[(i, j)])
}

/// The lower triangle of X X^T (one blocked parallel product).
pub(crate) fn inner_products(x: ArrayView2<'_, f64>) -> Mat<f64> {
    let xf = to_col_major(x);
    let mut g = Mat::<f64>::zeros(x.nrows(), x.nrows());
    faer::linalg::matmul::triangular::matmul(
        g.as_mut(),
        BlockStructure::TriangularLower,
        Accum::Replace,
        xf.as_ref(),
        BlockStructure::Rectangular,
        xf.transpose(),
        BlockStructure::Rectangular,
        1.0,
        Par::rayon(0),
    );
    crate::simd_state::clear_upper_simd_state();
    g
}

/// Copy the strict lower triangle onto the upper one, tile by tile.
fn mirror_lower_to_upper(k: &mut Mat<f64>) {
    let n = k.nrows();
    for jb in (0..n).step_by(MIRROR_TILE) {
        for ib in (jb..n).step_by(MIRROR_TILE) {
            for j in jb..(jb + MIRROR_TILE).min(n) {
                for i in ib.max(j + 1)..(ib + MIRROR_TILE).min(n) {
                    k[(j, i)] = k[(i, j)];
                }
            }
        }
    }
}

/// K(X, Y) for the rows of `x` (m x d) and `y` (n x d): an m x n matrix.
///
/// # Formula
/// ```text
/// K_ij = k(x_i, y_j)
/// ```
///
/// # Errors
/// [`KernelError::DimensionMismatch`] if the feature counts differ, [`KernelError::NoFeatures`]
/// if d = 0, [`KernelError::NonFinite`] for NaN/inf inputs.
pub fn cross_gram(
    kernel: &Kernel,
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
) -> Result<Mat<f64>, KernelError> {
    let dim = x.ncols();
    if dim != y.ncols() {
        return Err(KernelError::DimensionMismatch {
            left: dim,
            right: y.ncols(),
        });
    }
    if dim == 0 {
        return Err(KernelError::NoFeatures);
    }
    check_finite(x)?;
    check_finite(y)?;
    let s = kernel.stats_len();
    let (sx, sy) = (stats(kernel, x), stats(kernel, y));
    let mut k = Mat::<f64>::zeros(x.nrows(), y.nrows());
    let (xf, yf) = (to_col_major(x), to_col_major(y));
    faer::linalg::matmul::matmul(
        k.as_mut(),
        Accum::Replace,
        xf.as_ref(),
        yf.transpose(),
        1.0,
        Par::rayon(0),
    );
    crate::simd_state::clear_upper_simd_state();
    k.par_col_iter_mut().enumerate().for_each(|(j, col)| {
        let syj = &sy[j * s..(j + 1) * s];
        for (v, sxi) in col_slice(col).iter_mut().zip(sx.chunks_exact(s)) {
            *v = kernel.entry(sxi, syj, *v, dim);
        }
    });
    Ok(k)
}

/// The diagonal k(x_i, x_i) of K(X, X) without forming the matrix.
///
/// # Errors
/// As [`gram`].
pub fn gram_diagonal(kernel: &Kernel, x: ArrayView2<'_, f64>) -> Result<Vec<f64>, KernelError> {
    let dim = x.ncols();
    if dim == 0 {
        return Err(KernelError::NoFeatures);
    }
    check_finite(x)?;
    let s = kernel.stats_len();
    let st = stats(kernel, x);
    Ok((0..x.nrows())
        .map(|i| {
            let si = &st[i * s..(i + 1) * s];
            kernel.entry(si, si, x.row(i).iter().map(|v| v * v).sum(), dim)
        })
        .collect())
}
