//! Ruben's series for the generalized chi-squared CDF: a mixture of central chi-squared laws
//! with positive weights, summed in log space, with its truncation bound.
//!
//! ```text
//! F(x) = Σ_{k≥0} a_k P(M/2 + k, (x - offset)/(2β)),        0 < β ≤ min_j w_j,  M = Σ_j m_j
//! a_0 = Π_j (β/w_j)^(m_j/2) e^(-d_j/2)
//! a_k = (1/(2k)) Σ_{r=1..k} g_r a_{k-r}
//! g_r = Σ_j m_j (1 - β/w_j)^r + r β Σ_j (d_j/w_j) (1 - β/w_j)^(r-1)
//! ```
//!
//! where `P` is the regularized lower incomplete gamma function. For `β ≤ min w_j` every `a_k`
//! is positive and `Σ a_k = 1`, so the series is a probability mixture: the partial sum over
//! `k < n` is a lower bound on `F`, and since `P(a, z)` decreases in `a`,
//!
//! ```text
//! 0 ≤ F(x) - Σ_{k<n} a_k P(M/2 + k, z) ≤ (1 - Σ_{k<n} a_k) · P(M/2 + n, z)
//! ```
//!
//! (Ruben 1962, §3). The coefficients are kept relative to `a_0` with a running log scale (so
//! `a_0 = e^(-10^5)` is no problem), and the terms are added with log-sum-exp. Every term is
//! positive, so the sum is exact to rounding at any depth; the series converges fast in the
//! lower tail and slowly when the weights are spread over many orders of magnitude.
//!
//! # Skipping
//! Summing costs `O(n · terms + n²)`, so before summing, a bound decides whether the series can
//! converge at all within `n = max_terms` terms. The coefficients are the distribution of a
//! mixture index `K` with generating function
//!
//! ```text
//! G(s) = Σ_k a_k s^k = Π_j ((1 - ρ_j)/(1 - ρ_j s))^(m_j/2) · exp(-(d_j/2)(1 - s)/(1 - ρ_j s)),
//! ρ_j = 1 - β/w_j
//! ```
//!
//! so `P[K ≤ n-1] ≤ G(s) s^-(n-1)` for any `s ∈ (0, 1]` (Chernoff; the best `s` solves
//! `s G'(s)/G(s) = n - 1`, found by bisection in `ln s`). Every remainder bound
//! within the budget is at least `(1 - P[K ≤ n-1]) · P(M/2 + n, z)`, and every partial sum at
//! most `min(e^chernoff, P[K ≤ n-1] · P(M/2, z))` (`F ≤ e^chernoff`, and `P` decreases in its
//! first argument), with closed-form bounds on the two `P` (the first term of the series of
//! `P` below, the Chernoff bound of the gamma law above); when the first exceeds `rel_tol`
//! times the second, the series is
//! not summed ([`RubenSeries::skipped`]). This is what happens, in a millisecond instead of
//! seconds, when the weights span many orders of magnitude (a Gaussian-process posterior).
//!
//! # Giving up
//! A mixture index with a heavy tail (a term of tiny multiplicity at a weight 1e270 times the
//! smallest: `P[K = 0] ≈ 1` but `E[K] ≈ 1e257`) escapes that bound, and the series would run
//! its whole budget at `O(n²)` cost without converging. So at `k = 512, 1024, 2048, ...` terms,
//! once `Σ_{i<k} a_i > ½` (past the bulk of the index), the decrease of the gap
//! `ln(remainder bound) - ln(partial sum) - ln(rel_tol)` since the previous checkpoint is
//! extrapolated linearly; if even twice the remaining budget would not close it, the series
//! stops there, not converged (its partial sum is still a certified lower bound).
//!
//! # Reference
//! - Ruben, H. (1962), "Probability content of regions under spherical normal distributions,
//!   IV: the distribution of homogeneous and non-homogeneous quadratic functions of normal
//!   variables", Ann. Math. Stat. 33(2), 542–570, eqs. (3.2)–(3.6), (4.6).
//! - Das & Geisler (2021), gx2 toolbox, `gx2cdf_ruben.m` (same recursion; `β = 0.90625 min w`).

use serde::Serialize;

use super::Gx2;
use crate::special::{ln_gamma, log1m_exp, log_add_exp, log_gamma_lr};

/// Settings of Ruben's series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RubenOptions {
    /// Most terms summed before giving up (the budget); 0 skips the series in
    /// [`Gx2::log_cdf_with`]. Each term costs `O(number of law terms + k)`.
    pub max_terms: usize,
    /// Converged when the truncation bound is at most this fraction of the partial sum.
    /// Values outside (0, 1) are replaced by the default, 1e-12.
    pub rel_tol: f64,
    /// `β = beta_fraction · min_j w_j`; must be in (0, 1] (otherwise the default 0.90625 of
    /// Davies and the gx2 toolbox is used).
    pub beta_fraction: f64,
}

impl Default for RubenOptions {
    fn default() -> Self {
        Self {
            max_terms: 10_000,
            rel_tol: 1e-12,
            beta_fraction: 0.906_25,
        }
    }
}

/// The result of Ruben's series at one point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RubenSeries {
    /// Natural log of the partial sum — a lower bound on `P[e ≤ x]`, within `rel_tol` of it
    /// when `converged`.
    pub log_cdf: f64,
    /// Natural log of the bound on the omitted terms:
    /// `P[e ≤ x] ≤ e^log_cdf + e^log_truncation_bound`.
    pub log_truncation_bound: f64,
    /// Terms summed (fewer than the budget when it converged, or when it gave up early:
    /// module documentation, "Giving up").
    pub terms: usize,
    /// Whether the truncation bound fell below `rel_tol` times the partial sum within
    /// `max_terms`.
    pub converged: bool,
    /// The `β` used.
    pub beta: f64,
    /// The series was not summed because a bound proved that it cannot converge within
    /// `max_terms` (see [`Gx2::ruben_log_cdf`]), or because its argument `(x - offset)/(2β)`
    /// is out of f64's range; then `log_cdf = -∞` (the empty sum) and
    /// `log_truncation_bound` is the Chernoff bound.
    pub skipped: bool,
}

impl Gx2 {
    /// Ruben's series for `ln P[e ≤ x]`, with its truncation bound.
    ///
    /// # Formula
    /// ```text
    /// F(x) = Σ_k a_k P(M/2 + k, (x - offset)/(2β)),   remainder after n terms
    ///        ≤ (1 - Σ_{k<n} a_k) P(M/2 + n, (x - offset)/(2β))
    /// ```
    /// with the coefficients of the module documentation.
    ///
    /// # Reference
    /// Ruben (1962), Ann. Math. Stat. 33(2), 542–570.
    ///
    /// # Remarks
    /// `x ≤ offset` gives `-∞` and `x = +∞` gives 0, both converged with 0 terms; NaN gives
    /// NaN (not converged). The partial sum is returned even when the series did not
    /// converge: it is then a certified lower bound only.
    pub fn ruben_log_cdf(&self, x: f64, options: &RubenOptions) -> RubenSeries {
        self.ruben_with_chernoff(x, options, None)
    }

    /// [`Gx2::ruben_log_cdf`] with the Chernoff bound at `x` when the caller has it.
    pub(super) fn ruben_with_chernoff(
        &self,
        x: f64,
        options: &RubenOptions,
        chernoff: Option<f64>,
    ) -> RubenSeries {
        let default = RubenOptions::default();
        let beta_fraction = if options.beta_fraction > 0.0 && options.beta_fraction <= 1.0 {
            options.beta_fraction
        } else {
            default.beta_fraction
        };
        let rel_tol = if options.rel_tol > 0.0 && options.rel_tol < 1.0 {
            options.rel_tol
        } else {
            default.rel_tol
        };
        let beta = beta_fraction * self.min_weight;
        let y = x - self.offset;
        let boundary = |log_cdf: f64, converged: bool| RubenSeries {
            log_cdf,
            log_truncation_bound: if converged {
                f64::NEG_INFINITY
            } else {
                f64::NAN
            },
            terms: 0,
            converged,
            beta,
            skipped: false,
        };
        if x.is_nan() {
            return boundary(f64::NAN, false);
        }
        if y <= 0.0 {
            return boundary(f64::NEG_INFINITY, true);
        }
        if x == f64::INFINITY {
            return boundary(0.0, true);
        }

        let half_dof = 0.5 * self.total_dof;
        let z = y / (2.0 * beta);
        // (x - offset)/(2β) out of f64's range (x 1e-300 with weights 1e300, or the reverse):
        // the series cannot be evaluated; say so rather than sum P(a, 0) = 0 or P(a, ∞) = 1.
        let unrepresentable = !(z.is_normal() && beta.is_normal());
        let cannot = if unrepresentable {
            Some(chernoff.unwrap_or_else(|| self.chernoff_log_cdf_bound(x)))
        } else {
            self.ruben_cannot_converge(x, z, beta, options, rel_tol, chernoff)
        };
        if let Some(chernoff) = cannot {
            return RubenSeries {
                log_cdf: f64::NEG_INFINITY,
                log_truncation_bound: chernoff,
                terms: 0,
                converged: false,
                beta,
                skipped: true,
            };
        }
        // ln a_0 = Σ_j (m_j/2) ln(β/w_j) - d_j/2.
        let log_a0: f64 = self
            .weights
            .iter()
            .zip(&self.multiplicities)
            .zip(&self.noncentralities)
            .map(|((&w, &m), &d)| 0.5 * m * (beta / w).ln() - 0.5 * d)
            .sum();
        // ratio_j = 1 - β/w_j, shift_j = β d_j / w_j, power_j = ratio_j^(r-1); terms sorted by
        // decreasing ratio so that those whose powers have died out (flushed to 0 below
        // POWER_FLOOR, which also keeps subnormal arithmetic out of the loop) form a suffix
        // that is dropped.
        let mut order: Vec<usize> = (0..self.weights.len()).collect();
        let ratio_of = |j: usize| (self.weights[j] - beta) / self.weights[j];
        order.sort_by(|&i, &j| ratio_of(j).total_cmp(&ratio_of(i)));
        let ratio: Vec<f64> = order.iter().map(|&j| ratio_of(j)).collect();
        let multiplicity: Vec<f64> = order.iter().map(|&j| self.multiplicities[j]).collect();
        let shift: Vec<f64> = order
            .iter()
            .map(|&j| beta * self.noncentralities[j] / self.weights[j])
            .collect();
        let mut power = vec![1.0; ratio.len()];
        let mut active = ratio.len();

        // b_k = a_k / (a_0 e^log_scale); b[..first_live] have been flushed to 0.
        let mut b: Vec<f64> = Vec::with_capacity(options.max_terms.min(1 << 16));
        let mut g: Vec<f64> = Vec::with_capacity(options.max_terms.min(1 << 16));
        b.push(1.0);
        g.push(0.0);
        let mut first_live = 0;
        let mut log_scale = 0.0;
        let mut log_sum = f64::NEG_INFINITY;
        let (mut coefficient_sum, mut compensation) = (0.0_f64, 0.0_f64);
        let mut log_p = log_gamma_lr(half_dof, z);
        let mut log_bound = f64::NAN;
        let mut checkpoint: Option<(usize, f64)> = None;
        for k in 0..options.max_terms {
            if k > 0 {
                let (mut geometric, mut shifted) = (0.0, 0.0);
                for (((p, &rho), &m), &s) in power[..active]
                    .iter_mut()
                    .zip(&ratio)
                    .zip(&multiplicity)
                    .zip(&shift)
                {
                    shifted += s * *p;
                    *p *= rho;
                    if *p < POWER_FLOOR {
                        *p = 0.0;
                    }
                    geometric += m * *p;
                }
                while active > 0 && power[active - 1] == 0.0 {
                    active -= 1;
                }
                g.push(geometric + k as f64 * shifted);
                // Σ_{r=1..k} g_r b_{k-r}, skipping the flushed b_0 .. b_{first_live-1}.
                let convolution = reversed_dot(&g[1..=k - first_live], &b[first_live..k]);
                let b_k = convolution / (2.0 * k as f64);
                b.push(b_k);
                if b_k > RESCALE_ABOVE {
                    for value in &mut b[first_live..] {
                        *value *= RESCALE_FACTOR;
                    }
                    while first_live < k && b[first_live] < POWER_FLOOR {
                        b[first_live] = 0.0;
                        first_live += 1;
                    }
                    log_scale -= RESCALE_FACTOR.ln();
                }
            }
            let log_a_k = log_a0 + log_scale + b[k].ln();
            log_sum = log_add_exp(log_sum, log_a_k + log_p);
            // Neumaier's compensated sum of the a_k.
            let a_k = log_a_k.exp();
            let next = coefficient_sum + a_k;
            compensation += if coefficient_sum.abs() >= a_k {
                (coefficient_sum - next) + a_k
            } else {
                (a_k - next) + coefficient_sum
            };
            coefficient_sum = next;
            let total = coefficient_sum + compensation;
            // The a_k carry a relative rounding error of order k ε from the recursion.
            let remainder = (1.0 - total).max(0.0) + 4.0 * (k + 1) as f64 * f64::EPSILON * total;
            let log_p_next = log_gamma_lr(half_dof + (k + 1) as f64, z);
            log_bound = remainder.ln() + log_p_next;
            let gap = log_bound - log_sum - rel_tol.ln();
            if gap <= 0.0 {
                return RubenSeries {
                    log_cdf: log_sum,
                    log_truncation_bound: log_bound,
                    terms: k + 1,
                    converged: true,
                    beta,
                    skipped: false,
                };
            }
            // Give up early (module documentation, "Giving up"): at k + 1 = 512, 1024, ...,
            // once past the bulk of the mixture index, extrapolate the decrease of the gap.
            if (k + 1).is_power_of_two() && k + 1 >= GIVE_UP_FROM {
                if let Some((previous_k, previous_gap)) = checkpoint {
                    let rate = (previous_gap - gap) / (k - previous_k) as f64;
                    let left = options.max_terms.saturating_sub(k + 1) as f64;
                    if (1.0 - total) < 0.5 && !(rate > 0.0 && gap / rate <= 2.0 * left) {
                        return RubenSeries {
                            log_cdf: log_sum,
                            log_truncation_bound: log_bound,
                            terms: k + 1,
                            converged: false,
                            beta,
                            skipped: false,
                        };
                    }
                }
                checkpoint = Some((k, gap));
            }
            log_p = log_p_next;
        }
        RubenSeries {
            log_cdf: log_sum,
            log_truncation_bound: log_bound,
            terms: options.max_terms,
            converged: false,
            beta,
            skipped: false,
        }
    }

    /// Whether Ruben's series provably cannot converge within `max_terms` (module
    /// documentation, "Skipping"); returns the Chernoff bound to report when it cannot.
    fn ruben_cannot_converge(
        &self,
        x: f64,
        z: f64,
        beta: f64,
        options: &RubenOptions,
        rel_tol: f64,
        chernoff: Option<f64>,
    ) -> Option<f64> {
        let n = options.max_terms as f64;
        // ln P(M/2 + n, z) ≥ (M/2 + n) ln z - z - ln Γ(M/2 + n + 1) (the first term of its
        // series): a lower bound on the smallest P factor of the first n terms' remainder
        // bounds, in closed form (the incomplete gamma function itself is slow for a
        // shape of 1e290).
        let log_p_n = gamma_lr_lower_bound(0.5 * self.total_dof + n, z);
        // ln P[K ≤ n - 1] ≤ min_u κ(u) - (n - 1) u, with κ(u) = ln G(e^u) the cumulant
        // generating function of K (convex): its minimum is where κ'(u) = E_u[K] = n - 1.
        let terms = || {
            self.weights
                .iter()
                .zip(&self.multiplicities)
                .zip(&self.noncentralities)
                .map(move |((&w, &m), &d)| ((w - beta) / w, beta / w, m, d))
        };
        // κ'(u) = Σ_j (m_j/2) ρ_j s/(1 - ρ_j s) + (d_j/2)(1 - ρ_j) s/(1 - ρ_j s)²,  s = e^u.
        let mean_at = |s: f64| -> f64 {
            terms()
                .map(|(rho, one_minus_rho, m, d)| {
                    let inv = 1.0 / (1.0 - rho * s);
                    0.5 * m * rho * s * inv + 0.5 * d * one_minus_rho * s * inv * inv
                })
                .sum()
        };
        let target = n - 1.0;
        if mean_at(1.0) <= target {
            return None;
        }
        let (mut low, mut high) = (-1.0_f64, 0.0_f64);
        while mean_at(low.exp()) > target {
            high = low;
            low *= 2.0;
            if low < -1e4 {
                return None;
            }
        }
        for _ in 0..60 {
            let middle = 0.5 * (low + high);
            if mean_at(middle.exp()) > target {
                high = middle;
            } else {
                low = middle;
            }
        }
        // Any u gives a valid bound; use the bracket end below the minimizer, kept where
        // s < 1 in f64 (at s = 1 a term with ρ_j = 1 to rounding would give 0/0).
        let low = low.min(-1e-12);
        let s = low.exp();
        let log_g: f64 = terms()
            .map(|(rho, one_minus_rho, m, d)| {
                let one_minus_rho_s = 1.0 - rho * s;
                0.5 * m * (one_minus_rho / one_minus_rho_s).ln()
                    - 0.5 * d * (1.0 - s) / one_minus_rho_s
            })
            .sum();
        if log_g.is_nan() {
            return None;
        }
        let log_below = (log_g - target * low).min(0.0);
        // Every remainder bound of the first n terms is ≥ P[K ≥ n] · P(M/2 + n, z), while
        // the partial sums are ≤ F ≤ e^chernoff. A margin of ln 2 keeps rounding from
        // deciding a borderline case.
        // The partial sums are also ≤ P[K ≤ n-1] · P(M/2, z) (P decreases in its first
        // argument), which decides the cases where F itself is tiny (M or D huge).
        let log_remainder = log1m_exp(log_below) + log_p_n;
        let chernoff = chernoff.unwrap_or_else(|| self.chernoff_log_cdf_bound(x));
        let log_partial = chernoff.min(log_below + gamma_lr_upper_bound(0.5 * self.total_dof, z));
        (log_remainder > rel_tol.ln() + log_partial + std::f64::consts::LN_2).then_some(chernoff)
    }
}

/// From this many terms on, [`Gx2::ruben_log_cdf`] checks at every power of two whether the
/// series can still converge within its budget.
const GIVE_UP_FROM: usize = 512;

/// `Σ_i x_i y_(n-1-i)` with four partial sums (independent chains, about twice as fast as one).
fn reversed_dot(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let mut sums = [0.0_f64; 4];
    let chunks = n / 4;
    for c in 0..chunks {
        let i = 4 * c;
        for lane in 0..4 {
            sums[lane] += x[i + lane] * y[n - 1 - i - lane];
        }
    }
    let mut total = (sums[0] + sums[1]) + (sums[2] + sums[3]);
    for i in 4 * chunks..n {
        total += x[i] * y[n - 1 - i];
    }
    total
}

/// A lower bound on `ln P(a, z)`, the larger of two closed forms: the first term of its
/// series, `P(a, z) = z^a e^(-z)/Γ(a+1) · Σ_k z^k/((a+1)…(a+k)) ≥ z^a e^(-z)/Γ(a+1)`
/// (Abramowitz & Stegun 1964, eq. 6.5.29), and for `z > a`, `P = 1 - Q ≥ 1 - (z/a)^a e^(a-z)`
/// (the Chernoff bound of the Gamma(a, 1) law's upper tail).
fn gamma_lr_lower_bound(a: f64, z: f64) -> f64 {
    let first_term = (a * z.ln() - z - ln_gamma(a + 1.0)).min(0.0);
    if z > a {
        first_term.max(log1m_exp((a * ((z / a).ln() + 1.0) - z).min(0.0)))
    } else {
        first_term
    }
}

/// An upper bound on `ln P(a, z)`: the Chernoff bound of the Gamma(a, 1) law,
/// `P(a, z) ≤ (z/a)^a e^(a - z)` for `z < a`, and 1 otherwise.
fn gamma_lr_upper_bound(a: f64, z: f64) -> f64 {
    if z < a {
        (a * ((z / a).ln() + 1.0) - z).min(0.0)
    } else {
        0.0
    }
}

/// Coefficients relative to `a_0` are rescaled by [`RESCALE_FACTOR`] when one exceeds this.
const RESCALE_ABOVE: f64 = 1e250;
/// See [`RESCALE_ABOVE`].
const RESCALE_FACTOR: f64 = 1e-250;
/// Powers `(1 - β/w_j)^r` and relative coefficients below this are negligible (relative to the
/// others, which are ≥ 1e-250 of the largest) and set to 0.
const POWER_FLOOR: f64 = 1e-290;
