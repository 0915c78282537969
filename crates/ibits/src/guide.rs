//! The library guide (docs/library.md): recipes for analysis code, each compiled and run as a
//! test.
#![doc = include_str!("../../../docs/library.md")]
