//! How well the data identify the fitted law: the profile likelihood along the ridge.
//!
//! # Formula
//! ```text
//! P(ρ) = max_{a, b} ℓ(a, b, ρ),        ρ = λ/(ν+λ)  (a = ln mean, b = ln CV², as in `mle`)
//! ridge = { ρ : P(ρ) ≥ ℓ̂ - 2 }         (2 nats: a likelihood-ratio statistic of 4)
//! ```
//! Each point of the ridge is a law that fits the samples essentially as well as the maximum
//! (a 2-nat drop is roughly the 95% boundary of a one-parameter likelihood-ratio interval,
//! χ²₁(0.95)/2 = 1.92). The profile is evaluated on a fixed grid of shapes walking outward
//! from ρ̂ until it falls more than 4 nats below ℓ̂, and reports the range of λ, of ρ and of
//! the bits at the target over the points within 2 nats.
//!
//! The fit is **poorly identified** when that range of λ spans more than a factor of 10 and
//! at least 0.05 in ρ: then laws that the data cannot tell apart give different tails, and the
//! range of bits says by how much.
//!
//! # Reference
//! Pawitan (2001), *In All Likelihood*, §3.4 (profile likelihood) and §2.6 (likelihood
//! intervals); Venzon & Moolgavkar (1988), Applied Statistics 37(1), 87–94.

use serde::Serialize;

use super::bootstrap::bits_of;
use super::mle::{maximize_ab, natural, Ncx2Fit, Prepared, RHO_MAX};

/// Nats below the maximum that still count as "as good a fit".
pub const RIDGE_DROP_NATS: f64 = 2.0;
/// Shapes ρ at which the profile is evaluated (plus ρ̂).
const PROFILE_GRID: [f64; 19] = [
    0.0, 0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.94, 0.97,
    0.99, RHO_MAX,
];

/// One point of the profile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProfilePoint {
    /// ρ = λ/(ν+λ), held fixed.
    pub shape: f64,
    /// ν of the best law at this shape.
    pub dof: f64,
    /// λ of the best law at this shape.
    pub noncentrality: f64,
    /// s of the best law at this shape.
    pub scale: f64,
    /// P(ρ), in nats.
    pub log_likelihood: f64,
    /// Bits at the target under this law.
    pub bits: f64,
}

/// The profile likelihood along the ridge and what it does to the bits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RidgeProfile {
    /// The drop that defines the ridge, [`RIDGE_DROP_NATS`].
    pub drop_nats: f64,
    /// [min, max] of λ over the laws within `drop_nats` of the maximum.
    pub noncentrality_range: [f64; 2],
    /// [min, max] of ρ = λ/(ν+λ) over those laws.
    pub shape_range: [f64; 2],
    /// [min, max] of the bits at the target over those laws.
    pub bits_range: [f64; 2],
    /// λ range wider than a factor 10 and ρ range at least 0.05 (see module docs).
    pub poorly_identified: bool,
    /// Every evaluated point, by increasing ρ.
    pub points: Vec<ProfilePoint>,
}

impl RidgeProfile {
    /// The profile of the samples `c·e_i` from this profile of `e_i`: every point's scale
    /// times `c` and its log-likelihood less `S ln c` (`S` = `n_samples`); λ, ρ and the bits
    /// are unchanged (see the fit's reference scale in `mle`).
    pub(crate) fn rescaled(mut self, c: f64, n_samples: usize) -> Self {
        if c == 1.0 {
            return self;
        }
        let shift = n_samples as f64 * c.ln();
        for point in &mut self.points {
            point.scale *= c;
            point.log_likelihood -= shift;
        }
        self
    }
}

/// Evaluate the ridge profile around `fit` on `data` (the samples of the fit).
pub(crate) fn ridge_profile(data: &Prepared, fit: &Ncx2Fit, target: f64) -> RidgeProfile {
    let mut evaluations = 0usize;
    let moments = [fit.theta[0], fit.theta[1]];
    let mut points = vec![ProfilePoint {
        shape: fit.theta[2],
        dof: fit.dof,
        noncentrality: fit.noncentrality,
        scale: fit.scale,
        log_likelihood: fit.log_likelihood,
        bits: bits_of(target, fit.dof, fit.noncentrality, fit.scale),
    }];
    let floor = fit.log_likelihood - RIDGE_DROP_NATS - 2.0;
    let upward = PROFILE_GRID
        .iter()
        .copied()
        .filter(|&r| r > fit.theta[2] + 1e-9);
    let downward = PROFILE_GRID
        .iter()
        .rev()
        .copied()
        .filter(|&r| r < fit.theta[2] - 1e-9);
    for walk in [upward.collect::<Vec<_>>(), downward.collect::<Vec<_>>()] {
        let mut ab = moments;
        for rho in walk {
            let (next, value) = maximize_ab(data, rho, ab, moments, &mut evaluations);
            let Some((dof, nc, scale)) = natural(&[next[0], next[1], rho]) else {
                break;
            };
            if !value.is_finite() {
                break;
            }
            ab = next;
            points.push(ProfilePoint {
                shape: rho,
                dof,
                noncentrality: nc,
                scale,
                log_likelihood: value,
                bits: bits_of(target, dof, nc, scale),
            });
            if value < floor {
                break;
            }
        }
    }
    points.sort_by(|p, q| p.shape.total_cmp(&q.shape));
    let best = points
        .iter()
        .map(|p| p.log_likelihood)
        .fold(f64::NEG_INFINITY, f64::max);
    let inside: Vec<&ProfilePoint> = points
        .iter()
        .filter(|p| p.log_likelihood >= best - RIDGE_DROP_NATS)
        .collect();
    let range = |f: &dyn Fn(&ProfilePoint) -> f64| -> [f64; 2] {
        inside
            .iter()
            .fold([f64::INFINITY, f64::NEG_INFINITY], |[lo, hi], p| {
                [lo.min(f(p)), hi.max(f(p))]
            })
    };
    let noncentrality_range = range(&|p| p.noncentrality);
    let shape_range = range(&|p| p.shape);
    let bits_range = range(&|p| p.bits);
    let poorly_identified = noncentrality_range[1] > 10.0 * noncentrality_range[0]
        && shape_range[1] - shape_range[0] >= 0.05;
    RidgeProfile {
        drop_nats: RIDGE_DROP_NATS,
        noncentrality_range,
        shape_range,
        bits_range,
        poorly_identified,
        points,
    }
}
