//! The trained-network hypothesis space (docs/design.md sections 2b and 4): S MLPs trained from
//! independent initialisations and data orders, the fitted law on their test errors, and how
//! the answer's uncertainty shrinks with S.
//!
//! ```text
//! h_1..h_S     trained in parallel (ibits-nn), hypothesis i from streams (seed, 2i), (seed, 2i+1)
//! p_h          = the h_i with training error <= threshold   (the others are counted, not used)
//! e_i          = 1/(N k) sum_j sum_c (h_i,c(x_j) - y_jc)^2
//! bits(eps)    = -log2 F(eps; MLE of s chi'^2_nu(lambda) on the accepted e_i)
//! ```
//! with the bootstrap interval, delta-method error, ridge profile, Clopper–Pearson count and
//! paper-compatible value of [`ibits_stats::fit::estimate_fitted`], and a sample-size advice
//! ([`SampleSizeAdvice`]).
//!
//! # Reference
//! Boopathy, Yue, Hwang, Iyer & Fiete (2024), "Towards Exact Computation of Inductive Bias",
//! IJCAI, sections 4 and 5.2 (trained-network hypothesis spaces).

use std::time::Instant;

use ibits_kernels::{Kernel, Linear, Mlp as KernelMlp};
use ibits_nn::{
    sample_hypotheses, Activation, Architecture, HypothesisOutcome, HypothesisSample, Init,
    Precision, SampleConfig, TrainConfig, TrainTest,
};
use ibits_stats::fit::{estimate_fitted, FitConfig, FittedEstimate, MIN_SAMPLES};
use serde::Serialize;

use crate::error::Error;
use crate::target::Target;
use crate::warning::{Warning, WarningKind};

/// Options of the fitted path on a trained-network space.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MlpOptions {
    /// Bootstrap size, seed, confidence and ridge profile of the fit.
    pub fit: FitConfig,
    /// Also bootstrap nested subsamples (the first S/4 and S/2 accepted errors) to measure how
    /// the interval shrinks with S. Costs two more bootstraps.
    pub sample_size_advice: bool,
}

impl Default for MlpOptions {
    fn default() -> Self {
        Self {
            fit: FitConfig::default(),
            sample_size_advice: true,
        }
    }
}

/// How the width of the bits' interval shrinks with the number of accepted hypotheses S, and
/// how many hypotheses would halve it.
///
/// # Formula
/// ```text
/// w(m) = upper - lower of the bootstrap interval of the bits at eps, from the first m
///        accepted errors, m in {S/4, S/2, S} (those >= 10)
/// b = slope of ln w(m) on ln m between the two largest m   (-1/2 for a regular estimator;
///     capped at -1)
/// S_half = S * 2^(-1/b)           (w(S_half) = w(S) / 2)
/// ```
/// When fewer than two widths are finite, or they do not shrink (b >= -0.05), the 1/sqrt(S)
/// rule b = -1/2 is used instead (S_half = 4 S) and `basis` says so.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleSizeAdvice {
    /// The target error the widths refer to.
    pub eps: f64,
    /// (m, interval width in bits) for each nested subsample.
    pub widths: Vec<(usize, f64)>,
    /// The exponent b of w ~ m^b used for the advice.
    pub exponent: f64,
    /// "measured" (fitted to the widths) or why the 1/sqrt(S) rule was used.
    pub basis: String,
    /// Accepted hypotheses now, S.
    pub accepted: usize,
    /// S_half, accepted hypotheses that would halve the interval width.
    pub accepted_to_halve: usize,
    /// Additional hypotheses to train, S_half - S scaled up by the rejection rate.
    pub additional_to_train: usize,
}

/// The fitted estimate at one target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MlpTargetEstimate {
    /// The target as given.
    pub target: Target,
    /// eps (mean squared error over N k entries).
    pub eps: f64,
    /// How eps was chosen ("absolute" or "r x mean error").
    pub eps_rule: String,
    /// Fit, bits, bootstrap interval, count, paper-compatible nats, warnings.
    pub fitted: FittedEstimate,
}

/// Seconds spent per stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct MlpTiming {
    /// Training the S networks.
    pub training_s: f64,
    /// Fitting, bootstrap, counting and the advice.
    pub fitting_s: f64,
    /// Everything.
    pub total_s: f64,
}

/// The result of an estimate on a trained-network space.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MlpEstimate {
    /// Hypothesis space: always "mlp".
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub space: &'static str,
    /// The network, e.g. "784-256-256-10 MLP (2 hidden layers, relu, ...)".
    pub architecture_description: String,
    /// Width, depth (hidden layers), activation, initialisation.
    pub architecture: Architecture,
    /// Epochs, batch size, Adam settings, early stop.
    pub training: TrainConfig,
    /// Float type of training.
    pub precision: Precision,
    /// Seed of every hypothesis stream (and of the bootstrap unless set apart).
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub seed: u64,
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
    /// Hypotheses trained, S.
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub samples: usize,
    /// Largest training error of a hypothesis in p_h.
    pub train_threshold: f64,
    /// Hypotheses in p_h.
    pub accepted: usize,
    /// Hypotheses whose training error exceeded the threshold (not in p_h).
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub rejected: usize,
    /// Mean test error of the accepted hypotheses (the space's mean error).
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub mean_error: f64,
    /// [min, max] test error of the accepted hypotheses.
    pub test_error_range: [f64; 2],
    /// [min, max] epochs used.
    pub epochs_range: [usize; 2],
    /// Every hypothesis: index, train error, test error, epochs, accepted.
    pub hypotheses: Vec<HypothesisOutcome>,
    /// One entry per target.
    pub targets: Vec<MlpTargetEstimate>,
    /// Interval width against S, for the first target.
    pub advice: Option<SampleSizeAdvice>,
    /// Rayon worker threads used for training.
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub threads: usize,
    /// Seconds per stage.
    pub timing: MlpTiming,
    /// Things the reader should know.
    #[serde(skip_serializing)] // in the enclosing `Estimate`
    pub warnings: Vec<Warning>,
}

/// The NNGP kernel that the architecture's outputs tend to as the width grows, and a note when
/// the match is approximate.
///
/// # Formula
/// ```text
/// standard / ntk (sigma_w, sigma_b):  NNGP(depth, sigma_w, sigma_b) exactly (Lee et al. 2018)
/// pytorch-default:  weight variance 1/(3 fan_in) -> sigma_w^2 = 1/3; bias variance 1/(3 fan_in):
///                   sigma_b^2 = 1/(3 d) matches the first layer, the hidden layers' 1/(3 width)
///                   -> 0 in the limit but are replaced by 1/(3 d) here (approximate)
/// depth 0:          the linear kernel sigma_b^2 + sigma_w^2 x.y/d
/// ```
/// tanh has no closed-form kernel (`None`).
///
/// # Errors
/// [`Error::Kernel`] if the kernel rejects the parameters.
pub fn matching_nngp(
    architecture: &Architecture,
) -> Result<Option<(Kernel, Option<String>)>, Error> {
    let d = architecture.input_dim() as f64;
    let (sigma_w, sigma_b, note) = match architecture.init() {
        Init::Standard { sigma_w, sigma_b } | Init::Ntk { sigma_w, sigma_b } => (sigma_w, sigma_b, None),
        Init::PytorchDefault => (
            (1.0_f64 / 3.0).sqrt(),
            (1.0 / (3.0 * d)).sqrt(),
            Some(format!(
                "approximate match for pytorch-default initialisation: sigma_w^2 = 1/3, sigma_b^2 = 1/(3d) = {:.3e} \
                 in every layer (the network's hidden-layer bias variance is 1/(3 width))",
                1.0 / (3.0 * d)
            )),
        ),
    };
    if architecture.depth() == 0 {
        return Ok(Some((Kernel::Linear(Linear::new(sigma_w, sigma_b)?), note)));
    }
    let mlp = KernelMlp::new(architecture.depth(), sigma_w, sigma_b)?;
    Ok(match architecture.activation() {
        Activation::Relu => Some((Kernel::NngpRelu(mlp), note)),
        Activation::Erf => Some((Kernel::NngpErf(mlp), note)),
        Activation::Tanh => None,
    })
}

/// Train the S hypotheses of `config` on `data` in parallel (rayon's current pool);
/// `progress(done)` after each.
///
/// # Errors
/// [`Error::Network`] if the data do not match the architecture.
pub fn sample_mlp(
    data: &TrainTest<'_>,
    config: &SampleConfig,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<HypothesisSample, Error> {
    Ok(sample_hypotheses(config, data, progress)?)
}

/// Train S hypotheses and estimate the bits at each target.
///
/// # Errors
/// As [`sample_mlp`] and [`estimate_from_sample`].
pub fn estimate_mlp(
    data: &TrainTest<'_>,
    config: &SampleConfig,
    targets: &[Target],
    options: &MlpOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<MlpEstimate, Error> {
    let start = Instant::now();
    let sample = sample_mlp(data, config, progress)?;
    let training_s = start.elapsed().as_secs_f64();
    let mut estimate = estimate_from_sample(data, &sample, targets, options)?;
    estimate.timing.training_s = training_s;
    estimate.timing.total_s += training_s;
    Ok(estimate)
}

/// The accepted test errors, or an error saying how to get enough of them.
fn accepted_errors(sample: &HypothesisSample) -> Result<Vec<f64>, Error> {
    let errors = sample.accepted_test_errors();
    if errors.len() < MIN_SAMPLES {
        return Err(Error::Option {
            what: "hypotheses that fit the training set",
            allowed: "at least 10 (train more hypotheses, train longer, or raise the training-error threshold)",
            got: format!(
                "{} of {} (threshold {} on the training error)",
                errors.len(),
                sample.outcomes.len(),
                sample.config.train_threshold()
            ),
        });
    }
    Ok(errors)
}

/// Fit the accepted test errors of `sample` and estimate the bits at each target.
///
/// # Errors
/// [`Error::Option`] if fewer than 10 hypotheses fit the training set or no target is given,
/// [`Error::Fit`] if the fit fails.
pub fn estimate_from_sample(
    data: &TrainTest<'_>,
    sample: &HypothesisSample,
    targets: &[Target],
    options: &MlpOptions,
) -> Result<MlpEstimate, Error> {
    let start = Instant::now();
    if targets.is_empty() {
        return Err(Error::Option {
            what: "targets",
            allowed: "at least one target",
            got: "none".into(),
        });
    }
    let config = &sample.config;
    let errors = accepted_errors(sample)?;
    let mean = errors.iter().sum::<f64>() / errors.len() as f64;
    let min = errors.iter().copied().fold(f64::INFINITY, f64::min);
    let max = errors.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut warnings = Vec::new();
    if sample.rejected() > 0 {
        warnings.push(Warning::new(WarningKind::Sampling, format!(
            "{} of {} hypotheses did not fit the training set (training error > {}) and are not in p_h",
            sample.rejected(),
            sample.outcomes.len(),
            config.train_threshold()
        )));
    }
    let mut estimates = Vec::with_capacity(targets.len());
    for target in targets {
        let eps = target.resolve(mean);
        let fitted = estimate_fitted(&errors, eps, &options.fit)?;
        for w in &fitted.warnings {
            warnings.push(Warning::at(
                WarningKind::Fit,
                eps,
                format!("eps = {eps:.6}: {w}"),
            ));
        }
        estimates.push(MlpTargetEstimate {
            target: *target,
            eps,
            eps_rule: target.describe(),
            fitted,
        });
    }
    let advice = if options.sample_size_advice {
        Some(sample_size_advice(
            &errors,
            &estimates[0],
            sample.outcomes.len(),
            &options.fit,
        )?)
    } else {
        None
    };
    let epochs = sample.outcomes.iter().map(|o| o.epochs_used);
    let epochs_range = [epochs.clone().min().unwrap_or(0), epochs.max().unwrap_or(0)];
    let fitting_s = start.elapsed().as_secs_f64();
    Ok(MlpEstimate {
        space: "mlp",
        architecture_description: config.architecture().to_string(),
        architecture: *config.architecture(),
        training: *config.training(),
        precision: config.precision(),
        seed: config.seed(),
        n_train: data.x_train().nrows(),
        n_test: data.x_test().nrows(),
        outputs: data.y_test().ncols(),
        input_dim: data.x_train().ncols(),
        unit: "bits",
        samples: sample.outcomes.len(),
        train_threshold: config.train_threshold(),
        accepted: sample.accepted(),
        rejected: sample.rejected(),
        mean_error: mean,
        test_error_range: [min, max],
        epochs_range,
        hypotheses: sample.outcomes.clone(),
        targets: estimates,
        advice,
        threads: rayon::current_num_threads(),
        timing: MlpTiming {
            training_s: 0.0,
            fitting_s,
            total_s: fitting_s,
        },
        warnings,
    })
}

/// The advice of [`SampleSizeAdvice`] for the first target.
fn sample_size_advice(
    errors: &[f64],
    full: &MlpTargetEstimate,
    trained: usize,
    fit: &FitConfig,
) -> Result<SampleSizeAdvice, Error> {
    let s = errors.len();
    let mut widths = Vec::new();
    for m in [s / 4, s / 2] {
        if m >= MIN_SAMPLES && m < s {
            let sub = &errors[..m];
            if sub.iter().all(|&e| e == sub[0]) {
                continue;
            }
            let est = estimate_fitted(
                sub,
                full.eps,
                &FitConfig {
                    profile: false,
                    ..*fit
                },
            )?;
            if let Some(b) = est.bootstrap {
                widths.push((m, b.interval_bits[1] - b.interval_bits[0]));
            }
        }
    }
    if let Some(b) = &full.fitted.bootstrap {
        widths.push((s, b.interval_bits[1] - b.interval_bits[0]));
    }
    Ok(advice_from_widths(full.eps, widths, s, trained))
}

/// The regression and the arithmetic of [`SampleSizeAdvice`] on measured widths.
fn advice_from_widths(
    eps: f64,
    widths: Vec<(usize, f64)>,
    accepted: usize,
    trained: usize,
) -> SampleSizeAdvice {
    let usable: Vec<(f64, f64)> = widths
        .iter()
        .filter(|(_, w)| w.is_finite() && *w > 0.0)
        .map(|&(m, w)| ((m as f64).ln(), w.ln()))
        .collect();
    // The slope between the two largest subsamples: the smallest ones (S/4 of a small S) are
    // far from the asymptotic regime and would dominate a regression on all points.
    let measured = match usable.as_slice() {
        [.., (x1, y1), (x2, y2)] if x2 > x1 => Some((y2 - y1) / (x2 - x1)),
        _ => None,
    };
    let (exponent, basis) = match measured {
        Some(b) if b < -1.0 => (
            -1.0,
            format!("measured slope {b:.3} between the two largest subsamples, capped at -1 (1/S)"),
        ),
        Some(b) if b < -0.05 => (
            b,
            "measured: slope of ln(width) on ln(S) between the two largest subsamples".to_string(),
        ),
        Some(b) => (
            -0.5,
            format!("1/sqrt(S) rule: the measured widths did not shrink (slope {b:.3})"),
        ),
        None => (
            -0.5,
            "1/sqrt(S) rule: fewer than two subsample intervals were available".to_string(),
        ),
    };
    // Round before ceil so that an exact power (4.000000000000001 S) is not pushed up by one.
    let factor = (2f64.powf(-1.0 / exponent) * 1e9).round() / 1e9;
    let accepted_to_halve = (accepted as f64 * factor).ceil() as usize;
    let acceptance = accepted as f64 / trained.max(1) as f64;
    let additional_to_train =
        ((accepted_to_halve.saturating_sub(accepted)) as f64 / acceptance).ceil() as usize;
    SampleSizeAdvice {
        eps,
        widths,
        exponent,
        basis,
        accepted,
        accepted_to_halve,
        additional_to_train,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ibits_nn::AdamConfig;
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use rand_distr::StandardNormal;

    fn task() -> (Array2<f64>, Array2<f64>, Array2<f64>, Array2<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut make = |n: usize| {
            let x = Array2::from_shape_simple_fn((n, 3), || rng.sample::<f64, _>(StandardNormal));
            let y = Array2::from_shape_fn((n, 2), |(i, c)| {
                let label = usize::from(x[[i, 0]] - 0.7 * x[[i, 2]] > 0.0);
                if label == c {
                    1.0
                } else {
                    0.0
                }
            });
            (x, y)
        };
        let (a, b) = make(20);
        let (c, d) = make(25);
        (a, b, c, d)
    }

    fn config(samples: usize, threshold: f64) -> SampleConfig {
        let arch = Architecture::new(3, 8, 1, 2, Activation::Relu, Init::PytorchDefault).unwrap();
        let training = TrainConfig::new(
            30,
            5,
            AdamConfig::new(1e-2, 0.9, 0.999, 1e-8).unwrap(),
            None,
        )
        .unwrap();
        SampleConfig::new(arch, training, samples, 11, threshold, Precision::F64).unwrap()
    }

    #[test]
    fn estimate_counts_rejections_and_fits_only_accepted_errors() {
        let (a, b, c, d) = task();
        let data = TrainTest::new(a.view(), b.view(), c.view(), d.view()).unwrap();
        let sample = sample_mlp(&data, &config(40, 1.0), &|_| {}).unwrap();
        // A threshold between the training errors splits the sample: pick the median.
        let mut train: Vec<f64> = sample.outcomes.iter().map(|o| o.train_error).collect();
        train.sort_by(f64::total_cmp);
        let threshold = train[25];
        let sample = sample_mlp(&data, &config(40, threshold), &|_| {}).unwrap();
        let options = MlpOptions {
            fit: FitConfig {
                bootstrap: 20,
                ..FitConfig::default()
            },
            sample_size_advice: false,
        };
        let est = estimate_from_sample(&data, &sample, &[Target::relative(0.8).unwrap()], &options)
            .unwrap();
        assert_eq!(est.accepted, 26);
        assert_eq!(est.rejected, 14);
        assert!(est
            .warnings
            .iter()
            .any(|w| w.message.starts_with("14 of 40 hypotheses")));
        let accepted: Vec<f64> = sample
            .outcomes
            .iter()
            .filter(|o| o.train_error <= threshold)
            .map(|o| o.test_error)
            .collect();
        let mean = accepted.iter().sum::<f64>() / accepted.len() as f64;
        approx::assert_relative_eq!(est.mean_error, mean, max_relative = 1e-14);
        approx::assert_relative_eq!(est.targets[0].eps, 0.8 * mean, max_relative = 1e-14);
        assert_eq!(est.targets[0].fitted.n_samples, 26);
        assert_eq!(
            (est.n_train, est.n_test, est.outputs, est.input_dim),
            (20, 25, 2, 3)
        );
    }

    #[test]
    fn too_few_accepted_hypotheses_is_a_clear_error() {
        let (a, b, c, d) = task();
        let data = TrainTest::new(a.view(), b.view(), c.view(), d.view()).unwrap();
        let err = estimate_mlp(
            &data,
            &config(12, 0.0),
            &[Target::relative(0.5).unwrap()],
            &MlpOptions::default(),
            &|_| {},
        )
        .unwrap_err();
        assert!(err.to_string().contains("0 of 12"), "{err}");
    }

    #[test]
    fn advice_follows_the_measured_power_law() {
        // w = 3 m^(-1/2) exactly: slope -1/2, halving needs 4x the accepted hypotheses; with
        // 80% acceptance the extra 300 accepted need 375 more trained.
        let widths: Vec<(usize, f64)> = [25, 50, 100]
            .iter()
            .map(|&m| (m, 3.0 / (m as f64).sqrt()))
            .collect();
        let a = advice_from_widths(0.1, widths, 100, 125);
        approx::assert_relative_eq!(a.exponent, -0.5, max_relative = 1e-12);
        assert_eq!(a.accepted_to_halve, 400);
        assert_eq!(a.additional_to_train, 375);
        // w ~ 1/m: halving needs 2x.
        let widths: Vec<(usize, f64)> =
            [25, 50, 100].iter().map(|&m| (m, 7.0 / m as f64)).collect();
        let a = advice_from_widths(0.1, widths, 100, 100);
        approx::assert_relative_eq!(a.exponent, -1.0, max_relative = 1e-12);
        assert_eq!(a.accepted_to_halve, 200);
        // A slope steeper than -1 is capped at -1.
        let a = advice_from_widths(0.1, vec![(25, 100.0), (50, 20.0), (100, 2.0)], 100, 100);
        assert_eq!(a.exponent, -1.0);
        assert_eq!(a.accepted_to_halve, 200);
        // Widths that grow fall back to the 1/sqrt(S) rule and say so.
        let a = advice_from_widths(0.1, vec![(25, 1.0), (50, 1.2), (100, 1.5)], 100, 100);
        assert_eq!(a.exponent, -0.5);
        assert!(a.basis.starts_with("1/sqrt(S) rule"));
        assert_eq!(a.accepted_to_halve, 400);
    }

    #[test]
    fn matching_nngp_follows_the_initialisation() {
        let arch = Architecture::new(
            784,
            256,
            2,
            10,
            Activation::Relu,
            Init::Ntk {
                sigma_w: 1.4,
                sigma_b: 0.1,
            },
        )
        .unwrap();
        let (kernel, note) = matching_nngp(&arch).unwrap().unwrap();
        assert_eq!(
            kernel,
            Kernel::NngpRelu(KernelMlp::new(2, 1.4, 0.1).unwrap())
        );
        assert!(note.is_none());
        let arch =
            Architecture::new(784, 256, 1, 10, Activation::Erf, Init::PytorchDefault).unwrap();
        let (kernel, note) = matching_nngp(&arch).unwrap().unwrap();
        assert_eq!(
            kernel,
            Kernel::NngpErf(
                KernelMlp::new(1, (1.0f64 / 3.0).sqrt(), (1.0 / 2352.0f64).sqrt()).unwrap()
            )
        );
        assert!(note.is_some());
        let arch = Architecture::new(5, 8, 1, 2, Activation::Tanh, Init::PytorchDefault).unwrap();
        assert!(matching_nngp(&arch).unwrap().is_none());
    }
}
