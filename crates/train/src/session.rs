//! What a training run needs besides its model and data, and the seeds it hands out.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use atelier_core::Rng;
use atelier_core::atomic::write_atomic;
use atelier_core::run_dir::RunDir;
use burn::prelude::*;

use crate::config::TrainConfig;
use crate::error::TrainError;
use crate::experiment::StepContext;
use crate::seed::{Stream, derive, init_seed, seed_device_for_init};

/// Everything the loop needs besides the experiment and the data.
pub struct Session {
    pub run: RunDir,
    pub config: TrainConfig,
    /// The training device, autodiff enabled.
    pub device: Device,
    /// Set by Ctrl-C: the loop checkpoints, then stops.
    pub stop: Arc<AtomicBool>,
    /// Continue from the run directory's latest checkpoint instead of starting fresh.
    pub resume: Resume,
    /// Files a resumed run writes once its checkpoint has loaded (its updated `config.json` and
    /// `run.json`): a resume that cannot load changes none of the run's files.
    pub after_restore: AfterRestore,
}

/// Files held back until a resumed run's state has loaded into its models and optimizers.
#[derive(Debug, Default)]
pub struct AfterRestore {
    files: Mutex<Vec<(PathBuf, Vec<u8>)>>,
    written: AtomicBool,
}

impl AfterRestore {
    /// Holds `files` (path, bytes) back until [`AfterRestore::write`].
    pub fn new(files: Vec<(PathBuf, Vec<u8>)>) -> Self {
        AfterRestore { files: Mutex::new(files), written: AtomicBool::new(false) }
    }

    /// Writes the held files, each atomically (the loops call it right after the restore).
    pub fn write(&self) -> Result<(), TrainError> {
        let files = std::mem::take(&mut *self.files.lock().unwrap_or_else(|p| p.into_inner()));
        for (path, bytes) in files {
            write_atomic(&path, &bytes).map_err(|source| TrainError::Io { path, source })?;
        }
        self.written.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Whether the restore succeeded and the files were written.
    pub fn written(&self) -> bool {
        self.written.load(Ordering::SeqCst)
    }
}

/// Whether a run starts fresh or continues from its latest checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    Fresh,
    FromLatestCheckpoint,
}

impl Session {
    /// Seeds the device RNG for the weight initialisation of this run's models: call it right
    /// before building them (parameters are drawn from the device RNG, lazily at first use).
    pub fn seed_device_for_init(&self) {
        seed_device_for_init(&self.device, self.config.seed);
    }

    /// A host seed for the `part`-th piece of this run's set-up (stream [`Stream::Init`]; part 0
    /// is the weight initialisation of [`Session::seed_device_for_init`]), e.g. generated data.
    pub fn init_seed(&self, part: u64) -> u64 {
        init_seed(self.config.seed, part)
    }

    /// Whether Ctrl-C asked the loop to stop.
    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// A step's context, the device and host RNG seeded from `(seed, stream, position)`.
    pub(crate) fn step_context(&self, stream: Stream, position: u64, epoch: u64) -> StepContext {
        let derived = derive(self.config.seed, stream, position);
        self.device.seed(derived);
        StepContext { step: position, epoch, device: self.device.clone(), rng: Rng::new(derived) }
    }
}
