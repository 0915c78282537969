//! Reproducible choice of training and test rows.
//!
//! # Rules
//! ```text
//! First                  the first n rows of the pool, in file order
//! Random { seed }        a uniformly random n-subset of the pool (partial Fisher-Yates)
//! Stratified { seed }    per class c: q_c rows chosen uniformly at random, where
//!                        q_c = floor(n * m_c / M) plus one for the n - sum floor(...) classes
//!                        with the largest remainders (ties: lower class first);
//!                        m_c = rows of class c in the pool, M = pool size
//! ```
//! Chosen rows are returned in file order. The random streams are ChaCha8 seeded with `seed`,
//! stream 0 for the training rows and stream 1 for the test rows, so the test rows do not
//! depend on how many training rows were drawn when the dataset has an official split.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::DataError;

/// How rows are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subset {
    /// The first rows in file order (default).
    #[default]
    First,
    /// A seeded uniformly random subset, kept in file order.
    Random {
        /// Seed of the ChaCha8 stream.
        seed: u64,
    },
    /// A seeded subset with class proportions of the pool (largest-remainder allocation).
    Stratified {
        /// Seed of the ChaCha8 stream.
        seed: u64,
    },
}

impl std::fmt::Display for Subset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::First => f.write_str("first rows"),
            Self::Random { seed } => write!(f, "random rows (seed {seed})"),
            Self::Stratified { seed } => write!(f, "stratified random rows (seed {seed})"),
        }
    }
}

/// The seeded stream for part `stream` (0 = training rows, 1 = test rows).
pub(crate) fn subset_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Choose `n` distinct elements of `pool` uniformly at random (partial Fisher-Yates), in the
/// order drawn.
fn sample_unordered(pool: &[usize], n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut items = pool.to_vec();
    let n = n.min(items.len());
    for i in 0..n {
        let j = rng.random_range(i..items.len());
        items.swap(i, j);
    }
    items.truncate(n);
    items
}

/// Class quotas by largest remainder: `q_c = floor(n m_c / M)` plus one for the classes with
/// the largest remainders `n m_c mod M` until `sum q_c = n`.
///
/// `counts[c]` = m_c; requires `n <= M = sum m_c`.
pub fn stratified_quotas(counts: &[usize], n: usize) -> Vec<usize> {
    let total: u128 = counts.iter().map(|&m| m as u128).sum();
    if total == 0 {
        return vec![0; counts.len()];
    }
    let n128 = n as u128;
    let mut quotas: Vec<usize> = counts
        .iter()
        .map(|&m| (n128 * m as u128 / total) as usize)
        .collect();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    // Largest remainder first; stable sort keeps lower classes first on ties.
    order.sort_by_key(|&c| std::cmp::Reverse(n128 * counts[c] as u128 % total));
    let mut left = n.saturating_sub(quotas.iter().sum());
    for c in order {
        if left == 0 {
            break;
        }
        if quotas[c] < counts[c] {
            quotas[c] += 1;
            left -= 1;
        }
    }
    quotas
}

/// Choose `n` rows of `pool` by `subset`; `labels[row]` is needed for stratification.
pub(crate) fn choose(
    pool: &[usize],
    n: usize,
    subset: Subset,
    labels: Option<&[usize]>,
    stream: u64,
) -> Result<Vec<usize>, DataError> {
    let mut chosen = match subset {
        Subset::First => pool[..n.min(pool.len())].to_vec(),
        Subset::Random { seed } => sample_unordered(pool, n, &mut subset_rng(seed, stream)),
        Subset::Stratified { seed } => {
            let labels = labels.ok_or_else(|| {
                DataError::invalid("subset", "stratified", "stratified subsets need class labels; use first or random for regression targets")
            })?;
            let classes = pool.iter().map(|&r| labels[r] + 1).max().unwrap_or(0);
            let mut members: Vec<Vec<usize>> = vec![Vec::new(); classes];
            for &r in pool {
                members[labels[r]].push(r);
            }
            let counts: Vec<usize> = members.iter().map(Vec::len).collect();
            let quotas = stratified_quotas(&counts, n);
            let mut rng = subset_rng(seed, stream);
            let mut out = Vec::with_capacity(n);
            for (group, q) in members.iter().zip(quotas) {
                out.extend(sample_unordered(group, q, &mut rng));
            }
            out
        }
    };
    chosen.sort_unstable();
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_follow_largest_remainder() {
        // 10 of (5, 3, 2) of 10: exact proportions.
        assert_eq!(stratified_quotas(&[5, 3, 2], 10), vec![5, 3, 2]);
        // 4 of (50, 50, 50): 1.333 each -> floors 1,1,1, one extra to class 0 (tie, lowest).
        assert_eq!(stratified_quotas(&[50, 50, 50], 4), vec![2, 1, 1]);
        // 7 of (6, 3, 1): exact 4.2, 2.1, 0.7 -> floors 4, 2, 0, remainder 1 -> class 2 (0.7).
        assert_eq!(stratified_quotas(&[6, 3, 1], 7), vec![4, 2, 1]);
        assert_eq!(stratified_quotas(&[0, 0], 0), vec![0, 0]);
    }

    #[test]
    fn stratified_choice_is_seeded_and_proportional() {
        let labels: Vec<usize> = (0..100).map(|i| usize::from(i >= 80)).collect();
        let pool: Vec<usize> = (0..100).collect();
        let s = Subset::Stratified { seed: 7 };
        let a = choose(&pool, 10, s, Some(&labels), 0).unwrap();
        let b = choose(&pool, 10, s, Some(&labels), 0).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.iter().filter(|&&r| labels[r] == 1).count(), 2);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        let c = choose(&pool, 10, Subset::Stratified { seed: 8 }, Some(&labels), 0).unwrap();
        assert_ne!(a, c);
        assert!(choose(&pool, 10, s, None, 0).is_err());
    }
}
