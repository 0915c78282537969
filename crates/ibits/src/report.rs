//! Reports of experiment directories: charts (PNG and SVG) and a Markdown or self-contained
//! HTML document, from the records alone (docs/reports.md).
//!
//! ```no_run
//! use ibits::report::{Format, Report};
//! let files = Report::build("quick".as_ref())?.format(Format::Html).write("quick/report".as_ref())?;
//! println!("{}", files.document.display());
//! # Ok::<(), ibits::Error>(())
//! ```

use std::path::Path;

use ibits_report::sweep::{load_results, ResultSet};
use ibits_report::CellRecord;

pub use ibits_report::report::{Format, ReportFiles};

use crate::error::Error;

/// The records of an experiment directory, ready to be written as a report.
#[derive(Debug)]
pub struct Report {
    set: ResultSet<CellRecord>,
    format: Format,
}

impl Report {
    /// Read the records of `dir` (an experiment's output, or a merge of its shards).
    ///
    /// # Errors
    /// [`Error::Experiment`] when the directory has no manifest or its results cannot be read.
    pub fn build(dir: &Path) -> Result<Self, Error> {
        Ok(Self {
            set: load_results::<CellRecord>(dir)?,
            format: Format::Markdown,
        })
    }

    /// The same report in another document format (default Markdown).
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// The records: the manifest, the finished cells and the missing ones.
    pub fn results(&self) -> &ResultSet<CellRecord> {
        &self.set
    }

    /// Write the document and its charts into `out` (created).
    ///
    /// # Errors
    /// [`Error::Experiment`] when a file cannot be written or a chart cannot be drawn.
    pub fn write(&self, out: &Path) -> Result<ReportFiles, Error> {
        Ok(ibits_report::report::write_report(
            &self.set,
            out,
            self.format,
        )?)
    }
}
