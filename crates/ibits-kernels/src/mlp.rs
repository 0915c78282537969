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
/// q12 = 0 gives q/(2 pi), q12 = q gives q/2, q12 = -q gives 0 (q11 = q22 = q). The correlation
/// is clamped to [-1, 1] against rounding; a zero variance gives 0.
///
/// # Reference
/// Cho & Saul (2009), NeurIPS, eq. (6) with n = 1.
pub fn relu_expectation(q11: f64, q22: f64, q12: f64) -> f64 {
    let scale = (q11 * q22).sqrt();
    if scale <= 0.0 {
        return 0.0;
    }
    let rho = (q12 / scale).clamp(-1.0, 1.0);
    let theta = rho.acos();
    let sin_theta = (1.0 - rho * rho).max(0.0).sqrt();
    scale / (2.0 * PI) * (sin_theta + (PI - theta) * rho)
}

/// `E[relu'(u) relu'(v)] = P[u > 0, v > 0]` for `(u, v) ~ N(0, [[q11, q12], [q12, q22]])`.
///
/// # Formula
/// ```text
/// E = (pi - theta) / (2 pi),   theta = arccos(q12 / sqrt(q11 q22))
/// ```
///
/// # Reference
/// Cho & Saul (2009), NeurIPS, eq. (6) with n = 0 (divided by 2).
pub fn relu_derivative_expectation(q11: f64, q22: f64, q12: f64) -> f64 {
    let scale = (q11 * q22).sqrt();
    if scale <= 0.0 {
        return 0.25;
    }
    let rho = (q12 / scale).clamp(-1.0, 1.0);
    (PI - rho.acos()) / (2.0 * PI)
}

/// `E[erf(u) erf(v)]` for `(u, v) ~ N(0, [[q11, q12], [q12, q22]])` (arcsine kernel).
///
/// # Formula
/// ```text
/// E = (2 / pi) * arcsin( 2 q12 / sqrt((1 + 2 q11) (1 + 2 q22)) )
/// ```
///
/// # Reference
/// Williams (1997), "Computing with infinite networks", NeurIPS, eq. (11).
pub fn erf_expectation(q11: f64, q22: f64, q12: f64) -> f64 {
    let arg = (2.0 * q12 / ((1.0 + 2.0 * q11) * (1.0 + 2.0 * q22)).sqrt()).clamp(-1.0, 1.0);
    2.0 / PI * arg.asin()
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
    /// not finite and >= 0.
    pub fn new(depth: usize, sigma_w: f64, sigma_b: f64) -> Result<Self, KernelError> {
        if !(1..=1000).contains(&depth) {
            return Err(KernelError::Depth(depth));
        }
        if !(sigma_w.is_finite() && sigma_w > 0.0) {
            return Err(KernelError::SigmaW(sigma_w));
        }
        if !(sigma_b.is_finite() && sigma_b >= 0.0) {
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
        let (w2, b2) = (self.sigma_w * self.sigma_w, self.sigma_b * self.sigma_b);
        let mut q = self.input_cov(inner, dim);
        for l in 1..=self.depth {
            let e = match act {
                Activation::Relu => relu_expectation(dx[l - 1], dy[l - 1], q),
                Activation::Erf => erf_expectation(dx[l - 1], dy[l - 1], q),
            };
            q = b2 + w2 * e;
        }
        q
    }

    /// ReLU NTK Theta^L(x, y) from the per-layer variances of x and y and their inner product.
    pub(crate) fn ntk_relu(&self, dx: &[f64], dy: &[f64], inner: f64, dim: usize) -> f64 {
        let (w2, b2) = (self.sigma_w * self.sigma_w, self.sigma_b * self.sigma_b);
        let mut q = self.input_cov(inner, dim);
        let mut theta = q;
        for l in 1..=self.depth {
            let (q11, q22) = (dx[l - 1], dy[l - 1]);
            let e = relu_expectation(q11, q22, q);
            let e_dot = relu_derivative_expectation(q11, q22, q);
            q = b2 + w2 * e;
            theta = q + w2 * e_dot * theta;
        }
        theta
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
