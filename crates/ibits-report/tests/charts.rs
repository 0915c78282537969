//! The chart rules of docs/reports.md ("Charts"), checked on the layouts the charts report:
//! legends cover no drawn pixel, comparison labels are drawn in full, bars start at 0 on a
//! linear axis (dots on a log axis otherwise), log axes tick 1-2-5 multiples or decades,
//! integer quantities get integer ticks, and histograms have a log-density panel reaching the
//! smallest target.

use ibits_report::report::plot::{
    layout, render, Bar, BarChart, Histogram, Layout, LineChart, Marker, PanelLayout, Scale,
    Series, Stroke,
};

/// Whether `v` is m x 10^k with m in {1, 2, 5}.
fn one_two_five(v: f64) -> bool {
    let k = v.log10().floor();
    let m = v / 10f64.powf(k);
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .any(|t| (m - t).abs() < 1e-9 * t)
}

/// A reproducible stream of numbers in [0, 1).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Every legend of `layout` lies either in its plot area touching no drawn data, or wholly
/// below its plot area.
fn assert_legends_clear(layout: &Layout, what: &str) {
    for (i, panel) in layout.panels.iter().enumerate() {
        let Some(legend) = panel.legend else { continue };
        if panel.legend_inside {
            assert!(
                panel.plot.contains(&legend),
                "{what} panel {i}: legend {legend:?} outside plot {:?}",
                panel.plot
            );
            let hit = panel.occupied.iter().find(|o| o.intersects(&legend));
            assert!(
                hit.is_none(),
                "{what} panel {i}: legend {legend:?} covers data at {hit:?}"
            );
        } else {
            assert!(
                legend.y0 > panel.plot.y1,
                "{what} panel {i}: legend {legend:?} is not below plot {:?}",
                panel.plot
            );
        }
        assert!(
            legend.x0 >= 0 && legend.x1 <= layout.size.0 as i32,
            "{what}"
        );
        assert!(legend.y1 <= layout.size.1 as i32, "{what}: {legend:?}");
    }
}

fn y_ticks_are_one_two_five(panel: &PanelLayout) {
    assert_eq!(panel.y.scale, Scale::Log);
    let values = panel.y.tick_values();
    assert!(values.len() >= 2, "{values:?}");
    assert!(values.iter().all(|&v| one_two_five(v)), "{values:?}");
}

/// Log ticks are 1-2-5 multiples or decades, or, on an axis spanning less than a factor 5,
/// evenly spaced at a 1-2-5 step of the values.
fn y_ticks_are_one_two_five_or_narrow(panel: &PanelLayout) {
    let values = panel.y.tick_values();
    if values.iter().all(|&v| one_two_five(v)) && values.len() >= 2 {
        return;
    }
    assert!(panel.y.hi - panel.y.lo < 0.7, "{:?}", panel.y);
    let step = values[1] - values[0];
    let rounded = |v: f64| (v * 1e9).round() / 1e9;
    assert!(one_two_five(rounded(step)), "{values:?}");
    for w in values.windows(2) {
        assert!(((w[1] - w[0]) / step - 1.0).abs() < 1e-6, "{values:?}");
    }
}

/// The issue's bits-vs-n chart: six long labels, flat lines, one along the top.
fn bits_vs_n() -> LineChart {
    let values = [
        (2951.8, 5718.1),
        (713.0, 830.1),
        (25.5, 36.4),
        (193.9, 397.6),
        (58.8, 171.8),
        (24.2, 33.8),
    ];
    let labels = [
        "synthetic(m=2,D=10,k=2) · gp-nngp-relu(depth=1)",
        "synthetic(m=2,D=10,k=2) · gp-nngp-relu(depth=2)",
        "synthetic(m=2,D=10,k=2) · gp-ntk-relu(depth=2)",
        "synthetic(m=4,D=10,k=2) · gp-nngp-relu(depth=1)",
        "synthetic(m=4,D=10,k=2) · gp-nngp-relu(depth=2)",
        "synthetic(m=4,D=10,k=2) · gp-ntk-relu(depth=2)",
    ];
    LineChart {
        title: "Bits vs training-set size".into(),
        subtitle: "N = 200, k = 2, 0.5 x mean error".into(),
        x_label: "training-set size n (points)".into(),
        y_label: "inductive bias (bits)".into(),
        x_log: false,
        y_log: true,
        x_integer: true,
        series: values
            .iter()
            .zip(labels)
            .enumerate()
            .map(|(i, (&(a, b), label))| Series {
                marker: [Marker::Circle, Marker::Square, Marker::Triangle][i % 3],
                ..Series::new(label, vec![(50.0, a), (100.0, b)], i)
            })
            .collect(),
    }
}

#[test]
fn the_issue_bits_vs_n_chart_keeps_its_legend_off_the_lines() {
    let chart = bits_vs_n();
    let layout = layout(&chart).unwrap();
    assert_legends_clear(&layout, "bits-vs-n");
    let panel = &layout.panels[0];
    y_ticks_are_one_two_five(panel);
    // Integer ticks for n, and the unit and scale in one pair of brackets.
    assert_eq!(panel.x.scale, Scale::Integer);
    assert!(panel.x.tick_values().iter().all(|v| v.fract() == 0.0));
    assert_eq!(panel.x.labels, vec!["50", "60", "70", "80", "90", "100"]);
}

#[test]
fn random_line_charts_never_put_a_legend_on_data() {
    let mut rng = Lcg(42);
    for case in 0..60 {
        let count = 1 + (rng.next() * 7.0) as usize;
        let points = 2 + (rng.next() * 6.0) as usize;
        let y_log = rng.next() < 0.5;
        let series: Vec<Series> = (0..count)
            .map(|i| {
                let base = 10f64.powf(rng.next() * 4.0);
                let slope = rng.next() * 2.0 - 1.0;
                let pts: Vec<(f64, f64)> = (0..points)
                    .map(|j| {
                        let x = 1.0 + j as f64;
                        (
                            x,
                            base * 10f64.powf(slope * j as f64 / points as f64)
                                * (0.5 + rng.next()),
                        )
                    })
                    .collect();
                let band = if rng.next() < 0.3 {
                    pts.iter().map(|&(x, y)| (x, 0.8 * y, 1.25 * y)).collect()
                } else {
                    Vec::new()
                };
                Series {
                    band,
                    stroke: [
                        Stroke::Solid,
                        Stroke::Dashed,
                        Stroke::Dotted,
                        Stroke::Markers,
                    ][i % 4],
                    ..Series::new(format!("series {i} of case {case}"), pts, i)
                }
            })
            .collect();
        let chart = LineChart {
            title: format!("case {case}"),
            subtitle: String::new(),
            x_label: "x (points)".into(),
            y_label: "inductive bias (bits)".into(),
            x_log: false,
            y_log,
            x_integer: rng.next() < 0.5,
            series,
        };
        let layout = layout(&chart).unwrap();
        assert_legends_clear(&layout, &format!("case {case}"));
        let panel = &layout.panels[0];
        if panel.y.scale == Scale::Log {
            y_ticks_are_one_two_five_or_narrow(panel);
        }
        if panel.x.scale == Scale::Integer {
            assert!(panel.x.tick_values().iter().all(|v| v.fract() == 0.0));
        }
    }
}

#[test]
fn integer_axes_tick_whole_dimensions() {
    // The intrinsic-dimension chart that was ticked 2.2 ... 3.8.
    let chart = LineChart {
        title: "Bits vs intrinsic dimension".into(),
        subtitle: String::new(),
        x_label: "intrinsic dimension of the synthetic task (dimensions)".into(),
        y_label: "inductive bias (bits)".into(),
        x_log: false,
        y_log: true,
        x_integer: true,
        series: vec![
            Series::new("a", vec![(2.0, 54087.8), (4.0, 2394.2)], 0),
            Series::new("b", vec![(2.0, 163.6), (4.0, 134.4)], 1),
        ],
    };
    let layout = layout(&chart).unwrap();
    assert_eq!(layout.panels[0].x.labels, vec!["2", "3", "4"]);
    y_ticks_are_one_two_five(&layout.panels[0]);
    assert_legends_clear(&layout, "bits-vs-dim");
}

/// The issue's comparison: labels that used to be cut at "eps=0....".
fn comparison(values: &[f64]) -> BarChart {
    let labels = [
        "synthetic(m=2,D=10,k=2) · gp-nngp-relu(depth=1) · eps = 0.0204",
        "synthetic(m=2,D=10,k=2) · gp-nngp-relu(depth=2) · eps = 0.0292",
        "synthetic(m=2,D=10,k=2) · gp-ntk-relu(depth=2) · eps = 0.0239",
        "synthetic(m=4,D=10,k=2) · gp-nngp-relu(depth=1, width=4096, bias=0.1, weight=1.5) · eps = 0.0343",
    ];
    BarChart {
        title: "Inductive bias across tasks and hypothesis spaces".into(),
        subtitle: "n = 50, N = 200, k = 2, 0.2 x mean error".into(),
        value_label: "inductive bias (bits)".into(),
        bars: values
            .iter()
            .zip(labels)
            .enumerate()
            .map(|(i, (&value, label))| Bar {
                label: label.into(),
                value,
                interval: (i == 1).then_some((0.8 * value, 1.3 * value)),
                color: i % 2,
            })
            .collect(),
        legend: vec![(0, "exact".into()), (1, "fitted".into())],
    }
}

#[test]
fn comparison_labels_are_drawn_in_full_beside_the_plot() {
    for values in [[31170.0, 5369.0, 164.0, 1227.0], [31.0, 53.0, 16.0, 12.0]] {
        let chart = comparison(&values);
        let layout = layout(&chart).unwrap();
        let plot = layout.panels[0].plot;
        // The label lines, in order, spell every bar's label.
        let drawn: String = layout.labels.iter().map(|l| l.0.as_str()).collect();
        let expected: String = chart.bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(drawn, expected);
        assert!(!drawn.contains('…'));
        // The long label wraps; every line lies inside the image, left of the plot, and no
        // two lines overlap.
        assert!(layout.labels.len() > chart.bars.len());
        for (i, (text, rect)) in layout.labels.iter().enumerate() {
            assert!(
                rect.x0 >= 0 && rect.x1 < plot.x0,
                "{text}: {rect:?} / {plot:?}"
            );
            assert!(
                rect.y0 >= plot.y0 - 2 && rect.y1 <= plot.y1 + 2,
                "{text}: {rect:?}"
            );
            for (other, r) in &layout.labels[i + 1..] {
                assert!(!rect.intersects(r), "{text:?} overlaps {other:?}");
            }
        }
        assert_legends_clear(&layout, "comparison");
        // Value texts stay inside the plot.
        for (text, rect) in &layout.panels[0].texts {
            assert!(
                plot.contains(rect),
                "value {text} at {rect:?} leaves {plot:?}"
            );
        }
    }
}

#[test]
fn bars_start_at_zero_and_wide_ranges_become_dots_on_a_log_axis() {
    // Within a factor 30: bars on a linear axis from 0.
    let linear = layout(&comparison(&[31.0, 53.0, 16.0, 12.0])).unwrap();
    let x = &linear.panels[0].x;
    assert_eq!(x.scale, Scale::Linear);
    assert_eq!(x.lo, 0.0);
    assert_eq!(x.tick_values()[0], 0.0);
    // Over a factor 30 (the issue's 134 to 31170 bits): a log axis with 1-2-5 ticks, no bars.
    let log = layout(&comparison(&[31170.0, 5369.0, 164.0, 1227.0])).unwrap();
    let x = &log.panels[0].x;
    assert_eq!(x.scale, Scale::Log);
    assert!(
        x.tick_values().iter().all(|&v| one_two_five(v)),
        "{:?}",
        x.labels
    );
}

/// Sampled errors around 0.1, densities recorded from the smallest target up, three targets.
fn histogram(density_from: f64) -> Histogram {
    let mut rng = Lcg(3);
    let errors: Vec<f64> = (0..1000)
        .map(|_| 0.1 + 0.004 * ((0..12).map(|_| rng.next()).sum::<f64>() - 6.0))
        .collect();
    let log_pdf = |x: f64, spread: f64| -((x - 0.1) / spread).powi(2) / 2.0 + 4.6;
    let grid: Vec<f64> = (0..200)
        .map(|i| density_from + (0.12 - density_from) * f64::from(i) / 199.0)
        .collect();
    Histogram {
        title: "Test errors".into(),
        subtitle: "n = 100, N = 200, k = 2, S = 1000".into(),
        errors,
        exact_density: Some(grid.iter().map(|&x| (x, log_pdf(x, 0.004).exp())).collect()),
        fitted_density: Some(grid.iter().map(|&x| (x, log_pdf(x, 0.005).exp())).collect()),
        exact_log_density: None,
        fitted_log_density: None,
        targets: [0.0203, 0.0508, 0.0813]
            .iter()
            .map(|&e| (e, format!("eps = {e}")))
            .collect(),
    }
}

#[test]
fn histograms_show_the_densities_on_a_log_scale_down_to_the_smallest_target() {
    let chart = histogram(0.02);
    let layout = layout(&chart).unwrap();
    assert_eq!(layout.size, Histogram::SIZE);
    assert_eq!(layout.panels.len(), 2);
    let (bulk, tail) = (&layout.panels[0], &layout.panels[1]);
    // The upper panel: the sampled range on linear axes.
    let max_error = chart.errors.iter().copied().fold(0.0, f64::max);
    assert_eq!(bulk.y.scale, Scale::Linear);
    assert!(bulk.x.lo > 0.08 && bulk.x.hi >= max_error);
    // The lower panel: from the smallest target to the bulk, log density with 1-2-5 or decade
    // ticks.
    assert!(
        tail.x.lo <= 0.0203 && tail.x.hi >= max_error,
        "{:?}",
        tail.x
    );
    y_ticks_are_one_two_five(tail);
    assert!(tail.y.lo < -80.0, "densities down to ~1e-85: {:?}", tail.y);
    // The rug: short ticks rising from the bottom of the plot, one per pixel column.
    let rug: Vec<_> = tail
        .occupied
        .iter()
        .filter(|r| r.width() == 0 && r.y1 == tail.plot.y1 && r.height() == 12)
        .collect();
    assert!(rug.len() > 20, "{} rug ticks", rug.len());
    // Target labels drawn in full and apart.
    let labels: Vec<_> = tail
        .texts
        .iter()
        .filter(|t| t.0.starts_with("eps"))
        .collect();
    assert_eq!(labels.len(), 3);
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(!a.1.intersects(&b.1), "{a:?} overlaps {b:?}");
        }
    }
    assert_legends_clear(&layout, "histogram");
}

#[test]
fn log_densities_that_underflow_f64_still_reach_the_smallest_target() {
    // The densities as a sweep records them: linear over the sampled range only, logarithms
    // from the smallest target up, down to ln f = -6500 (f ~ 1e-2823, below f64's range).
    let mut chart = histogram(0.09);
    let log_pdf = |x: f64, spread: f64| -((x - 0.1) / spread).powi(2) / 2.0 + 4.6;
    let tail: Vec<f64> = (0..160)
        .map(|i| 0.0203 + (0.12 - 0.0203) * f64::from(i) / 159.0)
        .collect();
    chart.exact_log_density = Some(tail.iter().map(|&x| (x, log_pdf(x, 0.0007))).collect());
    chart.fitted_log_density = Some(tail.iter().map(|&x| (x, log_pdf(x, 0.0009))).collect());
    assert!(log_pdf(0.0203, 0.0007) < -6000.0);
    let layout = layout(&chart).unwrap();
    let tail_panel = &layout.panels[1];
    assert!(tail_panel.x.lo <= 0.0203, "{:?}", tail_panel.x);
    // The y axis is log10 of the density on a linear scale (10^-2820 is not an f64), spanning
    // every decade down to the smallest target, ticked at round numbers.
    let decades = log_pdf(0.0203, 0.0007) / std::f64::consts::LN_10;
    assert_eq!(tail_panel.y.scale, Scale::Linear);
    assert!(
        tail_panel.y.lo <= decades,
        "{:?} vs {decades}",
        tail_panel.y
    );
    let ticks = tail_panel.y.tick_values();
    assert!(
        ticks.len() >= 3 && ticks.iter().all(|t| t % 100.0 == 0.0),
        "{ticks:?}"
    );
    assert_legends_clear(&layout, "histogram with log densities");
}

#[test]
fn charts_write_png_and_svg_of_their_own_size() {
    let dir = tempfile::tempdir().unwrap();
    let files = render(&histogram(0.09), dir.path(), "hist").unwrap();
    let png = std::fs::read(&files.png).unwrap();
    // Width and height from the PNG header.
    let dim = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((dim(16), dim(20)), Histogram::SIZE);
    let svg = std::fs::read_to_string(&files.svg).unwrap();
    assert!(svg.contains(&format!("height=\"{}\"", Histogram::SIZE.1)));
    // A bar chart with many rows grows to fit them.
    let mut chart = comparison(&[1.0, 2.0, 3.0, 4.0]);
    for i in 0..20 {
        chart.bars.push(Bar {
            label: format!("space {i} · eps = 0.1"),
            value: 2.0,
            interval: None,
            color: 0,
        });
    }
    let files = render(&chart, dir.path(), "bars").unwrap();
    let png = std::fs::read(&files.png).unwrap();
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert!(height > 600, "{height}");
    let layout = layout(&chart).unwrap();
    let drawn: String = layout.labels.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(
        drawn,
        chart
            .bars
            .iter()
            .map(|b| b.label.as_str())
            .collect::<String>()
    );
}
