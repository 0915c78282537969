//! Helpers shared by the end-to-end tests that read vendored data.

use assert_cmd::Command;
use serde_json::Value;

/// The `ibits` binary, reading the vendored data (IBITS_DATA_DIR unset).
pub fn ibits() -> Command {
    let mut c = Command::cargo_bin("ibits").unwrap();
    c.env_remove("IBITS_DATA_DIR");
    c
}

/// Run `ibits ARGS`, require success, and parse its standard output as JSON (not every test
/// file that includes this module uses it).
#[allow(dead_code)]
pub fn stdout_json(args: &[&str]) -> Value {
    let out = ibits().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
