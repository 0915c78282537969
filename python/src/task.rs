//! Tasks loaded by the library, held by Python.

use std::sync::Arc;

use ndarray::Array2;
use numpy::{PyArray2, PyArrayMethods};
use pyo3::prelude::*;

use crate::run::{from_py, interruptible, to_py_err};

/// A loaded task (`ibits.load_task`): its arrays are the library's own, read by estimates
/// without a copy.
#[pyclass(frozen, module = "ibits._native")]
pub struct Task {
    pub(crate) task: Arc<ibits::Task>,
}

/// A read-only numpy view of one of the task's arrays, kept alive by the task object.
fn view<'py>(
    this: Bound<'py, Task>,
    pick: fn(&ibits::Task) -> &Array2<f64>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let task = Arc::clone(&this.get().task);
    // SAFETY: the arrays of a Task are never modified or reallocated after loading, and the
    // Arc they live in is owned by `this`, which numpy keeps as the view's base object.
    let array = unsafe { PyArray2::borrow_from_array(pick(&task), this.into_any()) };
    array.readwrite().make_nonwriteable();
    Ok(array)
}

#[pymethods]
impl Task {
    /// Short name (`mnist`, `synthetic`, a file stem).
    #[getter]
    fn name(&self) -> &str {
        &self.task.name
    }

    /// How the task was made: sources and checksums, subset rule, classes, preprocessing.
    #[getter]
    fn description(&self) -> &str {
        &self.task.description
    }

    /// Training inputs X, n x d (read-only view).
    #[getter]
    fn x_train(this: Bound<'_, Self>) -> PyResult<Bound<'_, PyArray2<f64>>> {
        view(this, |t| &t.x_train)
    }

    /// Training targets Y, n x k (one-hot rows for classification; read-only view).
    #[getter]
    fn y_train(this: Bound<'_, Self>) -> PyResult<Bound<'_, PyArray2<f64>>> {
        view(this, |t| &t.y_train)
    }

    /// Test inputs X_T, N x d (read-only view).
    #[getter]
    fn x_test(this: Bound<'_, Self>) -> PyResult<Bound<'_, PyArray2<f64>>> {
        view(this, |t| &t.x_test)
    }

    /// Test targets Y_T, N x k (read-only view).
    #[getter]
    fn y_test(this: Bound<'_, Self>) -> PyResult<Bound<'_, PyArray2<f64>>> {
        view(this, |t| &t.y_test)
    }

    /// Training classes (classification), else None.
    #[getter]
    fn labels_train(&self) -> Option<Vec<usize>> {
        self.task.labels_train.clone()
    }

    /// Test classes (classification), else None.
    #[getter]
    fn labels_test(&self) -> Option<Vec<usize>> {
        self.task.labels_test.clone()
    }

    /// Class names (index = class after any class filter); empty for regression.
    #[getter]
    fn class_names(&self) -> Vec<String> {
        self.task.class_names.clone()
    }

    /// Things the reader should know about the data.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.task.warnings.clone()
    }

    /// n, training points.
    #[getter]
    fn n(&self) -> usize {
        self.task.n_train()
    }

    /// N, test points.
    #[getter]
    fn test_n(&self) -> usize {
        self.task.x_test.nrows()
    }

    /// k, outputs (classes or regression targets).
    #[getter]
    fn k(&self) -> usize {
        self.task.y_train.ncols()
    }

    /// d, input features.
    #[getter]
    fn input_dim(&self) -> usize {
        self.task.x_train.ncols()
    }

    fn __repr__(&self) -> String {
        format!(
            "Task({}: n = {} train, N = {} test, k = {} outputs, d = {} inputs)",
            self.task.name,
            self.task.n_train(),
            self.task.x_test.nrows(),
            self.task.y_train.ncols(),
            self.task.x_train.ncols()
        )
    }
}

/// Load a task from its options (a dict with the fields of `TaskOptions`, as a sweep file's
/// task table writes them) within `max_memory` bytes (None: MemAvailable).
#[pyfunction]
#[pyo3(signature = (options, max_memory=None))]
pub fn load_task(
    py: Python<'_>,
    options: &Bound<'_, PyAny>,
    max_memory: Option<u64>,
) -> PyResult<Task> {
    let options: ibits::TaskOptions = from_py("task options", options)?;
    let task = interruptible(py, move || options.load_within(max_memory))?
        .map_err(|e| to_py_err(e.into()))?;
    Ok(Task {
        task: Arc::new(task),
    })
}
