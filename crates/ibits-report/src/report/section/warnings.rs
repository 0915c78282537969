//! The "Warnings" section: every warning a cell or one of its estimates recorded.

use super::{eps_text, Context};
use crate::report::document::Block;

/// The "Warnings" heading and a list of every cell's warnings, each followed by its
/// estimates' warnings (naming the cell, its space and the target); "None." when there are
/// none.
pub(crate) fn section(ctx: &Context<'_>) -> Vec<Block> {
    let mut warnings = Vec::new();
    for result in ctx.results {
        for warning in &result.record.warnings {
            warnings.push(format!(
                "cell {} ({}): {warning}",
                result.index,
                ctx.label(result)
            ));
        }
        for estimate in &result.record.estimates {
            for warning in &estimate.warnings {
                warnings.push(format!(
                    "cell {} ({}, {}): {warning}",
                    result.index,
                    ctx.label(result),
                    eps_text(estimate)
                ));
            }
        }
    }
    vec![
        Block::Heading(2, "Warnings".into()),
        if warnings.is_empty() {
            Block::Paragraph("None.".into())
        } else {
            Block::List(warnings)
        },
    ]
}
