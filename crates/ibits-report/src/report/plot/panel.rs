//! One plot panel: axes with chosen ticks, data drawn in z-order from a list of primitives,
//! and a legend in a corner proven free of data or, failing that, in a strip below the plot.
//!
//! Every chart kind describes its data as [`Primitive`]s in data coordinates; [`draw_panel`]
//! maps them to pixels once, so the pixels the legend must avoid are exactly the pixels drawn.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{
    draw_legend, draw_marker, draw_polyline, free_corner, legend_shape, polyline_cover, text_size,
    LegendEntry, Marker, PixelRect,
};
use super::{Axis, Stroke, FONT};

/// Something drawn in a panel, in data coordinates (drawing coordinates of the axes: log10 of
/// the values on a log axis). Later primitives are drawn over earlier ones.
#[derive(Debug, Clone)]
pub enum Primitive {
    /// A polyline.
    Line {
        /// Points.
        points: Vec<(f64, f64)>,
        /// Solid, dashed or dotted.
        stroke: Stroke,
        /// Width in pixels.
        width: u32,
        /// Colour.
        color: RGBColor,
    },
    /// Markers at points.
    Markers {
        /// Points.
        points: Vec<(f64, f64)>,
        /// Shape.
        marker: Marker,
        /// Half-size in pixels.
        size: i32,
        /// Colour.
        color: RGBColor,
    },
    /// A filled polygon (interval bands).
    Fill {
        /// Vertices.
        polygon: Vec<(f64, f64)>,
        /// Colour.
        color: RGBColor,
        /// Opacity mixed with white.
        alpha: f64,
    },
    /// A filled rectangle (bars) between two corners.
    Rect {
        /// One corner.
        a: (f64, f64),
        /// The opposite corner.
        b: (f64, f64),
        /// Inset of the top and bottom edges in pixels (gaps between horizontal bars).
        inset_y: i32,
        /// Colour.
        color: RGBColor,
        /// Opacity mixed with white.
        alpha: f64,
    },
    /// Text whose top-left corner is `offset` pixels from the point `at`.
    Text {
        /// Anchor point.
        at: (f64, f64),
        /// Pixel offset of the text's top-left corner.
        offset: (i32, i32),
        /// The text.
        text: String,
        /// Font size.
        size: u32,
    },
    /// A faint dotted horizontal guide across the whole plot at `y` (a reading aid, not data:
    /// a legend may cover it).
    Guide {
        /// Height of the guide.
        y: f64,
    },
    /// Short vertical ticks `height` pixels tall rising from the bottom of the plot at each x
    /// (one per pixel column).
    Rug {
        /// x of each tick.
        xs: Vec<f64>,
        /// Tick height in pixels.
        height: i32,
        /// Colour.
        color: RGBColor,
    },
}

/// What a drawn panel looked like, in backend pixels (for tests and for the charts that
/// place things around it).
#[derive(Debug, Clone)]
pub struct PanelLayout {
    /// The plot area.
    pub plot: PixelRect,
    /// The x axis drawn.
    pub x: Axis,
    /// The y axis drawn.
    pub y: Axis,
    /// Pixels covered by the data (line samples, markers, fills, bars, text).
    pub occupied: Vec<PixelRect>,
    /// The legend box, if the panel has a legend.
    pub legend: Option<PixelRect>,
    /// Whether the legend lies inside the plot area (in a free corner) rather than below it.
    pub legend_inside: bool,
    /// Texts drawn by [`Primitive::Text`], with their boxes.
    pub texts: Vec<(String, PixelRect)>,
}

/// How a panel is framed.
pub struct Frame<'a> {
    /// x axis.
    pub x: Axis,
    /// y axis.
    pub y: Axis,
    /// x-axis description.
    pub x_desc: &'a str,
    /// y-axis description.
    pub y_desc: &'a str,
    /// Extra room on the left for labels drawn by the caller (bar labels), in pixels; 0 for
    /// the tick labels only.
    pub left: i32,
    /// Whether to draw horizontal grid lines.
    pub y_grid: bool,
}

/// Draw a panel into `area` (part of `root`): the mesh of `frame`, the `primitives` in order,
/// and the `legend` in the first free corner of the plot area, else in a strip below it.
///
/// # Errors
/// The backend's message.
pub fn draw_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    frame: &Frame<'_>,
    primitives: &[Primitive],
    legend: &[LegendEntry],
) -> Result<PanelLayout, String> {
    let tick_width = frame
        .y
        .labels
        .iter()
        .map(|l| text_size(l, 14).0)
        .max()
        .unwrap_or(0);
    let y_area = if frame.left > 0 {
        frame.left
    } else {
        tick_width + 40
    };
    let build = |area: &DrawingArea<DB, Shift>| {
        ChartBuilder::on(area)
            .margin(12)
            .margin_right(20)
            .x_label_area_size(50)
            .y_label_area_size(y_area)
            .build_cartesian_2d(frame.x.clone(), frame.y.clone())
            .map_err(|e| e.to_string())
    };
    // First try: the whole area, legend in a free corner.
    let inside_shape = legend_shape(legend, 0);
    let chart = build(area)?;
    let (occupied, _) = cover(&chart, primitives);
    let plot = plot_rect(&chart);
    let corner = if legend.is_empty() {
        None
    } else {
        free_corner(plot, (inside_shape.width, inside_shape.height), &occupied)
    };
    let (mut chart, strip, shape) = if legend.is_empty() || corner.is_some() {
        (chart, None, inside_shape)
    } else {
        drop(chart);
        let (w, h) = area.dim_in_pixel();
        let shape = legend_shape(legend, w as i32 - 40);
        let (upper, lower) = area.split_vertically(h as i32 - shape.height - 12);
        (build(&upper)?, Some(lower), shape)
    };
    let x_fmt = |v: &f64| frame.x.label_at(*v);
    let y_fmt = |v: &f64| frame.y.label_at(*v);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(frame.x_desc)
        .y_desc(frame.y_desc)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(frame.x.ticks.len().max(1))
        .y_labels(frame.y.ticks.len().max(1))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .bold_line_style(RGBColor(0, 0, 0).mix(0.16))
        .light_line_style(RGBColor(0, 0, 0).mix(0.06));
    if !frame.y_grid {
        mesh.disable_y_mesh();
    }
    if frame.left > 0 {
        mesh.y_label_formatter(&|_| String::new());
    }
    mesh.draw().map_err(|e| e.to_string())?;
    let plot = plot_rect(&chart);
    let (occupied, texts) = cover(&chart, primitives);
    for primitive in primitives {
        draw_primitive(root, &chart, plot, primitive)?;
    }
    let legend_rect = if legend.is_empty() {
        None
    } else if let Some(lower) = &strip {
        let (x0, y0) = lower.get_base_pixel();
        let (w, _) = lower.dim_in_pixel();
        let x = x0 + (w as i32 - shape.width) / 2;
        Some(draw_legend(root, legend, shape, (x, y0 + 4), true)?)
    } else {
        let (_, rect) = free_corner(plot, (shape.width, shape.height), &occupied)
            .ok_or("the legend's corner is no longer free")?;
        Some(draw_legend(root, legend, shape, (rect.x0, rect.y0), true)?)
    };
    Ok(PanelLayout {
        plot,
        x: frame.x.clone(),
        y: frame.y.clone(),
        occupied,
        legend: legend_rect,
        legend_inside: strip.is_none() && !legend.is_empty(),
        texts,
    })
}

/// The plot area of `chart` in backend pixels.
fn plot_rect<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Cartesian2d<Axis, Axis>>,
) -> PixelRect {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    PixelRect::new((xs.start, ys.start), (xs.end - 1, ys.end - 1))
}

/// Backend pixel of a data point.
fn px<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Cartesian2d<Axis, Axis>>,
    p: (f64, f64),
) -> (i32, i32) {
    chart.backend_coord(&p)
}

/// Finite points only.
fn finite(points: &[(f64, f64)]) -> impl Iterator<Item = (f64, f64)> + '_ {
    points
        .iter()
        .copied()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
}

/// The pixel columns of a rug (one per column, in increasing order).
fn rug_columns<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Cartesian2d<Axis, Axis>>,
    xs: &[f64],
) -> Vec<i32> {
    let y = chart.y_range().start;
    let mut columns: Vec<i32> = xs
        .iter()
        .filter(|x| x.is_finite())
        .map(|&x| px(chart, (x, y)).0)
        .collect();
    columns.sort_unstable();
    columns.dedup();
    columns
}

/// The pixels each primitive covers, and the boxes of the texts.
fn cover<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Cartesian2d<Axis, Axis>>,
    primitives: &[Primitive],
) -> (Vec<PixelRect>, Vec<(String, PixelRect)>) {
    let plot = plot_rect(chart);
    let mut out = Vec::new();
    let mut texts = Vec::new();
    for primitive in primitives {
        match primitive {
            Primitive::Line { points, width, .. } => {
                let pixels: Vec<(i32, i32)> = finite(points).map(|p| px(chart, p)).collect();
                out.extend(polyline_cover(&pixels, *width));
            }
            Primitive::Markers { points, size, .. } => {
                out.extend(finite(points).map(|p| PixelRect::around(px(chart, p), size + 1)));
            }
            Primitive::Fill { polygon, .. } => {
                // The band between its lower and upper edges: every vertical segment between
                // the vertex pairs i and n-1-i, sampled along x.
                let pixels: Vec<(i32, i32)> = finite(polygon).map(|p| px(chart, p)).collect();
                let n = pixels.len();
                for i in 0..n / 2 {
                    let (a, b) = (pixels[i], pixels[n - 1 - i]);
                    out.push(PixelRect::new(a, b));
                    if i + 1 < n / 2 {
                        let (c, d) = (pixels[i + 1], pixels[n - 2 - i]);
                        let steps = ((c.0 - a.0).abs() / 3).max(1);
                        for s in 1..steps {
                            let t = f64::from(s) / f64::from(steps);
                            let lerp = |p: (i32, i32), q: (i32, i32)| {
                                (
                                    p.0 + (t * f64::from(q.0 - p.0)).round() as i32,
                                    p.1 + (t * f64::from(q.1 - p.1)).round() as i32,
                                )
                            };
                            out.push(PixelRect::new(lerp(a, c), lerp(b, d)));
                        }
                    }
                }
                out.extend(polyline_cover(&pixels, 1));
            }
            Primitive::Rect { a, b, inset_y, .. } => {
                let (pa, pb) = (px(chart, *a), px(chart, *b));
                let mut rect = PixelRect::new(pa, pb);
                rect.y0 += inset_y;
                rect.y1 -= inset_y;
                out.push(rect);
            }
            Primitive::Text {
                at,
                offset,
                text,
                size,
            } => {
                let p = px(chart, *at);
                let (w, h) = text_size(text, *size);
                let rect = PixelRect::new(
                    (p.0 + offset.0, p.1 + offset.1),
                    (p.0 + offset.0 + w, p.1 + offset.1 + h),
                );
                out.push(rect);
                texts.push((text.clone(), rect));
            }
            Primitive::Rug { xs, height, .. } => {
                for x in rug_columns(chart, xs) {
                    out.push(PixelRect::new((x, plot.y1 - height), (x, plot.y1)));
                }
            }
            Primitive::Guide { .. } => {}
        }
    }
    (out, texts)
}

/// Draw one primitive in backend pixels on `root`.
fn draw_primitive<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, Cartesian2d<Axis, Axis>>,
    plot: PixelRect,
    primitive: &Primitive,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    match primitive {
        Primitive::Line {
            points,
            stroke,
            width,
            color,
        } => {
            let pixels: Vec<(i32, i32)> = finite(points).map(|p| px(chart, p)).collect();
            draw_polyline(root, &pixels, *stroke, color.stroke_width(*width))
        }
        Primitive::Markers {
            points,
            marker,
            size,
            color,
        } => {
            for p in finite(points) {
                draw_marker(root, px(chart, p), *marker, *size, *color)?;
            }
            Ok(())
        }
        Primitive::Fill {
            polygon,
            color,
            alpha,
        } => {
            let pixels: Vec<(i32, i32)> = finite(polygon).map(|p| px(chart, p)).collect();
            if pixels.len() < 3 {
                return Ok(());
            }
            root.draw(&Polygon::new(pixels, color.mix(*alpha).filled()))
                .map_err(e)
        }
        Primitive::Rect {
            a,
            b,
            inset_y,
            color,
            alpha,
        } => {
            let mut rect = PixelRect::new(px(chart, *a), px(chart, *b));
            rect.y0 += inset_y;
            rect.y1 -= inset_y;
            root.draw(&Rectangle::new(
                [(rect.x0, rect.y0), (rect.x1, rect.y1)],
                color.mix(*alpha).filled(),
            ))
            .map_err(e)
        }
        Primitive::Text {
            at,
            offset,
            text,
            size,
        } => {
            let p = px(chart, *at);
            let (x, y) = (p.0 + offset.0, p.1 + offset.1);
            // On a white box, so that grid lines and guides do not run through the text.
            let (w, h) = text_size(text, *size);
            root.draw(&Rectangle::new(
                [(x - 2, y - 1), (x + w + 2, y + h + 1)],
                WHITE.filled(),
            ))
            .map_err(e)?;
            root.draw(&Text::new(
                text.clone(),
                (x, y),
                (FONT, *size).into_font().color(&BLACK),
            ))
            .map_err(e)
        }
        Primitive::Guide { y } => {
            let y = px(chart, (chart.x_range().start, *y)).1;
            draw_polyline(
                root,
                &[(plot.x0, y), (plot.x1, y)],
                Stroke::Dotted,
                RGBColor(160, 160, 160).stroke_width(1),
            )
        }
        Primitive::Rug { xs, height, color } => {
            for x in rug_columns(chart, xs) {
                root.draw(&PathElement::new(
                    vec![(x, plot.y1 - height), (x, plot.y1)],
                    color.stroke_width(1),
                ))
                .map_err(e)?;
            }
            Ok(())
        }
    }
}
