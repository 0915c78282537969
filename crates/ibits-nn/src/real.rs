//! The floating-point types a network can compute in: `f64` (default) and `f32`.

use std::fmt::{Debug, Display};
use std::ops::{AddAssign, MulAssign, Neg, SubAssign};

use faer::{Accum, Par};
use faer_ext::IntoFaer;
use ndarray::{ArrayView2, ArrayViewMut2, LinalgScalar};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point scalar the networks compute in (implemented for `f32` and `f64` only).
///
/// Conversions go through `f64`: parameters are always drawn in `f64` and rounded, so an `f32`
/// network starts from the rounding of the `f64` network's initial parameters, and losses are
/// always accumulated in `f64`.
pub trait Real:
    LinalgScalar
    + sealed::Sealed
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + PartialOrd
    + Debug
    + Display
    + Send
    + Sync
{
    /// Round an `f64` to this type.
    fn from_f64(x: f64) -> Self;
    /// Widen to `f64` (exact).
    fn to_f64(self) -> f64;
    /// Square root.
    fn sqrt(self) -> Self;
    /// Exponential.
    fn exp(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// Error function erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt (libm, ~1 ulp).
    fn erf(self) -> Self;
    /// True when neither NaN nor infinite.
    fn is_finite(self) -> bool;
    /// Matrix product on the calling thread: c = alpha a b, or c += alpha a b when
    /// `accumulate` (faer's single-threaded kernels, which use AVX-512 / AVX2+FMA when the
    /// processor has them).
    fn gemm(
        alpha: Self,
        a: ArrayView2<'_, Self>,
        b: ArrayView2<'_, Self>,
        accumulate: bool,
        c: ArrayViewMut2<'_, Self>,
    );
}

macro_rules! faer_gemm {
    () => {
        #[inline]
        fn gemm(
            alpha: Self,
            a: ArrayView2<'_, Self>,
            b: ArrayView2<'_, Self>,
            accumulate: bool,
            c: ArrayViewMut2<'_, Self>,
        ) {
            let accum = if accumulate {
                Accum::Add
            } else {
                Accum::Replace
            };
            faer::linalg::matmul::matmul(
                c.into_faer(),
                accum,
                a.into_faer(),
                b.into_faer(),
                alpha,
                Par::Seq,
            );
            clear_upper_simd_state();
        }
    };
}

/// `vzeroupper` on the calling thread (a no-op without AVX or off x86-64).
///
/// faer's kernels (AVX-512 / AVX2 through pulp) return with the upper halves of the vector
/// registers dirty; the scalar and SSE code that runs next on the same thread (libm's erf,
/// tanh, exp, the loss loop, and the fit that later runs on the same rayon workers) would then
/// pay the AVX-SSE transition penalty on every instruction.
///
/// # Reference
/// Intel 64 and IA-32 Architectures Optimization Reference Manual, "Mixing AVX code with SSE
/// code"; the same measure is taken in `ibits_kernels::clear_upper_simd_state`.
#[inline]
fn clear_upper_simd_state() {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx")]
        unsafe fn vzeroupper() {
            core::arch::x86_64::_mm256_zeroupper()
        }
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: AVX support was just detected.
            unsafe { vzeroupper() }
        }
    }
}

impl Real for f64 {
    #[inline]
    fn from_f64(x: f64) -> Self {
        x
    }
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    #[inline]
    fn exp(self) -> Self {
        f64::exp(self)
    }
    #[inline]
    fn tanh(self) -> Self {
        f64::tanh(self)
    }
    #[inline]
    fn erf(self) -> Self {
        libm::erf(self)
    }
    #[inline]
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
    faer_gemm!();
}

impl Real for f32 {
    #[inline]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline]
    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
    #[inline]
    fn exp(self) -> Self {
        f32::exp(self)
    }
    #[inline]
    fn tanh(self) -> Self {
        f32::tanh(self)
    }
    #[inline]
    fn erf(self) -> Self {
        libm::erff(self)
    }
    #[inline]
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
    faer_gemm!();
}
