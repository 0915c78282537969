//! The saddlepoint against Ruben's series (exact where it converges) on seeded random laws with
//! 10 to 20,000 terms, from near the mean down to ~2·10^5 bits; every answer against the
//! Chernoff bound.

use std::f64::consts::LN_2;

use ibits_stats::{Gx2, Gx2Method, RubenOptions};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Required agreement of the saddlepoint with Ruben's series, bits.
const SADDLEPOINT_TOL_BITS: f64 = 0.01;

fn bits(log_p: f64) -> f64 {
    -log_p / LN_2
}

/// A law with `n` terms: weights log-uniform on [spread, 1], multiplicities from {1, 1, 2, 3},
/// non-centralities uniform on [0, s] with s drawn from {0, 1, 5}.
fn random_law(n: usize, spread: f64, seed: u64) -> Gx2 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let weights: Vec<f64> = (0..n).map(|_| spread.powf(rng.random::<f64>())).collect();
    let multiplicities: Vec<f64> = (0..n)
        .map(|_| [1.0, 1.0, 2.0, 3.0][rng.random_range(0..4)])
        .collect();
    let noncentralities: Vec<f64> = (0..n)
        .map(|_| rng.random::<f64>() * [0.0, 1.0, 5.0][rng.random_range(0..3)])
        .collect();
    Gx2::new(&weights, &multiplicities, &noncentralities, 0.0).unwrap()
}

/// Checks the saddlepoint against Ruben at `x = frac · mean` for every frac; returns the
/// largest |difference| in bits and the largest depth (bits) compared.
fn compare(law: &Gx2, fracs: &[f64], label: &str) -> (f64, f64) {
    let (mut worst, mut deepest) = (0.0_f64, 0.0_f64);
    for &frac in fracs {
        let x = frac * law.mean();
        let result = law.log_cdf(x);
        let context = format!("{label}, x = {frac}·mean");
        assert_eq!(
            result.method,
            Gx2Method::Ruben,
            "{context}: Ruben did not converge"
        );
        let ruben = result.ruben_ln_cdf.unwrap();
        let difference = (result.saddlepoint_bits() - bits(ruben)).abs();
        assert!(
            difference < SADDLEPOINT_TOL_BITS,
            "{context}: saddlepoint {} bits, Ruben {} bits",
            result.saddlepoint_bits(),
            bits(ruben)
        );
        // Every answer respects the Chernoff bound.
        let chernoff = result.chernoff_ln_bound;
        assert!(result.ln_cdf <= chernoff, "{context}");
        assert!(result.saddlepoint_ln_cdf <= chernoff, "{context}");
        assert!(ruben <= chernoff + 1e-12 * chernoff.abs(), "{context}");
        worst = worst.max(difference);
        deepest = deepest.max(bits(ruben));
    }
    (worst, deepest)
}

#[test]
fn saddlepoint_matches_ruben_on_ten_term_laws() {
    let fracs = [1e-4, 1e-2, 0.1, 0.3, 0.5, 0.8, 0.95, 1.0, 1.05, 1.3, 2.0];
    let mut worst = 0.0_f64;
    for seed in 0..6 {
        for spread in [0.2, 0.02] {
            let law = random_law(10, spread, seed);
            let label = format!("10 terms, spread {spread}, seed {seed}");
            worst = worst.max(compare(&law, &fracs, &label).0);
        }
    }
    println!("10 terms: largest |saddlepoint - Ruben| = {worst:.2e} bits");
}

#[test]
fn saddlepoint_matches_ruben_on_hundred_and_thousand_term_laws() {
    let fracs = [1e-4, 1e-2, 0.1, 0.5, 0.9, 1.0, 1.2];
    let (worst, deepest) = compare(&random_law(100, 0.3, 11), &fracs, "100 terms");
    println!(
        "100 terms: largest |saddlepoint - Ruben| = {worst:.2e} bits, deepest {deepest:.0} bits"
    );
    assert!(deepest > 1000.0);
    let (worst, deepest) = compare(&random_law(1000, 0.5, 12), &fracs, "1000 terms");
    println!(
        "1000 terms: largest |saddlepoint - Ruben| = {worst:.2e} bits, deepest {deepest:.0} bits"
    );
    assert!(deepest > 10_000.0);
}

#[test]
fn saddlepoint_matches_ruben_on_twenty_thousand_term_law() {
    // 1e-4, 1e-2 and 0.1 of the mean: about 2.1e5, 9.4e4 and 3.7e4 bits. Nearer the mean
    // Ruben's series needs more than its 10,000-term budget on this law.
    let law = random_law(20_000, 0.5, 13);
    let (worst, deepest) = compare(&law, &[1e-4, 1e-2, 0.1], "20,000 terms");
    println!(
        "20,000 terms: largest |saddlepoint - Ruben| = {worst:.2e} bits, deepest {deepest:.0} bits"
    );
    assert!(deepest > 1e5);
}

#[test]
fn ruben_reports_non_convergence_with_a_valid_lower_bound() {
    // A budget a few terms short of what the series needs: not converged, and the partial
    // sum is a lower bound with the truncation bound covering the gap; the combined answer
    // falls back to the saddlepoint.
    let law = random_law(1000, 0.5, 12);
    let x = 0.5 * law.mean();
    let full = law.ruben_log_cdf(x, &RubenOptions::default());
    assert!(full.converged);
    let options = RubenOptions {
        max_terms: full.terms - 5,
        ..RubenOptions::default()
    };
    let series = law.ruben_log_cdf(x, &options);
    assert!(!series.converged && !series.skipped);
    assert_eq!(series.terms, full.terms - 5);
    assert!(series.log_cdf <= full.log_cdf);
    let upper = ibits_stats::special::log_add_exp(series.log_cdf, series.log_truncation_bound);
    assert!(upper >= full.log_cdf);
    let result = law.log_cdf_with(x, &options);
    assert_eq!(result.method, Gx2Method::Saddlepoint);
    assert_eq!(result.ruben_ln_cdf, None);
    assert_eq!(result.ln_cdf, result.saddlepoint_ln_cdf);
}

#[test]
fn ruben_is_skipped_when_it_provably_cannot_converge() {
    // Weights over six decades (a Gaussian-process posterior): the mixture index of Ruben's
    // series has mean ~1e6 · M, far beyond the budget, and the series is not summed.
    let law = random_law(2_000, 1e-6, 31);
    let x = 0.05 * law.mean();
    let series = law.ruben_log_cdf(x, &RubenOptions::default());
    assert!(series.skipped && !series.converged);
    assert_eq!(series.terms, 0);
    assert_eq!(series.log_truncation_bound, law.chernoff_log_cdf_bound(x));
    let result = law.log_cdf(x);
    // Not Ruben: the saddlepoint, or the midpoint of the certified bracket where the bracket
    // proves the saddlepoint value wrong (then it lies outside the bracket).
    assert_eq!(result.ruben_ln_cdf, None);
    match result.method {
        Gx2Method::Saddlepoint => assert_eq!(result.ln_cdf, result.saddlepoint_ln_cdf),
        Gx2Method::Certified => {
            let [lower, upper] = result.ln_cdf_bracket;
            assert!(!(lower..=upper).contains(&result.saddlepoint_ln_cdf));
            assert_eq!(result.ln_cdf, 0.5 * (lower + upper));
        }
        other => panic!("method {other:?}"),
    }
    // Summing the budget anyway does not converge (the skip lost nothing).
    let tight = RubenOptions {
        max_terms: 2_000,
        ..RubenOptions::default()
    };
    let summed = law.ruben_log_cdf(x, &tight);
    assert!(!summed.converged);
    // Where the series converges it is never skipped (also every test above).
    let narrow = random_law(10, 0.5, 31);
    let series = narrow.ruben_log_cdf(0.5 * narrow.mean(), &RubenOptions::default());
    assert!(series.converged && !series.skipped);
}

#[test]
fn chernoff_bound_is_the_minimum_over_negative_t() {
    // min_{t<0} K(t) - t x found by the saddlepoint solve vs a direct scan of K(t) - t x.
    let law = random_law(50, 0.1, 21);
    for frac in [1e-3, 0.1, 0.6, 0.95] {
        let x = frac * law.mean();
        let bound = law.chernoff_log_cdf_bound(x);
        let t_hat = law.saddlepoint(x).t;
        assert!(t_hat < 0.0);
        for factor in [0.5, 0.9, 0.99, 1.01, 1.1, 2.0] {
            let t = factor * t_hat;
            let value = law.cumulant_gf(t) - t * x;
            assert!(
                value >= bound - 1e-12 * bound.abs(),
                "frac {frac}, factor {factor}"
            );
        }
        let at_root = law.cumulant_gf(t_hat) - t_hat * x;
        assert!((at_root - bound).abs() <= 1e-10 * bound.abs().max(1.0));
    }
    // Above the mean the minimum is at t → 0⁻: the bound is 0.
    assert_eq!(law.chernoff_log_cdf_bound(1.1 * law.mean()), 0.0);
}
