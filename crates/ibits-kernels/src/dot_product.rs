//! Kernels of the inner product: linear and polynomial.
//!
//! Both are written with the same layer-0 covariance as the MLP kernels, so that a linear kernel
//! is the NNGP of a network with no hidden layer:
//!
//! ```text
//! q^0(x, y) = sigma_b^2 + sigma_w^2 * <x, y> / d
//! ```

use serde::Serialize;

use crate::error::KernelError;

/// Linear kernel (Bayesian linear regression with weight variance sigma_w^2 / d and bias
/// variance sigma_b^2).
///
/// # Formula
/// ```text
/// k(x, y) = sigma_b^2 + sigma_w^2 * <x, y> / d
/// ```
/// where d is the number of input features.
///
/// # Reference
/// Rasmussen & Williams (2006), "Gaussian Processes for Machine Learning", eq. (4.20)-(4.21).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Linear {
    sigma_w: f64,
    sigma_b: f64,
}

impl Linear {
    /// A linear kernel with weight std `sigma_w` and bias std `sigma_b`.
    ///
    /// # Errors
    /// [`KernelError::SigmaW`] unless sigma_w is finite and > 0; [`KernelError::SigmaB`] unless
    /// sigma_b is finite and >= 0; either also when its square overflows (above about 1.34e154).
    pub fn new(sigma_w: f64, sigma_b: f64) -> Result<Self, KernelError> {
        check_sigmas(sigma_w, sigma_b)?;
        Ok(Self { sigma_w, sigma_b })
    }

    /// Weight std sigma_w.
    pub fn sigma_w(&self) -> f64 {
        self.sigma_w
    }

    /// Bias std sigma_b.
    pub fn sigma_b(&self) -> f64 {
        self.sigma_b
    }

    pub(crate) fn of_inner(&self, inner: f64, dim: usize) -> f64 {
        self.sigma_b * self.sigma_b + self.sigma_w * self.sigma_w * inner / dim as f64
    }
}

/// Polynomial kernel of the layer-0 covariance.
///
/// # Formula
/// ```text
/// k(x, y) = (sigma_b^2 + sigma_w^2 * <x, y> / d)^degree
/// ```
/// (scikit-learn's `polynomial_kernel` with gamma = sigma_w^2 / d, coef0 = sigma_b^2).
///
/// # Reference
/// Rasmussen & Williams (2006), "Gaussian Processes for Machine Learning", eq. (4.22).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Polynomial {
    degree: u32,
    sigma_w: f64,
    sigma_b: f64,
}

impl Polynomial {
    /// A polynomial kernel of the given degree.
    ///
    /// # Errors
    /// [`KernelError::Degree`] unless 1 <= degree <= 64, and the errors of [`Linear::new`].
    pub fn new(degree: u32, sigma_w: f64, sigma_b: f64) -> Result<Self, KernelError> {
        if !(1..=64).contains(&degree) {
            return Err(KernelError::Degree(degree));
        }
        check_sigmas(sigma_w, sigma_b)?;
        Ok(Self {
            degree,
            sigma_w,
            sigma_b,
        })
    }

    /// Degree p.
    pub fn degree(&self) -> u32 {
        self.degree
    }

    /// Weight std sigma_w.
    pub fn sigma_w(&self) -> f64 {
        self.sigma_w
    }

    /// Bias std sigma_b.
    pub fn sigma_b(&self) -> f64 {
        self.sigma_b
    }

    pub(crate) fn of_inner(&self, inner: f64, dim: usize) -> f64 {
        let base = self.sigma_b * self.sigma_b + self.sigma_w * self.sigma_w * inner / dim as f64;
        base.powi(self.degree as i32)
    }
}

/// sigma_w finite and > 0, sigma_b finite and >= 0, and both squares finite (a variance of inf
/// would give inf * 0 = NaN for orthogonal inputs).
fn check_sigmas(sigma_w: f64, sigma_b: f64) -> Result<(), KernelError> {
    if !(sigma_w.is_finite() && sigma_w > 0.0 && (sigma_w * sigma_w).is_finite()) {
        return Err(KernelError::SigmaW(sigma_w));
    }
    if !(sigma_b.is_finite() && sigma_b >= 0.0 && (sigma_b * sigma_b).is_finite()) {
        return Err(KernelError::SigmaB(sigma_b));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_rejects_bad_parameters() {
        assert_eq!(Polynomial::new(0, 1.0, 1.0), Err(KernelError::Degree(0)));
        assert_eq!(Linear::new(-1.0, 0.0), Err(KernelError::SigmaW(-1.0)));
        assert!(matches!(
            Linear::new(1.0, f64::NAN),
            Err(KernelError::SigmaB(_))
        ));
    }

    #[test]
    fn polynomial_of_degree_one_is_linear() {
        let p = Polynomial::new(1, 1.3, 0.4).unwrap();
        let l = Linear::new(1.3, 0.4).unwrap();
        assert_eq!(p.of_inner(2.5, 3), l.of_inner(2.5, 3));
        // (0.16 + 1.69 * 2.5 / 3)^3 by hand: 1.56833...^3
        let base: f64 = 0.16 + 1.69 * 2.5 / 3.0;
        let p3 = Polynomial::new(3, 1.3, 0.4).unwrap();
        approx::assert_relative_eq!(
            p3.of_inner(2.5, 3),
            base * base * base,
            max_relative = 1e-15
        );
    }
}
