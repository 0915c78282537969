#![allow(clippy::excessive_precision)] // mpmath reference digits are kept as printed.
//! Issue 13: the non-central chi-squared law answers in bounded time for every finite input and
//! is right there.
//!
//! Independent values: for one degree of freedom `X = (Z + √λ)²`, so
//! `F(x) = Φ(√x - √λ) - Φ(-√x - √λ)` and `1 - F(x) = Φ(√λ - √x) + Φ(-√x - √λ)` (Johnson, Kotz &
//! Balakrishnan 1995, vol. 2, eq. 29.1); the numbers below are that closed form in mpmath at 80
//! digits. Elsewhere: the generalized chi-squared saddlepoint of the one-term law and the normal
//! limit, where their own error is known to be small (tolerances at the property test).

mod common;

use std::time::{Duration, Instant};

use ibits_stats::special::log_ndtr;
use ibits_stats::{Gx2, Ncx2, SaddlepointFormula};
use proptest::prelude::*;

use common::{assert_relative, within, ANSWER_WITHIN};

/// ln ½, the value at the median of a symmetric-looking bulk.
const LN_HALF: f64 = -std::f64::consts::LN_2;

/// Relative tolerance against the 80-digit closed form: a few ulps of accumulated rounding.
const CLOSED_FORM_REL_TOL: f64 = 1e-14;

/// The bound per call asserted by the property test. One call takes at most about 2 ms in an
/// optimised build (the exact sums are capped at ~10^4 terms); the margin is for a loaded
/// machine.
const CALL_BUDGET: Duration = Duration::from_millis(10);

/// `(ln F(x), ln(1 - F(x)))` of `s · χ'²_df(nc)`, evaluated on a thread that is given
/// [`ANSWER_WITHIN`] to answer.
fn tails_within(df: f64, nc: f64, scale: f64, x: f64) -> (f64, f64) {
    within(
        format!("ncx2 df {df:e} nc {nc:e} scale {scale:e} x {x:e}"),
        move || {
            let law = Ncx2::scaled(df, nc, scale).expect("valid parameters");
            (law.log_cdf(x), law.log_sf(x))
        },
    )
}

#[test]
fn issue13_huge_x_answers_with_the_upper_tail() {
    // df 1, nc 1: ln(1 - F) from the closed form (mpmath, 80 digits); ln F = -(1 - F) rounds
    // to -0.
    for (x, log_sf) in [
        (1e40, -5.000_000_000_000_000_151_8e39),
        (1e50, -5.000_000_000_000_000_381_5e49),
        (1e100, -5.000_000_000_000_000_079_5e99),
        (1e308, -5.000_000_000_000_000_054_9e307),
    ] {
        let (lower, upper) = tails_within(1.0, 1.0, 1.0, x);
        assert_eq!(lower, 0.0, "ln F({x:e})");
        assert!(lower <= 0.0);
        assert_relative(
            upper,
            log_sf,
            CLOSED_FORM_REL_TOL,
            &format!("ln(1-F)({x:e})"),
        );
    }
}

#[test]
fn issue13_tiny_scale_with_huge_x() {
    // x/s = 1e600 overflows: F = 1 and 1 - F = e^(-5e599) to f64.
    let (lower, upper) = tails_within(1.0, 1.0, 1e-300, 1e300);
    assert_eq!(lower, 0.0);
    assert_eq!(upper, f64::NEG_INFINITY);
}

#[test]
fn issue13_huge_noncentrality_at_small_x() {
    // F(1) = Φ(1 - 1e150) - Φ(-1 - 1e150): ln F = -(1e150 - 1)²/2 - ln(1e150 - 1) - ½ ln 2π
    // + O(1e-300), which is -5e299 to f64.
    let (lower, upper) = tails_within(1.0, 1e300, 1.0, 1.0);
    assert_relative(lower, -5e299, CLOSED_FORM_REL_TOL, "ln F");
    assert_eq!(upper, 0.0);
}

#[test]
fn issue13_huge_noncentrality_at_the_mean_is_one_half() {
    // x = λ (the mean λ + 1 to f64): F = Φ(0) - Φ(-2√λ) = ½ to f64 precision. The old code
    // gave -1.6792 at 1e13, -2.079 at 3e13 and -0.043 at 1e16, and ran > 20 s at 1e17.
    for nc in [5e12, 1e13, 3e13, 1e16, 1e17] {
        let start = Instant::now();
        let (lower, upper) = tails_within(1.0, nc, 1.0, nc);
        assert_relative(
            lower,
            LN_HALF,
            CLOSED_FORM_REL_TOL,
            &format!("ln F, nc {nc:e}"),
        );
        assert_relative(
            upper,
            LN_HALF,
            CLOSED_FORM_REL_TOL,
            &format!("ln(1-F), nc {nc:e}"),
        );
        assert!(start.elapsed() < ANSWER_WITHIN);
    }
}

#[test]
fn issue13_huge_noncentrality_one_standard_deviation_out() {
    // df 1, nc 1e13, x = nc ± sd with sd = √(2 + 4λ) (about one standard deviation out):
    // ln F from the closed form in mpmath at the f64 values of x.
    let nc: f64 = 1e13;
    let sd = (2.0 + 4.0 * nc).sqrt();
    let law = Ncx2::new(1.0, nc).unwrap();
    for (x, want) in [
        (nc - sd, -1.841_021_886_148_560_5),
        (nc + sd, -0.172_753_824_498_091_42),
    ] {
        assert_relative(law.log_cdf(x), want, 1e-12, &format!("ln F({x:e})"));
    }
}

#[test]
fn issue13_central_law_with_huge_degrees_of_freedom() {
    // χ²_ν with ν = 1e200: at the mean ln F = ln ½ to f64; at a tenth of the mean the leading
    // large-deviation term a (r - 1 - ln r), a = ν/2, r = 0.1, fixes ln F to 1e-14 relative
    // (the rest is O(ln ν)).
    let (at_mean, _) = tails_within(1e200, 0.0, 1.0, 1e200);
    assert_relative(at_mean, LN_HALF, 1e-15, "ln F at the mean");
    let (tenth, upper) = tails_within(1e200, 0.0, 1.0, 1e199);
    let rate = 0.5e200 * (0.1 - 1.0 - 0.1_f64.ln());
    assert_relative(tenth, -rate, 1e-14, "ln F at a tenth of the mean");
    assert_eq!(upper, 0.0);
}

/// Log-uniform on [1e-300, 1e300].
fn log_uniform() -> impl Strategy<Value = f64> {
    (-300.0f64..300.0).prop_map(|e| 10f64.powf(e))
}

/// Log-uniform on [1e-3, 1e9], where the exact sums hand over to the saddlepoint.
fn moderate() -> impl Strategy<Value = f64> {
    (-3.0f64..9.0).prop_map(|e| 10f64.powf(e))
}

/// Index of the largest term of the density mixture, `(√(a² + 4μy) - a)/2`, plus the shape `a`:
/// the size that makes the law normal-like (the saddlepoint error is O(1/size²)).
fn effective_size(a: f64, mu: f64, y: f64) -> f64 {
    let s = 2.0 * mu.sqrt() * y.sqrt();
    let d = a.hypot(s);
    a + (s / (a + d)) * (0.5 * s)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Every call answers within [`CALL_BUDGET`]; values are ≤ 0, finite or exactly the limit
    /// f64 forces (`-∞` only where `x/(2s)` under- or overflows, or where the other tail is 1
    /// to f64); ln F is non-decreasing and ln(1 - F) non-increasing in x; and they agree with
    /// the generalized chi-squared saddlepoint and the normal limit where those are accurate.
    #[test]
    fn issue13_bounded_time_and_right_values(
        df in log_uniform(),
        nc in prop_oneof![Just(0.0), log_uniform()],
        scale in log_uniform(),
        x in log_uniform(),
        step in -12.0f64..1.0,
    ) {
        check_point(df, nc, scale, x, step)?;
    }

    /// The same checks in the bulk, where log-uniform x rarely falls: x = mean + k sd, with
    /// parameters also from the range where the exact sums hand over.
    #[test]
    fn issue13_bounded_time_and_right_values_in_the_bulk(
        df in prop_oneof![log_uniform(), moderate()],
        nc in prop_oneof![Just(0.0), log_uniform(), moderate()],
        scale in log_uniform(),
        k in -40.0f64..40.0,
        step in -16.0f64..-1.0,
    ) {
        let mean = df + nc;
        let unscaled = mean + k * (2.0 * (df + 2.0 * nc)).sqrt();
        // Below zero (small laws far out), take a thousandth of the mean; past f64, 1e300.
        let x = scale * if unscaled > 0.0 { unscaled } else { 1e-3 * mean };
        let x = if x > 0.0 && x.is_finite() { x } else { 1e300 };
        check_point(df, nc, scale, x, step)?;
    }
}

/// The checks of the property tests at `x` and `x (1 + 10^step)`.
fn check_point(df: f64, nc: f64, scale: f64, x: f64, step: f64) -> Result<(), TestCaseError> {
    {
        let law = Ncx2::scaled(df, nc, scale).unwrap();
        let x2 = x * (1.0 + 10f64.powf(step));
        let mut values = [0.0; 4];
        for (k, &point) in [x, x2].iter().enumerate() {
            // The fastest of three tries, so that a descheduled thread on a loaded machine does
            // not count as work.
            let mut fastest = Duration::MAX;
            for _ in 0..3 {
                let start = Instant::now();
                values[2 * k] = law.log_cdf(point);
                values[2 * k + 1] = law.log_sf(point);
                fastest = fastest.min(start.elapsed());
            }
            prop_assert!(fastest < CALL_BUDGET, "{law:?} at {point:e}: {fastest:?}");
        }
        let [f1, s1, f2, s2] = values;
        let y = 0.5 * (x / scale);
        for (value, name) in [
            (f1, "ln F"),
            (s1, "ln(1-F)"),
            (f2, "ln F(x2)"),
            (s2, "ln(1-F)(x2)"),
        ] {
            prop_assert!(
                !value.is_nan() && value <= 0.0,
                "{law:?} at {x:e}: {name} = {value}"
            );
        }
        if y > 0.0 && y.is_finite() {
            // -∞ only where the other tail is 1 to f64 (then this one is below e^-700).
            prop_assert!(f1.is_finite() || s1 == 0.0, "{law:?} at {x:e}: {f1} {s1}");
            prop_assert!(s1.is_finite() || f1 == 0.0, "{law:?} at {x:e}: {f1} {s1}");
        }
        // Monotone, allowing 1e-12 relative between the regimes (each accurate to ~1e-13), and
        // for a tail near 1 (its log ≈ -(other tail)), the absolute error of the other tail's log,
        // ~1e-13 of it (the regimes' accuracy; a log near -443 carries 9e-12 between two points
        // one ulp apart: the saved case df 168726.8, nc 0.0398, 30.7 sd above the mean), as a
        // relative error.
        let slack = |value: f64, other: f64| value.abs() * (1e-12 + 1e-13 * other.abs().min(1e300));
        prop_assert!(
            f2 >= f1 || f2 >= f1 - slack(f1, s1),
            "{law:?}: ln F {f1:e} at {x:e} > {f2:e} at {x2:e}"
        );
        prop_assert!(
            s2 <= s1 || s2 <= s1 + slack(s1, f1),
            "{law:?}: ln(1-F) {s1:e} at {x:e} < {s2:e} at {x2:e}"
        );

        // Agreement with the saddlepoint of the one-term generalized chi-squared law, where it
        // is accurate:
        // - its error in ln(tail) is O(1/size²) nats (Daniels' second order; `size` is the
        //   shape plus the index of the largest mixture term), so it is compared from size 100
        //   on with 1/size² nats plus 1e-12 relative (the accuracy of this law's own methods);
        // - it solves K'(t) = x through ln K'(t) - ln x, which resolves x only to about an ulp
        //   of ln x (≤ 2e-14 relative for x in f64): a shift of 2e-14 mean/sd standard
        //   deviations, which moves ln(tail) by that times its slope, at most 1 + |z|;
        // - only in its solvable range: ν, λ ≤ 1e150 (it squares them) and x/mean in
        //   [1e-6, 1e6] (beyond, its bracket rounds to the pole or to small-ball).
        let (a, mu) = (0.5 * df, 0.5 * nc);
        let size = effective_size(a, mu, y);
        let variance = a + 2.0 * mu;
        // y - a - μ with the larger part first, so that a below the rounding of y still counts.
        let displacement = if mu > a { (y - mu) - a } else { (y - a) - mu };
        let standardized = displacement / variance.sqrt();
        let z = x / scale;
        let ratio = z / (df + nc);
        if size >= 100.0 && df <= 1e150 && nc <= 1e150 && (1e-6..=1e6).contains(&ratio) {
            let gx2 = Gx2::new(&[1.0], &[df], &[nc], 0.0).unwrap().saddlepoint(z);
            if matches!(
                gx2.formula,
                SaddlepointFormula::LugannaniRiceSecondOrder | SaddlepointFormula::NearMean
            ) {
                // Compare the smaller tail, which carries the information.
                let (got, want) = if f1 < s1 {
                    (f1, gx2.log_cdf)
                } else {
                    (s1, gx2.log_sf)
                };
                let resolution = 2e-14 * ((a + mu) / variance.sqrt()) * (1.0 + standardized.abs());
                let tol = 1.0 / (size * size) + 1e-12 * want.abs() + resolution;
                prop_assert!(
                    (got - want).abs() <= tol,
                    "{law:?} at {x:e} (size {size:e}): {got:e} vs saddlepoint {want:e}"
                );
            }
        }
        // The normal limit where the skewness √8 (ν + 3λ)/(ν + 2λ)^(3/2) is negligible.
        if variance > 1e30 && standardized.abs() < 30.0 {
            let want = log_ndtr(standardized);
            let skewness = 8f64.sqrt() / variance.sqrt();
            let tol = 1e-13 * want.abs() + 10.0 * skewness * (1.0 + standardized * standardized);
            prop_assert!(
                (f1 - want).abs() <= tol,
                "{law:?} at {x:e}: {f1:e} vs normal {want:e}"
            );
        }
    }
    Ok(())
}

/// Tiny degrees of freedom and non-centrality (ν = λ, so `a = μ` down to 5e-301): the j = 0
/// term of `1 - F = Σ_j Pois(j; λ/2) Q(ν/2 + j, x/2)`, `Q(a, y) ≈ a E1(y)`, is as large as the
/// j = 1 term `μ Q(1 + a, y)`, and was dropped when `a + j - 1` rounded to 0 at j = 1.
///
/// `(ν = λ, x, ln F(x), ln(1 - F(x)))` from mpmath with `mp.dps = 50`, the parameters taken as
/// the exact f64 values, by
/// `S = nsum_{j=0..59} exp(-λ/2) (λ/2)^j / j! · gammainc(ν/2 + j, x/2, inf, regularized=True)`,
/// `ln(1 - F) = log(S)`, `ln F = log1p(-S)`.
#[rustfmt::skip]
const TINY_SHAPE_AND_NONCENTRALITY: [(f64, f64, f64, f64); 9] = [
    (1e-300, 0.1,  -1.7095639565053442044e-300, -690.23928955641189972),
    (1e-300, 1.0,  -5.8315212724439713229e-301, -691.31483508621428847),
    (1e-300, 10.0, -3.9431212951803965458e-303, -696.31131056061767798),
    (1e-100, 0.1,  -1.7095639565053441958e-100, -229.72227095760276292),
    (1e-100, 1.0,  -5.8315212724439712933e-101, -230.79781648740515167),
    (1e-100, 10.0, -3.9431212951803965258e-103, -235.79429196180854118),
    (1e-10,  0.1,  -1.7095639565258830926e-10,  -22.489612588212115444),
    (1e-10,  1.0,  -5.831521272631862368e-11,   -23.565158117937977807),
    (1e-10,  10.0, -3.9431212959534988999e-13,  -28.561633592148563221),
];

#[test]
fn tiny_shape_and_noncentrality_keep_the_j0_term() {
    for &(nu, x, want_cdf, want_sf) in &TINY_SHAPE_AND_NONCENTRALITY {
        let (log_cdf, log_sf) = tails_within(nu, nu, 1.0, x);
        let what = format!("nu = lambda = {nu:e}, x = {x}");
        assert_relative(log_cdf, want_cdf, 1e-12, &format!("{what}: ln F"));
        assert_relative(log_sf, want_sf, 1e-12, &format!("{what}: ln(1 - F)"));
    }
}
