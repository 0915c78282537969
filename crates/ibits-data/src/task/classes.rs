//! The class filter of a task: which source classes are kept and how they are relabelled.
//!
//! ```text
//! keep = [c_0, c_1, ..., c_{K-1}]  (source class indices, distinct, each < C)
//! new label of a row with source class c_j = j;  rows of other classes are dropped
//! ```

use crate::raw::RawData;
use crate::DataError;

/// The classes a task keeps, decided once from the spec and the source.
pub(super) struct ClassFilter {
    /// New class of each source class (`None`: the class is dropped); `None` when every class
    /// is kept unchanged.
    pub relabel: Option<Vec<Option<usize>>>,
    /// Name of each class after the filter (index = new class).
    pub class_names: Vec<String>,
    /// One phrase for the task description.
    pub text: String,
}

impl ClassFilter {
    /// True when row `r` of the source is kept.
    pub fn keeps(&self, labels: Option<&[usize]>, r: usize) -> bool {
        match (&self.relabel, labels) {
            (Some(map), Some(l)) => l
                .get(r)
                .and_then(|&c| map.get(c))
                .is_some_and(Option::is_some),
            _ => true,
        }
    }

    /// The class of row `r` after the filter.
    pub fn class_of(&self, labels: &[usize], r: usize) -> usize {
        let old = labels[r];
        self.relabel
            .as_ref()
            .and_then(|m| m.get(old).copied().flatten())
            .unwrap_or(old)
    }

    /// `" after the class filter"` when a filter is set, else empty (for row-count messages).
    pub fn suffix(&self) -> &'static str {
        if self.relabel.is_some() {
            " after the class filter"
        } else {
            ""
        }
    }
}

/// The filter `keep` describes for `raw` (every class when `keep` is `None`).
///
/// # Errors
/// [`DataError::InvalidParameter`] (field `classes`) when the source has no class labels, the
/// list is empty, names a class the source does not have or names one twice, or keeps fewer
/// than 2 classes of a classification task.
pub(super) fn class_filter(
    keep: Option<&[usize]>,
    raw: &RawData,
    regression: bool,
) -> Result<ClassFilter, DataError> {
    let Some(keep) = keep else {
        return Ok(ClassFilter {
            relabel: None,
            class_names: raw.class_names.clone(),
            text: format!("all {} classes", raw.class_names.len()),
        });
    };
    if raw.labels.is_none() {
        return Err(DataError::invalid(
            "classes",
            format!("{keep:?}"),
            "class filters need class labels",
        ));
    }
    let c = raw.class_names.len();
    if keep.is_empty() {
        return Err(DataError::invalid(
            "classes",
            "[]",
            format!("list at least one class of 0..{c}"),
        ));
    }
    let map = relabelling(keep, raw)?;
    if !regression && keep.len() < 2 {
        return Err(DataError::invalid(
            "classes",
            format!("{keep:?}"),
            "a classification task needs at least 2 classes",
        ));
    }
    let class_names: Vec<String> = keep.iter().map(|&o| raw.class_names[o].clone()).collect();
    let text = format!(
        "classes {} of the source relabelled 0..{} ({})",
        keep.iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        keep.len() - 1,
        class_names.join(", ")
    );
    Ok(ClassFilter {
        relabel: Some(map),
        class_names,
        text,
    })
}

/// New class of each of the source's classes: `keep[j]` becomes `j`, the rest `None`.
fn relabelling(keep: &[usize], raw: &RawData) -> Result<Vec<Option<usize>>, DataError> {
    let c = raw.class_names.len();
    let mut map = vec![None; c];
    for (new, &old) in keep.iter().enumerate() {
        if old >= c {
            return Err(DataError::invalid(
                "classes",
                format!("{keep:?}"),
                format!(
                    "{} has classes 0..={} ({})",
                    raw.name,
                    c.saturating_sub(1),
                    raw.class_names.join(", ")
                ),
            ));
        }
        if map[old].is_some() {
            return Err(DataError::invalid(
                "classes",
                format!("{keep:?}"),
                format!("class {old} is listed twice"),
            ));
        }
        map[old] = Some(new);
    }
    Ok(map)
}
