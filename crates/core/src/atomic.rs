//! Atomic file writes: a reader (or a run killed mid-write) never sees half a file.
//!
//! Every file is written to `<name>.tmp` in the same folder, flushed to disk, then renamed over
//! the target; a rename within one file system is atomic on POSIX systems.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temporary file + fsync + rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temporary_path(path);
    {
        let mut file = fs::File::create(&tmp).map_err(|e| with_path(e, &tmp))?;
        file.write_all(bytes).map_err(|e| with_path(e, &tmp))?;
        file.sync_all().map_err(|e| with_path(e, &tmp))?;
    }
    fs::rename(&tmp, path).map_err(|e| with_path(e, path))
}

/// Serializes `value` as pretty JSON and writes it atomically.
pub fn write_json_atomic<T: serde::Serialize>(path: &Path, value: &T) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

/// `dir/name` → `dir/name.tmp`.
pub fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
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
        assert!(!temporary_path(&target).exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "only the target is left in the folder");
    }

    #[test]
    fn error_names_the_file() {
        let err = write_atomic(Path::new("/nonexistent-dir/x.json"), b"x").unwrap_err();
        assert!(err.to_string().contains("/nonexistent-dir/x.json"), "{err}");
    }
}
