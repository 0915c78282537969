//! Running library calls from Python: off the GIL, interruptible, errors as exceptions.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use pyo3::exceptions::{PyMemoryError, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

/// How often a waiting call looks for Ctrl-C.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Run `work` on a worker thread while this thread waits with the GIL released, looking for
/// signals every [`SIGNAL_POLL`]. Ctrl-C raises `KeyboardInterrupt` at once; the worker's
/// computation then finishes in the background and its result is dropped (the library has no
/// cancellation points inside a factorization). A panic in the worker (a bug) becomes
/// `RuntimeError`.
pub fn interruptible<R, F>(py: Python<'_>, work: F) -> PyResult<R>
where
    R: Send + 'static,
    F: FnOnce() -> R + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("ibits-worker".into())
        .spawn(move || {
            // The receiver is gone after Ctrl-C: nobody wants the result.
            let _ = tx.send(work());
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start a worker thread: {e}")))?;
    let mut rx = rx;
    loop {
        // The receiver travels into the GIL-free closure and back (it is Send, not Sync).
        let (received, back) = py.detach(move || (rx.recv_timeout(SIGNAL_POLL), rx));
        rx = back;
        match received {
            Ok(result) => return Ok(result),
            Err(RecvTimeoutError::Timeout) => py.check_signals()?,
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "ibits stopped unexpectedly (a panic inside the library; please report it \
                     with the call that caused it)",
                ))
            }
        }
    }
}

/// A library error as a Python exception: `OSError` for files that cannot be read or
/// written, `MemoryError` for a run planned not to fit, `ValueError` for everything the caller
/// gave (shapes, values, options). The message is the error with its causes.
pub fn to_py_err(e: ibits::Error) -> PyErr {
    let message = ibits::error::chain(&e);
    match root(&e) {
        ibits::Error::Io(_)
        | ibits::Error::Data(ibits::data::DataError::Io { .. })
        | ibits::Error::Experiment(ibits_report::ReportError::Io { .. }) => {
            PyOSError::new_err(message)
        }
        ibits::Error::InsufficientMemory { .. } => PyMemoryError::new_err(message),
        _ => PyValueError::new_err(message),
    }
}

/// The innermost error of a chain of contexts.
fn root(e: &ibits::Error) -> &ibits::Error {
    match e {
        ibits::Error::Context { source, .. } => root(source),
        other => other,
    }
}

/// `ValueError` with `message`.
pub fn value_error(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}

/// Options given by the Python side as a dict (`what` names them in the error).
pub fn from_py<T: serde::de::DeserializeOwned>(
    what: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<T> {
    pythonize::depythonize(value).map_err(|e| value_error(format!("{what}: {e}")))
}

/// A result as Python objects (dicts, lists, floats, ...), with the field names of the
/// command line's `--json`; infinities stay floats (JSON writes them as null).
pub fn to_py<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value)
        .map_err(|e| PyRuntimeError::new_err(format!("cannot convert the result: {e}")))
}
