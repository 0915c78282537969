//! `ibits models`: the inductive bias that model classes provide, relative to a hypothesis
//! space.
//!
//! Each model class (ridge / least squares, k-nearest neighbours, GP posterior means, trained
//! MLPs of several widths and depths) is trained on the task and reaches a test error
//! eps_model; the bias it provides relative to a space is
//!
//! ```text
//! I(eps_model) = -log2 P_{h ~ p_h}[ e(h) <= eps_model ]      bits
//! ```
//! computed exactly for a GP space and by the fitted law for a trained-MLP space (with, for an
//! MLP space, a second column for the matching NNGP space when the activation has one).

use std::fmt::Write as _;

use anyhow::Context;
use ibits::gp_space::{GpOptions, KernelSpec};
use ibits::mlp_space::{sample_mlp, MlpOptions};
use ibits::models::{
    bias_relative_to, nngp_of_sample, score_model, ModelClass, ModelScore, ReferenceSpace,
    SpaceBias,
};
use ibits::nn::sample::architecture_seed;
use ibits::nn::{MlpSettings, TrainTest};
use ibits::stats::fit::FitConfig;
use ibits::{EstimateOptions, Space};
use serde::Serialize;

use super::estimate::{EstimateArgs, TaskInfo};
use super::estimate_mlp::bits_text;
use crate::args::{InitArg, SpaceArg};
use crate::output::{print_json, print_text, progress_bar, usage};

/// Arguments of `ibits models`: the task and the reference space take the flags of
/// `ibits estimate` (--task, --space, --kernel, --width, --depth, --epochs, --samples, ...);
/// the model classes are chosen here. Targets are the models' own test errors, so --target and
/// --target-rel are not used.
///
/// Exit status: 0 success; 2 usage error; 1 failure while running.
#[derive(Debug, clap::Args)]
pub struct ModelsArgs {
    /// Task and reference hypothesis space.
    #[command(flatten)]
    pub space: EstimateArgs,
    /// Ridge penalties lambda (>= 0; 0 = linear least squares), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "0,1,100")]
    pub ridge: Vec<f64>,
    /// k of k-nearest neighbours (>= 1), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,5,20")]
    pub knn: Vec<usize>,
    /// Leave out the GP posterior means (RBF with the median bandwidth, and the space's kernel
    /// or, for --space mlp, the matching NNGP kernel).
    #[arg(long)]
    pub no_gp_mean: bool,
    /// Widths of the MLP model classes, comma-separated (trained with the --epochs,
    /// --batch-size, --lr, --init, --activation flags).
    #[arg(long, value_delimiter = ',', default_value = "64,256")]
    pub mlp_widths: Vec<usize>,
    /// Depths (hidden layers) of the MLP model classes, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    pub mlp_depths: Vec<usize>,
    /// Leave out the MLP model classes.
    #[arg(long)]
    pub no_mlp: bool,
    /// Networks trained per MLP model class; eps_model is their mean test error (>= 1).
    #[arg(long, default_value_t = 3)]
    pub mlp_networks: usize,
    /// For --space mlp: leave out the column relative to the matching NNGP space.
    #[arg(long)]
    pub no_nngp: bool,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct ModelsOutput {
    task: TaskInfo,
    n_train: usize,
    n_test: usize,
    outputs: usize,
    input_dim: usize,
    /// Unit of every `bits` field.
    unit: &'static str,
    /// Definition of the bits.
    definition: &'static str,
    seed: u64,
    models: Vec<ModelScore>,
    /// One entry per reference space; `provided[i]` belongs to `models[i]`.
    spaces: Vec<SpaceBias>,
}

/// The model classes the flags ask for.
fn model_classes(
    args: &ModelsArgs,
    input_dim: usize,
    outputs: usize,
    space_kernel: Option<KernelSpec>,
) -> anyhow::Result<Vec<ModelClass>> {
    let mut classes = Vec::new();
    for &lambda in &args.ridge {
        if !(lambda.is_finite() && lambda >= 0.0) {
            return Err(usage(format!(
                "--ridge: penalties must be finite and >= 0, got {lambda}"
            )));
        }
        classes.push(ModelClass::Ridge { lambda });
    }
    for &k in &args.knn {
        if k == 0 {
            return Err(usage("--knn: k must be >= 1"));
        }
        classes.push(ModelClass::Knn { k });
    }
    if !args.no_gp_mean {
        classes.push(ModelClass::GpMean {
            kernel: KernelSpec::RbfMedian { amplitude: 1.0 },
        });
        if let Some(k) = space_kernel {
            if !matches!(k, KernelSpec::RbfMedian { .. }) {
                classes.push(ModelClass::GpMean { kernel: k });
            }
        }
    }
    if args.mlp_networks == 0 {
        return Err(usage("--mlp-networks must be >= 1"));
    }
    // Relative to a GP space the --sigma flags describe its kernel; the MLP model classes take
    // them only when their initialisation has a sigma_w, sigma_b (--init standard or ntk).
    let flags = &args.space.space;
    let with_sigmas = flags.space == SpaceArg::Mlp
        || matches!(flags.init, Some(InitArg::Standard | InitArg::Ntk));
    let settings = flags.mlp_settings(with_sigmas)?;
    let depths: &[usize] = if args.no_mlp { &[] } else { &args.mlp_depths };
    for &depth in depths {
        for &width in &args.mlp_widths {
            let seed = architecture_seed(args.space.run.seed, width, depth);
            let config = MlpSettings {
                width: Some(width),
                depth: Some(depth),
                ..settings.clone()
            }
            .sample_config(input_dim, outputs, args.mlp_networks, seed)
            .map_err(|e| usage(format!("{e} (check the MLP model-class flags)")))?;
            classes.push(ModelClass::Mlp { config });
        }
    }
    if classes.is_empty() {
        return Err(usage("no model classes: give at least one of --ridge, --knn, --mlp-widths, or drop --no-gp-mean"));
    }
    Ok(classes)
}

/// Run `ibits models`.
pub fn run(args: &ModelsArgs) -> anyhow::Result<()> {
    let flags = &args.space;
    if !flags.run.target.is_empty() || !flags.run.target_rel.is_empty() {
        return Err(usage(
            "ibits models uses each model's test error as the target: drop --target / --target-rel",
        ));
    }
    let space = flags.space.space(true)?;
    let run = flags.run.options(&space)?;
    let task = flags.task.load()?;
    let data = TrainTest::new(
        task.x_train.view(),
        task.y_train.view(),
        task.x_test.view(),
        task.y_test.view(),
    )
    .map_err(|e| usage(format!("task {}: {e}", task.name)))?;
    let (d, k) = (task.input_dim(), task.n_outputs());
    let fit = FitConfig {
        bootstrap: run.fit.bootstrap,
        seed: run.seed,
        ..FitConfig::default()
    };
    // The reference GP takes the run's seed, jitter and memory limit (it draws no samples).
    let gp_options = GpOptions {
        seed: run.seed,
        jitter: run.jitter,
        memory_limit: run.memory_limit,
        ..GpOptions::default()
    };

    // The reference space(s).
    let sample = match &space {
        Space::Mlp(mlp) => {
            let samples = run.samples.unwrap_or(EstimateOptions::DEFAULT_MLP_SAMPLES);
            let config = mlp
                .settings()
                .sample_config(d, k, samples, run.seed)
                .map_err(|e| usage(format!("{e} (check the --space mlp flags)")))?;
            let bar = progress_bar(samples as u64, flags.json, "training the space's networks");
            let s = sample_mlp(&data, &config, &|done| bar.set_position(done as u64));
            bar.finish_and_clear();
            Some(s.map_err(|e| usage(e.to_string()))?)
        }
        _ => None,
    };
    let (space_kernel, nngp_note) = match (&sample, &space) {
        (Some(s), _) => match nngp_of_sample(s)? {
            Some((k, note)) => (Some(k), note),
            None => (None, None),
        },
        (None, Space::Gp(gp)) => (Some(*gp.kernel()), None),
        (None, _) => (None, None),
    };

    let classes = model_classes(args, d, k, space_kernel)?;
    let mut scores = Vec::with_capacity(classes.len());
    for class in &classes {
        let total = match class {
            ModelClass::Mlp { config } => config.samples() as u64,
            _ => 1,
        };
        let bar = progress_bar(total, flags.json, &class.describe());
        let score = score_model(class, &data, &|done, _| bar.set_position(done as u64));
        bar.finish_and_clear();
        scores.push(score.with_context(|| format!("training {}", class.describe()))?);
    }

    let mut spaces = Vec::new();
    let bar = progress_bar(2, flags.json, "bits relative to the space");
    match &sample {
        Some(s) => {
            let options = MlpOptions {
                fit,
                sample_size_advice: false,
            };
            spaces.push(
                bias_relative_to(&data, &scores, &ReferenceSpace::Mlp { sample: s, options })
                    .context("fitted law of the MLP space")?,
            );
            if !args.no_nngp {
                if let Some(kernel) = space_kernel {
                    let mut nngp = bias_relative_to(
                        &data,
                        &scores,
                        &ReferenceSpace::Gp {
                            kernel,
                            options: gp_options.clone(),
                        },
                    )
                    .context("exact law of the matching NNGP space")?;
                    nngp.space = format!("matching NNGP: {}", nngp.space);
                    if let Some(note) = &nngp_note {
                        nngp.warnings.push(ibits::Warning::new(
                            ibits::WarningKind::Numerical,
                            note.clone(),
                        ));
                    }
                    spaces.push(nngp);
                }
            }
        }
        None => {
            let kernel = space_kernel.unwrap_or(KernelSpec::RbfMedian { amplitude: 1.0 });
            spaces.push(
                bias_relative_to(
                    &data,
                    &scores,
                    &ReferenceSpace::Gp {
                        kernel,
                        options: gp_options,
                    },
                )
                .context("exact law of the GP space")?,
            );
        }
    }
    bar.finish_and_clear();

    let out = ModelsOutput {
        task: TaskInfo::of(&task),
        n_train: task.n_train(),
        n_test: task.n_test(),
        outputs: k,
        input_dim: d,
        unit: "bits",
        definition: "I(eps_model) = -log2 P[e(h) <= eps_model], e = mean squared test error over N*k entries",
        seed: run.seed,
        models: scores,
        spaces,
    };
    if flags.json {
        print_json(&out)
    } else {
        print_text(&render(&out))
    }
    .context("writing the result")
}

fn interval_text(i: Option<[f64; 2]>) -> String {
    match i {
        Some([lo, hi]) => format!(" [{}, {}]", bits_text(lo), bits_text(hi)),
        None => String::new(),
    }
}

/// The table.
fn render(o: &ModelsOutput) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Inductive bias provided by model classes (unit: bits = -log2 P[e(h) <= eps_model])"
    );
    let _ = writeln!(
        s,
        "  task   {}: n = {} train, N = {} test, k = {} outputs, d = {} inputs; errors are MSE over N*k entries",
        o.task.name, o.n_train, o.n_test, o.outputs, o.input_dim
    );
    for (j, sp) in o.spaces.iter().enumerate() {
        let _ = writeln!(
            s,
            "  space {}: {} (mean test error {:.6})",
            (b'A' + j as u8) as char,
            sp.space,
            sp.mean_error
        );
    }
    let _ = writeln!(s);
    let width = o
        .models
        .iter()
        .map(|m| m.model.len())
        .max()
        .unwrap_or(10)
        .max(11);
    let mut header = format!(
        "{:<width$}  {:>10}  {:>10}",
        "model class", "test error", "train err"
    );
    for j in 0..o.spaces.len() {
        header.push_str(&format!(
            "  {:>30}",
            format!("bits vs {}", (b'A' + j as u8) as char)
        ));
    }
    let _ = writeln!(s, "{header}");
    for (i, m) in o.models.iter().enumerate() {
        let mut line = format!(
            "{:<width$}  {:>10.6}  {:>10.3e}",
            m.model, m.test_error, m.train_error
        );
        for sp in &o.spaces {
            let p = &sp.provided[i];
            line.push_str(&format!(
                "  {:>30}",
                format!("{}{}", bits_text(p.bits), interval_text(p.interval_bits))
            ));
        }
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s);
    for (j, sp) in o.spaces.iter().enumerate() {
        if let Some(p) = sp.provided.first() {
            let _ = writeln!(
                s,
                "space {}: {}{}",
                (b'A' + j as u8) as char,
                p.method,
                if p.interval_bits.is_some() {
                    ", 95% interval (bootstrap joined with the delta method) in brackets"
                } else {
                    ""
                }
            );
        }
    }
    for m in &o.models {
        if let Some(n) = &m.note {
            let _ = writeln!(s, "note: {}: {n}", m.model);
        }
    }
    for w in o.task.warnings.iter().chain(
        o.spaces
            .iter()
            .flat_map(|sp| sp.warnings.iter().map(|w| &w.message)),
    ) {
        let _ = writeln!(s, "warning: {w}");
    }
    s
}
