//! Memory and time needed by the exact GP path, estimated before anything is allocated.
//!
//! ```text
//! bytes(n, N) = 8 * (2 n^2 + 2 n N + 2 N^2) + 8 * N * (4 k + 64) + 8 * S + 8 * n * k
//!               K_XX and its factor, K_XT and V, K_TT and Sigma (all live at the peak),
//!               residual/rotation workspace and Householder blocks, S sampled errors
//! flops(n, N) = 2 d (n^2/2 + n N + N^2/2)          kernel blocks (one matrix product each)
//!             + r * (n^3/3 + n^2 N + n N^2 + 4/3 N^3)  Cholesky, V = L^-1 K_XT, Sigma, tridiag
//! ```
//! with r = 2 when the 10x-jitter sensitivity check runs (the factorizations are repeated).
//! Inputs are not counted: they are already in memory when the estimate is made.

use serde::Serialize;

use crate::error::Error;

/// Sustained double-precision rate assumed per thread for the time estimate, flop/s. On the
/// project's 2-core reference machine with faer 0.24 the exact path sustained 1.15e10 (n = N =
/// 2000), 6.4e9 (5000) and 5.2e9 (10,000) per thread (the tridiagonalisation is half
/// memory-bound), so the estimate is indicative, within about 2x (docs/benchmarks.md).
pub const FLOPS_PER_THREAD: f64 = 6e9;

/// Estimated resources of one exact GP estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ResourceEstimate {
    /// Peak bytes the computation allocates.
    pub bytes: u64,
    /// Floating-point operations of the dense linear algebra.
    pub flops: f64,
    /// flops / (threads * FLOPS_PER_THREAD), seconds (indicative).
    pub estimated_seconds: f64,
}

/// Sizes that drive the resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemSize {
    /// Training points n.
    pub n_train: usize,
    /// Test points N.
    pub n_test: usize,
    /// Input features d.
    pub input_dim: usize,
    /// Outputs k.
    pub outputs: usize,
    /// Posterior samples S for the paper's estimator.
    pub samples: usize,
    /// Whether the 10x-jitter check repeats the factorizations.
    pub jitter_check: bool,
}

impl ProblemSize {
    /// Peak bytes, see the module formula.
    pub fn bytes(&self) -> u64 {
        let (n, nt, k) = (self.n_train as f64, self.n_test as f64, self.outputs as f64);
        let floats = 2.0 * n * n
            + 2.0 * n * nt
            + 2.0 * nt * nt
            + nt * (4.0 * k + 64.0)
            + self.samples as f64
            + n * k;
        (8.0 * floats) as u64
    }

    /// Floating-point operations, see the module formula.
    pub fn flops(&self) -> f64 {
        let (n, nt, d) = (
            self.n_train as f64,
            self.n_test as f64,
            self.input_dim as f64,
        );
        let kernel = 2.0 * d * (n * n / 2.0 + n * nt + nt * nt / 2.0);
        let factor = n * n * n / 3.0 + n * n * nt + n * nt * nt + 4.0 / 3.0 * nt * nt * nt;
        kernel + if self.jitter_check { 2.0 } else { 1.0 } * factor
    }

    /// The resource estimate with `threads` worker threads.
    pub fn estimate(&self, threads: usize) -> ResourceEstimate {
        let flops = self.flops();
        ResourceEstimate {
            bytes: self.bytes(),
            flops,
            estimated_seconds: flops / (threads.max(1) as f64 * FLOPS_PER_THREAD),
        }
    }

    /// Refuse when the peak memory exceeds `available_bytes`, naming the largest sizes that fit.
    ///
    /// # Errors
    /// [`Error::InsufficientMemory`] with the largest n = N and the largest n at this N.
    pub fn check_memory(&self, available_bytes: u64) -> Result<(), Error> {
        if self.bytes() <= available_bytes {
            return Ok(());
        }
        let fits = |n: usize, nt: usize| {
            ProblemSize {
                n_train: n,
                n_test: nt,
                ..*self
            }
            .bytes()
                <= available_bytes
        };
        let largest = largest_fitting;
        // When the posterior samples alone do not fit, no n or N helps: say so.
        if !fits(1, 1) {
            let with = |samples: usize| ProblemSize { samples, ..*self }.bytes() <= available_bytes;
            return Err(Error::Option {
                what: "samples S (posterior samples of the test error, 8 bytes each)",
                allowed: "a number whose samples fit in the memory the run may use",
                got: format!(
                    "{} ({:.2} GiB; {:.2} GiB available: at most S = {} fits here)",
                    self.samples,
                    8.0 * self.samples as f64 / (1u64 << 30) as f64,
                    available_bytes as f64 / (1u64 << 30) as f64,
                    largest(&|s| with(s))
                ),
            });
        }
        const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
        Err(Error::InsufficientMemory {
            n_train: self.n_train,
            n_test: self.n_test,
            needed_gib: self.bytes() as f64 / GIB,
            available_gib: available_bytes as f64 / GIB,
            max_square: largest(&|m| fits(m, m)),
            max_train: largest(&|m| fits(m, self.n_test)),
        })
    }
}

pub use ibits_data::available_memory;

/// The largest m >= 0 with `fits(m)`, for a `fits` that is true up to some m and false beyond
/// (found by doubling, then bisection; 0 when even m = 1 does not fit).
pub(crate) fn largest_fitting(fits: &dyn Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0usize, 1usize);
    while fits(hi) && hi < (1 << 48) {
        lo = hi;
        hi *= 2;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 13: `--samples 1000000000 --max-memory 2` blamed n and N and suggested n = N = 0.
    #[test]
    fn samples_that_do_not_fit_are_named() {
        let plan = ProblemSize {
            n_train: 100,
            n_test: 50,
            input_dim: 4,
            outputs: 2,
            samples: 1_000_000_000,
            jitter_check: true,
        };
        let e = plan.check_memory(2 << 30).unwrap_err().to_string();
        assert!(e.contains("samples S") && e.contains("at most S = "), "{e}");
        assert!(!e.contains("n = N = 0"), "{e}");
    }

    fn size(n: usize, nt: usize) -> ProblemSize {
        ProblemSize {
            n_train: n,
            n_test: nt,
            input_dim: 784,
            outputs: 10,
            samples: 10_000,
            jitter_check: true,
        }
    }

    #[test]
    fn bytes_follow_the_formula() {
        // 8 * (6 * 1000^2 + 1000 * 104 + 10000 + 10000) bytes.
        assert_eq!(
            size(1000, 1000).bytes(),
            8 * (6_000_000 + 104_000 + 10_000 + 10_000)
        );
    }

    #[test]
    fn refusal_names_the_largest_sizes_that_fit() {
        let limit = size(3000, 3000).bytes();
        assert!(size(3000, 3000).check_memory(limit).is_ok());
        match size(5000, 5000).check_memory(limit) {
            Err(Error::InsufficientMemory {
                max_square,
                max_train,
                ..
            }) => {
                assert_eq!(max_square, 3000);
                assert!(
                    size(max_train, 5000).bytes() <= limit
                        && size(max_train + 1, 5000).bytes() > limit
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}
