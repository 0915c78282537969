//! Counting: the fraction of sampled errors at or below the target, with an exact binomial
//! (Clopper–Pearson) interval. The model-free check that a fitted law must agree with where
//! both are informative (bits below about log2 S).

use serde::Serialize;

use super::FitError;

/// Exact (Clopper–Pearson) confidence interval for a binomial proportion.
///
/// # Formula
/// ```text
/// lower = B^-1(α/2;     k,     S - k + 1)      (0 when k = 0)
/// upper = B^-1(1 - α/2; k + 1, S - k)          (1 when k = S)
/// ```
/// where k = `successes`, S = `trials`, α = 1 - `confidence` and B^-1(q; a, b) is the
/// q-quantile of the Beta(a, b) law (the inverse regularized incomplete beta function).
/// Closed forms at the ends: k = 0 gives upper = 1 - (α/2)^(1/S); k = S gives
/// lower = (α/2)^(1/S).
///
/// # Reference
/// Clopper & Pearson (1934), "The use of confidence or fiducial limits illustrated in the
/// case of the binomial", Biometrika 26(4), 404–413; Beta-quantile form: Brown, Cai &
/// DasGupta (2001), Statistical Science 16(2), 101–133, eq. (4).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClopperPearson {
    /// k, the number of successes.
    pub successes: usize,
    /// S, the number of trials.
    pub trials: usize,
    /// Two-sided confidence level, e.g. 0.95.
    pub confidence: f64,
    /// Point estimate k / S.
    pub estimate: f64,
    /// Lower confidence limit of the proportion.
    pub lower: f64,
    /// Upper confidence limit of the proportion.
    pub upper: f64,
}

/// The Clopper–Pearson interval for `successes` out of `trials` at level `confidence`.
///
/// # Errors
/// [`FitError::Confidence`] unless 0 < `confidence` < 1; [`FitError::Counts`] unless
/// 0 <= `successes` <= `trials` and `trials` >= 1.
pub fn clopper_pearson(
    successes: usize,
    trials: usize,
    confidence: f64,
) -> Result<ClopperPearson, FitError> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(FitError::Confidence(confidence));
    }
    if trials == 0 || successes > trials {
        return Err(FitError::Counts { successes, trials });
    }
    let half_alpha = 0.5 * (1.0 - confidence);
    let (k, s) = (successes as f64, trials as f64);
    let lower = if successes == 0 {
        0.0
    } else if successes == trials {
        half_alpha.powf(1.0 / s)
    } else {
        beta_quantile(half_alpha, k, s - k + 1.0)
    };
    let upper = if successes == trials {
        1.0
    } else if successes == 0 {
        -(half_alpha.ln() / s).exp_m1()
    } else {
        beta_quantile(1.0 - half_alpha, k + 1.0, s - k)
    };
    Ok(ClopperPearson {
        successes,
        trials,
        confidence,
        estimate: k / s,
        lower,
        upper,
    })
}

/// q-quantile of Beta(a, b): the p in [0, 1] with I_p(a, b) = q, by bisection on the
/// regularized incomplete beta function (monotone in p), run until the bracket cannot shrink
/// in f64. Bisection is slow but cannot fail, and a count needs only a handful of calls.
fn beta_quantile(q: f64, a: f64, b: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..2200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if statrs::function::beta::beta_reg(a, b, mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The counting estimate of P[e <= eps] from S sampled errors, in bits.
///
/// # Formula
/// ```text
/// k = #{ i : e_i <= eps },   p = k / S,   bits = -log2 p
/// interval_bits = [ -log2 upper, -log2 lower ]     (Clopper–Pearson limits of p)
/// ```
/// With k = 0 the point value and the upper end of the interval are +inf (JSON `null`): the
/// samples only say that the event is rarer than `upper`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CountEstimate {
    /// The target error eps.
    pub target: f64,
    /// The proportion and its Clopper–Pearson interval.
    pub proportion: ClopperPearson,
    /// -log2(k / S) in bits (+inf when k = 0).
    pub bits: f64,
    /// [-log2 upper, -log2 lower] in bits (the upper end is +inf when k = 0).
    pub interval_bits: [f64; 2],
}

/// Count the samples at or below `target` and attach the Clopper–Pearson interval.
///
/// # Errors
/// [`FitError::Confidence`] unless 0 < `confidence` < 1; [`FitError::Counts`] when `samples`
/// is empty.
pub fn count_below(
    samples: &[f64],
    target: f64,
    confidence: f64,
) -> Result<CountEstimate, FitError> {
    let below = samples.iter().filter(|&&e| e <= target).count();
    let proportion = clopper_pearson(below, samples.len(), confidence)?;
    Ok(CountEstimate {
        target,
        proportion,
        bits: -proportion.estimate.log2(),
        interval_bits: [-proportion.upper.log2(), -proportion.lower.log2()],
    })
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference digits are kept as printed.
mod tests {
    use super::*;

    // (k, S, lower, upper) at 95%: mpmath 1.3 (50 digits), bisection on betainc(regularized),
    // script in the module docs of tests/refs/clopper_pearson.py; scipy.stats.beta.ppf agrees.
    #[rustfmt::skip]
    const CP95: [(usize, usize, f64, f64); 11] = [
        (0, 10, 0.0, 0.30849710781876082),
        (1, 10, 0.0025285785444617845, 0.44501611702819542),
        (5, 10, 0.18708602844739853, 0.81291397155260147),
        (10, 10, 0.69150289218123918, 1.0),
        (0, 100, 0.0, 0.036216692645176419),
        (3, 100, 0.0062299715383063945, 0.085176052974280035),
        (50, 100, 0.39832112950330098, 0.60167887049669902),
        (1, 10000, 2.5317775934746866e-6, 0.00055703699794704741),
        (17, 10000, 0.00099061473299610476, 0.0027204739138855597),
        (9999, 10000, 0.99944296300205295, 0.99999746822240653),
        (0, 10000, 0.0, 0.0003688199146187623),
    ];

    #[test]
    fn matches_mpmath_reference_intervals() {
        for (k, s, lower, upper) in CP95 {
            let cp = clopper_pearson(k, s, 0.95).unwrap();
            approx::assert_relative_eq!(cp.lower, lower, max_relative = 1e-10);
            approx::assert_relative_eq!(cp.upper, upper, max_relative = 1e-10);
            approx::assert_relative_eq!(cp.estimate, k as f64 / s as f64, max_relative = 1e-15);
        }
    }

    // Closed forms: k = 0 -> upper = 1 - (α/2)^(1/S); k = S -> lower = (α/2)^(1/S).
    #[test]
    fn matches_closed_forms_at_the_ends() {
        for s in [10usize, 37, 1000] {
            let want = 1.0 - 0.025_f64.powf(1.0 / s as f64);
            approx::assert_relative_eq!(
                clopper_pearson(0, s, 0.95).unwrap().upper,
                want,
                max_relative = 1e-12
            );
            approx::assert_relative_eq!(
                clopper_pearson(s, s, 0.95).unwrap().lower,
                0.025_f64.powf(1.0 / s as f64),
                max_relative = 1e-12
            );
        }
    }

    #[test]
    fn counting_reports_bits_and_interval() {
        let samples: Vec<f64> = (1..=100).map(|i| i as f64).collect();
        let count = count_below(&samples, 3.0, 0.95).unwrap();
        assert_eq!(count.proportion.successes, 3);
        approx::assert_relative_eq!(count.bits, -(0.03_f64).log2(), max_relative = 1e-14);
        approx::assert_relative_eq!(
            count.interval_bits[0],
            -(0.085176052974280035_f64).log2(),
            max_relative = 1e-10
        );
        let none = count_below(&samples, 0.5, 0.95).unwrap();
        assert_eq!(none.bits, f64::INFINITY);
        assert_eq!(none.interval_bits[1], f64::INFINITY);
    }

    #[test]
    fn rejects_bad_confidence_and_counts() {
        assert!(matches!(
            clopper_pearson(1, 10, 1.0),
            Err(FitError::Confidence(_))
        ));
        assert!(matches!(
            clopper_pearson(1, 10, f64::NAN),
            Err(FitError::Confidence(_))
        ));
        assert!(matches!(
            clopper_pearson(11, 10, 0.95),
            Err(FitError::Counts { .. })
        ));
        assert!(matches!(
            clopper_pearson(0, 0, 0.95),
            Err(FitError::Counts { .. })
        ));
    }
}
