#![allow(clippy::excessive_precision)] // mpmath reference digits are kept as printed.
//! Generalized chi-squared against independent values: mpmath convolution integrals, closed
//! forms, the non-central chi-squared law, and published tail values (docs/design.md §8).

use std::f64::consts::LN_2;

use approx::assert_relative_eq;
use ibits_stats::{Gx2, Gx2Method, Ncx2, RubenOptions};

fn bits(log_p: f64) -> f64 {
    -log_p / LN_2
}

/// `ln F` within `rel` relative, or within 2e-12 absolute where `|ln F|` is small (above the
/// mean): Ruben's series is converged to 1e-12 relative in `F`, which is 1e-12 absolute in
/// `ln F`.
fn assert_ln_close(got: f64, want: f64, rel: f64, context: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs() + 2e-12,
        "{context}: got {got}, want {want}"
    );
}

// Two-term laws, ln F(x) from numerical convolution at 40 digits (mpmath 1.3;
// tests/reference/gx2/convolution.py, output in convolution.out; the convolution computed both
// ways round agrees to 1e-21).
#[rustfmt::skip]
const CONVOLUTION_A: [(f64, f64); 6] = [
    // w = [1, 0.3], m = [1, 2], d = [0.5, 2]
    (1e-6, -22.093696723933471375),
    (0.01, -8.2787019499088849742),
    (0.2,  -3.8003982831704193323),
    (1.0,  -1.526835840576952124),
    (3.0,  -0.40380241078494403281),
    (8.0,  -0.034243215971150534005),
];
#[rustfmt::skip]
const CONVOLUTION_B: [(f64, f64); 5] = [
    // w = [0.7, 0.2], m = [3, 5], d = [1.5, 0]
    (1e-4, -38.98353255671552013),
    (0.05, -14.192554309303220757),
    (0.5,  -5.5665822825285925159),
    (2.0,  -1.6776140554079802196),
    (6.0,  -0.21648722103573572973),
];
// K^(r)(t), r = 0..4, from mpmath's numerical differentiation of K (same script).
#[rustfmt::skip]
const CGF_A: [(f64, [f64; 5]); 2] = [
    (-0.7, [-1.2299992215107766075, 1.223567441424761401, 0.9218933145442633835, 1.4100200654596673548, 3.3823767742312485725]),
    (0.3,  [1.2511084997828670069, 7.249033313503866746, 45.591238519464314215, 597.39999021502526222, 11260.109601297905496]),
];
#[rustfmt::skip]
const CGF_B: [(f64, [f64; 5]); 2] = [
    (-0.7, [-2.0130075831006015092, 2.109685873890419345, 1.3728133331033784431, 2.0164931966651531337, 4.664855555879490818]),
    (0.3,  [1.6797776402130823554, 7.8783374770295103232, 24.324393126694089498, 151.77577112535228998, 1359.6870562360986189]),
];

fn law_a() -> Gx2 {
    Gx2::new(&[1.0, 0.3], &[1.0, 2.0], &[0.5, 2.0], 0.0).unwrap()
}

fn law_b() -> Gx2 {
    Gx2::new(&[0.7, 0.2], &[3.0, 5.0], &[1.5, 0.0], 0.0).unwrap()
}

#[test]
fn ruben_matches_mpmath_convolution() {
    for (law, table) in [(law_a(), &CONVOLUTION_A[..]), (law_b(), &CONVOLUTION_B[..])] {
        for &(x, want) in table {
            let series = law.ruben_log_cdf(x, &RubenOptions::default());
            assert!(series.converged, "x = {x}");
            assert_relative_eq!(series.log_cdf, want, max_relative = 1e-11);
            let combined = law.log_cdf(x);
            assert_eq!(combined.method, Gx2Method::Ruben);
            assert_relative_eq!(combined.ln_cdf, want, max_relative = 1e-11);
        }
    }
}

#[test]
fn saddlepoint_matches_mpmath_convolution() {
    // Few degrees of freedom (M = 3 and 8) is the hardest case for the saddlepoint: its error
    // is O(1/M²). Measured: at most 0.015 bits (law A, M = 3, dominated by its χ²_1 term, near
    // the mean) and 0.0047 bits (law B, M = 8).
    for (law, table, tol_bits) in [
        (law_a(), &CONVOLUTION_A[..], 0.02),
        (law_b(), &CONVOLUTION_B[..], 0.005),
    ] {
        for &(x, want) in table {
            let got = law.saddlepoint(x).log_cdf;
            println!(
                "x = {x}: saddlepoint - reference = {:.2e} bits",
                bits(got) - bits(want)
            );
            assert!(
                (bits(got) - bits(want)).abs() < tol_bits,
                "x = {x}: saddlepoint {} bits, reference {} bits",
                bits(got),
                bits(want)
            );
        }
    }
}

#[test]
fn cumulant_gf_derivatives_match_mpmath() {
    for (law, table) in [(law_a(), &CGF_A), (law_b(), &CGF_B)] {
        for &(t, want) in table.iter() {
            for (order, &value) in want.iter().enumerate() {
                assert_relative_eq!(
                    law.cumulant_gf_derivative(t, order as u32),
                    value,
                    max_relative = 1e-13
                );
            }
            assert_relative_eq!(law.cumulant_gf(t), want[0], max_relative = 1e-13);
        }
    }
}

#[test]
fn cumulants_match_closed_forms() {
    // e = 2 + 1·χ'²_1(2) + 2·χ'²_3(0.5); κ_1 = offset + Σ w(m + d), κ_r = 2^(r-1)(r-1)! Σ w^r (m + r d)
    // (Johnson, Kotz & Balakrishnan 1995, eq. 29.8), worked by hand:
    //   κ1 = 2 + 3 + 2·3.5 = 12;  κ2 = 2(1·5 + 4·4) = 42;  κ3 = 8(1·7 + 8·4.5) = 344;
    //   κ4 = 48(1·9 + 16·5) = 4272.
    let law = Gx2::new(&[1.0, 2.0], &[1.0, 3.0], &[2.0, 0.5], 2.0).unwrap();
    assert_relative_eq!(law.mean(), 12.0, max_relative = 1e-15);
    assert_relative_eq!(law.variance(), 42.0, max_relative = 1e-15);
    assert_relative_eq!(law.cumulant(3), 344.0, max_relative = 1e-15);
    assert_relative_eq!(law.cumulant(4), 4272.0, max_relative = 1e-15);
    // Against the non-central chi-squared moments of a single term.
    let single = Gx2::new(&[0.25], &[7.0], &[3.0], 0.0).unwrap();
    let ncx2 = Ncx2::scaled(7.0, 3.0, 0.25).unwrap();
    assert_relative_eq!(single.mean(), ncx2.mean(), max_relative = 1e-15);
    assert_relative_eq!(single.variance(), ncx2.variance(), max_relative = 1e-15);
}

#[test]
fn single_term_equals_scaled_ncx2() {
    for &(w, m, d) in &[
        (1.0, 1.0, 0.0),
        (0.37, 1.0, 2.5),
        (2.0, 4.0, 0.0),
        (0.05, 10.0, 30.0),
        (3.0, 250.0, 100.0),
    ] {
        let law = Gx2::new(&[w], &[m], &[d], 0.0).unwrap();
        let ncx2 = Ncx2::scaled(m, d, w).unwrap();
        let mean = ncx2.mean();
        for frac in [1e-3, 0.05, 0.3, 0.7, 1.0, 1.5] {
            let x = frac * mean;
            let want = ncx2.log_cdf(x);
            let series = law.ruben_log_cdf(x, &RubenOptions::default());
            let context = format!("w={w} m={m} d={d} x={x}");
            assert!(series.converged, "{context}");
            assert_ln_close(series.log_cdf, want, 1e-10, &context);
            if m >= 10.0 {
                let got = law.saddlepoint(x).log_cdf;
                assert!(
                    (bits(got) - bits(want)).abs() < 0.01,
                    "w={w} m={m} d={d} x={x}"
                );
            }
        }
    }
}

#[test]
fn equal_weights_sum_to_one_ncx2() {
    // Σ_j w χ'²_{m_j}(d_j) = w χ'²_{Σm}(Σd).
    let weights = [0.4; 6];
    let multiplicities = [1.0, 2.0, 1.0, 3.0, 5.0, 2.0];
    let noncentralities = [0.0, 1.5, 4.0, 0.25, 0.0, 7.0];
    let law = Gx2::new(&weights, &multiplicities, &noncentralities, 0.0).unwrap();
    let ncx2 = Ncx2::scaled(14.0, 12.75, 0.4).unwrap();
    for frac in [1e-4, 0.01, 0.2, 0.6, 1.0, 2.0] {
        let x = frac * ncx2.mean();
        let want = ncx2.log_cdf(x);
        let series = law.ruben_log_cdf(x, &RubenOptions::default());
        assert!(series.converged);
        assert_ln_close(series.log_cdf, want, 1e-10, &format!("x = {x}"));
        let got = law.saddlepoint(x).log_cdf;
        assert!((bits(got) - bits(want)).abs() < 0.01, "x = {x}");
    }
}

#[test]
fn chi_squared_two_dof_closed_form() {
    // w χ²_2 has F(x) = 1 - exp(-x/(2w)).
    let law = Gx2::new(&[2.5], &[2.0], &[0.0], 0.0).unwrap();
    for x in [1e-8, 0.1, 5.0, 40.0] {
        let want = (-(-x / 5.0_f64).exp_m1()).ln();
        assert_ln_close(law.log_cdf(x).ln_cdf, want, 1e-12, &format!("x = {x}"));
    }
}

#[test]
fn published_ncx2_tail_values_in_bits() {
    // docs/design.md §8: -log2 F of χ'²_df(nc) at x (exact values; scipy gives -inf for the last three).
    #[rustfmt::skip]
    let table: [(f64, f64, f64, f64); 4] = [
        (200.0, 100.0, 5.0, 466.50),
        (1000.0, 500.0, 240.0, 765.44),
        (1000.0, 500.0, 150.0, 1069.45),
        (400.0, 50.0, 2.0, 1282.70),
    ];
    for (df, nc, x, want_bits) in table {
        let law = Gx2::new(&[1.0], &[df], &[nc], 0.0).unwrap();
        let result = law.log_cdf(x);
        assert_eq!(result.method, Gx2Method::Ruben, "df={df} nc={nc} x={x}");
        assert!(
            (result.bits() - want_bits).abs() < 0.006,
            "{}",
            result.bits()
        );
        assert!((result.saddlepoint_bits() - want_bits).abs() < 0.01);
    }
}

#[test]
fn weighted_noncentrality_constructor_matches_plain_one() {
    // c_j = w_j d_j: the two parametrizations give the same law.
    let plain = Gx2::new(&[0.5, 0.125], &[2.0, 3.0], &[4.0, 8.0], 0.5).unwrap();
    let gp =
        Gx2::from_weighted_noncentralities(&[0.5, 0.125], &[2.0, 3.0], &[2.0, 1.0], 0.5).unwrap();
    for x in [0.7, 2.0, 5.0] {
        assert_relative_eq!(
            plain.log_cdf(x).ln_cdf,
            gp.log_cdf(x).ln_cdf,
            max_relative = 1e-14
        );
    }
}
