//! The text of `ibits estimate`: an [`Estimate`] of a GP space (exact law beside the paper's
//! fitted estimate and the count) or of a trained-MLP space (fitted law, count and sample-size
//! advice). Units: bits = -log2 P[test error <= eps]; nats only where labelled; seconds.

use std::fmt::Write as _;

use super::{bits, TaskInfo};
use crate::gp_space::{GpEstimate, GpStage};
use crate::mlp_space::MlpEstimate;
use crate::nn::Precision;
use crate::stats::fit::CountEstimate;
use crate::{Details, Estimate};

/// The text of an estimate of any space: [`gp`] or [`mlp`] by its details.
pub fn estimate(task: &TaskInfo, e: &Estimate) -> String {
    match &e.details {
        Details::Gp(gp_estimate) => gp(task, gp_estimate),
        Details::Mlp(mlp_estimate) => mlp(task, mlp_estimate),
    }
}

/// What a GP estimate is doing at `stage`, for a progress bar.
pub fn stage_name(stage: GpStage) -> &'static str {
    match stage {
        GpStage::Kernel => "kernel blocks",
        GpStage::Posterior => "Cholesky and posterior",
        GpStage::Spectrum => "eigenvalues of Sigma",
        GpStage::ExactLaw => "exact law",
        GpStage::JitterCheck => "10x-jitter check",
        GpStage::Sampling => "posterior samples",
        GpStage::Fitting => "fitting the paper's law",
    }
}

/// The counted line: `-log2(k / S)` bits for k of S `what` <= eps with its interval
/// (`level` names its confidence), or the lower bound when k = 0.
fn counted(s: &mut String, c: &CountEstimate, what: &str, level: &str) {
    let (k, n) = (c.proportion.successes, c.proportion.trials);
    let [lo, hi] = c.interval_bits;
    let _ = if k == 0 {
        writeln!(
            s,
            "  counted        >= {} bits (0 of {n} {what} <= eps)",
            bits(lo)
        )
    } else {
        writeln!(
            s,
            "  counted        {} bits  ({k} of {n} {what} <= eps; {level}[{}, {}])",
            bits(c.bits),
            bits(lo),
            bits(hi)
        )
    };
}

/// The text of a GP space's estimate.
///
/// Lines: a title with the unit; the task (n training and N test points, k outputs, d inputs);
/// the kernel and its bandwidth rule; the posterior's jitter (absolute, and relative to the
/// mean diagonal of K_XX) and the clipped eigenvalues of Sigma; the mean test error over the
/// space and that of the posterior mean (MSE over N*k entries). Then per target eps (and how
/// it was chosen): the exact law's bits with the method that computed them and the
/// saddlepoint, Ruben and Chernoff values beside it; the bits at 10x jitter; the paper's
/// fitted estimate in bits with its interval and the nats the paper's code would report; the
/// counted bits (k of S posterior samples <= eps, with a 95% Clopper-Pearson interval, or a
/// lower bound when k = 0). Last the sampled law, the timing in seconds per stage, and the
/// warnings of the task and the estimate.
pub fn gp(task: &TaskInfo, e: &GpEstimate) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Inductive bias of a GP hypothesis space (unit: bits = -log2 P[test error <= eps])"
    );
    let _ = writeln!(
        s,
        "  task        {}: n = {} train, N = {} test, k = {} outputs, d = {} inputs",
        task.name, e.n_train, e.n_test, e.outputs, e.input_dim
    );
    let _ = writeln!(s, "  kernel      {}", e.kernel_description);
    if let Some(rule) = &e.kernel_rule {
        let _ = writeln!(s, "              (bandwidth = {rule})");
    }
    let _ = writeln!(
        s,
        "  posterior   jitter {:.3e} ({:.1e} x mean diagonal), {} eigenvalues clipped ({:.2e} of trace)",
        e.jitter, e.jitter_relative, e.clipped_eigenvalues, e.clipped_mass_relative
    );
    let _ = writeln!(
        s,
        "  mean error  {:.6} over the space; {:.6} for the posterior mean (MSE over N*k entries)",
        e.mean_error, e.posterior_mean_error
    );
    for t in &e.targets {
        let _ = writeln!(s);
        let _ = writeln!(s, "eps = {:.6} ({})", t.eps, t.eps_rule);
        let x = &t.exact;
        let ruben = match x.ruben_bits {
            Some(r) => format!("Ruben {}", bits(r)),
            None => "Ruben's series did not converge".to_string(),
        };
        let _ = writeln!(
            s,
            "  exact law      {} bits  [{}; saddlepoint {}; {}; Chernoff bound {}]",
            bits(x.bits),
            x.method.name(),
            bits(x.saddlepoint_bits),
            ruben,
            bits(x.chernoff_bits)
        );
        let [lo, hi] = x.bits_bracket;
        let _ = if x.certified {
            writeln!(
                s,
                "  certified      {} <= bits <= {}  (width {:.2e} bits; upper end by {})",
                bits(lo),
                bits(hi),
                hi - lo,
                route_name(x.bracket_route)
            )
        } else {
            writeln!(
                s,
                "  certified      bits >= {} only: no route certifies an upper bound here",
                bits(lo)
            )
        };
        if let Some(j) = t.exact_bits_jitter_10x {
            let _ = writeln!(s, "  10x jitter     {} bits", bits(j));
        }
        if let Some(f) = &t.fitted {
            let interval = match f.interval_bits {
                Some([lo, hi]) => format!(
                    "  95% interval [{}, {}] ({})",
                    bits(lo),
                    bits(hi),
                    f.interval_method
                ),
                None => String::new(),
            };
            let _ = writeln!(s, "  paper's fit    {} bits{}", bits(f.bits), interval);
            let _ = writeln!(
                s,
                "                 (the paper's code would report {:.4} nats{})",
                f.paper_nats,
                if f.paper_sankaran_fallback {
                    ", via its Sankaran fallback"
                } else {
                    ""
                }
            );
        }
        if let Some(c) = &t.counted {
            counted(&mut s, c, "samples", "95% ");
        }
    }
    let _ = writeln!(s);
    if let Some(sm) = &e.sampled {
        let f = &sm.fitted_law;
        let _ = writeln!(
            s,
            "paper's estimator: S = {} posterior samples (seed {}), mean {:.6}; fitted {:.4e} * chi'^2_{:.4}({:.4})",
            sm.samples, sm.seed, sm.sample_mean_error, f.scale, f.dof, f.noncentrality
        );
    }
    let t = &e.timing;
    let _ = writeln!(
        s,
        "time {:.2} s on {} threads: kernel {:.2}, posterior {:.2}, spectrum {:.2}, law {:.2}, 10x jitter {:.2}, sampling {:.2}, fit {:.2}",
        t.total_s, e.threads, t.kernel_s, t.posterior_s, t.spectrum_s, t.exact_law_s, t.jitter_check_s, t.sampling_s, t.fitting_s
    );
    for w in task
        .warnings
        .iter()
        .chain(e.warnings.iter().map(|w| &w.message))
    {
        let _ = writeln!(s, "warning: {w}");
    }
    s
}

/// The text of a trained-MLP space's estimate.
///
/// Lines: a title with the unit; the task; the network (architecture, float type); the
/// training (Adam settings, batch, epochs or the stopping rule); the hypotheses (S trained,
/// how many fit the training set and so enter p_h, how many were rejected, epochs used); the
/// test error over p_h (mean and range, MSE over N*k entries). Per target eps: the fitted law's
/// bits with their interval and resamples, the delta-method standard error, the fitted law
/// s * chi'^2_nu(lambda) and its log-likelihood in nats, the counted bits, and the nats the
/// paper's code would report. Then the sample-size advice (interval width against S), the
/// timing in seconds, and the warnings of the task and the estimate.
pub fn mlp(task: &TaskInfo, e: &MlpEstimate) -> String {
    let mut s = String::new();
    let t = &e.training;
    let _ = writeln!(s, "Inductive bias of a trained-MLP hypothesis space (unit: bits = -log2 P[test error <= eps])");
    let _ = writeln!(
        s,
        "  task        {}: n = {} train, N = {} test, k = {} outputs, d = {} inputs",
        task.name, e.n_train, e.n_test, e.outputs, e.input_dim
    );
    let precision = match e.precision {
        Precision::F64 => "f64",
        Precision::F32 => "f32",
    };
    let _ = writeln!(
        s,
        "  network     {}, {precision}",
        e.architecture_description
    );
    let stop = match t.stop_at_train_error() {
        Some(v) => format!(
            "up to {} epochs, stopping at training error <= {v}",
            t.max_epochs()
        ),
        None => format!("{} epochs", t.max_epochs()),
    };
    let _ = writeln!(
        s,
        "  training    Adam (lr {}, betas ({}, {})), batch {}, {stop}; MSE to one-hot targets",
        t.adam().learning_rate(),
        t.adam().beta1(),
        t.adam().beta2(),
        t.batch_size()
    );
    let _ = writeln!(
        s,
        "  hypotheses  S = {} trained (seed {}), {} fit the training set (training error <= {}), {} rejected; epochs used {}..{}",
        e.samples, e.seed, e.accepted, e.train_threshold, e.rejected, e.epochs_range[0], e.epochs_range[1]
    );
    let _ = writeln!(
        s,
        "  test error  mean {:.6} over p_h, range [{:.6}, {:.6}] (MSE over N*k entries)",
        e.mean_error, e.test_error_range[0], e.test_error_range[1]
    );
    for target in &e.targets {
        let f = &target.fitted;
        let _ = writeln!(s);
        let _ = writeln!(s, "eps = {:.6} ({})", target.eps, target.eps_rule);
        let resamples = f
            .bootstrap
            .as_ref()
            .map_or(String::new(), |b| format!("; {} resamples", b.replicates));
        let interval = match f.interval_bits {
            Some([lo, hi]) => format!(
                "  {:.0}% interval [{}, {}] ({}{resamples})",
                100.0 * f.count.proportion.confidence,
                bits(lo),
                bits(hi),
                f.interval_method()
            ),
            None => String::new(),
        };
        let _ = writeln!(s, "  fitted law     {} bits{interval}", bits(f.bits));
        if let Some(se) = f.stderr_bits {
            let _ = writeln!(
                s,
                "                 delta-method standard error {se:.4} bits"
            );
        }
        let _ = writeln!(
            s,
            "                 {:.4e} * chi'^2_{:.4}({:.4}), log-likelihood {:.3} nats",
            f.fit.scale, f.fit.dof, f.fit.noncentrality, f.fit.log_likelihood
        );
        counted(&mut s, &f.count, "errors", "");
        let _ = writeln!(
            s,
            "  paper's code   would report {:.4} nats{}",
            f.paper.nats,
            if f.paper.sankaran_fallback {
                " (via its Sankaran fallback)"
            } else {
                ""
            }
        );
    }
    if let Some(a) = &e.advice {
        let _ = writeln!(s);
        let widths: Vec<String> = a
            .widths
            .iter()
            .map(|(m, w)| format!("S = {m}: {w:.3}"))
            .collect();
        let _ = writeln!(
            s,
            "sample size (eps = {:.6}): interval width in bits {}",
            a.eps,
            widths.join(", ")
        );
        let _ = writeln!(
            s,
            "  width ~ S^{:.2} ({}); about {} hypotheses in p_h would halve it: train about {} more",
            a.exponent, a.basis, a.accepted_to_halve, a.additional_to_train
        );
    }
    let _ = writeln!(s);
    let tm = &e.timing;
    let _ = writeln!(
        s,
        "time {:.2} s on {} threads: training {:.2} s ({:.3} s per network per thread), fit and bootstrap {:.2} s",
        tm.total_s,
        e.threads,
        tm.training_s,
        tm.training_s * e.threads as f64 / e.samples.max(1) as f64,
        tm.fitting_s
    );
    for w in task
        .warnings
        .iter()
        .chain(e.warnings.iter().map(|w| &w.message))
    {
        let _ = writeln!(s, "warning: {w}");
    }
    s
}

/// The name of a bracket route, as JSON writes it.
fn route_name(route: ibits_stats::BracketRoute) -> &'static str {
    match route {
        ibits_stats::BracketRoute::Ruben => "Ruben's series",
        ibits_stats::BracketRoute::Inversion => "tilted inversion",
        ibits_stats::BracketRoute::BerryEsseen => "tilting + Berry-Esseen",
        ibits_stats::BracketRoute::UpperTail => "the upper-tail Chernoff bound",
        ibits_stats::BracketRoute::None => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_has_its_own_name() {
        let names: std::collections::BTreeSet<_> = [
            GpStage::Kernel,
            GpStage::Posterior,
            GpStage::Spectrum,
            GpStage::ExactLaw,
            GpStage::JitterCheck,
            GpStage::Sampling,
            GpStage::Fitting,
        ]
        .into_iter()
        .map(stage_name)
        .collect();
        assert_eq!(names.len(), 7);
    }
}
