//! One module per subcommand; each exposes `XxxArgs` (clap) and `run(&XxxArgs)`.

pub mod law;

use crate::cli::{Args, Command};

/// Dispatch the parsed command line to its subcommand.
pub fn run(args: &Args) -> anyhow::Result<()> {
    match &args.command {
        Command::Law(a) => law::run(a),
    }
}
