//! Elementwise loops of training (the Adam update, the activation and its derivative) on
//! contiguous slices, compiled twice: for the baseline x86-64 target and, selected at run time,
//! for AVX2, where the compiler vectorises them four f64 (eight f32) wide.
//!
//! Both versions perform the same IEEE operations in the same order on each element (Rust never
//! contracts a * b + c into a fused multiply-add on its own), so they give bit-identical results
//! and the choice does not affect reproducibility.

use crate::activation::Activation;
use crate::real::Real;

/// Per-step constants of the Adam update (see [`crate::AdamConfig`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AdamStep<T> {
    pub beta1: T,
    pub beta2: T,
    pub one_minus_beta1: T,
    pub one_minus_beta2: T,
    /// lr / (1 - beta1^t).
    pub step_size: T,
    /// 1 / sqrt(1 - beta2^t).
    pub inv_sqrt_bias_correction2: T,
    pub epsilon: T,
}

/// m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= step_size m / (sqrt(v) / sqrt(bc2) + eps).
#[inline(always)]
pub(crate) fn adam_element<T: Real>(p: &mut T, g: T, m: &mut T, v: &mut T, c: &AdamStep<T>) {
    *m = c.beta1 * *m + c.one_minus_beta1 * g;
    *v = c.beta2 * *v + c.one_minus_beta2 * g * g;
    *p -= c.step_size * *m / (v.sqrt() * c.inv_sqrt_bias_correction2 + c.epsilon);
}

#[inline(always)]
fn adam_body<T: Real>(p: &mut [T], g: &[T], m: &mut [T], v: &mut [T], c: &AdamStep<T>) {
    let len = p.len().min(g.len()).min(m.len()).min(v.len());
    let (p, g, m, v) = (&mut p[..len], &g[..len], &mut m[..len], &mut v[..len]);
    for i in 0..len {
        adam_element(&mut p[i], g[i], &mut m[i], &mut v[i], c);
    }
}

/// a = phi(z).
#[inline(always)]
fn activate_body<T: Real>(activation: Activation, z: &[T], a: &mut [T]) {
    for (a, &z) in a.iter_mut().zip(z) {
        *a = activation.apply(z);
    }
}

/// g *= phi'(z) (given a = phi(z)).
#[inline(always)]
fn derivative_body<T: Real>(activation: Activation, g: &mut [T], z: &[T], a: &[T]) {
    for ((g, &z), &a) in g.iter_mut().zip(z).zip(a) {
        *g *= activation.derivative(z, a);
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn adam<T: Real>(
        p: &mut [T],
        g: &[T],
        m: &mut [T],
        v: &mut [T],
        c: &AdamStep<T>,
    ) {
        adam_body(p, g, m, v, c);
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn activate<T: Real>(activation: Activation, z: &[T], a: &mut [T]) {
        activate_body(activation, z, a);
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn derivative<T: Real>(
        activation: Activation,
        g: &mut [T],
        z: &[T],
        a: &[T],
    ) {
        derivative_body(activation, g, z, a);
    }
}

#[inline]
fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// One Adam update of the parameters `p` with gradient `g` and moments `m`, `v` (equal lengths).
pub(crate) fn adam_update<T: Real>(
    p: &mut [T],
    g: &[T],
    m: &mut [T],
    v: &mut [T],
    c: &AdamStep<T>,
) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: AVX2 support was just checked.
        unsafe { avx2::adam(p, g, m, v, c) };
        return;
    }
    adam_body(p, g, m, v, c);
}

/// a = phi(z) elementwise.
pub(crate) fn activate<T: Real>(activation: Activation, z: &[T], a: &mut [T]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: AVX2 support was just checked.
        unsafe { avx2::activate(activation, z, a) };
        return;
    }
    activate_body(activation, z, a);
}

/// g *= phi'(z) elementwise.
pub(crate) fn multiply_by_derivative<T: Real>(
    activation: Activation,
    g: &mut [T],
    z: &[T],
    a: &[T],
) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: AVX2 support was just checked.
        unsafe { avx2::derivative(activation, g, z, a) };
        return;
    }
    derivative_body(activation, g, z, a);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatched_and_baseline_loops_agree_bit_for_bit() {
        let n = 37;
        let g: Vec<f64> = (0..n)
            .map(|i| ((i * 7919) % 101) as f64 / 50.0 - 1.0)
            .collect();
        let c = AdamStep {
            beta1: 0.9,
            beta2: 0.999,
            one_minus_beta1: 0.1,
            one_minus_beta2: 1.0 - 0.999,
            step_size: 1e-3 / 0.1,
            inv_sqrt_bias_correction2: 1.0 / (1.0 - 0.999_f64).sqrt(),
            epsilon: 1e-8,
        };
        let (mut p1, mut m1, mut v1) = (vec![0.5; n], vec![0.01; n], vec![0.002; n]);
        let (mut p2, mut m2, mut v2) = (p1.clone(), m1.clone(), v1.clone());
        adam_update(&mut p1, &g, &mut m1, &mut v1, &c);
        adam_body(&mut p2, &g, &mut m2, &mut v2, &c);
        assert_eq!(p1, p2);
        assert_eq!(m1, m2);
        assert_eq!(v1, v2);
        for act in Activation::ALL {
            let (mut a1, mut a2) = (vec![0.0; n], vec![0.0; n]);
            activate(act, &g, &mut a1);
            activate_body(act, &g, &mut a2);
            assert_eq!(a1, a2);
            let (mut d1, mut d2) = (g.clone(), g.clone());
            multiply_by_derivative(act, &mut d1, &g, &a1);
            derivative_body(act, &mut d2, &g, &a1);
            assert_eq!(d1, d2);
        }
    }
}
