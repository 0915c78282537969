//! Which source rows become the training set and which the test set.
//!
//! ```text
//! official split (rows 0..s train, s..M test):  train = subset(n of the kept rows of 0..s)
//!                                               test  = subset(N of the kept rows of s..M)
//! one table of M kept rows:                     train = subset(n of the M rows)
//!                                               test  = subset(N of the M - n rows left)
//! defaults for one table: n = M - N, or N = M - n, or n = M - floor(M/5), N = floor(M/5)
//! ```

use crate::raw::RawData;
use crate::subset::{choose, Subset};
use crate::DataError;

use super::classes::ClassFilter;
use super::TaskSpec;

/// The rows of a task and how they were chosen.
pub(super) struct RowChoice {
    /// Source rows of the training set, in task order.
    pub train: Vec<usize>,
    /// Source rows of the test set, in task order.
    pub test: Vec<usize>,
    /// One phrase for the task description.
    pub text: String,
}

/// Choose the training and test rows of `raw` that `spec` asks for, among the rows `filter`
/// keeps.
///
/// # Errors
/// [`DataError::SubsetTooLarge`] when more rows are asked for than there are (saying how many
/// there are, in which split), [`DataError::InvalidParameter`] when a split has no rows, and
/// the errors of the subset rule.
pub(super) fn choose_rows(
    spec: &TaskSpec,
    raw: &RawData,
    filter: &ClassFilter,
) -> Result<RowChoice, DataError> {
    match raw.train_rows {
        Some(split) => official_split_rows(spec, raw, filter, split),
        None => single_table_rows(spec, raw, filter),
    }
}

/// Rows from a dataset with an official train/test split at row `split`.
fn official_split_rows(
    spec: &TaskSpec,
    raw: &RawData,
    filter: &ClassFilter,
    split: usize,
) -> Result<RowChoice, DataError> {
    let n_rows = raw.features.nrows();
    let labels = raw.labels.as_deref();
    let filtered = filter.suffix();
    let pool_train: Vec<usize> = (0..split).filter(|&r| filter.keeps(labels, r)).collect();
    let pool_test: Vec<usize> = (split..n_rows)
        .filter(|&r| filter.keeps(labels, r))
        .collect();
    let n = spec.n_train.unwrap_or(pool_train.len());
    let n_t = spec.n_test.unwrap_or(pool_test.len());
    for (part, want, pool, total) in [
        ("training", n, &pool_train, split),
        ("test", n_t, &pool_test, n_rows.saturating_sub(split)),
    ] {
        if want > pool.len() {
            return Err(DataError::SubsetTooLarge {
                dataset: raw.name.clone(),
                part,
                requested: want,
                available: pool.len(),
                detail: format!(
                    "the official {part} split has {total} rows, {} of them{filtered}",
                    pool.len()
                ),
            });
        }
        if want == 0 {
            return Err(DataError::invalid(
                "subset",
                format!("0 {part} rows"),
                format!("{} has no {part} rows{filtered}", raw.name),
            ));
        }
    }
    let train = choose(&pool_train, n, spec.subset, labels, 0)?;
    let test = choose(&pool_test, n_t, spec.subset, labels, 1)?;
    let text = format!(
        "train = {} {n} of the {} rows of the official training split{filtered}, test = {} {n_t} of the {} rows of the official test split{filtered}",
        spec.subset,
        pool_train.len(),
        spec.subset,
        pool_test.len()
    );
    Ok(RowChoice { train, test, text })
}

/// The sizes n and N for one table of `m` rows, defaulting what the spec leaves out.
fn single_table_sizes(spec: &TaskSpec, m: usize) -> (usize, usize) {
    match (spec.n_train, spec.n_test) {
        (Some(a), Some(b)) => (a, b),
        (Some(a), None) => (a, m.saturating_sub(a)),
        (None, Some(b)) => (m.saturating_sub(b), b),
        (None, None) => (m - m / 5, m / 5),
    }
}

/// Rows from one table without a train/test split: the test rows come from the rows the
/// training set did not take.
fn single_table_rows(
    spec: &TaskSpec,
    raw: &RawData,
    filter: &ClassFilter,
) -> Result<RowChoice, DataError> {
    let n_rows = raw.features.nrows();
    let labels = raw.labels.as_deref();
    let filtered = filter.suffix();
    let pool: Vec<usize> = (0..n_rows).filter(|&r| filter.keeps(labels, r)).collect();
    let m = pool.len();
    let (n, n_t) = single_table_sizes(spec, m);
    if n.saturating_add(n_t) > m || n == 0 || n_t == 0 {
        return Err(DataError::SubsetTooLarge {
            dataset: raw.name.clone(),
            part: "training + test",
            requested: n.saturating_add(n_t),
            available: m,
            detail: format!(
                "one table of {n_rows} rows without a train/test split, {m} of them{filtered}; n = {n} and N = {n_t} must both be >= 1 with n + N <= {m}"
            ),
        });
    }
    let train = choose(&pool, n, spec.subset, labels, 0)?;
    let rest = rows_not_taken(&pool, &train, n_rows);
    let test = match spec.subset {
        Subset::First => rest[..n_t].to_vec(),
        other => choose(&rest, n_t, other, labels, 1)?,
    };
    let text = match spec.subset {
        Subset::First => format!("train = rows 0..{n} and test = the next {n_t} rows of the single {m}-row table{filtered} (file order)"),
        other => format!("train = {other} {n} of the {m} rows{filtered}, test = {other} {n_t} of the remaining {} rows (one table, no official split)", m - n),
    };
    Ok(RowChoice { train, test, text })
}

/// The rows of `pool` that `taken` does not hold, in pool order.
fn rows_not_taken(pool: &[usize], taken: &[usize], n_rows: usize) -> Vec<usize> {
    let mut is_taken = vec![false; n_rows];
    for &r in taken {
        is_taken[r] = true;
    }
    pool.iter().copied().filter(|&r| !is_taken[r]).collect()
}
