//! The saddlepoint density of the generalized chi-squared against independent values: the
//! exact central chi-squared (where the saddlepoint density is exact up to Stirling's ratio, a
//! constant) and the scaled non-central chi-squared's Poisson-mixture density.

use ibits_stats::special::ln_gamma;
use ibits_stats::{Gx2, Ncx2};

/// ln of Γ(a) / (√(2π) a^(a-1/2) e^(-a)), a = ν/2: the constant ratio f̂/f for χ²_ν.
fn ln_stirling_ratio(dof: f64) -> f64 {
    let a = 0.5 * dof;
    ln_gamma(a) - 0.5 * (2.0 * std::f64::consts::PI).ln() - (a - 0.5) * a.ln() + a
}

#[test]
fn central_chi_squared_is_exact_up_to_stirlings_ratio() {
    for (dof, scale) in [(1.0, 1.0), (4.0, 0.25), (30.0, 3.0), (1000.0, 1e-3)] {
        let law = Gx2::new(&[scale], &[dof], &[0.0], 0.0).unwrap();
        let exact = Ncx2::scaled(dof, 0.0, scale).unwrap();
        let mean = dof * scale;
        // From the far lower tail (density ~ 1e-1000 for dof = 1000) to the upper tail.
        for r in [1e-6, 0.01, 0.3, 1.0, 2.5] {
            let x = r * mean;
            let diff = law.saddlepoint_log_pdf(x) - exact.log_pdf(x);
            let want = ln_stirling_ratio(dof);
            assert!(
                (diff - want).abs() < 1e-9 * (1.0 + exact.log_pdf(x).abs()),
                "dof {dof}, x {x}: ln f̂ - ln f = {diff}, Stirling ratio {want}"
            );
        }
    }
}

#[test]
fn noncentral_chi_squared_agrees_to_order_one_over_dof() {
    // One term with multiplicity ν and non-centrality λ is s·χ'²_ν(λ).
    for (dof, nc, scale) in [
        (200.0, 50.0, 1.0),
        (1000.0, 500.0, 0.01),
        (50.0, 400.0, 2.0),
    ] {
        let law = Gx2::new(&[scale], &[dof], &[nc], 0.0).unwrap();
        let exact = Ncx2::scaled(dof, nc, scale).unwrap();
        let mean = (dof + nc) * scale;
        for r in [1e-3, 0.1, 0.5, 1.0, 1.5] {
            let x = r * mean;
            let (approx, reference) = (law.saddlepoint_log_pdf(x), exact.log_pdf(x));
            assert!(
                (approx - reference).abs() < 0.5 / dof.min(nc + dof),
                "(ν, λ, s) = ({dof}, {nc}, {scale}), x = {x}: {approx} vs {reference}"
            );
        }
    }
}

#[test]
fn density_outside_the_support_and_at_nan() {
    let law = Gx2::new(&[1.0, 0.5], &[2.0, 3.0], &[1.0, 0.0], 0.25).unwrap();
    assert_eq!(law.saddlepoint_log_pdf(0.25), f64::NEG_INFINITY);
    assert_eq!(law.saddlepoint_log_pdf(-1.0), f64::NEG_INFINITY);
    assert_eq!(law.saddlepoint_log_pdf(f64::INFINITY), f64::NEG_INFINITY);
    assert!(law.saddlepoint_log_pdf(f64::NAN).is_nan());
    // Integrates to about 1 (trapezoid on a fine grid; the approximation is not normalised,
    // but for five degrees of freedom it is within a few per cent).
    let (lo, hi, steps) = (0.25, 40.0, 40_000);
    let h = (hi - lo) / steps as f64;
    let total: f64 = (1..steps)
        .map(|i| law.saddlepoint_log_pdf(lo + i as f64 * h).exp() * h)
        .sum();
    assert!((total - 1.0).abs() < 0.05, "integral {total}");
}
