//! Warnings: things the reader of an estimate must know because they limit what the numbers
//! mean. Each carries its kind, the target it concerns (if one) and a message that says what
//! happened and what to change.

use serde::Serialize;

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// The task's data (a class missing from the training rows, ...).
    Data,
    /// Numerical health of the exact path: jitter, clipped eigenvalues, ill-conditioning, the
    /// 10x-jitter check, non-finite bits.
    Numerical,
    /// The fitted path: poorly identified fit, extrapolation beyond the samples, disagreement
    /// with counting.
    Fit,
    /// Sampled hypotheses: networks that did not fit the training set.
    Sampling,
}

/// One warning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The target error it concerns, when it concerns one.
    pub eps: Option<f64>,
    /// What happened and what to change.
    pub message: String,
}

impl Warning {
    /// A warning about the whole estimate.
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            eps: None,
            message: message.into(),
        }
    }

    /// A warning about one target error.
    pub fn at(kind: WarningKind, eps: f64, message: impl Into<String>) -> Self {
        Self {
            kind,
            eps: Some(eps),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
