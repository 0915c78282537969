//! The sweep engine: expand an experiment grid into cells, run them (in parallel, sharded),
//! save each result as it finishes, resume after an interruption, merge shards.
//!
//! The engine knows nothing about tasks, hypothesis spaces or estimates: the caller supplies
//! the task, space and settings types (parsed from the experiment file through their
//! `Deserialize` impls) and a closure that runs one cell. The `ibits` CLI wires it to the
//! library's estimate; tests wire it to cheap closures.
//!
//! - [`experiment`]: the TOML schema, validation with line numbers, grid expansion;
//! - [`plan`]: the checks made before expansion (plain-file-name names, the cell limit, the
//!   memory plan);
//! - [`cell`]: cell identity and per-cell seeds, the manifest, the result line;
//! - [`store`]: the output directory, atomic writes, torn-line recovery;
//! - [`lock`]: one sweep at a time per output directory;
//! - [`run`]: [`run_sweep`] with worker threads and shards;
//! - [`merge`](mod@merge): combine shard directories.

pub mod cell;
pub mod experiment;
pub mod lock;
pub mod merge;
pub mod plan;
pub mod run;
pub mod store;

pub use cell::{canonical_json, Cell, CellResult, Manifest, ManifestCell};
pub use experiment::{Experiment, Shard, Target};
pub use merge::{merge, MergeSummary};
pub use run::{run_sweep, SweepEvent, SweepOptions, SweepSummary};
pub use store::{load_results, ResultSet, ResultStore, SummaryRows};
