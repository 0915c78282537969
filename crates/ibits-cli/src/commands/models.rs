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

use anyhow::Context;
use ibits::gp_space::{GpOptions, KernelSpec};
use ibits::mlp_space::{sample_mlp, MlpOptions};
use ibits::models::{bias_relative_to, nngp_of_sample, score_model, ModelClass, ReferenceSpace};
use ibits::nn::sample::architecture_seed;
use ibits::nn::{MlpSettings, TrainTest};
use ibits::stats::fit::FitConfig;
use ibits::text::models::ModelsReport;
use ibits::{EstimateOptions, Space};

use super::estimate::EstimateArgs;
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
    let task = flags.task.load_within(run.memory_limit)?;
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

    // The memory plan of every model class and the reference GP, before any work.
    if let Some(limit) = run.memory_limit.or_else(ibits::data::available_memory) {
        let planned = model_classes(args, d, k, None)?;
        let size = (task.n_train(), task.n_test(), d, k);
        ibits::models::check_models_memory(&planned, true, size, limit)
            .map_err(|e| usage(e.to_string()))?;
    }

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

    let out = ModelsReport::new(&task, run.seed, scores, spaces);
    if flags.json {
        print_json(&out)
    } else {
        print_text(&ibits::text::models::models(&out))
    }
    .context("writing the result")
}
