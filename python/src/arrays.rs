//! numpy arrays shared with a worker thread without copying.

use ndarray::ArrayView2;
use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::prelude::*;

use crate::run::value_error;

/// A 2-D f64 numpy array read in place by a worker thread: a strong reference keeps the
/// array (and so its buffer) alive for as long as the view is used.
pub struct Shared2 {
    _owner: Py<PyArray2<f64>>,
    view: ArrayView2<'static, f64>,
}

impl Shared2 {
    /// Share `array` (`what` names it in errors: the array is being written elsewhere).
    pub fn new(what: &str, array: &Bound<'_, PyArray2<f64>>) -> PyResult<Self> {
        let readonly = array
            .try_readonly()
            .map_err(|e| value_error(format!("{what}: the array cannot be read now: {e}")))?;
        let view = readonly.as_array();
        // SAFETY: the buffer belongs to the numpy array, which `_owner` keeps alive for the
        // whole life of this value; ibits never writes through the view, and numpy arrays do
        // not move their buffer unless resized, which numpy refuses while references exist.
        let view: ArrayView2<'static, f64> = unsafe { std::mem::transmute(view) };
        Ok(Self {
            _owner: array.clone().unbind(),
            view,
        })
    }

    /// The array, rows as points.
    pub fn view(&self) -> ArrayView2<'_, f64> {
        self.view
    }
}

/// A 1-D f64 numpy array read in place by a worker thread (copied once only when numpy does
/// not store it contiguously).
pub enum Shared1 {
    /// A contiguous array, read in place; the strong reference keeps it alive.
    InPlace {
        /// Keeps the array alive.
        _owner: Py<PyArray1<f64>>,
        /// Its values.
        values: &'static [f64],
    },
    /// A strided array, copied.
    Copied(Vec<f64>),
}

impl Shared1 {
    /// Share `array` (`what` names it in errors).
    pub fn new(what: &str, array: &Bound<'_, PyArray1<f64>>) -> PyResult<Self> {
        let readonly = array
            .try_readonly()
            .map_err(|e| value_error(format!("{what}: the array cannot be read now: {e}")))?;
        Ok(match readonly.as_slice() {
            // SAFETY: as for `Shared2`: the array outlives the slice through the reference.
            Ok(slice) => Self::InPlace {
                _owner: array.clone().unbind(),
                values: unsafe { std::mem::transmute::<&[f64], &'static [f64]>(slice) },
            },
            Err(_) => Self::Copied(readonly.as_array().to_vec()),
        })
    }

    /// The values.
    pub fn values(&self) -> &[f64] {
        match self {
            Self::InPlace { values, .. } => values,
            Self::Copied(v) => v,
        }
    }
}
