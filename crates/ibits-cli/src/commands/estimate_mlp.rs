//! `ibits estimate --space mlp`: the trained-network hypothesis space.
//!
//! S MLPs are trained from independent initialisations and data orders (in parallel on all
//! cores; the result does not depend on the number of threads), the ones whose training error
//! exceeds `--train-threshold` are counted and left out of p_h, and the paper's scaled
//! non-central chi-squared is fitted to the rest: bits with a bootstrap interval, the
//! model-free count, the paper-compatible value in nats, and how many more hypotheses would
//! halve the interval.

use std::fmt::Write as _;

use anyhow::Context;
use ibits::mlp_space::{estimate_mlp, MlpEstimate, MlpOptions};
use ibits_data::{load_task, Task};
use ibits_nn::{
    Activation, AdamConfig, Architecture, Init, Precision, SampleConfig, TrainConfig, TrainTest,
};
use ibits_stats::fit::FitConfig;
use serde::Serialize;

use super::estimate::{targets, task_spec, EstimateArgs};
use crate::output::{print_json, print_text, progress_bar, usage};

/// Activation of the hidden layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ActivationArg {
    /// max(z, 0).
    Relu,
    /// erf(z) (its NNGP is the arcsine kernel).
    Erf,
    /// tanh(z).
    Tanh,
}

/// Initialisation / parameterisation of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InitArg {
    /// PyTorch's nn.Linear default: weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    Pytorch,
    /// Gaussian weights N(0, sigma_w^2 / fan_in), biases N(0, sigma_b^2).
    Standard,
    /// NTK parameterisation: N(0, 1) parameters scaled by sigma_w / sqrt(fan_in) and sigma_b.
    Ntk,
}

/// Float type of training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PrecisionArg {
    /// 64-bit (default).
    F64,
    /// 32-bit: about twice as fast.
    F32,
}

/// Flags of trained-network spaces (`--space mlp`) and of MLP model classes (`ibits models`).
/// The depth is `--depth` (number of hidden layers), the number of networks `--samples`.
#[derive(Debug, Clone, clap::Args)]
pub struct MlpArgs {
    /// --space mlp: units per hidden layer (>= 1).
    #[arg(long, default_value_t = 256)]
    pub width: usize,
    /// --space mlp: activation of the hidden layers (the output layer is linear).
    #[arg(long, value_enum, default_value_t = ActivationArg::Relu)]
    pub activation: ActivationArg,
    /// --space mlp: initialisation. `standard` and `ntk` use --sigma-w (default sqrt(2) for relu,
    /// 1 otherwise) and --sigma-b (default 0.1), and match the NNGP kernel with those values.
    #[arg(long, value_enum, default_value_t = InitArg::Pytorch)]
    pub init: InitArg,
    /// --space mlp: training epochs (passes over the training set; >= 1); with --early-stop the
    /// most epochs.
    #[arg(long, default_value_t = 50)]
    pub epochs: usize,
    /// --space mlp: minibatch size (>= 1; the last batch of an epoch may be smaller).
    #[arg(long, default_value_t = 64)]
    pub batch_size: usize,
    /// --space mlp: Adam learning rate (> 0).
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    pub lr: f64,
    /// --space mlp: Adam beta1 (in [0, 1)).
    #[arg(long, default_value_t = 0.9, allow_negative_numbers = true)]
    pub beta1: f64,
    /// --space mlp: Adam beta2 (in [0, 1)).
    #[arg(long, default_value_t = 0.999, allow_negative_numbers = true)]
    pub beta2: f64,
    /// --space mlp: a network belongs to p_h only if its training error (mean squared error
    /// over n*k entries) is <= this value (>= 0); the others are counted and reported.
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    pub train_threshold: f64,
    /// --space mlp: stop training each network at the end of the first epoch whose training
    /// error is <= --train-threshold.
    #[arg(long)]
    pub early_stop: bool,
    /// --space mlp: float type of training.
    #[arg(long, value_enum, default_value_t = PrecisionArg::F64)]
    pub precision: PrecisionArg,
    /// --space mlp: skip the sample-size advice (two extra bootstraps on subsamples).
    #[arg(long)]
    pub no_advice: bool,
}

/// The network, training and sampling plan the flags describe, for a task with `input_dim`
/// inputs and `outputs` outputs; `samples` networks with the given seed.
pub(crate) fn sample_config(
    args: &EstimateArgs,
    input_dim: usize,
    outputs: usize,
    samples: usize,
    seed: u64,
) -> anyhow::Result<SampleConfig> {
    sample_config_with(
        args,
        args.mlp.width,
        args.depth,
        input_dim,
        outputs,
        samples,
        seed,
    )
}

/// As [`sample_config`] with the width and depth given apart (MLP model classes).
pub(crate) fn sample_config_with(
    args: &EstimateArgs,
    width: usize,
    depth: usize,
    input_dim: usize,
    outputs: usize,
    samples: usize,
    seed: u64,
) -> anyhow::Result<SampleConfig> {
    let m = &args.mlp;
    let bad = |e: ibits_nn::NnError| usage(format!("{e} (check the --space mlp flags)"));
    let activation = match m.activation {
        ActivationArg::Relu => Activation::Relu,
        ActivationArg::Erf => Activation::Erf,
        ActivationArg::Tanh => Activation::Tanh,
    };
    let sigma_w = args.sigma_w.unwrap_or(if activation == Activation::Relu {
        std::f64::consts::SQRT_2
    } else {
        1.0
    });
    let sigma_b = args.sigma_b.unwrap_or(0.1);
    let init = match m.init {
        InitArg::Pytorch => {
            if args.sigma_w.is_some() || args.sigma_b.is_some() {
                return Err(usage("--sigma-w and --sigma-b apply to --init standard or ntk, not to --init pytorch"));
            }
            Init::PytorchDefault
        }
        InitArg::Standard => Init::Standard { sigma_w, sigma_b },
        InitArg::Ntk => Init::Ntk { sigma_w, sigma_b },
    };
    let architecture =
        Architecture::new(input_dim, width, depth, outputs, activation, init).map_err(bad)?;
    let adam = AdamConfig::new(m.lr, m.beta1, m.beta2, 1e-8).map_err(bad)?;
    let stop = m.early_stop.then_some(m.train_threshold);
    let training = TrainConfig::new(m.epochs, m.batch_size, adam, stop).map_err(bad)?;
    let precision = match m.precision {
        PrecisionArg::F64 => Precision::F64,
        PrecisionArg::F32 => Precision::F32,
    };
    SampleConfig::new(
        architecture,
        training,
        samples,
        seed,
        m.train_threshold,
        precision,
    )
    .map_err(bad)
}

/// Load the task the flags describe (bad values are usage errors).
pub(crate) fn load(args: &EstimateArgs) -> anyhow::Result<Task> {
    let spec = task_spec(args)?;
    load_task(&spec).map_err(|e| match e {
        ibits_data::DataError::SubsetTooLarge { .. }
        | ibits_data::DataError::UnknownDataset { .. }
        | ibits_data::DataError::BadSource { .. }
        | ibits_data::DataError::InvalidParameter { .. } => usage(e.to_string()),
        other => anyhow::Error::new(other).context(format!("loading task {}", args.task)),
    })
}

/// The task's arrays as the network code sees them.
pub(crate) fn train_test(task: &Task) -> anyhow::Result<TrainTest<'_>> {
    TrainTest::new(
        task.x_train.view(),
        task.y_train.view(),
        task.x_test.view(),
        task.y_test.view(),
    )
    .map_err(|e| usage(format!("task {}: {e}", task.name)))
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

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct MlpOutput<'a> {
    task: TaskInfo,
    #[serde(flatten)]
    estimate: &'a MlpEstimate,
}

/// Run `ibits estimate --space mlp`.
pub fn run(args: &EstimateArgs) -> anyhow::Result<()> {
    let targets = targets(args)?;
    let task = load(args)?;
    let data = train_test(&task)?;
    let config = sample_config(
        args,
        task.input_dim(),
        task.n_outputs(),
        args.samples,
        args.seed,
    )?;
    let options = MlpOptions {
        fit: FitConfig {
            bootstrap: args.bootstrap,
            seed: args.seed,
            ..FitConfig::default()
        },
        sample_size_advice: !args.mlp.no_advice,
    };
    let bar = progress_bar(args.samples as u64, args.json, "training networks");
    let result = estimate_mlp(&data, &config, &targets, &options, &|done| {
        bar.set_position(done as u64)
    });
    bar.finish_and_clear();
    let estimate = result.map_err(|e| match e {
        ibits::Error::Network(_) | ibits::Error::Target(_) | ibits::Error::RelativeTarget(_) => {
            usage(e.to_string())
        }
        other => anyhow::Error::new(other).context("trained-MLP estimate"),
    })?;
    let info = TaskInfo::of(&task);
    if args.json {
        print_json(&MlpOutput {
            task: info,
            estimate: &estimate,
        })
    } else {
        print_text(&render(&info, &estimate))
    }
    .context("writing the result")
}

pub(crate) fn bits_text(b: f64) -> String {
    if b.is_finite() {
        format!("{b:.4}")
    } else {
        "inf".to_string()
    }
}

/// The human-readable summary.
fn render(task: &TaskInfo, e: &MlpEstimate) -> String {
    let mut s = String::new();
    let t = &e.training;
    let _ = writeln!(s, "Inductive bias of a trained-MLP hypothesis space (unit: bits = -log2 P[test error <= eps])");
    let _ = writeln!(
        s,
        "  task        {}: n = {} train, N = {} test, k = {} outputs, d = {} inputs",
        task.name, e.n_train, e.n_test, e.outputs, e.input_dim
    );
    let precision = match e.precision {
        Precision::F64 => "f64",
        Precision::F32 => "f32",
    };
    let _ = writeln!(
        s,
        "  network     {}, {precision}",
        e.architecture_description
    );
    let stop = match t.stop_at_train_error() {
        Some(v) => format!(
            "up to {} epochs, stopping at training error <= {v}",
            t.max_epochs()
        ),
        None => format!("{} epochs", t.max_epochs()),
    };
    let _ = writeln!(
        s,
        "  training    Adam (lr {}, betas ({}, {})), batch {}, {stop}; MSE to one-hot targets",
        t.adam().learning_rate(),
        t.adam().beta1(),
        t.adam().beta2(),
        t.batch_size()
    );
    let _ = writeln!(
        s,
        "  hypotheses  S = {} trained (seed {}), {} fit the training set (training error <= {}), {} rejected; epochs used {}..{}",
        e.samples, e.seed, e.accepted, e.train_threshold, e.rejected, e.epochs_range[0], e.epochs_range[1]
    );
    let _ = writeln!(
        s,
        "  test error  mean {:.6} over p_h, range [{:.6}, {:.6}] (MSE over N*k entries)",
        e.mean_test_error, e.test_error_range[0], e.test_error_range[1]
    );
    for target in &e.targets {
        let f = &target.fitted;
        let _ = writeln!(s);
        let _ = writeln!(s, "eps = {:.6} ({})", target.eps, target.eps_rule);
        let resamples = f
            .bootstrap
            .as_ref()
            .map_or(String::new(), |b| format!("; {} resamples", b.replicates));
        let interval = match f.interval_bits {
            Some([lo, hi]) => format!(
                "  {:.0}% interval [{}, {}] ({}{resamples})",
                100.0 * f.count.proportion.confidence,
                bits_text(lo),
                bits_text(hi),
                f.interval_method()
            ),
            None => String::new(),
        };
        let _ = writeln!(s, "  fitted law     {} bits{interval}", bits_text(f.bits));
        if let Some(se) = f.stderr_bits {
            let _ = writeln!(
                s,
                "                 delta-method standard error {se:.4} bits"
            );
        }
        let _ = writeln!(
            s,
            "                 {:.4e} * chi'^2_{:.4}({:.4}), log-likelihood {:.3} nats",
            f.fit.scale, f.fit.dof, f.fit.noncentrality, f.fit.log_likelihood
        );
        let c = &f.count;
        let (k, n) = (c.proportion.successes, c.proportion.trials);
        if k == 0 {
            let _ = writeln!(
                s,
                "  counted        >= {} bits (0 of {n} errors <= eps)",
                bits_text(c.interval_bits[0])
            );
        } else {
            let _ = writeln!(
                s,
                "  counted        {} bits  ({k} of {n} errors <= eps; [{}, {}])",
                bits_text(c.bits),
                bits_text(c.interval_bits[0]),
                bits_text(c.interval_bits[1])
            );
        }
        let _ = writeln!(
            s,
            "  paper's code   would report {:.4} nats{}",
            f.paper.nats,
            if f.paper.sankaran_fallback {
                " (via its Sankaran fallback)"
            } else {
                ""
            }
        );
    }
    if let Some(a) = &e.advice {
        let _ = writeln!(s);
        let widths: Vec<String> = a
            .widths
            .iter()
            .map(|(m, w)| format!("S = {m}: {w:.3}"))
            .collect();
        let _ = writeln!(
            s,
            "sample size (eps = {:.6}): interval width in bits {}",
            a.eps,
            widths.join(", ")
        );
        let _ = writeln!(
            s,
            "  width ~ S^{:.2} ({}); about {} hypotheses in p_h would halve it: train about {} more",
            a.exponent, a.basis, a.accepted_to_halve, a.additional_to_train
        );
    }
    let _ = writeln!(s);
    let tm = &e.timing;
    let _ = writeln!(
        s,
        "time {:.2} s on {} threads: training {:.2} s ({:.3} s per network per thread), fit and bootstrap {:.2} s",
        tm.total_s,
        e.threads,
        tm.training_s,
        tm.training_s * e.threads as f64 / e.samples.max(1) as f64,
        tm.fitting_s
    );
    for w in task.warnings.iter().chain(&e.warnings) {
        let _ = writeln!(s, "warning: {w}");
    }
    s
}
