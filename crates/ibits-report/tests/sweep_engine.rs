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

// Issue 13: a sweep directory lock, plain-file-name experiment names, shard specifications
// that say what was given, and grids counted (and their memory planned) before expansion.

/// A sweep into `dir` whose first cell waits for `release`; returns once that cell has
/// started, with the running sweep's thread.
fn sweep_holding_the_lock<'s>(
    scope: &'s std::thread::Scope<'s, '_>,
    dir: &'s Path,
    experiment: &'s Experiment,
    release: std::sync::mpsc::Receiver<()>,
) -> std::thread::ScopedJoinHandle<'s, Result<sweep::SweepSummary, ReportError>> {
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let release = std::sync::Mutex::new(release);
    let handle = scope.spawn(move || {
        run_sweep(
            dir,
            experiment,
            SweepOptions::default(),
            |cell| {
                if cell.index == 0 {
                    let _ = started_tx.send(());
                    let _ = release
                        .lock()
                        .unwrap()
                        .recv_timeout(std::time::Duration::from_secs(60));
                }
                run_cell(cell, 5)
            },
            |_| {},
        )
    });
    started_rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the first sweep started its first cell");
    handle
}

#[test]
fn issue_13_two_sweeps_on_one_directory_do_not_both_run() {
    let experiment = parse(GRID).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let second_calls = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (release_tx, release_rx) = std::sync::mpsc::channel();
        let first = sweep_holding_the_lock(scope, dir.path(), &experiment, release_rx);
        let lock = dir.path().join(sweep::lock::LOCK_FILE);
        assert!(lock.exists(), "the running sweep holds {}", lock.display());
        let error = run_sweep(
            dir.path(),
            &experiment,
            SweepOptions::default(),
            |cell| {
                second_calls.fetch_add(1, Ordering::SeqCst);
                run_cell(cell, 5)
            },
            |_| {},
        )
        .unwrap_err();
        let text = error.to_string();
        assert!(matches!(error, ReportError::Locked { .. }), "{text}");
        assert!(
            text.contains(&dir.path().display().to_string())
                && text.contains(&format!("pid {}", std::process::id()))
                && text.contains("started ")
                && text.contains(&lock.display().to_string()),
            "the error names the directory, the holder and the lock file: {text}"
        );
        release_tx.send(()).unwrap();
        let summary = first.join().unwrap().unwrap();
        assert_eq!(summary.ran, 12);
        assert!(summary.notes.is_empty(), "{:?}", summary.notes);
        assert!(!lock.exists(), "the lock is removed at the end");
    });
    assert_eq!(
        second_calls.load(Ordering::SeqCst),
        0,
        "the second ran nothing"
    );
    let lines = result_lines(dir.path());
    assert_eq!(lines.len(), 12, "every cell exactly once");
    // Once the first has finished, the directory is free again.
    let summary = run_sweep(
        dir.path(),
        &experiment,
        SweepOptions::default(),
        |c| run_cell(c, 5),
        |_| {},
    )
    .unwrap();
    assert_eq!((summary.skipped, summary.ran), (12, 0));
}

#[test]
fn issue_13_the_lock_is_removed_when_a_sweep_fails() {
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
    let renamed = parse(&GRID.replace("name = \"toy\"", "name = \"other\"")).unwrap();
    let error = run_sweep(
        dir.path(),
        &renamed,
        SweepOptions::default(),
        |c| run_cell(c, 5),
        |_| {},
    )
    .unwrap_err();
    assert!(matches!(error, ReportError::Mismatch { .. }), "{error}");
    assert!(!dir.path().join(sweep::lock::LOCK_FILE).exists());
}

/// The pid of a process that has exited and been reaped.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn issue_13_a_stale_lock_is_taken_over_with_a_note() {
    if !Path::new("/proc/self/stat").exists() {
        return; // whether a process runs can only be checked through /proc
    }
    let experiment = parse(GRID).unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| format!("host = {}\n", h.trim()))
        .unwrap_or_default();
    let dead = dead_pid();
    for (stale, why) in [
        (
            format!("ibits sweep lock\npid = {dead}\nstarted = 0\n{host}"),
            format!("no process {dead} runs"),
        ),
        // A pid that runs again, but as another program (it started at another time).
        (
            format!(
                "ibits sweep lock\npid = {}\nstarted = 0\nproc_start = 1\n{host}",
                std::process::id()
            ),
            "another program".to_string(),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join(sweep::lock::LOCK_FILE);
        std::fs::write(&lock, &stale).unwrap();
        let started_notes = std::sync::Mutex::new(Vec::new());
        let summary = run_sweep(
            dir.path(),
            &experiment,
            SweepOptions::default(),
            |c| run_cell(c, 5),
            |event| {
                if let sweep::SweepEvent::Started { notes, .. } = event {
                    started_notes.lock().unwrap().extend(notes.clone());
                }
            },
        )
        .unwrap();
        assert_eq!(summary.ran, 12);
        let note = summary.notes.join("\n");
        assert!(
            note.contains("took over the stale lock")
                && note.contains(&lock.display().to_string())
                && note.contains(&why)
                && note.contains("1970-01-01 00:00:00 UTC"),
            "{note}"
        );
        assert_eq!(*started_notes.lock().unwrap(), summary.notes);
        assert!(!lock.exists());
    }
}

#[test]
fn issue_13_a_lock_that_cannot_be_checked_is_never_taken_over() {
    let experiment = parse(GRID).unwrap();
    for (content, expected) in [
        (
            "ibits sweep lock\npid = 1\nstarted = 0\nhost = another-host-of-issue-13\n",
            "host another-host-of-issue-13",
        ),
        ("not a lock\n", "does not read as one ibits writes"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join(sweep::lock::LOCK_FILE);
        std::fs::write(&lock, content).unwrap();
        let error = run_sweep(
            dir.path(),
            &experiment,
            SweepOptions::default(),
            |c| run_cell(c, 5),
            |_| {},
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains(expected) && error.contains(&format!("remove {}", lock.display())),
            "{error}"
        );
        assert_eq!(
            std::fs::read_to_string(&lock).unwrap(),
            content,
            "left alone"
        );
        assert!(!dir.path().join("results.jsonl").exists(), "nothing ran");
    }
}

#[test]
fn issue_13_names_must_be_plain_file_names() {
    for bad in [
        "../../x",
        "a/b",
        "/tmp/x",
        ".hidden",
        "",
        "two words",
        "tab\there",
    ] {
        let text = GRID.replace("name = \"toy\"", &format!("name = {bad:?}"));
        let error = error_text(&text);
        assert!(
            error.contains("exp.toml, line 1: name:") && error.contains("not a plain file name"),
            "{bad:?}: {error}"
        );
    }
    let error = error_text(&GRID.replace("name = \"toy\"", "name = \"../../x\""));
    assert!(error.contains("name = \"x\""), "suggests a name: {error}");
    for good in ["toy", "kernels-vs-mlp", "run_2.b", "x.y.z"] {
        let experiment = parse(&GRID.replace("name = \"toy\"", &format!("name = {good:?}")))
            .unwrap_or_else(|e| panic!("{good}: {e}"));
        assert_eq!(experiment.name, good);
    }
}

#[test]
fn issue_13_shard_specifications_that_are_not_i_of_n_say_what_was_given() {
    for bad in [
        "a/b",
        "1",
        "1/0",
        "3/3",
        "-1/3",
        "1/3/5",
        "",
        "/",
        "1/",
        "99999999999999999999999/3",
    ] {
        let error = Shard::parse(bad).unwrap_err().to_string();
        assert_eq!(
            error,
            format!("expected i/n with 0 <= i < n, got {bad:?}"),
            "{bad:?}"
        );
    }
    assert_eq!(
        Shard::parse(" 1 / 3 ").unwrap(),
        Shard { index: 1, count: 3 }
    );
    assert_eq!(
        Shard::new(3, 3).unwrap_err().to_string(),
        "expected i/n with 0 <= i < n, got \"3/3\""
    );
}

/// `[a, b, ...]` of `count` values made by `value`.
fn list(count: usize, value: impl Fn(usize) -> String) -> String {
    format!("[{}]", (0..count).map(value).collect::<Vec<_>>().join(", "))
}

#[test]
fn issue_13_a_grid_of_ten_million_cells_is_refused_at_once() {
    // 1 task x 100 spaces x 1000 sizes x 100 test sizes = 10^7 cells.
    let text = format!(
        "name = \"huge\"\n\n[grid]\ntask = [\"a\"]\nspace = [{{ kind = \"chi2\", scale = {} }}]\nn = {}\ntest_n = {}\neps = [0.1]\n",
        list(100, |i| format!("{}.5", i + 1)),
        list(1000, |i| (i + 1).to_string()),
        list(100, |i| (i + 1).to_string()),
    );
    let start = std::time::Instant::now();
    let error = error_text(&text);
    let elapsed = start.elapsed();
    assert!(
        elapsed < std::time::Duration::from_secs(1),
        "refused after {elapsed:?}"
    );
    assert!(
        error.contains("exp.toml, line 6: grid:")
            && error.contains("the grid has 10000000 cells (task 1 x space 100 x n 1000 x test_n 100)")
            && error.contains("more than the limit of 1000000")
            && error.contains("shorten grid.n (1000 values), grid.space (100 values; its longest list is `scale`, 100 values), grid.test_n (100 values)"),
        "{error}"
    );

    // A count past 2^64 - 1 is refused too, not wrapped around.
    let table = format!(
        "{{ kind = {}, scale = {} }}",
        list(1000, |i| format!("\"k{i}\"")),
        list(1000, |i| format!("{i}.5"))
    );
    let text = format!(
        "name = \"overflow\"\n\n[grid]\ntask = {}\nspace = [{}]\nn = {}\ntest_n = {}\neps = [0.1]\n",
        list(10_000, |i| format!("\"t{i}\"")),
        vec![table; 20].join(", "),
        list(10_000, |i| (i + 1).to_string()),
        list(10_000, |i| (i + 1).to_string()),
    );
    let error = error_text(&text);
    assert!(
        error.contains(&format!("the grid has more than {} cells", usize::MAX)),
        "{error}"
    );
}

#[test]
fn issue_13_the_memory_of_the_expanded_grid_is_planned() {
    if !Path::new("/proc/meminfo").exists() {
        return; // the plan compares with MemAvailable, which only /proc/meminfo gives
    }
    // 100 x 1000 = 10^5 cells (under the cell limit) of about 1 MB each: ~100 GB of specs.
    let text = format!(
        "name = \"heavy\"\n\n[grid]\ntask = {}\nspace = [{{ kind = \"{}\" }}]\nn = {}\neps = [0.1]\n",
        list(100, |i| format!("\"t{i}\"")),
        "x".repeat(1 << 20),
        list(1000, |i| (i + 1).to_string()),
    );
    let start = std::time::Instant::now();
    let error = error_text(&text);
    let elapsed = start.elapsed();
    assert!(
        elapsed < std::time::Duration::from_secs(5),
        "refused after {elapsed:?}"
    );
    assert!(
        error.contains("exp.toml, line 6: grid: expanding the grid needs about")
            && error.contains("(100000 cells x ")
            && error.contains(
                "of memory available: shorten grid.n (1000 values), grid.task (100 values)"
            ),
        "{error}"
    );
}
