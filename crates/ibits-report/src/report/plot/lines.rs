//! Line charts: bits against a numeric axis, with interval bands, optional log axes, and the
//! legend placed in the corner the lines cross least.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{format_value, padded_range, titled, Figure, LogAxis, BITS_RESOLUTION, FONT, PALETTE};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
