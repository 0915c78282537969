//! The text of `ibits data`: the list of vendored datasets, a dataset or a task described,
//! and the verification of vendored files. The reports themselves are ibits-data's
//! ([`ListReport`], [`DatasetReport`], [`TaskReport`], [`VerifyEntry`]).

use std::fmt::Write as _;

use ibits_data::{
    ClassCount, DatasetReport, FileCheck, ListReport, TaskKind, TaskReport, VerifyEntry,
};

/// The text of `ibits data list`: one row per vendored dataset (name, rows, features, classes
/// — `k/real` where a real-valued target is also available — the official split as
/// `train + test`, licence), then the data directory and the other task sources.
pub fn list(report: &ListReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<18} {:>7} {:>8} {:>7}  {:<20} licence",
        "name", "rows", "features", "classes", "split"
    );
    for d in &report.datasets {
        let split = d.train_split.map_or_else(
            || "none".to_string(),
            |n| format!("{n} + {}", d.samples - n),
        );
        let classes = if d.regression {
            format!("{}/real", d.classes)
        } else {
            d.classes.to_string()
        };
        let _ = writeln!(
            out,
            "{:<18} {:>7} {:>8} {:>7}  {:<20} {}",
            d.name, d.samples, d.features, classes, split, d.licence
        );
    }
    let dir = report.data_dir.as_deref();
    let _ = writeln!(
        out,
        "\ndata directory: {}",
        dir.unwrap_or("not found (set IBITS_DATA_DIR)")
    );
    let _ = writeln!(out, "other task sources: {}", report.other_sources);
    out
}

/// One class row: index, name, training rows and, when there is a test split, test rows.
fn class_row(out: &mut String, c: &ClassCount, test: Option<usize>) {
    let _ = match test {
        Some(t) => writeln!(
            out,
            "    {:>3} {:<22} train {:>6}  test {:>6}",
            c.class, c.name, c.train, t
        ),
        None => writeln!(out, "    {:>3} {:<22} {:>6}", c.class, c.name, c.train),
    };
}

/// The text of `ibits data info NAME` for a vendored dataset: its path, rows (official split
/// or one table), inputs (image size and pixel range), classes with their rows, each file's
/// checksum status, licence and source.
pub fn dataset(report: &DatasetReport) -> String {
    let d = &report.dataset;
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", d.name, d.title);
    let _ = writeln!(out, "  path:      {}", report.path);
    if d.train_split.is_some() {
        let _ = writeln!(
            out,
            "  rows:      {} training + {} test (official split)",
            report.n_train, report.n_test
        );
    } else {
        let _ = writeln!(
            out,
            "  rows:      {} (one table, no official split)",
            report.n_train
        );
    }
    let _ = match d.image {
        Some((h, w)) => writeln!(
            out,
            "  inputs:    {} features ({h}x{w} images, pixel values 0..={})",
            d.features,
            d.pixel_max.unwrap_or(255.0)
        ),
        None => writeln!(out, "  inputs:    {} features", d.features),
    };
    let regression = if d.regression {
        " (or a real-valued regression target with --target regression)"
    } else {
        ""
    };
    let _ = writeln!(out, "  classes:   {}{regression}", d.classes);
    for c in &report.classes {
        class_row(&mut out, c, c.test);
    }
    let _ = writeln!(
        out,
        "  checksums: {} ({} files against SHA256SUMS)",
        report.checksum_status,
        report.checksums.len()
    );
    for s in &report.checksums {
        let status = if s.check == FileCheck::Ok {
            "ok      "
        } else {
            "MISMATCH"
        };
        let _ = writeln!(out, "    {status} {}", s.path.display());
    }
    let _ = writeln!(out, "  licence:   {}", d.licence);
    let _ = writeln!(out, "  source:    {}", d.source);
    out
}

/// The text of `ibits data info TASK` for a built task: n, N, d, k; classification or
/// regression; rows per class; how the task was made.
pub fn task(report: &TaskReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "task {} ({})", report.name, report.source);
    let _ = writeln!(
        out,
        "  n = {} training, N = {} test, d = {} inputs, k = {} outputs",
        report.n_train, report.n_test, report.input_dim, report.n_outputs
    );
    let _ = match report.kind {
        TaskKind::Classification { classes } => {
            writeln!(out, "  classification, {classes} classes (one-hot targets)")
        }
        TaskKind::Regression => writeln!(out, "  regression (real targets)"),
    };
    for c in &report.classes {
        class_row(&mut out, c, Some(c.test.unwrap_or(0)));
    }
    let _ = writeln!(out, "  made by: {}", report.description);
    out
}

/// The text of `ibits data verify`: one line per file (`ok`, `MISMATCH` with both hashes, or
/// `MISSING` with the reason), one line per dataset (`decoded` or `FAILED: why`), and a
/// summary line counting the failures.
pub fn verify(entries: &[VerifyEntry]) -> String {
    let mut out = String::new();
    for e in entries {
        for f in &e.files {
            let status = match &f.check {
                FileCheck::Ok => "ok".to_string(),
                FileCheck::Mismatch { actual } => {
                    format!("MISMATCH (SHA256SUMS {}, file {actual})", f.expected)
                }
                FileCheck::Missing { reason } => format!("MISSING ({reason})"),
            };
            let _ = writeln!(out, "{:<18} {:<8} {}", e.name, status, f.path.display());
        }
        let _ = match &e.error {
            None => writeln!(out, "{:<18} decoded", e.name),
            Some(err) => writeln!(out, "{:<18} FAILED: {err}", e.name),
        };
    }
    let failures = entries.iter().filter(|e| !e.decoded).count();
    let _ = writeln!(out, "{} datasets checked, {failures} failed", entries.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_is_listed_described_and_verified() {
        let text = list(&ListReport::new());
        assert!(text.contains("iris") && text.contains("other task sources"));
        let text = dataset(&DatasetReport::new("iris").unwrap());
        assert!(
            text.contains("setosa") && text.contains("verified"),
            "{text}"
        );
        let entries = ibits_data::verify_datasets(&["iris".to_string()]).unwrap();
        assert!(verify(&entries).contains("1 datasets checked, 0 failed"));
    }

    #[test]
    fn a_task_lists_its_classes() {
        let t = ibits_data::TaskOptions::new("iris")
            .with_sizes(20, 10)
            .load()
            .unwrap();
        let text = task(&TaskReport::new("iris", &t));
        assert!(text.starts_with("task iris (iris)"), "{text}");
        assert!(text.contains("classification, 3 classes"), "{text}");
    }
}
