//! The test-error histogram: sampled errors as a density with the exact and fitted densities
//! over the sampled range, and below it the densities on a log scale from the smallest target
//! error to the bulk, with the sampled errors as a rug and the targets marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{text_size, LegendEntry, Marker, Swatch};
use super::panel::{draw_panel, Frame, Primitive};
use super::{
    format_value, padded_range, titled, Axis, Figure, Layout, Scale, Stroke, FONT, MAX_TICKS,
    PALETTE, SIZE,
};

/// Test errors of sampled hypotheses as a density histogram, with the exact and fitted
/// densities and the target errors.
#[derive(Debug, Clone)]
pub struct Histogram {
    /// Chart title.
    pub title: String,
    /// What it was computed from (n, N, k, S).
    pub subtitle: String,
    /// Sampled test errors.
    pub errors: Vec<f64>,
    /// Exact density (x, f(x)).
    pub exact_density: Option<Vec<(f64, f64)>>,
    /// Fitted density (x, f(x)).
    pub fitted_density: Option<Vec<(f64, f64)>>,
    /// ln of the exact density (x, ln f(x)) in the tail below the sampled range, where f
    /// underflows; the lower panel prefers it to `exact_density`.
    pub exact_log_density: Option<Vec<(f64, f64)>>,
    /// ln of the fitted density in the tail, likewise.
    pub fitted_log_density: Option<Vec<(f64, f64)>>,
    /// Target errors to mark, with their labels.
    pub targets: Vec<(f64, String)>,
}

/// A density's points, label and palette index.
type Density<'a> = (&'a Vec<(f64, f64)>, &'static str, usize);

/// A density's points (owned, possibly mapped to log10), label and palette index.
type Curve = (Vec<(f64, f64)>, &'static str, usize);

/// What one panel draws: its frame, its primitives in z-order and its legend.
struct PanelParts {
    frame: Frame<'static>,
    primitives: Vec<Primitive>,
    legend: Vec<LegendEntry>,
}

/// Label and colour of the exact and fitted density (blue and vermilion, as in every chart).
const EXACT: (&str, usize) = ("exact density (GP law)", 0);
const FITTED: (&str, usize) = ("fitted scaled ncx2 density", 1);
/// Histogram bars: sky blue.
const SAMPLES: usize = 5;
/// Width of the exact density, drawn under the thinner dashed fitted one.
const EXACT_WIDTH: u32 = 5;

impl Histogram {
    /// Size of a histogram with its log-density panel.
    pub const SIZE: (u32, u32) = (960, 960);

    /// Whether the chart has the log-density panel: some density has a positive point.
    fn has_density_panel(&self) -> bool {
        self.log10_densities().iter().any(|d| !d.0.is_empty())
    }

    /// The densities as (x, log10 f(x)) with their label and palette index: the recorded
    /// log densities where there are any (they reach the targets), else the densities.
    fn log10_densities(&self) -> Vec<Curve> {
        let logs = [
            (&self.exact_log_density, &self.exact_density, EXACT),
            (&self.fitted_log_density, &self.fitted_density, FITTED),
        ];
        logs.into_iter()
            .filter_map(|(log, linear, (label, color))| {
                let points: Vec<(f64, f64)> = match (log, linear) {
                    (Some(log), _) if !log.is_empty() => log
                        .iter()
                        .map(|&(x, l)| (x, l / std::f64::consts::LN_10))
                        .collect(),
                    (_, Some(linear)) => linear
                        .iter()
                        .filter(|p| p.1 > 0.0)
                        .map(|&(x, f)| (x, f.log10()))
                        .collect(),
                    _ => return None,
                };
                let points: Vec<(f64, f64)> = points
                    .into_iter()
                    .filter(|p| p.0.is_finite() && p.1.is_finite())
                    .collect();
                Some((points, label, color))
            })
            .collect()
    }

    /// The densities with their label and palette index.
    fn densities(&self) -> Vec<Density<'_>> {
        [(&self.exact_density, EXACT), (&self.fitted_density, FITTED)]
            .into_iter()
            .filter_map(|(d, (label, color))| d.as_ref().map(|d| (d, label, color)))
            .collect()
    }

    /// The upper panel: the histogram and the densities over the sampled range (the bulk).
    fn bulk_panel(&self, finite_errors: &[f64], (x_lo, x_hi): (f64, f64)) -> PanelParts {
        let (e_lo, width, heights) = density_histogram(finite_errors);
        let inside = |x: f64| x >= x_lo && x <= x_hi;
        let y_hi = heights
            .iter()
            .copied()
            .chain(
                self.densities()
                    .iter()
                    .flat_map(|d| d.0.iter())
                    .filter(|p| inside(p.0))
                    .map(|p| p.1),
            )
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let targets: Vec<&(f64, String)> = self.targets.iter().filter(|t| inside(t.0)).collect();
        let plot_width = f64::from(SIZE.0) - 150.0;
        // Room above the peak for the rows of target labels (about 8% of the height each).
        let (_, rows) = label_rows(&sorted(&targets), (x_lo, x_hi), plot_width);
        let y_hi = if y_hi > 0.0 { y_hi } else { 1.0 } * (1.08 + 0.09 * rows as f64);
        let mut primitives = Vec::new();
        let mut legend = Vec::new();
        if !finite_errors.is_empty() {
            let color = PALETTE[SAMPLES];
            primitives.extend(heights.iter().enumerate().map(|(i, &h)| {
                let left = e_lo + i as f64 * width;
                Primitive::Rect {
                    a: (left, 0.0),
                    b: (left + width, h),
                    inset_y: 0,
                    color,
                    alpha: 0.45,
                }
            }));
            legend.push(LegendEntry {
                label: format!("sampled errors (S = {})", finite_errors.len()),
                swatch: Swatch::Fill(color, 0.45),
            });
        }
        self.density_lines(&mut primitives, &mut legend, &|p| {
            (inside(p.0) && p.1.is_finite()).then_some(p)
        });
        target_marks(
            &mut primitives,
            &mut legend,
            &targets,
            (x_lo, x_hi),
            (0.0, y_hi),
            plot_width,
        );
        let below = self.targets.iter().filter(|t| t.0 < x_lo).count();
        let x_desc: &'static str = if below > 0 {
            "test error e(h) (mean squared error per entry); targets below this range: lower panel"
        } else {
            "test error e(h) (mean squared error per entry)"
        };
        let frame = Frame {
            x: Axis::new(x_lo, x_hi, Scale::Linear, MAX_TICKS),
            y: Axis::new(0.0, y_hi, Scale::Linear, 6),
            x_desc,
            y_desc: "probability density (1 / error)",
            left: 0,
            y_grid: true,
        };
        PanelParts {
            frame,
            primitives,
            legend,
        }
    }

    /// The exact density (thick, below) and the fitted one (thin, dashed, on top), each point
    /// passed through `keep` (which may map it).
    fn density_lines(
        &self,
        primitives: &mut Vec<Primitive>,
        legend: &mut Vec<LegendEntry>,
        keep: &dyn Fn((f64, f64)) -> Option<(f64, f64)>,
    ) {
        let densities: Vec<Density<'_>> = self.densities();
        let owned: Vec<Curve> = densities
            .into_iter()
            .map(|(d, label, color)| (d.clone(), label, color))
            .collect();
        draw_densities(&owned, primitives, legend, keep);
    }
}

/// The exact density (thick, below) and the fitted one (thin, dashed, on top), each point
/// passed through `keep` (which may map it).
fn draw_densities(
    densities: &[Curve],
    primitives: &mut Vec<Primitive>,
    legend: &mut Vec<LegendEntry>,
    keep: &dyn Fn((f64, f64)) -> Option<(f64, f64)>,
) {
    for (points, label, color) in densities {
        let (label, color) = (*label, *color);
        {
            let exact = color == EXACT.1;
            let (stroke, width) = if exact {
                (Stroke::Solid, EXACT_WIDTH)
            } else {
                (Stroke::Dashed, 2)
            };
            let points: Vec<(f64, f64)> = points.iter().copied().filter_map(keep).collect();
            if points.is_empty() {
                continue;
            }
            let color = PALETTE[color];
            primitives.push(Primitive::Line {
                points,
                stroke,
                width,
                color,
            });
            legend.push(LegendEntry {
                label: label.into(),
                swatch: Swatch::Line {
                    color,
                    width,
                    stroke,
                    marker: Marker::None,
                },
            });
        }
    }
}

impl Histogram {
    /// The lower panel: log densities from the smallest target to the bulk, the rug and the
    /// targets; and the smallest x with a recorded density.
    fn tail_panel(&self, finite_errors: &[f64], bulk_hi: f64) -> Option<(PanelParts, Option<f64>)> {
        let densities = self.log10_densities();
        let density_x = || densities.iter().flat_map(|d| d.0.iter()).map(|p| p.0);
        let lo = self
            .targets
            .iter()
            .map(|t| t.0)
            .chain(density_x())
            .chain(finite_errors.iter().copied())
            .filter(|v| v.is_finite())
            .fold(f64::INFINITY, f64::min);
        if !lo.is_finite() || lo >= bulk_hi {
            return None;
        }
        let pad = 0.03 * (bulk_hi - lo);
        let (x_lo, x_hi) = ((lo - pad).max(0.0), bulk_hi);
        let inside = |x: f64| x >= x_lo && x <= x_hi;
        let shown = || {
            densities
                .iter()
                .flat_map(|d| d.0.iter())
                .filter(|p| inside(p.0))
                .map(|p| p.1)
        };
        let floor = shown().fold(f64::INFINITY, f64::min);
        let top = shown().fold(f64::NEG_INFINITY, f64::max);
        if !(floor.is_finite() && top.is_finite()) {
            return None;
        }
        let span = (top - floor).max(1.0);
        // Beyond f64's range (densities below 1e-300, e.g. 1e-2800 in a deep GP tail) the axis
        // is the log10 of the density on a linear scale, so that its ticks stay numbers.
        let (y_scale, y_desc) = if floor < -300.0 {
            (
                Scale::Linear,
                "log10 of the probability density (1 / error)",
            )
        } else {
            (Scale::Log, "probability density (1 / error, log scale)")
        };
        let targets: Vec<&(f64, String)> = self.targets.iter().filter(|t| inside(t.0)).collect();
        let plot_width = f64::from(SIZE.0) - 150.0;
        // Room below for the rug (about 6% of the height) and above for the rows of target
        // labels (about 9% each).
        let (_, rows) = label_rows(&sorted(&targets), (x_lo, x_hi), plot_width);
        let (y_lo, y_hi) = (
            floor - 0.08 * span,
            top + (0.05 + 0.09 * rows as f64) * span,
        );
        let mut primitives = Vec::new();
        let mut legend = Vec::new();
        draw_densities(&densities, &mut primitives, &mut legend, &|p| {
            inside(p.0).then_some(p)
        });
        if !finite_errors.is_empty() {
            let color = RGBColor(60, 60, 60);
            primitives.push(Primitive::Rug {
                xs: finite_errors.to_vec(),
                height: 12,
                color,
            });
            legend.push(LegendEntry {
                label: "sampled errors (one tick each)".into(),
                swatch: Swatch::Rug(color),
            });
        }
        target_marks(
            &mut primitives,
            &mut legend,
            &targets,
            (x_lo, x_hi),
            (y_lo, y_hi),
            plot_width,
        );
        let recorded_from = density_x().fold(f64::INFINITY, f64::min);
        let frame = Frame {
            x: Axis::new(x_lo, x_hi, Scale::Linear, MAX_TICKS),
            y: Axis::new(y_lo, y_hi, y_scale, 6),
            x_desc: "test error e(h) (mean squared error per entry)",
            y_desc,
            left: 0,
            y_grid: true,
        };
        let gap = recorded_from > x_lo + 0.05 * (x_hi - x_lo);
        Some((
            PanelParts {
                frame,
                primitives,
                legend,
            },
            gap.then_some(recorded_from),
        ))
    }
}

/// Where each target's label goes: (row, horizontal offset in pixels from the line), rows
/// stacked so that no label overlaps another, for targets sorted by eps (`plot_width`: the
/// plot's approximate width in pixels); and the number of rows.
fn label_rows(
    targets: &[&(f64, String)],
    (x_lo, x_hi): (f64, f64),
    plot_width: f64,
) -> (Vec<(usize, i32)>, usize) {
    let mut rows: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut places = Vec::new();
    for (eps, label) in targets.iter().map(|t| (t.0, &t.1)) {
        let (w, _) = text_size(label, 13);
        let start = (eps - x_lo) / (x_hi - x_lo) * plot_width;
        // Right of the line, or left of it near the right edge.
        let (from, offset_x) = if start + f64::from(w) + 8.0 > plot_width {
            (start - f64::from(w) - 6.0, -w - 6)
        } else {
            (start, 6)
        };
        let span = (from - 4.0, from + f64::from(w) + 10.0);
        let row = rows
            .iter()
            .position(|r| r.iter().all(|s| s.1 < span.0 || s.0 > span.1))
            .unwrap_or(rows.len());
        if row == rows.len() {
            rows.push(Vec::new());
        }
        rows[row].push(span);
        places.push((row, offset_x));
    }
    let count = rows.len();
    (places, count)
}

/// The targets sorted by eps.
fn sorted<'t>(targets: &[&'t (f64, String)]) -> Vec<&'t (f64, String)> {
    let mut sorted = targets.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    sorted
}

/// Each target as a dashed vertical line with its label near the top, placed by
/// [`label_rows`].
fn target_marks(
    primitives: &mut Vec<Primitive>,
    legend: &mut Vec<LegendEntry>,
    targets: &[&(f64, String)],
    x_range: (f64, f64),
    (y_lo, y_hi): (f64, f64),
    plot_width: f64,
) {
    let targets = sorted(targets);
    let (places, _) = label_rows(&targets, x_range, plot_width);
    for (target, (row, offset_x)) in targets.iter().zip(places) {
        let (eps, label) = (target.0, &target.1);
        primitives.push(Primitive::Line {
            points: vec![(eps, y_lo), (eps, y_hi)],
            stroke: Stroke::Dashed,
            width: 2,
            color: BLACK,
        });
        let (_, h) = text_size(label, 13);
        primitives.push(Primitive::Text {
            at: (eps, y_hi),
            offset: (offset_x, 6 + row as i32 * (h + 6)),
            text: label.clone(),
            size: 13,
        });
    }
    if !targets.is_empty() {
        legend.push(LegendEntry {
            label: "target error eps".into(),
            swatch: Swatch::Line {
                color: BLACK,
                width: 2,
                stroke: Stroke::Dashed,
                marker: Marker::None,
            },
        });
    }
}

/// Draw a panel heading (bold-ish grey text) at the top-left of `area`; returns the area below.
fn headed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    heading: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    let (top, rest) = area.split_vertically(24);
    top.draw_text(
        heading,
        &(FONT, 15).into_font().color(&RGBColor(40, 40, 40)),
        (16, 4),
    )
    .map_err(|e| e.to_string())?;
    Ok(rest)
}

impl Figure for Histogram {
    fn size(&self) -> (u32, u32) {
        if self.has_density_panel() {
            Self::SIZE
        } else {
            SIZE
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<Layout, String> {
        let body = titled(root, &self.title, &self.subtitle)?;
        let finite_errors: Vec<f64> = self
            .errors
            .iter()
            .copied()
            .filter(|e| e.is_finite())
            .collect();
        let bulk_values: Vec<f64> = if finite_errors.is_empty() {
            self.densities()
                .iter()
                .flat_map(|d| d.0.iter().map(|p| p.0))
                .collect()
        } else {
            finite_errors.clone()
        };
        let (x_lo, x_hi) = padded_range(bulk_values.iter().copied(), 0.05)
            .ok_or("no finite test error or density point to plot")?;
        let bulk = (x_lo.max(0.0), x_hi);
        let tail = if self.has_density_panel() {
            self.tail_panel(&finite_errors, bulk.1)
        } else {
            None
        };
        let (upper, lower) = if tail.is_some() {
            let (u, l) = body.split_vertically(body.dim_in_pixel().1 as i32 / 2);
            (u, Some(l))
        } else {
            (body.clone(), None)
        };
        let mut panels = Vec::new();
        let bulk_parts = self.bulk_panel(&finite_errors, bulk);
        let area = if lower.is_some() {
            headed(
                &upper,
                "Sampled range: histogram and densities (linear scale)",
            )?
        } else {
            upper
        };
        panels.push(draw_panel(
            root,
            &area,
            &bulk_parts.frame,
            &bulk_parts.primitives,
            &bulk_parts.legend,
        )?);
        if let (Some(lower), Some((parts, gap))) = (lower, tail) {
            let mut heading = String::from(concat!(
                "From the smallest target to the bulk: densities on a log scale, ",
                "sampled errors as ticks"
            ));
            if let Some(from) = gap {
                heading.push_str(&format!(
                    " (densities recorded for e >= {} only)",
                    format_value(from)
                ));
            }
            let area = headed(&lower, &heading)?;
            panels.push(draw_panel(
                root,
                &area,
                &parts.frame,
                &parts.primitives,
                &parts.legend,
            )?);
        }
        Ok(Layout {
            size: root.dim_in_pixel(),
            panels,
            labels: Vec::new(),
        })
    }
}

/// Density histogram of `values`: (left edge, bin width, heights) with
/// `round(sqrt(len))` bins clamped to 10..=60 spanning [min, max], each height
/// `count / (len * width)` so that the bars integrate to 1. Empty input gives no bins.
pub fn density_histogram(values: &[f64]) -> (f64, f64, Vec<f64>) {
    let Some((lo, hi)) = padded_range(values.iter().copied(), 0.0) else {
        return (0.0, 1.0, Vec::new());
    };
    let bins = ((values.len() as f64).sqrt().round() as usize).clamp(10, 60);
    let (lo, width) = if hi > lo {
        (lo, (hi - lo) / bins as f64)
    } else {
        (lo - 0.5, 1.0 / bins as f64)
    };
    let mut counts = vec![0usize; bins];
    for v in values.iter().filter(|v| v.is_finite()) {
        let bin = (((v - lo) / width) as usize).min(bins - 1);
        counts[bin] += 1;
    }
    let total = values.iter().filter(|v| v.is_finite()).count().max(1) as f64;
    (
        lo,
        width,
        counts.iter().map(|&c| c as f64 / (total * width)).collect(),
    )
}
