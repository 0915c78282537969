//! The report renders: PNG and SVG files with text in them, a Markdown document whose
//! structure is fixed (snapshot), a self-contained HTML page.

mod common;

use std::path::Path;

use common::{run_cell, Experiment};
use ibits_report::report::plot::{density_histogram, render_rgb, Histogram, SIZE};
use ibits_report::report::{write_report, Format};
use ibits_report::sweep::{load_results, run_sweep, SweepOptions};
use ibits_report::CellRecord;

const GRID: &str = r#"name = "render"
description = "Synthetic chi-squared spaces for the report tests."

[grid]
task = ["synthetic:dim=2", "synthetic:dim=4", "toy"]
space = [{ kind = "chi2", scale = [1.0, 2.0] }]
n = [10, 20]
eps = [0.1, 0.5, 1.0]

[settings]
samples = 200
"#;

fn sweep(dir: &Path) {
    let experiment = Experiment::parse(Path::new("render.toml"), GRID).unwrap();
    let samples = experiment.settings.samples;
    run_sweep(
        dir,
        &experiment,
        SweepOptions::default(),
        |c| run_cell(c, samples),
        |_| {},
    )
    .unwrap();
}

/// The Markdown's skeleton: headings, table headers, and one `figure:` line per image.
fn skeleton(markdown: &str) -> String {
    let mut lines = Vec::new();
    let mut previous_was_table = false;
    for line in markdown.lines() {
        let is_table = line.starts_with('|');
        if line.starts_with('#') {
            lines.push(line.to_string());
        } else if is_table && !previous_was_table {
            lines.push(format!("table: {line}"));
        } else if let Some(rest) = line.strip_prefix("![") {
            let target = rest
                .rsplit_once("](")
                .map(|(_, t)| t.trim_end_matches(')'))
                .unwrap_or("");
            lines.push(format!("figure: {target}"));
        } else if line.starts_with("```") && line.len() > 3 {
            lines.push(format!("code: {}", &line[3..]));
        }
        previous_was_table = is_table;
    }
    lines.join("\n")
}

const SKELETON: &str = "# Inductive bias report: render
## Summary
table: | cell | task | hypothesis space | n | N | eps | bits [95% interval] | method |
## Test-error distributions
figure: plots/hist-cell-0000.png
figure: plots/hist-cell-0001.png
figure: plots/hist-cell-0002.png
figure: plots/hist-cell-0003.png
figure: plots/hist-cell-0004.png
figure: plots/hist-cell-0005.png
figure: plots/hist-cell-0006.png
figure: plots/hist-cell-0007.png
figure: plots/hist-cell-0008.png
figure: plots/hist-cell-0009.png
figure: plots/hist-cell-0010.png
figure: plots/hist-cell-0011.png
## Bits vs target error
figure: plots/bits-vs-eps-cell-0000.png
figure: plots/bits-vs-eps-cell-0001.png
figure: plots/bits-vs-eps-cell-0002.png
figure: plots/bits-vs-eps-cell-0003.png
figure: plots/bits-vs-eps-cell-0004.png
figure: plots/bits-vs-eps-cell-0005.png
figure: plots/bits-vs-eps-cell-0006.png
figure: plots/bits-vs-eps-cell-0007.png
figure: plots/bits-vs-eps-cell-0008.png
figure: plots/bits-vs-eps-cell-0009.png
figure: plots/bits-vs-eps-cell-0010.png
figure: plots/bits-vs-eps-cell-0011.png
## Comparisons across tasks and hypothesis spaces
figure: plots/compare-01.png
figure: plots/compare-02.png
figure: plots/compare-03.png
figure: plots/compare-04.png
figure: plots/compare-05.png
figure: plots/compare-06.png
## Bits vs training-set size
figure: plots/bits-vs-n-01.png
figure: plots/bits-vs-n-02.png
figure: plots/bits-vs-n-03.png
## Bits vs intrinsic dimension
figure: plots/bits-vs-dim-01.png
figure: plots/bits-vs-dim-02.png
figure: plots/bits-vs-dim-03.png
## Numerical health
table: | cell | task | hypothesis space | n | N | jitter | clipped mass (fraction of trace) | exact method | largest relative change at 10x jitter |
## Warnings
## Settings
code: toml
table: | cell | id | seed | task | intrinsic dim | hypothesis space | parameters | n | N | k | status |
## Appendix
### A. Every estimate
table: | cell | task | hypothesis space | n | N | k | eps | eps rule | exact (bits) | fitted (bits) [95% interval] | counting (bits) [interval] (hits/S) | Chernoff bound (bits, ≥) | paper-compatible (bits) | mean error | S | wall (s) |
### B. Warnings by cell
table: | cell | task · hypothesis space | target | category | warning |
### C. Numerical health per target
table: | cell | task · hypothesis space | n | N | target | jitter | clipped mass (fraction of trace) | exact (bits) | Ruben (bits) | at 10x jitter (bits) | relative change |";

#[test]
fn markdown_report_has_the_expected_structure_and_images() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path());
    let set = load_results::<CellRecord>(dir.path()).unwrap();
    let out = dir.path().join("report");
    let files = write_report(&set, &out, Format::Markdown).unwrap();
    let markdown = std::fs::read_to_string(&files.document).unwrap();
    assert_eq!(skeleton(&markdown), SKELETON);
    // The fitted interval differs from its bootstrap half, so both are shown.
    assert!(markdown.contains(" (bootstrap ["), "{markdown}");
    // The one warning is one kind, in one cell; Appendix B lists it with its cell.
    assert!(
        markdown.contains("- **other** (1 warning, cell 0): example warning"),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "| 0 | synthetic:dim=2 · chi2 (scale=1.0) | the cell | other | example warning |"
        ),
        "{markdown}"
    );
    // The short summary row and the full row of Appendix A (4 significant digits).
    assert!(
        markdown.contains("| 0 | synthetic:dim=2 | chi2 (scale=1.0) | 10 | 50 | 0.1000 | "),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "| 0 | synthetic:dim=2 | chi2 (scale=1.0) | 10 | 50 | 1 | 0.1000 | absolute |"
        ),
        "{markdown}"
    );
    assert_eq!(files.plots.len(), 12 + 12 + 6 + 3 + 3);
    for plot in &files.plots {
        let png = std::fs::read(&plot.png).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{}", plot.png.display());
        assert!(
            png.len() > 10_000,
            "{} is only {} bytes",
            plot.png.display(),
            png.len()
        );
        let svg = std::fs::read_to_string(&plot.svg).unwrap();
        assert!(
            svg.contains("<svg") && svg.matches("<text").count() >= 10,
            "{} has too little text",
            plot.svg.display()
        );
    }
    let histogram = std::fs::read_to_string(out.join("plots/hist-cell-0000.svg")).unwrap();
    for text in [
        "Test errors: synthetic:dim=2",
        "n = 10, N = 50, k = 1, S = 200",
        "probability density",
        "test error e(h)",
    ] {
        assert!(histogram.contains(text), "histogram SVG lacks {text:?}");
    }
    let bits = std::fs::read_to_string(out.join("plots/bits-vs-eps-cell-0000.svg")).unwrap();
    for text in [
        "inductive bias (bits)",
        "exact (generalized chi-squared law)",
        "Chernoff bound",
        "paper-compatible",
        "counting",
    ] {
        assert!(bits.contains(text), "bits-vs-eps SVG lacks {text:?}");
    }
}

#[test]
fn html_report_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path());
    let set = load_results::<CellRecord>(dir.path()).unwrap();
    let files = write_report(&set, &dir.path().join("html"), Format::Html).unwrap();
    let html = std::fs::read_to_string(&files.document).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<svg").count(), files.plots.len());
    assert!(
        !html.contains("src=") && !html.contains("href="),
        "no external resources"
    );
    assert!(html.contains("<h2>Numerical health</h2>"));
}

#[test]
fn bitmap_charts_contain_drawn_text_and_data() {
    let chart = Histogram {
        title: "Title text".into(),
        subtitle: "n = 1, N = 2, k = 3".into(),
        errors: (1..=500).map(|i| (i as f64 / 50.0).sqrt()).collect(),
        exact_density: Some((1..100).map(|i| (i as f64 / 20.0, 0.5)).collect()),
        fitted_density: None,
        exact_log_density: None,
        fitted_log_density: None,
        targets: vec![(0.5, "eps = 0.5".into())],
    };
    let rgb = render_rgb(&chart).unwrap();
    let (width, height) = (SIZE.0 as usize, SIZE.1 as usize);
    let pixel = |x: usize, y: usize| &rgb[3 * (y * width + x)..3 * (y * width + x) + 3];
    // The title band (top 56 px) holds glyphs: dark pixels, which only a loaded font draws.
    let dark_in_title = (0..56)
        .flat_map(|y| (0..width).map(move |x| (x, y)))
        .filter(|&(x, y)| pixel(x, y).iter().all(|&c| c < 100))
        .count();
    assert!(
        dark_in_title > 200,
        "title band has {dark_in_title} dark pixels"
    );
    // The axis-label area on the left holds rotated text.
    let dark_left = (56..height)
        .flat_map(|y| (0..40).map(move |x| (x, y)))
        .filter(|&(x, y)| pixel(x, y).iter().all(|&c| c < 100))
        .count();
    assert!(
        dark_left > 100,
        "y-axis label area has {dark_left} dark pixels"
    );
    // The histogram bars (sky blue, mixed with white) fill part of the plot area.
    let bars = rgb
        .chunks(3)
        .filter(|p| p[2] > 200 && p[0] < 200 && p[0] > 100)
        .count();
    assert!(bars > 10_000, "{bars} bar pixels");
}

#[test]
fn density_histogram_integrates_to_one() {
    // 100 evenly spaced values in [0, 99]: 10 bins of width 9.9, ten values each.
    let values: Vec<f64> = (0..100).map(f64::from).collect();
    let (left, width, heights) = density_histogram(&values);
    assert_eq!(left, 0.0);
    approx::assert_relative_eq!(width, 9.9, max_relative = 1e-15);
    assert_eq!(heights.len(), 10);
    for h in &heights {
        approx::assert_relative_eq!(*h, 10.0 / (100.0 * 9.9), max_relative = 1e-12);
    }
    approx::assert_relative_eq!(
        heights.iter().sum::<f64>() * width,
        1.0,
        max_relative = 1e-12
    );
    assert!(density_histogram(&[]).2.is_empty());
}

#[test]
fn records_survive_a_json_round_trip_bit_for_bit() {
    // serde_json without `float_roundtrip` can be one ulp off on read-back, which would make
    // a merged result set differ from a single run's.
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path());
    let text = std::fs::read_to_string(dir.path().join("results.jsonl")).unwrap();
    for value in [
        3.9068905956085187,
        0.1 + 0.2,
        1e-300,
        5e-324,
        f64::MAX,
        2.0f64.sqrt(),
    ] {
        let back: f64 = serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
        assert_eq!(back.to_bits(), value.to_bits());
    }
    for line in text.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let record: CellRecord = serde_json::from_value(value["record"].clone()).unwrap();
        let again: CellRecord =
            serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(record, again);
    }
}

/// Every file under `dir` (relative paths), recursively.
fn files_under(dir: &Path) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap();
                out.insert(relative.to_string_lossy().into_owned());
            }
        }
    }
    out
}

#[test]
fn issue_13_a_report_rerun_removes_its_stale_charts_and_nothing_else() {
    let root = tempfile::tempdir().unwrap();
    let (large, small, out) = (
        root.path().join("large"),
        root.path().join("small"),
        root.path().join("report"),
    );
    sweep(&large);
    let first = write_report(
        &load_results::<CellRecord>(&large).unwrap(),
        &out,
        Format::Markdown,
    )
    .unwrap();
    assert_eq!(first.plots.len(), 36);
    let plots = out.join("plots");
    assert!(plots.join("hist-cell-0011.png").exists());

    // Files the report did not write stay, whatever the list of charts says.
    let keep = [
        "plots/mine.png",
        "plots/notes.txt",
        "plots/.hidden.png",
        "plots/sub/x.png",
        "victim.png",
    ];
    for name in keep {
        let path = out.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "not a chart of the report").unwrap();
    }
    let list = plots.join("charts.txt");
    let mut text = std::fs::read_to_string(&list).unwrap();
    assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 72);
    text.push_str("../victim.png\n.hidden.png\nsub/x.png\nnotes.txt\n");
    text.push_str(&format!("{}\n", out.join("victim.png").display()));
    std::fs::write(&list, text).unwrap();

    // A smaller grid reported into the same folder: 1 task x 2 scales x 1 size = 2 cells.
    let experiment = Experiment::parse(
        Path::new("render.toml"),
        &GRID
            .replace(
                r#"task = ["synthetic:dim=2", "synthetic:dim=4", "toy"]"#,
                r#"task = ["toy"]"#,
            )
            .replace("n = [10, 20]", "n = [10]"),
    )
    .unwrap();
    run_sweep(
        &small,
        &experiment,
        SweepOptions::default(),
        |c| run_cell(c, 200),
        |_| {},
    )
    .unwrap();
    let second = write_report(
        &load_results::<CellRecord>(&small).unwrap(),
        &out,
        Format::Markdown,
    )
    .unwrap();
    let mut expected: std::collections::BTreeSet<String> = second
        .plots
        .iter()
        .flat_map(|p| [&p.png, &p.svg])
        .map(|p| p.strip_prefix(&out).unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(expected.contains("plots/hist-cell-0001.png"));
    expected.extend(keep.iter().map(|k| k.to_string()));
    expected.extend(["plots/charts.txt".to_string(), "report.md".to_string()]);
    assert_eq!(
        files_under(&out),
        expected,
        "the stale charts are gone, the other files stay"
    );
    for name in keep {
        assert_eq!(
            std::fs::read_to_string(out.join(name)).unwrap(),
            "not a chart of the report"
        );
    }
    let listed: Vec<String> = std::fs::read_to_string(&list)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    assert_eq!(listed.len(), second.plots.len() * 2);
}
