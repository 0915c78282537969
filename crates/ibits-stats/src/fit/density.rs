//! The log-density of the scaled non-central chi-squared law, evaluated for many samples at one
//! parameter point: the inner loop of the likelihood.
//!
//! # Formula
//! ```text
//! ln f_s(x) = ln f(x/s; ν, λ) - ln s
//! ln f(x; ν, λ) = -ln 2 - (x + λ)/2 + v ln(x/2) - ln Γ(v + 1) + L(v, λx/4),   v = ν/2 - 1
//! L(v, y) = ln 0F1(; v + 1; y) = ln Σ_{k≥0} y^k / (k! (v+1)_k)
//!         = ln[ Γ(v+1) y^(-v/2) I_v(2√y) ]                       (≥ 0, and 0 at y = 0)
//! ```
//! which is the Poisson mixture `Σ_j Pois(j; λ/2) χ²_{ν+2j}(x)` written with the modified
//! Bessel function I_v (Johnson, Kotz & Balakrishnan 1995, *Continuous Univariate
//! Distributions* vol. 2, ch. 29, eq. 29.4). The Poisson-mixture sum needs O(√(λx)) terms per
//! sample; the likelihood of 10,000 samples is evaluated hundreds of times per fit, so `L` is
//! computed in (nearly) constant time instead:
//!
//! - **v ≥ 20 — Debye's uniform asymptotic expansion** of I_v(v ζ), ζ = 2√y / v,
//!   `t = 1/√(1+ζ²)`, `w = √(1+ζ²) - 1`:
//!   ```text
//!   L(v, y) = v (w - ln(1 + w/2)) + ½ ln t + Σ_{k=1..K} [ℓ_k(t) - ℓ_k(1)] / v^k
//!   ln Σ_k u_k(t)/v^k = Σ_k ℓ_k(t)/v^k          (ℓ_k: the cumulant form of Debye's u_k)
//!   u_0 = 1,  u_{k+1}(t) = ½ t²(1 - t²) u_k'(t) + ⅛ ∫_0^t (1 - 5 s²) u_k(s) ds
//!   ```
//!   (the constant `Σ ℓ_k(1)/v^k` is the Stirling correction `-(ln Γ(v+1) - v ln v + v -
//!   ½ ln 2πv)`, so `L(v, 0) = 0` exactly). Olver (1997), *Asymptotics and Special Functions*,
//!   ch. 10 §7, eqs. 7.16–7.18; DLMF 10.41.3 and 10.41.10. The truncation error is below
//!   1e-16 for v ≥ 20 with K = 12 (checked against mpmath); larger v use fewer terms (the
//!   omitted ones bounded by 1e-17), and the polynomial in t is summed in two Horner chains.
//! - **v < 20, 2√y < max(40, v²/4) — the power series** of 0F1 (positive terms, no
//!   cancellation; about 3√y + 30 terms).
//! - **v < 20, 2√y ≥ max(40, v²/4) — Hankel's expansion** (DLMF 10.40.1)
//!   `I_v(z) ≈ e^z / √(2πz) Σ_k (-1)^k a_k(v) / z^k`, `a_k(v) = Π_{j≤k} (4v² - (2j-1)²)/(8j)`,
//!   summed until the terms stop decreasing; the threshold keeps its largest term below
//!   about e^1 (no more than one digit lost to cancellation).
//!
//! Checked against an independent 50-digit mpmath sum of the Poisson mixture
//! (`tests/refs/fit_ncx2_logpdf.py`) over ν from 1e-7 to 10^4, λ from 0 to 10^5, and x from
//! 10^-3 to 5 times the mean.

use std::sync::OnceLock;

use crate::special::ln_gamma;

/// Orders below this use the series / Hankel branch; at and above it, Debye's expansion.
const DEBYE_MIN_ORDER: f64 = 20.0;
/// Number of Debye terms ℓ_1..ℓ_K.
const DEBYE_TERMS: usize = 12;
/// Degree of the Debye polynomial in t (ℓ_k has degree 3k).
const DEBYE_DEGREE: usize = 3 * DEBYE_TERMS;
/// Relative size of the last term at which a series stops.
const SERIES_TOL: f64 = 1e-17;
/// Hankel terms kept at most.
const HANKEL_TERMS: usize = 64;

/// ln f_s(x) of s·χ'²_ν(λ) at one parameter point, prepared for evaluation at many x.
#[derive(Debug, Clone)]
pub(crate) struct LogDensity {
    /// v = ν/2 - 1.
    order: f64,
    /// 1 / (2s).
    half_rate: f64,
    /// λ / (4s): y = `y_per_x` · x.
    y_per_x: f64,
    /// -ln 2 - λ/2 - v (ln s + ln 2) - ln Γ(ν/2) - ln s.
    constant: f64,
    kernel: Kernel,
}

#[derive(Debug, Clone)]
enum Kernel {
    /// λ = 0: L = 0.
    Central,
    /// v ≥ 20: Debye. `coefficients[m]` multiplies t^m; `at_one` is the polynomial at t = 1.
    Debye {
        /// Coefficients of t^0..t^(3K), K chosen for v (ℓ_1..ℓ_K).
        coefficients: Vec<f64>,
        at_one: f64,
        zeta2_per_y: f64,
    },
    /// v < 20: series below `hankel_from` (in z = 2√y), Hankel above.
    Small {
        /// `series_ratio[k]` = 1 / ((k+1)(v+1+k)): term_(k+1) = term_k · y · series_ratio[k].
        series_ratio: Vec<f64>,
        /// `series_pairs[k]` = series_ratio[k] · series_ratio[k+1].
        series_pairs: Vec<f64>,
        /// `hankel_ratio[k]` = -(4v² - (2k+1)²) / (8 (k+1)).
        hankel_ratio: Vec<f64>,
        hankel_from: f64,
        /// ln Γ(v + 1).
        ln_gamma_b: f64,
        /// v ln 2 - ½ ln 2π.
        hankel_constant: f64,
    },
}

impl LogDensity {
    /// Prepare the log-density of s·χ'²_ν(λ). The caller guarantees ν > 0, λ ≥ 0, s > 0, all
    /// finite (the fit maps its unconstrained parameters into that domain).
    pub(crate) fn new(dof: f64, noncentrality: f64, scale: f64) -> Self {
        let order = 0.5 * dof - 1.0;
        let ln_scale = scale.ln();
        let constant = -std::f64::consts::LN_2
            - 0.5 * noncentrality
            - order * (ln_scale + std::f64::consts::LN_2)
            - ln_gamma(0.5 * dof)
            - ln_scale;
        let kernel = if noncentrality == 0.0 {
            Kernel::Central
        } else if order >= DEBYE_MIN_ORDER {
            let terms = debye_terms_needed(order);
            let mut coefficients = vec![0.0; 3 * terms + 1];
            let mut inverse_power = 1.0;
            for polynomial in &debye_log_polynomials()[..terms] {
                inverse_power /= order;
                for (m, c) in polynomial.iter().enumerate() {
                    coefficients[m] += c * inverse_power;
                }
            }
            let at_one = coefficients.iter().sum();
            Kernel::Debye {
                coefficients,
                at_one,
                zeta2_per_y: 4.0 / (order * order),
            }
        } else {
            let b = 0.5 * dof; // = v + 1, without the cancellation of (ν/2 - 1) + 1 for small ν
            let hankel_from = 40.0_f64.max(0.25 * order * order);
            // The series needs about 3√y + 30 terms; y < hankel_from²/4 in this branch.
            let terms = (1.5 * hankel_from + 40.0) as usize;
            let series_ratio: Vec<f64> = (0..terms)
                .map(|k| 1.0 / ((k as f64 + 1.0) * (b + k as f64)))
                .collect();
            let mu = 4.0 * order * order;
            let mut hankel_ratio = vec![0.0; HANKEL_TERMS];
            for (k, r) in hankel_ratio.iter_mut().enumerate() {
                let odd = 2.0 * k as f64 + 1.0;
                *r = -(mu - odd * odd) / (8.0 * (k as f64 + 1.0));
            }
            let series_pairs = series_ratio.windows(2).map(|w| w[0] * w[1]).collect();
            Kernel::Small {
                series_ratio,
                series_pairs,
                hankel_ratio,
                hankel_from,
                ln_gamma_b: ln_gamma(b),
                hankel_constant: order * std::f64::consts::LN_2
                    - 0.5 * (std::f64::consts::TAU).ln(),
            }
        };
        Self {
            order,
            half_rate: 0.5 / scale,
            y_per_x: 0.25 * noncentrality / scale,
            constant,
            kernel,
        }
    }

    /// ln f_s(x), given `ln_x` = ln x (the likelihood uses the split form below).
    #[cfg(test)]
    pub(crate) fn log_pdf(&self, x: f64, ln_x: f64) -> f64 {
        self.constant - self.half_rate * x + self.order * ln_x + self.log_hyp0f1(self.y_per_x * x)
    }

    /// Σ_i of the terms of ln f_s(x_i) that are linear in x_i and ln x_i, from their sums.
    #[inline]
    pub(crate) fn linear_part(&self, count: usize, sum_x: f64, sum_ln_x: f64) -> f64 {
        count as f64 * self.constant - self.half_rate * sum_x + self.order * sum_ln_x
    }

    /// False for λ = 0, where ln f_s is [`linear_part`](Self::linear_part) alone.
    pub(crate) fn has_bessel_part(&self) -> bool {
        !matches!(self.kernel, Kernel::Central)
    }

    /// The per-sample remainder L(v, λx/(4s)) of ln f_s(x).
    #[inline]
    pub(crate) fn bessel_part(&self, x: f64) -> f64 {
        self.log_hyp0f1(self.y_per_x * x)
    }

    /// L(v, y) = ln 0F1(; v + 1; y), see the module documentation.
    #[inline]
    fn log_hyp0f1(&self, y: f64) -> f64 {
        match &self.kernel {
            Kernel::Central => 0.0,
            Kernel::Debye {
                coefficients,
                at_one,
                zeta2_per_y,
            } => {
                let zeta2 = zeta2_per_y * y;
                let q = (1.0 + zeta2).sqrt();
                let w = zeta2 / (1.0 + q);
                let t = 1.0 / q;
                let poly = two_chain_horner(coefficients, t);
                self.order * (w - (0.5 * w).ln_1p()) - 0.25 * zeta2.ln_1p() + (poly - at_one)
            }
            Kernel::Small {
                series_ratio,
                series_pairs,
                hankel_ratio,
                hankel_from,
                ln_gamma_b,
                hankel_constant,
            } => {
                let z = 2.0 * y.sqrt();
                if z < *hankel_from {
                    // Two interleaved chains, even and odd terms, each stepping by
                    // y² r_k r_(k+1): half the latency of the one-term recurrence.
                    let y2 = y * y;
                    let past_peak = y.sqrt();
                    let (mut even, mut odd) = (1.0, y * series_ratio[0]);
                    let (mut sum_even, mut sum_odd) = (1.0, odd);
                    for (pair, k) in series_pairs.chunks_exact(2).zip((0..).step_by(2)) {
                        even *= y2 * pair[0];
                        odd *= y2 * pair[1];
                        sum_even += even;
                        sum_odd += odd;
                        if odd < SERIES_TOL * (sum_even + sum_odd) && k as f64 >= past_peak {
                            break;
                        }
                    }
                    (sum_even + sum_odd).ln()
                } else {
                    // Σ_k (-1)^k a_k / z^k as 1 + tail, so that ln(1 + tail) keeps its digits.
                    let inverse_z = 1.0 / z;
                    let turn = self.order * self.order; // past (2k+1)² > 4v² terms grow again
                    let (mut tail, mut term) = (0.0_f64, 1.0_f64);
                    for (k, r) in hankel_ratio.iter().enumerate() {
                        let next = term * r * inverse_z;
                        let half_odd = k as f64 + 0.5;
                        if half_odd * half_odd > turn && next.abs() >= term.abs() {
                            break;
                        }
                        term = next;
                        tail += term;
                        if term.abs() < SERIES_TOL * (1.0 + tail).abs() {
                            break;
                        }
                    }
                    // ln Γ(v+1) - v ln(z/2) + z - ½ ln(2πz) + ln Σ
                    ln_gamma_b + hankel_constant - (self.order + 0.5) * z.ln() + z + tail.ln_1p()
                }
            }
        }
    }
}

/// Number K of Debye terms for order v ≥ 20: the smallest K whose omitted terms
/// Σ_{k>K} max_t |ℓ_k(t) - ℓ_k(1)| / v^k stay below 1e-17 (the bounds are taken once on a
/// grid of t; K = 12 at v = 20, fewer for larger v).
fn debye_terms_needed(order: f64) -> usize {
    static BOUNDS: OnceLock<Vec<f64>> = OnceLock::new();
    let bounds = BOUNDS.get_or_init(|| {
        debye_log_polynomials()
            .iter()
            .map(|l| {
                let at = |t: f64| l.iter().rev().fold(0.0, |acc, c| acc * t + c);
                let one = at(1.0);
                (0..=400)
                    .map(|i| (at(i as f64 / 400.0) - one).abs())
                    .fold(0.0, f64::max)
            })
            .collect()
    });
    let mut omitted = 0.0;
    for k in (1..=DEBYE_TERMS).rev() {
        omitted += bounds[k - 1] / order.powi(k as i32);
        if omitted > 1e-17 {
            return k;
        }
    }
    1
}

/// Σ_m c_m t^m as E(t²) + t·O(t²): Horner's rule on the even and the odd coefficients, two
/// independent chains of half the length (the same multiply-adds as plain Horner, half the
/// latency), with no scratch array.
#[inline]
fn two_chain_horner(coefficients: &[f64], t: f64) -> f64 {
    let t2 = t * t;
    let (mut even, mut odd) = (0.0, 0.0);
    let mut pairs = coefficients.chunks_exact(2);
    if let [last] = pairs.remainder() {
        even = *last;
    }
    for pair in pairs.by_ref().rev() {
        even = even * t2 + pair[0];
        odd = odd * t2 + pair[1];
    }
    even + t * odd
}

/// The Debye polynomials in cumulant form, ℓ_1..ℓ_K as dense coefficient vectors in t
/// (index = power), computed once from the recurrence in the module documentation:
/// `k ℓ_k = k u_k - Σ_{j=1}^{k-1} j ℓ_j u_{k-j}` (the series of ln Σ u_k ε^k).
fn debye_log_polynomials() -> &'static [Vec<f64>] {
    static POLYNOMIALS: OnceLock<Vec<Vec<f64>>> = OnceLock::new();
    POLYNOMIALS.get_or_init(|| {
        let u = debye_polynomials(DEBYE_TERMS);
        let mut logs: Vec<Vec<f64>> = vec![Vec::new()];
        for k in 1..=DEBYE_TERMS {
            let mut acc: Vec<f64> = u[k].iter().map(|c| c * k as f64).collect();
            acc.resize(DEBYE_DEGREE + 1, 0.0);
            for (j, log_j) in logs.iter().enumerate().take(k).skip(1) {
                for (p, a) in log_j.iter().enumerate() {
                    for (q, b) in u[k - j].iter().enumerate() {
                        acc[p + q] -= j as f64 * a * b;
                    }
                }
            }
            acc.truncate(3 * k + 1);
            logs.push(acc.into_iter().map(|c| c / k as f64).collect());
        }
        logs.remove(0);
        logs
    })
}

/// Debye's polynomials u_0..u_K (DLMF 10.41.10), dense coefficients in t.
fn debye_polynomials(count: usize) -> Vec<Vec<f64>> {
    let mut u = vec![vec![1.0]];
    for k in 0..count {
        let previous = &u[k];
        let mut next = vec![0.0; previous.len() + 3];
        // ½ t²(1 - t²) u'(t)
        for (p, c) in previous.iter().enumerate().skip(1) {
            let d = c * p as f64; // coefficient of t^(p-1) in u'
            next[p + 1] += 0.5 * d;
            next[p + 3] -= 0.5 * d;
        }
        // ⅛ ∫_0^t (1 - 5 s²) u(s) ds
        for (p, c) in previous.iter().enumerate() {
            next[p + 1] += 0.125 * c / (p as f64 + 1.0);
            next[p + 3] -= 0.125 * 5.0 * c / (p as f64 + 3.0);
        }
        u.push(next);
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    // DLMF 10.41.10: u_1 = (3t - 5t³)/24, u_2 = (81t² - 462t⁴ + 385t⁶)/1152,
    // u_3 = (30375t³ - 369603t⁵ + 765765t⁷ - 425425t⁹)/414720.
    #[test]
    fn debye_polynomials_match_dlmf() {
        let u = debye_polynomials(3);
        let want: [&[(usize, f64)]; 3] = [
            &[(1, 3.0 / 24.0), (3, -5.0 / 24.0)],
            &[
                (2, 81.0 / 1152.0),
                (4, -462.0 / 1152.0),
                (6, 385.0 / 1152.0),
            ],
            &[
                (3, 30375.0 / 414720.0),
                (5, -369603.0 / 414720.0),
                (7, 765765.0 / 414720.0),
                (9, -425425.0 / 414720.0),
            ],
        ];
        for (k, terms) in want.iter().enumerate() {
            let poly = &u[k + 1];
            for (p, c) in poly.iter().enumerate() {
                let expected = terms.iter().find(|(q, _)| *q == p).map_or(0.0, |(_, c)| *c);
                approx::assert_abs_diff_eq!(*c, expected, epsilon = 1e-15);
            }
        }
    }

    // Σ ℓ_k(1)/v^k = -(ln Γ(v+1) - v ln v + v - ½ ln 2πv) (Stirling series), checked at v = 50
    // against 1/(12v) - 1/(360v³) + 1/(1260v⁵) - 1/(1680v⁷) (the next term is 1e-18 of it).
    #[test]
    fn debye_constant_is_the_stirling_correction() {
        let v: f64 = 50.0;
        let sum: f64 = debye_log_polynomials()
            .iter()
            .enumerate()
            .map(|(k, l)| l.iter().sum::<f64>() / v.powi(k as i32 + 1))
            .sum();
        let stirling = 1.0 / (12.0 * v) - 1.0 / (360.0 * v.powi(3)) + 1.0 / (1260.0 * v.powi(5))
            - 1.0 / (1680.0 * v.powi(7));
        approx::assert_relative_eq!(-sum, stirling, max_relative = 1e-13);
    }

    fn references() -> Vec<(f64, f64, f64, f64)> {
        include_str!("../../tests/refs/fit_ncx2_logpdf.csv")
            .lines()
            .skip(1)
            .map(|line| {
                let v: Vec<f64> = line.split(',').map(|s| s.parse().unwrap()).collect();
                (v[0], v[1], v[2], v[3])
            })
            .collect()
    }

    // Against the 50-digit mpmath Poisson-mixture sum. The tolerance is relative to the size
    // of the terms that are added (|v ln x| + x/2 + λ/2 + |ln Γ(ν/2)|): the final sum cancels
    // them, and no f64 evaluation of the formula can do better than that.
    #[test]
    fn log_pdf_matches_mpmath_mixture() {
        let refs = references();
        assert!(refs.len() > 600);
        for (dof, nc, x, want) in refs {
            for scale in [1.0, 0.003] {
                let density = LogDensity::new(dof, nc, scale);
                let xs = x * scale;
                let got = density.log_pdf(xs, xs.ln()) + scale.ln();
                let magnitude = ((0.5 * dof - 1.0) * x.ln()).abs()
                    + 0.5 * x
                    + 0.5 * nc
                    + ln_gamma(0.5 * dof).abs();
                let tol = 1e-14 + 4e-15 * magnitude;
                assert!(
                    (got - want).abs() <= tol,
                    "dof {dof} nc {nc} x {x} scale {scale}: got {got}, want {want}, \
                     diff {:e} > {tol:e}",
                    got - want
                );
            }
        }
    }

    // The two-chain Horner sum against the closed form Σ_{m<n} t^m = (1 - t^n)/(1 - t), and
    // against plain Horner on unequal coefficients.
    #[test]
    fn two_chain_horner_sums_polynomials() {
        for n in [1usize, 2, 7, 16, 37] {
            let ones = vec![1.0; n];
            for t in [0.0_f64, 0.3, 0.9, 1.0] {
                let want = if t == 1.0 {
                    n as f64
                } else {
                    (1.0 - t.powi(n as i32)) / (1.0 - t)
                };
                approx::assert_relative_eq!(two_chain_horner(&ones, t), want, max_relative = 1e-14);
                let coefficients: Vec<f64> = (0..n).map(|m| (m as f64 + 1.0).recip()).collect();
                let horner = coefficients.iter().rev().fold(0.0, |acc, c| acc * t + c);
                approx::assert_relative_eq!(
                    two_chain_horner(&coefficients, t),
                    horner,
                    max_relative = 1e-14
                );
            }
        }
        assert_eq!(debye_terms_needed(20.0), DEBYE_TERMS);
        assert!(debye_terms_needed(1e4) < debye_terms_needed(100.0));
    }

    // Continuity across the Debye threshold v = 20 (ν = 42) and across the Hankel threshold.
    #[test]
    fn kernel_is_continuous_across_branch_thresholds() {
        for nc in [3.0, 50.0, 5000.0] {
            for x in [10.0, 42.0, 300.0, 5000.0] {
                let below = LogDensity::new(42.0 - 1e-13, nc, 1.0); // v just below 20
                let above = LogDensity::new(42.0, nc, 1.0);
                approx::assert_abs_diff_eq!(
                    below.log_pdf(x, x.ln()),
                    above.log_pdf(x, x.ln()),
                    epsilon = 1e-11
                );
            }
        }
        let density = LogDensity::new(5.0, 3.0, 1.0); // v = 1.5: Hankel from z = 40, y = 400
        let below = density.log_hyp0f1(400.0 * (1.0 - 1e-14)); // power series
        let above = density.log_hyp0f1(400.0 * (1.0 + 1e-14)); // Hankel
        approx::assert_abs_diff_eq!(below, above, epsilon = 1e-11);
    }
}
