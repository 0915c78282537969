//! From a sweep's results to the report's blocks and charts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::ReportError;
use crate::record::{CellRecord, TargetEstimate};
use crate::report::document::Block;
use crate::report::plot::{
    format_value, render, Bar, BarChart, Histogram, LineChart, PlotFiles, Series, Stroke, PALETTE,
};
use crate::sweep::{CellResult, ResultSet};

/// Most histograms and per-cell bits-vs-eps charts drawn (the tables list every cell).
pub const MAX_CELL_FIGURES: usize = 40;

/// Directory of the charts, relative to the report.
pub const PLOTS_DIR: &str = "plots";

/// Palette index per estimate kind (shared by every chart, so colours mean the same thing).
const EXACT: usize = 0;
const FITTED: usize = 1;
const COUNTING: usize = 2;
const PAPER: usize = 3;
const CHERNOFF: usize = 6;

/// Number with about four significant digits for tables ("" when absent).
fn number(value: Option<f64>) -> String {
    match value {
        None => String::new(),
        Some(v) if v.is_finite() && v.abs() >= 1000.0 && v.abs() < 1e7 => format!("{v:.1}"),
        Some(v) if v.is_finite() && v != 0.0 && (1e-3..1000.0).contains(&v.abs()) => {
            let decimals = (3 - v.abs().log10().floor() as i32).clamp(0, 8) as usize;
            format!("{v:.decimals$}")
        }
        Some(0.0) => "0".into(),
        Some(v) => format!("{v:.3e}"),
    }
}

/// "bits [lower, upper]".
fn with_interval(bits: Option<f64>, lower: Option<f64>, upper: Option<f64>) -> String {
    match (bits, lower) {
        (None, None) => String::new(),
        (bits, lower) => {
            let point = bits.map_or_else(|| "∞".to_string(), |b| number(Some(b)));
            let upper = upper.map_or_else(|| "∞".to_string(), |u| number(Some(u)));
            format!("{point} [{}, {upper}]", number(lower))
        }
    }
}

/// Labels that tell hypothesis spaces apart: the space name plus the parameters whose value
/// differs between records of that space.
fn space_labels(results: &[CellResult<CellRecord>]) -> BTreeMap<usize, String> {
    let mut values: BTreeMap<(&str, &str), BTreeSet<String>> = BTreeMap::new();
    for result in results {
        for (key, value) in &result.record.space_parameters {
            values
                .entry((result.record.space.as_str(), key.as_str()))
                .or_default()
                .insert(value.to_string());
        }
    }
    results
        .iter()
        .map(|result| {
            let record = &result.record;
            if let Some(label) = &record.space_label {
                return (result.index, label.clone());
            }
            let varying: Vec<String> = record
                .space_parameters
                .iter()
                .filter(|(key, _)| {
                    values
                        .get(&(record.space.as_str(), key.as_str()))
                        .is_some_and(|v| v.len() > 1)
                })
                .map(|(key, value)| format!("{key}={}", value.to_string().trim_matches('"')))
                .collect();
            let label = if varying.is_empty() {
                record.space.clone()
            } else {
                format!("{} ({})", record.space, varying.join(", "))
            };
            (result.index, label)
        })
        .collect()
}

/// "eps = 0.05 (absolute)".
fn eps_text(estimate: &TargetEstimate) -> String {
    format!(
        "eps = {} ({})",
        format_value(estimate.eps),
        estimate.eps_rule
    )
}

/// The experiment's targets, described once from the first record that has them.
fn target_rules(results: &[CellResult<CellRecord>]) -> Vec<String> {
    let count = results
        .iter()
        .map(|r| r.record.estimates.len())
        .max()
        .unwrap_or(0);
    (0..count)
        .map(|t| {
            results
                .iter()
                .find_map(|r| r.record.estimates.get(t))
                .map(|e| {
                    if e.eps_rule == "absolute" {
                        format!("eps = {}", format_value(e.eps))
                    } else {
                        e.eps_rule.clone()
                    }
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Relative path of a chart inside the report directory.
fn relative(files: PlotFiles, out_dir: &Path) -> PlotFiles {
    let strip = |p: PathBuf| p.strip_prefix(out_dir).map(Path::to_path_buf).unwrap_or(p);
    PlotFiles {
        png: strip(files.png),
        svg: strip(files.svg),
    }
}

/// Builds the blocks and draws the charts into `out_dir/plots`.
struct Builder<'a> {
    out_dir: &'a Path,
    plots: Vec<PlotFiles>,
}

impl Builder<'_> {
    fn figure(
        &mut self,
        figure: &impl crate::report::plot::Figure,
        stem: &str,
        caption: String,
    ) -> Result<Block, ReportError> {
        let files = render(figure, &self.out_dir.join(PLOTS_DIR), stem)?;
        self.plots.push(files.clone());
        Ok(Block::Figure {
            files: relative(files, self.out_dir),
            caption,
        })
    }
}

/// Build the report of `set`, drawing its charts into `out_dir/plots/`. Returns the blocks and
/// the chart files.
///
/// # Errors
/// [`ReportError::Plot`] or [`ReportError::Io`] from drawing.
pub fn build_report(
    set: &ResultSet<CellRecord>,
    out_dir: &Path,
) -> Result<(Vec<Block>, Vec<PlotFiles>), ReportError> {
    let mut builder = Builder {
        out_dir,
        plots: Vec::new(),
    };
    let results = &set.results;
    let labels = space_labels(results);
    let label = |r: &CellResult<CellRecord>| format!("{} · {}", r.record.task, labels[&r.index]);
    let rules = target_rules(results);
    let mut blocks = Vec::new();

    blocks.push(Block::Heading(
        1,
        format!("Inductive bias report: {}", set.manifest.name),
    ));
    if let Some(description) = &set.manifest.description {
        blocks.push(Block::Paragraph(description.clone()));
    }
    blocks.push(Block::Paragraph(format!(
        "{} of {} grid cells finished{}; experiment seed {}. Inductive bias I(eps) = -log2 P[e(h) <= eps] is in **bits** \
         throughout (the paper-compatible value is shown in bits and, in brackets, in the nats the paper reported). \
         Test errors are mean squared errors per entry, e(h) = (1/(N k)) Σ (h_c(x_i) - y_ic)². Every row states the \
         training-set size n, the test-set size N, the number of outputs k and the target error eps.",
        results.len(),
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

    // Summary table.
    blocks.push(Block::Heading(2, "Summary".into()));
    let mut rows = Vec::new();
    for result in results {
        let r = &result.record;
        for estimate in &r.estimates {
            rows.push(vec![
                result.index.to_string(),
                r.task.clone(),
                labels[&result.index].clone(),
                r.n.to_string(),
                r.test_n.to_string(),
                r.k.to_string(),
                format_value(estimate.eps),
                estimate.eps_rule.clone(),
                match (&estimate.exact_bits, &estimate.exact_method) {
                    (Some(b), Some(m)) => format!("{} ({m})", number(Some(*b))),
                    (b, _) => number(*b),
                },
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
                },
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
            ]);
        }
    }
    blocks.push(Block::Table {
        header: [
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
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows,
    });

    // Distributions.
    blocks.push(Block::Heading(2, "Test-error distributions".into()));
    let with_distribution: Vec<&CellResult<CellRecord>> = results
        .iter()
        .filter(|r| {
            r.record.distribution.as_ref().is_some_and(|d| {
                !d.test_errors.is_empty() || d.exact_density.is_some() || d.fitted_density.is_some()
            })
        })
        .collect();
    if with_distribution.is_empty() {
        blocks.push(Block::Paragraph(
            "No cell recorded sampled test errors or a density.".into(),
        ));
    } else {
        blocks.push(Block::Paragraph(
            "Histogram of the test errors of the sampled hypotheses (as a density), the exact density of the \
             Gaussian-process law where there is one, the fitted scaled non-central chi-squared density, and the \
             target errors (dashed)."
                .into(),
        ));
    }
    for result in with_distribution.iter().take(MAX_CELL_FIGURES) {
        let r = &result.record;
        let Some(distribution) = &r.distribution else {
            continue;
        };
        let targets: Vec<(f64, String)> = r
            .estimates
            .iter()
            .map(|e| (e.eps, format!("eps = {}", format_value(e.eps))))
            .collect();
        let subtitle = format!(
            "n = {}, N = {}, k = {}, S = {}, targets {}; seed {}",
            r.n,
            r.test_n,
            r.k,
            distribution.test_errors.len(),
            targets
                .iter()
                .map(|t| t.1.clone())
                .collect::<Vec<_>>()
                .join(", "),
            r.seed
        );
        let chart = Histogram {
            title: format!("Test errors: {}", label(result)),
            subtitle: subtitle.clone(),
            errors: distribution.test_errors.clone(),
            exact_density: distribution.exact_density.clone(),
            fitted_density: distribution.fitted_density.clone(),
            targets,
        };
        let mut caption = format!("Cell {}: {}; {subtitle}.", result.index, label(result));
        if let Some(law) = distribution.fitted_law {
            caption.push_str(&format!(
                " Fitted law {} · ncx2(dof = {}, noncentrality = {}).",
                format_value(law.scale),
                format_value(law.dof),
                format_value(law.noncentrality)
            ));
        }
        blocks.push(builder.figure(&chart, &format!("hist-cell-{:04}", result.index), caption)?);
    }
    if with_distribution.len() > MAX_CELL_FIGURES {
        blocks.push(Block::Paragraph(format!(
            "{} more cells have distributions; only the first {MAX_CELL_FIGURES} are drawn.",
            with_distribution.len() - MAX_CELL_FIGURES
        )));
    }

    // Bits vs target error.
    blocks.push(Block::Heading(2, "Bits vs target error".into()));
    let multi_target: Vec<&CellResult<CellRecord>> = results
        .iter()
        .filter(|r| r.record.estimates.len() >= 2)
        .collect();
    if multi_target.is_empty() {
        blocks.push(Block::Paragraph(
            "Needs two or more target errors per cell (grid.eps / grid.eps_relative).".into(),
        ));
    }
    for result in multi_target.iter().take(MAX_CELL_FIGURES) {
        let r = &result.record;
        let mut estimates: Vec<&TargetEstimate> = r.estimates.iter().collect();
        estimates.sort_by(|a, b| a.eps.total_cmp(&b.eps));
        let points = |f: &dyn Fn(&TargetEstimate) -> Option<f64>| -> Vec<(f64, f64)> {
            estimates
                .iter()
                .filter_map(|e| f(e).map(|y| (e.eps, y)))
                .collect()
        };
        let mut series = Vec::new();
        let mut push =
            |label: &str, points: Vec<(f64, f64)>, band: Vec<(f64, f64, f64)>, stroke, color| {
                if !points.is_empty() {
                    series.push(Series {
                        label: label.into(),
                        points,
                        band,
                        stroke,
                        color,
                    });
                }
            };
        push(
            "exact (generalized chi-squared law)",
            points(&|e| e.exact_bits),
            Vec::new(),
            Stroke::Solid,
            EXACT,
        );
        push(
            "fitted scaled ncx2 (band: interval)",
            points(&|e| e.fitted.map(|f| f.bits)),
            estimates
                .iter()
                .filter_map(|e| e.fitted.and_then(|f| Some((e.eps, f.lower?, f.upper?))))
                .collect(),
            Stroke::Solid,
            FITTED,
        );
        push(
            "counting (Clopper-Pearson interval)",
            points(&|e| e.counting.and_then(|c| c.bits)),
            estimates
                .iter()
                .filter_map(|e| {
                    e.counting
                        .and_then(|c| c.bits.and(c.upper).map(|u| (e.eps, c.lower, u)))
                })
                .collect(),
            Stroke::Markers,
            COUNTING,
        );
        push(
            "Chernoff bound (bits >= this)",
            points(&|e| e.chernoff_bits),
            Vec::new(),
            Stroke::Dashed,
            CHERNOFF,
        );
        push(
            "paper-compatible (nats / ln 2)",
            points(&|e| e.paper_bits()),
            Vec::new(),
            Stroke::Dashed,
            PAPER,
        );
        if series.is_empty() {
            continue;
        }
        let all_y = series.iter().flat_map(|s| {
            s.points
                .iter()
                .map(|p| p.1)
                .chain(s.band.iter().flat_map(|b| [b.1, b.2]))
        });
        let y_log = LineChart::wide_range(all_y);
        let x_log = LineChart::wide_range(estimates.iter().map(|e| e.eps));
        let subtitle = format!(
            "n = {}, N = {}, k = {}, eps from {}; seed {}",
            r.n,
            r.test_n,
            r.k,
            estimates
                .iter()
                .map(|e| e.eps_rule.as_str())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", "),
            r.seed
        );
        let chart = LineChart {
            title: format!("Bits vs target error: {}", label(result)),
            subtitle: subtitle.clone(),
            x_label: "target error eps (mean squared error per entry)".into(),
            y_label: "inductive bias (bits)".into(),
            x_log,
            y_log,
            series,
        };
        blocks.push(builder.figure(
            &chart,
            &format!("bits-vs-eps-cell-{:04}", result.index),
            format!("Cell {}: {}; {subtitle}.", result.index, label(result)),
        )?);
    }

    // Comparisons across tasks and spaces.
    blocks.push(Block::Heading(
        2,
        "Comparisons across tasks and hypothesis spaces".into(),
    ));
    blocks.push(Block::Paragraph(
        "Bars: the most accurate value available for each cell — exact where the law is known, else fitted, else \
         counted (colour). Whiskers: the fitted or counting interval."
            .into(),
    ));
    let mut comparison_groups: BTreeMap<(usize, usize, usize), Vec<&CellResult<CellRecord>>> =
        BTreeMap::new();
    for result in results {
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
        let mut bars = Vec::new();
        let mut used = BTreeSet::new();
        for result in group {
            let estimate = &result.record.estimates[*t];
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
                format!(", eps={}", format_value(estimate.eps))
            };
            bars.push(Bar {
                label: format!("{}{eps}", label(result)),
                value,
                interval,
                color,
            });
        }
        if bars.len() < 2 {
            continue;
        }
        drawn += 1;
        let ks: BTreeSet<String> = group.iter().map(|r| r.record.k.to_string()).collect();
        let subtitle = format!(
            "n = {n}, N = {test_n}, k = {}, {}",
            ks.into_iter().collect::<Vec<_>>().join("/"),
            rules.get(*t).cloned().unwrap_or_default()
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
        blocks.push(builder.figure(
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

    // Bits vs n and vs intrinsic dimension.
    blocks.push(Block::Heading(2, "Bits vs training-set size".into()));
    let by_n = trend_charts(
        results,
        &labels,
        &rules,
        |r| Some(r.n as f64),
        |r, l| format!("{} · {l}", r.task),
        |r| format!("N = {}", r.test_n),
    );
    emit_trends(
        &mut builder,
        &mut blocks,
        by_n,
        "bits-vs-n",
        "Bits vs training-set size",
        "Needs two or more training-set sizes (grid.n) for one task and space.",
    )?;
    blocks.push(Block::Heading(2, "Bits vs intrinsic dimension".into()));
    // Tasks that differ in more than their intrinsic dimension (data seed, ambient dimension)
    // are separate lines.
    let families: BTreeSet<String> = results
        .iter()
        .filter(|r| r.record.intrinsic_dim.is_some())
        .map(|r| task_family(&r.record.task))
        .collect();
    let by_dim = trend_charts(
        results,
        &labels,
        &rules,
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
        &mut builder,
        &mut blocks,
        by_dim,
        "bits-vs-dim",
        "Bits vs intrinsic dimension",
        "Needs synthetic tasks of two or more intrinsic dimensions.",
    )?;

    // Numerical health.
    blocks.push(Block::Heading(2, "Numerical health".into()));
    let mut health = Vec::new();
    for result in results {
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
                labels[&result.index].clone(),
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
            header: [
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
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows: health,
        });
    }

    // Warnings.
    let mut warnings = Vec::new();
    for result in results {
        for warning in &result.record.warnings {
            warnings.push(format!(
                "cell {} ({}): {warning}",
                result.index,
                label(result)
            ));
        }
        for estimate in &result.record.estimates {
            for warning in &estimate.warnings {
                warnings.push(format!(
                    "cell {} ({}, {}): {warning}",
                    result.index,
                    label(result),
                    eps_text(estimate)
                ));
            }
        }
    }
    blocks.push(Block::Heading(2, "Warnings".into()));
    if warnings.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
    } else {
        blocks.push(Block::List(warnings));
    }

    // Settings.
    blocks.push(Block::Heading(2, "Settings".into()));
    blocks.push(Block::Paragraph("The experiment file, verbatim:".into()));
    blocks.push(Block::Code {
        language: "toml".into(),
        text: set.manifest.source.clone(),
    });
    let finished: BTreeMap<usize, &CellResult<CellRecord>> =
        results.iter().map(|r| (r.index, r)).collect();
    blocks.push(Block::Paragraph(
        "Every cell with its seed and the resolved parameters of its hypothesis space:".into(),
    ));
    blocks.push(Block::Table {
        header: [
            "cell",
            "id",
            "seed",
            "task",
            "intrinsic dim",
            "hypothesis space",
            "parameters",
            "n",
            "N",
            "k",
            "status",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: set
            .manifest
            .cells
            .iter()
            .map(|cell| match finished.get(&cell.index) {
                Some(result) => {
                    let r = &result.record;
                    vec![
                        cell.index.to_string(),
                        cell.id.clone(),
                        cell.seed.to_string(),
                        r.task.clone(),
                        number(r.intrinsic_dim),
                        r.space.clone(),
                        r.space_parameters
                            .iter()
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        r.n.to_string(),
                        r.test_n.to_string(),
                        r.k.to_string(),
                        "finished".into(),
                    ]
                }
                None => {
                    let mut row = vec![
                        cell.index.to_string(),
                        cell.id.clone(),
                        cell.seed.to_string(),
                    ];
                    row.extend(std::iter::repeat_n(String::new(), 7));
                    row.push("missing".into());
                    row
                }
            })
            .collect(),
    });
    Ok((blocks, builder.plots))
}

/// (x, bits, interval of the bits) of one point of a trend.
type TrendPoint = (f64, f64, Option<(f64, f64)>);

/// One chart per (target, group key): series of bits against `x`.
struct Trend {
    key: String,
    target: String,
    series: BTreeMap<String, Vec<TrendPoint>>,
    ks: BTreeSet<usize>,
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

fn trend_charts(
    results: &[CellResult<CellRecord>],
    labels: &BTreeMap<usize, String>,
    rules: &[String],
    x: impl Fn(&CellRecord) -> Option<f64>,
    series_name: impl Fn(&CellRecord, &str) -> String,
    chart_key: impl Fn(&CellRecord) -> String,
) -> Vec<Trend> {
    let mut charts: BTreeMap<(usize, String), Trend> = BTreeMap::new();
    for result in results {
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
                target: rules.get(t).cloned().unwrap_or_default(),
                series: BTreeMap::new(),
                ks: BTreeSet::new(),
            });
            trend.ks.insert(r.k);
            trend
                .series
                .entry(series_name(r, &labels[&result.index]))
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

fn emit_trends(
    builder: &mut Builder<'_>,
    blocks: &mut Vec<Block>,
    trends: Vec<Trend>,
    stem: &str,
    title: &str,
    empty: &str,
) -> Result<(), ReportError> {
    if trends.is_empty() {
        blocks.push(Block::Paragraph(empty.into()));
        return Ok(());
    }
    let x_label = if stem == "bits-vs-n" {
        "training-set size n (points)"
    } else {
        "intrinsic dimension of the synthetic task (dimensions)"
    };
    for (i, trend) in trends.into_iter().enumerate() {
        let mut series = Vec::new();
        for (i, (name, mut points)) in trend.series.into_iter().enumerate() {
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            // Past the palette, lines repeat its colours dashed, then as markers.
            let stroke = match i / PALETTE.len() {
                0 => Stroke::Solid,
                1 => Stroke::Dashed,
                _ => Stroke::Markers,
            };
            series.push(Series {
                label: name,
                points: points.iter().map(|p| (p.0, p.1)).collect(),
                band: points
                    .iter()
                    .filter_map(|p| p.2.map(|(lo, hi)| (p.0, lo, hi)))
                    .collect(),
                stroke,
                color: i,
            });
        }
        let y_log = LineChart::wide_range(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
        let ks: Vec<String> = trend.ks.iter().map(|k| k.to_string()).collect();
        let subtitle = format!("{}, k = {}, {}", trend.key, ks.join("/"), trend.target);
        let chart = LineChart {
            title: title.into(),
            subtitle: subtitle.clone(),
            x_label: x_label.into(),
            y_label: "inductive bias (bits)".into(),
            x_log: false,
            y_log,
            series,
        };
        blocks.push(builder.figure(&chart, &format!("{stem}-{:02}", i + 1), format!("{title}; {subtitle}. Exact where available, else fitted (band: interval), else counted."))?);
    }
    Ok(())
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
