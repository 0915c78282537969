//! Helpers shared by the extreme-input tests of the laws.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How long one law evaluation may take before the test calls it a hang (the old code never
/// returned on some of these inputs).
pub const ANSWER_WITHIN: Duration = Duration::from_secs(2);

/// `f()` evaluated on its own thread that is given [`ANSWER_WITHIN`] to answer; a hang fails
/// the test with `what` instead of hanging the suite.
pub fn within<T: Send + 'static>(what: String, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let _ = sender.send(f());
    });
    receiver
        .recv_timeout(ANSWER_WITHIN)
        .unwrap_or_else(|_| panic!("{what}: no answer within {ANSWER_WITHIN:?}"))
}

/// `got` equal to `want` or within `tol` relative.
pub fn assert_relative(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        got == want || ((got - want) / want).abs() <= tol,
        "{what}: {got:e} vs {want:e} (relative {:e})",
        ((got - want) / want).abs()
    );
}
