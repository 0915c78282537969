//! The inputs of the ICML 2023 bound measured on a task's training inputs, as the paper does:
//! the largest input norm R, the intrinsic dimension m (maximum-likelihood estimate from nearest
//! neighbours, rounded) and the class separation δ (smallest distance between training inputs of
//! different classes, over a seeded subset).
//!
//! # Reference
//! Boopathy et al. (2023), "Model-agnostic Measure of Generalization Difficulty", ICML,
//! arXiv:2305.01034; the authors' code (FieteLab/inductive-bias-complexity, `task_difficulty.py`:
//! `intrinsic_dim`, `sample_delta`, `classification_task_difficulty`) measures the same three
//! quantities this way. Levina & Bickel (2005), "Maximum likelihood estimation of intrinsic
//! dimension", NIPS 17; MacKay & Ghahramani (2005), "Comments on 'Maximum likelihood estimation
//! of intrinsic dimension' by E. Levina and P. Bickel" (average the inverse over points).

use faer::{Accum, Mat, Par};
use faer_ext::IntoFaer;
use ibits_data::{Task, TaskKind};
use ndarray::{Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::bound::BoundInputs;
use crate::error::Error;

/// How the inputs of the bound are measured on data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DataOptions {
    /// k, nearest neighbours of the intrinsic-dimension MLE (>= 2) [default 5, the paper's].
    pub neighbours: usize,
    /// Query points of the MLE, drawn from the training inputs; their neighbours are searched
    /// among all training inputs (>= 1; all points when larger than n) [default 1000; the
    /// authors' code used 10000].
    pub dimension_queries: usize,
    /// Training inputs among which δ is the smallest distance between different classes (>= 2;
    /// all when larger than n) [default 4000]. A subset can only overestimate δ.
    pub separation_points: usize,
    /// Pairs of different classes at distance <= this are ignored (duplicated or mislabelled
    /// inputs; >= 0, input units) [default 0: only identical inputs]. The authors' `sample_delta`
    /// ignored distances below 1 (pixel scale [0, 1]).
    pub separation_floor: f64,
    /// Seed of both subsets (stream 0: dimension queries, stream 1: separation points).
    pub seed: u64,
}

impl Default for DataOptions {
    fn default() -> Self {
        Self {
            neighbours: 5,
            dimension_queries: 1000,
            separation_points: 4000,
            separation_floor: 0.0,
            seed: 0,
        }
    }
}

/// The maximum-likelihood estimate of the intrinsic dimension.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DimensionEstimate {
    /// m̂, the estimate (real).
    pub estimate: f64,
    /// m used by the bound: m̂ rounded to the nearest integer, at least 1 (as the paper).
    pub rounded: f64,
    /// k, neighbours used.
    pub neighbours: usize,
    /// Query points that entered the estimate.
    pub queries: usize,
    /// Query points left out because fewer than k distinct (non-zero distance) inputs were
    /// among their nearest candidates (duplicated inputs).
    pub skipped_queries: usize,
}

/// The class separation δ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SeparationEstimate {
    /// δ, smallest distance between two inputs of different classes (input units).
    pub separation: f64,
    /// Training rows of the closest pair.
    pub pair: (usize, usize),
    /// Training inputs searched.
    pub points: usize,
    /// True when every training input was searched (δ is exact, not a subset's overestimate).
    pub exhaustive: bool,
    /// Different-class pairs ignored for being at distance <= `floor`.
    pub pairs_ignored: usize,
    /// The floor used (input units).
    pub floor: f64,
}

/// What was measured on a task, and how.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TaskMeasurements {
    /// n, training points.
    pub train_points: usize,
    /// C, classes of the task.
    pub classes: usize,
    /// R, largest Euclidean norm of a training input (input units).
    pub radius: f64,
    /// m and how it was estimated.
    pub dimension: DimensionEstimate,
    /// δ and how it was found.
    pub separation: SeparationEstimate,
}

impl TaskMeasurements {
    /// The bound's inputs for a C-class task at target error ε: n, the rounded m, R, δ, C.
    ///
    /// # Errors
    /// [`Error::BoundInput`] from [`BoundInputs::classification`] (e.g. ε <= 0).
    pub fn inputs(&self, target_error: f64) -> Result<BoundInputs, Error> {
        BoundInputs::classification(
            self.train_points as f64,
            self.dimension.rounded,
            self.radius,
            self.separation.separation,
            self.classes as f64,
            target_error,
        )
    }
}

/// R = max_i ‖x_i‖, the largest Euclidean norm of a row (0 for no rows).
pub fn max_norm(x: ArrayView2<'_, f64>) -> f64 {
    x.axis_iter(Axis(0))
        .map(|row| row.dot(&row))
        .fold(0.0, f64::max)
        .sqrt()
}

/// `size` distinct rows out of `n` (all of them when `size >= n`), ascending, from stream
/// `stream` of ChaCha8 seeded with `seed`.
fn subset(n: usize, size: usize, seed: u64, stream: u64) -> Vec<usize> {
    if size >= n {
        return (0..n).collect();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    let mut rows = rand::seq::index::sample(&mut rng, n, size).into_vec();
    rows.sort_unstable();
    rows
}

/// ‖a - b‖², summed in eight lanes (vectorizes).
fn sq_distance(a: &[f64], b: &[f64]) -> f64 {
    let mut lanes = [0.0; 8];
    let mut tail = 0.0;
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    for (u, v) in a8.remainder().iter().zip(b8.remainder()) {
        tail += (u - v) * (u - v);
    }
    for (ca, cb) in a8.zip(b8) {
        for l in 0..8 {
            let t = ca[l] - cb[l];
            lanes[l] += t * t;
        }
    }
    lanes.iter().sum::<f64>() + tail
}

/// The rows `rows` of `x` as one contiguous row-major buffer.
fn gather(x: ArrayView2<'_, f64>, rows: &[usize]) -> Array2<f64> {
    x.select(Axis(0), rows).as_standard_layout().into_owned()
}

fn check_inputs(quantity: &'static str, x: ArrayView2<'_, f64>) -> Result<(), Error> {
    if x.ncols() == 0 {
        return Err(Error::BoundEstimate {
            quantity,
            reason: "the inputs have no features".to_string(),
        });
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(Error::BoundEstimate {
            quantity,
            reason: format!(
                "input row {} has a non-finite entry; clean or rescale the data",
                i / x.ncols()
            ),
        });
    }
    Ok(())
}

/// Candidates kept per query from the Gram-trick ranking before exact distances are taken
/// (beyond the k neighbours and the query itself), to absorb rounding and duplicates.
const EXTRA_CANDIDATES: usize = 16;
/// Query points per block (one block x n matrix of inner products at a time).
const QUERY_BLOCK: usize = 128;

/// Maximum-likelihood estimate of the intrinsic dimension from the k nearest neighbours.
///
/// # Formula
/// ```text
/// m̂ = [ 1/(Q (k-1)) Σ_q Σ_{j=1..k-1} ln( T_k(x_q) / T_j(x_q) ) ]^(-1)
/// ```
/// where T_j(x) is the distance from x to its j-th nearest other training input and the sum
/// runs over Q query points drawn from the rows of `x` (seeded). The per-point Levina–Bickel
/// statistics are pooled before inverting (MacKay & Ghahramani), as in the authors' code. The
/// bound uses m̂ rounded ([`DimensionEstimate::rounded`]).
///
/// # Reference
/// Levina & Bickel (2005), NIPS 17; MacKay & Ghahramani (2005), comment on it; used by
/// Boopathy et al. (2023), ICML (authors' code `intrinsic_dim`, k = 5).
///
/// # Errors
/// [`Error::Option`] when k < 2 or `queries` = 0; [`Error::BoundEstimate`] when there are
/// fewer than k + 1 rows, no columns, a non-finite entry, or no query point with k distinct
/// neighbours.
///
/// # Remarks
/// Neighbours are ranked by ‖x‖² + ‖y‖² - 2 x·y (one matrix product per block of queries) and
/// the k + 16 best candidates are re-measured exactly; inputs identical to the query (distance
/// 0) are skipped, so a query needs k distinct neighbours among its candidates. The estimate
/// is biased low for m much larger than about 2 log10(n) (the nearest neighbours are then not
/// local), as every nearest-neighbour estimator is.
pub fn intrinsic_dimension_mle(
    x: ArrayView2<'_, f64>,
    neighbours: usize,
    queries: usize,
    seed: u64,
) -> Result<DimensionEstimate, Error> {
    const QUANTITY: &str = "intrinsic dimension m";
    let k = neighbours;
    if k < 2 {
        return Err(Error::Option {
            what: "neighbours k of the intrinsic-dimension estimate",
            allowed: ">= 2",
            got: k.to_string(),
        });
    }
    if queries == 0 {
        return Err(Error::Option {
            what: "query points of the intrinsic-dimension estimate",
            allowed: ">= 1",
            got: "0".to_string(),
        });
    }
    let n = x.nrows();
    if n < k + 1 {
        return Err(Error::BoundEstimate {
            quantity: QUANTITY,
            reason: format!(
                "{n} training points; the estimate with k = {k} neighbours needs at least {}",
                k + 1
            ),
        });
    }
    check_inputs(QUANTITY, x)?;
    let chosen = subset(n, queries, seed, 0);
    let sq_norms: Vec<f64> = x.axis_iter(Axis(0)).map(|r| r.dot(&r)).collect();
    let candidates = (k + EXTRA_CANDIDATES).min(n - 1);
    let mut statistics: Vec<Option<f64>> = Vec::with_capacity(chosen.len());
    for block in chosen.chunks(QUERY_BLOCK) {
        let xq = gather(x, block);
        let mut inner = Mat::<f64>::zeros(block.len(), n);
        faer::linalg::matmul::matmul(
            inner.as_mut(),
            Accum::Replace,
            xq.view().into_faer(),
            x.into_faer().transpose(),
            1.0,
            Par::rayon(0),
        );
        ibits_kernels::clear_upper_simd_state();
        let part: Vec<Option<f64>> = block
            .par_iter()
            .enumerate()
            .map(|(r, &q)| {
                let mut ranked: Vec<(f64, usize)> = (0..n)
                    .filter(|&i| i != q)
                    .map(|i| (sq_norms[q] + sq_norms[i] - 2.0 * inner[(r, i)], i))
                    .collect();
                ranked.select_nth_unstable_by(candidates - 1, |a, b| {
                    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
                });
                let row = x.row(q);
                let mut dist: Vec<f64> = ranked[..candidates]
                    .iter()
                    .map(|&(_, i)| {
                        row.iter()
                            .zip(x.row(i).iter())
                            .map(|(u, v)| (u - v) * (u - v))
                            .sum::<f64>()
                            .sqrt()
                    })
                    .filter(|&t| t > 0.0)
                    .collect();
                if dist.len() < k {
                    return None;
                }
                dist.sort_unstable_by(f64::total_cmp);
                let ln_tk = dist[k - 1].ln();
                Some(dist[..k - 1].iter().map(|t| ln_tk - t.ln()).sum::<f64>())
            })
            .collect();
        statistics.extend(part);
    }
    let used = statistics.iter().flatten().count();
    let skipped = statistics.len() - used;
    if used == 0 {
        return Err(Error::BoundEstimate {
            quantity: QUANTITY,
            reason: format!(
                "none of the {} query points has {k} distinct neighbours (duplicated inputs); \
                 give the intrinsic dimension directly",
                statistics.len()
            ),
        });
    }
    let total: f64 = statistics.iter().flatten().sum();
    if total <= 0.0 {
        return Err(Error::BoundEstimate {
            quantity: QUANTITY,
            reason: "every query point's k nearest neighbours are equidistant; give the \
                     intrinsic dimension directly"
                .to_string(),
        });
    }
    let estimate = (used * (k - 1)) as f64 / total;
    Ok(DimensionEstimate {
        estimate,
        rounded: estimate.round().max(1.0),
        neighbours: k,
        queries: used,
        skipped_queries: skipped,
    })
}

/// δ, the smallest distance between two training inputs of different classes, over a seeded
/// subset of `points` rows (all rows when `points >= n`).
///
/// # Formula
/// ```text
/// δ = min { ‖x_i - x_j‖ : i, j in S, label_i != label_j, ‖x_i - x_j‖ > floor }
/// ```
///
/// # Reference
/// Boopathy et al. (2023), ICML: δ is the spatial resolution the hypotheses need, "the minimum
/// distance between classes"; the authors' code estimates it on random subsets (`sample_delta`)
/// or by extreme-value extrapolation (`evt_delta`, not implemented here).
///
/// # Errors
/// [`Error::Shape`] when `labels` and `x` differ in length; [`Error::Option`] when
/// `points < 2` or the floor is negative or not finite; [`Error::BoundEstimate`] for a
/// non-finite input or when no different-class pair lies beyond the floor.
///
/// # Remarks
/// Exact distances over all pairs of the subset (O(S² d)); a subset overestimates δ, which
/// lowers the bound.
pub fn class_separation(
    x: ArrayView2<'_, f64>,
    labels: &[usize],
    points: usize,
    floor: f64,
    seed: u64,
) -> Result<SeparationEstimate, Error> {
    const QUANTITY: &str = "class separation delta";
    let n = x.nrows();
    if labels.len() != n {
        return Err(Error::Shape {
            what: "labels (one per training input)",
            got: labels.len(),
            expected: n,
        });
    }
    if points < 2 {
        return Err(Error::Option {
            what: "points searched for the class separation",
            allowed: ">= 2",
            got: points.to_string(),
        });
    }
    if !(floor.is_finite() && floor >= 0.0) {
        return Err(Error::Option {
            what: "separation floor",
            allowed: "finite and >= 0",
            got: floor.to_string(),
        });
    }
    check_inputs(QUANTITY, x)?;
    let chosen = subset(n, points, seed, 1);
    let xs = gather(x, &chosen);
    let d = x.ncols();
    let flat = xs.as_slice().unwrap_or(&[]);
    let floor_sq = floor * floor;
    // (squared distance, (a, b)) of the closest pair beyond the floor, and pairs ignored.
    type Best = (f64, (usize, usize), usize);
    let none: Best = (f64::INFINITY, (usize::MAX, usize::MAX), 0);
    let closer = |p: Best, q: Best| -> Best {
        let ignored = p.2 + q.2;
        let better = q.0 < p.0 || (q.0 == p.0 && q.1 < p.1);
        if better {
            (q.0, q.1, ignored)
        } else {
            (p.0, p.1, ignored)
        }
    };
    let (best_sq, (a, b), ignored) = (1..chosen.len())
        .into_par_iter()
        .map(|i| {
            let xi = &flat[i * d..(i + 1) * d];
            let mut best = none;
            for j in 0..i {
                if labels[chosen[i]] == labels[chosen[j]] {
                    continue;
                }
                let t = sq_distance(xi, &flat[j * d..(j + 1) * d]);
                if t <= floor_sq {
                    best.2 += 1;
                } else if t < best.0 {
                    best.0 = t;
                    best.1 = (chosen[j], chosen[i]);
                }
            }
            best
        })
        .reduce(|| none, closer);
    if best_sq == f64::INFINITY {
        let reason = if ignored > 0 {
            format!("all {ignored} different-class pairs lie within the floor {floor}; lower it")
        } else {
            format!(
                "the {} inputs searched contain a single class; search more points",
                chosen.len()
            )
        };
        return Err(Error::BoundEstimate {
            quantity: QUANTITY,
            reason,
        });
    }
    Ok(SeparationEstimate {
        separation: best_sq.sqrt(),
        pair: (a, b),
        points: chosen.len(),
        exhaustive: chosen.len() == n,
        pairs_ignored: ignored,
        floor,
    })
}

/// Measure n, C, R, m and δ on a classification task's training inputs.
///
/// # Errors
/// [`Error::BoundEstimate`] for a regression task or when a quantity cannot be estimated; the
/// errors of [`intrinsic_dimension_mle`] and [`class_separation`] for bad options.
pub fn measure_task(task: &Task, options: &DataOptions) -> Result<TaskMeasurements, Error> {
    let (classes, labels) = match (task.kind, task.labels_train.as_deref()) {
        (TaskKind::Classification { classes }, Some(labels)) => (classes, labels),
        _ => {
            return Err(Error::BoundEstimate {
                quantity: "class separation delta",
                reason: format!(
                    "task {:?} is a regression task; the bound needs classes",
                    task.name
                ),
            })
        }
    };
    let x = task.x_train.view();
    let dimension = intrinsic_dimension_mle(
        x,
        options.neighbours,
        options.dimension_queries,
        options.seed,
    )?;
    let separation = class_separation(
        x,
        labels,
        options.separation_points,
        options.separation_floor,
        options.seed,
    )?;
    Ok(TaskMeasurements {
        train_points: task.n_train(),
        classes,
        radius: max_norm(x),
        dimension,
        separation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;
    use rand_distr::StandardNormal;

    /// n points uniform in [0, 1]^m, embedded by a random orthonormal map into R^ambient.
    fn on_linear_subspace(n: usize, m: usize, ambient: usize, seed: u64) -> Array2<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Gram–Schmidt on m Gaussian vectors of R^ambient.
        let mut basis: Vec<Vec<f64>> = Vec::new();
        while basis.len() < m {
            let mut v: Vec<f64> = (0..ambient).map(|_| rng.sample(StandardNormal)).collect();
            for b in &basis {
                let dot: f64 = v.iter().zip(b).map(|(p, q)| p * q).sum();
                v.iter_mut().zip(b).for_each(|(p, q)| *p -= dot * q);
            }
            let norm = v.iter().map(|p| p * p).sum::<f64>().sqrt();
            basis.push(v.into_iter().map(|p| p / norm).collect());
        }
        let mut x = Array2::zeros((n, ambient));
        for mut row in x.axis_iter_mut(Axis(0)) {
            for b in &basis {
                let z: f64 = rng.random();
                row.iter_mut().zip(b).for_each(|(p, q)| *p += z * q);
            }
        }
        x
    }

    #[test]
    fn mle_recovers_the_dimension_of_a_linear_subspace() {
        for (m, seed) in [(2, 1), (4, 2), (6, 3)] {
            let x = on_linear_subspace(4000, m, 30, seed);
            let est = intrinsic_dimension_mle(x.view(), 5, 1000, 0).unwrap();
            assert_eq!(est.rounded, m as f64, "m = {m}: estimate {}", est.estimate);
            assert!((est.estimate - m as f64).abs() < 0.1 * m as f64 + 0.2);
            assert_eq!((est.queries, est.skipped_queries), (1000, 0));
        }
    }

    #[test]
    fn mle_is_reproducible_and_skips_duplicates() {
        let x = on_linear_subspace(500, 3, 10, 7);
        let a = intrinsic_dimension_mle(x.view(), 5, 100, 42).unwrap();
        let b = intrinsic_dimension_mle(x.view(), 5, 100, 42).unwrap();
        assert_eq!(a, b);
        // Every point twice: duplicates (distance 0) are not neighbours, the estimate is the
        // same kind of number and no query is lost.
        let doubled = ndarray::concatenate(Axis(0), &[x.view(), x.view()]).unwrap();
        let d = intrinsic_dimension_mle(doubled.view(), 5, 1000, 0).unwrap();
        assert_eq!(d.skipped_queries, 0);
        assert_eq!(d.rounded, 3.0);
    }

    #[test]
    fn mle_rejects_bad_options_and_tiny_data() {
        let x = on_linear_subspace(5, 2, 4, 0);
        assert!(matches!(
            intrinsic_dimension_mle(x.view(), 1, 10, 0),
            Err(Error::Option { .. })
        ));
        assert!(matches!(
            intrinsic_dimension_mle(x.view(), 5, 10, 0),
            Err(Error::BoundEstimate { .. })
        ));
        let same = Array2::<f64>::ones((20, 3));
        assert!(matches!(
            intrinsic_dimension_mle(same.view(), 3, 20, 0),
            Err(Error::BoundEstimate { .. })
        ));
    }

    #[test]
    fn separation_finds_the_closest_pair_of_different_classes() {
        // Two classes on a line: class 0 at 0, 1, 2; class 1 at 2.25, 5. Same-class pairs are
        // closer (1.0) but do not count; the answer is 2 -> 2.25.
        let x = ndarray::array![[0.0], [1.0], [2.0], [2.25], [5.0]];
        let labels = [0, 0, 0, 1, 1];
        let s = class_separation(x.view(), &labels, 100, 0.0, 0).unwrap();
        assert!((s.separation - 0.25).abs() < 1e-15);
        assert_eq!(s.pair, (2, 3));
        assert!(s.exhaustive);
        // A floor of 0.5 ignores that pair (and only it).
        let f = class_separation(x.view(), &labels, 100, 0.5, 0).unwrap();
        assert!((f.separation - 1.25).abs() < 1e-15);
        assert_eq!(f.pairs_ignored, 1);
        // One class only.
        assert!(matches!(
            class_separation(x.view(), &[0; 5], 100, 0.0, 0),
            Err(Error::BoundEstimate { .. })
        ));
        assert!(matches!(
            class_separation(x.view(), &labels[..4], 100, 0.0, 0),
            Err(Error::Shape { .. })
        ));
    }

    #[test]
    fn separation_matches_brute_force_in_many_dimensions() {
        let x = on_linear_subspace(300, 5, 37, 11); // 37 columns: exercises the 8-lane tail
        let labels: Vec<usize> = (0..300).map(|i| (i * 7) % 3).collect();
        let mut best = f64::INFINITY;
        for i in 0..300 {
            for j in 0..i {
                if labels[i] != labels[j] {
                    let t: f64 = x
                        .row(i)
                        .iter()
                        .zip(x.row(j).iter())
                        .map(|(u, v)| (u - v) * (u - v))
                        .sum();
                    best = best.min(t.sqrt());
                }
            }
        }
        let s = class_separation(x.view(), &labels, 300, 0.0, 0).unwrap();
        approx::assert_relative_eq!(s.separation, best, max_relative = 1e-12);
        // A subset can only find a larger separation.
        let sub = class_separation(x.view(), &labels, 50, 0.0, 3).unwrap();
        assert!(sub.separation >= s.separation && !sub.exhaustive && sub.points == 50);
    }

    #[test]
    fn measure_task_feeds_the_bound() {
        let x = on_linear_subspace(600, 3, 12, 5);
        let mean = x.column(0).mean().unwrap_or(0.0);
        let labels: Vec<usize> = (0..600).map(|i| usize::from(x[(i, 0)] > mean)).collect();
        let xt = x.slice(ndarray::s![..10, ..]).to_owned();
        let task = Task::classification("synthetic", "test", x.clone(), labels, xt, vec![0; 10], 2)
            .unwrap();
        let meas = measure_task(&task, &DataOptions::default()).unwrap();
        assert_eq!((meas.train_points, meas.classes), (600, 2));
        assert_eq!(meas.dimension.rounded, 3.0);
        approx::assert_relative_eq!(meas.radius, max_norm(x.view()), max_relative = 1e-15);
        let inputs = meas.inputs(0.01).unwrap();
        assert_eq!(inputs.intrinsic_dim(), 3.0);
        assert_eq!(inputs.output_dim(), 1.0);
        assert!(crate::bound::bound_bits(&inputs).bits > 0.0);
        assert!(matches!(meas.inputs(0.0), Err(Error::BoundInput { .. })));
    }
}
