//! `ibits report` end to end: a small GP sweep renders to Markdown and HTML with PNG and SVG
//! charts that contain text.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const EXPERIMENT: &str = r#"name = "report-test"
description = "Two synthetic dimensions, two kernels, two training-set sizes."

[grid]
task = [{ source = "synthetic", intrinsic_dim = [2, 4], ambient_dim = 6 }]
space = [{ kind = "gp", kernel = "rbf" }, { kind = "gp", kernel = "ntk-relu", depth = 1 }]
n = [20, 40]
test_n = [30]
eps_relative = [0.3, 0.6, 0.9]

[settings]
samples = 300
bootstrap = 10
"#;

fn sweep(dir: &Path) -> std::path::PathBuf {
    let experiment = dir.join("exp.toml");
    std::fs::write(&experiment, EXPERIMENT).unwrap();
    let out = dir.join("out");
    Command::cargo_bin("ibits")
        .unwrap()
        .arg("sweep")
        .arg(&experiment)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn markdown_and_html_reports_render_with_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sweep(tmp.path());
    let output = Command::cargo_bin("ibits")
        .unwrap()
        .arg("report")
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files: Value = serde_json::from_slice(&output.stdout).unwrap();
    let markdown = std::fs::read_to_string(files["document"].as_str().unwrap()).unwrap();
    let headings: Vec<&str> = markdown.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headings,
        [
            "# Inductive bias report: report-test",
            "## Summary",
            "## Test-error distributions",
            "## Bits vs target error",
            "## Comparisons across tasks and hypothesis spaces",
            "## Bits vs training-set size",
            "## Bits vs intrinsic dimension",
            "## Numerical health",
            "## Warnings",
            "## Settings",
            "## Appendix",
            "### A. Every estimate",
            "### B. Warnings by cell",
            "### C. Numerical health per target",
        ]
    );
    // 8 cells with 3 targets: one bits-vs-eps chart per cell, comparisons for each of the
    // 2 sizes x 3 targets, bits vs n for 3 targets, bits vs dimension for 3 targets.
    let png: Vec<&str> = files["png"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for stem in [
        "bits-vs-eps-cell-0000",
        "compare-01",
        "compare-06",
        "bits-vs-n-03",
        "bits-vs-dim-03",
    ] {
        assert!(
            png.iter().any(|p| p.ends_with(&format!("{stem}.png"))),
            "no {stem}.png in {png:?}"
        );
    }
    for path in &png {
        let bytes = std::fs::read(path).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "{path}: {} bytes",
            bytes.len()
        );
    }
    for path in files["svg"].as_array().unwrap() {
        let svg = std::fs::read_to_string(path.as_str().unwrap()).unwrap();
        assert!(
            svg.contains("inductive bias (bits") || svg.contains("test error e(h)"),
            "{path} has no axis label"
        );
        assert!(svg.contains("N = 30"), "{path} does not state N");
    }
    assert!(markdown.contains("| n | N | k | eps |"));

    let html = Command::cargo_bin("ibits")
        .unwrap()
        .arg("report")
        .arg(&out)
        .arg("--format")
        .arg("html")
        .output()
        .unwrap();
    assert!(html.status.success());
    let page = std::fs::read_to_string(out.join("report/report.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.matches("<svg").count() == png.len());
}

#[test]
fn reporting_a_directory_that_is_not_a_sweep_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("ibits")
        .unwrap()
        .arg("report")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a sweep directory"));
}

/// Chart files (PNG and SVG) in `dir`.
fn charts_in(dir: &Path) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png") || n.ends_with(".svg"))
        .collect()
}

#[test]
fn issue_13_a_report_rerun_into_the_same_folder_leaves_no_stale_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sweep(tmp.path());
    let report = |extra: &[&str]| {
        let output = Command::cargo_bin("ibits")
            .unwrap()
            .arg("report")
            .arg(&out)
            .args(extra)
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice::<Value>(&output.stdout).unwrap()
    };
    report(&[]);
    let plots = out.join("report/plots");
    assert!(plots.join("bits-vs-eps-cell-0007.png").exists());
    std::fs::write(plots.join("mine.png"), "the user's own file").unwrap();

    // The same directory, the experiment edited down to one training-set size: its 4 cells
    // are already finished, and the report has fewer charts.
    let experiment = tmp.path().join("exp.toml");
    std::fs::write(&experiment, EXPERIMENT.replace("n = [20, 40]", "n = [20]")).unwrap();
    Command::cargo_bin("ibits")
        .unwrap()
        .arg("sweep")
        .arg(&experiment)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let files = report(&[]);
    let mut written: std::collections::BTreeSet<String> = ["png", "svg"]
        .iter()
        .flat_map(|kind| files[kind].as_array().unwrap().clone())
        .map(|p| {
            Path::new(p.as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(!written.contains("bits-vs-eps-cell-0007.png"));
    written.insert("mine.png".into());
    assert_eq!(
        charts_in(&plots),
        written,
        "only this report's charts and the user's file remain"
    );
}
