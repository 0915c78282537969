//! The "Comparisons across tasks and hypothesis spaces" section: bar charts of the best
//! available bits of the cells that share n, N and a target.

use std::collections::{BTreeMap, BTreeSet};

use super::{Context, Figures, COUNTING, EXACT, FITTED};
use crate::error::ReportError;
use crate::record::CellRecord;
use crate::report::document::Block;
use crate::report::plot::{format_value, Bar, BarChart};
use crate::sweep::CellResult;

/// The cells that share a training-set size, a test-set size and a target index.
type Group<'r> = Vec<&'r CellResult<CellRecord>>;

/// The "Comparisons across tasks and hypothesis spaces" heading, a paragraph explaining the
/// bars, and one bar chart per (n, N, target) shared by two or more cells with a value
/// (drawn as `compare-NN`, numbered from 01); a paragraph saying what is needed when there is
/// none.
///
/// # Errors
/// [`ReportError::Plot`] or [`ReportError::Io`] from drawing.
pub(crate) fn section(
    ctx: &Context<'_>,
    figures: &mut Figures<'_>,
) -> Result<Vec<Block>, ReportError> {
    let mut blocks = vec![
        Block::Heading(
            2,
            "Comparisons across tasks and hypothesis spaces".into(),
        ),
        Block::Paragraph(
            "Bars from 0, or dots on a log axis where the values span more than a factor 30: the most accurate value \
             available for each cell — exact where the law is known, else fitted, else counted (colour). Whiskers: \
             the fitted or counting interval."
                .into(),
        ),
    ];
    let mut comparison_groups: BTreeMap<(usize, usize, usize), Group<'_>> = BTreeMap::new();
    for result in ctx.results {
        for t in 0..result.record.estimates.len() {
            comparison_groups
                .entry((result.record.n, result.record.test_n, t))
                .or_default()
                .push(result);
        }
    }
    let mut drawn = 0;
    for ((n, test_n, t), group) in &comparison_groups {
        if group.len() < 2 {
            continue;
        }
        let (bars, used) = bars(ctx, group, *t);
        if bars.len() < 2 {
            continue;
        }
        drawn += 1;
        let ks: BTreeSet<String> = group.iter().map(|r| r.record.k.to_string()).collect();
        let subtitle = format!(
            "n = {n}, N = {test_n}, k = {}, {}",
            ks.into_iter().collect::<Vec<_>>().join("/"),
            ctx.rule(*t)
        );
        let chart = BarChart {
            title: "Inductive bias across tasks and hypothesis spaces".into(),
            subtitle: subtitle.clone(),
            value_label: "inductive bias (bits)".into(),
            bars,
            legend: used
                .into_iter()
                .map(|(color, kind)| (color, kind.to_string()))
                .collect(),
        };
        blocks.push(figures.figure(
            &chart,
            &format!("compare-{drawn:02}"),
            format!("Comparison at {subtitle}."),
        )?);
    }
    if drawn == 0 {
        blocks.push(Block::Paragraph(
            "Needs two or more cells with the same n, N and target.".into(),
        ));
    }
    Ok(blocks)
}

/// One bar per cell of `group` that has a value at target `t`: its best bits (exact, else
/// fitted, else counted) coloured by kind, with the fitted or counting interval as whiskers;
/// and the (palette index, kind) pairs used, for the legend.
fn bars(
    ctx: &Context<'_>,
    group: &[&CellResult<CellRecord>],
    t: usize,
) -> (Vec<Bar>, BTreeSet<(usize, &'static str)>) {
    let mut bars = Vec::new();
    let mut used = BTreeSet::new();
    for result in group {
        let Some(estimate) = result.record.estimates.get(t) else {
            continue;
        };
        let Some((value, kind)) = estimate.best_bits() else {
            continue;
        };
        let (color, interval) = match kind {
            "exact" => (EXACT, None),
            "fitted" => (
                FITTED,
                estimate.fitted.and_then(|f| Some((f.lower?, f.upper?))),
            ),
            _ => (
                COUNTING,
                estimate
                    .counting
                    .and_then(|c| c.upper.map(|u| (c.lower, u))),
            ),
        };
        used.insert((color, kind));
        let eps = if estimate.eps_rule == "absolute" {
            String::new()
        } else {
            format!(" · eps = {}", format_value(estimate.eps))
        };
        bars.push(Bar {
            label: format!("{}{eps}", ctx.label(result)),
            value,
            interval,
            color,
        });
    }
    (bars, used)
}
