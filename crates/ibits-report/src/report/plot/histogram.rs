//! The test-error histogram: sampled errors as a density, the exact and fitted densities, and
//! the target errors marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{format_value, padded_range, titled, Figure, FONT, PALETTE};

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
