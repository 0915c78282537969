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
//! ```
//! The sections, in order: Summary, Test-error distributions, Bits vs target error,
//! Comparisons across tasks and hypothesis spaces, Bits vs training-set size, Bits vs
//! intrinsic dimension, Numerical health, Warnings, Settings.
//!
//! [`build_report`] assembles them in that order; each section is built by its own module
//! (`report/section/`), and each chart kind is drawn by its own module under [`plot`].

pub mod build;
pub mod document;
pub mod plot;
mod section;

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

/// Write the report of `set` into `out_dir` (created).
///
/// # Errors
/// [`ReportError::Io`] or [`ReportError::Plot`].
pub fn write_report(
    set: &ResultSet<CellRecord>,
    out_dir: &Path,
    format: Format,
) -> Result<ReportFiles, ReportError> {
    std::fs::create_dir_all(out_dir).map_err(|e| ReportError::io(out_dir, e))?;
    let (blocks, plots) = build_report(set, out_dir)?;
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
