//! The maximum-likelihood fit of the fitted path, checked against scipy and against the law's
//! own (independent, Poisson-mixture) density.

use ibits_stats::fit::{fit_ncx2, sample_ncx2, FitError};
use ibits_stats::Ncx2;

/// ℓ = Σ ln f(x_i) with the law's Poisson-mixture density (not the fit's Bessel kernel).
fn log_likelihood(samples: &[f64], dof: f64, nc: f64, scale: f64) -> f64 {
    let law = Ncx2::scaled(dof, nc, scale).unwrap();
    samples.iter().map(|&x| law.log_pdf(x)).sum()
}

#[derive(serde::Deserialize)]
struct Case {
    law: [f64; 3],
    samples: Vec<f64>,
    scipy: ScipyFit,
}

#[derive(serde::Deserialize)]
struct ScipyFit {
    df: f64,
    nc: f64,
    scale: f64,
    log_likelihood: f64,
}

#[derive(serde::Deserialize)]
struct Cases {
    cases: Vec<Case>,
}

// scipy.stats.ncx2.fit(x, floc=0) on numpy samples of 5 laws x S = 100, 1000:
// tests/refs/fit_scipy_mle.py (scipy 1.17.1). The fit must reach at least scipy's maximised
// log-likelihood (evaluated both by scipy and by the law's own density at scipy's parameters)
// and at least the likelihood of the true parameters.
#[test]
fn likelihood_is_at_least_scipys_and_the_truths() {
    let cases: Cases =
        serde_json::from_str(include_str!("refs/fit_scipy_mle.json")).expect("reference JSON");
    assert_eq!(cases.cases.len(), 10);
    for case in &cases.cases {
        let fit = fit_ncx2(&case.samples).unwrap();
        let ours = log_likelihood(&case.samples, fit.dof, fit.noncentrality, fit.scale);
        approx::assert_relative_eq!(
            ours,
            fit.log_likelihood,
            max_relative = 1e-11,
            epsilon = 1e-9
        );
        let at_scipy = log_likelihood(
            &case.samples,
            case.scipy.df,
            case.scipy.nc,
            case.scipy.scale,
        );
        approx::assert_relative_eq!(at_scipy, case.scipy.log_likelihood, max_relative = 1e-9);
        let [dof, nc, scale] = case.law;
        let at_truth = log_likelihood(&case.samples, dof, nc, scale);
        assert!(
            fit.log_likelihood >= at_scipy - 1e-9 && fit.log_likelihood >= at_truth - 1e-9,
            "law {:?}, S = {}: ours {} < scipy {} or truth {}",
            case.law,
            case.samples.len(),
            fit.log_likelihood,
            at_scipy,
            at_truth
        );
        assert!(
            fit.converged,
            "law {:?}, S = {}",
            case.law,
            case.samples.len()
        );
    }
}

// The observed information is -∂²ℓ/∂p∂q in (ν, λ, s): compare with a central-difference
// Hessian of the law's own log-density in those natural coordinates (relative steps 1e-3).
#[test]
fn observed_information_matches_an_independent_hessian() {
    let samples = sample_ncx2(20.0, 200.0, 1.0, 3000, 7).unwrap();
    let fit = fit_ncx2(&samples).unwrap();
    assert!(!fit.at_boundary, "this sample has an interior optimum");
    let info = fit.observed_information.expect("negative-definite Hessian");
    let p = [fit.dof, fit.noncentrality, fit.scale];
    let h = [1e-3 * p[0], 1e-3 * p[1], 1e-3 * p[2]];
    let ll = |q: [f64; 3]| log_likelihood(&samples, q[0], q[1], q[2]);
    for i in 0..3 {
        for j in 0..3 {
            let mut corners = 0.0;
            for (si, sj, sign) in [
                (1.0, 1.0, 1.0),
                (1.0, -1.0, -1.0),
                (-1.0, 1.0, -1.0),
                (-1.0, -1.0, 1.0),
            ] {
                let mut q = p;
                q[i] += si * h[i];
                q[j] += sj * h[j];
                corners += sign * ll(q);
            }
            let hessian = corners / (4.0 * h[i] * h[j]);
            let scale = (info[i][i] * info[j][j]).sqrt();
            assert!(
                (info[i][j] + hessian).abs() <= 0.02 * scale,
                "entry ({i}, {j}): fit {} vs independent {}",
                info[i][j],
                -hessian
            );
        }
    }
}

#[test]
fn rejects_bad_samples_naming_the_index() {
    let mut samples = vec![1.0; 12];
    samples[3] = 2.0;
    assert_eq!(
        fit_ncx2(&samples[..9]),
        Err(FitError::TooFewSamples { got: 9, min: 10 })
    );
    samples[5] = f64::NAN;
    assert!(matches!(
        fit_ncx2(&samples),
        Err(FitError::NonFiniteSample { index: 5, .. })
    ));
    samples[5] = -0.5;
    assert!(matches!(
        fit_ncx2(&samples),
        Err(FitError::NonPositiveSample { index: 5, .. })
    ));
    assert!(matches!(
        fit_ncx2(&[0.3; 20]),
        Err(FitError::ConstantSamples { count: 20, .. })
    ));
}
