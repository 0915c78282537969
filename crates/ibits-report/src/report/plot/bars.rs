//! Horizontal bar charts with interval whiskers, for comparisons across cells.

use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    elided, format_value, titled, Figure, LineChart, LogAxis, BITS_RESOLUTION, FONT, PALETTE,
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
