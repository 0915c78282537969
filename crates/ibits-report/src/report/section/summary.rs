//! The "Summary" section: a short table, one row per finished cell and target error with the
//! most accurate estimate available; and its appendix, the full table with every estimate.

use super::{header, number, with_interval, Context};
use crate::record::{CellRecord, TargetEstimate};
use crate::report::document::Block;
use crate::sweep::CellResult;

/// Columns of the short summary table; `{level}` is the intervals' coverage in percent.
const SHORT_COLUMNS: [&str; 8] = [
    "cell",
    "task",
    "hypothesis space",
    "n",
    "N",
    "eps",
    "bits [{level}% interval]",
    "method",
];

/// Columns of the full table (Appendix A).
const FULL_COLUMNS: [&str; 16] = [
    "cell",
    "task",
    "hypothesis space",
    "n",
    "N",
    "k",
    "eps",
    "eps rule",
    "exact (bits)",
    "fitted (bits) [{level}% interval]",
    "counting (bits) [interval] (hits/S)",
    "Chernoff bound (bits, ≥)",
    "paper-compatible (bits)",
    "mean error",
    "S",
    "wall (s)",
];

/// The coverage of the intervals in percent ("95"): that of the first fitted interval, else of
/// the first counting interval, else 95.
fn level_percent(ctx: &Context<'_>) -> String {
    let level = ctx
        .results
        .iter()
        .flat_map(|r| &r.record.estimates)
        .find_map(|e| e.fitted.map(|f| f.level).or(e.counting.map(|c| c.level)))
        .unwrap_or(0.95);
    format!("{}", (level * 1000.0).round() / 10.0)
}

/// `columns` with `{level}` filled in.
fn columns(ctx: &Context<'_>, columns: &[&str]) -> Vec<String> {
    let level = level_percent(ctx);
    header(columns)
        .into_iter()
        .map(|c| c.replace("{level}", &level))
        .collect()
}

/// The "Summary" heading, a paragraph saying what the table shows, and the short table: per
/// cell and target, the task, space, n, N, eps (with its rule) and the most accurate estimate
/// with its interval and method (exact, else fitted, else counting).
pub(crate) fn section(ctx: &Context<'_>) -> Vec<Block> {
    let mut rows = Vec::new();
    for result in ctx.results {
        for estimate in &result.record.estimates {
            rows.push(short_row(ctx, result, estimate));
        }
    }
    vec![
        Block::Heading(2, "Summary".into()),
        Block::Paragraph(
            "One row per cell and target error eps, with the most accurate estimate available, in bits: \
             **exact** (the generalized chi-squared law of a GP space, by Ruben's series or the saddlepoint as \
             the method column says, with its certified bracket: the true bits provably lie in it; \
             ∞ where no route certifies an upper end), else **fitted** (the scaled non-central chi-squared fitted to the \
             sampled errors, with its interval: the percentile bootstrap joined with the delta-method \
             interval), else **counting** (the fraction of sampled errors <= eps, Clopper–Pearson interval). \
             Numbers have 4 significant digits; `summary.csv` and `results.jsonl` keep full precision. \
             Appendix A has every estimate of every row (fitted and counting beside exact, the Chernoff \
             bound, the paper-compatible value, the mean error, S, k and the wall time)."
                .into(),
        ),
        Block::Table {
            header: columns(ctx, &SHORT_COLUMNS),
            rows,
        },
    ]
}

/// "0.02037 (0.2 x mean error)", or the value alone for an absolute target.
fn eps_cell(estimate: &TargetEstimate) -> String {
    if estimate.eps_rule == "absolute" || estimate.eps_rule.is_empty() {
        number(Some(estimate.eps))
    } else {
        format!("{} ({})", number(Some(estimate.eps)), estimate.eps_rule)
    }
}

/// The short summary row of one target of one cell.
fn short_row(
    ctx: &Context<'_>,
    result: &CellResult<CellRecord>,
    estimate: &TargetEstimate,
) -> Vec<String> {
    let r = &result.record;
    let (bits, method) = best(estimate);
    vec![
        result.index.to_string(),
        r.task.clone(),
        ctx.space_label(result.index).to_string(),
        r.n.to_string(),
        r.test_n.to_string(),
        eps_cell(estimate),
        bits,
        method,
    ]
}

/// The most accurate estimate with its interval, and its method: exact (with the method that
/// computed it), else fitted with its joined interval, else counting with its Clopper–Pearson
/// interval; empty when there is none (e.g. counting with no sample <= eps).
fn best(estimate: &TargetEstimate) -> (String, String) {
    if let Some(bits) = estimate.exact_bits {
        let method = match &estimate.exact_method {
            Some(m) => format!("exact ({m})"),
            None => "exact".into(),
        };
        // The certified bracket; an uncertified upper end reads ∞.
        let text = match estimate.exact_lower_bits {
            Some(lower) => with_interval(Some(bits), Some(lower), estimate.exact_upper_bits),
            None => number(Some(bits)),
        };
        return (text, method);
    }
    if let Some(f) = estimate.fitted {
        let text = if f.lower.is_some() || f.upper.is_some() {
            with_interval(Some(f.bits), f.lower, f.upper)
        } else {
            number(Some(f.bits))
        };
        return (text, "fitted".into());
    }
    match estimate.counting {
        Some(c) if c.bits.is_some() => (
            with_interval(c.bits, Some(c.lower), c.upper),
            "counting".into(),
        ),
        _ => (String::new(), String::new()),
    }
}

/// Appendix A: the full table, one row per cell and target (a cell without estimates gets a
/// row of its own): the task, space, n, N, k, eps and its rule, the exact, fitted, counting,
/// Chernoff and paper-compatible bits, the mean error, S and the wall time.
pub(crate) fn appendix(ctx: &Context<'_>) -> Vec<Block> {
    let mut rows = Vec::new();
    for result in ctx.results {
        if result.record.estimates.is_empty() {
            rows.push(full_row(ctx, result, None));
        }
        for estimate in &result.record.estimates {
            rows.push(full_row(ctx, result, Some(estimate)));
        }
    }
    vec![
        Block::Heading(3, "A. Every estimate".into()),
        Block::Paragraph(
            "Every cell and target with all its estimates, in bits (4 significant digits). Fitted: the \
             interval is the percentile bootstrap joined with the delta-method interval, and the \
             bootstrap interval alone follows where they differ. Counting: -log2 of the fraction of \
             sampled errors <= eps, its Clopper–Pearson interval and hits/S (∞ when no sample is <= eps). \
             The Chernoff bound is a lower bound on the exact bits; the paper-compatible value is what \
             the paper's published code reports, in bits and in its nats."
                .into(),
        ),
        Block::Table {
            header: columns(ctx, &FULL_COLUMNS),
            rows,
        },
    ]
}

/// The full row of one target of one cell (the estimate columns empty without an estimate).
fn full_row(
    ctx: &Context<'_>,
    result: &CellResult<CellRecord>,
    estimate: Option<&TargetEstimate>,
) -> Vec<String> {
    let r = &result.record;
    let mut row = vec![
        result.index.to_string(),
        r.task.clone(),
        ctx.space_label(result.index).to_string(),
        r.n.to_string(),
        r.test_n.to_string(),
        r.k.to_string(),
    ];
    match estimate {
        Some(estimate) => row.extend([
            number(Some(estimate.eps)),
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
        ]),
        None => row.extend(std::iter::repeat_n(String::new(), 7)),
    }
    row.extend([
        number(r.mean_error),
        match (r.samples, r.rejected) {
            (Some(s), Some(rej)) => format!("{s} ({rej} rejected)"),
            (Some(s), None) => s.to_string(),
            _ => String::new(),
        },
        format!("{:.2}", result.wall_s),
    ]);
    row
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
