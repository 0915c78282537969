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
    /// A generalized chi-squared law needs at least one term with a positive weight.
    #[error("generalized chi-squared needs at least one term with a weight > 0 (got {terms} terms, none above the zero-weight threshold)")]
    Gx2Empty {
        /// Number of terms given.
        terms: usize,
    },
    /// The per-term parameter lists of a generalized chi-squared law differ in length.
    #[error("generalized chi-squared: {name} has {len} entries but weights has {weights}; give one per term")]
    Gx2LengthMismatch {
        /// Which list disagrees with the weights.
        name: &'static str,
        /// Its length.
        len: usize,
        /// Number of weights.
        weights: usize,
    },
    /// A weight of a generalized chi-squared term must be finite and > 0 (>= 0 where zero
    /// weights are allowed).
    #[error("generalized chi-squared: weight {index} must be finite and > 0 (>= 0 with weighted non-centralities), got {value}")]
    Gx2Weight {
        /// Index of the term.
        index: usize,
        /// The bad value.
        value: f64,
    },
    /// A multiplicity (degrees of freedom) of a generalized chi-squared term must be finite
    /// and > 0.
    #[error("generalized chi-squared: multiplicity {index} must be finite and > 0, got {value}")]
    Gx2Multiplicity {
        /// Index of the term.
        index: usize,
        /// The bad value.
        value: f64,
    },
    /// A non-centrality of a generalized chi-squared term must be finite and >= 0.
    #[error(
        "generalized chi-squared: non-centrality {index} must be finite and >= 0, got {value}"
    )]
    Gx2Noncentrality {
        /// Index of the term.
        index: usize,
        /// The bad value.
        value: f64,
    },
    /// The offset of a generalized chi-squared law must be finite.
    #[error("generalized chi-squared: offset must be finite, got {0}")]
    Gx2Offset(f64),
}
