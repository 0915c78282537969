//! The scaled non-central chi-squared law `s · χ'²_ν(λ)` (location 0), in log space.
//!
//! ```text
//! X = s · Σ_{i=1..ν} (Z_i + δ_i)²,   Z_i ~ N(0, 1),   λ = Σ δ_i²
//! F(x) = Σ_{j≥0} Pois(j; λ/2) · P(ν/2 + j, x/(2s))
//! ```
//!
//! # Method
//! With `a = ν/2`, `μ = λ/2`, `y = x/(2s)`, both tails are Poisson mixtures of incomplete gamma
//! functions with positive terms,
//!
//! ```text
//! F(x)     = Σ_j w_j P(a+j, y),   1 - F(x) = Σ_j w_j Q(a+j, y),   w_j = e^(-μ) μ^j / j!
//! ```
//!
//! and the one below the mean (`x < s(ν+λ)`, so the one below about ½) is summed directly; the
//! other is `ln(1 - e^l)` of it. The sum runs over the terms that matter, outward from the largest
//! (Benton & Krishnamoorthy 2003), entirely in logarithms:
//!
//! - **Lower tail.** Because `P(b+1, y)/P(b, y) ≤ min(1, y/(b+1))`, the terms above `j` fall at
//!   least geometrically with ratio `ρ_j = μ/(j+1) · min(1, y/(a+j+1))`, so the top index `J`
//!   beyond which they sum to less than 2^-58 of the total is found before any gamma function is
//!   evaluated. One `ln P(a+J, y)` is computed ([`crate::special::log_gamma_lr`]), and the others
//!   follow downward by the recurrence `P(b, y) = P(b+1, y) + y^b e^(-y)/Γ(b+1)`, which adds
//!   positive terms only — so it is stable even where `P` underflows f64 by a million orders of
//!   magnitude; in the extreme lower tail this is the small-x expansion
//!   `F = Σ_m e^(-y) y^(a+m)/Γ(a+m+1) · P[Pois(μ) ≤ m]` regrouped by Poisson index. The walk stops
//!   when `(j/μ)(1 + y^(b-1)e^(-y)/(Γ(b) P(b, y)))`, which bounds every remaining ratio (the
//!   second factor decreases with `b`), certifies that the rest is below 2^-58 of the sum.
//! - **Upper tail.** Mirror image: `Q(b-1, y)/Q(b, y) ≤ min(1, (b-1)/y)` fixes the bottom index,
//!   one `ln Q` is computed there ([`crate::special::log_gamma_ur`]), and
//!   `Q(b+1, y) = Q(b, y) + y^b e^(-y)/Γ(b+1)` walks upward with the analogous certified stop.
//! - **Bounded work: asymptotic regimes.** The sums above need about `√(a + j*)` terms, where
//!   `j* = (D - a)/2 = 2μy/(a + D)`, `D = √(a² + 4μy)`, is the index of the largest term (and
//!   `x/(2s) ≈ a + μ` costs `O(√a)` in the incomplete gamma function). They are used while
//!   `a + j* ≤ 10^6` (at most a few thousand terms, ~1 ms). Beyond, the law is a sum of
//!   many effective terms and the saddlepoint is accurate to `O(1/(a + j*)²)`: with
//!   `q = 1 - t`, `K(t) = -a ln q + μt/q` is solved in closed form, `1/q̂ = 2y/(a + D)`, and
//!   `ρ = t̂/q̂`, `I = a(ρ - ln(1+ρ)) + μρ²`, `û = ρ√D`, `λ3 = (3D - a)/D^(3/2)`,
//!   `λ4 = (12D - 6a)/D²` give the second-order Lugannani–Rice formula of
//!   [`Gx2::saddlepoint`](crate::Gx2::saddlepoint) (the same formula; here `ρ` comes from
//!   `y - a - μ` directly, which keeps displacements of 1e-16 of the mean that the general
//!   solve in `ln K'` rounds away, and nothing overflows for ν, λ up to f64's range). From
//!   `I ≥ 10^7` nats the tail is `φ(ŵ)(1/|û| - 1/|ŵ|³)` (its neglected terms are `O(1/I)`
//!   relative), and from `I ≥ 10^17` that is used for every law (the sums would subtract
//!   logarithms of size `I`). Each evaluation is then O(1) or a few thousand steps, for every
//!   finite input.
//! - **Density.** `f(x) = (1/2s) Σ_j w_j y^(a+j-1) e^(-y)/Γ(a+j)`; the ratio of successive terms
//!   is the rational function `μy/((j+1)(a+j))`, so the terms are multiplied out in linear scale
//!   relative to the largest one (index from a quadratic), whose logarithm is computed once with
//!   Loader's accurate Poisson kernel. O(√(terms)) cheap steps.
//!
//! # Reference
//! - Benton, D. & Krishnamoorthy, K. (2003), "Computing discrete mixtures of continuous
//!   distributions: noncentral chisquare, noncentral t and the distribution of the square of the
//!   sample multiple correlation coefficient", Comput. Stat. Data Anal. 43(2), 249–267.
//! - Johnson, Kotz & Balakrishnan (1995), *Continuous Univariate Distributions*, vol. 2, ch. 29,
//!   eqs. 29.2 and 29.4 (mixture representations).
//! - Lugannani, R. & Rice, S. (1980), Adv. Appl. Probab. 12(2), 475–490; Daniels, H. E. (1987),
//!   Int. Stat. Rev. 55(1), 37–48, eq. (4.4) (the saddlepoint regime).

use crate::error::LawError;
use crate::special::{
    log1m_exp, log_add_exp, log_gamma_lr, log_gamma_ur, log_ndtr, log_ndtr_sf, log_poisson_pmf,
};

use std::f64::consts::LN_2;

/// ln of the relative size below which the rest of a mixture is dropped (2^-58 ≈ 3.5e-18).
const LN_TRUNCATION: f64 = -58.0 * std::f64::consts::LN_2;
/// Linear-scale truncation for the density sum.
const DENSITY_TRUNCATION: f64 = 3.5e-18;
/// How often the log-space walks recompute their Poisson kernels from scratch (bounds drift).
const ANCHOR_EVERY: u64 = 64;
/// Above this `a + (D - a)/2` (the gamma shape plus the index of the largest mixture term,
/// [`Geometry`]) the exact sums would need more than about 10^4 terms: the asymptotic regimes
/// take over, where the saddlepoint is accurate to O(1/index²).
const MIXTURE_MAX_INDEX: f64 = 1e6;
/// From this large-deviation exponent `I` (nats) on, the tail comes from the closed-form
/// first-order saddlepoint: its neglected terms are O(1/I) relative in the tail, so below
/// 1e-14 relative in `ln` of it.
const FAR_TAIL_EXPONENT: f64 = 1e7;
/// From this exponent on the far-tail expansion is used whatever the parameters: its error,
/// at most a few hundred nats even for ν = 1e-300 (the Stirling ratio of Γ(ν/2)), is below
/// 1e-14 of `I`, while the exact sums would subtract logarithms of size `I` (and lose all
/// their digits when `I` exceeds 1/ε).
const HOPELESS_TAIL_EXPONENT: f64 = 1e17;
/// In [`Geometry::far_tail`], the largest `|û|/|ŵ|³` for which the expansion is used.
const DEGENERATE_RATIO: f64 = 0.5;
/// Below this `|ŵ|` the Lugannani–Rice bracket comes from its expansion around the mean.
const NEAR_MEAN_ROOT: f64 = 1e-3;
/// ½ ln(2π).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// Safety cap on the number of mixture terms per direction. The CDF sums stay far below it
/// (they run only while `a + j* ≤ MIXTURE_MAX_INDEX`); the density sum reaches it only for
/// `λx` beyond ~1e28.
const MAX_TERMS: u64 = 1 << 24;

/// Scaled non-central chi-squared law `s · χ'²_ν(λ)` with location 0.
///
/// # Formula
/// ```text
/// F(x)     = Σ_{j≥0} Pois(j; λ/2) · P(ν/2 + j, x/(2s))
/// 1 - F(x) = Σ_{j≥0} Pois(j; λ/2) · Q(ν/2 + j, x/(2s))
/// f(x)     = (1/(2s)) Σ_{j≥0} Pois(j; λ/2) · y^(ν/2+j-1) e^(-y) / Γ(ν/2+j),   y = x/(2s)
/// ```
/// where ν = `dof`, λ = `noncentrality`, s = `scale`, and P, Q are the regularized lower and
/// upper incomplete gamma functions. λ = 0 is the central (scaled) chi-squared law.
///
/// # Reference
/// Benton & Krishnamoorthy (2003), Comput. Stat. Data Anal. 43(2), 249–267; Johnson, Kotz &
/// Balakrishnan (1995), vol. 2, ch. 29.
///
/// # Examples
/// ```
/// use ibits_stats::Ncx2;
/// let law = Ncx2::new(1000.0, 1000.0).unwrap();
/// // docs/design.md §8: -ln F(300) = 622.5222 nats (scipy returns -inf here).
/// assert!((law.log_cdf(300.0) + 622.5222).abs() < 1e-4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ncx2 {
    dof: f64,
    noncentrality: f64,
    scale: f64,
}

impl Ncx2 {
    /// The unscaled law `χ'²_ν(λ)` (s = 1).
    ///
    /// # Errors
    /// [`LawError::Dof`] unless `dof` is finite and > 0; [`LawError::Noncentrality`] unless
    /// `noncentrality` is finite and ≥ 0.
    pub fn new(dof: f64, noncentrality: f64) -> Result<Self, LawError> {
        Self::scaled(dof, noncentrality, 1.0)
    }

    /// The scaled law `s · χ'²_ν(λ)`.
    ///
    /// # Errors
    /// [`LawError::Dof`] unless `dof` is finite and > 0; [`LawError::Noncentrality`] unless
    /// `noncentrality` is finite and ≥ 0; [`LawError::Scale`] unless `scale` is finite and > 0.
    pub fn scaled(dof: f64, noncentrality: f64, scale: f64) -> Result<Self, LawError> {
        if !(dof.is_finite() && dof > 0.0) {
            return Err(LawError::Dof(dof));
        }
        if !(noncentrality.is_finite() && noncentrality >= 0.0) {
            return Err(LawError::Noncentrality(noncentrality));
        }
        if !(scale.is_finite() && scale > 0.0) {
            return Err(LawError::Scale(scale));
        }
        Ok(Self {
            dof,
            noncentrality,
            scale,
        })
    }

    /// Degrees of freedom ν.
    pub fn dof(&self) -> f64 {
        self.dof
    }

    /// Non-centrality λ.
    pub fn noncentrality(&self) -> f64 {
        self.noncentrality
    }

    /// Scale s.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Mean `s (ν + λ)`.
    ///
    /// # Formula
    /// ```text
    /// E[X] = s (ν + λ)
    /// ```
    ///
    /// # Reference
    /// Johnson, Kotz & Balakrishnan (1995), vol. 2, eq. 29.5.
    pub fn mean(&self) -> f64 {
        self.scale * (self.dof + self.noncentrality)
    }

    /// Variance `2 s² (ν + 2λ)`.
    ///
    /// # Formula
    /// ```text
    /// Var[X] = 2 s² (ν + 2λ)
    /// ```
    ///
    /// # Reference
    /// Johnson, Kotz & Balakrishnan (1995), vol. 2, eq. 29.5.
    pub fn variance(&self) -> f64 {
        2.0 * self.scale * self.scale * (self.dof + 2.0 * self.noncentrality)
    }

    /// Natural logarithm of the lower-tail probability, ln F(x) = ln P(X ≤ x) (nats).
    ///
    /// # Formula
    /// ```text
    /// ln F(x) = ln Σ_j Pois(j; λ/2) P(ν/2 + j, x/(2s))        (x < s(ν+λ))
    /// ln F(x) = ln(1 - e^(ln(1 - F(x))))                       (otherwise)
    /// ```
    ///
    /// # Reference
    /// Benton & Krishnamoorthy (2003), §2 (summation outward from the largest term).
    ///
    /// # Remarks
    /// `x ≤ 0` gives `-∞`, `x = +∞` gives 0, NaN gives NaN. Relative accuracy about 1e-13 in
    /// `ln F` wherever it is finite in f64 (tested against 50-digit references down to
    /// `ln F ≈ -1e6`), never `-∞` where F > 0 unless `x/(2s)` itself underflows. Bounded work
    /// for every finite input (at most about a millisecond; the module documentation gives
    /// the regimes).
    pub fn log_cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= 0.0 {
            return f64::NEG_INFINITY;
        }
        if x == f64::INFINITY {
            return 0.0;
        }
        match self.tails(x) {
            Tails::Lower(log_cdf) | Tails::Both { log_cdf, .. } => log_cdf,
            Tails::Upper(log_sf) => log1m_exp(log_sf),
            Tails::Central { a, y } => log_gamma_lr(a, y),
        }
    }

    /// Natural logarithm of the upper-tail probability, ln(1 - F(x)) = ln P(X > x) (nats).
    ///
    /// # Formula
    /// ```text
    /// ln(1 - F(x)) = ln Σ_j Pois(j; λ/2) Q(ν/2 + j, x/(2s))     (x ≥ s(ν+λ))
    /// ln(1 - F(x)) = ln(1 - e^(ln F(x)))                         (otherwise)
    /// ```
    ///
    /// # Reference
    /// Benton & Krishnamoorthy (2003), §2.
    ///
    /// # Remarks
    /// `x ≤ 0` gives 0, `x = +∞` gives `-∞`, NaN gives NaN. Same accuracy as
    /// [`log_cdf`](Self::log_cdf).
    pub fn log_sf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= 0.0 {
            return 0.0;
        }
        if x == f64::INFINITY {
            return f64::NEG_INFINITY;
        }
        match self.tails(x) {
            Tails::Upper(log_sf) | Tails::Both { log_sf, .. } => log_sf,
            Tails::Lower(log_cdf) => log1m_exp(log_cdf),
            Tails::Central { a, y } => log_gamma_ur(a, y),
        }
    }

    /// Natural logarithm of the density, ln f(x).
    ///
    /// # Formula
    /// ```text
    /// f(x) = (1/(2s)) Σ_j Pois(j; μ) y^(a+j-1) e^(-y) / Γ(a+j),   a = ν/2, μ = λ/2, y = x/(2s)
    /// term_(j+1) / term_j = μ y / ((j+1)(a+j))
    /// ```
    ///
    /// # Reference
    /// Johnson, Kotz & Balakrishnan (1995), vol. 2, eq. 29.4.
    ///
    /// # Remarks
    /// `x < 0` and `x = +∞` give `-∞`. At `x = 0` the density is `+∞` for ν < 2,
    /// `e^(-λ/2)/(2s)` for ν = 2 and 0 for ν > 2. Costs O(√(number of significant terms))
    /// multiplications plus two Poisson kernels; the terms are exact ratios, so the relative
    /// error of `f` is a few ulps per term (tested: integrates to the CDF within 1e-11).
    pub fn log_pdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if x < 0.0 || x == f64::INFINITY {
            return f64::NEG_INFINITY;
        }
        let (a, mu) = self.gamma_parameters();
        let ln_jacobian = -(2.0 * self.scale).ln();
        let y = 0.5 * (x / self.scale);
        if y == 0.0 {
            return if a < 1.0 {
                f64::INFINITY
            } else if a == 1.0 {
                ln_jacobian - mu
            } else {
                f64::NEG_INFINITY
            };
        }
        ln_jacobian + log_density_mixture(a, mu, y)
    }

    /// `(a, μ) = (ν/2, λ/2)`: the gamma shape of the central part and the Poisson mean.
    fn gamma_parameters(&self) -> (f64, f64) {
        (0.5 * self.dof, 0.5 * self.noncentrality)
    }

    /// The tail(s) computed directly at `0 < x < ∞`, by regime (module documentation): the
    /// exact sums while they need few terms, else the far-tail expansion, the normal limit or
    /// the generalized chi-squared saddlepoint.
    fn tails(&self, x: f64) -> Tails {
        let z = x / self.scale;
        let y = 0.5 * z;
        let (a, mu) = self.gamma_parameters();
        if y == f64::INFINITY {
            // x/s beyond f64: 1 - F is below e^(-10^307).
            return Tails::Upper(f64::NEG_INFINITY);
        }
        if y == 0.0 {
            return Tails::Lower(f64::NEG_INFINITY);
        }
        let geometry = Geometry::new(a, mu, y);
        if geometry.exponent >= HOPELESS_TAIL_EXPONENT {
            return geometry.far_tail();
        }
        if a + geometry.peak_index <= MIXTURE_MAX_INDEX {
            return if mu == 0.0 {
                Tails::Central { a, y }
            } else if y < a + mu {
                // The tail below the mean is the smaller one unless the law is very skewed (ν
                // and λ tiny: F ≈ e^(-λ/2) below the mean); then ln F ≈ 0 carries only the
                // absolute accuracy of its terms, and 1 - F is summed instead.
                let lower = log_lower_mixture(a, mu, y);
                if lower > -LN_2 {
                    Tails::Upper(log_upper_mixture(a, mu, y))
                } else {
                    Tails::Lower(lower)
                }
            } else {
                let upper = log_upper_mixture(a, mu, y);
                if upper > -LN_2 {
                    Tails::Lower(log_lower_mixture(a, mu, y))
                } else {
                    Tails::Upper(upper)
                }
            };
        }
        if geometry.exponent >= FAR_TAIL_EXPONENT {
            geometry.far_tail()
        } else {
            geometry.lugannani_rice(a, mu)
        }
    }
}

/// Which tail [`Ncx2::tails`] computed; the other is `ln(1 - e^l)` of it.
enum Tails {
    /// `ln F`.
    Lower(f64),
    /// `ln(1 - F)`.
    Upper(f64),
    /// Both, from one approximation.
    Both { log_cdf: f64, log_sf: f64 },
    /// The central law: `ln P(a, y)` and `ln Q(a, y)`, each computed directly when asked for.
    Central { a: f64, y: f64 },
}

/// The saddlepoint of the law of `y = x/(2s)` in closed form. With `q = 1 - t`,
///
/// ```text
/// K(t) = -a ln q + μ t/q,   K'(t̂) = a/q̂ + μ/q̂² = y   =>   1/q̂ = 2y/(a + D),   D = √(a² + 4μy)
/// ρ = t̂/q̂ = 1/q̂ - 1 = (2y/(a + D)) (y - a - μ)/(y + (D - a)/2)
/// I = t̂ y - K(t̂) = a (ρ - ln(1 + ρ)) + μ ρ²,   û = t̂ √K''(t̂) = ρ √D   (q̂² K''(t̂) = D)
/// ```
///
/// and `(D - a)/2 = 2μy/(a + D)` is also the index of the largest term of the density mixture
/// (the peak of `Pois(j; μ) y^j/Γ(a+j)`), which sets the cost of the exact sums.
struct Geometry {
    /// `(D - a)/2`.
    peak_index: f64,
    /// `ρ = t̂/q̂` (< 0 below the mean).
    rho: f64,
    /// `D`.
    d: f64,
    /// The large-deviation exponent `I = -(Chernoff bound on ln of the tail)`, ≥ 0.
    exponent: f64,
    /// For `|ρ| < ½`: `(ŵ, û/ŵ - 1)`, the latter without cancellation (see [`Geometry::new`]).
    near_mean: Option<(f64, f64)>,
}

impl Geometry {
    /// The saddlepoint quantities at `y`. Near the mean (`|ρ| < ½`), with
    /// `g(ρ) = (ρ - ln(1+ρ))/ρ² = Σ_{k≥2} (-ρ)^(k-2)/k` and `E = 2(a g + μ)`:
    ///
    /// ```text
    /// I = ρ² E/2,   ŵ = ρ √E,   D = a + 2μ(1+ρ)   (since y = a(1+ρ) + μ(1+ρ)²)
    /// D - E = a (1 - 2g) + 2μρ,   û/ŵ - 1 = √(D/E) - 1 = (D - E)/(√E (√D + √E))
    /// ```
    ///
    /// where `1 - 2g = Σ_{k≥3} 2 (-1)^(k+1) ρ^(k-2)/k` and `2μρ` have the sign of `ρ`, so
    /// `û - ŵ` keeps full relative accuracy (the Lugannani–Rice bracket is a difference of
    /// `1/ŵ` and `1/û` that are both far larger than it near the mean).
    fn new(a: f64, mu: f64, y: f64) -> Self {
        let s = 2.0 * mu.sqrt() * y.sqrt();
        let d = a.hypot(s);
        let half_sum = 0.5 * a + 0.5 * d;
        let peak_index = if s == 0.0 {
            0.0
        } else {
            (s / (a + d)) * (0.5 * s)
        };
        let inv_q = y / half_sum;
        // y - a - μ with the larger part subtracted first (exact by Sterbenz's lemma when y is
        // within a factor 2 of it), so the displacement from the mean is not rounded away.
        let displacement = if mu > a { (y - mu) - a } else { (y - a) - mu };
        let rho_near_mean = inv_q * (displacement / (y + peak_index));
        if rho_near_mean.abs() < 0.5 {
            let rho = rho_near_mean;
            let (g, one_minus_2g) = log1p_remainders(rho);
            let e = 2.0 * (a * g + mu);
            let w = rho * e.sqrt();
            let root_e = e.sqrt();
            let u_over_w_minus_1 =
                (a * one_minus_2g + 2.0 * mu * rho) / (root_e * (d.sqrt() + root_e));
            return Self {
                peak_index,
                rho,
                d,
                exponent: 0.5 * w * w,
                near_mean: Some((w, u_over_w_minus_1)),
            };
        }
        let rho = inv_q - 1.0;
        let ln_inv_q = if inv_q.is_normal() {
            inv_q.ln()
        } else {
            y.ln() - half_sum.ln()
        };
        let root_mu_rho = mu.sqrt() * rho;
        let exponent = a * (rho - ln_inv_q) + root_mu_rho * root_mu_rho;
        Self {
            peak_index,
            rho,
            d,
            exponent,
            near_mean: None,
        }
    }

    /// Both tails from the second-order Lugannani–Rice formula (the formula of
    /// [`Gx2::saddlepoint`](crate::Gx2::saddlepoint), here with the root in closed form and
    /// `ρ` computed from `y - a - μ` directly, so that a displacement from the mean of one
    /// part in 10^16 still counts):
    ///
    /// ```text
    /// ŵ = sign(ρ) √(2I),   û = ρ √D,   λ3 = (3D - a)/D^(3/2),   λ4 = (12D - 6a)/D²
    /// F ≈ Φ(ŵ) + φ(ŵ) [1/ŵ - 1/û - ((λ4/8 - 5λ3²/24)/û - λ3/(2û²) - 1/û³ + 1/ŵ³)]
    /// ```
    ///
    /// evaluated as `ln Φ(ŵ) + ln(1 + bracket φ(ŵ)/Φ(ŵ))` (and the mirror image for `1 - F`),
    /// with the bracket expanded around the mean for `|ŵ| < 1e-3` from the cumulants
    /// `κ_r = (r-1)! (a + rμ)`, and Barndorff-Nielsen's `r* = ŵ + ln(û/ŵ)/ŵ` if the bracket
    /// makes the tail non-positive.
    fn lugannani_rice(&self, a: f64, mu: f64) -> Tails {
        let (w, u_over_w_minus_1) = match self.near_mean {
            Some((w, ratio)) => (w, Some(ratio)),
            None => (self.rho.signum() * (2.0 * self.exponent).sqrt(), None),
        };
        let ln_phi = -self.exponent - LN_SQRT_2PI;
        if w.abs() < NEAR_MEAN_ROOT {
            let bracket = near_mean_bracket(a, mu, w);
            let cdf = log_ndtr(w).exp() + ln_phi.exp() * bracket;
            let sf = log_ndtr_sf(w).exp() - ln_phi.exp() * bracket;
            return Tails::Both {
                log_cdf: cdf.ln(),
                log_sf: sf.ln(),
            };
        }
        let root_d = self.d.sqrt();
        let u = self.rho * root_d;
        let ratio = a / self.d;
        let lambda3 = (3.0 - ratio) / root_d;
        let lambda4 = (12.0 - 6.0 * ratio) / self.d;
        // 1/ŵ - 1/û = (û/ŵ - 1)/û, and 1/ŵ³ - 1/û³ = (1/ŵ - 1/û)(1/ŵ² + 1/(ŵû) + 1/û²).
        let (inv_w_minus_inv_u, inv_w3_minus_inv_u3) = match u_over_w_minus_1 {
            Some(r) => {
                let difference = r / u;
                (
                    difference,
                    difference * (1.0 / (w * w) + 1.0 / (w * u) + 1.0 / (u * u)),
                )
            }
            None => (1.0 / w - 1.0 / u, 1.0 / (w * w * w) - 1.0 / (u * u * u)),
        };
        let bracket = inv_w_minus_inv_u - (lambda4 / 8.0 - 5.0 * lambda3 * lambda3 / 24.0) / u
            + lambda3 / (2.0 * u * u)
            - inv_w3_minus_inv_u3;
        // The tail on w's side: Φ(-|w|) ± φ(w) bracket.
        let (ln_normal_tail, signed_bracket) = if w < 0.0 {
            (log_ndtr(w), bracket)
        } else {
            (log_ndtr_sf(w), -bracket)
        };
        let correction = signed_bracket * (ln_phi - ln_normal_tail).exp();
        let log_tail = if correction > -1.0 && correction.is_finite() {
            ln_normal_tail + correction.ln_1p()
        } else {
            let r_star = w + (u / w).ln() / w;
            log_ndtr(-r_star.abs())
        };
        if w < 0.0 {
            Tails::Lower(log_tail)
        } else {
            Tails::Upper(log_tail)
        }
    }

    /// The tail on `ρ`'s side from the first-order Lugannani–Rice formula with Mills' ratio
    /// expanded (`|ŵ| = √(2I)` large):
    ///
    /// ```text
    /// tail ≈ φ(ŵ) (1/|û| - 1/|ŵ|³),   ln tail = -I - ½ ln(2π) - ln|û| + ln(1 - |û|/|ŵ|³)
    /// ```
    fn far_tail(&self) -> Tails {
        let ln_abs_u = self.rho.abs().ln() + 0.5 * self.d.ln();
        let abs_w = (2.0 * self.exponent).sqrt();
        let ratio = ln_abs_u.exp() / (abs_w * abs_w * abs_w);
        let log_tail = if ratio < DEGENERATE_RATIO {
            -self.exponent - LN_SQRT_2PI - ln_abs_u + (-ratio).ln_1p()
        } else {
            // |û| ≳ |ŵ|³: a degenerate law (ν and λ both tiny, D ≪ 1), reached only with
            // I ≥ HOPELESS_TAIL_EXPONENT, where any O(ln I) term is below 1e-14 of I.
            -self.exponent - LN_SQRT_2PI - abs_w.ln()
        };
        if self.rho < 0.0 {
            Tails::Lower(log_tail)
        } else {
            Tails::Upper(log_tail)
        }
    }
}

/// The Lugannani–Rice bracket expanded around the mean (as in the generalized chi-squared
/// saddlepoint), with the standardized cumulants `λ_r = κ_r/κ_2^(r/2)`, `κ_r = (r-1)! (a + rμ)`:
///
/// ```text
/// bracket = λ3/6 - λ5/40 + 5λ3λ4/48 - 35λ3³/432
///         + ŵ (λ4/8 - 5λ3²/24 - λ6/48 + 35λ4²/384 - 35λ3²λ4/64 + 7λ3λ5/48 + 385λ3⁴/1152)
/// ```
fn near_mean_bracket(a: f64, mu: f64, w: f64) -> f64 {
    let k2 = a + 2.0 * mu;
    let root_k2 = k2.sqrt();
    // λ_r = (r-1)! (a + rμ)/κ2^(r/2), as (r-1)! ((a + rμ)/κ2)/κ2^(r/2 - 1).
    let lambda = |r: f64, factorial: f64| factorial * ((a + r * mu) / k2) / root_k2.powf(r - 2.0);
    let (l3, l4, l5, l6) = (
        lambda(3.0, 2.0),
        lambda(4.0, 6.0),
        lambda(5.0, 24.0),
        lambda(6.0, 120.0),
    );
    let constant = l3 / 6.0 - l5 / 40.0 + 5.0 * l3 * l4 / 48.0 - 35.0 * l3 * l3 * l3 / 432.0;
    let linear = l4 / 8.0 - 5.0 * l3 * l3 / 24.0 - l6 / 48.0 + 35.0 * l4 * l4 / 384.0
        - 35.0 * l3 * l3 * l4 / 64.0
        + 7.0 * l3 * l5 / 48.0
        + 385.0 * l3.powi(4) / 1152.0;
    constant + linear * w
}

/// A sum of positive terms held as `e^reference · scaled`, so that terms given by their
/// logarithms can be added without overflow or underflow.
struct LogSum {
    reference: f64,
    scaled: f64,
}

impl LogSum {
    fn new(first: f64) -> Self {
        Self {
            reference: first,
            scaled: 1.0,
        }
    }

    fn add(&mut self, ln_term: f64) {
        if ln_term > self.reference {
            self.scaled = self.scaled * (self.reference - ln_term).exp() + 1.0;
            self.reference = ln_term;
        } else {
            self.scaled += (ln_term - self.reference).exp();
        }
    }

    fn ln(&self) -> f64 {
        self.reference + self.scaled.ln()
    }
}

/// ln of the geometric tail factor `ρ/(1-ρ)` for `0 < ρ < 1`.
fn ln_geometric_tail(rho: f64) -> f64 {
    rho.ln() - (-rho).ln_1p()
}

/// ln Σ_j Pois(j; μ) P(a+j, y) for μ > 0 (see the module documentation).
fn log_lower_mixture(a: f64, mu: f64, y: f64) -> f64 {
    // Upper bound on the ratio of successive terms above j.
    let ratio_bound = |j: f64| mu / (j + 1.0) * (y / (a + j + 1.0)).min(1.0);

    // First index from which the bound is below 1 (ρ decreases with j).
    let from_poisson = (mu - 1.0).max(0.0).floor();
    let from_gamma = (0.5 * ((a * a + 4.0 * mu * y).sqrt() - a) - 1.0)
        .max(0.0)
        .floor();
    let mut start = from_poisson.min(from_gamma);
    while start > 0.0 && ratio_bound(start - 1.0) < 1.0 {
        start -= 1.0;
    }
    while ratio_bound(start) >= 1.0 {
        start += 1.0;
    }

    // Top index: the terms above it sum to less than 2^-58 of the term at `start` ≤ F.
    let mut top = start;
    let mut ln_decay = 0.0;
    for _ in 0..MAX_TERMS {
        let rho = ratio_bound(top);
        if ln_decay + ln_geometric_tail(rho) < LN_TRUNCATION {
            break;
        }
        ln_decay += rho.ln();
        top += 1.0;
    }

    // Walk down from the top with P(b) = P(b+1) + k(b), k(b) = y^b e^(-y) / Γ(b+1).
    let mut j = top;
    let mut ln_p = log_gamma_lr(a + j, y);
    let mut ln_weight = log_poisson_pmf(j, mu);
    let mut ln_kernel = log_poisson_pmf(a + j, y);
    let mut sum = LogSum::new(ln_weight + ln_p);
    let ln_y = y.ln();
    let ln_mu = mu.ln();
    for step in 1..=MAX_TERMS {
        if j == 0.0 {
            break;
        }
        // k(a+j-1) = k(a+j) (a+j)/y
        let ln_kernel_below = if step % ANCHOR_EVERY == 0 {
            log_poisson_pmf(a + (j - 1.0), y)
        } else {
            ln_kernel + (a + j).ln() - ln_y
        };
        // Every remaining ratio T_(i-1)/T_i, i ≤ j, is at most (j/μ)(1 + k(a+j-1)/P(a+j)).
        let rho = j / mu * (1.0 + (ln_kernel_below - ln_p).exp());
        if rho < 1.0 && ln_weight + ln_p + ln_geometric_tail(rho) < sum.ln() + LN_TRUNCATION {
            break;
        }
        ln_p = log_add_exp(ln_p, ln_kernel_below);
        ln_kernel = ln_kernel_below;
        ln_weight = if step % ANCHOR_EVERY == 0 {
            log_poisson_pmf(j - 1.0, mu)
        } else {
            ln_weight + j.ln() - ln_mu
        };
        j -= 1.0;
        sum.add(ln_weight + ln_p);
    }
    sum.ln()
}

/// ln Σ_j Pois(j; μ) Q(a+j, y) for μ > 0 (see the module documentation).
fn log_upper_mixture(a: f64, mu: f64, y: f64) -> f64 {
    // Upper bound on the ratio T_(j-1)/T_j of successive terms below j (j ≥ 1). The shape
    // a + (j - 1) is grouped so that at j = 1 it is a, not (a + 1) - 1 = 0 for a < ε/2 (which
    // would drop the j = 0 term, Q(a, y) ≈ a E1(y), as large as the j = 1 term when a ≈ μ).
    let ratio_bound = |j: f64| j / mu * ((a + (j - 1.0)) / y).min(1.0);

    // Last index up to which the bound is below 1 (it increases with j).
    let from_poisson = mu.ceil();
    let from_gamma = (0.5 * ((1.0 - a) + ((a - 1.0) * (a - 1.0) + 4.0 * mu * y).sqrt())).ceil();
    let mut start = from_poisson.max(from_gamma);
    while start > 0.0 && ratio_bound(start) >= 1.0 {
        start -= 1.0;
    }
    while ratio_bound(start + 1.0) < 1.0 {
        start += 1.0;
    }

    // Bottom index: the terms below it sum to less than 2^-58 of the term at `start` ≤ 1 - F.
    let mut bottom = start;
    let mut ln_decay = 0.0;
    for _ in 0..MAX_TERMS {
        if bottom == 0.0 {
            break;
        }
        let rho = ratio_bound(bottom);
        if ln_decay + ln_geometric_tail(rho) < LN_TRUNCATION {
            break;
        }
        ln_decay += rho.ln();
        bottom -= 1.0;
    }

    // Walk up from the bottom with Q(b+1) = Q(b) + k(b), k(b) = y^b e^(-y) / Γ(b+1).
    let mut j = bottom;
    let mut ln_q = log_gamma_ur(a + j, y);
    let mut ln_weight = log_poisson_pmf(j, mu);
    let mut ln_kernel = log_poisson_pmf(a + j, y);
    let mut sum = LogSum::new(ln_weight + ln_q);
    let ln_y = y.ln();
    let ln_mu = mu.ln();
    for step in 1..=MAX_TERMS {
        // Every remaining ratio T_(i+1)/T_i, i ≥ j, is at most μ/(j+1) (1 + k(a+j)/Q(a+j))
        // (k(b)/Q(b) decreases with b).
        let rho = mu / (j + 1.0) * (1.0 + (ln_kernel - ln_q).exp());
        if rho < 1.0 && ln_weight + ln_q + ln_geometric_tail(rho) < sum.ln() + LN_TRUNCATION {
            break;
        }
        ln_q = log_add_exp(ln_q, ln_kernel);
        ln_weight = if step % ANCHOR_EVERY == 0 {
            log_poisson_pmf(j + 1.0, mu)
        } else {
            ln_weight + ln_mu - (j + 1.0).ln()
        };
        ln_kernel = if step % ANCHOR_EVERY == 0 {
            log_poisson_pmf(a + j + 1.0, y)
        } else {
            ln_kernel + ln_y - (a + j + 1.0).ln()
        };
        j += 1.0;
        sum.add(ln_weight + ln_q);
    }
    sum.ln()
}

/// ln Σ_j Pois(j; μ) y^(a+j-1) e^(-y)/Γ(a+j) for y > 0 (the density without the 1/(2s)).
fn log_density_mixture(a: f64, mu: f64, y: f64) -> f64 {
    // Largest term: first j with (j+1)(a+j) > μy.
    let discriminant = (a - 1.0) * (a - 1.0) + 4.0 * mu * y;
    let mode = (0.5 * (discriminant.sqrt() - (a + 1.0))).ceil().max(0.0);
    // ln of the term at the mode: Pois(mode; μ) · k(a+mode) · (a+mode)/y.
    let ln_mode_term =
        log_poisson_pmf(mode, mu) + log_poisson_pmf(a + mode, y) + (a + mode).ln() - y.ln();
    let mut sum = 1.0;

    // Upward: term_(j+1)/term_j = (μ/(j+1)) (y/(a+j)), decreasing in j.
    let mut term = 1.0;
    let mut j = mode;
    for _ in 0..MAX_TERMS {
        let ratio = mu / (j + 1.0) * (y / (a + j));
        if ratio < 1.0 && term * ratio <= DENSITY_TRUNCATION * sum * (1.0 - ratio) {
            break;
        }
        term *= ratio;
        j += 1.0;
        sum += term;
    }

    // Downward: term_(j-1)/term_j = (j/μ) ((a+j-1)/y), decreasing as j decreases.
    let mut term = 1.0;
    let mut j = mode;
    for _ in 0..MAX_TERMS {
        if j == 0.0 {
            break;
        }
        let ratio = j / mu * ((a + (j - 1.0)) / y);
        if ratio < 1.0 && term * ratio <= DENSITY_TRUNCATION * sum * (1.0 - ratio) {
            break;
        }
        term *= ratio;
        j -= 1.0;
        sum += term;
    }
    ln_mode_term + sum.ln()
}

/// `(g, 1 - 2g)` with `g(ρ) = (ρ - ln(1 + ρ))/ρ²` for `|ρ| < ½`, from the series
///
/// ```text
/// g(ρ) = Σ_{k≥2} (-ρ)^(k-2)/k = ½ - ρ/3 + ρ²/4 - ...
/// 1 - 2g(ρ) = Σ_{k≥3} 2 (-1)^(k+1) ρ^(k-2)/k = 2ρ/3 - ρ²/2 + 2ρ³/5 - ...
/// ```
///
/// (the Mercator series of `ln(1 + ρ)`), each summed without cancellation in its leading term.
fn log1p_remainders(rho: f64) -> (f64, f64) {
    let mut power = -rho; // (-ρ)^(k-2) at k = 3
    let mut tail = 0.0; // Σ_{k≥3} (-ρ)^(k-2)/k
                        // |ρ| < ½: 60 terms reach 2^-60.
    for k in 3..64 {
        let term = power / f64::from(k);
        tail += term;
        if term.abs() <= 1e-17 * tail.abs() {
            break;
        }
        power *= -rho;
    }
    (0.5 + tail, -2.0 * tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    // docs/design.md §8, nats: (df, nc, x, -ln F) as printed (4 decimals).
    #[rustfmt::skip]
    const DESIGN_NATS: [(f64, f64, f64, f64); 6] = [
        (10.0,    5.0,    2.0,    7.7151),
        (100.0,   20.0,   50.0,   17.2494),
        (1000.0,  200.0,  500.0,  152.2919),
        (1000.0,  1000.0, 300.0,  622.5222),
        (10000.0, 2000.0, 5000.0, 1492.5646),
        (10000.0, 2000.0, 2000.0, 4855.9917),
    ];

    // docs/design.md §8, bits: (df, nc, x, -log2 F) as printed (2 decimals).
    #[rustfmt::skip]
    const DESIGN_BITS: [(f64, f64, f64, f64); 5] = [
        (200.0,  100.0, 5.0,   466.50),
        (1000.0, 500.0, 240.0, 765.44),
        (1000.0, 500.0, 150.0, 1069.45),
        (400.0,  50.0,  2.0,   1282.70),
        (400.0,  50.0,  0.1,   2145.90),
    ];

    #[test]
    fn design_table_in_nats_at_printed_precision() {
        for (df, nc, x, want) in DESIGN_NATS {
            let got = -Ncx2::new(df, nc).unwrap().log_cdf(x);
            assert!(
                (got - want).abs() <= 0.5e-4,
                "({df}, {nc}, {x}): {got} vs {want}"
            );
        }
    }

    #[test]
    fn design_table_in_bits_at_printed_precision() {
        for (df, nc, x, want) in DESIGN_BITS {
            let got = -Ncx2::new(df, nc).unwrap().log_cdf(x) / std::f64::consts::LN_2;
            assert!(
                (got - want).abs() <= 0.5e-2,
                "({df}, {nc}, {x}): {got} vs {want}"
            );
        }
    }

    #[test]
    fn constructor_rejects_out_of_domain_parameters() {
        assert_eq!(Ncx2::new(0.0, 1.0), Err(LawError::Dof(0.0)));
        assert!(matches!(Ncx2::new(f64::NAN, 1.0), Err(LawError::Dof(_))));
        assert_eq!(Ncx2::new(1.0, -1.0), Err(LawError::Noncentrality(-1.0)));
        assert_eq!(
            Ncx2::new(1.0, f64::INFINITY),
            Err(LawError::Noncentrality(f64::INFINITY))
        );
        assert_eq!(Ncx2::scaled(1.0, 1.0, 0.0), Err(LawError::Scale(0.0)));
        assert!(Ncx2::scaled(1.0, 0.0, 2.0).is_ok());
    }

    #[test]
    fn edge_arguments() {
        let law = Ncx2::new(3.0, 2.0).unwrap();
        assert_eq!(law.log_cdf(0.0), f64::NEG_INFINITY);
        assert_eq!(law.log_cdf(-1.0), f64::NEG_INFINITY);
        assert_eq!(law.log_cdf(f64::INFINITY), 0.0);
        assert_eq!(law.log_sf(0.0), 0.0);
        assert_eq!(law.log_sf(f64::INFINITY), f64::NEG_INFINITY);
        assert!(law.log_cdf(f64::NAN).is_nan());
        assert_eq!(law.log_pdf(-1.0), f64::NEG_INFINITY);
        assert_eq!(law.log_pdf(0.0), f64::NEG_INFINITY);
        assert_eq!(Ncx2::new(1.0, 2.0).unwrap().log_pdf(0.0), f64::INFINITY);
        // ν = 2: f(0) = e^(-λ/2)/2.
        let two = Ncx2::new(2.0, 3.0).unwrap();
        approx::assert_relative_eq!(two.log_pdf(0.0), -1.5 - 2f64.ln(), max_relative = 1e-15);
    }

    #[test]
    fn moments() {
        let law = Ncx2::scaled(4.0, 3.0, 0.5).unwrap();
        approx::assert_relative_eq!(law.mean(), 3.5);
        approx::assert_relative_eq!(law.variance(), 2.0 * 0.25 * 10.0);
    }
}
