//! What a run records about its data, and the check that a resumed or repeated run reads the same.
//!
//! A run is a pure function of its `config.json`, so the config names its data: a folder (as an
//! absolute path) or the embedded mini set, with the name, size and MD5 of each of the four files,
//! or, for data the run generates itself (a synthetic sequence task, an environment), what generates it.
//! `train --resume` and `train --config` compare that record with the data found now
//! ([`check_same_data`]) and refuse when a file differs: installing the full dataset in the middle
//! of a run must not silently switch it from 2,000 to 60,000 images.
//!
//! Two records hold the same data when they list the same files with the same sizes and MD5s;
//! where the files lie is shown, not compared (a dataset folder moved elsewhere is the same data).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::embedded::{self, EmbeddedFile};
use crate::error::DataError;
use crate::fetch::md5_of_file;
use crate::source::{DataSource, dataset_files};

/// One data file as a run saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRecord {
    /// The file name, e.g. `train-images-idx3-ubyte.gz`.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// The MD5 of its bytes, 32 lowercase hex digits.
    pub md5: String,
}

impl FileRecord {
    fn of_bytes(name: &str, bytes: &[u8]) -> Self {
        Self { name: name.to_string(), bytes: bytes.len() as u64, md5: format!("{:x}", md5::compute(bytes)) }
    }

    fn of_file(path: &Path) -> Result<Self, DataError> {
        let bytes = std::fs::metadata(path).map_err(|e| DataError::io(path, e))?.len();
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        Ok(Self { name, bytes, md5: md5_of_file(path)? })
    }
}

impl FileRecord {
    /// A file, or a folder's image files as one entry (sizes summed, one MD5 over each file's name
    /// and bytes in name order), recorded under `name`.
    fn of_path(path: &Path, name: &str) -> Result<Self, DataError> {
        if !path.is_dir() {
            return Ok(Self { name: name.to_string(), ..Self::of_file(path)? });
        }
        let mut files = Vec::new();
        let mut stack = vec![path.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).map_err(|e| DataError::io(&dir, e))? {
                let p = entry.map_err(|e| DataError::io(&dir, e))?.path();
                if p.is_dir() {
                    stack.push(p);
                } else if crate::colour::is_image_file(&p) {
                    files.push(p);
                }
            }
        }
        files.sort();
        let mut context = md5::Context::new();
        let mut bytes = 0u64;
        for file in &files {
            let content = std::fs::read(file).map_err(|e| DataError::io(file, e))?;
            context.consume(file.strip_prefix(path).unwrap_or(file).to_string_lossy().as_bytes());
            context.consume(&content);
            bytes += content.len() as u64;
        }
        Ok(Self { name: format!("{name}/ ({} images)", files.len()), bytes, md5: format!("{:x}", context.compute()) })
    }
}

impl fmt::Display for FileRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes, MD5 {}", self.bytes, self.md5)
    }
}

/// The data of a run, as `config.json` records it under `"data"`, e.g.
/// `{"kind": "embedded", "files": [{"name": "train-images-idx3-ubyte.gz", "bytes": 890000, "md5": "…"}, …]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DataRecord {
    /// A dataset folder, as an absolute path, and its four files in standard order.
    Folder { path: PathBuf, files: Vec<FileRecord> },
    /// The embedded mini set and its four compiled-in files in standard order.
    Embedded { files: Vec<FileRecord> },
    /// Data the run generates itself from its config and seed: nothing to check.
    Generated { description: String },
}

impl DataRecord {
    /// Records the data at `source`: the folder's absolute path, or the embedded set, and the size
    /// and MD5 of each of the four files. Reads every byte once (about 0.2 s for the full
    /// Fashion-MNIST), so a run computes it once.
    pub fn of(source: &DataSource) -> Result<Self, DataError> {
        match source.dir() {
            Some(dir) => {
                let files = dataset_files(dir, source.origin())?;
                let records = [&files.train_images, &files.train_labels, &files.test_images, &files.test_labels]
                    .into_iter()
                    .map(|path| FileRecord::of_file(path))
                    .collect::<Result<Vec<_>, _>>()?;
                let path = std::path::absolute(dir).map_err(|e| DataError::io(dir, e))?;
                Ok(DataRecord::Folder { path, files: records })
            }
            None => {
                let files =
                    [embedded::TRAIN_IMAGES, embedded::TRAIN_LABELS, embedded::TEST_IMAGES, embedded::TEST_LABELS]
                        .iter()
                        .map(|file: &EmbeddedFile| FileRecord::of_bytes(file.name, file.bytes))
                        .collect();
                Ok(DataRecord::Embedded { files })
            }
        }
    }

    /// The record of a colour-image folder: each listed file or sub-folder of `root` (a folder as
    /// one entry: its image files' total size and the MD5 of their names and bytes in name order).
    pub fn of_colour_folder(root: &Path, parts: &[&str]) -> Result<Self, DataError> {
        let files = parts.iter().map(|part| FileRecord::of_path(&root.join(part), part)).collect::<Result<_, _>>()?;
        let path = std::path::absolute(root).map_err(|e| DataError::io(root, e))?;
        Ok(DataRecord::Folder { path, files })
    }

    /// The record of emoji read in `styles`: the embedded set's three files, or a folder's
    /// `emoji.json` and each style's image folder.
    pub fn of_emoji(source: &crate::emoji::EmojiSource, styles: &[crate::emoji::Vendor]) -> Result<Self, DataError> {
        match source {
            crate::emoji::EmojiSource::Embedded => {
                let files =
                    crate::emoji_mini::files().iter().map(|(name, bytes)| FileRecord::of_bytes(name, bytes)).collect();
                Ok(DataRecord::Embedded { files })
            }
            crate::emoji::EmojiSource::Folder { path, .. } => {
                let parts: Vec<String> = std::iter::once("emoji.json".to_string())
                    .chain(styles.iter().map(|v| format!("img/{}/64", v.name())))
                    .collect();
                DataRecord::of_colour_folder(path, &parts.iter().map(String::as_str).collect::<Vec<_>>())
            }
        }
    }

    /// The record of images a run names one by one (a style image, a content image): image
    /// files, each under its absolute path (the record's folder is the first one's), and images
    /// compiled into the binary, each under `<name> (embedded)`; only embedded ones make an
    /// embedded record.
    pub fn of_images(files: &[&Path], embedded: &[(&str, &[u8])]) -> Result<Self, DataError> {
        if files.is_empty() {
            let files = embedded.iter().map(|(name, bytes)| FileRecord::of_bytes(name, bytes)).collect();
            return Ok(DataRecord::Embedded { files });
        }
        let absolute = |p: &Path| std::path::absolute(p).map_err(|e| DataError::io(p, e));
        let mut records = files
            .iter()
            .map(|file| Ok(FileRecord { name: absolute(file)?.display().to_string(), ..FileRecord::of_file(file)? }))
            .collect::<Result<Vec<_>, DataError>>()?;
        records.extend(embedded.iter().map(|(name, bytes)| FileRecord::of_bytes(&format!("{name} (embedded)"), bytes)));
        let path = absolute(files[0])?.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(DataRecord::Folder { path, files: records })
    }

    /// The record of data generated by the run itself, described in words.
    pub fn generated(description: &str) -> Self {
        DataRecord::Generated { description: description.to_string() }
    }

    /// The files (none for generated data).
    pub fn files(&self) -> &[FileRecord] {
        match self {
            DataRecord::Folder { files, .. } | DataRecord::Embedded { files } => files,
            DataRecord::Generated { .. } => &[],
        }
    }

    /// How a file differs between this (recorded) record and `found`, one line per file that
    /// differs; empty when both hold the same data. Generated data is never compared.
    pub fn differences(&self, found: &DataRecord) -> Vec<String> {
        match (self, found) {
            (DataRecord::Generated { .. }, DataRecord::Generated { .. }) => Vec::new(),
            (DataRecord::Generated { .. }, _) | (_, DataRecord::Generated { .. }) => {
                vec!["one is generated by the run, the other read from files".to_string()]
            }
            _ => {
                let mut lines = Vec::new();
                for recorded in self.files() {
                    match found.files().iter().find(|f| f.name == recorded.name) {
                        None => lines.push(format!("{}: recorded ({recorded}), not found", recorded.name)),
                        Some(now) if now != recorded => {
                            lines.push(format!("{}: recorded {recorded}; found {now}", recorded.name))
                        }
                        Some(_) => {}
                    }
                }
                for now in found.files() {
                    if !self.files().iter().any(|f| f.name == now.name) {
                        lines.push(format!("{}: found ({now}), not recorded", now.name));
                    }
                }
                lines
            }
        }
    }
}

impl fmt::Display for DataRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataRecord::Folder { path, .. } => write!(f, "{}", path.display()),
            DataRecord::Embedded { .. } => write!(f, "{}", embedded::DESCRIPTION),
            DataRecord::Generated { description } => write!(f, "{description}"),
        }
    }
}

/// The data found now is not the data a run recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataMismatch {
    pub recorded: DataRecord,
    pub found: DataRecord,
    /// One line per file that differs (see [`DataRecord::differences`]).
    pub differences: Vec<String>,
}

impl fmt::Display for DataMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the data found now differs from the data recorded:\n  recorded: {}\n  found:    {}",
            self.recorded, self.found
        )?;
        for line in &self.differences {
            write!(f, "\n  {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DataMismatch {}

/// `Ok` when `found` holds the same files as `recorded` (names, sizes and MD5s; generated data is
/// not checked), else a [`DataMismatch`] naming both and each file that differs.
pub fn check_same_data(recorded: &DataRecord, found: &DataRecord) -> Result<(), DataMismatch> {
    let differences = recorded.differences(found);
    if differences.is_empty() {
        Ok(())
    } else {
        Err(DataMismatch { recorded: recorded.clone(), found: found.clone(), differences })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::STANDARD_FILES;

    /// A temporary folder (removed when dropped) holding a copy of the embedded set's four files.
    fn embedded_copy() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in [embedded::TRAIN_IMAGES, embedded::TRAIN_LABELS, embedded::TEST_IMAGES, embedded::TEST_LABELS] {
            std::fs::write(dir.path().join(file.name), file.bytes).unwrap();
        }
        dir
    }

    #[test]
    fn the_embedded_record_lists_the_four_files_with_sizes_and_md5s() {
        let record = DataRecord::of(&DataSource::Embedded).unwrap();
        let DataRecord::Embedded { files } = &record else { panic!("{record:?}") };
        let names: Vec<String> = STANDARD_FILES.iter().map(|n| format!("{n}.gz")).collect();
        assert_eq!(files.iter().map(|f| f.name.clone()).collect::<Vec<_>>(), names);
        assert_eq!(files[0].bytes, embedded::TRAIN_IMAGES.bytes.len() as u64);
        assert_eq!(files[0].md5, format!("{:x}", md5::compute(embedded::TRAIN_IMAGES.bytes)));
        assert!(files.iter().all(|f| f.md5.len() == 32), "{files:?}");
        let json = serde_json::to_string(&record).unwrap();
        assert!(
            json.starts_with("{\"kind\":\"embedded\",\"files\":[{\"name\":\"train-images-idx3-ubyte.gz\""),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<DataRecord>(&json).unwrap(), record);
    }

    #[test]
    fn a_folder_record_has_the_absolute_path_and_the_same_files_as_their_embedded_twins() {
        let dir = embedded_copy();
        let record = DataRecord::of(&DataSource::Flag(dir.path().to_path_buf())).unwrap();
        let DataRecord::Folder { path, .. } = &record else { panic!("{record:?}") };
        assert!(path.is_absolute() && path == dir.path(), "{path:?}");
        let embedded = DataRecord::of(&DataSource::Embedded).unwrap();
        check_same_data(&embedded, &record).unwrap();
        let json = serde_json::to_string(&record).unwrap();
        assert!(json.starts_with("{\"kind\":\"folder\",\"path\":"), "{json}");
        assert_eq!(serde_json::from_str::<DataRecord>(&json).unwrap(), record);
    }

    #[test]
    fn one_changed_byte_is_a_mismatch_naming_both_sources_and_the_file() {
        let dir = embedded_copy();
        let path = dir.path().join("train-labels-idx1-ubyte.gz");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[9] ^= 1; // the gzip header's OS byte: the file still decodes to the same labels
        std::fs::write(&path, bytes).unwrap();
        let embedded = DataRecord::of(&DataSource::Embedded).unwrap();
        let found = DataRecord::of(&DataSource::Flag(dir.path().to_path_buf())).unwrap();
        let err = check_same_data(&embedded, &found).unwrap_err();
        assert_eq!(err.differences.len(), 1, "{err}");
        let message = err.to_string();
        assert!(message.contains("recorded: embedded mini Fashion-MNIST"), "{message}");
        assert!(message.contains(&format!("found:    {}", dir.path().display())), "{message}");
        assert!(message.contains("train-labels-idx1-ubyte.gz: recorded "), "{message}");
        assert!(!message.contains("train-images"), "{message}");
    }

    #[test]
    fn renamed_files_and_generated_data() {
        let embedded = DataRecord::of(&DataSource::Embedded).unwrap();
        let mut raw = embedded.clone();
        if let DataRecord::Embedded { files } = &mut raw {
            files[2].name = "t10k-images-idx3-ubyte".into();
        }
        let lines = embedded.differences(&raw);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with("t10k-images-idx3-ubyte.gz: recorded ("), "{lines:?}");
        assert!(lines[0].ends_with("not found"), "{lines:?}");
        assert!(lines[1].starts_with("t10k-images-idx3-ubyte: found ("), "{lines:?}");
        let cartpole = DataRecord::generated("CartPole-v1");
        check_same_data(&cartpole, &DataRecord::generated("CartPole-v1 (renamed)")).unwrap();
        assert!(check_same_data(&cartpole, &embedded).is_err());
        let json = serde_json::to_string(&cartpole).unwrap();
        assert_eq!(json, "{\"kind\":\"generated\",\"description\":\"CartPole-v1\"}");
        assert!(serde_json::from_str::<DataRecord>("{\"kind\":\"embedded\",\"files\":[],\"x\":1}").is_err());
    }
}
