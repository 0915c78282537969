//! End-to-end tests of `ibits estimate` (GP space): JSON shape, text summary, usage errors and
//! the memory refusal. Small n, N keep each run well under a second of numerics.

use assert_cmd::Command;
use serde_json::Value;

fn ibits() -> Command {
    Command::cargo_bin("ibits").unwrap()
}

fn json_run(args: &[&str]) -> Value {
    let out = ibits()
        .arg("estimate")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn gp_on_mnist_reports_exact_fitted_and_counted_bits() {
    let v = json_run(&[
        "--task",
        "mnist",
        "--n-train",
        "100",
        "--n-test",
        "40",
        "--samples",
        "400",
        "--bootstrap",
        "10",
        "--target-rel",
        "0.9,0.5",
        "--seed",
        "3",
    ]);
    assert_eq!(v["space"], "gp-rbf");
    assert_eq!(v["unit"], "bits");
    assert_eq!(
        (
            v["n"].as_u64(),
            v["test_n"].as_u64(),
            v["k"].as_u64(),
            v["input_dim"].as_u64()
        ),
        (Some(100), Some(40), Some(10), Some(784))
    );
    let gp = &v["details"]["gp"];
    assert_eq!(gp["kernel"]["name"], "rbf");
    assert!(gp["kernel_rule"].as_str().unwrap().contains("median"));
    assert!(v["space_parameters"]["bandwidth_rule"]
        .as_str()
        .unwrap()
        .contains("median"));
    let mean = v["mean_error"].as_f64().unwrap();
    assert!(mean > v["posterior_mean_error"].as_f64().unwrap());
    let targets = v["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    for (t, r) in targets.iter().zip([0.9, 0.5]) {
        assert!((t["eps"].as_f64().unwrap() - r * mean).abs() <= 1e-12 * mean);
        let bits = t["exact"]["bits"].as_f64().unwrap();
        assert!(bits > 0.0 && bits >= t["exact"]["chernoff_bits"].as_f64().unwrap());
        assert!(t["exact_bits_jitter_10x"].as_f64().is_some());
        assert!(t["fitted"]["bits"].as_f64().unwrap() > 0.0);
        assert!(t["fitted"]["paper_nats"].as_f64().is_some());
        assert_eq!(t["counted"]["proportion"]["trials"], 400);
    }
    // Deeper target, more bits.
    assert!(
        targets[1]["exact"]["bits"].as_f64().unwrap()
            > targets[0]["exact"]["bits"].as_f64().unwrap()
    );
    assert_eq!(v["samples"], 400);
    assert_eq!(v["seed"], 3);
    assert_eq!(gp["sampled"]["samples"], 400);
    assert_eq!(gp["sampled"]["seed"], 3);
}

#[test]
fn other_kernels_and_synthetic_tasks_run() {
    for kernel in [
        &[
            "--kernel",
            "nngp-relu",
            "--depth",
            "3",
            "--sigma-w",
            "1.4",
            "--sigma-b",
            "0.1",
        ][..],
        &["--kernel", "ntk-relu", "--depth", "2"][..],
        &["--kernel", "nngp-erf", "--depth", "2"][..],
        &["--kernel", "poly", "--degree", "3"][..],
        &["--kernel", "rbf", "--bandwidth", "2.5", "--amplitude", "2"][..],
    ] {
        let mut args = vec![
            "--task",
            "synthetic",
            "--intrinsic-dim",
            "4",
            "--ambient-dim",
            "16",
            "--n-train",
            "60",
            "--n-test",
            "30",
            "--samples",
            "0",
        ];
        args.extend_from_slice(kernel);
        let v = json_run(&args);
        let bits = v["targets"][0]["exact"]["bits"].as_f64().unwrap();
        assert!(bits.is_finite() && bits > 0.0, "{kernel:?}: {bits}");
        assert!(v["details"]["gp"].is_object() && v["details"]["gp"]["sampled"].is_null());
        assert!(v["samples"].is_null());
    }
}

#[test]
fn text_summary_states_unit_task_and_kernel() {
    let out = ibits()
        .args([
            "estimate",
            "--n-train",
            "80",
            "--n-test",
            "30",
            "--samples",
            "200",
            "--bootstrap",
            "0",
            "--target",
            "0.05",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "bits",
        "mnist",
        "n = 80",
        "N = 30",
        "rbf(bandwidth=",
        "eps = 0.050000 (absolute)",
        "exact law",
        "paper's fit",
        "nats",
        "counted",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn synthetic_manifold_and_teacher_reach_the_task() {
    let mean_error = |shape: &[&str]| {
        let mut args = vec![
            "--task",
            "synthetic",
            "--intrinsic-dim",
            "3",
            "--ambient-dim",
            "12",
            "--n-train",
            "60",
            "--n-test",
            "30",
            "--samples",
            "0",
        ];
        args.extend_from_slice(shape);
        json_run(&args)["mean_error"].as_f64().unwrap()
    };
    let linear = mean_error(&[]);
    let defaults = [
        "--manifold",
        "linear",
        "--teacher",
        "network",
        "--teacher-size",
        "100",
    ];
    assert_eq!(linear, mean_error(&defaults));
    assert_ne!(
        linear,
        mean_error(&["--manifold", "curved", "--curvature", "2"])
    );
    let fourier = [
        "--teacher",
        "fourier",
        "--teacher-size",
        "20",
        "--teacher-frequency",
        "0.5",
    ];
    assert_ne!(linear, mean_error(&fourier));
}

#[test]
fn bad_values_are_usage_errors() {
    for args in [
        &["--bandwidth", "wide"][..],
        &["--target", "-0.1"][..],
        &["--kernel", "poly", "--degree", "0"][..],
        &["--amplitude", "0"][..],
        &["--task", "no-such-dataset"][..],
        &["--intrinsic-dim", "3"][..],
        &["--manifold", "curved"][..],
        &[
            "--task",
            "synthetic",
            "--manifold",
            "curved",
            "--curvature",
            "0",
        ][..],
        &["--task", "synthetic", "--curvature", "2"][..],
        &["--bandwidth", "-1"][..],
        &["--sigma-w", "-1", "--kernel", "nngp-relu"][..],
        &["--samples", "5"][..],
        &["--space", "mlp", "--samples", "3"][..],
    ] {
        let out = ibits().arg("estimate").args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with("ibits: error:") && err.lines().count() == 1,
            "{err}"
        );
    }
}

// The memory check runs before any allocation and names the largest sizes that fit.
#[test]
fn too_little_memory_is_refused_with_the_largest_sizes_that_fit() {
    let out = ibits()
        .args([
            "estimate",
            "--n-train",
            "1000",
            "--n-test",
            "500",
            "--max-memory",
            "0.01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("largest sizes that fit are n = N ="), "{err}");
}

// Issue 13: infinite exact bits used to come back as JSON null with no word, and the
// 10x-jitter check (8e14 bits) did not warn because |inf - b| > 0.01 inf is false.
#[test]
fn infinite_exact_bits_carry_their_reason_and_the_jitter_warning() {
    let v = json_run(&[
        "--task",
        "iris",
        "--subset",
        "stratified",
        "--n-train",
        "60",
        "--n-test",
        "40",
        "--kernel",
        "linear",
        "--samples",
        "0",
    ]);
    let t = &v["targets"][0];
    assert!(t["exact"]["bits"].is_null(), "{t}");
    let messages: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("exact bits are inf") && m.contains("constant part")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("with 10x jitter") && m.contains("from inf")),
        "{messages:?}"
    );
}

// Issue 13: `--samples 1000000000 --max-memory 2` blamed n and N and suggested n = N = 0.
#[test]
fn samples_that_do_not_fit_are_named_not_n_and_n() {
    let out = ibits()
        .args([
            "estimate",
            "--task",
            "iris",
            "--n-train",
            "50",
            "--n-test",
            "20",
            "--samples",
            "1000000000",
            "--max-memory",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("samples S") && err.contains("at most S = "),
        "{err}"
    );
    assert!(!err.contains("n = N = 0"), "{err}");
}

// Issue 13: extreme values answer at once and say what is wrong.
#[test]
fn extreme_values_answer_at_once() {
    let start = std::time::Instant::now();
    // eps far above every error: P = 1, 0 bits (the ncx2/gx2 tails used to hang here).
    let v = json_run(&[
        "--task",
        "iris",
        "--subset",
        "stratified",
        "--n-train",
        "50",
        "--n-test",
        "20",
        "--target",
        "1e40",
        "--samples",
        "0",
    ]);
    assert_eq!(v["targets"][0]["exact"]["bits"].as_f64(), Some(0.0));
    // A vanishing RBF bandwidth: k(x, x) = amplitude, k(x, y) = 0; finite bits, no NaN.
    let v = json_run(&[
        "--task",
        "iris",
        "--subset",
        "stratified",
        "--n-train",
        "50",
        "--n-test",
        "20",
        "--bandwidth",
        "1e-300",
        "--samples",
        "0",
    ]);
    let b = v["targets"][0]["exact"]["bits"].as_f64().unwrap();
    assert!(b.is_finite() && b > 0.0, "{b}");
    assert!(start.elapsed().as_secs() < 60);
    // A negative memory limit is a usage error naming the flag (was "unexpected argument").
    let out = ibits()
        .args(["estimate", "--max-memory", "-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-memory must be"));
}
