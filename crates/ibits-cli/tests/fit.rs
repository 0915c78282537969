//! End-to-end tests of `ibits fit`.

use std::path::Path;

use assert_cmd::Command;
use ibits_stats::fit::sample_ncx2;
use ibits_stats::Ncx2;

fn assert_close(got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * want.abs(),
        "got {got}, want {want} (rel {rel})"
    );
}

fn ibits() -> Command {
    Command::cargo_bin("ibits").unwrap()
}

fn write_lines(path: &Path, values: &[f64]) {
    let text: String = values.iter().map(|v| format!("{v:.17e}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// A minimal NEP-1 .npy writer (version 1.0, little-endian), for f4 or f8 vectors.
fn write_npy(path: &Path, values: &[f64], f32_data: bool) {
    let descr = if f32_data { "<f4" } else { "<f8" };
    let mut dict = format!(
        "{{'descr': '{descr}', 'fortran_order': False, 'shape': ({},), }}",
        values.len()
    );
    while (10 + dict.len() + 1) % 64 != 0 {
        dict.push(' ');
    }
    dict.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    bytes.extend_from_slice(dict.as_bytes());
    for v in values {
        if f32_data {
            bytes.extend_from_slice(&(*v as f32).to_le_bytes());
        } else {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    std::fs::write(path, bytes).unwrap();
}

// The JSON report holds the fields, and its numbers are consistent with an
// independent evaluation: bits = -log2 F(eps) and the log-likelihood = Σ ln f(e_i) under the
// reported law, both from the law's own Poisson-mixture code.
#[test]
fn json_report_has_the_fields_and_consistent_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("losses.csv");
    let samples = sample_ncx2(40.0, 30.0, 0.02, 300, 4).unwrap();
    let mut text = String::from("test_error\n");
    for v in &samples {
        text.push_str(&format!("{v:.17e}\n"));
    }
    std::fs::write(&path, text).unwrap();
    let eps = 0.8;
    let output = ibits()
        .args(["fit", "--losses"])
        .arg(&path)
        .args([
            "--target",
            "0.8",
            "--bootstrap",
            "20",
            "--seed",
            "3",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for key in [
        "dof",
        "noncentrality",
        "scale",
        "log_likelihood",
        "bits",
        "interval_bits",
        "stderr_bits",
        "count_bits",
        "count_interval_bits",
        "paper_nats",
        "warnings",
        "n_samples",
    ] {
        assert!(json.get(key).is_some(), "missing {key}: {json}");
    }
    assert_eq!(json["n_samples"], 300);
    assert_eq!(json["unit"], "bits");
    let (df, nc, scale) = (
        json["dof"].as_f64().unwrap(),
        json["noncentrality"].as_f64().unwrap(),
        json["scale"].as_f64().unwrap(),
    );
    let law = Ncx2::scaled(df, nc, scale).unwrap();
    let bits = json["bits"].as_f64().unwrap();
    assert_close(bits, -law.log_cdf(eps) / std::f64::consts::LN_2, 1e-12);
    let log_likelihood: f64 = samples.iter().map(|&x| law.log_pdf(x)).sum();
    assert_close(
        json["log_likelihood"].as_f64().unwrap(),
        log_likelihood,
        1e-10,
    );
    let interval = json["interval_bits"].as_array().unwrap();
    assert_eq!(interval.len(), 2);
    let (lo, hi) = (interval[0].as_f64().unwrap(), interval[1].as_f64().unwrap());
    assert!(lo <= bits && bits <= hi, "[{lo}, {hi}] around {bits}");
    // The reported interval contains the percentile bootstrap and bits ± 1.96 se.
    let se = json["stderr_bits"].as_f64().unwrap();
    let boot = json["bootstrap_interval_bits"].as_array().unwrap();
    assert!(lo <= boot[0].as_f64().unwrap() && boot[1].as_f64().unwrap() <= hi);
    assert!(lo <= bits - 1.959 * se && bits + 1.959 * se <= hi);
    let below = samples.iter().filter(|&&x| x <= eps).count();
    assert_eq!(json["count_below"], below);
    assert!(json["paper_nats"].as_f64().unwrap() > 0.0);
}

#[test]
fn text_report_states_units() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("losses.npy");
    write_npy(&path, &sample_ncx2(10.0, 5.0, 1.0, 200, 1).unwrap(), true);
    let output = ibits()
        .args(["fit", "--losses"])
        .arg(&path)
        .args(["--target", "3", "--bootstrap", "10"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("bits") && text.contains("nats") && text.contains("paper-compatible"),
        "{text}"
    );
}

// Same data as .txt and as f64 .npy: the same answer.
#[test]
fn npy_and_text_give_the_same_fit() {
    let dir = tempfile::tempdir().unwrap();
    let samples = sample_ncx2(10.0, 5.0, 1.0, 100, 2).unwrap();
    let (txt, npy) = (dir.path().join("l.txt"), dir.path().join("l.npy"));
    write_lines(&txt, &samples);
    write_npy(&npy, &samples, false);
    let run = |path: &Path| -> serde_json::Value {
        let out = ibits()
            .args(["fit", "--losses"])
            .arg(path)
            .args(["--target", "4", "--bootstrap", "0", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (a, b) = (run(&txt), run(&npy));
    assert_eq!(a["bits"], b["bits"]);
    assert_eq!(a["bootstrap_interval_bits"], serde_json::Value::Null);
}

/// Run `ibits fit` on `content` written to a file named `name`; expect exit code 2 and a
/// message containing every one of `needles`.
fn expect_usage_error(name: &str, content: Option<&str>, target: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    if let Some(content) = content {
        std::fs::write(&path, content).unwrap();
    }
    let output = ibits()
        .args(["fit", "--losses"])
        .arg(&path)
        .args(["--target", target, "--bootstrap", "0"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{name}: {stderr:?} lacks {needle:?}"
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_input_is_a_usage_error() {
    let ten: String = (1..=10).map(|i| format!("{}\n", 0.1 * i as f64)).collect();
    expect_usage_error(
        "few.csv",
        Some("0.1\n0.2\n0.3\n"),
        "0.1",
        &["at least 10", "got 3"],
    );
    expect_usage_error(
        "nan.txt",
        Some("0.1\n0.2\nnan\n0.4\n"),
        "0.1",
        &["line 3", "finite"],
    );
    expect_usage_error(
        "neg.csv",
        Some("0.1\n0.2\n0.3\n-0.4\n"),
        "0.1",
        &["line 4", "> 0"],
    );
    expect_usage_error(
        "zero.csv",
        Some("loss\n0.1\n0\n"),
        "0.1",
        &["line 3", "> 0"],
    );
    expect_usage_error(
        "word.csv",
        Some("0.1\nabc\n"),
        "0.1",
        &["line 2", "not a number"],
    );
    expect_usage_error(
        "empty.csv",
        Some(""),
        "0.1",
        &["empty.csv", "no loss values"],
    );
    expect_usage_error(
        "garbage.npy",
        Some("not an npy file"),
        "0.1",
        &["garbage.npy"],
    );
    expect_usage_error("ok.csv", Some(&ten), "0", &["--target", "> 0"]);
    expect_usage_error("ok.csv", Some(&ten), "-1", &["--target"]);
    expect_usage_error("l.json", Some("[1]"), "0.1", &["unsupported"]);
}

/// Run `ibits fit` on the file at `path`; expect exit code 1 (the flags are fine, the data
/// are not), nothing on stdout and a message containing every one of `needles`.
fn expect_failure(path: &Path, needles: &[&str]) {
    let output = ibits()
        .args(["fit", "--losses"])
        .arg(path)
        .args(["--target", "0.1", "--bootstrap", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{path:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{path:?}: stdout not empty");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{path:?}: {stderr:?} lacks {needle:?}"
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

// docs/cli.md: exit 1 when the command ran and failed on its data or on I/O, 2 for usage.
// A file that cannot be read (missing, or a directory), and a CSV whose values are all one
// value (nothing to fit), are failures of the data, not of the flags.
#[test]
fn unreadable_file_and_one_valued_csv_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.csv");
    expect_failure(&missing, &["missing.csv", "cannot read"]);
    let folder = dir.path().join("folder.csv");
    std::fs::create_dir(&folder).unwrap();
    expect_failure(&folder, &["folder.csv", "cannot read"]);
    let same = dir.path().join("same.csv");
    let text: String = (0..20).map(|_| "0.25\n").collect();
    std::fs::write(&same, format!("loss\n{text}")).unwrap();
    expect_failure(&same, &["same.csv", "all 20 loss samples equal 0.25"]);
}
