//! `ibits estimate`: task + hypothesis space + target error -> inductive bias in bits.
//!
//! With `--space gp` (the default) the bits come from the exact law of the test error of a
//! Gaussian process that interpolates the training set (a generalized chi-squared; saddlepoint,
//! Ruben's series, Chernoff bound), beside the paper's estimator on the same space (a scaled
//! non-central chi-squared fitted to S posterior samples) and a plain count of those samples.
//!
//! `ibits estimate` alone runs the GP on vendored MNIST (n = 1000, N = 500, RBF kernel with the
//! median-distance bandwidth, eps = 0.5 x the mean error).

use std::fmt::Write as _;

use ibits::gp_space::GpStage;
use ibits::{Details, Estimate, GpEstimate, Progress, Task};
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

/// The task as reported.
#[derive(Debug, Serialize)]
pub(crate) struct TaskInfo {
    pub name: String,
    pub description: String,
    pub warnings: Vec<String>,
}

impl TaskInfo {
    pub(crate) fn of(task: &Task) -> Self {
        Self {
            name: task.name.clone(),
            description: task.description.clone(),
            warnings: task.warnings.clone(),
        }
    }
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
        other => anyhow::Error::new(other).context("estimate"),
    }
}

/// Run `ibits estimate`.
pub fn run(args: &EstimateArgs) -> anyhow::Result<()> {
    let space = args.space.space(false)?;
    let options = args.run.options(&space)?;
    let targets = args.run.targets()?;
    let task = args.task.load()?;
    let bar = match &space {
        ibits::Space::Gp(_) => progress_bar(7, args.json, "GP estimate"),
        ibits::Space::Mlp(_) => progress_bar(0, args.json, "training networks"),
    };
    let result = space.estimate_with_progress(&task, &targets, &options, &mut |p| match p {
        Progress::Stage(stage) => {
            bar.set_message(stage_name(stage));
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
    let info = TaskInfo::of(&task);
    if args.json {
        return print_json(&EstimateOutput {
            task_description: &info,
            estimate: &estimate,
        });
    }
    let text = match &estimate.details {
        Details::Gp(gp) => render(&info, gp),
        Details::Mlp(mlp) => super::estimate_mlp::render(&info, mlp),
    };
    print_text(&text)
}

fn stage_name(stage: GpStage) -> &'static str {
    match stage {
        GpStage::Kernel => "kernel blocks",
        GpStage::Posterior => "Cholesky and posterior",
        GpStage::Spectrum => "eigenvalues of Sigma",
        GpStage::ExactLaw => "exact law",
        GpStage::JitterCheck => "10x-jitter check",
        GpStage::Sampling => "posterior samples",
        GpStage::Fitting => "fitting the paper's law",
        _ => "working",
    }
}

fn bits_or_bound(b: f64) -> String {
    if b.is_finite() {
        format!("{b:.4}")
    } else {
        "inf".to_string()
    }
}

/// The human-readable summary.
pub(crate) fn render(task: &TaskInfo, e: &GpEstimate) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Inductive bias of a GP hypothesis space (unit: bits = -log2 P[test error <= eps])"
    );
    let _ = writeln!(
        s,
        "  task        {}: n = {} train, N = {} test, k = {} outputs, d = {} inputs",
        task.name, e.n_train, e.n_test, e.outputs, e.input_dim
    );
    let _ = writeln!(s, "  kernel      {}", e.kernel_description);
    if let Some(rule) = &e.kernel_rule {
        let _ = writeln!(s, "              (bandwidth = {rule})");
    }
    let _ = writeln!(
        s,
        "  posterior   jitter {:.3e} ({:.1e} x mean diagonal), {} eigenvalues clipped ({:.2e} of trace)",
        e.jitter, e.jitter_relative, e.clipped_eigenvalues, e.clipped_mass_relative
    );
    let _ = writeln!(
        s,
        "  mean error  {:.6} over the space; {:.6} for the posterior mean (MSE over N*k entries)",
        e.mean_error, e.posterior_mean_error
    );
    for t in &e.targets {
        let _ = writeln!(s);
        let _ = writeln!(s, "eps = {:.6} ({})", t.eps, t.eps_rule);
        let x = &t.exact;
        let ruben = match x.ruben_bits {
            Some(r) => format!("Ruben {}", bits_or_bound(r)),
            None => "Ruben's series did not converge".to_string(),
        };
        let _ = writeln!(
            s,
            "  exact law      {} bits  [{}; saddlepoint {}; {}; Chernoff bound {}]",
            bits_or_bound(x.bits),
            x.method.name(),
            bits_or_bound(x.saddlepoint_bits),
            ruben,
            bits_or_bound(x.chernoff_bits)
        );
        if let Some(j) = t.exact_bits_jitter_10x {
            let _ = writeln!(s, "  10x jitter     {} bits", bits_or_bound(j));
        }
        if let Some(f) = &t.fitted {
            let interval = match f.interval_bits {
                Some([lo, hi]) => format!(
                    "  95% interval [{}, {}] ({})",
                    bits_or_bound(lo),
                    bits_or_bound(hi),
                    f.interval_method
                ),
                None => String::new(),
            };
            let _ = writeln!(
                s,
                "  paper's fit    {} bits{}",
                bits_or_bound(f.bits),
                interval
            );
            let _ = writeln!(
                s,
                "                 (the paper's code would report {:.4} nats{})",
                f.paper_nats,
                if f.paper_sankaran_fallback {
                    ", via its Sankaran fallback"
                } else {
                    ""
                }
            );
        }
        if let Some(c) = &t.counted {
            let k = c.proportion.successes;
            let n = c.proportion.trials;
            if k == 0 {
                let _ = writeln!(
                    s,
                    "  counted        >= {} bits (0 of {n} samples <= eps)",
                    bits_or_bound(c.interval_bits[0])
                );
            } else {
                let _ = writeln!(
                    s,
                    "  counted        {} bits  ({k} of {n} samples <= eps; 95% [{}, {}])",
                    bits_or_bound(c.bits),
                    bits_or_bound(c.interval_bits[0]),
                    bits_or_bound(c.interval_bits[1])
                );
            }
        }
    }
    let _ = writeln!(s);
    if let Some(sm) = &e.sampled {
        let f = &sm.fitted_law;
        let _ = writeln!(
            s,
            "paper's estimator: S = {} posterior samples (seed {}), mean {:.6}; fitted {:.4e} * chi'^2_{:.4}({:.4})",
            sm.samples, sm.seed, sm.sample_mean_error, f.scale, f.dof, f.noncentrality
        );
    }
    let t = &e.timing;
    let _ = writeln!(
        s,
        "time {:.2} s on {} threads: kernel {:.2}, posterior {:.2}, spectrum {:.2}, law {:.2}, 10x jitter {:.2}, sampling {:.2}, fit {:.2}",
        t.total_s, e.threads, t.kernel_s, t.posterior_s, t.spectrum_s, t.exact_law_s, t.jitter_check_s, t.sampling_s, t.fitting_s
    );
    for w in task
        .warnings
        .iter()
        .chain(e.warnings.iter().map(|w| &w.message))
    {
        let _ = writeln!(s, "warning: {w}");
    }
    s
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
