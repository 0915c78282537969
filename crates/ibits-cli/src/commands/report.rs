//! `ibits report DIR [--format md|html] [--out REPORT_DIR]`: the report of a sweep directory —
//! charts (PNG and SVG) and a Markdown or self-contained HTML document.

use std::path::PathBuf;

use anyhow::Context;
use ibits::report::{Format, Report};
use serde::Serialize;

use crate::output::{print_json, print_text};

/// Document format of `ibits report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Markdown (`report.md`), charts linked as PNG with SVG alongside.
    Md,
    /// One self-contained HTML file (`report.html`), charts inlined as SVG.
    Html,
}

/// Arguments of `ibits report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A sweep directory (the --out of `ibits sweep` or `ibits merge`).
    pub dir: PathBuf,
    /// Document format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    /// Where to write the document and its `plots/` (default: DIR/report).
    #[arg(long, value_name = "REPORT_DIR")]
    pub out: Option<PathBuf>,
    /// Print the list of written files as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct ReportOutput {
    document: PathBuf,
    cells_finished: usize,
    cells_missing: usize,
    png: Vec<PathBuf>,
    svg: Vec<PathBuf>,
}

/// Run `ibits report`.
pub fn run(args: &ReportArgs) -> anyhow::Result<()> {
    let report =
        Report::build(&args.dir).with_context(|| format!("reading {}", args.dir.display()))?;
    let out = args.out.clone().unwrap_or_else(|| args.dir.join("report"));
    let format = match args.format {
        ReportFormat::Md => Format::Markdown,
        ReportFormat::Html => Format::Html,
    };
    let report = report.format(format);
    let files = report
        .write(&out)
        .with_context(|| format!("writing the report into {}", out.display()))?;
    let set = report.results();
    let output = ReportOutput {
        document: files.document.clone(),
        cells_finished: set.results.len(),
        cells_missing: set.missing.len(),
        png: files.plots.iter().map(|p| p.png.clone()).collect(),
        svg: files.plots.iter().map(|p| p.svg.clone()).collect(),
    };
    if args.json {
        return print_json(&output);
    }
    let mut text = format!(
        "report of {} ({} of {} cells finished): {}\n{} charts in {}\n",
        set.manifest.name,
        set.results.len(),
        set.manifest.cells.len(),
        files.document.display(),
        files.plots.len(),
        out.join("plots").display()
    );
    if !set.missing.is_empty() {
        text.push_str(&format!(
            "{} cells have no result yet: re-run `ibits sweep` with the same --out to finish them\n",
            set.missing.len()
        ));
    }
    print_text(&text)
}
