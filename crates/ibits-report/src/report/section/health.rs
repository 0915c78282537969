//! The "Numerical health" section: jitter, clipped eigenvalue mass and the 10x-jitter check of
//! the cells that used the exact law, one row per cell; its appendix has one row per target.

use super::{eps_text, header, number, Context};
use crate::record::CellRecord;
use crate::report::document::Block;
use crate::sweep::CellResult;

/// Whether a cell reports anything numerical (a jitter, a clipped mass or a 10x-jitter value).
fn reports_health(r: &CellRecord) -> bool {
    r.jitter.is_some()
        || r.clipped_mass.is_some()
        || r.estimates
            .iter()
            .any(|e| e.exact_bits_jitter_10x.is_some())
}

/// (bits at 10x jitter - bits) / bits of one target, where both exist and bits != 0.
fn relative_change(exact: Option<f64>, at_10x: Option<f64>) -> Option<f64> {
    match (exact, at_10x) {
        (Some(a), Some(b)) if a != 0.0 => Some((b - a) / a),
        _ => None,
    }
}

/// The change of largest magnitude over a cell's targets.
fn largest_change(r: &CellRecord) -> Option<f64> {
    r.estimates
        .iter()
        .filter_map(|e| relative_change(e.exact_bits, e.exact_bits_jitter_10x))
        .max_by(|a, b| a.abs().total_cmp(&b.abs()))
}

/// The methods that gave a cell's exact bits, e.g. "saddlepoint" or "ruben, saddlepoint".
fn methods(r: &CellRecord) -> String {
    let mut names: Vec<&str> = r
        .estimates
        .iter()
        .filter_map(|e| e.exact_method.as_deref())
        .collect();
    names.sort_unstable();
    names.dedup();
    names.join(", ")
}

/// The cells that report numerical health.
fn cells<'a>(ctx: &Context<'a>) -> Vec<&'a CellResult<CellRecord>> {
    ctx.results
        .iter()
        .filter(|r| reports_health(&r.record))
        .collect()
}

/// "0 in all 12 cells" or "at most 1.2e-12 (cell 3)": the largest value of `value` over the
/// cells, with the cell it came from.
fn largest(
    cells: &[&CellResult<CellRecord>],
    value: impl Fn(&CellRecord) -> Option<f64>,
) -> Option<String> {
    let values: Vec<(usize, f64)> = cells
        .iter()
        .filter_map(|c| value(&c.record).map(|v| (c.index, v)))
        .collect();
    let (cell, max) = values
        .iter()
        .copied()
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))?;
    Some(if max == 0.0 {
        format!("0 in all {} cells that report it", values.len())
    } else {
        format!(
            "at most {} in magnitude (cell {cell})",
            number(Some(max.abs()))
        )
    })
}

/// The "Numerical health" heading, a paragraph saying what the columns mean and what the
/// largest clipped mass and 10x-jitter change are, and one row per cell that reports a jitter,
/// a clipped mass or a 10x-jitter value: the jitter, the clipped mass, the exact methods and
/// the largest relative change of the bits at 10x jitter; a paragraph saying there is nothing
/// to report when no cell has any.
pub(crate) fn section(ctx: &Context<'_>) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(2, "Numerical health".into())];
    let cells = cells(ctx);
    if cells.is_empty() {
        blocks.push(Block::Paragraph(
            "No cell used the exact law (no jitter, clipped mass or 10x-jitter check to report)."
                .into(),
        ));
        return blocks;
    }
    let clipped = largest(&cells, |r| r.clipped_mass)
        .map(|t| format!(" Clipped mass: {t}."))
        .unwrap_or_default();
    let change = largest(&cells, largest_change)
        .map(|t| format!(" Relative change at 10x jitter: {t}."))
        .unwrap_or_default();
    blocks.push(Block::Paragraph(format!(
        "Jitter: added to the diagonal of K_XX for the Cholesky factorization (absolute, in the kernel's \
         units). Clipped mass: the negative eigenvalues of the posterior covariance Sigma (round-off in a \
         positive semi-definite matrix) are set to 0, and their summed magnitude is given as a fraction \
         of the trace of Sigma; 0 means no eigenvalue came out negative. Change at 10x jitter: the \
         largest relative change of the exact bits over the cell's targets when the jitter is 10x larger \
         (a large change means the deep tail is set by numerical noise rather than by the data). \
         Appendix C has the values per target.{clipped}{change}"
    )));
    let rows = cells
        .iter()
        .map(|result| {
            let r = &result.record;
            vec![
                result.index.to_string(),
                r.task.clone(),
                ctx.space_label(result.index).to_string(),
                r.n.to_string(),
                r.test_n.to_string(),
                number(r.jitter),
                number(r.clipped_mass),
                methods(r),
                number(largest_change(r)),
            ]
        })
        .collect();
    blocks.push(Block::Table {
        header: header(&[
            "cell",
            "task",
            "hypothesis space",
            "n",
            "N",
            "jitter",
            "clipped mass (fraction of trace)",
            "exact method",
            "largest relative change at 10x jitter",
        ]),
        rows,
    });
    blocks
}

/// Appendix C: per target of every cell that reports numerical health, the jitter, the
/// clipped mass, the exact and Ruben bits, the bits at 10x jitter and their relative change;
/// nothing when no cell reports any.
pub(crate) fn appendix(ctx: &Context<'_>) -> Vec<Block> {
    let mut rows = Vec::new();
    for result in cells(ctx) {
        let r = &result.record;
        for estimate in &r.estimates {
            rows.push(vec![
                result.index.to_string(),
                ctx.label(result),
                r.n.to_string(),
                r.test_n.to_string(),
                eps_text(estimate),
                number(r.jitter),
                number(r.clipped_mass),
                number(estimate.exact_bits),
                number(estimate.ruben_bits),
                number(estimate.exact_bits_jitter_10x),
                number(relative_change(
                    estimate.exact_bits,
                    estimate.exact_bits_jitter_10x,
                )),
            ]);
        }
    }
    if rows.is_empty() {
        return Vec::new();
    }
    vec![
        Block::Heading(3, "C. Numerical health per target".into()),
        Block::Table {
            header: header(&[
                "cell",
                "task · hypothesis space",
                "n",
                "N",
                "target",
                "jitter",
                "clipped mass (fraction of trace)",
                "exact (bits)",
                "Ruben (bits)",
                "at 10x jitter (bits)",
                "relative change",
            ]),
            rows,
        },
    ]
}
