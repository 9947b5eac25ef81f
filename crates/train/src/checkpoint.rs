//! Checkpoints: `checkpoints/step-<n>/` folders holding the experiment's blobs (`<name>.bpk`),
//! `position.json` and `manifest.json` (every file's size and MD5), plus a `latest` file naming
//! the newest folder.
//!
//! A kill at any instant loses nothing: a checkpoint is filled in a hidden folder with a name of
//! its own (`.step-<n>.<pid>-<k>.partial`), flushed, renamed to a name no folder has (`step-<n>`,
//! or `step-<n>.<r>` when that step was saved before), and only then does `latest` switch to it
//! (atomically); older folders are deleted last. [`latest`] checks the whole folder against its
//! manifest, so a damaged checkpoint is an error naming the file, never a half-loaded state.
//! For the fault-injection tests, `ATELIER_ABORT_IN_CHECKPOINT=<point>@<step>` aborts the process
//! at one of the points between those writes ([`ABORT_POINTS`]) while it saves that step.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use atelier_core::atomic::{json_bytes, sync_parent, with_path, write_atomic, write_json_atomic};
use serde::{Deserialize, Serialize};

const LATEST: &str = "latest";
const POSITION: &str = "position.json";
const MANIFEST: &str = "manifest.json";
const BLOB_EXTENSION: &str = "bpk";
const PARTIAL_SUFFIX: &str = ".partial";

/// The points inside [`save`] where `ATELIER_ABORT_IN_CHECKPOINT` can abort the process.
pub const ABORT_POINTS: [&str; 4] = ["blobs-written", "folder-renamed", "latest-switched", "pruned"];

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
    /// Rows `metrics.csv` held when the checkpoint was saved (absent in older checkpoints): a
    /// resume keeps exactly those.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_rows: Option<u64>,
}

impl Position {
    /// Where a loop stands, with no metrics recorded yet.
    pub fn at(step: u64, epoch: u64, batch_in_epoch: u64) -> Position {
        Position { step, epoch, batch_in_epoch, metrics_rows: None }
    }
}

/// One file of a checkpoint as its manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FileRecord {
    bytes: u64,
    md5: String,
}

/// Writes a checkpoint and prunes older ones beyond `keep`. Returns its folder.
pub fn save(dir: &Path, position: Position, blobs: &[(String, Vec<u8>)], keep: usize) -> io::Result<PathBuf> {
    fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
    remove_partials(dir)?;
    let name = free_name(dir, position.step);
    let partial = dir.join(format!(".{name}.{}{PARTIAL_SUFFIX}", std::process::id()));
    fs::create_dir(&partial).map_err(|e| with_path(e, &partial))?;
    let mut manifest = BTreeMap::new();
    for (blob_name, bytes) in blobs {
        let file = format!("{blob_name}.{BLOB_EXTENSION}");
        write_atomic(&partial.join(&file), bytes)?;
        manifest.insert(file, record(bytes));
    }
    let position_bytes = json_bytes(&position)?;
    write_atomic(&partial.join(POSITION), &position_bytes)?;
    manifest.insert(POSITION.to_string(), record(&position_bytes));
    // Each write above flushed the file and this folder's entry (`write_atomic`).
    write_json_atomic(&partial.join(MANIFEST), &manifest)?;
    abort_at("blobs-written", position.step);
    let final_dir = dir.join(&name);
    fs::rename(&partial, &final_dir).map_err(|e| with_path(e, &final_dir))?;
    sync_parent(&final_dir)?;
    abort_at("folder-renamed", position.step);
    write_atomic(&dir.join(LATEST), name.as_bytes())?;
    abort_at("latest-switched", position.step);
    prune(dir, &name, keep)?;
    abort_at("pruned", position.step);
    Ok(final_dir)
}

/// The newest checkpoint, if any, checked against its manifest (every file there, with its
/// size and MD5); a damaged one is an error naming the file.
pub fn latest(dir: &Path) -> io::Result<Option<PathBuf>> {
    let latest = dir.join(LATEST);
    if !latest.exists() {
        return Ok(None);
    }
    let name = fs::read_to_string(&latest).map_err(|e| with_path(e, &latest))?;
    let path = dir.join(name.trim());
    if !path.join(POSITION).is_file() {
        return Err(invalid(format!(
            "{}: names {}, which is not a complete checkpoint",
            latest.display(),
            path.display()
        )));
    }
    verify(&path)?;
    Ok(Some(path))
}

/// Checks a checkpoint folder against its manifest. Checkpoints written before manifests existed
/// (no `manifest.json`) pass on their position file alone.
pub fn verify(path: &Path) -> io::Result<()> {
    let manifest_path = path.join(MANIFEST);
    if !manifest_path.exists() {
        return Ok(());
    }
    let text = fs::read_to_string(&manifest_path).map_err(|e| with_path(e, &manifest_path))?;
    let manifest: BTreeMap<String, FileRecord> =
        serde_json::from_str(&text).map_err(|e| invalid(format!("{}: {e}", manifest_path.display())))?;
    for (file, expected) in &manifest {
        let file_path = path.join(file);
        let bytes = fs::read(&file_path).map_err(|e| with_path(e, &file_path))?;
        let found = record(&bytes);
        if found != *expected {
            return Err(invalid(format!(
                "{}: {} bytes with MD5 {}, but the checkpoint's manifest says {} bytes with MD5 {}: the checkpoint is damaged",
                file_path.display(),
                found.bytes,
                found.md5,
                expected.bytes,
                expected.md5
            )));
        }
    }
    Ok(())
}

/// Reads only a checkpoint's position.
pub fn read_position(path: &Path) -> io::Result<Position> {
    let position_path = path.join(POSITION);
    let text = fs::read_to_string(&position_path).map_err(|e| with_path(e, &position_path))?;
    serde_json::from_str(&text).map_err(|e| invalid(format!("{}: {e}", position_path.display())))
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

fn record(bytes: &[u8]) -> FileRecord {
    FileRecord { bytes: bytes.len() as u64, md5: format!("{:x}", md5::compute(bytes)) }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// `step-<n>`, or `step-<n>.<r>` (the smallest free `r`) when that step was saved before: a new
/// checkpoint never takes the name of a folder that `latest` may name.
fn free_name(dir: &Path, step: u64) -> String {
    let base = format!("step-{step:010}");
    std::iter::once(base.clone())
        .chain((1..).map(|r| format!("{base}.{r}")))
        .find(|name| dir.join(name).symlink_metadata().is_err())
        .expect("an unbounded sequence of names has a free one")
}

/// Deletes the hidden folders of saves that a kill interrupted.
fn remove_partials(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir).map_err(|e| with_path(e, dir))? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        if name.starts_with(".step-") && name.ends_with(PARTIAL_SUFFIX) {
            fs::remove_dir_all(&path).map_err(|e| with_path(e, &path))?;
        }
    }
    Ok(())
}

/// Keeps the `keep` newest checkpoints (the one just written, `current`, always among them).
fn prune(dir: &Path, current: &str, keep: usize) -> io::Result<()> {
    let mut steps: Vec<(u64, u64, PathBuf)> = fs::read_dir(dir)
        .map_err(|e| with_path(e, dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            let rest = name.strip_prefix("step-")?;
            let (step, revision) = rest.split_once('.').unwrap_or((rest, "0"));
            let order =
                if name == current { (u64::MAX, u64::MAX) } else { (step.parse().ok()?, revision.parse().ok()?) };
            Some((order.0, order.1, p))
        })
        .collect();
    steps.sort();
    let excess = steps.len().saturating_sub(keep.max(1));
    for (_, _, old) in &steps[..excess] {
        fs::remove_dir_all(old).map_err(|e| with_path(e, old))?;
    }
    Ok(())
}

/// Aborts the process when `ATELIER_ABORT_IN_CHECKPOINT` names this point of this step's save
/// (fault injection).
fn abort_at(point: &str, step: u64) {
    if std::env::var("ATELIER_ABORT_IN_CHECKPOINT").is_ok_and(|v| v == format!("{point}@{step}")) {
        eprintln!("aborting inside the checkpoint of step {step} at {point} (ATELIER_ABORT_IN_CHECKPOINT)");
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs(step: u64) -> Vec<(String, Vec<u8>)> {
        vec![("model".into(), vec![step as u8; 4])]
    }

    #[test]
    fn save_load_latest_and_prune() {
        let scratch = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let dir = scratch.path().to_path_buf();
        assert_eq!(latest(&dir).unwrap(), None);
        for step in [10, 20, 30] {
            let position = Position::at(step, 1, step / 10);
            save(&dir, position, &blobs(step), 2).unwrap();
        }
        let newest = latest(&dir).unwrap().unwrap();
        assert!(newest.ends_with("step-0000000030"));
        let (position, loaded) = load(&newest).unwrap();
        assert_eq!(position, Position::at(30, 1, 3));
        assert_eq!(loaded["model"], vec![30u8; 4]);
        assert!(!dir.join("step-0000000010").exists(), "pruned beyond keep = 2");
        assert!(dir.join("step-0000000020").exists());
        // A `latest` that names a missing folder is a clear error, not a panic.
        fs::write(dir.join(LATEST), "step-0000000099").unwrap();
        let err = latest(&dir).unwrap_err().to_string();
        assert!(err.contains("not a complete checkpoint"), "{err}");
    }

    #[test]
    fn saving_a_step_again_never_touches_the_folder_latest_names_until_it_switches() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path();
        let position = Position { metrics_rows: Some(7), ..Position::at(5, 0, 5) };
        save(dir, position, &blobs(1), 3).unwrap();
        let again = save(dir, position, &blobs(2), 3).unwrap();
        assert!(again.ends_with("step-0000000005.1"), "{again:?}");
        assert_eq!(latest(dir).unwrap().unwrap(), again);
        assert_eq!(load(&again).unwrap().1["model"], vec![2u8; 4]);
        // keep = 1: the earlier save of that step goes, the current one stays.
        save(dir, position, &blobs(3), 1).unwrap();
        let names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with("step-"))
            .collect();
        assert_eq!(names, vec!["step-0000000005.2".to_string()], "only the current save is kept");
    }

    #[test]
    fn a_damaged_checkpoint_is_named_and_a_partial_save_is_cleared() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path();
        let saved = save(dir, Position::at(1, 0, 1), &blobs(1), 2).unwrap();
        fs::write(saved.join("model.bpk"), [9u8; 3]).unwrap();
        let err = latest(dir).unwrap_err().to_string();
        assert!(err.contains("model.bpk: 3 bytes") && err.contains("manifest says 4 bytes"), "{err}");
        // The leftovers of a save killed midway are removed by the next save.
        fs::create_dir(dir.join(".step-0000000002.77.partial")).unwrap();
        save(dir, Position::at(2, 0, 2), &blobs(2), 2).unwrap();
        assert!(!dir.join(".step-0000000002.77.partial").exists());
    }
}
