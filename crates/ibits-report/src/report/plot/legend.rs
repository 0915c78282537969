//! Legends that never cover data, markers, and the pixel bookkeeping both need.
//!
//! Every chart records what it drew as pixel rectangles ([`PixelRect`]: line samples, markers,
//! bars, bands, text). A legend goes into the first corner of the plot area (upper right, upper
//! left, lower right, lower left) whose box meets none of them ([`free_corner`]); when every
//! corner holds data, the chart puts its legend in a strip below the plot instead
//! (docs/reports.md, "Charts").

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Stroke, FONT};

/// A rectangle in backend pixels, `x0 <= x1`, `y0 <= y1`, edges included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelRect {
    /// Left.
    pub x0: i32,
    /// Top.
    pub y0: i32,
    /// Right.
    pub x1: i32,
    /// Bottom.
    pub y1: i32,
}

impl PixelRect {
    /// The rectangle spanning two corners given in any order.
    pub fn new(a: (i32, i32), b: (i32, i32)) -> Self {
        Self {
            x0: a.0.min(b.0),
            y0: a.1.min(b.1),
            x1: a.0.max(b.0),
            y1: a.1.max(b.1),
        }
    }

    /// The square of half-width `r` around `p`.
    pub fn around(p: (i32, i32), r: i32) -> Self {
        Self::new((p.0 - r, p.1 - r), (p.0 + r, p.1 + r))
    }

    /// Whether the two rectangles share a pixel.
    pub fn intersects(&self, other: &PixelRect) -> bool {
        self.x0 <= other.x1 && other.x0 <= self.x1 && self.y0 <= other.y1 && other.y0 <= self.y1
    }

    /// Whether `other` lies inside this rectangle.
    pub fn contains(&self, other: &PixelRect) -> bool {
        self.x0 <= other.x0 && other.x1 <= self.x1 && self.y0 <= other.y0 && other.y1 <= self.y1
    }

    /// Width in pixels.
    pub fn width(&self) -> i32 {
        self.x1 - self.x0
    }

    /// Height in pixels.
    pub fn height(&self) -> i32 {
        self.y1 - self.y0
    }
}

/// The pixel rectangles covered by the polyline through `points` drawn `width` wide: one small
/// square every 3 pixels along each segment.
pub fn polyline_cover(points: &[(i32, i32)], width: u32) -> Vec<PixelRect> {
    let r = (width as i32 + 1) / 2 + 1;
    let mut cover: Vec<PixelRect> = points.iter().map(|&p| PixelRect::around(p, r)).collect();
    for w in points.windows(2) {
        let (dx, dy) = (f64::from(w[1].0 - w[0].0), f64::from(w[1].1 - w[0].1));
        let steps = (dx.hypot(dy) / 3.0).ceil().clamp(1.0, 10_000.0) as i32;
        for i in 1..steps {
            let t = f64::from(i) / f64::from(steps);
            let p = (
                w[0].0 + (t * dx).round() as i32,
                w[0].1 + (t * dy).round() as i32,
            );
            cover.push(PixelRect::around(p, r));
        }
    }
    cover
}

/// A marker shape drawn at data points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// No marker.
    None,
    /// Filled circle.
    Circle,
    /// Filled square.
    Square,
    /// Filled triangle, point up.
    Triangle,
    /// Diamond outline (leaves a smaller filled marker under it visible).
    Diamond,
    /// Diagonal cross.
    Cross,
    /// Circle outline.
    Ring,
}

/// Markers for lines told apart by shape (trend charts): one per series, in this order.
pub const MARKER_CYCLE: [Marker; 6] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::Diamond,
    Marker::Cross,
    Marker::Ring,
];

/// Draw `marker` of half-size `r` centred on pixel `c` of `area` (root coordinates).
pub fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: (i32, i32),
    marker: Marker,
    r: i32,
    color: RGBColor,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    match marker {
        Marker::None => Ok(()),
        Marker::Circle => area.draw(&Circle::new(c, r, color.filled())).map_err(e),
        Marker::Ring => area
            .draw(&Circle::new(c, r, color.stroke_width(2)))
            .map_err(e),
        Marker::Square => area
            .draw(&Rectangle::new(
                [(c.0 - r, c.1 - r), (c.0 + r, c.1 + r)],
                color.filled(),
            ))
            .map_err(e),
        Marker::Triangle => area
            .draw(&Polygon::new(
                vec![
                    (c.0, c.1 - r - 1),
                    (c.0 + r + 1, c.1 + r),
                    (c.0 - r - 1, c.1 + r),
                ],
                color.filled(),
            ))
            .map_err(e),
        Marker::Diamond => area
            .draw(&PathElement::new(
                vec![
                    (c.0, c.1 - r),
                    (c.0 + r, c.1),
                    (c.0, c.1 + r),
                    (c.0 - r, c.1),
                    (c.0, c.1 - r),
                ],
                color.stroke_width(2),
            ))
            .map_err(e),
        Marker::Cross => {
            area.draw(&PathElement::new(
                vec![(c.0 - r, c.1 - r), (c.0 + r, c.1 + r)],
                color.stroke_width(2),
            ))
            .map_err(e)?;
            area.draw(&PathElement::new(
                vec![(c.0 - r, c.1 + r), (c.0 + r, c.1 - r)],
                color.stroke_width(2),
            ))
            .map_err(e)
        }
    }
}

/// Dash and gap lengths in pixels of a stroke (`None`: solid).
pub fn dash_pattern(stroke: Stroke) -> Option<(u32, u32)> {
    match stroke {
        Stroke::Dashed => Some((10, 6)),
        Stroke::Dotted => Some((3, 5)),
        Stroke::Solid | Stroke::Markers => None,
    }
}

/// Draw the pixel polyline `points` on `area` with `stroke` (solid, dashed or dotted).
pub fn draw_polyline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(i32, i32)],
    stroke: Stroke,
    style: ShapeStyle,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    if points.len() < 2 {
        return Ok(());
    }
    match dash_pattern(stroke) {
        None if stroke == Stroke::Markers => Ok(()),
        None => area
            .draw(&PathElement::new(points.to_vec(), style))
            .map_err(e),
        Some((on, off)) => {
            // Walk the polyline, emitting `on` pixels of every `on + off`.
            let period = f64::from(on + off);
            let mut phase = 0.0f64;
            for w in points.windows(2) {
                let (dx, dy) = (f64::from(w[1].0 - w[0].0), f64::from(w[1].1 - w[0].1));
                let length = dx.hypot(dy);
                if length == 0.0 {
                    continue;
                }
                let at = |s: f64| {
                    (
                        w[0].0 + (dx * s / length).round() as i32,
                        w[0].1 + (dy * s / length).round() as i32,
                    )
                };
                let mut s = 0.0;
                while s < length {
                    let in_period = phase % period;
                    if in_period < f64::from(on) {
                        let end = (s + f64::from(on) - in_period).min(length);
                        area.draw(&PathElement::new(vec![at(s), at(end)], style))
                            .map_err(e)?;
                        phase += end - s;
                        s = end;
                    } else {
                        let end = (s + period - in_period).min(length);
                        phase += end - s;
                        s = end;
                    }
                }
            }
            Ok(())
        }
    }
}

/// What a legend entry shows beside its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// A line sample with its stroke, width and marker.
    Line {
        /// Colour.
        color: RGBColor,
        /// Line width in pixels.
        width: u32,
        /// Solid, dashed, dotted, or markers only.
        stroke: Stroke,
        /// Marker drawn in the middle.
        marker: Marker,
    },
    /// A filled box (bars, histogram).
    Fill(RGBColor, f64),
    /// Short vertical ticks (a rug).
    Rug(RGBColor),
}

/// One legend row.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// Text.
    pub label: String,
    /// Sample drawn before the text.
    pub swatch: Swatch,
}

/// Font size of legend text.
const LEGEND_FONT: u32 = 14;
/// Height of one legend row.
const ROW: i32 = 21;
/// Width of the swatch and the gap after it.
const SWATCH: i32 = 38;
/// Padding inside the legend box.
const PAD: i32 = 7;

/// Width and height in pixels of `text` in the chart font at `size`.
pub fn text_size(text: &str, size: u32) -> (i32, i32) {
    let _ = super::register_bundled_font();
    (FONT, size)
        .into_font()
        .box_size(text)
        .map(|(w, h)| (w as i32, h as i32))
        .unwrap_or((
            text.chars().count() as i32 * size as i32 * 6 / 10,
            size as i32,
        ))
}

/// The legend's layout: entries in `columns` columns of `column_width` pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegendShape {
    /// Number of columns.
    pub columns: usize,
    /// Width of one column (swatch, text, gap).
    pub column_width: i32,
    /// Box width.
    pub width: i32,
    /// Box height.
    pub height: i32,
}

/// The box of `entries` in at most as many columns as fit in `max_width` pixels (one column
/// for a legend inside a plot).
pub fn legend_shape(entries: &[LegendEntry], max_width: i32) -> LegendShape {
    let widest = entries
        .iter()
        .map(|e| text_size(&e.label, LEGEND_FONT).0)
        .max()
        .unwrap_or(0);
    let column_width = SWATCH + widest + 18;
    let columns = ((max_width - 2 * PAD) / column_width).clamp(1, entries.len().max(1) as i32);
    let rows = (entries.len() as i32 + columns - 1) / columns;
    LegendShape {
        columns: columns as usize,
        column_width,
        width: 2 * PAD + columns * column_width - 18,
        height: 2 * PAD + rows * ROW - 4,
    }
}

/// Which corner of the plot area a legend sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    /// Upper right.
    UpperRight,
    /// Upper left.
    UpperLeft,
    /// Lower right.
    LowerRight,
    /// Lower left.
    LowerLeft,
}

/// The first corner of `plot` (upper right, upper left, lower right, lower left) where a box of
/// `size` pixels, 8 pixels in from the axes, meets none of the `occupied` rectangles; with that
/// box. `None` when every corner holds data.
pub fn free_corner(
    plot: PixelRect,
    size: (i32, i32),
    occupied: &[PixelRect],
) -> Option<(Corner, PixelRect)> {
    let inset = 8;
    if size.0 + 2 * inset > plot.width() || size.1 + 2 * inset > plot.height() {
        return None;
    }
    let (left, right) = (plot.x0 + inset, plot.x1 - inset - size.0);
    let (top, bottom) = (plot.y0 + inset, plot.y1 - inset - size.1);
    [
        (Corner::UpperRight, (right, top)),
        (Corner::UpperLeft, (left, top)),
        (Corner::LowerRight, (right, bottom)),
        (Corner::LowerLeft, (left, bottom)),
    ]
    .into_iter()
    .map(|(corner, (x, y))| (corner, PixelRect::new((x, y), (x + size.0, y + size.1))))
    .find(|(_, rect)| {
        // A 3-pixel margin keeps the box off the data it nearly touches.
        let grown = PixelRect::new((rect.x0 - 3, rect.y0 - 3), (rect.x1 + 3, rect.y1 + 3));
        !occupied.iter().any(|o| o.intersects(&grown))
    })
}

/// Draw a legend of `entries` with `shape` whose box's top-left pixel is `at` (root
/// coordinates), with a white background and a grey border; returns the box.
pub fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    shape: LegendShape,
    at: (i32, i32),
    border: bool,
) -> Result<PixelRect, String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let rect = PixelRect::new(at, (at.0 + shape.width, at.1 + shape.height));
    root.draw(&Rectangle::new(
        [(rect.x0, rect.y0), (rect.x1, rect.y1)],
        WHITE.filled(),
    ))
    .map_err(e)?;
    if border {
        root.draw(&Rectangle::new(
            [(rect.x0, rect.y0), (rect.x1, rect.y1)],
            RGBColor(120, 120, 120).stroke_width(1),
        ))
        .map_err(e)?;
    }
    let font = (FONT, LEGEND_FONT).into_font().color(&BLACK);
    for (i, entry) in entries.iter().enumerate() {
        let (col, row) = (i % shape.columns, i / shape.columns);
        let x = rect.x0 + PAD + col as i32 * shape.column_width;
        let y = rect.y0 + PAD + row as i32 * ROW + ROW / 2 - 2;
        match entry.swatch {
            Swatch::Line {
                color,
                width,
                stroke,
                marker,
            } => {
                if stroke != Stroke::Markers {
                    draw_polyline(
                        root,
                        &[(x, y), (x + 30, y)],
                        stroke,
                        color.stroke_width(width),
                    )?;
                }
                draw_marker(root, (x + 15, y), marker, 5, color)?;
            }
            Swatch::Fill(color, alpha) => {
                root.draw(&Rectangle::new(
                    [(x + 3, y - 6), (x + 27, y + 6)],
                    color.mix(alpha).filled(),
                ))
                .map_err(e)?;
            }
            Swatch::Rug(color) => {
                for dx in [4, 9, 12, 17, 25] {
                    root.draw(&PathElement::new(
                        vec![(x + dx, y - 6), (x + dx, y + 6)],
                        color.stroke_width(1),
                    ))
                    .map_err(e)?;
                }
            }
        }
        let (_, h) = text_size(&entry.label, LEGEND_FONT);
        root.draw(&Text::new(
            entry.label.clone(),
            (x + SWATCH, y - h / 2),
            font.clone(),
        ))
        .map_err(e)?;
    }
    Ok(rect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_corner_holds_no_data_and_a_full_plot_gets_none() {
        let plot = PixelRect::new((100, 60), (900, 540));
        let size = (200, 80);
        // A falling line from the upper left to the lower right: upper right is free.
        let line = polyline_cover(&[(100, 60), (900, 540)], 2);
        let (corner, rect) = free_corner(plot, size, &line).unwrap();
        assert_eq!(corner, Corner::UpperRight);
        assert!(!line.iter().any(|o| o.intersects(&rect)));
        // Flat line along the top: the legend goes below, left or right.
        let top = polyline_cover(&[(100, 80), (900, 90)], 2);
        let (corner, rect) = free_corner(plot, size, &top).unwrap();
        assert_eq!(corner, Corner::LowerRight);
        assert!(!top.iter().any(|o| o.intersects(&rect)));
        // A line through every corner region: no free corner.
        let zigzag = polyline_cover(
            &[(100, 60), (900, 540), (900, 60), (100, 540), (100, 60)],
            2,
        );
        assert_eq!(free_corner(plot, size, &zigzag), None);
    }

    #[test]
    fn random_data_never_lies_under_the_chosen_corner() {
        let mut state = 11u64;
        let mut next = |n: i32| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) % n as u64) as i32
        };
        let plot = PixelRect::new((80, 60), (940, 560));
        for _ in 0..500 {
            let points: Vec<(i32, i32)> = (0..(2 + next(8)))
                .map(|_| (80 + next(860), 60 + next(500)))
                .collect();
            let cover = polyline_cover(&points, 3);
            let size = (60 + next(300), 30 + next(150));
            match free_corner(plot, size, &cover) {
                Some((_, rect)) => {
                    assert!(plot.contains(&rect));
                    // Every pixel of every segment (not only the samples) is outside the box.
                    for w in points.windows(2) {
                        for i in 0..=200 {
                            let t = f64::from(i) / 200.0;
                            let p = (
                                w[0].0 + (t * f64::from(w[1].0 - w[0].0)).round() as i32,
                                w[0].1 + (t * f64::from(w[1].1 - w[0].1)).round() as i32,
                            );
                            assert!(
                                !rect.intersects(&PixelRect::around(p, 1)),
                                "{p:?} inside {rect:?}"
                            );
                        }
                    }
                }
                None => {
                    // Then every corner box meets the data.
                    let inset = 8;
                    for (x, y) in [
                        (plot.x0 + inset, plot.y0 + inset),
                        (plot.x1 - inset - size.0, plot.y0 + inset),
                        (plot.x0 + inset, plot.y1 - inset - size.1),
                        (plot.x1 - inset - size.0, plot.y1 - inset - size.1),
                    ] {
                        let rect = PixelRect::new((x - 3, y - 3), (x + size.0 + 3, y + size.1 + 3));
                        assert!(cover.iter().any(|o| o.intersects(&rect)));
                    }
                }
            }
        }
    }
}
