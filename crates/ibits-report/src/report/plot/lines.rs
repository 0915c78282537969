//! Line charts: bits against a numeric axis, with interval bands, optional log axes, distinct
//! strokes and markers drawn in z-order, and a legend that covers no data.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{LegendEntry, Marker, Swatch};
use super::panel::{draw_panel, Frame, Primitive};
use super::{
    padded_range, titled, Axis, Figure, Layout, LogAxis, Scale, BITS_RESOLUTION, MAX_TICKS, PALETTE,
};

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    /// Solid line.
    Solid,
    /// Dashed line (bounds).
    Dashed,
    /// Dotted line.
    Dotted,
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
    /// Interval band (x, lower, upper); empty for none. Drawn as a shaded band under every
    /// line when it has two or more points and the series is a line, else as whiskers.
    pub band: Vec<(f64, f64, f64)>,
    /// Line style.
    pub stroke: Stroke,
    /// Index into [`PALETTE`].
    pub color: usize,
    /// Marker at each point.
    pub marker: Marker,
    /// Line width in pixels.
    pub width: u32,
}

impl Series {
    /// A series with the default look: a solid line 2 pixels wide with filled circles.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>, color: usize) -> Self {
        Self {
            label: label.into(),
            points,
            band: Vec::new(),
            stroke: Stroke::Solid,
            color,
            marker: Marker::Circle,
            width: 2,
        }
    }
}

/// y against a numeric x, with interval bands. Series are drawn in order, so later series lie
/// on top (z-order); every band is drawn before every line.
#[derive(Debug, Clone)]
pub struct LineChart {
    /// Chart title.
    pub title: String,
    /// What it was computed from.
    pub subtitle: String,
    /// x-axis label with unit in brackets at the end.
    pub x_label: String,
    /// y-axis label with unit in brackets at the end.
    pub y_label: String,
    /// Log-scale x axis.
    pub x_log: bool,
    /// Log-scale y axis.
    pub y_log: bool,
    /// x is an integer quantity (n, a dimension): whole-number ticks.
    pub x_integer: bool,
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

/// Half-size in pixels of a marker on a line.
fn marker_size(marker: Marker) -> i32 {
    match marker {
        Marker::Diamond | Marker::Ring => 7,
        Marker::Cross | Marker::Square => 5,
        _ => 4,
    }
}

impl Figure for LineChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<Layout, String> {
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
        let x_log = if self.x_log {
            LogAxis::new(xs(), 0.0)
        } else {
            None
        };
        let y_log = if self.y_log {
            LogAxis::new(ys(), BITS_RESOLUTION)
        } else {
            None
        };
        let map_x = |v: f64| x_log.map_or(v, |a| a.map(v));
        let map_y = |v: f64| y_log.map_or(v, |a| a.map(v));
        let (x_lo, x_hi) = padded_range(xs().map(map_x), 0.05).ok_or("no finite point to plot")?;
        let (y_lo, y_hi) = padded_range(ys().map(map_y), 0.08).ok_or("no finite point to plot")?;
        // A linear axis starts at 0 when no value is negative (bits: lengths from 0).
        let y_lo = if y_log.is_none() && ys().filter(|v| v.is_finite()).all(|v| v >= 0.0) {
            0.0
        } else {
            y_lo
        };
        let x_scale = match (x_log.is_some(), self.x_integer) {
            (true, _) => Scale::Log,
            (false, true) => Scale::Integer,
            (false, false) => Scale::Linear,
        };
        let y_scale = if y_log.is_some() {
            Scale::Log
        } else {
            Scale::Linear
        };
        let x_desc = x_log.map_or(self.x_label.clone(), |a| a.describe(&self.x_label));
        let y_desc = y_log.map_or(self.y_label.clone(), |a| a.describe(&self.y_label));

        let mapped = |points: &[(f64, f64)]| -> Vec<(f64, f64)> {
            points.iter().map(|p| (map_x(p.0), map_y(p.1))).collect()
        };
        let mut primitives = Vec::new();
        // Bands first, under every line.
        for series in &self.series {
            if series.band.len() >= 2 && series.stroke != Stroke::Markers {
                let color = PALETTE[series.color % PALETTE.len()];
                let mut polygon: Vec<(f64, f64)> = series
                    .band
                    .iter()
                    .map(|b| (map_x(b.0), map_y(b.1)))
                    .collect();
                polygon.extend(series.band.iter().rev().map(|b| (map_x(b.0), map_y(b.2))));
                primitives.push(Primitive::Fill {
                    polygon,
                    color,
                    alpha: 0.18,
                });
            }
        }
        let mut legend = Vec::new();
        for series in &self.series {
            let color = PALETTE[series.color % PALETTE.len()];
            if series.band.len() < 2 || series.stroke == Stroke::Markers {
                for b in &series.band {
                    let x = map_x(b.0);
                    primitives.push(Primitive::Line {
                        points: vec![(x, map_y(b.1)), (x, map_y(b.2))],
                        stroke: Stroke::Solid,
                        width: 2,
                        color,
                    });
                }
            }
            let points = mapped(&series.points);
            if series.stroke != Stroke::Markers {
                primitives.push(Primitive::Line {
                    points: points.clone(),
                    stroke: series.stroke,
                    width: series.width,
                    color,
                });
            }
            let marker = match (series.stroke, series.marker) {
                (Stroke::Markers, Marker::None) => Marker::Circle,
                (_, m) => m,
            };
            primitives.push(Primitive::Markers {
                points,
                marker,
                size: marker_size(marker),
                color,
            });
            legend.push(LegendEntry {
                label: series.label.clone(),
                swatch: Swatch::Line {
                    color,
                    width: series.width.min(5),
                    stroke: series.stroke,
                    marker,
                },
            });
        }
        let frame = Frame {
            x: Axis::new(x_lo, x_hi, x_scale, MAX_TICKS),
            y: Axis::new(y_lo, y_hi, y_scale, MAX_TICKS),
            x_desc: &x_desc,
            y_desc: &y_desc,
            left: 0,
            y_grid: true,
        };
        let panel = draw_panel(root, &body, &frame, &primitives, &legend)?;
        Ok(Layout {
            size: root.dim_in_pixel(),
            panels: vec![panel],
            labels: Vec::new(),
        })
    }
}
