//! Comparison charts: one row per category with its full label (wrapped, never cut), the value
//! as a bar from 0 on a linear axis, or as a dot on a log axis when the values span more than
//! a factor 30 (a bar's length on a log axis means nothing), with interval whiskers.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{text_size, LegendEntry, Marker, PixelRect, Swatch};
use super::panel::{draw_panel, Frame, Primitive};
use super::{
    format_value, titled, Axis, Figure, Layout, LineChart, LogAxis, Scale, Stroke, BITS_RESOLUTION,
    FONT, MAX_TICKS, PALETTE, SIZE,
};

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

/// One row per category: bars from 0 on a linear axis, or dots on a log axis when the values
/// span more than a factor 30; interval whiskers; full labels on the left. The chart grows
/// taller than [`SIZE`] when the rows need it.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Chart title.
    pub title: String,
    /// What it was computed from.
    pub subtitle: String,
    /// Value-axis label with unit in brackets at the end.
    pub value_label: String,
    /// Bars, top to bottom.
    pub bars: Vec<Bar>,
    /// Legend: (palette index, meaning).
    pub legend: Vec<(usize, String)>,
}

/// Font size of the category labels.
const LABEL_FONT: u32 = 14;
/// Widest a label line may be before it wraps.
const MAX_LABEL_WIDTH: i32 = 430;
/// Pixels per label line.
const LINE: i32 = 18;

/// `text` split into lines no wider than `max_width` pixels at `size`, breaking after " · " or
/// ", " (the separators stay at the line ends); nothing is dropped: a piece wider than
/// `max_width` gets a line of its own, and the lines joined give `text` back.
pub fn wrap_label(text: &str, max_width: i32, size: u32) -> Vec<String> {
    let mut cuts: Vec<usize> = [" · ", ", "]
        .iter()
        .flat_map(|sep| text.match_indices(sep).map(move |(i, _)| i + sep.len()))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut pieces: Vec<String> = Vec::new();
    let mut from = 0;
    for cut in cuts.into_iter().chain(std::iter::once(text.len())) {
        if cut > from {
            pieces.push(text[from..cut].to_string());
            from = cut;
        }
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        let candidate = format!("{line}{piece}");
        if !line.is_empty() && text_size(candidate.trim_end(), size).0 > max_width {
            lines.push(std::mem::take(&mut line));
            line = piece;
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

impl BarChart {
    /// Each bar's label as drawn, one string per line.
    fn label_lines(&self) -> Vec<Vec<String>> {
        self.bars
            .iter()
            .map(|b| wrap_label(&b.label, MAX_LABEL_WIDTH, LABEL_FONT))
            .collect()
    }

    /// Height in pixels of each row.
    fn row_heights(lines: &[Vec<String>]) -> Vec<i32> {
        lines
            .iter()
            .map(|l| (l.len() as i32 * LINE + 16).max(40))
            .collect()
    }
}

impl Figure for BarChart {
    fn size(&self) -> (u32, u32) {
        let rows: i32 = Self::row_heights(&self.label_lines()).iter().sum();
        // Title band, margins, axis and a legend strip's worth of room.
        let height = 56 + 24 + rows + 50 + 70;
        (SIZE.0, SIZE.1.max(height as u32))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<Layout, String> {
        let body = titled(root, &self.title, &self.subtitle)?;
        if self.bars.is_empty() {
            return Err("no bar to draw".into());
        }
        let lines = self.label_lines();
        let label_width = lines
            .iter()
            .flatten()
            .map(|l| text_size(l.trim_end(), LABEL_FONT).0)
            .max()
            .unwrap_or(0);
        let left = (label_width + 24).clamp(60, (body.dim_in_pixel().0 as i32 * 3) / 5);
        let count = self.bars.len();
        let ends = |b: &Bar| std::iter::once(b.value).chain(b.interval.map(|i| i.1));
        let dots = LineChart::wide_range(self.bars.iter().map(|b| b.value));
        let log = if dots {
            LogAxis::new(
                self.bars
                    .iter()
                    .flat_map(|b| ends(b).chain(b.interval.map(|i| i.0))),
                BITS_RESOLUTION,
            )
        } else {
            None
        };
        let map = |v: f64| log.map_or(v, |a| a.map(v));
        let top = self
            .bars
            .iter()
            .flat_map(ends)
            .filter(|v| v.is_finite())
            .map(map)
            .fold(f64::NEG_INFINITY, f64::max);
        let x_lo = match log {
            Some(a) => a.floor - 0.04 * (top - a.floor).max(0.5),
            None => 0.0,
        };
        // Room on the right for each value's text: with a plot `plot_width` pixels wide, the
        // text after the end e needs (x_hi - e) / (x_hi - x_lo) >= (w + 12) / plot_width.
        let plot_width = f64::from(body.dim_in_pixel().0 as i32 - 12 - 20 - left).max(100.0);
        let mut x_hi = if top > x_lo { top } else { x_lo + 1.0 };
        for bar in &self.bars {
            let end = ends(bar)
                .filter(|v| v.is_finite())
                .map(map)
                .fold(f64::NEG_INFINITY, f64::max);
            if !end.is_finite() {
                continue;
            }
            let f = (f64::from(text_size(&format_value(bar.value), 13).0) + 14.0) / plot_width;
            x_hi = x_hi.max((end - f * x_lo) / (1.0 - f));
        }
        let x = Axis::new(
            x_lo,
            x_hi,
            if log.is_some() {
                Scale::Log
            } else {
                Scale::Linear
            },
            MAX_TICKS,
        );
        let y = Axis {
            lo: 0.0,
            hi: count as f64,
            scale: Scale::Linear,
            ticks: Vec::new(),
            labels: Vec::new(),
            minor: Vec::new(),
        };
        let x_desc = log.map_or(self.value_label.clone(), |a| a.describe(&self.value_label));

        let mut primitives = Vec::new();
        for (row, bar) in self.bars.iter().enumerate() {
            let (lo, hi) = ((count - 1 - row) as f64, (count - row) as f64);
            let centre = lo + 0.5;
            let color = PALETTE[bar.color % PALETTE.len()];
            let value = map(bar.value);
            if log.is_some() {
                // A faint guide across the row, then the dot.
                primitives.push(Primitive::Guide { y: centre });
            } else {
                primitives.push(Primitive::Rect {
                    a: (0.0, lo),
                    b: (value.max(0.0), hi),
                    inset_y: 7,
                    color,
                    alpha: 0.75,
                });
            }
            if let Some((l, h)) = bar.interval {
                primitives.push(Primitive::Line {
                    points: vec![(map(l), centre), (map(h), centre)],
                    stroke: Stroke::Solid,
                    width: 2,
                    color: BLACK,
                });
                for end in [map(l), map(h)] {
                    primitives.push(Primitive::Line {
                        points: vec![(end, centre - 0.12), (end, centre + 0.12)],
                        stroke: Stroke::Solid,
                        width: 2,
                        color: BLACK,
                    });
                }
            }
            if log.is_some() {
                primitives.push(Primitive::Markers {
                    points: vec![(value, centre)],
                    marker: Marker::Circle,
                    size: 6,
                    color,
                });
            }
            let end = bar
                .interval
                .map_or(bar.value, |i| i.1.max(bar.value))
                .max(bar.value);
            let text = format_value(bar.value);
            let (_, h) = text_size(&text, 13);
            primitives.push(Primitive::Text {
                at: (map(end), centre),
                offset: (8, -h / 2),
                text,
                size: 13,
            });
        }
        let legend: Vec<LegendEntry> = self
            .legend
            .iter()
            .map(|(color, meaning)| {
                let color = PALETTE[*color % PALETTE.len()];
                LegendEntry {
                    label: meaning.clone(),
                    swatch: if log.is_some() {
                        Swatch::Line {
                            color,
                            width: 1,
                            stroke: Stroke::Markers,
                            marker: Marker::Circle,
                        }
                    } else {
                        Swatch::Fill(color, 0.75)
                    },
                }
            })
            .collect();
        let frame = Frame {
            x,
            y,
            x_desc: &x_desc,
            y_desc: "",
            left,
            y_grid: false,
        };
        let panel = draw_panel(root, &body, &frame, &primitives, &legend)?;
        // The labels, right-aligned before the plot, centred on their rows.
        let plot = panel.plot;
        let row_height = f64::from(plot.y1 - plot.y0) / count as f64;
        let font = (FONT, LABEL_FONT).into_font().color(&BLACK);
        let mut labels = Vec::new();
        for (row, label_lines) in lines.iter().enumerate() {
            let centre = f64::from(plot.y0) + (row as f64 + 0.5) * row_height;
            let top = (centre - f64::from(LINE) * label_lines.len() as f64 / 2.0).round() as i32;
            for (i, line) in label_lines.iter().enumerate() {
                let (w, h) = text_size(line.trim_end(), LABEL_FONT);
                let x0 = plot.x0 - 12 - w;
                let y0 = top + i as i32 * LINE + (LINE - h) / 2;
                root.draw(&Text::new(
                    line.trim_end().to_string(),
                    (x0, y0),
                    font.clone(),
                ))
                .map_err(|e| e.to_string())?;
                labels.push((line.clone(), PixelRect::new((x0, y0), (x0 + w, y0 + h))));
            }
        }
        Ok(Layout {
            size: root.dim_in_pixel(),
            panels: vec![panel],
            labels,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_labels_keep_every_character() {
        let label =
            "synthetic(m=2,D=10,k=2) · gp-nngp-relu(depth=1, width=256, bias=0.1) · eps = 0.0204";
        for width in [80, 200, 300, 430, 2000] {
            let lines = wrap_label(label, width, 14);
            assert_eq!(lines.concat(), label, "{width}: {lines:?}");
            for line in &lines {
                // A line is over the width only when it is one unbreakable piece.
                if text_size(line.trim_end(), 14).0 > width {
                    let inner = line.trim_end();
                    assert!(!inner.contains(" · ") && !inner.contains(", "), "{line:?}");
                }
            }
        }
        assert_eq!(wrap_label("short", 430, 14), vec!["short"]);
    }
}
