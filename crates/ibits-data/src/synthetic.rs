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

use crate::memory::{available_memory, human_bytes};
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

/// The terms of a synthetic task's memory need, in bytes.
struct MemoryParts {
    /// Inputs X and X_T: (n + N) x D.
    inputs: u128,
    /// Latents, teacher outputs, targets and labels of every point.
    other_points: u128,
    /// The embedding: D x (m + 1).
    embedding: u128,
    /// Teacher weights and calibration arrays.
    teacher: u128,
    /// Per-set work arrays (hidden layer, noise): max(n, N) rows.
    work: u128,
    /// Bytes each further point adds.
    per_point: u128,
}

impl MemoryParts {
    fn total(&self) -> u128 {
        self.inputs + self.other_points + self.embedding + self.teacher + self.work
    }
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

    /// Bytes that generating n training and N test points allocates at its peak (an upper
    /// estimate; every array is f64 or usize, 8 bytes an entry):
    ///
    /// ```text
    /// bytes = 8 x [ (n + N)(D + m + 2k + c)     inputs, latents, teacher outputs, targets,
    ///                                           labels (c = 1 for classification, else 0)
    ///             + D (m + 1)                   embedding (and its phases or a work column)
    ///             + teacher weights             network: H (m + k + 1); Fourier: k J (m + 2)
    ///             + 4096 (m + h + k)            calibration latents, hidden layer, outputs
    ///             + max(n, N)(h + 2k) ]         per-set hidden layer, noise, noisy outputs
    /// h = H (network teacher) or J (Fourier teacher)
    /// ```
    /// Saturates at `u64::MAX` instead of overflowing.
    pub fn bytes_needed(&self, n_train: usize, n_test: usize) -> u64 {
        let parts = self.memory_parts(n_train, n_test);
        u64::try_from(parts.total()).unwrap_or(u64::MAX)
    }

    /// The terms of [`SyntheticSpec::bytes_needed`], in bytes (u128 cannot overflow here:
    /// every factor is below 2^64).
    fn memory_parts(&self, n_train: usize, n_test: usize) -> MemoryParts {
        let b = |x: usize| x as u128;
        let (n, n_t) = (b(n_train), b(n_test));
        let (m, d, k) = (b(self.intrinsic_dim), b(self.ambient_dim), b(self.outputs));
        let labels = u128::from(self.kind == SyntheticKind::Classification);
        let (weights, hidden) = match self.teacher {
            Teacher::Network { width } => (b(width) * (m + k + 1), b(width)),
            Teacher::Fourier { terms, .. } => (k * b(terms) * (m + 2), b(terms)),
        };
        let calibration = b(TEACHER_CALIBRATION_POINTS) * (m + hidden + k);
        let temporaries = n.max(n_t) * (hidden + 2 * k);
        MemoryParts {
            inputs: 8 * (n + n_t) * d,
            other_points: 8 * (n + n_t) * (m + 2 * k + labels),
            embedding: 8 * d * (m + 1),
            teacher: 8 * (weights + calibration),
            work: 8 * temporaries,
            // Conservative: the work arrays hold max(n, N) <= n + N rows.
            per_point: 8 * (d + m + 2 * k + labels + hidden + 2 * k),
        }
    }

    /// Refuse a task that would need more than `limit` bytes (see
    /// [`SyntheticSpec::bytes_needed`]), before anything is allocated.
    ///
    /// # Errors
    /// [`DataError::InvalidParameter`] (field `synthetic task size`) naming n, N, m, D and k,
    /// the bytes needed and their largest terms, the limit, and what would fit: the most
    /// points n + N at these dimensions, or lower D or m when the embedding and teacher alone
    /// exceed the limit.
    pub fn check_memory(&self, n_train: usize, n_test: usize, limit: u64) -> Result<(), DataError> {
        self.check_memory_against(n_train, n_test, limit, "the memory limit")
    }

    fn check_memory_against(
        &self,
        n_train: usize,
        n_test: usize,
        limit: u64,
        limit_name: &str,
    ) -> Result<(), DataError> {
        let parts = self.memory_parts(n_train, n_test);
        let needed = parts.total();
        if needed <= u128::from(limit) {
            return Ok(());
        }
        let human = |x: u128| human_bytes(u64::try_from(x).unwrap_or(u64::MAX));
        let fixed = parts.embedding + parts.teacher;
        let fits = if fixed >= u128::from(limit) {
            format!(
                "the embedding (D x (m + 1) x 8 bytes = {}) and the teacher ({}) alone exceed it: lower the input dimension D or the intrinsic dimension m",
                human(parts.embedding),
                human(parts.teacher)
            )
        } else {
            let points = (u128::from(limit) - fixed) / parts.per_point.max(1);
            format!(
                "at these dimensions at most n + N = {points} points fit; lower n or N, or the input dimension D"
            )
        };
        Err(DataError::invalid(
            "synthetic task size",
            format!(
                "n = {n_train}, N = {n_test}, m = {}, D = {}, k = {}",
                self.intrinsic_dim, self.ambient_dim, self.outputs
            ),
            format!(
                "generating it needs about {} ({needed} bytes: inputs (n + N) x D x 8 bytes = {}, embedding D x (m + 1) x 8 bytes = {}, teacher weights {}, latents, targets and work arrays {}), more than {limit_name} of {} ({limit} bytes); {fits}",
                human(needed),
                human(parts.inputs),
                human(parts.embedding),
                human(parts.teacher),
                human(parts.other_points + parts.work),
                human(u128::from(limit)),
            ),
        ))
    }

    /// Generate n training and N test points, refusing first (without allocating) when they
    /// need more than the memory available (`MemAvailable` from `/proc/meminfo`; no check
    /// where that is unknown).
    ///
    /// # Errors
    /// As [`SyntheticSpec::validate`], [`DataError::InvalidParameter`] when n or N is 0, and as
    /// [`SyntheticSpec::check_memory`] when the task does not fit.
    pub fn generate(&self, n_train: usize, n_test: usize) -> Result<SyntheticData, DataError> {
        self.generate_within(n_train, n_test, None)
    }

    /// Generate n training and N test points within `max_memory` bytes when given, else
    /// within the memory available (as [`SyntheticSpec::generate`]).
    ///
    /// # Errors
    /// As [`SyntheticSpec::generate`].
    pub fn generate_within(
        &self,
        n_train: usize,
        n_test: usize,
        max_memory: Option<u64>,
    ) -> Result<SyntheticData, DataError> {
        self.validate()?;
        if n_train == 0 {
            return Err(DataError::invalid("n_train", 0, "must be >= 1"));
        }
        if n_test == 0 {
            return Err(DataError::invalid("n_test", 0, "must be >= 1"));
        }
        match max_memory {
            Some(limit) => self.check_memory(n_train, n_test, limit)?,
            None => {
                if let Some(free) = available_memory() {
                    self.check_memory_against(
                        n_train,
                        n_test,
                        free,
                        "the memory available (MemAvailable)",
                    )?;
                }
            }
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
                    y: crate::targets::one_hot(&labels, k),
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

    // bytes_needed counts exactly the terms its formula lists.
    #[test]
    fn bytes_needed_follows_its_formula() {
        let spec = SyntheticSpec {
            intrinsic_dim: 3,
            ambient_dim: 10,
            outputs: 4,
            teacher: Teacher::Network { width: 7 },
            ..Default::default()
        };
        let (n, nt) = (50u64, 20u64);
        let (m, d, k, h) = (3u64, 10u64, 4u64, 7u64);
        let want = 8
            * ((n + nt) * (d + m + 2 * k + 1)
                + d * (m + 1)
                + h * (m + k + 1)
                + 4096 * (m + h + k)
                + n.max(nt) * (h + 2 * k));
        assert_eq!(spec.bytes_needed(50, 20), want);
        let fourier = SyntheticSpec {
            teacher: Teacher::Fourier {
                terms: 5,
                frequency: 1.0,
            },
            kind: SyntheticKind::Regression,
            ..spec
        };
        let j = 5u64;
        let want = 8
            * ((n + nt) * (d + m + 2 * k)
                + d * (m + 1)
                + k * j * (m + 2)
                + 4096 * (m + j + k)
                + n.max(nt) * (j + 2 * k));
        assert_eq!(fourier.bytes_needed(50, 20), want);
        // Saturates instead of overflowing.
        assert_eq!(spec.bytes_needed(usize::MAX, usize::MAX), u64::MAX);
    }

    // Issue 13: m = D = 1e6 tried to allocate 8 TB and aborted. It is refused before any
    // allocation, naming the sizes, the bytes needed and what to change.
    #[test]
    fn a_task_too_big_for_memory_is_refused_before_allocating() {
        let huge = SyntheticSpec {
            intrinsic_dim: 1_000_000,
            ambient_dim: 1_000_000,
            ..Default::default()
        };
        assert!(huge.bytes_needed(1000, 1000) > 8_000_000_000_000);
        let e = huge
            .generate_within(1000, 1000, Some(2_000_000_000))
            .unwrap_err()
            .to_string();
        for part in [
            "synthetic task size",
            "n = 1000, N = 1000, m = 1000000, D = 1000000",
            "8.1 TB",
            "memory limit of 2.0 GB",
            "lower the input dimension D or the intrinsic dimension m",
        ] {
            assert!(e.contains(part), "{part:?} missing from: {e}");
        }
        // With the machine's available memory as the limit it is refused too.
        if crate::available_memory().is_some() {
            let e = huge.generate(1000, 1000).unwrap_err().to_string();
            assert!(e.contains("MemAvailable"), "{e}");
        }
        // Many points of modest dimension: the message says how many fit.
        let wide = SyntheticSpec {
            ambient_dim: 1000,
            ..Default::default()
        };
        let limit = 100_000_000;
        let e = wide.check_memory(1_000_000, 1_000_000, limit).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("at most n + N = "), "{text}");
        let fit: usize = text
            .split("at most n + N = ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|t| t.parse().ok())
            .unwrap();
        assert!(wide.bytes_needed(fit / 2, fit - fit / 2) <= limit, "{fit}");
        assert!(wide.bytes_needed(fit, fit) > limit, "{fit}");
        // A task within the limit passes and generates.
        assert!(wide.check_memory(100, 100, limit).is_ok());
        assert!(wide.generate_within(100, 100, Some(limit)).is_ok());
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
