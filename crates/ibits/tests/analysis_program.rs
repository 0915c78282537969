//! The analysis program of docs/library.md (crates/ibits/examples/analysis.rs) runs, needs only
//! the `ibits` crate and at most three `use` lines (issue 12, "Must show").

mod analysis {
    include!("../examples/analysis.rs");
}

/// The example's source text.
const SOURCE: &str = include_str!("../examples/analysis.rs");

#[test]
fn the_analysis_program_runs_recipes_a_to_e() {
    let result = analysis::main();
    // main writes into <temp dir>/ibits-analysis-<process id>: this process's.
    let out = std::env::temp_dir().join(format!("ibits-analysis-{}", std::process::id()));
    let report = out.join("grid").join("report").join("report.md");
    let report_written = report.is_file();
    let losses_written = out.join("losses.txt").is_file();
    let _ = std::fs::remove_dir_all(&out);
    if let Err(e) = &result {
        panic!("the analysis program failed: {e}");
    }
    assert!(report_written, "no report at {}", report.display());
    assert!(losses_written, "no loss file in {}", out.display());
}

#[test]
fn the_analysis_program_needs_at_most_three_use_lines() {
    let uses: Vec<&str> = SOURCE
        .lines()
        .filter(|l| l.trim_start().starts_with("use "))
        .collect();
    assert!(uses.len() <= 3, "{} use lines: {uses:#?}", uses.len());
    assert!(
        SOURCE.lines().any(|l| l.trim() == "use ibits::prelude::*;"),
        "the program imports the prelude"
    );
}

#[test]
fn the_analysis_program_names_only_ibits_and_std_paths() {
    // Every path the program names starts with `ibits::` or `std::` (or is a prelude name), so
    // crates/ibits/Cargo.toml is the only manifest it needs: no other crate is named.
    let code: String = SOURCE
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut crates = std::collections::BTreeSet::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while let Some(at) = code[i..].find("::") {
        let end = i + at;
        let mut start = end;
        while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            start -= 1;
        }
        // The first segment of a path: not preceded by another `::`, nor inside a string.
        let first = start < 2 || &code[start - 2..start] != "::";
        if first && start < end {
            crates.insert(code[start..end].to_string());
        }
        i = end + 2;
    }
    // Segments that may start a path without naming a crate: the prelude's types (their
    // associated items) and the standard library.
    let allowed = [
        "ibits",
        "std",
        "Space",
        "Target",
        "TaskOptions",
        "KernelOptions",
        "Experiment",
        "Report",
        "EstimateOptions",
        "GpOptions",
        "FitOptions",
        "MlpSettings",
        "RunOptions",
        "Default",
        "Vec",
        "String",
        "Ok",
        "Err",
        "Some",
        "None",
        "f64",
        "u64",
        "usize",
    ];
    let unknown: Vec<&String> = crates
        .iter()
        .filter(|c| !allowed.contains(&c.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "the program names paths outside ibits:: and std::: {unknown:?}"
    );
    for line in SOURCE
        .lines()
        .filter(|l| l.trim_start().starts_with("use "))
    {
        let path = line.trim_start().trim_start_matches("use ").trim();
        assert!(
            path.starts_with("ibits::") || path.starts_with("std::"),
            "`{line}` names a crate other than ibits and std"
        );
    }
    assert!(
        !SOURCE.contains("extern crate"),
        "the program declares no other crate"
    );
}
