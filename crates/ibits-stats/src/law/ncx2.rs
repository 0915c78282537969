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

use crate::error::LawError;
use crate::special::{log1m_exp, log_add_exp, log_gamma_lr, log_gamma_ur, log_poisson_pmf};

/// ln of the relative size below which the rest of a mixture is dropped (2^-58 ≈ 3.5e-18).
const LN_TRUNCATION: f64 = -58.0 * std::f64::consts::LN_2;
/// Linear-scale truncation for the density sum.
const DENSITY_TRUNCATION: f64 = 3.5e-18;
/// How often the log-space walks recompute their Poisson kernels from scratch (bounds drift).
const ANCHOR_EVERY: u64 = 64;
/// Safety cap on the number of mixture terms per direction. Reached only for x beyond ~1e19
/// with λ > 0, where the omitted terms change the logarithm by less than 1e-16 of its value.
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
    /// `ln F ≈ -1e6`), never `-∞` where F > 0 unless `x/(2s)` itself underflows.
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
        let y = 0.5 * (x / self.scale);
        let (a, mu) = self.gamma_parameters();
        if mu == 0.0 {
            return log_gamma_lr(a, y);
        }
        if y < a + mu {
            log_lower_mixture(a, mu, y)
        } else {
            log1m_exp(log_upper_mixture(a, mu, y))
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
        let y = 0.5 * (x / self.scale);
        let (a, mu) = self.gamma_parameters();
        if mu == 0.0 {
            return log_gamma_ur(a, y);
        }
        if y < a + mu {
            log1m_exp(log_lower_mixture(a, mu, y))
        } else {
            log_upper_mixture(a, mu, y)
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
            log_poisson_pmf(a + j - 1.0, y)
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
    // Upper bound on the ratio T_(j-1)/T_j of successive terms below j (j ≥ 1).
    let ratio_bound = |j: f64| j / mu * ((a + j - 1.0) / y).min(1.0);

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
        let ratio = j / mu * ((a + j - 1.0) / y);
        if ratio < 1.0 && term * ratio <= DENSITY_TRUNCATION * sum * (1.0 - ratio) {
            break;
        }
        term *= ratio;
        j -= 1.0;
        sum += term;
    }
    ln_mode_term + sum.ln()
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
