//! Target test errors eps, given absolutely or relative to the mean test error of the space.

use serde::Serialize;

use crate::error::Error;

/// A target test error.
///
/// # Formula
/// ```text
/// Absolute(eps):          eps
/// RelativeToMean(r):      eps = r * E_{h ~ p_h}[e(h)]
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Target {
    /// eps given directly (mean squared error over N*k entries).
    Absolute(f64),
    /// eps as a fraction of the hypothesis space's mean test error.
    RelativeToMean(f64),
}

impl Target {
    /// The target when none is given: half the space's mean test error.
    pub const DEFAULT: Target = Target::RelativeToMean(0.5);

    /// A validated absolute target.
    ///
    /// # Errors
    /// [`Error::Target`] unless eps is finite and > 0.
    pub fn absolute(eps: f64) -> Result<Self, Error> {
        if !(eps.is_finite() && eps > 0.0) {
            return Err(Error::Target(eps));
        }
        Ok(Self::Absolute(eps))
    }

    /// A validated relative target.
    ///
    /// # Errors
    /// [`Error::RelativeTarget`] unless the fraction is finite and > 0.
    pub fn relative(fraction: f64) -> Result<Self, Error> {
        if !(fraction.is_finite() && fraction > 0.0) {
            return Err(Error::RelativeTarget(fraction));
        }
        Ok(Self::RelativeToMean(fraction))
    }

    /// eps for a space whose mean test error is `mean_error`.
    pub fn resolve(&self, mean_error: f64) -> f64 {
        match *self {
            Target::Absolute(eps) => eps,
            Target::RelativeToMean(r) => r * mean_error,
        }
    }

    /// How eps was chosen, in words ("absolute" or "0.5 x mean error").
    pub fn describe(&self) -> String {
        match *self {
            Target::Absolute(_) => "absolute".to_string(),
            Target::RelativeToMean(r) => format!("{r} x mean error"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_validate_and_resolve() {
        assert!(matches!(Target::absolute(0.0), Err(Error::Target(v)) if v == 0.0));
        assert!(matches!(
            Target::relative(f64::NAN),
            Err(Error::RelativeTarget(_))
        ));
        assert_eq!(Target::relative(0.5).unwrap().resolve(0.08), 0.04);
        assert_eq!(Target::absolute(0.05).unwrap().resolve(0.08), 0.05);
    }
}
