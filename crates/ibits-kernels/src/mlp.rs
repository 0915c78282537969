//! Infinite-width kernels of fully connected networks: the NNGP of ReLU and erf MLPs and the NTK
//! of ReLU MLPs.
//!
//! A network of depth L has L hidden layers, each `Dense(sigma_w, sigma_b)` followed by the
//! activation, then a `Dense(sigma_w, sigma_b)` readout (neural-tangents'
//! `stax.serial(*[Dense, Relu] * L, Dense)` in its "ntk" parameterization, weights
//! `N(0, sigma_w^2 / fan_in)`, biases `N(0, sigma_b^2)`). The recursions act on the 2 x 2
//! covariance (q11, q22, q12) of a pair of pre-activations.
//!
//! ```text
//! q^0(x, y)   = sigma_b^2 + sigma_w^2 * <x, y> / d
//! q^l(x, y)   = sigma_b^2 + sigma_w^2 * E[phi(u) phi(v)],      (u, v) ~ N(0, q^{l-1})
//! Theta^0     = q^0
//! Theta^l     = q^l + sigma_w^2 * E[phi'(u) phi'(v)] * Theta^{l-1}
//! NNGP = q^L,  NTK = Theta^L
//! ```
//!
//! # Numerical method
//! The arc-cosine kernels are singular at correlation rho = 1 (d theta / d rho = -1 / sin(theta)),
//! so arccos of a correlation rounded next to 1 costs sqrt(eps) ~ 1e-8 in theta, and the NTK,
//! linear in theta there, loses 1e-8 relative (the erf kernel at large variances likewise). The
//! recursion therefore carries the complements s = 1 - rho and t = 1 + rho of every layer, each
//! computed without cancellation where it is small, instead of rho:
//!
//! ```text
//! theta = 2 asin(sqrt(s / 2)),  pi - theta = 2 asin(sqrt(t / 2)),  sin(theta) = sqrt(s t)
//! layer 0:  s, t from q11 q22 - q12^2 (exact products) or, for Mlp::nngp_eval and
//!           Mlp::ntk_relu_eval, from ||u -+ v|| of the normalised inputs
//! relu:     sqrt(q11' q22') - q12' = gap + sigma_w^2 g (pi s - (sin(theta) - theta cos(theta)))
//!                                          / (2 pi)
//! erf:      the same through differences of arcsines, asin(a) - asin(b) = asin((a^2 - b^2) / ...)
//! ```
//! (g = sqrt(q11 q22), gap = sqrt(q11' q22') - sigma_b^2 - sigma_w^2 E(rho = 1) >= 0 in closed
//! form). On the diagonal s = 0 exactly, so q^{l+1} = sigma_b^2 + sigma_w^2 q^l / 2 and
//! Theta^{l+1} = q^{l+1} + sigma_w^2 Theta^l / 2 hold to rounding (derivative kernel 1/2 at angle
//! 0). Inputs closer than ~1e-8 relative keep their angle only through the vector methods: the
//! Gram functions see x and y through the rounded inner product <x, y>.
//!
//! # Reference
//! Cho & Saul (2009), "Kernel methods for deep learning", NeurIPS (arc-cosine kernels);
//! Williams (1997), "Computing with infinite networks", NeurIPS (erf, arcsine kernel);
//! Lee et al. (2018), "Deep neural networks as Gaussian processes", ICLR;
//! Jacot, Gabriel & Hongler (2018), "Neural tangent kernel", NeurIPS;
//! Arora et al. (2019), "On exact computation with an infinitely wide neural net", NeurIPS, eq. (4)-(5).

use std::f64::consts::PI;

use serde::Serialize;

use crate::error::KernelError;

/// `E[relu(u) relu(v)]` for `(u, v) ~ N(0, [[q11, q12], [q12, q22]])` (arc-cosine kernel of order 1).
///
/// # Formula
/// ```text
/// E = sqrt(q11 q22) / (2 pi) * (sin(theta) + (pi - theta) cos(theta)),
/// theta = arccos(q12 / sqrt(q11 q22))
/// ```
///
/// # Remarks
/// q12 = 0 gives q/(2 pi), q12 = q gives q/2, q12 = -q gives 0 (q11 = q22 = q). The angle is
/// taken from the complements 1 - rho and 1 + rho (module docs, numerical method), so sin(theta)
/// and pi - theta carry no arccos rounding near rho = +-1; a correlation outside [-1, 1] counts as
/// +-1 and a zero variance gives 0.
///
/// # Reference
/// Cho & Saul (2009), NeurIPS, eq. (6) with n = 1.
pub fn relu_expectation(q11: f64, q22: f64, q12: f64) -> f64 {
    let g = geo_mean(q11, q22);
    if g <= 0.0 {
        return 0.0;
    }
    relu_layer(g, &Angle::of_covariance(q11, q22, q12, g)).0
}

/// `E[relu'(u) relu'(v)] = P[u > 0, v > 0]` for `(u, v) ~ N(0, [[q11, q12], [q12, q22]])`.
///
/// # Formula
/// ```text
/// E = (pi - theta) / (2 pi),   theta = arccos(q12 / sqrt(q11 q22))
/// ```
/// A zero variance gives 1/4 (the value at theta = pi / 2).
///
/// # Reference
/// Cho & Saul (2009), NeurIPS, eq. (6) with n = 0 (divided by 2).
pub fn relu_derivative_expectation(q11: f64, q22: f64, q12: f64) -> f64 {
    let g = geo_mean(q11, q22);
    if g <= 0.0 {
        return 0.25;
    }
    relu_layer(g, &Angle::of_covariance(q11, q22, q12, g)).1
}

/// `E[erf(u) erf(v)]` for `(u, v) ~ N(0, [[q11, q12], [q12, q22]])` (arcsine kernel).
///
/// # Formula
/// ```text
/// E = (2 / pi) * arcsin(z),   z = 2 q12 / sqrt((1 + 2 q11) (1 + 2 q22)),
/// 1 - z^2 = (1 + 2 q11 + 2 q22 + 4 (q11 q22 - q12^2)) / ((1 + 2 q11) (1 + 2 q22))
/// ```
/// The arcsine is taken as the angle of (z, sqrt(1 - z^2)) with 1 - z^2 from the second line,
/// so an argument next to 1 (large variances) costs no accuracy; the determinant
/// q11 q22 - q12^2 comes from exact products (module docs, numerical method), clamped at 0.
///
/// # Reference
/// Williams (1997), "Computing with infinite networks", NeurIPS, eq. (11).
pub fn erf_expectation(q11: f64, q22: f64, q12: f64) -> f64 {
    let g = geo_mean(q11, q22);
    let c = Complements::of_covariance(q11, q22, q12, g);
    let st = c.s * c.t;
    let (z, c, _, _) = erf_pair(q11, q22, q12, g, st);
    2.0 / PI * angle_of(z, c)
}

/// sqrt(a b) for a, b >= 0: exactly a when a = b, without overflow or underflow of a b, and 0
/// when either is 0 (also against an overflowed, infinite other).
fn geo_mean(a: f64, b: f64) -> f64 {
    if a == b {
        return a;
    }
    if a == 0.0 || b == 0.0 {
        return 0.0;
    }
    let p = a * b;
    if p.is_normal() {
        p.sqrt()
    } else {
        a.sqrt() * b.sqrt()
    }
}

/// The complements s = 1 - cos(theta) and t = 1 + cos(theta) (s + t = 2) of the angle theta in
/// [0, pi] of a pair, each accurate where it is small; what the recursion carries from layer to
/// layer (the erf kernel needs only s t = 1 - rho^2, the ReLU kernels the [`Angle`]).
#[derive(Debug, Clone, Copy)]
struct Complements {
    s: f64,
    t: f64,
}

impl Complements {
    /// From numbers proportional to (1 - cos, 1 + cos), normalised so s + t = 2: negative
    /// values count as 0, one infinite value as the dominant side, no information (both 0 or
    /// both infinite) as theta = pi/2, and a NaN gives NaN.
    fn new(num_s: f64, num_t: f64) -> Self {
        let (s, t) = (num_s.max(0.0), num_t.max(0.0));
        let sum = s + t;
        let (s, t) = if num_s.is_nan() || num_t.is_nan() {
            // Propagate: a NaN kernel value is caught downstream, a made-up angle would not be.
            (f64::NAN, f64::NAN)
        } else if sum > 0.0 && sum.is_finite() {
            let n = 0.5 * sum;
            (s / n, t / n)
        } else if s.is_infinite() != t.is_infinite() {
            // One side overflowed: it dominates.
            if s.is_infinite() {
                (2.0, 0.0)
            } else {
                (0.0, 2.0)
            }
        } else if sum.is_infinite() && s.is_finite() {
            let n = 0.5 * (0.5 * s + 0.5 * t);
            (0.5 * s / n, 0.5 * t / n)
        } else {
            (1.0, 1.0)
        };
        Self { s, t }
    }

    /// The complements of a covariance (q11, q22, q12) with g = sqrt(q11 q22), from
    ///
    /// ```text
    /// g - q12 = det / (g + q12),   g + q12 = det / (g - q12),   det = q11 q22 - q12^2,
    /// ```
    /// each used on the side where it is small (|rho| > 15/16), with det formed from exact
    /// products (fused multiply-add), so 1 -+ rho keep their relative accuracy when q11 != q22
    /// too (and q11 = q22 = q12 gives s = 0 exactly). For |rho| <= 15/16, and where q11 q22
    /// overflows or underflows, g -+ q12 directly.
    fn of_covariance(q11: f64, q22: f64, q12: f64, g: f64) -> Self {
        let (minus, plus) = (g - q12, g + q12);
        if minus.min(plus) >= 0.0625 * g {
            // |rho| <= 15/16: the direct differences lose at most 4 bits.
            return Self::new(minus, plus);
        }
        let (p, r) = (q11 * q22, q12 * q12);
        if !(p.is_normal() && r.is_finite()) {
            // Halves, so that g + q12 cannot overflow.
            return Self::new(0.5 * g - 0.5 * q12, 0.5 * g + 0.5 * q12);
        }
        // p + e1 = q11 q22 and r + e2 = q12^2 exactly.
        let (e1, e2) = (q11.mul_add(q22, -p), q12.mul_add(q12, -r));
        let det = ((p - r) + (e1 - e2)).max(0.0);
        if q12 >= 0.0 {
            let sum = g + q12;
            Self::new(if sum > 0.0 { det / sum } else { 0.0 }, sum)
        } else {
            let diff = g - q12;
            Self::new(diff, if diff > 0.0 { det / diff } else { 0.0 })
        }
    }
}

/// The angle theta in [0, pi] of a pair from its [`Complements`]:
///
/// ```text
/// theta = 2 asin(sqrt(s / 2)),  pi - theta = 2 asin(sqrt(t / 2)),
/// sin(theta) = sqrt(s t),  cos(theta) = (t - s) / 2
/// ```
#[derive(Debug, Clone, Copy)]
struct Angle {
    s: f64,
    theta: f64,
    pi_minus_theta: f64,
    sin: f64,
    cos: f64,
}

impl Angle {
    fn new(c: Complements) -> Self {
        let Complements { s, t } = c;
        // theta = 2 asin(sqrt(s / 2)) next to 0, pi - 2 asin(sqrt(t / 2)) next to pi, acos of
        // cos(theta) = (t - s) / 2 in (-1/2, 1/2) between: each well conditioned.
        let (theta, pi_minus_theta) = if s <= 0.5 {
            let theta = 2.0 * (0.5 * s).sqrt().asin();
            (theta, PI - theta)
        } else if t <= 0.5 {
            let phi = 2.0 * (0.5 * t).sqrt().asin();
            (PI - phi, phi)
        } else {
            let theta = (0.5 * (t - s)).acos();
            (theta, PI - theta)
        };
        Self {
            s,
            theta,
            pi_minus_theta,
            sin: (s * t).sqrt(),
            cos: 0.5 * (t - s),
        }
    }

    /// [`Complements::of_covariance`] then [`Angle::new`].
    fn of_covariance(q11: f64, q22: f64, q12: f64, g: f64) -> Self {
        Self::new(Complements::of_covariance(q11, q22, q12, g))
    }

    /// J(theta) = sin(theta) + (pi - theta) cos(theta) = f(pi - theta), f as in
    /// [`sin_minus_x_cos`] (cos(pi - theta) = -cos(theta)): no cancellation near theta = pi,
    /// where J ~ (pi - theta)^3 / 3.
    fn arc_cosine_j(&self) -> f64 {
        sin_minus_x_cos(self.pi_minus_theta, self.sin, -self.cos)
    }

    /// pi - J(theta) = pi (1 - cos(theta)) - f(theta) = pi s - f(theta): no cancellation near
    /// theta = 0, where it is ~ pi theta^2 / 2.
    fn pi_minus_j(&self) -> f64 {
        (PI * self.s - sin_minus_x_cos(self.theta, self.sin, self.cos)).max(0.0)
    }
}

/// f(x) = sin(x) - x cos(x) = x^3/3 - x^5/30 + ... for x in [0, pi], given sin(x) and cos(x):
/// the series sum_{k>=1} (-1)^(k+1) 2k x^(2k+1) / (2k+1)! (8 terms, Horner) below x = 1/2 (no
/// cancellation), the direct form above.
fn sin_minus_x_cos(x: f64, sin: f64, cos: f64) -> f64 {
    if x >= 0.5 {
        return sin - x * cos;
    }
    // c_k = (-1)^(k+1) 2k / (2k+1)!, k = 1..8; the first omitted term is < 1e-20 relative at
    // x = 1/2.
    const C: [f64; 8] = [
        1.0 / 3.0,
        -1.0 / 30.0,
        1.0 / 840.0,
        -1.0 / 45360.0,
        1.0 / 3991680.0,
        -1.0 / 518918400.0,
        1.0 / 93405312000.0,
        -1.0 / 22230464256000.0,
    ];
    let x2 = x * x;
    let poly = C.iter().rev().fold(0.0, |acc, &c| acc * x2 + c);
    x * x2 * poly
}

/// (E[relu(u) relu(v)], E[relu'(u) relu'(v)]) of a pair with geometric-mean variance g > 0 at
/// angle `a` (Cho & Saul 2009, eq. (6), n = 1 and n = 0): g J / (2 pi) and (pi - theta) / (2 pi),
/// J = sin(theta) + (pi - theta) cos(theta). At theta = 0, J / (2 pi) = 1/2 exactly.
fn relu_layer(g: f64, a: &Angle) -> (f64, f64) {
    let j = a.arc_cosine_j();
    (g * (j / (2.0 * PI)), a.pi_minus_theta / (2.0 * PI))
}

/// The arcsine kernel of a pair (q11, q22, q12) with g = sqrt(q11 q22) and st = 1 - rho^2 = s t,
/// as sines and cosines of its angles:
///
/// ```text
/// z  = 2 q12 / sqrt(P),  c  = sqrt(1 - z^2)  = sqrt(c*^2 + z*^2 s t),   E = (2 / pi) asin(z),
/// z* = 2 g / sqrt(P),    c* = sqrt(1 - z*^2) = sqrt(1 + 2 q11 + 2 q22) / sqrt(P),
/// P = (1 + 2 q11) (1 + 2 q22)
/// ```
/// (z* at rho = 1; 1 - z^2 = 1 - z*^2 rho^2 = c*^2 + z*^2 (1 - rho^2), no cancellation near
/// z = 1). Returns (z, c, z*, c*).
fn erf_pair(q11: f64, q22: f64, q12: f64, g: f64, st: f64) -> (f64, f64, f64, f64) {
    let sp = (1.0 + 2.0 * q11).sqrt() * (1.0 + 2.0 * q22).sqrt();
    let (z_star, c_star) = (2.0 * g / sp, (1.0 + 2.0 * q11 + 2.0 * q22).sqrt() / sp);
    let c = (c_star * c_star + z_star * z_star * st).sqrt();
    (2.0 * q12 / sp, c, z_star, c_star)
}

/// The angle beta in [-pi/2, pi/2] with sin(beta) = z, cos(beta) = c (z^2 + c^2 = 1 to
/// rounding, both accurate): asin(z) where |z| <= c, +-acos(c) otherwise (each argument at most
/// 1/sqrt(2), so well conditioned).
fn angle_of(z: f64, c: f64) -> f64 {
    if z.abs() <= c {
        z.asin()
    } else {
        c.acos().copysign(z)
    }
}

/// asin(za) - asin(zb) for za, zb in [0, 1] with cosines ca, cb, given za^2 - zb^2 formed without
/// cancellation:
///
/// ```text
/// sin(A - B) = za cb - ca zb = (za^2 - zb^2) / (za cb + ca zb)
/// ```
fn asin_difference(za: f64, ca: f64, zb: f64, cb: f64, diff_sq: f64) -> f64 {
    let den = za * cb + ca * zb;
    if den > 0.0 {
        (diff_sq / den).clamp(-1.0, 1.0).asin()
    } else {
        angle_of(za, ca) - angle_of(zb, cb)
    }
}

/// Activation of an infinite-width MLP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// relu(z) = max(z, 0).
    Relu,
    /// erf(z).
    Erf,
}

/// Architecture of a fully connected network: depth (hidden layers) and the standard deviations
/// of weights (sigma_w, variance sigma_w^2 / fan_in) and biases (sigma_b).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Mlp {
    depth: usize,
    sigma_w: f64,
    sigma_b: f64,
}

impl Mlp {
    /// A depth-`depth` MLP with weight std `sigma_w` and bias std `sigma_b`.
    ///
    /// # Errors
    /// [`KernelError`] if depth is outside 1..=1000, sigma_w is not finite and > 0, or sigma_b is
    /// not finite and >= 0, or a variance sigma^2 overflows (sigma above about 1.34e154, where
    /// the recursion would meet inf * 0).
    pub fn new(depth: usize, sigma_w: f64, sigma_b: f64) -> Result<Self, KernelError> {
        if !(1..=1000).contains(&depth) {
            return Err(KernelError::Depth(depth));
        }
        if !(sigma_w.is_finite() && sigma_w > 0.0 && (sigma_w * sigma_w).is_finite()) {
            return Err(KernelError::SigmaW(sigma_w));
        }
        if !(sigma_b.is_finite() && sigma_b >= 0.0 && (sigma_b * sigma_b).is_finite()) {
            return Err(KernelError::SigmaB(sigma_b));
        }
        Ok(Self {
            depth,
            sigma_w,
            sigma_b,
        })
    }

    /// Number of hidden layers L.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Weight standard deviation sigma_w.
    pub fn sigma_w(&self) -> f64 {
        self.sigma_w
    }

    /// Bias standard deviation sigma_b.
    pub fn sigma_b(&self) -> f64 {
        self.sigma_b
    }

    /// The layer-0 covariance q^0 = sigma_b^2 + sigma_w^2 * inner / d.
    pub(crate) fn input_cov(&self, inner: f64, dim: usize) -> f64 {
        self.sigma_b * self.sigma_b + self.sigma_w * self.sigma_w * inner / dim as f64
    }

    /// Per-layer variances q^0(x, x), ..., q^L(x, x) of one input with squared norm `sq_norm`.
    pub(crate) fn diagonal_layers(
        &self,
        act: Activation,
        sq_norm: f64,
        dim: usize,
        out: &mut [f64],
    ) {
        let (w2, b2) = (self.sigma_w * self.sigma_w, self.sigma_b * self.sigma_b);
        out[0] = self.input_cov(sq_norm, dim);
        for l in 1..=self.depth {
            let q = out[l - 1];
            let e = match act {
                Activation::Relu => q / 2.0,
                Activation::Erf => erf_expectation(q, q, q),
            };
            out[l] = b2 + w2 * e;
        }
    }

    /// NNGP covariance q^L(x, y) from the per-layer variances of x and y and their inner product.
    pub(crate) fn nngp(
        &self,
        act: Activation,
        dx: &[f64],
        dy: &[f64],
        inner: f64,
        dim: usize,
    ) -> f64 {
        let (q12, angle) = self.input_pair_from_inner(dx, dy, inner, dim);
        self.propagate(act, dx, dy, q12, angle).0
    }

    /// ReLU NTK Theta^L(x, y) from the per-layer variances of x and y and their inner product.
    pub(crate) fn ntk_relu(&self, dx: &[f64], dy: &[f64], inner: f64, dim: usize) -> f64 {
        let (q12, angle) = self.input_pair_from_inner(dx, dy, inner, dim);
        self.propagate(Activation::Relu, dx, dy, q12, angle).1
    }

    /// The NNGP covariance q^L(x, y) of two input vectors.
    ///
    /// # Formula
    /// The recursion of the module docs. The layer-0 angle comes from the normalised inputs
    /// u = x / ||x||, v = y / ||y|| (Kahan's angle between vectors),
    /// ```text
    /// 1 - cos(alpha) = 2 ||u - v||^2 / (||u - v||^2 + ||u + v||^2)   (and 1 + cos with u + v),
    /// sqrt(q11 q22) - q12 = sigma_b^2 (sigma_w^2 / d) (||x|| - ||y||)^2
    ///                          / (sqrt(q11 q22) + sigma_b^2 + sigma_w^2 ||x|| ||y|| / d)
    ///                       + (sigma_w^2 / d) ||x|| ||y|| (1 - cos(alpha)),
    /// ```
    /// so near-duplicate inputs keep their angle; [`crate::Kernel::eval`] and the Gram functions
    /// work from the inner product <x, y>, where the angle of inputs closer than about 1e-8
    /// relative is lost to the rounding of <x, y> (the diagonal is exact on both paths).
    ///
    /// # Errors
    /// [`KernelError::DimensionMismatch`] if the lengths differ, [`KernelError::NoFeatures`] if
    /// they are empty, [`KernelError::NonFinite`] for a NaN/inf entry.
    ///
    /// # Reference
    /// Kahan (2006), "How futile are mindless assessments of roundoff in floating-point
    /// computation?" (the angle between vectors); the recursion as in the module docs.
    pub fn nngp_eval(&self, act: Activation, x: &[f64], y: &[f64]) -> Result<f64, KernelError> {
        let (dx, dy, q12, angle) = self.input_pair_from_vectors(act, x, y)?;
        Ok(self.propagate(act, &dx, &dy, q12, angle).0)
    }

    /// The ReLU NTK Theta^L(x, y) of two input vectors, with the layer-0 angle taken as in
    /// [`Mlp::nngp_eval`].
    ///
    /// # Errors
    /// As [`Mlp::nngp_eval`].
    ///
    /// # Reference
    /// Arora et al. (2019), eq. (4)-(5); the recursion as in the module docs.
    pub fn ntk_relu_eval(&self, x: &[f64], y: &[f64]) -> Result<f64, KernelError> {
        let (dx, dy, q12, angle) = self.input_pair_from_vectors(Activation::Relu, x, y)?;
        Ok(self.propagate(Activation::Relu, &dx, &dy, q12, angle).1)
    }

    /// Layer-0 covariance and angle complements of a pair from its inner product
    /// ([`Complements::of_covariance`]); sqrt(q11 q22) = q11 exactly when q11 = q22, so the
    /// diagonal (inner = ||x||^2) has s = 0 exactly.
    fn input_pair_from_inner(
        &self,
        dx: &[f64],
        dy: &[f64],
        inner: f64,
        dim: usize,
    ) -> (f64, Complements) {
        let q12 = self.input_cov(inner, dim);
        let g = geo_mean(dx[0], dy[0]);
        (q12, Complements::of_covariance(dx[0], dy[0], q12, g))
    }

    /// Per-layer variances of x and y, and the layer-0 covariance and angle of the pair from the
    /// vectors themselves (formula at [`Mlp::nngp_eval`]).
    #[allow(clippy::type_complexity)]
    fn input_pair_from_vectors(
        &self,
        act: Activation,
        x: &[f64],
        y: &[f64],
    ) -> Result<(Vec<f64>, Vec<f64>, f64, Complements), KernelError> {
        if x.len() != y.len() {
            return Err(KernelError::DimensionMismatch {
                left: x.len(),
                right: y.len(),
            });
        }
        if x.is_empty() {
            return Err(KernelError::NoFeatures);
        }
        for (row, v) in [x, y].iter().enumerate() {
            if let Some((col, &value)) = v.iter().enumerate().find(|(_, e)| !e.is_finite()) {
                return Err(KernelError::NonFinite { row, col, value });
            }
        }
        let dim = x.len();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| p * q).sum::<f64>();
        let (a, b, inner) = (dot(x, x), dot(y, y), dot(x, y));
        let mut dx = vec![0.0; self.depth + 1];
        let mut dy = vec![0.0; self.depth + 1];
        self.diagonal_layers(act, a, dim, &mut dx);
        self.diagonal_layers(act, b, dim, &mut dy);
        let q12 = self.input_cov(inner, dim);
        let (nx, ny) = (a.sqrt(), b.sqrt());
        let (mut dm, mut dp) = (0.0, 0.0);
        if nx > 0.0 && ny > 0.0 && nx.is_finite() && ny.is_finite() {
            for (p, q) in x.iter().zip(y) {
                let (u, v) = (p / nx, q / ny);
                dm += (u - v) * (u - v);
                dp += (u + v) * (u + v);
            }
        }
        let total = dm + dp;
        let angle = if total > 0.0 && total.is_finite() {
            let (one_minus, one_plus) = (2.0 * dm / total, 2.0 * dp / total);
            let c = self.sigma_w * self.sigma_w / dim as f64;
            let (g, g_in) = (geo_mean(dx[0], dy[0]), geo_mean(a, b));
            let gap = self.variance_gap(c, a, b, g, g_in);
            let b2 = self.sigma_b * self.sigma_b;
            Complements::new(
                gap + c * g_in * one_minus,
                gap + 2.0 * b2 + c * g_in * one_plus,
            )
        } else {
            self.input_pair_from_inner(&dx, &dy, inner, dim).1
        };
        Ok((dx, dy, q12, angle))
    }

    /// sqrt(A B) - (sigma_b^2 + c sqrt(qa qb)) >= 0 for A = sigma_b^2 + c qa, B = sigma_b^2 + c qb,
    /// without cancellation, given g_next = sqrt(A B) and g = sqrt(qa qb):
    ///
    /// ```text
    /// A B - (sigma_b^2 + c g)^2 = sigma_b^2 c (sqrt(qa) - sqrt(qb))^2
    /// => gap = sigma_b^2 c (qa - qb)^2 / ((qa + qb + 2 g) (g_next + sigma_b^2 + c g))
    /// ```
    fn variance_gap(&self, c: f64, qa: f64, qb: f64, g_next: f64, g: f64) -> f64 {
        if qa == qb {
            return 0.0;
        }
        // (sqrt(qa) - sqrt(qb))^2 = (qa - qb)^2 / (qa + qb + 2 g).
        let b2 = self.sigma_b * self.sigma_b;
        let diff = qa - qb;
        let den = (qa + qb + 2.0 * g) * (g_next + b2 + c * g);
        if den > 0.0 && den.is_finite() {
            b2 * c * diff * (diff / den)
        } else {
            0.0
        }
    }

    /// The next-layer angle of an erf pair: sqrt(q11' q22') -+ q12' without cancellation,
    ///
    /// ```text
    /// sqrt(q11' q22') - q12' = gap + sigma_w^2 (2 / pi) (sqrt(b11 b22) - b12)
    /// sqrt(q11' q22') + q12' = gap + 2 sigma_b^2 + sigma_w^2 (2 / pi) (sqrt(b11 b22) + b12)
    /// sqrt(b11 b22) -+ b12 = m + (b* -+ b12),
    /// m = sqrt(b11 b22) - b* = ((b11 - b*) + (b22 - b*)) / 2 - (sqrt(b11) - sqrt(b22))^2 / 2
    /// ```
    /// with b = asin(z) the arcsine angles of [`erf_pair`] (b* at rho = 1), each difference from
    /// [`asin_difference`] with z*^2 - z^2 = z*^2 s t and
    /// z11^2 - z*^2 = z11 * 2 (q11 - q22) / ((1 + 2 q11)(1 + 2 q22)), and gap from
    /// [`Mlp::variance_gap`].
    fn erf_next_angle(
        &self,
        q11: f64,
        q22: f64,
        g_next: f64,
        (z, c, z_star, c_star): (f64, f64, f64, f64),
        st: f64,
    ) -> Complements {
        let (w2, b2) = (self.sigma_w * self.sigma_w, self.sigma_b * self.sigma_b);
        let (z11, c11, _, _) = erf_pair(q11, q11, q11, q11, 0.0);
        let (z22, c22, _, _) = erf_pair(q22, q22, q22, q22, 0.0);
        let (b11, b22, b_star) = (
            angle_of(z11, c11),
            angle_of(z22, c22),
            angle_of(z_star, c_star),
        );
        let dq = 2.0 * (q11 - q22) / (1.0 + 2.0 * q11) / (1.0 + 2.0 * q22);
        let d11 = asin_difference(z11, c11, z_star, c_star, z11 * dq);
        let d22 = asin_difference(z22, c22, z_star, c_star, -z22 * dq);
        let root_sum = b11.sqrt() + b22.sqrt();
        let root_diff = if root_sum > 0.0 {
            (d11 - d22) / root_sum
        } else {
            0.0
        };
        let mismatch = 0.5 * (d11 + d22) - 0.5 * root_diff * root_diff;
        let small = asin_difference(z_star, c_star, z.abs(), c, z_star * z_star * st);
        let (d_minus, d_plus) = if z >= 0.0 {
            (small, b_star + angle_of(z, c))
        } else {
            (b_star - angle_of(z, c), small)
        };
        let (e11, e22) = (2.0 / PI * b11, 2.0 / PI * b22);
        let gap = self.variance_gap(w2, e11, e22, g_next, geo_mean(e11, e22));
        Complements::new(
            gap + w2 * (2.0 / PI) * (mismatch + d_minus),
            gap + 2.0 * b2 + w2 * (2.0 / PI) * (mismatch + d_plus),
        )
    }

    /// The NNGP q^L and the NTK Theta^L (the NTK for ReLU only) of a pair with layer-0
    /// covariance `q12` and angle `angle`, carrying 1 - rho and 1 + rho (through `angle`) from
    /// layer to layer instead of rho:
    ///
    /// ```text
    /// relu: sqrt(q11' q22') - q12' = gap + sigma_w^2 g (pi - J) / (2 pi),
    ///       sqrt(q11' q22') + q12' = gap + 2 sigma_b^2 + sigma_w^2 g (pi + J) / (2 pi),
    ///       pi - J = pi s - (sin(theta) - theta cos(theta))   ([`Angle::pi_minus_j`])
    /// erf:  see [`Mlp::erf_next_angle`]
    /// ```
    /// with g = sqrt(q11 q22), q11' = sigma_b^2 + sigma_w^2 q11 / 2 (ReLU) and gap from
    /// [`Mlp::variance_gap`]; the NTK factor E[relu'(u) relu'(v)] = (pi - theta) / (2 pi) is 1/2
    /// exactly at theta = 0.
    fn propagate(
        &self,
        act: Activation,
        dx: &[f64],
        dy: &[f64],
        mut q12: f64,
        mut angle: Complements,
    ) -> (f64, f64) {
        let (w2, b2) = (self.sigma_w * self.sigma_w, self.sigma_b * self.sigma_b);
        let mut ntk = q12;
        let mut g = geo_mean(dx[0], dy[0]);
        for l in 1..=self.depth {
            let (q11, q22) = (dx[l - 1], dy[l - 1]);
            let last = l == self.depth;
            let g_next = if last { 0.0 } else { geo_mean(dx[l], dy[l]) };
            match act {
                Activation::Relu => {
                    if g <= 0.0 {
                        // A zero variance: E = 0, E' = 1/4 (relu_expectation's convention).
                        q12 = b2;
                        ntk = q12 + w2 * 0.25 * ntk;
                        if !last {
                            let gap = self.variance_gap(0.5 * w2, q11, q22, g_next, 0.0);
                            angle = Complements::new(gap, gap + 2.0 * b2);
                        }
                    } else {
                        let a = Angle::new(angle);
                        let j = a.arc_cosine_j();
                        q12 = b2 + w2 * (g * (j / (2.0 * PI)));
                        ntk = q12 + w2 * (a.pi_minus_theta / (2.0 * PI)) * ntk;
                        if !last {
                            let gap = self.variance_gap(0.5 * w2, q11, q22, g_next, g);
                            angle = Complements::new(
                                gap + w2 * g * (a.pi_minus_j() / (2.0 * PI)),
                                gap + 2.0 * b2 + w2 * g * ((PI + j) / (2.0 * PI)),
                            );
                        }
                    }
                }
                Activation::Erf => {
                    let st = angle.s * angle.t;
                    let (z, c, z_star, c_star) = erf_pair(q11, q22, q12, g, st);
                    let beta12 = angle_of(z, c);
                    q12 = b2 + w2 * (2.0 / PI * beta12);
                    if !last {
                        // Away from rho = +-1 the rounded covariance is enough (1 -+ rho >= 1/16
                        // lose at most 4 bits); next to it the cancellation-free differences.
                        let fast = Complements::of_covariance(dx[l], dy[l], q12, g_next);
                        angle = if fast.s.min(fast.t) >= 0.0625 {
                            fast
                        } else {
                            let pair = (z, c, z_star, c_star);
                            self.erf_next_angle(q11, q22, g_next, pair, st)
                        };
                    }
                }
            }
            g = g_next;
        }
        (q12, ntk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    // docs/design.md section 8: q11 = q22 = q; q12 = 0 -> q/(2 pi); q12 = q -> q/2; q12 = -q -> 0.
    #[test]
    fn relu_expectation_matches_closed_form_identities() {
        for q in [1e-3, 0.7, 1.0, 42.0] {
            assert_relative_eq!(
                relu_expectation(q, q, 0.0),
                q / (2.0 * PI),
                max_relative = 1e-15
            );
            assert_relative_eq!(relu_expectation(q, q, q), q / 2.0, max_relative = 1e-15);
            assert!(relu_expectation(q, q, -q).abs() <= 1e-15 * q);
            // P[u > 0, v > 0] is 1/4 for independent, 1/2 for equal, 0 for opposite inputs.
            assert_relative_eq!(
                relu_derivative_expectation(q, q, 0.0),
                0.25,
                max_relative = 1e-15
            );
            assert_relative_eq!(
                relu_derivative_expectation(q, q, q),
                0.5,
                max_relative = 1e-15
            );
            assert!(relu_derivative_expectation(q, q, -q).abs() <= 1e-15);
        }
    }

    // erf(u) with u ~ N(0, q): E[erf(u)^2] = (2/pi) asin(2q/(1+2q)); at q12 = 0 it is 0 (odd).
    #[test]
    fn erf_expectation_is_odd_and_bounded() {
        for q in [0.1, 1.0, 10.0] {
            assert!(erf_expectation(q, q, 0.0).abs() < 1e-16);
            assert_relative_eq!(
                erf_expectation(q, q, -0.3 * q),
                -erf_expectation(q, q, 0.3 * q)
            );
            assert!(erf_expectation(q, q, q) < 1.0);
        }
        // q -> infinity: erf -> sign, E[sign(u)^2] = 1.
        assert_relative_eq!(erf_expectation(1e12, 1e12, 1e12), 1.0, max_relative = 1e-5);
    }

    // f(x) = sin(x) - x cos(x): the series against its first terms x^3/3 - x^5/30 + x^7/840
    // (truncation x^9/45360) for small x, and against the direct form where it has no
    // cancellation to speak of (x^2 ~ 0.25: <= 1e-15 lost).
    #[test]
    fn sin_minus_x_cos_series_matches_closed_forms() {
        for x in [1e-300, 1e-12, 1e-6, 1e-3, 0.01] {
            let x2 = x * x;
            let want = x * x2 / 3.0 * (1.0 - x2 / 10.0 + x2 * x2 / 280.0);
            let got = sin_minus_x_cos(x, x.sin(), x.cos());
            assert_relative_eq!(got, want, max_relative = 1e-15);
        }
        for x in [0.3f64, 0.45, 0.4999999] {
            let direct = x.sin() - x * x.cos();
            assert_relative_eq!(
                sin_minus_x_cos(x, x.sin(), x.cos()),
                direct,
                max_relative = 2e-15
            );
        }
        assert_eq!(sin_minus_x_cos(0.0, 0.0, 1.0), 0.0);
    }

    fn angle(num_s: f64, num_t: f64) -> Angle {
        Angle::new(Complements::new(num_s, num_t))
    }

    // theta = 0, pi/2, pi from (s, t) = (0, 2), (1, 1), (2, 0): sin, cos and pi - theta exact,
    // so E = g/2 and P = 1/2 exactly at theta = 0 (the diagonal), 0 and 0 at theta = pi.
    #[test]
    fn angle_is_exact_at_zero_and_pi() {
        let a = angle(0.0, 3.0);
        assert_eq!((a.s, a.theta, a.sin, a.cos), (0.0, 0.0, 0.0, 1.0));
        assert_eq!(a.pi_minus_theta, PI);
        assert_eq!(a.arc_cosine_j(), PI);
        assert_eq!(a.pi_minus_j(), 0.0);
        for g in [1e-300, 0.3, 7.0, 1e300] {
            assert_eq!(relu_layer(g, &a), (g / 2.0, 0.5));
        }
        let a = angle(5.0, 0.0);
        assert_eq!(
            (a.theta, a.pi_minus_theta, a.sin, a.arc_cosine_j()),
            (PI, 0.0, 0.0, 0.0)
        );
        let a = angle(1.0, 1.0);
        assert_relative_eq!(a.theta, PI / 2.0, max_relative = 1e-16);
        assert_eq!((a.sin, a.cos), (1.0, 0.0));
        // No information (0/0, inf/inf) counts as theta = pi/2; one overflowed side dominates.
        for (s, t) in [(0.0, 0.0), (f64::INFINITY, f64::INFINITY)] {
            let c = Complements::new(s, t);
            assert_eq!((c.s, c.t), (1.0, 1.0));
        }
        let c = Complements::new(1.0, f64::INFINITY);
        assert_eq!((c.s, c.t), (0.0, 2.0));
        assert!(angle(f64::NAN, 1.0).theta.is_nan());
    }

    // On the diagonal (q11 = q22 = q12) the angle is exactly 0 for any variance.
    #[test]
    fn diagonal_covariance_has_angle_zero() {
        for q in [1e-310, 1e-200, 0.1, 1.0 / 3.0, 42.0, 1e200, f64::MAX] {
            let a = Angle::of_covariance(q, q, q, geo_mean(q, q));
            assert_eq!((a.s, a.theta), (0.0, 0.0), "q = {q:e}");
        }
    }

    // 1 - rho = 1 - q12 / sqrt(q11 q22) keeps its relative accuracy with q11 != q22: q11 = 1,
    // q22 = 4, q12 = 2 (1 - 2^-40): s = 2^-40 exactly.
    #[test]
    fn complement_of_unequal_variances_is_accurate() {
        let eps = 2f64.powi(-40);
        let a = Angle::of_covariance(1.0, 4.0, 2.0 * (1.0 - eps), 2.0);
        assert_relative_eq!(a.s, eps, max_relative = 1e-15);
        assert_relative_eq!(a.theta, (2.0 * eps).sqrt(), max_relative = 1e-12);
    }

    #[test]
    fn new_rejects_bad_parameters() {
        assert_eq!(Mlp::new(0, 1.0, 0.0), Err(KernelError::Depth(0)));
        assert_eq!(Mlp::new(2, 0.0, 0.0), Err(KernelError::SigmaW(0.0)));
        assert_eq!(Mlp::new(2, 1.0, -1.0), Err(KernelError::SigmaB(-1.0)));
        assert!(matches!(
            Mlp::new(2, f64::NAN, 0.0),
            Err(KernelError::SigmaW(_))
        ));
    }
}
