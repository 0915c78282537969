//! `ibits estimate`: task + hypothesis space + target error -> inductive bias in bits.
//!
//! With `--space gp` (the default) the bits come from the exact law of the test error of a
//! Gaussian process that interpolates the training set (a generalized chi-squared; saddlepoint,
//! Ruben's series, Chernoff bound), beside the paper's estimator on the same space (a scaled
//! non-central chi-squared fitted to S posterior samples) and a plain count of those samples.
//!
//! `ibits estimate` alone runs the GP on vendored MNIST (n = 1000, N = 500, RBF kernel with the
//! median-distance bandwidth, eps = 0.5 x the mean error).

use ibits::text::{self, TaskInfo};
use std::path::PathBuf;

use ibits::{Estimate, GramBlocks, Progress};
use serde::Serialize;

use crate::args::{RunArgs, SpaceArgs, TaskArgs};
use crate::output::{print_json, print_text, progress_bar, usage};

/// Arguments of `ibits estimate`.
///
/// Exit status: 0 success; 2 usage error (bad flag or value, a flag the chosen space does not
/// read, sizes that do not fit in memory); 1 failure while running (unreadable data, a kernel
/// that is not positive definite).
#[derive(Debug, Clone, clap::Args)]
pub struct EstimateArgs {
    /// The task.
    #[command(flatten)]
    pub task: TaskArgs,
    /// The hypothesis space.
    #[command(flatten)]
    pub space: SpaceArgs,
    /// Targets, samples, seed, limits.
    #[command(flatten)]
    pub run: RunArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What `--json` prints: the task's description and the estimate.
#[derive(Debug, Serialize)]
struct EstimateOutput<'a> {
    task_description: &'a TaskInfo,
    #[serde(flatten)]
    estimate: &'a Estimate,
}

/// Map a library error to the exit-code convention: settings that parse but cannot work are
/// usage errors (2), the rest failures (1).
pub(crate) fn estimate_error(e: ibits::Error) -> anyhow::Error {
    match e {
        ibits::Error::InsufficientMemory { .. }
        | ibits::Error::Kernel(_)
        | ibits::Error::Network(_)
        | ibits::Error::Target(_)
        | ibits::Error::RelativeTarget(_) => usage(e.to_string()),
        // Too many posterior samples for the memory: a setting, not a failure.
        ibits::Error::Option { what, .. } if what.starts_with("samples") => usage(e.to_string()),
        other => anyhow::Error::new(other).context("estimate"),
    }
}

/// Run `ibits estimate`.
pub fn run(args: &EstimateArgs) -> anyhow::Result<()> {
    if let Some(files) = args.space.gram_files()? {
        return run_gram(args, &files);
    }
    let space = args.space.space(false)?;
    let options = args.run.options(&space)?;
    let targets = args.run.targets()?;
    let task = args.task.load_within(options.memory_limit)?;
    let bar = match &space {
        ibits::Space::Gp(_) => progress_bar(7, args.json, "GP estimate"),
        ibits::Space::Mlp(_) => progress_bar(0, args.json, "training networks"),
    };
    let result = space.estimate_with_progress(&task, &targets, &options, &mut |p| match p {
        Progress::Stage(stage) => {
            bar.set_message(text::estimate::stage_name(stage));
            bar.inc(1);
        }
        Progress::Trained { done, total } => {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        _ => {}
    });
    bar.finish_and_clear();
    let estimate = result.map_err(estimate_error)?;
    print_estimate(args, &task, &estimate)
}

/// `--kernel gram`: the exact law of the GP space whose Gram matrices are given, with the
/// task's targets Y and Y_T.
fn run_gram(args: &EstimateArgs, [train, cross, test]: &[PathBuf; 3]) -> anyhow::Result<()> {
    let options = args.run.options_for(false)?;
    let targets = args.run.targets()?;
    let task = args.task.load_within(options.memory_limit)?;
    let blocks = GramBlocks::read_npy(train, cross, test)?;
    let bar = progress_bar(7, args.json, "GP estimate");
    let (y, yt) = (task.y_train.view(), task.y_test.view());
    let result =
        ibits::estimate_from_gram(&task.name, blocks, y, yt, &targets, &options, &mut |p| {
            if let Progress::Stage(stage) = p {
                bar.set_message(text::estimate::stage_name(stage));
                bar.inc(1);
            }
        });
    bar.finish_and_clear();
    let estimate = result.map_err(|e| match e {
        ibits::Error::Shape { .. } | ibits::Error::Option { .. } => usage(format!(
            "{e} (the Gram matrices must be K_XX: n x n, K_XT: n x N, K_TT: N x N for the task's n = {}, N = {})",
            task.n_train(),
            task.y_test.nrows()
        )),
        other => estimate_error(other),
    })?;
    print_estimate(args, &task, &estimate)
}

/// Print an estimate as text or JSON.
fn print_estimate(
    args: &EstimateArgs,
    task: &ibits::Task,
    estimate: &Estimate,
) -> anyhow::Result<()> {
    let info = TaskInfo::of(task);
    if args.json {
        return print_json(&EstimateOutput {
            task_description: &info,
            estimate,
        });
    }
    print_text(&text::estimate::estimate(&info, estimate))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use ibits::kernels::{Kernel, KernelSpec, Mlp, Rbf};
    use ibits::{Space, Target};

    #[derive(Debug, Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: EstimateArgs,
    }

    fn parse(extra: &[&str]) -> EstimateArgs {
        let mut argv = vec!["estimate"];
        argv.extend_from_slice(extra);
        Wrapper::parse_from(argv).args
    }

    fn kernel_spec(a: &EstimateArgs) -> anyhow::Result<KernelSpec> {
        match a.space.space(false)? {
            Space::Gp(gp) => Ok(*gp.kernel()),
            other => panic!("a GP space expected, got {other:?}"),
        }
    }

    #[test]
    fn defaults_are_mnist_rbf_median_half_mean() {
        let a = parse(&[]);
        let t = &a.task;
        assert_eq!((t.task.as_str(), t.n_train, t.n_test), ("mnist", 1000, 500));
        assert_eq!(
            kernel_spec(&a).unwrap(),
            KernelSpec::RbfMedian { amplitude: 1.0 }
        );
        assert_eq!(a.run.targets().unwrap(), vec![Target::RelativeToMean(0.5)]);
    }

    #[test]
    fn kernel_flags_build_the_named_kernel() {
        let a = parse(&[
            "--kernel",
            "nngp-relu",
            "--depth",
            "3",
            "--sigma-w",
            "1.4",
            "--sigma-b",
            "0.1",
        ]);
        assert_eq!(
            kernel_spec(&a).unwrap(),
            KernelSpec::Fixed(Kernel::NngpRelu(Mlp::new(3, 1.4, 0.1).unwrap()))
        );
        let a = parse(&["--bandwidth", "9.5"]);
        assert_eq!(
            kernel_spec(&a).unwrap(),
            KernelSpec::Fixed(Kernel::Rbf(Rbf::new(9.5, 1.0).unwrap()))
        );
        assert!(kernel_spec(&parse(&["--bandwidth", "wide"])).is_err());
        assert!(kernel_spec(&parse(&["--kernel", "poly", "--degree", "0"])).is_err());
    }

    // Issue 13: decided by presence, not by value (`--depth 3` is the network kernels'
    // default, and still not read by the RBF kernel).
    #[test]
    fn kernel_flags_that_the_kernel_does_not_use_are_refused() {
        for flags in [
            &["--kernel", "rbf", "--depth", "2"][..],
            &["--kernel", "rbf", "--sigma-w", "1.2"],
            &["--kernel", "rbf", "--degree", "2"],
            &["--kernel", "linear", "--bandwidth", "4"],
            &["--kernel", "nngp-relu", "--amplitude", "2"],
            &["--kernel", "poly", "--depth", "5"],
            &["--kernel", "rbf", "--depth", "3"],
            &["--kernel", "linear", "--amplitude", "1"],
        ] {
            let err = kernel_spec(&parse(flags)).unwrap_err();
            assert!(
                err.to_string().contains("does not apply to --kernel"),
                "{flags:?}: {err}"
            );
        }
        for flags in [
            &["--kernel", "rbf", "--bandwidth", "3", "--amplitude", "2"][..],
            &["--kernel", "poly", "--degree", "2", "--sigma-w", "1"],
            &["--kernel", "ntk-relu", "--depth", "2", "--sigma-b", "0.2"],
        ] {
            assert!(kernel_spec(&parse(flags)).is_ok(), "{flags:?}");
        }
        // Network flags with a GP space, and kernel flags with an MLP space, by presence.
        for flags in [
            &["--width", "256"][..],
            &["--epochs", "50"],
            &["--space", "mlp", "--kernel", "rbf"],
            &["--space", "mlp", "--bandwidth", "median"],
        ] {
            assert!(parse(flags).space.space(false).is_err(), "{flags:?}");
        }
        // Against an RBF space the sigmas may set the MLP model classes of `ibits models`.
        let a = parse(&["--sigma-w", "1.2", "--init", "standard"]);
        assert!(a.space.space(true).is_ok());
    }

    #[test]
    fn targets_are_validated() {
        assert!(parse(&["--target", "-1"]).run.targets().is_err());
        assert_eq!(
            parse(&["--target-rel", "0.9,0.1"]).run.targets().unwrap(),
            vec![Target::RelativeToMean(0.9), Target::RelativeToMean(0.1)]
        );
    }
}
