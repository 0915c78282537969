//! The "Bits vs target error" section: per cell with two or more targets, every estimate of
//! the bits against the target error.

use std::collections::BTreeSet;

use super::{Context, Figures, CHERNOFF, COUNTING, EXACT, FITTED, MAX_CELL_FIGURES, PAPER};
use crate::error::ReportError;
use crate::record::{CellRecord, TargetEstimate};
use crate::report::document::Block;
use crate::report::plot::{LineChart, Marker, Series, Stroke};
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

/// The series of one cell's chart, each estimate kind in its palette colour, in z-order (later
/// on top): the exact line thick at the bottom, the fitted line with its band and circles, the
/// paper-compatible value dotted with diamond outlines (the fitted circles stay visible inside
/// them where the two coincide), the Chernoff bound thin and dashed over the exact line, and
/// the counting squares with their whiskers on top. Kinds without any value are left out.
/// `estimates` are sorted by eps.
fn series(estimates: &[&TargetEstimate]) -> Vec<Series> {
    let points = |f: &dyn Fn(&TargetEstimate) -> Option<f64>| -> Vec<(f64, f64)> {
        estimates
            .iter()
            .filter_map(|e| f(e).map(|y| (e.eps, y)))
            .collect()
    };
    let mut series = Vec::new();
    let mut push = |label: &str,
                    points: Vec<(f64, f64)>,
                    band: Vec<(f64, f64, f64)>,
                    (stroke, width, marker): (Stroke, u32, Marker),
                    color| {
        if !points.is_empty() {
            series.push(Series {
                label: label.into(),
                points,
                band,
                stroke,
                color,
                marker,
                width,
            });
        }
    };
    push(
        "exact (generalized chi-squared law), band: certified bracket",
        points(&|e| e.exact_bits),
        estimates
            .iter()
            .filter_map(|e| Some((e.eps, e.exact_lower_bits?, e.exact_upper_bits?)))
            .collect(),
        (Stroke::Solid, 6, Marker::None),
        EXACT,
    );
    push(
        "fitted scaled ncx2 (band: interval)",
        points(&|e| e.fitted.map(|f| f.bits)),
        estimates
            .iter()
            .filter_map(|e| e.fitted.and_then(|f| Some((e.eps, f.lower?, f.upper?))))
            .collect(),
        (Stroke::Solid, 2, Marker::Circle),
        FITTED,
    );
    push(
        "paper-compatible (nats / ln 2)",
        points(&|e| e.paper_bits()),
        Vec::new(),
        (Stroke::Dotted, 3, Marker::Diamond),
        PAPER,
    );
    push(
        "Chernoff bound (bits >= this)",
        points(&|e| e.chernoff_bits),
        Vec::new(),
        (Stroke::Dashed, 2, Marker::None),
        CHERNOFF,
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
        (Stroke::Markers, 2, Marker::Square),
        COUNTING,
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
        x_integer: false,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{BitsInterval, CountingBits};

    #[test]
    fn coinciding_lines_stay_visible_by_z_order_width_dash_and_marker() {
        let estimate = |eps: f64, bits: f64| TargetEstimate {
            eps,
            eps_rule: "absolute".into(),
            exact_bits: Some(bits),
            exact_method: None,
            ruben_bits: None,
            chernoff_bits: Some(bits),
            exact_lower_bits: Some(bits),
            exact_upper_bits: Some(bits + 0.5),
            exact_bits_jitter_10x: None,
            fitted: Some(BitsInterval {
                bits,
                lower: Some(bits - 1.0),
                upper: Some(bits + 1.0),
                level: 0.95,
                bootstrap: None,
            }),
            counting: Some(CountingBits {
                hits: 10,
                samples: 1000,
                bits: Some(bits),
                lower: bits - 1.0,
                upper: Some(bits + 1.0),
                level: 0.95,
            }),
            paper_nats: Some(bits * std::f64::consts::LN_2),
            warnings: Vec::new(),
        };
        let estimates = [estimate(0.1, 20.0), estimate(0.2, 5.0)];
        let refs: Vec<&TargetEstimate> = estimates.iter().collect();
        let series = series(&refs);
        let find = |color: usize| {
            series
                .iter()
                .position(|s| s.color == color)
                .map(|i| (i, &series[i]))
                .unwrap()
        };
        let (exact_at, exact) = find(EXACT);
        let (fitted_at, fitted) = find(FITTED);
        let (paper_at, paper) = find(PAPER);
        let (chernoff_at, chernoff) = find(CHERNOFF);
        let (counting_at, counting) = find(COUNTING);
        // Every kind has its colour; the exact line is drawn first and widest, so the thin
        // dashed Chernoff bound on top of it leaves it visible.
        assert_eq!(exact_at, 0);
        assert!(exact.width >= 2 * chernoff.width.max(fitted.width));
        assert!(chernoff_at > exact_at);
        assert_eq!(chernoff.stroke, Stroke::Dashed);
        // The paper-compatible value is dotted with outline markers, over the fitted line.
        assert!(paper_at > fitted_at);
        assert_eq!(paper.stroke, Stroke::Dotted);
        assert_eq!(paper.marker, Marker::Diamond);
        assert_eq!(fitted.stroke, Stroke::Solid);
        assert_ne!(fitted.marker, Marker::None);
        // Counting markers on top of everything.
        assert_eq!(counting_at, series.len() - 1);
        assert_eq!(counting.stroke, Stroke::Markers);
        // All five strokes/markers differ pairwise.
        for (i, a) in series.iter().enumerate() {
            for b in &series[i + 1..] {
                assert!(
                    (a.stroke, a.marker, a.width) != (b.stroke, b.marker, b.width),
                    "{} and {} look alike",
                    a.label,
                    b.label
                );
            }
        }
    }
}
