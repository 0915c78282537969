//! The report's text is fit for a paper (docs/reports.md): numbers in tables have four
//! significant digits (records and `summary.csv` keep full precision), warnings are grouped by
//! kind with their counts and cells, the summary table is short, and the appendix has every
//! cell, estimate and warning — in Markdown and in HTML.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{run_cell, Experiment};
use ibits_report::report::{write_report, Format};
use ibits_report::sweep::{load_results, run_sweep, Cell, SweepOptions};
use ibits_report::CellRecord;

const GRID: &str = r#"name = "text"

[grid]
task = ["synthetic:dim=2", "toy"]
space = [{ kind = "chi2", scale = [1.0, 2.0, 3.0] }]
n = [10, 20]
eps_relative = [0.05, 0.3]

[settings]
samples = 200
"#;

/// Cells in the grid: 2 tasks x 3 spaces x 2 sizes.
const CELLS: usize = 12;

/// Targets per cell.
const TARGETS: usize = 2;

/// The columns of the short summary table.
const SHORT_COLUMNS: usize = 8;

/// The kinds of warning [`with_warnings`] adds: poorly identified fit, no sample below eps
/// (fit), large jitter (numerical), rejected hypotheses (sampling).
const KINDS: usize = 4;

/// The chi-squared cell of `common`, its exact bits spread over eleven decades, with warnings as the `ibits` producer writes them: at
/// every target a poorly identified fit (its numbers differ between cells) and an
/// extrapolation (the same text everywhere); a large jitter in even cells; rejected
/// hypotheses in cell 3.
fn with_warnings(cell: &Cell<String, common::Space>, samples: usize) -> Result<CellRecord, String> {
    let mut record = run_cell(cell, samples)?;
    // Exact bits from 1e-4 to 1e7 times the closed form, so that tables print both fixed-point
    // and scientific numbers.
    for estimate in &mut record.estimates {
        estimate.exact_bits = estimate
            .exact_bits
            .map(|b| b * 10f64.powi(cell.index as i32 - 4));
    }
    record.warnings.clear();
    for (t, estimate) in record.estimates.iter().enumerate() {
        let eps = estimate.eps;
        let low = 3.0 + cell.index as f64 + 0.123_456_7 * t as f64;
        record.warnings.push(format!(
            "fitted path at eps = {eps:.4e}: poorly identified fit: laws within 2 nats of the \
             maximum likelihood have lambda from 0.0000 to {:.4} (lambda/(nu+lambda) from 0.000 to \
             1.000); across them the bits at eps = {eps} range from {low:.4} to {:.4}: the samples \
             cannot tell these tails apart",
            100.0 + cell.index as f64,
            low + 1.0
        ));
        record.warnings.push(format!(
            "fitted path at eps = {eps:.4e}: no sample is <= eps: the fitted value is an \
             extrapolation of the fitted law beyond the data (the count only says bits >= 7.6439)"
        ));
    }
    if cell.index.is_multiple_of(2) {
        record.warnings.push(format!(
            "jitter {:.2e} x mean diagonal was needed to factorize K_XX: the GP no longer \
             interpolates the training set exactly",
            1e-4 * (1.0 + cell.index as f64)
        ));
    }
    if cell.index == 3 {
        record.warnings.push(
            "3 of 40 hypotheses did not fit the training set (training error > 0.01) and are \
             not in p_h"
                .into(),
        );
    }
    Ok(record)
}

/// Run the grid into `dir` and write its report in `format`; the document's text.
fn report(dir: &Path, format: Format) -> String {
    let experiment = Experiment::parse(Path::new("text.toml"), GRID).unwrap();
    let samples = experiment.settings.samples;
    run_sweep(
        dir,
        &experiment,
        SweepOptions::default(),
        |c| with_warnings(c, samples),
        |_| {},
    )
    .unwrap();
    let set = load_results::<CellRecord>(dir).unwrap();
    assert_eq!(set.results.len(), CELLS);
    let files = write_report(&set, &dir.join("report"), format).unwrap();
    std::fs::read_to_string(files.document).unwrap()
}

/// The lines of a Markdown section: from its heading to the next heading of the same or a
/// higher level.
fn section<'a>(markdown: &'a str, heading: &str) -> Vec<&'a str> {
    let level = heading.chars().take_while(|&c| c == '#').count();
    let mut lines = markdown.lines().skip_while(|l| *l != heading);
    assert!(lines.next().is_some(), "no heading {heading:?}");
    lines
        .take_while(|l| {
            let hashes = l.chars().take_while(|&c| c == '#').count();
            !(hashes > 0 && hashes <= level && l.chars().nth(hashes) == Some(' '))
        })
        .collect()
}

/// The first table of a section's lines: header cells and rows of cells.
fn table(lines: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_start_matches('|')
            .trim_end_matches('|')
            .split(" | ")
            .map(|c| c.trim().to_string())
            .collect()
    };
    let mut rows = lines
        .iter()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'));
    let header = cells(rows.next().expect("a table"));
    let separator = rows.next().expect("a separator line");
    assert!(separator.starts_with("|---"), "{separator}");
    (header, rows.map(|r| cells(r)).collect())
}

/// Significant digits of a number as printed ("0.02037" -> 4, "3.117e4" -> 4, "2959" -> 4);
/// `None` when the text is not a plain number.
fn significant_digits(text: &str) -> Option<usize> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let mantissa = unsigned.split('e').next()?;
    if mantissa.is_empty()
        || !mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        || !mantissa.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    Some(digits.trim_start_matches('0').len())
}

/// Every number in a table cell such as "12.35 [10.01, ∞]" or "0.02037 (0.05 x mean error)"
/// outside brackets of words.
fn numbers_in(cell: &str) -> Vec<String> {
    cell.split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | ','))
        .filter(|t| !t.is_empty())
        .take_while(|t| !t.starts_with('('))
        .filter(|t| significant_digits(t).is_some())
        .map(str::to_string)
        .collect()
}

#[test]
fn significant_digits_are_counted_as_printed() {
    assert_eq!(significant_digits("0.02037"), Some(4));
    assert_eq!(significant_digits("3.117e4"), Some(4));
    assert_eq!(significant_digits("-4.800e-11"), Some(4));
    assert_eq!(significant_digits("2959"), Some(4));
    assert_eq!(significant_digits("713.0"), Some(4));
    assert_eq!(significant_digits("0.0204"), Some(3));
    assert_eq!(significant_digits("31169.7"), Some(6));
    assert_eq!(significant_digits("∞"), None);
    assert_eq!(
        numbers_in("0.02037 (0.05 x mean error)"),
        vec!["0.02037".to_string()]
    );
    assert_eq!(numbers_in("12.35 [10.01, ∞]"), vec!["12.35", "10.01"]);
}

#[test]
fn table_numbers_have_four_significant_digits_and_records_keep_full_precision() {
    let dir = tempfile::tempdir().unwrap();
    let markdown = report(dir.path(), Format::Markdown);
    let (header, rows) = table(&section(&markdown, "## Summary"));
    let eps = header.iter().position(|h| h == "eps").unwrap();
    let bits = header.iter().position(|h| h.starts_with("bits")).unwrap();
    let mut checked = 0;
    for row in &rows {
        for column in [eps, bits] {
            let numbers = numbers_in(&row[column]);
            assert!(!numbers.is_empty(), "no number in {:?}", row[column]);
            for n in numbers {
                assert_eq!(significant_digits(&n), Some(4), "{n} in {row:?}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 2 * CELLS * TARGETS);
    // Appendix A: the eps, exact, Chernoff and mean-error columns.
    let (header, rows) = table(&section(&markdown, "### A. Every estimate"));
    for name in [
        "eps",
        "exact (bits)",
        "Chernoff bound (bits, ≥)",
        "mean error",
    ] {
        let column = header.iter().position(|h| h == name).unwrap();
        for row in &rows {
            for n in numbers_in(&row[column]) {
                assert_eq!(significant_digits(&n), Some(4), "{name}: {n} in {row:?}");
            }
        }
    }
    // Full precision stays in the records' CSV and JSON, not in the document.
    let set = load_results::<CellRecord>(dir.path()).unwrap();
    let full = set
        .results
        .iter()
        .flat_map(|r| &r.record.estimates)
        .map(|e| e.eps.to_string())
        .find(|t| t.len() > 12)
        .expect("an eps with many digits");
    let csv = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    assert!(csv.contains(&full), "summary.csv lacks {full}");
    let jsonl = std::fs::read_to_string(dir.path().join("results.jsonl")).unwrap();
    assert!(jsonl.contains(&full), "results.jsonl lacks {full}");
    assert!(!markdown.contains(&full), "the report prints {full}");
}

#[test]
fn warnings_are_one_line_per_kind_with_counts_and_cells() {
    let dir = tempfile::tempdir().unwrap();
    let markdown = report(dir.path(), Format::Markdown);
    let lines = section(&markdown, "## Warnings");
    let items: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("- "))
        .collect();
    assert_eq!(items.len(), KINDS, "{items:#?}");
    let all = 2 * CELLS * TARGETS + CELLS / 2 + 1;
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "{all} warnings in {CELLS} of {CELLS} finished cells, of {KINDS} kinds."
        ))),
        "{lines:#?}"
    );
    // Categories in order (numerical, sampling, fit), the more frequent fit kind first.
    let fit_count = CELLS * TARGETS;
    let expected_starts = [
        format!("- **numerical** ({} warnings, cells 0, 2, 4, 6, 8, 10): jitter … x mean diagonal", CELLS / 2),
        "- **sampling** (1 warning, cell 3): 3 of 40 hypotheses did not fit the training set".into(),
        format!("- **fit** ({fit_count} warnings, cells 0–11): poorly identified fit: laws within 2 nats"),
        format!("- **fit** ({fit_count} warnings, cells 0–11): no sample is <= eps"),
    ];
    for (item, start) in items.iter().zip(&expected_starts) {
        assert!(
            item.starts_with(start.as_str()),
            "{item}\n  should start with\n{start}"
        );
    }
    // Identical messages are merged whole; numbers that differ become "…", the ones they
    // share stay.
    assert!(
        items[3].ends_with("(the count only says bits >= 7.6439)"),
        "{}",
        items[3]
    );
    assert!(
        items[2].contains("lambda from 0.0000 to … (lambda/(nu+lambda) from 0.000 to 1.000); across them the bits at eps = … range from … to …"),
        "{}",
        items[2]
    );
    assert!(
        !items.iter().any(|i| i.contains("fitted path at eps")),
        "{items:#?}"
    );
    // Appendix B: every warning with its cell and target, numbers cut to 4 digits.
    let (header, rows) = table(&section(&markdown, "### B. Warnings by cell"));
    assert_eq!(
        header,
        [
            "cell",
            "task · hypothesis space",
            "target",
            "category",
            "warning"
        ]
    );
    assert_eq!(rows.len(), all);
    let cells: BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(cells.len(), CELLS);
    let targeted = rows.iter().filter(|r| r[2].starts_with("eps = ")).count();
    assert_eq!(
        targeted,
        2 * CELLS * TARGETS,
        "fit warnings name their target"
    );
    assert_eq!(
        rows.iter().filter(|r| r[2] == "the cell").count(),
        CELLS / 2 + 1
    );
}

#[test]
fn the_summary_is_short_and_the_appendix_has_every_cell() {
    let dir = tempfile::tempdir().unwrap();
    let markdown = report(dir.path(), Format::Markdown);
    let (header, rows) = table(&section(&markdown, "## Summary"));
    assert_eq!(
        header,
        [
            "cell",
            "task",
            "hypothesis space",
            "n",
            "N",
            "eps",
            "bits [95% interval]",
            "method"
        ]
    );
    assert_eq!(header.len(), SHORT_COLUMNS);
    assert_eq!(rows.len(), CELLS * TARGETS);
    for row in &rows {
        assert_eq!(row.len(), SHORT_COLUMNS, "{row:?}");
        assert!(row[7].starts_with("exact"), "{row:?}");
    }
    // The appendix is the last section, with the full table: every cell and target.
    let last_h2 = markdown.lines().rfind(|l| l.starts_with("## "));
    assert_eq!(last_h2, Some("## Appendix"));
    let (header, rows) = table(&section(&markdown, "### A. Every estimate"));
    assert_eq!(header.len(), 16);
    assert!(header.iter().any(|h| h == "wall (s)"));
    assert_eq!(rows.len(), CELLS * TARGETS);
    let cells: BTreeSet<usize> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(cells, (0..CELLS).collect());
    // Numerical health: one row per cell, per target in Appendix C.
    let (_, health) = table(&section(&markdown, "## Numerical health"));
    assert_eq!(health.len(), CELLS);
    let (_, per_target) = table(&section(&markdown, "### C. Numerical health per target"));
    assert_eq!(per_target.len(), CELLS * TARGETS);
}

#[test]
fn html_has_the_same_short_table_warnings_and_appendix() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path(), Format::Html);
    let summary = html
        .split("<h2>Summary</h2>")
        .nth(1)
        .and_then(|s| s.split("</thead>").next())
        .unwrap();
    assert_eq!(summary.matches("<th>").count(), SHORT_COLUMNS);
    let warnings = html
        .split("<h2>Warnings</h2>")
        .nth(1)
        .and_then(|s| s.split("</ul>").next())
        .unwrap();
    assert_eq!(warnings.matches("<li>").count(), KINDS);
    assert!(
        warnings.contains("<li><strong>fit</strong> ("),
        "{warnings}"
    );
    for heading in [
        "<h2>Appendix</h2>",
        "<h3>A. Every estimate</h3>",
        "<h3>B. Warnings by cell</h3>",
        "<h3>C. Numerical health per target</h3>",
    ] {
        assert!(html.contains(heading), "no {heading}");
    }
    assert!(html.find("<h2>Settings</h2>") < html.find("<h2>Appendix</h2>"));
}
