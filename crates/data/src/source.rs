//! Where the data comes from.
//!
//! The search order, first match wins:
//!
//! 1. the `--data-dir` flag, if given;
//! 2. the `$ATELIER_DATA` environment variable, if set (and not empty);
//! 3. `./data/fashion-mnist`, relative to the current directory
//!    (where `cargo xtask data fetch fashion-mnist` puts it);
//! 4. `/usr/share/datasets/fashion-mnist` (Debian's `dataset-fashion-mnist` package);
//! 5. the embedded mini Fashion-MNIST compiled into this crate.
//!
//! The flag or the variable may also name the embedded set itself: `--data-dir embedded`
//! (the word, not a path such as `./embedded`). That is how a run recorded on the embedded set
//! resumes on it on a machine where a dataset folder has since been installed.
//!
//! A folder you *name* (flag or variable) must be valid: if it is not, that is an
//! error, never a silent fall-through to another dataset. Folders we merely *look*
//! at (3 and 4) are skipped when absent or incomplete.
//!
//! A dataset folder holds the four standard files, each raw or with `.gz` appended;
//! any such folder works, MNIST digits included.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::embedded;
use crate::error::DataError;

/// The environment variable naming a dataset folder.
pub const ENV_VAR: &str = "ATELIER_DATA";
/// The project-local dataset folder, relative to the current directory.
pub const PROJECT_DIR: &str = "./data/fashion-mnist";
/// Where Debian's `dataset-fashion-mnist` package installs the data.
pub const DEBIAN_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// The `--data-dir` / `$ATELIER_DATA` value that names the embedded mini set.
pub const EMBEDDED_NAME: &str = "embedded";

/// The four standard file names, without the optional `.gz`.
pub const STANDARD_FILES: [&str; 4] =
    ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

/// Where a dataset was found. Serialized as `{"kind": "flag", "path": "/x"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "lowercase")]
pub enum DataSource {
    /// A folder given with `--data-dir`.
    Flag(PathBuf),
    /// A folder given with `$ATELIER_DATA`.
    #[serde(rename = "env")]
    EnvVar(PathBuf),
    /// `./data/fashion-mnist`.
    #[serde(rename = "project")]
    ProjectDir(PathBuf),
    /// `/usr/share/datasets/fashion-mnist`.
    Debian(PathBuf),
    /// The mini set compiled into the binary.
    Embedded,
}

impl DataSource {
    /// A short name for logs and run records: "flag", "env", "project", "debian", "embedded".
    pub fn kind(&self) -> &'static str {
        match self {
            DataSource::Flag(_) => "flag",
            DataSource::EnvVar(_) => "env",
            DataSource::ProjectDir(_) => "project",
            DataSource::Debian(_) => "debian",
            DataSource::Embedded => "embedded",
        }
    }

    /// How error messages introduce the folder: "--data-dir", "$ATELIER_DATA", …
    pub(crate) fn origin(&self) -> &'static str {
        match self {
            DataSource::Flag(_) => "--data-dir",
            DataSource::EnvVar(_) => "$ATELIER_DATA",
            DataSource::ProjectDir(_) => "project folder",
            DataSource::Debian(_) => "Debian folder",
            DataSource::Embedded => "embedded set",
        }
    }

    /// The folder holding the files, or `None` for the embedded set.
    pub fn dir(&self) -> Option<&Path> {
        match self {
            DataSource::Flag(dir) | DataSource::EnvVar(dir) | DataSource::ProjectDir(dir) | DataSource::Debian(dir) => {
                Some(dir)
            }
            DataSource::Embedded => None,
        }
    }
}

impl fmt::Display for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataSource::Flag(dir) => write!(f, "--data-dir {}", dir.display()),
            DataSource::EnvVar(dir) => write!(f, "${ENV_VAR}={}", dir.display()),
            DataSource::ProjectDir(dir) => write!(f, "{}", dir.display()),
            DataSource::Debian(dir) => {
                write!(f, "{} (Debian dataset-fashion-mnist)", dir.display())
            }
            DataSource::Embedded => write!(f, "{}", embedded::DESCRIPTION),
        }
    }
}

/// The four files of a dataset folder, each resolved to its raw or `.gz` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetFiles {
    pub train_images: PathBuf,
    pub train_labels: PathBuf,
    pub test_images: PathBuf,
    pub test_labels: PathBuf,
}

/// Resolves the four standard files in `dir` (raw preferred over `.gz` when both exist).
///
/// The error says what is wrong ("no such folder", or which files are missing);
/// `origin` ("--data-dir", "$ATELIER_DATA", …) tells the user where the folder came from.
pub fn dataset_files(dir: &Path, origin: &str) -> Result<DatasetFiles, DataError> {
    let invalid =
        |problem: String| DataError::InvalidDataDir { origin: origin.to_string(), path: dir.to_path_buf(), problem };
    if !dir.is_dir() {
        return Err(invalid("no such folder".to_string()));
    }
    let mut found = Vec::with_capacity(STANDARD_FILES.len());
    let mut missing = Vec::new();
    for name in STANDARD_FILES {
        let raw = dir.join(name);
        let packed = dir.join(format!("{name}.gz"));
        if raw.is_file() {
            found.push(raw);
        } else if packed.is_file() {
            found.push(packed);
        } else {
            missing.push(format!("{name}[.gz]"));
        }
    }
    if !missing.is_empty() {
        return Err(invalid(format!("not a dataset folder: missing {}", missing.join(", "))));
    }
    let [train_images, train_labels, test_images, test_labels]: [PathBuf; 4] =
        found.try_into().map_err(|_| invalid("internal error".to_string()))?;
    Ok(DatasetFiles { train_images, train_labels, test_images, test_labels })
}

/// Finds the data: flag, `$ATELIER_DATA`, `./data/fashion-mnist`, Debian, embedded.
pub fn locate(flag: Option<&Path>) -> Result<DataSource, DataError> {
    let env = std::env::var_os(ENV_VAR);
    locate_with(flag, env.as_deref(), Path::new(PROJECT_DIR), Path::new(DEBIAN_DIR))
}

/// [`locate`] with every input explicit, for tests.
pub fn locate_with(
    flag: Option<&Path>,
    env: Option<&OsStr>,
    project_dir: &Path,
    debian_dir: &Path,
) -> Result<DataSource, DataError> {
    let names_embedded = |value: &OsStr| value == OsStr::new(EMBEDDED_NAME);
    match (flag, env) {
        (Some(dir), _) if names_embedded(dir.as_os_str()) => return Ok(DataSource::Embedded),
        (None, Some(value)) if names_embedded(value) => return Ok(DataSource::Embedded),
        _ => {}
    }
    match locate_on_disk_with(flag, env, project_dir, debian_dir) {
        Err(DataError::NotFound { .. }) => Ok(DataSource::Embedded),
        other => other,
    }
}

/// Like [`locate`], but never falls back to the embedded set: for commands that need
/// the full data (such as `cargo xtask data subset`). Fails with [`DataError::NotFound`].
pub fn locate_on_disk(flag: Option<&Path>) -> Result<DataSource, DataError> {
    let env = std::env::var_os(ENV_VAR);
    locate_on_disk_with(flag, env.as_deref(), Path::new(PROJECT_DIR), Path::new(DEBIAN_DIR))
}

/// [`locate_on_disk`] with every input explicit, for tests.
pub fn locate_on_disk_with(
    flag: Option<&Path>,
    env: Option<&OsStr>,
    project_dir: &Path,
    debian_dir: &Path,
) -> Result<DataSource, DataError> {
    // Named folders: must be valid.
    if let Some(dir) = flag {
        return checked(DataSource::Flag(dir.to_path_buf()));
    }
    if let Some(value) = env.filter(|value| !value.is_empty()) {
        return checked(DataSource::EnvVar(PathBuf::from(value)));
    }
    // Conventional folders: used when complete, skipped otherwise.
    for candidate in [DataSource::ProjectDir(project_dir.to_path_buf()), DataSource::Debian(debian_dir.to_path_buf())] {
        if let Ok(source) = checked(candidate) {
            return Ok(source);
        }
    }
    Err(DataError::NotFound {
        looked_in: vec![
            format!("${ENV_VAR} (unset)"),
            project_dir.display().to_string(),
            debian_dir.display().to_string(),
        ],
    })
}

/// Returns `source` if its folder holds the four standard files.
fn checked(source: DataSource) -> Result<DataSource, DataError> {
    if let Some(dir) = source.dir() {
        dataset_files(dir, source.origin())?;
    }
    Ok(source)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A temporary folder, removed with everything in it when dropped (at the end of the test,
    /// passed or failed). Derefs to its [`Path`].
    pub(crate) struct TestDir(tempfile::TempDir);

    impl std::ops::Deref for TestDir {
        type Target = Path;

        fn deref(&self) -> &Path {
            self.0.path()
        }
    }

    impl AsRef<Path> for TestDir {
        fn as_ref(&self) -> &Path {
            self.0.path()
        }
    }

    /// A fresh, empty folder under the system temp dir (`atelier-data-<label>-…`), unique per call.
    pub(crate) fn unique_temp_dir(label: &str) -> TestDir {
        let prefix = format!("atelier-data-{label}-");
        TestDir(tempfile::Builder::new().prefix(&prefix).tempdir().expect("a temporary folder"))
    }

    /// A folder with the four standard files (empty content: only names matter here).
    fn dataset_dir(label: &str) -> TestDir {
        let dir = unique_temp_dir(label);
        for (i, name) in STANDARD_FILES.iter().enumerate() {
            let name = if i % 2 == 0 { format!("{name}.gz") } else { name.to_string() };
            std::fs::write(dir.join(name), b"").unwrap();
        }
        dir
    }

    #[test]
    fn search_order_flag_env_project_debian_embedded() {
        let flag = dataset_dir("flag");
        let env = dataset_dir("env");
        let project = dataset_dir("project");
        let debian = dataset_dir("debian");
        let nowhere = unique_temp_dir("empty");
        let env_os = Some(env.as_os_str());

        let found = locate_with(Some(&*flag), env_os, &project, &debian).unwrap();
        assert_eq!(found, DataSource::Flag(flag.to_path_buf()));
        let found = locate_with(None, env_os, &project, &debian).unwrap();
        assert_eq!(found, DataSource::EnvVar(env.to_path_buf()));
        let found = locate_with(None, None, &project, &debian).unwrap();
        assert_eq!(found, DataSource::ProjectDir(project.to_path_buf()));
        let found = locate_with(None, None, &nowhere, &debian).unwrap();
        assert_eq!(found, DataSource::Debian(debian.to_path_buf()));
        let found = locate_with(None, None, &nowhere, &nowhere).unwrap();
        assert_eq!(found, DataSource::Embedded);
        let found = locate_with(None, Some(OsStr::new("")), &nowhere, &nowhere).unwrap();
        assert_eq!(found, DataSource::Embedded, "an empty $ATELIER_DATA counts as unset");
        let found = locate_with(Some(Path::new("embedded")), env_os, &project, &debian).unwrap();
        assert_eq!(found, DataSource::Embedded, "--data-dir embedded names the embedded set");
        let found = locate_with(None, Some(OsStr::new("embedded")), &project, &debian).unwrap();
        assert_eq!(found, DataSource::Embedded, "so does $ATELIER_DATA=embedded");
        let found = locate_with(Some(&*flag), Some(OsStr::new("embedded")), &project, &debian).unwrap();
        assert_eq!(found, DataSource::Flag(flag.to_path_buf()), "the flag still comes first");
        assert!(locate_with(Some(Path::new("./embedded")), None, &project, &debian).is_err(), "a path is a folder");
    }

    #[test]
    fn a_bad_flag_is_an_error_not_a_fallback() {
        let project = dataset_dir("project-bad-flag");
        let missing = project.join("does-not-exist");
        let err = locate_with(Some(&missing), None, &project, &project).unwrap_err();
        assert!(matches!(err, DataError::InvalidDataDir { .. }), "{err:?}");
        assert!(err.to_string().starts_with("--data-dir "), "{err}");
        assert!(err.to_string().contains("does-not-exist: no such folder"), "{err}");

        let incomplete = unique_temp_dir("incomplete");
        std::fs::write(incomplete.join("train-images-idx3-ubyte"), b"").unwrap();
        let err = locate_with(Some(&*incomplete), None, &project, &project).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("missing train-labels-idx1-ubyte[.gz]"), "{message}");
        assert!(!message.contains("missing train-images"), "{message}");
    }

    #[test]
    fn a_bad_env_var_is_an_error_not_a_fallback() {
        let project = dataset_dir("project-bad-env");
        let env = OsStr::new("/definitely/not/a/dataset");
        let err = locate_with(None, Some(env), &project, &project).unwrap_err();
        assert!(err.to_string().starts_with("$ATELIER_DATA /definitely"), "{err}");
    }

    #[test]
    fn on_disk_search_reports_where_it_looked() {
        let nowhere = unique_temp_dir("nowhere");
        let err = locate_on_disk_with(None, None, &nowhere, Path::new("/no/debian")).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("no dataset found: looked in "), "{message}");
        assert!(message.contains("/no/debian"), "{message}");
        assert!(message.contains("cargo xtask data fetch fashion-mnist"), "{message}");
    }

    #[test]
    fn raw_files_are_preferred_over_gzipped() {
        let dir = dataset_dir("both");
        std::fs::write(dir.join("train-images-idx3-ubyte"), b"").unwrap();
        let files = dataset_files(&dir, "test").unwrap();
        assert_eq!(files.train_images, dir.join("train-images-idx3-ubyte"));
        assert_eq!(files.test_images, dir.join("t10k-images-idx3-ubyte.gz"));
    }

    #[test]
    fn display_and_kind() {
        let x = PathBuf::from("/x");
        assert_eq!(DataSource::Flag(x.clone()).to_string(), "--data-dir /x");
        assert_eq!(DataSource::EnvVar(x.clone()).to_string(), "$ATELIER_DATA=/x");
        assert_eq!(DataSource::ProjectDir(PROJECT_DIR.into()).to_string(), "./data/fashion-mnist");
        assert_eq!(
            DataSource::Debian(DEBIAN_DIR.into()).to_string(),
            "/usr/share/datasets/fashion-mnist (Debian dataset-fashion-mnist)"
        );
        assert_eq!(
            DataSource::Embedded.to_string(),
            "embedded mini Fashion-MNIST (assets/fashion-mnist-mini, 2000 train / 500 test)"
        );
        let kinds: Vec<_> = [
            DataSource::Flag(x.clone()),
            DataSource::EnvVar(x.clone()),
            DataSource::ProjectDir(x.clone()),
            DataSource::Debian(x),
            DataSource::Embedded,
        ]
        .iter()
        .map(DataSource::kind)
        .collect();
        assert_eq!(kinds, ["flag", "env", "project", "debian", "embedded"]);
    }
}
