//! Targets: which kind a task's targets are built as, and one-hot rows for classes.
//!
//! A leaf module: the sources ([`crate::source`]), the synthetic generator and the task
//! builder all use it, and it uses none of them.
//!
//! ```text
//! one_hot(labels, C)[i, c] = 1 if labels[i] = c else 0      (n x C)
//! ```

use ndarray::Array2;
use serde::Serialize;

/// Which kind of target to build from a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// Classes for labelled data (the default); for user CSV, regression when every label is a
    /// number and some are not integers; for `.npy`, classes for 1-D integer arrays.
    #[default]
    Auto,
    /// Classes, one-hot targets.
    Classification,
    /// Real targets (e.g. the wine-quality score as a number).
    Regression,
}

/// One-hot rows: `Y[i, c] = 1` if `labels[i] == c`, else 0 (labels must be `< classes`).
pub fn one_hot(labels: &[usize], classes: usize) -> Array2<f64> {
    let mut y = Array2::<f64>::zeros((labels.len(), classes));
    for (i, &l) in labels.iter().enumerate() {
        if l < classes {
            y[(i, l)] = 1.0;
        }
    }
    y
}
