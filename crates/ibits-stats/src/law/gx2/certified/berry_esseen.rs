//! Exponential tilting to the saddlepoint with the Berry–Esseen inequality: a certified
//! enclosure of `ln P[S ≤ x]` for `S = offset + Σ_j w_j χ'²_{m_j}(d_j)` at any depth, in
//! `O(terms)` (docs/design.md §2a, "Brackets").
//!
//! # Derivation
//!
//! **Tilting** (Esscher 1932; Daniels 1954). For any `t < 1/(2 max_j w_j)` let `Q_t` be the law
//! with density `e^(t s - K(t))` relative to that of `S`. Then, exactly,
//!
//! ```text
//! P[S ≤ x] = e^(K(t) - t x) · E_Q[ e^(-t (S - x)) 1{S ≤ x} ]
//! ```
//!
//! Under `Q_t` the terms stay independent, and tilting `Y ~ χ'²_m(λ)` by `s` gives
//! `K_Y(u + s) - K_Y(s) = -(m/2) ln(1 - 2u/q) + (λ/q)(u/q)/(1 - 2u/q)` with `q = 1 - 2s`,
//! i.e. the law `(1/q) χ'²_m(λ/q)`. The term `w_j Y_j` is tilted by `s = w_j t`, so under `Q_t`
//!
//! ```text
//! X_j ~ s_j χ'²_{m_j}(λ_j),   q_j = 1 - 2 w_j t,   s_j = w_j/q_j,   λ_j = d_j/q_j
//! κ_r(X_j) = 2^(r-1) (r-1)! s_j^r (m_j + r λ_j)      (Johnson, Kotz & Balakrishnan, eq. 29.8)
//! ```
//!
//! whose sums are `K^(r)(t)`: `μ = K'(t)` (= x at the saddlepoint) and `σ² = K''(t)`.
//!
//! **Berry–Esseen** (Shevtsova 2010). For independent, non-identically distributed summands,
//! `sup_s |Q_t[S ≤ s] - Φ((s - μ)/σ)| ≤ C Σ_i ρ_i / σ³` with `C = 0.5600` and `ρ_i` the third
//! absolute central moment of summand `i`. With `Z = X - E X`, Cauchy–Schwarz gives
//! `ρ = E[|Z| Z²] ≤ (E Z² · E Z⁴)^(1/2)`, `E Z⁴ = κ_4 + 3κ_2²` (never above Lyapunov's
//! `(E Z⁴)^(3/4)`, since `E Z² ≤ (E Z⁴)^(1/2)`). Each term is infinitely divisible:
//! `s χ'²_m(λ)` is the sum of `k` independent copies of `s χ'²_{m/k}(λ/k)`, whose cumulants are
//! those of the term divided by `k`, so splitting term `j` into `k` parts bounds its share of
//! `Σ_i ρ_i` by `k (κ_2 κ_4/k² + 3κ_2³/k³)^(1/2) = (κ_2 κ_4 + 3κ_2³/k)^(1/2)`. The left side
//! does not depend on the split, so it is bounded by the infimum over `k`:
//!
//! ```text
//! L = C Σ_j (κ_2,j κ_4,j)^(1/2) / σ³ = 0.5600 Σ_j s_j³ (96 (m_j + 2λ_j)(m_j + 4λ_j))^(1/2) / σ³
//! ```
//!
//! (for a `χ²_1` term `√96 s³` instead of `√120 s³` unsplit, and for one term of `m` degrees of
//! freedom `L ≈ 1.94/√m`, as for `m` terms of one: a single term with many degrees of freedom is
//! certified too).
//!
//! **The window integral.** For `t < 0` write `a = -t`, `α = aσ`, `z₀ = (x - μ)/σ` (carried:
//! the solver's `μ` is not exactly `x`) and `G(v) = Φ(z₀) - Φ(z₀ - v)`. Since
//! `e^(-a(x - S)) = ∫_{x-S}^∞ a e^(-au) du` on `S ≤ x`, Fubini gives
//!
//! ```text
//! E_Q[e^(-a(x - S)) 1{S ≤ x}] = ∫_0^∞ α e^(-αv) W(v) dv,   W(v) = Q_t[x - vσ ≤ S ≤ x]
//! max(0, G(v) - 2L) ≤ W(v) ≤ min(1, G(v) + 2L, Φ(z₀) + L)
//! ```
//!
//! (two values of the CDF, each within `L` of the normal one; the window is inside `S ≤ x`).
//! Both integrals have closed forms, with `R(y) = Φ(-y)/φ(y)` Mills' ratio and the identity
//! `∫_c^∞ α e^(-αv) φ(z₀ - v) dv / α = e^(α²/2 - α z₀) Φ(z₀ - c - α)`:
//!
//! ```text
//! lower:  ∫_{v₀}^∞ α e^(-αv) (G(v) - 2L) dv = e^(-α v₀) [ φ(v₀ - z₀) R(α + v₀ - z₀) + r₀ ],
//!         r₀ = Φ(z₀) - 2L - Φ(z₀ - v₀)
//! upper:  ∫_0^{v₁} α e^(-αv) (G + 2L) dv + ∫_{v₁}^∞ α e^(-αv) (Φ(z₀) + L) dv
//!       = 2L + φ(z₀) R(α - z₀) - e^(-α v₁) φ(v₁ - z₀) R(α + v₁ - z₀) + e^(-α v₁) (Φ(z₀ - v₁) - L)
//! ```
//!
//! The first is below `∫ α e^(-αv) max(0, G - 2L)` for every `v₀` and the second above
//! `∫ α e^(-αv) min(G + 2L, Φ(z₀) + L)` for every `v₁`, so the choice of `v₀`, `v₁` (solved
//! by bisection near `G(v₀) = 2L`, `Φ(z₀ - v₁) = L`, the optima) affects only tightness; `v₀`
//! is taken where the computed `r₀` exceeds the rounding of `Φ`, so `r₀ ≥ 0` is dropped and the
//! lower bound `-α v₀ + ln φ(v₀ - z₀) + ln R(·)` is a sum of logarithms, finite at any depth.
//! If `Φ(z₀) ≤ 2L` the lower integrand is zero everywhere: no lower bound (`-∞`). At `α → 0`
//! these tend to `Φ(z₀) - 2L` and `Φ(z₀) + L`. The single-window form
//! `e^(-αv) (G(v) - 2L)⁺` (`v = δ/σ`) is never tighter: `G` increases, so the lower integral is
//! at least `∫_v^∞ α e^(-αv') (G(v) - 2L)⁺ dv' = e^(-αv) (G(v) - 2L)⁺`.
//!
//! **Above the mean** (`t > 0`) the same integral, mirrored (`z₀ → -z₀`), brackets
//! `P[S > x] = e^(K(t) - t x) E_Q[e^(-t(S - x)) 1{S > x}]`, and `ln P[S ≤ x] = ln(1 - P[S > x])`;
//! also `P[S ≤ x] ≥ e^(K(t) - t x) (Φ(z₀) - L)` (there `e^(-t(S - x)) ≥ 1`). For `t < 0`,
//! symmetrically, `P[S > x] ≥ e^(K(t) - t x) (Φ(-z₀) - L)` gives a second upper bound. At `t = 0`,
//! `Φ(z₀) - L ≤ P ≤ Φ(z₀) + L`.
//!
//! # Why every number is a bound
//!
//! - Mills' ratio: from `y ≥ 38` by its bounds `2/(y + √(y² + 4)) < R(y) < 4/(3y + √(y² + 8))`
//!   (Birnbaum 1942; Sampford 1953), the lower one where a lower bound is needed and the
//!   upper one where an upper bound is; below, `ln R(y) = ln Φ(-y) + y²/2 + ln√(2π)` from
//!   [`log_ndtr`] (documented to 1e-14 relative) widened by 4e-14 of the magnitudes combined.
//! - Values of `Φ` are within 1e-14 absolute; [`PROB_PAD`] (1e-12) is added or subtracted in
//!   every linear-space combination of them, and `v₀` requires `r₀ ≥ PROB_PAD` as computed.
//! - The `O(terms)` sums (`K(t) - t x`, `μ`, `σ²`, `Σ ρ_j`) carry the rounding bound of
//!   recursive summation, `(n - 1) u Σ|terms|` (Higham 2002, §4.2), plus a few ulps per term:
//!   with 20,000 terms this exceeds the caller's relative [`super::SAFETY`], so it is added
//!   here explicitly: `K(t) - t x` moves by its bound, and `L` grows by
//!   `φ(0)·δz₀ + φ(1)·δσ/σ`, the largest change of `Φ((s - μ)/σ)` when `μ` and `σ` move within
//!   their bounds (`sup |Φ(rz) - Φ(z)| ≤ |r - 1| φ(1)/min(1, r)`).
//! - What remains is `O(1)` ulps of logarithms of moderate size, which the caller's relative
//!   `SAFETY` widening covers.
//!
//! # Tightness
//!
//! In the deep tail the lower bound loses about `α v₀ ≈ 2√(2π) L α` nats against the true
//! `ln P ≈ -α²/2`: a relative width of about `10 L/α`, and the upper bound sits about
//! `ln(1 + 2√(2π) L α)` nats above the truth. For `N` comparable `χ²_1` terms `L ≈ 1.94/√N`.
//! Measured on Gaussian-process-like laws (weights within a factor 10, m = 1): 5,000 terms,
//! width 7.3 bits at 551 bits (1.3%), 10.3 at 2,486 (0.42%), 12.2 at 6,720 (0.18%); 20,000
//! terms, 7.2 bits at 2,190 (0.33%) and 12.1 at 26,883 (0.05%). The bound tightens with depth
//! and with the number of terms, and certifies no lower bound for one dominant χ²_1 term.
//!
//! # Reference
//! - Shevtsova, I. G. (2010), "An improvement of convergence rate estimates in the Lyapunov
//!   theorem", Doklady Math. 82(3), 862–864 (`C₀ ≤ 0.5600`, non-identical summands).
//! - Esscher, F. (1932), "On the probability function in the collective theory of risk",
//!   Skand. Aktuarietidskr. 15, 175–195 (exponential tilting).
//! - Daniels, H. E. (1954), "Saddlepoint approximations in statistics", Ann. Math. Stat.
//!   25(4), 631–650.
//! - Birnbaum, Z. W. (1942), "An inequality for Mill's ratio", Ann. Math. Stat. 13, 245–246.
//! - Sampford, M. R. (1953), "Some inequalities on Mill's ratio and related functions", Ann.
//!   Math. Stat. 24, 130–132.
//! - Higham, N. J. (2002), *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM,
//!   §4.2 (error bound of recursive summation).
//! - Johnson, N. L., Kotz, S. & Balakrishnan, N. (1995), *Continuous Univariate
//!   Distributions* vol. 2, eq. 29.8 (cumulants of the non-central chi-squared).

use super::LnCdfBracket;
use crate::law::gx2::Gx2;
use crate::special::{log1m_exp, log_ndtr};

/// Shevtsova's (2010) Berry–Esseen constant for independent non-identically distributed
/// summands.
pub const SHEVTSOVA_CONSTANT: f64 = 0.5600;

/// Absolute allowance for the rounding of a value of `Φ` (computed to about 1e-14) in every
/// linear-space combination of such values.
pub const PROB_PAD: f64 = 1e-12;

/// ½ ln(2π).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// `φ(0) = 1/√(2π)`, rounded up.
const PHI_0: f64 = 0.398_942_280_401_433;
/// `φ(1) = max_z |z| φ(z)`, rounded up.
const PHI_1: f64 = 0.241_970_724_519_144;
/// From this argument on, Mills' ratio comes from Birnbaum's and Sampford's bounds.
const MILLS_BOUNDS_FROM: f64 = 38.0;
/// Relative allowance on `ln Φ` from [`log_ndtr`] (4× its documented accuracy).
const LOG_NDTR_REL: f64 = 4e-14;
/// Relative precision of the bisections for `v₀` and `v₁`.
const SHIFT_PRECISION: f64 = 1e-10;

/// The Berry–Esseen bracket of `ln P[S ≤ x]` from the tilt `t` (the saddlepoint), or `None`
/// where it certifies nothing.
///
/// # Formula
/// ```text
/// t < 0:  ln P ∈ K(t) - t x + ln [ ∫_0^∞ α e^(-αv) max(0, G(v) - 2L) dv,
///                                   ∫_0^∞ α e^(-αv) min(1, G(v) + 2L, Φ(z₀) + L) dv ]
/// t > 0:  the same for ln P[S > x] (z₀ → -z₀), then ln P = ln(1 - P[S > x])
/// t = 0:  Φ(z₀) - L ≤ P ≤ Φ(z₀) + L
/// ```
/// with `α = |t| √K''(t)`, `z₀ = (x - K'(t))/√K''(t)`, `G(v) = Φ(z₀) - Φ(z₀ - v)` and
/// `L = 0.5600 Σ_j ρ_j / K''(t)^(3/2)`; see the module documentation for the derivation and
/// the closed forms.
///
/// # Reference
/// Shevtsova (2010), Doklady Math. 82(3), 862–864; Daniels (1954), Ann. Math. Stat. 25(4),
/// 631–650.
///
/// # Remarks
/// Valid for every `t` where `K(t)` is finite; `t` near the saddlepoint makes it tight.
/// `lower = -∞` where the Berry–Esseen distance `L` is too large (few terms, one dominant
/// weight); `None` where nothing is certified (NaN inputs, `x ≤ offset`, `t` at or beyond the
/// pole, non-finite moments). One pass over the terms plus about 100 evaluations of `ln Φ`.
pub fn berry_esseen_bracket(law: &Gx2, x: f64, t: f64) -> Option<LnCdfBracket> {
    if !(x.is_finite() && t.is_finite()) || x <= law.offset() {
        return None;
    }
    let tilted = TiltedMoments::new(law, x, t)?;
    // Extreme scales (a tilt at the pole of a 1e204 weight, σ of 1e200...) lose the moments'
    // accuracy that the bounds rely on: certify nothing there (the other routes and the
    // Chernoff bounds still apply). Found by tests/gx2_extreme.rs: a law of one term with
    // weight 3e204 and 2.4e-204 degrees of freedom gave lower > 0.
    let safe = |v: f64| (1e-100..=1e100).contains(&v);
    let spread = (x - law.offset()) / tilted.sigma;
    let interior = 1.0 - 2.0 * law.max_weight() * t.max(0.0);
    if !(safe(tilted.sigma) && (t == 0.0 || safe(tilted.alpha)) && safe(spread) && interior > 1e-8)
    {
        return None;
    }
    let v_low = tilted.exponent - tilted.exponent_error;
    let v_high = tilted.exponent + tilted.exponent_error;
    let (z0, l, alpha) = (tilted.z0, tilted.distance, tilted.alpha);
    let (lower, upper) = if t < 0.0 {
        let lower = v_low + ln_integral_lower(alpha, z0, l);
        let direct = v_high + ln_integral_upper(alpha, z0, l);
        // P[S > x] ≥ e^(K - tx) Q[S > x] ≥ e^(K - tx) (Φ(-z₀) - L).
        let other = v_low + (normal_cdf(-z0) - l - PROB_PAD).ln();
        let complement = if other.is_nan() {
            0.0
        } else {
            log1m_exp(other.min(0.0))
        };
        (lower, direct.min(complement))
    } else if t > 0.0 {
        // The upper tail is the lower tail of -S at -x, tilted by -t: z₀ → -z₀.
        let sf_low = v_low + ln_integral_lower(alpha, -z0, l);
        let sf_high = v_high + ln_integral_upper(alpha, -z0, l);
        let from_sf = log1m_exp(sf_high.min(0.0));
        // On S ≤ x, e^(-t(S - x)) ≥ 1: P ≥ e^(K - tx) (Φ(z₀) - L).
        let direct = v_low + (normal_cdf(z0) - l - PROB_PAD).ln();
        let lower = from_sf.max(if direct.is_nan() {
            f64::NEG_INFINITY
        } else {
            direct
        });
        (lower, log1m_exp(sf_low.min(0.0)))
    } else {
        let p = normal_cdf(z0);
        let lower = (p - l - PROB_PAD).ln();
        (
            if lower.is_nan() {
                f64::NEG_INFINITY
            } else {
                lower
            },
            (p + l + PROB_PAD).min(1.0).ln(),
        )
    };
    let upper = upper.min(0.0);
    if lower.is_nan() || upper.is_nan() || (lower == f64::NEG_INFINITY && upper >= 0.0) {
        return None;
    }
    Some(LnCdfBracket { lower, upper })
}

/// The moments of the tilted law `Q_t` that the bracket needs, with their rounding allowances
/// folded in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TiltedMoments {
    /// `K(t) - t x`, nats.
    pub exponent: f64,
    /// Bound on the rounding error of `exponent`.
    pub exponent_error: f64,
    /// `μ = K'(t)`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub mean: f64,
    /// `σ = √K''(t)`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub sigma: f64,
    /// `z₀ = (x - μ)/σ`.
    pub z0: f64,
    /// `α = |t| σ`.
    pub alpha: f64,
    /// The Berry–Esseen distance `L`, widened for the rounding of `μ`, `σ` and `Σ ρ_j`.
    pub distance: f64,
    /// `L` before the widening: `0.5600 Σ_j ρ_j / σ³`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub raw_distance: f64,
}

impl TiltedMoments {
    /// One pass over the terms at the tilt `t`; `None` if `t` is at or beyond the pole or a
    /// moment is not finite.
    pub(crate) fn new(law: &Gx2, x: f64, t: f64) -> Option<Self> {
        let w_max = law.max_weight();
        let q_max = 1.0 - 2.0 * w_max * t;
        if q_max.is_nan() || q_max <= 0.0 {
            return None;
        }
        // s_j = w_j/q_j increases with w_j for either sign of t: the largest is at w_max, and
        // the moments are summed in units of it (so that w_j² never under- or overflows).
        let s_max = w_max / q_max;
        let offset = law.offset();
        let (mut k_sum, mut k_abs) = (offset * t, (offset * t).abs());
        let (mut mu_sum, mut mu_abs) = (offset, offset.abs());
        let (mut k2_sum, mut rho_sum) = (0.0_f64, 0.0_f64);
        let mut rho_max_ratio = 0.0_f64;
        let inv_s_max = 1.0 / s_max;
        for (((&w, &m), &c), &d) in law.terms().zip(law.noncentralities()) {
            let a = -2.0 * w * t;
            let q = 1.0 + a;
            let inv_q = 1.0 / q;
            let k_j = -0.5 * m * a.ln_1p() + c * t * inv_q;
            k_sum += k_j;
            k_abs += k_j.abs();
            let s = w * inv_q;
            let lambda = d * inv_q;
            let mu_j = s * m + c * inv_q * inv_q;
            mu_sum += mu_j;
            mu_abs += mu_j.abs();
            let r = s * inv_s_max;
            let r2 = r * r;
            let k2 = 2.0 * r2 * (m + 2.0 * lambda);
            // Cauchy–Schwarz on the term split into infinitely many i.i.d. parts (module
            // documentation): its share of Σ ρ is at most (κ2 κ4)^(1/2), κ4 = 48 r⁴ (m + 4λ).
            // (The square roots are taken apart: (m + 2λ)(m + 4λ) underflows for m ~ 1e-192.)
            let rho = r * r2 * 96f64.sqrt() * (m + 2.0 * lambda).sqrt() * (m + 4.0 * lambda).sqrt();
            k2_sum += k2;
            rho_sum += rho;
            rho_max_ratio = rho_max_ratio.max(a.abs() * inv_q);
        }
        let n = law.num_terms() as f64;
        // Rounding of a sum of n terms computed with a few flops each (q_j loses
        // (1 + |2 w_j t|)/q_j ulps when t > 0, near the pole).
        let rel = 2.0 * f64::EPSILON * (n + 32.0 + 12.0 * rho_max_ratio);
        let exponent = k_sum - t * x;
        let exponent_error =
            rel * (k_abs + (t * x).abs()) + 2.0 * f64::EPSILON * exponent.abs() + 1e-300;
        let mean = mu_sum;
        let mean_error = rel * mu_abs;
        let sigma_unit = k2_sum.sqrt();
        let sigma = s_max * sigma_unit;
        let z0 = (x - mean) / sigma;
        let alpha = (t * s_max).abs() * sigma_unit;
        // Underflowed contributions (weights below 1e-300 of the largest) are bounded by
        // n · MIN_POSITIVE in these units.
        let rho_total = rho_sum * (1.0 + rel) + n * f64::MIN_POSITIVE;
        let raw_distance = SHEVTSOVA_CONSTANT * rho_sum / (k2_sum * sigma_unit);
        let distance_rounded =
            SHEVTSOVA_CONSTANT * rho_total / (k2_sum * sigma_unit) * (1.0 + 2.0 * rel);
        let z_error = (mean_error + 2.0 * f64::EPSILON * (x - mean).abs()) / sigma * (1.0 + rel)
            + 4.0 * f64::EPSILON * z0.abs();
        let sigma_rel_error = rel;
        let distance =
            distance_rounded + PHI_0 * z_error + PHI_1 * sigma_rel_error / (1.0 - sigma_rel_error);
        let finite = [exponent, exponent_error, mean, sigma, z0, alpha, distance];
        if !finite.iter().all(|v| v.is_finite()) || sigma <= 0.0 {
            return None;
        }
        Some(Self {
            exponent,
            exponent_error,
            mean,
            sigma,
            z0,
            alpha,
            distance,
            raw_distance,
        })
    }
}

/// `Φ(z)` from [`log_ndtr`].
fn normal_cdf(z: f64) -> f64 {
    log_ndtr(z).exp()
}

/// A lower bound on `ln(φ(c) R(y))` (`R` Mills' ratio), for `y ≥ 0` or moderate negative `y`.
fn ln_phi_mills_lower(c: f64, y: f64) -> f64 {
    if y >= MILLS_BOUNDS_FROM {
        // Birnbaum (1942): R(y) > 2/(y + √(y² + 4)).
        -0.5 * c * c - LN_SQRT_2PI + (2.0 / (y + (y * y + 4.0).sqrt())).ln()
            - 4.0 * f64::EPSILON * (0.5 * c * c + 1.0)
    } else {
        let log_tail = log_ndtr(-y);
        let value = log_tail + 0.5 * y * y - 0.5 * c * c;
        value - LOG_NDTR_REL * (log_tail.abs() + 0.5 * y * y + 0.5 * c * c + 1.0)
    }
}

/// An upper bound on `ln(φ(c) R(y))`.
fn ln_phi_mills_upper(c: f64, y: f64) -> f64 {
    if y >= MILLS_BOUNDS_FROM {
        // Sampford (1953): R(y) < 4/(3y + √(y² + 8)).
        -0.5 * c * c - LN_SQRT_2PI
            + (4.0 / (3.0 * y + (y * y + 8.0).sqrt())).ln()
            + 4.0 * f64::EPSILON * (0.5 * c * c + 1.0)
    } else {
        let log_tail = log_ndtr(-y);
        let value = log_tail + 0.5 * y * y - 0.5 * c * c;
        value + LOG_NDTR_REL * (log_tail.abs() + 0.5 * y * y + 0.5 * c * c + 1.0)
    }
}

/// A `v ≥ 0` with `ln Φ(z₀ - v) ≤ ln_target` (as computed), within a relative
/// [`SHIFT_PRECISION`] of the smallest; requires `ln Φ(z₀) > ln_target`.
fn shift_below(z0: f64, ln_target: f64) -> f64 {
    let below = |v: f64| log_ndtr(z0 - v) <= ln_target;
    let mut high = 1.0_f64;
    let mut low = 0.0_f64;
    while !below(high) {
        low = high;
        high *= 2.0;
        if high > 1e300 {
            return f64::INFINITY;
        }
    }
    // Shrink the lower end geometrically first: v may be tiny (L tiny).
    if low == 0.0 {
        let mut probe = high;
        for _ in 0..1100 {
            let half = probe * 0.5;
            if half == 0.0 || !below(half) {
                low = half;
                break;
            }
            probe = half;
        }
        high = probe;
    }
    for _ in 0..200 {
        if high - low <= SHIFT_PRECISION * high {
            break;
        }
        let mid = 0.5 * (low + high);
        if below(mid) {
            high = mid;
        } else {
            low = mid;
        }
    }
    high
}

/// A lower bound on `ln ∫_0^∞ α e^(-αv) max(0, Φ(z₀) - Φ(z₀ - v) - 2L) dv` (`-∞` when the
/// integrand vanishes).
pub(crate) fn ln_integral_lower(alpha: f64, z0: f64, l: f64) -> f64 {
    let target = normal_cdf(z0) - 2.0 * l - PROB_PAD;
    if target.is_nan() || target <= 0.0 {
        return f64::NEG_INFINITY;
    }
    // At v₀, the computed r₀ = Φ(z₀) - 2L - Φ(z₀ - v₀) ≥ PROB_PAD, so the true r₀ ≥ 0 and the
    // term e^(-αv₀) r₀ may be dropped.
    let v0 = shift_below(z0, target.ln());
    if !v0.is_finite() {
        return f64::NEG_INFINITY;
    }
    let value = -alpha * v0 + ln_phi_mills_lower(v0 - z0, alpha + v0 - z0);
    value - 2.0 * f64::EPSILON * (alpha * v0)
}

/// An upper bound on `ln ∫_0^∞ α e^(-αv) min(1, Φ(z₀) - Φ(z₀ - v) + 2L, Φ(z₀) + L) dv`.
pub(crate) fn ln_integral_upper(alpha: f64, z0: f64, l: f64) -> f64 {
    let p0 = normal_cdf(z0);
    let cap = (p0 + l + PROB_PAD).min(1.0);
    if p0 <= l {
        return cap.ln();
    }
    let v1 = shift_below(z0, l.ln());
    if !v1.is_finite() {
        return cap.ln();
    }
    let p1 = normal_cdf(z0 - v1);
    let decay = -alpha * v1 * (1.0 - 2.0 * f64::EPSILON);
    let e0 = ln_phi_mills_upper(z0, alpha - z0).exp();
    let e1 = (-alpha * v1 * (1.0 + 2.0 * f64::EPSILON)
        + ln_phi_mills_lower(v1 - z0, alpha + v1 - z0))
    .exp();
    let value = 2.0 * l + e0 - e1 + decay.exp() * (p1 - l).max(0.0) + 4.0 * PROB_PAD;
    value.min(cap).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numerical quadrature of `∫_0^∞ α e^(-αv) f(v) dv` for an `f` constant beyond `v = 12`
    /// (up to Φ(-12) ≈ 1e-33): composite Simpson on [0, 12] plus the exact tail (a plain
    /// reference, not a bound).
    fn quadrature(alpha: f64, f: impl Fn(f64) -> f64) -> f64 {
        let (end, n) = (12.0, 400_000);
        let h = end / n as f64;
        let g = |v: f64| alpha * (-alpha * v).exp() * f(v);
        let mut sum = g(0.0) + g(end);
        for i in 1..n {
            sum += g(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        sum * h / 3.0 + (-alpha * end).exp() * f(end)
    }

    #[test]
    fn tilted_terms_are_scaled_noncentral_chi_squares() {
        // K_Y(u + s) - K_Y(s) equals the CGF of (1/q) χ'²_m(λ/q), q = 1 - 2s.
        let cgf = |m: f64, lambda: f64, u: f64| {
            -0.5 * m * (1.0 - 2.0 * u).ln() + lambda * u / (1.0 - 2.0 * u)
        };
        for &(m, lambda, s) in &[
            (1.0, 0.0, -3.0),
            (2.5, 4.0, -0.2),
            (7.0, 0.3, 0.3),
            (0.4, 10.0, -50.0),
        ] {
            let q = 1.0 - 2.0 * s;
            for &u in &[-2.0, -0.1, 0.01, 0.05] {
                let tilted = cgf(m, lambda, u + s) - cgf(m, lambda, s);
                let scaled = cgf(m, lambda / q, u / q);
                let scale = 1.0 + cgf(m, lambda, s).abs();
                approx::assert_relative_eq!(tilted, scaled, epsilon = 1e-13 * scale);
            }
        }
    }

    #[test]
    fn tilted_cumulants_match_derivatives_of_k() {
        let law = Gx2::new(&[1.0, 0.3, 0.05], &[1.0, 2.5, 4.0], &[0.0, 3.0, 1.5], 0.7).unwrap();
        for &t in &[-4.0, -0.25, 0.0, 0.2] {
            let x = law.cumulant_gf_derivative(t, 1) * 0.9 + 1.0;
            let tilted = TiltedMoments::new(&law, x, t).unwrap();
            // Per-term cumulants of s χ'²_m(λ) summed, against K', K'' by central differences.
            let h = 1e-4;
            let d1 = (law.cumulant_gf(t + h) - law.cumulant_gf(t - h)) / (2.0 * h);
            let d2 = (law.cumulant_gf(t + h) - 2.0 * law.cumulant_gf(t) + law.cumulant_gf(t - h))
                / (h * h);
            approx::assert_relative_eq!(tilted.mean, d1, max_relative = 1e-7);
            approx::assert_relative_eq!(tilted.sigma * tilted.sigma, d2, max_relative = 1e-5);
            approx::assert_relative_eq!(
                tilted.sigma * tilted.sigma,
                law.cumulant_gf_derivative(t, 2),
                max_relative = 1e-13
            );
            // Third and fourth cumulants of the tilted terms against K''' and K''''.
            let (mut k3, mut k4) = (0.0, 0.0);
            for (((&w, &m), _), &d) in law.terms().zip(law.noncentralities()) {
                let q = 1.0 - 2.0 * w * t;
                let (s, lambda) = (w / q, d / q);
                k3 += 8.0 * s.powi(3) * (m + 3.0 * lambda);
                k4 += 48.0 * s.powi(4) * (m + 4.0 * lambda);
            }
            let d3 = (law.cumulant_gf_derivative(t + h, 2) - law.cumulant_gf_derivative(t - h, 2))
                / (2.0 * h);
            let d4 = (law.cumulant_gf_derivative(t + h, 3) - law.cumulant_gf_derivative(t - h, 3))
                / (2.0 * h);
            approx::assert_relative_eq!(k3, d3, max_relative = 1e-6);
            approx::assert_relative_eq!(k4, d4, max_relative = 1e-6);
            approx::assert_relative_eq!(k3, law.cumulant_gf_derivative(t, 3), max_relative = 1e-13);
            approx::assert_relative_eq!(k4, law.cumulant_gf_derivative(t, 4), max_relative = 1e-13);
            approx::assert_relative_eq!(
                tilted.exponent,
                law.cumulant_gf(t) - t * x,
                max_relative = 1e-13,
                epsilon = 1e-14
            );
        }
    }

    #[test]
    fn distance_of_equal_chi_square_terms() {
        // n terms χ²_1 at t = 0: ρ_j ≤ √(2 · 48) and σ³ = (2n)^(3/2).
        for n in [1usize, 10, 5000] {
            let law = Gx2::new(&vec![0.7; n], &vec![1.0; n], &vec![0.0; n], 0.0).unwrap();
            let tilted = TiltedMoments::new(&law, 0.5 * law.mean(), 0.0).unwrap();
            let expected =
                SHEVTSOVA_CONSTANT * 96.0_f64.sqrt() / (2.0 * n as f64).powf(1.5) * n as f64;
            approx::assert_relative_eq!(tilted.raw_distance, expected, max_relative = 1e-12);
            assert!(tilted.distance >= tilted.raw_distance);
            // The rounding allowance is tiny (mostly the mean's, relative to σ).
            assert!(tilted.distance <= tilted.raw_distance + 1e-8);
            // Tilting scales the terms, not their shape: the same distance at any t.
            let t = -3.0;
            let tilted = TiltedMoments::new(&law, 0.5 * law.mean(), t).unwrap();
            approx::assert_relative_eq!(tilted.raw_distance, expected, max_relative = 1e-12);
        }
    }

    #[test]
    fn cauchy_schwarz_third_moment_bounds_the_exact_one() {
        // χ²_1 - 1: E|Z|³ by quadrature of the density against √(κ2 (κ4 + 3κ2²)) = √120.
        let n = 2_000_000;
        let upper = 200.0;
        let h = upper / n as f64;
        let mut moment = 0.0;
        for i in 0..n {
            let y = (i as f64 + 0.5) * h;
            let density = (-0.5 * y).exp() / (2.0 * std::f64::consts::PI * y).sqrt();
            moment += (y - 1.0).abs().powi(3) * density * h;
        }
        let bound = 120.0_f64.sqrt();
        assert!(
            moment < bound && moment > 0.7 * bound,
            "{moment} vs {bound}"
        );
    }

    #[test]
    fn mills_ratio_bounds_hold() {
        for i in 0..400 {
            let y = 0.5 + i as f64 * 0.1;
            let exact = log_ndtr(-y) + 0.5 * y * y + LN_SQRT_2PI;
            let birnbaum = (2.0 / (y + (y * y + 4.0).sqrt())).ln();
            let sampford = (4.0 / (3.0 * y + (y * y + 8.0).sqrt())).ln();
            assert!(birnbaum < exact && exact < sampford, "y = {y}");
            if y >= MILLS_BOUNDS_FROM {
                assert!(sampford - birnbaum < 1e-6, "y = {y}");
            }
            for c in [0.0, 0.3, -2.0] {
                assert!(ln_phi_mills_lower(c, y) <= exact - 0.5 * c * c - LN_SQRT_2PI);
                assert!(ln_phi_mills_upper(c, y) >= exact - 0.5 * c * c - LN_SQRT_2PI);
            }
        }
    }

    #[test]
    fn window_integrals_bound_their_quadratures() {
        for &(alpha, z0, l) in &[
            (0.01, 0.0, 0.01),
            (0.5, 0.1, 0.05),
            (2.0, -0.2, 0.02),
            (10.0, 0.0, 0.03),
            (40.0, 1e-6, 0.002),
            (3.0, 0.0, 0.3),
            (1.0, 0.5, 0.4),
        ] {
            let g = |v: f64| normal_cdf(z0) - normal_cdf(z0 - v);
            let exact_lower = quadrature(alpha, |v| (g(v) - 2.0 * l).max(0.0));
            let exact_upper =
                quadrature(alpha, |v| (g(v) + 2.0 * l).min(normal_cdf(z0) + l).min(1.0));
            let lower = ln_integral_lower(alpha, z0, l);
            let upper = ln_integral_upper(alpha, z0, l);
            let ctx = format!("α = {alpha}, z₀ = {z0}, L = {l}");
            if exact_lower > 0.0 {
                assert!(
                    lower <= exact_lower.ln() + 1e-6,
                    "{ctx}: {lower} vs {}",
                    exact_lower.ln()
                );
                // The closed form is the optimum up to the margins: close to the quadrature.
                assert!(
                    lower >= exact_lower.ln() - 1e-3,
                    "{ctx}: {lower} vs {}",
                    exact_lower.ln()
                );
            } else {
                assert_eq!(lower, f64::NEG_INFINITY, "{ctx}");
            }
            assert!(
                upper >= exact_upper.ln() - 1e-6,
                "{ctx}: {upper} vs {}",
                exact_upper.ln()
            );
            // Optimal where the integrand's cap at 1 never binds (G + 2L ≤ Φ(z₀) + L ≤ 1).
            if normal_cdf(z0) + l <= 1.0 {
                assert!(
                    upper <= exact_upper.ln() + 1e-3,
                    "{ctx}: {upper} vs {}",
                    exact_upper.ln()
                );
            }
        }
    }

    #[test]
    fn lower_integral_vanishes_when_the_distance_is_large() {
        assert_eq!(ln_integral_lower(5.0, 0.0, 0.26), f64::NEG_INFINITY);
        assert!(ln_integral_lower(5.0, 0.0, 0.2).is_finite());
        // Deep: finite, no overflow, close to -α v₀ - ln(α √(2π)).
        let deep = ln_integral_lower(2000.0, 0.0, 0.01);
        assert!(deep.is_finite() && deep < -2000.0 * 0.045, "{deep}");
    }
}
