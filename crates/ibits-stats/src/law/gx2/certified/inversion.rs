//! Numerical inversion of the tilted characteristic function, with certified bounds on every
//! error: a bracket `lower ≤ ln P[S ≤ x] ≤ upper` that is narrow (often 1e-9 relative in `P`)
//! for laws of one term as for laws of thousands (docs/design.md §2a, "Brackets").
//!
//! # Derivation
//!
//! Write `S = offset + T`, `T = Σ_j w_j χ'²_{m_j}(d_j) ≥ 0`, `D = x − offset > 0`, `K` the
//! cumulant generating function, and pick a real tilt `c` (the saddlepoint `t` of the caller,
//! moved to `|c| ≥ 1/σ` next to the mean). Under the tilted law `dP_c = e^{cS − K(c)} dP` the
//! terms stay non-central chi-squared: `T = Σ_j w'_j χ'²_{m_j}(d'_j)` with `q_j = 1 − 2 w_j c`,
//! `w'_j = w_j/q_j`, `d'_j = d_j/q_j` (weighted `c'_j = c_j/q_j²`). With `a = |c|`:
//!
//! ```text
//! lower tail (c < 0):  P[S ≤ x] = e^{K(c) − c x} J,   J = E_c[ e^{a W} 1{W ≤ 0} ],  W = T − D
//! upper tail (c > 0):  P[S > x] = e^{K(c) − c x} J,   J = E_c[ e^{a W} 1{W ≤ 0} ],  W = D − T
//! ```
//!
//! `g(v) = e^{av} 1{v ≤ 0}` has the Fourier transform `ĝ(y) = 1/(a − iy)`, so (Parseval)
//! `J = (1/π) ∫_0^∞ Re[φ_W(y)/(a − iy)] dy`, `φ_W` the characteristic function of `W` under the
//! tilted law — the Laplace inversion of `P` along the vertical line `Re s = c` of the brief.
//! `J` is `O(1/(aσ_c))` whatever the depth, so `ln P = −10⁶` is as easy as the bulk. In the
//! tilted parameters, with `u_j = 2 w'_j y`,
//!
//! ```text
//! ln φ_W(y) = ∓ i y D + Σ_j [ −(m_j/4) ln(1 + u_j²) − (d'_j/2) u_j²/(1 + u_j²)
//!                            ± i ( (m_j/2) atan u_j + c'_j y/(1 + u_j²) ) ]     (upper: conjugate)
//! ```
//!
//! # Error terms, each bounded
//!
//! 1. **Discretisation (aliasing).** The trapezoid sum `T_∞ = (h/2π) Σ_{k∈Z} ĝ(kh) φ_W(kh)` is,
//!    by Poisson summation (Davies 1973, §2; the symmetric partial sums of a function of bounded
//!    variation), `Σ_{n∈Z} E_c[g(W + nL)]` with `L = 2π/h`. Every term is `≥ 0`, so
//!    `J ≤ T_∞` and `T_∞ − J = Σ_{n≠0} E_c[g(W + nL)]`. Since `g(v) ≤ e^{θv}` for every
//!    `θ ≤ a`, the `n ≥ 1` terms are at most `e^{κ_W(−λ) − λnL}` (`λ > 0`: a Chernoff bound of the
//!    tilted law's tail on the far side, and exactly 0 in the lower tail once `L > D` because
//!    `W ≥ −D`) and the `n ≤ −1` terms at most `e^{κ_W(θ) − θ|n|L}` (`0 < θ ≤ a`), with
//!    `κ_W(θ) = K_T(±θ) ∓ θD` the tilted law's cumulant generating function — Davies' bound
//!    (1980, AS 155, "error of integration") applied to the tilted law, so that it stays
//!    relative to `J` in the far tail. Summed as geometric series and minimised over a grid
//!    of `λ` and `θ`. `L` is chosen so that this is below [`ALIAS_TARGET`] of `J`'s normal
//!    estimate.
//! 2. **Truncation** of the sum at `|k| ≤ N`, `Y = Nh`. The modulus `|φ_W(y)|` is decreasing,
//!    and since `s ↦ ln(1 + b²Y²e^{2s})` is convex, `|φ_W(y)| ≤ |φ_W(Y)| (Y/y)^P` for `y ≥ Y`,
//!    `P = Σ_j (m_j/2) u_j²/(1 + u_j²)` at `Y` (the non-central factor is decreasing in `y`, so
//!    it stays below its value at `Y`; Davies 1973, §4, bounds it likewise). Two certified
//!    bounds, the smaller is used:
//!    - absolute: `(h/π) Σ_{k>N} |F(kh)| ≤ (1/π) ∫_Y^∞ |φ_W|/y ≤ |φ_W(Y)|/(πP)` — enough when
//!      the characteristic function decays fast (many terms);
//!    - summation by parts, twice (the oscillation `e^{∓iyD}` of `F = z^{y/h} G`,
//!      `z = e^{∓ihD}`, makes the tail of the sum small although `|F|` decays slowly for one
//!      to three terms): `Σ_{k>N} z^k G_k = z^{N+1} G_{N+1}/(1 − z) − (z/(1 − z)) Σ_{k>N} z^k ΔG_k`;
//!      the first term is added to the sum, the second is at most
//!      `(h/π) · h ∫_Y^∞ |G''| / sin²(hD/2)`, with `|G''|` bounded from `|φ_W|`'s majorant and
//!      the sums `A₁ = Σ_j |K_j'|`, `A₂ = Σ_j |K_j''|`, both non-increasing in `y`.
//! 3. **Rounding.** Each node's value carries a bound on its error from the relative error of
//!    every term (a few units of roundoff each) and the summation (Higham 2002, §4.2,
//!    `γ_n`), applied to the real part, to the phase (including `y D`) and to `e^{Re}`; the
//!    sum over nodes adds `γ_N Σ|F|`. `K(c) − c x` is summed with Neumaier's compensated
//!    summation, its bound `(10u + 4nu²) Σ|terms|` (Higham 2002, §4.3). The bounds of 1 and 2
//!    are computed from exponents that carry the same kind of bound, and are enlarged by
//!    [`BOUND_SAFETY`].
//!
//! `J ∈ [T_N − trunc − round − alias, T_N + trunc + round]` (plus the summation-by-parts
//! correction), and `ln P ∈ K(c) − cx + ln[J_lo, J_hi]` (upper tail: `ln P = ln(1 − P[S > x])`,
//! monotone). Where the node budget cannot push `J_lo` above 0 the lower end is `−∞`: the
//! route never returns an uncertified number.
//!
//! Cost: each node is `O(terms)` (one `ln_1p`, one `atan`, one `sqrt`); the number of nodes is
//! what the bounds need (tens for thousands of terms, up to [`MAX_NODES`] for one term) within
//! a budget of [`WORK_BUDGET`] term-evaluations.
//!
//! # Reference
//! - Davies, R. B. (1973), "Numerical inversion of a characteristic function", Biometrika
//!   60(2), 415–417.
//! - Davies, R. B. (1980), "Algorithm AS 155: the distribution of a linear combination of χ²
//!   random variables", J. R. Stat. Soc. C (Applied Statistics) 29(3), 323–333.
//! - Higham, N. J. (2002), *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM,
//!   §§3.1, 4.2–4.3.
//! - Knopp, K. (1951), *Theory and Application of Infinite Series*, §43 (Abel's summation by
//!   parts).

use super::LnCdfBracket;
use crate::law::gx2::Gx2;
use crate::special::{log1m_exp, log_add_exp, log_ndtr};

/// Unit roundoff bound used in the error bounds (`2^-52`, twice the unit roundoff).
const EPS: f64 = f64::EPSILON;
/// Target of the truncation error, relative to `J`'s normal estimate.
const TRUNCATION_TARGET: f64 = 1e-10;
/// Target of the aliasing error, relative to `J`'s normal estimate.
pub const ALIAS_TARGET: f64 = 1e-11;
/// Most term-evaluations (nodes × terms) one call may spend on the sum.
pub const WORK_BUDGET: f64 = 4e6;
/// Fewest nodes allowed by the budget, whatever the number of terms.
const MIN_NODES: usize = 64;
/// Most nodes, whatever the number of terms.
pub const MAX_NODES: usize = 200_000;
/// Multiplier on the computed error bounds (their own evaluation in f64 is off by far less).
pub const BOUND_SAFETY: f64 = 1.0 + 1e-6;
/// The tilt, the tilted standard deviation and `x − offset` must lie in
/// `[1/SAFE_SCALE, SAFE_SCALE]` (and so must their products used here).
const SAFE_SCALE: f64 = 1e100;
/// Below this `|sin(hD/2)|` the summation-by-parts bound is not used.
const MIN_SIN: f64 = 1e-3;

/// Which tail the inversion computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// `P[S ≤ x]`, tilt `c < 0`.
    Lower,
    /// `P[S > x]`, tilt `c > 0`.
    Upper,
}

/// The tilted law `T = Σ_j w'_j χ'²_{m_j}(d'_j)` at the tilt `c`.
struct Tilted {
    /// `2 w'_j`.
    two_w: Vec<f64>,
    /// `m_j`.
    m: Vec<f64>,
    /// `d'_j / 2`.
    half_d: Vec<f64>,
    /// `c'_j = w'_j d'_j`.
    c: Vec<f64>,
    /// `max_j w'_j`.
    w_max: f64,
    /// Mean of `T`.
    mean: f64,
    /// Variance of `T`.
    variance: f64,
}

impl Tilted {
    fn new(law: &Gx2, c: f64) -> Tilted {
        let n = law.num_terms();
        let mut out = Tilted {
            two_w: Vec::with_capacity(n),
            m: Vec::with_capacity(n),
            half_d: Vec::with_capacity(n),
            c: Vec::with_capacity(n),
            w_max: 0.0,
            mean: 0.0,
            variance: 0.0,
        };
        for j in 0..n {
            let w = law.weights()[j];
            let m = law.multiplicities()[j];
            let q = 1.0 - 2.0 * w * c;
            let wt = w / q;
            let dt = law.noncentralities()[j] / q;
            let ct = law.weighted_noncentralities()[j] / (q * q);
            out.two_w.push(2.0 * wt);
            out.m.push(m);
            out.half_d.push(0.5 * dt);
            out.c.push(ct);
            out.w_max = out.w_max.max(wt);
            out.mean += wt * m + ct;
            out.variance += 2.0 * wt * wt * (m + 2.0 * dt);
        }
        out
    }

    /// `K_T(δ) − δ D` and a bound on its rounding error, or `None` beyond the pole.
    fn exponent(&self, delta: f64, d: f64) -> Option<(f64, f64)> {
        let mut sum = Neumaier::default();
        let mut err = 0.0;
        for j in 0..self.m.len() {
            let b = self.two_w[j] * delta;
            if b.is_nan() || b >= 1.0 {
                return None;
            }
            let ln_q = (-b).ln_1p();
            let central = -0.5 * self.m[j] * ln_q;
            let noncentral = self.c[j] * delta / (1.0 - b);
            sum.add(central + noncentral);
            err += 0.5 * self.m[j] * (ln_q.abs() + b.abs() / (1.0 - b)) + noncentral.abs();
        }
        let shift = -delta * d;
        sum.add(shift);
        let value = sum.value();
        let n = self.m.len() as f64;
        let abs = err + sum.abs + shift.abs();
        let bound = (16.0 * EPS + 4.0 * n * EPS * EPS) * abs + 4.0 * EPS * value.abs();
        value.is_finite().then_some((value, bound))
    }
}

/// Neumaier's compensated summation with the sum of magnitudes (Higham 2002, §4.3).
#[derive(Default)]
struct Neumaier {
    sum: f64,
    compensation: f64,
    abs: f64,
}

impl Neumaier {
    fn add(&mut self, v: f64) {
        let t = self.sum + v;
        if self.sum.abs() >= v.abs() {
            self.compensation += (self.sum - t) + v;
        } else {
            self.compensation += (v - t) + self.sum;
        }
        self.sum = t;
        self.abs += v.abs();
    }

    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// Complex product `(a + ib)(c + id)`.
fn mul(a: f64, b: f64, c: f64, d: f64) -> (f64, f64) {
    (a * c - b * d, a * d + b * c)
}

/// Running sum of the node values with its rounding-error bookkeeping.
#[derive(Debug, Clone, Copy)]
struct Sums {
    /// `F(0)/2 + Σ Re F(kh)`.
    sum: f64,
    /// `Σ |terms|`.
    abs: f64,
    /// Sum of the nodes' own error bounds.
    err: f64,
    /// Number of terms summed.
    nodes: f64,
}

impl Sums {
    fn add(&mut self, node: &Node) {
        self.sum += node.re;
        self.abs += node.re.abs();
        self.err += node.err;
        self.nodes += 1.0;
    }

    /// `(h/π) · sum` and a bound on its rounding error (Higham 2002, §4.2: `γ_n Σ|terms|`).
    fn value(&self, h_over_pi: f64) -> (f64, f64) {
        let t = h_over_pi * self.sum;
        let round =
            h_over_pi * (self.err + (self.nodes + 2.0) * EPS * self.abs) + 4.0 * EPS * t.abs();
        (t, round)
    }
}

/// One node `y = kh` of the sum: `F(y) = φ_W(y)/(a − iy)` and what the bounds need.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// `y`.
    y: f64,
    /// `Re F(y)`.
    re: f64,
    /// `Im F(y)`.
    im: f64,
    /// Bound on the rounding error of `F(y)` (modulus).
    err: f64,
    /// `|F(y)|` (as computed).
    scale: f64,
    /// `|φ_W(y)|`.
    modulus: f64,
    /// `P = Σ_j (m_j/2) u_j²/(1 + u_j²)`: `|φ_W(y')| ≤ |φ_W(y)| (y/y')^P` for `y' ≥ y`.
    p: f64,
    /// `A₁ = Σ_j |K_j'(c + iy)|`.
    a1: f64,
    /// `A₂ = Σ_j |K_j''(c + iy)|`.
    a2: f64,
    /// `A₃ = Σ_j |K_j'''(c + iy)|`.
    a3: f64,
}

impl Node {
    fn at(tilted: &Tilted, y: f64, a: f64, d: f64, eta: f64, rel: f64) -> Node {
        let (mut rho, mut psi, mut p) = (0.0, 0.0, 0.0);
        let (mut a1, mut a2, mut a3) = (0.0, 0.0, 0.0);
        for j in 0..tilted.m.len() {
            let u = tilted.two_w[j] * y;
            let u2 = u * u;
            let inv = 1.0 / (1.0 + u2);
            let r = u2 * inv;
            let r = if r.is_nan() { 1.0 } else { r };
            let m = tilted.m[j];
            let cj = tilted.c[j];
            rho += 0.25 * m * u2.ln_1p() + tilted.half_d[j] * r;
            psi += 0.5 * m * u.atan() + cj * y * inv;
            p += 0.5 * m * r;
            // |K_j^{(r)}(c + iy)| = (r−1)! 2^{r−1} w'^{r−1} [m w'/|·|^r + r c'/|·|^{r+1}],
            // |·| = √(1 + u²) in the tilted units.
            let root = inv.sqrt();
            let wt = 0.5 * tilted.two_w[j];
            a1 += m * wt * root + cj * inv;
            a2 += 2.0 * wt * (m * wt * inv + 2.0 * cj * inv * root);
            a3 += 8.0 * wt * wt * (m * wt * inv * root + 3.0 * cj * inv * inv);
        }
        // φ_W(y) = e^{−ρ + iη(ψ − yD)}.
        let phase = eta * (psi - y * d);
        let modulus = (-rho).exp();
        let denom = a * a + y * y;
        let (s, co) = phase.sin_cos();
        let re = modulus * (a * co - y * s) / denom;
        let im = modulus * (a * s + y * co) / denom;
        let scale = modulus / denom.sqrt();
        let err = if scale > 0.0 {
            scale * (rel * (rho + psi) + 3.0 * EPS * y * d + 2.0 * EPS * phase.abs() + 16.0 * EPS)
        } else {
            0.0
        };
        Node {
            y,
            re,
            im,
            err,
            scale,
            modulus,
            p,
            a1,
            a2,
            a3,
        }
    }

    /// A bound on `∫_y^∞ |G''|`, `G(y') = Γ(y')/(a − iy')`.
    fn i2(&self) -> f64 {
        let (p, y, a1, a2) = (self.p, self.y, self.a1, self.a2);
        self.modulus * ((a2 + a1 * a1) / p + 2.0 * a1 / ((p + 1.0) * y) + 2.0 / ((p + 2.0) * y * y))
    }

    /// A bound on `∫_y^∞ |G'''|`.
    fn i3(&self) -> f64 {
        let (p, y, a1, a2, a3) = (self.p, self.y, self.a1, self.a2, self.a3);
        self.modulus
            * ((a3 + 3.0 * a1 * a2 + a1 * a1 * a1) / p
                + 3.0 * (a2 + a1 * a1) / ((p + 1.0) * y)
                + 6.0 * a1 / ((p + 2.0) * y * y)
                + 6.0 / ((p + 3.0) * y * y * y))
    }
}

/// `ln P[S ≤ x]` (lower tail) or `ln P[S > x]` (upper tail) as `K(c) − c x + ln[J_lo, J_hi]`,
/// with the diagnostics of the computation.
#[derive(Debug, Clone, Copy)]
struct Inversion {
    /// `K(c) − c x`.
    ln_prefactor: f64,
    /// Bound on the rounding error of `ln_prefactor`.
    ln_prefactor_err: f64,
    /// Certified lower bound on `J` (may be ≤ 0: no lower bound).
    j_lo: f64,
    /// Certified upper bound on `J`.
    j_hi: f64,
}

/// The inversion bracket of `ln P[S ≤ x]` at the tilt `t` (the saddlepoint), or `None` where
/// it certifies nothing.
///
/// # Formula
/// ```text
/// t ≤ 0:  ln P[S ≤ x]  ∈ K(c) − c x + ln [J_lo, J_hi]                       (c = min(t, −1/σ))
/// t > 0:  ln P[S ≤ x]  = ln(1 − P[S > x]),  ln P[S > x] ∈ K(c) − c x + ln [J_lo, J_hi]
///                                                          (c = max(t, min(1/σ, 1/(4 w_max))))
/// ```
/// with `J` the tilted inversion integral of the module documentation and `σ² = κ_2`.
///
/// # Reference
/// Davies (1973), Biometrika 60(2), 415–417; Davies (1980), Applied Statistics 29(3), 323–333.
///
/// # Remarks
/// `None` for `x ≤ offset`, non-finite `x` or `t`, or `t` at or beyond the pole `1/(2 w_max)`.
/// The lower end is `−∞` when the node budget cannot certify `J > 0`. Cost: `O(terms)` per node,
/// at most `WORK_BUDGET` = 4e6 term-evaluations plus about 30 evaluations of `K`.
pub fn inversion_bracket(law: &Gx2, x: f64, t: f64) -> Option<LnCdfBracket> {
    let d = x - law.offset();
    if !(d > 0.0 && d.is_finite() && t.is_finite()) {
        return None;
    }
    let pole = 0.5 / law.max_weight();
    if t >= pole {
        return None;
    }
    let sigma0 = law.variance().sqrt();
    let (tail, c) = if t > 0.0 {
        (Tail::Upper, t.max((1.0 / sigma0).min(0.5 * pole)))
    } else {
        (Tail::Lower, t.min(-1.0 / sigma0))
    };
    if !(c.is_finite() && c != 0.0 && c < pole) {
        return None;
    }
    let inv = invert(law, d, c, tail)?;
    let pad = |v: f64| 8.0 * EPS * v.abs() + 1e-300;
    let ln_j_lo = if inv.j_lo > 0.0 {
        inv.j_lo.ln()
    } else {
        f64::NEG_INFINITY
    };
    let ln_j_hi = inv.j_hi.ln();
    let lo = inv.ln_prefactor - inv.ln_prefactor_err + ln_j_lo;
    let hi = inv.ln_prefactor + inv.ln_prefactor_err + ln_j_hi;
    let out = match tail {
        Tail::Lower => LnCdfBracket {
            lower: lo - pad(lo),
            upper: (hi + pad(hi)).min(0.0),
        },
        Tail::Upper => {
            let hi = hi + pad(hi);
            let lower = if hi < 0.0 {
                let v = log1m_exp(hi);
                v - pad(v)
            } else {
                f64::NEG_INFINITY
            };
            let lo = lo - pad(lo);
            let upper = if lo > f64::NEG_INFINITY {
                let v = log1m_exp(lo.min(0.0));
                (v + pad(v)).min(0.0)
            } else {
                0.0
            };
            LnCdfBracket { lower, upper }
        }
    };
    if out.lower.is_nan() || out.upper.is_nan() {
        return None;
    }
    (out.lower > f64::NEG_INFINITY || out.upper < 0.0).then_some(out)
}

/// The certified enclosure of `J` and the prefactor at the tilt `c`.
fn invert(law: &Gx2, d: f64, c: f64, tail: Tail) -> Option<Inversion> {
    let n = law.num_terms();
    let tilted = Tilted::new(law, c);
    let a = c.abs();
    // Upper tail: W = D − T, so κ_W(θ) = E(−θ); lower tail: W = T − D, κ_W(θ) = E(θ),
    // with E(δ) = K_T(δ) − δ D.
    let eta = match tail {
        Tail::Lower => 1.0,
        Tail::Upper => -1.0,
    };

    // K(c) − c x = Σ_j [−(m_j/2) ln(1 − 2 w_j c) + c_j c / q_j] − c D.
    let (ln_prefactor, ln_prefactor_err) = {
        let mut sum = Neumaier::default();
        let mut term_err = 0.0;
        for ((&w, &m), &cj) in law
            .weights()
            .iter()
            .zip(law.multiplicities())
            .zip(law.weighted_noncentralities())
        {
            let b = 2.0 * w * c;
            let ln_q = (-b).ln_1p();
            let q = 1.0 - b;
            let central = -0.5 * m * ln_q;
            let noncentral = cj * c / q;
            sum.add(central + noncentral);
            term_err += 0.5 * m * (ln_q.abs() + b.abs() / q) + noncentral.abs();
        }
        let shift = -c * d;
        sum.add(shift);
        let value = sum.value();
        let abs = term_err + sum.abs + shift.abs();
        let err = (16.0 * EPS + 4.0 * n as f64 * EPS * EPS) * abs + 4.0 * EPS * value.abs();
        (value, err)
    };
    if !ln_prefactor.is_finite() {
        return None;
    }

    // The normal estimate of J, which sets the targets.
    let sigma = tilted.variance.sqrt();
    // Every product below (a², y², a·D, y·D) stays far from overflow and underflow only for
    // scales in this range; elsewhere the route declines rather than risk an unbounded error.
    let safe = |v: f64| (SAFE_SCALE.recip()..=SAFE_SCALE).contains(&v);
    if !(safe(sigma) && safe(a) && safe(d) && safe(a * sigma) && safe(d / sigma)) {
        return None;
    }
    let mu_w = eta * (tilted.mean - d);
    let ln_j_est = a * mu_w + 0.5 * (a * sigma).powi(2) + log_ndtr(-(mu_w / sigma + a * sigma));
    let ln_j_est = ln_j_est.min(0.0);
    if !ln_j_est.is_finite() {
        return None;
    }

    // Aliasing: candidates (|δ|, E(δ) + its error) on each side.
    let grid: Vec<f64> = (-3..=6).map(|k| 2f64.powi(k) / sigma).collect();
    let pole_t = 0.5 / tilted.w_max;
    let mut near: Vec<f64> = grid.iter().copied().filter(|&g| g < a).collect();
    near.push(a);
    let far: Vec<f64> = match tail {
        Tail::Lower => grid.clone(),
        Tail::Upper => {
            let mut v: Vec<f64> = grid.iter().copied().filter(|&g| g < 0.9 * pole_t).collect();
            v.extend([0.5 * pole_t, 0.75 * pole_t, 0.9 * pole_t, 0.97 * pole_t]);
            v
        }
    };
    let evaluate = |magnitudes: &[f64], sign: f64| -> Vec<(f64, f64)> {
        magnitudes
            .iter()
            .filter_map(|&g| {
                tilted
                    .exponent(sign * g, d)
                    .map(|(e, err)| (g, e + err))
                    .filter(|(_, e)| e.is_finite())
            })
            .collect()
    };
    // near: g(W − nL), θ ∈ (0, a], δ = ηθ; far: g(W + nL), δ = −ηλ.
    let near = evaluate(&near, eta);
    let far = evaluate(&far, -eta);
    let ln_alias_target = ln_j_est + ALIAS_TARGET.ln() - std::f64::consts::LN_2;
    // Σ_{n≥1} e^{E − g n L} ≤ target  ⟺  L ≥ ln(1 + e^{E − ln target}) / g.
    let required = |cands: &[(f64, f64)]| {
        cands
            .iter()
            .map(|&(g, e)| log_add_exp(0.0, e - ln_alias_target) / g)
            .fold(f64::INFINITY, f64::min)
    };
    let l_near = required(&near);
    let mut l_far = required(&far);
    if tail == Tail::Lower {
        // W ≥ −D: the far side vanishes once L > D.
        l_far = l_far.min(d * (1.0 + 1e-6));
    }
    let mut l = l_near.max(l_far);
    if !(l.is_finite() && l > 0.0) {
        return None;
    }
    // Keep hD/2 away from multiples of π (the summation-by-parts bound divides by sin²(hD/2)).
    let r = d / l;
    if r >= 0.5 {
        let k = (r - 0.5).floor();
        l = d / (k + 0.5);
    }
    // h with 22 significant bits, so that every node k h (k < 2^30) is exact.
    let h = {
        let raw = 2.0 * std::f64::consts::PI / l;
        f64::from_bits(raw.to_bits() & !((1u64 << 30) - 1))
    };
    if !(h > 0.0 && h.is_finite()) {
        return None;
    }
    // A lower bound on the period actually used.
    let l = 2.0 * std::f64::consts::PI / h * (1.0 - 4.0 * EPS);
    let geometric = |cands: &[(f64, f64)]| {
        cands
            .iter()
            .map(|&(g, e)| {
                let gl = g * l;
                // e^{E − gL} / (1 − e^{−gL})
                (e - gl).exp() / -(-gl).exp_m1()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let alias_near = geometric(&near);
    let alias_far = if tail == Tail::Lower && l > d {
        0.0
    } else {
        geometric(&far)
    };
    let alias = BOUND_SAFETY * (alias_near + alias_far);
    if !alias.is_finite() {
        return None;
    }

    // The sum over the nodes, with the truncation bounds checked at every node.
    let max_nodes = ((WORK_BUDGET / n as f64) as usize).clamp(MIN_NODES, MAX_NODES);
    let target = TRUNCATION_TARGET * ln_j_est.exp();
    let half_hd = 0.5 * h * d;
    let sin_half = half_hd.sin().abs();
    // z = e^{−iηhD}; 1/(1 − z) and 1/(1 − z)², with 1 − z = 2 sin²(hD/2) + iη sin(hD).
    let z = ((h * d).cos(), -eta * (h * d).sin());
    let zi = {
        let (re, im) = (2.0 * half_hd.sin().powi(2), eta * (h * d).sin());
        let norm = re * re + im * im;
        (re / norm, -im / norm)
    };
    let zi2 = mul(zi.0, zi.1, zi.0, zi.1);
    let zi_abs = 0.5 / sin_half;
    let h_over_pi = h / std::f64::consts::PI;
    let terms = n as f64;
    let rel = (terms + 16.0) * EPS;

    // Running sums over the nodes 0..=k−1 (`now`) and 0..=k−2 (`before`).
    let mut now = Sums {
        sum: 0.5 / a, // F(0)/2 = 1/(2a)
        abs: 0.5 / a,
        err: 0.0,
        nodes: 1.0,
    };
    let mut before = now;
    let mut previous: Option<Node> = None;
    // Every stop encloses T_∞; their intersection [lo, hi] (without the aliasing).
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    let enclose = |lo: &mut f64, hi: &mut f64, centre: f64, radius: f64| {
        if centre.is_finite() && radius.is_finite() {
            *lo = lo.max(centre - radius);
            *hi = hi.min(centre + radius);
        }
    };
    let mut stopped = false;
    for k in 1..=max_nodes {
        let y = k as f64 * h;
        let node = Node::at(&tilted, y, a, d, eta, rel);
        if !(node.re.is_finite() && node.err.is_finite()) {
            return None;
        }
        // First order: stop at N = k − 1; the tail Σ_{k'≥k} z^{k'} G_{k'} is
        // F_k/(1 − z) + remainder, |remainder| ≤ h ∫_{kh}^∞ |G''| / sin²(hD/2).
        if sin_half >= MIN_SIN && node.p > 0.0 {
            let remainder = BOUND_SAFETY * h_over_pi * h * node.i2() / (sin_half * sin_half);
            let corr = h_over_pi * mul(node.re, node.im, zi.0, zi.1).0;
            let corr_err = h_over_pi * zi_abs * (node.err + 1e-9 * node.scale);
            let (t_sum, round) = now.value(h_over_pi);
            enclose(&mut lo, &mut hi, t_sum + corr, remainder + corr_err + round);
            stopped |= remainder <= target;
        }
        // Second order: stop at N = k − 2; the tail is F_{k−1}/(1 − z)
        // + (F_k − z F_{k−1})/(1 − z)² + remainder,
        // |remainder| ≤ (3/4) h² ∫_{(k−1)h}^∞ |G'''| / sin³(hD/2).
        if let Some(prev) = previous.filter(|q| sin_half >= MIN_SIN && q.p > 0.0) {
            let remainder = BOUND_SAFETY * h_over_pi * 0.75 * h * h * prev.i3()
                / (sin_half * sin_half * sin_half);
            let first = mul(prev.re, prev.im, zi.0, zi.1).0;
            let (zr, zim) = mul(z.0, z.1, prev.re, prev.im);
            let second = mul(node.re - zr, node.im - zim, zi2.0, zi2.1).0;
            let corr = h_over_pi * (first + second);
            let corr_err = h_over_pi
                * (zi_abs * prev.err
                    + zi_abs * zi_abs * (node.err + prev.err)
                    + 1e-9 * (zi_abs + 2.0 * zi_abs * zi_abs) * (node.scale + prev.scale));
            let (t_sum, round) = before.value(h_over_pi);
            enclose(&mut lo, &mut hi, t_sum + corr, remainder + corr_err + round);
            stopped |= remainder <= target;
        }
        before = now;
        now.add(&node);
        // Absolute bound: stop at N = k, tail ≤ |φ_W(kh)| / (π P).
        if node.p > 0.0 {
            let trunc = BOUND_SAFETY * node.modulus / (std::f64::consts::PI * node.p);
            let (t_sum, round) = now.value(h_over_pi);
            enclose(&mut lo, &mut hi, t_sum, trunc + round);
            stopped |= trunc <= target;
        }
        previous = Some(node);
        if stopped {
            break;
        }
    }
    if !(hi.is_finite() && lo <= hi) {
        return None;
    }
    Some(Inversion {
        ln_prefactor,
        ln_prefactor_err,
        j_lo: lo - alias,
        j_hi: hi,
    })
}
