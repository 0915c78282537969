//! The shape of a network (widths, depth, activation) and how its parameters are initialised.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::activation::Activation;
use crate::error::NnError;

/// How the parameters of every layer are drawn and scaled.
///
/// Layer l maps a^(l-1) (fan_in = n_(l-1) columns) to z^(l) = a^(l-1) W^(l) * s_w + b^(l) * s_b.
///
/// # Formula
/// ```text
/// PytorchDefault:  W_ij ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)),  b_j ~ U(same),   s_w = s_b = 1
/// Standard:        W_ij ~ N(0, sigma_w^2 / fan_in),  b_j ~ N(0, sigma_b^2),     s_w = s_b = 1
/// Ntk:             W_ij ~ N(0, 1),  b_j ~ N(0, 1),  s_w = sigma_w / sqrt(fan_in), s_b = sigma_b
/// ```
/// `PytorchDefault` is `torch.nn.Linear`'s `reset_parameters` (Kaiming-uniform with a = sqrt(5),
/// so the bound is sqrt(6 / ((1 + 5) fan_in)) = 1/sqrt(fan_in)). `Standard` and `Ntk` give the
/// same function-space prior: as the width grows, the outputs at initialisation tend to the GP
/// with the NNGP kernel
/// ```text
/// K^(1)(x, x')   = sigma_w^2 * x.x' / d + sigma_b^2
/// K^(l+1)(x, x') = sigma_w^2 * E_{(u,v) ~ N(0, K^(l))}[phi(u) phi(v)] + sigma_b^2
/// ```
/// whose last layer (l = depth + 1) is the covariance of each output. `Ntk` is the
/// parameterisation of the neural tangent kernel, whose gradient-descent dynamics have a
/// width-independent limit; `Standard` trains like PyTorch's defaults.
///
/// # Reference
/// Jacot, Gabriel & Hongler (2018), "Neural tangent kernel", NeurIPS 31, eq. (1).
/// Lee et al. (2018), "Deep neural networks as Gaussian processes", ICLR, eq. (4).
/// He et al. (2015), "Delving deep into rectifiers", ICCV; PyTorch `torch/nn/modules/linear.py`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Init {
    /// PyTorch's `nn.Linear` default: weights and biases uniform on +-1/sqrt(fan_in).
    PytorchDefault,
    /// Standard parameterisation with Gaussian weights of variance sigma_w^2 / fan_in.
    Standard {
        /// Weight standard deviation (times sqrt(fan_in)).
        sigma_w: f64,
        /// Bias standard deviation.
        sigma_b: f64,
    },
    /// NTK parameterisation: unit Gaussian parameters, scaled by sigma_w / sqrt(fan_in) and
    /// sigma_b in the forward pass.
    Ntk {
        /// Weight multiplier (times sqrt(fan_in)).
        sigma_w: f64,
        /// Bias multiplier.
        sigma_b: f64,
    },
}

impl Init {
    fn validate(self) -> Result<Self, NnError> {
        match self {
            Init::PytorchDefault => Ok(self),
            Init::Standard { sigma_w, sigma_b } | Init::Ntk { sigma_w, sigma_b } => {
                if !(sigma_w.is_finite() && sigma_w > 0.0) {
                    return Err(NnError::SigmaW(sigma_w));
                }
                if !(sigma_b.is_finite() && sigma_b >= 0.0) {
                    return Err(NnError::SigmaB(sigma_b));
                }
                Ok(self)
            }
        }
    }
}

impl fmt::Display for Init {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Init::PytorchDefault => f.write_str("pytorch-default (Kaiming-uniform)"),
            Init::Standard { sigma_w, sigma_b } => {
                write!(f, "standard (sigma_w = {sigma_w}, sigma_b = {sigma_b})")
            }
            Init::Ntk { sigma_w, sigma_b } => {
                write!(f, "ntk (sigma_w = {sigma_w}, sigma_b = {sigma_b})")
            }
        }
    }
}

/// A fully connected network: `depth` hidden layers of `width` units each, followed by a linear
/// output layer of `output_dim` units.
///
/// # Formula
/// ```text
/// a^(0) = x                                      (input_dim)
/// a^(l) = phi(z^(l)),  z^(l) = affine_l(a^(l-1))  for l = 1..=depth   (width each)
/// f(x)  = z^(depth+1) = affine_(depth+1)(a^(depth))                   (output_dim)
/// ```
/// `depth` is the number of **hidden** layers, so a network has depth + 1 weight matrices; a
/// 784-256-256-10 network has depth 2. Depth 0 is a linear model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Architecture {
    input_dim: usize,
    width: usize,
    depth: usize,
    output_dim: usize,
    activation: Activation,
    init: Init,
}

/// The largest depth accepted (far beyond anything trainable here; guards absurd input).
pub const MAX_DEPTH: usize = 64;

impl Architecture {
    /// A validated architecture.
    ///
    /// # Errors
    /// [`NnError`] if a dimension or the width is 0, the depth exceeds [`MAX_DEPTH`], or an
    /// initialisation scale is non-finite or out of range (sigma_w > 0, sigma_b >= 0).
    pub fn new(
        input_dim: usize,
        width: usize,
        depth: usize,
        output_dim: usize,
        activation: Activation,
        init: Init,
    ) -> Result<Self, NnError> {
        if input_dim == 0 {
            return Err(NnError::InputDim(input_dim));
        }
        if output_dim == 0 {
            return Err(NnError::OutputDim(output_dim));
        }
        if width == 0 {
            return Err(NnError::Width(width));
        }
        if depth > MAX_DEPTH {
            return Err(NnError::Depth(depth));
        }
        let init = init.validate()?;
        Ok(Self {
            input_dim,
            width,
            depth,
            output_dim,
            activation,
            init,
        })
    }

    /// Number of input features d.
    pub fn input_dim(&self) -> usize {
        self.input_dim
    }
    /// Units per hidden layer.
    pub fn width(&self) -> usize {
        self.width
    }
    /// Number of hidden layers.
    pub fn depth(&self) -> usize {
        self.depth
    }
    /// Number of outputs k.
    pub fn output_dim(&self) -> usize {
        self.output_dim
    }
    /// The hidden-layer nonlinearity.
    pub fn activation(&self) -> Activation {
        self.activation
    }
    /// The initialisation / parameterisation.
    pub fn init(&self) -> Init {
        self.init
    }

    /// (fan_in, fan_out) of each of the depth + 1 affine layers, input to output.
    pub fn layer_dims(&self) -> Vec<(usize, usize)> {
        let mut dims = Vec::with_capacity(self.depth + 1);
        let mut fan_in = self.input_dim;
        for _ in 0..self.depth {
            dims.push((fan_in, self.width));
            fan_in = self.width;
        }
        dims.push((fan_in, self.output_dim));
        dims
    }

    /// Total number of trainable parameters, sum over layers of (fan_in + 1) * fan_out.
    pub fn parameter_count(&self) -> usize {
        self.layer_dims().iter().map(|&(i, o)| (i + 1) * o).sum()
    }
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.input_dim)?;
        for _ in 0..self.depth {
            write!(f, "-{}", self.width)?;
        }
        let layers = if self.depth == 1 {
            "hidden layer"
        } else {
            "hidden layers"
        };
        write!(
            f,
            "-{} MLP ({} {layers}, {}, {})",
            self.output_dim, self.depth, self.activation, self.init
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_hidden_layers() {
        let arch =
            Architecture::new(784, 256, 2, 10, Activation::Relu, Init::PytorchDefault).unwrap();
        assert_eq!(arch.layer_dims(), vec![(784, 256), (256, 256), (256, 10)]);
        // torch: sum(p.numel()) for Linear(784,256), Linear(256,256), Linear(256,10).
        assert_eq!(arch.parameter_count(), 785 * 256 + 257 * 256 + 257 * 10);
        assert!(arch
            .to_string()
            .starts_with("784-256-256-10 MLP (2 hidden layers"));
    }

    #[test]
    fn rejects_bad_settings_with_the_value() {
        let a = Activation::Relu;
        assert_eq!(
            Architecture::new(0, 4, 1, 2, a, Init::PytorchDefault),
            Err(NnError::InputDim(0))
        );
        assert_eq!(
            Architecture::new(3, 0, 1, 2, a, Init::PytorchDefault),
            Err(NnError::Width(0))
        );
        assert_eq!(
            Architecture::new(3, 4, 1, 0, a, Init::PytorchDefault),
            Err(NnError::OutputDim(0))
        );
        assert_eq!(
            Architecture::new(3, 4, 65, 2, a, Init::PytorchDefault),
            Err(NnError::Depth(65))
        );
        let bad_w = Init::Ntk {
            sigma_w: f64::NAN,
            sigma_b: 0.1,
        };
        assert!(matches!(
            Architecture::new(3, 4, 1, 2, a, bad_w),
            Err(NnError::SigmaW(_))
        ));
        let bad_b = Init::Standard {
            sigma_w: 1.0,
            sigma_b: -0.1,
        };
        assert_eq!(
            Architecture::new(3, 4, 1, 2, a, bad_b),
            Err(NnError::SigmaB(-0.1))
        );
    }
}
