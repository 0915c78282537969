//! Uncertainty of the fitted bits: bootstrap coverage, thread-count invariance, counting.

use ibits_stats::fit::{estimate_fitted, sample_ncx2, FitConfig, FitError};
use ibits_stats::Ncx2;

/// The eps at which the true law has ln F(eps) = ln p (bisection on the log-CDF).
fn quantile(law: &Ncx2, p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, law.mean());
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if law.log_cdf(mid) < p.ln() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Fraction of `repetitions` seeded datasets whose reported interval (the percentile bootstrap
/// joined with the delta-method interval) covers the true bits.
fn coverage(
    law: (f64, f64, f64),
    samples: usize,
    repetitions: u64,
    bootstrap: usize,
    p: f64,
) -> f64 {
    let truth = Ncx2::scaled(law.0, law.1, law.2).unwrap();
    let eps = quantile(&truth, p);
    let true_bits = -truth.log_cdf(eps) / std::f64::consts::LN_2;
    let config = FitConfig {
        bootstrap,
        seed: 1,
        confidence: 0.95,
        profile: false,
    };
    let covered = (0..repetitions)
        .filter(|&rep| {
            let x = sample_ncx2(law.0, law.1, law.2, samples, 1000 + rep).unwrap();
            let estimate = estimate_fitted(&x, eps, &config).unwrap();
            let [lo, hi] = estimate.interval_bits.unwrap();
            lo <= true_bits && true_bits <= hi
        })
        .count();
    covered as f64 / repetitions as f64
}

// What this checks: on samples drawn from a known law, the reported 95% interval of the bits at
// the true 1e-3 quantile (≈ 10 bits) covers the true bits in at least 90% of the seeded
// repetitions — the criterion — with fewer repetitions and resamples than the full
// study (docs/validation.md: 200 repetitions, B = 200, four laws, S = 100 and 10,000) so that
// it runs in seconds. S = 100: 40 repetitions, B = 60, the law whose percentile interval alone
// covers least (ρ = λ/(ν+λ) = 0.91, near the ridge's boundary).
#[test]
fn bootstrap_interval_covers_the_truth_small_samples() {
    let share = coverage((20.0, 200.0, 1.0), 100, 40, 60, 1e-3);
    assert!(share >= 0.9, "coverage {share}");
}

// Same check at S = 10,000 (4 repetitions, B = 12: a smoke test of the large-sample path;
// the 200-repetition numbers are in docs/validation.md).
#[test]
fn bootstrap_interval_covers_the_truth_large_samples() {
    let share = coverage((20.0, 200.0, 1.0), 10_000, 4, 12, 1e-3);
    assert!(share >= 0.75, "coverage {share}");
}

// Resample b draws from its own ChaCha8 stream and the likelihood sums in fixed chunks, so the
// whole estimate is bit-for-bit the same with 1 or 2 threads.
#[test]
fn bootstrap_is_identical_for_any_thread_count() {
    let x = sample_ncx2(30.0, 40.0, 0.5, 5000, 3).unwrap();
    let config = FitConfig {
        bootstrap: 16,
        seed: 9,
        confidence: 0.95,
        profile: true,
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| estimate_fitted(&x, 12.0, &config).unwrap())
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one, two);
    assert_eq!(one.bootstrap.as_ref().unwrap().replicates, 16);
}

// Counting and the fit agree on a sample from the fitted family at a quantile the sample
// reaches, and disagree (with a warning) when the lower tail holds a cluster no single
// unimodal ncx2 can produce.
#[test]
fn counting_flags_disagreement() {
    let law = Ncx2::scaled(50.0, 20.0, 1.0).unwrap();
    let x = sample_ncx2(50.0, 20.0, 1.0, 2000, 5).unwrap();
    let eps = quantile(&law, 0.05);
    let config = FitConfig {
        bootstrap: 30,
        seed: 2,
        confidence: 0.95,
        profile: false,
    };
    let agree = estimate_fitted(&x, eps, &config).unwrap();
    assert!(!agree.count_disagrees, "{:?}", agree.warnings);
    let mut mixed = x.clone();
    for v in mixed.iter_mut().take(200) {
        *v *= 0.05; // 10% of the errors near zero
    }
    let eps = 0.1 * law.mean();
    let disagree = estimate_fitted(&mixed, eps, &config).unwrap();
    assert!(disagree.count_disagrees);
    assert!(disagree.warnings.iter().any(|w| w.contains("disagree")));
}

#[test]
fn rejects_bad_target_and_confidence() {
    let x = sample_ncx2(5.0, 1.0, 1.0, 50, 1).unwrap();
    let config = FitConfig::default();
    assert_eq!(
        estimate_fitted(&x, 0.0, &config).unwrap_err(),
        FitError::Target(0.0)
    );
    assert!(matches!(
        estimate_fitted(&x, f64::NAN, &config),
        Err(FitError::Target(_))
    ));
    let bad = FitConfig {
        confidence: 1.5,
        ..config
    };
    assert_eq!(
        estimate_fitted(&x, 1.0, &bad).unwrap_err(),
        FitError::Confidence(1.5)
    );
}

#[test]
fn identification_warnings_appear_only_where_they_move_the_bits() {
    // S = 100 from (100, 50, 0.01): the ridge is flat (validation.md, "Identifiability").
    let x = sample_ncx2(100.0, 50.0, 0.01, 100, 7).unwrap();
    let config = FitConfig {
        bootstrap: 0,
        ..FitConfig::default()
    };
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    let identification = |e: &ibits_stats::fit::FittedEstimate| {
        e.warnings
            .iter()
            .filter(|w| w.contains("poorly identified") || w.contains("boundary"))
            .count()
    };
    // Above the bulk every law on the ridge gives ~0 bits: nothing to warn about, but the
    // profile is still reported.
    let above = estimate_fitted(&x, 3.0 * mean, &config).unwrap();
    assert!(above.bits < 0.01, "{}", above.bits);
    assert_eq!(identification(&above), 0, "{:?}", above.warnings);
    assert!(above.profile.is_some());
    // Deep in the tail the equally good laws disagree, and the warning quotes by how much.
    let deep = estimate_fitted(&x, 0.2 * mean, &config).unwrap();
    let profile = deep.profile.as_ref().unwrap();
    if profile.poorly_identified
        && profile.bits_range[1] - profile.bits_range[0] > 0.01 * deep.bits.max(1.0)
    {
        assert!(
            deep.warnings
                .iter()
                .any(|w| w.contains("poorly identified")),
            "{:?}",
            deep.warnings
        );
    } else {
        panic!("expected a poorly identified deep tail, got {profile:?}");
    }
}

#[test]
fn the_interval_of_the_bits_never_goes_below_zero() {
    // A target above every sample: bits ~ 0 and the delta-method interval would reach below 0.
    let x = sample_ncx2(20.0, 5.0, 1.0, 200, 3).unwrap();
    let config = FitConfig {
        bootstrap: 20,
        ..FitConfig::default()
    };
    let e = estimate_fitted(&x, 100.0, &config).unwrap();
    let [lo, hi] = e.interval_bits.unwrap();
    assert!(lo >= 0.0 && hi >= lo, "[{lo}, {hi}]");
}
