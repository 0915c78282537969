//! End-to-end tests of `ibits estimate --space mlp` and `ibits models` on small synthetic tasks.

use assert_cmd::Command;
use serde_json::Value;

fn ibits() -> Command {
    Command::cargo_bin("ibits").unwrap()
}

/// A small synthetic task: 40 train / 40 test points, 5 inputs, 3 classes.
const TASK: &[&str] = &[
    "--task",
    "synthetic",
    "--intrinsic-dim",
    "2",
    "--ambient-dim",
    "5",
    "--outputs",
    "3",
    "--n-train",
    "40",
    "--n-test",
    "40",
];

/// A tiny trained-network space.
const SPACE: &[&str] = &[
    "--space",
    "mlp",
    "--width",
    "12",
    "--depth",
    "1",
    "--epochs",
    "40",
    "--batch-size",
    "10",
    "--lr",
    "1e-2",
    "--samples",
    "16",
    "--train-threshold",
    "0.2",
    "--bootstrap",
    "20",
];

fn run_json(args: &[&str], threads: &str) -> Value {
    let out = ibits()
        .env("RAYON_NUM_THREADS", threads)
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
fn mlp_estimate_reports_counts_bits_and_advice() {
    let args: Vec<&str> = ["estimate"]
        .iter()
        .chain(TASK)
        .chain(SPACE)
        .chain(&["--target-rel", "0.8"])
        .copied()
        .collect();
    let v = run_json(&args, "2");
    assert_eq!(v["space"], "mlp");
    assert_eq!(v["unit"], "bits");
    assert_eq!(
        (v["n"].as_u64(), v["test_n"].as_u64(), v["k"].as_u64()),
        (Some(40), Some(40), Some(3))
    );
    assert_eq!(v["samples"], 16);
    let mlp = &v["details"]["mlp"];
    let hyps = mlp["hypotheses"].as_array().unwrap();
    assert_eq!(hyps.len(), 16);
    // Accepted = hypotheses whose training error is <= the threshold; the rest are counted.
    let fit = hyps
        .iter()
        .filter(|h| h["train_error"].as_f64().unwrap() <= 0.2)
        .count() as u64;
    assert_eq!(mlp["accepted"].as_u64(), Some(fit));
    assert_eq!(v["rejected"].as_u64(), Some(16 - fit));
    let mean: f64 = hyps
        .iter()
        .filter(|h| h["fits_training_set"] == true)
        .map(|h| h["test_error"].as_f64().unwrap())
        .sum::<f64>()
        / fit as f64;
    let t = &v["targets"][0];
    let eps = t["eps"].as_f64().unwrap();
    assert!(
        (eps - 0.8 * mean).abs() <= 1e-12 * mean,
        "eps {eps} vs 0.8 x {mean}"
    );
    let bits = t["fitted"]["bits"].as_f64().unwrap();
    assert!(bits.is_finite() && bits >= 0.0);
    assert!(mlp["advice"]["accepted_to_halve"].as_u64().unwrap() > fit);
}

#[test]
fn same_seed_gives_bit_identical_errors_on_one_and_two_threads() {
    let args: Vec<&str> = ["estimate"]
        .iter()
        .chain(TASK)
        .chain(SPACE)
        .chain(&["--no-advice"])
        .copied()
        .collect();
    let one = run_json(&args, "1");
    let two = run_json(&args, "2");
    // serde_json writes the shortest string that round-trips, so equal text is equal bits.
    let hypotheses = |v: &Value| v["details"]["mlp"]["hypotheses"].to_string();
    assert!(hypotheses(&one).len() > 100, "{one}");
    assert_eq!(hypotheses(&one), hypotheses(&two));
    assert_eq!(
        one["targets"][0]["fitted"]["bits"],
        two["targets"][0]["fitted"]["bits"]
    );
}

#[test]
fn text_output_states_units_and_rejections() {
    let out = ibits()
        .args(["estimate"])
        .args(TASK)
        .args(SPACE)
        .arg("--no-advice")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("unit: bits"));
    assert!(text.contains("fit the training set"));
    assert!(text.contains("paper's code   would report"));
    assert!(text.contains("nats"));
}

#[test]
fn models_table_has_one_value_per_model_and_space() {
    let args: Vec<&str> = ["models"]
        .iter()
        .chain(TASK)
        .chain(SPACE)
        .chain(&[
            "--ridge",
            "0,1",
            "--knn",
            "1,5",
            "--mlp-widths",
            "8",
            "--mlp-depths",
            "1",
            "--mlp-networks",
            "2",
        ])
        .copied()
        .collect();
    let v = run_json(&args, "2");
    let models = v["models"].as_array().unwrap();
    // 2 ridge + 2 knn + 2 GP means (RBF median, matching NNGP) + 1 MLP class.
    assert_eq!(models.len(), 7);
    let spaces = v["spaces"].as_array().unwrap();
    assert_eq!(spaces.len(), 2, "MLP space and its matching NNGP space");
    for s in spaces {
        let provided = s["provided"].as_array().unwrap();
        assert_eq!(provided.len(), 7);
        // I(eps) is non-increasing in eps within each space.
        let mut pairs: Vec<(f64, f64)> = models
            .iter()
            .zip(provided)
            .map(|(m, p)| {
                (
                    m["test_error"].as_f64().unwrap(),
                    p["bits"].as_f64().unwrap(),
                )
            })
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in pairs.windows(2) {
            assert!(w[0].1 >= w[1].1, "{}: {pairs:?}", s["space"]);
        }
    }
    assert!(spaces[1]["space"]
        .as_str()
        .unwrap()
        .starts_with("matching NNGP"));
    assert_eq!(v["unit"], "bits");
}

#[test]
fn models_against_a_gp_space() {
    let out = ibits()
        .args(["models"])
        .args(TASK)
        .args([
            "--space",
            "gp",
            "--kernel",
            "nngp-relu",
            "--depth",
            "2",
            "--ridge",
            "1",
            "--knn",
            "3",
            "--no-mlp",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("model class"));
    assert!(text.contains("ridge (lambda = 1)"));
    assert!(text.contains("3-nearest neighbours"));
    assert!(text.contains("exact law"));
}

#[test]
fn bad_values_are_usage_errors() {
    let cases: &[&[&str]] = &[
        &["estimate", "--space", "mlp", "--width", "0"],
        &["estimate", "--space", "mlp", "--lr", "-1"],
        &["estimate", "--space", "mlp", "--sigma-w", "1.5"],
        &["estimate", "--space", "mlp", "--kernel", "nngp-relu"],
        &["estimate", "--kernel", "rbf", "--depth", "2"],
        &["models", "--kernel", "linear", "--bandwidth", "3"],
        &["models", "--target", "0.1"],
        &["models", "--knn", "0"],
    ];
    for args in cases {
        let out = ibits().args(*args).args(TASK).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// The test errors of the MLP model classes of one `ibits models` run against a GP space.
fn mlp_class_errors(kernel: &[&str]) -> Vec<(String, f64)> {
    let args: Vec<&str> = ["models", "--space", "gp"]
        .iter()
        .chain(TASK)
        .chain(kernel)
        .chain(&[
            "--ridge",
            "1",
            "--knn",
            "1",
            "--mlp-widths",
            "6,9",
            "--mlp-depths",
            "1",
            "--mlp-networks",
            "2",
            "--epochs",
            "5",
            "--batch-size",
            "10",
            "--samples",
            "20",
            "--bootstrap",
            "10",
        ])
        .copied()
        .collect();
    let v = run_json(&args, "2");
    v["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["model"].as_str().unwrap().starts_with("MLP"))
        .map(|m| {
            (
                m["model"].as_str().unwrap().to_string(),
                m["test_error"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn mlp_classes_train_the_same_networks_whatever_the_reference_space() {
    // Against an NNGP space the kernel's own GP mean joins the classes before the MLPs, and the
    // --sigma flags describe that kernel (the MLP classes keep the PyTorch initialisation).
    let rbf = mlp_class_errors(&["--kernel", "rbf"]);
    let nngp = mlp_class_errors(&[
        "--kernel",
        "nngp-relu",
        "--depth",
        "2",
        "--sigma-w",
        "1.2",
        "--sigma-b",
        "0.2",
    ]);
    assert_eq!(rbf.len(), 2, "{rbf:?}");
    assert_eq!(rbf, nngp);
    assert_ne!(
        rbf[0].1, rbf[1].1,
        "different widths train different networks"
    );
}

// Issue 13: full MNIST worked 30 s, then aborted allocating 28.8 GB. The plan of every model
// class and the reference space is now checked before any work, against --max-memory.
#[test]
fn full_mnist_models_are_refused_before_any_work() {
    let out = ibits()
        .env_remove("IBITS_DATA_DIR")
        .args([
            "models",
            "--task",
            "mnist",
            "--n-train",
            "60000",
            "--n-test",
            "10000",
            "--max-memory",
            "16",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("needs about") && err.contains("largest sizes that fit are n = N ="),
        "{err}"
    );
}
