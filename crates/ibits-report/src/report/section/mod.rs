//! The sections of the report, one module per section, in document order:
//!
//! - [`preamble`]: title, description, how many cells finished, what the numbers mean;
//! - [`summary`]: the short summary table, one row per cell and target error with the most
//!   accurate estimate;
//! - [`distributions`]: a test-error histogram per cell;
//! - [`bits_vs_eps`]: a bits-vs-target-error chart per cell;
//! - [`comparisons`]: bar charts across tasks and hypothesis spaces;
//! - [`trends`]: bits against the training-set size and against the intrinsic dimension;
//! - [`health`]: the numerical-health table (jitter, clipped mass, 10x-jitter check), one row
//!   per cell;
//! - [`warnings`]: every cell's and every estimate's warnings, one line per kind;
//! - [`settings`]: the experiment file and every cell's seed and parameters;
//! - [`appendix`]: every estimate (the full summary table), every warning and the numerical
//!   health of every target.
//!
//! Each section module reads the sweep through a [`Context`] (the results, the labels of the
//! hypothesis spaces, the target descriptions) and, where it draws charts, renders them
//! through [`Figures`]. This module holds what the sections share: those two types, the table
//! number formats (four significant digits, [`number`]) and the palette index of each estimate
//! kind.

pub(crate) mod appendix;
pub(crate) mod bits_vs_eps;
pub(crate) mod comparisons;
pub(crate) mod distributions;
pub(crate) mod health;
pub(crate) mod preamble;
pub(crate) mod settings;
pub(crate) mod summary;
pub(crate) mod trends;
pub(crate) mod warnings;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::ReportError;
use crate::record::{CellRecord, TargetEstimate};
use crate::report::document::Block;
use crate::report::plot::{format_value, render, Figure, PlotFiles};
use crate::sweep::{CellResult, ResultSet};

/// Most histograms and per-cell bits-vs-eps charts drawn (the tables list every cell).
pub const MAX_CELL_FIGURES: usize = 40;

/// Directory of the charts, relative to the report.
pub const PLOTS_DIR: &str = "plots";

/// Palette index per estimate kind (shared by every chart, so colours mean the same thing).
const EXACT: usize = 0;
const FITTED: usize = 1;
const COUNTING: usize = 2;
const PAPER: usize = 3;
const CHERNOFF: usize = 6;

/// What every section reads: the sweep, the label of each cell's hypothesis space and the
/// description of each target error.
pub(crate) struct Context<'a> {
    /// The sweep's manifest and finished cells.
    pub(crate) set: &'a ResultSet<CellRecord>,
    /// The finished cells, in grid order.
    pub(crate) results: &'a [CellResult<CellRecord>],
    /// Grid index -> label of the cell's hypothesis space ([`space_labels`]).
    labels: BTreeMap<usize, String>,
    /// Target index -> description of the target ([`target_rules`]).
    rules: Vec<String>,
}

impl<'a> Context<'a> {
    /// The context of `set`: its space labels and target descriptions, computed once.
    pub(crate) fn new(set: &'a ResultSet<CellRecord>) -> Self {
        let results = set.results.as_slice();
        Self {
            set,
            results,
            labels: space_labels(results),
            rules: target_rules(results),
        }
    }

    /// The label of the hypothesis space of the cell with grid index `index` ("" for a cell
    /// that is not among the results).
    fn space_label(&self, index: usize) -> &str {
        self.labels.get(&index).map_or("", String::as_str)
    }

    /// "task · space label" of a finished cell.
    fn label(&self, result: &CellResult<CellRecord>) -> String {
        format!(
            "{} · {}",
            result.record.task,
            self.space_label(result.index)
        )
    }

    /// The description of target `t` ("" past the last target).
    fn rule(&self, t: usize) -> String {
        self.rules.get(t).cloned().unwrap_or_default()
    }
}

/// Draws the report's charts into `out_dir/plots` and keeps the list of files drawn, in
/// drawing order.
pub(crate) struct Figures<'a> {
    out_dir: &'a Path,
    plots: Vec<PlotFiles>,
}

impl<'a> Figures<'a> {
    /// No chart drawn yet; charts go to `out_dir/`[`PLOTS_DIR`].
    pub(crate) fn new(out_dir: &'a Path) -> Self {
        Self {
            out_dir,
            plots: Vec::new(),
        }
    }

    /// Draw `figure` as `plots/stem.{png,svg}` and return the figure block with `caption`
    /// and paths relative to the report.
    ///
    /// # Errors
    /// [`ReportError::Plot`] or [`ReportError::Io`] from [`render`].
    fn figure(
        &mut self,
        figure: &impl Figure,
        stem: &str,
        caption: String,
    ) -> Result<Block, ReportError> {
        let files = render(figure, &self.out_dir.join(PLOTS_DIR), stem)?;
        self.plots.push(files.clone());
        Ok(Block::Figure {
            files: relative(files, self.out_dir),
            caption,
        })
    }

    /// Every chart drawn, in drawing order (absolute paths as [`render`] returned them).
    pub(crate) fn into_plots(self) -> Vec<PlotFiles> {
        self.plots
    }
}

/// A number in a table: four significant digits ("" when absent), fixed-point for magnitudes
/// from 0.001 to 9999 ("0.02037", "69.12", "9336"), otherwise scientific ("3.117e4",
/// "4.800e-11"); 0 is "0" and an infinite value "∞". Full precision stays in `summary.csv` and
/// `results.jsonl` (docs/reports.md, "Units and conventions").
pub(crate) fn number(value: Option<f64>) -> String {
    value.map(significant).unwrap_or_default()
}

/// `value` to four significant digits (see [`number`]).
pub(crate) fn significant(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "∞" } else { "-∞" }.into();
    }
    // The exponent after rounding to four digits (9999.7 rounds to 1.000e4).
    let scientific = format!("{value:.3e}");
    let exponent: i32 = scientific
        .rsplit_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    if (-3..=3).contains(&exponent) {
        let decimals = (3 - exponent) as usize;
        format!("{value:.decimals$}")
    } else {
        scientific
    }
}

/// A piece of a message (a warning, a parameter): text, or a number as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    /// Text between numbers.
    Text(String),
    /// A number as written.
    Number(String),
}

/// Split `text` into text and numbers. A number starts with a digit (or a `-` before one) that
/// does not continue a word (`log2`, `K_XX`), and may have a fraction and an exponent.
pub(crate) fn pieces(text: &str) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        let before = if i > 0 { Some(chars[i - 1]) } else { None };
        let starts_word = before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
        let digit_at = |j: usize| chars.get(j).is_some_and(char::is_ascii_digit);
        let starts = !starts_word && (digit_at(i) || (chars[i] == '-' && digit_at(i + 1)));
        if !starts {
            current.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        if chars[i] == '-' {
            i += 1;
        }
        while digit_at(i) {
            i += 1;
        }
        if chars.get(i) == Some(&'.') && digit_at(i + 1) {
            i += 1;
            while digit_at(i) {
                i += 1;
            }
        }
        if matches!(chars.get(i), Some('e' | 'E')) {
            let sign = usize::from(matches!(chars.get(i + 1), Some('-' | '+')));
            if digit_at(i + 1 + sign) {
                i += 1 + sign;
                while digit_at(i) {
                    i += 1;
                }
            }
        }
        if !current.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut current)));
        }
        out.push(Piece::Number(chars[start..i].iter().collect()));
    }
    if !current.is_empty() {
        out.push(Piece::Text(current));
    }
    out
}

/// A number as the report prints it inside a message: as written, unless it carries ten or
/// more significant digits (a full-precision `f64`), then to four.
pub(crate) fn short_number(number: &str) -> String {
    let mantissa = number.split(['e', 'E']).next().unwrap_or(number);
    let digits = mantissa
        .chars()
        .filter(char::is_ascii_digit)
        .skip_while(|&c| c == '0')
        .count();
    match number.parse::<f64>() {
        Ok(value) if digits >= 10 => significant(value),
        _ => number.to_string(),
    }
}

/// `text` with its full-precision numbers cut to four significant digits.
pub(crate) fn shortened(text: &str) -> String {
    pieces(text)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t,
            Piece::Number(n) => short_number(&n),
        })
        .collect()
}

/// "bits [lower, upper]".
fn with_interval(bits: Option<f64>, lower: Option<f64>, upper: Option<f64>) -> String {
    match (bits, lower) {
        (None, None) => String::new(),
        (bits, lower) => {
            let point = bits.map_or_else(|| "∞".to_string(), |b| number(Some(b)));
            let upper = upper.map_or_else(|| "∞".to_string(), |u| number(Some(u)));
            format!("{point} [{}, {upper}]", number(lower))
        }
    }
}

/// A table header from its column names.
fn header(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|s| s.to_string()).collect()
}

/// Labels that tell hypothesis spaces apart: the space name plus the parameters whose value
/// differs between records of that space.
fn space_labels(results: &[CellResult<CellRecord>]) -> BTreeMap<usize, String> {
    let mut values: BTreeMap<(&str, &str), BTreeSet<String>> = BTreeMap::new();
    for result in results {
        for (key, value) in &result.record.space_parameters {
            values
                .entry((result.record.space.as_str(), key.as_str()))
                .or_default()
                .insert(value.to_string());
        }
    }
    results
        .iter()
        .map(|result| {
            let record = &result.record;
            if let Some(label) = &record.space_label {
                return (result.index, label.clone());
            }
            let varying: Vec<String> = record
                .space_parameters
                .iter()
                .filter(|(key, _)| {
                    values
                        .get(&(record.space.as_str(), key.as_str()))
                        .is_some_and(|v| v.len() > 1)
                })
                .map(|(key, value)| format!("{key}={}", value.to_string().trim_matches('"')))
                .collect();
            let label = if varying.is_empty() {
                record.space.clone()
            } else {
                format!("{} ({})", record.space, varying.join(", "))
            };
            (result.index, label)
        })
        .collect()
}

/// "eps = 0.05000 (absolute)": eps to four significant digits and how it was chosen.
fn eps_text(estimate: &TargetEstimate) -> String {
    format!(
        "eps = {} ({})",
        number(Some(estimate.eps)),
        estimate.eps_rule
    )
}

/// The experiment's targets, described once from the first record that has them.
fn target_rules(results: &[CellResult<CellRecord>]) -> Vec<String> {
    let count = results
        .iter()
        .map(|r| r.record.estimates.len())
        .max()
        .unwrap_or(0);
    (0..count)
        .map(|t| {
            results
                .iter()
                .find_map(|r| r.record.estimates.get(t))
                .map(|e| {
                    if e.eps_rule == "absolute" {
                        format!("eps = {}", format_value(e.eps))
                    } else {
                        e.eps_rule.clone()
                    }
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Relative path of a chart inside the report directory.
fn relative(files: PlotFiles, out_dir: &Path) -> PlotFiles {
    let strip = |p: PathBuf| p.strip_prefix(out_dir).map(Path::to_path_buf).unwrap_or(p);
    PlotFiles {
        png: strip(files.png),
        svg: strip(files.svg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_numbers_have_four_significant_digits() {
        assert_eq!(significant(31169.7), "3.117e4");
        assert_eq!(significant(2958.7), "2959");
        assert_eq!(significant(69.12), "69.12");
        assert_eq!(significant(0.0204), "0.02040");
        assert_eq!(significant(-0.000_449_1), "-4.491e-4");
        assert_eq!(significant(4.8e-11), "4.800e-11");
        // Rounding that reaches the next power of ten.
        assert_eq!(significant(9999.7), "1.000e4");
        assert_eq!(significant(0.000_999_96), "0.001000");
        assert_eq!(significant(0.0), "0");
        assert_eq!(significant(f64::INFINITY), "∞");
        assert_eq!(number(None), "");
    }

    #[test]
    fn only_full_precision_numbers_are_shortened() {
        assert_eq!(
            shortened("bits at eps = 0.020369799074115024 range from 3650.5982 to 4832.3260"),
            "bits at eps = 0.02037 range from 3650.5982 to 4832.3260"
        );
        assert_eq!(
            shortened("sigma_w=1.4142135623730951, K_XX, log2"),
            "sigma_w=1.414, K_XX, log2"
        );
    }
}
