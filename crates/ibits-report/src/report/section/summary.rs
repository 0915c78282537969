//! The "Summary" section: one table row per finished cell and target error.

use super::{header, number, with_interval, Context};
use crate::record::{CellRecord, TargetEstimate};
use crate::report::document::Block;
use crate::report::plot::format_value;
use crate::sweep::CellResult;

/// The "Summary" heading and table: per cell and target, the cell's task, space, n, N, k, the
/// target, the exact, fitted, counting, Chernoff and paper-compatible bits, the mean error,
/// the number of samples and the wall time.
pub(crate) fn section(ctx: &Context<'_>) -> Vec<Block> {
    let mut rows = Vec::new();
    for result in ctx.results {
        for estimate in &result.record.estimates {
            rows.push(row(ctx, result, estimate));
        }
    }
    vec![
        Block::Heading(2, "Summary".into()),
        Block::Table {
            header: header(&[
                "cell",
                "task",
                "hypothesis space",
                "n",
                "N",
                "k",
                "eps",
                "eps rule",
                "exact (bits)",
                "fitted (bits) [95% interval]",
                "counting (bits) [interval] (hits/S)",
                "Chernoff bound (bits, ≥)",
                "paper-compatible (bits)",
                "mean error",
                "S",
                "wall (s)",
            ]),
            rows,
        },
    ]
}

/// The summary row of one target of one cell.
fn row(
    ctx: &Context<'_>,
    result: &CellResult<CellRecord>,
    estimate: &TargetEstimate,
) -> Vec<String> {
    let r = &result.record;
    vec![
        result.index.to_string(),
        r.task.clone(),
        ctx.space_label(result.index).to_string(),
        r.n.to_string(),
        r.test_n.to_string(),
        r.k.to_string(),
        format_value(estimate.eps),
        estimate.eps_rule.clone(),
        match (&estimate.exact_bits, &estimate.exact_method) {
            (Some(b), Some(m)) => format!("{} ({m})", number(Some(*b))),
            (b, _) => number(*b),
        },
        fitted(estimate),
        estimate
            .counting
            .map(|c| {
                format!(
                    "{} ({}/{})",
                    with_interval(c.bits, Some(c.lower), c.upper),
                    c.hits,
                    c.samples
                )
            })
            .unwrap_or_default(),
        number(estimate.chernoff_bits),
        match (estimate.paper_bits(), estimate.paper_nats) {
            (Some(b), Some(n)) => format!("{} ({} nats)", number(Some(b)), number(Some(n))),
            _ => String::new(),
        },
        number(r.mean_error),
        match (r.samples, r.rejected) {
            (Some(s), Some(rej)) => format!("{s} ({rej} rejected)"),
            (Some(s), None) => s.to_string(),
            _ => String::new(),
        },
        format!("{:.2}", result.wall_s),
    ]
}

/// The fitted-bits cell: the bits with their interval, and the bootstrap interval too where
/// it differs (where the delta method widened the interval); "" without a fit.
fn fitted(estimate: &TargetEstimate) -> String {
    match estimate.fitted {
        Some(f) if f.lower.is_some() => {
            let joined = with_interval(Some(f.bits), f.lower, f.upper);
            match f.bootstrap {
                // Where the delta method widened the interval, show the bootstrap's.
                Some((lo, hi)) if (Some(lo), Some(hi)) != (f.lower, f.upper) => {
                    format!(
                        "{joined} (bootstrap [{}, {}])",
                        number(Some(lo)),
                        number(Some(hi))
                    )
                }
                _ => joined,
            }
        }
        Some(f) => number(Some(f.bits)),
        None => String::new(),
    }
}
