//! The report of a sweep directory: charts (PNG and SVG) and a Markdown or self-contained
//! HTML document.
//!
//! ```text
//! OUT/report.md | OUT/report.html
//! OUT/plots/hist-cell-NNNN.{png,svg}        test-error histogram, exact and fitted densities
//! OUT/plots/bits-vs-eps-cell-NNNN.{png,svg} exact, fitted (band), counting, Chernoff, paper
//! OUT/plots/compare-NN.{png,svg}            bars across tasks and hypothesis spaces
//! OUT/plots/bits-vs-n-NN.{png,svg}          bits against the training-set size
//! OUT/plots/bits-vs-dim-NN.{png,svg}        bits against the intrinsic dimension
//! OUT/plots/charts.txt                      the charts this report wrote, one name a line
//! ```
//! Re-running a report into the same folder replaces its charts; charts the previous report
//! wrote (as its `charts.txt` lists them) that this one does not write are removed (a smaller
//! grid, fewer targets). Nothing else in the folder is touched: a file the list does not name,
//! or a name in it that is not a plain `.png` or `.svg` file name, is left alone.
//! The sections, in order: Summary, Test-error distributions, Bits vs target error,
//! Comparisons across tasks and hypothesis spaces, Bits vs training-set size, Bits vs
//! intrinsic dimension, Numerical health, Warnings, Settings, Appendix (every estimate, every
//! warning, numerical health per target).
//!
//! [`build_report`] assembles them in that order; each section is built by its own module
//! (`report/section/`), and each chart kind is drawn by its own module under [`plot`].

pub mod build;
pub mod document;
pub mod plot;
mod section;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use build::build_report;
pub use document::{to_html, to_markdown, Block};
pub use plot::{register_bundled_font, render, PlotFiles};

use crate::error::ReportError;
use crate::record::CellRecord;
use crate::sweep::store::write_atomic;
use crate::sweep::ResultSet;

/// Output format of the report document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `report.md`, charts linked as PNG (SVG alongside).
    Markdown,
    /// `report.html`, one self-contained file with the charts inlined as SVG.
    Html,
}

/// What [`write_report`] wrote.
#[derive(Debug, Clone)]
pub struct ReportFiles {
    /// The document.
    pub document: PathBuf,
    /// Every chart.
    pub plots: Vec<PlotFiles>,
}

/// File in the plots folder listing the charts the last report wrote there.
pub const CHARTS_FILE: &str = "charts.txt";

/// First line of [`CHARTS_FILE`].
const CHARTS_HEADER: &str = "# written by ibits report: the charts of the last report in this folder; the next report removes those it does not write again";

/// Write the report of `set` into `out_dir` (created), removing the charts of the previous
/// report there that this one does not write (see the module documentation).
///
/// # Errors
/// [`ReportError::Io`] or [`ReportError::Plot`].
pub fn write_report(
    set: &ResultSet<CellRecord>,
    out_dir: &Path,
    format: Format,
) -> Result<ReportFiles, ReportError> {
    std::fs::create_dir_all(out_dir).map_err(|e| ReportError::io(out_dir, e))?;
    let plots_dir = out_dir.join(section::PLOTS_DIR);
    let previous = read_charts(&plots_dir)?;
    let (blocks, plots) = build_report(set, out_dir)?;
    let written: BTreeSet<String> = plots
        .iter()
        .flat_map(|p| [&p.png, &p.svg])
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    // Remove the stale charts before recording the new list, so that a failure in between
    // leaves them listed for the next report to remove.
    for stale in previous.difference(&written) {
        let path = plots_dir.join(stale);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(ReportError::io(path, e)),
        }
    }
    if !written.is_empty() || !previous.is_empty() {
        std::fs::create_dir_all(&plots_dir).map_err(|e| ReportError::io(&plots_dir, e))?;
        let mut list = String::from(CHARTS_HEADER);
        list.push('\n');
        for name in &written {
            list.push_str(name);
            list.push('\n');
        }
        write_atomic(&plots_dir.join(CHARTS_FILE), list.as_bytes())?;
    }
    let (name, text) = match format {
        Format::Markdown => ("report.md", to_markdown(&blocks)),
        Format::Html => (
            "report.html",
            to_html(
                &blocks,
                &format!("ibits report: {}", set.manifest.name),
                out_dir,
            )?,
        ),
    };
    let document = out_dir.join(name);
    write_atomic(&document, text.as_bytes())?;
    Ok(ReportFiles { document, plots })
}

/// The chart names listed in `plots_dir/charts.txt` (none when there is no such file). Only
/// plain `.png` and `.svg` file names count: anything else in the file is ignored, so a hand-
/// edited or foreign list can never make the report remove a file outside its charts.
///
/// # Errors
/// [`ReportError::Io`] when the list exists but cannot be read.
fn read_charts(plots_dir: &Path) -> Result<BTreeSet<String>, ReportError> {
    let path = plots_dir.join(CHARTS_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(ReportError::io(path, e)),
    };
    Ok(text
        .lines()
        .map(str::trim_end)
        .filter(|name| is_chart_name(name))
        .map(str::to_string)
        .collect())
}

/// A plain file name of a chart: `[A-Za-z0-9_.-]+` ending in `.png` or `.svg`, not starting
/// with `.`.
fn is_chart_name(name: &str) -> bool {
    !name.starts_with('.')
        && (name.ends_with(".png") || name.ends_with(".svg"))
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}
