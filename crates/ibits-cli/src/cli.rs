//! Command-line grammar (clap derive). These structs hold raw values as typed; each command's
//! module validates them into library types before any work starts.

use clap::{Parser, Subcommand};

use crate::commands;

/// ibits measures inductive bias in bits: -log2 P[test error <= eps] for hypotheses drawn from a
/// hypothesis space that fit the training set.
///
/// Exit status: 0 success, 1 failure while running (bad data, I/O), 2 usage error.
#[derive(Debug, Parser)]
#[command(name = "ibits", version, about, long_about = None, propagate_version = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate a law (scaled non-central chi-squared, generalized chi-squared) at points:
    /// ln CDF in nats, bits, method, bracket.
    Law(commands::law::LawArgs),
}
