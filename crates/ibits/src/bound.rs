//! The ICML 2023 upper bound on inductive bias complexity, kept beside the direct estimates as
//! a comparison.
//!
//! # Definition
//! Boopathy et al. (2023) define the inductive bias complexity of a task as the information
//! needed to pick a hypothesis that generalizes (test error <= ε) among those that fit the
//! training set, and bound it by the information needed to land in a ball around the true
//! hypothesis θ* that is small enough to guarantee generalization:
//!
//! ```text
//! Ĩ = -log2 P[ e(θ, p) <= ε | θ ∈ Θ_q ]  <=  -log2 P[ ‖θ - θ*‖ <= ε / (L_L L_f W(p, q)) | θ ∈ Θ_q ]
//! ```
//!
//! The hypothesis space Θ is the band-limited functions on the data manifold: linear
//! combinations of the Laplace–Beltrami eigenfunctions whose wavelength is at least the class
//! separation δ, counted as on P copies of an m-sphere of radius R. Θ_q, the hypotheses that
//! interpolate the n training points, is an affine subspace of dimension dim Θ - nD. For a
//! uniform prior on a ball in Θ_q the bound is its dimension times the log-ratio of the radii:
//!
//! ```text
//! M  = 2π R / δ                                          maximum frequency
//! K  = ( sqrt((m-1)^2 + 4 M^2) - (m-1) ) / 2             largest degree with K(K+m-1) <= M^2
//! E  = C(m+K, m) + C(m+K-1, m)                           eigenfunctions of degree <= K on S^m
//! dim Θ   = 2 D P E
//! dim Θ_q = dim Θ - n D
//! W   = sqrt(m/6) (2 π^((m+1)/2) P / Γ((m+1)/2))^(1/m) R n^(-1/m)     Wasserstein bound
//! L_f = K sqrt(D) / R                                    Lipschitz constant of the hypotheses
//! Ĩ  <= dim Θ_q · log2( B sqrt(D) sqrt(P) L_f W / ε )    bits
//! ```
//!
//! where n = training points, m = intrinsic dimension, R = largest input norm, δ = smallest
//! distance between points of different classes, ε = target error (ε / L_L with the loss's
//! Lipschitz constant L_L = 1), D = output dimension, P = number of combinations of discrete
//! input features (the classes, for classification), B = bound on |f| of each output, and
//! C(a, b) = Γ(a+1) / (Γ(b+1) Γ(a-b+1)) for real a. For classification with C classes the paper
//! takes D = C - 1, P = C and B = 1 ([`BoundInputs::classification`]).
//!
//! Everything is evaluated in logarithms (E exceeds f64 for m ≳ 150 at the paper's
//! resolutions); [`Bound::log10_bits`] is always finite for an informative bound, while
//! [`Bound::bits`] becomes +∞ beyond 1.8e308.
//!
//! # Reference
//! Boopathy, Liu, Hwang, Ge, Mohammedsaleh & Fiete, "Model-agnostic Measure of Generalization
//! Difficulty", ICML 2023 (PMLR 202), arXiv:2305.01034: the bound on inductive bias complexity
//! and its closed form for classification, as restated on the authors' project page
//! ("Practically Computing Inductive Bias Complexity") and evaluated by their code
//! (FieteLab/inductive-bias-complexity, `task_difficulty.py`, functions `log_wasserstein`,
//! `count_eigenvalues`, `difficulty`). The body of the paper was not available when this module
//! was written, so no equation numbers are quoted; the code's closed form is the one that
//! reproduces the published values (MNIST 1.485e16, SVHN 1.213e31, CIFAR-10 3.438e32, ImageNet
//! 3.583e41 bits), which the tests check. The project page writes the same expression with
//! d = C for both D and P, i.e. `(2 d² E - n d)(log b + 3/2 log d + log K - (1/m) log n -
//! log(ε/L_L) + log c)`.
//!
//! # Remarks
//! The bound is 0 bits when the data pin the hypothesis down (n D >= dim Θ) or when the
//! generalizing ball is larger than the ball of hypotheses (the log-ratio is <= 0); the closed
//! form would be negative there. [`Bound::regime`] says which case applies.

mod from_data;
mod report;

use std::f64::consts::{LN_10, LN_2, PI};
use std::fmt;
use std::str::FromStr;

use ibits_stats::special::{ln_gamma, log1m_exp, log_add_exp};
use serde::Serialize;

use crate::error::Error;

pub use from_data::{
    class_separation, intrinsic_dimension_mle, max_norm, measure_task, DataOptions,
    DimensionEstimate, SeparationEstimate, TaskMeasurements,
};
pub use report::{BoundDraft, BoundReport, MeasuredTask, Quantity, Sources, METHOD, REFERENCE};

/// The paper's quantities as given, before validation: fill it in (or take one from
/// [`BoundInputs::quantities`]), change what you need, and validate with [`BoundInputs::new`].
///
/// Units: R and δ are in the units of the inputs as the task presents them (pixels / 255 for the
/// paper's images); ε is an error rate (the paper's ε / L_L); the rest are counts or
/// dimensionless.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BoundQuantities {
    /// n, number of training points (>= 1; real, since composite tasks count huge numbers).
    pub train_points: f64,
    /// m, intrinsic dimension of the data manifold (>= 1; the paper rounds its estimate).
    pub intrinsic_dim: f64,
    /// R, largest Euclidean norm of an input (> 0, input units).
    pub radius: f64,
    /// δ, spatial resolution: smallest distance between inputs of different classes (> 0,
    /// input units).
    pub separation: f64,
    /// ε, target error rate (> 0; the paper's ε / L_L with L_L = 1).
    pub target_error: f64,
    /// D, output dimension (> 0; C - 1 for C classes).
    pub output_dim: f64,
    /// P, number of combinations of discrete input features (>= 1; C for C classes).
    pub discrete_states: f64,
    /// B, bound on the absolute value of each output (> 0; 1 for classification).
    pub output_bound: f64,
}

impl BoundQuantities {
    /// Quantities of a C-class classification task: D = C - 1, P = C, B = 1 (the paper's
    /// choice for its image benchmarks). Not validated; see [`BoundInputs::classification`].
    pub fn classification(
        train_points: f64,
        intrinsic_dim: f64,
        radius: f64,
        separation: f64,
        classes: f64,
        target_error: f64,
    ) -> Self {
        Self {
            train_points,
            intrinsic_dim,
            radius,
            separation,
            target_error,
            output_dim: classes - 1.0,
            discrete_states: classes,
            output_bound: 1.0,
        }
    }
}

/// Validated inputs of the ICML 2023 bound (see the [module docs](self) for the formula).
///
/// # Reference
/// Boopathy et al. (2023), ICML, arXiv:2305.01034; symbols as in the authors' code.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BoundInputs {
    train_points: f64,
    intrinsic_dim: f64,
    radius: f64,
    separation: f64,
    target_error: f64,
    output_dim: f64,
    discrete_states: f64,
    output_bound: f64,
}

/// The allowed range of a quantity.
#[derive(Clone, Copy)]
enum Range {
    Positive,
    AtLeastOne,
    AtLeastTwo,
}

/// `value` if it is finite and in `range`; else [`Error::BoundInput`].
fn check(quantity: &'static str, value: f64, range: Range) -> Result<f64, Error> {
    let (ok, allowed) = match range {
        Range::Positive => (value > 0.0, "finite and > 0"),
        Range::AtLeastOne => (value >= 1.0, "finite and >= 1"),
        Range::AtLeastTwo => (value >= 2.0, "finite and >= 2"),
    };
    if ok && value.is_finite() {
        Ok(value)
    } else {
        Err(Error::BoundInput {
            quantity,
            allowed,
            got: value,
        })
    }
}

/// Largest resolution ratio 2π R / δ accepted: beyond it ln Γ(K) (about K ln K) keeps too few
/// digits for E (relative error about 1e-16 K ln K, 3e-3 at the limit).
const MAX_FREQUENCY: f64 = 1e12;

impl BoundInputs {
    /// Validate the quantities.
    ///
    /// # Errors
    /// [`Error::BoundInput`] naming the first quantity that is NaN, infinite or out of range:
    /// n >= 1, m >= 1, P >= 1, R, δ, ε, D, B > 0, and 2π R / δ <= 1e12.
    pub fn new(q: BoundQuantities) -> Result<Self, Error> {
        let inputs = Self {
            train_points: check("training points n", q.train_points, Range::AtLeastOne)?,
            intrinsic_dim: check("intrinsic dimension m", q.intrinsic_dim, Range::AtLeastOne)?,
            radius: check("radius R (largest input norm)", q.radius, Range::Positive)?,
            separation: check("class separation delta", q.separation, Range::Positive)?,
            target_error: check("target error eps", q.target_error, Range::Positive)?,
            output_dim: check("output dimension D", q.output_dim, Range::Positive)?,
            discrete_states: check("discrete states P", q.discrete_states, Range::AtLeastOne)?,
            output_bound: check("output bound B", q.output_bound, Range::Positive)?,
        };
        let max_frequency = 2.0 * PI * inputs.radius / inputs.separation;
        if max_frequency > MAX_FREQUENCY {
            return Err(Error::BoundInput {
                quantity: "maximum frequency 2 pi R / delta (M)",
                allowed: "<= 1e12 (R / delta below about 1.6e11)",
                got: max_frequency,
            });
        }
        Ok(inputs)
    }

    /// Inputs of a C-class classification task, with D = C - 1, P = C and B = 1.
    ///
    /// # Errors
    /// [`Error::BoundInput`] when C < 2 or is not finite, or for any quantity that
    /// [`BoundInputs::new`] rejects.
    pub fn classification(
        train_points: f64,
        intrinsic_dim: f64,
        radius: f64,
        separation: f64,
        classes: f64,
        target_error: f64,
    ) -> Result<Self, Error> {
        check("number of classes C", classes, Range::AtLeastTwo)?;
        Self::new(BoundQuantities::classification(
            train_points,
            intrinsic_dim,
            radius,
            separation,
            classes,
            target_error,
        ))
    }

    /// The quantities, to change some and validate again.
    pub fn quantities(&self) -> BoundQuantities {
        BoundQuantities {
            train_points: self.train_points,
            intrinsic_dim: self.intrinsic_dim,
            radius: self.radius,
            separation: self.separation,
            target_error: self.target_error,
            output_dim: self.output_dim,
            discrete_states: self.discrete_states,
            output_bound: self.output_bound,
        }
    }

    /// n, number of training points.
    pub fn train_points(&self) -> f64 {
        self.train_points
    }
    /// m, intrinsic dimension.
    pub fn intrinsic_dim(&self) -> f64 {
        self.intrinsic_dim
    }
    /// R, largest input norm (input units).
    pub fn radius(&self) -> f64 {
        self.radius
    }
    /// δ, smallest distance between inputs of different classes (input units).
    pub fn separation(&self) -> f64 {
        self.separation
    }
    /// ε, target error rate.
    pub fn target_error(&self) -> f64 {
        self.target_error
    }
    /// D, output dimension.
    pub fn output_dim(&self) -> f64 {
        self.output_dim
    }
    /// P, number of combinations of discrete input features.
    pub fn discrete_states(&self) -> f64 {
        self.discrete_states
    }
    /// B, bound on each output.
    pub fn output_bound(&self) -> f64 {
        self.output_bound
    }
}

/// Which case of the bound applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// dim Θ_q > 0 and the log-ratio is > 0: the bound is the closed form.
    Informative,
    /// n D >= dim Θ: the training data determine the hypothesis; 0 bits.
    DataDetermines,
    /// The log-ratio is <= 0: every interpolating hypothesis generalizes; 0 bits.
    AllGeneralize,
}

/// The bound and the intermediate quantities of its formula.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bound {
    /// What it was computed from.
    pub inputs: BoundInputs,
    /// Ĩ, the bound in bits (>= 0; +∞ when it exceeds f64, in which case use `log10_bits`;
    /// JSON writes +∞ as null).
    pub bits: f64,
    /// log10 of the bound in bits (-∞ when the bound is 0; JSON null).
    pub log10_bits: f64,
    /// M = 2π R / δ, maximum frequency.
    pub max_frequency: f64,
    /// K, largest degree of the spherical harmonics kept (real).
    pub max_degree: f64,
    /// log10 E, number of Laplace–Beltrami eigenfunctions of degree <= K on S^m.
    pub log10_eigenfunctions: f64,
    /// log10 dim Θ = log10(2 D P E).
    pub log10_hypothesis_dim: f64,
    /// log10 dim Θ_q = log10(dim Θ - n D) (-∞ when dim Θ_q <= 0).
    pub log10_interpolating_dim: f64,
    /// W, the bound on the Wasserstein distance between training and test distributions
    /// (input units).
    pub wasserstein: f64,
    /// L_f = K sqrt(D) / R, Lipschitz constant of the hypotheses (per input unit).
    pub lipschitz: f64,
    /// log2( B sqrt(D) sqrt(P) L_f W / ε ), bits per dimension of Θ_q.
    pub bits_per_dimension: f64,
    /// Which case applies.
    pub regime: Regime,
}

/// ln C(a + b, b) for real a > -1 and b > 0 (a binomial coefficient through Γ).
fn ln_binomial_upper(a: f64, b: f64) -> f64 {
    ln_gamma(a + b + 1.0) - ln_gamma(b + 1.0) - ln_gamma(a + 1.0)
}

/// The ICML 2023 inductive-bias-complexity bound, in bits.
///
/// # Formula
/// ```text
/// Ĩ <= (2 D P E - n D) · log2( B sqrt(D) sqrt(P) L_f W / ε )
/// ```
/// with M, K, E, W and L_f as in the [module docs](self); evaluated in logarithms, with
/// `K = 2M² / (sqrt((m-1)² + 4M²) + (m-1))` (the same value without cancellation for M << m).
///
/// # Reference
/// Boopathy et al. (2023), "Model-agnostic Measure of Generalization Difficulty", ICML,
/// arXiv:2305.01034 (closed form for classification; authors' code `difficulty`).
///
/// # Remarks
/// 0 bits when n D >= dim Θ or the log-ratio is <= 0 ([`Regime`]).
pub fn bound_bits(inputs: &BoundInputs) -> Bound {
    let n = inputs.train_points;
    let m = inputs.intrinsic_dim;
    let r = inputs.radius;
    let outputs = inputs.output_dim;
    let states = inputs.discrete_states;

    let max_frequency = 2.0 * PI * r / inputs.separation;
    let a = m - 1.0; // >= 0 since m >= 1
    let max_degree = 2.0 * max_frequency * max_frequency / (a.hypot(2.0 * max_frequency) + a);
    // E = C(m + K, m) + C(m + K - 1, m)
    // K underflows to 0 only for M below ~1e-154: then E = C(m, m) = 1, the constant function.
    let ln_e = if max_degree > 0.0 {
        log_add_exp(
            ln_binomial_upper(max_degree, m),
            ln_binomial_upper(max_degree - 1.0, m),
        )
    } else {
        0.0
    };
    let ln_dim_theta = LN_2 + outputs.ln() + states.ln() + ln_e;
    let ln_data = n.ln() + outputs.ln();
    let ln_dim_q = if ln_data < ln_dim_theta {
        ln_dim_theta + log1m_exp(ln_data - ln_dim_theta)
    } else {
        f64::NEG_INFINITY
    };

    let ln_sphere = LN_2 + 0.5 * (m + 1.0) * PI.ln() - ln_gamma(0.5 * (m + 1.0));
    let ln_wasserstein = 0.5 * (m / 6.0).ln() + (ln_sphere + states.ln()) / m + r.ln() - n.ln() / m;
    let ln_lipschitz = max_degree.ln() + 0.5 * outputs.ln() - r.ln();
    let bits_per_dimension = (inputs.output_bound.ln()
        + 0.5 * outputs.ln()
        + 0.5 * states.ln()
        + ln_lipschitz
        + ln_wasserstein
        - inputs.target_error.ln())
        / LN_2;

    let regime = if ln_dim_q == f64::NEG_INFINITY {
        Regime::DataDetermines
    } else if bits_per_dimension <= 0.0 {
        Regime::AllGeneralize
    } else {
        Regime::Informative
    };
    let (bits, log10_bits) = match regime {
        Regime::Informative => {
            let ln_bits = ln_dim_q + bits_per_dimension.ln();
            (ln_bits.exp(), ln_bits / LN_10)
        }
        _ => (0.0, f64::NEG_INFINITY),
    };
    Bound {
        inputs: *inputs,
        bits,
        log10_bits,
        max_frequency,
        max_degree,
        log10_eigenfunctions: ln_e / LN_10,
        log10_hypothesis_dim: ln_dim_theta / LN_10,
        log10_interpolating_dim: ln_dim_q / LN_10,
        wasserstein: ln_wasserstein.exp(),
        lipschitz: ln_lipschitz.exp(),
        bits_per_dimension,
        regime,
    }
}

/// The paper's four image-classification benchmarks with the constants of the authors' code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// MNIST: n = 60000, m = 14, R = 17.179, δ = 2.3987, ε = 0.001, 10 classes.
    Mnist,
    /// SVHN: n = 73257, m = 19, R = 53.869, δ = 1.5767, ε = 0.01, 10 classes.
    Svhn,
    /// CIFAR-10: n = 50000, m = 27, R = 54.916, δ = 2.7506, ε = 0.01, 10 classes.
    Cifar10,
    /// ImageNet: n = 1280901, m = 48, R = 943.59, δ = 65, ε = 0.1, 1000 classes.
    Imagenet,
}

impl Preset {
    /// All presets, easiest first.
    pub const ALL: [Preset; 4] = [
        Preset::Mnist,
        Preset::Svhn,
        Preset::Cifar10,
        Preset::Imagenet,
    ];

    /// Name on the command line (`mnist`, `svhn`, `cifar10`, `imagenet`).
    pub fn name(self) -> &'static str {
        match self {
            Preset::Mnist => "mnist",
            Preset::Svhn => "svhn",
            Preset::Cifar10 => "cifar10",
            Preset::Imagenet => "imagenet",
        }
    }

    /// Display name.
    pub fn title(self) -> &'static str {
        match self {
            Preset::Mnist => "MNIST",
            Preset::Svhn => "SVHN",
            Preset::Cifar10 => "CIFAR-10",
            Preset::Imagenet => "ImageNet",
        }
    }

    /// (n, m, R, δ, classes, ε) as in the authors' code (`task_data` and the
    /// `classification_task_difficulty` / `difficulty` calls of `task_difficulty.py`): n is the
    /// training-set size, R the largest norm of an image scaled to [0, 1] per pixel (ImageNet:
    /// the authors' value for their preprocessing), m the rounded MLE intrinsic dimension, δ the
    /// authors' estimate of the smallest distance between images of different classes.
    fn constants(self) -> (f64, f64, f64, f64, f64, f64) {
        match self {
            Preset::Mnist => (
                60000.0,
                14.0,
                17.179045827183984,
                2.3987084824335305,
                10.0,
                0.001,
            ),
            Preset::Svhn => (
                73257.0,
                19.0,
                53.86932485133339,
                1.5766998174969105,
                10.0,
                0.01,
            ),
            Preset::Cifar10 => (
                50000.0,
                27.0,
                54.9156786783691,
                2.7506414616587023,
                10.0,
                0.01,
            ),
            Preset::Imagenet => (1280901.0, 48.0, 943.5923, 65.0, 1000.0, 0.1),
        }
    }

    /// The paper's inputs for this benchmark (classification: D = C - 1, P = C, B = 1).
    pub fn inputs(self) -> BoundInputs {
        let (n, m, r, delta, classes, eps) = self.constants();
        BoundInputs {
            train_points: n,
            intrinsic_dim: m,
            radius: r,
            separation: delta,
            target_error: eps,
            output_dim: classes - 1.0,
            discrete_states: classes,
            output_bound: 1.0,
        }
    }

    /// The value the paper reports, in bits (4 significant digits).
    pub fn published_bits(self) -> f64 {
        match self {
            Preset::Mnist => 1.485e16,
            Preset::Svhn => 1.213e31,
            Preset::Cifar10 => 3.438e32,
            Preset::Imagenet => 3.583e41,
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Preset {
    type Err = Error;

    /// Case-insensitive; `cifar-10` and `cifar_10` are accepted for `cifar10`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let key: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect();
        Preset::ALL
            .into_iter()
            .find(|p| p.name() == key)
            .ok_or_else(|| Error::Option {
                what: "bound preset",
                allowed: "one of mnist, svhn, cifar10, imagenet",
                got: s.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    // The paper's constants evaluated with mpmath at 50 digits (tests/refs/bound_refs.py):
    // (preset, bits, K, bits per dimension).
    #[rustfmt::skip]
    #[allow(clippy::excessive_precision)] // reference digits are kept as printed.
    const PRESETS: [(Preset, f64, f64, f64); 4] = [
        (Preset::Mnist,    1.4848037479355526e16, 38.965884947895933, 19.975272382418594),
        (Preset::Svhn,     1.2129030245497863e31, 205.85908615575159, 19.265797765788180),
        (Preset::Cifar10,  3.4377180535929399e32, 113.11360904825871, 18.614571202580540),
        (Preset::Imagenet, 3.5832527938039655e41, 70.690432735596703, 24.962626032469358),
    ];

    /// Round to 4 significant digits.
    fn four_digits(x: f64) -> f64 {
        let scale = 10f64.powi(x.log10().floor() as i32 - 3);
        (x / scale).round() * scale
    }

    #[test]
    fn presets_reproduce_the_published_values_to_four_digits() {
        for p in Preset::ALL {
            let b = bound_bits(&p.inputs());
            assert_eq!(b.regime, Regime::Informative);
            assert_relative_eq!(
                four_digits(b.bits),
                p.published_bits(),
                max_relative = 1e-12
            );
        }
    }

    #[test]
    fn presets_match_mpmath() {
        for (p, bits, degree, per_dim) in PRESETS {
            let b = bound_bits(&p.inputs());
            // ln Γ differences of arguments ~1e3 leave ~1e-13 relative error in E.
            assert_relative_eq!(b.bits, bits, max_relative = 1e-11);
            assert_relative_eq!(b.log10_bits, bits.log10(), max_relative = 1e-13);
            assert_relative_eq!(b.max_degree, degree, max_relative = 1e-13);
            assert_relative_eq!(b.bits_per_dimension, per_dim, max_relative = 1e-13);
        }
    }

    #[test]
    fn presets_are_valid_inputs() {
        for p in Preset::ALL {
            let q = p.inputs().quantities();
            assert_eq!(BoundInputs::new(q).unwrap(), p.inputs());
        }
        let (n, m, r, delta, c, eps) = Preset::Mnist.constants();
        assert_eq!(
            BoundInputs::classification(n, m, r, delta, c, eps).unwrap(),
            Preset::Mnist.inputs()
        );
    }

    // Off-preset points from tests/refs/bound_refs.py: (n, m, R, delta, eps, P, D, log10 bits).
    type Point = (f64, f64, f64, f64, f64, f64, f64, f64);
    #[rustfmt::skip]
    #[allow(clippy::excessive_precision)] // reference digits are kept as printed.
    const OTHERS: [Point; 3] = [
        (1000.0, 100.0, 10.0,  0.01, 0.01, 10.0, 9.0, 225.80263798447618),
        (100.0,  3.0,   2.0,   0.5,  0.05, 2.0,  1.0, 5.2780710541310974),
        (1000.0, 200.0, 100.0, 0.01, 0.01, 10.0, 9.0, 588.74540719422856), // beyond f64
    ];

    #[test]
    fn log_space_matches_mpmath_beyond_f64() {
        for (n, m, r, delta, eps, p, d, log10_bits) in OTHERS {
            let q = BoundQuantities {
                train_points: n,
                intrinsic_dim: m,
                radius: r,
                separation: delta,
                target_error: eps,
                output_dim: d,
                discrete_states: p,
                output_bound: 1.0,
            };
            let b = bound_bits(&BoundInputs::new(q).unwrap());
            assert_relative_eq!(b.log10_bits, log10_bits, max_relative = 1e-12);
            if log10_bits < 308.0 {
                assert_relative_eq!(b.bits, 10f64.powf(log10_bits), max_relative = 1e-10);
            } else {
                assert_eq!(b.bits, f64::INFINITY);
            }
        }
    }

    fn with(p: Preset, f: impl FnOnce(&mut BoundQuantities)) -> Bound {
        let mut q = p.inputs().quantities();
        f(&mut q);
        bound_bits(&BoundInputs::new(q).unwrap())
    }

    #[test]
    fn halving_eps_adds_one_bit_per_dimension() {
        // log2(1/ε) enters linearly: Ĩ(ε/2) - Ĩ(ε) = dim Θ_q exactly; doubling B does the same.
        for p in Preset::ALL {
            let base = bound_bits(&p.inputs());
            let dim_q = 10f64.powf(base.log10_interpolating_dim);
            let half = with(p, |q| q.target_error /= 2.0);
            assert_relative_eq!(half.bits - base.bits, dim_q, max_relative = 1e-9);
            let double_b = with(p, |q| q.output_bound *= 2.0);
            assert_relative_eq!(double_b.bits, half.bits, max_relative = 1e-12);
        }
    }

    #[test]
    fn scaling_inputs_leaves_the_bound_unchanged() {
        // R and δ in other units (R -> cR, δ -> cδ): M and K are unchanged, L_f W is invariant.
        for p in Preset::ALL {
            let base = bound_bits(&p.inputs());
            let scaled = with(p, |q| {
                q.radius *= 255.0;
                q.separation *= 255.0;
            });
            assert_relative_eq!(scaled.bits, base.bits, max_relative = 1e-12);
        }
    }

    #[test]
    fn bound_moves_the_right_way() {
        for p in Preset::ALL {
            let base = bound_bits(&p.inputs()).bits;
            // More intrinsic dimensions, finer resolution, a stricter target: more bits.
            assert!(with(p, |q| q.intrinsic_dim += 1.0).bits > base);
            assert!(with(p, |q| q.separation *= 0.9).bits > base);
            assert!(with(p, |q| q.target_error *= 0.5).bits > base);
            // More data: fewer bits.
            assert!(with(p, |q| q.train_points *= 10.0).bits < base);
        }
        // Exponential in m, polynomial (degree about m) in the resolution R / δ: doubling m on
        // MNIST adds 5 orders of magnitude, halving δ adds about 14 log10(2) = 4.2 (mpmath,
        // tests/refs/bound_refs.py).
        let mnist = |f: fn(&mut BoundQuantities)| with(Preset::Mnist, f).log10_bits;
        assert_relative_eq!(
            mnist(|q| q.intrinsic_dim = 28.0),
            21.157_846_033_879_106,
            max_relative = 1e-12
        );
        assert_relative_eq!(
            mnist(|q| q.separation /= 2.0),
            20.343_588_204_017_839,
            max_relative = 1e-12
        );
    }

    #[test]
    fn degenerate_cases_give_zero_bits() {
        let data = with(Preset::Mnist, |q| q.train_points = 1e20);
        assert_eq!(data.regime, Regime::DataDetermines);
        assert_eq!(data.bits, 0.0);
        assert_eq!(data.log10_bits, f64::NEG_INFINITY);
        let loose = with(Preset::Mnist, |q| q.target_error = 1e12);
        assert_eq!(loose.regime, Regime::AllGeneralize);
        assert_eq!(loose.bits, 0.0);
    }

    #[test]
    fn invalid_inputs_are_rejected_by_name() {
        let base = Preset::Cifar10.inputs().quantities();
        type Case = (fn(&mut BoundQuantities), &'static str);
        let cases: [Case; 9] = [
            (|q| q.train_points = 0.5, "training points n"),
            (|q| q.intrinsic_dim = f64::NAN, "intrinsic dimension m"),
            (|q| q.intrinsic_dim = 0.0, "intrinsic dimension m"),
            (|q| q.radius = -1.0, "radius R (largest input norm)"),
            (|q| q.separation = 0.0, "class separation delta"),
            (|q| q.target_error = f64::INFINITY, "target error eps"),
            (|q| q.output_dim = 0.0, "output dimension D"),
            (|q| q.discrete_states = 0.0, "discrete states P"),
            (|q| q.output_bound = f64::NAN, "output bound B"),
        ];
        for (set, name) in cases {
            let mut q = base;
            set(&mut q);
            match BoundInputs::new(q) {
                Err(Error::BoundInput { quantity, .. }) => assert_eq!(quantity, name),
                other => panic!("{name}: expected BoundInput error, got {other:?}"),
            }
        }
        let err = BoundInputs::classification(100.0, 3.0, 1.0, 0.1, 1.0, 0.1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "bound input number of classes C must be finite and >= 2, got 1"
        );
    }

    #[test]
    fn presets_parse_from_names() {
        assert_eq!("CIFAR-10".parse::<Preset>().unwrap(), Preset::Cifar10);
        assert_eq!("imagenet".parse::<Preset>().unwrap(), Preset::Imagenet);
        assert!(matches!(
            "cifar100".parse::<Preset>(),
            Err(Error::Option { .. })
        ));
        for p in Preset::ALL {
            assert_eq!(p.name().parse::<Preset>().unwrap(), p);
        }
    }
}
