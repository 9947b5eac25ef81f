//! Where the source checkout is: its root (for the git revision in `run.json`) and the assets
//! found under it at run time (the frozen evaluators).

use std::path::{Path, PathBuf};

/// The root of the source checkout this binary was built from.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A folder of the checkout's `assets/`.
pub fn asset(name: &str) -> PathBuf {
    root().join("assets").join(name)
}
