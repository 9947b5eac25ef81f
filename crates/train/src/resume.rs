//! Where a run starts (fresh, or from its latest checkpoint) and how the loops save one.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::checkpoint::{self, Position};
use crate::error::TrainError;
use crate::session::{Resume, Session};

/// The latest checkpoint of a run being resumed: where it stood and its blobs.
pub(crate) struct Restart {
    pub position: Position,
    pub blobs: BTreeMap<String, Vec<u8>>,
    /// The checkpoint's folder.
    pub checkpoint: PathBuf,
}

impl Restart {
    /// The latest checkpoint when the session resumes (an error naming the folder when there is
    /// none), None for a fresh run.
    pub(crate) fn find(session: &Session) -> Result<Option<Restart>, TrainError> {
        if session.resume == Resume::Fresh {
            return Ok(None);
        }
        let dir = session.run.checkpoints_dir();
        let checkpoint = checkpoint::latest(&dir)
            .map_err(|e| TrainError::Checkpoint { path: dir.clone(), reason: e.to_string() })?
            .ok_or_else(|| TrainError::Checkpoint { path: dir, reason: "no checkpoint to resume from".into() })?;
        let (position, blobs) = checkpoint::load(&checkpoint)
            .map_err(|e| TrainError::Checkpoint { path: checkpoint.clone(), reason: e.to_string() })?;
        Ok(Some(Restart { position, blobs, checkpoint }))
    }

    /// Restores something from the blobs with `load`; its error names this checkpoint.
    pub(crate) fn restore<T>(
        &self,
        load: impl FnOnce(&BTreeMap<String, Vec<u8>>) -> Result<T, String>,
    ) -> Result<T, TrainError> {
        load(&self.blobs).map_err(|reason| TrainError::Checkpoint { path: self.checkpoint.clone(), reason })
    }
}

/// Writes a checkpoint of `state` (the blobs, or why they could not be made) at `position`,
/// keeping the configured number of checkpoints. Returns its folder.
pub(crate) fn save_checkpoint(
    session: &Session,
    position: Position,
    state: Result<Vec<(String, Vec<u8>)>, String>,
) -> Result<PathBuf, TrainError> {
    let dir = session.run.checkpoints_dir();
    let blobs = state.map_err(|reason| TrainError::Checkpoint {
        path: dir.clone(),
        reason: format!("the state to save at step {} could not be serialised: {reason}", position.step),
    })?;
    checkpoint::save(&dir, position, &blobs, session.config.keep_checkpoints)
        .map_err(|e| TrainError::Checkpoint { path: dir, reason: e.to_string() })
}
