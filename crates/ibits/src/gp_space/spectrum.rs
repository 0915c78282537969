//! Eigenvalues of Sigma and the residual in its eigenbasis, without forming the eigenvectors.
//!
//! ```text
//! Sigma = Q T Q^T                     Householder tridiagonalisation (faer), 4/3 N^3 flops
//! T     = W diag(l) W^T               implicit QL with Wilkinson shifts on the tridiagonal T
//! U     = Q W                         (never formed)
//! B     = U^T (mu - Y_T) = W^T (Q^T (mu - Y_T))
//! ```
//! Q^T is applied to the k residual columns with the stored reflectors (O(N^2 k)), and each
//! Givens rotation of the QL iteration is applied to the k rows it touches instead of to an
//! N x N eigenvector matrix (O(N^2 k) in all). Negative eigenvalues (rounding in a PSD Sigma) are
//! clipped to 0 and their total magnitude is reported.
//!
//! # Reference
//! Golub & Van Loan (2013), "Matrix Computations", 4th ed., Algorithm 8.3.1 (tridiagonalisation)
//! and section 8.3.5 (implicit symmetric QR step); the QL variant follows EISPACK `tql2`
//! (Bowdler, Martin, Reinsch & Wilkinson 1968) as transcribed in the public-domain JAMA library.
//! docs/design.md section 3.1.

#![allow(non_snake_case)] // Sigma, Q, T, W, B follow the formulas above.

use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::evd::tridiag::{tridiag_in_place, tridiag_in_place_scratch};
use faer::linalg::householder::{
    apply_block_householder_sequence_transpose_on_the_left_in_place_scratch,
    apply_block_householder_sequence_transpose_on_the_left_in_place_with_conj,
};
use faer::{Conj, Mat, MatRef, Par};

use crate::error::Error;

/// Most implicit QL sweeps spent on one eigenvalue before giving up.
const MAX_SWEEPS_PER_EIGENVALUE: usize = 60;

/// Eigenvalues of the posterior covariance and the rotated residual.
#[derive(Debug, Clone)]
pub struct Spectrum {
    /// Eigenvalues l_j of Sigma, ascending, negative ones clipped to 0.
    pub eigenvalues: Vec<f64>,
    /// B = U^T (mu - Y_T), N x k; row j belongs to `eigenvalues[j]`.
    pub rotated_residual: Mat<f64>,
    /// Number of negative eigenvalues clipped to 0.
    pub clipped_count: usize,
    /// Sum of |l_j| over the clipped eigenvalues (same units as Sigma).
    pub clipped_mass: f64,
    /// trace(Sigma) = sum of the eigenvalues before clipping.
    pub trace: f64,
}

/// Eigen-decompose `cov` (consumed; only its lower triangle is read) and rotate `residual`.
///
/// # Errors
/// [`Error::EigenNotConverged`] if the QL iteration stalls (not seen on symmetric input).
pub fn spectrum(cov: Mat<f64>, residual: MatRef<'_, f64>) -> Result<Spectrum, Error> {
    let N = cov.nrows();
    let k = residual.ncols();
    let mut A = cov;
    let mut u = residual.to_owned();
    let mut diag = vec![0.0; N];
    let mut offdiag = vec![0.0; N];
    if N > 1 {
        let par = Par::rayon(0);
        let bs = faer::linalg::qr::no_pivoting::factor::recommended_block_size::<f64>(N, N);
        let mut householder = Mat::<f64>::zeros(bs, N - 1);
        let req = StackReq::any_of(&[
            tridiag_in_place_scratch::<f64>(N, par, Default::default()),
            apply_block_householder_sequence_transpose_on_the_left_in_place_scratch::<f64>(
                N - 1,
                bs,
                k,
            ),
        ]);
        let mut mem = MemBuffer::new(req);
        tridiag_in_place(
            A.as_mut(),
            householder.as_mut(),
            par,
            MemStack::new(&mut mem),
            Default::default(),
        );
        apply_block_householder_sequence_transpose_on_the_left_in_place_with_conj(
            A.as_ref().submatrix(1, 0, N - 1, N - 1),
            householder.as_ref(),
            Conj::No,
            u.as_mut().subrows_mut(1, N - 1),
            par,
            MemStack::new(&mut mem),
        );
        // faer's kernels leave the AVX upper state dirty; the QL sweep below is scalar libm code.
        ibits_kernels::clear_upper_simd_state();
        for i in 0..N - 1 {
            offdiag[i] = A[(i + 1, i)];
        }
    }
    for (i, d) in diag.iter_mut().enumerate() {
        *d = A[(i, i)];
    }
    drop(A);
    // Rows of u interleaved (row i at [i*k .. (i+1)*k]) so a rotation touches adjacent memory.
    let mut rows = vec![0.0; N * k];
    for c in 0..k {
        for i in 0..N {
            rows[i * k + c] = u[(i, c)];
        }
    }
    tridiagonal_ql(&mut diag, &mut offdiag, &mut rows, k)?;
    let mut order: Vec<usize> = (0..N).collect();
    order.sort_by(|&a, &b| diag[a].total_cmp(&diag[b]));
    let trace: f64 = diag.iter().sum();
    let mut eigenvalues = Vec::with_capacity(N);
    let mut rotated_residual = Mat::<f64>::zeros(N, k);
    let (mut clipped_count, mut clipped_mass) = (0, 0.0);
    for (j, &src) in order.iter().enumerate() {
        let l = diag[src];
        if l < 0.0 {
            clipped_count += 1;
            clipped_mass += -l;
        }
        eigenvalues.push(l.max(0.0));
        for c in 0..k {
            rotated_residual[(j, c)] = rows[src * k + c];
        }
    }
    Ok(Spectrum {
        eigenvalues,
        rotated_residual,
        clipped_count,
        clipped_mass,
        trace,
    })
}

/// Implicit QL on the symmetric tridiagonal matrix (diag d, sub-diagonal e with `e[i] = T[i+1, i]`,
/// e[N-1] unused), applying each rotation to the k-vectors stored as rows of `rows` (N x k,
/// row-major). On return d holds the eigenvalues (unsorted) and row j of `rows` is W^T applied
/// to the input, for the eigenvalue `d[j]`.
fn tridiagonal_ql(d: &mut [f64], e: &mut [f64], rows: &mut [f64], k: usize) -> Result<(), Error> {
    let n = d.len();
    if n == 0 {
        return Ok(());
    }
    e[n - 1] = 0.0;
    let eps = f64::EPSILON;
    let mut f = 0.0;
    let mut tst1: f64 = 0.0;
    for l in 0..n {
        tst1 = tst1.max(d[l].abs() + e[l].abs());
        let mut m = l;
        while m < n - 1 && e[m].abs() > eps * tst1 {
            m += 1;
        }
        if m > l {
            let mut sweeps = 0;
            loop {
                sweeps += 1;
                if sweeps > MAX_SWEEPS_PER_EIGENVALUE {
                    return Err(Error::EigenNotConverged { index: l });
                }
                // Wilkinson-type shift from the leading 2 x 2 block.
                let mut g = d[l];
                let mut p = (d[l + 1] - g) / (2.0 * e[l]);
                let mut r = p.hypot(1.0);
                if p < 0.0 {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                let dl1 = d[l + 1];
                let mut h = g - d[l];
                for di in d.iter_mut().skip(l + 2) {
                    *di -= h;
                }
                f += h;
                // Implicit QL sweep from m - 1 down to l.
                p = d[m];
                let (mut c, mut c2, mut c3) = (1.0, 1.0, 1.0);
                let el1 = e[l + 1];
                let (mut s, mut s2) = (0.0, 0.0);
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = p.hypot(e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    let (head, tail) = rows.split_at_mut((i + 1) * k);
                    let row_i = &mut head[i * k..];
                    let row_next = &mut tail[..k];
                    for (a, b) in row_i.iter_mut().zip(row_next.iter_mut()) {
                        let (bi, bn) = (*a, *b);
                        *b = s * bi + c * bn;
                        *a = c * bi - s * bn;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if e[l].abs() <= eps * tst1 {
                    break;
                }
            }
        }
        d[l] += f;
        e[l] = 0.0;
    }
    Ok(())
}

/// Reference path: the same quantities from faer's full self-adjoint eigendecomposition
/// (eigenvectors formed, B = U^T r by a matrix product). Used by tests and benchmarks.
///
/// # Errors
/// [`Error::EigenNotConverged`] if faer's decomposition fails.
pub fn spectrum_full_evd(
    cov: MatRef<'_, f64>,
    residual: MatRef<'_, f64>,
) -> Result<Spectrum, Error> {
    let evd = cov
        .self_adjoint_eigen(faer::Side::Lower)
        .map_err(|_| Error::EigenNotConverged { index: 0 })?;
    let U = evd.U();
    let S = evd.S();
    let N = cov.nrows();
    let B = U.transpose() * residual;
    let (mut clipped_count, mut clipped_mass, mut trace) = (0, 0.0, 0.0);
    let mut eigenvalues = Vec::with_capacity(N);
    for j in 0..N {
        let l = S[j];
        trace += l;
        if l < 0.0 {
            clipped_count += 1;
            clipped_mass += -l;
        }
        eigenvalues.push(l.max(0.0));
    }
    Ok(Spectrum {
        eigenvalues,
        rotated_residual: B,
        clipped_count,
        clipped_mass,
        trace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};

    fn random_psd(n: usize, rank: usize, seed: u64) -> Mat<f64> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let G = Mat::<f64>::from_fn(n, rank, |_, _| StandardNormal.sample(&mut rng));
        let mut S = &G * G.transpose();
        crate::gp_space::posterior::mirror_lower_to_upper(&mut S);
        S
    }

    // The fast path agrees with faer's full eigendecomposition: same eigenvalues, and the same
    // per-direction |B_j| (eigenvectors are defined up to sign; squared entries are invariant
    // for simple eigenvalues, and the total ||B||^2 = ||r||^2 always).
    #[test]
    fn fast_spectrum_matches_full_eigendecomposition() {
        let n = 120;
        let k = 3;
        let S = random_psd(n, n, 7);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(8);
        let r = Mat::<f64>::from_fn(n, k, |_, _| StandardNormal.sample(&mut rng));
        let fast = spectrum(S.clone(), r.as_ref()).unwrap();
        let full = spectrum_full_evd(S.as_ref(), r.as_ref()).unwrap();
        let scale = full.eigenvalues[n - 1];
        for j in 0..n {
            assert!((fast.eigenvalues[j] - full.eigenvalues[j]).abs() <= 1e-12 * scale * n as f64);
            for c in 0..k {
                let (a, b) = (
                    fast.rotated_residual[(j, c)].abs(),
                    full.rotated_residual[(j, c)].abs(),
                );
                assert!((a - b).abs() <= 1e-8 * (1.0 + b), "j={j} c={c}: {a} vs {b}");
            }
        }
        let norm_r: f64 = (0..k)
            .map(|c| (0..n).map(|i| r[(i, c)] * r[(i, c)]).sum::<f64>())
            .sum();
        let norm_b: f64 = (0..k)
            .map(|c| {
                (0..n)
                    .map(|i| fast.rotated_residual[(i, c)].powi(2))
                    .sum::<f64>()
            })
            .sum();
        assert!((norm_r - norm_b).abs() <= 1e-12 * norm_r);
        let trace: f64 = (0..n).map(|i| S[(i, i)]).sum();
        assert!((fast.trace - trace).abs() <= 1e-12 * trace);
    }

    // A rank-deficient PSD matrix: the zero eigenvalues may come out slightly negative; they are
    // clipped, counted, and the clipped mass stays at rounding level.
    #[test]
    fn rank_deficient_covariance_is_clipped_at_rounding_level() {
        let n = 60;
        let S = random_psd(n, 10, 3);
        let r = Mat::<f64>::from_fn(n, 1, |i, _| (i as f64).sin());
        let sp = spectrum(S.clone(), r.as_ref()).unwrap();
        assert!(sp.eigenvalues.iter().all(|&l| l >= 0.0));
        let top = sp.eigenvalues[n - 1];
        assert!(sp.clipped_mass <= 1e-12 * top * n as f64);
        assert_eq!(
            sp.eigenvalues.iter().filter(|&&l| l > 1e-10 * top).count(),
            10
        );
    }

    // Diagonal input: eigenvalues are the diagonal, sorted; B is the residual permuted.
    #[test]
    fn diagonal_covariance_is_its_own_spectrum() {
        let d = [3.0, 1.0, 2.0, 0.5];
        let S = Mat::<f64>::from_fn(4, 4, |i, j| if i == j { d[i] } else { 0.0 });
        let r = Mat::<f64>::from_fn(4, 1, |i, _| 10.0 + i as f64);
        let sp = spectrum(S, r.as_ref()).unwrap();
        assert_eq!(sp.eigenvalues, vec![0.5, 1.0, 2.0, 3.0]);
        let want = [13.0, 11.0, 12.0, 10.0];
        for (j, w) in want.iter().enumerate() {
            assert!((sp.rotated_residual[(j, 0)].abs() - w).abs() < 1e-14);
        }
    }
}
