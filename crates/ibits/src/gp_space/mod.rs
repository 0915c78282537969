//! The Gaussian-process hypothesis space and its exact law (docs/design.md section 2a).
//!
//! Hypotheses are draws of a GP with kernel k conditioned to interpolate the training set; on
//! the N test inputs they are Gaussian, one independent draw per output column:
//!
//! ```text
//! mu    = K_TX (K_XX + delta I)^-1 Y                              (N x k)
//! Sigma = K_TT - K_TX (K_XX + delta I)^-1 K_XT                    (N x N)
//! e     = 1/(N k) sum_{i,c} (f_c(x_i) - y_ic)^2  ~  sum_j (l_j/(N k)) chi'^2_k(||B_j||^2 / l_j)
//! bits  = -log2 P[e <= eps]
//! ```
//! with Sigma = U diag(l) U^T, B = U^T (mu - Y_T) and delta the reported jitter.
//!
//! The phases live in their own files, in the order they run: [`resources`] (memory and time
//! before anything is allocated), [`posterior`] (jittered Cholesky, mu, Sigma), [`spectrum`]
//! (eigenvalues and rotated residual without eigenvectors), [`law`] (the generalized
//! chi-squared law and its tail) and [`sampled`] (posterior samples of e for the paper's fitted
//! estimator and for counting).
//!
//! # Reference
//! Boopathy, Yue, Hwang, Iyer & Fiete (2024), "Towards Exact Computation of Inductive Bias",
//! IJCAI, section 4; Rasmussen & Williams (2006), GPML, eq. (2.19).

#![allow(non_snake_case)] // K_XX, K_XT, K_TT as in the formulas above.

pub mod law;
pub mod posterior;
pub mod resources;
pub mod sampled;
pub mod spectrum;

use std::time::Instant;

use faer_ext::IntoFaer;
pub use ibits_kernels::KernelSpec;
use ibits_kernels::{cross_gram, gram, Kernel};
use ibits_stats::{Gx2, RubenOptions};
use ndarray::ArrayView2;
use serde::Serialize;

use crate::error::Error;
use crate::fitted::{fit_errors, FitOptions, FittedBits, FittedLaw};
use crate::target::Target;
use crate::warning::{Warning, WarningKind};
pub use law::ExactBits;
pub use posterior::JitterPolicy;
pub use resources::{available_memory, ProblemSize, ResourceEstimate};
pub use spectrum::Spectrum;

/// The task as the GP path sees it: training and test inputs (rows are points) and targets
/// (one-hot rows for classification).
#[derive(Debug, Clone, Copy)]
pub struct GpData<'a> {
    /// X, n x d.
    pub x_train: ArrayView2<'a, f64>,
    /// Y, n x k.
    pub y_train: ArrayView2<'a, f64>,
    /// X_T, N x d.
    pub x_test: ArrayView2<'a, f64>,
    /// Y_T, N x k.
    pub y_test: ArrayView2<'a, f64>,
}

impl<'a> GpData<'a> {
    /// Views of a loaded task.
    pub fn from_task(task: &'a ibits_data::Task) -> Self {
        Self {
            x_train: task.x_train.view(),
            y_train: task.y_train.view(),
            x_test: task.x_test.view(),
            y_test: task.y_test.view(),
        }
    }

    fn validate(&self) -> Result<(), Error> {
        let (n, d) = self.x_train.dim();
        let nt = self.y_test.nrows();
        validate_outputs(self.y_train, self.y_test)?;
        let checks = [
            ("rows of y_train (training points)", self.y_train.nrows(), n),
            ("rows of x_test (test points)", self.x_test.nrows(), nt),
            ("columns of x_test (features)", self.x_test.ncols(), d),
        ];
        for (what, got, expected) in checks {
            if got != expected {
                return Err(Error::Shape {
                    what,
                    got,
                    expected,
                });
            }
        }
        Ok(())
    }
}

/// Non-empty, finite targets with the same number of outputs.
fn validate_outputs(
    y_train: ArrayView2<'_, f64>,
    y_test: ArrayView2<'_, f64>,
) -> Result<(), Error> {
    let (nt, k) = y_test.dim();
    if y_train.nrows() == 0 {
        return Err(Error::Empty {
            what: "training set",
        });
    }
    if nt == 0 {
        return Err(Error::Empty { what: "test set" });
    }
    if k == 0 {
        return Err(Error::Empty { what: "outputs" });
    }
    if y_train.ncols() != k {
        return Err(Error::Shape {
            what: "columns of y_train (outputs)",
            got: y_train.ncols(),
            expected: k,
        });
    }
    for (what, values) in [("y_train", y_train), ("y_test", y_test)] {
        if let Some(v) = values.iter().find(|v| !v.is_finite()) {
            return Err(Error::Option {
                what,
                allowed: "finite values",
                got: v.to_string(),
            });
        }
    }
    Ok(())
}

/// Options of a GP estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct GpOptions {
    /// Jitter added to K_XX.
    pub jitter: JitterPolicy,
    /// Also compute the bits with 10x the jitter (repeats the factorizations).
    pub jitter_check: bool,
    /// Posterior samples S for the paper's fitted estimator and for counting (0 = skip).
    pub samples: usize,
    /// Seed of the posterior samples and of the bootstrap.
    pub seed: u64,
    /// Settings of the fitted path (bootstrap size, confidence).
    pub fit: FitOptions,
    /// Ruben's series settings for the exact tail.
    pub ruben: RubenOptions,
    /// Memory available for the run, bytes; `None` reads MemAvailable from /proc/meminfo.
    pub memory_limit: Option<u64>,
}

impl Default for GpOptions {
    fn default() -> Self {
        Self {
            jitter: JitterPolicy::default(),
            jitter_check: true,
            samples: 10_000,
            seed: 0,
            fit: FitOptions::default(),
            ruben: RubenOptions::default(),
            memory_limit: None,
        }
    }
}

/// Stages of a GP estimate, reported to the progress callback as they start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GpStage {
    /// Kernel blocks K_XX, K_XT, K_TT.
    Kernel,
    /// Cholesky, mu and Sigma.
    Posterior,
    /// Tridiagonalisation and eigenvalues of Sigma.
    Spectrum,
    /// Exact tail at each target.
    ExactLaw,
    /// Posterior, spectrum and tail again with 10x jitter.
    JitterCheck,
    /// Posterior samples of the test error.
    Sampling,
    /// Scaled-ncx2 fit, bootstrap and counting.
    Fitting,
}

/// Seconds spent in each stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct GpTiming {
    /// Kernel blocks.
    pub kernel_s: f64,
    /// Cholesky with jitter, mu, Sigma.
    pub posterior_s: f64,
    /// Tridiagonalisation, eigenvalues, rotated residual.
    pub spectrum_s: f64,
    /// Building the law and its tail at every target.
    pub exact_law_s: f64,
    /// The 10x-jitter repetition.
    pub jitter_check_s: f64,
    /// Posterior samples.
    pub sampling_s: f64,
    /// Fit, bootstrap, counting.
    pub fitting_s: f64,
    /// Everything.
    pub total_s: f64,
}

/// Shape of the exact law.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LawSummary {
    /// Random terms (eigen-directions with a weight above round-off).
    pub terms: usize,
    /// Total degrees of freedom sum_j m_j.
    pub total_dof: f64,
    /// Constant part of e from zero-variance directions.
    pub offset: f64,
    /// Smallest and largest weight l_j / (N k).
    pub weight_range: [f64; 2],
}

/// Everything reported at one target error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetEstimate {
    /// The target as given.
    pub target: Target,
    /// eps (mean squared error over N k entries).
    pub eps: f64,
    /// How eps was chosen ("absolute" or "r x mean error").
    pub eps_rule: String,
    /// Exact law: bits by saddlepoint / Ruben / Chernoff.
    pub exact: ExactBits,
    /// Exact bits with 10x the jitter (sensitivity check), when computed.
    pub exact_bits_jitter_10x: Option<f64>,
    /// The paper's estimator on the same space (fitted scaled ncx2), when sampled.
    pub fitted: Option<FittedBits>,
    /// Counting the sampled errors at or below eps, when sampled.
    pub counted: Option<ibits_stats::fit::CountEstimate>,
}

/// Posterior samples and the law fitted to them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampledSummary {
    /// Number of posterior samples S.
    pub samples: usize,
    /// Seed (sample i uses stream i of ChaCha8 seeded with it).
    pub seed: u64,
    /// Sample mean of the test errors (compare with the exact mean error).
    pub sample_mean_error: f64,
    /// The fitted scaled ncx2.
    pub fitted_law: FittedLaw,
    /// The S sampled test errors, in sample order (not in the JSON output: reports draw their
    /// histograms from them).
    #[serde(skip)]
    pub errors: Vec<f64>,
}

/// The result of a GP estimate: bits at each target with every diagnostic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GpEstimate {
    /// Hypothesis space: always "gp".
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub space: &'static str,
    /// Kernel with all its parameters (`None` when the Gram matrices were given).
    pub kernel: Option<Kernel>,
    /// The kernel in words, e.g. `rbf(bandwidth=9.5, amplitude=1)`.
    pub kernel_description: String,
    /// How a kernel parameter was set from the data, if one was.
    pub kernel_rule: Option<String>,
    /// Training points n.
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub n_train: usize,
    /// Test points N.
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub n_test: usize,
    /// Outputs k.
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub outputs: usize,
    /// Input features d.
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub input_dim: usize,
    /// Unit of every `*bits*` field.
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub unit: &'static str,
    /// Absolute jitter added to diag(K_XX).
    pub jitter: f64,
    /// Jitter relative to the mean of diag(K_XX).
    pub jitter_relative: f64,
    /// Factorization attempts before one succeeded.
    pub jitter_attempts: usize,
    /// Negative eigenvalues of Sigma clipped to 0.
    pub clipped_eigenvalues: usize,
    /// Sum of their magnitudes.
    pub clipped_mass: f64,
    /// clipped_mass / trace(Sigma).
    pub clipped_mass_relative: f64,
    /// `E[e]` over the space (the mean test error).
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub mean_error: f64,
    /// Test error of the posterior mean mu.
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub posterior_mean_error: f64,
    /// Shape of the exact law.
    pub law: LawSummary,
    /// The exact law of the test error itself (not in the JSON output; `law` summarises it),
    /// for densities and further tail evaluations.
    #[serde(skip)]
    pub error_law: Gx2,
    /// One entry per target.
    pub targets: Vec<TargetEstimate>,
    /// Posterior samples and fitted law, when S > 0.
    pub sampled: Option<SampledSummary>,
    /// Memory and time estimated before the run.
    pub resources: ResourceEstimate,
    /// Memory the run was allowed, bytes, when known.
    pub available_bytes: Option<u64>,
    /// Rayon worker threads.
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub threads: usize,
    /// Seconds per stage.
    pub timing: GpTiming,
    /// Things the reader should know (large jitter, clipped mass, poorly identified fit...).
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub warnings: Vec<Warning>,
}

/// Everything the exact path derives from one posterior.
struct ExactPath {
    spectrum: Spectrum,
    law: ibits_stats::Gx2,
}

fn exact_path(
    L: faer::MatRef<'_, f64>,
    jitter: f64,
    K_XT: faer::MatRef<'_, f64>,
    K_TT: faer::MatRef<'_, f64>,
    y: &Outputs<'_>,
    timing: Option<&mut GpTiming>,
) -> Result<ExactPath, Error> {
    let start = Instant::now();
    let post = posterior::posterior_from_factor(L, jitter, K_XT, K_TT, y.train.into_faer());
    let y_test = y.test.into_faer();
    let residual = faer::Mat::<f64>::from_fn(post.mean.nrows(), post.mean.ncols(), |i, c| {
        post.mean[(i, c)] - y_test[(i, c)]
    });
    let t_post = start.elapsed().as_secs_f64();
    let spectrum = spectrum::spectrum(post.cov, residual.as_ref())?;
    let t_spec = start.elapsed().as_secs_f64() - t_post;
    if let Some(t) = timing {
        t.posterior_s += t_post;
        t.spectrum_s += t_spec;
    }
    let law = law::error_law(&spectrum)?;
    Ok(ExactPath { spectrum, law })
}

/// Estimate the inductive bias of the GP hypothesis space at each target.
///
/// `progress` is called with each stage as it starts.
///
/// # Errors
/// - [`Error::Shape`] / [`Error::Empty`] for inconsistent data;
/// - [`Error::InsufficientMemory`] before any allocation when the run would not fit;
/// - [`Error::Kernel`] for invalid kernel parameters or non-finite inputs;
/// - [`Error::NotPositiveDefinite`] when K_XX does not factorize with jitter up to the maximum;
/// - [`Error::Law`] when Sigma vanishes; [`Error::Option`] for a fit option out of range.
pub fn estimate_gp(
    data: &GpData<'_>,
    kernel: &KernelSpec,
    targets: &[Target],
    options: &GpOptions,
    progress: &mut dyn FnMut(GpStage),
) -> Result<GpEstimate, Error> {
    let total = Instant::now();
    data.validate()?;
    if targets.is_empty() {
        return Err(Error::Option {
            what: "targets",
            allowed: "at least one target",
            got: "none".into(),
        });
    }
    let (n, d) = data.x_train.dim();
    let (nt, k) = data.y_test.dim();
    let threads = rayon::current_num_threads();
    let size = ProblemSize {
        n_train: n,
        n_test: nt,
        input_dim: d,
        outputs: k,
        samples: options.samples,
        jitter_check: options.jitter_check,
    };
    let resources = size.estimate(threads);
    let available_bytes = options.memory_limit.or_else(available_memory);
    if let Some(limit) = available_bytes {
        size.check_memory(limit)?;
    }
    let mut timing = GpTiming::default();

    progress(GpStage::Kernel);
    let start = Instant::now();
    let (blocks, kernel, kernel_rule) = GramBlocks::compute(kernel, data.x_train, data.x_test)?;
    timing.kernel_s = start.elapsed().as_secs_f64();
    let header = Header {
        kernel: Some(kernel),
        kernel_description: kernel.to_string(),
        kernel_rule,
        input_dim: d,
        resources,
        available_bytes,
    };
    let y = Outputs {
        train: data.y_train,
        test: data.y_test,
    };
    let mut estimate = from_blocks(blocks, y, targets, options, progress, timing, header)?;
    estimate.timing.total_s = total.elapsed().as_secs_f64();
    Ok(estimate)
}

/// Estimate the inductive bias of the GP space whose kernel blocks are given: any kernel,
/// computed anywhere (a ResNet or attention NNGP from another library, say). The exact path
/// as in [`estimate_gp`] from the posterior on.
///
/// # Errors
/// - [`Error::Shape`] naming the block whose shape disagrees with the targets;
/// - [`Error::Option`] for a non-finite entry or a K_XX or K_TT that is not symmetric (to
///   1e-10 relative to its largest entry);
/// - as [`estimate_gp`] from the posterior on.
pub fn estimate_gp_from_gram(
    blocks: GramBlocks,
    y_train: ArrayView2<'_, f64>,
    y_test: ArrayView2<'_, f64>,
    targets: &[Target],
    options: &GpOptions,
    progress: &mut dyn FnMut(GpStage),
) -> Result<GpEstimate, Error> {
    let total = Instant::now();
    let (n, k) = y_train.dim();
    let nt = y_test.nrows();
    if targets.is_empty() {
        return Err(Error::Option {
            what: "targets",
            allowed: "at least one target",
            got: "none".into(),
        });
    }
    for (what, got, expected) in [
        (
            "rows of K_XX (training points, rows of Y)",
            blocks.K_XX.nrows(),
            n,
        ),
        (
            "columns of K_XX (training points, rows of Y)",
            blocks.K_XX.ncols(),
            n,
        ),
        (
            "rows of K_XT (training points, rows of Y)",
            blocks.K_XT.nrows(),
            n,
        ),
        (
            "columns of K_XT (test points, rows of Y_T)",
            blocks.K_XT.ncols(),
            nt,
        ),
        (
            "rows of K_TT (test points, rows of Y_T)",
            blocks.K_TT.nrows(),
            nt,
        ),
        (
            "columns of K_TT (test points, rows of Y_T)",
            blocks.K_TT.ncols(),
            nt,
        ),
        ("columns of Y_T (outputs, columns of Y)", y_test.ncols(), k),
    ] {
        if got != expected {
            return Err(Error::Shape {
                what,
                got,
                expected,
            });
        }
    }
    validate_outputs(y_train, y_test)?;
    for (what, m, symmetric) in [
        ("K_XX", blocks.K_XX.as_ref(), true),
        ("K_XT", blocks.K_XT.as_ref(), false),
        ("K_TT", blocks.K_TT.as_ref(), true),
    ] {
        check_block(what, m, symmetric)?;
    }
    let header = Header {
        kernel: None,
        kernel_description: "Gram matrices given by the caller".into(),
        kernel_rule: None,
        input_dim: 0,
        resources: ProblemSize {
            n_train: n,
            n_test: nt,
            input_dim: 0,
            outputs: k,
            samples: options.samples,
            jitter_check: options.jitter_check,
        }
        .estimate(rayon::current_num_threads()),
        available_bytes: options.memory_limit.or_else(available_memory),
    };
    let y = Outputs {
        train: y_train,
        test: y_test,
    };
    let mut estimate = from_blocks(
        blocks,
        y,
        targets,
        options,
        progress,
        GpTiming::default(),
        header,
    )?;
    estimate.timing.total_s = total.elapsed().as_secs_f64();
    Ok(estimate)
}

/// A block must be finite and, for K_XX and K_TT, symmetric.
fn check_block(what: &'static str, m: faer::MatRef<'_, f64>, symmetric: bool) -> Result<(), Error> {
    let mut largest = 0.0_f64;
    for j in 0..m.ncols() {
        for i in 0..m.nrows() {
            let v = m[(i, j)];
            if !v.is_finite() {
                return Err(Error::Option {
                    what,
                    allowed: "finite entries",
                    got: format!("{v} at row {i}, column {j}"),
                });
            }
            largest = largest.max(v.abs());
        }
    }
    if symmetric {
        for j in 0..m.ncols() {
            for i in 0..j {
                if (m[(i, j)] - m[(j, i)]).abs() > 1e-10 * largest {
                    return Err(Error::Option {
                        what,
                        allowed: "a symmetric matrix (entries (i, j) and (j, i) equal to 1e-10 of the largest entry)",
                        got: format!(
                            "({i}, {j}) = {} but ({j}, {i}) = {}",
                            m[(i, j)],
                            m[(j, i)]
                        ),
                    });
                }
            }
        }
    }
    Ok(())
}

/// The kernel blocks of a GP space: K_XX (n x n), K_XT (n x N), K_TT (N x N).
#[derive(Debug, Clone)]
pub struct GramBlocks {
    /// k(X, X), n x n, symmetric.
    pub K_XX: faer::Mat<f64>,
    /// k(X, X_T), n x N.
    pub K_XT: faer::Mat<f64>,
    /// k(X_T, X_T), N x N, symmetric.
    pub K_TT: faer::Mat<f64>,
}

impl GramBlocks {
    /// The blocks of `kernel` on training inputs `x_train` (n x d) and test inputs `x_test`
    /// (N x d), exactly as [`estimate_gp`] computes them, with the concrete kernel and the rule
    /// that set a parameter (the median bandwidth), if any.
    ///
    /// # Errors
    /// [`Error::Kernel`] for non-finite inputs, inputs of different widths or a bandwidth rule
    /// that cannot be applied.
    pub fn compute(
        kernel: &KernelSpec,
        x_train: ArrayView2<'_, f64>,
        x_test: ArrayView2<'_, f64>,
    ) -> Result<(Self, Kernel, Option<String>), Error> {
        let (kernel, rule) = kernel.resolve(x_train)?;
        let blocks = Self {
            K_XX: gram(&kernel, x_train)?,
            K_XT: cross_gram(&kernel, x_train, x_test)?,
            K_TT: gram(&kernel, x_test)?,
        };
        Ok((blocks, kernel, rule))
    }

    /// The blocks read from `.npy` files (f32 or f64, 2-D, C order; f32 widened exactly), e.g.
    /// written by `numpy.save` from another library's kernel. Shapes are checked against the
    /// targets when the blocks are used.
    ///
    /// # Errors
    /// [`Error::Data`] naming the file for an unreadable, malformed or non-finite array, and
    /// [`Error::Context`] naming the file for an array that is not 2-D.
    pub fn read_npy(
        train: &std::path::Path,
        cross: &std::path::Path,
        test: &std::path::Path,
    ) -> Result<Self, Error> {
        let read = |path: &std::path::Path, what: &str| -> Result<faer::Mat<f64>, Error> {
            let a = ibits_data::read_npy(path)?;
            let [rows, cols] = a.shape[..] else {
                return Err(Error::Context {
                    context: format!("reading {what} from {}", path.display()),
                    source: Box::new(Error::Option {
                        what: "Gram block shape",
                        allowed: "a 2-D array (rows, columns)",
                        got: format!("{:?}", a.shape),
                    }),
                });
            };
            let values = a.to_f64();
            Ok(faer::Mat::from_fn(rows, cols, |i, j| values[i * cols + j]))
        };
        Ok(Self {
            K_XX: read(train, "K_XX (training x training)")?,
            K_XT: read(cross, "K_XT (training x test)")?,
            K_TT: read(test, "K_TT (test x test)")?,
        })
    }

    /// The blocks as ndarray arrays (rows are points): K_XX, K_XT, K_TT, e.g. to save them
    /// with `numpy.save`-compatible writers or hand them to another library.
    pub fn to_ndarray(&self) -> [ndarray::Array2<f64>; 3] {
        let copy = |m: &faer::Mat<f64>| {
            ndarray::Array2::from_shape_fn((m.nrows(), m.ncols()), |(i, j)| m[(i, j)])
        };
        [copy(&self.K_XX), copy(&self.K_XT), copy(&self.K_TT)]
    }

    /// The blocks from ndarray arrays (rows are points), e.g. read from `.npy` files or computed
    /// by another library; copied into the column-major layout the factorizations use.
    pub fn from_ndarray(
        K_XX: ArrayView2<'_, f64>,
        K_XT: ArrayView2<'_, f64>,
        K_TT: ArrayView2<'_, f64>,
    ) -> Self {
        let copy =
            |a: ArrayView2<'_, f64>| faer::Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]]);
        Self {
            K_XX: copy(K_XX),
            K_XT: copy(K_XT),
            K_TT: copy(K_TT),
        }
    }
}

/// Training and test targets.
struct Outputs<'a> {
    train: ArrayView2<'a, f64>,
    test: ArrayView2<'a, f64>,
}

/// What the estimate reports about the kernel and the plan, settled before the posterior.
struct Header {
    kernel: Option<Kernel>,
    kernel_description: String,
    kernel_rule: Option<String>,
    input_dim: usize,
    resources: ResourceEstimate,
    available_bytes: Option<u64>,
}

/// The exact path (and the sampled paths) from the kernel blocks on.
fn from_blocks(
    blocks: GramBlocks,
    y: Outputs<'_>,
    targets: &[Target],
    options: &GpOptions,
    progress: &mut dyn FnMut(GpStage),
    mut timing: GpTiming,
    header: Header,
) -> Result<GpEstimate, Error> {
    let GramBlocks { K_XX, K_XT, K_TT } = blocks;
    let (n, k) = y.train.dim();
    let nt = y.test.nrows();
    let threads = rayon::current_num_threads();
    let mut warnings = Vec::new();
    progress(GpStage::Posterior);
    let start = Instant::now();
    let chol = posterior::jittered_cholesky(K_XX.as_ref(), options.jitter)?;
    timing.posterior_s = start.elapsed().as_secs_f64();
    let mean_diag = (0..n).map(|i| K_XX[(i, i)]).sum::<f64>() / n as f64;
    progress(GpStage::Spectrum);
    let main = exact_path(
        chol.factor.as_ref(),
        chol.jitter,
        K_XT.as_ref(),
        K_TT.as_ref(),
        &y,
        Some(&mut timing),
    )?;
    drop(chol.factor);

    progress(GpStage::ExactLaw);
    let start = Instant::now();
    let mean_error = law::mean_error(&main.spectrum);
    let posterior_mean_error = law::posterior_mean_error(&main.spectrum);
    let eps: Vec<f64> = targets.iter().map(|t| t.resolve(mean_error)).collect();
    let exact: Vec<ExactBits> = eps
        .iter()
        .map(|&e| law::exact_bits(&main.law, e, &options.ruben))
        .collect();
    timing.exact_law_s = start.elapsed().as_secs_f64();

    let mut jitter_x10 = vec![None; targets.len()];
    if options.jitter_check {
        progress(GpStage::JitterCheck);
        let start = Instant::now();
        let blocks = (K_XX.as_ref(), K_XT.as_ref(), K_TT.as_ref());
        match jitter_check(blocks, 10.0 * chol.jitter, &y, &eps, options)? {
            Ok(bits) => jitter_x10 = bits,
            Err(warning) => warnings.push(warning),
        }
        timing.jitter_check_s = start.elapsed().as_secs_f64();
    }
    drop((K_XX, K_XT, K_TT));

    let mut fitted = vec![None; targets.len()];
    let mut counted = vec![None; targets.len()];
    let mut sampled = None;
    if options.samples > 0 {
        let path = sampled_path(&main.spectrum, &eps, options, progress, &mut timing)?;
        warnings.extend(path.fit.warnings.iter().cloned());
        for (i, (bits, count)) in path.fit.bits.into_iter().zip(path.fit.counted).enumerate() {
            fitted[i] = Some(bits);
            counted[i] = Some(count);
        }
        sampled = Some(path.summary);
    }

    let sp = &main.spectrum;
    let clipped_mass_relative = if sp.trace > 0.0 {
        sp.clipped_mass / sp.trace
    } else {
        0.0
    };
    let jitter_relative = chol.jitter / mean_diag;
    warnings.extend(health_warnings(
        jitter_relative,
        posterior_mean_error,
        y.test,
        clipped_mass_relative,
    ));
    warnings.extend(tail_warnings(&eps, &exact, &jitter_x10, main.law.offset()));
    let targets = targets
        .iter()
        .zip(eps)
        .zip(exact)
        .zip(jitter_x10.into_iter().zip(fitted.into_iter().zip(counted)))
        .map(|(((t, e), x), (j, (f, c)))| TargetEstimate {
            target: *t,
            eps: e,
            eps_rule: t.describe(),
            exact: x,
            exact_bits_jitter_10x: j,
            fitted: f,
            counted: c,
        })
        .collect();
    Ok(GpEstimate {
        space: "gp",
        kernel: header.kernel,
        kernel_description: header.kernel_description,
        kernel_rule: header.kernel_rule,
        n_train: n,
        n_test: nt,
        outputs: k,
        input_dim: header.input_dim,
        unit: "bits",
        jitter: chol.jitter,
        jitter_relative,
        jitter_attempts: chol.attempts,
        clipped_eigenvalues: sp.clipped_count,
        clipped_mass: sp.clipped_mass,
        clipped_mass_relative,
        mean_error,
        posterior_mean_error,
        law: LawSummary {
            terms: main.law.num_terms(),
            total_dof: main.law.total_dof(),
            offset: main.law.offset(),
            weight_range: [main.law.min_weight(), main.law.max_weight()],
        },
        error_law: main.law.clone(),
        targets,
        sampled,
        resources: header.resources,
        available_bytes: header.available_bytes,
        threads,
        timing,
        warnings,
    })
}

/// The exact bits at each eps again with K_XX + `jitter` I (the numerical-health check), or the
/// warning that says why there is none.
fn jitter_check(
    (K_XX, K_XT, K_TT): (
        faer::MatRef<'_, f64>,
        faer::MatRef<'_, f64>,
        faer::MatRef<'_, f64>,
    ),
    jitter: f64,
    y: &Outputs<'_>,
    eps: &[f64],
    options: &GpOptions,
) -> Result<Result<Vec<Option<f64>>, Warning>, Error> {
    let Some(factor) = posterior::try_cholesky(K_XX, jitter) else {
        return Ok(Err(Warning::new(
            WarningKind::Numerical,
            format!("K_XX + {jitter:.3e} I did not factorize: no 10x-jitter check"),
        )));
    };
    let check = exact_path(factor.as_ref(), jitter, K_XT, K_TT, y, None)?;
    Ok(Ok(eps
        .iter()
        .map(|&e| Some(law::exact_bits(&check.law, e, &options.ruben).bits))
        .collect()))
}

/// Posterior samples of the test error and the fitted and counted paths on them.
struct SampledPath {
    fit: crate::fitted::FittedPath,
    summary: SampledSummary,
}

/// Draw S posterior samples of e and fit them at every eps (the paper's estimator).
fn sampled_path(
    spectrum: &Spectrum,
    eps: &[f64],
    options: &GpOptions,
    progress: &mut dyn FnMut(GpStage),
    timing: &mut GpTiming,
) -> Result<SampledPath, Error> {
    progress(GpStage::Sampling);
    let start = Instant::now();
    let errors = sampled::sample_errors(spectrum, options.samples, options.seed);
    timing.sampling_s = start.elapsed().as_secs_f64();
    progress(GpStage::Fitting);
    let start = Instant::now();
    let fit = fit_errors(&errors, eps, options.seed, &options.fit)?;
    timing.fitting_s = start.elapsed().as_secs_f64();
    let summary = SampledSummary {
        samples: options.samples,
        seed: options.seed,
        sample_mean_error: errors.iter().sum::<f64>() / errors.len() as f64,
        fitted_law: fit.law,
        errors,
    };
    Ok(SampledPath { fit, summary })
}

/// Warnings about the posterior as a whole: jitter that breaks interpolation, an interpolant
/// driven by round-off, clipped negative eigenvalues.
fn health_warnings(
    jitter_relative: f64,
    posterior_mean_error: f64,
    y_test: ArrayView2<'_, f64>,
    clipped_mass_relative: f64,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if jitter_relative > 1e-6 {
        warnings.push(Warning::new(WarningKind::Numerical, format!(
            "jitter {:.2e} x mean diagonal was needed to factorize K_XX: the GP no longer interpolates the training set exactly",
            jitter_relative
        )));
    }
    // The error of predicting 0 everywhere, mean(Y_T^2): an interpolant far worse than that
    // is driven by round-off in K_XX^-1, not by the data.
    let zero_error = y_test.iter().map(|y| y * y).sum::<f64>() / y_test.len() as f64;
    if posterior_mean_error > 10.0 * zero_error.max(f64::MIN_POSITIVE) {
        warnings.push(Warning::new(WarningKind::Numerical, format!(
            "the posterior mean's test error {posterior_mean_error:.4e} is {:.1e} times that of predicting 0 ({zero_error:.4e}): K_XX is so ill-conditioned that the interpolant amplifies round-off; the bits describe that numerical space, not the kernel's (use a smaller RBF bandwidth, a better-conditioned kernel or fewer training points)",
            posterior_mean_error / zero_error
        )));
    }
    if clipped_mass_relative > 1e-8 {
        warnings.push(Warning::new(
            WarningKind::Numerical,
            format!(
                "negative eigenvalues of Sigma clipped: {clipped_mass_relative:.2e} of its trace"
            ),
        ));
    }
    warnings
}

/// Warnings about the exact bits at each eps: a value that is not finite always carries its
/// reason, and a 10x-jitter check that moves the bits (by 1%, or at all where either is
/// infinite) says so.
fn tail_warnings(
    eps: &[f64],
    exact: &[ExactBits],
    jitter_x10: &[Option<f64>],
    offset: f64,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for (&e, (x, check)) in eps.iter().zip(exact.iter().zip(jitter_x10)) {
        if !x.bits.is_finite() {
            let reason = if e < offset {
                format!("P[e <= eps] = 0: eps is below {offset:.6e}, the constant part of the test error from directions with zero posterior variance, which every hypothesis has")
            } else {
                "the tail probability is below what the saddlepoint and Ruben's series can represent; the Chernoff bound is the best available statement".to_string()
            };
            warnings.push(Warning::at(
                WarningKind::Numerical,
                e,
                format!("at eps = {e:.4e} the exact bits are {}: {reason}", x.bits),
            ));
        }
        if let Some(b10) = check {
            let moved = if b10.is_finite() && x.bits.is_finite() {
                (b10 - x.bits).abs() > 0.01 * x.bits.abs().max(1.0)
            } else {
                *b10 != x.bits
            };
            if moved {
                warnings.push(Warning::at(WarningKind::Numerical, e, format!(
                    "at eps = {e:.4e} the bits move from {:.4} to {:.4} with 10x jitter: the deep tail depends on the smallest eigenvalues",
                    x.bits, b10
                )));
            }
        }
    }
    warnings
}
