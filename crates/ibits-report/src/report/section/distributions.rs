//! The "Test-error distributions" section: a histogram of each cell's sampled test errors with
//! the exact and fitted densities and the target errors.

use super::{Context, Figures, MAX_CELL_FIGURES};
use crate::error::ReportError;
use crate::record::CellRecord;
use crate::report::document::Block;
use crate::report::plot::{format_value, Histogram};
use crate::sweep::CellResult;

/// The "Test-error distributions" heading, an explanatory paragraph (or one saying no cell has
/// a distribution), the histogram of each of the first [`MAX_CELL_FIGURES`] cells that
/// recorded test errors or a density (drawn as `hist-cell-NNNN`), and a note counting the
/// cells left undrawn.
///
/// # Errors
/// [`ReportError::Plot`] or [`ReportError::Io`] from drawing.
pub(crate) fn section(
    ctx: &Context<'_>,
    figures: &mut Figures<'_>,
) -> Result<Vec<Block>, ReportError> {
    let mut blocks = vec![Block::Heading(2, "Test-error distributions".into())];
    let with_distribution: Vec<&CellResult<CellRecord>> = ctx
        .results
        .iter()
        .filter(|r| {
            r.record.distribution.as_ref().is_some_and(|d| {
                !d.test_errors.is_empty() || d.exact_density.is_some() || d.fitted_density.is_some()
            })
        })
        .collect();
    if with_distribution.is_empty() {
        blocks.push(Block::Paragraph(
            "No cell recorded sampled test errors or a density.".into(),
        ));
    } else {
        blocks.push(Block::Paragraph(
            "Above: the histogram of the test errors of the sampled hypotheses (as a density) over their range, \
             the exact density of the Gaussian-process law where there is one, and the fitted scaled non-central \
             chi-squared density. Below: both densities on a log scale from the smallest target error to the bulk, \
             the sampled errors as ticks along the bottom, and the target errors (dashed)."
                .into(),
        ));
    }
    for result in with_distribution.iter().take(MAX_CELL_FIGURES) {
        if let Some(block) = histogram(ctx, figures, result)? {
            blocks.push(block);
        }
    }
    if with_distribution.len() > MAX_CELL_FIGURES {
        blocks.push(Block::Paragraph(format!(
            "{} more cells have distributions; only the first {MAX_CELL_FIGURES} are drawn.",
            with_distribution.len() - MAX_CELL_FIGURES
        )));
    }
    Ok(blocks)
}

/// The histogram figure of one cell, captioned with what it was computed from and the fitted
/// law; `None` when the cell has no distribution.
///
/// # Errors
/// [`ReportError::Plot`] or [`ReportError::Io`] from drawing.
fn histogram(
    ctx: &Context<'_>,
    figures: &mut Figures<'_>,
    result: &CellResult<CellRecord>,
) -> Result<Option<Block>, ReportError> {
    let r = &result.record;
    let Some(distribution) = &r.distribution else {
        return Ok(None);
    };
    let targets: Vec<(f64, String)> = r
        .estimates
        .iter()
        .map(|e| (e.eps, format!("eps = {}", format_value(e.eps))))
        .collect();
    let subtitle = format!(
        "n = {}, N = {}, k = {}, S = {}, targets {}; seed {}",
        r.n,
        r.test_n,
        r.k,
        distribution.test_errors.len(),
        targets
            .iter()
            .map(|t| t.1.clone())
            .collect::<Vec<_>>()
            .join(", "),
        r.seed
    );
    let chart = Histogram {
        title: format!("Test errors: {}", ctx.label(result)),
        subtitle: subtitle.clone(),
        errors: distribution.test_errors.clone(),
        exact_density: distribution.exact_density.clone(),
        fitted_density: distribution.fitted_density.clone(),
        exact_log_density: distribution.exact_log_density.clone(),
        fitted_log_density: distribution.fitted_log_density.clone(),
        targets,
    };
    let mut caption = format!("Cell {}: {}; {subtitle}.", result.index, ctx.label(result));
    if let Some(law) = distribution.fitted_law {
        caption.push_str(&format!(
            " Fitted law {} · ncx2(dof = {}, noncentrality = {}).",
            format_value(law.scale),
            format_value(law.dof),
            format_value(law.noncentrality)
        ));
    }
    figures
        .figure(&chart, &format!("hist-cell-{:04}", result.index), caption)
        .map(Some)
}
