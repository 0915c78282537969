//! MLP settings: a trained-network hypothesis space as a user writes it (a TOML table, the
//! command line's network flags, keyword arguments), turned into a [`SampleConfig`] once the
//! task's input and output dimensions are known.
//!
//! Fields are kept **as written** (`None` = the default stated on the field) so that an
//! experiment cell's identity depends only on what its file says. The defaults live here:
//!
//! ```text
//! width 256, depth 2 hidden layers, relu, pytorch-default initialisation,
//! (standard / ntk initialisation: sigma_w = sqrt(2) for relu, else 1; sigma_b = 0.1)
//! 50 epochs, batch 64, Adam lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8,
//! train threshold 0.01 (MSE over n k entries), no early stop, f64
//! ```

use serde::{Deserialize, Serialize};

use crate::{
    Activation, AdamConfig, Architecture, Init, NnError, Precision, SampleConfig, TrainConfig,
};

/// The initialisation as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InitName {
    /// PyTorch's `nn.Linear` default (default).
    #[default]
    Pytorch,
    /// Gaussian weights N(0, sigma_w^2 / fan_in), biases N(0, sigma_b^2).
    Standard,
    /// NTK parameterisation.
    Ntk,
}

/// A trained-network space as written. See the module docs for the defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlpSettings {
    /// Units per hidden layer (default 256).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<usize>,
    /// Hidden layers (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    /// `relu` (default), `erf` or `tanh`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation: Option<Activation>,
    /// `pytorch` (default), `standard` or `ntk`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<InitName>,
    /// `standard` / `ntk` init: weight standard deviation (default sqrt(2) for relu, else 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_w: Option<f64>,
    /// `standard` / `ntk` init: bias standard deviation (default 0.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_b: Option<f64>,
    /// Training epochs (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<usize>,
    /// Minibatch size (default 64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<usize>,
    /// Adam learning rate (default 1e-3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lr: Option<f64>,
    /// Adam beta1 (default 0.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta1: Option<f64>,
    /// Adam beta2 (default 0.999).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta2: Option<f64>,
    /// Largest training error (MSE over n k entries) of a hypothesis in p_h (default 0.01).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_threshold: Option<f64>,
    /// Stop each network once its training error is below the threshold (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_stop: Option<bool>,
    /// Networks trained (default: the estimate's sample count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<usize>,
    /// `f64` (default) or `f32`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
}

impl MlpSettings {
    /// Units per hidden layer when none is given.
    pub const DEFAULT_WIDTH: usize = 256;
    /// Hidden layers when none is given.
    pub const DEFAULT_DEPTH: usize = 2;
    /// Epochs when none are given.
    pub const DEFAULT_EPOCHS: usize = 50;
    /// Minibatch size when none is given.
    pub const DEFAULT_BATCH_SIZE: usize = 64;
    /// Adam learning rate when none is given.
    pub const DEFAULT_LR: f64 = 1e-3;
    /// Adam beta1 when none is given.
    pub const DEFAULT_BETA1: f64 = 0.9;
    /// Adam beta2 when none is given.
    pub const DEFAULT_BETA2: f64 = 0.999;
    /// Adam epsilon (not settable).
    pub const ADAM_EPSILON: f64 = 1e-8;
    /// Largest training error of a hypothesis in p_h when none is given.
    pub const DEFAULT_TRAIN_THRESHOLD: f64 = 0.01;
    /// sigma_b of `standard` / `ntk` initialisation when none is given.
    pub const DEFAULT_SIGMA_B: f64 = 0.1;

    /// Units per hidden layer.
    pub fn width(&self) -> usize {
        self.width.unwrap_or(Self::DEFAULT_WIDTH)
    }

    /// Hidden layers.
    pub fn depth(&self) -> usize {
        self.depth.unwrap_or(Self::DEFAULT_DEPTH)
    }

    /// The initialisation, with sigma_w and sigma_b resolved.
    ///
    /// # Errors
    /// [`NnError::Setting`] when sigma_w or sigma_b is given with `pytorch` initialisation.
    pub fn resolved_init(&self) -> Result<Init, NnError> {
        let activation = self.activation.unwrap_or(Activation::Relu);
        let sigma_w = self.sigma_w.unwrap_or(if activation == Activation::Relu {
            std::f64::consts::SQRT_2
        } else {
            1.0
        });
        let sigma_b = self.sigma_b.unwrap_or(Self::DEFAULT_SIGMA_B);
        Ok(match self.init.unwrap_or_default() {
            InitName::Pytorch => {
                if self.sigma_w.is_some() || self.sigma_b.is_some() {
                    return Err(NnError::Setting(
                        "sigma_w and sigma_b apply to init = \"standard\" or \"ntk\", not to \"pytorch\" (flag --init)",
                    ));
                }
                Init::PytorchDefault
            }
            InitName::Standard => Init::Standard { sigma_w, sigma_b },
            InitName::Ntk => Init::Ntk { sigma_w, sigma_b },
        })
    }

    /// The largest training error of a hypothesis in p_h.
    pub fn train_threshold(&self) -> f64 {
        self.train_threshold
            .unwrap_or(Self::DEFAULT_TRAIN_THRESHOLD)
    }

    /// The sampling plan for a task with `input_dim` inputs and `outputs` outputs: `samples`
    /// networks (unless the settings give their own count) from streams of `seed`.
    ///
    /// # Errors
    /// Any [`NnError`] of the architecture, optimiser, training or sampling settings.
    pub fn sample_config(
        &self,
        input_dim: usize,
        outputs: usize,
        samples: usize,
        seed: u64,
    ) -> Result<SampleConfig, NnError> {
        let architecture = Architecture::new(
            input_dim,
            self.width(),
            self.depth(),
            outputs,
            self.activation.unwrap_or(Activation::Relu),
            self.resolved_init()?,
        )?;
        let threshold = self.train_threshold();
        let adam = AdamConfig::new(
            self.lr.unwrap_or(Self::DEFAULT_LR),
            self.beta1.unwrap_or(Self::DEFAULT_BETA1),
            self.beta2.unwrap_or(Self::DEFAULT_BETA2),
            Self::ADAM_EPSILON,
        )?;
        let stop = self.early_stop.unwrap_or(false).then_some(threshold);
        let training = TrainConfig::new(
            self.epochs.unwrap_or(Self::DEFAULT_EPOCHS),
            self.batch_size.unwrap_or(Self::DEFAULT_BATCH_SIZE),
            adam,
            stop,
        )?;
        SampleConfig::new(
            architecture,
            training,
            self.samples.unwrap_or(samples),
            seed,
            threshold,
            self.precision.unwrap_or_default(),
        )
    }

    /// Check every setting now (with placeholder task shapes), so that a bad value is reported
    /// before anything runs.
    ///
    /// # Errors
    /// As [`MlpSettings::sample_config`].
    pub fn validate(&self) -> Result<(), NnError> {
        self.sample_config(1, 1, 10, 0).map(|_| ())
    }

    /// The space as written, architecture first: `mlp(width=64,depth=1,epochs=30)`.
    pub fn label(&self) -> String {
        let mut written = Vec::new();
        if let Ok(serde_json::Value::Object(mut fields)) = serde_json::to_value(self) {
            for key in ["width", "depth", "activation", "init"] {
                if let Some(value) = fields.remove(key) {
                    written.push(format!("{key}={}", value.to_string().trim_matches('"')));
                }
            }
            for (key, value) in fields {
                written.push(format!("{key}={}", value.to_string().trim_matches('"')));
            }
        }
        format!("mlp({})", written.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_resolve_to_the_documented_plan() {
        let c = MlpSettings::default()
            .sample_config(784, 10, 100, 0)
            .unwrap();
        let a = c.architecture();
        assert_eq!(
            (a.width(), a.depth(), a.activation()),
            (256, 2, Activation::Relu)
        );
        assert_eq!(a.init(), Init::PytorchDefault);
    }

    #[test]
    fn sigmas_with_pytorch_init_are_errors() {
        let s = MlpSettings {
            sigma_w: Some(1.0),
            ..MlpSettings::default()
        };
        assert!(s.validate().unwrap_err().to_string().contains("standard"));
        let s = MlpSettings {
            init: Some(InitName::Ntk),
            sigma_w: Some(1.0),
            ..MlpSettings::default()
        };
        assert!(s.validate().is_ok());
    }

    #[test]
    fn serialises_as_written_and_labels_architecture_first() {
        let s: MlpSettings = serde_json::from_value(
            serde_json::json!({"epochs": 30, "width": 64, "precision": "f32"}),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            serde_json::json!({"width": 64, "epochs": 30, "precision": "f32"})
        );
        assert_eq!(s.label(), "mlp(width=64,epochs=30,precision=f32)");
        let bad: Result<MlpSettings, _> = serde_json::from_value(serde_json::json!({"widht": 3}));
        assert!(bad.is_err());
    }
}
