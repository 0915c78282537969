//! `ibits._native`: the Rust side of the Python package `ibits` (docs/python.md).
//!
//! Each function converts its arguments into the library's types, runs the library, and
//! returns the result as the library serialises it (as Python dicts and lists, with the field
//! names of the command line's `--json`) or as numpy arrays. Nothing here computes: options, defaults
//! and checks live in the library crates, so Python, the command line and Rust give the same
//! numbers to the last digit.
//!
//! Long calls run on a worker thread while the calling thread waits with the GIL released and
//! looks for Ctrl-C every 50 ms (`run::interruptible`). Library errors become Python
//! exceptions carrying the library's message (`run::to_py_err`).

mod arrays;
mod estimate;
mod law;
mod run;
mod task;

use pyo3::prelude::*;

/// The native module `ibits._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<task::Task>()?;
    m.add_function(wrap_pyfunction!(task::load_task, m)?)?;
    m.add_function(wrap_pyfunction!(estimate::estimate_task, m)?)?;
    m.add_function(wrap_pyfunction!(estimate::estimate_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(estimate::estimate_gram, m)?)?;
    m.add_function(wrap_pyfunction!(estimate::gram, m)?)?;
    m.add_function(wrap_pyfunction!(estimate::kernel_options_read, m)?)?;
    m.add_function(wrap_pyfunction!(estimate::fit, m)?)?;
    m.add_function(wrap_pyfunction!(estimate::check_experiment, m)?)?;
    m.add_function(wrap_pyfunction!(estimate::run_experiment, m)?)?;
    m.add_function(wrap_pyfunction!(estimate::report, m)?)?;
    m.add_function(wrap_pyfunction!(law::ncx2_logcdf, m)?)?;
    m.add_function(wrap_pyfunction!(law::gx2_logcdf, m)?)?;
    Ok(())
}
