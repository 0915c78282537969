//! The "Bits vs target error" section: per cell with two or more targets, every estimate of
//! the bits against the target error.

use std::collections::BTreeSet;

use super::{Context, Figures, CHERNOFF, COUNTING, EXACT, FITTED, MAX_CELL_FIGURES, PAPER};
use crate::error::ReportError;
use crate::record::{CellRecord, TargetEstimate};
use crate::report::document::Block;
use crate::report::plot::{LineChart, Series, Stroke};
use crate::sweep::CellResult;

/// The "Bits vs target error" heading and, for each of the first [`MAX_CELL_FIGURES`] cells
/// with two or more targets, a chart of the exact, fitted (band: interval), counting, Chernoff
/// and paper-compatible bits against eps (drawn as `bits-vs-eps-cell-NNNN`); a paragraph
/// saying what is needed when no cell has two targets.
///
/// # Errors
/// [`ReportError::Plot`] or [`ReportError::Io`] from drawing.
pub(crate) fn section(
    ctx: &Context<'_>,
    figures: &mut Figures<'_>,
) -> Result<Vec<Block>, ReportError> {
    let mut blocks = vec![Block::Heading(2, "Bits vs target error".into())];
    let multi_target: Vec<&CellResult<CellRecord>> = ctx
        .results
        .iter()
        .filter(|r| r.record.estimates.len() >= 2)
        .collect();
    if multi_target.is_empty() {
        blocks.push(Block::Paragraph(
            "Needs two or more target errors per cell (grid.eps / grid.eps_relative).".into(),
        ));
    }
    for result in multi_target.iter().take(MAX_CELL_FIGURES) {
        if let Some(block) = chart(ctx, figures, result)? {
            blocks.push(block);
        }
    }
    Ok(blocks)
}

/// The series of one cell's chart, each estimate kind in its palette colour; kinds without
/// any value are left out. `estimates` are sorted by eps.
fn series(estimates: &[&TargetEstimate]) -> Vec<Series> {
    let points = |f: &dyn Fn(&TargetEstimate) -> Option<f64>| -> Vec<(f64, f64)> {
        estimates
            .iter()
            .filter_map(|e| f(e).map(|y| (e.eps, y)))
            .collect()
    };
    let mut series = Vec::new();
    let mut push =
        |label: &str, points: Vec<(f64, f64)>, band: Vec<(f64, f64, f64)>, stroke, color| {
            if !points.is_empty() {
                series.push(Series {
                    label: label.into(),
                    points,
                    band,
                    stroke,
                    color,
                });
            }
        };
    push(
        "exact (generalized chi-squared law)",
        points(&|e| e.exact_bits),
        Vec::new(),
        Stroke::Solid,
        EXACT,
    );
    push(
        "fitted scaled ncx2 (band: interval)",
        points(&|e| e.fitted.map(|f| f.bits)),
        estimates
            .iter()
            .filter_map(|e| e.fitted.and_then(|f| Some((e.eps, f.lower?, f.upper?))))
            .collect(),
        Stroke::Solid,
        FITTED,
    );
    push(
        "counting (Clopper-Pearson interval)",
        points(&|e| e.counting.and_then(|c| c.bits)),
        estimates
            .iter()
            .filter_map(|e| {
                e.counting
                    .and_then(|c| c.bits.and(c.upper).map(|u| (e.eps, c.lower, u)))
            })
            .collect(),
        Stroke::Markers,
        COUNTING,
    );
    push(
        "Chernoff bound (bits >= this)",
        points(&|e| e.chernoff_bits),
        Vec::new(),
        Stroke::Dashed,
        CHERNOFF,
    );
    push(
        "paper-compatible (nats / ln 2)",
        points(&|e| e.paper_bits()),
        Vec::new(),
        Stroke::Dashed,
        PAPER,
    );
    series
}

/// The bits-vs-eps figure of one cell (log axes where the values span a wide range); `None`
/// when no estimate has a value.
///
/// # Errors
/// [`ReportError::Plot`] or [`ReportError::Io`] from drawing.
fn chart(
    ctx: &Context<'_>,
    figures: &mut Figures<'_>,
    result: &CellResult<CellRecord>,
) -> Result<Option<Block>, ReportError> {
    let r = &result.record;
    let mut estimates: Vec<&TargetEstimate> = r.estimates.iter().collect();
    estimates.sort_by(|a, b| a.eps.total_cmp(&b.eps));
    let series = series(&estimates);
    if series.is_empty() {
        return Ok(None);
    }
    let all_y = series.iter().flat_map(|s| {
        s.points
            .iter()
            .map(|p| p.1)
            .chain(s.band.iter().flat_map(|b| [b.1, b.2]))
    });
    let y_log = LineChart::wide_range(all_y);
    let x_log = LineChart::wide_range(estimates.iter().map(|e| e.eps));
    let subtitle = format!(
        "n = {}, N = {}, k = {}, eps from {}; seed {}",
        r.n,
        r.test_n,
        r.k,
        estimates
            .iter()
            .map(|e| e.eps_rule.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
            .join(", "),
        r.seed
    );
    let chart = LineChart {
        title: format!("Bits vs target error: {}", ctx.label(result)),
        subtitle: subtitle.clone(),
        x_label: "target error eps (mean squared error per entry)".into(),
        y_label: "inductive bias (bits)".into(),
        x_log,
        y_log,
        series,
    };
    figures
        .figure(
            &chart,
            &format!("bits-vs-eps-cell-{:04}", result.index),
            format!("Cell {}: {}; {subtitle}.", result.index, ctx.label(result)),
        )
        .map(Some)
}
