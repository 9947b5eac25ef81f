//! Atomic file writes: a reader, or a run killed at any instant, never sees half a file.
//!
//! Every file is written to a temporary file with a name no other writer uses
//! (`.<name>.<pid>-<n>.tmp`, created exclusively, so a symlink planted there is never followed),
//! flushed to disk, then renamed over the target (a rename within one file system is atomic on
//! POSIX systems; it replaces a symlink at the target, never the file the link points to); last
//! the folder itself is flushed, so the rename survives a power cut.
//! [`write_new_atomic`] is the same write that refuses to replace anything.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` atomically (unique temporary file + fsync + rename + folder fsync).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = write_temporary(path, bytes)?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        with_path(e, path)
    })?;
    sync_parent(path)
}

/// Writes `bytes` to `path` atomically, or fails with `AlreadyExists` (and writes nothing) when
/// anything, a symlink included, is already there: the no-clobber write for a user's folders.
pub fn write_new_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = write_temporary(path, bytes)?;
    // A hard link fails when the target exists; the rename of `write_atomic` would replace it.
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    linked.map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => {
            io::Error::new(io::ErrorKind::AlreadyExists, format!("{}: already exists", path.display()))
        }
        _ => with_path(e, path),
    })?;
    sync_parent(path)
}

/// Serializes `value` as pretty JSON and writes it atomically.
pub fn write_json_atomic<T: serde::Serialize>(path: &Path, value: &T) -> io::Result<()> {
    write_atomic(path, &json_bytes(value)?)
}

/// `value` as the JSON files hold it: pretty, with a final newline.
pub fn json_bytes<T: serde::Serialize>(value: &T) -> io::Result<Vec<u8>> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    Ok(text.into_bytes())
}

/// Flushes the folder holding `path`, so a rename or a new entry in it is on disk.
pub fn sync_parent(path: &Path) -> io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    sync_dir(parent)
}

/// Flushes a folder's entries to disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| with_path(e, dir))
}

/// The whole file written under a fresh temporary name beside `path`, flushed; its path.
fn write_temporary(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let tmp = temporary_path(path);
    // Errors name the file being written, not its temporary.
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&tmp).map_err(|e| with_path(e, path))?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = fs::remove_file(&tmp);
        return Err(with_path(e, path));
    }
    Ok(tmp)
}

/// `dir/name` → `dir/.name.<pid>-<n>.tmp`: unique to this write (the process id and a counter),
/// hidden, and recognisable as a leftover by [`is_temporary`].
pub fn temporary_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{}-{n}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Whether a file name is a leftover of an interrupted [`write_atomic`].
pub fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

/// Adds the path to an IO error so the user knows which file failed.
pub fn with_path(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap(); // removed when dropped, passed or failed
        let target = dir.path().join("state.json");
        write_atomic(&target, b"first").unwrap();
        write_atomic(&target, b"second, longer").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"second, longer");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "only the target is left in the folder");
    }

    #[test]
    fn temporary_names_are_unique_and_recognisable() {
        let a = temporary_path(Path::new("d/x.png"));
        let b = temporary_path(Path::new("d/x.png"));
        assert_ne!(a, b);
        assert!(is_temporary(a.file_name().unwrap().to_str().unwrap()), "{a:?}");
        assert!(!is_temporary("x.png"));
    }

    #[test]
    fn a_planted_temporary_or_symlink_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, b"the user's file").unwrap();
        let target = dir.path().join("out.txt");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write_atomic(&target, b"ours").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"the user's file", "the link's target is untouched");
        assert_eq!(fs::read(&target).unwrap(), b"ours");
        assert!(!fs::symlink_metadata(&target).unwrap().file_type().is_symlink(), "the link itself was replaced");
    }

    #[test]
    fn the_no_clobber_write_refuses_anything_in_place_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("a.png");
        fs::write(&existing, b"mine").unwrap();
        let err = write_new_atomic(&existing, b"theirs").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert!(err.to_string().contains("a.png: already exists"), "{err}");
        assert_eq!(fs::read(&existing).unwrap(), b"mine");
        let link = dir.path().join("link.png");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
        assert!(write_new_atomic(&link, b"x").is_err(), "a dangling symlink is not followed either");
        assert!(!dir.path().join("nowhere").exists());
        write_new_atomic(&dir.path().join("b.png"), b"new").unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3, "no temporary is left behind");
    }

    #[test]
    fn error_names_the_file() {
        let err = write_atomic(Path::new("/nonexistent-dir/x.json"), b"x").unwrap_err();
        assert!(err.to_string().contains("/nonexistent-dir/x.json"), "{err}");
    }
}
