//! The NTK and standard parameterisations of ibits-nn have the NNGP kernel of ibits-kernels as
//! their prior covariance: E[f(x) f(y)] over random initialisations equals K(x, y) (Lee et al.
//! 2018, eq. 4), up to O(1/width) and Monte Carlo error.
//!
//! For ReLU the diagonal E[f(x)^2] is exact at every width (E[relu(z)^2] = E[z^2] / 2 for any
//! symmetric z, and every pre-activation is symmetric), so there only Monte Carlo error is
//! allowed; off-diagonal entries and erf get an extra 3% for finite width. Seeds are fixed, so
//! the test is deterministic; the tolerance is 5 Monte Carlo standard errors.

use ibits_kernels::{Kernel, Mlp as KernelMlp};
use ibits_nn::{Activation, Architecture, Init, Mlp};
use ndarray::array;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn check(activation: Activation, init: Init, depth: usize, sigma_w: f64, sigma_b: f64) {
    let width = 64;
    let draws = 4000;
    let x = array![
        [1.0, 0.5, -0.3, 2.0],
        [0.2, -1.0, 0.7, 0.1],
        [1.1, 0.4, -0.2, 1.7]
    ];
    let arch = Architecture::new(4, width, depth, 1, activation, init).unwrap();
    let kernel_mlp = KernelMlp::new(depth, sigma_w, sigma_b).unwrap();
    let kernel = match activation {
        Activation::Relu => Kernel::NngpRelu(kernel_mlp),
        Activation::Erf => Kernel::NngpErf(kernel_mlp),
        Activation::Tanh => unreachable!("tanh has no closed-form kernel"),
    };
    let mut outputs = Vec::with_capacity(draws);
    for i in 0..draws {
        let mut rng = ChaCha8Rng::seed_from_u64(1000 + i as u64);
        let net = Mlp::<f64>::init(&arch, &mut rng);
        let f = net.predict(x.view()).unwrap();
        outputs.push([f[[0, 0]], f[[1, 0]], f[[2, 0]]]);
    }
    for a in 0..3 {
        for b in a..3 {
            let products: Vec<f64> = outputs.iter().map(|f| f[a] * f[b]).collect();
            let mean = products.iter().sum::<f64>() / draws as f64;
            let var = products
                .iter()
                .map(|p| (p - mean) * (p - mean))
                .sum::<f64>()
                / (draws - 1) as f64;
            let standard_error = (var / draws as f64).sqrt();
            let want = kernel
                .eval(x.row(a).as_slice().unwrap(), x.row(b).as_slice().unwrap())
                .unwrap();
            let exact_at_any_width = activation == Activation::Relu && a == b;
            let slack = if exact_at_any_width {
                0.0
            } else {
                0.03 * want.abs()
            };
            assert!(
                (mean - want).abs() <= 5.0 * standard_error + slack,
                "{activation} {init} depth {depth}: E[f(x{a}) f(x{b})] = {mean} +- {standard_error}, NNGP {want}"
            );
        }
    }
}

#[test]
fn ntk_parameterisation_has_the_nngp_covariance() {
    for depth in [1, 2] {
        check(
            Activation::Relu,
            Init::Ntk {
                sigma_w: 1.5,
                sigma_b: 0.3,
            },
            depth,
            1.5,
            0.3,
        );
        check(
            Activation::Erf,
            Init::Ntk {
                sigma_w: 1.5,
                sigma_b: 0.3,
            },
            depth,
            1.5,
            0.3,
        );
    }
}

#[test]
fn standard_parameterisation_has_the_same_nngp_covariance() {
    check(
        Activation::Relu,
        Init::Standard {
            sigma_w: 1.2,
            sigma_b: 0.5,
        },
        2,
        1.2,
        0.5,
    );
    check(
        Activation::Erf,
        Init::Standard {
            sigma_w: 1.2,
            sigma_b: 0.5,
        },
        1,
        1.2,
        0.5,
    );
}
