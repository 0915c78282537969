//! Hypothesis-space flags: `--space`, the kernel flags of a GP space and the network flags of a
//! trained-MLP space, converted into `ibits::Space` (presence-based checks).

use ibits::kernels::KernelError;
use ibits::nn::{Activation, InitName, Precision};
use ibits::{KernelOptions, MlpSettings, Space};

use std::path::PathBuf;

use crate::output::usage;

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
    /// Any kernel, as its Gram matrices (--gram-train, --gram-cross, --gram-test; `ibits
    /// estimate` only).
    Gram,
}

impl KernelArg {
    fn name(self) -> &'static str {
        match self {
            KernelArg::Rbf => "rbf",
            KernelArg::Linear => "linear",
            KernelArg::Poly => "poly",
            KernelArg::NngpRelu => "nngp-relu",
            KernelArg::NngpErf => "nngp-erf",
            KernelArg::NtkRelu => "ntk-relu",
            KernelArg::Gram => "gram",
        }
    }
}

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

/// The hypothesis space: `--space`, the kernel flags of a GP space and the network flags of a
/// trained-MLP space. A flag the chosen space does not read is a usage error, decided by
/// whether it was given, not by its value.
#[derive(Debug, Clone, clap::Args)]
pub struct SpaceArgs {
    /// Hypothesis space.
    #[arg(long, value_enum, default_value_t = SpaceArg::Gp)]
    pub space: SpaceArg,
    /// GP kernel [default: rbf].
    #[arg(long, value_enum)]
    pub kernel: Option<KernelArg>,
    /// RBF bandwidth (length scale, input units; > 0), or `median`: the median pairwise
    /// Euclidean distance among the first 1000 training inputs [default: median].
    #[arg(long, allow_hyphen_values = true)]
    pub bandwidth: Option<String>,
    /// RBF amplitude (prior variance k(x, x); > 0) [default: 1].
    #[arg(long, allow_negative_numbers = true)]
    pub amplitude: Option<f64>,
    /// Hidden layers L: of the NNGP/NTK kernels (1..=1000) [default: 3], or of the trained
    /// networks of --space mlp (0..=64) [default: 2].
    #[arg(long)]
    pub depth: Option<usize>,
    /// Weight standard deviation sigma_w (> 0; weights ~ N(0, sigma_w^2 / fan_in)) [default:
    /// sqrt(2) for ReLU kernels and networks, 1 otherwise].
    #[arg(long, allow_negative_numbers = true)]
    pub sigma_w: Option<f64>,
    /// Bias standard deviation sigma_b (>= 0) [default: 0.1 for network kernels and networks,
    /// 1 for linear and poly].
    #[arg(long, allow_negative_numbers = true)]
    pub sigma_b: Option<f64>,
    /// Polynomial degree (1..=64) [default: 3].
    #[arg(long)]
    pub degree: Option<u32>,
    /// --kernel gram: K_XX = k(X, X), n x n, symmetric (.npy, f32 or f64).
    #[arg(long, value_name = "FILE")]
    pub gram_train: Option<PathBuf>,
    /// --kernel gram: K_XT = k(X, X_T), n x N (.npy).
    #[arg(long, value_name = "FILE")]
    pub gram_cross: Option<PathBuf>,
    /// --kernel gram: K_TT = k(X_T, X_T), N x N, symmetric (.npy).
    #[arg(long, value_name = "FILE")]
    pub gram_test: Option<PathBuf>,
    /// --space mlp: units per hidden layer (>= 1) [default: 256].
    #[arg(long)]
    pub width: Option<usize>,
    /// --space mlp: activation of the hidden layers (the output layer is linear) [default:
    /// relu].
    #[arg(long, value_enum)]
    pub activation: Option<ActivationArg>,
    /// --space mlp: initialisation [default: pytorch]. `standard` and `ntk` use --sigma-w and
    /// --sigma-b, and match the NNGP kernel with those values.
    #[arg(long, value_enum)]
    pub init: Option<InitArg>,
    /// --space mlp: training epochs (passes over the training set; >= 1) [default: 50]; with
    /// --early-stop the most epochs.
    #[arg(long)]
    pub epochs: Option<usize>,
    /// --space mlp: minibatch size (>= 1) [default: 64].
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// --space mlp: Adam learning rate (> 0) [default: 0.001].
    #[arg(long, allow_negative_numbers = true)]
    pub lr: Option<f64>,
    /// --space mlp: Adam beta1 (in [0, 1)) [default: 0.9].
    #[arg(long, allow_negative_numbers = true)]
    pub beta1: Option<f64>,
    /// --space mlp: Adam beta2 (in [0, 1)) [default: 0.999].
    #[arg(long, allow_negative_numbers = true)]
    pub beta2: Option<f64>,
    /// --space mlp: a network belongs to p_h only if its training error (mean squared error
    /// over n*k entries) is <= this value (>= 0) [default: 0.01]; the others are counted.
    #[arg(long, allow_negative_numbers = true)]
    pub train_threshold: Option<f64>,
    /// --space mlp: stop training each network at the end of the first epoch whose training
    /// error is <= --train-threshold.
    #[arg(long)]
    pub early_stop: bool,
    /// --space mlp: float type of training [default: f64].
    #[arg(long, value_enum)]
    pub precision: Option<PrecisionArg>,
}

impl SpaceArgs {
    /// The kernel flags that were given, by flag name.
    fn kernel_flags_given(&self) -> Vec<&'static str> {
        [
            ("--kernel", self.kernel.is_some()),
            ("--bandwidth", self.bandwidth.is_some()),
            ("--amplitude", self.amplitude.is_some()),
            ("--degree", self.degree.is_some()),
            ("--gram-train", self.gram_train.is_some()),
            ("--gram-cross", self.gram_cross.is_some()),
            ("--gram-test", self.gram_test.is_some()),
        ]
        .into_iter()
        .filter_map(|(f, set)| set.then_some(f))
        .collect()
    }

    /// The Gram matrix files of `--kernel gram` (K_XX, K_XT, K_TT), or `None` for the other
    /// kernels; a usage error when some are missing, or given with another kernel, or with
    /// another kernel flag.
    pub fn gram_files(&self) -> anyhow::Result<Option<[PathBuf; 3]>> {
        let files = [&self.gram_train, &self.gram_cross, &self.gram_test];
        if self.kernel != Some(KernelArg::Gram) {
            return match self
                .kernel_flags_given()
                .into_iter()
                .find(|f| f.starts_with("--gram"))
            {
                Some(flag) => Err(usage(format!("{flag} applies to --kernel gram only"))),
                None => Ok(None),
            };
        }
        let options = [
            ("--depth", self.depth.is_some()),
            ("--sigma-w", self.sigma_w.is_some()),
            ("--sigma-b", self.sigma_b.is_some()),
        ];
        let given = self
            .kernel_flags_given()
            .into_iter()
            .chain(self.network_flags_given());
        let given = given.chain(options.into_iter().filter_map(|(f, set)| set.then_some(f)));
        if let Some(flag) = given
            .into_iter()
            .find(|f| !f.starts_with("--gram") && *f != "--kernel")
        {
            return Err(usage(format!(
                "{flag} does not apply to --kernel gram: the Gram matrices are the kernel"
            )));
        }
        if self.space != SpaceArg::Gp {
            return Err(usage("--kernel gram needs --space gp"));
        }
        match files {
            [Some(a), Some(b), Some(c)] => Ok(Some([a.clone(), b.clone(), c.clone()])),
            _ => Err(usage(
                "--kernel gram needs --gram-train K_XX.npy, --gram-cross K_XT.npy and --gram-test K_TT.npy",
            )),
        }
    }

    /// The network flags that were given, by flag name.
    pub fn network_flags_given(&self) -> Vec<&'static str> {
        [
            ("--width", self.width.is_some()),
            ("--activation", self.activation.is_some()),
            ("--init", self.init.is_some()),
            ("--epochs", self.epochs.is_some()),
            ("--batch-size", self.batch_size.is_some()),
            ("--lr", self.lr.is_some()),
            ("--beta1", self.beta1.is_some()),
            ("--beta2", self.beta2.is_some()),
            ("--train-threshold", self.train_threshold.is_some()),
            ("--early-stop", self.early_stop),
            ("--precision", self.precision.is_some()),
        ]
        .into_iter()
        .filter_map(|(f, set)| set.then_some(f))
        .collect()
    }

    /// The GP kernel these flags describe (`--depth`, `--sigma-w`, `--sigma-b` included when
    /// `with_sigmas`).
    pub fn kernel_options(&self, with_sigmas: bool) -> anyhow::Result<KernelOptions> {
        let kernel = self.kernel.unwrap_or(KernelArg::Rbf);
        let bandwidth = match &self.bandwidth {
            None => None,
            Some(text) => Some(
                text.parse()
                    .map_err(|e: KernelError| usage(format!("--bandwidth: {e}")))?,
            ),
        };
        let options = KernelOptions {
            kernel: kernel.name().to_string(),
            bandwidth,
            amplitude: self.amplitude,
            degree: self.degree,
            depth: self.depth,
            sigma_w: self.sigma_w.filter(|_| with_sigmas),
            sigma_b: self.sigma_b.filter(|_| with_sigmas),
        };
        options.spec().map_err(|e| match e {
            KernelError::OptionNotRead { option, kernel, .. } => {
                let flag = format!("--{}", option.replace('_', "-"));
                let flag = if flag.starts_with("--sigma") {
                    "--sigma-w/--sigma-b".to_string()
                } else {
                    flag
                };
                usage(format!(
                    "{flag} does not apply to --kernel {kernel}; drop it or pick a kernel that reads it ({})",
                    KernelOptions::options_read(&kernel)
                        .map(|o| o.join(", "))
                        .unwrap_or_default()
                ))
            }
            other => usage(format!("{other} (check the kernel flags)")),
        })?;
        Ok(options)
    }

    /// The trained-network settings these flags describe (`--sigma-w`, `--sigma-b` included when
    /// `with_sigmas`).
    pub fn mlp_settings(&self, with_sigmas: bool) -> anyhow::Result<MlpSettings> {
        let settings = MlpSettings {
            width: self.width,
            depth: self.depth,
            activation: self.activation.map(|a| match a {
                ActivationArg::Relu => Activation::Relu,
                ActivationArg::Erf => Activation::Erf,
                ActivationArg::Tanh => Activation::Tanh,
            }),
            init: self.init.map(|i| match i {
                InitArg::Pytorch => InitName::Pytorch,
                InitArg::Standard => InitName::Standard,
                InitArg::Ntk => InitName::Ntk,
            }),
            sigma_w: self.sigma_w.filter(|_| with_sigmas),
            sigma_b: self.sigma_b.filter(|_| with_sigmas),
            epochs: self.epochs,
            batch_size: self.batch_size,
            lr: self.lr,
            beta1: self.beta1,
            beta2: self.beta2,
            train_threshold: self.train_threshold,
            early_stop: self.early_stop.then_some(true),
            samples: None,
            precision: self.precision.map(|p| match p {
                PrecisionArg::F64 => Precision::F64,
                PrecisionArg::F32 => Precision::F32,
            }),
        };
        settings
            .validate()
            .map_err(|e| usage(format!("{e} (check the --space mlp flags)")))?;
        Ok(settings)
    }

    /// The hypothesis space. `network_flags_elsewhere`: the network flags also configure
    /// something else (the MLP model classes of `ibits models`), so they are not errors with
    /// `--space gp`.
    pub fn space(&self, network_flags_elsewhere: bool) -> anyhow::Result<Space> {
        if self.kernel == Some(KernelArg::Gram) {
            return Err(usage(
                "--kernel gram: only `ibits estimate` takes Gram matrices (--gram-train, --gram-cross, --gram-test)",
            ));
        }
        match self.space {
            SpaceArg::Gp => {
                if !network_flags_elsewhere {
                    if let Some(flag) = self.network_flags_given().first() {
                        return Err(usage(format!(
                            "{flag} sets a trained-MLP space (--space mlp); a GP space takes --kernel, --bandwidth, --amplitude, --depth, --sigma-w, --sigma-b, --degree"
                        )));
                    }
                }
                // In `ibits models` with --init standard/ntk the sigmas also set the networks'
                // initialisation: an RBF kernel, which does not read them, leaves them there.
                let sigmas_for_kernel = self.kernel.unwrap_or(KernelArg::Rbf) != KernelArg::Rbf
                    || !(network_flags_elsewhere
                        && matches!(self.init, Some(InitArg::Standard | InitArg::Ntk)));
                Ok(Space::gp(self.kernel_options(sigmas_for_kernel)?)?)
            }
            SpaceArg::Mlp => {
                if let Some(flag) = self.kernel_flags_given().first() {
                    return Err(usage(format!(
                        "{flag} sets a GP space (--space gp); a trained-MLP space takes --width, --depth, --activation, --init, --sigma-w, --sigma-b and the training flags"
                    )));
                }
                Ok(Space::mlp(self.mlp_settings(true)?)?)
            }
        }
    }
}
