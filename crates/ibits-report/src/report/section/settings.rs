//! The "Settings" section: the experiment file and every cell of the grid.

use std::collections::BTreeMap;

use super::{header, number, shortened, Context};
use crate::record::CellRecord;
use crate::report::document::Block;
use crate::sweep::{CellResult, ManifestCell};

/// The "Settings" heading, the experiment file verbatim, and a table of every cell of the
/// grid: its index, id and seed, and for finished cells the task, intrinsic dimension, space,
/// resolved space parameters (numbers to four significant digits), n, N and k ("missing"
/// cells leave those empty).
pub(crate) fn section(ctx: &Context<'_>) -> Vec<Block> {
    let finished: BTreeMap<usize, &CellResult<CellRecord>> =
        ctx.results.iter().map(|r| (r.index, r)).collect();
    vec![
        Block::Heading(2, "Settings".into()),
        Block::Paragraph("The experiment file, verbatim:".into()),
        Block::Code {
            language: "toml".into(),
            text: ctx.set.manifest.source.clone(),
        },
        Block::Paragraph(
            "Every cell with its seed and the resolved parameters of its hypothesis space:".into(),
        ),
        Block::Table {
            header: header(&[
                "cell",
                "id",
                "seed",
                "task",
                "intrinsic dim",
                "hypothesis space",
                "parameters",
                "n",
                "N",
                "k",
                "status",
            ]),
            rows: ctx
                .set
                .manifest
                .cells
                .iter()
                .map(|cell| row(cell, finished.get(&cell.index).copied()))
                .collect(),
        },
    ]
}

/// An intrinsic dimension: a whole number as such ("4"), else to four significant digits.
fn dimension(m: f64) -> String {
    if m.fract() == 0.0 && m.abs() < 1e15 {
        format!("{m:.0}")
    } else {
        number(Some(m))
    }
}

/// A resolved parameter as JSON, its full-precision numbers cut to four significant digits
/// (`sigma_w=1.414`; `results.jsonl` keeps every digit).
fn parameter(value: &serde_json::Value) -> String {
    shortened(&value.to_string())
}

/// The settings row of one grid cell, with its result if it finished.
fn row(cell: &ManifestCell, result: Option<&CellResult<CellRecord>>) -> Vec<String> {
    match result {
        Some(result) => {
            let r = &result.record;
            vec![
                cell.index.to_string(),
                cell.id.clone(),
                cell.seed.to_string(),
                r.task.clone(),
                r.intrinsic_dim.map(dimension).unwrap_or_default(),
                r.space.clone(),
                r.space_parameters
                    .iter()
                    .map(|(k, v)| format!("{k}={}", parameter(v)))
                    .collect::<Vec<_>>()
                    .join(", "),
                r.n.to_string(),
                r.test_n.to_string(),
                r.k.to_string(),
                "finished".into(),
            ]
        }
        None => {
            let mut row = vec![
                cell.index.to_string(),
                cell.id.clone(),
                cell.seed.to_string(),
            ];
            row.extend(std::iter::repeat_n(String::new(), 7));
            row.push("missing".into());
            row
        }
    }
}
