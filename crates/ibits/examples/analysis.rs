// An analysis program on the single dependency `ibits` (docs/library.md, recipes a-e):
//
// (a) MNIST -> exact bits of an RBF and a ReLU NNGP space at several targets;
// (b) losses of your own models (a `Vec<f64>` and a text file) -> fitted bits with interval;
// (c) a trained-MLP space;
// (d) your own Gram matrices K_XX, K_XT, K_TT -> exact bits;
// (e) a grid run and its report.
//
// Run with `cargo run --release -p ibits --example analysis`; the test
// `crates/ibits/tests/analysis_program.rs` runs it too. Files go to
// `<temp dir>/ibits-analysis-<process id>/`.

use ibits::prelude::*;
use std::path::Path;

/// Runs recipes (a)-(e), printing every number with its unit and what it came from.
pub fn main() -> Result<(), ibits::Error> {
    let out = std::env::temp_dir().join(format!("ibits-analysis-{}", std::process::id()));
    std::fs::create_dir_all(&out)?;
    mnist_exact_bits()?;
    own_losses(&out)?;
    trained_mlps()?;
    own_gram_matrices()?;
    grid_and_report(&out)
}

/// (a) Exact bits of two GP spaces on MNIST (vendored), n = 300, N = 200.
fn mnist_exact_bits() -> Result<(), ibits::Error> {
    let task = TaskOptions::new("mnist").with_sizes(300, 200).load()?;
    let targets = [
        Target::relative(0.8)?,
        Target::relative(0.5)?,
        Target::relative(0.2)?,
        Target::absolute(0.05)?,
    ];
    let exact_only = EstimateOptions {
        samples: Some(0),
        ..Default::default()
    };
    for kernel in ["rbf", "nngp-relu"] {
        let estimate =
            Space::gp(KernelOptions::named(kernel))?.estimate(&task, &targets, &exact_only)?;
        println!(
            "(a) {} on {} (n = {}, N = {}, k = {}): mean test error {:.4} (MSE over N k entries, exact)",
            estimate.space_label, estimate.task, estimate.n, estimate.test_n, estimate.k, estimate.mean_error
        );
        let parameter = |key: &str| estimate.space_parameters.get(key).cloned();
        if let (Some(bandwidth), Some(rule)) = (parameter("bandwidth"), parameter("bandwidth_rule"))
        {
            println!(
                "    bandwidth {:.3} (Euclidean distance, pixels / 255): {}",
                bandwidth.as_f64().unwrap_or(f64::NAN),
                rule.as_str().unwrap_or_default()
            );
        }
        let mut by_eps = Vec::new();
        for t in &estimate.targets {
            let exact = t.exact.as_ref().expect("a GP space has an exact law");
            println!(
                "    eps = {:.4} ({}): {:.2} bits exact ({}), Chernoff lower bound {:.2} bits",
                t.eps,
                t.eps_rule,
                exact.bits,
                exact.method.name(),
                exact.chernoff_bits
            );
            assert!(exact.bits >= exact.chernoff_bits - 1e-9);
            by_eps.push((t.eps, exact.bits));
        }
        by_eps.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(
            by_eps.windows(2).all(|w| w[0].1 >= w[1].1),
            "bits grow as eps shrinks"
        );
    }
    Ok(())
}

/// (b) 200 test errors of "your own models" -> fitted and counted bits. Here the losses are a
/// deterministic stand-in: 0.05 x (mean of 20 squared pseudo-normal draws of mean 1 and
/// standard deviation 1), from a seeded linear congruential generator and Box-Muller.
fn own_losses(out: &Path) -> Result<(), ibits::Error> {
    let mut state = 7_u64;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64 + 0.5) / (1_u64 << 53) as f64
    };
    let losses: Vec<f64> = (0..200)
        .map(|_| {
            let squares: f64 = (0..20)
                .map(|_| {
                    let (u, v) = (uniform(), uniform());
                    let z = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos();
                    (z + 1.0).powi(2)
                })
                .sum();
            0.05 * squares / 20.0
        })
        .collect();
    let file = out.join("losses.txt");
    let text: String = losses.iter().map(|e| format!("{e}\n")).collect();
    std::fs::write(&file, text)?;
    let from_file = read_losses(&file)?;
    assert_eq!(from_file, losses);
    let eps = [0.08, 0.07];
    let path = fit_errors(&from_file, &eps, 0, &FitOptions::default())?;
    println!(
        "(b) {} losses read from {}: fitted scaled ncx2 dof {:.1}, noncentrality {:.2}, scale {:.3e}",
        from_file.len(),
        file.display(),
        path.law.dof,
        path.law.noncentrality,
        path.law.scale
    );
    for (fitted, counted) in path.bits.iter().zip(&path.counted) {
        let [lo, hi] = fitted
            .interval_bits
            .expect("200 bootstrap resamples give an interval");
        println!(
            "    eps = {:.3}: {:.2} bits fitted (95% interval {lo:.2} to {hi:.2} bits), {:.2} bits counted ({} of {} losses <= eps)",
            fitted.eps, fitted.bits, counted.bits, counted.proportion.successes, counted.proportion.trials
        );
        assert!(lo <= fitted.bits && fitted.bits <= hi);
    }
    for warning in &path.warnings {
        println!("    warning: {}", warning.message);
    }
    Ok(())
}

/// (c) 20 trained one-hidden-layer networks of width 32 on iris, n = 60, N = 30.
fn trained_mlps() -> Result<(), ibits::Error> {
    let task = TaskOptions::new("iris").with_sizes(60, 30).load()?;
    let space = Space::mlp(MlpSettings {
        width: Some(32),
        depth: Some(1),
        epochs: Some(300),
        lr: Some(0.01),
        ..Default::default()
    })?;
    let options = EstimateOptions {
        samples: Some(20),
        ..Default::default()
    };
    let estimate = space.estimate(&task, &[Target::relative(0.5)?], &options)?;
    let t = &estimate.targets[0];
    let fitted = t.fitted.expect("trained networks give the fitted path");
    let [lo, hi] = fitted.interval_bits.expect("bootstrapped interval");
    println!(
        "(c) {} on {} (n = {}, N = {}): {} networks fit the training set ({} rejected); mean test error {:.4} (MSE over N k entries)",
        estimate.space_label,
        estimate.task,
        estimate.n,
        estimate.test_n,
        estimate.samples.unwrap_or(0),
        estimate.rejected.unwrap_or(0),
        estimate.mean_error
    );
    println!(
        "    eps = {:.4} ({}): {:.2} bits fitted (95% interval {lo:.2} to {hi:.2} bits)",
        t.eps, t.eps_rule, fitted.bits
    );
    assert!(fitted.bits.is_finite() && lo <= fitted.bits && fitted.bits <= hi);
    Ok(())
}

/// (d) Gram matrices built outside the spaces -> exact bits; with ibits' own RBF kernel they
/// give what `Space::gp` gives. MNIST, n = 200, N = 100.
fn own_gram_matrices() -> Result<(), ibits::Error> {
    let task = TaskOptions::new("mnist").with_sizes(200, 100).load()?;
    let (x, xt) = (task.x_train.view(), task.x_test.view());
    let (y, yt) = (task.y_train.view(), task.y_test.view());
    let targets = [Target::relative(0.5)?];
    let blocks = |k: &ibits::Kernel| -> Result<GramBlocks, ibits::Error> {
        Ok(GramBlocks {
            K_XX: ibits::kernels::gram(k, x)?,
            K_XT: ibits::kernels::cross_gram(k, x, xt)?,
            K_TT: ibits::kernels::gram(k, xt)?,
        })
    };
    let exact_only = GpOptions {
        samples: 0,
        ..Default::default()
    };
    // ibits' RBF kernel with the median bandwidth, resolved as Space::gp resolves it.
    let (rbf, rule) = KernelOptions::named("rbf").spec()?.resolve(x)?;
    let from_gram =
        estimate_gp_from_gram(blocks(&rbf)?, y, yt, &targets, &exact_only, &mut |_| {})?;
    let space = Space::gp(KernelOptions::named("rbf"))?.estimate(
        &task,
        &targets,
        &EstimateOptions {
            samples: Some(0),
            ..Default::default()
        },
    )?;
    let (a, b) = (
        from_gram.targets[0].exact.bits,
        space.bits(0).unwrap_or(f64::NAN),
    );
    println!(
        "(d) {} (n = {}, N = {}), eps = {:.4} (0.5 x mean error): {a:.6} bits exact from Gram matrices of {rbf} (bandwidth: {}), {b:.6} bits from Space::gp",
        task.name,
        from_gram.n_train,
        from_gram.n_test,
        from_gram.targets[0].eps,
        rule.unwrap_or_default()
    );
    assert!((a - b).abs() <= 1e-10 * b.abs());
    // Your own kernel; here the sum of two RBF kernels' Gram matrices (bandwidths 5 and 10).
    let narrow = blocks(&ibits::Kernel::Rbf(ibits::kernels::Rbf::new(5.0, 1.0)?))?;
    let wide = blocks(&ibits::Kernel::Rbf(ibits::kernels::Rbf::new(10.0, 1.0)?))?;
    let sum = GramBlocks {
        K_XX: &narrow.K_XX + &wide.K_XX,
        K_XT: &narrow.K_XT + &wide.K_XT,
        K_TT: &narrow.K_TT + &wide.K_TT,
    };
    let own = estimate_gp_from_gram(sum, y, yt, &targets, &exact_only, &mut |_| {})?;
    let t = &own.targets[0];
    println!(
        "    own kernel rbf(5) + rbf(10): mean test error {:.4} (MSE over N k entries), eps = {:.4}: {:.2} bits exact",
        own.mean_error, t.eps, t.exact.bits
    );
    assert!(t.exact.bits.is_finite() && t.exact.bits > 0.0);
    Ok(())
}

/// (e) A grid of two GP kernels on one synthetic task, run into a directory, and its report.
fn grid_and_report(out: &Path) -> Result<(), ibits::Error> {
    let experiment = Experiment::from_toml_str(
        r#"
        name = "analysis"
        seed = 0
        [grid]
        task = [{ source = "synthetic", intrinsic_dim = 2, ambient_dim = 10 }]
        space = [{ kind = "gp", kernel = "nngp-relu", depth = 1 }, { kind = "gp", kernel = "rbf" }]
        n = [30]
        test_n = [40]
        eps_relative = [0.5]
        [settings]
        samples = 200
        bootstrap = 50
        "#,
    )?;
    let dir = out.join("grid");
    let summary = experiment.run(&dir, &RunOptions::default())?;
    summary.check()?;
    let files = Report::build(&dir)?.write(&dir.join("report"))?;
    println!(
        "(e) grid of {} cells: {} run, {} failed; report {} with {} charts",
        summary.grid,
        summary.ran,
        summary.failed.len(),
        files.document.display(),
        files.plots.len()
    );
    assert!(summary.failed.is_empty() && files.document.exists());
    Ok(())
}
