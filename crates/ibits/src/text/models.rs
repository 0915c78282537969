//! The text of `ibits models`: the inductive bias that model classes provide relative to
//! hypothesis spaces, I(eps_model) = -log2 P_{h ~ p_h}[e(h) <= eps_model] in bits.

use std::fmt::Write as _;

use ibits_data::Task;
use serde::Serialize;

use super::{bits, TaskInfo};
use crate::models::{ModelScore, SpaceBias};

/// What `ibits models` reports (and writes as JSON): the task, the model classes' scores and,
/// per reference space, the bits each model provides.
#[derive(Debug, Clone, Serialize)]
pub struct ModelsReport {
    /// The task.
    pub task: TaskInfo,
    /// n, training points.
    pub n_train: usize,
    /// N, test points.
    pub n_test: usize,
    /// k, outputs.
    pub outputs: usize,
    /// d, inputs.
    pub input_dim: usize,
    /// Unit of every `bits` field.
    pub unit: &'static str,
    /// Definition of the bits.
    pub definition: &'static str,
    /// Seed of the run.
    pub seed: u64,
    /// One score per model class.
    pub models: Vec<ModelScore>,
    /// One entry per reference space; `provided[i]` belongs to `models[i]`.
    pub spaces: Vec<SpaceBias>,
}

impl ModelsReport {
    /// The report of `models` scored on `task` against `spaces`.
    pub fn new(task: &Task, seed: u64, models: Vec<ModelScore>, spaces: Vec<SpaceBias>) -> Self {
        Self {
            task: TaskInfo::of(task),
            n_train: task.n_train(),
            n_test: task.n_test(),
            outputs: task.n_outputs(),
            input_dim: task.input_dim(),
            unit: "bits",
            definition: "I(eps_model) = -log2 P[e(h) <= eps_model], e = mean squared test error over N*k entries",
            seed,
            models,
            spaces,
        }
    }
}

/// ` [lo, hi]` in bits, or nothing.
fn interval_text(i: Option<[f64; 2]>) -> String {
    match i {
        Some([lo, hi]) => format!(" [{}, {}]", bits(lo), bits(hi)),
        None => String::new(),
    }
}

/// The text of `ibits models`.
///
/// Lines: a title with the unit; the task (n, N, k, d); one line per reference space (A, B, ...)
/// with its mean test error. Then the table: one row per model class with its test error
/// eps_model and training error (MSE over the N*k or n*k entries) and, per space, the bits it
/// provides, I(eps_model) = -log2 P[e(h) <= eps_model], with the interval in brackets where
/// there is one. Last the method of each space, notes on the models, and warnings.
pub fn models(o: &ModelsReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Inductive bias provided by model classes (unit: bits = -log2 P[e(h) <= eps_model])"
    );
    let _ = writeln!(
        s,
        "  task   {}: n = {} train, N = {} test, k = {} outputs, d = {} inputs; errors are MSE over N*k entries",
        o.task.name, o.n_train, o.n_test, o.outputs, o.input_dim
    );
    for (j, sp) in o.spaces.iter().enumerate() {
        let _ = writeln!(
            s,
            "  space {}: {} (mean test error {:.6})",
            (b'A' + j as u8) as char,
            sp.space,
            sp.mean_error
        );
    }
    let _ = writeln!(s);
    let width = o
        .models
        .iter()
        .map(|m| m.model.len())
        .max()
        .unwrap_or(10)
        .max(11);
    let mut header = format!(
        "{:<width$}  {:>10}  {:>10}",
        "model class", "test error", "train err"
    );
    for j in 0..o.spaces.len() {
        header.push_str(&format!(
            "  {:>30}",
            format!("bits vs {}", (b'A' + j as u8) as char)
        ));
    }
    let _ = writeln!(s, "{header}");
    for (i, m) in o.models.iter().enumerate() {
        let mut line = format!(
            "{:<width$}  {:>10.6}  {:>10.3e}",
            m.model, m.test_error, m.train_error
        );
        for sp in &o.spaces {
            let p = &sp.provided[i];
            line.push_str(&format!(
                "  {:>30}",
                format!("{}{}", bits(p.bits), interval_text(p.interval_bits))
            ));
        }
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s);
    for (j, sp) in o.spaces.iter().enumerate() {
        if let Some(p) = sp.provided.first() {
            let _ = writeln!(
                s,
                "space {}: {}{}",
                (b'A' + j as u8) as char,
                p.method,
                if p.interval_bits.is_some() {
                    ", 95% interval (bootstrap joined with the delta method) in brackets"
                } else {
                    ""
                }
            );
        }
    }
    for m in &o.models {
        if let Some(n) = &m.note {
            let _ = writeln!(s, "note: {}: {n}", m.model);
        }
    }
    for w in o.task.warnings.iter().chain(
        o.spaces
            .iter()
            .flat_map(|sp| sp.warnings.iter().map(|w| &w.message)),
    ) {
        let _ = writeln!(s, "warning: {w}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_bracketed_bits() {
        assert_eq!(interval_text(None), "");
        assert_eq!(interval_text(Some([1.0, f64::INFINITY])), " [1.0000, inf]");
    }
}
