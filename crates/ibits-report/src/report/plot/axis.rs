//! Chart axes with chosen ticks: 1-2-5 steps on linear axes, integer steps for counts (n, the
//! intrinsic dimension), and 1-2-5 or decade ticks on log axes (docs/reports.md, "Charts").
//!
//! An [`Axis`] is a plotters coordinate ([`Ranged`]) whose key points are its own ticks, so the
//! mesh draws exactly these and nothing like 31.6 or 3162 on a log axis. A log axis works in
//! log10 of the values (like [`super::LogAxis`]); its tick labels give the values.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

/// How an axis places its ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Ticks at multiples of 1, 2 or 5 times a power of ten.
    Linear,
    /// Like [`Scale::Linear`] with a step of at least 1: integer quantities (n, dimensions).
    Integer,
    /// Coordinates are log10 of the values; ticks at 1, 2, 5 times powers of ten, or at
    /// decades (every 1, 2, 5, 10... decades) on wide ranges.
    Log,
}

/// One chart axis: its range in drawing coordinates (log10 of the values on a log axis), its
/// labelled ticks and its unlabelled minor grid lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Lower end of the drawn range (drawing coordinates).
    pub lo: f64,
    /// Upper end of the drawn range (drawing coordinates).
    pub hi: f64,
    /// How the ticks are placed.
    pub scale: Scale,
    /// Labelled ticks (drawing coordinates), increasing.
    pub ticks: Vec<f64>,
    /// Their labels.
    pub labels: Vec<String>,
    /// Minor grid lines without labels (drawing coordinates).
    pub minor: Vec<f64>,
}

/// Most labelled ticks on an axis.
pub const MAX_TICKS: usize = 8;

impl Axis {
    /// The axis over `lo..hi` (drawing coordinates) with at most `max_ticks` labelled ticks.
    pub fn new(lo: f64, hi: f64, scale: Scale, max_ticks: usize) -> Self {
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            (lo - 0.5, lo + 0.5)
        };
        let max_ticks = max_ticks.max(2);
        let (values, minor) = match scale {
            Scale::Linear => (linear_ticks(lo, hi, max_ticks, false), Vec::new()),
            Scale::Integer => (linear_ticks(lo, hi, max_ticks, true), Vec::new()),
            Scale::Log => log_ticks(lo, hi, max_ticks),
        };
        let step = values.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
        let labels = values
            .iter()
            .map(|&v| match scale {
                Scale::Log => tick_label(v, 0.0),
                _ => tick_label(v, step),
            })
            .collect();
        let ticks = match scale {
            Scale::Log => values.iter().map(|v| v.log10()).collect(),
            _ => values,
        };
        Self {
            lo,
            hi,
            scale,
            ticks,
            labels,
            minor,
        }
    }

    /// The value at a drawing coordinate (10^c on a log axis).
    pub fn value(&self, coordinate: f64) -> f64 {
        match self.scale {
            Scale::Log => 10f64.powf(coordinate),
            _ => coordinate,
        }
    }

    /// The label of the tick at `coordinate` (the nearest tick's label).
    pub fn label_at(&self, coordinate: f64) -> String {
        self.ticks
            .iter()
            .zip(&self.labels)
            .min_by(|a, b| {
                (a.0 - coordinate)
                    .abs()
                    .total_cmp(&(b.0 - coordinate).abs())
            })
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    }

    /// The tick values (not log10 on a log axis).
    pub fn tick_values(&self) -> Vec<f64> {
        self.ticks.iter().map(|&t| self.value(t)).collect()
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let fraction = (value - self.lo) / (self.hi - self.lo);
        let length = limit.1 - limit.0;
        if length == 0 || !fraction.is_finite() {
            return limit.1;
        }
        limit.0 + (f64::from(length) * fraction + 1e-3).floor() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// `mantissa` x 10^`exponent` as the double nearest the decimal number (so 2 x 10^-2 is 0.02
/// and 10^-50 is 1e-50, which repeated multiplication misses by an ulp).
fn decimal(mantissa: f64, exponent: i32) -> f64 {
    format!("{mantissa}e{exponent}").parse().unwrap_or(f64::NAN)
}

/// The smallest step m x 10^k >= `raw` with m in {1, 2, 5}, as (m, k).
fn nice_step(raw: f64) -> (f64, i32) {
    let exponent = raw.log10().floor() as i32;
    for (m, k) in [(1.0, exponent), (2.0, exponent), (5.0, exponent)] {
        if decimal(m, k) >= raw * (1.0 - 1e-9) {
            return (m, k);
        }
    }
    (1.0, exponent + 1)
}

/// Ticks in `lo..=hi` at multiples of the smallest 1-2-5 step that gives at most `max` of them
/// (so at least two for `max` >= 5); with `integer`, the step is at least 1.
pub fn linear_ticks(lo: f64, hi: f64, max: usize, integer: bool) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return Vec::new();
    }
    let max = max.max(2);
    let mut raw = (hi - lo) / (4 * max) as f64;
    loop {
        let (mut m, mut k) = nice_step(raw);
        if integer && k < 0 {
            (m, k) = (1.0, 0);
        }
        let step = decimal(m, k);
        let first = (lo / step - 1e-9).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        let count = (last - first + 1).max(0) as usize;
        if count <= max {
            return (first..=last).map(|i| decimal(i as f64 * m, k)).collect();
        }
        raw = step * 1.01;
    }
}

/// Ticks of a log axis over `lo..=hi` (log10 of the values): the values m x 10^k with m in
/// {1, 2, 5} when at most `max` fall in the range, else those with m in {1, 5}, else every d-th
/// decade for the smallest d in 1, 2, 3, 5, 10, 20... that leaves two to `max` ticks; on a range
/// narrower than a factor of about 5 where fewer than two of those fall inside, 1-2-5 steps of
/// the values themselves. Returns (tick values, minor grid lines in log10: the other integer
/// mantissas on ranges up to six decades, the skipped decades beyond).
pub fn log_ticks(lo: f64, hi: f64, max: usize) -> (Vec<f64>, Vec<f64>) {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return (Vec::new(), Vec::new());
    }
    let max = max.max(2);
    let inside = |v: f64| {
        let l = v.log10();
        l >= lo - 1e-9 && l <= hi + 1e-9
    };
    let with = |mantissas: &[f64]| -> Vec<f64> {
        let (k0, k1) = (lo.floor() as i32 - 1, hi.ceil() as i32 + 1);
        if k1 - k0 > 800 {
            return vec![0.0; max + 1];
        }
        (k0..=k1)
            .flat_map(|k| mantissas.iter().map(move |&m| decimal(m, k)))
            .filter(|&v| inside(v))
            .collect()
    };
    let one_two_five = with(&[1.0, 2.0, 5.0]);
    let all_mantissas = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
    let minor_of = |majors: &[f64]| -> Vec<f64> {
        if hi - lo > 6.0 {
            return Vec::new();
        }
        with(&all_mantissas)
            .into_iter()
            .filter(|v| !majors.iter().any(|m| (m / v - 1.0).abs() < 1e-9))
            .map(f64::log10)
            .collect()
    };
    if (2..=max).contains(&one_two_five.len()) {
        let minor = minor_of(&one_two_five);
        return (one_two_five, minor);
    }
    let fives = with(&[1.0, 5.0]);
    if one_two_five.len() > max && (2..=max).contains(&fives.len()) {
        let minor = minor_of(&fives);
        return (fives, minor);
    }
    if one_two_five.len() > max {
        // Every d-th decade, for the smallest d in 1, 2, 3, 5, 10, 20, 30... that fits (steps
        // of at most 2x, so some d leaves two ticks or more).
        let decades = |d: i64| {
            let first = (lo / d as f64 - 1e-9).ceil() as i64;
            let last = (hi / d as f64 + 1e-9).floor() as i64;
            (last - first + 1) as usize
        };
        let d = (0..)
            .take_while(|&p: &u32| p < 6)
            .flat_map(|p: u32| [1i64, 2, 3, 5].map(|m| m * 10i64.pow(p)))
            .find(|&d| (2..=max).contains(&decades(d)))
            .unwrap_or(1);
        if decades(d) < 2 {
            // Under two decades with more 1-2-5 ticks than fit: the 1s and 5s.
            let minor = minor_of(&fives);
            return (fives, minor);
        }
        let first = (lo / d as f64 - 1e-9).ceil() as i64;
        let last = (hi / d as f64 + 1e-9).floor() as i64;
        let ticks: Vec<f64> = (first..=last)
            .map(|j| decimal(1.0, (j * d) as i32))
            .collect();
        let minor = if d == 1 {
            minor_of(&ticks)
        } else if (hi - lo) <= 120.0 {
            ((lo.ceil() as i64)..=(hi.floor() as i64))
                .filter(|e| e % d != 0)
                .map(|e| e as f64)
                .collect()
        } else {
            Vec::new()
        };
        return (ticks, minor);
    }
    // A narrow range: 1-2-5 steps of the values.
    let ticks = linear_ticks(10f64.powf(lo), 10f64.powf(hi), max, false)
        .into_iter()
        .filter(|&v| v > 0.0 && inside(v))
        .collect();
    (ticks, Vec::new())
}

/// A tick label: `value` with the decimals its axis step needs (`step` = 0: as few as the value
/// needs), in scientific notation ("1e-40", "2e6") outside 0.001..1e6.
pub fn tick_label(value: f64, step: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    let magnitude = value.abs();
    if !(1e-3..1e6).contains(&magnitude) {
        // Shortest scientific form of the value rounded to 3 significant digits.
        let text = format!("{value:.2e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exponent}");
    }
    let decimals = if step > 0.0 {
        (-(step.log10() + 1e-9).floor()).max(0.0) as usize
    } else {
        (2 - magnitude.log10().floor() as i32).clamp(0, 6) as usize
    };
    let text = format!("{value:.decimals$}");
    if step > 0.0 || !text.contains('.') {
        text
    } else {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `v` is m x 10^k with m in {1, 2, 5}.
    fn one_two_five(v: f64) -> bool {
        let k = v.log10().floor();
        let m = v / 10f64.powf(k);
        [1.0, 2.0, 5.0, 10.0]
            .iter()
            .any(|t| (m - t).abs() < 1e-9 * t)
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(1e-40, 0.0), "1e-40");
        assert_eq!(tick_label(2e6, 0.0), "2e6");
        assert_eq!(tick_label(0.02, 0.0), "0.02");
        assert_eq!(tick_label(200.0, 0.0), "200");
        assert_eq!(tick_label(1.5, 0.5), "1.5");
        assert_eq!(tick_label(2.0, 0.5), "2.0");
        assert_eq!(tick_label(0.105, 0.005), "0.105");
        assert_eq!(tick_label(50.0, 10.0), "50");
    }

    #[test]
    fn log_ticks_of_the_issue_ranges_are_one_two_five_or_decades() {
        // The ranges that gave 31.6 / 316 / 3162 and 158 / 251 / 63.1.
        for (lo, hi) in [(100.0f64, 40000.0f64), (2.0, 260.0), (20.0, 60000.0)] {
            let (ticks, _) = log_ticks(lo.log10(), hi.log10(), MAX_TICKS);
            assert!(ticks.len() >= 2, "{ticks:?}");
            assert!(ticks.iter().all(|&v| one_two_five(v)), "{ticks:?}");
        }
        let (ticks, _) = log_ticks(2.0f64.log10(), 260f64.log10(), MAX_TICKS);
        assert_eq!(ticks, vec![2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0]);
        // 60 decades of densities: every 10th decade.
        let (ticks, _) = log_ticks(-58.3, 2.4, MAX_TICKS);
        assert_eq!(ticks, vec![1e-50, 1e-40, 1e-30, 1e-20, 1e-10, 1.0]);
    }

    #[test]
    fn random_log_ranges_get_one_two_five_or_decade_ticks() {
        // A fixed linear congruential generator: reproducible "random" ranges.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..2000 {
            let lo = -60.0 + 120.0 * next();
            let span = 10f64.powf(-1.5 + 3.5 * next());
            let hi = lo + span;
            let max = 4 + (next() * 6.0) as usize;
            let (ticks, minor) = log_ticks(lo, hi, max);
            assert!(
                (2..=max).contains(&ticks.len()) || span < 0.7,
                "{lo}..{hi}: {ticks:?}"
            );
            assert!(ticks.len() <= max, "{lo}..{hi}: {ticks:?}");
            for v in &ticks {
                assert!(
                    v.log10() >= lo - 1e-9 && v.log10() <= hi + 1e-9,
                    "{lo}..{hi}: {v}"
                );
            }
            if ticks.iter().all(|&v| one_two_five(v)) {
                continue;
            }
            // Otherwise a narrow range (less than a factor 5) with evenly spaced ticks at a
            // 1-2-5 step of the values.
            assert!(span < 0.7, "{lo}..{hi}: {ticks:?}");
            let steps: Vec<f64> = ticks.windows(2).map(|w| w[1] - w[0]).collect();
            assert!(
                steps.iter().all(|s| (s / steps[0] - 1.0).abs() < 1e-6),
                "{ticks:?}"
            );
            assert!(one_two_five(steps[0]), "{ticks:?}");
            assert!(minor.is_empty());
        }
    }

    #[test]
    fn random_linear_and_integer_ranges_get_nice_ticks() {
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..2000 {
            let scale = 10f64.powf(-4.0 + 8.0 * next());
            let lo = (next() - 0.3) * scale;
            let hi = lo + scale * (0.01 + next());
            let max = 3 + (next() * 7.0) as usize;
            for integer in [false, true] {
                let ticks = linear_ticks(lo, hi, max, integer);
                assert!(ticks.len() <= max, "{lo}..{hi}: {ticks:?}");
                assert!(ticks
                    .iter()
                    .all(|&t| t >= lo - 1e-9 * scale && t <= hi + 1e-9 * scale));
                if integer {
                    assert!(ticks.iter().all(|t| t.fract() == 0.0), "{ticks:?}");
                } else if max >= 5 {
                    assert!(ticks.len() >= 2, "{lo}..{hi} ({max}): {ticks:?}");
                }
                if ticks.len() >= 2 {
                    let step = ticks[1] - ticks[0];
                    assert!(one_two_five(step), "{ticks:?}");
                    for w in ticks.windows(2) {
                        assert!(((w[1] - w[0]) / step - 1.0).abs() < 1e-6, "{ticks:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn integer_axes_tick_whole_numbers() {
        // The intrinsic-dimension axis that was ticked 2.2 ... 3.8.
        let axis = Axis::new(1.9, 4.1, Scale::Integer, MAX_TICKS);
        assert_eq!(axis.ticks, vec![2.0, 3.0, 4.0]);
        assert_eq!(axis.labels, vec!["2", "3", "4"]);
        let axis = Axis::new(47.5, 102.5, Scale::Integer, MAX_TICKS);
        assert_eq!(axis.labels, vec!["50", "60", "70", "80", "90", "100"]);
    }
}
