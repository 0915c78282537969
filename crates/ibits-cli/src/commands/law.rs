//! `ibits law`: evaluate a law at points (placeholder until the law layer lands).

/// Arguments of `ibits law`.
#[derive(Debug, clap::Args)]
pub struct LawArgs {}

/// Run `ibits law`.
pub fn run(_args: &LawArgs) -> anyhow::Result<()> {
    Err(crate::output::usage("ibits law is not available yet"))
}
