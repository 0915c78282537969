//! `ibits data`: list, inspect and verify datasets.

use clap::Subcommand;
use ibits::text::data as text;
use ibits_data::{verify_datasets, DatasetReport, ListReport, TaskReport, TaskSource};

use crate::args::{data_error, TaskOptions};
use crate::output::{print_json, print_text};

/// Arguments of `ibits data`.
#[derive(Debug, clap::Args)]
pub struct DataArgs {
    #[command(subcommand)]
    pub command: DataCommand,
}

/// `ibits data` subcommands.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// List the vendored datasets: rows, features, classes, split, licence.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Describe a dataset or task: shapes, classes and counts, checksum status, licence.
    ///
    /// TASK is a vendored dataset name (see `ibits data list`), idx:DIR, csv:FILE[:LABELCOL],
    /// npy:X.npy,Y.npy[,XTEST.npy,YTEST.npy] or synthetic. Vendored datasets are described
    /// whole unless task options are given; other sources are built into a task.
    Info {
        /// Dataset name or task source.
        #[arg(value_name = "TASK")]
        task: String,
        #[command(flatten)]
        options: Box<TaskOptions>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check every vendored file against its folder's SHA256SUMS and decode each dataset.
    /// Exits with 1 if anything fails.
    Verify {
        /// Only these datasets (default: all).
        #[arg(value_name = "NAME")]
        names: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Run `ibits data`.
pub fn run(args: &DataArgs) -> anyhow::Result<()> {
    match &args.command {
        DataCommand::List { json } => {
            let report = ListReport::new();
            match json {
                true => print_json(&report),
                false => print_text(&text::list(&report)),
            }
        }
        DataCommand::Info {
            task,
            options,
            json,
        } => info(task, options, *json),
        DataCommand::Verify { names, json } => verify(names, *json),
    }
}

fn info(task: &str, options: &TaskOptions, json: bool) -> anyhow::Result<()> {
    if let (Ok(TaskSource::Named(name)), false) = (task.parse(), options.is_set()) {
        let report = DatasetReport::new(&name).map_err(data_error)?;
        return match json {
            true => print_json(&report),
            false => print_text(&text::dataset(&report)),
        };
    }
    let report = TaskReport::new(task, &options.load(task)?);
    for w in &report.warnings {
        eprintln!("ibits: warning: {w}");
    }
    match json {
        true => print_json(&report),
        false => print_text(&text::task(&report)),
    }
}

fn verify(names: &[String], json: bool) -> anyhow::Result<()> {
    let entries = verify_datasets(names).map_err(data_error)?;
    match json {
        true => print_json(&entries)?,
        false => print_text(&text::verify(&entries))?,
    }
    let failures = entries.iter().filter(|e| !e.decoded).count();
    if failures > 0 {
        anyhow::bail!("{failures} dataset(s) failed verification (see above)");
    }
    Ok(())
}
