//! Errors of the ibits crate. Every variant carries the offending value and states the allowed
//! range or the fix.

/// Everything that can go wrong while estimating inductive bias.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A kernel parameter or input is invalid.
    #[error(transparent)]
    Kernel(#[from] ibits_kernels::KernelError),
    /// A network, training or sampling setting is invalid (trained-network spaces).
    #[error(transparent)]
    Network(#[from] ibits_nn::NnError),
    /// The scaled non-central chi-squared fit could not be made (fitted path).
    #[error("fitted law: {0}")]
    Fit(#[from] ibits_stats::fit::FitError),
    /// A task could not be loaded or a data option is invalid.
    #[error(transparent)]
    Data(#[from] ibits_data::DataError),
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A file of sampled losses could not be read.
    #[error(transparent)]
    Losses(#[from] ibits_data::losses::LossFileError),
    /// A law parameter is invalid.
    #[error(transparent)]
    Stats(#[from] ibits_stats::LawError),
    /// An error with what was being done when it happened.
    #[error("{context}: {source}")]
    Context {
        /// What was being done (`loading task mnist`).
        context: String,
        /// The error.
        #[source]
        source: Box<Error>,
    },
    /// An experiment file, its records or its report failed.
    #[error(transparent)]
    Experiment(#[from] ibits_report::ReportError),
    /// A model class could not be trained or evaluated.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A law could not be built or evaluated.
    #[error("law of the test error: {0}")]
    Law(String),
    /// Two arrays that must agree in shape do not.
    #[error("{what}: got {got}, expected {expected}")]
    Shape {
        /// Which array and dimension.
        what: &'static str,
        /// Size found.
        got: usize,
        /// Size required.
        expected: usize,
    },
    /// The task has no training points, no test points or no outputs.
    #[error("{what} is empty; need at least 1")]
    Empty {
        /// Which part of the task.
        what: &'static str,
    },
    /// A target error is not finite and > 0.
    #[error("target error eps must be finite and > 0, got {0}")]
    Target(f64),
    /// A relative target is not finite and > 0.
    #[error("relative target (fraction of the mean test error) must be finite and > 0, got {0}")]
    RelativeTarget(f64),
    /// K_XX + jitter I did not factorize for any jitter up to the maximum.
    #[error(
        "K_XX is not positive definite even with jitter {max_jitter:.3e} (mean diagonal {mean_diagonal:.3e}); \
         the kernel is degenerate on the training inputs (duplicate points, or a linear/polynomial kernel with \
         more points than features): use fewer training points or another kernel"
    )]
    NotPositiveDefinite {
        /// Largest jitter tried (absolute).
        max_jitter: f64,
        /// Mean of the diagonal of K_XX.
        mean_diagonal: f64,
    },
    /// The tridiagonal QL iteration did not converge.
    #[error(
        "eigendecomposition of the posterior covariance did not converge at eigenvalue {index}"
    )]
    EigenNotConverged {
        /// Index of the eigenvalue being sought.
        index: usize,
    },
    /// The run would need more memory than is available.
    #[error(
        "n = {n_train}, N = {n_test} needs about {needed_gib:.2} GiB but only {available_gib:.2} GiB is available; \
         the largest sizes that fit are n = N = {max_square}, or n = {max_train} with N = {n_test}"
    )]
    InsufficientMemory {
        /// Training points asked for.
        n_train: usize,
        /// Test points asked for.
        n_test: usize,
        /// Estimated need, GiB.
        needed_gib: f64,
        /// Available, GiB.
        available_gib: f64,
        /// Largest n = N that fits.
        max_square: usize,
        /// Largest n that fits at the requested N (0 if none).
        max_train: usize,
    },
    /// A sampling or fitting option is out of range.
    #[error("{what} must be {allowed}, got {got}")]
    Option {
        /// Which option.
        what: &'static str,
        /// Allowed range.
        allowed: &'static str,
        /// Value given.
        got: String,
    },
    /// A quantity of the ICML 2023 inductive-bias-complexity bound is out of range.
    #[error("bound input {quantity} must be {allowed}, got {got}")]
    BoundInput {
        /// The quantity, with its symbol (e.g. "intrinsic dimension m").
        quantity: &'static str,
        /// Allowed range.
        allowed: &'static str,
        /// Value given.
        got: f64,
    },
    /// A quantity of the bound could not be estimated from the task's data.
    #[error("cannot estimate {quantity} from the data: {reason}")]
    BoundEstimate {
        /// The quantity, with its symbol (e.g. "class separation delta").
        quantity: &'static str,
        /// Why, and what to change.
        reason: String,
    },
}

impl Error {
    /// This error with what was being done when it happened.
    pub fn context(self, context: impl Into<String>) -> Self {
        Error::Context {
            context: context.into(),
            source: Box::new(self),
        }
    }
}

/// Errors of the model classes. Each names the bad value and the allowed range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// Ridge penalty must be finite and >= 0.
    #[error("ridge penalty lambda must be finite and >= 0, got {0}")]
    RidgePenalty(f64),
    /// k of k-nearest neighbours must be in 1..=n.
    #[error("k-nearest neighbours needs 1 <= k <= n = {n} training points, got k = {k}")]
    Neighbours {
        /// The k asked for.
        k: usize,
        /// Training points available.
        n: usize,
    },
    /// Train and test arrays disagree in shape.
    #[error("{what}: expected shape {expected:?}, got {got:?}")]
    Shape {
        /// Which array.
        what: &'static str,
        /// Required (rows, columns).
        expected: (usize, usize),
        /// Actual.
        got: (usize, usize),
    },
    /// The singular value decomposition of the centred inputs did not converge.
    #[error("the SVD of the centred training inputs did not converge")]
    Svd,
}

/// An error and its sources on one line (each source's text once: a source already quoted by
/// its parent is not repeated), as sweeps record failed cells and the Python package raises.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}
