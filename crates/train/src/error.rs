//! Why a run stopped with an error: each variant says what failed and which file or folder.

use std::fmt::Display;
use std::io;
use std::path::{Path, PathBuf};

use crate::host::DeviceReadError;

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A loss or metric became NaN or infinite.
    #[error(
        "training diverged: {name} = {value} at step {last_step} (running mean over steps {first_step}..={last_step}); {} (try a smaller learning rate)",
        kept_checkpoint(.last_good_checkpoint.as_deref())
    )]
    NonFinite {
        name: String,
        value: f64,
        /// The steps whose running mean was read (the value appeared somewhere in this window).
        first_step: u64,
        last_step: u64,
        /// The newest checkpoint, written before the value went bad (None if none was written yet).
        last_good_checkpoint: Option<PathBuf>,
    },
    /// The run's `metrics.csv` could not be created, reopened, written or read back.
    #[error("metrics table {}: {}", .path.display(), without_path(.source, .path))]
    Metrics { path: PathBuf, source: io::Error },
    /// A checkpoint could not be written, found or read back (`path`: its folder, or the run's
    /// checkpoints folder when none was found).
    #[error("checkpoint {}: {}", .path.display(), without_path(.reason, .path))]
    Checkpoint { path: PathBuf, reason: String },
    /// The metric plots could not be drawn into `dir`.
    #[error("metric plots in {}: {reason}", .dir.display())]
    Plot { dir: PathBuf, reason: String },
    /// A sample figure could not be written into `dir`.
    #[error("sample figure in {}: {reason}", .dir.display())]
    Figure { dir: PathBuf, reason: String },
    /// The monitor's warnings could not be appended to the run's `warnings.log`.
    #[error("warnings log {}: {}", .path.display(), without_path(.source, .path))]
    WarningsLog { path: PathBuf, source: io::Error },
    /// Another file of the run (e.g. `eval_returns.csv`) could not be written.
    #[error("{}: {}", .path.display(), without_path(.source, .path))]
    Io { path: PathBuf, source: io::Error },
    /// A value could not be read back from the device.
    #[error(transparent)]
    DeviceRead(#[from] DeviceReadError),
    /// Settings that cannot run.
    #[error("invalid settings: {0}")]
    Config(String),
}

/// The end of the divergence message: where the last good checkpoint is.
fn kept_checkpoint(path: Option<&Path>) -> String {
    match path {
        Some(path) => format!("the last good checkpoint is kept at {}", path.display()),
        None => "no checkpoint had been written yet".to_string(),
    }
}

/// `error`'s message without a leading "`path`: " (the file helpers of `atelier_core` already name
/// the path; the variant names it once).
fn without_path(error: &impl Display, path: &Path) -> String {
    let text = error.to_string();
    let prefix = format!("{}: ", path.display());
    text.strip_prefix(&prefix).map_or_else(|| text.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_failed_and_the_path_once() {
        let path = PathBuf::from("/runs/x/metrics.csv");
        let source = atelier_core::atomic::with_path(io::Error::other("disk full"), &path);
        let message = TrainError::Metrics { path, source }.to_string();
        assert_eq!(message, "metrics table /runs/x/metrics.csv: disk full");

        let plot = TrainError::Plot { dir: "/runs/x/plots".into(), reason: "no font".into() };
        assert_eq!(plot.to_string(), "metric plots in /runs/x/plots: no font");

        let diverged = TrainError::NonFinite {
            name: "loss".into(),
            value: f64::NAN,
            first_step: 11,
            last_step: 20,
            last_good_checkpoint: None,
        };
        assert_eq!(
            diverged.to_string(),
            "training diverged: loss = NaN at step 20 (running mean over steps 11..=20); no checkpoint had been written yet (try a smaller learning rate)"
        );
    }
}
