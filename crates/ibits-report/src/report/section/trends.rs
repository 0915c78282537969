//! The "Bits vs training-set size" and "Bits vs intrinsic dimension" sections: the best
//! available bits of each task and space against n, and against the intrinsic dimension of
//! synthetic tasks.

use std::collections::{BTreeMap, BTreeSet};

use super::{Context, Figures};
use crate::error::ReportError;
use crate::record::CellRecord;
use crate::report::document::Block;
use crate::report::plot::{LineChart, Series, Stroke, MARKER_CYCLE, PALETTE};

/// (x, bits, interval of the bits) of one point of a trend.
type TrendPoint = (f64, f64, Option<(f64, f64)>);

/// One chart per (target, group key): series of bits against `x`.
struct Trend {
    key: String,
    target: String,
    series: BTreeMap<String, Vec<TrendPoint>>,
    ks: BTreeSet<usize>,
}

/// What a trend section draws: its heading (also the chart titles), the chart file stem, the
/// x-axis label and the paragraph shown when there is nothing to draw.
struct TrendSection<'s> {
    title: &'s str,
    stem: &'s str,
    x_label: &'s str,
    empty: &'s str,
}

/// The "Bits vs training-set size" heading and one chart per (target, test-set size) with a
/// line per task and space that has two or more n (drawn as `bits-vs-n-NN`); a paragraph
/// saying what is needed when there is none.
///
/// # Errors
/// [`ReportError::Plot`] or [`ReportError::Io`] from drawing.
pub(crate) fn by_training_size(
    ctx: &Context<'_>,
    figures: &mut Figures<'_>,
) -> Result<Vec<Block>, ReportError> {
    let trends = trend_charts(
        ctx,
        |r| Some(r.n as f64),
        |r, l| format!("{} · {l}", r.task),
        |r| format!("N = {}", r.test_n),
    );
    emit_trends(
        figures,
        trends,
        &TrendSection {
            title: "Bits vs training-set size",
            stem: "bits-vs-n",
            x_label: "training-set size n (points)",
            empty: "Needs two or more training-set sizes (grid.n) for one task and space.",
        },
    )
}

/// The "Bits vs intrinsic dimension" heading and one chart per (target, test-set size) with a
/// line per task family, space and n that has two or more intrinsic dimensions (drawn as
/// `bits-vs-dim-NN`); a paragraph saying what is needed when there is none. Tasks that differ
/// in more than their intrinsic dimension (data seed, ambient dimension) are separate lines.
///
/// # Errors
/// [`ReportError::Plot`] or [`ReportError::Io`] from drawing.
pub(crate) fn by_intrinsic_dim(
    ctx: &Context<'_>,
    figures: &mut Figures<'_>,
) -> Result<Vec<Block>, ReportError> {
    let families: BTreeSet<String> = ctx
        .results
        .iter()
        .filter(|r| r.record.intrinsic_dim.is_some())
        .map(|r| task_family(&r.record.task))
        .collect();
    let trends = trend_charts(
        ctx,
        |r| r.intrinsic_dim,
        |r, l| {
            if families.len() > 1 {
                format!("{} · {l}, n = {}", task_family(&r.task), r.n)
            } else {
                format!("{l}, n = {}", r.n)
            }
        },
        |r| format!("N = {}", r.test_n),
    );
    emit_trends(
        figures,
        trends,
        &TrendSection {
            title: "Bits vs intrinsic dimension",
            stem: "bits-vs-dim",
            x_label: "intrinsic dimension of the synthetic task (dimensions)",
            empty: "Needs synthetic tasks of two or more intrinsic dimensions.",
        },
    )
}

/// A synthetic task's name without its intrinsic dimension (a `m=`, `dim=` or `intrinsic_dim=`
/// component): `synthetic(m=4,D=64,k=2,data_seed=1)` becomes `synthetic(D=64,k=2,data_seed=1)`
/// and `synthetic:dim=2` becomes `synthetic:`; other names are returned as they are.
fn task_family(task: &str) -> String {
    let mut family = String::with_capacity(task.len());
    for part in task.split_inclusive(['(', ',', ')', ':']) {
        let body = part.trim_start();
        if ["m=", "dim=", "intrinsic_dim="]
            .iter()
            .any(|key| body.starts_with(key))
        {
            if part.ends_with(')') {
                if family.ends_with(',') {
                    family.pop();
                }
                family.push(')');
            }
        } else {
            family.push_str(part);
        }
    }
    family
}

/// The trends of the finished cells: for each target and `chart_key`, the best bits of every
/// cell with an `x`, grouped into series by `series_name` (of the record and its space label),
/// with the fitted interval where the value is fitted. Only charts where some series has two
/// or more distinct x are kept, in (target, key) order.
fn trend_charts(
    ctx: &Context<'_>,
    x: impl Fn(&CellRecord) -> Option<f64>,
    series_name: impl Fn(&CellRecord, &str) -> String,
    chart_key: impl Fn(&CellRecord) -> String,
) -> Vec<Trend> {
    let mut charts: BTreeMap<(usize, String), Trend> = BTreeMap::new();
    for result in ctx.results {
        let r = &result.record;
        let Some(x) = x(r) else { continue };
        for (t, estimate) in r.estimates.iter().enumerate() {
            let Some((bits, kind)) = estimate.best_bits() else {
                continue;
            };
            let interval = match kind {
                "fitted" => estimate.fitted.and_then(|f| Some((f.lower?, f.upper?))),
                _ => None,
            };
            let key = chart_key(r);
            let trend = charts.entry((t, key.clone())).or_insert_with(|| Trend {
                key,
                target: ctx.rule(t),
                series: BTreeMap::new(),
                ks: BTreeSet::new(),
            });
            trend.ks.insert(r.k);
            trend
                .series
                .entry(series_name(r, ctx.space_label(result.index)))
                .or_default()
                .push((x, bits, interval));
        }
    }
    charts
        .into_values()
        .filter(|t| {
            t.series.values().any(|points| {
                points
                    .iter()
                    .map(|p| p.0.to_bits())
                    .collect::<BTreeSet<_>>()
                    .len()
                    >= 2
            })
        })
        .collect()
}

/// The section's heading and one line chart per trend (drawn as `stem-NN`, numbered from 01),
/// or its heading and the `empty` paragraph when there is no trend.
///
/// # Errors
/// [`ReportError::Plot`] or [`ReportError::Io`] from drawing.
fn emit_trends(
    figures: &mut Figures<'_>,
    trends: Vec<Trend>,
    section: &TrendSection<'_>,
) -> Result<Vec<Block>, ReportError> {
    let mut blocks = vec![Block::Heading(2, section.title.into())];
    if trends.is_empty() {
        blocks.push(Block::Paragraph(section.empty.into()));
        return Ok(blocks);
    }
    for (i, trend) in trends.into_iter().enumerate() {
        let ks: Vec<String> = trend.ks.iter().map(|k| k.to_string()).collect();
        let subtitle = format!("{}, k = {}, {}", trend.key, ks.join("/"), trend.target);
        let series = trend_series(trend.series);
        let y_log = LineChart::wide_range(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
        let chart = LineChart {
            title: section.title.into(),
            subtitle: subtitle.clone(),
            x_label: section.x_label.into(),
            y_label: "inductive bias (bits)".into(),
            x_log: false,
            y_log,
            x_integer: true,
            series,
        };
        blocks.push(figures.figure(
            &chart,
            &format!("{}-{:02}", section.stem, i + 1),
            format!(
                "{}; {subtitle}. Exact where available, else fitted (band: interval), else counted.",
                section.title
            ),
        )?);
    }
    Ok(blocks)
}

/// The lines of one trend chart, points sorted by x, coloured in series order (colour tells the
/// lines apart here, not the estimate kind), each with its own marker shape: past the palette,
/// lines repeat its colours dashed, then dotted.
fn trend_series(series: BTreeMap<String, Vec<TrendPoint>>) -> Vec<Series> {
    series
        .into_iter()
        .enumerate()
        .map(|(i, (name, mut points))| {
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            let stroke = match i / PALETTE.len() {
                0 => Stroke::Solid,
                1 => Stroke::Dashed,
                _ => Stroke::Dotted,
            };
            Series {
                label: name,
                points: points.iter().map(|p| (p.0, p.1)).collect(),
                band: points
                    .iter()
                    .filter_map(|p| p.2.map(|(lo, hi)| (p.0, lo, hi)))
                    .collect(),
                stroke,
                color: i,
                marker: MARKER_CYCLE[i % MARKER_CYCLE.len()],
                width: 2,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::task_family;

    #[test]
    fn task_family_drops_only_the_intrinsic_dimension() {
        assert_eq!(
            task_family("synthetic(m=4,D=64,k=2,data_seed=1)"),
            "synthetic(D=64,k=2,data_seed=1)"
        );
        assert_eq!(task_family("synthetic(D=64,m=16)"), "synthetic(D=64)");
        assert_eq!(task_family("synthetic:dim=2"), "synthetic:");
        assert_eq!(task_family("mnist"), "mnist");
        assert_eq!(task_family("csv:a(b"), "csv:a(b");
    }
}
