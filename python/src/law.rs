//! The laws of the test error, vectorised over numpy arrays.

use ibits::{Gx2, Ncx2};
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::arrays::Shared1;
use crate::run::{interruptible, to_py_err, value_error};

/// ln P[X <= x] of the scaled non-central chi-squared s * chi'^2_df(nc) at each point, in
/// nats; the four arrays have one length (the Python side broadcasts them). x <= 0 gives -inf,
/// x = +inf gives 0; a NaN point or an invalid parameter is a `ValueError` naming its index.
#[pyfunction]
pub fn ncx2_logcdf<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyArray1<f64>>,
    df: &Bound<'py, PyArray1<f64>>,
    nc: &Bound<'py, PyArray1<f64>>,
    scale: &Bound<'py, PyArray1<f64>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let arrays = [
        Shared1::new("x", x)?,
        Shared1::new("df", df)?,
        Shared1::new("nc", nc)?,
        Shared1::new("scale", scale)?,
    ];
    let len = arrays[0].values().len();
    if arrays.iter().any(|a| a.values().len() != len) {
        return Err(value_error("x, df, nc and scale must have one length"));
    }
    let out = interruptible(py, move || {
        let [x, df, nc, scale] = &arrays;
        let (x, df, nc, scale) = (x.values(), df.values(), nc.values(), scale.values());
        (0..x.len())
            .into_par_iter()
            .map(|i| {
                if x[i].is_nan() {
                    return Err(format!("x[{i}] is NaN"));
                }
                Ncx2::scaled(df[i], nc[i], scale[i])
                    .map(|law| law.log_cdf(x[i]))
                    .map_err(|e| format!("at index {i}: {e}"))
            })
            .collect::<Result<Vec<f64>, String>>()
    })?
    .map_err(value_error)?;
    Ok(out.into_pyarray(py))
}

/// ln P[S <= x] of the generalized chi-squared S = sum_j w_j chi'^2_{m_j}(d_j) at each point
/// x, in nats (the best value of the library: Ruben's series where it converges, else the
/// saddlepoint). x <= 0 gives -inf; a NaN point is a `ValueError`.
#[pyfunction]
pub fn gx2_logcdf<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyArray1<f64>>,
    weights: Vec<f64>,
    noncentralities: Vec<f64>,
    multiplicities: Vec<f64>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let law = Gx2::new(&weights, &multiplicities, &noncentralities, 0.0)
        .map_err(|e| to_py_err(ibits::Error::Stats(e)))?;
    let x = Shared1::new("x", x)?;
    let out = interruptible(py, move || {
        let x = x.values();
        (0..x.len())
            .into_par_iter()
            .map(|i| {
                if x[i].is_nan() {
                    return Err(format!("x[{i}] is NaN"));
                }
                Ok(if x[i] <= 0.0 {
                    f64::NEG_INFINITY
                } else {
                    law.log_cdf(x[i]).ln_cdf
                })
            })
            .collect::<Result<Vec<f64>, String>>()
    })?
    .map_err(value_error)?;
    Ok(out.into_pyarray(py))
}
