//! The `ibits` binary: a thin layer that parses arguments, calls the library crates and renders
//! their results. All numerics live in the library crates, where they are tested.
//!
//! Exit codes: 0 success, 1 the command ran and failed (bad data, I/O, non-convergence),
//! 2 usage error (bad flags, or values that parse but make no sense). A closed pipe exits 0.

// Doc comments on argument structs are clap help text, written for a terminal: brackets there
// mean "optional" (`csv:FILE[:LABELCOL]`), not rustdoc links.
#![allow(rustdoc::broken_intra_doc_links)]

mod args;
mod cli;
mod commands;
mod output;

use std::io;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse(); // clap prints usage errors itself and exits with 2
    match commands::run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e)
            if e.chain()
                .filter_map(|c| c.downcast_ref::<io::Error>())
                .any(|err| err.kind() == io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ibits: error: {}", output::error_text(&e));
            ExitCode::from(if output::is_usage_error(&e) { 2 } else { 1 })
        }
    }
}
