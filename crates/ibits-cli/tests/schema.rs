//! The JSON that `ibits estimate --json`, `ibits fit --json`, `ibits law --json` and
//! `ibits sweep` (results.jsonl) write matches the field lists in docs/schema/*.schema.json,
//! both ways: every key the output has is declared (objects are closed with
//! `additionalProperties: false`), every key a schema requires is present, and the types match.
//!
//! The schemas are JSON Schema (draft 2020-12). The small validator below implements the subset
//! they use — `type` (with `null` in a type array for nullable fields), `properties`,
//! `required`, `additionalProperties`, `items`, `minItems`, `maxItems`, `enum`, `anyOf` and
//! `$ref` (within a file, or `other.schema.json#/...`) — and refuses any other keyword, so a
//! schema cannot say more than this test checks.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// The schema files, by name.
const SCHEMAS: [&str; 4] = [
    "estimate.schema.json",
    "fit.schema.json",
    "law.schema.json",
    "record.schema.json",
];

/// Keywords the validator reads.
const VALIDATED: [&str; 10] = [
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "enum",
    "anyOf",
    "$ref",
];

/// Keywords that only annotate.
const ANNOTATIONS: [&str; 6] = [
    "$schema",
    "$id",
    "title",
    "description",
    "$defs",
    "$comment",
];

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema")
}

/// Every schema file, parsed, by file name.
fn schemas() -> BTreeMap<String, Value> {
    SCHEMAS
        .iter()
        .map(|name| {
            let path = schema_dir().join(name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let value: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
            (name.to_string(), value)
        })
        .collect()
}

/// The schema a `$ref` names, and the file it is in.
fn resolve<'a>(
    schemas: &'a BTreeMap<String, Value>,
    file: &str,
    reference: &str,
) -> (&'a Value, String) {
    let (target_file, pointer) = match reference.split_once('#') {
        Some(("", pointer)) => (file.to_string(), pointer),
        Some((other, pointer)) => (other.to_string(), pointer),
        None => (reference.to_string(), ""),
    };
    let document = schemas
        .get(&target_file)
        .unwrap_or_else(|| panic!("{file}: $ref {reference}: no schema file {target_file}"));
    let target = document
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{file}: $ref {reference} does not resolve"));
    (target, target_file)
}

/// Whether `value` has JSON Schema type `name`.
fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        other => panic!("unknown type {other:?} in a schema"),
    }
}

/// Check `value` against `schema` (in schema file `file`), adding one message per violation
/// to `errors`, each naming the JSON path.
fn validate(
    schemas: &BTreeMap<String, Value>,
    file: &str,
    schema: &Value,
    value: &Value,
    path: &str,
    errors: &mut Vec<String>,
) {
    let Some(schema) = schema.as_object() else {
        panic!("{file}: a schema at {path} is not an object");
    };
    for keyword in schema.keys() {
        assert!(
            VALIDATED.contains(&keyword.as_str()) || ANNOTATIONS.contains(&keyword.as_str()),
            "{file}: keyword {keyword:?} (at {path}) is not checked by this test"
        );
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let (target, target_file) = resolve(schemas, file, reference);
        validate(schemas, &target_file, target, value, path, errors);
    }
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            other => panic!("{file}: bad type {other}"),
        };
        if !names.iter().any(|t| has_type(value, t)) {
            errors.push(format!("{path}: {value} is not of type {names:?}"));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            errors.push(format!("{path}: {value} is not one of {options:?}"));
        }
    }
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        let mut best: Option<Vec<String>> = None;
        for branch in branches {
            let mut branch_errors = Vec::new();
            validate(schemas, file, branch, value, path, &mut branch_errors);
            if branch_errors.is_empty() {
                best = None;
                break;
            }
            if best.as_ref().is_none_or(|b| branch_errors.len() < b.len()) {
                best = Some(branch_errors);
            }
        }
        if let Some(closest) = best {
            errors.push(format!(
                "{path}: matches none of the anyOf branches; the closest fails with: {}",
                closest.join("; ")
            ));
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for key in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(key) {
                    errors.push(format!("{path}: required key {key:?} is missing"));
                }
            }
        }
        for (key, item) in object {
            let item_path = format!("{path}.{key}");
            match (
                properties.and_then(|p| p.get(key)),
                schema.get("additionalProperties"),
            ) {
                (Some(property), _) => validate(schemas, file, property, item, &item_path, errors),
                (None, Some(Value::Bool(false))) => {
                    errors.push(format!("{item_path}: key {key:?} is not in the schema"))
                }
                (None, Some(extra @ Value::Object(_))) => {
                    validate(schemas, file, extra, item, &item_path, errors)
                }
                (None, _) => {}
            }
        }
    }
    if let Some(array) = value.as_array() {
        let count = |k: &str| schema.get(k).and_then(Value::as_u64).map(|n| n as usize);
        if let Some(min) = count("minItems") {
            if array.len() < min {
                errors.push(format!("{path}: {} items, at least {min}", array.len()));
            }
        }
        if let Some(max) = count("maxItems") {
            if array.len() > max {
                errors.push(format!("{path}: {} items, at most {max}", array.len()));
            }
        }
        if let Some(items) = schema.get("items") {
            for (i, item) in array.iter().enumerate() {
                validate(schemas, file, items, item, &format!("{path}[{i}]"), errors);
            }
        }
    }
}

/// The violations of `value` against schema file `name` (empty when it matches).
fn violations(name: &str, value: &Value) -> Vec<String> {
    let schemas = schemas();
    let mut errors = Vec::new();
    validate(&schemas, name, &schemas[name], value, "$", &mut errors);
    errors
}

/// Require `value` (the output of `what`) to match schema file `name`.
fn assert_matches(name: &str, what: &str, value: &Value) {
    let errors = violations(name, value);
    assert!(
        errors.is_empty(),
        "{what} does not match docs/schema/{name}:\n  {}",
        errors.join("\n  ")
    );
}

/// Run `ibits ARGS`, require exit status `code`, and parse standard output as JSON.
fn run_json(args: &[&str], code: i32) -> Value {
    let out = common::ibits().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON: {e}"))
}

/// A small synthetic task (`--task synthetic`), fast in a debug build.
const SYNTHETIC: [&str; 10] = [
    "--task",
    "synthetic",
    "--intrinsic-dim",
    "2",
    "--ambient-dim",
    "5",
    "--n-train",
    "20",
    "--n-test",
    "20",
];

#[test]
fn estimate_json_of_gp_spaces_matches_its_schema() {
    let cases: [Vec<&str>; 3] = [
        // NNGP kernel, posterior samples, bootstrap, two relative targets.
        [
            &["estimate", "--json"][..],
            &SYNTHETIC,
            &[
                "--kernel",
                "nngp-relu",
                "--depth",
                "1",
                "--samples",
                "30",
                "--bootstrap",
                "10",
                "--target-rel",
                "0.5,0.9",
            ],
        ]
        .concat(),
        // RBF with the median bandwidth (bandwidth_rule), no samples: fitted and counted null.
        vec![
            "estimate",
            "--json",
            "--task",
            "digits",
            "--n-train",
            "100",
            "--n-test",
            "50",
            "--samples",
            "0",
            "--target",
            "0.05",
        ],
        // Polynomial kernel, no bootstrap, no jitter check.
        [
            &["estimate", "--json"][..],
            &SYNTHETIC,
            &[
                "--kernel",
                "poly",
                "--degree",
                "2",
                "--samples",
                "20",
                "--bootstrap",
                "0",
                "--no-jitter-check",
            ],
        ]
        .concat(),
    ];
    for args in &cases {
        let value = run_json(args, 0);
        assert!(value["details"]["gp"].is_object(), "{args:?}");
        assert_matches("estimate.schema.json", &format!("{args:?}"), &value);
    }
}

#[test]
fn estimate_json_of_mlp_spaces_matches_its_schema() {
    let network = [
        "--space",
        "mlp",
        "--width",
        "8",
        "--depth",
        "1",
        "--epochs",
        "5",
        "--batch-size",
        "10",
        "--train-threshold",
        "10",
        "--samples",
        "12",
        "--bootstrap",
        "10",
        "--target-rel",
        "0.5,0.9",
    ];
    let cases: [Vec<&str>; 2] = [
        [&["estimate", "--json"][..], &SYNTHETIC, &network].concat(),
        [
            &["estimate", "--json"][..],
            &SYNTHETIC,
            &network,
            &["--no-advice", "--init", "standard", "--activation", "tanh"],
        ]
        .concat(),
    ];
    for args in &cases {
        let value = run_json(args, 0);
        assert!(value["details"]["mlp"].is_object(), "{args:?}");
        assert_matches("estimate.schema.json", &format!("{args:?}"), &value);
    }
}

/// A loss file of 200 positive values (a deterministic sequence), in `dir`.
fn losses(dir: &Path) -> PathBuf {
    let path = dir.join("losses.csv");
    let mut text = String::from("test_error\n");
    let mut state: u64 = 12345;
    for _ in 0..200 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let u = (state >> 11) as f64 / (1u64 << 53) as f64;
        text.push_str(&format!("{}\n", 0.05 + 0.1 * u + 0.02 * u * u));
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn fit_json_matches_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let file = losses(dir.path());
    let file = file.to_str().unwrap();
    for extra in [&["--bootstrap", "20"][..], &["--bootstrap", "0"]] {
        let args = [
            &["fit", "--json", "--losses", file, "--target", "0.06"][..],
            extra,
        ]
        .concat();
        let value = run_json(&args, 0);
        assert_matches("fit.schema.json", &format!("{args:?}"), &value);
    }
}

#[test]
fn law_json_matches_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.json");
    std::fs::write(
        &cases,
        json!([
            {"law": "ncx2", "df": 1000, "nc": 500, "x": 240},
            {"law": "gx2", "weights": [1.0, 0.3], "noncentralities": [0.5, 2.0], "x": 0.01},
            {"law": "gx2", "weights": [1.0], "noncentralities": [0.5], "x": -1},
            {"law": "beta"}
        ])
        .to_string(),
    )
    .unwrap();
    let runs: [(Vec<&str>, i32); 3] = [
        (
            vec![
                "law", "ncx2", "--df", "10", "--nc", "2", "--scale", "0.5", "--x", "1,3", "--json",
            ],
            0,
        ),
        (
            vec![
                "law",
                "gx2",
                "--weights",
                "1,0.3",
                "--noncentralities",
                "0.5,2",
                "--multiplicities",
                "1,2",
                "--x",
                "0.01,5",
                "--json",
            ],
            0,
        ),
        // Invalid cases are answered with `error` and `input`; the command exits with 2.
        (vec!["law", "--json", "--input", cases.to_str().unwrap()], 2),
    ];
    for (args, code) in &runs {
        let value = run_json(args, *code);
        assert!(value.as_array().is_some_and(|a| a.len() >= 2), "{value}");
        assert_matches("law.schema.json", &format!("{args:?}"), &value);
    }
}

#[test]
fn sweep_records_match_their_schema() {
    let dir = tempfile::tempdir().unwrap();
    let experiment = dir.path().join("schema.toml");
    std::fs::write(
        &experiment,
        r#"name = "schema"

[grid]
task = [{ source = "synthetic", intrinsic_dim = 2, ambient_dim = 5, outputs = 2 }]
space = [
  { kind = "gp", kernel = "nngp-relu", depth = 1 },
  { kind = "gp", kernel = "rbf" },
  { kind = "mlp", width = 8, depth = 1, epochs = 5, batch_size = 10, train_threshold = 10.0 },
]
n = [20]
test_n = [20]
eps_relative = [0.5, 0.9]

[settings]
samples = 12
bootstrap = 10
"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    common::ibits()
        .args(["sweep", "--jobs", "1", "--out"])
        .arg(&out)
        .arg(&experiment)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("results.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    for line in lines {
        let value: Value = serde_json::from_str(line).unwrap();
        assert_matches(
            "record.schema.json",
            &format!("results.jsonl cell {}", value["index"]),
            &value,
        );
    }
}

#[test]
fn the_validator_finds_undocumented_missing_and_mistyped_keys() {
    let dir = tempfile::tempdir().unwrap();
    let file = losses(dir.path());
    let value = run_json(
        &[
            "fit",
            "--json",
            "--losses",
            file.to_str().unwrap(),
            "--target",
            "0.06",
            "--bootstrap",
            "0",
        ],
        0,
    );
    assert!(violations("fit.schema.json", &value).is_empty());
    let mut extra = value.clone();
    extra["undocumented"] = json!(1);
    assert_eq!(
        violations("fit.schema.json", &extra),
        ["$.undocumented: key \"undocumented\" is not in the schema"]
    );
    let mut missing = value.clone();
    missing.as_object_mut().unwrap().remove("bits");
    assert_eq!(
        violations("fit.schema.json", &missing),
        ["$: required key \"bits\" is missing"]
    );
    let mut mistyped = value.clone();
    mistyped["n_samples"] = json!("200");
    mistyped["interval_bits"] = json!([1.0]);
    let errors = violations("fit.schema.json", &mistyped);
    assert_eq!(errors.len(), 2, "{errors:?}");
    for expected in [
        "$.n_samples: \"200\" is not of type [\"integer\"]",
        "$.interval_bits: 1 items, at least 2",
    ] {
        assert!(errors.iter().any(|e| e == expected), "{errors:?}");
    }
    // A nested closed object: a key inside a target of an estimate.
    let mut nested = run_json(
        &[
            &["estimate", "--json"][..],
            &SYNTHETIC,
            &["--samples", "0", "--kernel", "linear"],
        ]
        .concat(),
        0,
    );
    assert!(violations("estimate.schema.json", &nested).is_empty());
    nested["targets"][0]["exact"]["extra_bits"] = json!(1.0);
    let errors = violations("estimate.schema.json", &nested);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .contains("$.targets[0].exact.extra_bits: key \"extra_bits\" is not in the schema"),
        "{errors:?}"
    );
}

/// Every node of a schema document, with its JSON pointer.
fn nodes<'a>(value: &'a Value, pointer: String, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            out.push((pointer.clone(), value));
            for (key, item) in map {
                nodes(item, format!("{pointer}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nodes(item, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn schemas_describe_every_field_and_are_linked_from_the_docs() {
    let schemas = schemas();
    for (name, schema) in &schemas {
        for key in ["$schema", "title", "description"] {
            assert!(
                schema.get(key).is_some_and(Value::is_string),
                "{name}: no {key}"
            );
        }
        let mut all = Vec::new();
        nodes(schema, String::new(), &mut all);
        for (pointer, node) in all {
            // Skip the maps of names (properties, $defs) themselves; look at schemas.
            if pointer.ends_with("/properties") || pointer.ends_with("/$defs") {
                continue;
            }
            if let Some(properties) = node.get("properties").and_then(Value::as_object) {
                assert_eq!(
                    node.get("additionalProperties"),
                    Some(&Value::Bool(false)),
                    "{name}{pointer}: an object with properties must be closed"
                );
                for (key, property) in properties {
                    let description = property.get("description").and_then(Value::as_str);
                    assert!(
                        description.is_some_and(|d| d.len() >= 3),
                        "{name}{pointer}/properties/{key}: no description"
                    );
                }
                for key in node
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let key = key.as_str().unwrap();
                    assert!(
                        properties.contains_key(key),
                        "{name}{pointer}: required {key:?} is not a property"
                    );
                }
            }
            if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
                resolve(&schemas, name, reference);
            }
        }
    }
    let cli =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cli.md"))
            .unwrap();
    for name in SCHEMAS {
        assert!(
            cli.contains(&format!("schema/{name}")),
            "docs/cli.md does not link schema/{name}"
        );
    }
}
