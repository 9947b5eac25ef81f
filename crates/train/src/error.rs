//! Why a run stopped with an error.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum TrainError {
    /// A loss or metric became NaN or infinite.
    NonFinite {
        name: String,
        value: f64,
        /// The steps whose running mean was read (the value appeared somewhere in this window).
        first_step: u64,
        last_step: u64,
        /// The newest checkpoint, written before the value went bad (None if none was written yet).
        last_good_checkpoint: Option<PathBuf>,
    },
    /// Files of the run could not be read or written.
    Io(std::io::Error),
    /// A checkpoint could not be written or read back.
    Checkpoint(String),
    /// Settings that cannot run.
    Config(String),
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::NonFinite { name, value, first_step, last_step, last_good_checkpoint } => {
                write!(
                    f,
                    "training diverged: {name} = {value} at step {last_step} (running mean over steps {first_step}..={last_step}); "
                )?;
                match last_good_checkpoint {
                    Some(path) => write!(f, "the last good checkpoint is kept at {}", path.display()),
                    None => write!(f, "no checkpoint had been written yet"),
                }?;
                write!(f, " (try a smaller learning rate)")
            }
            TrainError::Io(e) => write!(f, "{e}"),
            TrainError::Checkpoint(e) => write!(f, "checkpoint: {e}"),
            TrainError::Config(e) => write!(f, "invalid settings: {e}"),
        }
    }
}

impl std::error::Error for TrainError {}

impl From<std::io::Error> for TrainError {
    fn from(e: std::io::Error) -> Self {
        TrainError::Io(e)
    }
}
