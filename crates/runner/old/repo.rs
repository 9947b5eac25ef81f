//! Where the source checkout is: its root (for the git revision in `run.json`) and the assets
//! found under it at run time (the frozen evaluator).

use std::path::{Path, PathBuf};

/// The frozen evaluator's folder, relative to the repository root.
pub const EVALUATOR_DIR: &str = "assets/evaluator";

/// The root of the source checkout this binary was built from.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The frozen evaluator's folder, `assets/evaluator/` of the checkout.
pub fn evaluator_dir() -> PathBuf {
    root().join(EVALUATOR_DIR)
}
