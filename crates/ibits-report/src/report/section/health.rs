//! The "Numerical health" section: jitter, clipped eigenvalue mass and the 10x-jitter check of
//! the cells that used the exact law.

use super::{eps_text, header, number, Context};
use crate::report::document::Block;

/// The "Numerical health" heading and, per target of every cell that reports a jitter, a
/// clipped mass or a 10x-jitter value, a row with the jitter, the clipped mass, the exact and
/// Ruben bits, the bits at 10x jitter and their relative change (%), after an explanatory
/// paragraph; a paragraph saying there is nothing to report when no cell has any.
pub(crate) fn section(ctx: &Context<'_>) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(2, "Numerical health".into())];
    let mut health = Vec::new();
    for result in ctx.results {
        let r = &result.record;
        if r.jitter.is_none()
            && r.clipped_mass.is_none()
            && r.estimates
                .iter()
                .all(|e| e.exact_bits_jitter_10x.is_none())
        {
            continue;
        }
        for estimate in &r.estimates {
            let change = match (estimate.exact_bits, estimate.exact_bits_jitter_10x) {
                (Some(a), Some(b)) if a != 0.0 => format!("{:+.2}%", 100.0 * (b - a) / a),
                _ => String::new(),
            };
            health.push(vec![
                result.index.to_string(),
                r.task.clone(),
                ctx.space_label(result.index).to_string(),
                r.n.to_string(),
                r.test_n.to_string(),
                r.k.to_string(),
                eps_text(estimate),
                number(r.jitter),
                number(r.clipped_mass),
                number(estimate.exact_bits),
                number(estimate.ruben_bits),
                number(estimate.exact_bits_jitter_10x),
                change,
            ]);
        }
    }
    if health.is_empty() {
        blocks.push(Block::Paragraph(
            "No cell used the exact law (no jitter, clipped mass or 10x-jitter check to report)."
                .into(),
        ));
    } else {
        blocks.push(Block::Paragraph(
            "Jitter added to K_XX for the Cholesky factorization (absolute, same units as the kernel), the clipped \
             negative eigenvalue mass of Sigma relative to its trace, and how much the exact bits move when the \
             jitter is 10x larger (a large change means the deep tail is set by numerical noise)."
                .into(),
        ));
        blocks.push(Block::Table {
            header: header(&[
                "cell",
                "task",
                "hypothesis space",
                "n",
                "N",
                "k",
                "target",
                "jitter",
                "clipped mass (fraction of trace)",
                "exact (bits)",
                "Ruben (bits)",
                "at 10x jitter (bits)",
                "change",
            ]),
            rows: health,
        });
    }
    blocks
}
