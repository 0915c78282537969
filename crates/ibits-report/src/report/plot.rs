//! Charts drawn with plotters into PNG (bitmap backend, bundled DejaVu Sans) and SVG.
//!
//! Three kinds cover the report: a [`Histogram`] of sampled test errors with density curves
//! and the target errors marked, a [`LineChart`] (with optional interval bands and log axes)
//! for bits against a numeric axis, and a horizontal [`BarChart`] with interval whiskers for
//! comparisons. Every chart has a title, a subtitle stating what it was computed from (n, N,
//! k, eps), and labelled axes with units.
//!
//! Log axes are drawn by plotting log10 of the values on a linear axis and labelling the ticks
//! with the original values, so one coordinate type serves every chart. Value axes carry bits;
//! on a log scale they start at [`BITS_RESOLUTION`] (or the smallest value, if larger): smaller
//! values (bits like 1e-300, or 0: no bias needed) are drawn at that floor and the axis label
//! says so, so one near-zero cell cannot stretch the axis over hundreds of decades.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::ReportError;

/// Font family name the charts use; [`register_bundled_font`] maps it to DejaVu Sans.
pub const FONT: &str = "sans-serif";

/// Pixel size of every chart.
pub const SIZE: (u32, u32) = (960, 600);

/// Okabe–Ito colours (distinguishable with colour-vision deficiency), then black.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// The smallest number of bits a log-scale value axis shows: below a hundredth of a bit a space
/// needs essentially no inductive bias to reach the target.
pub const BITS_RESOLUTION: f64 = 0.01;

/// A log10 axis whose floor is the smallest positive value or `resolution`, whichever is larger.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogAxis {
    /// log10 of the smallest value drawn; values at or below it (0 included) are drawn here.
    pub floor: f64,
    /// Whether some value lies below the floor.
    pub clamps: bool,
}

impl LogAxis {
    /// The axis for these values (`None` when none is positive and finite); `resolution` = 0
    /// keeps every positive value.
    pub fn new(values: impl Iterator<Item = f64>, resolution: f64) -> Option<Self> {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut zero = false;
        for v in values.filter(|v| v.is_finite() && *v >= 0.0) {
            if v == 0.0 {
                zero = true;
            } else {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if hi < lo {
            return None;
        }
        let floor = lo.max(resolution.min(hi)).log10();
        Some(Self {
            floor,
            clamps: zero || lo.log10() < floor,
        })
    }

    /// log10 of `v`, raised to the floor; NaN for negative or non-finite `v`.
    pub fn map(&self, v: f64) -> f64 {
        if v.is_finite() && v >= 0.0 {
            v.log10().max(self.floor)
        } else {
            f64::NAN
        }
    }

    /// The axis label: `label` with "(log scale)", and the floor when values were raised to it.
    pub fn describe(&self, label: &str) -> String {
        if self.clamps {
            format!(
                "{label} (log scale; values below {} drawn at it)",
                format_value(10f64.powf(self.floor))
            )
        } else {
            format!("{label} (log scale)")
        }
    }
}

/// Register the bundled DejaVu Sans as [`FONT`] for the bitmap backend (once per process).
/// Without a registered font, plotters' text drawing fails.
///
/// # Errors
/// [`ReportError::Plot`] if the bundled font cannot be parsed (a broken build).
pub fn register_bundled_font() -> Result<(), ReportError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ReportError::Plot {
            path: PathBuf::from("<font>"),
            message: "the bundled DejaVu Sans font did not load".into(),
        })
    }
}

/// The two files a chart is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotFiles {
    /// PNG image.
    pub png: PathBuf,
    /// SVG image.
    pub svg: PathBuf,
}

/// Something that can be drawn on any plotters backend.
pub trait Figure {
    /// Draw onto `root` (already cleared to white).
    ///
    /// # Errors
    /// The backend's message.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// Draw `figure` into `dir/stem.png` and `dir/stem.svg`.
///
/// # Errors
/// [`ReportError::Plot`] naming the image that failed.
pub fn render(figure: &impl Figure, dir: &Path, stem: &str) -> Result<PlotFiles, ReportError> {
    register_bundled_font()?;
    std::fs::create_dir_all(dir).map_err(|e| ReportError::io(dir, e))?;
    let png = dir.join(format!("{stem}.png"));
    let svg = dir.join(format!("{stem}.svg"));
    let fail = |path: &Path, message: String| ReportError::Plot {
        path: path.to_path_buf(),
        message,
    };
    {
        let root = BitMapBackend::new(&png, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&png, e.to_string()))?;
        figure.draw(&root).map_err(|m| fail(&png, m))?;
        root.present().map_err(|e| fail(&png, e.to_string()))?;
    }
    {
        let root = SVGBackend::new(&svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&svg, e.to_string()))?;
        figure.draw(&root).map_err(|m| fail(&svg, m))?;
        root.present().map_err(|e| fail(&svg, e.to_string()))?;
    }
    Ok(PlotFiles { png, svg })
}

/// Draw `figure` into an in-memory RGB buffer of [`SIZE`] (3 bytes per pixel, row-major).
///
/// # Errors
/// [`ReportError::Plot`].
pub fn render_rgb(figure: &impl Figure) -> Result<Vec<u8>, ReportError> {
    register_bundled_font()?;
    let fail = |message: String| ReportError::Plot {
        path: PathBuf::from("<memory>"),
        message,
    };
    let mut buffer = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
        figure.draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(buffer)
}

/// Format a tick or annotation value with about three significant digits.
pub fn format_value(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    if !value.is_finite() {
        return value.to_string();
    }
    let magnitude = value.abs();
    if !(1e-3..1e6).contains(&magnitude) {
        return format!("{value:.2e}");
    }
    let decimals = (2 - magnitude.log10().floor() as i32).clamp(0, 6) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// `text` cut to at most `max` characters, ending in "…" when cut (titles must fit the chart's
/// width; the report's captions and tables carry the full text).
fn elided(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    } else {
        text.to_string()
    }
}

/// Draw the title and subtitle in the top band and return the area below it.
fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    let (top, body) = root.split_vertically(56);
    let width = SIZE.0 as i32;
    let centered = |size: u32| {
        TextStyle::from((FONT, size).into_font()).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Top,
        ))
    };
    top.draw_text(
        &elided(title, 84),
        &centered(20).color(&BLACK),
        (width / 2, 6),
    )
    .map_err(|e| e.to_string())?;
    top.draw_text(
        &elided(subtitle, 124),
        &centered(14).color(&RGBColor(70, 70, 70)),
        (width / 2, 32),
    )
    .map_err(|e| e.to_string())?;
    Ok(body)
}

/// (min, max) of finite values, padded by `pad` of the span (or by 1 when all are equal).
fn padded_range(values: impl Iterator<Item = f64>, pad: f64) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return None;
    }
    let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
    Some((lo - pad * span, hi + pad * span))
}

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
    /// Target errors to mark, with their labels.
    pub targets: Vec<(f64, String)>,
}

impl Figure for Histogram {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = titled(root, &self.title, &self.subtitle)?;
        let densities = || {
            self.exact_density
                .iter()
                .chain(self.fitted_density.iter())
                .flatten()
        };
        let x_values: Vec<f64> = if self.errors.is_empty() {
            densities().map(|p| p.0).collect()
        } else {
            self.errors.clone()
        };
        let (x_lo, x_hi) = padded_range(
            x_values
                .iter()
                .copied()
                .chain(self.targets.iter().map(|t| t.0)),
            0.05,
        )
        .ok_or("no finite test error or density point to plot")?;
        let x_lo = x_lo.max(0.0);
        let finite_errors: Vec<f64> = self
            .errors
            .iter()
            .copied()
            .filter(|e| e.is_finite())
            .collect();
        let (e_lo, width, heights) = density_histogram(&finite_errors);
        let y_hi = heights
            .iter()
            .copied()
            .chain(
                densities()
                    .filter(|p| p.0 >= x_lo && p.0 <= x_hi)
                    .map(|p| p.1),
            )
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            * 1.15;
        let y_hi = if y_hi > 0.0 { y_hi } else { 1.0 };

        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(x_lo..x_hi, 0.0..y_hi)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("test error e(h) (mean squared error per entry)")
            .y_desc("probability density (1 / error)")
            .x_label_formatter(&|v| format_value(*v))
            .y_label_formatter(&|v| format_value(*v))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(|e| e.to_string())?;
        if !finite_errors.is_empty() {
            let fill = PALETTE[5].mix(0.45).filled();
            chart
                .draw_series(heights.iter().enumerate().map(|(i, &h)| {
                    let left = e_lo + i as f64 * width;
                    Rectangle::new([(left, 0.0), (left + width, h)], fill)
                }))
                .map_err(|e| e.to_string())?
                .label(format!("sampled errors (S = {})", finite_errors.len()))
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], fill));
        }
        for (points, label, color) in [
            (&self.exact_density, "exact density (GP law)", PALETTE[0]),
            (
                &self.fitted_density,
                "fitted scaled ncx2 density",
                PALETTE[1],
            ),
        ] {
            let Some(points) = points else { continue };
            let inside: Vec<(f64, f64)> = points
                .iter()
                .copied()
                .filter(|p| p.0 >= x_lo && p.0 <= x_hi && p.1.is_finite())
                .collect();
            chart
                .draw_series(LineSeries::new(inside, color.stroke_width(3)))
                .map_err(|e| e.to_string())?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
                });
        }
        for (i, (eps, label)) in self.targets.iter().enumerate() {
            let style = BLACK.stroke_width(2);
            let series = chart
                .draw_series(DashedLineSeries::new(
                    vec![(*eps, 0.0), (*eps, y_hi)],
                    8,
                    5,
                    style,
                ))
                .map_err(|e| e.to_string())?;
            if i == 0 {
                series
                    .label("target error eps")
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
            }
            let y_text = y_hi * (0.96 - 0.06 * (i % 4) as f64);
            chart
                .draw_series(std::iter::once(Text::new(
                    format!(" {label}"),
                    (*eps, y_text),
                    (FONT, 13).into_font().color(&BLACK),
                )))
                .map_err(|e| e.to_string())?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 14))
            .draw()
            .map_err(|e| e.to_string())
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

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    /// Solid line with markers.
    Solid,
    /// Dashed line (bounds).
    Dashed,
    /// Markers only (counting estimates).
    Markers,
}

/// One series of a [`LineChart`].
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// (x, y) points, in increasing x.
    pub points: Vec<(f64, f64)>,
    /// Interval band (x, lower, upper); empty for none.
    pub band: Vec<(f64, f64, f64)>,
    /// Line style.
    pub stroke: Stroke,
    /// Index into [`PALETTE`].
    pub color: usize,
}

/// y against a numeric x, with interval bands.
#[derive(Debug, Clone)]
pub struct LineChart {
    /// Chart title.
    pub title: String,
    /// What it was computed from.
    pub subtitle: String,
    /// x-axis label with unit.
    pub x_label: String,
    /// y-axis label with unit.
    pub y_label: String,
    /// Log-scale x axis.
    pub x_log: bool,
    /// Log-scale y axis.
    pub y_log: bool,
    /// The series.
    pub series: Vec<Series>,
}

impl LineChart {
    /// True when the y values span more than a factor 30 (then a log axis reads better).
    pub fn wide_range(values: impl Iterator<Item = f64>) -> bool {
        let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
        for v in values.filter(|v| v.is_finite() && *v > 0.0) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        hi > 30.0 * lo
    }
}

impl Figure for LineChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = titled(root, &self.title, &self.subtitle)?;
        let xs = || {
            self.series.iter().flat_map(|s| {
                s.points
                    .iter()
                    .map(|p| p.0)
                    .chain(s.band.iter().map(|b| b.0))
            })
        };
        let ys = || {
            self.series.iter().flat_map(|s| {
                s.points
                    .iter()
                    .map(|p| p.1)
                    .chain(s.band.iter().flat_map(|b| [b.1, b.2]))
            })
        };
        let x_axis = if self.x_log {
            LogAxis::new(xs(), 0.0)
        } else {
            None
        };
        let y_axis = if self.y_log {
            LogAxis::new(ys(), BITS_RESOLUTION)
        } else {
            None
        };
        let map_x = |v: f64| x_axis.map_or(v, |a| a.map(v));
        let map_y = |v: f64| y_axis.map_or(v, |a| a.map(v));
        let (x_lo, x_hi) = padded_range(xs().map(map_x), 0.05).ok_or("no finite point to plot")?;
        let (y_lo, y_hi) = padded_range(ys().map(map_y), 0.08).ok_or("no finite point to plot")?;
        let y_lo = if y_axis.is_some() {
            y_lo
        } else {
            y_lo.min(0.0).max(if y_lo >= 0.0 { 0.0 } else { y_lo })
        };
        let (x_log, y_log) = (x_axis.is_some(), y_axis.is_some());
        let x_fmt = move |v: &f64| format_value(if x_log { 10f64.powf(*v) } else { *v });
        let y_fmt = move |v: &f64| format_value(if y_log { 10f64.powf(*v) } else { *v });
        let x_desc = x_axis.map_or(self.x_label.clone(), |a| a.describe(&self.x_label));
        let y_desc = y_axis.map_or(self.y_label.clone(), |a| a.describe(&self.y_label));
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(84)
            .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(|e| e.to_string())?;
        for series in &self.series {
            let color = PALETTE[series.color % PALETTE.len()];
            let points: Vec<(f64, f64)> = series
                .points
                .iter()
                .map(|p| (map_x(p.0), map_y(p.1)))
                .filter(|p| p.0.is_finite() && p.1.is_finite())
                .collect();
            if series.band.len() >= 2 {
                let mut polygon: Vec<(f64, f64)> = series
                    .band
                    .iter()
                    .map(|b| (map_x(b.0), map_y(b.1)))
                    .collect();
                polygon.extend(series.band.iter().rev().map(|b| (map_x(b.0), map_y(b.2))));
                polygon.retain(|p| p.0.is_finite() && p.1.is_finite());
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        polygon,
                        color.mix(0.18).filled(),
                    )))
                    .map_err(|e| e.to_string())?;
            } else {
                for b in &series.band {
                    let (x, lo, hi) = (map_x(b.0), map_y(b.1), map_y(b.2));
                    if x.is_finite() && lo.is_finite() && hi.is_finite() {
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![(x, lo), (x, hi)],
                                color.stroke_width(2),
                            )))
                            .map_err(|e| e.to_string())?;
                    }
                }
            }
            let style = color.stroke_width(2);
            let legend_stroke = series.stroke;
            let annotated = match series.stroke {
                Stroke::Solid => chart
                    .draw_series(LineSeries::new(points.clone(), style))
                    .map_err(|e| e.to_string())?,
                Stroke::Dashed => chart
                    .draw_series(DashedLineSeries::new(points.clone(), 9, 6, style))
                    .map_err(|e| e.to_string())?,
                Stroke::Markers => chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 5, style)))
                    .map_err(|e| e.to_string())?,
            };
            annotated
                .label(series.label.as_str())
                .legend(move |(x, y)| match legend_stroke {
                    Stroke::Markers => {
                        PathElement::new(vec![(x + 6, y), (x + 12, y)], color.stroke_width(6))
                    }
                    _ => PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)),
                });
            if series.stroke != Stroke::Markers {
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                    .map_err(|e| e.to_string())?;
            }
        }
        // Put the legend in the corner the lines cross least.
        let lines: Vec<Vec<(f64, f64)>> = self
            .series
            .iter()
            .map(|s| {
                let mut points: Vec<(f64, f64)> = s
                    .points
                    .iter()
                    .map(|p| (map_x(p.0), map_y(p.1)))
                    .filter(|p| p.0.is_finite() && p.1.is_finite())
                    .map(|(x, y)| ((x - x_lo) / (x_hi - x_lo), (y - y_lo) / (y_hi - y_lo)))
                    .collect();
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                points
            })
            .collect();
        chart
            .configure_series_labels()
            .position(legend_corner(&lines))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 14))
            .draw()
            .map_err(|e| e.to_string())
    }
}

/// The legend corner (upper right, upper left, lower left, lower right, in that order of
/// preference) whose box — 55% of the width, 40% of the height — the polylines cross least;
/// points are in axis fractions (0..1, y up).
fn legend_corner(lines: &[Vec<(f64, f64)>]) -> SeriesLabelPosition {
    let corners = [
        (SeriesLabelPosition::UpperRight, 0.45..=1.0, 0.6..=1.0),
        (SeriesLabelPosition::UpperLeft, 0.0..=0.55, 0.6..=1.0),
        (SeriesLabelPosition::LowerLeft, 0.0..=0.55, 0.0..=0.4),
        (SeriesLabelPosition::LowerRight, 0.45..=1.0, 0.0..=0.4),
    ];
    // Sample each segment every 1% of the axes, so a line through a corner counts even
    // between its points, in proportion to its length there.
    let samples: Vec<(f64, f64)> = lines
        .iter()
        .flat_map(|line| {
            line.windows(2)
                .flat_map(|w| {
                    let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
                    let steps = ((dx.hypot(dy) * 100.0).ceil() as usize).clamp(1, 1000);
                    (0..steps).map(move |i| {
                        let t = i as f64 / steps as f64;
                        (w[0].0 + t * dx, w[0].1 + t * dy)
                    })
                })
                .chain(line.last().copied())
        })
        .collect();
    let mut best = (usize::MAX, SeriesLabelPosition::UpperRight);
    for (position, xs, ys) in corners {
        let hits = samples
            .iter()
            .filter(|(x, y)| xs.contains(x) && ys.contains(y))
            .count();
        if hits < best.0 {
            best = (hits, position);
        }
    }
    best.1
}

/// One bar of a [`BarChart`].
#[derive(Debug, Clone)]
pub struct Bar {
    /// Category label.
    pub label: String,
    /// Bar length.
    pub value: f64,
    /// Interval (lower, upper), if any.
    pub interval: Option<(f64, f64)>,
    /// Index into [`PALETTE`] (e.g. by estimate kind).
    pub color: usize,
}

/// Horizontal bars with interval whiskers.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Chart title.
    pub title: String,
    /// What it was computed from.
    pub subtitle: String,
    /// Value-axis label with unit.
    pub value_label: String,
    /// Bars, top to bottom.
    pub bars: Vec<Bar>,
    /// Legend: (palette index, meaning).
    pub legend: Vec<(usize, String)>,
}

impl Figure for BarChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = titled(root, &self.title, &self.subtitle)?;
        if self.bars.is_empty() {
            return Err("no bar to draw".into());
        }
        let top = self
            .bars
            .iter()
            .flat_map(|b| std::iter::once(b.value).chain(b.interval.map(|i| i.1)))
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max);
        let axis = if LineChart::wide_range(self.bars.iter().map(|b| b.value)) {
            LogAxis::new(
                self.bars
                    .iter()
                    .flat_map(|b| std::iter::once(b.value).chain(b.interval.map(|i| i.1))),
                BITS_RESOLUTION,
            )
        } else {
            None
        };
        let log = axis.is_some();
        let map = move |v: f64| axis.map_or(v, |a| a.map(v));
        let (x_lo, x_hi) = match axis {
            Some(a) => (a.floor.floor(), top.log10() + 0.3),
            None if top > 0.0 => (0.0, top * 1.12),
            None => (0.0, 1.0),
        };
        let count = self.bars.len();
        // Long labels are shortened (the tables carry the full names).
        let labels: Vec<String> = self.bars.iter().map(|b| elided(&b.label, 56)).collect();
        let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let y_fmt = move |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) if *i < count => labels[count - 1 - *i].clone(),
            _ => String::new(),
        };
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size((longest as u32 * 8 + 16).clamp(60, 420))
            .build_cartesian_2d(x_lo..x_hi, (0..count - 1).into_segmented())
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(count)
            .x_desc(axis.map_or(self.value_label.clone(), |a| a.describe(&self.value_label)))
            .x_label_formatter(&|v| format_value(if log { 10f64.powf(*v) } else { *v }))
            .y_label_formatter(&y_fmt)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(|e| e.to_string())?;
        for (row, bar) in self.bars.iter().enumerate() {
            let slot = count - 1 - row;
            let color = PALETTE[bar.color % PALETTE.len()];
            let mut rect = Rectangle::new(
                [
                    (x_lo, SegmentValue::Exact(slot)),
                    (map(bar.value).max(x_lo), SegmentValue::Exact(slot + 1)),
                ],
                color.mix(0.75).filled(),
            );
            rect.set_margin(8, 8, 0, 0);
            chart
                .draw_series(std::iter::once(rect))
                .map_err(|e| e.to_string())?;
            if let Some((lo, hi)) = bar.interval {
                let whisker = BLACK.stroke_width(2);
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![
                            (map(lo), SegmentValue::CenterOf(slot)),
                            (map(hi), SegmentValue::CenterOf(slot)),
                        ],
                        whisker,
                    )))
                    .map_err(|e| e.to_string())?;
            }
            chart
                .draw_series(std::iter::once(Text::new(
                    format!(" {}", format_value(bar.value)),
                    (
                        map(bar.interval.map_or(bar.value, |i| i.1.max(bar.value))),
                        SegmentValue::CenterOf(slot),
                    ),
                    (FONT, 13).into_font().color(&BLACK),
                )))
                .map_err(|e| e.to_string())?;
        }
        for (color, meaning) in &self.legend {
            let color = PALETTE[*color % PALETTE.len()];
            chart
                .draw_series(std::iter::empty::<Rectangle<(f64, SegmentValue<usize>)>>())
                .map_err(|e| e.to_string())?
                .label(meaning.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 18, y + 5)], color.mix(0.75).filled())
                });
        }
        if !self.legend.is_empty() {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .label_font((FONT, 14))
                .draw()
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axis_raises_tiny_bits_to_the_resolution() {
        let values = [1e-300, 0.0, 10.0, 1000.0, f64::NAN];
        let axis = LogAxis::new(values.into_iter(), BITS_RESOLUTION).unwrap();
        assert_eq!(axis.floor, -2.0);
        assert!(axis.clamps);
        assert_eq!(axis.map(1e-300), -2.0);
        assert_eq!(axis.map(0.0), -2.0);
        assert!((axis.map(10.0) - 1.0).abs() < 1e-15);
        assert!(axis.map(-1.0).is_nan());
        assert_eq!(
            axis.describe("bits"),
            "bits (log scale; values below 0.01 drawn at it)"
        );
        // Without a resolution the smallest positive value is the floor; 0 is raised to it.
        let axis = LogAxis::new(values.into_iter(), 0.0).unwrap();
        assert_eq!(axis.floor, -300.0);
        assert!(axis.clamps);
    }

    #[test]
    fn legend_goes_to_the_corner_the_lines_avoid() {
        let corner = |lines: &[Vec<(f64, f64)>]| format!("{:?}", legend_corner(lines));
        // Falling straight line from upper left to lower right: the lower left is free...
        // and so is the upper right; the upper right is preferred.
        assert_eq!(corner(&[vec![(0.0, 1.0), (1.0, 0.0)]]), "UpperRight");
        // Flat lines along the top: the legend goes below.
        let top = vec![(0.0, 0.9), (1.0, 0.85)];
        assert_eq!(corner(std::slice::from_ref(&top)), "LowerLeft");
        // Along the top and falling to the lower right: lower left.
        assert_eq!(corner(&[top, vec![(0.0, 0.5), (1.0, 0.0)]]), "LowerLeft");
        // Rising steeply from the lower left, then flat along the top: lower right.
        assert_eq!(
            corner(&[vec![(0.0, 0.0), (0.2, 0.9), (1.0, 0.95)]]),
            "LowerRight"
        );
    }

    #[test]
    fn log_axis_without_tiny_values_keeps_the_data_range() {
        let axis = LogAxis::new([1.0, 100.0].into_iter(), BITS_RESOLUTION).unwrap();
        assert_eq!(axis.floor, 0.0);
        assert!(!axis.clamps);
        assert_eq!(axis.describe("bits"), "bits (log scale)");
        assert_eq!(
            LogAxis::new([0.0, -1.0, f64::INFINITY].into_iter(), 0.0),
            None
        );
        // Every value below the resolution: the axis starts at the largest.
        let axis = LogAxis::new([1e-5, 1e-3].into_iter(), BITS_RESOLUTION).unwrap();
        assert_eq!(axis.floor, -3.0);
    }
}
