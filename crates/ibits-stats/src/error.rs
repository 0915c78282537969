//! Errors of the ibits-stats crate. Every variant carries the offending value and states the
//! allowed range.

/// A law's parameter or argument is outside its domain.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LawError {
    /// Degrees of freedom must be finite and > 0.
    #[error("degrees of freedom must be finite and > 0, got {0}")]
    Dof(f64),
    /// Non-centrality must be finite and >= 0.
    #[error("non-centrality must be finite and >= 0, got {0}")]
    Noncentrality(f64),
    /// Scale must be finite and > 0.
    #[error("scale must be finite and > 0, got {0}")]
    Scale(f64),
}
