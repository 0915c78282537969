//! Model classes and the inductive bias they provide.
//!
//! A model class trained on the task's training set reaches some test error eps_model on its
//! test set. The inductive bias that class **provides**, relative to a hypothesis space, is the
//! information needed to pick out of that space a hypothesis that does at least as well:
//!
//! ```text
//! eps_model = e(h_model) = 1/(N k) * sum_i sum_c (h_model,c(x_i) - y_ic)^2
//! I(eps_model) = -log2 P_{h ~ p_h}[ e(h) <= eps_model ]        bits
//! ```
//!
//! (docs/design.md §1 and §4; Boopathy et al. 2024, §5.2.) The classes here: ridge / linear least
//! squares, k-nearest neighbours, the GP posterior mean, and trained MLPs of given widths and
//! depths.

#![allow(non_snake_case)] // X, Y, W, U, S, V follow the formulas in the docs.

use std::time::Instant;

use faer::linalg::triangular_solve::{
    solve_lower_triangular_in_place, solve_upper_triangular_in_place,
};
use faer::{Mat, Par};
use faer_ext::{IntoFaer, IntoNdarray};
use ibits_kernels::{cross_gram, gram, Kernel};
use ibits_nn::{sample_hypotheses, HypothesisSample, SampleConfig, TrainTest};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::Serialize;

use crate::error::Error;
use crate::gp_space::{
    estimate_gp, posterior::jittered_cholesky, GpData, GpOptions, JitterPolicy, KernelSpec,
    ProblemSize,
};
use crate::mlp_space::{estimate_from_sample, matching_nngp, MlpOptions};
use crate::target::Target;

pub use crate::error::ModelError;

/// Mean over the N*k entries of the squared difference, the test error of docs/design.md §1.
pub fn mean_squared_error(prediction: ArrayView2<'_, f64>, target: ArrayView2<'_, f64>) -> f64 {
    let sum: f64 = prediction
        .iter()
        .zip(target.iter())
        .map(|(p, t)| (p - t) * (p - t))
        .sum();
    sum / prediction.len() as f64
}

/// Ridge regression with an unpenalised intercept; lambda = 0 is minimum-norm linear least
/// squares.
///
/// # Formula
/// ```text
/// x_bar, y_bar = column means of X, Y;   Xc = X - x_bar,  Yc = Y - y_bar
/// Xc = U diag(s) V^T  (thin SVD)
/// W = V diag(s_j / (s_j^2 + lambda)) U^T Yc,   terms with s_j <= r s_max dropped
/// f(x) = (x - x_bar) W + y_bar
/// ```
/// which minimises sum_i ||y_i - f(x_i)||^2 + lambda ||W||_F^2; r = max(n, d) * 2^-52 is
/// LAPACK's / numpy's `lstsq` cut-off, so lambda = 0 gives the pseudo-inverse solution.
///
/// # Reference
/// Hastie, Tibshirani & Friedman (2009), *The Elements of Statistical Learning*, 2nd ed.,
/// eq. (3.47) (ridge via the SVD).
///
/// # Errors
/// [`ModelError::RidgePenalty`] for a negative or non-finite lambda, [`ModelError::Shape`]
/// for mismatched arrays, [`ModelError::Svd`] if the SVD fails.
pub fn ridge_predict(
    x_train: ArrayView2<'_, f64>,
    y_train: ArrayView2<'_, f64>,
    x_test: ArrayView2<'_, f64>,
    lambda: f64,
) -> Result<Array2<f64>, ModelError> {
    if !(lambda.is_finite() && lambda >= 0.0) {
        return Err(ModelError::RidgePenalty(lambda));
    }
    let (n, d) = x_train.dim();
    if y_train.nrows() != n {
        return Err(ModelError::Shape {
            what: "y_train",
            expected: (n, y_train.ncols()),
            got: y_train.dim(),
        });
    }
    if x_test.ncols() != d {
        return Err(ModelError::Shape {
            what: "x_test",
            expected: (x_test.nrows(), d),
            got: x_test.dim(),
        });
    }
    let x_bar: Array1<f64> = x_train
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(d));
    let y_bar: Array1<f64> = y_train
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(y_train.ncols()));
    let Xc = &x_train - &x_bar;
    let Yc = &y_train - &y_bar;
    let Xc_faer: Mat<f64> = Xc.view().into_faer().to_owned();
    let svd = Xc_faer.thin_svd().map_err(|_| ModelError::Svd)?;
    let U = svd.U().into_ndarray();
    let V = svd.V().into_ndarray();
    let s: Vec<f64> = (0..svd.S().dim()).map(|j| svd.S()[j]).collect();
    let s_max = s.iter().copied().fold(0.0, f64::max);
    let cutoff = n.max(d) as f64 * f64::EPSILON * s_max;
    let mut UtY = U.t().dot(&Yc);
    for (j, mut row) in UtY.axis_iter_mut(Axis(0)).enumerate() {
        let coefficient = if s[j] > cutoff {
            s[j] / (s[j] * s[j] + lambda)
        } else {
            0.0
        };
        row.mapv_inplace(|v| v * coefficient);
    }
    let W = V.dot(&UtY);
    Ok((&x_test - &x_bar).dot(&W) + &y_bar)
}

/// k-nearest-neighbour regression: the prediction at x is the mean of the targets of its k
/// nearest training points (Euclidean distance; ties broken by the lower training index).
///
/// # Formula
/// ```text
/// f(x) = 1/k * sum_{i in N_k(x)} y_i,    N_k(x) = the k training points nearest to x
/// ```
/// With one-hot targets f(x) is the vector of neighbour class frequencies, the natural output
/// for the squared-error test error. Squared distances are ||x||^2 + ||x_i||^2 - 2 x.x_i.
///
/// # Reference
/// Hastie, Tibshirani & Friedman (2009), eq. (2.8).
///
/// # Errors
/// [`ModelError::Neighbours`] unless 1 <= k <= n, [`ModelError::Shape`] for mismatched arrays.
pub fn knn_predict(
    x_train: ArrayView2<'_, f64>,
    y_train: ArrayView2<'_, f64>,
    x_test: ArrayView2<'_, f64>,
    k: usize,
) -> Result<Array2<f64>, ModelError> {
    let (n, d) = x_train.dim();
    if !(1..=n).contains(&k) {
        return Err(ModelError::Neighbours { k, n });
    }
    if y_train.nrows() != n {
        return Err(ModelError::Shape {
            what: "y_train",
            expected: (n, y_train.ncols()),
            got: y_train.dim(),
        });
    }
    if x_test.ncols() != d {
        return Err(ModelError::Shape {
            what: "x_test",
            expected: (x_test.nrows(), d),
            got: x_test.dim(),
        });
    }
    let train_sq: Vec<f64> = x_train.rows().into_iter().map(|r| r.dot(&r)).collect();
    let inner = x_test.dot(&x_train.t()); // N x n
    let mut out = Array2::zeros((x_test.nrows(), y_train.ncols()));
    let mut order: Vec<(f64, usize)> = Vec::with_capacity(n);
    for (t, mut prediction) in out.axis_iter_mut(Axis(0)).enumerate() {
        let test_sq = x_test.row(t).dot(&x_test.row(t));
        order.clear();
        order.extend((0..n).map(|i| (test_sq + train_sq[i] - 2.0 * inner[[t, i]], i)));
        order.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for &(_, i) in &order[..k] {
            prediction += &y_train.row(i);
        }
        prediction /= k as f64;
    }
    Ok(out)
}

/// The GP posterior mean as a predictor: the centre of the GP hypothesis space.
///
/// # Formula
/// ```text
/// L L^T = K_XX + delta I,   alpha = L^-T L^-1 Y,   f(X_T) = K_TX alpha
/// ```
/// with the jitter delta of [`JitterPolicy`] (the same rule as the GP space).
///
/// # Reference
/// Rasmussen & Williams (2006), GPML, Algorithm 2.1.
///
/// # Errors
/// [`Error::Kernel`] for invalid inputs, [`Error::NotPositiveDefinite`] when K_XX does not
/// factorize with the largest jitter.
pub fn gp_mean_predict(
    kernel: &Kernel,
    x_train: ArrayView2<'_, f64>,
    y_train: ArrayView2<'_, f64>,
    x_points: &[ArrayView2<'_, f64>],
    jitter: JitterPolicy,
) -> Result<(Vec<Array2<f64>>, f64), Error> {
    let K_XX = gram(kernel, x_train)?;
    let chol = jittered_cholesky(K_XX.as_ref(), jitter)?;
    let mut alpha: Mat<f64> = y_train.into_faer().to_owned();
    solve_lower_triangular_in_place(chol.factor.as_ref(), alpha.as_mut(), Par::rayon(0));
    solve_upper_triangular_in_place(chol.factor.transpose(), alpha.as_mut(), Par::rayon(0));
    let alpha = alpha.as_ref().into_ndarray().to_owned();
    let mut out = Vec::with_capacity(x_points.len());
    for x in x_points {
        let K_XP = cross_gram(kernel, x_train, *x)?; // n x P
        out.push(K_XP.as_ref().into_ndarray().t().dot(&alpha));
    }
    Ok((out, chol.jitter))
}

/// A model class whose test error on the task defines eps_model.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelClass {
    /// Ridge regression with penalty lambda (0 = linear least squares), see [`ridge_predict`].
    Ridge {
        /// Penalty lambda >= 0.
        lambda: f64,
    },
    /// k-nearest-neighbour regression, see [`knn_predict`].
    Knn {
        /// Neighbours k >= 1.
        k: usize,
    },
    /// The posterior mean of a GP, see [`gp_mean_predict`].
    GpMean {
        /// The kernel (or the rule that sets its bandwidth).
        kernel: KernelSpec,
    },
    /// Trained MLPs: eps_model is the mean test error of the `config.samples()` networks that
    /// fit the training set (training error <= the threshold).
    Mlp {
        /// Architecture, training, number of networks, seed, threshold, precision.
        config: SampleConfig,
    },
}

impl ModelClass {
    /// The class with its parameters, in words.
    pub fn describe(&self) -> String {
        match self {
            ModelClass::Ridge { lambda } if *lambda == 0.0 => "linear least squares".to_string(),
            ModelClass::Ridge { lambda } => format!("ridge (lambda = {lambda})"),
            ModelClass::Knn { k } => format!("{k}-nearest neighbours"),
            ModelClass::GpMean {
                kernel: KernelSpec::Fixed(k),
            } => format!("GP posterior mean, {k}"),
            ModelClass::GpMean {
                kernel: KernelSpec::RbfMedian { amplitude },
            } => {
                format!("GP posterior mean, rbf (median bandwidth, amplitude {amplitude})")
            }
            ModelClass::Mlp { config } => {
                let a = config.architecture();
                let t = config.training();
                format!(
                    "MLP width {} depth {} {} ({} epochs, batch {}, lr {}; mean of {} networks)",
                    a.width(),
                    a.depth(),
                    a.activation(),
                    t.max_epochs(),
                    t.batch_size(),
                    t.adam().learning_rate(),
                    config.samples()
                )
            }
        }
    }
}

/// Test error of a model class's predictions, with what produced it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelScore {
    /// Human-readable class name with its parameters, e.g. "ridge (lambda = 1)".
    pub model: String,
    /// eps_model: mean over N*k entries of the squared test residual.
    pub test_error: f64,
    /// The same on the training set.
    pub train_error: f64,
    /// Anything the reader should know (jitter used, networks that did not fit...).
    pub note: Option<String>,
    /// Seconds to train and evaluate.
    pub seconds: f64,
}

/// Train `class` on the task and measure its test error eps_model (and its training error).
///
/// `progress(done, total)` reports trained networks for MLP classes.
///
/// # Errors
/// [`Error::Model`] for invalid class parameters, [`Error::Kernel`] /
/// [`Error::NotPositiveDefinite`] for GP means, [`Error::Network`] for MLPs.
pub fn score_model(
    class: &ModelClass,
    data: &TrainTest<'_>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ModelScore, Error> {
    let start = Instant::now();
    let (x, y, xt, yt) = (data.x_train(), data.y_train(), data.x_test(), data.y_test());
    let mut note = None;
    let (train_error, test_error) = match class {
        ModelClass::Ridge { lambda } => {
            let both = ndarray::concatenate(Axis(0), &[x, xt]).map_err(|_| ModelError::Shape {
                what: "x_test",
                expected: (xt.nrows(), x.ncols()),
                got: xt.dim(),
            })?;
            let f = ridge_predict(x, y, both.view(), *lambda)?;
            let n = x.nrows();
            (
                mean_squared_error(f.slice(ndarray::s![..n, ..]), y),
                mean_squared_error(f.slice(ndarray::s![n.., ..]), yt),
            )
        }
        ModelClass::Knn { k } => (
            mean_squared_error(knn_predict(x, y, x, *k)?.view(), y),
            mean_squared_error(knn_predict(x, y, xt, *k)?.view(), yt),
        ),
        ModelClass::GpMean { kernel } => {
            let (kernel, rule) = kernel.resolve(x)?;
            let (f, jitter) = gp_mean_predict(&kernel, x, y, &[x, xt], JitterPolicy::default())?;
            note = Some(match rule {
                Some(r) => format!("jitter {jitter:.3e}; bandwidth = {r}"),
                None => format!("jitter {jitter:.3e}"),
            });
            (
                mean_squared_error(f[0].view(), y),
                mean_squared_error(f[1].view(), yt),
            )
        }
        ModelClass::Mlp { config } => {
            let total = config.samples();
            let sample = sample_hypotheses(config, data, &|done| progress(done, total))?;
            let fit: Vec<_> = sample
                .outcomes
                .iter()
                .filter(|o| o.fits_training_set)
                .collect();
            let used: Vec<_> = if fit.is_empty() {
                sample.outcomes.iter().collect()
            } else {
                fit
            };
            if sample.rejected() > 0 {
                note = Some(if used.len() == sample.outcomes.len() {
                    format!(
                        "no network reached training error <= {}; mean over all",
                        config.train_threshold()
                    )
                } else {
                    format!(
                        "{} of {} networks did not fit the training set and are left out",
                        sample.rejected(),
                        sample.outcomes.len()
                    )
                });
            }
            let m = used.len() as f64;
            (
                used.iter().map(|o| o.train_error).sum::<f64>() / m,
                used.iter().map(|o| o.test_error).sum::<f64>() / m,
            )
        }
    };
    Ok(ModelScore {
        model: class.describe(),
        test_error,
        train_error,
        note,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Peak memory of scoring `classes` and measuring them against a GP reference space
/// (`reference_gp`) on a task with n training and N test points, d inputs and k outputs, in
/// bytes.
///
/// # Formula
/// ```text
/// ridge      8 (n d + d^2 + N k)              (centred inputs, SVD factors, predictions)
/// k-NN       8 (n N + n + N k)                (inner products X_T X^T)
/// GP mean    the GP space's plan without samples (K_XX, K_XT, K_TT, factor, posterior)
/// MLP        8 (n + N) (width + k) per network thread, a few MB
/// peak       the largest of these
/// ```
pub fn models_bytes(
    classes: &[ModelClass],
    reference_gp: bool,
    (n, nt, d, k): (usize, usize, usize, usize),
) -> u64 {
    let gp = ProblemSize {
        n_train: n,
        n_test: nt,
        input_dim: d,
        outputs: k,
        samples: 0,
        jitter_check: false,
    }
    .bytes();
    let (nf, ntf, df, kf) = (n as f64, nt as f64, d as f64, k as f64);
    let mut peak = if reference_gp { gp } else { 0 };
    for class in classes {
        let bytes = match class {
            ModelClass::Ridge { .. } => 8.0 * (nf * df + df * df + ntf * kf),
            ModelClass::Knn { .. } => 8.0 * (nf * ntf + nf + ntf * kf),
            ModelClass::GpMean { .. } => gp as f64,
            ModelClass::Mlp { config } => {
                8.0 * (nf + ntf)
                    * (config.architecture().width() as f64 + kf)
                    * rayon::current_num_threads() as f64
            }
        };
        peak = peak.max(bytes.min(u64::MAX as f64) as u64);
    }
    peak
}

/// Refuse, before any work, to score `classes` (and a GP reference space) when their peak
/// memory exceeds `available_bytes`.
///
/// # Errors
/// [`Error::InsufficientMemory`] with the largest n = N and the largest n at this N for which
/// the plan fits (found by halving and doubling).
pub fn check_models_memory(
    classes: &[ModelClass],
    reference_gp: bool,
    (n, nt, d, k): (usize, usize, usize, usize),
    available_bytes: u64,
) -> Result<(), Error> {
    let needed = models_bytes(classes, reference_gp, (n, nt, d, k));
    if needed <= available_bytes {
        return Ok(());
    }
    let fits =
        |n: usize, nt: usize| models_bytes(classes, reference_gp, (n, nt, d, k)) <= available_bytes;
    let largest = crate::gp_space::resources::largest_fitting;
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    Err(Error::InsufficientMemory {
        n_train: n,
        n_test: nt,
        needed_gib: needed as f64 / GIB,
        available_gib: available_bytes as f64 / GIB,
        max_square: largest(&|m| fits(m, m)),
        max_train: largest(&|m| fits(m, nt)),
    })
}

/// The hypothesis space the bias of each model class is measured in.
#[derive(Debug, Clone)]
pub enum ReferenceSpace<'a> {
    /// A GP space: exact law of the test error.
    Gp {
        /// Its kernel.
        kernel: KernelSpec,
        /// Jitter and Ruben settings (sampling and the jitter check are switched off here).
        options: GpOptions,
    },
    /// A trained-network space: the fitted law on its sampled test errors.
    Mlp {
        /// S hypotheses already trained.
        sample: &'a HypothesisSample,
        /// Fit settings.
        options: MlpOptions,
    },
}

/// The bits a model class provides relative to one space.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProvidedBits {
    /// I(eps_model) in bits.
    pub bits: f64,
    /// Its interval in bits (the fitted law's bootstrap interval joined with the delta-method
    /// interval), when there is one.
    pub interval_bits: Option<[f64; 2]>,
    /// Clopper–Pearson interval of the counted bits (fitted path only).
    pub counted_interval_bits: Option<[f64; 2]>,
    /// How the bits were computed ("exact (saddlepoint)", "fitted scaled ncx2").
    pub method: String,
}

/// The bias report of one space over several model classes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpaceBias {
    /// The space in words, with all its parameters.
    pub space: String,
    /// Its mean test error E[e(h)].
    pub mean_error: f64,
    /// One per model, in the order given.
    pub provided: Vec<ProvidedBits>,
    /// Warnings of the estimate (fit identification, jitter...).
    pub warnings: Vec<crate::Warning>,
}

/// I(eps_model) for every score, relative to `space`.
///
/// # Formula
/// ```text
/// I(eps_model) = -log2 P_{h ~ p_h}[ e(h) <= eps_model ]
/// ```
/// GP spaces: the exact generalized chi-squared law (one factorization for all models). MLP
/// spaces: the scaled-ncx2 fit of the sampled errors, with bootstrap and count.
///
/// # Errors
/// As [`estimate_gp`] and [`estimate_from_sample`].
pub fn bias_relative_to(
    data: &TrainTest<'_>,
    scores: &[ModelScore],
    space: &ReferenceSpace<'_>,
) -> Result<SpaceBias, Error> {
    let targets: Vec<Target> = scores
        .iter()
        .map(|s| Target::absolute(s.test_error))
        .collect::<Result<_, _>>()?;
    match space {
        ReferenceSpace::Gp { kernel, options } => {
            let gp_data = GpData {
                x_train: data.x_train(),
                y_train: data.y_train(),
                x_test: data.x_test(),
                y_test: data.y_test(),
            };
            let options = GpOptions {
                samples: 0,
                jitter_check: false,
                ..options.clone()
            };
            let est = estimate_gp(&gp_data, kernel, &targets, &options, &mut |_| {})?;
            let provided = est
                .targets
                .iter()
                .map(|t| ProvidedBits {
                    bits: t.exact.bits,
                    interval_bits: None,
                    counted_interval_bits: None,
                    method: format!("exact law ({})", t.exact.method.name()),
                })
                .collect();
            let mut space = format!("GP, {}", est.kernel_description);
            if let Some(rule) = &est.kernel_rule {
                space.push_str(&format!(" (bandwidth = {rule})"));
            }
            Ok(SpaceBias {
                space,
                mean_error: est.mean_error,
                provided,
                warnings: est.warnings,
            })
        }
        ReferenceSpace::Mlp { sample, options } => {
            let est = estimate_from_sample(
                data,
                sample,
                &targets,
                &MlpOptions {
                    sample_size_advice: false,
                    ..*options
                },
            )?;
            let provided = est
                .targets
                .iter()
                .map(|t| ProvidedBits {
                    bits: t.fitted.bits,
                    interval_bits: t.fitted.interval_bits,
                    counted_interval_bits: Some(t.fitted.count.interval_bits),
                    method: "fitted scaled ncx2".to_string(),
                })
                .collect();
            let space = format!(
                "trained {} (S = {}, {} fit the training set, seed {})",
                est.architecture_description, est.samples, est.accepted, est.seed
            );
            Ok(SpaceBias {
                space,
                mean_error: est.mean_error,
                provided,
                warnings: est.warnings,
            })
        }
    }
}

/// The reference spaces a models report uses for an MLP space: the space itself and, when the
/// architecture has a closed-form NNGP, the matching GP space (see [`matching_nngp`]).
///
/// # Errors
/// As [`matching_nngp`].
pub fn nngp_of_sample(
    sample: &HypothesisSample,
) -> Result<Option<(KernelSpec, Option<String>)>, Error> {
    Ok(matching_nngp(sample.config.architecture())?.map(|(k, note)| (KernelSpec::Fixed(k), note)))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 13: `ibits models --task mnist --n-train 60000 --n-test 10000` worked 30 s, then
    // aborted allocating 28.8 GB; the plan now refuses before any work and names what fits.
    #[test]
    fn full_mnist_models_are_refused_before_any_work() {
        let classes = [
            ModelClass::Knn { k: 5 },
            ModelClass::GpMean {
                kernel: KernelSpec::RbfMedian { amplitude: 1.0 },
            },
        ];
        let size = (60_000, 10_000, 784, 10);
        let limit = 16 * (1u64 << 30);
        assert!(models_bytes(&classes, true, size) > 28_800_000_000);
        let Err(Error::InsufficientMemory {
            max_square,
            max_train,
            ..
        }) = check_models_memory(&classes, true, size, limit)
        else {
            panic!("expected a refusal");
        };
        let fits = |n, nt| models_bytes(&classes, true, (n, nt, 784, 10)) <= limit;
        assert!(fits(max_square, max_square) && !fits(max_square + 1, max_square + 1));
        assert!(fits(max_train, 10_000) && !fits(max_train + 1, 10_000));
        // Small tasks pass; ridge alone on full MNIST fits in 16 GB.
        assert!(check_models_memory(&classes, true, (1000, 500, 784, 10), limit).is_ok());
        let ridge = [ModelClass::Ridge { lambda: 1.0 }];
        assert!(check_models_memory(&ridge, false, size, limit).is_ok());
    }
    use approx::assert_relative_eq;
    use ndarray::array;

    #[test]
    fn least_squares_recovers_an_exact_linear_map() {
        // Y = X A + b exactly: least squares (lambda = 0) must predict new points exactly.
        let X = array![[1.0, 2.0], [0.5, -1.0], [3.0, 0.0], [-2.0, 1.5], [0.0, 0.3]];
        let A = array![[2.0, -1.0, 0.5], [0.25, 3.0, -2.0]];
        let b = array![1.0, -0.5, 0.0];
        let Y = X.dot(&A) + &b;
        let XT = array![[10.0, -3.0], [0.1, 0.2]];
        let want = XT.dot(&A) + &b;
        let got = ridge_predict(X.view(), Y.view(), XT.view(), 0.0).unwrap();
        for (g, w) in got.iter().zip(want.iter()) {
            assert_relative_eq!(*g, *w, max_relative = 1e-12, epsilon = 1e-12);
        }
    }

    #[test]
    fn one_dimensional_ridge_has_the_closed_form() {
        // d = 1: w = sum(xc yc) / (sum(xc^2) + lambda), f(x) = y_bar + w (x - x_bar).
        let x = [0.0, 1.0, 2.0, 4.0];
        let y = [1.0, 0.0, 3.0, 2.0];
        let (x_bar, y_bar) = (7.0 / 4.0, 6.0 / 4.0);
        let sxy: f64 = x
            .iter()
            .zip(&y)
            .map(|(a, b)| (a - x_bar) * (b - y_bar))
            .sum();
        let sxx: f64 = x.iter().map(|a| (a - x_bar) * (a - x_bar)).sum();
        let lambda = 2.5;
        let w = sxy / (sxx + lambda);
        let X = Array2::from_shape_vec((4, 1), x.to_vec()).unwrap();
        let Y = Array2::from_shape_vec((4, 1), y.to_vec()).unwrap();
        let got = ridge_predict(X.view(), Y.view(), array![[3.0]].view(), lambda).unwrap();
        assert_relative_eq!(got[[0, 0]], y_bar + w * (3.0 - x_bar), max_relative = 1e-14);
    }

    #[test]
    fn rank_deficient_least_squares_is_the_minimum_norm_solution() {
        // Column 2 duplicates column 1, so X^T X is singular; the least-squares predictions
        // at points that also repeat the column are unique and equal the 1-column fit's.
        let X1 = array![[0.0], [1.0], [2.0], [3.0]];
        let Y = array![[1.0], [3.0], [2.0], [5.0]];
        let X2 = ndarray::concatenate![Axis(1), X1, X1];
        let one = ridge_predict(X1.view(), Y.view(), array![[1.5], [4.0]].view(), 0.0).unwrap();
        let two = ridge_predict(
            X2.view(),
            Y.view(),
            array![[1.5, 1.5], [4.0, 4.0]].view(),
            0.0,
        )
        .unwrap();
        for (a, b) in one.iter().zip(two.iter()) {
            assert_relative_eq!(*a, *b, max_relative = 1e-12);
        }
    }

    #[test]
    fn knn_averages_the_nearest_labels() {
        // Points on a line; test point 0.9 has neighbours 1.0 (class 1), 0.0 (class 0), 2.0
        // (class 1) at distances 0.1, 0.9, 1.1.
        let X = array![[0.0], [1.0], [2.0], [5.0]];
        let Y = array![[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]];
        let XT = array![[0.9]];
        let k1 = knn_predict(X.view(), Y.view(), XT.view(), 1).unwrap();
        assert_eq!(k1, array![[0.0, 1.0]]);
        let k2 = knn_predict(X.view(), Y.view(), XT.view(), 2).unwrap();
        assert_eq!(k2, array![[0.5, 0.5]]);
        let k3 = knn_predict(X.view(), Y.view(), XT.view(), 3).unwrap();
        assert_relative_eq!(k3[[0, 1]], 2.0 / 3.0, max_relative = 1e-15);
        let k4 = knn_predict(X.view(), Y.view(), XT.view(), 4).unwrap();
        assert_eq!(k4, array![[0.5, 0.5]]);
        assert_eq!(
            knn_predict(X.view(), Y.view(), XT.view(), 5),
            Err(ModelError::Neighbours { k: 5, n: 4 })
        );
    }

    #[test]
    fn gp_mean_with_one_training_point_is_the_scaled_kernel() {
        // n = 1: f(x*) = k(x*, x1) / (k(x1, x1) + delta) * y1 (RBF: k(x1, x1) = amplitude).
        let kernel = Kernel::Rbf(ibits_kernels::Rbf::new(2.0, 1.5).unwrap());
        let X = array![[0.5, -1.0]];
        let Y = array![[1.0, -2.0]];
        let XT = array![[1.5, 0.0]];
        let (f, jitter) = gp_mean_predict(
            &kernel,
            X.view(),
            Y.view(),
            &[XT.view()],
            JitterPolicy::default(),
        )
        .unwrap();
        let k_star = 1.5 * (-(1.0_f64 + 1.0) / (2.0 * 4.0)).exp();
        for c in 0..2 {
            assert_relative_eq!(
                f[0][[0, c]],
                k_star / (1.5 + jitter) * Y[[0, c]],
                max_relative = 1e-13
            );
        }
    }

    #[test]
    fn gp_mean_interpolates_the_training_set() {
        let kernel = Kernel::Rbf(ibits_kernels::Rbf::new(1.0, 1.0).unwrap());
        let X = array![[0.0], [1.0], [2.5], [4.0]];
        let Y = array![[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]];
        let (f, _) = gp_mean_predict(
            &kernel,
            X.view(),
            Y.view(),
            &[X.view()],
            JitterPolicy::default(),
        )
        .unwrap();
        assert!(mean_squared_error(f[0].view(), Y.view()) < 1e-16);
    }

    fn toy_task() -> (Array2<f64>, Array2<f64>, Array2<f64>, Array2<f64>) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut make = |n: usize| {
            let x = Array2::from_shape_simple_fn((n, 3), || rng.random::<f64>() * 2.0 - 1.0);
            let y = Array2::from_shape_fn((n, 2), |(i, c)| {
                let label = usize::from(x[[i, 0]] + x[[i, 1]] * x[[i, 2]] > 0.0);
                if label == c {
                    1.0
                } else {
                    0.0
                }
            });
            (x, y)
        };
        let (a, b) = make(30);
        let (c, d) = make(40);
        (a, b, c, d)
    }

    #[test]
    fn better_models_provide_more_bits_in_either_space() {
        use ibits_nn::{Activation, AdamConfig, Architecture, Init, Precision, TrainConfig};
        let (a, b, c, d) = toy_task();
        let data = TrainTest::new(a.view(), b.view(), c.view(), d.view()).unwrap();
        let arch = Architecture::new(
            3,
            16,
            1,
            2,
            Activation::Relu,
            Init::Ntk {
                sigma_w: 1.4,
                sigma_b: 0.1,
            },
        )
        .unwrap();
        let training = TrainConfig::new(
            40,
            10,
            AdamConfig::new(1e-2, 0.9, 0.999, 1e-8).unwrap(),
            None,
        )
        .unwrap();
        let config = SampleConfig::new(arch, training, 30, 2, 0.2, Precision::F64).unwrap();
        let classes = [
            ModelClass::Knn { k: 1 },
            ModelClass::Knn { k: 7 },
            ModelClass::Ridge { lambda: 1.0 },
            ModelClass::GpMean {
                kernel: KernelSpec::RbfMedian { amplitude: 1.0 },
            },
        ];
        let scores: Vec<ModelScore> = classes
            .iter()
            .map(|m| score_model(m, &data, &|_, _| {}).unwrap())
            .collect();
        let sample = ibits_nn::sample_hypotheses(&config, &data, &|_| {}).unwrap();
        let options = MlpOptions {
            fit: ibits_stats::fit::FitConfig {
                bootstrap: 0,
                ..Default::default()
            },
            sample_size_advice: false,
        };
        let (nngp, _) = nngp_of_sample(&sample).unwrap().unwrap();
        for space in [
            ReferenceSpace::Mlp {
                sample: &sample,
                options,
            },
            ReferenceSpace::Gp {
                kernel: nngp,
                options: GpOptions::default(),
            },
        ] {
            let report = bias_relative_to(&data, &scores, &space).unwrap();
            // I(eps) is non-increasing in eps: sort the models by test error and check.
            let mut pairs: Vec<(f64, f64)> = scores
                .iter()
                .zip(&report.provided)
                .map(|(s, p)| (s.test_error, p.bits))
                .collect();
            pairs.sort_by(|x, y| x.0.total_cmp(&y.0));
            for w in pairs.windows(2) {
                assert!(w[0].1 >= w[1].1, "{}: {:?}", report.space, pairs);
            }
            assert!(pairs.iter().all(|p| p.1 >= 0.0));
        }
    }

    #[test]
    fn test_error_is_the_mean_over_all_entries() {
        let p = array![[1.0, 0.0], [0.5, 0.5]];
        let t = array![[0.0, 1.0], [0.0, 1.0]];
        // (1 + 1 + 0.25 + 0.25) / 4
        assert_eq!(mean_squared_error(p.view(), t.view()), 0.625);
    }
}
