//! The bound with its provenance: where each of the eight quantities came from (the paper's
//! constants, a measurement on a task, a value given by the user, a default), what was
//! measured and how, and the warnings a reader needs (a bound beyond f64, a regime where the
//! bound is 0 bits, a subset that overestimates δ). [`BoundDraft`] collects the quantities,
//! [`BoundDraft::finish`] validates them and computes the [`BoundReport`] that `ibits bound`
//! prints (its text is [`crate::text::bound::bound`]).

use ibits_data::Task;
use serde::Serialize;

use super::{
    bound_bits, Bound, BoundInputs, BoundQuantities, DataOptions, DimensionEstimate, Preset,
    Regime, SeparationEstimate,
};
use crate::error::Error;

/// The method's name in reports.
pub const METHOD: &str = "icml2023_bound";

/// The paper the bound comes from.
pub const REFERENCE: &str =
    "Boopathy, Liu, Hwang, Ge, Mohammedsaleh & Fiete, \"Model-agnostic Measure \
                         of Generalization Difficulty\", ICML 2023, arXiv:2305.01034";

/// One of the bound's eight quantities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// n, training points.
    TrainPoints,
    /// m, intrinsic dimension.
    IntrinsicDim,
    /// R, largest input norm.
    Radius,
    /// δ, class separation.
    Separation,
    /// ε, target error rate.
    TargetError,
    /// D, output dimension.
    OutputDim,
    /// P, discrete states.
    DiscreteStates,
    /// B, output bound.
    OutputBound,
}

impl BoundQuantities {
    /// The value of quantity `q`, to read or replace.
    pub fn get_mut(&mut self, q: Quantity) -> &mut f64 {
        match q {
            Quantity::TrainPoints => &mut self.train_points,
            Quantity::IntrinsicDim => &mut self.intrinsic_dim,
            Quantity::Radius => &mut self.radius,
            Quantity::Separation => &mut self.separation,
            Quantity::TargetError => &mut self.target_error,
            Quantity::OutputDim => &mut self.output_dim,
            Quantity::DiscreteStates => &mut self.discrete_states,
            Quantity::OutputBound => &mut self.output_bound,
        }
    }
}

/// Where each quantity came from, in words ("paper (MNIST)", "measured", "--radius", ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sources {
    /// Source of n.
    pub train_points: String,
    /// Source of m.
    pub intrinsic_dim: String,
    /// Source of R.
    pub radius: String,
    /// Source of δ.
    pub separation: String,
    /// Source of ε.
    pub target_error: String,
    /// Source of D.
    pub output_dim: String,
    /// Source of P.
    pub discrete_states: String,
    /// Source of B.
    pub output_bound: String,
}

impl Sources {
    /// Every quantity from the same source.
    pub fn all(label: &str) -> Self {
        let s = label.to_string();
        Self {
            train_points: s.clone(),
            intrinsic_dim: s.clone(),
            radius: s.clone(),
            separation: s.clone(),
            target_error: s.clone(),
            output_dim: s.clone(),
            discrete_states: s.clone(),
            output_bound: s,
        }
    }

    /// The source of quantity `q`.
    pub fn get(&self, q: Quantity) -> &str {
        match q {
            Quantity::TrainPoints => &self.train_points,
            Quantity::IntrinsicDim => &self.intrinsic_dim,
            Quantity::Radius => &self.radius,
            Quantity::Separation => &self.separation,
            Quantity::TargetError => &self.target_error,
            Quantity::OutputDim => &self.output_dim,
            Quantity::DiscreteStates => &self.discrete_states,
            Quantity::OutputBound => &self.output_bound,
        }
    }

    fn get_mut(&mut self, q: Quantity) -> &mut String {
        match q {
            Quantity::TrainPoints => &mut self.train_points,
            Quantity::IntrinsicDim => &mut self.intrinsic_dim,
            Quantity::Radius => &mut self.radius,
            Quantity::Separation => &mut self.separation,
            Quantity::TargetError => &mut self.target_error,
            Quantity::OutputDim => &mut self.output_dim,
            Quantity::DiscreteStates => &mut self.discrete_states,
            Quantity::OutputBound => &mut self.output_bound,
        }
    }
}

/// What was measured on a task, and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredTask {
    /// The task's name.
    pub name: String,
    /// How the task was made.
    pub description: String,
    /// The task's warnings.
    pub warnings: Vec<String>,
    /// How the quantities were measured.
    pub options: DataOptions,
    /// m and how it was estimated (`None` when given instead).
    pub dimension: Option<DimensionEstimate>,
    /// δ and how it was found (`None` when given instead).
    pub separation: Option<SeparationEstimate>,
}

/// The bound with where its quantities came from: what `ibits bound --json` writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundReport {
    /// Unit of `bits`: `bits`.
    pub unit: &'static str,
    /// [`METHOD`].
    pub method: &'static str,
    /// [`REFERENCE`].
    pub reference: &'static str,
    /// "preset mnist", "task mnist" or "flags".
    pub computed_from: String,
    /// The preset the quantities started from.
    pub preset: Option<Preset>,
    /// The paper's value for the preset (when no quantity was changed).
    pub published_bits: Option<f64>,
    /// Where each quantity came from.
    pub sources: Sources,
    /// What was measured on the task.
    pub task: Option<MeasuredTask>,
    /// The bound and the intermediate quantities of its formula.
    #[serde(flatten)]
    pub bound: Bound,
    /// What the reader should know.
    pub warnings: Vec<String>,
}

/// A bound being assembled: its quantities so far, their sources and what was measured.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundDraft {
    /// The quantities (NaN where not yet given).
    pub quantities: BoundQuantities,
    /// Where each came from.
    pub sources: Sources,
    /// "preset mnist", "task mnist" or "flags".
    pub computed_from: String,
    /// The preset the quantities started from.
    pub preset: Option<Preset>,
    /// What was measured on a task.
    pub task: Option<MeasuredTask>,
    /// Warnings about how the quantities were obtained.
    pub warnings: Vec<String>,
}

impl BoundDraft {
    /// The constants of one of the paper's benchmarks.
    pub fn preset(preset: Preset) -> Self {
        Self {
            quantities: preset.inputs().quantities(),
            sources: Sources::all(&format!("paper ({})", preset.title())),
            computed_from: format!("preset {}", preset.name()),
            preset: Some(preset),
            task: None,
            warnings: Vec::new(),
        }
    }

    /// Quantities the user gives one by one ([`BoundDraft::set`], source `flag`): all NaN
    /// except B = 1 (source `default`) and a 2-class D = 1, P = 2.
    pub fn given() -> Self {
        let nan = f64::NAN;
        let mut sources = Sources::all("flag");
        sources.output_bound = "default".to_string();
        Self {
            quantities: BoundQuantities::classification(nan, nan, nan, nan, 2.0, nan),
            sources,
            computed_from: "flags".to_string(),
            preset: None,
            task: None,
            warnings: Vec::new(),
        }
    }

    /// Quantities measured on a C-class task named `source` (the task string the user gave):
    /// n and C from the task, m and δ from the estimates (NaN where `None`, to be given
    /// instead), R from the training inputs when `measure_radius`, and ε = `target_error`
    /// (source `default`). Warnings say when query points were skipped or δ comes from a
    /// subset, followed by the task's own.
    #[allow(clippy::too_many_arguments)]
    pub fn measured(
        source: &str,
        task: &Task,
        classes: usize,
        options: DataOptions,
        dimension: Option<DimensionEstimate>,
        separation: Option<SeparationEstimate>,
        measure_radius: bool,
        target_error: f64,
    ) -> Self {
        let mut warnings = Vec::new();
        if let Some(est) = dimension.filter(|d| d.skipped_queries > 0) {
            warnings.push(format!(
                "{} of {} query points had fewer than {} distinct neighbours (duplicated inputs) \
                 and were left out of the intrinsic-dimension estimate",
                est.skipped_queries,
                est.skipped_queries + est.queries,
                est.neighbours
            ));
        }
        if let Some(sep) = separation.filter(|s| !s.exhaustive) {
            warnings.push(format!(
                "delta is the smallest different-class distance among {} of the {} training inputs; \
                 a subset overestimates delta and so underestimates the bound (raise \
                 --separation-points)",
                sep.points,
                task.n_train()
            ));
        }
        warnings.extend(task.warnings.iter().cloned());
        let radius = if measure_radius {
            super::max_norm(task.x_train.view())
        } else {
            f64::NAN
        };
        let mut sources = Sources::all("measured");
        sources.target_error = "default".to_string();
        sources.output_bound = "default".to_string();
        sources.output_dim = "measured (classes - 1)".to_string();
        sources.discrete_states = "measured (classes)".to_string();
        Self {
            quantities: BoundQuantities::classification(
                task.n_train() as f64,
                dimension.map_or(f64::NAN, |d| d.rounded),
                radius,
                separation.map_or(f64::NAN, |s| s.separation),
                classes as f64,
                target_error,
            ),
            sources,
            computed_from: format!("task {source}"),
            preset: None,
            task: Some(MeasuredTask {
                name: task.name.clone(),
                description: task.description.clone(),
                warnings: task.warnings.clone(),
                options,
                dimension,
                separation,
            }),
            warnings,
        }
    }

    /// Replace quantity `q` by `value`, recording its source.
    pub fn set(&mut self, q: Quantity, value: f64, source: impl Into<String>) {
        *self.quantities.get_mut(q) = value;
        *self.sources.get_mut(q) = source.into();
    }

    /// Validate the quantities and compute the bound, adding a warning when it exceeds f64 or
    /// is 0 bits; the published value is kept only when the preset's quantities are unchanged.
    ///
    /// # Errors
    /// [`Error::BoundInput`] for a quantity out of range (see [`BoundInputs::new`]).
    pub fn finish(&self) -> Result<BoundReport, Error> {
        let inputs = BoundInputs::new(self.quantities)?;
        let bound = bound_bits(&inputs);
        let mut warnings = self.warnings.clone();
        match bound.regime {
            Regime::Informative if bound.bits == f64::INFINITY => warnings.push(
                "the bound exceeds the largest f64 (1.8e308): `bits` is infinite, see log10_bits"
                    .to_string(),
            ),
            Regime::Informative => {}
            Regime::DataDetermines => warnings.push(
                "n D >= dim Theta: the training points determine the hypothesis, so the bound is 0 bits"
                    .to_string(),
            ),
            Regime::AllGeneralize => warnings.push(
                "log2(B sqrt(D P) L_f W / eps) <= 0: every interpolating hypothesis is within the \
                 generalizing radius, so the bound is 0 bits"
                    .to_string(),
            ),
        }
        let published_bits = self
            .preset
            .filter(|p| inputs == p.inputs())
            .map(Preset::published_bits);
        Ok(BoundReport {
            unit: "bits",
            method: METHOD,
            reference: REFERENCE,
            computed_from: self.computed_from.clone(),
            preset: self.preset,
            published_bits,
            sources: self.sources.clone(),
            task: self.task.clone(),
            bound,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preset_keeps_its_published_value_until_a_quantity_changes() {
        let draft = BoundDraft::preset(Preset::Mnist);
        let report = draft.finish().unwrap();
        assert_eq!(report.published_bits, Some(Preset::Mnist.published_bits()));
        assert_eq!(report.sources.radius, "paper (MNIST)");
        assert_eq!(report.computed_from, "preset mnist");
        let mut changed = draft.clone();
        changed.set(Quantity::TargetError, 0.005, "--eps");
        let report = changed.finish().unwrap();
        assert_eq!(report.published_bits, None);
        assert_eq!(report.sources.get(Quantity::TargetError), "--eps");
        assert_eq!(report.bound.inputs.target_error(), 0.005);
    }

    #[test]
    fn given_quantities_need_every_value_and_warn_on_zero_bits() {
        let mut draft = BoundDraft::given();
        assert!(matches!(draft.finish(), Err(Error::BoundInput { .. })));
        for (q, v) in [
            (Quantity::TrainPoints, 100_000.0),
            (Quantity::IntrinsicDim, 1.0),
            (Quantity::Radius, 1.0),
            (Quantity::Separation, 1.0),
            (Quantity::TargetError, 0.5),
        ] {
            draft.set(q, v, "flag");
        }
        let report = draft.finish().unwrap();
        assert_eq!(report.bound.bits, 0.0);
        assert_eq!(report.sources.output_bound, "default");
        assert!(
            report.warnings[0].contains("0 bits"),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn measured_quantities_name_their_sources() {
        let task = ibits_data::TaskOptions::new("iris").load().unwrap();
        let draft = BoundDraft::measured(
            "iris",
            &task,
            3,
            DataOptions::default(),
            None,
            None,
            true,
            0.01,
        );
        assert_eq!(draft.computed_from, "task iris");
        assert_eq!(draft.sources.output_dim, "measured (classes - 1)");
        assert_eq!(draft.sources.target_error, "default");
        assert_eq!(draft.quantities.output_dim, 2.0);
        assert!(draft.quantities.radius > 0.0 && draft.quantities.intrinsic_dim.is_nan());
    }
}
