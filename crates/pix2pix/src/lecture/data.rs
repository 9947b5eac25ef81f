//! Where a translation task's pairs come from, what the run records about them, and loading them.

use std::fmt;
use std::path::{Path, PathBuf};

use atelier_data::emoji::{self, EmojiSource, EmojiSplit, Vendor};
use atelier_data::translation::{
    colorize_pairs, edges_to_emoji_pairs, edges_to_fashion_pairs, folder_pairs, style_pairs,
};
use atelier_data::{DataRecord, DataSource, PairSet};

use crate::{Pix2PixConfig, TranslationTask};

/// The data behind a task, found but not yet read.
#[derive(Debug, Clone)]
pub enum TranslationSource {
    Emoji(EmojiSource),
    Fashion(DataSource),
    /// A paired folder (`train/`, `test/` or `val/`).
    Folder(PathBuf),
}

impl fmt::Display for TranslationSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TranslationSource::Emoji(source) => write!(f, "emoji: {source}"),
            TranslationSource::Fashion(source) => write!(f, "{source}"),
            TranslationSource::Folder(path) => write!(f, "paired folder {}", path.display()),
        }
    }
}

/// The pairs of the three splits (the folder task and Fashion-MNIST have no validation split of
/// their own: their validation pairs are the first test pairs).
pub struct TranslationData {
    pub train: PairSet,
    pub valid: PairSet,
    pub test: PairSet,
    pub source: String,
    /// edges2fashion: the Fashion-MNIST dataset itself (the evaluator's real test images).
    pub fashion: Option<atelier_data::Dataset>,
}

/// The styles the emoji tasks read: the input style, then the target style.
fn emoji_styles(task: TranslationTask) -> Vec<Vendor> {
    match task {
        TranslationTask::TwitterToGoogle => vec![Vendor::Twitter, Vendor::Google],
        _ => vec![Vendor::Google],
    }
}

/// Finds the task's data: `--data-dir` (or the usual search order of its dataset).
pub fn locate(config: &Pix2PixConfig, data_dir: Option<&Path>) -> Result<TranslationSource, String> {
    match config.task {
        task if task.reads_emoji() => emoji::locate(data_dir).map(TranslationSource::Emoji).map_err(|e| e.to_string()),
        TranslationTask::Edges2fashion => {
            atelier_data::locate(data_dir).map(TranslationSource::Fashion).map_err(|e| e.to_string())
        }
        _ => match data_dir {
            Some(dir) if dir.as_os_str() == atelier_data::source::EMBEDDED_NAME => {
                Err("--task folder reads a paired folder of your own; there is no embedded one".into())
            }
            Some(dir) if dir.is_dir() => Ok(TranslationSource::Folder(dir.to_path_buf())),
            Some(dir) => Err(format!("--data-dir {}: no such folder", dir.display())),
            None => Err("--task folder needs --data-dir DIR (train/ and test/ folders of pairs)".into()),
        },
    }
}

impl TranslationSource {
    /// What the run records: each file's (or image folder's) size and MD5.
    pub fn record(&self, config: &Pix2PixConfig) -> Result<DataRecord, String> {
        let record = match self {
            TranslationSource::Emoji(source) => DataRecord::of_emoji(source, &emoji_styles(config.task)),
            TranslationSource::Fashion(source) => DataRecord::of(source),
            TranslationSource::Folder(path) => {
                let parts: Vec<&str> = ["train", "test", "val"].into_iter().filter(|p| path.join(p).is_dir()).collect();
                DataRecord::of_colour_folder(path, &parts)
            }
        };
        record.map_err(|e| e.to_string())
    }

    /// Reads the pairs of the task; the validation and test pairs come one class after another
    /// (so the pictures, which show the first pairs, show every category).
    pub fn load(&self, config: &Pix2PixConfig, train_limit: Option<usize>) -> Result<TranslationData, String> {
        let mut data = self.load_in_file_order(config, train_limit)?;
        for set in [&mut data.valid, &mut data.test] {
            *set = set.select(&atelier_data::pairs::interleaved_by_label(&set.labels));
        }
        Ok(data)
    }

    fn load_in_file_order(
        &self,
        config: &Pix2PixConfig,
        train_limit: Option<usize>,
    ) -> Result<TranslationData, String> {
        let e = |e: atelier_data::DataError| e.to_string();
        match self {
            TranslationSource::Emoji(source) => {
                let set = emoji::load(source, &emoji_styles(config.task)).map_err(e)?;
                let build = |split| match config.task {
                    TranslationTask::TwitterToGoogle => style_pairs(&set, Vendor::Twitter, Vendor::Google, split),
                    TranslationTask::Colorize => colorize_pairs(&set, Vendor::Google, split),
                    _ => edges_to_emoji_pairs(&set, Vendor::Google, split, config.edge_threshold),
                };
                Ok(TranslationData {
                    train: build(EmojiSplit::Train).map_err(e)?,
                    valid: build(EmojiSplit::Valid).map_err(e)?,
                    test: build(EmojiSplit::Test).map_err(e)?,
                    source: set.source,
                    fashion: None,
                })
            }
            TranslationSource::Fashion(source) => {
                let data = atelier_data::load_from(source.clone()).map_err(e)?;
                let test = edges_to_fashion_pairs(&data.test, config.edge_threshold, None).map_err(e)?;
                let train = edges_to_fashion_pairs(&data.train, config.edge_threshold, train_limit).map_err(e)?;
                Ok(TranslationData {
                    train,
                    valid: test.select(&(0..test.len().min(1000)).collect::<Vec<_>>()),
                    test,
                    source: data.source.to_string(),
                    fashion: Some(data),
                })
            }
            TranslationSource::Folder(path) => {
                let grey = atelier_data::colour::GreyPolicy::Convert;
                let set = atelier_data::folders::read_paired_dataset(path, config.size, grey).map_err(e)?;
                let test = folder_pairs(&set.test).map_err(e)?;
                Ok(TranslationData {
                    train: folder_pairs(&set.train).map_err(e)?,
                    valid: test.select(&(0..test.len().min(256)).collect::<Vec<_>>()),
                    test,
                    source: path.display().to_string(),
                    fashion: None,
                })
            }
        }
    }
}

/// The embedded set's Twitter→Google training pairs (what `bench pix2pix` cycles through).
pub fn embedded_bench_pairs() -> Result<PairSet, String> {
    let set = atelier_data::emoji_mini::load(&[Vendor::Twitter, Vendor::Google]).map_err(|e| e.to_string())?;
    style_pairs(&set, Vendor::Twitter, Vendor::Google, EmojiSplit::Train).map_err(|e| e.to_string())
}
