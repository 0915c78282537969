//! Checks made before a grid is expanded: the experiment's name is a plain file name, the
//! number of cells is at most [`MAX_CELLS`], and the expanded grid fits in memory.
//!
//! ```text
//! cells       = (sum over tasks of the product of their list lengths)
//!             x (sum over spaces of the product of their list lengths) x |n| x |test_n|
//!               (checked multiplication: an overflow is "more than 2^64 - 1 cells")
//! cell bytes  = size of a cell + its id and targets
//!             + 2 x (heap of its spec as a serde_json::Value)   the cell's and the manifest's
//!             + 3 x (length of the spec's JSON text)            the pretty-printed manifest
//!                                                               and the typed task and space
//! need        = cells x cell bytes        refused when > MemAvailable / 2 (Linux; elsewhere
//!                                          only the cell limit applies)
//! ```
//! The cell count is computed from the TOML values alone, so a grid of 10^7 or 10^30 cells is
//! refused in the time it takes to parse the file, naming the axes to shorten. The per-cell
//! estimate comes from the grid's first cell, built before the others. For ibits' own cells
//! (a spec of about 300 bytes of JSON) it gives about 5 KB a cell; `ibits sweep --dry-run` of
//! 10^5 such cells peaks at about 6 KB a cell, its listing included.

use ibits_data::{available_memory, human_bytes};
use std::ops::Range;

use toml::Spanned;

use crate::sweep::cell::{canonical_json, Cell, Target};

/// The most cells one experiment may have. A cell is one estimate (seconds to minutes), so a
/// larger grid is a mistake or a job for several experiment files; expanding and listing one
/// million cells already takes seconds and gigabytes.
pub const MAX_CELLS: usize = 1_000_000;

/// The longest experiment name, in bytes: `sweep-<name>` and its temporary files must stay
/// below the 255-byte limit of a file name.
pub const MAX_NAME_LEN: usize = 200;

/// Why `name` is not a plain file name (ASCII letters, digits, `-`, `_`, `.`, not starting
/// with `.`, 1 to [`MAX_NAME_LEN`] bytes), with a name that would do; `None` when it is one.
pub(crate) fn plain_name_problem(name: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && !name.starts_with('.')
        && name.chars().all(allowed)
    {
        return None;
    }
    let mut suggestion = String::new();
    for c in name.chars() {
        let c = if allowed(c) { c } else { '-' };
        if !(c == '-' && suggestion.ends_with('-')) {
            suggestion.push(c);
        }
    }
    let mut suggestion = suggestion
        .trim_start_matches(['.', '-'])
        .trim_end_matches('-')
        .to_string();
    suggestion.truncate(MAX_NAME_LEN);
    if suggestion.is_empty() {
        suggestion = "experiment".into();
    }
    Some(format!(
        "{name:?} is not a plain file name, and the name makes the default output directory \
         sweep-<name>: use ASCII letters, digits, '-', '_' and '.', not starting with '.', at \
         most {MAX_NAME_LEN} bytes (for example name = {suggestion:?})"
    ))
}

/// One axis of the grid, counted before expansion.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    /// `grid.task`, `grid.space`, `grid.n`, `grid.test_n`.
    pub(crate) field: &'static str,
    /// Where the axis is in the file (0..0 for an axis the file does not give).
    pub(crate) span: Range<usize>,
    /// Values along the axis after expansion; `None` when more than `usize::MAX`.
    pub(crate) count: Option<usize>,
    /// The longest list inside a task or space table: key and length.
    pub(crate) longest_list: Option<(String, usize)>,
}

impl Axis {
    /// A list of sizes.
    pub(crate) fn sizes(field: &'static str, span: Range<usize>, len: usize) -> Self {
        Self {
            field,
            span,
            count: Some(len),
            longest_list: None,
        }
    }

    /// A list of tasks or spaces, each a plain value (one) or a table expanded into the
    /// product of its list lengths.
    pub(crate) fn values(
        field: &'static str,
        span: Range<usize>,
        values: &[Spanned<toml::Value>],
    ) -> Self {
        let mut count = Some(0usize);
        let mut longest_list: Option<(String, usize)> = None;
        for value in values {
            let expanded = match value.get_ref() {
                toml::Value::Table(table) => {
                    let mut product = Some(1usize);
                    for (key, entry) in table {
                        if let toml::Value::Array(list) = entry {
                            product = product.and_then(|p| p.checked_mul(list.len()));
                            if longest_list.as_ref().is_none_or(|(_, l)| list.len() > *l) {
                                longest_list = Some((key.clone(), list.len()));
                            }
                        }
                    }
                    product
                }
                _ => Some(1),
            };
            count = match (count, expanded) {
                (Some(c), Some(e)) => c.checked_add(e),
                _ => None,
            };
        }
        Self {
            field,
            span,
            count,
            longest_list: longest_list.filter(|(_, l)| *l > 1),
        }
    }

    /// `n 1000`, `space more than 18446744073709551615`.
    fn factor(&self) -> String {
        let short = self.field.trim_start_matches("grid.");
        match self.count {
            Some(c) => format!("{short} {c}"),
            None => format!("{short} more than {}", usize::MAX),
        }
    }
}

/// The axis with the most values (the first of equals), where an error about the grid's
/// size points.
pub(crate) fn longest_axis(axes: &[Axis]) -> &Axis {
    let mut best = &axes[0];
    for axis in &axes[1..] {
        let longer = match (axis.count, best.count) {
            (None, Some(_)) => true,
            (Some(a), Some(b)) => a > b,
            _ => false,
        };
        if longer {
            best = axis;
        }
    }
    best
}

/// Which axes to shorten, longest first: "shorten grid.n (1000 values), grid.space (100
/// values; its longest list is `scale`, 100 values), or split ...".
pub(crate) fn shorten_hint(axes: &[Axis]) -> String {
    let mut long: Vec<&Axis> = axes.iter().filter(|a| a.count != Some(1)).collect();
    long.sort_by(|a, b| match (a.count, b.count) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => y.cmp(&x),
    });
    let parts: Vec<String> = long
        .iter()
        .map(|a| {
            let values = match a.count {
                Some(c) => format!("{c} values"),
                None => format!("more than {} values", usize::MAX),
            };
            match &a.longest_list {
                Some((key, len)) => {
                    format!(
                        "{} ({values}; its longest list is `{key}`, {len} values)",
                        a.field
                    )
                }
                None => format!("{} ({values})", a.field),
            }
        })
        .collect();
    format!(
        "shorten {}, or split the experiment into several files",
        parts.join(", ")
    )
}

/// The number of cells of the grid, refused (with the span of the longest axis and a message
/// naming the axes to shorten) above [`MAX_CELLS`]. A grid with an empty axis counts 0 cells,
/// so that the expansion reports the empty list.
pub(crate) fn check_cell_count(axes: &[Axis]) -> Result<usize, (Range<usize>, String)> {
    if axes.iter().any(|a| a.count == Some(0)) {
        return Ok(0);
    }
    let total = axes
        .iter()
        .try_fold(1usize, |acc, axis| acc.checked_mul(axis.count?));
    match total {
        Some(total) if total <= MAX_CELLS => Ok(total),
        _ => {
            let count = total.map_or(format!("more than {}", usize::MAX), |t| t.to_string());
            let product: Vec<String> = axes.iter().map(Axis::factor).collect();
            Err((
                longest_axis(axes).span.clone(),
                format!(
                    "the grid has {count} cells ({}), more than the limit of {MAX_CELLS}: {}",
                    product.join(" x "),
                    shorten_hint(axes)
                ),
            ))
        }
    }
}

/// Estimated bytes one expanded cell holds (see the module documentation).
pub(crate) fn cell_bytes<T, S>(cell: &Cell<T, S>) -> usize {
    let value = std::mem::size_of::<serde_json::Value>() + value_heap(&cell.spec);
    std::mem::size_of::<Cell<T, S>>()
        + cell.id.capacity()
        + cell.targets.capacity() * std::mem::size_of::<Target>()
        + 2 * value
        + 3 * canonical_json(&cell.spec).len()
}

/// Heap bytes of a JSON value: strings, array buffers, and per object entry its key, its
/// value slot and the map's node overhead (about two words an entry).
fn value_heap(value: &serde_json::Value) -> usize {
    use serde_json::Value;
    const ENTRY: usize = std::mem::size_of::<String>()
        + std::mem::size_of::<Value>()
        + 2 * std::mem::size_of::<usize>();
    match value {
        Value::String(text) => text.capacity(),
        Value::Array(items) => {
            items.capacity() * std::mem::size_of::<Value>()
                + items.iter().map(value_heap).sum::<usize>()
        }
        Value::Object(map) => map
            .iter()
            .map(|(key, item)| ENTRY + key.capacity() + value_heap(item))
            .sum(),
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
    }
}

/// Refuse a grid whose expansion needs more than half the memory available (`MemAvailable`
/// from `/proc/meminfo`; no check where that cannot be read).
pub(crate) fn check_memory(
    cells: usize,
    cell_bytes: usize,
    axes: &[Axis],
) -> Result<(), (Range<usize>, String)> {
    let need = (cells as u64).saturating_mul(cell_bytes as u64);
    match available_memory() {
        Some(available) if need > available / 2 => Err((
            longest_axis(axes).span.clone(),
            format!(
                "expanding the grid needs about {} ({cells} cells x {} each), more than half \
                 of the {} of memory available: {}",
                human_bytes(need),
                human_bytes(cell_bytes as u64),
                human_bytes(available),
                shorten_hint(axes)
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass_and_others_get_a_suggestion() {
        for ok in ["toy", "kernels-vs-mlp", "run_2.b", "A1"] {
            assert_eq!(plain_name_problem(ok), None, "{ok}");
        }
        let problem = plain_name_problem("../../x").unwrap();
        assert!(problem.contains("name = \"x\""), "{problem}");
        for bad in ["", ".hidden", "a/b", "a\\b", "a b", "é", &"x".repeat(201)] {
            assert!(plain_name_problem(bad).is_some(), "{bad:?}");
        }
        assert!(plain_name_problem("/").unwrap().contains("\"experiment\""));
    }

    #[test]
    fn a_cell_like_ibits_ones_is_estimated_at_a_few_kilobytes() {
        let task =
            serde_json::json!({"source": "synthetic", "intrinsic_dim": 2, "ambient_dim": 20});
        let space = serde_json::json!({"kind": "gp", "kernel": "rbf", "bandwidth": 1.5});
        let settings = serde_json::json!({"bootstrap": 0, "confidence": 0.95,
            "jitter_check": true, "samples": 0, "test_n": 1000});
        let cell = Cell::new(
            0,
            0,
            task,
            space,
            10,
            Some(10),
            vec![Target::RelativeToMean(0.5)],
            &settings,
        );
        let bytes = cell_bytes(&cell);
        assert!((2_000..10_000).contains(&bytes), "{bytes}");
    }

    #[test]
    fn byte_counts_read_well() {
        assert_eq!(human_bytes(812), "812 B");
        assert_eq!(human_bytes(28_800_000_000), "28.8 GB");
    }
}
