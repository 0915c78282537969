//! A grid cell's identity and seed, the manifest that lists every cell, and the line a finished
//! cell leaves in `results.jsonl`.
//!
//! # Identity and seeds
//! ```text
//! spec  = { experiment_seed, task, space, n, test_n, settings }     (canonical JSON:
//!         object keys sorted, no whitespace, shortest round-trip floats)
//! seed  = first 8 bytes (little endian) of SHA-256("ibits-sweep seed\n" + canonical(spec))
//! id    = first 8 bytes (hex) of SHA-256("ibits-sweep cell\n" + canonical(spec + targets))
//! ```
//! A cell's seed depends only on what the cell computes, never on its position in the grid,
//! the shard that runs it or the number of workers, so a sharded run reproduces a single run
//! exactly. The targets are part of the identity (changing them re-runs the cell) but not of
//! the seed (the same hypotheses are drawn whatever the targets).
//!
//! This module depends on no other sweep module; [`experiment`](super::experiment) builds
//! cells and the manifest from the parsed grid.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Format tag of `experiment.json`.
pub const MANIFEST_FORMAT: &str = "ibits-sweep/1";

/// How a cell's target error eps is set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", content = "value", rename_all = "kebab-case")]
pub enum Target {
    /// eps = value (mean squared error per entry).
    Absolute(f64),
    /// eps = value x the mean test error of the hypothesis space.
    RelativeToMean(f64),
}

/// One cell of the grid: one task, one hypothesis space, one training-set size and one
/// test-set size, with every target error.
#[derive(Debug, Clone)]
pub struct Cell<T, S> {
    /// Position in the grid (task-major order), 0-based.
    pub index: usize,
    /// Identity: 16 hex digits of SHA-256 of the canonical spec and targets.
    pub id: String,
    /// The cell's seed, derived from the experiment seed and the cell's spec.
    pub seed: u64,
    /// Task.
    pub task: T,
    /// Hypothesis space.
    pub space: S,
    /// Training-set size n.
    pub n: usize,
    /// Test-set size N; `None` leaves it to the task's default.
    pub test_n: Option<usize>,
    /// Target errors evaluated in this cell.
    pub targets: Vec<Target>,
    /// The canonical description of the cell (as recorded in the manifest).
    pub spec: serde_json::Value,
}

impl<T: Serialize, S: Serialize> Cell<T, S> {
    /// Build a cell and derive its identity and seed.
    #[allow(clippy::too_many_arguments)]
    pub fn new<P: Serialize>(
        index: usize,
        experiment_seed: u64,
        task: T,
        space: S,
        n: usize,
        test_n: Option<usize>,
        targets: Vec<Target>,
        settings: &P,
    ) -> Self {
        let mut spec = serde_json::json!({
            "experiment_seed": experiment_seed,
            "task": to_value(&task),
            "space": to_value(&space),
            "n": n,
            "test_n": test_n,
            "settings": to_value(settings),
        });
        let seed_digest = Sha256::digest(format!("ibits-sweep seed\n{}", canonical_json(&spec)));
        let mut seed_bytes = [0u8; 8];
        seed_bytes.copy_from_slice(&seed_digest[..8]);
        let seed = u64::from_le_bytes(seed_bytes);
        if let serde_json::Value::Object(map) = &mut spec {
            map.insert("targets".into(), to_value(&targets));
        }
        let id_digest = Sha256::digest(format!("ibits-sweep cell\n{}", canonical_json(&spec)));
        let id = id_digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Self {
            index,
            id,
            seed,
            task,
            space,
            n,
            test_n,
            targets,
            spec,
        }
    }
}

/// Serialize a caller type to JSON; types that cannot be represented become `null` (serde_json
/// fails only on maps with non-string keys, which no spec type uses).
fn to_value<V: Serialize + ?Sized>(value: &V) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// JSON with object keys sorted at every level and no whitespace: the same value always gives
/// the same text, whatever the map implementation.
pub fn canonical_json(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|key| {
                    format!(
                        "{}:{}",
                        serde_json::Value::String(key.clone()),
                        canonical_json(&map[key])
                    )
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        serde_json::Value::Array(items) => {
            format!(
                "[{}]",
                items
                    .iter()
                    .map(canonical_json)
                    .collect::<Vec<_>>()
                    .join(",")
            )
        }
        scalar => scalar.to_string(),
    }
}

/// `experiment.json`: the experiment and the identity of every cell. Two output directories
/// hold shards of one experiment exactly when their manifests are equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// Experiment name.
    pub name: String,
    /// Experiment description.
    pub description: Option<String>,
    /// Base seed.
    pub seed: u64,
    /// The experiment file, verbatim.
    pub source: String,
    /// Every cell of the grid, in grid order.
    pub cells: Vec<ManifestCell>,
}

/// One cell as listed in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestCell {
    /// Grid index.
    pub index: usize,
    /// Identity.
    pub id: String,
    /// Seed.
    pub seed: u64,
    /// Canonical description (task, space, n, test_n, settings, targets, experiment seed).
    pub spec: serde_json::Value,
}

/// One line of `results.jsonl`: a finished cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellResult<R> {
    /// Identity of the cell.
    pub id: String,
    /// Grid index of the cell.
    pub index: usize,
    /// Seed the cell ran with.
    pub seed: u64,
    /// Wall-clock time of the cell, seconds (the only field that differs between runs).
    pub wall_s: f64,
    /// What the cell's runner returned.
    pub record: R,
}
