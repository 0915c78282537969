//! Errors of the ibits-nn crate. Every variant carries the offending value and states the
//! allowed range.

/// A network, optimiser, training or sampling setting is outside its domain, or the data do not
/// match the network.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NnError {
    /// Input dimension must be >= 1.
    #[error("input dimension must be >= 1, got {0}")]
    InputDim(usize),
    /// Output dimension (number of classes / outputs k) must be >= 1.
    #[error("output dimension must be >= 1, got {0}")]
    OutputDim(usize),
    /// Width (units per hidden layer) must be >= 1.
    #[error("width (units per hidden layer) must be >= 1, got {0}")]
    Width(usize),
    /// Depth (number of hidden layers) must be at most 64.
    #[error("depth (number of hidden layers) must be in 0..=64, got {0}")]
    Depth(usize),
    /// NTK weight standard deviation sigma_w must be finite and > 0.
    #[error("sigma_w must be finite and > 0, got {0}")]
    SigmaW(f64),
    /// NTK bias standard deviation sigma_b must be finite and >= 0.
    #[error("sigma_b must be finite and >= 0, got {0}")]
    SigmaB(f64),
    /// Adam learning rate must be finite and > 0.
    #[error("learning rate must be finite and > 0, got {0}")]
    LearningRate(f64),
    /// Adam beta1 must lie in [0, 1).
    #[error("Adam beta1 must be in [0, 1), got {0}")]
    Beta1(f64),
    /// Adam beta2 must lie in [0, 1).
    #[error("Adam beta2 must be in [0, 1), got {0}")]
    Beta2(f64),
    /// Adam epsilon must be finite and > 0.
    #[error("Adam epsilon must be finite and > 0, got {0}")]
    AdamEpsilon(f64),
    /// Minibatch size must be >= 1.
    #[error("batch size must be >= 1, got {0}")]
    BatchSize(usize),
    /// Number of epochs must be >= 1.
    #[error("epochs must be >= 1, got {0}")]
    Epochs(usize),
    /// Number of hypotheses must be >= 1.
    #[error("number of hypotheses (samples) must be >= 1, got {0}")]
    Samples(usize),
    /// A training-error threshold must be finite and >= 0.
    #[error("training-error threshold must be finite and >= 0, got {0}")]
    TrainThreshold(f64),
    /// An array has the wrong shape for the network or for its partner array.
    #[error("{what}: expected shape {expected:?}, got {got:?}")]
    Shape {
        /// Which array (e.g. "y_train").
        what: &'static str,
        /// The shape it must have (rows, columns); `usize::MAX` means "any".
        expected: (usize, usize),
        /// The shape it has.
        got: (usize, usize),
    },
    /// A data set has no rows.
    #[error("{0} has no rows; at least one point is needed")]
    Empty(&'static str),
    /// A data array contains NaN or an infinity.
    #[error("{what} contains a non-finite value at row {row}, column {col}")]
    NonFinite {
        /// Which array.
        what: &'static str,
        /// Row of the first non-finite entry.
        row: usize,
        /// Column of the first non-finite entry.
        col: usize,
    },
    /// Two settings that do not go together.
    #[error("{0}")]
    Setting(&'static str),
}
