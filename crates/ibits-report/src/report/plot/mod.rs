//! Charts drawn with plotters into PNG (bitmap backend, bundled DejaVu Sans) and SVG.
//!
//! Three kinds cover the report: a [`Histogram`] of sampled test errors with density curves
//! and the target errors marked, over a second panel of the densities on a log scale from the
//! smallest target to the bulk; a [`LineChart`] (with optional interval bands and log axes) for
//! bits against a numeric axis; and a [`BarChart`] for comparisons (bars from 0 on a linear
//! axis, or dots on a log axis when the values span more than a factor 30). Every chart has a
//! title, a subtitle stating what it was computed from (n, N, k, eps), and labelled axes with
//! units. The rules they follow are described in docs/reports.md ("Charts").
//!
//! Log axes are drawn by plotting log10 of the values on a linear axis and labelling the ticks
//! with the original values, so one coordinate type ([`Axis`]) serves every chart; ticks are
//! 1-2-5 multiples or decades ([`log_ticks`]), integer for counts ([`Scale::Integer`]). Value
//! axes carry bits; on a log scale they start at [`BITS_RESOLUTION`] (or the smallest value,
//! if larger): smaller values (bits like 1e-300, or 0: no bias needed) are drawn at that floor
//! and the axis label says so, so one near-zero cell cannot stretch the axis over hundreds of
//! decades.
//!
//! Each chart describes its data as [`Primitive`]s drawn in order (z-order) by
//! [`draw_panel`], which also places the legend: in a corner of the plot area that no drawn
//! pixel touches ([`free_corner`]), else in a strip below the plot. [`layout`] returns where
//! everything went, for tests.
//!
//! One file per chart kind: the histogram ([`Histogram`], [`density_histogram`]), line charts
//! ([`LineChart`], [`Series`], [`Stroke`]) and bar charts ([`BarChart`], [`Bar`]); axes and
//! ticks ([`Axis`]), legends and markers ([`LegendEntry`], [`Marker`]) and panels
//! ([`draw_panel`]) are shared. This module holds the font, size and palette, [`LogAxis`],
//! rendering to files or memory, value formatting and the title band.

mod axis;
mod bars;
mod histogram;
mod legend;
mod lines;
mod panel;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::ReportError;

pub use axis::{linear_ticks, log_ticks, tick_label, Axis, Scale, MAX_TICKS};
pub use bars::{wrap_label, Bar, BarChart};
pub use histogram::{density_histogram, Histogram};
pub use legend::{
    free_corner, polyline_cover, text_size, Corner, LegendEntry, Marker, PixelRect, Swatch,
    MARKER_CYCLE,
};
pub use lines::{LineChart, Series, Stroke};
pub use panel::{draw_panel, Frame, PanelLayout, Primitive};

/// Font family name the charts use; [`register_bundled_font`] maps it to DejaVu Sans.
pub const FONT: &str = "sans-serif";

/// Pixel size of every chart but the histogram ([`Histogram::SIZE`]) and bar charts with many
/// bars (taller, see [`BarChart`]).
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

    /// The axis label: `label` with "log scale", and the floor when values were raised to it.
    /// A unit in brackets at the end of `label` shares them: "inductive bias (bits)" becomes
    /// "inductive bias (bits, log scale)", never "(bits) (log scale)".
    pub fn describe(&self, label: &str) -> String {
        let note = if self.clamps {
            format!(
                "log scale; values below {} drawn at it",
                format_value(10f64.powf(self.floor))
            )
        } else {
            "log scale".to_string()
        };
        match label.strip_suffix(')').and_then(|l| l.rsplit_once(" (")) {
            Some((name, unit))
                if !unit.contains('(')
                    && name.matches('(').count() == name.matches(')').count() =>
            {
                format!("{name} ({unit}, {note})")
            }
            _ => format!("{label} ({note})"),
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
    /// Draw onto `root` (already cleared to white, of [`Figure::size`]) and say where the
    /// panels, legends and labels went.
    ///
    /// # Errors
    /// The backend's message.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<Layout, String>;

    /// Pixel size of the image.
    fn size(&self) -> (u32, u32) {
        SIZE
    }
}

/// Where a drawn figure put things, in backend pixels.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Image size.
    pub size: (u32, u32),
    /// The panels, top to bottom.
    pub panels: Vec<PanelLayout>,
    /// Category labels drawn beside the plot (bar charts): full text and box; a label wrapped
    /// over several lines is one entry per line.
    pub labels: Vec<(String, PixelRect)>,
}

/// Draw `figure` into memory and return its [`Layout`].
///
/// # Errors
/// [`ReportError::Plot`].
pub fn layout(figure: &impl Figure) -> Result<Layout, ReportError> {
    register_bundled_font()?;
    let size = figure.size();
    let fail = |message: String| ReportError::Plot {
        path: PathBuf::from("<memory>"),
        message,
    };
    let mut buffer = vec![0u8; (size.0 * size.1 * 3) as usize];
    let root = BitMapBackend::with_buffer(&mut buffer, size).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
    figure.draw(&root).map_err(fail)
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
        let root = BitMapBackend::new(&png, figure.size()).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&png, e.to_string()))?;
        figure.draw(&root).map_err(|m| fail(&png, m))?;
        root.present().map_err(|e| fail(&png, e.to_string()))?;
    }
    {
        let root = SVGBackend::new(&svg, figure.size()).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&svg, e.to_string()))?;
        figure.draw(&root).map_err(|m| fail(&svg, m))?;
        root.present().map_err(|e| fail(&svg, e.to_string()))?;
    }
    Ok(PlotFiles { png, svg })
}

/// Draw `figure` into an in-memory RGB buffer of [`Figure::size`] (3 bytes per pixel,
/// row-major).
///
/// # Errors
/// [`ReportError::Plot`].
pub fn render_rgb(figure: &impl Figure) -> Result<Vec<u8>, ReportError> {
    register_bundled_font()?;
    let fail = |message: String| ReportError::Plot {
        path: PathBuf::from("<memory>"),
        message,
    };
    let size = figure.size();
    let mut buffer = vec![0u8; (size.0 * size.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, size).into_drawing_area();
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

/// `text` cut to at most `max` characters, ending in "…" when cut (a title too long for the
/// chart even in a smaller font; the report's captions and tables carry the full text).
fn elided(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    } else {
        text.to_string()
    }
}

/// `text` in the largest of `sizes` (decreasing) at which it fits `width` pixels, else cut to fit
/// at the smallest, ending in "…" (the report's captions carry the full text).
fn fitted_text(text: &str, width: i32, sizes: &[u32]) -> (String, u32) {
    for &size in sizes {
        if legend::text_size(text, size).0 <= width {
            return (text.to_string(), size);
        }
    }
    let size = sizes.last().copied().unwrap_or(14);
    let mut count = text.chars().count();
    while count > 1 && legend::text_size(&elided(text, count), size).0 > width {
        count -= 1;
    }
    (elided(text, count), size)
}

/// Draw the title and subtitle in the top band and return the area below it; each is shrunk
/// (down to 14 and 12 px) before it is cut to fit the width.
fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    let (top, body) = root.split_vertically(56);
    let width = root.dim_in_pixel().0 as i32;
    let centered = |size: u32| {
        TextStyle::from((FONT, size).into_font()).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Top,
        ))
    };
    let (title, title_size) = fitted_text(title, width - 24, &[20, 18, 16, 14]);
    let (subtitle, subtitle_size) = fitted_text(subtitle, width - 24, &[14, 13, 12]);
    top.draw_text(&title, &centered(title_size).color(&BLACK), (width / 2, 6))
        .map_err(|e| e.to_string())?;
    top.draw_text(
        &subtitle,
        &centered(subtitle_size).color(&RGBColor(70, 70, 70)),
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
    fn log_axis_without_tiny_values_keeps_the_data_range() {
        let axis = LogAxis::new([1.0, 100.0].into_iter(), BITS_RESOLUTION).unwrap();
        assert_eq!(axis.floor, 0.0);
        assert!(!axis.clamps);
        assert_eq!(axis.describe("bits"), "bits (log scale)");
        // A unit in brackets shares them with the scale: never "(bits) (log scale)".
        assert_eq!(
            axis.describe("inductive bias (bits)"),
            "inductive bias (bits, log scale)"
        );
        assert_eq!(
            axis.describe("error (MSE (per entry))"),
            "error (MSE (per entry)) (log scale)"
        );
        assert_eq!(
            LogAxis::new([0.0, -1.0, f64::INFINITY].into_iter(), 0.0),
            None
        );
        // Every value below the resolution: the axis starts at the largest.
        let axis = LogAxis::new([1e-5, 1e-3].into_iter(), BITS_RESOLUTION).unwrap();
        assert_eq!(axis.floor, -3.0);
    }
}
