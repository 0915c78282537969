//! `ibits sweep` and `ibits merge` end to end: interrupted sweeps resume with every cell exactly
//! once (SIGKILL and SIGINT), three shards merged equal a single run, malformed experiment
//! files are usage errors naming the line.

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// A tiny synthetic GP grid: 2 intrinsic dimensions x 2 kernels x 2 sizes = 8 cells.
const SMALL: &str = r#"name = "small"
seed = 3

[grid]
task = [{ source = "synthetic", intrinsic_dim = [2, 3], ambient_dim = 5, data_seed = 1 }]
space = [
  { kind = "gp", kernel = "rbf" },
  { kind = "gp", kernel = "nngp-relu", depth = 1 },
]
n = [20, 30]
test_n = [25]
eps_relative = [0.5, 0.8]

[settings]
samples = 100
bootstrap = 0
"#;

/// A grid whose cells take a moment each, for the kill tests: 24 cells.
const SLOW: &str = r#"name = "slow"

[grid]
task = [{ source = "synthetic", intrinsic_dim = [2, 3, 4, 5], ambient_dim = 8 }]
space = [{ kind = "gp", kernel = "rbf", bandwidth = [1.0, 2.0, 3.0] }]
n = [60, 80]
test_n = [120]
eps_relative = [0.5]

[settings]
samples = 500
bootstrap = 0
"#;

fn ibits() -> Command {
    Command::cargo_bin("ibits").unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Records by cell id with the wall time removed (the only field allowed to differ).
fn results(dir: &Path) -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(dir.join("results.jsonl")).unwrap();
    let mut by_id = BTreeMap::new();
    for line in text.lines() {
        let mut value: Value = serde_json::from_str(line).unwrap();
        let id = value["id"].as_str().unwrap().to_string();
        value.as_object_mut().unwrap().remove("wall_s");
        assert!(
            by_id.insert(id.clone(), value).is_none(),
            "cell {id} appears twice"
        );
    }
    by_id
}

fn line_count(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("results.jsonl"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

#[test]
fn a_sweep_runs_every_cell_and_a_rerun_skips_them() {
    let tmp = tempfile::tempdir().unwrap();
    let experiment = write(tmp.path(), "small.toml", SMALL);
    let out = tmp.path().join("out");
    let output = ibits()
        .arg("sweep")
        .arg(&experiment)
        .arg("--out")
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (summary["grid_cells"].as_u64(), summary["ran"].as_u64()),
        (Some(8), Some(8))
    );
    let first = results(&out);
    assert_eq!(first.len(), 8);
    for result in first.values() {
        let record = &result["record"];
        assert_eq!(
            (
                record["n"].as_u64().is_some(),
                record["test_n"].as_u64(),
                record["k"].as_u64()
            ),
            (true, Some(25), Some(2))
        );
        for estimate in record["estimates"].as_array().unwrap() {
            let exact = estimate["exact_bits"].as_f64().unwrap();
            let chernoff = estimate["chernoff_bits"].as_f64().unwrap();
            assert!(exact.is_finite() && exact > 0.0);
            assert!(
                chernoff <= exact * (1.0 + 1e-9),
                "the Chernoff bound is a lower bound on the bits"
            );
        }
    }
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + 8 * 2,
        "header + one row per cell and target"
    );

    let again = ibits()
        .arg("sweep")
        .arg(&experiment)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(again.status.success());
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(
        text.contains("8 already finished, 0 run now, 0 failed"),
        "{text}"
    );
    assert_eq!(results(&out), first);
}

fn wait_for_lines(child: &mut Child, dir: &Path, lines: usize) {
    let start = Instant::now();
    while line_count(dir) < lines {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sweep ended before it could be interrupted"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no cell finished within 120 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn interrupted_then_resumed(signal: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let experiment = write(tmp.path(), "slow.toml", SLOW);
    let out = tmp.path().join("out");
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("ibits"));
    command
        .arg("sweep")
        .arg(&experiment)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // A test run started in the background by a shell without job control inherits an ignored
    // SIGINT; give the sweep the default disposition a user's terminal would give it.
    // SAFETY: signal(2) is async-signal-safe, as pre_exec requires.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = command.spawn().unwrap();
    wait_for_lines(&mut child, &out, 2);
    if signal == "KILL" {
        child.kill().unwrap();
    } else {
        let status = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }
    let status = child.wait().unwrap();
    assert!(!status.success(), "the sweep was interrupted");
    let done = line_count(&out);
    assert!(
        (2..24).contains(&done),
        "{done} of 24 cells finished before the {signal}"
    );

    let output = ibits()
        .arg("sweep")
        .arg(&experiment)
        .arg("--out")
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    let (skipped, ran) = (
        summary["already_finished"].as_u64().unwrap(),
        summary["ran"].as_u64().unwrap(),
    );
    assert!(
        skipped as usize >= done - 1 && skipped + ran == 24,
        "skipped {skipped}, ran {ran}, had {done} lines"
    );
    let resumed = results(&out); // panics if a cell appears twice
    assert_eq!(resumed.len(), 24, "every cell exactly once");
    let ids: std::collections::BTreeSet<u64> = resumed
        .values()
        .map(|r| r["index"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, (0..24).collect());
}

#[test]
fn a_sweep_killed_with_sigkill_resumes_with_every_cell_exactly_once() {
    interrupted_then_resumed("KILL");
}

#[test]
fn a_sweep_interrupted_with_sigint_resumes_with_every_cell_exactly_once() {
    interrupted_then_resumed("INT");
}

#[test]
fn three_shards_merged_equal_a_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let experiment = write(tmp.path(), "small.toml", SMALL);
    let single = tmp.path().join("single");
    ibits()
        .arg("sweep")
        .arg(&experiment)
        .arg("--out")
        .arg(&single)
        .arg("--jobs")
        .arg("2")
        .assert()
        .success();
    let mut shard_dirs = Vec::new();
    for i in 0..3 {
        let dir = tmp.path().join(format!("shard-{i}"));
        ibits()
            .arg("sweep")
            .arg(&experiment)
            .arg("--out")
            .arg(&dir)
            .arg("--shard")
            .arg(format!("{i}/3"))
            .assert()
            .success();
        assert_eq!(line_count(&dir), [3, 3, 2][i]);
        shard_dirs.push(dir);
    }
    let merged = tmp.path().join("merged");
    let output = ibits()
        .arg("merge")
        .args(&shard_dirs)
        .arg("--out")
        .arg(&merged)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["finished"].as_u64(), Some(8));
    assert_eq!(results(&merged), results(&single));
    assert_eq!(
        std::fs::read_to_string(merged.join("experiment.json")).unwrap(),
        std::fs::read_to_string(single.join("experiment.json")).unwrap()
    );
    // The merged directory reports like any other.
    ibits().arg("report").arg(&merged).assert().success();
}

/// The cells `ibits sweep FILE --dry-run --json` lists.
fn dry_run(file: &Path) -> Vec<Value> {
    let output = ibits()
        .arg("sweep")
        .arg(file)
        .arg("--dry-run")
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn usage_error(tmp: &Path, text: &str) -> String {
    let experiment = write(tmp, "bad.toml", text);
    let output = ibits()
        .arg("sweep")
        .arg(&experiment)
        .arg("--out")
        .arg(tmp.join("never"))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "malformed experiments are usage errors"
    );
    assert!(
        !tmp.join("never").exists(),
        "nothing is written for a malformed experiment"
    );
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(stderr.contains("bad.toml"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn malformed_experiments_are_clear_errors_naming_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let unknown = usage_error(tmp.path(), &SMALL.replace("seed = 3", "seed = 3\nsede = 4"));
    assert!(
        unknown.contains("line 3") && unknown.contains("unknown field `sede`"),
        "{unknown}"
    );
    let unknown_setting = usage_error(
        tmp.path(),
        &SMALL.replace("bootstrap = 0", "bootstrap = 0\nsample = 5"),
    );
    assert!(
        unknown_setting.contains("line 17") && unknown_setting.contains("unknown field `sample`"),
        "{unknown_setting}"
    );
    let wrong_type = usage_error(
        tmp.path(),
        &SMALL.replace("n = [20, 30]", "n = [20, \"thirty\"]"),
    );
    assert!(wrong_type.contains("line 10"), "{wrong_type}");
    let empty = usage_error(tmp.path(), &SMALL.replace("n = [20, 30]", "n = []"));
    assert!(
        empty.contains("line 10") && empty.contains("empty"),
        "{empty}"
    );
    let kernel = usage_error(
        tmp.path(),
        &SMALL.replace("kernel = \"rbf\"", "kernel = \"rbff\""),
    );
    assert!(
        kernel.contains("line 7") && kernel.contains("unknown kernel \"rbff\""),
        "{kernel}"
    );
    let misplaced = usage_error(
        tmp.path(),
        &SMALL.replace("depth = 1", "depth = 1, bandwidth = 2.0"),
    );
    assert!(
        misplaced.contains("line 8") && misplaced.contains("`bandwidth` does not apply"),
        "{misplaced}"
    );
    let space_kind = usage_error(
        tmp.path(),
        &SMALL.replace("kind = \"gp\", kernel = \"rbf\"", "kind = \"forest\""),
    );
    assert!(
        space_kind.contains("line 7") && space_kind.contains("forest"),
        "{space_kind}"
    );
    let task = usage_error(
        tmp.path(),
        &SMALL.replace("source = \"synthetic\"", "source = \"nosuchdata\""),
    );
    assert!(
        task.contains("line 5") && task.contains("nosuchdata"),
        "{task}"
    );
    let syntax = usage_error(tmp.path(), &SMALL.replace("test_n = [25]", "test_n = [25"));
    assert!(
        syntax.contains("line 11") || syntax.contains("line 12"),
        "{syntax}"
    );
    let shard = ibits()
        .arg("sweep")
        .arg(write(tmp.path(), "ok.toml", SMALL))
        .arg("--shard")
        .arg("3/3")
        .output()
        .unwrap();
    assert_eq!(shard.status.code(), Some(2));
}

#[test]
fn merge_refuses_directories_of_different_experiments() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let small = write(
        tmp.path(),
        "small.toml",
        &SMALL.replace("n = [20, 30]", "n = [20]"),
    );
    let other = write(
        tmp.path(),
        "other.toml",
        &SMALL
            .replace("n = [20, 30]", "n = [20]")
            .replace("seed = 3", "seed = 4"),
    );
    ibits()
        .arg("sweep")
        .arg(&small)
        .arg("--out")
        .arg(&a)
        .arg("--shard")
        .arg("0/4")
        .assert()
        .success();
    ibits()
        .arg("sweep")
        .arg(&other)
        .arg("--out")
        .arg(&b)
        .arg("--shard")
        .arg("0/4")
        .assert()
        .success();
    let output = ibits()
        .arg("merge")
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(tmp.path().join("m"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("different experiments"));
}

/// A GP space and a trained-network space on the same tiny task.
const MIXED: &str = r#"name = "mixed"
seed = 5

[grid]
task = [{ source = "synthetic", intrinsic_dim = 2, ambient_dim = 4, data_seed = 2 }]
space = [
  { kind = "gp", kernel = "nngp-relu", depth = 1 },
  { kind = "mlp", width = 8, depth = 1, epochs = 40, batch_size = 10, lr = 0.01, train_threshold = 1.0, samples = 12 },
]
n = [20]
test_n = [30]
eps_relative = [0.7]

[settings]
samples = 200
bootstrap = 20
"#;

#[test]
fn gp_and_mlp_cells_record_their_error_distributions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = ibits()
        .arg("sweep")
        .arg(write(tmp.path(), "mixed.toml", MIXED))
        .arg("--out")
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records: Vec<Value> = results(&out)
        .into_values()
        .map(|r| r["record"].clone())
        .collect();
    assert_eq!(records.len(), 2);
    let integral = |density: &Value| -> f64 {
        let points: Vec<(f64, f64)> = density
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
            .collect();
        points
            .windows(2)
            .map(|w| 0.5 * (w[1].0 - w[0].0) * (w[0].1 + w[1].1))
            .sum()
    };
    for record in &records {
        let distribution = &record["distribution"];
        let errors = distribution["test_errors"].as_array().unwrap();
        let estimate = &record["estimates"][0];
        let fitted = estimate["fitted"]["bits"].as_f64().unwrap();
        assert!(fitted.is_finite() && fitted > 0.0, "{record}");
        // The reported interval joins the bootstrap's with the delta method's, so contains it.
        let f = &estimate["fitted"];
        let (lo, hi) = (f["lower"].as_f64().unwrap(), f["upper"].as_f64().unwrap());
        let boot = f["bootstrap"]
            .as_array()
            .expect("bootstrap interval recorded");
        let (b_lo, b_hi) = (boot[0].as_f64().unwrap(), boot[1].as_f64().unwrap());
        assert!(lo <= b_lo && b_lo <= b_hi && b_hi <= hi, "{f}");
        // The fitted density covers the sampled range, so it integrates to nearly 1 there.
        let mass = integral(&distribution["fitted_density"]);
        assert!(mass > 0.8 && mass < 1.05, "fitted density mass {mass}");
        match record["space"].as_str().unwrap() {
            "mlp" => {
                assert_eq!(errors.len(), 12, "every network fits a threshold of 1.0");
                assert_eq!(
                    (record["samples"].as_u64(), record["rejected"].as_u64()),
                    (Some(12), Some(0))
                );
                assert!(estimate["exact_bits"].is_null());
                assert_eq!(record["space_parameters"]["width"].as_u64(), Some(8));
            }
            "gp-nngp-relu" => {
                assert_eq!(errors.len(), 200);
                let mass = integral(&distribution["exact_density"]);
                assert!(mass > 0.8 && mass < 1.05, "exact density mass {mass}");
            }
            other => panic!("unexpected space {other}"),
        }
    }
}

#[test]
fn a_bad_mlp_setting_is_a_usage_error_naming_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let text = MIXED.replace("lr = 0.01", "lr = -1.0");
    let stderr = usage_error(tmp.path(), &text);
    assert!(
        stderr.contains("learning rate") && stderr.contains("line 8"),
        "{stderr}"
    );
    let text = MIXED.replace("width = 8,", "width = 8, colour = 3,");
    let stderr = usage_error(tmp.path(), &text);
    assert!(stderr.contains("colour"), "{stderr}");
}

#[test]
fn the_example_experiments_parse() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for (file, cells) in [
        ("quick.toml", 12),
        ("datasets.toml", 18),
        ("kernels.toml", 28),
        ("kernels-vs-mlp.toml", 5),
        ("paper-tasks.toml", 18),
        ("paper-uci.toml", 12),
        ("paper-dimension.toml", 54),
        ("paper-dimension-seeds.toml", 24),
        ("paper-architectures.toml", 16),
    ] {
        assert_eq!(dry_run(&examples.join(file)).len(), cells, "{file}");
    }
}

#[test]
fn synthetic_manifold_and_teacher_are_grid_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("shapes.toml");
    std::fs::write(
        &file,
        SMALL.replace(
            "data_seed = 1 }",
            "data_seed = 1, manifold = \"curved\", curvature = [1.0, 2.0], teacher = \"fourier\", teacher_size = 20, teacher_frequency = 0.5 }",
        ),
    )
    .unwrap();
    let listed = dry_run(&file);
    assert_eq!(listed.len(), 16, "2 dims x 2 curvatures x 2 spaces x 2 n");
    let text = serde_json::to_string(&listed).unwrap();
    assert!(
        text.contains(
            "manifold=curved,curvature=2,teacher=fourier,teacher_size=20,teacher_frequency=0.5"
        ),
        "{text}"
    );
    let bad = usage_error(
        tmp.path(),
        &SMALL.replace("data_seed = 1 }", "data_seed = 1, teacher = \"tree\" }"),
    );
    assert!(
        bad.contains("line 5") && bad.contains("`teacher` must be one of network, fourier"),
        "{bad}"
    );
    let misplaced = usage_error(
        tmp.path(),
        &SMALL.replace("data_seed = 1 }", "data_seed = 1, curvature = 2.0 }"),
    );
    assert!(
        misplaced.contains("`curvature` needs manifold = \"curved\""),
        "{misplaced}"
    );
    let not_synthetic = usage_error(
        tmp.path(),
        &SMALL.replace(
            "{ source = \"synthetic\", intrinsic_dim = [2, 3], ambient_dim = 5, data_seed = 1 }",
            "{ source = \"iris\", manifold = \"curved\" }",
        ),
    );
    assert!(
        not_synthetic.contains("`manifold` applies only to source = \"synthetic\""),
        "{not_synthetic}"
    );
}

// Issue 13: one sweep per directory, plain-file-name experiment names, shard specifications
// that say what was given, and grids counted before they are expanded.

#[test]
fn issue_13_two_sweeps_on_one_directory_do_not_both_run() {
    let tmp = tempfile::tempdir().unwrap();
    let experiment = write(tmp.path(), "slow.toml", SLOW);
    let out = tmp.path().join("out");
    let mut first = std::process::Command::new(assert_cmd::cargo::cargo_bin("ibits"))
        .arg("sweep")
        .arg(&experiment)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_lines(&mut first, &out, 1);
    let second = ibits()
        .arg("sweep")
        .arg(&experiment)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let still_running = first.try_wait().unwrap().is_none();
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(
        still_running,
        "the first sweep ended before the second started"
    );
    assert_eq!(second.status.code(), Some(1), "the second sweep is refused");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains(&out.display().to_string())
            && stderr.contains(&format!("pid {}", first.id()))
            && stderr.contains("sweep.lock"),
        "the error names the directory, the pid and the lock file: {stderr}"
    );
    // The first was killed and left its lock: the next sweep takes it over and finishes the
    // grid with every cell exactly once.
    let output = ibits()
        .arg("sweep")
        .arg(&experiment)
        .arg("--out")
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(results(&out).len(), 24, "every cell exactly once");
    assert!(!out.join("sweep.lock").exists(), "the lock is removed");
}

#[test]
fn issue_13_an_experiment_name_that_is_not_a_plain_file_name_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("a").join("b");
    std::fs::create_dir_all(&work).unwrap();
    let experiment = write(
        tmp.path(),
        "bad.toml",
        &SMALL.replace("name = \"small\"", "name = \"../../x\""),
    );
    let output = ibits()
        .current_dir(&work)
        .arg("sweep")
        .arg(&experiment)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.toml, line 1: name:") && stderr.contains("not a plain file name"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        2,
        "nothing is written next to the experiment file"
    );
    assert_eq!(std::fs::read_dir(&work).unwrap().count(), 0);
}

#[test]
fn issue_13_shard_specifications_that_are_not_i_of_n_say_what_was_given() {
    let tmp = tempfile::tempdir().unwrap();
    let experiment = write(tmp.path(), "ok.toml", SMALL);
    for spec in ["a/b", "1", "1/0", "3/3"] {
        let output = ibits()
            .arg("sweep")
            .arg(&experiment)
            .arg("--dry-run")
            .arg("--shard")
            .arg(spec)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{spec}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("expected i/n with 0 <= i < n, got {spec:?}"))
                && !stderr.contains("18446744073709551615")
                && !stderr.contains("is out of range"),
            "{spec}: {stderr}"
        );
    }
}

#[test]
fn issue_13_a_dry_run_of_ten_million_cells_is_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let numbers = |count: usize| {
        (1..=count)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // 1 task x 100 bandwidths x 1000 sizes x 100 test sizes = 10^7 cells.
    let bandwidths = (1..=100)
        .map(|i| format!("{i}.5"))
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!(
        "name = \"huge\"\n\n[grid]\ntask = [{{ source = \"synthetic\", intrinsic_dim = 2, ambient_dim = 5 }}]\nspace = [{{ kind = \"gp\", kernel = \"rbf\", bandwidth = [{bandwidths}] }}]\nn = [{}]\ntest_n = [{}]\neps_relative = [0.5]\n",
        numbers(1000),
        numbers(100)
    );
    let experiment = write(tmp.path(), "huge.toml", &text);
    let start = Instant::now();
    let output = ibits()
        .arg("sweep")
        .arg(&experiment)
        .arg("--dry-run")
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("huge.toml, line 6: grid: the grid has 10000000 cells")
            && stderr.contains("more than the limit of 1000000")
            && stderr.contains("shorten grid.n (1000 values)"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "no cell is listed");
    assert!(
        elapsed < Duration::from_secs(5),
        "refused after {elapsed:?} (the process included)"
    );
}

// Issue 13: `samples = 5` passed --dry-run and failed in the first cell.
#[test]
fn issue_13_settings_the_fit_cannot_use_fail_the_dry_run() {
    let tmp = tempfile::tempdir().unwrap();
    let err = usage_error(tmp.path(), &SMALL.replace("samples = 100", "samples = 5"));
    assert!(
        err.contains("settings.samples") && err.contains(">= 10"),
        "{err}"
    );
    let experiment = write(
        tmp.path(),
        "five.toml",
        &SMALL.replace("samples = 100", "samples = 5"),
    );
    let out = ibits()
        .arg("sweep")
        .arg(&experiment)
        .arg("--dry-run")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
