//! An [`Estimate`] as a sweep record: the plain data the report reads
//! ([`ibits_report::CellRecord`]), with the sampled errors thinned for the histogram and the
//! exact and fitted densities tabulated on the sampled range.

use ibits_report::record::{
    BitsInterval, CellRecord, CountingBits, ErrorDistribution, FittedLaw as RecordedLaw,
    TargetEstimate as RecordedTarget,
};

use crate::estimate::Estimate;

/// At most this many sampled test errors are kept in a record (evenly thinned), enough for a
/// histogram without making results.jsonl large.
pub const MAX_RECORDED_ERRORS: usize = 5000;

/// Points at which densities are tabulated for the report's histogram.
pub const DENSITY_POINTS: usize = 160;

/// The record of one cell: `task` is the task as written in the experiment, `intrinsic_dim`
/// that of a synthetic task, `level` the confidence of the intervals.
pub fn cell_record(
    estimate: &Estimate,
    task: String,
    intrinsic_dim: Option<usize>,
    level: f64,
) -> CellRecord {
    let finite = |v: f64| v.is_finite().then_some(v);
    let finite_pair = |[lo, hi]: [f64; 2]| (lo.is_finite() && hi.is_finite()).then_some((lo, hi));
    let estimates = estimate
        .targets
        .iter()
        .map(|t| RecordedTarget {
            eps: t.eps,
            eps_rule: t.eps_rule.clone(),
            exact_bits: t.exact.as_ref().and_then(|x| finite(x.bits)),
            exact_method: t.exact.as_ref().map(|x| x.method.name().to_string()),
            ruben_bits: t.exact.and_then(|x| x.ruben_bits).and_then(finite),
            chernoff_bits: t.exact.as_ref().and_then(|x| finite(x.chernoff_bits)),
            exact_lower_bits: t.exact.as_ref().and_then(|x| finite(x.bits_bracket[0])),
            exact_upper_bits: t.exact.as_ref().and_then(|x| finite(x.bits_bracket[1])),
            exact_bits_jitter_10x: t.exact_bits_jitter_10x.and_then(finite),
            fitted: t
                .fitted
                .filter(|f| f.bits.is_finite())
                .map(|f| BitsInterval {
                    bits: f.bits,
                    lower: f.interval_bits.and_then(|i| finite(i[0])),
                    upper: f.interval_bits.and_then(|i| finite(i[1])),
                    level,
                    bootstrap: f.bootstrap_interval_bits.and_then(finite_pair),
                }),
            counting: t
                .counted
                .as_ref()
                .filter(|c| c.interval_bits[0].is_finite())
                .map(|c| CountingBits {
                    hits: c.proportion.successes as u64,
                    samples: c.proportion.trials as u64,
                    bits: finite(c.bits),
                    lower: c.interval_bits[0],
                    upper: finite(c.interval_bits[1]),
                    level: c.proportion.confidence,
                }),
            paper_nats: t.paper_nats.and_then(finite),
            warnings: Vec::new(),
        })
        .collect();
    let distribution = (!estimate.sampled_errors.is_empty()).then(|| {
        let errors = &estimate.sampled_errors;
        let grid = density_grid(errors);
        let smallest_eps = estimate
            .targets
            .iter()
            .map(|t| t.eps)
            .fold(f64::INFINITY, f64::min);
        let tail = tail_grid(smallest_eps, &grid);
        let law = estimate.fitted_law.as_ref();
        let fitted =
            law.and_then(|l| ibits_stats::Ncx2::scaled(l.dof, l.noncentrality, l.scale).ok());
        let exact = estimate.exact_law.as_ref();
        ErrorDistribution {
            test_errors: thinned(errors),
            exact_density: exact.map(|law| density_on(&grid, |x| law.saddlepoint_log_pdf(x))),
            fitted_law: law.and_then(|l| recorded_law(l.dof, l.noncentrality, l.scale)),
            fitted_density: fitted.map(|law| density_on(&grid, |x| law.log_pdf(x))),
            exact_log_density: exact
                .and_then(|law| log_density_on(&tail, |x| law.saddlepoint_log_pdf(x))),
            fitted_log_density: fitted.and_then(|law| log_density_on(&tail, |x| law.log_pdf(x))),
        }
    });
    let gp = estimate.gp();
    CellRecord {
        task,
        intrinsic_dim: intrinsic_dim.map(|m| m as f64),
        n: estimate.n,
        test_n: estimate.test_n,
        k: estimate.k,
        space: estimate.space.clone(),
        space_label: Some(estimate.space_label.clone()),
        space_parameters: estimate.space_parameters.clone(),
        seed: estimate.seed,
        mean_error: finite(estimate.mean_error),
        samples: estimate.samples,
        rejected: estimate.rejected,
        jitter: gp.and_then(|g| finite(g.jitter)),
        clipped_mass: gp.and_then(|g| finite(g.clipped_mass_relative)),
        distribution,
        estimates,
        warnings: estimate.warnings.iter().map(|w| w.to_string()).collect(),
    }
}

/// The errors, thinned evenly to at most [`MAX_RECORDED_ERRORS`] (sample order kept).
fn thinned(errors: &[f64]) -> Vec<f64> {
    let step = errors.len().div_ceil(MAX_RECORDED_ERRORS).max(1);
    errors.iter().step_by(step).copied().collect()
}

/// An even grid over the range of the sampled errors, widened by 5% on each side (clipped at
/// 0: errors are non-negative).
fn density_grid(errors: &[f64]) -> Vec<f64> {
    let finite = errors.iter().copied().filter(|e| e.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), e| {
        (lo.min(e), hi.max(e))
    });
    if !(lo.is_finite() && hi > lo) {
        return Vec::new();
    }
    let pad = 0.05 * (hi - lo);
    let (lo, hi) = ((lo - pad).max(0.0), hi + pad);
    (0..DENSITY_POINTS)
        .map(|i| lo + (hi - lo) * i as f64 / (DENSITY_POINTS - 1) as f64)
        .collect()
}

/// (x, f(x)) on the grid from a log-density, keeping finite values only.
fn density_on(grid: &[f64], log_pdf: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    grid.iter()
        .map(|&x| (x, log_pdf(x).exp()))
        .filter(|(_, f)| f.is_finite())
        .collect()
}

/// The fitted law as recorded, when all its parameters are finite.
fn recorded_law(dof: f64, noncentrality: f64, scale: f64) -> Option<RecordedLaw> {
    [dof, noncentrality, scale]
        .iter()
        .all(|v| v.is_finite())
        .then_some(RecordedLaw {
            dof,
            noncentrality,
            scale,
        })
}

/// An even grid from the smallest target error to the top of the density grid, when that
/// target lies below the grid (the tail the histogram's lower panel draws).
fn tail_grid(smallest_eps: f64, grid: &[f64]) -> Vec<f64> {
    match (grid.first(), grid.last()) {
        (Some(&lo), Some(&hi))
            if smallest_eps.is_finite() && smallest_eps > 0.0 && smallest_eps < lo =>
        {
            (0..DENSITY_POINTS)
                .map(|i| {
                    smallest_eps + (hi - smallest_eps) * i as f64 / (DENSITY_POINTS - 1) as f64
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// (x, ln f(x)) on the grid, keeping finite values only; `None` for an empty grid.
fn log_density_on(grid: &[f64], log_pdf: impl Fn(f64) -> f64) -> Option<Vec<(f64, f64)>> {
    (!grid.is_empty()).then(|| {
        grid.iter()
            .map(|&x| (x, log_pdf(x)))
            .filter(|(_, l)| l.is_finite())
            .collect()
    })
}
