//! End-to-end tests of `ibits law`: flags, JSON batches, text output and error handling.
//! Reference values: docs/design.md §8 (exact ncx2 tails) and the mpmath convolution integrals of
//! crates/ibits-stats/tests/reference/gx2/convolution.py.

use std::io::Write;

use assert_cmd::Command;
use serde_json::Value;

fn ibits() -> Command {
    Command::cargo_bin("ibits").unwrap()
}

fn json_output(args: &[&str]) -> Vec<Value> {
    let output = ibits().args(args).arg("--json").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&output.stdout).unwrap()
}

fn number(value: &Value, field: &str) -> f64 {
    value[field]
        .as_f64()
        .unwrap_or_else(|| panic!("{field} in {value}"))
}

fn cases_file(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

#[test]
fn ncx2_flags_give_published_bits() {
    // docs/design.md §8: (1000, 500, 240) -> 765.44 bits, (1000, 500, 150) -> 1069.45 bits.
    let answers = json_output(&[
        "law", "ncx2", "--df", "1000", "--nc", "500", "--x", "240,150",
    ]);
    assert_eq!(answers.len(), 2);
    for (answer, want) in answers.iter().zip([765.44, 1069.45]) {
        assert_eq!(answer["law"], "ncx2");
        assert_eq!(number(answer, "df"), 1000.0);
        assert_eq!(number(answer, "nc"), 500.0);
        assert_eq!(number(answer, "scale"), 1.0);
        assert!((number(answer, "bits") - want).abs() < 0.006);
        let ln_cdf = number(answer, "ln_cdf");
        assert!((number(answer, "bits") + ln_cdf / std::f64::consts::LN_2).abs() < 1e-9);
        assert_eq!(answer["method"], "poisson-mixture");
    }
    assert_eq!(number(&answers[1], "x"), 150.0);
}

#[test]
fn repeated_x_flags_and_scale() {
    // s·χ²_2 has F(x) = 1 - exp(-x/(2s)).
    let answers = json_output(&[
        "law", "ncx2", "--df", "2", "--nc", "0", "--scale", "0.5", "--x", "0.25", "--x", "3",
    ]);
    assert_eq!(answers.len(), 2);
    for (answer, x) in answers.iter().zip([0.25_f64, 3.0]) {
        let want = (-(-x).exp_m1()).ln();
        assert!((number(answer, "ln_cdf") - want).abs() < 1e-12);
    }
}

#[test]
fn gx2_flags_match_mpmath_convolution() {
    // w = [1, 0.3], m = [1, 2], d = [0.5, 2]: ln F(0.01) = -8.2787019499088849742 (mpmath).
    let answers = json_output(&[
        "law",
        "gx2",
        "--weights",
        "1,0.3",
        "--noncentralities",
        "0.5,2",
        "--multiplicities",
        "1,2",
        "--x",
        "0.01",
    ]);
    let answer = &answers[0];
    assert_eq!(answer["law"], "gx2");
    assert!((number(answer, "ln_cdf") + 8.278_701_949_908_885).abs() < 1e-9);
    assert_eq!(answer["method"], "ruben");
    let bits = number(answer, "bits");
    assert!((number(answer, "ruben_bits") - bits).abs() < 1e-9);
    assert!(number(answer, "chernoff_bits") <= bits);
    assert!((number(answer, "saddlepoint_bits") - bits).abs() < 0.02);
    assert_eq!(answer["weights"], serde_json::json!([1.0, 0.3]));
}

#[test]
fn gx2_multiplicities_default_to_one() {
    let with_default = json_output(&[
        "law",
        "gx2",
        "--weights",
        "0.5,0.25",
        "--noncentralities",
        "1,0",
        "--x",
        "0.7",
    ]);
    let explicit = json_output(&[
        "law",
        "gx2",
        "--weights",
        "0.5,0.25",
        "--noncentralities",
        "1,0",
        "--multiplicities",
        "1,1",
        "--x",
        "0.7",
    ]);
    assert_eq!(
        with_default[0]["multiplicities"],
        serde_json::json!([1.0, 1.0])
    );
    assert_eq!(with_default[0]["ln_cdf"], explicit[0]["ln_cdf"]);
}

#[test]
fn batch_answers_in_order() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/law_cases.json");
    let answers = json_output(&["law", "--input", path]);
    assert_eq!(answers.len(), 6);
    // docs/design.md §8: (1000, 500, 240) -> 765.44 bits; (400, 50, 0.1) -> 2145.90 bits.
    assert!((number(&answers[0], "bits") - 765.44).abs() < 0.006);
    assert!((number(&answers[1], "bits") - 2145.90).abs() < 0.006);
    // mpmath convolution: law B at x = 1e-4, ln F = -38.98353255671552013.
    assert!((number(&answers[4], "ln_cdf") + 38.983_532_556_715_52).abs() < 1e-9);
    for (answer, law) in answers
        .iter()
        .zip(["ncx2", "ncx2", "ncx2", "gx2", "gx2", "gx2"])
    {
        assert_eq!(answer["law"], law);
        assert!(answer.get("error").is_none());
    }
}

#[test]
fn malformed_case_gets_an_error_field_and_the_batch_goes_on() {
    let file = cases_file(
        r#"[
            {"law": "ncx2", "df": -1, "nc": 1, "x": 1},
            {"law": "poisson", "mean": 3, "x": 1},
            {"law": "ncx2", "df": 10, "nc": 5, "x": 2},
            {"law": "gx2", "weights": [1, 2], "noncentralities": [0], "x": 1},
            {"law": "ncx2", "df": 10, "nc": 5, "x": 0}
        ]"#,
    );
    let output = ibits()
        .args(["law", "--json", "--input"])
        .arg(file.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("4 of 5 cases are invalid"), "{stderr}");
    assert!(!stderr.contains("panicked"));
    let answers: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answers.len(), 5);
    assert!(answers[0]["error"]
        .as_str()
        .unwrap()
        .contains("degrees of freedom must be finite and > 0, got -1"));
    assert!(answers[1]["error"].as_str().unwrap().contains("poisson"));
    assert_eq!(answers[1]["input"]["mean"], 3);
    // docs/design.md §8: (10, 5, 2) -> -ln F = 7.7151 nats.
    assert!((number(&answers[2], "ln_cdf") + 7.7151).abs() < 6e-5);
    assert!(answers[3]["error"]
        .as_str()
        .unwrap()
        .contains("noncentralities has 1 entries but weights has 2"));
    assert!(answers[4]["error"].as_str().unwrap().contains("x must be"));
}

#[test]
fn malformed_json_names_file_and_position() {
    let file = cases_file("[\n  {\"law\": \"ncx2\", \"df\": 10,\n  \"nc\": }\n]");
    let output = ibits()
        .args(["law", "--input"])
        .arg(file.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let name = file.path().file_name().unwrap().to_string_lossy();
    assert!(stderr.contains(name.as_ref()), "{stderr}");
    assert!(stderr.contains("line 3, column 9"), "{stderr}");
}

#[test]
fn top_level_object_is_rejected() {
    let file = cases_file(r#"{"law": "ncx2", "df": 10, "nc": 5, "x": 2}"#);
    let output = ibits()
        .args(["law", "--input"])
        .arg(file.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("expected a JSON array"));
}

#[test]
fn missing_file_is_a_failure() {
    let output = ibits()
        .args(["law", "--input", "/nonexistent/cases.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/cases.json"));
}

#[test]
fn bad_flag_values_exit_2_with_one_line() {
    for args in [
        &["law", "ncx2", "--df", "-5", "--nc", "1", "--x", "2"][..],
        &["law", "ncx2", "--df", "5", "--nc", "1", "--x", "0"],
        &["law", "ncx2", "--df", "5", "--nc", "1", "--x", "-3"],
        &[
            "law", "ncx2", "--df", "5", "--nc", "1", "--scale", "0", "--x", "1",
        ],
        &[
            "law",
            "gx2",
            "--weights",
            "1,-2",
            "--noncentralities",
            "0,0",
            "--x",
            "1",
        ],
        &[
            "law",
            "gx2",
            "--weights",
            "1,2",
            "--noncentralities",
            "0",
            "--x",
            "1",
        ],
        &["law"],
    ] {
        let output = ibits().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("ibits: error: "), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn text_output_is_a_table_with_units() {
    let output = ibits()
        .args([
            "law",
            "gx2",
            "--weights",
            "1,0.3",
            "--noncentralities",
            "0.5,2",
        ])
        .args(["--multiplicities", "1,2", "--x", "0.01"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("nats"));
    assert!(text.contains("bits"));
    assert!(text.contains("Chernoff bits"));
    let row = text.lines().find(|l| l.starts_with("0 ")).unwrap();
    assert!(row.contains("gx2"));
    assert!(row.contains("-8.2787"));
    assert!(row.contains("ruben"));
}
