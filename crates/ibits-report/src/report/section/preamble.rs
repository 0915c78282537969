//! The top of the report: title, description, how many cells finished and what the numbers
//! mean, and a note on stale result lines.

use super::Context;
use crate::report::document::Block;

/// The title heading, the experiment's description (if any), the paragraph stating how many
/// grid cells finished, the experiment seed, the units, the number of outputs k (when every
/// cell has the same), the table precision and the appendix, and a paragraph counting the
/// result lines of cells no longer in the experiment (if any).
pub(crate) fn section(ctx: &Context<'_>) -> Vec<Block> {
    let set = ctx.set;
    let mut blocks = Vec::new();
    blocks.push(Block::Heading(
        1,
        format!("Inductive bias report: {}", set.manifest.name),
    ));
    if let Some(description) = &set.manifest.description {
        blocks.push(Block::Paragraph(description.clone()));
    }
    let outputs: std::collections::BTreeSet<usize> =
        ctx.results.iter().map(|r| r.record.k).collect();
    let k = match outputs.len() {
        1 => format!(
            "; every cell has k = {} outputs",
            outputs.iter().next().copied().unwrap_or(0)
        ),
        _ => "; the number of outputs k of each cell is in Appendix A and the Settings".into(),
    };
    blocks.push(Block::Paragraph(format!(
        "{} of {} grid cells finished{}; experiment seed {}. Inductive bias I(eps) = -log2 P[e(h) <= eps] is in **bits** \
         throughout (the paper-compatible value is shown in bits and, in brackets, in the nats the paper reported). \
         Test errors are mean squared errors per entry, e(h) = (1/(N k)) Σ (h_c(x_i) - y_ic)². Every row states the \
         training-set size n, the test-set size N and the target error eps{k}. Tables give numbers to 4 significant \
         digits; `summary.csv` and `results.jsonl` keep full precision. The appendix at the end has every estimate, \
         every warning and the numerical health of every target.",
        ctx.results.len(),
        set.manifest.cells.len(),
        if set.missing.is_empty() {
            String::new()
        } else {
            format!(" ({} missing: re-run `ibits sweep` to finish them)", set.missing.len())
        },
        set.manifest.seed
    )));
    if set.stale > 0 {
        blocks.push(Block::Paragraph(format!(
            "{} result line(s) belong to cells that are no longer in the experiment file and are not reported.",
            set.stale
        )));
    }
    blocks
}
