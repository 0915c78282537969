//! The sweep engine: parsing with line numbers, grid expansion, identity and seeds, resume
//! after interruption, torn-line recovery, shards and merge.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{run_cell, Experiment};
use ibits_report::sweep::{self, load_results, merge, run_sweep, Shard, SweepOptions, Target};
use ibits_report::{CellRecord, ReportError};

const GRID: &str = r#"name = "toy"
seed = 7

[grid]
task = ["a", "b"]
space = [
  { kind = "chi2", scale = [1.0, 2.0] },
  { kind = "chi2", scale = 0.5 },
]
n = [10, 20]
eps = [0.1, 0.5]

[settings]
samples = 50
"#;

fn parse(text: &str) -> Result<Experiment, ReportError> {
    Experiment::parse(Path::new("exp.toml"), text)
}

fn error_text(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn grid_expands_task_major_with_list_valued_space_parameters() {
    let experiment = parse(GRID).unwrap();
    // 2 tasks x (2 + 1 spaces) x 2 sizes.
    assert_eq!(experiment.cells.len(), 12);
    let coordinates: Vec<(String, f64, usize)> = experiment
        .cells
        .iter()
        .map(|c| (c.task.clone(), c.space.scale, c.n))
        .collect();
    assert_eq!(coordinates[0], ("a".into(), 1.0, 10));
    assert_eq!(coordinates[1], ("a".into(), 1.0, 20));
    assert_eq!(coordinates[2], ("a".into(), 2.0, 10));
    assert_eq!(coordinates[4], ("a".into(), 0.5, 10));
    assert_eq!(coordinates[6], ("b".into(), 1.0, 10));
    assert!(experiment
        .cells
        .iter()
        .enumerate()
        .all(|(i, c)| c.index == i));
    assert_eq!(
        experiment.targets,
        vec![Target::Absolute(0.1), Target::Absolute(0.5)]
    );
    assert_eq!(experiment.settings.samples, 50);
    let ids: std::collections::BTreeSet<&str> =
        experiment.cells.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), 12, "cell ids must be unique");
}

#[test]
fn seeds_depend_on_the_cell_not_on_its_position_or_targets() {
    let base = parse(GRID).unwrap();
    let reordered = parse(&GRID.replace(r#"task = ["a", "b"]"#, r#"task = ["b", "a"]"#)).unwrap();
    let retargeted = parse(&GRID.replace("eps = [0.1, 0.5]", "eps = [0.2]")).unwrap();
    let reseeded = parse(&GRID.replace("seed = 7", "seed = 8")).unwrap();
    let find = |e: &Experiment, task: &str, scale: f64, n: usize| {
        e.cells
            .iter()
            .find(|c| c.task == task && c.space.scale == scale && c.n == n)
            .unwrap()
            .clone()
    };
    let cell = find(&base, "a", 2.0, 20);
    assert_eq!(find(&reordered, "a", 2.0, 20).seed, cell.seed);
    assert_eq!(find(&reordered, "a", 2.0, 20).id, cell.id);
    assert_ne!(find(&reordered, "a", 2.0, 20).index, cell.index);
    assert_eq!(
        find(&retargeted, "a", 2.0, 20).seed,
        cell.seed,
        "targets do not change the hypotheses drawn"
    );
    assert_ne!(
        find(&retargeted, "a", 2.0, 20).id,
        cell.id,
        "targets are part of the identity"
    );
    assert_ne!(find(&reseeded, "a", 2.0, 20).seed, cell.seed);
    assert_ne!(find(&base, "a", 2.0, 10).seed, cell.seed);
}

#[test]
fn unknown_keys_are_errors_naming_the_line() {
    let top = error_text(&GRID.replace("seed = 7", "seed = 7\ncolour = \"red\""));
    assert!(
        top.contains("line 3") && top.contains("unknown field `colour`"),
        "{top}"
    );
    let grid = error_text(&GRID.replace("n = [10, 20]", "n = [10, 20]\nbandwith = [1]"));
    assert!(
        grid.contains("line 11") && grid.contains("unknown field `bandwith`"),
        "{grid}"
    );
    let space = error_text(&GRID.replace("scale = 0.5", "scael = 0.5"));
    assert!(
        space.contains("line 8") && space.contains("unknown field `scael`"),
        "{space}"
    );
    let settings = error_text(&GRID.replace("samples = 50", "samples = 50\nsamplez = 3"));
    assert!(
        settings.contains("line 15") && settings.contains("unknown field `samplez`"),
        "{settings}"
    );
}

#[test]
fn wrong_types_are_errors_naming_the_line() {
    let n = error_text(&GRID.replace("n = [10, 20]", "n = [10, \"twenty\"]"));
    assert!(n.contains("line 10"), "{n}");
    let eps = error_text(&GRID.replace("eps = [0.1, 0.5]", "eps = 0.1"));
    assert!(eps.contains("line 11"), "{eps}");
    let space = error_text(&GRID.replace("scale = 0.5", "scale = \"big\""));
    assert!(
        space.contains("line 8") && space.contains("scale"),
        "{space}"
    );
    let negative = error_text(&GRID.replace("n = [10, 20]", "n = [10, -20]"));
    assert!(negative.contains("line 10"), "{negative}");
    assert!(error_text("name = \n").contains("line 1"));
}

#[test]
fn empty_grids_and_bad_values_are_errors_naming_the_line() {
    let tasks = error_text(&GRID.replace(r#"task = ["a", "b"]"#, "task = []"));
    assert!(
        tasks.contains("line 5") && tasks.contains("grid.task") && tasks.contains("empty"),
        "{tasks}"
    );
    let spaces = error_text(&GRID.replace("scale = [1.0, 2.0]", "scale = []"));
    assert!(
        spaces.contains("line 7") && spaces.contains("`scale` is an empty list"),
        "{spaces}"
    );
    let sizes = error_text(&GRID.replace("n = [10, 20]", "n = [10, 0]"));
    assert!(
        sizes.contains("line 10") && sizes.contains(">= 1"),
        "{sizes}"
    );
    let eps = error_text(&GRID.replace("eps = [0.1, 0.5]", "eps = [0.1, -0.5]"));
    assert!(
        eps.contains("line 11") && eps.contains("finite and > 0"),
        "{eps}"
    );
    let none = error_text(&GRID.replace("eps = [0.1, 0.5]\n", ""));
    assert!(none.contains("no target error"), "{none}");
    let missing = error_text(&GRID.replace("n = [10, 20]\n", ""));
    assert!(missing.contains("missing field `n`"), "{missing}");
}

#[test]
fn shard_specifications_are_validated() {
    assert_eq!(Shard::parse("2/3").unwrap(), Shard { index: 2, count: 3 });
    assert!(Shard::parse("3/3").is_err());
    assert!(Shard::parse("1/0").is_err());
    assert!(Shard::parse("x").is_err());
    let shard = Shard::new(1, 3).unwrap();
    assert_eq!(
        (0..9).filter(|&i| shard.contains(i)).collect::<Vec<_>>(),
        vec![1, 4, 7]
    );
}

fn records(dir: &Path) -> Vec<(usize, u64, CellRecord)> {
    let set = load_results::<CellRecord>(dir).unwrap();
    set.results
        .into_iter()
        .map(|r| (r.index, r.seed, r.record))
        .collect()
}

fn result_lines(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("results.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn an_interrupted_sweep_resumes_and_runs_every_cell_exactly_once() {
    let experiment = parse(GRID).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let calls = AtomicUsize::new(0);
    // First run: cells 3 and 8 fail (as if the process died before finishing them).
    let summary = run_sweep(
        dir.path(),
        &experiment,
        SweepOptions {
            jobs: 3,
            shard: Shard::ALL,
        },
        |cell| {
            calls.fetch_add(1, Ordering::SeqCst);
            if cell.index == 3 || cell.index == 8 {
                Err("interrupted".to_string())
            } else {
                run_cell(cell, 20)
            }
        },
        |_| {},
    )
    .unwrap();
    assert_eq!(summary.ran, 10);
    assert_eq!(
        summary.failed.iter().map(|f| f.0).collect::<Vec<_>>(),
        vec![3, 8]
    );
    assert!(summary
        .check()
        .unwrap_err()
        .to_string()
        .contains("2 of 12 cells failed"));
    assert_eq!(result_lines(dir.path()).len(), 10);

    let calls_again = AtomicUsize::new(0);
    let summary = run_sweep(
        dir.path(),
        &experiment,
        SweepOptions {
            jobs: 2,
            shard: Shard::ALL,
        },
        |cell| {
            calls_again.fetch_add(1, Ordering::SeqCst);
            run_cell(cell, 20)
        },
        |_| {},
    )
    .unwrap();
    assert_eq!((summary.skipped, summary.ran), (10, 2));
    assert_eq!(
        calls_again.load(Ordering::SeqCst),
        2,
        "only the unfinished cells run again"
    );
    let lines = result_lines(dir.path());
    assert_eq!(lines.len(), 12);
    let ids: std::collections::BTreeSet<String> = lines
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 12, "every cell exactly once");
    summary.check().unwrap();

    // A third run has nothing to do.
    let summary = run_sweep(
        dir.path(),
        &experiment,
        SweepOptions::default(),
        |c| run_cell(c, 20),
        |_| {},
    )
    .unwrap();
    assert_eq!((summary.skipped, summary.ran), (12, 0));
}

#[test]
fn a_torn_last_line_is_dropped_and_its_cell_rerun() {
    let experiment = parse(GRID).unwrap();
    let dir = tempfile::tempdir().unwrap();
    run_sweep(
        dir.path(),
        &experiment,
        SweepOptions::default(),
        |c| run_cell(c, 5),
        |_| {},
    )
    .unwrap();
    let path = dir.path().join("results.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    // Keep 4 complete lines and half of the fifth, as a kill during the write would.
    let lines: Vec<&str> = text.lines().collect();
    let torn = format!(
        "{}\n{}",
        lines[..4].join("\n"),
        &lines[4][..lines[4].len() / 2]
    );
    std::fs::write(&path, &torn).unwrap();
    assert!(
        load_results::<CellRecord>(dir.path())
            .unwrap()
            .results
            .len()
            == 4
    );

    let summary = run_sweep(
        dir.path(),
        &experiment,
        SweepOptions::default(),
        |c| run_cell(c, 5),
        |_| {},
    )
    .unwrap();
    assert_eq!((summary.skipped, summary.ran), (4, 8));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with('\n'));
    assert_eq!(text.lines().count(), 12);
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }

    // A bad line in the middle is corruption, not a torn write: refuse, naming the line.
    std::fs::write(&path, format!("{}\nnot json\n{}\n", lines[0], lines[1])).unwrap();
    let error = load_results::<CellRecord>(dir.path())
        .unwrap_err()
        .to_string();
    assert!(error.contains("line 2"), "{error}");
}

#[test]
fn three_shards_merged_equal_a_single_run() {
    let experiment = parse(GRID).unwrap();
    let single = tempfile::tempdir().unwrap();
    run_sweep(
        single.path(),
        &experiment,
        SweepOptions {
            jobs: 3,
            shard: Shard::ALL,
        },
        |c| run_cell(c, 30),
        |_| {},
    )
    .unwrap();
    let shards = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    for i in 0..3 {
        let dir = shards.path().join(format!("shard-{i}"));
        let summary = run_sweep(
            &dir,
            &experiment,
            SweepOptions {
                jobs: 1,
                shard: Shard::new(i, 3).unwrap(),
            },
            |c| run_cell(c, 30),
            |_| {},
        )
        .unwrap();
        assert_eq!(summary.shard, 4);
        dirs.push(dir);
    }
    let merged = shards.path().join("merged");
    let summary = merge::<CellRecord>(&dirs, &merged).unwrap();
    assert_eq!(
        (summary.grid, summary.finished, summary.duplicates),
        (12, 12, 0)
    );
    assert!(summary.missing.is_empty());
    assert_eq!(records(&merged), records(single.path()));

    // The CSV summaries agree except for the wall time column.
    let strip_wall = |dir: &Path| -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_path(dir.join("summary.csv")).unwrap();
        reader
            .records()
            .map(|r| {
                r.unwrap()
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != 3)
                    .map(|(_, f)| f.to_string())
                    .collect()
            })
            .collect()
    };
    assert_eq!(strip_wall(&merged), strip_wall(single.path()));
    assert_eq!(strip_wall(&merged).len(), 24, "one row per cell and target");

    // Merging overlapping directories keeps each cell once.
    let again = shards.path().join("merged-again");
    let summary =
        merge::<CellRecord>(&[dirs[0].clone(), single.path().to_path_buf()], &again).unwrap();
    assert_eq!((summary.finished, summary.duplicates), (12, 4));
    assert_eq!(records(&again), records(single.path()));
    // ... but never into a directory that already has results.
    assert!(merge::<CellRecord>(&dirs, &merged).is_err());
}

#[test]
fn merge_refuses_different_experiments_and_conflicting_results() {
    let experiment = parse(GRID).unwrap();
    let other = parse(&GRID.replace("seed = 7", "seed = 9")).unwrap();
    let root = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        root.path().join("a"),
        root.path().join("b"),
        root.path().join("c"),
    );
    run_sweep(
        &a,
        &experiment,
        SweepOptions::default(),
        |cell| run_cell(cell, 5),
        |_| {},
    )
    .unwrap();
    run_sweep(
        &b,
        &other,
        SweepOptions::default(),
        |cell| run_cell(cell, 5),
        |_| {},
    )
    .unwrap();
    let error = merge::<CellRecord>(&[a.clone(), b], &root.path().join("m1"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("different experiments"), "{error}");
    run_sweep(
        &c,
        &experiment,
        SweepOptions::default(),
        |cell| run_cell(cell, 6),
        |_| {},
    )
    .unwrap();
    let error = merge::<CellRecord>(&[a, c], &root.path().join("m2"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("different results"), "{error}");
    let error = merge::<CellRecord>(&[root.path().join("nothing")], &root.path().join("m3"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("not a sweep directory"), "{error}");
}

#[test]
fn an_edited_grid_reuses_finished_cells_and_ignores_stale_ones() {
    let dir = tempfile::tempdir().unwrap();
    let experiment = parse(GRID).unwrap();
    run_sweep(
        dir.path(),
        &experiment,
        SweepOptions::default(),
        |c| run_cell(c, 5),
        |_| {},
    )
    .unwrap();
    // Drop task "b" and add n = 30: 6 cells remain, 3 are new.
    let edited = parse(
        &GRID
            .replace(r#"task = ["a", "b"]"#, r#"task = ["a"]"#)
            .replace("n = [10, 20]", "n = [10, 20, 30]"),
    )
    .unwrap();
    let summary = run_sweep(
        dir.path(),
        &edited,
        SweepOptions::default(),
        |c| run_cell(c, 5),
        |_| {},
    )
    .unwrap();
    assert_eq!(
        (summary.grid, summary.skipped, summary.ran, summary.stale),
        (9, 6, 3, 6)
    );
    let set = load_results::<CellRecord>(dir.path()).unwrap();
    assert_eq!(set.results.len(), 9);
    assert_eq!(set.stale, 6);
    // Another experiment's directory is refused.
    let renamed = parse(&GRID.replace("name = \"toy\"", "name = \"other\"")).unwrap();
    let error = run_sweep(
        dir.path(),
        &renamed,
        SweepOptions::default(),
        |c| run_cell(c, 5),
        |_| {},
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("choose another --out"),
        "{error}"
    );
}

#[test]
fn canonical_json_sorts_keys_at_every_level() {
    let value = serde_json::json!({"b": 1, "a": {"d": [1.5, {"z": 0, "y": null}], "c": "x"}});
    assert_eq!(
        sweep::canonical_json(&value),
        r#"{"a":{"c":"x","d":[1.5,{"y":null,"z":0}]},"b":1}"#
    );
}
