//! Property checks of the non-central chi-squared law: monotone CDF, tails that add up to one,
//! and a density that integrates to the CDF.

use ibits_stats::special::log_add_exp;
use ibits_stats::Ncx2;
use proptest::prelude::*;

/// Parameters spread log-uniformly over df 1..1e4, nc 0..1e4 (a quarter of the cases central).
fn law() -> impl Strategy<Value = Ncx2> {
    (0.0f64..4.0, -3.0f64..4.0, 0u8..4).prop_map(|(log_df, log_nc, central)| {
        let nc = if central == 0 {
            0.0
        } else {
            10f64.powf(log_nc)
        };
        Ncx2::new(10f64.powf(log_df), nc).unwrap()
    })
}

/// A point x = mean · 10^t, t in [-3, 0.6]: from the deep lower tail to the upper tail.
fn point(law: &Ncx2, t: f64) -> f64 {
    law.mean() * 10f64.powf(t)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn log_cdf_is_non_decreasing_and_at_most_zero(law in law(), t in -3.0f64..0.6, dt in 0.0f64..0.3) {
        let x1 = point(&law, t);
        let x2 = point(&law, t + dt);
        let (f1, f2) = (law.log_cdf(x1), law.log_cdf(x2));
        prop_assert!(f1.is_finite() && f2.is_finite(), "{law:?} {x1} {x2}: {f1} {f2}");
        prop_assert!(f1 <= 0.0 && f2 <= 0.0);
        // Non-decreasing, allowing the last-bit noise of a logarithm.
        prop_assert!(f2 >= f1 - 1e-13 * f1.abs(), "{law:?}: ln F({x1}) = {f1} > ln F({x2}) = {f2}");
        prop_assert!(law.log_sf(x2) <= law.log_sf(x1) + 1e-13 * law.log_sf(x1).abs());
    }

    #[test]
    fn the_two_tails_add_up_to_one(law in law(), t in -1.5f64..0.5) {
        let x = point(&law, t);
        let (lower, upper) = (law.log_cdf(x), law.log_sf(x));
        // Only where both are representable well above f64's underflow.
        prop_assume!(lower > -600.0 && upper > -600.0);
        let total = log_add_exp(lower, upper);
        prop_assert!(total.abs() <= 1e-12, "{law:?} at {x}: ln(F + 1 - F) = {total:e}");
    }
}

/// ∫_lo^hi f(x) dx by composite 20-point Gauss–Legendre on `pieces` equal panels.
fn integrate(f: impl Fn(f64) -> f64, lo: f64, hi: f64, pieces: usize) -> f64 {
    // Nodes and weights of the 20-point Gauss–Legendre rule on [-1, 1] (positive half),
    // from numpy.polynomial.legendre.leggauss(20) (agrees with Abramowitz & Stegun Table 25.4).
    #[rustfmt::skip]
    const NODES: [(f64, f64); 10] = [
        (0.07652652113349734, 0.15275338713072628),
        (0.22778585114164507, 0.14917298647260424),
        (0.37370608871541955, 0.1420961093183824),
        (0.5108670019508271, 0.1316886384491769),
        (0.636053680726515, 0.1181945319615186),
        (0.7463319064601508, 0.1019301198172407),
        (0.8391169718222188, 0.08327674157670471),
        (0.912234428251326, 0.06267204833410879),
        (0.9639719272779138, 0.040601429800386446),
        (0.993128599185095, 0.017614007139150893),
    ];
    let width = (hi - lo) / pieces as f64;
    let mut total = 0.0;
    for k in 0..pieces {
        let mid = lo + (k as f64 + 0.5) * width;
        let half = 0.5 * width;
        for (node, weight) in NODES {
            total += weight * half * (f(mid - half * node) + f(mid + half * node));
        }
    }
    total
}

#[test]
fn density_integrates_to_the_cdf_difference() {
    // (df, nc, scale, lo, hi): bulk and shoulder intervals of a few laws.
    #[rustfmt::skip]
    let cases: [(f64, f64, f64, f64, f64); 6] = [
        (3.0,    2.0,   1.0, 0.5,    6.0),
        (10.0,   5.0,   1.0, 8.0,    30.0),
        (100.0,  20.0,  1.0, 90.0,   150.0),
        (7.5,    0.0,   2.0, 3.0,    20.0),
        (1000.0, 500.0, 0.1, 140.0,  160.0),
        (2.0,    40.0,  1.0, 10.0,   80.0),
    ];
    for (df, nc, scale, lo, hi) in cases {
        let law = Ncx2::scaled(df, nc, scale).unwrap();
        let integral = integrate(|x| law.log_pdf(x).exp(), lo, hi, 64);
        let difference = law.log_cdf(hi).exp() - law.log_cdf(lo).exp();
        let rel = ((integral - difference) / difference).abs();
        assert!(
            rel <= 1e-11,
            "({df}, {nc}, {scale}) on [{lo}, {hi}]: ∫f = {integral:e}, ΔF = {difference:e}"
        );
    }
}

#[test]
fn density_is_the_derivative_of_the_log_cdf_in_the_deep_tail() {
    // d ln F/dx = f/F: a central difference of ln F against e^(ln f - ln F), where F ≈ e^-1300.
    let law = Ncx2::new(1000.0, 500.0).unwrap();
    let (x, h) = (150.0, 1e-3);
    let slope = (law.log_cdf(x + h) - law.log_cdf(x - h)) / (2.0 * h);
    let ratio = (law.log_pdf(x) - law.log_cdf(x)).exp();
    assert!(((slope - ratio) / ratio).abs() < 1e-6, "{slope} vs {ratio}");
}
