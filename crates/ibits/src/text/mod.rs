//! The human-readable text of each `ibits` command: one function (or report type) per
//! command, returning the text the command prints, so that the command line only parses
//! flags, calls the library and prints.
//!
//! - [`estimate`]: an [`Estimate`](crate::Estimate) of a GP or trained-MLP space;
//! - [`models`]: the bias that model classes provide relative to a space;
//! - [`bound`]: the ICML 2023 upper bound ([`BoundReport`](crate::bound::BoundReport));
//! - [`data`]: dataset lists, descriptions and checksum verification;
//! - [`law`]: law evaluations (ln CDF in nats, bits) as a table;
//! - [`fit`]: a scaled-ncx2 fit of sampled test errors.
//!
//! Conventions shared by every rendering: bits are -log2 of a probability, printed with 4
//! decimals (`inf` for a probability of 0); nats are natural logarithms and are always
//! labelled; test errors are mean squared errors over the N x k test entries; every text ends
//! with a newline, and warnings come last, one `warning: ...` line each.

pub mod bound;
pub mod data;
pub mod estimate;
pub mod fit;
pub mod law;
pub mod models;

use ibits_data::Task;
use serde::Serialize;

/// The task as reported beside a result: its name, how it was made and what the user should
/// know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskInfo {
    /// Short name (`mnist`, `iris`, `synthetic`, a file stem).
    pub name: String,
    /// How the task was made: source files and checksum status, subset, classes, scaling.
    pub description: String,
    /// Warnings about the task (a class missing from the training rows, ...).
    pub warnings: Vec<String>,
}

impl TaskInfo {
    /// The report of `task`.
    pub fn of(task: &Task) -> Self {
        Self {
            name: task.name.clone(),
            description: task.description.clone(),
            warnings: task.warnings.clone(),
        }
    }
}

/// Bits with 4 decimals, `inf` for an infinite value (a probability of 0).
pub fn bits(b: f64) -> String {
    if b.is_finite() {
        // A zero reached from below (round-off in -ln P near P = 1) prints as 0, not -0.
        let text = format!("{b:.4}");
        if text == "-0.0000" {
            "0.0000".to_string()
        } else {
            text
        }
    } else {
        "inf".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_near_zero_print_without_a_sign() {
        assert_eq!(bits(-0.0), "0.0000");
        assert_eq!(bits(-1e-9), "0.0000");
        assert_eq!(bits(-0.5), "-0.5000");
        assert_eq!(bits(f64::INFINITY), "inf");
    }

    #[test]
    fn bits_have_four_decimals_or_read_inf() {
        assert_eq!(bits(1.23456), "1.2346");
        assert_eq!(bits(f64::INFINITY), "inf");
        assert_eq!(bits(f64::NAN), "inf");
    }
}
