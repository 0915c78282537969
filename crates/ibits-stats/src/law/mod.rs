//! Laws of the test error.
