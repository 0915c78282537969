//! `ibits bound`: the ICML 2023 upper bound on inductive bias complexity (Boopathy et al.,
//! "Model-agnostic Measure of Generalization Difficulty", arXiv:2305.01034), from the paper's
//! constants (`--preset`), measured on a task (`--task`), or from flags alone.
//!
//! ```text
//! bits <= (2 D P E - n D) * log2( B sqrt(D) sqrt(P) L_f W / eps )
//! ```
//! with the quantities documented in `ibits::bound`.

use std::fmt::Write as _;

use anyhow::Context;
use ibits::bound::{
    bound_bits, class_separation, intrinsic_dimension_mle, max_norm, Bound, BoundInputs,
    BoundQuantities, DataOptions, DimensionEstimate, Preset, Regime, SeparationEstimate,
};
use ibits::Error;
use ibits_data::{load_task, DataError, Task, TaskKind};
use serde::Serialize;

use super::data::TaskOptions;
use crate::output::{print_json, print_text, usage};

/// The paper's benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PresetArg {
    /// MNIST: n = 60000, m = 14, R = 17.18, delta = 2.399, eps = 0.001, 10 classes.
    Mnist,
    /// SVHN: n = 73257, m = 19, R = 53.87, delta = 1.577, eps = 0.01, 10 classes.
    Svhn,
    /// CIFAR-10: n = 50000, m = 27, R = 54.92, delta = 2.751, eps = 0.01, 10 classes.
    Cifar10,
    /// ImageNet: n = 1280901, m = 48, R = 943.6, delta = 65, eps = 0.1, 1000 classes.
    Imagenet,
}

impl PresetArg {
    fn preset(self) -> Preset {
        match self {
            PresetArg::Mnist => Preset::Mnist,
            PresetArg::Svhn => Preset::Svhn,
            PresetArg::Cifar10 => Preset::Cifar10,
            PresetArg::Imagenet => Preset::Imagenet,
        }
    }
}

/// Target error used with --task when --eps is not given.
const DEFAULT_TASK_EPS: f64 = 0.01;

/// Arguments of `ibits bound`.
///
/// The ICML 2023 upper bound on inductive bias complexity (Boopathy et al., "Model-agnostic
/// Measure of Generalization Difficulty", arXiv:2305.01034), in bits:
/// (2 D P E - n D) * log2(B sqrt(D P) L_f W / eps), where E counts the Laplace-Beltrami
/// eigenfunctions of frequency <= 2 pi R / delta on an m-sphere, W bounds the Wasserstein
/// distance between training and test data and L_f = K sqrt(D) / R.
///
/// Give --preset for one of the paper's benchmarks with its constants, --task to measure n, the
/// classes, R (largest input norm), m (nearest-neighbour MLE, rounded) and delta (smallest
/// distance between training inputs of different classes) on data, or every quantity by flag.
/// Any quantity given by flag replaces the preset's or the measured value.
///
/// Exit status: 0 success; 2 usage error (bad flag or value, a quantity out of range, missing
/// quantities); 1 failure while running (unreadable data, a quantity that cannot be measured).
#[derive(Debug, clap::Args)]
pub struct BoundArgs {
    /// One of the paper's benchmarks, with the constants of the authors' code.
    #[arg(long, value_enum, conflicts_with = "task")]
    pub preset: Option<PresetArg>,
    /// Task to measure the quantities on: a vendored dataset (mnist, iris, digits, ...),
    /// idx:DIR, csv:FILE[:LABELCOL], npy:X,Y[,XT,YT] or synthetic; classification only. Only
    /// the training split is used.
    #[arg(long, value_name = "TASK")]
    pub task: Option<String>,
    /// Task options (with --task).
    #[command(flatten)]
    pub options: TaskOptions,
    /// Target error rate eps (the paper's eps / L_L; finite, > 0) [default: the preset's, or
    /// 0.01 with --task].
    #[arg(
        long,
        value_name = "EPS",
        visible_alias = "target-error",
        allow_negative_numbers = true
    )]
    pub eps: Option<f64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    // The two groups below set their help headings; keep ungrouped flags above them.
    /// The paper's quantities given directly.
    #[command(flatten)]
    pub paper: PaperQuantities,
    /// How the quantities are measured on --task.
    #[command(flatten)]
    pub measuring: Measuring,
}

/// The bound's quantities given by flag; each replaces the preset's or the measured value.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Paper quantities (replace the preset's or measured values)")]
pub struct PaperQuantities {
    /// n, number of training points (>= 1).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub train_points: Option<f64>,
    /// m, intrinsic dimension of the data (>= 1).
    #[arg(long, value_name = "M", allow_negative_numbers = true)]
    pub manifold_dim: Option<f64>,
    /// R, largest Euclidean norm of an input (> 0, input units).
    #[arg(long, value_name = "R", allow_negative_numbers = true)]
    pub radius: Option<f64>,
    /// delta, smallest distance between inputs of different classes (> 0, input units).
    #[arg(long, value_name = "DELTA", allow_negative_numbers = true)]
    pub separation: Option<f64>,
    /// C, number of classes (>= 2): sets D = C - 1 and P = C.
    #[arg(long, value_name = "C", allow_negative_numbers = true)]
    pub num_classes: Option<f64>,
    /// D, output dimension (> 0) [default: classes - 1].
    #[arg(long, value_name = "D", allow_negative_numbers = true)]
    pub output_dim: Option<f64>,
    /// P, number of combinations of discrete input features (>= 1) [default: classes].
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    pub discrete_states: Option<f64>,
    /// B, bound on the absolute value of each output (> 0) [default: 1].
    #[arg(long, value_name = "B", allow_negative_numbers = true)]
    pub output_bound: Option<f64>,
}

/// How the quantities are measured on a task (with --task).
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Measuring on a task")]
pub struct Measuring {
    /// With --task: k, neighbours of the intrinsic-dimension MLE (>= 2) [default: 5].
    #[arg(long, value_name = "K")]
    pub neighbours: Option<usize>,
    /// With --task: query points of the intrinsic-dimension MLE, drawn from the training
    /// inputs (>= 1) [default: 1000].
    #[arg(long, value_name = "Q")]
    pub dim_queries: Option<usize>,
    /// With --task: training inputs searched for delta (>= 2; all when larger than n); a
    /// subset overestimates delta [default: 4000].
    #[arg(long, value_name = "S")]
    pub separation_points: Option<usize>,
    /// With --task: ignore different-class pairs at distance <= this (duplicated or mislabelled
    /// inputs; >= 0, input units) [default: 0].
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub separation_floor: Option<f64>,
    /// With --task: seed of the query and separation subsets [default: 0].
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,
}

/// Where each quantity came from.
#[derive(Debug, Clone, Default, Serialize)]
struct Sources {
    train_points: String,
    intrinsic_dim: String,
    radius: String,
    separation: String,
    target_error: String,
    output_dim: String,
    discrete_states: String,
    output_bound: String,
}

/// What was measured on the task.
#[derive(Debug, Serialize)]
struct Measured {
    name: String,
    description: String,
    warnings: Vec<String>,
    options: DataOptions,
    dimension: Option<DimensionEstimate>,
    separation: Option<SeparationEstimate>,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct BoundReport {
    unit: &'static str,
    method: &'static str,
    reference: &'static str,
    /// "preset mnist", "task mnist" or "flags".
    computed_from: String,
    preset: Option<Preset>,
    /// The paper's value for the preset (when no quantity was overridden).
    published_bits: Option<f64>,
    sources: Sources,
    task: Option<Measured>,
    #[serde(flatten)]
    bound: Bound,
    warnings: Vec<String>,
}

const METHOD: &str = "icml2023_bound";
const REFERENCE: &str =
    "Boopathy, Liu, Hwang, Ge, Mohammedsaleh & Fiete, \"Model-agnostic Measure \
                         of Generalization Difficulty\", ICML 2023, arXiv:2305.01034";

/// The flag that sets a quantity named in an `Error::BoundInput`.
fn flag_of(quantity: &str) -> &'static str {
    match quantity.split_whitespace().last().unwrap_or("") {
        "n" => "--train-points",
        "m" => "--manifold-dim",
        "norm)" => "--radius",
        "delta" => "--separation",
        "eps" => "--eps",
        "D" => "--output-dim",
        "P" => "--discrete-states",
        "B" => "--output-bound",
        "C" => "--num-classes",
        _ => "--radius / --separation",
    }
}

/// Library errors: out-of-range values and bad options are usage errors (2); a quantity that
/// cannot be measured on the data is a failure (1).
fn bound_error(e: Error) -> anyhow::Error {
    match &e {
        Error::BoundInput { quantity, .. } => usage(format!("{e} (check {})", flag_of(quantity))),
        Error::Option { .. } => usage(e.to_string()),
        _ => anyhow::Error::new(e),
    }
}

impl Sources {
    /// The source of the quantity a flag sets.
    fn of_flag(&self, flag: &str) -> &str {
        match flag {
            "--train-points" => &self.train_points,
            "--manifold-dim" => &self.intrinsic_dim,
            "--radius" => &self.radius,
            "--separation" => &self.separation,
            "--eps" => &self.target_error,
            "--output-dim" => &self.output_dim,
            "--discrete-states" => &self.discrete_states,
            "--output-bound" => &self.output_bound,
            _ => "",
        }
    }
}

/// An out-of-range input: a usage error (2) when it came from a flag or preset, a failure (1)
/// when it was measured on the data.
fn input_error(e: Error, sources: &Sources) -> anyhow::Error {
    if let Error::BoundInput { quantity, .. } = &e {
        let flag = flag_of(quantity);
        if sources.of_flag(flag).starts_with("measured") {
            return anyhow::anyhow!("{e} (measured on the task; give it with {flag})");
        }
    }
    bound_error(e)
}

fn data_error(e: DataError) -> anyhow::Error {
    match e {
        DataError::UnknownDataset { .. }
        | DataError::BadSource { .. }
        | DataError::InvalidParameter { .. }
        | DataError::SubsetTooLarge { .. } => usage(e.to_string()),
        other => anyhow::Error::new(other),
    }
}

impl Measuring {
    fn given(&self) -> bool {
        self.neighbours.is_some()
            || self.dim_queries.is_some()
            || self.separation_points.is_some()
            || self.separation_floor.is_some()
            || self.seed.is_some()
    }

    fn data_options(&self) -> anyhow::Result<DataOptions> {
        let d = DataOptions::default();
        let options = DataOptions {
            neighbours: self.neighbours.unwrap_or(d.neighbours),
            dimension_queries: self.dim_queries.unwrap_or(d.dimension_queries),
            separation_points: self.separation_points.unwrap_or(d.separation_points),
            separation_floor: self.separation_floor.unwrap_or(d.separation_floor),
            seed: self.seed.unwrap_or(d.seed),
        };
        if options.neighbours < 2 {
            return Err(usage(format!(
                "--neighbours must be >= 2, got {}",
                options.neighbours
            )));
        }
        if options.dimension_queries == 0 {
            return Err(usage("--dim-queries must be >= 1, got 0"));
        }
        if options.separation_points < 2 {
            return Err(usage(format!(
                "--separation-points must be >= 2, got {}",
                options.separation_points
            )));
        }
        let floor = options.separation_floor;
        if !(floor.is_finite() && floor >= 0.0) {
            return Err(usage(format!(
                "--separation-floor must be finite and >= 0, got {floor}"
            )));
        }
        Ok(options)
    }
}

impl BoundArgs {
    /// Apply the quantity flags to `q`, recording their sources.
    fn apply_flags(&self, q: &mut BoundQuantities, sources: &mut Sources) -> anyhow::Result<()> {
        let set = |slot: &mut f64, src: &mut String, value: Option<f64>, flag: &str| {
            if let Some(v) = value {
                *slot = v;
                *src = flag.to_string();
            }
        };
        set(
            &mut q.train_points,
            &mut sources.train_points,
            self.paper.train_points,
            "--train-points",
        );
        set(
            &mut q.intrinsic_dim,
            &mut sources.intrinsic_dim,
            self.paper.manifold_dim,
            "--manifold-dim",
        );
        set(
            &mut q.radius,
            &mut sources.radius,
            self.paper.radius,
            "--radius",
        );
        set(
            &mut q.separation,
            &mut sources.separation,
            self.paper.separation,
            "--separation",
        );
        set(
            &mut q.target_error,
            &mut sources.target_error,
            self.eps,
            "--eps",
        );
        if let Some(c) = self.paper.num_classes {
            if !(c.is_finite() && c >= 2.0) {
                return Err(usage(format!(
                    "--num-classes must be a finite number >= 2, got {c}"
                )));
            }
            q.output_dim = c - 1.0;
            q.discrete_states = c;
            sources.output_dim = "--num-classes (C - 1)".to_string();
            sources.discrete_states = "--num-classes (C)".to_string();
        }
        set(
            &mut q.output_dim,
            &mut sources.output_dim,
            self.paper.output_dim,
            "--output-dim",
        );
        set(
            &mut q.discrete_states,
            &mut sources.discrete_states,
            self.paper.discrete_states,
            "--discrete-states",
        );
        set(
            &mut q.output_bound,
            &mut sources.output_bound,
            self.paper.output_bound,
            "--output-bound",
        );
        Ok(())
    }
}

fn all_sources(label: &str) -> Sources {
    let s = label.to_string();
    Sources {
        train_points: s.clone(),
        intrinsic_dim: s.clone(),
        radius: s.clone(),
        separation: s.clone(),
        target_error: s.clone(),
        output_dim: s.clone(),
        discrete_states: s.clone(),
        output_bound: s,
    }
}

/// Run `ibits bound`.
pub fn run(args: &BoundArgs) -> anyhow::Result<()> {
    if args.task.is_none() && (args.options.is_set() || args.measuring.given()) {
        return Err(usage(
            "task and measuring options (--n-train, --subset, --neighbours, --seed, ...) need --task",
        ));
    }
    let report = match (args.preset, &args.task) {
        (Some(p), _) => from_preset(args, p.preset())?,
        (None, Some(task)) => from_task(args, task)?,
        (None, None) => from_flags(args)?,
    };
    if args.json {
        print_json(&report)
    } else {
        print_text(&render(&report))
    }
}

fn finish(
    args: &BoundArgs,
    mut q: BoundQuantities,
    mut sources: Sources,
    computed_from: String,
    preset: Option<Preset>,
    task: Option<Measured>,
    mut warnings: Vec<String>,
) -> anyhow::Result<BoundReport> {
    args.apply_flags(&mut q, &mut sources)?;
    let inputs = BoundInputs::new(q).map_err(|e| input_error(e, &sources))?;
    let bound = bound_bits(&inputs);
    match bound.regime {
        Regime::Informative if bound.bits == f64::INFINITY => warnings.push(
            "the bound exceeds the largest f64 (1.8e308): `bits` is infinite, see log10_bits"
                .to_string(),
        ),
        Regime::Informative => {}
        Regime::DataDetermines => warnings.push(
            "n D >= dim Theta: the training points determine the hypothesis, so the bound is 0 bits"
                .to_string(),
        ),
        Regime::AllGeneralize => warnings.push(
            "log2(B sqrt(D P) L_f W / eps) <= 0: every interpolating hypothesis is within the \
             generalizing radius, so the bound is 0 bits"
                .to_string(),
        ),
    }
    let published_bits = preset
        .filter(|p| inputs == p.inputs())
        .map(Preset::published_bits);
    Ok(BoundReport {
        unit: "bits",
        method: METHOD,
        reference: REFERENCE,
        computed_from,
        preset,
        published_bits,
        sources,
        task,
        bound,
        warnings,
    })
}

fn from_preset(args: &BoundArgs, preset: Preset) -> anyhow::Result<BoundReport> {
    let sources = all_sources(&format!("paper ({})", preset.title()));
    let q = preset.inputs().quantities();
    finish(
        args,
        q,
        sources,
        format!("preset {}", preset.name()),
        Some(preset),
        None,
        Vec::new(),
    )
}

fn from_flags(args: &BoundArgs) -> anyhow::Result<BoundReport> {
    let mut missing = Vec::new();
    for (value, flag) in [
        (args.paper.train_points, "--train-points"),
        (args.paper.manifold_dim, "--manifold-dim"),
        (args.paper.radius, "--radius"),
        (args.paper.separation, "--separation"),
        (args.eps, "--eps"),
    ] {
        if value.is_none() {
            missing.push(flag);
        }
    }
    let classes_given = args.paper.num_classes.is_some()
        || (args.paper.output_dim.is_some() && args.paper.discrete_states.is_some());
    if !classes_given {
        missing.push("--num-classes (or --output-dim and --discrete-states)");
    }
    if !missing.is_empty() {
        return Err(usage(format!(
            "give --preset NAME, --task TASK, or every quantity of the bound; missing: {}",
            missing.join(", ")
        )));
    }
    // Every quantity is replaced by its flag in `finish`; B defaults to 1.
    let q = BoundQuantities::classification(f64::NAN, f64::NAN, f64::NAN, f64::NAN, 2.0, f64::NAN);
    let mut sources = all_sources("flag");
    sources.output_bound = "default".to_string();
    finish(
        args,
        q,
        sources,
        "flags".to_string(),
        None,
        None,
        Vec::new(),
    )
}

fn from_task(args: &BoundArgs, name: &str) -> anyhow::Result<BoundReport> {
    let options = args.measuring.data_options()?;
    let spec = args.options.spec(name)?;
    let task: Task = load_task(&spec)
        .map_err(data_error)
        .with_context(|| format!("building task {name:?}"))?;
    let (classes, labels) = match (task.kind, task.labels_train.as_deref()) {
        (TaskKind::Classification { classes }, Some(labels)) => (classes, labels),
        _ => {
            return Err(usage(format!(
                "ibits bound needs a classification task; {name:?} was built as regression \
                 (use a labelled dataset or --target classification)"
            )))
        }
    };
    let x = task.x_train.view();
    let measured = "measured".to_string();
    let mut sources = all_sources("measured");
    let mut warnings = Vec::new();
    let dimension = if args.paper.manifold_dim.is_none() {
        let est = intrinsic_dimension_mle(
            x,
            options.neighbours,
            options.dimension_queries,
            options.seed,
        )
        .map_err(bound_error)
        .context("estimating the intrinsic dimension (or give --manifold-dim)")?;
        if est.skipped_queries > 0 {
            warnings.push(format!(
                "{} of {} query points had fewer than {} distinct neighbours (duplicated inputs) \
                 and were left out of the intrinsic-dimension estimate",
                est.skipped_queries,
                est.skipped_queries + est.queries,
                est.neighbours
            ));
        }
        Some(est)
    } else {
        None
    };
    let separation = if args.paper.separation.is_none() {
        let sep = class_separation(
            x,
            labels,
            options.separation_points,
            options.separation_floor,
            options.seed,
        )
        .map_err(bound_error)
        .context("measuring the class separation delta (or give --separation)")?;
        if !sep.exhaustive {
            warnings.push(format!(
                "delta is the smallest different-class distance among {} of the {} training inputs; \
                 a subset overestimates delta and so underestimates the bound (raise \
                 --separation-points)",
                sep.points,
                task.n_train()
            ));
        }
        Some(sep)
    } else {
        None
    };
    let radius = if args.paper.radius.is_none() {
        max_norm(x)
    } else {
        f64::NAN
    };
    let q = BoundQuantities::classification(
        task.n_train() as f64,
        dimension.map_or(f64::NAN, |d| d.rounded),
        radius,
        separation.map_or(f64::NAN, |s| s.separation),
        classes as f64,
        DEFAULT_TASK_EPS,
    );
    sources.target_error = "default".to_string();
    sources.output_bound = "default".to_string();
    sources.output_dim = format!("{measured} (classes - 1)");
    sources.discrete_states = format!("{measured} (classes)");
    warnings.extend(task.warnings.iter().cloned());
    let info = Measured {
        name: task.name.clone(),
        description: task.description.clone(),
        warnings: task.warnings.clone(),
        options,
        dimension,
        separation,
    };
    finish(
        args,
        q,
        sources,
        format!("task {name}"),
        None,
        Some(info),
        warnings,
    )
}

/// `x` with 4 significant digits from its log10 (works beyond f64): "1.485e16".
fn sci_from_log10(log10: f64) -> String {
    if !log10.is_finite() {
        return if log10 == f64::NEG_INFINITY {
            "0".to_string()
        } else {
            "not finite".to_string()
        };
    }
    let mut exponent = log10.floor();
    let mut mantissa = 10f64.powf(log10 - exponent);
    if format!("{mantissa:.3}").starts_with("10") {
        mantissa /= 10.0;
        exponent += 1.0;
    }
    format!("{mantissa:.3}e{exponent}")
}

fn num(x: f64) -> String {
    if x == 0.0 || (1e-3..1e6).contains(&x.abs()) {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        format!("{x:.6e}")
    }
}

fn render(r: &BoundReport) -> String {
    let b = &r.bound;
    let i = &b.inputs;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "ICML 2023 upper bound on inductive bias complexity (Boopathy et al., arXiv:2305.01034)"
    );
    if b.bits == 0.0 {
        let _ = write!(out, "  bound        0 bits");
    } else {
        let _ = write!(
            out,
            "  bound        {} bits  (log10 {:.4})",
            sci_from_log10(b.log10_bits),
            b.log10_bits
        );
    }
    match r.published_bits {
        Some(p) => {
            let _ = writeln!(out, "; published {} bits", sci_from_log10(p.log10()));
        }
        None => {
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(out, "computed from {}:", r.computed_from);
    if let Some(t) = &r.task {
        let _ = writeln!(out, "  task         {}", t.description);
    }
    let s = &r.sources;
    let rows: [(&str, &str, f64, &str); 8] = [
        ("n", "training points", i.train_points(), &s.train_points),
        (
            "m",
            "intrinsic dimension",
            i.intrinsic_dim(),
            &s.intrinsic_dim,
        ),
        (
            "R",
            "largest input norm (input units)",
            i.radius(),
            &s.radius,
        ),
        (
            "delta",
            "class separation (input units)",
            i.separation(),
            &s.separation,
        ),
        (
            "eps",
            "target error rate",
            i.target_error(),
            &s.target_error,
        ),
        ("D", "output dimension", i.output_dim(), &s.output_dim),
        (
            "P",
            "discrete states",
            i.discrete_states(),
            &s.discrete_states,
        ),
        ("B", "output bound", i.output_bound(), &s.output_bound),
    ];
    for (symbol, name, value, source) in rows {
        let _ = writeln!(out, "  {symbol:<6} {name:<33} {:<13} {source}", num(value));
    }
    if let Some(t) = &r.task {
        if let Some(d) = &t.dimension {
            let _ = writeln!(
                out,
                "  m: MLE {:.3} from k = {} neighbours of {} query points (rounded)",
                d.estimate, d.neighbours, d.queries
            );
        }
        if let Some(sep) = &t.separation {
            let _ = writeln!(
                out,
                "  delta: rows {} and {}, among {} training inputs{}",
                sep.pair.0,
                sep.pair.1,
                sep.points,
                if sep.exhaustive {
                    " (all)"
                } else {
                    " (a subset)"
                }
            );
        }
    }
    let _ = writeln!(
        out,
        "formula: bits <= (2 D P E - n D) * log2(B sqrt(D P) L_f W / eps)"
    );
    let _ = writeln!(
        out,
        "  M = 2 pi R / delta            {}",
        num(b.max_frequency)
    );
    let _ = writeln!(out, "  K (largest degree)            {}", num(b.max_degree));
    let _ = writeln!(
        out,
        "  E (eigenfunctions)            {}",
        sci_from_log10(b.log10_eigenfunctions)
    );
    let _ = writeln!(
        out,
        "  dim Theta = 2 D P E           {}",
        sci_from_log10(b.log10_hypothesis_dim)
    );
    let _ = writeln!(
        out,
        "  dim Theta_q = dim Theta - nD  {}",
        sci_from_log10(b.log10_interpolating_dim)
    );
    let _ = writeln!(
        out,
        "  W (Wasserstein bound)         {}",
        num(b.wasserstein)
    );
    let _ = writeln!(out, "  L_f = K sqrt(D) / R           {}", num(b.lipschitz));
    let _ = writeln!(
        out,
        "  bits per dimension            {}",
        num(b.bits_per_dimension)
    );
    for w in &r.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_from_log10() {
        assert_eq!(sci_from_log10(1.485e16f64.log10()), "1.485e16");
        assert_eq!(sci_from_log10(588.745407194), "5.564e588");
        assert_eq!(sci_from_log10(2.99999999), "1.000e3");
        assert_eq!(sci_from_log10(f64::NEG_INFINITY), "0");
    }

    #[test]
    fn every_quantity_names_its_flag() {
        for q in [
            "training points n",
            "intrinsic dimension m",
            "radius R (largest input norm)",
            "class separation delta",
            "target error eps",
            "output dimension D",
            "discrete states P",
            "output bound B",
            "number of classes C",
        ] {
            assert!(flag_of(q).starts_with("--"), "{q}");
            assert_ne!(flag_of(q), "--radius / --separation", "{q}");
        }
        assert_eq!(
            flag_of("maximum frequency 2 pi R / delta (M)"),
            "--radius / --separation"
        );
    }
}
