//! Experiment sweeps and reports for ibits.
//!
//! - [`record`]: the plain data one grid cell produces ([`CellRecord`]: task, n, N, k, the
//!   hypothesis space, exact / fitted / counting bits per target error, numerical health,
//!   sampled errors). The report reads nothing else, so this crate does not depend on how the
//!   numbers were computed.
//! - [`sweep`]: the grid engine — TOML experiment files, per-cell identity and seeds, atomic
//!   result files, resume, shards, merge — generic over a "run one cell" closure.
//! - [`report`]: plots (PNG and SVG, bundled DejaVu font) and the Markdown / HTML report of a
//!   sweep directory.
//!
//! The engine lives here rather than in the CLI so that its guarantees (resume, sharding,
//! atomicity) are tested as a library, and the CLI stays a thin layer that parses flags and
//! plugs the `ibits` estimate into [`sweep::run_sweep`].

pub mod error;
pub mod record;
pub mod report;
pub mod sweep;

pub use error::ReportError;
pub use record::{
    BitsInterval, CellRecord, CountingBits, ErrorDistribution, FittedLaw, TargetEstimate,
};
