//! End-to-end tests of `ibits data`. Expected counts are the published ones in
//! data/*/README.md.

mod common;

use common::{ibits, stdout_json};

#[test]
fn list_names_every_vendored_dataset() {
    let out = ibits().args(["data", "list"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "mnist",
        "iris",
        "wine",
        "breast-cancer",
        "digits",
        "wine-quality-red",
        "sonar",
        "glass",
        "vehicle",
        "ionosphere",
        "pima-diabetes",
    ] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    let v = stdout_json(&["data", "list", "--json"]);
    assert_eq!(v["datasets"].as_array().unwrap().len(), 11);
}

#[test]
fn info_reports_counts_checksums_and_licence() {
    let v = stdout_json(&["data", "info", "mnist", "--json"]);
    let train: Vec<u64> = v["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["train"].as_u64().unwrap())
        .collect();
    assert_eq!(
        train,
        vec![5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    let test: Vec<u64> = v["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["test"].as_u64().unwrap())
        .collect();
    assert_eq!(
        test,
        vec![980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    assert_eq!(v["checksum_status"], "verified");
    assert_eq!(v["checksums"].as_array().unwrap().len(), 4);
    assert!(v["dataset"]["licence"]
        .as_str()
        .unwrap()
        .contains("CC BY-SA 3.0"));
    assert_eq!(
        (
            v["n_train"].as_u64(),
            v["n_test"].as_u64(),
            v["input_dim"].as_u64()
        ),
        (Some(60000), Some(10000), Some(784))
    );

    let out = ibits().args(["data", "info", "iris"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("setosa") && text.contains("verified") && text.contains("CC BY 4.0"),
        "{text}"
    );
}

#[test]
fn info_builds_tasks_from_options() {
    let v = stdout_json(&[
        "data",
        "info",
        "mnist",
        "--n-train",
        "100",
        "--n-test",
        "20",
        "--classes",
        "3,5",
        "--json",
    ]);
    assert_eq!(
        (
            v["n_train"].as_u64(),
            v["n_test"].as_u64(),
            v["n_outputs"].as_u64()
        ),
        (Some(100), Some(20), Some(2))
    );
    assert!(v["description"].as_str().unwrap().contains("classes 3, 5"));
    let v = stdout_json(&[
        "data",
        "info",
        "synthetic",
        "--intrinsic-dim",
        "3",
        "--ambient-dim",
        "40",
        "--n-train",
        "50",
        "--n-test",
        "10",
        "--target",
        "regression",
        "--outputs",
        "2",
        "--json",
    ]);
    assert_eq!(v["kind"], "regression");
    assert_eq!(
        (v["input_dim"].as_u64(), v["n_outputs"].as_u64()),
        (Some(40), Some(2))
    );
    let v = stdout_json(&[
        "data",
        "info",
        "iris",
        "--subset",
        "stratified",
        "--n-train",
        "30",
        "--n-test",
        "30",
        "--pca",
        "2",
        "--json",
    ]);
    assert_eq!(v["input_dim"].as_u64(), Some(2));
    assert!(v["classes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["train"] == 10));
}

#[test]
fn idx_directory_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let idx = |code: u8, dims: &[u32], payload: Vec<u8>| {
        let mut b = vec![0, 0, code, dims.len() as u8];
        for d in dims {
            b.extend_from_slice(&d.to_be_bytes());
        }
        b.extend(payload);
        b
    };
    std::fs::write(
        dir.path().join("train-images-idx3-ubyte"),
        idx(8, &[4, 2, 2], vec![7; 16]),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("train-labels-idx1-ubyte"),
        idx(8, &[4], vec![0, 1, 0, 1]),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("t10k-images-idx3-ubyte"),
        idx(8, &[2, 2, 2], vec![9; 8]),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("t10k-labels-idx1-ubyte"),
        idx(8, &[2], vec![1, 0]),
    )
    .unwrap();
    let source = format!("idx:{}", dir.path().display());
    let v = stdout_json(&["data", "info", &source, "--json"]);
    assert_eq!(
        (
            v["n_train"].as_u64(),
            v["n_test"].as_u64(),
            v["input_dim"].as_u64(),
            v["n_outputs"].as_u64()
        ),
        (Some(4), Some(2), Some(4), Some(2))
    );
    // Truncate the test images: exit 1, message names the file.
    std::fs::write(
        dir.path().join("t10k-images-idx3-ubyte"),
        idx(8, &[2, 2, 2], vec![9; 5]),
    )
    .unwrap();
    let out = ibits().args(["data", "info", &source]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("t10k-images-idx3-ubyte") && err.contains("truncated"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn unknown_names_and_oversized_subsets_are_usage_errors_listing_what_exists() {
    let out = ibits().args(["data", "info", "cifar10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    for name in [
        "mnist",
        "iris",
        "digits",
        "idx:DIR",
        "csv:FILE",
        "synthetic",
    ] {
        assert!(err.contains(name), "{name} not listed: {err}");
    }
    let out = ibits()
        .args(["data", "info", "mnist", "--n-train", "70000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("requested 70000 training rows but only 60000 are available"),
        "{err}"
    );
    let out = ibits().args(["data", "verify", "nosuch"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = ibits()
        .args(["data", "info", "iris", "--noise", "0.1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("apply only to the task 'synthetic'"));
}

#[test]
fn verify_passes_on_the_vendored_data_and_fails_on_a_corrupt_copy() {
    let out = ibits()
        .args(["data", "verify", "iris", "wine", "sonar"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("3 datasets checked, 0 failed"), "{text}");

    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sklearn-wine");
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("sklearn-wine");
    std::fs::create_dir(&folder).unwrap();
    for f in ["wine_data.csv", "SHA256SUMS"] {
        std::fs::copy(real.join(f), folder.join(f)).unwrap();
    }
    let mut bytes = std::fs::read(folder.join("wine_data.csv")).unwrap();
    bytes.truncate(bytes.len() - 10);
    std::fs::write(folder.join("wine_data.csv"), bytes).unwrap();
    let out = ibits()
        .env("IBITS_DATA_DIR", tmp.path())
        .args(["data", "verify", "wine"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("MISMATCH") && text.contains("wine_data.csv"),
        "{text}"
    );
    // Verifying everything goes on past the folders that are missing here and still reports
    // the corrupt file.
    let out = ibits()
        .env("IBITS_DATA_DIR", tmp.path())
        .args(["data", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("MISMATCH") && text.contains("wine_data.csv") && text.contains("mnist"),
        "{text}"
    );
    let out = ibits()
        .env("IBITS_DATA_DIR", tmp.path())
        .args(["data", "info", "wine"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("wine_data.csv") && err.contains("checksum mismatch"),
        "{err}"
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // `ibits data list --json | head -0`: the reader is gone before ibits writes.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ibits"))
        .args(["data", "list", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
}
