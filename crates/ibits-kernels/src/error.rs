//! Errors of the ibits-kernels crate. Every variant carries the offending value and states the
//! allowed range.

/// A kernel parameter or input is outside its domain.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum KernelError {
    /// RBF bandwidth must be finite and > 0.
    #[error("RBF bandwidth must be finite and > 0, got {0}")]
    Bandwidth(f64),
    /// Amplitude (signal variance) must be finite and > 0.
    #[error("kernel amplitude must be finite and > 0, got {0}")]
    Amplitude(f64),
    /// Weight standard deviation must be finite and > 0.
    #[error("sigma_w must be finite and > 0, got {0}")]
    SigmaW(f64),
    /// Bias standard deviation must be finite and >= 0.
    #[error("sigma_b must be finite and >= 0, got {0}")]
    SigmaB(f64),
    /// Network depth (number of hidden layers) must be in 1..=1000.
    #[error("depth (hidden layers) must be in 1..=1000, got {0}")]
    Depth(usize),
    /// Polynomial degree must be in 1..=64.
    #[error("polynomial degree must be in 1..=64, got {0}")]
    Degree(u32),
    /// Two input matrices have different numbers of features.
    #[error("inputs have {left} and {right} features; both sides need the same number")]
    DimensionMismatch {
        /// Features of the left input.
        left: usize,
        /// Features of the right input.
        right: usize,
    },
    /// An input matrix has no features.
    #[error("inputs have 0 features; need at least 1")]
    NoFeatures,
    /// The median heuristic needs at least two distinct points.
    #[error("median heuristic needs at least 2 points, got {0}")]
    TooFewPoints(usize),
    /// The median pairwise distance is zero (more than half the pairs are duplicates).
    #[error("median pairwise distance over {0} points is 0 (duplicated inputs); give the bandwidth explicitly")]
    ZeroMedian(usize),
    /// An input value is NaN or infinite.
    #[error("input value at row {row}, column {col} is {value}; inputs must be finite")]
    NonFinite {
        /// Row of the bad value.
        row: usize,
        /// Column of the bad value.
        col: usize,
        /// The value.
        value: f64,
    },
    /// A kernel name that is not one of the known kernels.
    #[error(
        "unknown kernel {0:?}: use rbf, linear, polynomial (poly), nngp-relu, nngp-erf or ntk-relu"
    )]
    UnknownKernel(String),
    /// An option was given that the chosen kernel does not read.
    #[error("`{option}` does not apply to kernel {kernel:?} (it takes {takes}); drop it or pick a kernel that reads it")]
    OptionNotRead {
        /// The option as written (`bandwidth`, `depth`, ...).
        option: &'static str,
        /// The kernel chosen.
        kernel: String,
        /// The options that kernel reads.
        takes: &'static str,
    },
    /// A bandwidth that is neither a number nor `median`.
    #[error("bandwidth must be a number > 0 or \"median\" (the median pairwise distance of the training inputs), got {0}")]
    BandwidthRule(String),
}
