//! Nelder–Mead simplex minimisation of a function of a few real variables.
//!
//! # Formula
//! ```text
//! simplex x_0..x_n (n + 1 points in R^n), sorted so f(x_0) <= ... <= f(x_n)
//! centroid   c   = (1/n) Σ_{i<n} x_i
//! reflect    x_r = c + α (c - x_n)                      α = 1
//! expand     x_e = c + γ (x_r - c)                      γ = 2    if f(x_r) < f(x_0)
//! contract   x_c = c + ρ (x_r - c)  (outside)           ρ = 1/2  if f(x_{n-1}) <= f(x_r) < f(x_n)
//!            x_c = c + ρ (x_n - c)  (inside)                     if f(x_r) >= f(x_n)
//! shrink     x_i = x_0 + σ (x_i - x_0)                  σ = 1/2  if the contraction fails
//! ```
//! The search stops when every vertex's value is within `f_tol` of the best one **and** every
//! vertex is within `x_tol` of the best vertex in each coordinate (both are required: on a flat
//! ridge the values agree long before the simplex has found the optimum), or after
//! `max_evaluations` evaluations. After convergence it restarts from the best vertex with a
//! fresh simplex, `restarts` times, which guards against a simplex that collapsed onto a face.
//!
//! A NaN value is treated as +inf, so the simplex simply moves away from points where the
//! objective is undefined (rather than hanging or poisoning the comparisons).
//!
//! # Reference
//! Nelder & Mead (1965), "A simplex method for function minimization", The Computer Journal
//! 7(4), 308–313; the inside/outside contraction and the coefficients follow Lagarias, Reeds,
//! Wright & Wright (1998), SIAM J. Optim. 9(1), 112–147, Algorithm §2.

/// Settings of [`minimize`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NelderMeadOptions {
    /// Stop when all simplex values lie within `f_tol` of the best value (absolute).
    pub f_tol: f64,
    /// ... and all vertices lie within `x_tol` of the best vertex in every coordinate.
    pub x_tol: f64,
    /// Hard cap on objective evaluations (restarts included).
    pub max_evaluations: usize,
    /// Number of restarts from the best vertex after convergence.
    pub restarts: usize,
}

impl Default for NelderMeadOptions {
    fn default() -> Self {
        Self {
            f_tol: 1e-10,
            x_tol: 1e-8,
            max_evaluations: 5000,
            restarts: 1,
        }
    }
}

/// Result of [`minimize`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NelderMeadResult<const N: usize> {
    /// Best point found.
    pub argmin: [f64; N],
    /// Objective value at `argmin` (+inf if every evaluation was NaN or +inf).
    pub minimum: f64,
    /// Objective evaluations used.
    pub evaluations: usize,
    /// True when the tolerance test was met (on the last restart) before `max_evaluations`.
    pub converged: bool,
}

/// Minimise `objective` starting from the simplex `start`, `start + step_i e_i`.
///
/// See the module documentation for the algorithm and stopping rule. A `step` entry of zero is
/// replaced by 0.1 (a degenerate simplex cannot explore that coordinate).
pub fn minimize<const N: usize>(
    mut objective: impl FnMut(&[f64; N]) -> f64,
    start: [f64; N],
    step: [f64; N],
    options: &NelderMeadOptions,
) -> NelderMeadResult<N> {
    let mut evaluations = 0usize;
    let mut eval = |x: &[f64; N], evaluations: &mut usize| -> f64 {
        *evaluations += 1;
        let value = objective(x);
        if value.is_nan() {
            f64::INFINITY
        } else {
            value
        }
    };

    let mut best = start;
    let mut best_value = eval(&start, &mut evaluations);
    let mut converged = false;
    for restart in 0..=options.restarts {
        let (point, value, done) =
            run_simplex(&mut eval, best, best_value, step, options, &mut evaluations);
        let improved = value < best_value - options.f_tol;
        if value <= best_value {
            best = point;
            best_value = value;
        }
        converged = done;
        // Out of budget, or a restart found nothing better: the optimum is confirmed.
        if !done || (restart > 0 && !improved) {
            break;
        }
    }
    NelderMeadResult {
        argmin: best,
        minimum: best_value,
        evaluations,
        converged,
    }
}

/// One simplex run from `start` (value `start_value`). Returns the best vertex, its value and
/// whether the tolerance test was met.
fn run_simplex<const N: usize>(
    eval: &mut impl FnMut(&[f64; N], &mut usize) -> f64,
    start: [f64; N],
    start_value: f64,
    step: [f64; N],
    options: &NelderMeadOptions,
    evaluations: &mut usize,
) -> ([f64; N], f64, bool) {
    const REFLECT: f64 = 1.0;
    const EXPAND: f64 = 2.0;
    const CONTRACT: f64 = 0.5;
    const SHRINK: f64 = 0.5;

    let mut vertices: Vec<([f64; N], f64)> = Vec::with_capacity(N + 1);
    vertices.push((start, start_value));
    for i in 0..N {
        let mut x = start;
        x[i] += if step[i] == 0.0 { 0.1 } else { step[i] };
        let fx = eval(&x, evaluations);
        vertices.push((x, fx));
    }

    loop {
        vertices.sort_by(|a, b| a.1.total_cmp(&b.1));
        if is_converged(&vertices, options) {
            return (vertices[0].0, vertices[0].1, true);
        }
        if *evaluations >= options.max_evaluations {
            return (vertices[0].0, vertices[0].1, false);
        }

        let mut centroid = [0.0; N];
        for (x, _) in &vertices[..N] {
            for (c, xi) in centroid.iter_mut().zip(x) {
                *c += xi / N as f64;
            }
        }
        let worst = vertices[N];
        let along = |t: f64, from: &[f64; N]| -> [f64; N] {
            let mut y = [0.0; N];
            for i in 0..N {
                y[i] = centroid[i] + t * (from[i] - centroid[i]);
            }
            y
        };

        let reflected = along(-REFLECT, &worst.0);
        let f_reflected = eval(&reflected, evaluations);
        if f_reflected < vertices[0].1 {
            let expanded = along(-REFLECT * EXPAND, &worst.0);
            let f_expanded = eval(&expanded, evaluations);
            vertices[N] = if f_expanded < f_reflected {
                (expanded, f_expanded)
            } else {
                (reflected, f_reflected)
            };
            continue;
        }
        if f_reflected < vertices[N - 1].1 {
            vertices[N] = (reflected, f_reflected);
            continue;
        }
        let (contracted, f_contracted) = if f_reflected < worst.1 {
            let x = along(-REFLECT * CONTRACT, &worst.0);
            let fx = eval(&x, evaluations);
            (x, fx)
        } else {
            let x = along(CONTRACT, &worst.0);
            let fx = eval(&x, evaluations);
            (x, fx)
        };
        if f_contracted < worst.1.min(f_reflected) {
            vertices[N] = (contracted, f_contracted);
            continue;
        }
        let best = vertices[0].0;
        for vertex in vertices.iter_mut().skip(1) {
            for (x, b) in vertex.0.iter_mut().zip(&best) {
                *x = b + SHRINK * (*x - b);
            }
            vertex.1 = eval(&vertex.0, evaluations);
        }
    }
}

fn is_converged<const N: usize>(vertices: &[([f64; N], f64)], options: &NelderMeadOptions) -> bool {
    let (best, best_value) = vertices[0];
    if !best_value.is_finite() {
        return false;
    }
    vertices.iter().skip(1).all(|(x, fx)| {
        (fx - best_value).abs() <= options.f_tol
            && x.iter()
                .zip(&best)
                .all(|(a, b)| (a - b).abs() <= options.x_tol)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Rosenbrock's function: unique minimum 0 at (1, 1) (closed form).
    fn rosenbrock(x: &[f64; 2]) -> f64 {
        100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2)
    }

    #[test]
    fn finds_rosenbrock_minimum() {
        let result = minimize(
            rosenbrock,
            [-1.2, 1.0],
            [0.1, 0.1],
            &NelderMeadOptions::default(),
        );
        assert!(result.converged);
        approx::assert_abs_diff_eq!(result.argmin[0], 1.0, epsilon = 1e-6);
        approx::assert_abs_diff_eq!(result.argmin[1], 1.0, epsilon = 1e-6);
        assert!(result.minimum < 1e-12);
    }

    // A shifted, rotated quadratic: minimum at (3, -2, 0.5) with value 7 (closed form).
    #[test]
    fn finds_quadratic_minimum_in_three_dimensions() {
        let f = |x: &[f64; 3]| {
            let (a, b, c) = (x[0] - 3.0, x[1] + 2.0, x[2] - 0.5);
            7.0 + a * a + 10.0 * b * b + 0.1 * c * c + a * b
        };
        let result = minimize(
            f,
            [0.0, 0.0, 0.0],
            [1.0, 1.0, 1.0],
            &NelderMeadOptions::default(),
        );
        assert!(result.converged);
        for (got, want) in result.argmin.iter().zip([3.0, -2.0, 0.5]) {
            approx::assert_abs_diff_eq!(*got, want, epsilon = 1e-6);
        }
        approx::assert_abs_diff_eq!(result.minimum, 7.0, epsilon = 1e-10);
    }

    // NaN outside the domain x > 0 must act as +inf: minimum of x - ln x is 1 at x = 1.
    #[test]
    fn treats_nan_as_infinity() {
        let f = |x: &[f64; 1]| x[0] - x[0].ln();
        let result = minimize(f, [3.0], [-5.0], &NelderMeadOptions::default());
        assert!(result.converged);
        approx::assert_abs_diff_eq!(result.argmin[0], 1.0, epsilon = 1e-6);
        approx::assert_abs_diff_eq!(result.minimum, 1.0, epsilon = 1e-10);
    }

    #[test]
    fn reports_non_convergence_when_out_of_budget() {
        let options = NelderMeadOptions {
            max_evaluations: 20,
            ..NelderMeadOptions::default()
        };
        let result = minimize(rosenbrock, [-1.2, 1.0], [0.1, 0.1], &options);
        assert!(!result.converged);
        assert!(result.evaluations <= 20 + 3);
        assert!(result.minimum <= rosenbrock(&[-1.2, 1.0]));
    }
}
