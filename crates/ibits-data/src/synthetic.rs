//! Synthetic tasks whose intrinsic dimension m is a knob: inputs lie on an m-dimensional
//! manifold in R^D, targets are a smooth random function of the m latent coordinates.
//!
//! # Generation (exactly)
//! ```text
//! latent      z ~ N(0, I_m), one draw per point
//! Linear      x = A z,  A = Gram-Schmidt orthonormalisation of the columns of G (D x m),
//!             G_ij ~ N(0, 1); so A^T A = I_m and |x| = |z|
//! Curved(nu)  x_j = sqrt(2 m / D) cos(nu w_j . z + b_j),  j = 1..D,
//!             w_j ~ N(0, I_m), b_j ~ U[0, 2 pi)  (a random-Fourier-feature embedding:
//!             E[x(z) . x(z')] = m exp(-nu^2 |z - z'|^2 / 2), so |x|^2 -> m as D grows)
//! Network(H)  f(z) = W2 tanh(W1 z + b1) / sqrt(H),  W1 (H x m) ~ N(0, 1/m),
//!             b1 ~ N(0, 1), W2 (k x H) ~ N(0, 1)
//! Fourier(J, nu_t)
//!             f_c(z) = sqrt(2 / J) sum_{j<J} a_cj cos(nu_t v_cj . z + p_cj),
//!             a_cj ~ N(0, 1), v_cj ~ N(0, I_m), p_cj ~ U[0, 2 pi)  (covariance of f_c
//!             -> exp(-nu_t^2 |z - z'|^2 / 2): an approximate RBF Gaussian-process draw)
//! Calibration     each raw teacher output is centred and scaled to unit variance,
//!                 f_c <- (f_c - mu_c) / s_c, with mu_c, s_c the mean and standard deviation
//!                 of f_c over 4096 reference latents z ~ N(0, I_m) drawn after the teacher's
//!                 weights (so classes are roughly balanced and sigma is a noise-to-signal ratio)
//! Regression      y = f(z) + sigma e,  e ~ N(0, I_k)              (k real outputs)
//! Classification  label = argmax_c (f_c(z) + sigma e_c),  y = one-hot(label)   (k classes)
//! ```
//! Random numbers come from ChaCha8 seeded with `seed`: stream 0 draws the embedding, stream
//! 1 the teacher, stream 2 the training points, stream 3 the test points; each point draws its
//! m latent coordinates, then its k noise values. So the first n points are the same whatever
//! the number of points, and the test set does not depend on the training size.

use std::f64::consts::PI;

use ndarray::{Array1, Array2};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use serde::Serialize;

use crate::subset::subset_rng;
use crate::DataError;

/// The manifold the inputs lie on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Manifold {
    /// A random m-dimensional linear subspace (orthonormal embedding).
    Linear,
    /// A random curved embedding (random Fourier features of frequency `frequency`).
    Curved {
        /// nu: larger is more curved.
        frequency: f64,
    },
}

/// The function of the latent coordinates that makes the targets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Teacher {
    /// A random one-hidden-layer tanh network of width H.
    Network {
        /// Hidden width H.
        width: usize,
    },
    /// A random sum of J cosines (an approximate Gaussian-process draw with RBF covariance).
    Fourier {
        /// Number of terms J.
        terms: usize,
        /// nu_t: larger is rougher.
        frequency: f64,
    },
}

/// Whether targets are classes or real values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyntheticKind {
    /// k classes, one-hot targets (default).
    #[default]
    Classification,
    /// k real outputs.
    Regression,
}

/// Parameters of a synthetic task (sizes n and N come from the task spec).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SyntheticSpec {
    /// m, the intrinsic dimension (>= 1).
    pub intrinsic_dim: usize,
    /// D, the input dimension (>= m).
    pub ambient_dim: usize,
    /// The manifold.
    pub manifold: Manifold,
    /// The teacher function.
    pub teacher: Teacher,
    /// k: classes (>= 2) or regression outputs (>= 1).
    pub outputs: usize,
    /// Classification or regression.
    pub kind: SyntheticKind,
    /// sigma, the standard deviation of the noise added to the teacher outputs (>= 0).
    pub noise: f64,
    /// Seed of every random stream.
    pub seed: u64,
}

impl Default for SyntheticSpec {
    /// m = 2, D = 20, linear manifold, tanh teacher of width 100, 2 classes, no noise, seed 0.
    fn default() -> Self {
        Self {
            intrinsic_dim: 2,
            ambient_dim: 20,
            manifold: Manifold::Linear,
            teacher: Teacher::Network { width: 100 },
            outputs: 2,
            kind: SyntheticKind::Classification,
            noise: 0.0,
            seed: 0,
        }
    }
}

/// Largest input dimension accepted (a guard against typos that would exhaust memory).
pub const MAX_AMBIENT_DIM: usize = 1 << 20;

/// A generated synthetic data set.
#[derive(Debug, Clone)]
pub struct SyntheticData {
    /// Training inputs (n x D).
    pub x_train: Array2<f64>,
    /// Test inputs (N x D).
    pub x_test: Array2<f64>,
    /// Training latent coordinates (n x m).
    pub latent_train: Array2<f64>,
    /// Test latent coordinates (N x m).
    pub latent_test: Array2<f64>,
    /// Teacher outputs before noise on the training points (n x k).
    pub teacher_train: Array2<f64>,
    /// Teacher outputs before noise on the test points (N x k).
    pub teacher_test: Array2<f64>,
    /// Training targets: one-hot (classification) or real (regression), n x k.
    pub y_train: Array2<f64>,
    /// Test targets, N x k.
    pub y_test: Array2<f64>,
    /// Training classes (classification only).
    pub labels_train: Option<Vec<usize>>,
    /// Test classes (classification only).
    pub labels_test: Option<Vec<usize>>,
}

/// Generated points of one set (training or test).
struct Points {
    x: Array2<f64>,
    latent: Array2<f64>,
    teacher: Array2<f64>,
    y: Array2<f64>,
    labels: Option<Vec<usize>>,
}

enum Embedding {
    Linear(Array2<f64>),
    Curved {
        omega: Array2<f64>,
        phase: Array1<f64>,
        amplitude: f64,
    },
}

enum TeacherKind {
    Network {
        w1: Array2<f64>,
        b1: Array1<f64>,
        w2: Array2<f64>,
    },
    Fourier {
        a: Array2<f64>,
        v: Vec<Array2<f64>>,
        p: Array2<f64>,
        scale: f64,
    },
}

/// Reference latents drawn to calibrate the teacher's outputs.
pub const TEACHER_CALIBRATION_POINTS: usize = 4096;

struct TeacherFn {
    kind: TeacherKind,
    mean: Array1<f64>,
    std: Array1<f64>,
}

impl TeacherKind {
    /// Raw teacher outputs at the rows of `latent` (n x m) -> n x k.
    fn eval(&self, latent: &Array2<f64>, k: usize) -> Array2<f64> {
        match self {
            Self::Network { w1, b1, w2 } => {
                let mut h = latent.dot(&w1.t());
                h += b1;
                h.mapv_inplace(f64::tanh);
                h.dot(&w2.t())
            }
            Self::Fourier { a, v, p, scale } => {
                let mut f = Array2::<f64>::zeros((latent.nrows(), k));
                for (c, v_c) in v.iter().enumerate() {
                    let mut arg = latent.dot(&v_c.t());
                    arg += &p.row(c);
                    arg.mapv_inplace(f64::cos);
                    f.column_mut(c).assign(&(arg.dot(&a.row(c)) * *scale));
                }
                f
            }
        }
    }
}

impl TeacherFn {
    fn eval(&self, latent: &Array2<f64>, k: usize) -> Array2<f64> {
        (self.kind.eval(latent, k) - &self.mean) / &self.std
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    rng.sample(StandardNormal)
}

fn normal_matrix(rng: &mut ChaCha8Rng, rows: usize, cols: usize, sd: f64) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, cols), || sd * normal(rng))
}

/// Orthonormalise the columns of `g` (modified Gram-Schmidt, applied twice for accuracy).
fn orthonormal_columns(mut g: Array2<f64>) -> Array2<f64> {
    let m = g.ncols();
    for _pass in 0..2 {
        for j in 0..m {
            for i in 0..j {
                let proj = g.column(i).dot(&g.column(j));
                let qi = g.column(i).to_owned();
                g.column_mut(j).scaled_add(-proj, &qi);
            }
            let norm = g.column(j).dot(&g.column(j)).sqrt();
            g.column_mut(j).mapv_inplace(|v| v / norm);
        }
    }
    g
}

impl SyntheticSpec {
    /// Check every parameter.
    ///
    /// # Errors
    /// [`DataError::InvalidParameter`] naming the parameter and its allowed range.
    pub fn validate(&self) -> Result<(), DataError> {
        if self.intrinsic_dim == 0 {
            return Err(DataError::invalid(
                "intrinsic dimension m",
                0,
                "must be >= 1",
            ));
        }
        if self.ambient_dim < self.intrinsic_dim || self.ambient_dim > MAX_AMBIENT_DIM {
            return Err(DataError::invalid(
                "input dimension D",
                self.ambient_dim,
                format!(
                    "must be in m..={MAX_AMBIENT_DIM} (m = {})",
                    self.intrinsic_dim
                ),
            ));
        }
        if let Manifold::Curved { frequency } = self.manifold {
            if !(frequency.is_finite() && frequency > 0.0) {
                return Err(DataError::invalid(
                    "manifold frequency",
                    frequency,
                    "must be finite and > 0",
                ));
            }
        }
        match self.teacher {
            Teacher::Network { width } if width == 0 => {
                return Err(DataError::invalid("teacher width", width, "must be >= 1"));
            }
            Teacher::Fourier { terms, frequency } => {
                if terms == 0 {
                    return Err(DataError::invalid("teacher terms", terms, "must be >= 1"));
                }
                if !(frequency.is_finite() && frequency > 0.0) {
                    return Err(DataError::invalid(
                        "teacher frequency",
                        frequency,
                        "must be finite and > 0",
                    ));
                }
            }
            Teacher::Network { .. } => {}
        }
        let min_k = if self.kind == SyntheticKind::Classification {
            2
        } else {
            1
        };
        if self.outputs < min_k || self.outputs > 1 << 16 {
            return Err(DataError::invalid(
                "outputs k",
                self.outputs,
                format!("must be in {min_k}..=65536"),
            ));
        }
        if !(self.noise.is_finite() && self.noise >= 0.0) {
            return Err(DataError::invalid(
                "noise",
                self.noise,
                "must be finite and >= 0",
            ));
        }
        Ok(())
    }

    /// One line saying exactly how the task is generated.
    pub fn describe(&self) -> String {
        let (m, d, k) = (self.intrinsic_dim, self.ambient_dim, self.outputs);
        let manifold = match self.manifold {
            Manifold::Linear => format!("linear manifold x = A z (A: {d}x{m}, orthonormal columns from Gram-Schmidt of N(0,1) entries)"),
            Manifold::Curved { frequency } => format!(
                "curved manifold x_j = sqrt(2*{m}/{d}) cos({frequency} w_j.z + b_j), w_j ~ N(0, I_{m}), b_j ~ U[0, 2pi)"
            ),
        };
        let teacher = match self.teacher {
            Teacher::Network { width } => format!("teacher f(z) = W2 tanh(W1 z + b1)/sqrt({width}), W1 ~ N(0, 1/{m}), b1, W2 ~ N(0, 1), each output centred and scaled to unit variance over 4096 reference latents"),
            Teacher::Fourier { terms, frequency } => format!(
                "teacher f_c(z) = sqrt(2/{terms}) sum_j a_cj cos({frequency} v_cj.z + p_cj), a ~ N(0,1), v ~ N(0, I_{m}), p ~ U[0, 2pi), each output centred and scaled to unit variance over 4096 reference latents"
            ),
        };
        let targets = match self.kind {
            SyntheticKind::Classification => format!(
                "{k} classes: label = argmax_c(f_c(z) + {} e_c), e ~ N(0, 1), one-hot targets",
                self.noise
            ),
            SyntheticKind::Regression => format!(
                "{k} real outputs: y = f(z) + {} e, e ~ N(0, I_{k})",
                self.noise
            ),
        };
        format!(
            "synthetic task, intrinsic dimension m = {m} in D = {d} inputs: z ~ N(0, I_{m}); {manifold}; {teacher}; {targets}; seed {} (ChaCha8 streams: 0 embedding, 1 teacher, 2 training points, 3 test points)",
            self.seed
        )
    }

    fn embedding(&self) -> Embedding {
        let (m, d) = (self.intrinsic_dim, self.ambient_dim);
        let mut rng = subset_rng(self.seed, 0);
        match self.manifold {
            Manifold::Linear => {
                Embedding::Linear(orthonormal_columns(normal_matrix(&mut rng, d, m, 1.0)))
            }
            Manifold::Curved { frequency } => {
                let omega = normal_matrix(&mut rng, d, m, frequency);
                let phase = Array1::from_shape_simple_fn(d, || rng.random_range(0.0..2.0 * PI));
                Embedding::Curved {
                    omega,
                    phase,
                    amplitude: (2.0 * m as f64 / d as f64).sqrt(),
                }
            }
        }
    }

    fn teacher_fn(&self) -> TeacherFn {
        let (m, k) = (self.intrinsic_dim, self.outputs);
        let mut rng = subset_rng(self.seed, 1);
        let kind = match self.teacher {
            Teacher::Network { width } => {
                let w1 = normal_matrix(&mut rng, width, m, 1.0 / (m as f64).sqrt());
                let b1 = Array1::from_shape_simple_fn(width, || normal(&mut rng));
                let w2 = normal_matrix(&mut rng, k, width, 1.0 / (width as f64).sqrt());
                TeacherKind::Network { w1, b1, w2 }
            }
            Teacher::Fourier { terms, frequency } => {
                let a = normal_matrix(&mut rng, k, terms, 1.0);
                let v = (0..k)
                    .map(|_| normal_matrix(&mut rng, terms, m, frequency))
                    .collect();
                let p =
                    Array2::from_shape_simple_fn((k, terms), || rng.random_range(0.0..2.0 * PI));
                TeacherKind::Fourier {
                    a,
                    v,
                    p,
                    scale: (2.0 / terms as f64).sqrt(),
                }
            }
        };
        let reference = normal_matrix(&mut rng, TEACHER_CALIBRATION_POINTS, m, 1.0);
        let (mean, std) = crate::preprocess::column_mean_std(&kind.eval(&reference, k));
        // A constant output (possible only in degenerate draws) is left unscaled.
        let std = std.mapv(|s| if s > 0.0 { s } else { 1.0 });
        TeacherFn { kind, mean, std }
    }

    /// Generate n training and N test points.
    ///
    /// # Errors
    /// As [`SyntheticSpec::validate`], and [`DataError::InvalidParameter`] when n or N is 0.
    pub fn generate(&self, n_train: usize, n_test: usize) -> Result<SyntheticData, DataError> {
        self.validate()?;
        if n_train == 0 {
            return Err(DataError::invalid("n_train", 0, "must be >= 1"));
        }
        if n_test == 0 {
            return Err(DataError::invalid("n_test", 0, "must be >= 1"));
        }
        let embedding = self.embedding();
        let teacher = self.teacher_fn();
        let (train, test) = (
            self.points(&embedding, &teacher, n_train, 2),
            self.points(&embedding, &teacher, n_test, 3),
        );
        Ok(SyntheticData {
            x_train: train.x,
            latent_train: train.latent,
            teacher_train: train.teacher,
            y_train: train.y,
            labels_train: train.labels,
            x_test: test.x,
            latent_test: test.latent,
            teacher_test: test.teacher,
            y_test: test.y,
            labels_test: test.labels,
        })
    }

    fn points(&self, embedding: &Embedding, teacher: &TeacherFn, n: usize, stream: u64) -> Points {
        let (m, k) = (self.intrinsic_dim, self.outputs);
        let mut rng = subset_rng(self.seed, stream);
        let mut latent = Array2::<f64>::zeros((n, m));
        let mut noise = Array2::<f64>::zeros((n, k));
        for i in 0..n {
            for j in 0..m {
                latent[(i, j)] = normal(&mut rng);
            }
            for c in 0..k {
                noise[(i, c)] = normal(&mut rng);
            }
        }
        let x = match embedding {
            Embedding::Linear(a) => latent.dot(&a.t()),
            Embedding::Curved {
                omega,
                phase,
                amplitude,
            } => {
                let mut x = latent.dot(&omega.t());
                for mut row in x.rows_mut() {
                    for (v, b) in row.iter_mut().zip(phase) {
                        *v = amplitude * (*v + b).cos();
                    }
                }
                x
            }
        };
        let f = teacher.eval(&latent, k);
        let noisy = &f + &(noise * self.noise);
        match self.kind {
            SyntheticKind::Regression => Points {
                x,
                latent,
                teacher: f,
                y: noisy,
                labels: None,
            },
            SyntheticKind::Classification => {
                let labels: Vec<usize> = noisy
                    .rows()
                    .into_iter()
                    .map(|r| {
                        let mut best = 0;
                        for c in 1..k {
                            if r[c] > r[best] {
                                best = c;
                            }
                        }
                        best
                    })
                    .collect();
                Points {
                    x,
                    latent,
                    teacher: f,
                    y: crate::task::one_hot(&labels, k),
                    labels: Some(labels),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn linear_embedding_is_an_isometry_of_rank_m() {
        let spec = SyntheticSpec {
            intrinsic_dim: 3,
            ambient_dim: 12,
            ..Default::default()
        };
        let data = spec.generate(50, 5).unwrap();
        for (x, z) in data
            .x_train
            .rows()
            .into_iter()
            .zip(data.latent_train.rows())
        {
            assert_relative_eq!(x.dot(&x), z.dot(&z), max_relative = 1e-12);
        }
        let pca = crate::Pca::fit(&data.x_train, 12).unwrap();
        assert!(pca.variances[2] > 0.1);
        assert!(
            pca.variances[3] < 1e-12 * pca.variances[0],
            "{:?}",
            pca.variances
        );
    }

    // E[x(z).x(z')] = m exp(-nu^2 |z - z'|^2 / 2): x.x' is (1/D) sum_j 2m cos(.)cos(.), a mean
    // of D terms bounded by 2m, so its standard deviation is below 2m / sqrt(D) = 0.04 for
    // m = 4, D = 40,000; check within 0.15.
    #[test]
    fn curved_embedding_has_the_stated_kernel() {
        let nu = 0.7;
        let spec = SyntheticSpec {
            intrinsic_dim: 4,
            ambient_dim: 40_000,
            manifold: Manifold::Curved { frequency: nu },
            ..Default::default()
        };
        let data = spec.generate(4, 1).unwrap();
        for i in 0..4 {
            for j in 0..4 {
                let (xi, xj) = (data.x_train.row(i), data.x_train.row(j));
                let dz = &data.latent_train.row(i) - &data.latent_train.row(j);
                let want = 4.0 * (-nu * nu * dz.dot(&dz) / 2.0).exp();
                assert!(
                    (xi.dot(&xj) - want).abs() < 0.15,
                    "({i},{j}): {} vs {want}",
                    xi.dot(&xj)
                );
            }
        }
    }

    #[test]
    fn points_are_prefix_stable_and_seeded() {
        let spec = SyntheticSpec {
            kind: SyntheticKind::Regression,
            outputs: 2,
            noise: 0.1,
            ..Default::default()
        };
        let a = spec.generate(10, 7).unwrap();
        let b = spec.generate(20, 7).unwrap();
        assert_eq!(a.x_train, b.x_train.slice(ndarray::s![..10, ..]));
        assert_eq!(a.y_test, b.y_test);
        let c = SyntheticSpec { seed: 1, ..spec }.generate(10, 7).unwrap();
        assert_ne!(a.x_train, c.x_train);
    }

    // Residual y - f(z) is sigma e with e ~ N(0, 1): sample variance within 5 standard errors
    // (se = sigma^2 sqrt(2 / (n k))).
    #[test]
    fn regression_noise_has_the_stated_variance() {
        let sigma = 0.3;
        let spec = SyntheticSpec {
            kind: SyntheticKind::Regression,
            outputs: 3,
            noise: sigma,
            teacher: Teacher::Fourier {
                terms: 50,
                frequency: 1.0,
            },
            ..Default::default()
        };
        let d = spec.generate(4000, 1).unwrap();
        let r = &d.y_train - &d.teacher_train;
        let var = r.mapv(|v| v * v).mean().unwrap();
        let se = sigma * sigma * (2.0 / 12000.0f64).sqrt();
        assert!((var - sigma * sigma).abs() < 5.0 * se, "{var}");
    }

    #[test]
    fn classification_uses_every_class_and_one_hot_rows() {
        let spec = SyntheticSpec {
            outputs: 4,
            intrinsic_dim: 5,
            ambient_dim: 30,
            ..Default::default()
        };
        let d = spec.generate(2000, 10).unwrap();
        let labels = d.labels_train.unwrap();
        for c in 0..4 {
            assert!(
                labels.iter().filter(|&&l| l == c).count() > 100,
                "class {c} too rare"
            );
        }
        for (row, &l) in d.y_train.rows().into_iter().zip(&labels) {
            assert_eq!(row.sum(), 1.0);
            assert_eq!(row[l], 1.0);
        }
    }

    // Calibration makes each teacher output have mean 0 and variance 1 over z ~ N(0, I_m): on
    // 4000 fresh points the sample moments are within a few standard errors of that.
    #[test]
    fn teacher_outputs_are_calibrated() {
        for teacher in [
            Teacher::Network { width: 30 },
            Teacher::Fourier {
                terms: 20,
                frequency: 2.0,
            },
        ] {
            let spec = SyntheticSpec {
                teacher,
                outputs: 3,
                kind: SyntheticKind::Regression,
                intrinsic_dim: 3,
                ..Default::default()
            };
            let d = spec.generate(4000, 1).unwrap();
            let (mean, std) = crate::preprocess::column_mean_std(&d.teacher_train);
            for c in 0..3 {
                assert!(
                    mean[c].abs() < 0.1,
                    "{teacher:?} output {c}: mean {}",
                    mean[c]
                );
                assert!(
                    (std[c] - 1.0).abs() < 0.1,
                    "{teacher:?} output {c}: std {}",
                    std[c]
                );
            }
        }
    }

    #[test]
    fn bad_parameters_are_named() {
        let e = SyntheticSpec {
            ambient_dim: 1,
            intrinsic_dim: 2,
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(e.to_string().contains("input dimension D"));
        let e = SyntheticSpec {
            outputs: 1,
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(e.to_string().contains("outputs k"));
        let e = SyntheticSpec {
            noise: f64::NAN,
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(e.to_string().contains("noise"));
    }
}
