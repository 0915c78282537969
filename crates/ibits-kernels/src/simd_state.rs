//! Clearing the upper halves of the AVX registers after faer's matrix kernels.
//!
//! faer 0.24's matrix multiplication (gemm / pulp, AVX-512 kernels on this hardware) returns
//! with the upper halves of the vector registers dirty. Scalar libm code compiled for SSE
//! (`exp`, `ln`, `hypot`, `acos` ...) that runs afterwards on the same thread then pays the
//! AVX-SSE transition penalty on every call: measured here, 4 million `exp` calls in a rayon loop
//! took 0.03 s before a faer product and 0.8 s after it (a 25x slowdown), on every rayon worker.
//! `vzeroupper` on each worker restores full speed.
//!
//! # Reference
//! Intel, "Avoiding AVX-SSE Transition Penalties" (white paper, 2011); Intel 64 and IA-32
//! Architectures Optimization Reference Manual, section "Mixing AVX code with SSE code".

/// Execute `vzeroupper` on every thread of the current rayon pool and on the calling thread.
/// A no-op on CPUs without AVX and on other architectures.
pub fn clear_upper_simd_state() {
    rayon::broadcast(|_| zero_upper_here());
    zero_upper_here();
}

#[cfg(target_arch = "x86_64")]
fn zero_upper_here() {
    #[target_feature(enable = "avx")]
    unsafe fn vzeroupper() {
        // Only reached when the CPU supports AVX (checked below); the instruction changes no
        // architectural state a Rust program relies on between calls.
        core::arch::x86_64::_mm256_zeroupper()
    }
    if std::is_x86_feature_detected!("avx") {
        // SAFETY: AVX support was just detected.
        unsafe { vzeroupper() }
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn zero_upper_here() {}

#[cfg(test)]
mod tests {
    #[test]
    fn clearing_is_harmless_to_call_anywhere() {
        super::clear_upper_simd_state();
        let x: f64 = (-0.5f64).exp();
        assert!((x - 0.6065306597126334).abs() < 1e-16);
    }
}
