#![allow(non_snake_case)] // K_XX, K_XT, K_TT as in docs/design.md section 2a.

//! The exact GP path against independent computations of the same posterior and law:
//! 50-digit arithmetic (mpmath: Cholesky, eigsy, Ruben's series / the ncx2 closed form) and a
//! float64 numpy/scipy pipeline (Cholesky, eigh, second-order Lugannani-Rice by root-finding).
//! Values from tests/reference/gp/make_reference.py (stored in gp_reference.json).

use std::path::PathBuf;

use approx::assert_relative_eq;
use ibits::gp_space::{posterior, spectrum};
use ibits::{estimate_gp, GpData, GpEstimate, GpOptions, JitterPolicy, Kernel, KernelSpec, Target};
use ibits_kernels::{cross_gram, gram, Mlp, Rbf};
use ndarray::Array2;
use serde_json::Value;

fn reference() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/reference/gp/gp_reference.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn case<'a>(all: &'a Value, name: &str) -> &'a Value {
    all["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    let (n, d) = (rows.len(), rows[0].len());
    Array2::from_shape_vec((n, d), rows.into_iter().flatten().collect()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    serde_json::from_value(v.clone()).unwrap()
}

fn kernel(v: &Value) -> Kernel {
    let f = |k: &str| v[k].as_f64().unwrap();
    match v["name"].as_str().unwrap() {
        "rbf" => Kernel::Rbf(Rbf::new(f("bandwidth"), f("amplitude")).unwrap()),
        "nngp-relu" => Kernel::NngpRelu(
            Mlp::new(
                v["depth"].as_u64().unwrap() as usize,
                f("sigma_w"),
                f("sigma_b"),
            )
            .unwrap(),
        ),
        other => panic!("unknown kernel {other}"),
    }
}

struct Case {
    x_train: Array2<f64>,
    y_train: Array2<f64>,
    x_test: Array2<f64>,
    y_test: Array2<f64>,
    kernel: Kernel,
    eps: Vec<f64>,
}

fn load(c: &Value) -> Case {
    Case {
        x_train: matrix(&c["x_train"]),
        y_train: matrix(&c["y_train"]),
        x_test: matrix(&c["x_test"]),
        y_test: matrix(&c["y_test"]),
        kernel: kernel(&c["kernel"]),
        eps: floats(&c["eps"]),
    }
}

fn run(case: &Case) -> GpEstimate {
    let data = GpData {
        x_train: case.x_train.view(),
        y_train: case.y_train.view(),
        x_test: case.x_test.view(),
        y_test: case.y_test.view(),
    };
    let targets: Vec<Target> = case
        .eps
        .iter()
        .map(|&e| Target::absolute(e).unwrap())
        .collect();
    let options = GpOptions {
        samples: 0,
        jitter_check: false,
        ..GpOptions::default()
    };
    estimate_gp(
        &data,
        &KernelSpec::Fixed(case.kernel),
        &targets,
        &options,
        &mut |_| {},
    )
    .unwrap()
}

// Exact bits (Ruben's series, certified to 1e-12) against Ruben's series in 50-digit arithmetic
// on a posterior computed in 50-digit arithmetic; the saddlepoint against numpy's.
#[test]
fn bits_match_fifty_digit_reference_on_a_well_conditioned_rbf_case() {
    let all = reference();
    let c = case(&all, "rbf_small");
    let est = run(&load(c));
    assert_relative_eq!(
        est.mean_error,
        c["mean_error"].as_f64().unwrap(),
        max_relative = 1e-9
    );
    assert_relative_eq!(
        est.posterior_mean_error,
        c["posterior_mean_error"].as_f64().unwrap(),
        max_relative = 1e-9
    );
    let ruben = floats(&c["ruben_bits_mp50"]);
    let numpy = floats(&c["numpy_saddlepoint_bits"]);
    for ((t, want), np) in est.targets.iter().zip(ruben).zip(numpy) {
        eprintln!(
            "rbf_small eps {:.4e}: bits rel err {:.2e} vs mpmath Ruben, saddlepoint rel err {:.2e} vs numpy",
            t.eps,
            (t.exact.bits - want).abs() / want,
            (t.exact.saddlepoint_bits - np).abs() / np
        );
        assert_eq!(t.exact.method, ibits_stats::Gx2Method::Ruben);
        assert_relative_eq!(t.exact.bits, want, max_relative = 1e-6);
        assert_relative_eq!(t.exact.saddlepoint_bits, np, max_relative = 1e-6);
        assert!(t.exact.chernoff_bits <= t.exact.bits);
    }
}

// Cases whose Sigma spans three orders of magnitude (RBF with a wider bandwidth, ReLU NNGP):
// the posterior spectrum matches 50-digit eigenvalues and the saddlepoint bits match numpy.
#[test]
fn spread_spectra_match_fifty_digit_eigenvalues_and_numpy_bits() {
    let all = reference();
    for name in ["rbf_spread", "nngp_relu_small"] {
        let c = case(&all, name);
        let case = load(c);
        let est = run(&case);
        assert_relative_eq!(
            est.mean_error,
            c["mean_error"].as_f64().unwrap(),
            max_relative = 1e-9
        );
        assert_relative_eq!(
            est.posterior_mean_error,
            c["posterior_mean_error"].as_f64().unwrap(),
            max_relative = 1e-9
        );
        for (t, np) in est.targets.iter().zip(floats(&c["numpy_saddlepoint_bits"])) {
            eprintln!(
                "{name} eps {:.4e}: saddlepoint rel err {:.2e} vs numpy",
                t.eps,
                (t.exact.saddlepoint_bits - np).abs() / np
            );
            assert_relative_eq!(t.exact.saddlepoint_bits, np, max_relative = 1e-6);
        }
        // Eigenvalues through the public phases.
        let k = case.kernel;
        let K_XX = gram(&k, case.x_train.view()).unwrap();
        let chol = posterior::jittered_cholesky(K_XX.as_ref(), JitterPolicy::default()).unwrap();
        let K_XT = cross_gram(&k, case.x_train.view(), case.x_test.view()).unwrap();
        let K_TT = gram(&k, case.x_test.view()).unwrap();
        use faer_ext::IntoFaer;
        let post = posterior::posterior_from_factor(
            chol.factor.as_ref(),
            chol.jitter,
            K_XT.as_ref(),
            K_TT.as_ref(),
            case.y_train.view().into_faer(),
        );
        let resid = faer::Mat::<f64>::zeros(case.y_test.nrows(), case.y_test.ncols());
        let sp = spectrum::spectrum(post.cov, resid.as_ref()).unwrap();
        let want = floats(&c["eigenvalues"]);
        let top = want.iter().copied().fold(0.0, f64::max);
        for (got, want) in sp.eigenvalues.iter().zip(want) {
            assert!(
                (got - want).abs() <= 1e-10 * top,
                "{name}: eigenvalue {got} vs {want}"
            );
        }
    }
}

// Sigma = a I exactly (test points 1000 apart): the law is a / (N k) * chi'^2_{N k}(||Y_T||^2 / a),
// and the exact path matches the closed form (50-digit Poisson mixture) to 1e-9.
#[test]
fn isotropic_case_matches_scaled_ncx2_closed_form() {
    let all = reference();
    let c = case(&all, "isotropic");
    let est = run(&load(c));
    assert_eq!(est.law.terms, 12);
    assert_relative_eq!(
        est.law.total_dof,
        c["dof"].as_f64().unwrap(),
        max_relative = 1e-15
    );
    assert_relative_eq!(
        est.mean_error,
        c["mean_error"].as_f64().unwrap(),
        max_relative = 1e-12
    );
    assert_relative_eq!(
        est.law.weight_range[0],
        c["scale"].as_f64().unwrap(),
        max_relative = 1e-12
    );
    for (t, want) in est.targets.iter().zip(floats(&c["closed_form_bits_mp50"])) {
        eprintln!(
            "isotropic eps {:.4e}: {} bits, rel err {:.2e} vs closed form",
            t.eps,
            t.exact.bits,
            (t.exact.bits - want).abs() / want
        );
        assert_relative_eq!(t.exact.bits, want, max_relative = 1e-9);
    }
}
