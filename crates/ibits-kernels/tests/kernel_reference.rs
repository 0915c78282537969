//! Kernels against independent values: layer expectations integrated numerically at 30 digits
//! (tests/reference/kernels/make_kernel_reference.py), closed forms, and the Gram identities.

use std::path::PathBuf;

use approx::assert_relative_eq;
use ibits_kernels::{cross_gram, gram, gram_diagonal, Kernel, Linear, Mlp, Polynomial, Rbf};
use ndarray::Array2;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

fn mlp_kernel(name: &str, depth: usize, sw: f64, sb: f64) -> Kernel {
    let m = Mlp::new(depth, sw, sb).unwrap();
    match name {
        "nngp-relu" => Kernel::NngpRelu(m),
        "nngp-erf" => Kernel::NngpErf(m),
        "ntk-relu" => Kernel::NtkRelu(m),
        other => panic!("unknown kernel {other}"),
    }
}

#[test]
fn mlp_kernels_match_numerically_integrated_recursions() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/reference/kernels/kernel_reference.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 15);
    for r in rows {
        let k = mlp_kernel(
            r["kernel"].as_str().unwrap(),
            r["depth"].as_u64().unwrap() as usize,
            r["sigma_w"].as_f64().unwrap(),
            r["sigma_b"].as_f64().unwrap(),
        );
        let x: Vec<f64> = serde_json::from_value(r["x"].clone()).unwrap();
        let y: Vec<f64> = serde_json::from_value(r["y"].clone()).unwrap();
        let want = r["value"].as_f64().unwrap();
        // arccos near rho = 1 loses ~sqrt(eps) in theta; the kernel value is flat there, so 1e-10.
        assert_relative_eq!(k.eval(&x, &y).unwrap(), want, max_relative = 1e-10);
        assert_relative_eq!(k.eval(&y, &x).unwrap(), want, max_relative = 1e-10);
    }
}

// k(x, y) = a exp(-||x - y||^2 / (2 h^2)) at hand-checkable points: ||(1,2) - (4,6)|| = 5.
#[test]
fn rbf_matches_closed_form() {
    let k = Kernel::Rbf(Rbf::new(2.5, 1.7).unwrap());
    assert_relative_eq!(
        k.eval(&[1.0, 2.0], &[4.0, 6.0]).unwrap(),
        1.7 * (-2.0f64).exp(),
        max_relative = 1e-15
    );
    assert_eq!(k.eval(&[1.0, 2.0], &[1.0, 2.0]).unwrap(), 1.7);
}

// Linear kernel with sigma_w = 1, sigma_b = 0 is <x, y>/d; poly of degree 2 its square plus bias.
#[test]
fn dot_product_kernels_match_closed_forms() {
    let lin = Kernel::Linear(Linear::new(1.0, 0.0).unwrap());
    assert_relative_eq!(
        lin.eval(&[1.0, 2.0, 3.0], &[4.0, -5.0, 6.0]).unwrap(),
        12.0 / 3.0,
        max_relative = 1e-15
    );
    let poly = Kernel::Polynomial(Polynomial::new(2, 2.0, 0.5).unwrap());
    assert_relative_eq!(
        poly.eval(&[1.0, 2.0], &[3.0, 1.0]).unwrap(),
        (0.25f64 + 4.0 * 5.0 / 2.0).powi(2),
        max_relative = 1e-15
    );
}

fn random(n: usize, d: usize, seed: u64) -> Array2<f64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_fn((n, d), |_| StandardNormal.sample(&mut rng))
}

// Gram matrices agree entry by entry with the pointwise kernel, K(X, X) is exactly symmetric,
// and its diagonal is gram_diagonal (exactly the amplitude for the RBF).
#[test]
fn gram_matrices_agree_with_pointwise_kernel() {
    let x = random(150, 7, 1);
    let y = random(90, 7, 2);
    let kernels = [
        Kernel::Rbf(Rbf::new(2.0, 1.3).unwrap()),
        Kernel::Linear(Linear::new(1.2, 0.3).unwrap()),
        Kernel::Polynomial(Polynomial::new(3, 1.0, 1.0).unwrap()),
        Kernel::NngpRelu(Mlp::new(3, 1.4, 0.1).unwrap()),
        Kernel::NngpErf(Mlp::new(2, 1.0, 0.2).unwrap()),
        Kernel::NtkRelu(Mlp::new(2, 1.4, 0.1).unwrap()),
    ];
    for k in kernels {
        let g = gram(&k, x.view()).unwrap();
        let c = cross_gram(&k, x.view(), y.view()).unwrap();
        let diag = gram_diagonal(&k, x.view()).unwrap();
        for i in 0..x.nrows() {
            assert_eq!(g[(i, i)], diag[i]);
            for j in 0..x.nrows() {
                assert_eq!(g[(i, j)], g[(j, i)], "{k}: not symmetric at ({i}, {j})");
            }
            let xi = x.row(i).to_vec();
            for j in (0..x.nrows()).step_by(7) {
                let want = k.eval(&xi, &x.row(j).to_vec()).unwrap();
                assert!(
                    (g[(i, j)] - want).abs() <= 1e-12 * want.abs().max(1.0),
                    "{k}: K({i},{j}) {} vs {want}",
                    g[(i, j)]
                );
            }
            for j in 0..y.nrows() {
                let want = k.eval(&xi, &y.row(j).to_vec()).unwrap();
                assert!(
                    (c[(i, j)] - want).abs() <= 1e-12 * want.abs().max(1.0),
                    "{k}: K(x{i}, y{j})"
                );
            }
        }
        if let Kernel::Rbf(r) = k {
            assert!(diag.iter().all(|&v| v == r.amplitude()));
        }
    }
}

#[test]
fn gram_rejects_bad_inputs() {
    let k = Kernel::Rbf(Rbf::new(1.0, 1.0).unwrap());
    let mut x = random(5, 3, 3);
    let y = random(4, 2, 4);
    assert!(matches!(
        cross_gram(&k, x.view(), y.view()),
        Err(ibits_kernels::KernelError::DimensionMismatch { left: 3, right: 2 })
    ));
    x[(2, 1)] = f64::NAN;
    assert!(matches!(
        gram(&k, x.view()),
        Err(ibits_kernels::KernelError::NonFinite { row: 2, col: 1, .. })
    ));
}
