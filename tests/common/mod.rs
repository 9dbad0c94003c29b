//! Helpers shared by the end-to-end tests.

use std::path::PathBuf;
use std::process::Command;

/// The `mindmill` binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mindmill"))
}

/// A fresh, empty temporary folder named after the test and this process.
pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mindmill-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
