//! Input preprocessing, fitted on the training inputs only and applied to both sets, in this
//! order: downsampling (images), scaling, PCA projection.
//!
//! # Formulas
//! ```text
//! downsample by f:  x'[i, j] = mean of x[f i + a, f j + b], a, b in 0..f   (average pooling)
//! PixelMax:         x' = x / p_max          (p_max = 255 for u8 images, 16 for 8x8 digits)
//! Divide(s):        x' = x / s
//! Standardize:      x'_j = (x_j - m_j) / s_j, m_j, s_j = mean and population standard
//!                   deviation (divisor n) of column j over the training rows; s_j = 0 -> 1
//! PCA to m:         x' = (x - m) V_m, V_m = eigenvectors of C = (X - 1 m^T)^T (X - 1 m^T) / (n - 1)
//!                   for its m largest eigenvalues (training rows only); each eigenvector's
//!                   largest-magnitude entry is made positive
//! ```

use faer::Side;
use faer_ext::IntoFaer;
use ndarray::{Array1, Array2, Axis};
use serde::Serialize;

use crate::DataError;

/// How inputs are scaled.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scaling {
    /// The dataset's default: images `PixelMax`, vendored tables `Standardize`, user data and
    /// synthetic tasks `None`.
    #[default]
    Auto,
    /// Leave inputs as read.
    None,
    /// Divide by the largest possible pixel value (images only).
    PixelMax,
    /// Divide by a positive constant.
    Divide(f64),
    /// Subtract the training mean and divide by the training standard deviation, per column.
    Standardize,
}

/// Preprocessing of the inputs (the targets are never changed).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Preprocess {
    /// Scaling (default: the dataset's default).
    pub scaling: Scaling,
    /// Average-pool images by this factor in each direction (must divide height and width).
    pub downsample: Option<usize>,
    /// Project onto the top `m` principal components of the training inputs.
    pub pca: Option<usize>,
}

/// What the data being preprocessed is.
pub(crate) struct InputKind {
    pub image: Option<(usize, usize)>,
    pub pixel_max: Option<f64>,
    pub standardize_by_default: bool,
}

/// Average-pool each row (an image of `rows x cols`) by `f`.
fn downsample(x: &Array2<f64>, rows: usize, cols: usize, f: usize) -> Array2<f64> {
    let (r2, c2) = (rows / f, cols / f);
    let inv = 1.0 / (f * f) as f64;
    let mut out = Array2::<f64>::zeros((x.nrows(), r2 * c2));
    for (src, mut dst) in x.rows().into_iter().zip(out.rows_mut()) {
        for i in 0..r2 {
            for j in 0..c2 {
                let mut s = 0.0;
                for a in 0..f {
                    for b in 0..f {
                        s += src[(f * i + a) * cols + f * j + b];
                    }
                }
                dst[i * c2 + j] = s * inv;
            }
        }
    }
    out
}

/// Per-column mean and population standard deviation of `x`.
pub fn column_mean_std(x: &Array2<f64>) -> (Array1<f64>, Array1<f64>) {
    let n = x.nrows().max(1) as f64;
    let mean = x.sum_axis(Axis(0)) / n;
    let mut var = Array1::<f64>::zeros(x.ncols());
    for row in x.rows() {
        for ((v, &xi), &m) in var.iter_mut().zip(row).zip(&mean) {
            *v += (xi - m) * (xi - m);
        }
    }
    (mean, var.mapv(|v| (v / n).sqrt()))
}

/// Principal components of the rows of `x`.
#[derive(Debug, Clone)]
pub struct Pca {
    /// Column means of the fitted rows.
    pub mean: Array1<f64>,
    /// `d x m` matrix whose columns are the components, by decreasing variance.
    pub components: Array2<f64>,
    /// Variance along each component (eigenvalues of the covariance, divisor n - 1).
    pub variances: Array1<f64>,
    /// Sum of all covariance eigenvalues (the trace), for the explained fraction.
    pub total_variance: f64,
}

impl Pca {
    /// Fit the top `m` components of the rows of `x` (needs at least 2 rows).
    ///
    /// # Errors
    /// [`DataError::InvalidParameter`] unless `1 <= m <= d` and `n >= 2`;
    /// [`DataError::LinearAlgebra`] if the eigendecomposition fails.
    pub fn fit(x: &Array2<f64>, m: usize) -> Result<Self, DataError> {
        let (n, d) = x.dim();
        if m == 0 || m > d {
            return Err(DataError::invalid(
                "pca",
                m,
                format!("must be in 1..={d} (the number of input features)"),
            ));
        }
        if n < 2 {
            return Err(DataError::invalid(
                "pca",
                m,
                format!("needs at least 2 training rows, got {n}"),
            ));
        }
        let (mean, _) = column_mean_std(x);
        let centred = x - &mean;
        let xf = centred.view().into_faer();
        let cov = xf.transpose() * xf * faer::Scale(1.0 / (n - 1) as f64);
        let eig = cov
            .self_adjoint_eigen(Side::Lower)
            .map_err(|e| DataError::LinearAlgebra {
                what: "PCA eigendecomposition",
                problem: format!("{e:?}"),
            })?;
        let (u, s) = (eig.U(), eig.S());
        let values: Vec<f64> = (0..d).map(|i| s[i]).collect();
        let total_variance = values.iter().map(|v| v.max(0.0)).sum();
        let mut components = Array2::<f64>::zeros((d, m));
        let mut variances = Array1::<f64>::zeros(m);
        for k in 0..m {
            let col = d - 1 - k; // eigenvalues ascend
            variances[k] = values[col].max(0.0);
            let mut best = 0.0f64;
            for i in 0..d {
                if u[(i, col)].abs() > best.abs() {
                    best = u[(i, col)];
                }
            }
            let sign = if best < 0.0 { -1.0 } else { 1.0 };
            for i in 0..d {
                components[(i, k)] = sign * u[(i, col)];
            }
        }
        Ok(Self {
            mean,
            components,
            variances,
            total_variance,
        })
    }

    /// Project rows: `(x - mean) components`.
    pub fn transform(&self, x: &Array2<f64>) -> Array2<f64> {
        (x - &self.mean).dot(&self.components)
    }
}

/// Preprocessed inputs and a description of each step taken.
pub(crate) struct Prepared {
    pub x_train: Array2<f64>,
    pub x_test: Array2<f64>,
    pub steps: Vec<String>,
}

/// Apply `pre` to training and test inputs.
pub(crate) fn apply(
    pre: &Preprocess,
    kind: &InputKind,
    mut x_train: Array2<f64>,
    mut x_test: Array2<f64>,
) -> Result<Prepared, DataError> {
    let mut steps = Vec::new();
    let mut image = kind.image;
    if let Some(f) = pre.downsample {
        let Some((rows, cols)) = image else {
            return Err(DataError::invalid(
                "downsample",
                f,
                "downsampling needs image inputs; this dataset is not images",
            ));
        };
        if f == 0 || rows % f != 0 || cols % f != 0 {
            let valid: Vec<usize> = (1..=rows.min(cols))
                .filter(|g| rows % g == 0 && cols % g == 0)
                .collect();
            return Err(DataError::invalid(
                "downsample",
                f,
                format!(
                    "the factor must divide the image size {rows}x{cols}; valid factors: {valid:?}"
                ),
            ));
        }
        if f > 1 {
            x_train = downsample(&x_train, rows, cols, f);
            x_test = downsample(&x_test, rows, cols, f);
            steps.push(format!(
                "{rows}x{cols} images average-pooled by {f}x{f} to {}x{}",
                rows / f,
                cols / f
            ));
            image = Some((rows / f, cols / f));
        }
    }
    let scaling = match pre.scaling {
        Scaling::Auto if kind.pixel_max.is_some() && image.is_some() => Scaling::PixelMax,
        Scaling::Auto if kind.standardize_by_default => Scaling::Standardize,
        Scaling::Auto => Scaling::None,
        other => other,
    };
    match scaling {
        Scaling::Auto | Scaling::None => steps.push("inputs not rescaled".to_string()),
        Scaling::PixelMax => {
            let Some(max) = kind.pixel_max else {
                return Err(DataError::invalid(
                    "scaling",
                    "pixel-max",
                    "only image datasets have a pixel maximum; use divide or standardize",
                ));
            };
            x_train.mapv_inplace(|v| v / max);
            x_test.mapv_inplace(|v| v / max);
            steps.push(format!("pixels / {max}"));
        }
        Scaling::Divide(s) => {
            if !(s.is_finite() && s > 0.0) {
                return Err(DataError::invalid(
                    "scaling divisor",
                    s,
                    "must be finite and > 0",
                ));
            }
            x_train.mapv_inplace(|v| v / s);
            x_test.mapv_inplace(|v| v / s);
            steps.push(format!("inputs / {s}"));
        }
        Scaling::Standardize => {
            let (mean, std) = column_mean_std(&x_train);
            let std = std.mapv(|s| if s > 0.0 { s } else { 1.0 });
            x_train = (&x_train - &mean) / &std;
            x_test = (&x_test - &mean) / &std;
            steps.push(
                "standardised per column with the training mean and population standard deviation"
                    .to_string(),
            );
        }
    }
    if let Some(m) = pre.pca {
        let pca = Pca::fit(&x_train, m)?;
        x_train = pca.transform(&x_train);
        x_test = pca.transform(&x_test);
        let explained = if pca.total_variance > 0.0 {
            pca.variances.sum() / pca.total_variance
        } else {
            1.0
        };
        steps.push(format!(
            "projected on the top {m} principal components of the training inputs (centred; {:.2}% of their variance)",
            100.0 * explained
        ));
    }
    Ok(Prepared {
        x_train,
        x_test,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use ndarray::array;

    #[test]
    fn downsample_averages_blocks() {
        let x = array![[
            1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0
        ]];
        let y = downsample(&x, 4, 4, 2);
        // Blocks {1,2,5,6}, {3,4,7,8}, {9,10,13,14}, {11,12,15,16}.
        assert_eq!(y, array![[3.5, 5.5, 11.5, 13.5]]);
    }

    // Points u (1, 2)/sqrt(5) + v (-2, 1)/sqrt(5) + (3, -1) with centred, uncorrelated u and v:
    // the first component is (1, 2)/sqrt(5) exactly, the variances are those of u and v
    // (divisor n - 1), and the projections are u and +-v.
    #[test]
    fn pca_recovers_known_axes() {
        let s5 = 5f64.sqrt();
        let along = [-2.0, -1.0, 0.0, 1.0, 2.0];
        let across = [0.1, -0.2, 0.0, 0.2, -0.1]; // zero mean, orthogonal to `along`
        let x = Array2::from_shape_fn((5, 2), |(i, j)| {
            let (u, v) = (along[i], across[i]);
            if j == 0 {
                (u - 2.0 * v) / s5 + 3.0
            } else {
                (2.0 * u + v) / s5 - 1.0
            }
        });
        let pca = Pca::fit(&x, 2).unwrap();
        assert_relative_eq!(pca.components[(0, 0)], 1.0 / s5, epsilon = 1e-12);
        assert_relative_eq!(pca.components[(1, 0)], 2.0 / s5, epsilon = 1e-12);
        assert_relative_eq!(pca.variances[0], 10.0 / 4.0, epsilon = 1e-12);
        assert_relative_eq!(pca.variances[1], 0.1 / 4.0, epsilon = 1e-12);
        assert_relative_eq!(pca.mean[0], 3.0, epsilon = 1e-12);
        let z = pca.transform(&x);
        for i in 0..5 {
            assert_relative_eq!(z[(i, 0)], along[i], epsilon = 1e-12);
            assert_relative_eq!(z[(i, 1)].abs(), across[i].abs(), epsilon = 1e-12);
        }
        assert!(Pca::fit(&x, 3).is_err());
        assert!(Pca::fit(&x, 0).is_err());
    }

    #[test]
    fn standardize_uses_training_statistics() {
        let kind = InputKind {
            image: None,
            pixel_max: None,
            standardize_by_default: true,
        };
        let Prepared {
            x_train: a,
            x_test: b,
            ..
        } = apply(
            &Preprocess::default(),
            &kind,
            array![[1.0, 5.0], [3.0, 5.0]],
            array![[5.0, 6.0]],
        )
        .unwrap();
        assert_eq!(a, array![[-1.0, 0.0], [1.0, 0.0]]);
        assert_eq!(b, array![[3.0, 1.0]]);
    }
}
