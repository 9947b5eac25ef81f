//! Checkpoints: `checkpoints/step-<n>/` folders holding the experiment's blobs (`<name>.bpk`) and
//! `position.json`, plus a `latest` file naming the newest folder.
//!
//! Written atomically: the folder is filled under a temporary name and renamed into place, then
//! `latest` is replaced atomically; a run killed at any moment leaves the previous checkpoint
//! whole and `latest` pointing at a complete folder.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use atelier_core::atomic::{with_path, write_atomic, write_json_atomic};
use serde::{Deserialize, Serialize};

const LATEST: &str = "latest";
const POSITION: &str = "position.json";
const BLOB_EXTENSION: &str = "bpk";

/// Where the loop stood when the checkpoint was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Optimisation steps completed.
    pub step: u64,
    /// The epoch to continue in.
    pub epoch: u64,
    /// The next batch of that epoch (equal to the batches per epoch when only the epoch's
    /// validation is left to do).
    pub batch_in_epoch: u64,
}

/// Writes a checkpoint and prunes older ones beyond `keep`. Returns its folder.
pub fn save(dir: &Path, position: Position, blobs: &[(String, Vec<u8>)], keep: usize) -> io::Result<PathBuf> {
    let name = format!("step-{:010}", position.step);
    let final_dir = dir.join(&name);
    let tmp_dir = dir.join(format!(".{name}.tmp"));
    if tmp_dir.exists() {
        fs::remove_dir_all(&tmp_dir).map_err(|e| with_path(e, &tmp_dir))?;
    }
    fs::create_dir_all(&tmp_dir).map_err(|e| with_path(e, &tmp_dir))?;
    for (blob_name, bytes) in blobs {
        write_atomic(&tmp_dir.join(format!("{blob_name}.{BLOB_EXTENSION}")), bytes)?;
    }
    write_json_atomic(&tmp_dir.join(POSITION), &position)?;
    if final_dir.exists() {
        // The same step checkpointed again (e.g. an interrupted run resumed and stopped at once).
        fs::remove_dir_all(&final_dir).map_err(|e| with_path(e, &final_dir))?;
    }
    fs::rename(&tmp_dir, &final_dir).map_err(|e| with_path(e, &final_dir))?;
    write_atomic(&dir.join(LATEST), name.as_bytes())?;
    prune(dir, keep)?;
    Ok(final_dir)
}

/// The newest complete checkpoint, if any.
pub fn latest(dir: &Path) -> io::Result<Option<PathBuf>> {
    let latest = dir.join(LATEST);
    if !latest.exists() {
        return Ok(None);
    }
    let name = fs::read_to_string(&latest).map_err(|e| with_path(e, &latest))?;
    let path = dir.join(name.trim());
    if !path.join(POSITION).is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: names {}, which is not a complete checkpoint", latest.display(), path.display()),
        ));
    }
    Ok(Some(path))
}

/// Reads only a checkpoint's position.
pub fn read_position(path: &Path) -> io::Result<Position> {
    let position_path = path.join(POSITION);
    let text = fs::read_to_string(&position_path).map_err(|e| with_path(e, &position_path))?;
    serde_json::from_str(&text)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", position_path.display())))
}

/// Reads a checkpoint folder: its position and every blob by name.
pub fn load(path: &Path) -> io::Result<(Position, BTreeMap<String, Vec<u8>>)> {
    let position = read_position(path)?;
    let mut blobs = BTreeMap::new();
    for entry in fs::read_dir(path).map_err(|e| with_path(e, path))? {
        let file = entry?.path();
        if file.extension().is_some_and(|e| e == BLOB_EXTENSION) {
            let name = file.file_stem().unwrap_or_default().to_string_lossy().to_string();
            blobs.insert(name, fs::read(&file).map_err(|e| with_path(e, &file))?);
        }
    }
    Ok((position, blobs))
}

/// Keeps the `keep` newest `step-*` folders.
fn prune(dir: &Path, keep: usize) -> io::Result<()> {
    let mut steps: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| with_path(e, dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("step-")))
        .collect();
    steps.sort();
    let excess = steps.len().saturating_sub(keep);
    for old in &steps[..excess] {
        fs::remove_dir_all(old).map_err(|e| with_path(e, old))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_load_latest_and_prune() {
        let scratch = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let dir = scratch.path().to_path_buf();
        assert_eq!(latest(&dir).unwrap(), None);
        for step in [10, 20, 30] {
            let position = Position { step, epoch: 1, batch_in_epoch: step / 10 };
            save(&dir, position, &[("model".into(), vec![step as u8; 4])], 2).unwrap();
        }
        let newest = latest(&dir).unwrap().unwrap();
        assert!(newest.ends_with("step-0000000030"));
        let (position, blobs) = load(&newest).unwrap();
        assert_eq!(position, Position { step: 30, epoch: 1, batch_in_epoch: 3 });
        assert_eq!(blobs["model"], vec![30u8; 4]);
        assert!(!dir.join("step-0000000010").exists(), "pruned beyond keep = 2");
        assert!(dir.join("step-0000000020").exists());
        // A `latest` that names a missing folder is a clear error, not a panic.
        fs::write(dir.join(LATEST), "step-0000000099").unwrap();
        let err = latest(&dir).unwrap_err().to_string();
        assert!(err.contains("not a complete checkpoint"), "{err}");
    }
}
