//! Generalized chi-squared limits and edge cases: the small-ball limit, the offset and
//! zero-weight handling, boundary values, monotonicity and the switch to the near-mean
//! expansion of the saddlepoint.

use ibits_stats::{Gx2, Gx2Method, RubenOptions, SaddlepointFormula};

fn ten_terms(noncentral: bool) -> Gx2 {
    let weights = [1.0, 0.8, 0.55, 0.5, 0.31, 0.3, 0.22, 0.15, 0.12, 0.1];
    let multiplicities = [1.0, 2.0, 1.0, 1.0, 3.0, 1.0, 2.0, 1.0, 1.0, 2.0];
    let noncentralities = if noncentral {
        [0.5, 0.0, 2.0, 1.0, 0.0, 0.3, 4.0, 0.0, 0.1, 1.5]
    } else {
        [0.0; 10]
    };
    Gx2::new(&weights, &multiplicities, &noncentralities, 0.0).unwrap()
}

#[test]
fn small_ball_limit_matches_ruben_near_the_offset() {
    // ln F = small_ball + O(x - offset): the difference shrinks linearly with x.
    for noncentral in [false, true] {
        let law = ten_terms(noncentral);
        let mut previous = f64::INFINITY;
        for x in [1e-2, 1e-4, 1e-6, 1e-8] {
            let exact = law.ruben_log_cdf(x, &RubenOptions::default());
            assert!(exact.converged);
            let gap = (law.small_ball_log_cdf(x) - exact.log_cdf).abs();
            assert!(gap < 0.5 * previous + 1e-12, "x = {x}: gap {gap}");
            previous = gap;
        }
        assert!(previous < 1e-6);
    }
}

#[test]
fn small_ball_is_an_upper_bound_for_central_laws() {
    let law = ten_terms(false);
    for frac in [1e-3, 0.05, 0.3, 1.0] {
        let x = frac * law.mean();
        assert!(
            law.small_ball_log_cdf(x) >= law.log_cdf(x).ln_cdf,
            "x = {x}"
        );
    }
}

#[test]
fn offset_shifts_the_law() {
    let plain = ten_terms(true);
    let shifted = Gx2::new(
        plain.weights(),
        plain.multiplicities(),
        plain.noncentralities(),
        2.5,
    )
    .unwrap();
    assert!((shifted.mean() - plain.mean() - 2.5).abs() < 1e-12);
    assert!((shifted.variance() - plain.variance()).abs() < 1e-12);
    for x in [0.01, 0.5, 2.0, 6.0] {
        let a = plain.log_cdf(x);
        let b = shifted.log_cdf(x + 2.5);
        assert!((a.ln_cdf - b.ln_cdf).abs() < 1e-11 * a.ln_cdf.abs().max(1.0));
        assert!(
            (a.saddlepoint_ln_cdf - b.saddlepoint_ln_cdf).abs() < 1e-9 * a.ln_cdf.abs().max(1.0)
        );
        assert!((a.chernoff_ln_bound - b.chernoff_ln_bound).abs() < 1e-9 * a.ln_cdf.abs().max(1.0));
    }
}

#[test]
fn zero_weights_become_a_deterministic_offset() {
    // GP parametrization: w = l/(N k), c = Σ B²/(N k); the direction with l = 0 and the one at
    // 1e-17 of the largest weight contribute their c to the offset.
    let weights = [0.9, 0.4, 0.0, 0.25, 3e-17];
    let multiplicities = [2.0; 5];
    let weighted = [0.3, 0.0, 0.7, 0.1, 0.05];
    let law =
        Gx2::from_weighted_noncentralities(&weights, &multiplicities, &weighted, 0.0).unwrap();
    assert_eq!(law.num_terms(), 3);
    assert!((law.offset() - 0.75).abs() < 1e-15);
    let explicit = Gx2::new(
        &[0.9, 0.4, 0.25],
        &[2.0, 2.0, 2.0],
        &[0.3 / 0.9, 0.0, 0.1 / 0.25],
        0.75,
    )
    .unwrap();
    for x in [0.76, 1.0, 2.0, 5.0] {
        let a = law.log_cdf(x).ln_cdf;
        let b = explicit.log_cdf(x).ln_cdf;
        assert!((a - b).abs() < 1e-13 * a.abs().max(1.0), "x = {x}");
    }
    // Below the offset the probability is exactly 0.
    let below = law.log_cdf(0.75);
    assert_eq!(below.ln_cdf, f64::NEG_INFINITY);
    assert_eq!(below.method, Gx2Method::Exact);
    assert_eq!(law.chernoff_log_cdf_bound(0.5), f64::NEG_INFINITY);
    assert_eq!(law.small_ball_log_cdf(0.5), f64::NEG_INFINITY);
}

#[test]
fn boundary_values() {
    let law = ten_terms(true);
    let at_infinity = law.log_cdf(f64::INFINITY);
    assert_eq!(at_infinity.ln_cdf, 0.0);
    assert_eq!(at_infinity.method, Gx2Method::Exact);
    assert_eq!(law.log_cdf(0.0).ln_cdf, f64::NEG_INFINITY);
    assert_eq!(law.log_cdf(-1.0).ln_cdf, f64::NEG_INFINITY);
    assert!(law.log_cdf(f64::NAN).ln_cdf.is_nan());
    assert_eq!(law.saddlepoint(f64::INFINITY).log_sf, f64::NEG_INFINITY);
    assert_eq!(law.saddlepoint(-3.0).log_sf, 0.0);
}

#[test]
fn cdf_is_monotone_and_tails_are_consistent() {
    let law = ten_terms(true);
    let mut previous = f64::NEG_INFINITY;
    for i in 1..200 {
        let x = law.mean() * 3.0 * f64::from(i) / 200.0;
        let saddle = law.saddlepoint(x);
        assert!(saddle.log_cdf > previous, "x = {x}");
        previous = saddle.log_cdf;
        // F + (1 - F) = 1.
        let total = saddle.log_cdf.exp() + saddle.log_sf.exp();
        assert!((total - 1.0).abs() < 1e-12, "x = {x}");
    }
}

#[test]
fn saddlepoint_is_continuous_across_the_near_mean_switch() {
    // |ŵ| < 1e-3 uses the expansion of the bracket around the mean; just outside it the
    // full formula. Across the switch F moves by about φ(0)·Δx/σ (Δx = 2e-6 σ here).
    let law = ten_terms(true);
    let sd = law.variance().sqrt();
    for side in [-1.0, 1.0] {
        let inside = law.saddlepoint(law.mean() + side * 0.999e-3 * sd);
        let outside = law.saddlepoint(law.mean() + side * 1.001e-3 * sd);
        assert_eq!(inside.formula, SaddlepointFormula::NearMean);
        assert_eq!(
            outside.formula,
            SaddlepointFormula::LugannaniRiceSecondOrder
        );
        let jump = (inside.log_cdf.exp() - outside.log_cdf.exp()).abs();
        let expected = 0.398_942 * 2e-6;
        assert!(jump < 3.0 * expected, "jump {jump}");
    }
    let at_mean = law.saddlepoint(law.mean());
    let exact = law.ruben_log_cdf(law.mean(), &RubenOptions::default());
    assert!(exact.converged);
    assert!((at_mean.log_cdf - exact.log_cdf).abs() / std::f64::consts::LN_2 < 0.01);
}

#[test]
fn extreme_depths_stay_finite() {
    // 1e-200 above the offset: ~1.5e4 bits for 10 terms, handled by the saddlepoint (or the
    // small-ball limit if the root overflowed), never -∞, and matching Ruben.
    let law = ten_terms(true);
    for x in [1e-50, 1e-200, 1e-300] {
        let result = law.log_cdf(x);
        assert!(result.ln_cdf.is_finite());
        let ruben = result.ruben_ln_cdf.unwrap();
        assert!((result.saddlepoint_ln_cdf - ruben).abs() / std::f64::consts::LN_2 < 0.01);
    }
}
