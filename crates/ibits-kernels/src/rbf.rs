//! The squared-exponential (RBF) kernel and the median-distance bandwidth heuristic.

use ndarray::ArrayView2;
use rayon::prelude::*;
use serde::Serialize;

use crate::error::KernelError;

/// Number of training points the median heuristic uses by default (the first ones, so the
/// result is deterministic and costs O(m^2 d) whatever n is).
pub const MEDIAN_HEURISTIC_POINTS: usize = 1000;

/// Squared-exponential kernel with an explicit bandwidth and amplitude.
///
/// # Formula
/// ```text
/// k(x, y) = amplitude * exp( -||x - y||^2 / (2 bandwidth^2) )
/// ```
/// where `bandwidth` is a length in input units (not squared) and `amplitude` the prior
/// variance k(x, x).
///
/// # Reference
/// Rasmussen & Williams (2006), "Gaussian Processes for Machine Learning", eq. (4.9).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rbf {
    bandwidth: f64,
    amplitude: f64,
}

impl Rbf {
    /// An RBF kernel with the given bandwidth and amplitude.
    ///
    /// # Errors
    /// [`KernelError::Bandwidth`] or [`KernelError::Amplitude`] if a value is not finite and > 0.
    pub fn new(bandwidth: f64, amplitude: f64) -> Result<Self, KernelError> {
        if !(bandwidth.is_finite() && bandwidth > 0.0) {
            return Err(KernelError::Bandwidth(bandwidth));
        }
        if !(amplitude.is_finite() && amplitude > 0.0) {
            return Err(KernelError::Amplitude(amplitude));
        }
        Ok(Self {
            bandwidth,
            amplitude,
        })
    }

    /// An RBF kernel whose bandwidth is the median pairwise Euclidean distance among the first
    /// [`MEDIAN_HEURISTIC_POINTS`] rows of `x` (see [`median_pairwise_distance`]).
    ///
    /// # Errors
    /// As [`median_pairwise_distance`] and [`Rbf::new`].
    pub fn with_median_bandwidth(
        x: ArrayView2<'_, f64>,
        amplitude: f64,
    ) -> Result<Self, KernelError> {
        Self::new(
            median_pairwise_distance(x, MEDIAN_HEURISTIC_POINTS)?,
            amplitude,
        )
    }

    /// The bandwidth (length scale, input units).
    pub fn bandwidth(&self) -> f64 {
        self.bandwidth
    }

    /// The amplitude (prior variance).
    pub fn amplitude(&self) -> f64 {
        self.amplitude
    }

    /// k from a squared distance (a negative one, from rounding, counts as 0).
    ///
    /// amplitude * exp(-sq_dist / (2 h^2)); where 2 h^2 is not a normal number (h below about
    /// 1e-154 or above about 1e154) the exponent is formed as (sq_dist / h) / (2 h), which keeps
    /// k(x, x) = amplitude (0 / h = 0, no 0 / 0) and gives exp(-inf) = 0 for x != y at h = 1e-300.
    pub(crate) fn of_sq_dist(&self, sq_dist: f64) -> f64 {
        let sq = sq_dist.max(0.0);
        let h = self.bandwidth;
        let two_h2 = 2.0 * h * h;
        let exponent = if two_h2.is_normal() {
            sq / two_h2
        } else {
            sq / h / (2.0 * h)
        };
        self.amplitude * (-exponent).exp()
    }
}

/// Median of the Euclidean distances ||x_i - x_j|| over all pairs i < j of the first
/// `max_points` rows of `x`.
///
/// # Formula
/// ```text
/// median{ ||x_i - x_j||_2 : 0 <= i < j < m },   m = min(n, max_points)
/// ```
/// An even number of pairs takes the mean of the two middle values (numpy's `median`).
/// Squared distances come from one matrix product, ||x_i||^2 + ||x_j||^2 - 2 <x_i, x_j>
/// (clamped at 0), as numpy/scikit-learn compute them.
///
/// # Errors
/// [`KernelError::TooFewPoints`] when m < 2 (or `max_points` < 2), [`KernelError::NoFeatures`],
/// [`KernelError::NonFinite`] for a NaN/inf input and [`KernelError::ZeroMedian`] when the median
/// is 0.
///
/// # Reference
/// Garreau, Jitkrittum & Kanagawa (2017), "Large sample analysis of the median heuristic",
/// arXiv:1707.07269.
pub fn median_pairwise_distance(
    x: ArrayView2<'_, f64>,
    max_points: usize,
) -> Result<f64, KernelError> {
    let m = x.nrows().min(max_points);
    if m < 2 {
        return Err(KernelError::TooFewPoints(m));
    }
    if x.ncols() == 0 {
        return Err(KernelError::NoFeatures);
    }
    let head = x.slice(ndarray::s![..m, ..]);
    crate::gram::check_finite(head)?;
    // ||x_i - x_j||^2 = ||x_i||^2 + ||x_j||^2 - 2 <x_i, x_j>, the inner products from one
    // matrix product (rounding ~1e-16 of the squared norms, immaterial for a bandwidth).
    let inner = crate::gram::inner_products(head);
    let sq: Vec<f64> = (0..m)
        .map(|i| head.row(i).iter().map(|v| v * v).sum())
        .collect();
    let mut dists: Vec<f64> = (1..m)
        .into_par_iter()
        .flat_map_iter(|i| {
            let (inner, sq) = (&inner, &sq);
            (0..i).map(move |j| (sq[i] + sq[j] - 2.0 * inner[(i, j)]).max(0.0).sqrt())
        })
        .collect();
    let len = dists.len();
    let mid = len / 2;
    let (_, upper, _) = dists.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *upper;
    let median = if len % 2 == 1 {
        upper
    } else {
        let lower = dists[..mid]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        0.5 * (lower + upper)
    };
    if median <= 0.0 {
        return Err(KernelError::ZeroMedian(m));
    }
    Ok(median)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn median_of_collinear_points_is_exact() {
        // Points 0, 1, 3, 7 on a line: distances 1, 3, 7, 2, 6, 4 -> sorted 1 2 3 4 6 7 -> 3.5.
        let x = array![[0.0], [1.0], [3.0], [7.0]];
        assert_eq!(median_pairwise_distance(x.view(), 10).unwrap(), 3.5);
        // Only the first 3 points: distances 1, 3, 2 -> 2.
        assert_eq!(median_pairwise_distance(x.view(), 3).unwrap(), 2.0);
    }

    #[test]
    fn median_rejects_degenerate_input() {
        let one = array![[1.0, 2.0]];
        assert_eq!(
            median_pairwise_distance(one.view(), 10),
            Err(KernelError::TooFewPoints(1))
        );
        let same = array![[1.0], [1.0], [1.0]];
        assert_eq!(
            median_pairwise_distance(same.view(), 10),
            Err(KernelError::ZeroMedian(3))
        );
        let nan = array![[1.0], [f64::NAN]];
        assert!(matches!(
            median_pairwise_distance(nan.view(), 10),
            Err(KernelError::NonFinite { row: 1, col: 0, .. })
        ));
    }

    #[test]
    fn new_rejects_bad_parameters() {
        assert_eq!(Rbf::new(0.0, 1.0), Err(KernelError::Bandwidth(0.0)));
        assert_eq!(Rbf::new(1.0, -1.0), Err(KernelError::Amplitude(-1.0)));
        assert!(matches!(
            Rbf::new(f64::INFINITY, 1.0),
            Err(KernelError::Bandwidth(_))
        ));
    }
}
