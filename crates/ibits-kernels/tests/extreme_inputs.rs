//! Extreme but valid parameters and inputs give the exact value (no NaN) where it is finite, and
//! parameters whose variance overflows are rejected.

use ibits_kernels::{
    cross_gram, gram, gram_diagonal, Activation, Kernel, KernelError, Linear, Mlp, Polynomial, Rbf,
};
use ndarray::array;

// k(x, y) = a exp(-||x - y||^2 / (2 h^2)): at h = 1e-300 the exponent is 0 for x = y and
// -inf (underflow of the exact ~1e600) for x != y, so K = a I. Before, 2 h^2 = 0 gave 0/0 = NaN
// on the diagonal ("mean diagonal NaN" downstream).
#[test]
fn rbf_with_tiny_bandwidth_is_amplitude_times_identity() {
    let x = array![[0.0, 1.0], [2.5, -1.0], [1e-3, 7.0], [0.0, 1.001]];
    for h in [1e-300, 1e-200, 1e-160, f64::MIN_POSITIVE, 5e-324] {
        let k = Kernel::Rbf(Rbf::new(h, 1.7).unwrap());
        let g = gram(&k, x.view()).unwrap();
        let c = cross_gram(&k, x.view(), x.view()).unwrap();
        let diag = gram_diagonal(&k, x.view()).unwrap();
        for i in 0..x.nrows() {
            assert_eq!(diag[i], 1.7, "h = {h:e}");
            for j in 0..x.nrows() {
                let want = if i == j { 1.7 } else { 0.0 };
                assert_eq!(g[(i, j)], want, "h = {h:e}, ({i}, {j})");
                assert_eq!(c[(i, j)], want, "h = {h:e}, ({i}, {j})");
            }
        }
        assert_eq!(k.eval(&[3.0, -2.0], &[3.0, -2.0]).unwrap(), 1.7);
        assert_eq!(k.eval(&[3.0, -2.0], &[3.0, -2.0 + 1e-15]).unwrap(), 0.0);
    }
}

// Bandwidths next to and beyond the limits where 2 h^2 is a normal number, against the closed
// form: at h = 1e-150, points 2e-150 apart give a exp(-2).
#[test]
fn rbf_with_extreme_bandwidths_matches_closed_form() {
    let k = Kernel::Rbf(Rbf::new(1e-150, 2.0).unwrap());
    let v = k.eval(&[0.0], &[2e-150]).unwrap();
    assert!(((v - 2.0 * (-2.0f64).exp()) / v).abs() <= 1e-14, "{v}");
    let k = Kernel::Rbf(Rbf::new(1e200, 2.0).unwrap());
    let v = k.eval(&[0.0], &[1e100]).unwrap();
    assert_eq!(v, 2.0); // exp(-5e-201) rounds to 1
                        // 2 h^2 overflows at h = 1e160; points 1e154 apart: exp(-(1e-6)^2 / 2).
    let k = Kernel::Rbf(Rbf::new(1e160, 2.0).unwrap());
    let v = k.eval(&[0.0], &[1e154]).unwrap();
    assert!(((v - 2.0 * (-0.5e-12f64).exp()) / v).abs() <= 1e-15, "{v}");
    assert!(v < 2.0);
}

// A variance sigma^2 that overflows would meet inf * 0 (orthogonal inputs, zero inputs): the
// constructors reject it (NaN kernels before).
#[test]
fn overflowing_variances_are_rejected() {
    for s in [1e155, 1e200, f64::MAX] {
        assert_eq!(Mlp::new(2, s, 0.0), Err(KernelError::SigmaW(s)));
        assert_eq!(Mlp::new(2, 1.0, s), Err(KernelError::SigmaB(s)));
        assert_eq!(Linear::new(s, 0.0), Err(KernelError::SigmaW(s)));
        assert_eq!(Linear::new(1.0, s), Err(KernelError::SigmaB(s)));
        assert_eq!(Polynomial::new(2, s, 1.0), Err(KernelError::SigmaW(s)));
    }
    assert!(Mlp::new(2, 1e150, 1e150).is_ok());
}

// Zero inputs, zero bias, tiny and large weights: the MLP kernels are never NaN, finite where the
// exact value is (sigma_w = 1e150 overflows it: q^1 ~ 1e300 q^0) and equal to their closed forms.
// With sigma_b = 0 a zero input has q^l = 0 for all l, so the NNGP and the NTK are 0; with
// weights 1e-200 (sigma_w^2 underflows to 0) every NNGP is sigma_b^2.
#[test]
fn mlp_kernels_are_finite_at_degenerate_inputs() {
    let inputs: [(&[f64], &[f64]); 5] = [
        (&[0.0, 0.0], &[0.0, 0.0]),
        (&[0.0, 0.0], &[1.0, -1.0]),
        (&[1e-200, 0.0], &[0.0, 1e-200]),
        (&[1e-300, 2e-300], &[1e-300, 2e-300]),
        (&[3.0, 4.0], &[-3.0, -4.0]),
    ];
    for (sw, sb) in [
        (1.0, 0.0),
        (1.4, 0.3),
        (1e-200, 0.5),
        (1e150, 0.0),
        (1e-200, 0.0),
    ] {
        for depth in [1, 3, 50] {
            let m = Mlp::new(depth, sw, sb).unwrap();
            for (x, y) in inputs {
                for k in [Kernel::NngpRelu(m), Kernel::NtkRelu(m), Kernel::NngpErf(m)] {
                    let v = k.eval(x, y).unwrap();
                    let w = match k {
                        Kernel::NtkRelu(m) => m.ntk_relu_eval(x, y).unwrap(),
                        Kernel::NngpRelu(m) => m.nngp_eval(Activation::Relu, x, y).unwrap(),
                        _ => m.nngp_eval(Activation::Erf, x, y).unwrap(),
                    };
                    assert!(!v.is_nan() && !w.is_nan(), "{k} {x:?} {y:?}: {v} {w}");
                    if sw < 1e150 {
                        assert!(v.is_finite() && w.is_finite(), "{k} {x:?} {y:?}: {v} {w}");
                    }
                    if sw == 1e-200 && !matches!(k, Kernel::NtkRelu(_)) {
                        assert_eq!(v, sb * sb, "{k} {x:?} {y:?}");
                        assert_eq!(w, sb * sb, "{k} {x:?} {y:?}");
                    }
                    if sb == 0.0 && x.iter().all(|&e| e == 0.0) {
                        assert_eq!(v, 0.0, "{k} {x:?} {y:?}");
                        assert_eq!(w, 0.0, "{k} {x:?} {y:?}");
                    }
                }
            }
        }
    }
}
