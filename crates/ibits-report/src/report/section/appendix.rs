//! The "Appendix" at the end of the report: what the sections before it summarise, in full —
//! A. every estimate of every cell and target (the full summary table), B. every warning with
//! its cell and target, C. the numerical health of every target.

use super::{health, summary, warnings, Context};
use crate::report::document::Block;

/// The "Appendix" heading and its parts A (every estimate), B (every warning, when there are
/// any) and C (numerical health per target, when any cell reports it).
pub(crate) fn section(ctx: &Context<'_>) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(2, "Appendix".into())];
    blocks.extend(summary::appendix(ctx));
    blocks.extend(warnings::appendix(ctx));
    blocks.extend(health::appendix(ctx));
    blocks
}
