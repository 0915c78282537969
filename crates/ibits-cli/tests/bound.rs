//! End-to-end tests of `ibits bound`: the ICML 2023 bound from the paper's presets, from flags
//! and measured on tasks; bad input exits with 2 and says what to change.

mod common;

use common::{ibits, stdout_json};

/// Run, expect exit code 2, return stderr.
fn usage_error(args: &[&str]) -> String {
    let out = ibits().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: stdout not empty");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    stderr
}

/// Round to 4 significant digits.
fn four_digits(x: f64) -> f64 {
    let scale = 10f64.powi(x.log10().floor() as i32 - 3);
    (x / scale).round() * scale
}

// The values the paper reports (docs/design.md §8), 4 significant digits.
const PUBLISHED: [(&str, f64, &str); 4] = [
    ("mnist", 1.485e16, "1.485e16"),
    ("svhn", 1.213e31, "1.213e31"),
    ("cifar10", 3.438e32, "3.438e32"),
    ("imagenet", 3.583e41, "3.583e41"),
];

#[test]
fn presets_reproduce_the_published_values() {
    for (name, bits, text) in PUBLISHED {
        let v = stdout_json(&["bound", "--preset", name, "--json"]);
        assert_eq!(v["unit"], "bits");
        assert_eq!(v["preset"], name);
        assert_eq!(v["regime"], "informative");
        let got = v["bits"].as_f64().unwrap();
        assert!(
            (four_digits(got) / bits - 1.0).abs() < 1e-12,
            "{name}: {got}"
        );
        assert_eq!(v["published_bits"].as_f64(), Some(bits));
        let log10 = v["log10_bits"].as_f64().unwrap();
        assert!((log10 - got.log10()).abs() < 1e-12);

        let out = ibits().args(["bound", "--preset", name]).output().unwrap();
        assert!(out.status.success());
        let human = String::from_utf8(out.stdout).unwrap();
        assert!(human.contains(&format!("{text} bits")), "{name}:\n{human}");
        assert!(human.contains("computed from preset"), "{human}");
    }
}

#[test]
fn json_names_every_input_and_its_source() {
    let v = stdout_json(&["bound", "--preset", "mnist", "--json"]);
    let inputs = &v["inputs"];
    assert_eq!(inputs["train_points"], 60000.0);
    assert_eq!(inputs["intrinsic_dim"], 14.0);
    assert_eq!(inputs["radius"], 17.179045827183984);
    assert_eq!(inputs["separation"], 2.3987084824335305);
    assert_eq!(inputs["target_error"], 0.001);
    assert_eq!(inputs["output_dim"], 9.0);
    assert_eq!(inputs["discrete_states"], 10.0);
    assert_eq!(inputs["output_bound"], 1.0);
    assert_eq!(v["sources"]["radius"], "paper (MNIST)");
    for key in [
        "max_frequency",
        "max_degree",
        "log10_eigenfunctions",
        "log10_hypothesis_dim",
        "log10_interpolating_dim",
        "wasserstein",
        "lipschitz",
        "bits_per_dimension",
    ] {
        assert!(v[key].as_f64().unwrap().is_finite(), "{key}");
    }
}

#[test]
fn a_flag_replaces_a_preset_quantity() {
    // Halving eps adds exactly dim Theta_q bits (log2(1/eps) enters linearly).
    let base = stdout_json(&["bound", "--preset", "cifar10", "--json"]);
    let half = stdout_json(&["bound", "--preset", "cifar10", "--eps", "0.005", "--json"]);
    assert_eq!(half["sources"]["target_error"], "--eps");
    assert!(half["published_bits"].is_null());
    let dim_q = 10f64.powf(base["log10_interpolating_dim"].as_f64().unwrap());
    let gained = half["bits"].as_f64().unwrap() - base["bits"].as_f64().unwrap();
    assert!((gained / dim_q - 1.0).abs() < 1e-9, "{gained} vs {dim_q}");
    // --num-classes sets D = C - 1 and P = C.
    let two = stdout_json(&["bound", "--preset", "mnist", "--num-classes", "2", "--json"]);
    assert_eq!(two["inputs"]["output_dim"], 1.0);
    assert_eq!(two["inputs"]["discrete_states"], 2.0);
}

#[test]
fn every_quantity_by_flag() {
    // Reference: tests/refs/bound_refs.py in crates/ibits (mpmath): 189701.62632072684712 bits.
    let v = stdout_json(&[
        "bound",
        "--train-points",
        "100",
        "--manifold-dim",
        "3",
        "--radius",
        "2",
        "--separation",
        "0.5",
        "--eps",
        "0.05",
        "--num-classes",
        "2",
        "--json",
    ]);
    assert_eq!(v["computed_from"], "flags");
    let bits = v["bits"].as_f64().unwrap();
    assert!(
        (bits / 189_701.626_320_726_85 - 1.0).abs() < 1e-11,
        "{bits}"
    );
}

#[test]
fn beyond_f64_the_log_is_still_reported() {
    // mpmath: log10 bits = 588.74540719422856 (crates/ibits/tests/refs/bound_refs.py).
    let args = [
        "bound",
        "--train-points",
        "1000",
        "--manifold-dim",
        "200",
        "--radius",
        "100",
        "--separation",
        "0.01",
        "--eps",
        "0.01",
        "--num-classes",
        "10",
    ];
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let v = stdout_json(&with_json);
    assert!(v["bits"].is_null(), "{}", v["bits"]);
    let log10 = v["log10_bits"].as_f64().unwrap();
    assert!((log10 / 588.745_407_194_228_6 - 1.0).abs() < 1e-12);
    let out = ibits().args(args).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("5.564e588 bits"), "{text}");
    assert!(text.contains("exceeds the largest f64"), "{text}");
}

#[test]
fn measured_on_a_small_task() {
    let v = stdout_json(&["bound", "--task", "iris", "--json"]);
    assert_eq!(v["computed_from"], "task iris");
    assert_eq!(v["sources"]["intrinsic_dim"], "measured");
    assert_eq!(v["sources"]["target_error"], "default");
    let inputs = &v["inputs"];
    assert_eq!(inputs["output_dim"], 2.0); // 3 classes
    assert_eq!(inputs["discrete_states"], 3.0);
    assert_eq!(inputs["target_error"], 0.01);
    let m = inputs["intrinsic_dim"].as_f64().unwrap();
    assert!((1.0..=4.0).contains(&m), "iris has 4 features, m = {m}");
    let task = &v["task"];
    assert_eq!(task["separation"]["exhaustive"], true);
    let delta = task["separation"]["separation"].as_f64().unwrap();
    assert_eq!(inputs["separation"].as_f64().unwrap(), delta);
    assert!(v["bits"].as_f64().unwrap() > 0.0);
    // Reproducible, and a flag replaces a measured value without measuring it.
    assert_eq!(v, stdout_json(&["bound", "--task", "iris", "--json"]));
    let given = stdout_json(&["bound", "--task", "iris", "--manifold-dim", "2", "--json"]);
    assert_eq!(given["inputs"]["intrinsic_dim"], 2.0);
    assert!(given["task"]["dimension"].is_null());
    assert_eq!(given["sources"]["intrinsic_dim"], "--manifold-dim");
}

#[test]
fn synthetic_task_recovers_its_intrinsic_dimension() {
    let v = stdout_json(&[
        "bound",
        "--task",
        "synthetic",
        "--intrinsic-dim",
        "4",
        "--ambient-dim",
        "30",
        "--n-train",
        "3000",
        "--n-test",
        "10",
        "--outputs",
        "3",
        "--json",
    ]);
    assert_eq!(
        v["inputs"]["intrinsic_dim"], 4.0,
        "{}",
        v["task"]["dimension"]
    );
    assert_eq!(v["inputs"]["discrete_states"], 3.0);
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let e = usage_error(&["bound", "--preset", "mnist", "--radius", "-1"]);
    assert!(
        e.contains("radius R") && e.contains("> 0") && e.contains("--radius"),
        "{e}"
    );
    let e = usage_error(&["bound", "--preset", "mnist", "--eps", "nan"]);
    assert!(e.contains("target error eps"), "{e}");
    let e = usage_error(&["bound", "--preset", "mnist", "--manifold-dim", "0"]);
    assert!(
        e.contains("intrinsic dimension m") && e.contains(">= 1"),
        "{e}"
    );
    let e = usage_error(&["bound", "--preset", "svhn", "--num-classes", "1"]);
    assert!(e.contains("--num-classes"), "{e}");
    let e = usage_error(&["bound", "--preset", "cifar100"]);
    assert!(e.contains("cifar10"), "{e}");
    let e = usage_error(&["bound", "--preset", "mnist", "--task", "mnist"]);
    assert!(e.contains("cannot be used with"), "{e}");
    let e = usage_error(&["bound"]);
    assert!(e.contains("--preset") && e.contains("missing"), "{e}");
    let e = usage_error(&["bound", "--radius", "3", "--eps", "0.1"]);
    assert!(
        e.contains("--train-points") && !e.contains("--radius,"),
        "{e}"
    );
    let e = usage_error(&["bound", "--preset", "mnist", "--n-train", "10"]);
    assert!(e.contains("need --task"), "{e}");
    let e = usage_error(&["bound", "--task", "iris", "--neighbours", "1"]);
    assert!(e.contains("--neighbours"), "{e}");
    let e = usage_error(&["bound", "--task", "no-such-dataset"]);
    assert!(e.contains("no-such-dataset"), "{e}");
    let e = usage_error(&[
        "bound",
        "--task",
        "wine-quality-red",
        "--target",
        "regression",
    ]);
    assert!(e.contains("classification"), "{e}");
}

#[test]
fn quantities_the_data_cannot_give_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, rows: &str, extra: &[&str]| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("x1,x2,label\n{rows}")).unwrap();
        let task = format!("csv:{}", path.display());
        let mut args = vec!["bound", "--task", task.as_str()];
        args.extend_from_slice(extra);
        let out = ibits().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    // Every input identical: no neighbours for the MLE, no pair beyond the floor.
    let same: String = (0..40).map(|i| format!("1,2,{}\n", i % 2)).collect();
    let e = run("same.csv", &same, &[]);
    assert!(e.contains("--manifold-dim"), "{e}");
    let e = run("same.csv", &same, &["--manifold-dim", "2"]);
    assert!(e.contains("class separation") && e.contains("floor"), "{e}");
    // All inputs zero: R = 0 is measured, so the message says so.
    let zero: String = (0..40).map(|i| format!("0,0,{}\n", i % 2)).collect();
    let e = run(
        "zero.csv",
        &zero,
        &["--manifold-dim", "2", "--separation", "0.1"],
    );
    assert!(
        e.contains("measured on the task") && e.contains("--radius"),
        "{e}"
    );
}
