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
    /// Fit a scaled non-central chi-squared law to sampled test errors (CSV/TXT/.npy) and
    /// report the bits at a target error, with bootstrap interval, count and paper value.
    Fit(commands::fit::FitArgs),
    /// List, inspect and verify datasets (vendored sets, IDX/CSV/.npy files, synthetic tasks).
    Data(commands::data::DataArgs),
    /// Run a TOML experiment grid (tasks x hypothesis spaces x sizes x targets); each finished
    /// cell is saved at once, and re-running skips finished cells.
    Sweep(commands::sweep::SweepArgs),
    /// Write the report of a sweep directory: charts (PNG, SVG) and Markdown or HTML.
    Report(commands::report::ReportArgs),
    /// Combine shard directories of one experiment into one result set.
    Merge(commands::merge::MergeArgs),
    /// Estimate the inductive bias of a hypothesis space on a task: exact law (GP), the paper's
    /// fitted estimate and counting, in bits. With no flags: GP on MNIST (n = 1000, N = 500).
    Estimate(commands::estimate::EstimateArgs),
    /// Inductive bias provided by model classes (ridge, k-NN, GP means, MLPs of several widths
    /// and depths) relative to a hypothesis space: model class, its test error, bits.
    Models(commands::models::ModelsArgs),
    /// The ICML 2023 upper bound on inductive bias complexity (Boopathy et al. 2023), in bits:
    /// from the paper's constants (--preset), measured on a task (--task), or from flags.
    Bound(commands::bound::BoundArgs),
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    // Flags flattened from several structs (task, space, run) must not collide in any
    // subcommand; clap checks names, defaults and conflicts here rather than at a user's run.
    #[test]
    fn every_subcommand_is_well_formed() {
        super::Args::command().debug_assert();
    }
}
