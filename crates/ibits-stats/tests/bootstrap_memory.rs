//! Issue 13: a bootstrap too large for memory is refused before anything is allocated, with a
//! message naming the number of resamples, the bytes and the largest count that fits (the old
//! code aborted on `--bootstrap 1000000000` trying to allocate 16 GB, and on 4e9 with 64 GB).

use std::time::{Duration, Instant};

use ibits_stats::fit::{estimate_fitted, sample_ncx2, FitConfig, FitError};

/// Refusing must not wait for any refit: well under a second for the initial fit of 200
/// samples plus the plan.
const FAIL_WITHIN: Duration = Duration::from_secs(5);

fn refused(replicates: usize) -> FitError {
    let x = sample_ncx2(10.0, 5.0, 1.0, 200, 7).unwrap();
    let config = FitConfig {
        bootstrap: replicates,
        seed: 0,
        confidence: 0.95,
        profile: false,
    };
    let start = Instant::now();
    let result = estimate_fitted(&x, 5.0, &config);
    assert!(start.elapsed() < FAIL_WITHIN, "took {:?}", start.elapsed());
    result.expect_err("a bootstrap beyond memory must be refused")
}

#[test]
fn issue13_huge_bootstrap_fails_fast_with_a_memory_plan() {
    // 8 bytes per resample: 2^61 resamples need 2^64 bytes, 16 EiB, beyond any machine; and
    // without /proc/meminfo the fixed cap of 1e8 refuses them too.
    for replicates in [usize::MAX, 1 << 61] {
        let error = refused(replicates);
        match &error {
            FitError::BootstrapMemory {
                replicates: asked,
                bytes,
                available,
                max_replicates,
                ..
            } => {
                assert_eq!(*asked, replicates);
                assert!(*bytes >= 8 * replicates as u128);
                assert!(bytes > available);
                assert!(*max_replicates < replicates);
                // The largest count that fits does fit: 8 bytes each within the budget.
                assert!(8 * (*max_replicates as u128) <= *available);
            }
            other => panic!("expected BootstrapMemory, got {other:?}"),
        }
        let message = error.to_string();
        assert!(message.contains(&replicates.to_string()), "{message}");
        assert!(message.contains("bytes"), "{message}");
        assert!(message.contains("at most"), "{message}");
        assert!(message.contains("--bootstrap"), "{message}");
    }
}

#[test]
fn small_bootstraps_still_run() {
    let x = sample_ncx2(10.0, 5.0, 1.0, 200, 7).unwrap();
    let config = FitConfig {
        bootstrap: 20,
        seed: 0,
        confidence: 0.95,
        profile: false,
    };
    let estimate = estimate_fitted(&x, 5.0, &config).unwrap();
    let bootstrap = estimate.bootstrap.unwrap();
    assert_eq!(bootstrap.replicates, 20);
    assert_eq!(bootstrap.failed + bootstrap.replicate_bits.len(), 20);
}
