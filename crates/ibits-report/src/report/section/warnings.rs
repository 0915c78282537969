//! The "Warnings" section: every warning a cell or one of its estimates recorded, grouped by
//! kind, and its appendix listing each warning with its cell and target.
//!
//! A kind is a category (`data`, `numerical`, `sampling`, `fit`, else `other`) and what
//! happened (the message up to its first `:` or `;`, numbers left out): "fit: poorly
//! identified fit", "fit: no sample is <= eps". Each kind is one line: how many warnings, in
//! which cells, and the message, where the numbers that differ between its warnings are shown
//! as "…" (docs/reports.md, section 8).
//!
//! Records carry warnings as text (`CellRecord::warnings`, `TargetEstimate::warnings`); the
//! `ibits` producer prefixes a warning about one target with it (`fitted path at eps = 2.0370e-2:
//! `, `eps = 0.254142: `, `at eps = 1.2345e-2 `). The prefix is read back to find the target and
//! is left out of the grouped message.

use std::collections::BTreeSet;

use super::{eps_text, header, pieces, short_number, shortened, Context, Piece};
use crate::record::CellRecord;
use crate::report::document::Block;
use crate::sweep::CellResult;

/// Categories in the order the section lists them.
const CATEGORIES: [&str; 5] = ["data", "numerical", "sampling", "fit", "other"];

/// One warning of one cell.
struct Occurrence<'a> {
    /// The cell.
    result: &'a CellResult<CellRecord>,
    /// Index of the target it concerns in `result.record.estimates`, if one.
    target: Option<usize>,
    /// `data`, `numerical`, `sampling`, `fit` or `other`.
    category: &'static str,
    /// The message without its target prefix.
    message: &'a str,
}

/// Every warning of every finished cell, in grid order: the cell's own warnings, then its
/// estimates' warnings.
fn occurrences<'a>(ctx: &Context<'a>) -> Vec<Occurrence<'a>> {
    let mut out = Vec::new();
    for result in ctx.results {
        let record = &result.record;
        for warning in &record.warnings {
            let (eps, message) = strip_target(warning);
            out.push(Occurrence {
                result,
                target: eps.and_then(|eps| target_of(record, eps)),
                category: category(warning),
                message,
            });
        }
        for (t, estimate) in record.estimates.iter().enumerate() {
            for warning in &estimate.warnings {
                let (_, message) = strip_target(warning);
                out.push(Occurrence {
                    result,
                    target: Some(t),
                    category: category(warning),
                    message,
                });
            }
        }
    }
    out
}

/// The target eps a warning names in its prefix and the message without it.
fn strip_target(warning: &str) -> (Option<f64>, &str) {
    for (prefix, end) in [
        ("fitted path at eps = ", ':'),
        ("eps = ", ':'),
        ("at eps = ", ' '),
    ] {
        if let Some(rest) = warning.strip_prefix(prefix) {
            if let Some((value, message)) = rest.split_once(end) {
                if let Ok(eps) = value.trim().parse::<f64>() {
                    return (Some(eps), message.trim_start());
                }
            }
        }
    }
    (None, warning)
}

/// The index of the estimate whose eps is `eps` (as printed in a warning: 4 to 6 digits).
fn target_of(record: &CellRecord, eps: f64) -> Option<usize> {
    record
        .estimates
        .iter()
        .enumerate()
        .map(|(t, e)| (t, (e.eps - eps).abs()))
        .filter(|&(_, d)| d <= (1e-3 * eps.abs()).max(1e-6))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(t, _)| t)
}

/// The category of a warning from its text (records keep the message, not the kind).
fn category(warning: &str) -> &'static str {
    let has = |words: &[&str]| words.iter().any(|w| warning.contains(w));
    if warning.starts_with("fitted path at eps") || warning.starts_with("eps = ") {
        "fit"
    } else if has(&["did not fit the training set"]) {
        "sampling"
    } else if has(&[
        "jitter",
        "K_XX",
        "eigenvalue",
        "exact bits",
        "ill-conditioned",
    ]) {
        "numerical"
    } else if has(&["training rows", "subset rule"]) {
        "data"
    } else if has(&["fit", "bootstrap", "sample is <= eps", "count"]) {
        "fit"
    } else {
        "other"
    }
}

/// `text` with every number replaced by "…".
fn masked(text: &str) -> String {
    pieces(text)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t,
            Piece::Number(_) => "…".to_string(),
        })
        .collect()
}

/// What happened: the message up to its first `:` or `;` outside brackets.
fn headline(message: &str) -> &str {
    let mut depth = 0i32;
    for (i, c) in message.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ':' | ';' if depth <= 0 => return &message[..i],
            _ => {}
        }
    }
    message
}

/// One message for the warnings of a kind: their common text, with each number that differs
/// between them shown as "…"; where the texts differ beyond their numbers, the headline and a
/// pointer to the appendix.
fn merged(messages: &[&str]) -> String {
    let split: Vec<Vec<Piece>> = messages.iter().map(|m| pieces(m)).collect();
    let Some(first) = split.first() else {
        return String::new();
    };
    let same_shape = split.iter().all(|p| {
        p.len() == first.len()
            && p.iter().zip(first).all(|pair| match pair {
                (Piece::Text(a), Piece::Text(b)) => a == b,
                (Piece::Number(_), Piece::Number(_)) => true,
                _ => false,
            })
    });
    if !same_shape {
        return format!(
            "{} (the messages differ; Appendix B lists each)",
            masked(headline(messages[0]))
        );
    }
    first
        .iter()
        .enumerate()
        .map(|(i, piece)| match piece {
            Piece::Text(t) => t.clone(),
            Piece::Number(n) => {
                if split.iter().all(|p| p[i] == Piece::Number(n.clone())) {
                    short_number(n)
                } else {
                    "…".to_string()
                }
            }
        })
        .collect()
}

/// Cell indices as ranges: "cell 3", "cells 0–11", "cells 0, 2, 4–7".
pub(crate) fn cell_ranges(indices: &BTreeSet<usize>) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &i in indices {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == i => *end = i,
            _ => runs.push((i, i)),
        }
    }
    let text: Vec<String> = runs
        .iter()
        .map(|&(a, b)| match b - a {
            0 => a.to_string(),
            1 => format!("{a}, {b}"),
            _ => format!("{a}–{b}"),
        })
        .collect();
    let noun = if indices.len() == 1 { "cell" } else { "cells" };
    format!("{noun} {}", text.join(", "))
}

/// The warnings of one kind.
struct Group<'a> {
    category: &'static str,
    headline: String,
    members: Vec<&'a Occurrence<'a>>,
}

/// The kinds of warnings, in category order, then most frequent first, then first seen.
fn groups<'a>(all: &'a [Occurrence<'a>]) -> Vec<Group<'a>> {
    let mut groups: Vec<Group<'a>> = Vec::new();
    for occurrence in all {
        let key = masked(headline(occurrence.message)).trim().to_string();
        match groups
            .iter_mut()
            .find(|g| g.category == occurrence.category && g.headline == key)
        {
            Some(group) => group.members.push(occurrence),
            None => groups.push(Group {
                category: occurrence.category,
                headline: key,
                members: vec![occurrence],
            }),
        }
    }
    let rank = |c: &str| {
        CATEGORIES
            .iter()
            .position(|&k| k == c)
            .unwrap_or(usize::MAX)
    };
    // A stable sort keeps first-seen order among equals.
    groups.sort_by(|a, b| {
        rank(a.category)
            .cmp(&rank(b.category))
            .then(b.members.len().cmp(&a.members.len()))
    });
    groups
}

/// The "Warnings" heading, a paragraph counting them, and one list line per kind of warning:
/// its category, how many, in which cells, and the merged message; "None." when there are
/// none.
pub(crate) fn section(ctx: &Context<'_>) -> Vec<Block> {
    let all = occurrences(ctx);
    let mut blocks = vec![Block::Heading(2, "Warnings".into())];
    if all.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
        return blocks;
    }
    let groups = groups(&all);
    let cells: BTreeSet<usize> = all.iter().map(|o| o.result.index).collect();
    blocks.push(Block::Paragraph(format!(
        "{} warning{} in {} of {} finished cells, of {} kind{}. Each line is one kind: its category \
         (data, numerical, sampling or fit), how many warnings of that kind were raised and in which \
         cells, and the message, with the numbers that differ between them shown as “…”. \
         Appendix B lists every warning with its cell, target and numbers.",
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        cells.len(),
        ctx.results.len(),
        groups.len(),
        if groups.len() == 1 { "" } else { "s" },
    )));
    let lines = groups
        .iter()
        .map(|group| {
            let count = group.members.len();
            let cells: BTreeSet<usize> = group.members.iter().map(|o| o.result.index).collect();
            let messages: Vec<&str> = group.members.iter().map(|o| o.message).collect();
            format!(
                "**{}** ({count} warning{}, {}): {}",
                group.category,
                if count == 1 { "" } else { "s" },
                cell_ranges(&cells),
                merged(&messages)
            )
        })
        .collect();
    blocks.push(Block::List(lines));
    blocks
}

/// Appendix B: every warning with its cell, task and space, target and category, numbers to
/// four significant digits where the message carried full precision; nothing when there are
/// no warnings.
pub(crate) fn appendix(ctx: &Context<'_>) -> Vec<Block> {
    let all = occurrences(ctx);
    if all.is_empty() {
        return Vec::new();
    }
    let rows = all
        .iter()
        .map(|o| {
            vec![
                o.result.index.to_string(),
                ctx.label(o.result),
                o.target
                    .and_then(|t| o.result.record.estimates.get(t))
                    .map(eps_text)
                    .unwrap_or_else(|| "the cell".into()),
                o.category.to_string(),
                shortened(o.message),
            ]
        })
        .collect();
    vec![
        Block::Heading(3, "B. Warnings by cell".into()),
        Block::Paragraph(
            "Every warning of every cell, in grid order, with the target it concerns (“the cell” for a \
             warning about the whole cell)."
                .into(),
        ),
        Block::Table {
            header: header(&["cell", "task · hypothesis space", "target", "category", "warning"]),
            rows,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_found_outside_words() {
        assert_eq!(
            pieces("log2 of 1.5e-3 at K_XX, -2 and 10x"),
            vec![
                Piece::Text("log2 of ".into()),
                Piece::Number("1.5e-3".into()),
                Piece::Text(" at K_XX, ".into()),
                Piece::Number("-2".into()),
                Piece::Text(" and ".into()),
                Piece::Number("10".into()),
                Piece::Text("x".into()),
            ]
        );
    }

    #[test]
    fn merged_messages_keep_common_numbers_and_mask_the_others() {
        let merged = merged(&[
            "bits at eps = 0.020369799074115024 range from 3.5 to 4.5 within 2 nats",
            "bits at eps = 0.0509 range from 1.5 to 4.5 within 2 nats",
        ]);
        assert_eq!(merged, "bits at eps = … range from … to 4.5 within 2 nats");
    }

    #[test]
    fn target_prefixes_are_read_and_removed() {
        assert_eq!(
            strip_target("fitted path at eps = 2.0370e-2: no sample is <= eps"),
            (Some(2.037e-2), "no sample is <= eps")
        );
        assert_eq!(
            strip_target("eps = 0.254142: the fit lies on the boundary"),
            (Some(0.254142), "the fit lies on the boundary")
        );
        assert_eq!(
            strip_target("at eps = 1.5000e-1 the bits move"),
            (Some(0.15), "the bits move")
        );
        assert_eq!(strip_target("example warning"), (None, "example warning"));
    }

    #[test]
    fn full_precision_numbers_are_shortened() {
        assert_eq!(
            shortened("at eps = 0.020369799074115024 range from 3650.5982"),
            "at eps = 0.02037 range from 3650.5982"
        );
    }

    #[test]
    fn cell_ranges_compress_runs() {
        let set = |v: &[usize]| v.iter().copied().collect::<BTreeSet<usize>>();
        assert_eq!(cell_ranges(&set(&[3])), "cell 3");
        assert_eq!(cell_ranges(&set(&[0, 1, 2, 3])), "cells 0–3");
        assert_eq!(cell_ranges(&set(&[0, 2, 3, 5, 6, 7])), "cells 0, 2, 3, 5–7");
    }

    #[test]
    fn categories_follow_the_producers_messages() {
        assert_eq!(
            category("fitted path at eps = 1e-2: poorly identified fit"),
            "fit"
        );
        assert_eq!(category("eps = 0.25: no sample is <= eps"), "fit");
        assert_eq!(
            category("3 of 40 hypotheses did not fit the training set (training error > 0.01)"),
            "sampling"
        );
        assert_eq!(
            category("jitter 1.00e-4 x mean diagonal was needed to factorize K_XX"),
            "numerical"
        );
        assert_eq!(
            category("at eps = 1.0e-2 the bits move from 5 to 6 with 10x jitter"),
            "numerical"
        );
        assert_eq!(
            category("classes [2] have no training rows (the file may be sorted by class)"),
            "data"
        );
        assert_eq!(category("example warning"), "other");
    }
}
