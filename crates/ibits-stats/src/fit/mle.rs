//! Maximum-likelihood fit of the scaled non-central chi-squared law `s·χ'²_ν(λ)` (loc 0).
//!
//! # Formula
//! ```text
//! ℓ(ν, λ, s) = Σ_i ln f_s(e_i; ν, λ)                              (see `density`)
//! working coordinates θ = (a, b, ρ):
//!   a = ln m,          m = s (ν + λ)               (log mean)
//!   b = ln κ,          κ = 2 (ν + 2λ) / (ν + λ)²   (log squared coefficient of variation)
//!   ρ = λ / (ν + λ)    ∈ [0, 1)                    (shape: position along the ridge)
//! inverse: T = ν + λ = 2(1 + ρ)/κ,   ν = T(1 - ρ),   λ = Tρ,   s = m / T
//! ```
//! The sample mean and coefficient of variation fix `a` and `b` almost exactly, so the
//! likelihood's flat ridge — fits that differ a lot in (ν, λ, s) yet match the first two
//! moments — lies along the single bounded coordinate ρ; ρ = 0 is the central law and ρ → 1
//! the limit ν → 0. The fit:
//!
//! 1. **Starts.** (a, b) from the sample mean and variance (method of moments); ρ on a grid
//!    over [0, 1), plus the shapes that also match the third cumulant (`κ₃ = 8s³(ν + 3λ)`)
//!    where they give a valid law, plus a caller's warm start. Each start is scored by ℓ —
//!    a lower bound on the profile `P(ρ) = max_{a,b} ℓ(a, b, ρ)`.
//! 2. **Newton ascent** from the best start: Newton steps in (a, b, ρ) on a central-difference
//!    Hessian with a step-halving line search, ρ kept in [0, 1). Where the Hessian is not
//!    negative definite (the ridge can be convex), (a, b) are maximised at fixed ρ (Newton,
//!    or Nelder–Mead as a fallback) and ρ moves along the profile's slope. On a boundary of ρ,
//!    Newton in (a, b) and a one-sided test that moving inward does not help.
//! 3. **Several starts.** Every other start at least 0.2 away in ρ whose lower bound comes
//!    within twice the first ascent's gain (+0.01 nats) of the optimum found has its profile
//!    evaluated (a, b maximised); if that beats the optimum, it is ascended too. The best wins.
//!
//! The fit has converged when the next Newton step promises less than 1e-7 nats; the last
//! Hessian gives the observed information.
//!
//! # Reference
//! Boopathy et al. (2024), IJCAI, §4 (the estimator, which the paper computes with scipy's
//! `ncx2.fit(floc=0)`); Pawitan (2001), *In All Likelihood*, §2.5 and §9.1 (observed information
//! and profile likelihood); Nocedal & Wright (2006), *Numerical Optimization*, 2nd ed., §3.1
//! and §8.1 (backtracking Newton, finite-difference Hessians).

use rayon::prelude::*;
use serde::Serialize;

use super::density::LogDensity;
use super::nelder_mead::{minimize, NelderMeadOptions};
use super::{validate_samples, FitError};

/// Largest ρ = λ/(ν+λ) a fit may take (ν = 1e-9 (ν+λ)): the limit ν → 0.
pub(crate) const RHO_MAX: f64 = 1.0 - 1e-9;
/// Shapes at which the profile is first evaluated.
const RHO_GRID: [f64; 9] = [0.0, 0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, RHO_MAX];
/// Chunk size of the parallel likelihood sum (fixed, so the sum is thread-count invariant).
const CHUNK: usize = 2048;
/// Newton stops when the predicted gain of the next step is below this (nats).
const GAIN_TOL: f64 = 1e-7;
/// Starts closer than this in ρ to one already ascended belong to the same hump.
const SAME_HUMP: f64 = 0.2;
/// Finite-difference step in b and ρ (in a it is this times the coefficient of variation).
const FD_STEP: f64 = 1e-3;

/// Samples prepared for repeated likelihood evaluation.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    x: Vec<f64>,
    sum_x: f64,
    sum_ln_x: f64,
}

impl Prepared {
    pub(crate) fn new(samples: &[f64]) -> Self {
        let x = samples.to_vec();
        Self {
            sum_x: x.iter().sum(),
            sum_ln_x: x.iter().map(|v| v.ln()).sum(),
            x,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.x.len()
    }

    pub(crate) fn samples(&self) -> &[f64] {
        &self.x
    }

    /// ℓ(ν, λ, s) = Σ ln f_s(x_i). The terms linear in x and ln x come from their sums; the
    /// Bessel part is summed per sample, in fixed chunks, so that the floating-point result
    /// does not depend on the number of threads.
    pub(crate) fn log_likelihood(&self, dof: f64, noncentrality: f64, scale: f64) -> f64 {
        let density = LogDensity::new(dof, noncentrality, scale);
        let linear = density.linear_part(self.len(), self.sum_x, self.sum_ln_x);
        if !density.has_bessel_part() {
            return linear;
        }
        let chunk_sum =
            |chunk: &[f64]| -> f64 { chunk.iter().map(|&x| density.bessel_part(x)).sum::<f64>() };
        let bessel: f64 = if self.len() > 2 * CHUNK {
            let partial: Vec<f64> = self.x.par_chunks(CHUNK).map(chunk_sum).collect();
            partial.iter().sum()
        } else {
            chunk_sum(&self.x)
        };
        linear + bessel
    }

    /// ℓ at working coordinates θ (−∞ outside the domain or where it is not a number).
    pub(crate) fn log_likelihood_at(&self, theta: &[f64; 3]) -> f64 {
        match natural(theta) {
            Some((dof, nc, scale)) => {
                let value = self.log_likelihood(dof, nc, scale);
                if value.is_nan() {
                    f64::NEG_INFINITY
                } else {
                    value
                }
            }
            None => f64::NEG_INFINITY,
        }
    }
}

/// (ν, λ, s) from θ = (a, b, ρ); `None` outside the domain or when a value is not finite.
pub(crate) fn natural(theta: &[f64; 3]) -> Option<(f64, f64, f64)> {
    let [a, b, rho] = *theta;
    if !(a.is_finite() && b.is_finite() && (0.0..=RHO_MAX).contains(&rho)) {
        return None;
    }
    let total = 2.0 * (1.0 + rho) / b.exp();
    let (dof, nc, scale) = (total * (1.0 - rho), total * rho, a.exp() / total);
    let ok = dof.is_finite() && dof > 0.0 && nc.is_finite() && scale.is_finite() && scale > 0.0;
    ok.then_some((dof, nc, scale))
}

/// θ = (a, b, ρ) from (ν, λ, s).
pub(crate) fn working(dof: f64, noncentrality: f64, scale: f64) -> [f64; 3] {
    let total = dof + noncentrality;
    [
        (scale * total).ln(),
        (2.0 * (dof + 2.0 * noncentrality) / (total * total)).ln(),
        (noncentrality / total).min(RHO_MAX),
    ]
}

/// A maximum-likelihood fit of `s·χ'²_ν(λ)` with location 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ncx2Fit {
    /// ν̂, degrees of freedom.
    pub dof: f64,
    /// λ̂, non-centrality.
    pub noncentrality: f64,
    /// ŝ, scale.
    pub scale: f64,
    /// ℓ(ν̂, λ̂, ŝ) = Σ ln f(e_i), in nats.
    pub log_likelihood: f64,
    /// S, the number of samples.
    pub n_samples: usize,
    /// True when the last Newton step promised less than 1e-7 nats (on the boundary: in
    /// (a, b), with no gain from moving inward).
    pub converged: bool,
    /// True when the shape ρ = λ/(ν+λ) sits on a boundary of [0, 1): λ̂ = 0 (the central law
    /// fits best) or ν̂ → 0.
    pub at_boundary: bool,
    /// Log-likelihood evaluations used (all starts and stages).
    pub evaluations: usize,
    /// Observed information −∂²ℓ/∂p∂q at the optimum, p, q ∈ (ν, λ, s) in that order. `None`
    /// on the boundary (there the information in the shape is not defined) or when the Hessian
    /// is not negative definite (a flat ridge).
    pub observed_information: Option<[[f64; 3]; 3]>,
    /// The maximiser in working coordinates (a, b, ρ).
    #[serde(skip)]
    pub(crate) theta: [f64; 3],
    /// Observed information in working coordinates; on the boundary only the (a, b) block is
    /// filled and the ρ row and column are zero.
    #[serde(skip)]
    pub(crate) information_theta: Option<[[f64; 3]; 3]>,
}

impl Ncx2Fit {
    /// ρ̂ = λ̂/(ν̂+λ̂), the fitted shape along the likelihood ridge.
    pub fn shape(&self) -> f64 {
        self.theta[2]
    }

    /// The fit of `samples` = `c·e_i` from this fit of `e_i` (see [`reference_scale`]):
    ///
    /// ```text
    /// s → c s,   ℓ → ℓ - S ln c,   a = ln m → a + ln c,
    /// J_ss → J_ss/c²,   J_νs → J_νs/c,   J_λs → J_λs/c        (natural information)
    /// ```
    /// and the information in the working coordinates (a, b, ρ) is unchanged. `ℓ` is
    /// re-evaluated on `samples` at the mapped parameters (one pass), so that it is the
    /// log-likelihood of the returned law to rounding; `ℓ - S ln c` is kept only if that is
    /// not finite.
    pub(crate) fn rescaled(mut self, c: f64, samples: &[f64]) -> Self {
        if c == 1.0 {
            return self;
        }
        self.scale *= c;
        let direct =
            Prepared::new(samples).log_likelihood(self.dof, self.noncentrality, self.scale);
        self.log_likelihood = if direct.is_finite() {
            direct
        } else {
            self.log_likelihood - self.n_samples as f64 * c.ln()
        };
        self.theta[0] += c.ln();
        if let Some(info) = self.observed_information.as_mut() {
            info[0][2] /= c;
            info[1][2] /= c;
            info[2][0] /= c;
            info[2][1] /= c;
            info[2][2] /= c * c;
        }
        self
    }
}

/// Fit `s·χ'²_ν(λ)` (loc 0) to positive samples by maximum likelihood.
///
/// See the module documentation for the method.
///
/// # Errors
/// [`FitError::TooFewSamples`], [`FitError::NonFiniteSample`],
/// [`FitError::NonPositiveSample`] or [`FitError::ConstantSamples`] for bad input;
/// [`FitError::NoFiniteLikelihood`] if no start gave a finite likelihood.
pub fn fit_ncx2(samples: &[f64]) -> Result<Ncx2Fit, FitError> {
    validate_samples(samples)?;
    let reference = reference_scale(samples);
    let normalized = normalize(samples, reference);
    Ok(fit_prepared(&Prepared::new(&normalized), None)?.rescaled(reference, samples))
}

/// The unit the fit measures the samples in: their median (the lower middle one), a sample
/// value itself.
///
/// # Formula
/// ```text
/// e ~ s·χ'²_ν(λ)   ⇔   e/c ~ (s/c)·χ'²_ν(λ)
/// ℓ(ν, λ, s; e) = ℓ(ν, λ, s/c; e/c) - S ln c
/// ```
/// The law is scale-equivariant, so the fit runs on `e_i/c` (of order 1 whatever the unit of
/// the losses: 1e-200 or 1e200 alike, where moments of the raw values under- or overflow) and
/// maps `ŝ`, `ℓ` and the information back ([`Ncx2Fit::rescaled`]). Samples `k·e_i` give the
/// same `e_i/c` to an ulp or two (each is a quotient of two samples; a computed unit such as
/// the geometric mean would itself carry ~1e-14 of rounding into every sample), hence the
/// same fit with `ŝ` times `k`.
pub(crate) fn reference_scale(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    let middle = (sorted.len().saturating_sub(1)) / 2;
    match sorted.get(middle) {
        Some(_) => *sorted.select_nth_unstable_by(middle, f64::total_cmp).1,
        None => 1.0,
    }
}

/// The samples divided by `reference`.
pub(crate) fn normalize(samples: &[f64], reference: f64) -> Vec<f64> {
    samples.iter().map(|x| x / reference).collect()
}

/// The fit on prepared samples; `warm` adds one more start (the bootstrap passes the
/// full-sample optimum).
pub(crate) fn fit_prepared(data: &Prepared, warm: Option<[f64; 3]>) -> Result<Ncx2Fit, FitError> {
    let mut evaluations = 0usize;
    let moments = moment_start(data.samples());

    // 1. Score the shapes at the moment values of (a, b): a lower bound on the profile.
    let mut starts: Vec<[f64; 3]> = RHO_GRID
        .iter()
        .chain(&moment_shape(data.samples()))
        .map(|&rho| [moments[0], moments[1], rho])
        .collect();
    starts.extend(warm);
    let mut scored: Vec<([f64; 3], f64)> = starts
        .into_iter()
        .map(|theta| {
            evaluations += 1;
            (theta, data.log_likelihood_at(&theta))
        })
        .collect();
    scored.sort_by(|p, q| q.1.total_cmp(&p.1));
    if !scored[0].1.is_finite() {
        return Err(FitError::NoFiniteLikelihood);
    }

    // 2. Newton from the best start; then from any other start whose lower bound comes within
    //    `margin` of the optimum found (the ridge may have more than one hump).
    let mut best = newton_ascent(data, scored[0].0, moments, &mut evaluations)?;
    let margin = 2.0 * (best.value - scored[0].1).max(0.0) + 0.01;
    let mut tried = vec![scored[0].0[2]];
    for (theta, lower_bound) in scored.iter().skip(1) {
        if *lower_bound < best.value - margin {
            break;
        }
        let near = |rho: f64| (rho - theta[2]).abs() < SAME_HUMP;
        if tried.iter().any(|&rho| near(rho)) || near(best.theta[2]) {
            continue;
        }
        tried.push(theta[2]);
        // The profile at this shape decides whether a second ascent is worth it.
        let (ab, profile_value) = maximize_ab(
            data,
            theta[2],
            [theta[0], theta[1]],
            moments,
            &mut evaluations,
        );
        if profile_value > best.value + GAIN_TOL {
            let other = newton_ascent(data, [ab[0], ab[1], theta[2]], moments, &mut evaluations)?;
            if other.value > best.value {
                best = other;
            }
        }
    }

    let theta = best.theta;
    let (dof, noncentrality, scale) = natural(&theta).ok_or(FitError::NoFiniteLikelihood)?;
    let observed_information = if best.at_boundary {
        None
    } else {
        best.information
            .map(|info| to_natural_information(&info, dof, noncentrality, scale))
    };
    Ok(Ncx2Fit {
        dof,
        noncentrality,
        scale,
        log_likelihood: best.value,
        n_samples: data.len(),
        converged: best.converged,
        at_boundary: best.at_boundary,
        evaluations,
        observed_information,
        theta,
        information_theta: best.information,
    })
}

/// Result of [`newton_ascent`].
struct Ascent {
    theta: [f64; 3],
    value: f64,
    converged: bool,
    at_boundary: bool,
    information: Option<[[f64; 3]; 3]>,
}

/// Newton ascent in (a, b, ρ) from `start`, ρ kept in [0, ρ_max]; on a boundary of ρ, Newton
/// in (a, b) and a one-sided test that moving inward does not help; where the Hessian is not
/// negative definite, a move along the profile in ρ.
fn newton_ascent(
    data: &Prepared,
    start: [f64; 3],
    moments: [f64; 2],
    evaluations: &mut usize,
) -> Result<Ascent, FitError> {
    let mut theta = start;
    let mut value = data.log_likelihood_at(&theta);
    *evaluations += 1;
    if !value.is_finite() {
        return Err(FitError::NoFiniteLikelihood);
    }
    let mut information = None;
    for _ in 0..30 {
        let h = fd_steps(&theta);
        let interior = theta[2] >= h[2] && theta[2] <= RHO_MAX - h[2];
        if interior {
            let (gradient, hessian) = fd_derivatives(data, &theta, value, 3, evaluations);
            let info = negate(&hessian);
            if let Some(step) = cholesky_solve(&info, &gradient) {
                information = Some(info);
                let gain: f64 = step.iter().zip(&gradient).map(|(s, g)| s * g).sum();
                if gain < GAIN_TOL {
                    return Ok(Ascent {
                        theta,
                        value,
                        converged: true,
                        at_boundary: false,
                        information,
                    });
                }
                if let Some((next, next_value)) =
                    line_search(data, &theta, &step, value, evaluations)
                {
                    (theta, value) = (next, next_value);
                    continue;
                }
                if gain < 1e-4 {
                    // The quadratic model promises a tiny gain the function does not give:
                    // the likelihood's rounding noise has been reached.
                    return Ok(Ascent {
                        theta,
                        value,
                        converged: true,
                        at_boundary: false,
                        information,
                    });
                }
                // The quadratic model is wrong at this scale (the ridge bends): move along the
                // profile in the direction of its slope in ρ instead.
                let slope = profile_slope(&gradient, &info);
                match profile_move(data, &theta, value, slope, moments, evaluations) {
                    Some((next, next_value)) => (theta, value) = (next, next_value),
                    None => {
                        return Ok(Ascent {
                            theta,
                            value,
                            converged: false,
                            at_boundary: false,
                            information,
                        })
                    }
                }
            } else {
                information = None;
                // Not concave here: optimise (a, b), then follow the profile slope in ρ.
                let (ab, ab_value) =
                    maximize_ab(data, theta[2], [theta[0], theta[1]], moments, evaluations);
                if ab_value > value {
                    (theta, value) = ([ab[0], ab[1], theta[2]], ab_value);
                }
                match profile_move(data, &theta, value, gradient[2], moments, evaluations) {
                    Some((next, next_value)) => (theta, value) = (next, next_value),
                    None => {
                        // Flat to the likelihood's resolution in every direction tried.
                        return Ok(Ascent {
                            theta,
                            value,
                            converged: true,
                            at_boundary: false,
                            information,
                        });
                    }
                }
            }
        } else {
            // On (or within one difference step of) a boundary of ρ: snap to it, maximise over
            // (a, b), then test whether moving inward helps.
            let edge = if theta[2] < h[2] { 0.0 } else { RHO_MAX };
            let (ab, ab_value) =
                maximize_ab(data, edge, [theta[0], theta[1]], moments, evaluations);
            if ab_value >= value {
                (theta, value) = ([ab[0], ab[1], edge], ab_value);
            }
            let inward = if edge == 0.0 { 1.0 } else { -1.0 };
            let probe = [theta[0], theta[1], theta[2] + inward * h[2]];
            let probe_value = data.log_likelihood_at(&probe);
            *evaluations += 1;
            if probe_value > value + GAIN_TOL {
                if let Some((next, next_value)) =
                    profile_move(data, &theta, value, inward, moments, evaluations)
                {
                    (theta, value) = (next, next_value);
                    continue;
                }
            }
            let (_, hessian) = fd_derivatives(data, &theta, value, 2, evaluations);
            let info = negate(&hessian);
            let block_ok =
                info[0][0] > 0.0 && info[0][0] * info[1][1] - info[0][1] * info[1][0] > 0.0;
            return Ok(Ascent {
                theta,
                value,
                converged: true,
                at_boundary: true,
                information: block_ok.then_some(info),
            });
        }
    }
    Ok(Ascent {
        theta,
        value,
        converged: false,
        at_boundary: false,
        information,
    })
}

/// (a, b) of the method of moments: ln mean and ln(variance / mean²).
fn moment_start(samples: &[f64]) -> [f64; 2] {
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    [mean.ln(), (variance / (mean * mean)).ln()]
}

/// The shapes ρ = λ/(ν+λ) that match the first three sample cumulants, where valid:
/// κ1 = s(ν+λ), κ2 = 2s²(ν+2λ), κ3 = 8s³(ν+3λ)  ⇒  κ1 s² − κ2 s + κ3/8 = 0.
fn moment_shape(samples: &[f64]) -> Vec<f64> {
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    let (m2, m3) = samples.iter().fold((0.0, 0.0), |(s2, s3), &x| {
        let d = x - mean;
        (s2 + d * d, s3 + d * d * d)
    });
    let variance = m2 / (n - 1.0);
    let k3 = m3 * n / ((n - 1.0) * (n - 2.0));
    let discriminant = variance * variance - 0.5 * mean * k3;
    if !(discriminant >= 0.0 && k3 > 0.0) {
        return Vec::new();
    }
    [-1.0, 1.0]
        .iter()
        .filter_map(|sign| {
            let s = (variance + sign * discriminant.sqrt()) / (2.0 * mean);
            let total = mean / s;
            let nc = variance / (2.0 * s * s) - total;
            let dof = total - nc;
            (s > 0.0 && nc > 0.0 && dof > 0.0).then(|| (nc / total).min(RHO_MAX))
        })
        .collect()
}

/// Maximise ℓ over (a, b) at fixed ρ from `start`: Newton on finite differences with a
/// step-halving line search, Nelder–Mead when the Hessian is not negative definite. Returns
/// the maximiser and ℓ there (−∞ if nothing finite was found).
pub(crate) fn maximize_ab(
    data: &Prepared,
    rho: f64,
    start: [f64; 2],
    moments: [f64; 2],
    evaluations: &mut usize,
) -> ([f64; 2], f64) {
    let mut theta = [start[0], start[1], rho];
    let mut value = data.log_likelihood_at(&theta);
    *evaluations += 1;
    if !value.is_finite() {
        theta = [moments[0], moments[1], rho];
        value = data.log_likelihood_at(&theta);
        *evaluations += 1;
        if !value.is_finite() {
            return (moments, f64::NEG_INFINITY);
        }
    }
    for _ in 0..20 {
        let (gradient, hessian) = fd_derivatives(data, &theta, value, 2, evaluations);
        let information = negate(&hessian);
        let det = information[0][0] * information[1][1] - information[0][1] * information[1][0];
        if !(information[0][0] > 0.0 && det > 0.0) {
            // Not concave here: let Nelder–Mead find the way.
            let options = NelderMeadOptions {
                f_tol: 1e-9,
                x_tol: 1e-7,
                max_evaluations: 400,
                restarts: 0,
            };
            let h = fd_steps(&theta);
            let result = minimize(
                |ab: &[f64; 2]| -data.log_likelihood_at(&[ab[0], ab[1], rho]),
                [theta[0], theta[1]],
                [100.0 * h[0], 100.0 * h[1]],
                &options,
            );
            *evaluations += result.evaluations;
            if -result.minimum > value {
                theta = [result.argmin[0], result.argmin[1], rho];
                value = -result.minimum;
                continue;
            }
            break;
        }
        let step = [
            (information[1][1] * gradient[0] - information[0][1] * gradient[1]) / det,
            (information[0][0] * gradient[1] - information[1][0] * gradient[0]) / det,
            0.0,
        ];
        let gain = step[0] * gradient[0] + step[1] * gradient[1];
        if gain < GAIN_TOL {
            break;
        }
        match line_search(data, &theta, &step, value, evaluations) {
            Some((next, next_value)) => (theta, value) = (next, next_value),
            None => break,
        }
    }
    ([theta[0], theta[1]], value)
}

/// The slope of the profile P(ρ) = max_{a,b} ℓ from the gradient g and information J at θ:
/// `g_ρ - J_{ρ,ab} J_{ab}⁻¹ g_ab` (exact at a maximum over (a, b), where it is g_ρ).
fn profile_slope(gradient: &[f64; 3], information: &[[f64; 3]; 3]) -> f64 {
    let j = information;
    let det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
    if !(det > 0.0 && j[0][0] > 0.0) {
        return gradient[2];
    }
    let solved = [
        (j[1][1] * gradient[0] - j[0][1] * gradient[1]) / det,
        (j[0][0] * gradient[1] - j[1][0] * gradient[0]) / det,
    ];
    gradient[2] - j[2][0] * solved[0] - j[2][1] * solved[1]
}

/// Move along the profile in ρ in the direction of `slope` (steps of 0.1, halved up to five
/// times), re-maximising (a, b) at each trial. `None` if no trial improves ℓ.
fn profile_move(
    data: &Prepared,
    theta: &[f64; 3],
    value: f64,
    slope: f64,
    moments: [f64; 2],
    evaluations: &mut usize,
) -> Option<([f64; 3], f64)> {
    let direction = if slope >= 0.0 { 1.0 } else { -1.0 };
    let mut delta = 0.1;
    for _ in 0..6 {
        let rho = (theta[2] + direction * delta).clamp(0.0, RHO_MAX);
        if rho != theta[2] {
            let (ab, trial_value) =
                maximize_ab(data, rho, [theta[0], theta[1]], moments, evaluations);
            if trial_value > value + GAIN_TOL {
                return Some(([ab[0], ab[1], rho], trial_value));
            }
        }
        delta *= 0.5;
    }
    None
}

/// Backtracking along `step` (factors 1, ½, ..., 2⁻⁹), ρ clamped to [0, ρ_max]. Returns the first
/// point that increases ℓ.
fn line_search(
    data: &Prepared,
    theta: &[f64; 3],
    step: &[f64; 3],
    value: f64,
    evaluations: &mut usize,
) -> Option<([f64; 3], f64)> {
    // A step that more than halves the distance to a boundary of ρ suggests the optimum is on
    // it: try the boundary itself first (else the iterates only creep towards it).
    let target = theta[2] + step[2];
    let edge = if target < 0.5 * theta[2] {
        Some(0.0)
    } else if RHO_MAX - target < 0.5 * (RHO_MAX - theta[2]) {
        Some(RHO_MAX)
    } else {
        None
    };
    if let Some(edge) = edge {
        let trial = [theta[0] + step[0], theta[1] + step[1], edge];
        let trial_value = data.log_likelihood_at(&trial);
        *evaluations += 1;
        if trial_value > value {
            return Some((trial, trial_value));
        }
    }
    let mut factor = 1.0;
    for _ in 0..10 {
        let trial = [
            theta[0] + factor * step[0],
            theta[1] + factor * step[1],
            (theta[2] + factor * step[2]).clamp(0.0, RHO_MAX),
        ];
        let trial_value = data.log_likelihood_at(&trial);
        *evaluations += 1;
        if trial_value > value {
            return Some((trial, trial_value));
        }
        factor *= 0.5;
    }
    None
}

/// Finite-difference steps in (a, b, ρ): a moves on the scale of the coefficient of
/// variation √κ = e^(b/2), the others by [`FD_STEP`].
fn fd_steps(theta: &[f64; 3]) -> [f64; 3] {
    [FD_STEP * (0.5 * theta[1]).exp(), FD_STEP, FD_STEP]
}

/// Central-difference gradient and Hessian of ℓ at θ (2·dims + dims(dims-1) evaluations) (ℓ(θ) = `value`) in the first `dims`
/// coordinates; the others' rows and columns are zero.
fn fd_derivatives(
    data: &Prepared,
    theta: &[f64; 3],
    value: f64,
    dims: usize,
    evaluations: &mut usize,
) -> ([f64; 3], [[f64; 3]; 3]) {
    let h = fd_steps(theta);
    let mut at = |di: Option<(usize, f64)>, dj: Option<(usize, f64)>| -> f64 {
        *evaluations += 1;
        let mut point = *theta;
        for (index, sign) in [di, dj].into_iter().flatten() {
            point[index] += sign * h[index];
        }
        data.log_likelihood_at(&point)
    };
    let mut gradient = [0.0; 3];
    let mut hessian = [[0.0; 3]; 3];
    let mut axis_sum = [0.0; 3]; // f(θ + h_i e_i) + f(θ - h_i e_i)
    for i in 0..dims {
        let (fp, fm) = (at(Some((i, 1.0)), None), at(Some((i, -1.0)), None));
        gradient[i] = (fp - fm) / (2.0 * h[i]);
        hessian[i][i] = (fp - 2.0 * value + fm) / (h[i] * h[i]);
        axis_sum[i] = fp + fm;
    }
    // f(++) + f(--) - Σ_axis i - Σ_axis j + 2 f = 2 h_i h_j f_ij + O(h⁴): two evaluations per
    // pair instead of four, with the same order of accuracy.
    for i in 0..dims {
        for j in (i + 1)..dims {
            let diagonal =
                at(Some((i, 1.0)), Some((j, 1.0))) + at(Some((i, -1.0)), Some((j, -1.0)));
            let mixed = (diagonal - axis_sum[i] - axis_sum[j] + 2.0 * value) / (2.0 * h[i] * h[j]);
            hessian[i][j] = mixed;
            hessian[j][i] = mixed;
        }
    }
    (gradient, hessian)
}

fn negate(m: &[[f64; 3]; 3]) -> [[f64; 3]; 3] {
    m.map(|row| row.map(|v| -v))
}

/// Solve J x = g for symmetric positive-definite 3×3 J by Cholesky; `None` if J is not
/// positive definite.
pub(crate) fn cholesky_solve(j: &[[f64; 3]; 3], g: &[f64; 3]) -> Option<[f64; 3]> {
    let mut l = [[0.0; 3]; 3];
    for i in 0..3 {
        for k in 0..=i {
            let dot: f64 = (0..k).map(|m| l[i][m] * l[k][m]).sum();
            if i == k {
                let d = j[i][i] - dot;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][k] = (j[i][k] - dot) / l[k][k];
            }
        }
    }
    let mut y = [0.0; 3];
    for i in 0..3 {
        y[i] = (g[i] - (0..i).map(|m| l[i][m] * y[m]).sum::<f64>()) / l[i][i];
    }
    let mut x = [0.0; 3];
    for i in (0..3).rev() {
        x[i] = (y[i] - ((i + 1)..3).map(|m| l[m][i] * x[m]).sum::<f64>()) / l[i][i];
    }
    Some(x)
}

/// J_nat = Dᵀ J_θ D with D = ∂θ/∂(ν, λ, s) (exact at a stationary point).
fn to_natural_information(info: &[[f64; 3]; 3], dof: f64, nc: f64, scale: f64) -> [[f64; 3]; 3] {
    let total = dof + nc;
    let spread = dof + 2.0 * nc;
    // Rows: θ components (a, b, ρ); columns: (ν, λ, s).
    let d = [
        [1.0 / total, 1.0 / total, 1.0 / scale],
        [1.0 / spread - 2.0 / total, 2.0 / spread - 2.0 / total, 0.0],
        [-nc / (total * total), dof / (total * total), 0.0],
    ];
    let mut out = [[0.0; 3]; 3];
    for (p, row) in out.iter_mut().enumerate() {
        for (q, entry) in row.iter_mut().enumerate() {
            *entry = (0..3)
                .flat_map(|i| (0..3).map(move |k| (i, k)))
                .map(|(i, k)| d[i][p] * info[i][k] * d[k][q])
                .sum();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::law::Ncx2;

    #[test]
    fn working_coordinates_round_trip() {
        for (dof, nc, scale) in [
            (5.0, 3.0, 1.0),
            (100.0, 50.0, 0.01),
            (1000.0, 1e-6, 2.0),
            (0.5, 400.0, 1e-3),
        ] {
            let (d, n, s) = natural(&working(dof, nc, scale)).unwrap();
            approx::assert_relative_eq!(d, dof, max_relative = 1e-12);
            approx::assert_relative_eq!(n, nc, max_relative = 1e-12);
            approx::assert_relative_eq!(s, scale, max_relative = 1e-12);
        }
        assert!(natural(&[0.0, 0.0, 1.0]).is_none());
        assert!(natural(&[0.0, 0.0, -1e-300]).is_none());
    }

    // The fast likelihood equals the sum of the law's own (Poisson-mixture) log-density.
    #[test]
    fn likelihood_matches_the_law_density() {
        let samples: Vec<f64> = (1..=50).map(|i| 0.37 * i as f64).collect();
        let data = Prepared::new(&samples);
        assert_eq!(data.len(), 50);
        for (dof, nc, scale) in [(5.0, 3.0, 1.0), (100.0, 50.0, 0.1), (60.0, 0.0, 0.2)] {
            let law = Ncx2::scaled(dof, nc, scale).unwrap();
            let want: f64 = samples.iter().map(|&x| law.log_pdf(x)).sum();
            let got = data.log_likelihood(dof, nc, scale);
            approx::assert_relative_eq!(got, want, max_relative = 1e-12);
        }
    }

    // Central chi-squared samples: the exact MLE has a closed-form score equation, and the
    // fitted law must reach at least the likelihood of the true parameters.
    #[test]
    fn fit_reaches_at_least_the_true_likelihood() {
        let samples: Vec<f64> = (1..=200)
            .map(|i| {
                // deterministic quantiles of a spread-out law
                let u = (i as f64 - 0.5) / 200.0;
                10.0 * (1.0 + 0.3 * (2.0 * u - 1.0)) + 2.0 * u * u
            })
            .collect();
        let fit = fit_ncx2(&samples).unwrap();
        let data = Prepared::new(&samples);
        for (dof, nc, scale) in [(40.0, 10.0, 0.2), (100.0, 20.0, 0.09), (200.0, 1.0, 0.05)] {
            assert!(fit.log_likelihood >= data.log_likelihood(dof, nc, scale));
        }
        approx::assert_relative_eq!(
            fit.log_likelihood,
            data.log_likelihood(fit.dof, fit.noncentrality, fit.scale),
            max_relative = 1e-14
        );
    }
}
