//! Generalized chi-squared timings: the saddlepoint ln CDF of a 20,000-term law (the size of a
//! Gaussian-process test set) and Ruben's series where it converges.
//!
//! Run: `cargo bench -p ibits-stats --bench gx2`. Results are recorded in docs/benchmarks.md
//! ("## gx2 saddlepoint").

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ibits_stats::law::certified::{berry_esseen_bracket, inversion_bracket};
use ibits_stats::{Gx2, RubenOptions};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// GP-like law: weights log-uniform on [spread, 1], multiplicity k = 10 outputs, weighted
/// non-centralities c_j ~ w_j · U(0, 20).
fn gp_like_law(n: usize, spread: f64, seed: u64) -> Gx2 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let weights: Vec<f64> = (0..n).map(|_| spread.powf(rng.random::<f64>())).collect();
    let multiplicities = vec![10.0; n];
    let weighted: Vec<f64> = weights
        .iter()
        .map(|w| w * 20.0 * rng.random::<f64>())
        .collect();
    Gx2::from_weighted_noncentralities(&weights, &multiplicities, &weighted, 0.0)
        .expect("valid law")
}

fn bench_gx2(c: &mut Criterion) {
    let wide = gp_like_law(20_000, 1e-6, 1);
    let mean = wide.mean();
    for frac in [0.05, 0.5, 0.99] {
        let x = frac * mean;
        c.bench_function(
            &format!(
                "gx2 saddlepoint ln CDF, 20000 terms (weights over 6 decades), x = {frac} mean"
            ),
            |b| b.iter(|| black_box(wide.saddlepoint(black_box(x)).log_cdf)),
        );
    }
    let x = 0.05 * mean;
    c.bench_function(
        "gx2 log_cdf (saddlepoint + Ruben skipped as provably non-convergent), 20000 terms, x = 0.05 mean",
        |b| b.iter(|| black_box(wide.log_cdf(black_box(x)).ln_cdf)),
    );

    // Ruben converges where the weights are close together: the 20,000-term law of
    // tests/gx2_accuracy.rs (weights log-uniform on [0.5, 1], multiplicities 1-3).
    let narrow = accuracy_test_law(20_000, 0.5, 13);
    let options = RubenOptions::default();
    for frac in [0.01, 0.1] {
        let x = frac * narrow.mean();
        let series = narrow.ruben_log_cdf(x, &options);
        assert!(series.converged);
        c.bench_function(
            &format!(
                "gx2 Ruben ln CDF (converges in {} terms), 20000 terms (weights on [0.5, 1]), x = {frac} mean",
                series.terms
            ),
            |b| b.iter(|| black_box(narrow.ruben_log_cdf(black_box(x), &options).log_cdf)),
        );
        c.bench_function(
            &format!("gx2 saddlepoint ln CDF, same law, x = {frac} mean"),
            |b| b.iter(|| black_box(narrow.saddlepoint(black_box(x)).log_cdf)),
        );
    }
}

/// The generator of tests/gx2_accuracy.rs: weights log-uniform on [spread, 1], multiplicities
/// from {1, 1, 2, 3}, non-centralities uniform on [0, s] with s from {0, 1, 5}.
fn accuracy_test_law(n: usize, spread: f64, seed: u64) -> Gx2 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let weights: Vec<f64> = (0..n).map(|_| spread.powf(rng.random::<f64>())).collect();
    let multiplicities: Vec<f64> = (0..n)
        .map(|_| [1.0, 1.0, 2.0, 3.0][rng.random_range(0..4)])
        .collect();
    let noncentralities: Vec<f64> = (0..n)
        .map(|_| rng.random::<f64>() * [0.0, 1.0, 5.0][rng.random_range(0..3)])
        .collect();
    Gx2::new(&weights, &multiplicities, &noncentralities, 0.0).expect("valid law")
}

/// The certified bracket's routes (issue 16) beside the saddlepoint they start from, on the
/// wide 20,000-term GP-like law and on a single chi-squared term: the cost of certifying.
fn bench_bracket(c: &mut Criterion) {
    let wide = gp_like_law(20_000, 1e-6, 1);
    let one = Gx2::new(&[1.0], &[1.0], &[0.0], 0.0).expect("valid law");
    for (name, law, frac) in [
        ("wide 20000 terms", &wide, 0.05),
        ("wide 20000 terms", &wide, 0.5),
        ("one chi2_1 term", &one, 0.01),
    ] {
        let x = frac * law.mean();
        let t = law.saddlepoint(x).t;
        c.bench_function(
            &format!("bracket {name}, x = {frac} mean: saddlepoint"),
            |b| b.iter(|| black_box(law.saddlepoint(black_box(x)).log_cdf)),
        );
        c.bench_function(
            &format!("bracket {name}, x = {frac} mean: berry-esseen"),
            |b| b.iter(|| black_box(berry_esseen_bracket(law, black_box(x), t))),
        );
        c.bench_function(
            &format!("bracket {name}, x = {frac} mean: inversion"),
            |b| b.iter(|| black_box(inversion_bracket(law, black_box(x), t))),
        );
        c.bench_function(
            &format!("bracket {name}, x = {frac} mean: log_cdf (all)"),
            |b| b.iter(|| black_box(law.log_cdf(black_box(x)).ln_cdf_bracket)),
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench_gx2, bench_bracket
}
criterion_main!(benches);
