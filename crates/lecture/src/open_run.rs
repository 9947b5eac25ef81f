//! A trained run opened for `eval`, the extra verbs and the capabilities: its directory, its
//! recorded configuration, the lecture's config and the device to run it on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use atelier_backend::Backend;
use atelier_core::run_dir::RunDir;
use atelier_train::checkpoint;
use burn::prelude::*;
use serde::de::DeserializeOwned;

use crate::run_config::RunConfig;

/// A run directory whose `config.json` names the expected lecture.
pub struct OpenRun<C> {
    pub dir: RunDir,
    /// `config.json` as recorded.
    pub recorded: RunConfig,
    /// Its `model` section, as the lecture's config.
    pub config: C,
    /// The backend typed, else the run's.
    pub backend: Backend,
    pub device: Device,
}

impl<C: DeserializeOwned> OpenRun<C> {
    /// Opens `path` as a run of `lecture` on `backend` (None: the backend it recorded). A run of
    /// another lecture is refused: "RUN is a <other> run, not a <lecture> run".
    pub fn open(path: &Path, lecture: &str, backend: Option<Backend>) -> Result<Self, String> {
        let (dir, recorded, config) = read(path, lecture)?;
        let backend = match backend {
            Some(b) => b,
            None => recorded.backend()?,
        };
        let device = backend.device().map_err(|e| e.to_string())?;
        Ok(Self { dir, recorded, config, backend, device })
    }

    /// Opens `path` as a run of `lecture` on `device` (a companion run beside the evaluated one).
    pub fn open_on(path: &Path, lecture: &str, device: Device) -> Result<Self, String> {
        let (dir, recorded, config) = read(path, lecture)?;
        let backend = recorded.backend()?;
        Ok(Self { dir, recorded, config, backend, device })
    }
}

/// The directory, recorded config and lecture config of the run at `path`, which must be a run of
/// `lecture`: "RUN is a <other> run, not a <lecture> run".
pub fn read<C: DeserializeOwned>(path: &Path, lecture: &str) -> Result<(RunDir, RunConfig, C), String> {
    let dir = RunDir::open(path).map_err(|e| e.to_string())?;
    let recorded = RunConfig::load(&dir.config_path())?;
    let is = recorded.lecture()?;
    if is != lecture {
        return Err(format!(
            "{} is {} {is} run, not {} {lecture} run",
            dir.path().display(),
            article(is),
            article(lecture)
        ));
    }
    let config = recorded.model().map_err(|e| format!("{}: {e}", dir.config_path().display()))?;
    Ok((dir, recorded, config))
}

impl<C> OpenRun<C> {
    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.recorded.train.seed
    }

    /// The step and blobs of the run's latest checkpoint, or an error naming the run.
    pub fn latest_checkpoint(&self) -> Result<(u64, BTreeMap<String, Vec<u8>>), String> {
        latest_checkpoint(&self.dir)
    }

    /// The data folder typed, else the run's.
    pub fn data_dir(&self, typed: Option<&Path>) -> Option<PathBuf> {
        typed.map(Path::to_path_buf).or_else(|| self.recorded.data_dir.clone())
    }

    /// The run directory's own name (`20261206-…-flex-s0`), for labels.
    pub fn name(&self) -> String {
        self.dir.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// The step and blobs of a run's latest checkpoint, or an error naming the run.
pub fn latest_checkpoint(run: &RunDir) -> Result<(u64, BTreeMap<String, Vec<u8>>), String> {
    let latest = checkpoint::latest(&run.checkpoints_dir())
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{}: the run has no checkpoint", run.path().display()))?;
    let (position, blobs) = checkpoint::load(&latest).map_err(|e| e.to_string())?;
    Ok((position.step, blobs))
}

/// "a" or "an" before a lecture's name.
pub fn article(name: &str) -> &'static str {
    if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}
