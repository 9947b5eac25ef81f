//! Where a FaceNet task's identities come from, what the run records about them, and loading them.
//!
//! - `fashion`: Fashion-MNIST (or MNIST) classes as identities; training images train, the first
//!   2,000 test images validate, the 10,000 test images are the queries of `eval`.
//! - `emoji`: each base emoji an identity in every rendering (Google, Twitter, skin tones); the
//!   training, validation and test identities are the emoji split's, disjoint.
//! - `folder`: one sub-folder per identity (LFW layout); `train/` + `test/` if the folder has them,
//!   else every fifth identity (in name order) is held out, so the test is on unseen identities.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::{Background, IdentityImages};
use atelier_data::colour::GreyPolicy;
use atelier_data::emoji::{EmojiSource, EmojiSplit, Vendor};
use atelier_data::folders::read_image_folder;
use atelier_data::{DataRecord, DataSource};

use crate::{FacenetConfig, FacenetTask};

/// The emoji styles read (views of an identity).
pub const EMOJI_STYLES: [Vendor; 2] = [Vendor::Google, Vendor::Twitter];
/// Side of a folder's images once read.
pub const FOLDER_SIZE: usize = 64;
/// A folder without `train/` and `test/`: identity `i` (name order) is held out when `i % 5 == 4`.
const FOLDER_HOLD_OUT_EVERY: usize = 5;
/// Validation images (checked after every epoch) of the Fashion task: the first test images.
const FASHION_VALIDATION_IMAGES: usize = 2_000;

/// The data behind a task, found but not yet read.
#[derive(Debug, Clone)]
pub enum IdentitySource {
    Fashion(DataSource),
    Emoji(EmojiSource),
    Folder(PathBuf),
}

impl fmt::Display for IdentitySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentitySource::Fashion(source) => write!(f, "classes as identities: {source}"),
            IdentitySource::Emoji(source) => write!(f, "emoji as identities: {source}"),
            IdentitySource::Folder(path) => write!(f, "identity folder {}", path.display()),
        }
    }
}

/// The identities of the three splits.
pub struct IdentityData {
    pub train: IdentityImages,
    pub valid: IdentityImages,
    pub test: IdentityImages,
    pub source: String,
}

/// Finds the task's data: `--data-dir` or the task's usual search order.
pub fn locate(config: &FacenetConfig, data_dir: Option<&Path>) -> Result<IdentitySource, String> {
    match config.task {
        FacenetTask::Fashion => atelier_data::locate(data_dir).map(IdentitySource::Fashion).map_err(|e| e.to_string()),
        FacenetTask::Emoji => atelier_data::emoji::locate(data_dir).map(IdentitySource::Emoji).map_err(|e| e.to_string()),
        FacenetTask::Folder => match data_dir {
            Some(dir) if dir == Path::new("embedded") => Err(
                "--task folder reads an identity folder of your own; the embedded sets have none (--task fashion or emoji)"
                    .into(),
            ),
            Some(dir) if dir.is_dir() => Ok(IdentitySource::Folder(dir.to_path_buf())),
            Some(dir) => Err(format!("--data-dir {}: no such folder", dir.display())),
            None => Err("--task folder needs --data-dir DIR (one sub-folder of images per identity)".into()),
        },
    }
}

/// The sub-folders of `dir`, sorted (hidden ones skipped).
pub fn sub_folders(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    out.sort();
    Ok(out)
}

/// Whether a folder is split into `train/` and `test/` identity folders.
fn has_split(dir: &Path) -> bool {
    dir.join("train").is_dir() && dir.join("test").is_dir()
}

impl IdentitySource {
    /// What the run records: each file's (or identity folder's) size and MD5.
    pub fn record(&self) -> Result<DataRecord, String> {
        let record = match self {
            IdentitySource::Fashion(source) => DataRecord::of(source),
            IdentitySource::Emoji(source) => DataRecord::of_emoji(source, &EMOJI_STYLES),
            IdentitySource::Folder(path) => {
                let mut parts = Vec::new();
                let roots =
                    if has_split(path) { vec![path.join("train"), path.join("test")] } else { vec![path.clone()] };
                for root in roots {
                    for folder in sub_folders(&root)? {
                        let relative = folder.strip_prefix(path).unwrap_or(&folder).to_string_lossy().into_owned();
                        parts.push(relative);
                    }
                }
                let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
                DataRecord::of_colour_folder(path, &parts)
            }
        };
        record.map_err(|e| e.to_string())
    }

    /// Reads the three splits.
    pub fn load(&self) -> Result<IdentityData, String> {
        let e = |e: atelier_data::DataError| e.to_string();
        match self {
            IdentitySource::Fashion(source) => {
                let data = atelier_data::load_from(source.clone()).map_err(e)?;
                let style = "fashion-mnist";
                let train = IdentityImages::from_split(&data.train, &data.class_names, style);
                let test = IdentityImages::from_split(&data.test, &data.class_names, style);
                let valid = test.subset(&(0..test.len().min(FASHION_VALIDATION_IMAGES)).collect::<Vec<_>>());
                Ok(IdentityData { train, valid, test, source: data.source.to_string() })
            }
            IdentitySource::Emoji(source) => {
                let set = atelier_data::emoji::load(source, &EMOJI_STYLES).map_err(e)?;
                Ok(IdentityData {
                    train: IdentityImages::from_emoji(&set, EmojiSplit::Train),
                    valid: IdentityImages::from_emoji(&set, EmojiSplit::Valid),
                    test: IdentityImages::from_emoji(&set, EmojiSplit::Test),
                    source: set.source.clone(),
                })
            }
            IdentitySource::Folder(path) => {
                let read = |dir: &Path| -> Result<IdentityImages, String> {
                    let images = read_image_folder(dir, FOLDER_SIZE, GreyPolicy::Convert).map_err(e)?;
                    Ok(IdentityImages::from_labelled(&images, 3, Background::White))
                };
                let (train, test) = if has_split(path) {
                    (read(&path.join("train"))?, read(&path.join("test"))?)
                } else {
                    let all = read(path)?;
                    let held_out = |identity: usize| identity % FOLDER_HOLD_OUT_EVERY == FOLDER_HOLD_OUT_EVERY - 1;
                    let (test, train): (Vec<usize>, Vec<usize>) =
                        (0..all.len()).partition(|&i| held_out(all.identities[i]));
                    if test.is_empty() {
                        return Err(format!(
                            "{}: {} identit(ies) leave none to test on (every {FOLDER_HOLD_OUT_EVERY}th is held out; \
                             give at least {FOLDER_HOLD_OUT_EVERY}, or train/ and test/ folders)",
                            path.display(),
                            all.num_identities()
                        ));
                    }
                    (all.subset(&train), all.subset(&test))
                };
                let valid = test.clone();
                Ok(IdentityData { train, valid, test, source: path.display().to_string() })
            }
        }
    }
}

/// The config with the data's shape (channels, side), refusing data that cannot make a batch.
pub fn fit_config_to_data(config: &mut FacenetConfig, data: &IdentityData) -> Result<(), String> {
    let [channels, height, width] = data.train.image_shape;
    if height != width {
        return Err(format!("the images are {height}×{width}; the embedding network takes square images"));
    }
    config.input_channels = channels;
    config.image_size = height;
    let usable = |set: &IdentityImages| set.views_by_identity().iter().filter(|v| v.len() >= 2).count();
    for (name, set) in [("training", &data.train), ("validation", &data.valid)] {
        if usable(set) < 2 {
            return Err(format!(
                "the {name} images hold {} identit(ies) with two or more images; a triplet needs at least two",
                usable(set)
            ));
        }
    }
    config.validate()
}
