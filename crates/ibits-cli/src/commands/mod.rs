//! One module per subcommand; each exposes `XxxArgs` (clap) and `run(&XxxArgs)`.

pub mod bound;
pub mod data;
pub mod estimate;
pub mod fit;
pub mod law;
pub mod merge;
pub mod models;
pub mod report;
pub mod sweep;

use crate::cli::{Args, Command};

/// Dispatch the parsed command line to its subcommand.
pub fn run(args: &Args) -> anyhow::Result<()> {
    match &args.command {
        Command::Law(a) => law::run(a),
        Command::Fit(a) => fit::run(a),
        Command::Data(a) => data::run(a),
        Command::Sweep(a) => sweep::run(a),
        Command::Report(a) => report::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Estimate(a) => estimate::run(a),
        Command::Models(a) => models::run(a),
        Command::Bound(a) => bound::run(a),
    }
}
