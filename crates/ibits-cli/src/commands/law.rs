//! `ibits law`: evaluate a law of the test error at points — the lower-tail ln CDF in nats, the
//! same probability in bits, the method that computed it, and (generalized chi-squared) the
//! Chernoff bound and Ruben's certified value.
//!
//! Three forms: `ibits law ncx2 ...`, `ibits law gx2 ...` (flags) and `ibits law --input
//! cases.json` (a JSON array of cases, answered in the same order; a malformed case gets an
//! `error` field instead of stopping the batch).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;
use ibits::text::law::{evaluate, evaluate_cases, table, Answer, Case};

use crate::output::{print_json, print_text, usage};

/// Arguments of `ibits law`.
///
/// Exit status: 0 success; 2 for a usage error (a bad flag or value, a malformed cases file, or
/// any invalid case in a batch — the other cases are still answered); 1 when the cases file
/// cannot be read.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LawArgs {
    /// The law to evaluate (or give --input).
    #[command(subcommand)]
    pub law: Option<LawCommand>,
    /// JSON file holding an array of cases, each {"law":"ncx2","df":..,"nc":..,"scale":..,"x":..}
    /// (scale optional, default 1) or {"law":"gx2","weights":[..],"noncentralities":[..],
    /// "multiplicities":[..],"x":..} (multiplicities optional, default 1 each). Answers come in
    /// the same order.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Print a JSON array (one object per case: the inputs, ln_cdf in nats, bits, method, ...)
    /// instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
}

/// The law given by flags.
#[derive(Debug, Subcommand)]
pub enum LawCommand {
    /// Scaled non-central chi-squared s·χ'²_df(nc), loc 0.
    Ncx2(Ncx2Args),
    /// Generalized chi-squared Σ_j w_j·χ'²_{m_j}(d_j) with positive weights.
    Gx2(Gx2Args),
}

/// Flags of `ibits law ncx2`.
#[derive(Debug, clap::Args)]
pub struct Ncx2Args {
    /// Degrees of freedom df (finite, > 0).
    #[arg(long, allow_negative_numbers = true)]
    pub df: f64,
    /// Non-centrality nc (finite, >= 0).
    #[arg(long, allow_negative_numbers = true)]
    pub nc: f64,
    /// Scale s (finite, > 0).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub scale: f64,
    /// Point(s) x at which to evaluate ln P[X <= x] (finite, > 0); repeat the flag or separate
    /// with commas.
    #[arg(
        long = "x",
        required = true,
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub x: Vec<f64>,
}

/// Flags of `ibits law gx2`.
#[derive(Debug, clap::Args)]
pub struct Gx2Args {
    /// Weights w_j of the terms (finite, > 0), comma-separated.
    #[arg(
        long,
        required = true,
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub weights: Vec<f64>,
    /// Total non-centralities d_j of the terms (finite, >= 0), one per weight, comma-separated.
    #[arg(
        long,
        required = true,
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub noncentralities: Vec<f64>,
    /// Multiplicities (degrees of freedom) m_j of the terms (finite, > 0), one per weight;
    /// default 1 each.
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub multiplicities: Option<Vec<f64>>,
    /// Point(s) x at which to evaluate ln P[X <= x] (finite, > 0); repeat the flag or separate
    /// with commas.
    #[arg(
        long = "x",
        required = true,
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub x: Vec<f64>,
}

/// Run `ibits law`.
pub fn run(args: &LawArgs) -> anyhow::Result<()> {
    match (&args.law, &args.input) {
        (Some(command), _) => {
            let cases = cases_from_flags(command);
            let answers = cases
                .iter()
                .map(|case| evaluate(case).map_err(usage))
                .collect::<anyhow::Result<Vec<_>>>()?;
            render(&answers, args.json)
        }
        (None, Some(path)) => run_batch(path, args.json),
        (None, None) => Err(usage(
            "`ibits law` needs a law (`ibits law ncx2 ...` or `ibits law gx2 ...`) or --input FILE",
        )),
    }
}

fn cases_from_flags(command: &LawCommand) -> Vec<Case> {
    match command {
        LawCommand::Ncx2(a) => {
            a.x.iter()
                .map(|&x| Case::Ncx2 {
                    df: a.df,
                    nc: a.nc,
                    scale: a.scale,
                    x,
                })
                .collect()
        }
        LawCommand::Gx2(a) => {
            a.x.iter()
                .map(|&x| Case::Gx2 {
                    weights: a.weights.clone(),
                    noncentralities: a.noncentralities.clone(),
                    multiplicities: a.multiplicities.clone(),
                    x,
                })
                .collect()
        }
    }
}

fn run_batch(path: &Path, json: bool) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading cases file {}", path.display()))?;
    let document: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        usage(format!(
            "{}: malformed JSON at line {}, column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    let answers =
        evaluate_cases(&document).map_err(|e| usage(format!("{}: {e}", path.display())))?;
    render(&answers, json)?;
    let failed = answers.iter().filter(|a| a.error.is_some()).count();
    if failed > 0 {
        return Err(usage(format!(
            "{}: {failed} of {} cases are invalid (see their error fields)",
            path.display(),
            answers.len()
        )));
    }
    Ok(())
}

fn render(answers: &[Answer], json: bool) -> anyhow::Result<()> {
    if json {
        print_json(answers)
    } else {
        print_text(&table(answers))
    }
}
