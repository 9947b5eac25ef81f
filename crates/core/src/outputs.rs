//! The folders that commands write into on a user's behalf (`translate`, `segment`, `sample`,
//! `scenes`, `report`): never an input, never a silent overwrite, every check before the first
//! byte.
//!
//! An [`OutputFolder`] is refused when it is, contains or lies inside one of the command's input
//! folders (compared after `..` and symlinks are resolved). [`OutputFolder::claim`] then checks
//! every name the command will write, before it writes any: two inputs that would write one name
//! are refused by name (`a.png` and `a.jpg`), and so is a file already there, unless the user
//! asked for [`Existing::Replace`] (`--force`). Each file is written atomically
//! ([`crate::atomic`]); without `--force` the write itself refuses to replace anything, so a file
//! that appears meanwhile is safe too.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::atomic::{write_atomic, write_new_atomic};

/// What happens to a file already where an output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// The command stops before writing anything (the default).
    Refuse,
    /// The file is replaced (`--force`).
    Replace,
}

impl Existing {
    /// The policy a `--force` switch asks for.
    pub fn from_force(force: bool) -> Existing {
        if force { Existing::Replace } else { Existing::Refuse }
    }
}

/// A folder a command writes into, checked against its inputs.
#[derive(Debug)]
pub struct OutputFolder {
    dir: PathBuf,
    existing: Existing,
}

impl OutputFolder {
    /// Checks `out` against `inputs` (each with the flag or words that name it for the user).
    /// Nothing is created: the folder appears with the first file written.
    pub fn open(out: &Path, inputs: &[(&str, &Path)], existing: Existing) -> Result<OutputFolder, String> {
        let resolved_out = resolved(out)?;
        for (what, input) in inputs {
            let resolved_input = resolved(input)?;
            let relation = if resolved_out == resolved_input {
                "is"
            } else if resolved_out.starts_with(&resolved_input) {
                "is inside"
            } else if resolved_input.starts_with(&resolved_out) {
                "contains"
            } else {
                continue;
            };
            return Err(format!(
                "--out {} {relation} {what} {}; choose an output folder apart from the inputs",
                out.display(),
                input.display()
            ));
        }
        Ok(OutputFolder { dir: out.to_path_buf(), existing })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The paths of `planned` outputs (each: the name written, the input it comes from), in
    /// order, after checking them all: no name twice, none already there unless
    /// [`Existing::Replace`]. Nothing is written.
    pub fn claim(&self, planned: &[(String, PathBuf)]) -> Result<Vec<PathBuf>, String> {
        let mut first_source: BTreeMap<&str, &Path> = BTreeMap::new();
        for (name, source) in planned {
            if let Some(earlier) = first_source.insert(name, source) {
                return Err(format!(
                    "{} and {} would both write {}; rename one of them",
                    earlier.display(),
                    source.display(),
                    self.dir.join(name).display()
                ));
            }
        }
        let paths: Vec<PathBuf> = planned.iter().map(|(name, _)| self.dir.join(name)).collect();
        if self.existing == Existing::Refuse {
            let taken: Vec<&PathBuf> = paths.iter().filter(|p| p.symlink_metadata().is_ok()).collect();
            if let Some(first) = taken.first() {
                let others = match taken.len() {
                    1 => String::new(),
                    n => format!(" (and {} more)", n - 1),
                };
                return Err(format!(
                    "{} already exists{others}; pass --force to replace, or choose another --out",
                    first.display()
                ));
            }
        }
        Ok(paths)
    }

    /// Writes one claimed file atomically; under [`Existing::Refuse`] it never replaces a file.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        let parent = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        let written = match self.existing {
            Existing::Refuse => write_new_atomic(path, bytes),
            Existing::Replace => write_atomic(path, bytes),
        };
        written.map_err(|e| e.to_string())
    }
}

/// `path` made absolute, with symlinks and `..` resolved as far as it exists (the part that does
/// not exist yet is appended as written, `.` and `..` applied).
pub fn resolved(path: &Path) -> Result<PathBuf, String> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| format!("the current folder: {e}"))?.join(path)
    };
    let mut existing = absolute.as_path();
    let mut missing: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in missing.iter().rev() {
                match Path::new(part).components().next() {
                    Some(Component::ParentDir) => {
                        out.pop();
                    }
                    Some(Component::CurDir) | None => {}
                    _ => out.push(part),
                }
            }
            return Ok(out);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name);
                existing = parent;
            }
            // `..` as the last component, or the root: let the normal path decide.
            _ => return Ok(absolute),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn planned(names: &[(&str, &str)]) -> Vec<(String, PathBuf)> {
        names.iter().map(|(n, s)| (n.to_string(), PathBuf::from(s))).collect()
    }

    #[test]
    fn an_output_folder_that_is_contains_or_lies_inside_an_input_is_refused_before_it_is_created() {
        let root = tempfile::tempdir().unwrap();
        let input = root.path().join("photos");
        fs::create_dir_all(input.join("raw")).unwrap();
        for (out, relation) in [
            (input.clone(), "is"),
            (input.join("translated"), "is inside"),
            (input.join("raw/../x"), "is inside"),
            (root.path().to_path_buf(), "contains"),
        ] {
            let err = OutputFolder::open(&out, &[("--in", &input)], Existing::Refuse).unwrap_err();
            assert!(err.contains(&format!("{relation} --in")), "{out:?}: {err}");
        }
        assert!(!input.join("translated").exists(), "nothing was created");
        // A symlink to the input is the input.
        let link = root.path().join("alias");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        assert!(OutputFolder::open(&link, &[("--in", &input)], Existing::Refuse).is_err());
        let beside = root.path().join("out");
        let folder = OutputFolder::open(&beside, &[("--in", &input)], Existing::Refuse).unwrap();
        assert!(!folder.dir().exists(), "created with its first file only");
        let paths = folder.claim(&planned(&[("a.png", "photos/a.png")])).unwrap();
        folder.write(&paths[0], b"png").unwrap();
        assert_eq!(fs::read(beside.join("a.png")).unwrap(), b"png");
    }

    #[test]
    fn two_inputs_for_one_name_and_existing_files_are_refused_before_any_write() {
        let root = tempfile::tempdir().unwrap();
        let folder = OutputFolder::open(&root.path().join("out"), &[], Existing::Refuse).unwrap();
        fs::create_dir(root.path().join("out")).unwrap();
        let err = folder.claim(&planned(&[("a.png", "in/a.png"), ("b.png", "in/b.png"), ("a.png", "in/a.jpg")]));
        let err = err.unwrap_err();
        assert!(err.contains("in/a.png and in/a.jpg would both write") && err.contains("a.png"), "{err}");
        fs::write(root.path().join("out/b.png"), b"mine").unwrap();
        let err = folder.claim(&planned(&[("a.png", "in/a.png"), ("b.png", "in/b.png")])).unwrap_err();
        assert!(err.contains("out/b.png already exists; pass --force"), "{err}");
        // The write refuses too (a file that appeared after the claim).
        let a = root.path().join("out/b.png");
        assert!(folder.write(&a, b"theirs").is_err());
        assert_eq!(fs::read(&a).unwrap(), b"mine");
        // --force replaces.
        let forced = OutputFolder::open(&root.path().join("out"), &[], Existing::Replace).unwrap();
        let paths = forced.claim(&planned(&[("b.png", "in/b.png")])).unwrap();
        forced.write(&paths[0], b"theirs").unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"theirs");
    }
}
