//! The text of `ibits estimate --space mlp`: the trained-network hypothesis space.
//!
//! S MLPs are trained from independent initialisations and data orders (in parallel on all
//! cores; the result does not depend on the number of threads), the ones whose training error
//! exceeds `--train-threshold` are counted and left out of p_h, and the paper's scaled
//! non-central chi-squared is fitted to the rest: bits with a bootstrap interval, the
//! model-free count, the paper-compatible value in nats, and how many more hypotheses would
//! halve the interval.

use std::fmt::Write as _;

use ibits::mlp_space::MlpEstimate;
use ibits::nn::Precision;

use super::estimate::TaskInfo;

pub(crate) fn bits_text(b: f64) -> String {
    if b.is_finite() {
        format!("{b:.4}")
    } else {
        "inf".to_string()
    }
}

/// The human-readable summary.
pub(crate) fn render(task: &TaskInfo, e: &MlpEstimate) -> String {
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
                bits_text(lo),
                bits_text(hi),
                f.interval_method()
            ),
            None => String::new(),
        };
        let _ = writeln!(s, "  fitted law     {} bits{interval}", bits_text(f.bits));
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
        let c = &f.count;
        let (k, n) = (c.proportion.successes, c.proportion.trials);
        if k == 0 {
            let _ = writeln!(
                s,
                "  counted        >= {} bits (0 of {n} errors <= eps)",
                bits_text(c.interval_bits[0])
            );
        } else {
            let _ = writeln!(
                s,
                "  counted        {} bits  ({k} of {n} errors <= eps; [{}, {}])",
                bits_text(c.bits),
                bits_text(c.interval_bits[0]),
                bits_text(c.interval_bits[1])
            );
        }
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
