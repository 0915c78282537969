//! From a sweep's results to the report's blocks and charts.
//!
//! [`build_report`] assembles the document from its sections in order; each section is built
//! by its own module (see `report/section/`), which reads the results and draws its charts.

use std::path::Path;

use crate::error::ReportError;
use crate::record::CellRecord;
use crate::report::document::Block;
use crate::report::plot::PlotFiles;
use crate::report::section::{
    appendix, bits_vs_eps, comparisons, distributions, health, preamble, settings, summary, trends,
    warnings, Context, Figures,
};
use crate::sweep::ResultSet;

pub use crate::report::section::{MAX_CELL_FIGURES, PLOTS_DIR};

/// Build the report of `set`, drawing its charts into `out_dir/plots/`. Returns the blocks and
/// the chart files.
///
/// The sections, in order: the title and preamble, Summary, Test-error distributions, Bits vs
/// target error, Comparisons across tasks and hypothesis spaces, Bits vs training-set size,
/// Bits vs intrinsic dimension, Numerical health, Warnings, Settings, Appendix. The chart files
/// are listed in drawing order, which is document order.
///
/// # Errors
/// [`ReportError::Plot`] or [`ReportError::Io`] from drawing.
pub fn build_report(
    set: &ResultSet<CellRecord>,
    out_dir: &Path,
) -> Result<(Vec<Block>, Vec<PlotFiles>), ReportError> {
    let ctx = Context::new(set);
    let mut figures = Figures::new(out_dir);
    let mut blocks = preamble::section(&ctx);
    blocks.extend(summary::section(&ctx));
    blocks.extend(distributions::section(&ctx, &mut figures)?);
    blocks.extend(bits_vs_eps::section(&ctx, &mut figures)?);
    blocks.extend(comparisons::section(&ctx, &mut figures)?);
    blocks.extend(trends::by_training_size(&ctx, &mut figures)?);
    blocks.extend(trends::by_intrinsic_dim(&ctx, &mut figures)?);
    blocks.extend(health::section(&ctx));
    blocks.extend(warnings::section(&ctx));
    blocks.extend(settings::section(&ctx));
    blocks.extend(appendix::section(&ctx));
    Ok((blocks, figures.into_plots()))
}
