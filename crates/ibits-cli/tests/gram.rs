//! `ibits estimate --kernel gram`: the exact law from Gram matrices in `.npy` files equals the
//! estimate with the kernel that made them (to 1e-12 relative), and bad matrices are usage
//! errors that say what is wrong.

mod common;

use std::path::Path;

use common::ibits;
use ibits::kernels::KernelOptions;
use ibits::ndarray::{self, Array2};
use ibits::{GramBlocks, TaskOptions};
use ndarray_npy::write_npy;

/// A synthetic task (n = 40, N = 50) written as npy files, with the ReLU NNGP (depth 2) blocks
/// of its inputs; returns the `--task` string.
fn write_task_and_blocks(dir: &Path) -> String {
    let mut options = TaskOptions::new("synthetic").with_sizes(40, 50);
    options.ambient_dim = Some(8);
    let task = options.load().unwrap();
    let labels = |l: &Option<Vec<usize>>| {
        ndarray::Array1::from_iter(l.as_ref().unwrap().iter().map(|&c| c as i64))
    };
    write_npy(dir.join("x.npy"), &task.x_train).unwrap();
    write_npy(dir.join("xt.npy"), &task.x_test).unwrap();
    write_npy(dir.join("y.npy"), &labels(&task.labels_train)).unwrap();
    write_npy(dir.join("yt.npy"), &labels(&task.labels_test)).unwrap();
    let mut kernel = KernelOptions::named("nngp-relu");
    kernel.depth = Some(2);
    let spec = kernel.spec().unwrap();
    let (blocks, _, _) =
        GramBlocks::compute(&spec, task.x_train.view(), task.x_test.view()).unwrap();
    let [kxx, kxt, ktt] = blocks.to_ndarray();
    write_npy(dir.join("kxx.npy"), &kxx).unwrap();
    write_npy(dir.join("kxt.npy"), &kxt).unwrap();
    write_npy(dir.join("ktt.npy"), &ktt).unwrap();
    let p = |f: &str| dir.join(f).display().to_string();
    format!(
        "npy:{},{},{},{}",
        p("x.npy"),
        p("y.npy"),
        p("xt.npy"),
        p("yt.npy")
    )
}

fn estimate(task: &str, extra: &[&str]) -> std::process::Output {
    let base = [
        "estimate",
        "--task",
        task,
        "--n-train",
        "40",
        "--n-test",
        "50",
    ];
    let tail = ["--target-rel", "0.3,0.7", "--samples", "0", "--json"];
    ibits().args(base).args(extra).args(tail).output().unwrap()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn gram_matrices_give_the_estimate_of_their_kernel() {
    let dir = tempfile::tempdir().unwrap();
    let task = write_task_and_blocks(dir.path());
    let f = |name: &str| dir.path().join(name).display().to_string();
    let gram = [
        "--kernel",
        "gram",
        "--gram-train",
        &f("kxx.npy"),
        "--gram-cross",
        &f("kxt.npy"),
    ];
    let from_gram = json(&estimate(
        &task,
        &[&gram[..], &["--gram-test", &f("ktt.npy")]].concat(),
    ));
    let direct = json(&estimate(&task, &["--kernel", "nngp-relu", "--depth", "2"]));
    assert_eq!(from_gram["space"], "gp-gram");
    let close = |a: &serde_json::Value, b: &serde_json::Value| {
        let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
        assert!((a - b).abs() <= 1e-12 * b.abs(), "{a} vs {b}");
    };
    close(&from_gram["mean_error"], &direct["mean_error"]);
    for i in 0..2 {
        let (g, d) = (&from_gram["targets"][i], &direct["targets"][i]);
        close(&g["eps"], &d["eps"]);
        close(&g["exact"]["bits"], &d["exact"]["bits"]);
        close(&g["exact"]["chernoff_bits"], &d["exact"]["chernoff_bits"]);
    }
}

#[test]
fn bad_gram_matrices_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let task = write_task_and_blocks(dir.path());
    let f = |name: &str| dir.path().join(name).display().to_string();
    let kxx: Array2<f64> = ndarray_npy::read_npy(dir.path().join("kxx.npy")).unwrap();
    let kxt: Array2<f64> = ndarray_npy::read_npy(dir.path().join("kxt.npy")).unwrap();
    let mut skew = kxx.clone();
    skew[[0, 1]] += 0.1;
    write_npy(dir.path().join("skew.npy"), &skew).unwrap();
    write_npy(
        dir.path().join("kxt_t.npy"),
        &kxt.t().as_standard_layout().into_owned(),
    )
    .unwrap();
    let mut nan = kxx.clone();
    nan[[3, 3]] = f64::NAN;
    write_npy(dir.path().join("nan.npy"), &nan).unwrap();
    for (train, cross, code, says) in [
        ("skew.npy", "kxt.npy", 2, "symmetric"),
        ("kxx.npy", "kxt_t.npy", 2, "K_XT"),
        ("nan.npy", "kxt.npy", 1, "nan.npy"),
        ("missing.npy", "kxt.npy", 1, "missing.npy"),
    ] {
        let args = [
            "--kernel",
            "gram",
            "--gram-train",
            &f(train),
            "--gram-cross",
            &f(cross),
            "--gram-test",
            &f("ktt.npy"),
        ];
        let out = estimate(&task, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{train} {cross}: {err}");
        assert!(err.contains(says), "{train} {cross}: {err}");
    }
}
