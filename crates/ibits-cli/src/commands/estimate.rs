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

use ibits::gp_space::{GpStage, KernelSpec};
use ibits::{estimate_gp, GpData, GpEstimate, GpOptions, Kernel, Target};
use ibits_data::{load_task, Subset, SyntheticSpec, TaskSource, TaskSpec};

use super::data::SubsetArg;
use ibits_kernels::{Linear, Mlp, Polynomial, Rbf};
use serde::Serialize;

use crate::output::{print_json, print_text, progress_bar, usage};

/// Hypothesis spaces `ibits estimate` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SpaceArg {
    /// Gaussian process that interpolates the training set (exact law).
    Gp,
    /// Trained MLPs (fitted law on S networks; see the --width ... --train-threshold flags).
    Mlp,
}

/// Kernels of the GP space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KernelArg {
    /// amplitude * exp(-||x - y||^2 / (2 bandwidth^2)).
    Rbf,
    /// sigma_b^2 + sigma_w^2 <x, y> / d.
    Linear,
    /// (sigma_b^2 + sigma_w^2 <x, y> / d)^degree.
    Poly,
    /// NNGP of a ReLU MLP with --depth hidden layers (arc-cosine recursion).
    NngpRelu,
    /// NNGP of an erf MLP with --depth hidden layers (arcsine recursion).
    NngpErf,
    /// NTK of a ReLU MLP with --depth hidden layers.
    NtkRelu,
}

/// Arguments of `ibits estimate`.
///
/// Exit status: 0 success; 2 usage error (bad flag or value, sizes that do not fit in memory);
/// 1 failure while running (unreadable data, a kernel that is not positive definite).
#[derive(Debug, Clone, clap::Args)]
pub struct EstimateArgs {
    /// Task: a vendored dataset (mnist, iris, wine, breast-cancer, digits, ...), idx:DIR,
    /// csv:FILE[:LABELCOL], npy:X,Y[,XT,YT] or synthetic.
    #[arg(long, default_value = "mnist")]
    pub task: String,
    /// n, training points (the first n of the training split).
    #[arg(long, default_value_t = 1000)]
    pub n_train: usize,
    /// N, test points (the first N of the test split).
    #[arg(long, default_value_t = 500)]
    pub n_test: usize,
    /// Synthetic tasks: intrinsic dimension m (>= 1).
    #[arg(long)]
    pub intrinsic_dim: Option<usize>,
    /// Synthetic tasks: input dimension D (>= m).
    #[arg(long)]
    pub ambient_dim: Option<usize>,
    /// Synthetic tasks: number of classes k (>= 2).
    #[arg(long)]
    pub classes: Option<usize>,
    /// Synthetic tasks: seed of the generator (default 0).
    #[arg(long)]
    pub data_seed: Option<u64>,
    /// Synthetic tasks: manifold and teacher (--manifold, --curvature, --teacher,
    /// --teacher-size, --teacher-frequency), as for `ibits data info`.
    #[command(flatten)]
    pub shape: super::data::SyntheticShape,
    /// How training and test rows are chosen: the first rows in file order, or a seeded random
    /// or class-stratified subset (use one of these on tables sorted by class).
    #[arg(long, value_enum, default_value_t = SubsetArg::First)]
    pub subset: SubsetArg,
    /// Seed of --subset random / stratified.
    #[arg(long, default_value_t = 0, value_name = "SEED")]
    pub subset_seed: u64,
    /// Hypothesis space.
    #[arg(long, value_enum, default_value_t = SpaceArg::Gp)]
    pub space: SpaceArg,
    /// GP kernel.
    #[arg(long, value_enum, default_value_t = KernelArg::Rbf)]
    pub kernel: KernelArg,
    /// RBF bandwidth (length scale, input units; > 0), or `median`: the median pairwise
    /// Euclidean distance among the first 1000 training inputs.
    #[arg(long, default_value = "median", allow_hyphen_values = true)]
    pub bandwidth: String,
    /// RBF amplitude (prior variance k(x, x); > 0).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub amplitude: f64,
    /// MLP kernels and --space mlp: number of hidden layers L (1..=1000 for kernels, 0..=64
    /// for trained networks).
    #[arg(long, default_value_t = 3)]
    pub depth: usize,
    /// Weight standard deviation sigma_w (> 0; weights ~ N(0, sigma_w^2 / fan_in)). Default:
    /// sqrt(2) for ReLU kernels, 1 otherwise.
    #[arg(long, allow_negative_numbers = true)]
    pub sigma_w: Option<f64>,
    /// Bias standard deviation sigma_b (>= 0). Default: 0.1 for MLP kernels, 1 for linear and
    /// poly.
    #[arg(long, allow_negative_numbers = true)]
    pub sigma_b: Option<f64>,
    /// Polynomial degree (1..=64).
    #[arg(long, default_value_t = 3)]
    pub degree: u32,
    /// Target test error(s) eps, absolute (mean squared error over N*k entries; > 0),
    /// comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        allow_negative_numbers = true,
        conflicts_with = "target_rel"
    )]
    pub target: Vec<f64>,
    /// Target(s) as a fraction of the space's mean test error (> 0), comma-separated. Default
    /// 0.5 when no --target is given.
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub target_rel: Vec<f64>,
    /// S, posterior samples for the paper's fitted estimator and for counting (0 skips both).
    /// With --space mlp: networks to train (default 100).
    #[arg(
        long,
        default_value_t = 10_000,
        default_value_if("space", "mlp", "100")
    )]
    pub samples: usize,
    /// Seed of the posterior samples and of the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Bootstrap resamples for the interval of the fitted bits (0 = none).
    #[arg(long, default_value_t = 200)]
    pub bootstrap: usize,
    /// Skip the 10x-jitter sensitivity check (saves one factorization).
    #[arg(long)]
    pub no_jitter_check: bool,
    /// Memory the run may use, GiB (default: MemAvailable from /proc/meminfo).
    #[arg(long, value_name = "GIB")]
    pub max_memory: Option<f64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Trained-network flags (--space mlp).
    #[command(flatten)]
    pub mlp: super::estimate_mlp::MlpArgs,
}

/// The task as reported.
#[derive(Debug, Serialize)]
struct TaskInfo {
    name: String,
    description: String,
    warnings: Vec<String>,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct EstimateOutput<'a> {
    task: TaskInfo,
    #[serde(flatten)]
    estimate: &'a GpEstimate,
}

fn positive(name: &str, value: f64) -> anyhow::Result<f64> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(usage(format!(
            "--{name} must be a finite number > 0, got {value}"
        )))
    }
}

/// The kernel the flags describe (validated).
pub(crate) fn kernel_spec(args: &EstimateArgs) -> anyhow::Result<KernelSpec> {
    let relu = matches!(args.kernel, KernelArg::NngpRelu | KernelArg::NtkRelu);
    let mlp = matches!(
        args.kernel,
        KernelArg::NngpRelu | KernelArg::NngpErf | KernelArg::NtkRelu
    );
    let sigma_w = args
        .sigma_w
        .unwrap_or(if relu { std::f64::consts::SQRT_2 } else { 1.0 });
    let sigma_b = args.sigma_b.unwrap_or(if mlp { 0.1 } else { 1.0 });
    let bad = |e: ibits_kernels::KernelError| usage(format!("{e} (check the kernel flags)"));
    let kernel = match args.kernel {
        KernelArg::Rbf => {
            let amplitude = positive("amplitude", args.amplitude)?;
            if args.bandwidth.trim() == "median" {
                return Ok(KernelSpec::RbfMedian { amplitude });
            }
            let bw: f64 = args.bandwidth.trim().parse().map_err(|_| {
                usage(format!(
                    "--bandwidth must be a number > 0 or `median`, got {:?}",
                    args.bandwidth
                ))
            })?;
            Kernel::Rbf(Rbf::new(positive("bandwidth", bw)?, amplitude).map_err(bad)?)
        }
        KernelArg::Linear => Kernel::Linear(Linear::new(sigma_w, sigma_b).map_err(bad)?),
        KernelArg::Poly => {
            Kernel::Polynomial(Polynomial::new(args.degree, sigma_w, sigma_b).map_err(bad)?)
        }
        KernelArg::NngpRelu => {
            Kernel::NngpRelu(Mlp::new(args.depth, sigma_w, sigma_b).map_err(bad)?)
        }
        KernelArg::NngpErf => Kernel::NngpErf(Mlp::new(args.depth, sigma_w, sigma_b).map_err(bad)?),
        KernelArg::NtkRelu => Kernel::NtkRelu(Mlp::new(args.depth, sigma_w, sigma_b).map_err(bad)?),
    };
    Ok(KernelSpec::Fixed(kernel))
}

/// Kernel flags given a non-default value that `args.kernel` does not use, each with what it
/// sets. `sigmas_used_elsewhere`: --sigma-w/--sigma-b also set something else (the MLP model
/// classes of `ibits models` with --init standard or ntk), so they are not reported.
pub(crate) fn check_kernel_flags(
    args: &EstimateArgs,
    sigmas_used_elsewhere: bool,
) -> anyhow::Result<()> {
    use clap::ValueEnum as _;
    use KernelArg::*;
    let kernel = args.kernel;
    let mlp_kernel = matches!(kernel, NngpRelu | NngpErf | NtkRelu);
    let rules: [(&str, bool, bool, &str); 5] = [
        (
            "--bandwidth",
            args.bandwidth.trim() != "median",
            kernel == Rbf,
            "the RBF kernel",
        ),
        (
            "--amplitude",
            args.amplitude != 1.0,
            kernel == Rbf,
            "the RBF kernel",
        ),
        (
            "--sigma-w/--sigma-b",
            (args.sigma_w.is_some() || args.sigma_b.is_some()) && !sigmas_used_elsewhere,
            kernel != Rbf,
            "the linear, poly, nngp-relu, nngp-erf and ntk-relu kernels",
        ),
        (
            "--degree",
            args.degree != 3,
            kernel == Poly,
            "the poly kernel",
        ),
        (
            "--depth",
            args.depth != 3,
            mlp_kernel,
            "the nngp-relu, nngp-erf and ntk-relu kernels",
        ),
    ];
    for (flag, given, used, sets) in rules {
        if given && !used {
            let name = kernel.to_possible_value().map(|v| v.get_name().to_string());
            return Err(usage(format!(
                "{flag} does not apply to --kernel {} (it sets {sets}); drop it or pick that kernel",
                name.unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// The targets the flags describe (validated; default 0.5 x mean error).
pub(crate) fn targets(args: &EstimateArgs) -> anyhow::Result<Vec<Target>> {
    let mut out = Vec::new();
    for &eps in &args.target {
        out.push(Target::absolute(eps).map_err(|e| usage(format!("--target: {e}")))?);
    }
    for &r in &args.target_rel {
        out.push(Target::relative(r).map_err(|e| usage(format!("--target-rel: {e}")))?);
    }
    if out.is_empty() {
        out.push(Target::RelativeToMean(0.5));
    }
    Ok(out)
}

/// The task spec the flags describe.
pub(crate) fn task_spec(args: &EstimateArgs) -> anyhow::Result<TaskSpec> {
    if args.n_train == 0 || args.n_test == 0 {
        return Err(usage(format!(
            "--n-train and --n-test must be >= 1, got {} and {}",
            args.n_train, args.n_test
        )));
    }
    let mut source: TaskSource = args
        .task
        .parse()
        .map_err(|e: ibits_data::DataError| usage(e.to_string()))?;
    let synthetic_flags = args.intrinsic_dim.is_some()
        || args.ambient_dim.is_some()
        || args.classes.is_some()
        || args.data_seed.is_some()
        || args.shape.is_set();
    match &mut source {
        TaskSource::Synthetic(spec) => {
            let defaults = SyntheticSpec::default();
            spec.intrinsic_dim = args.intrinsic_dim.unwrap_or(defaults.intrinsic_dim);
            spec.ambient_dim = args.ambient_dim.unwrap_or(defaults.ambient_dim.max(spec.intrinsic_dim));
            spec.outputs = args.classes.unwrap_or(defaults.outputs);
            spec.seed = args.data_seed.unwrap_or(defaults.seed);
            (spec.manifold, spec.teacher) = args.shape.resolve()?;
            spec.validate().map_err(|e| usage(format!("synthetic task: {e}")))?;
        }
        _ if synthetic_flags => {
            return Err(usage(
                "--intrinsic-dim, --ambient-dim, --classes, --data-seed, --manifold, --curvature, --teacher, --teacher-size and --teacher-frequency apply only to --task synthetic",
            ))
        }
        _ => {}
    }
    Ok(TaskSpec {
        n_train: Some(args.n_train),
        n_test: Some(args.n_test),
        subset: match args.subset {
            SubsetArg::First => Subset::First,
            SubsetArg::Random => Subset::Random {
                seed: args.subset_seed,
            },
            SubsetArg::Stratified => Subset::Stratified {
                seed: args.subset_seed,
            },
        },
        ..TaskSpec::new(source)
    })
}

/// Run `ibits estimate`.
pub fn run(args: &EstimateArgs) -> anyhow::Result<()> {
    // The fit needs 10 samples; say so before any work is done.
    let min = ibits_stats::fit::MIN_SAMPLES;
    if args.space == SpaceArg::Mlp && args.samples < min {
        return Err(usage(format!(
            "--samples: a trained-network space needs at least {min} networks, got {}",
            args.samples
        )));
    }
    if args.samples > 0 && args.samples < min {
        return Err(usage(format!(
            "--samples must be 0 (exact law only) or >= {min} (the paper's fit needs {min}), got {}",
            args.samples
        )));
    }
    if args.space == SpaceArg::Mlp {
        let gp_only = args.kernel != KernelArg::Rbf
            || args.bandwidth.trim() != "median"
            || args.amplitude != 1.0
            || args.degree != 3;
        if gp_only {
            return Err(usage(
                "--kernel, --bandwidth, --amplitude and --degree set a GP space (--space gp); a trained-MLP space takes --width, --depth, --activation, --init, --sigma-w, --sigma-b",
            ));
        }
        return super::estimate_mlp::run(args);
    }
    check_kernel_flags(args, false)?;
    let kernel = kernel_spec(args)?;
    let targets = targets(args)?;
    let memory_limit = match args.max_memory {
        Some(gib) => Some((positive("max-memory", gib)? * 1024.0 * 1024.0 * 1024.0) as u64),
        None => None,
    };
    let spec = task_spec(args)?;
    let task = load_task(&spec).map_err(|e| match e {
        ibits_data::DataError::SubsetTooLarge { .. }
        | ibits_data::DataError::UnknownDataset { .. }
        | ibits_data::DataError::BadSource { .. }
        | ibits_data::DataError::InvalidParameter { .. } => usage(e.to_string()),
        other => anyhow::Error::new(other).context(format!("loading task {}", args.task)),
    })?;
    let options = GpOptions {
        jitter_check: !args.no_jitter_check,
        samples: args.samples,
        seed: args.seed,
        fit: ibits::fitted::FitOptions {
            bootstrap: args.bootstrap,
            ..Default::default()
        },
        memory_limit,
        ..GpOptions::default()
    };
    let bar = progress_bar(7, args.json, "GP estimate");
    let mut on_stage = |stage: GpStage| {
        bar.set_message(stage_name(stage));
        bar.inc(1);
    };
    let result = estimate_gp(
        &GpData::from_task(&task),
        &kernel,
        &targets,
        &options,
        &mut on_stage,
    );
    bar.finish_and_clear();
    let estimate = result.map_err(|e| match e {
        ibits::Error::InsufficientMemory { .. }
        | ibits::Error::Kernel(_)
        | ibits::Error::Target(_)
        | ibits::Error::RelativeTarget(_) => usage(e.to_string()),
        other => anyhow::Error::new(other).context("GP estimate"),
    })?;
    let info = TaskInfo {
        name: task.name.clone(),
        description: task.description.clone(),
        warnings: task.warnings.clone(),
    };
    if args.json {
        print_json(&EstimateOutput {
            task: info,
            estimate: &estimate,
        })
    } else {
        print_text(&render(&info, &estimate))
    }
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
fn render(task: &TaskInfo, e: &GpEstimate) -> String {
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
        if let Some(j) = t.bits_jitter_x10 {
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
    for w in task.warnings.iter().chain(&e.warnings) {
        let _ = writeln!(s, "warning: {w}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

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

    #[test]
    fn defaults_are_mnist_rbf_median_half_mean() {
        let a = parse(&[]);
        assert_eq!((a.task.as_str(), a.n_train, a.n_test), ("mnist", 1000, 500));
        assert_eq!(
            kernel_spec(&a).unwrap(),
            KernelSpec::RbfMedian { amplitude: 1.0 }
        );
        assert_eq!(targets(&a).unwrap(), vec![Target::RelativeToMean(0.5)]);
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

    #[test]
    fn kernel_flags_that_the_kernel_does_not_use_are_refused() {
        for flags in [
            &["--kernel", "rbf", "--depth", "2"][..],
            &["--kernel", "rbf", "--sigma-w", "1.2"],
            &["--kernel", "rbf", "--degree", "2"],
            &["--kernel", "linear", "--bandwidth", "4"],
            &["--kernel", "nngp-relu", "--amplitude", "2"],
            &["--kernel", "poly", "--depth", "5"],
        ] {
            let err = check_kernel_flags(&parse(flags), false).unwrap_err();
            assert!(
                err.to_string().contains("does not apply to --kernel"),
                "{flags:?}: {err}"
            );
        }
        for flags in [
            &["--kernel", "rbf", "--bandwidth", "3", "--amplitude", "2"][..],
            &["--kernel", "poly", "--degree", "2", "--sigma-w", "1"],
            &["--kernel", "ntk-relu", "--depth", "2", "--sigma-b", "0.2"],
            &["--kernel", "rbf", "--depth", "3"],
        ] {
            assert!(
                check_kernel_flags(&parse(flags), false).is_ok(),
                "{flags:?}"
            );
        }
        // Against an RBF space the sigmas may set the MLP model classes of `ibits models`.
        assert!(check_kernel_flags(&parse(&["--sigma-w", "1.2"]), true).is_ok());
    }

    #[test]
    fn targets_are_validated() {
        assert!(targets(&parse(&["--target", "-1"])).is_err());
        assert_eq!(
            targets(&parse(&["--target-rel", "0.9,0.1"])).unwrap(),
            vec![Target::RelativeToMean(0.9), Target::RelativeToMean(0.1)]
        );
    }
}
