//! `ibits bound`: the ICML 2023 upper bound on inductive bias complexity (Boopathy et al.,
//! "Model-agnostic Measure of Generalization Difficulty", arXiv:2305.01034), from the paper's
//! constants (`--preset`), measured on a task (`--task`), or from flags alone.
//!
//! ```text
//! bits <= (2 D P E - n D) * log2( B sqrt(D) sqrt(P) L_f W / eps )
//! ```
//! with the quantities documented in `ibits::bound`.

use anyhow::Context;
use ibits::bound::{
    class_separation, intrinsic_dimension_mle, BoundDraft, BoundReport, DataOptions, Preset,
    Quantity, Sources,
};
use ibits::Error;
use ibits_data::TaskKind;

use crate::args::TaskOptions;
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

/// The quantity each flag sets, in the order flags are applied.
const FLAGS: [(Quantity, &str); 8] = [
    (Quantity::TrainPoints, "--train-points"),
    (Quantity::IntrinsicDim, "--manifold-dim"),
    (Quantity::Radius, "--radius"),
    (Quantity::Separation, "--separation"),
    (Quantity::TargetError, "--eps"),
    (Quantity::OutputDim, "--output-dim"),
    (Quantity::DiscreteStates, "--discrete-states"),
    (Quantity::OutputBound, "--output-bound"),
];

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

/// An out-of-range input: a usage error (2) when it came from a flag or preset, a failure (1)
/// when it was measured on the data.
fn input_error(e: Error, sources: &Sources) -> anyhow::Error {
    if let Error::BoundInput { quantity, .. } = &e {
        let flag = flag_of(quantity);
        let measured = FLAGS
            .iter()
            .find(|(_, f)| *f == flag)
            .is_some_and(|(q, _)| sources.get(*q).starts_with("measured"));
        if measured {
            return anyhow::anyhow!("{e} (measured on the task; give it with {flag})");
        }
    }
    bound_error(e)
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
        let floor = options.separation_floor;
        let problem = if options.neighbours < 2 {
            format!("--neighbours must be >= 2, got {}", options.neighbours)
        } else if options.dimension_queries == 0 {
            "--dim-queries must be >= 1, got 0".to_string()
        } else if options.separation_points < 2 {
            let points = options.separation_points;
            format!("--separation-points must be >= 2, got {points}")
        } else if !(floor.is_finite() && floor >= 0.0) {
            format!("--separation-floor must be finite and >= 0, got {floor}")
        } else {
            return Ok(options);
        };
        Err(usage(problem))
    }
}

impl BoundArgs {
    /// The value each quantity flag gives.
    fn flag_values(&self) -> [Option<f64>; 8] {
        let p = &self.paper;
        [
            p.train_points,
            p.manifold_dim,
            p.radius,
            p.separation,
            self.eps,
            p.output_dim,
            p.discrete_states,
            p.output_bound,
        ]
    }

    /// Apply the quantity flags to the draft, recording their sources; --num-classes sets D
    /// and P before --output-dim and --discrete-states replace them.
    fn apply_flags(&self, draft: &mut BoundDraft) -> anyhow::Result<()> {
        let values = self.flag_values();
        for ((q, flag), value) in FLAGS.iter().zip(values).take(5) {
            if let Some(v) = value {
                draft.set(*q, v, *flag);
            }
        }
        if let Some(c) = self.paper.num_classes {
            if !(c.is_finite() && c >= 2.0) {
                return Err(usage(format!(
                    "--num-classes must be a finite number >= 2, got {c}"
                )));
            }
            draft.set(Quantity::OutputDim, c - 1.0, "--num-classes (C - 1)");
            draft.set(Quantity::DiscreteStates, c, "--num-classes (C)");
        }
        for ((q, flag), value) in FLAGS.iter().zip(values).skip(5) {
            if let Some(v) = value {
                draft.set(*q, v, *flag);
            }
        }
        Ok(())
    }
}

/// Run `ibits bound`.
pub fn run(args: &BoundArgs) -> anyhow::Result<()> {
    if args.task.is_none() && (args.options.is_set() || args.measuring.given()) {
        return Err(usage(
            "task and measuring options (--n-train, --subset, --neighbours, --seed, ...) need --task",
        ));
    }
    let mut draft = match (args.preset, &args.task) {
        (Some(p), _) => BoundDraft::preset(p.preset()),
        (None, Some(task)) => from_task(args, task)?,
        (None, None) => from_flags(args)?,
    };
    args.apply_flags(&mut draft)?;
    let report: BoundReport = draft.finish().map_err(|e| input_error(e, &draft.sources))?;
    if args.json {
        print_json(&report)
    } else {
        print_text(&ibits::text::bound::bound(&report))
    }
}

fn from_flags(args: &BoundArgs) -> anyhow::Result<BoundDraft> {
    let mut missing: Vec<&str> = FLAGS
        .iter()
        .zip(args.flag_values())
        .take(5)
        .filter(|(_, value)| value.is_none())
        .map(|((_, flag), _)| *flag)
        .collect();
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
    // Every quantity is replaced by its flag in `apply_flags`; B defaults to 1.
    Ok(BoundDraft::given())
}

fn from_task(args: &BoundArgs, name: &str) -> anyhow::Result<BoundDraft> {
    let options = args.measuring.data_options()?;
    let task = args.options.load(name)?;
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
    let (k, queries, seed) = (options.neighbours, options.dimension_queries, options.seed);
    let dimension = match args.paper.manifold_dim {
        Some(_) => None,
        None => Some(
            intrinsic_dimension_mle(x, k, queries, seed)
                .map_err(bound_error)
                .context("estimating the intrinsic dimension (or give --manifold-dim)")?,
        ),
    };
    let (points, floor) = (options.separation_points, options.separation_floor);
    let separation = match args.paper.separation {
        Some(_) => None,
        None => Some(
            class_separation(x, labels, points, floor, seed)
                .map_err(bound_error)
                .context("measuring the class separation delta (or give --separation)")?,
        ),
    };
    let measure_radius = args.paper.radius.is_none();
    Ok(BoundDraft::measured(
        name,
        &task,
        classes,
        options,
        dimension,
        separation,
        measure_radius,
        DEFAULT_TASK_EPS,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
